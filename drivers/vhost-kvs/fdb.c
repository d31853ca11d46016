// SPDX-License-Identifier: GPL-2.0
/*
 * MAC learning: an rhashtable keyed by (MAC, VLAN) for RCU lookups on the
 * forwarding path, and a list of the same entries for ageing and flushing.
 * Caps on the whole table and per destination keep a guest that sends from
 * random source MACs from growing kernel memory.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "fdb.h"

static const struct rhashtable_params kvs_fdb_params = {
	.head_offset = offsetof(struct kvs_fdb_entry, node),
	.key_offset = offsetof(struct kvs_fdb_entry, key),
	.key_len = sizeof(struct kvs_fdb_key),
	.automatic_shrinking = true,
};

int kvs_fdb_init(struct kvs_fdb *fdb, unsigned int max_entries,
		 unsigned long ageing_time)
{
	spin_lock_init(&fdb->lock);
	INIT_HLIST_HEAD(&fdb->entries);
	fdb->count = 0;
	fdb->gen = 1;
	fdb->max_entries = max_entries;
	fdb->ageing_time = ageing_time;
	fdb->aged = NULL;
	return rhashtable_init(&fdb->tbl, &kvs_fdb_params);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_init);

static void kvs_fdb_key_set(struct kvs_fdb_key *key, const u8 *addr, u16 vid)
{
	memset(key, 0, sizeof(*key));
	ether_addr_copy(key->addr, addr);
	key->vid = vid;
}

static struct kvs_fdb_entry *kvs_fdb_find(struct kvs_fdb *fdb, const u8 *addr,
					  u16 vid)
{
	struct kvs_fdb_key key;

	kvs_fdb_key_set(&key, addr, vid);
	/* Callers hold RCU or fdb->lock; the _fast variant takes RCU itself
	 * so both are right, and the entry stays valid under either.
	 */
	return rhashtable_lookup_fast(&fdb->tbl, &key, kvs_fdb_params);
}

/* Caller holds rcu_read_lock(); the result stays valid until it drops it. */
struct kvs_fdb_dst *kvs_fdb_lookup(struct kvs_fdb *fdb, const u8 *addr,
				   u16 vid)
{
	struct kvs_fdb_entry *e = kvs_fdb_find(fdb, addr, vid);

	return e ? READ_ONCE(e->dst) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_lookup);

static void kvs_fdb_unlink(struct kvs_fdb *fdb, struct kvs_fdb_entry *e)
{
	lockdep_assert_held(&fdb->lock);
	rhashtable_remove_fast(&fdb->tbl, &e->node, kvs_fdb_params);
	hlist_del_rcu(&e->list);
	e->dead = true;
	if (!e->is_static)
		atomic_dec(&e->dst->learned);
	fdb->count--;
	kvs_gen_bump(&fdb->gen);
	kfree_rcu(e, rcu);
}

static bool kvs_fdb_dst_full(const struct kvs_fdb_dst *dst)
{
	/* port-set changes the cap without the FDB lock */
	unsigned int max = READ_ONCE(dst->max_learned);

	return max && atomic_read(&dst->learned) >= max;
}

/* Point an existing learned entry at a new destination. */
static enum kvs_fdb_learn kvs_fdb_move(struct kvs_fdb_entry *e,
				       struct kvs_fdb_dst *dst,
				       unsigned long now)
{
	if (e->is_static)
		return KVS_FDB_STATIC;
	if (e->dst == dst) {	/* raced with another learner */
		WRITE_ONCE(e->updated, now);
		return KVS_FDB_KNOWN;
	}
	if (kvs_fdb_dst_full(dst))
		return KVS_FDB_DST_FULL;
	atomic_dec(&e->dst->learned);
	atomic_inc(&dst->learned);
	WRITE_ONCE(e->dst, dst);
	WRITE_ONCE(e->updated, now);
	return KVS_FDB_MOVED;
}

static int kvs_fdb_insert(struct kvs_fdb *fdb, struct kvs_fdb_entry *e)
{
	int err;

	lockdep_assert_held(&fdb->lock);
	err = rhashtable_lookup_insert_fast(&fdb->tbl, &e->node,
					    kvs_fdb_params);
	if (err)
		return err;
	hlist_add_head_rcu(&e->list, &fdb->entries);
	if (!e->is_static)
		atomic_inc(&e->dst->learned);
	fdb->count++;
	kvs_gen_bump(&fdb->gen);
	return 0;
}

