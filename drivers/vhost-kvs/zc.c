// SPDX-License-Identifier: GPL-2.0
/*
 * One copy for large frames.
 *
 * A frame is copied twice on its way: out of its sender's guest into a
 * buffer, and out of the buffer into its receiver's guest. For a frame of
 * at least zc_min bytes the first copy stops after KVS_ZC_INLINE bytes
 * (every header the switch reads: Ethernet, VLAN, what split.c and the
 * flow hash look at); the sending worker pins the pages that hold the
 * rest, in its own guest's memory, and the receiving worker copies from
 * them straight into its guest. No worker writes into another guest's
 * memory, and no guest sees another's (the address-space rule, DESIGN.md
 * section 1): the pages are read by one worker, for one copy.
 *
 * Only a unicast frame for a vhost port that takes it as it was sent
 * stays pinned; fwd.c copies every other (kvs_zc_linearize()). So at most
 * one receiver reads the pages, after claiming them (KVS_ZC_PINNED ->
 * KVS_ZC_CLAIMED); it copies with page faults and preemption disabled, so
 * a claim lasts one copy's time and never waits for the receiver's VMM
 * or its CPU share.
 *
 * The TX chain completes out of order (virtio allows it: vhost-kvs does
 * not offer VIRTIO_F_IN_ORDER) once the sender's worker sees the frame
 * settled: its receiver has it, or it was dropped on the way, or, after
 * KVS_ZC_WAIT_NS in a ring, the sender copied the rest into a buffer of
 * its own (KVS_ZC_COPIED), so that a slow receiver holds a sender's pages
 * that long at most. 20 ms: a receiver working through a ring full of
 * large frames under load takes that long, so that a busy receiver paces
 * its sender (whose chains wait for it) rather than have it copy every
 * frame again and drop it at the full ring; one that does not drain holds
 * KVS_ZC_MAX of the sender's chains that long, its later frames copied.
 * A TX queue that stops (backend removed, reset, close) settles all of
 * its frames first: no page stays pinned past it, and none is read after
 * its guest may reuse it. A memory-table change needs nothing: pinned
 * pages stay valid, and hold what was sent.
 *
 * LOCKING: q->zc is its TX worker's (TX vq mutex). zc->state is the only
 * thing two workers share; a claim is taken with acquire and ended with
 * release ordering, so the copy is inside it.
 */
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/uio.h>

#include "kvs.h"

static unsigned int zc_min = 16384;
module_param(zc_min, uint, 0644);
MODULE_PARM_DESC(zc_min,
		 "Frames of at least this many bytes are copied once, from their sender's pinned pages (0: never)");

/* Is a frame of @len bytes (header not counted) to be pinned? */
bool kvs_zc_wanted(const struct kvs_queue *q, size_t len)
{
	unsigned int min = READ_ONCE(zc_min);

	return min && len >= max_t(size_t, min, KVS_ZC_INLINE + 1) &&
	       len <= KVS_FRAME_MAX && q->zc.n < KVS_ZC_MAX;
}

static void kvs_zc_unpin(struct kvs_zc *zc)
{
	unsigned int i;

	for (i = 0; i < zc->nvecs; i++)
		unpin_user_page(zc->vec[i].bv_page);
	zc->nvecs = 0;
}

/* Pin the pages that hold the next @rest bytes of @from. */
static bool kvs_zc_pin(struct kvs_zc *zc, struct iov_iter *from, size_t rest)
{
	struct page *pages[KVS_ZC_VECS], **pp;
	unsigned int i;
	ssize_t got;
	size_t off, part;

	zc->nvecs = 0;
	while (rest) {
		if (zc->nvecs == KVS_ZC_VECS)
			return false;
		pp = pages;
		got = iov_iter_extract_pages(from, &pp, rest,
					     KVS_ZC_VECS - zc->nvecs, 0, &off);
		if (got <= 0)
			return false;
		rest -= got;
		for (i = 0; got; i++, off = 0) {
			part = min_t(size_t, got, PAGE_SIZE - off);
			bvec_set_page(&zc->vec[zc->nvecs++], pages[i], part, off);
			got -= part;
		}
	}
	return true;
}

