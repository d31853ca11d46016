// SPDX-License-Identifier: GPL-2.0
/*
 * Frame buffers: where a frame lives between the sender's TX worker and
 * the receivers' RX workers.
 *
 * Each port owns a pool. Only the owner's TX worker takes buffers from it,
 * so its free lists need no lock; receivers, on any CPU, give buffers back
 * through a lock-free llist that the owner empties when its lists run dry.
 * Every buffer a pool allocated holds a reference to it, whether free or
 * in flight, so the hot path never touches the count, and a pool outlives
 * its port for as long as other ports still hold its frames. Once the
 * owner is gone (pool->dead), whoever gives a buffer back frees it; the
 * pool itself is freed after an RCU grace period, because a receiver may
 * still look at pool->dead after its buffer went.
 * A flooded frame is shared, not copied: one buffer reference per
 * destination ring it sits in. A unicast frame's one reference, the
 * sender's, moves to the ring it goes to.
 */
#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "kvs.h"

/* Free buffers kept for reuse; above this they go back to the allocator. */
#define KVS_POOL_SMALL_CACHED	1024
#define KVS_POOL_LARGE_CACHED	128

struct kvs_pool {
	refcount_t refs;		/* the owner + every buffer allocated */
	bool dead;			/* the owner has gone */
	struct rcu_head rcu;
	struct llist_head returned;	/* put back by receivers */
	/* Owner's TX worker only (TX vq mutex); see LOCKING in kvs.h */
	struct llist_node *free[KVS_BUF_CLASSES];
	unsigned int nfree[KVS_BUF_CLASSES];
};

static const unsigned int kvs_pool_cached[KVS_BUF_CLASSES] = {
	[KVS_BUF_SMALL] = KVS_POOL_SMALL_CACHED,
	[KVS_BUF_LARGE] = KVS_POOL_LARGE_CACHED,
};

static const size_t kvs_buf_alloc_size[KVS_BUF_CLASSES] = {
	[KVS_BUF_SMALL] = KVS_BUF_SMALL_SIZE,
	[KVS_BUF_LARGE] = sizeof(struct kvs_buf) + KVS_FRAME_MAX,
};

static enum kvs_buf_class kvs_buf_class_of(size_t len)
{
	return len <= KVS_BUF_SMALL_SIZE - sizeof(struct kvs_buf) ?
	       KVS_BUF_SMALL : KVS_BUF_LARGE;
}

struct kvs_pool *kvs_pool_create(void)
{
	struct kvs_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL_ACCOUNT);

	if (!pool)
		return NULL;
	refcount_set(&pool->refs, 1);
	init_llist_head(&pool->returned);
	return pool;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_pool_create);

/* Free a list of buffers; returns how many pool references they held. */
static unsigned int kvs_buf_free_list(struct llist_node *n)
{
	struct kvs_buf *buf, *tmp;
	unsigned int freed = 0;

	llist_for_each_entry_safe(buf, tmp, n, node) {
		kvfree(buf);
		freed++;
	}
	return freed;
}

static void kvs_pool_put_n(struct kvs_pool *pool, unsigned int n)
{
	if (n && refcount_sub_and_test(n, &pool->refs))
		kfree_rcu(pool, rcu);
}

/* The owner's port goes; its TX worker has stopped for good. */
void kvs_pool_release(struct kvs_pool *pool)
{
	unsigned int n = 1;	/* the owner's reference */
	int c;

	WRITE_ONCE(pool->dead, true);
	/* Pairs with the barrier in llist_add() of kvs_buf_put(): either
	 * the reap below sees a buffer given back, or its giver sees dead.
	 */
	smp_mb();
	for (c = 0; c < KVS_BUF_CLASSES; c++)
		n += kvs_buf_free_list(pool->free[c]);
	n += kvs_buf_free_list(llist_del_all(&pool->returned));
	kvs_pool_put_n(pool, n);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_pool_release);

/*
 * Sort what receivers gave back into the owner's free lists, the most
 * recently given back on top (its memory the likeliest still cached);
 * above what a class keeps, the oldest go back to the allocator.
 */
static void kvs_pool_refill(struct kvs_pool *pool)
{
	/* llist_del_all(): the last added first */
	struct llist_node *n = llist_del_all(&pool->returned);
	struct llist_node *head[KVS_BUF_CLASSES] = {};
	struct llist_node **tail[KVS_BUF_CLASSES];
	struct kvs_buf *buf, *tmp;
	int c;

	for (c = 0; c < KVS_BUF_CLASSES; c++)
		tail[c] = &head[c];
	llist_for_each_entry_safe(buf, tmp, n, node) {
		c = buf->class;
		if (pool->nfree[c] >= kvs_pool_cached[c]) {
			kvfree(buf);
			refcount_dec(&pool->refs);	/* never the last */
			continue;
		}
		*tail[c] = &buf->node;
		tail[c] = &buf->node.next;
		pool->nfree[c]++;
	}
	for (c = 0; c < KVS_BUF_CLASSES; c++) {
		*tail[c] = pool->free[c];
		pool->free[c] = head[c];
	}
}

static struct kvs_buf *kvs_pool_pop(struct kvs_pool *pool,
				    enum kvs_buf_class c)
{
	struct llist_node *n = pool->free[c];

	if (!n)
		return NULL;
	pool->free[c] = n->next;
	pool->nfree[c]--;
	return llist_entry(n, struct kvs_buf, node);
}