static struct kvs_fdb_entry *kvs_fdb_alloc(const u8 *addr, u16 vid,
					   struct kvs_fdb_dst *dst,
					   unsigned long now, bool is_static)
{
	/* Learning runs in the datapath under rcu_read_lock(). */
	struct kvs_fdb_entry *e = kzalloc(sizeof(*e), GFP_ATOMIC | __GFP_ACCOUNT |
					  __GFP_NOWARN);

	if (!e)
		return NULL;
	kvs_fdb_key_set(&e->key, addr, vid);
	e->dst = dst;
	e->updated = now;
	e->is_static = is_static;
	return e;
}

static enum kvs_fdb_learn kvs_fdb_learn_slow(struct kvs_fdb *fdb,
					     const u8 *addr, u16 vid,
					     struct kvs_fdb_dst *dst,
					     unsigned long now)
{
	struct kvs_fdb_entry *e, *fresh;
	enum kvs_fdb_learn ret;

	/* Allocated before the lock, so the lock is never held asleep. */
	fresh = kvs_fdb_alloc(addr, vid, dst, now, false);
	spin_lock_bh(&fdb->lock);
	e = kvs_fdb_find(fdb, addr, vid);
	if (READ_ONCE(dst->closed))
		ret = KVS_FDB_CLOSED;
	else if (e)
		ret = kvs_fdb_move(e, dst, now);
	else if (!fresh)
		ret = KVS_FDB_NOMEM;
	else if (fdb->count >= fdb->max_entries)
		ret = KVS_FDB_FULL;
	else if (kvs_fdb_dst_full(dst))
		ret = KVS_FDB_DST_FULL;
	else if (kvs_fdb_insert(fdb, fresh))
		ret = KVS_FDB_NOMEM;
	else
		ret = KVS_FDB_NEW;
	if (ret == KVS_FDB_MOVED)	/* a dump in progress shows the old port */
		kvs_gen_bump(&fdb->gen);
	spin_unlock_bh(&fdb->lock);
	if (ret != KVS_FDB_NEW)
		kfree(fresh);
	return ret;
}

/**
 * kvs_fdb_learn() - note that @addr on VLAN @vid was seen behind @dst
 * @fdb: the table
 * @addr: a frame's source MAC
 * @vid: its VLAN
 * @dst: where frames to @addr should go from now on
 * @now: jiffies (a parameter so tests can move time)
 *
 * The common case, a known MAC seen again on the same destination, takes
 * no lock. Context: any; does not sleep.
 */
enum kvs_fdb_learn kvs_fdb_learn(struct kvs_fdb *fdb, const u8 *addr, u16 vid,
				 struct kvs_fdb_dst *dst, unsigned long now)
{
	struct kvs_fdb_entry *e;

	if (!is_valid_ether_addr(addr))
		return KVS_FDB_NOT_UNICAST;

	rcu_read_lock();
	e = kvs_fdb_find(fdb, addr, vid);
	if (e && READ_ONCE(e->dst) == dst) {
		if (READ_ONCE(e->updated) != now)
			WRITE_ONCE(e->updated, now);
		rcu_read_unlock();
		return KVS_FDB_KNOWN;
	}
	rcu_read_unlock();
	return kvs_fdb_learn_slow(fdb, addr, vid, dst, now);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_learn);

/* A static entry replaces whatever was there and never ages or moves. */
int kvs_fdb_add_static(struct kvs_fdb *fdb, const u8 *addr, u16 vid,
		       struct kvs_fdb_dst *dst)
{
	struct kvs_fdb_entry *e, *fresh;
	int err;

	if (!is_valid_ether_addr(addr))
		return -EINVAL;
	fresh = kvs_fdb_alloc(addr, vid, dst, jiffies, true);
	if (!fresh)
		return -ENOMEM;
	spin_lock_bh(&fdb->lock);
	e = kvs_fdb_find(fdb, addr, vid);
	if (e)
		kvs_fdb_unlink(fdb, e);
	err = fdb->count >= fdb->max_entries ? -ENOSPC :
	      kvs_fdb_insert(fdb, fresh);
	spin_unlock_bh(&fdb->lock);
	if (err)
		kfree(fresh);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_add_static);

