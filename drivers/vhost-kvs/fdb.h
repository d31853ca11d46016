/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAC learning table of one switch. No vhost dependency: KUnit tests it
 * on its own.
 *
 * LOCKING
 *
 * Readers (the forwarding path) look entries up under rcu_read_lock().
 * fdb->lock serialises every insertion, move and removal; it is taken
 * with BH off, since a host port's device learns from softirq context.
 * Refreshing an entry that already points at the right destination only
 * stores a new timestamp, without the lock. Entries are freed after an
 * RCU grace period.
 * Walks of the table (ageing, flushes, dumps) run under RCU and take
 * fdb->lock only for each entry they remove, never across the table.
 * A destination must stay valid until kvs_fdb_close_dst() has removed its
 * entries and a grace period has passed. Closing, rather than flushing,
 * also stops a learner that looked the switch up before the port left
 * from adding an entry behind the flush; dst->closed is set under
 * fdb->lock and never cleared: a port that attaches again is a new one.
 */
#ifndef _VHOST_KVS_FDB_H
#define _VHOST_KVS_FDB_H

#include <linux/atomic.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>

/* What an entry forwards to; embedded in a port. */
struct kvs_fdb_dst {
	atomic_t learned;		/* learned entries pointing here */
	unsigned int max_learned;	/* 0: no per-destination cap */
	/* Set by kvs_fdb_close_dst(): nothing more is learned onto it */
	bool closed;
};

struct kvs_fdb_key {
	u8 addr[ETH_ALEN];
	u16 vid;
};

struct kvs_fdb_entry {
	struct rhash_head node;
	struct hlist_node list;		/* fdb->entries, for ageing and flush */
	struct kvs_fdb_key key;
	struct kvs_fdb_dst *dst;	/* READ_ONCE() under RCU */
	unsigned long updated;		/* jiffies of the last frame seen */
	bool is_static;
	bool dead;			/* unlinked; under fdb->lock */
	struct rcu_head rcu;
};

struct kvs_fdb {
	struct rhashtable tbl;
	struct hlist_head entries;
	spinlock_t lock;		/* writers; see LOCKING */
	unsigned int count;		/* under lock */
	unsigned int gen;		/* under lock: bumped by every change,
					 * never 0 (netlink dump consistency)
					 */
	unsigned int max_entries;
	unsigned long ageing_time;	/* jiffies */
	/* Told of each entry kvs_fdb_age() removes, under fdb->lock; may be
	 * NULL (the KUnit suites leave it so).
	 */
	void (*aged)(struct kvs_fdb *fdb, const struct kvs_fdb_entry *e);
};

enum kvs_fdb_learn {
	KVS_FDB_KNOWN,		/* already there, timestamp refreshed */
	KVS_FDB_NEW,
	KVS_FDB_MOVED,		/* was learned on another destination */
	KVS_FDB_NOT_UNICAST,	/* a group address is never learned */
	KVS_FDB_STATIC,		/* a static entry holds it; not moved */
	KVS_FDB_DST_FULL,	/* the destination's cap is reached */
	KVS_FDB_FULL,		/* the table's cap is reached */
	KVS_FDB_NOMEM,
	KVS_FDB_CLOSED,		/* the destination is leaving */
};

/*
 * Dump generations: bumped by every change of what a dump walks (a
 * namespace's switches; a switch's ports and their policy; a switch's
 * FDB), never 0, so that a dump in several parts can tell
 * (NLM_F_DUMP_INTR) it was changed between them. Readers may not hold the
 * writers' lock.
 */
static inline void kvs_gen_bump(unsigned int *gen)
{
	WRITE_ONCE(*gen, *gen + 1 ?: 1);
}

int kvs_fdb_init(struct kvs_fdb *fdb, unsigned int max_entries,
		 unsigned long ageing_time);
void kvs_fdb_destroy(struct kvs_fdb *fdb);
struct kvs_fdb_dst *kvs_fdb_lookup(struct kvs_fdb *fdb, const u8 *addr,
				   u16 vid);
enum kvs_fdb_learn kvs_fdb_learn(struct kvs_fdb *fdb, const u8 *addr, u16 vid,
				 struct kvs_fdb_dst *dst, unsigned long now);
int kvs_fdb_add_static(struct kvs_fdb *fdb, const u8 *addr, u16 vid,
		       struct kvs_fdb_dst *dst);
int kvs_fdb_del(struct kvs_fdb *fdb, const u8 *addr, u16 vid);

/**
 * struct kvs_fdb_flush_desc - which entries kvs_fdb_flush() removes
 * @dst: only those pointing here; NULL: wherever they point
 * @learned_only: static entries stay
 * @aged: only learned entries not refreshed for the table's ageing time
 *	before @now; the table's aged hook is told of each
 * @now: jiffies, for @aged
 */
struct kvs_fdb_flush_desc {
	const struct kvs_fdb_dst *dst;
	bool learned_only;
	bool aged;
	unsigned long now;
};

unsigned int kvs_fdb_flush(struct kvs_fdb *fdb,
			   const struct kvs_fdb_flush_desc *desc);
unsigned int kvs_fdb_close_dst(struct kvs_fdb *fdb, struct kvs_fdb_dst *dst);
unsigned int kvs_fdb_age(struct kvs_fdb *fdb, unsigned long now);
int kvs_fdb_walk(struct kvs_fdb *fdb, unsigned long *pos,
		 int (*fn)(const struct kvs_fdb_entry *e, void *arg),
		 void *arg);

#endif /* _VHOST_KVS_FDB_H */
