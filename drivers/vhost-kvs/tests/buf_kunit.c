// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vhost-kvs's frame buffers (buf.c): what a receiving
 * queue may hold of one sender, reserved and given back in runs; buffers
 * given back to their pools a run at a time; and the receiver's header
 * each buffer carries in front of its frame.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>

#include "kvs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static int held_total(const struct kvs_queue *q)
{
	int i, n = 0;

	for (i = 0; i < KVS_HELD_SLOTS; i++)
		n += atomic_read(&q->held[i]);
	return n;
}

/* Reservations stop at KVS_HELD_MAX and start again as frames leave. */
static void buf_held_reserve(struct kunit *test)
{
	struct kvs_queue *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct kvs_pool *pool = (struct kvs_pool *)0x1000;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, kvs_held_reserve(q, pool, 200), 200);
	KUNIT_EXPECT_EQ(test, kvs_held_reserve(q, pool, 100),
			KVS_HELD_MAX - 200);
	KUNIT_EXPECT_EQ(test, held_total(q), KVS_HELD_MAX);
	KUNIT_EXPECT_EQ(test, kvs_held_reserve(q, pool, 1), 0);
	KUNIT_EXPECT_EQ(test, held_total(q), KVS_HELD_MAX);
	kvs_held_return(q, pool, 10);
	KUNIT_EXPECT_EQ(test, kvs_held_reserve(q, pool, 64), 10);
	kvs_held_return(q, pool, KVS_HELD_MAX);
	KUNIT_EXPECT_EQ(test, held_total(q), 0);
	kvs_held_return(q, pool, 0);
	KUNIT_EXPECT_EQ(test, held_total(q), 0);
}

/* Buffers without a reference left go back to their own pool, once. */
static void buf_put_to(struct kunit *test)
{
	struct kvs_pool *p1 = kvs_pool_create(), *p2 = kvs_pool_create();
	struct kvs_buf *a, *b, *c, *d, *again[3];
	struct kvs_buf_list l = {};
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p1);
	KUNIT_ASSERT_NOT_NULL(test, p2);
	a = kvs_pool_get(p1, 60);
	b = kvs_pool_get(p1, 1500);
	c = kvs_pool_get(p1, 60);
	d = kvs_pool_get(p2, 60);
	KUNIT_ASSERT_TRUE(test, a && b && c && d);
	refcount_inc(&c->refs);		/* c is still in another ring */

	kvs_buf_put_to(&l, a);
	kvs_buf_put_to(&l, b);
	kvs_buf_put_to(&l, c);
	KUNIT_EXPECT_PTR_EQ(test, l.pool, p1);
	/* Another pool's buffer gives p1's back first. */
	kvs_buf_put_to(&l, d);
	KUNIT_EXPECT_PTR_EQ(test, l.pool, p2);
	kvs_buf_list_flush(&l);
	KUNIT_EXPECT_NULL(test, l.first);
	kvs_buf_list_flush(&l);		/* nothing left: a no-op */

	/* p1 hands a and b out again, not c, which is still held. */
	for (i = 0; i < 2; i++) {
		again[i] = kvs_pool_get(p1, 60);
		KUNIT_ASSERT_NOT_NULL(test, again[i]);
		KUNIT_EXPECT_TRUE(test, again[i] == a || again[i] == b);
		KUNIT_EXPECT_PTR_NE(test, again[i], c);
	}
	KUNIT_EXPECT_PTR_NE(test, again[0], again[1]);
	again[2] = kvs_pool_get(p2, 60);
	KUNIT_EXPECT_PTR_EQ(test, again[2], d);

	for (i = 0; i < 3; i++)
		kvs_buf_put(again[i]);
	kvs_buf_put(c);
	/* The owners go; what they hold is freed (kmemleak checks). */
	kvs_pool_release(p1);
	kvs_pool_release(p2);
}

/* A buffer whose owner went is freed by whoever gives it back. */
static void buf_put_to_orphan(struct kunit *test)
{
	struct kvs_pool *p = kvs_pool_create();
	struct kvs_buf_list l = {};
	struct kvs_buf *a;

	KUNIT_ASSERT_NOT_NULL(test, p);
	a = kvs_pool_get(p, 60);
	KUNIT_ASSERT_NOT_NULL(test, a);
	kvs_pool_release(p);
	kvs_buf_put_to(&l, a);
	kvs_buf_list_flush(&l);		/* frees a, then the pool */
}

/* The receiver's header, in front of the frame, follows the frame's. */
static void buf_rxhdr(struct kunit *test)
{
	struct kvs_pool *p = kvs_pool_create();
	struct kvs_vhdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM |
			 VIRTIO_NET_HDR_F_DATA_VALID,
		.gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = 54, .gso_size = 1448,
		.csum_start = 34, .csum_offset = 16,
	};
	struct virtio_net_hdr_mrg_rxbuf *h;
	struct kvs_buf *buf;

	KUNIT_ASSERT_NOT_NULL(test, p);
	buf = kvs_pool_get(p, 60);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	kvs_buf_set_vhdr(buf, &vh);
	h = (void *)(buf->data - sizeof(*h));
	KUNIT_EXPECT_PTR_EQ(test, h, &buf->rxhdr);
	/* DATA_VALID is never passed on as a promise. */
	KUNIT_EXPECT_EQ(test, h->hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	KUNIT_EXPECT_EQ(test, h->hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h->hdr.hdr_len), 54);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h->hdr.gso_size), 1448);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h->hdr.csum_start), 34);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h->hdr.csum_offset), 16);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, h->num_buffers), 1);
	KUNIT_EXPECT_EQ(test, buf->vhdr.csum_start, 34);
	kvs_buf_put(buf);
	kvs_pool_release(p);
}

static struct kunit_case kvs_buf_test_cases[] = {
	KUNIT_CASE(buf_held_reserve),
	KUNIT_CASE(buf_put_to),
	KUNIT_CASE(buf_put_to_orphan),
	KUNIT_CASE(buf_rxhdr),
	{}
};

static struct kunit_suite kvs_buf_test_suite = {
	.name = "vhost_kvs_buf",
	.test_cases = kvs_buf_test_cases,
};

kunit_test_suite(kvs_buf_test_suite);
