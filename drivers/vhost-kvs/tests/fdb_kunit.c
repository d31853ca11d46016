// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vhost-kvs's MAC learning table (fdb.c): learning,
 * moves, VLAN separation, ageing with a test-controlled clock, static
 * entries, caps, a flood of random source MACs, leaving ports; and the
 * forwarding decision built on it (fwd.c).
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/etherdevice.h>
#include <linux/random.h>

#include "kvs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define AGE	1000	/* jiffies */
#define T0	5000

struct fdb_ctx {
	struct kvs_fdb fdb;
	struct kvs_fdb_dst a, b;
};

static const u8 mac1[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 1 };
static const u8 mac2[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 2 };

static int fdb_test_init(struct kunit *test)
{
	struct fdb_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, kvs_fdb_init(&c->fdb, 1024, AGE), 0);
	test->priv = c;
	return 0;
}

static void fdb_test_exit(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_destroy(&c->fdb);
	/* kfree_rcu() callbacks must not outlive the test's memory. */
	rcu_barrier();
}

static struct kvs_fdb_dst *lookup(struct fdb_ctx *c, const u8 *mac, u16 vid)
{
	struct kvs_fdb_dst *d;

	rcu_read_lock();
	d = kvs_fdb_lookup(&c->fdb, mac, vid);
	rcu_read_unlock();
	return d;
}

static void fdb_learn_lookup_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	KUNIT_EXPECT_NULL(test, lookup(c, mac1, 0));
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0),
			KVS_FDB_NEW);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 0), &c->a);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0 + 1),
			KVS_FDB_KNOWN);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 1);
	KUNIT_EXPECT_NULL(test, lookup(c, mac2, 0));
}

static void fdb_move_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->b, T0),
			KVS_FDB_MOVED);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 0), &c->b);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->b.learned), 1);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 1);
}

static void fdb_vlan_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 10, &c->a, T0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 20, &c->b, T0),
			KVS_FDB_NEW);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 10), &c->a);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 20), &c->b);
	KUNIT_EXPECT_NULL(test, lookup(c, mac1, 0));
}

static void fdb_not_unicast_test(struct kunit *test)
{
	static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct fdb_ctx *c = test->priv;
	u8 zero[ETH_ALEN] = {};
	u8 bcast[ETH_ALEN];

	eth_broadcast_addr(bcast);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, bcast, 0, &c->a, T0),
			KVS_FDB_NOT_UNICAST);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mcast, 0, &c->a, T0),
			KVS_FDB_NOT_UNICAST);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, zero, 0, &c->a, T0),
			KVS_FDB_NOT_UNICAST);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 0);
}

static void fdb_ageing_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0);
	kvs_fdb_learn(&c->fdb, mac2, 0, &c->a, T0);
	/* mac2 is seen again half-way, so it outlives mac1. */
	kvs_fdb_learn(&c->fdb, mac2, 0, &c->a, T0 + AGE / 2);
	KUNIT_EXPECT_EQ(test, kvs_fdb_age(&c->fdb, T0 + AGE - 1), 0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_age(&c->fdb, T0 + AGE), 1);
	KUNIT_EXPECT_NULL(test, lookup(c, mac1, 0));
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 0), &c->a);
	KUNIT_EXPECT_EQ(test, kvs_fdb_age(&c->fdb, T0 + AGE / 2 + AGE), 1);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 0);
}

static void fdb_static_test(struct kunit *test)
{
	static const u8 group[ETH_ALEN] = { 0x01 };
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 0, &c->b, T0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_add_static(&c->fdb, mac1, 0, &c->a), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->b.learned), 0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->b, T0),
			KVS_FDB_STATIC);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 0), &c->a);
	KUNIT_EXPECT_EQ(test, kvs_fdb_age(&c->fdb, T0 + 100 * AGE), 0);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 0), &c->a);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_del(&c->fdb, mac1, 0), 0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_del(&c->fdb, mac1, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, kvs_fdb_add_static(&c->fdb, group, 0, &c->a),
			-EINVAL);
}