/**
 * kvs_zc_get() - a large frame with only its start copied
 * @q: the sending queue pair
 * @from: the guest's header (@hdr_len bytes) and frame (@len bytes)
 * @hdr_len: at most sizeof(buf->rxhdr)
 * @len: the frame's length (kvs_zc_wanted())
 *
 * Context: its TX worker (TX vq mutex), in its guest's address space.
 * Return: a buffer holding the header and the first KVS_ZC_INLINE bytes,
 * the rest pinned; NULL when the frame has to be copied as any other
 * (no buffer, a fault, more pages than KVS_ZC_VECS).
 */
struct kvs_buf *kvs_zc_get(struct kvs_queue *q, struct iov_iter *from,
			   size_t hdr_len, size_t len)
{
	size_t head = hdr_len + KVS_ZC_INLINE;
	struct kvs_buf *buf;
	struct kvs_zc *zc;

	buf = kvs_pool_get(q->tx.pool, KVS_ZC_INLINE);
	if (!buf)
		return NULL;
	zc = kvs_buf_zc(buf);
	zc->nvecs = 0;
	if (copy_from_iter(buf->data - hdr_len, head, from) != head ||
	    !kvs_zc_pin(zc, from, len - KVS_ZC_INLINE)) {
		kvs_zc_unpin(zc);
		kvs_buf_put(buf);
		return NULL;
	}
	buf->len = len;
	buf->zc = true;
	zc->lin = NULL;
	return buf;
}

/* A frame of kvs_zc_get() dropped before it went anywhere. */
void kvs_zc_drop(struct kvs_buf *buf)
{
	kvs_zc_unpin(kvs_buf_zc(buf));
	kvs_buf_put(buf);
}

/**
 * kvs_zc_hold() - keep a frame of kvs_zc_get() until it is settled
 * @q: its sender
 * @buf: the frame; the caller's reference goes on to the batch
 * @head: its TX chain, completed then
 *
 * Context: the TX worker (TX vq mutex).
 */
void kvs_zc_hold(struct kvs_queue *q, struct kvs_buf *buf, u16 head)
{
	struct kvs_zc *zc = kvs_buf_zc(buf);

	lockdep_assert_held(&q->vqs[VHOST_KVS_VQ_TX].mutex);
	zc->head = head;
	zc->owner = q;
	zc->since = ktime_get_ns();
	atomic_set(&zc->state, KVS_ZC_PINNED);
	refcount_inc(&buf->refs);
	q->zc.buf[q->zc.n++] = buf;
	q->zc.used = true;
	kvs_stats_inc(&q->stats[VHOST_KVS_VQ_TX],
		      &q->stats[VHOST_KVS_VQ_TX].pinned);
}

/*
 * Take the claim on the pinned part of @zc: from here to its end the
 * claimer is not preempted (a copy of at most KVS_FRAME_MAX bytes, without
 * faults), so the other side never waits longer than that, whatever
 * either guest's CPU share. Context: preemption off.
 * Return: the state found; KVS_ZC_PINNED: the claim is the caller's.
 */
static int kvs_zc_claim(struct kvs_zc *zc)
{
	int st;

	lockdep_assert_preemption_disabled();
	st = atomic_cmpxchg_acquire(&zc->state, KVS_ZC_PINNED, KVS_ZC_CLAIMED);
	/* A failed cmpxchg orders nothing: read the state again (zc->lin) */
	if (st != KVS_ZC_PINNED && st != KVS_ZC_CLAIMED)
		st = atomic_read_acquire(&zc->state);
	return st;
}