int kvs_fdb_del(struct kvs_fdb *fdb, const u8 *addr, u16 vid)
{
	struct kvs_fdb_entry *e;
	int err = -ENOENT;

	spin_lock_bh(&fdb->lock);
	e = kvs_fdb_find(fdb, addr, vid);
	if (e) {
		kvs_fdb_unlink(fdb, e);
		err = 0;
	}
	spin_unlock_bh(&fdb->lock);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_del);

static bool kvs_fdb_flush_match(const struct kvs_fdb *fdb,
				const struct kvs_fdb_entry *e,
				const struct kvs_fdb_flush_desc *desc)
{
	if (desc->dst && READ_ONCE(e->dst) != desc->dst)
		return false;
	if ((desc->learned_only || desc->aged) && e->is_static)
		return false;
	return !desc->aged ||
	       !time_before(desc->now, READ_ONCE(e->updated) + fdb->ageing_time);
}

/**
 * kvs_fdb_flush() - remove the entries @desc describes
 * @fdb: the table
 * @desc: which ones
 *
 * The walk runs under RCU; the lock is taken for each entry removed, never
 * across the table, so learning never waits for a walk of all of it.
 * Context: may not be called under fdb->lock; does not sleep.
 * Return: how many were removed.
 */
unsigned int kvs_fdb_flush(struct kvs_fdb *fdb,
			   const struct kvs_fdb_flush_desc *desc)
{
	struct kvs_fdb_entry *e;
	unsigned int n = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(e, &fdb->entries, list) {
		if (!kvs_fdb_flush_match(fdb, e, desc))
			continue;
		spin_lock_bh(&fdb->lock);
		/* Removed, moved or refreshed since it was seen: look again. */
		if (!e->dead && kvs_fdb_flush_match(fdb, e, desc)) {
			if (desc->aged && fdb->aged)
				fdb->aged(fdb, e);
			kvs_fdb_unlink(fdb, e);
			n++;
		}
		spin_unlock_bh(&fdb->lock);
	}
	rcu_read_unlock();
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_flush);

/* Flush @dst and learn nothing more onto it (its port is leaving). */
unsigned int kvs_fdb_close_dst(struct kvs_fdb *fdb, struct kvs_fdb_dst *dst)
{
	spin_lock_bh(&fdb->lock);
	WRITE_ONCE(dst->closed, true);
	spin_unlock_bh(&fdb->lock);
	return kvs_fdb_flush(fdb, &(struct kvs_fdb_flush_desc){ .dst = dst });
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_close_dst);

/* Remove learned entries not refreshed for ageing_time; returns how many. */
unsigned int kvs_fdb_age(struct kvs_fdb *fdb, unsigned long now)
{
	return kvs_fdb_flush(fdb, &(struct kvs_fdb_flush_desc){
		.aged = true, .now = now });
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_age);

/**
 * kvs_fdb_walk() - call @fn for the entries from position *@pos on
 * @fdb: the table
 * @pos: entries to skip; on return, where to resume
 * @fn: returns non-zero to stop (its entry is not counted as done); may
 *	read fdb->gen to tell whether the table changed between calls
 * @arg: for @fn
 *
 * Context: under RCU, not fdb->lock (learning goes on meanwhile), so @fn
 * must not sleep and reads the entry's dst with READ_ONCE(). Return: what
 * @fn returned to stop, else 0.
 */
int kvs_fdb_walk(struct kvs_fdb *fdb, unsigned long *pos,
		 int (*fn)(const struct kvs_fdb_entry *e, void *arg),
		 void *arg)
{
	struct kvs_fdb_entry *e;
	unsigned long i = 0;
	int err = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(e, &fdb->entries, list) {
		if (i++ < *pos)
			continue;
		err = fn(e, arg);
		if (err)
			break;
		(*pos)++;
	}
	rcu_read_unlock();
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_walk);

/* No reader may be left: the switch is unreachable and RCU has passed. */
void kvs_fdb_destroy(struct kvs_fdb *fdb)
{
	struct kvs_fdb_entry *e;
	struct hlist_node *tmp;

	spin_lock_bh(&fdb->lock);
	hlist_for_each_entry_safe(e, tmp, &fdb->entries, list)
		kvs_fdb_unlink(fdb, e);
	spin_unlock_bh(&fdb->lock);
	rhashtable_destroy(&fdb->tbl);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fdb_destroy);