static void fdb_flush_dst_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0);
	kvs_fdb_learn(&c->fdb, mac1, 5, &c->a, T0);
	kvs_fdb_add_static(&c->fdb, mac2, 7, &c->a);
	kvs_fdb_learn(&c->fdb, mac2, 0, &c->b, T0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_flush(&c->fdb, &(struct kvs_fdb_flush_desc){
				.dst = &c->a }), 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 0);
	KUNIT_EXPECT_NULL(test, lookup(c, mac1, 0));
	KUNIT_EXPECT_NULL(test, lookup(c, mac2, 7));
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 0), &c->b);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 1);
}

/* A flush of learned entries (of one destination, or all) keeps statics. */
static void fdb_flush_learned_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0);
	kvs_fdb_add_static(&c->fdb, mac2, 7, &c->a);
	kvs_fdb_learn(&c->fdb, mac2, 0, &c->b, T0);
	KUNIT_EXPECT_EQ(test, kvs_fdb_flush(&c->fdb, &(struct kvs_fdb_flush_desc){
				.dst = &c->a, .learned_only = true }), 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 7), &c->a);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 0), &c->b);
	KUNIT_EXPECT_EQ(test, kvs_fdb_flush(&c->fdb, &(struct kvs_fdb_flush_desc){
				.learned_only = true }), 1);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 7), &c->a);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 1);
}

static void fdb_table_cap_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;
	u8 mac[ETH_ALEN] = { 0x52, 0x54, 0, 0, 1, 0 };
	int i;

	c->fdb.max_entries = 5;
	for (i = 0; i < 5; i++) {
		mac[5] = i;
		KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac, 0, &c->a, T0),
				KVS_FDB_NEW);
	}
	mac[5] = 5;
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac, 0, &c->a, T0),
			KVS_FDB_FULL);
	KUNIT_EXPECT_NULL(test, lookup(c, mac, 0));
	KUNIT_EXPECT_EQ(test, kvs_fdb_add_static(&c->fdb, mac, 0, &c->a),
			-ENOSPC);
}

/* A guest cycling through random source MACs holds at most its cap. */
static void fdb_mac_flood_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;
	unsigned int full = 0;
	u8 mac[ETH_ALEN];
	int i;

	c->a.max_learned = 64;
	for (i = 0; i < 5000; i++) {
		eth_random_addr(mac);
		if (kvs_fdb_learn(&c->fdb, mac, 0, &c->a, T0) ==
		    KVS_FDB_DST_FULL)
			full++;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->a.learned), 64);
	KUNIT_EXPECT_EQ(test, c->fdb.count, 64);
	KUNIT_EXPECT_EQ(test, full, 5000 - 64);
	/* Another destination still learns. */
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->b, T0),
			KVS_FDB_NEW);
	/* Moving onto a full destination is refused, the entry stays. */
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0),
			KVS_FDB_DST_FULL);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac1, 0), &c->b);
}

/* A port that is leaving: flushed, and nothing learned onto it again. */
static void fdb_closed_dst_test(struct kunit *test)
{
	struct fdb_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0),
			KVS_FDB_NEW);
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac2, 0, &c->b, T0),
			KVS_FDB_NEW);
	KUNIT_EXPECT_EQ(test, kvs_fdb_close_dst(&c->fdb, &c->a), 1);
	KUNIT_EXPECT_NULL(test, lookup(c, mac1, 0));
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0),
			KVS_FDB_CLOSED);
	/* Nor may an entry of another port move onto it. */
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac2, 0, &c->a, T0),
			KVS_FDB_CLOSED);
	KUNIT_EXPECT_PTR_EQ(test, lookup(c, mac2, 0), &c->b);
	/* Attached again (switch.c clears the flag after a grace period). */
	c->a.closed = false;
	KUNIT_EXPECT_EQ(test, kvs_fdb_learn(&c->fdb, mac1, 0, &c->a, T0),
			KVS_FDB_NEW);
}