/* Wait until whoever claimed @zc has its answer. */
static int kvs_zc_wait(struct kvs_zc *zc)
{
	int st;

	while ((st = atomic_read_acquire(&zc->state)) == KVS_ZC_CLAIMED)
		usleep_range(5, 20);
	return st;
}

/* The pinned part of @zc to @to, whole or not at all; faults disabled. */
static bool kvs_zc_copy_pinned(const struct kvs_zc *zc, struct iov_iter *to)
{
	/* (iov_iter_restore() is not exported: a copy of the iterator) */
	struct iov_iter start = *to;
	const struct bio_vec *v;
	unsigned int i;

	pagefault_disable();
	for (i = 0; i < zc->nvecs; i++) {
		v = &zc->vec[i];
		if (copy_page_to_iter(v->bv_page, v->bv_offset, v->bv_len,
				      to) != v->bv_len)
			break;
	}
	pagefault_enable();
	if (i == zc->nvecs)
		return true;
	*to = start;
	return false;
}

/*
 * The receiver has the frame: its sender may complete the chain. The
 * sender reads the state after its wake-up; kvs_zc_stop() waits a grace
 * period for this function before a reset or close frees the worker.
 */
static void kvs_zc_done(struct kvs_zc *zc)
{
	struct kvs_queue *owner = zc->owner;

	rcu_read_lock();
	atomic_set_release(&zc->state, KVS_ZC_DONE);
	vhost_poll_queue(&owner->vqs[VHOST_KVS_VQ_TX].poll);
	rcu_read_unlock();
}

/**
 * kvs_zc_copy_to() - the part of a frame past its first KVS_ZC_INLINE bytes
 * @buf: the frame, pinned by kvs_zc_get()
 * @to: the receiving guest's buffers, past what was written already
 * @reason: why not, when it could not be written
 *
 * A fault in the guest's buffers ends the claim; they are faulted in
 * without it, and the copy tried again (the sender may have copied the
 * frame meanwhile).
 * Context: the receiver's RX worker (RX vq mutex), in its guest's space.
 * Return: true when the frame was written.
 */
bool kvs_zc_copy_to(const struct kvs_buf *buf, struct iov_iter *to,
		    enum kvs_drop *reason)
{
	struct kvs_zc *zc = kvs_buf_zc(buf);
	size_t rest = buf->len - KVS_ZC_INLINE;
	unsigned int faults = 0;
	bool copied = false;
	int st;

	for (;;) {
		preempt_disable();
		st = kvs_zc_claim(zc);
		if (st == KVS_ZC_PINNED) {
			copied = kvs_zc_copy_pinned(zc, to);
			if (copied)
				kvs_zc_done(zc);
			else
				atomic_set_release(&zc->state, KVS_ZC_PINNED);
		}
		preempt_enable();
		switch (st) {
		case KVS_ZC_PINNED:
			if (copied)
				return true;
			/* Faulted: fault the buffers in, unclaimed. */
			if (++faults == 3 || fault_in_iov_iter_writeable(to, rest))
				goto bad;
			continue;
		case KVS_ZC_CLAIMED:	/* its sender is copying it */
			usleep_range(5, 20);
			continue;
		case KVS_ZC_COPIED:
			if (copy_to_iter(zc->lin, rest, to) == rest)
				return true;
			goto bad;
		case KVS_ZC_VOID:
			*reason = KVS_DROP_NO_SWITCH;
			return false;
		default:	/* KVS_ZC_DONE: one receiver, one copy */
			WARN_ON_ONCE(1);
			goto bad;
		}
	}
bad:
	*reason = KVS_DROP_BAD_DESC;
	return false;
}

/* Copy the pinned part of @zc to @to (the caller keeps others out). */
static void kvs_zc_read(const struct kvs_zc *zc, u8 *to, size_t rest)
{
	struct iov_iter from;

	iov_iter_bvec(&from, ITER_SOURCE, zc->vec, zc->nvecs, rest);
	WARN_ON_ONCE(copy_from_iter(to, rest, &from) != rest);
}