/*
 * A buffer for a frame of @len bytes (at most KVS_FRAME_MAX) from the
 * sender's @pool. Context: the owner's TX worker. Return: a buffer with
 * one reference, or NULL when memory is short. How many of them other
 * ports may hold is bounded where frames are queued (kvs_held_*()).
 */
static struct kvs_buf *__kvs_pool_get(struct kvs_pool *pool, size_t len,
				      gfp_t gfp)
{
	enum kvs_buf_class c = kvs_buf_class_of(len);
	struct kvs_buf *buf;

	buf = kvs_pool_pop(pool, c);
	if (!buf) {
		kvs_pool_refill(pool);
		buf = kvs_pool_pop(pool, c);
	}
	if (!buf) {
		/* kvmalloc() without GFP_KERNEL is kmalloc() */
		buf = kvmalloc(kvs_buf_alloc_size[c], gfp | __GFP_NOWARN);
		if (!buf)
			return NULL;
		buf->pool = pool;
		buf->class = c;
		buf->zc = false;
		refcount_inc(&pool->refs);
	}
	refcount_set(&buf->refs, 1);
	buf->len = len;
	return buf;
}

/* May sleep. */
struct kvs_buf *kvs_pool_get(struct kvs_pool *pool, size_t len)
{
	return __kvs_pool_get(pool, len, GFP_KERNEL_ACCOUNT);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_pool_get);

/* From the forwarding path, under rcu_read_lock(): may not sleep. */
struct kvs_buf *kvs_pool_get_atomic(struct kvs_pool *pool, size_t len)
{
	return __kvs_pool_get(pool, len, GFP_ATOMIC | __GFP_ACCOUNT);
}

/* Give buffers @first..@last of @pool, no reference left, back to it. */
static void kvs_pool_give(struct kvs_pool *pool, struct llist_node *first,
			  struct llist_node *last)
{
	struct llist_node *orphans = NULL;

	/* RCU: the owner may free the pool as soon as the buffers are on
	 * its list, and we still read pool->dead.
	 */
	rcu_read_lock();
	llist_add_batch(first, last, &pool->returned);
	if (unlikely(READ_ONCE(pool->dead)))
		orphans = llist_del_all(&pool->returned);
	rcu_read_unlock();
	/* The orphans' references keep the pool alive until put here;
	 * freed outside RCU because kvfree() may sleep.
	 */
	if (orphans)
		kvs_pool_put_n(pool, kvs_buf_free_list(orphans));
}

/* Drop one reference; the last one gives the buffer back to its pool. */
void kvs_buf_put(struct kvs_buf *buf)
{
	if (!refcount_dec_and_test(&buf->refs))
		return;
	if (unlikely(buf->zc))
		kvs_zc_free(buf);
	kvs_pool_give(buf->pool, &buf->node, &buf->node);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_buf_put);

/**
 * kvs_buf_put_to() - drop a reference, gathering buffers to give back
 * @l: the buffers gathered so far, all of one pool
 * @buf: the buffer
 *
 * A buffer whose last reference this was joins @l when it is of the same
 * pool; otherwise @l is given back first. kvs_buf_list_flush() gives back
 * what is left: a receiver gives a sender its buffers once per run.
 */
void kvs_buf_put_to(struct kvs_buf_list *l, struct kvs_buf *buf)
{
	if (!refcount_dec_and_test(&buf->refs))
		return;
	/* What a pinned frame's sender copied goes now, not on reuse */
	if (unlikely(buf->zc))
		kvs_zc_free(buf);
	if (buf->pool != l->pool) {
		kvs_buf_list_flush(l);
		l->pool = buf->pool;
	}
	if (!l->first)
		l->last = &buf->node;
	buf->node.next = l->first;
	l->first = &buf->node;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_buf_put_to);

void kvs_buf_list_flush(struct kvs_buf_list *l)
{
	if (l->first)
		kvs_pool_give(l->pool, l->first, l->last);
	l->first = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_buf_list_flush);

static atomic_t *kvs_held(struct kvs_queue *q, const struct kvs_pool *pool)
{
	return &q->held[hash_ptr(pool, ilog2(KVS_HELD_SLOTS))];
}

/**
 * kvs_held_reserve() - how many more frames of @pool may wait in @q's ring?
 * @q: the receiving queue pair
 * @pool: the sender's pool (only its hash is used)
 * @want: frames the sender has for @q at most
 *
 * Up to @want are counted at once against KVS_HELD_MAX frames of a
 * sender (of its slot: senders may share one); what the sender does not
 * queue it gives back with kvs_held_return(), as the receiver does for
 * each frame that leaves the ring. A slot may read up to @want over the
 * maximum for as long as the sender holds its ring's producer lock.
 * Context: the sender's forwarding path. Return: how many it may queue.
 */
unsigned int kvs_held_reserve(struct kvs_queue *q,
			      const struct kvs_pool *pool, unsigned int want)
{
	atomic_t *held = kvs_held(q, pool);
	int old = atomic_fetch_add(want, held);
	unsigned int room = old >= KVS_HELD_MAX ? 0 :
			    min_t(unsigned int, want, KVS_HELD_MAX - old);

	if (room < want)
		atomic_sub(want - room, held);
	return room;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_held_reserve);

void kvs_held_return(struct kvs_queue *q, const struct kvs_pool *pool,
		     unsigned int n)
{
	if (n)
		atomic_sub(n, kvs_held(q, pool));
}
EXPORT_SYMBOL_IF_KUNIT(kvs_held_return);