static struct kvs_fdb_dst *fwd_learn(struct fdb_ctx *c, const u8 *dst,
				     const u8 *src, struct kvs_fdb_dst *from,
				     bool learn)
{
	struct kvs_fdb_dst *d;
	struct ethhdr eth;

	ether_addr_copy(eth.h_dest, dst);
	ether_addr_copy(eth.h_source, src);
	rcu_read_lock();
	d = kvs_fwd_lookup(&c->fdb, &eth, from, 0, learn, NULL);
	rcu_read_unlock();
	return d;
}

static struct kvs_fdb_dst *fwd(struct fdb_ctx *c, const u8 *dst,
			       const u8 *src, struct kvs_fdb_dst *from)
{
	return fwd_learn(c, dst, src, from, true);
}

/* Forwarding decisions (fwd.c): flood, unicast, never back out. */
static void fwd_classify_test(struct kunit *test)
{
	static const u8 mac3[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 3 };
	static const u8 mac4[ETH_ALEN] = { 0x52, 0x54, 0, 0, 0, 4 };
	static const u8 mcast[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 1 };
	struct fdb_ctx *c = test->priv;
	u8 bcast[ETH_ALEN];

	eth_broadcast_addr(bcast);
	/* Unknown unicast floods, and the source is learned on the way. */
	KUNIT_EXPECT_NULL(test, fwd(c, mac2, mac1, &c->a));
	KUNIT_EXPECT_PTR_EQ(test, fwd(c, mac1, mac2, &c->b), &c->a);
	KUNIT_EXPECT_PTR_EQ(test, fwd(c, mac2, mac1, &c->a), &c->b);
	/* Group addresses flood even when a unicast MAC is known. */
	KUNIT_EXPECT_NULL(test, fwd(c, bcast, mac1, &c->a));
	KUNIT_EXPECT_NULL(test, fwd(c, mcast, mac1, &c->a));
	/* A MAC behind the port a frame came in on: that port (dropped). */
	KUNIT_EXPECT_PTR_EQ(test, fwd(c, mac1, mac3, &c->a), &c->a);
	/* mac1 moves to b; frames from a to it now go to b. */
	KUNIT_EXPECT_NULL(test, fwd(c, bcast, mac1, &c->b));
	KUNIT_EXPECT_PTR_EQ(test, fwd(c, mac1, mac3, &c->a), &c->b);
	/* A group source address is never learned. */
	KUNIT_EXPECT_PTR_EQ(test, fwd(c, mac3, mcast, &c->b), &c->a);
	KUNIT_EXPECT_NULL(test, lookup(c, mcast, 0));
	/* Learning off (port-set learning 0): forwarded, not learned, so
	 * frames to the source keep flooding.
	 */
	KUNIT_EXPECT_PTR_EQ(test, fwd_learn(c, mac3, mac4, &c->b, false),
			    &c->a);
	KUNIT_EXPECT_NULL(test, lookup(c, mac4, 0));
	KUNIT_EXPECT_NULL(test, fwd(c, mac4, mac3, &c->a));
}

static struct kunit_case fdb_test_cases[] = {
	KUNIT_CASE(fdb_closed_dst_test),
	KUNIT_CASE(fwd_classify_test),
	KUNIT_CASE(fdb_learn_lookup_test),
	KUNIT_CASE(fdb_move_test),
	KUNIT_CASE(fdb_vlan_test),
	KUNIT_CASE(fdb_not_unicast_test),
	KUNIT_CASE(fdb_ageing_test),
	KUNIT_CASE(fdb_static_test),
	KUNIT_CASE(fdb_flush_dst_test),
	KUNIT_CASE(fdb_flush_learned_test),
	KUNIT_CASE(fdb_table_cap_test),
	KUNIT_CASE(fdb_mac_flood_test),
	{}
};

static struct kunit_suite fdb_test_suite = {
	.name = "vhost_kvs_fdb",
	.init = fdb_test_init,
	.exit = fdb_test_exit,
	.test_cases = fdb_test_cases,
};

kunit_test_suite(fdb_test_suite);