/**
 * kvs_zc_linearize() - copy frame @i of a batch, for where it goes
 * @b: the batch
 * @i: a frame of kvs_zc_get(), in no ring yet: nobody else reads it
 *
 * For a destination that does not take it pinned (fwd.c). Its pinned
 * original stays with the sender until kvs_zc_reap() completes it.
 * Context: the sender's forwarding path, BH off.
 */
void kvs_zc_linearize(struct kvs_batch *b, unsigned int i)
{
	struct kvs_buf *zbuf = b->bufs[i], *buf;

	buf = kvs_pool_get_atomic(b->pool, zbuf->len);
	if (!buf) {
		b->drop[i] = KVS_DROP_NOMEM;
		kvs_batch_count(b, KVS_DROP_NOMEM);
		return;
	}
	buf->vhdr = zbuf->vhdr;
	buf->rxhdr = zbuf->rxhdr;
	memcpy(buf->data, zbuf->data, KVS_ZC_INLINE);
	kvs_zc_read(kvs_buf_zc(zbuf), buf->data + KVS_ZC_INLINE,
		    zbuf->len - KVS_ZC_INLINE);
	b->bufs[i] = buf;
	kvs_buf_put(zbuf);
	kvs_stats_inc(b->stats, &b->stats->pinned_copied);
}

/*
 * Settle a frame the receiver still has in its ring and has not claimed:
 * copy the rest into a buffer of the frame's own, or, when there is no
 * memory for it and the sender is stopping, void it (its receiver drops
 * it). Return: false when it stays pinned for now.
 */
static bool kvs_zc_copy_out(struct kvs_stats *s, struct kvs_zc *zc,
			    size_t rest, bool force)
{
	void *lin = kvmalloc(rest, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	int st;

	if (!lin && !force)
		return false;
	for (;;) {
		preempt_disable();
		st = kvs_zc_claim(zc);
		if (st == KVS_ZC_PINNED) {
			if (lin)
				kvs_zc_read(zc, lin, rest);
			zc->lin = lin;
			atomic_set_release(&zc->state,
					   lin ? KVS_ZC_COPIED : KVS_ZC_VOID);
		}
		preempt_enable();
		/* Its receiver is copying it: stopping, wait; else later. */
		if (st != KVS_ZC_CLAIMED || !force)
			break;
		usleep_range(5, 20);
	}
	if (st == KVS_ZC_PINNED) {
		if (lin)
			kvs_stats_inc(s, &s->pinned_copied);
		return true;
	}
	kvfree(lin);
	/* KVS_ZC_DONE: the receiver has it */
	return st != KVS_ZC_CLAIMED;
}

/*
 * Whether the TX chain of @buf may complete: its pages are no longer
 * read by anyone. @force: the sender stops, settle it whatever it takes.
 */
static bool kvs_zc_settle(struct kvs_stats *s, struct kvs_buf *buf, u64 now,
			  bool force)
{
	struct kvs_zc *zc = kvs_buf_zc(buf);

	switch (atomic_read_acquire(&zc->state)) {
	case KVS_ZC_PINNED:
		/* In no ring (dropped, or copied for where it went), and only
		 * its sender ever adds a reference: ours alone.
		 */
		if (refcount_read(&buf->refs) == 1)
			break;
		if (!force && now - zc->since < KVS_ZC_WAIT_NS)
			return false;
		if (!kvs_zc_copy_out(s, zc, buf->len - KVS_ZC_INLINE, force))
			return false;
		break;
	case KVS_ZC_CLAIMED:
		if (!force)
			return false;
		/* Whoever claimed it is copying: wait for its answer. */
		kvs_zc_wait(zc);
		return kvs_zc_settle(s, buf, now, force);
	}
	kvs_zc_unpin(zc);
	return true;
}

/* Settle what can be; the chains to complete go to vq->heads. */
static unsigned int kvs_zc_collect(struct kvs_queue *q,
				   struct vhost_virtqueue *vq, bool force)
{
	u64 now = ktime_get_ns();
	unsigned int i, k = 0, n = 0;
	struct kvs_buf *buf;

	lockdep_assert_held(&vq->mutex);
	for (i = 0; i < q->zc.n; i++) {
		buf = q->zc.buf[i];
		if (!kvs_zc_settle(&q->stats[VHOST_KVS_VQ_TX], buf, now, force)) {
			q->zc.buf[k++] = buf;
			continue;
		}
		vq->heads[n].id = cpu_to_vhost32(vq, kvs_buf_zc(buf)->head);
		vq->heads[n].len = 0;
		n++;
		kvs_buf_put(buf);
	}
	q->zc.n = k;
	return n;
}

/**
 * kvs_zc_reap() - complete the TX chains of the frames settled
 * @q: the sender
 * @vq: its TX queue
 *
 * Frames still pinned are looked at again once the oldest has waited
 * KVS_ZC_WAIT_NS (q->zc.buf[] is oldest first).
 * Context: its TX worker (TX vq mutex), not inside a pull (vq->heads).
 */
void kvs_zc_reap(struct kvs_queue *q, struct vhost_virtqueue *vq)
{
	unsigned int n;
	u64 at;

	if (!q->zc.n)
		return;
	n = kvs_zc_collect(q, vq, false);
	if (n)
		vhost_add_used_and_signal_n(&q->dev, vq, vq->heads, n);
	if (!q->zc.n || hrtimer_is_queued(&q->zc.timer))
		return;
	/* When the oldest has waited long enough; if it has and is still
	 * here (no memory for its copy, or its receiver copying it), a
	 * millisecond on: never a timer already due, which would keep the
	 * worker running. (Not hrtimer_active(): true while the callback
	 * that woke us runs.)
	 */
	at = kvs_buf_zc(q->zc.buf[0])->since + KVS_ZC_WAIT_NS;
	at = max_t(u64, at, ktime_get_ns() + NSEC_PER_MSEC);
	hrtimer_start(&q->zc.timer, ns_to_ktime(at), HRTIMER_MODE_ABS);
}

static enum hrtimer_restart kvs_zc_timer(struct hrtimer *t)
{
	struct kvs_queue *q = container_of(t, struct kvs_queue, zc.timer);

	vhost_poll_queue(&q->vqs[VHOST_KVS_VQ_TX].poll);
	return HRTIMER_NORESTART;
}

void kvs_zc_init(struct kvs_queue *q)
{
	hrtimer_init(&q->zc.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	q->zc.timer.function = kvs_zc_timer;
}

/**
 * kvs_zc_stop() - settle every frame of a TX queue that has stopped
 * @q: the sender; its TX queue has no backend any more
 * @complete: complete their chains (the VMM stopped the queue: its ring
 *	is still there, and this is its ioctl); false for a reset or close,
 *	which then free the worker that receivers wake: a grace period
 *	covers their kvs_zc_done()
 *
 * Context: process; takes the TX vq mutex.
 */
void kvs_zc_stop(struct kvs_queue *q, bool complete)
{
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_TX];
	bool used;
	unsigned int n;

	mutex_lock(&vq->mutex);
	n = kvs_zc_collect(q, vq, true);
	if (n && complete)
		vhost_add_used_and_signal_n(&q->dev, vq, vq->heads, n);
	used = q->zc.used && !complete;
	if (used)
		q->zc.used = false;
	mutex_unlock(&vq->mutex);
	hrtimer_cancel(&q->zc.timer);
	if (used)
		synchronize_rcu();
}

/* The last reference to @buf is gone: what it held as a pinned frame. */
void kvs_zc_free(struct kvs_buf *buf)
{
	kvfree(kvs_buf_zc(buf)->lin);
	buf->zc = false;
}
