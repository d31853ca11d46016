// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side: frames senders queued on a queue pair's inbound ring go
 * into the buffers the guest posted on its RX ring.
 *
 * This runs in the queue pair's own vhost worker, in its guest's address
 * space: no other port's worker ever writes this guest's memory. The
 * worker runs when a sender queued frames or when the guest posted
 * buffers. It fills buffers (several per frame with MRG_RXBUF), writes
 * used entries in batches and notifies the guest once per run. A frame waits in the
 * inbound ring while the guest has no buffer for it; when the ring is
 * full, senders drop and count (fwd.c).
 */
#include <linux/uio.h>

#include "kvs.h"

/* Used entries written to the guest's ring at once. */
#define KVS_RX_BATCH	64

/*
 * Take guest buffers for @need bytes: chains until they hold it when
 * @mergeable, else exactly one, and never more than @quota (the room left
 * in vq->heads). Returns how many heads were filled in,
 * 0 when the guest has not posted enough (nothing is taken), -EMSGSIZE
 * when it never can, or another negative errno for a broken ring.
 */
static int kvs_rx_bufs(struct vhost_virtqueue *vq,
		       struct vring_used_elem *heads, unsigned int quota,
		       size_t need, bool mergeable, unsigned int *niov,
		       unsigned int *nlog)
{
	struct vhost_log *log = vhost_has_feature(vq, VHOST_F_LOG_ALL) ?
				vq->log : NULL;
	unsigned int out, in, log_num = 0;
	size_t got = 0, len = 0;
	int n = 0, head, err;

	*niov = 0;
	*nlog = 0;
	while (got < need) {
		/* Room left in the ring, in heads and in vq->iov. */
		if (n == vq->num || n == quota || *niov == UIO_MAXIOV ||
		    (n && !mergeable)) {
			err = -EMSGSIZE;
			goto undo;
		}
		head = vhost_get_vq_desc(vq, vq->iov + *niov,
					 UIO_MAXIOV - *niov, &out, &in,
					 log ? log + *nlog : NULL, &log_num);
		if (head < 0) {
			err = head;
			goto undo;
		}
		if (head == vq->num) {
			err = 0;
			goto undo;
		}
		if (out || !in) {
			vq_err(vq, "RX chain with %u out, %u in descriptors\n",
			       out, in);
			n++;
			err = -EINVAL;
			goto undo;
		}
		len = iov_length(vq->iov + *niov, in);
		heads[n].id = cpu_to_vhost32(vq, head);
		heads[n].len = cpu_to_vhost32(vq, len);
		got += len;
		*niov += in;
		if (log)
			*nlog += log_num;
		n++;
	}
	/* The last buffer holds only the rest of the frame. */
	heads[n - 1].len = cpu_to_vhost32(vq, len - (got - need));
	return n;
undo:
	vhost_discard_vq_desc(vq, n);
	return err;
}

/* One frame as it goes into the guest: header and up to three pieces. */
struct kvs_rx_frame {
	struct kvs_vhdr vhdr;
	/* When not NULL: the header for one little-endian buffer, right
	 * before part[0], the whole frame (the buffer's rxhdr).
	 */
	const void *head;
	struct kvec part[3];
	unsigned int nparts;
	size_t len;
	/* A frame pinned in its sender (zc.c): its rest follows the parts */
	const struct kvs_buf *zc;
};

/* Where a run of the RX worker stands. */
struct kvs_rx_run {
	unsigned int nheads;	/* used entries not yet written */
	unsigned int frames;	/* delivered in this run */
	bool used;		/* some were written: notify */
	/* Frames of one sender that left the ring, not yet given back to
	 * what the ring may hold of it (kvs_held_reserve()), and their
	 * buffers, not yet to its pool
	 */
	const struct kvs_pool *left_pool;
	unsigned int left;
	struct kvs_buf_list gone;
};

/* Give back the frames @run has taken off the ring, and their buffers. */
static void kvs_rx_left_flush(struct kvs_queue *q, struct kvs_rx_run *run)
{
	kvs_held_return(q, run->left_pool, run->left);
	run->left = 0;
	kvs_buf_list_flush(&run->gone);
}

/* @buf left the inbound ring: given back with those of its sender before. */
static void kvs_rx_left(struct kvs_queue *q, struct kvs_rx_run *run,
			struct kvs_buf *buf)
{
	if (buf->pool != run->left_pool) {
		kvs_held_return(q, run->left_pool, run->left);
		run->left = 0;
		run->left_pool = buf->pool;
	}
	run->left++;
	kvs_buf_put_to(&run->gone, buf);
}

static void kvs_rx_vnet_hdr(struct vhost_virtqueue *vq,
			    const struct kvs_vhdr *vh, int nbufs,
			    struct virtio_net_hdr_mrg_rxbuf *h)
{
	kvs_vhdr_to(&h->hdr, vh, vhost_is_little_endian(vq));
	h->num_buffers = cpu_to_vhost16(vq, nbufs);
}

/*
 * The frame's header is the one the sender wrote before it: header and
 * frame go in one copy. Not for a guest whose header has no num_buffers
 * or is big-endian, nor when the frame takes more than one buffer.
 */
static bool kvs_rx_one_copy(struct kvs_queue *q, struct vhost_virtqueue *vq,
			    const struct kvs_rx_frame *fr, int nbufs)
{
	return fr->head && nbufs == 1 &&
	       q->hdr_len[VHOST_KVS_VQ_RX] ==
	       sizeof(struct virtio_net_hdr_mrg_rxbuf) &&
	       vhost_is_little_endian(vq);
}

/* Write header and frame into the buffers kvs_rx_bufs() took. */
static enum kvs_drop kvs_rx_copy(struct kvs_queue *q,
				 struct vhost_virtqueue *vq,
				 const struct kvs_rx_frame *fr, int nbufs,
				 unsigned int niov, size_t total)
{
	size_t hdr_len = q->hdr_len[VHOST_KVS_VQ_RX];
	size_t rest = fr->zc ? fr->len - KVS_ZC_INLINE : 0;
	struct virtio_net_hdr_mrg_rxbuf h;
	enum kvs_drop reason;
	struct iov_iter to;
	unsigned int i;

	iov_iter_init(&to, ITER_DEST, vq->iov, niov, total);
	if (kvs_rx_one_copy(q, vq, fr, nbufs)) {
		if (copy_to_iter(fr->head, total - rest, &to) != total - rest)
			return KVS_DROP_BAD_DESC;
	} else {
		kvs_rx_vnet_hdr(vq, &fr->vhdr, nbufs, &h);
		if (copy_to_iter(&h, hdr_len, &to) != hdr_len)
			return KVS_DROP_BAD_DESC;
		for (i = 0; i < fr->nparts; i++)
			if (copy_to_iter(fr->part[i].iov_base,
					 fr->part[i].iov_len, &to) !=
			    fr->part[i].iov_len)
				return KVS_DROP_BAD_DESC;
	}
	if (rest && !kvs_zc_copy_to(fr->zc, &to, &reason))
		return reason;
	return KVS_DROP_NONE;
}

/* What happened to the frame at the head of the inbound ring. */
enum kvs_rx_result {
	KVS_RX_DONE,		/* delivered or dropped: take the next */
	KVS_RX_WAIT,		/* no guest buffer yet: keep it */
	KVS_RX_BROKEN,		/* the guest's ring is broken: stop */
};

/* Returns true when used entries were written. */
static bool kvs_rx_flush(struct vhost_virtqueue *vq, struct kvs_rx_run *run)
{
	unsigned int n = run->nheads;

	run->nheads = 0;
	return n && !vhost_add_used_n(vq, vq->heads, n);
}

/* Buffers taken for a frame that could not be written: used, length 0. */
static void kvs_rx_empty(struct vhost_virtqueue *vq,
			 struct vring_used_elem *heads, int n)
{
	while (n--)
		heads[n].len = cpu_to_vhost32(vq, 0);
}

static enum kvs_rx_result kvs_rx_one(struct kvs_queue *q,
				     struct vhost_virtqueue *vq,
				     const struct kvs_rx_frame *fr,
				     struct kvs_rx_run *run)
{
	size_t need = q->hdr_len[VHOST_KVS_VQ_RX] + fr->len;
	bool mergeable = vhost_has_feature(vq, VIRTIO_NET_F_MRG_RXBUF);
	enum kvs_drop reason;
	unsigned int niov, nlog;
	int n;

	n = kvs_rx_bufs(vq, vq->heads + run->nheads, UIO_MAXIOV - run->nheads,
			need, mergeable, &niov, &nlog);
	if (n == -EMSGSIZE) {
		kvs_count(q, VHOST_KVS_VQ_RX, KVS_DROP_NO_ROOM, 0);
		return KVS_RX_DONE;
	}
	if (n < 0) {
		kvs_count(q, VHOST_KVS_VQ_RX, KVS_DROP_BAD_DESC, 0);
		return KVS_RX_BROKEN;
	}
	if (!n)
		return KVS_RX_WAIT;
	reason = kvs_rx_copy(q, vq, fr, n, niov, need);
	if (unlikely(nlog))
		vhost_log_write(vq, vq->log, nlog, need, vq->iov, niov);
	/* The VMM's memory behind the buffers could not be written (the
	 * memory table maps it, the page does not let us): the buffers go
	 * back to the guest empty, which its driver drops. Handed back for
	 * the next frame, they would fail the same way for every frame.
	 */
	if (unlikely(reason))
		kvs_rx_empty(vq, vq->heads + run->nheads, n);
	run->nheads += n;
	run->frames++;
	if (run->nheads >= KVS_RX_BATCH) {
		run->used |= kvs_rx_flush(vq, run);
		kvs_rx_left_flush(q, run);
	}
	kvs_count(q, VHOST_KVS_VQ_RX, reason, fr->len);
	return KVS_RX_DONE;
}

/* A frame the guest takes as it is, but for a checksum it cannot fill. */
static enum kvs_rx_result kvs_rx_whole(struct kvs_queue *q,
				       struct vhost_virtqueue *vq,
				       const struct kvs_buf *buf,
				       struct kvs_rx_run *run)
{
	struct kvs_rx_frame fr = {
		.vhdr = buf->vhdr,
		.head = &buf->rxhdr,
		.part = { { (void *)buf->data, kvs_buf_hlen(buf) } },
		.nparts = 1,
		.len = buf->len,
		.zc = buf->zc ? buf : NULL,
	};
	size_t pos = buf->vhdr.csum_start + buf->vhdr.csum_offset;
	__sum16 sum;

	/* (kvs_vhdr_to() passes NEEDS_CSUM on, never DATA_VALID.) */
	if (kvs_offload_ok(q->rx_offloads, &buf->vhdr))
		return kvs_rx_one(q, vq, &fr, run);

	/* The buffer may be shared: the checksum goes in as its own piece. */
	sum = kvs_csum_fill(buf);
	memset(&fr.vhdr, 0, sizeof(fr.vhdr));
	fr.head = NULL;
	fr.part[0].iov_len = pos;
	fr.part[1] = (struct kvec){ &sum, sizeof(sum) };
	fr.part[2] = (struct kvec){ (void *)buf->data + pos + sizeof(sum),
				    buf->len - pos - sizeof(sum) };
	fr.nparts = 3;
	return kvs_rx_one(q, vq, &fr, run);
}

/*
 * A GSO frame for a guest that did not negotiate it: one checksummed
 * frame per segment. When the guest runs out of buffers halfway, the next
 * run goes on from the segment it stopped at.
 */
static enum kvs_rx_result kvs_rx_segments(struct kvs_queue *q,
					  struct vhost_virtqueue *vq,
					  const struct kvs_buf *buf,
					  struct kvs_rx_run *run)
{
	struct kvs_seg *seg = &q->rx_seg;
	struct kvs_rx_frame fr = { .nparts = 2 };
	enum kvs_rx_result res;
	size_t poff, plen;
	unsigned int i;

	if (!q->rx_seg_next && !kvs_seg_parse(buf, seg)) {
		kvs_count(q, VHOST_KVS_VQ_RX, KVS_DROP_BAD_GSO, 0);
		return KVS_RX_DONE;
	}
	for (i = q->rx_seg_next; i < seg->nsegs; i++) {
		plen = kvs_seg_build(buf, seg, i, &poff);
		fr.part[0] = (struct kvec){ seg->hdr, seg->hdr_end };
		fr.part[1] = (struct kvec){ (void *)buf->data + poff, plen };
		fr.len = seg->hdr_end + plen;
		res = kvs_rx_one(q, vq, &fr, run);
		if (res != KVS_RX_DONE) {
			q->rx_seg_next = res == KVS_RX_WAIT ? i : 0;
			return res;
		}
	}
	q->rx_seg_next = 0;
	return KVS_RX_DONE;
}

static enum kvs_rx_result kvs_rx_deliver(struct kvs_queue *q,
					 struct vhost_virtqueue *vq,
					 const struct kvs_buf *buf,
					 struct kvs_rx_run *run)
{
	/* Its sender found it whole for this guest (kvs_fwd_zc_ok()), which
	 * has changed its offloads since.
	 */
	if (unlikely(buf->zc) &&
	    !kvs_offload_ok(q->rx_offloads, &buf->vhdr)) {
		kvs_count(q, VHOST_KVS_VQ_RX, KVS_DROP_BAD_GSO, 0);
		return KVS_RX_DONE;
	}
	if (q->rx_seg_next ||
	    (buf->vhdr.gso_type != VIRTIO_NET_HDR_GSO_NONE &&
	     !kvs_offload_ok(q->rx_offloads, &buf->vhdr)))
		return kvs_rx_segments(q, vq, buf, run);
	return kvs_rx_whole(q, vq, buf, run);
}

static bool kvs_rx_inbound(struct vhost_virtqueue *vq, void *q)
{
	return !__ptr_ring_empty(&((struct kvs_queue *)q)->inbound);
}

/*
 * No room for the frame at the head of the inbound ring. With nothing
 * posted, poll for buffers as for any empty ring. With some posted but
 * too few, kvs_rx_bufs() gave them back, so the ring never looks empty
 * and busy polling would spin for the whole time the guest waits: only
 * buffers posted after those help, and their kick is what to wait for.
 * vhost_enable_notify() reports just those (posted since the index was
 * last read). Context: RX worker, RX vq mutex held.
 * Return: true when the worker should sleep until the guest kicks.
 */
static bool kvs_rx_wait_bufs(struct kvs_queue *q, struct vhost_virtqueue *vq)
{
	lockdep_assert_held(&vq->mutex);
	if (vq->avail_idx == vq->last_avail_idx)
		return kvs_vq_idle(q, vq);
	if (likely(!vhost_enable_notify(&q->dev, vq)))
		return true;
	vhost_disable_notify(&q->dev, vq);
	return false;
}

static void kvs_handle_rx(struct kvs_queue *q, struct vhost_virtqueue *vq)
{
	struct kvs_rx_run run = { 0 };
	enum kvs_rx_result res;
	unsigned int frames = 0;
	struct kvs_buf *buf;
	size_t bytes = 0;

	lockdep_assert_held(&vq->mutex);
	/* As for TX: a used entry must not be lost to an IOTLB miss. */
	if (!vq_meta_prefetch(vq))
		return;
	vhost_disable_notify(&q->dev, vq);
	for (;;) {
		buf = __ptr_ring_peek(&q->inbound);
		/* Busy polling: senders may be about to queue more. */
		if (!buf && (run.frames || frames) &&
		    kvs_busy_wait(vq, kvs_rx_inbound, q))
			buf = __ptr_ring_peek(&q->inbound);
		if (!buf)
			break;
		res = kvs_rx_deliver(q, vq, buf, &run);
		/* No room for it: wait for a kick, unless buffers just came;
		 * a guest posting tiny buffers one by one is held to the
		 * weight like one that fills them.
		 */
		if (res == KVS_RX_WAIT) {
			if (kvs_rx_wait_bufs(q, vq) ||
			    vhost_exceeds_weight(vq, ++frames, bytes))
				break;
			continue;
		}
		bytes += buf->len;
		__ptr_ring_discard_one(&q->inbound);
		kvs_rx_left(q, &run, buf);
		if (res == KVS_RX_BROKEN ||
		    vhost_exceeds_weight(vq, ++frames, bytes))
			break;
	}
	run.used |= kvs_rx_flush(vq, &run);
	kvs_rx_left_flush(q, &run);
	/* At most one notification for the whole run, coalescing and
	 * EVENT_IDX permitting.
	 */
	if (run.used)
		kvs_rx_notify(q, vq, run.frames);
}

void kvs_handle_rx_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);
	struct kvs_queue *q = container_of(vq->dev, struct kvs_queue, dev);

	mutex_lock(&vq->mutex);
	/* A stopped queue keeps its frames until it starts or the queue
	 * leaves its switch; senders count drops once the ring is full.
	 */
	if (vhost_vq_get_backend(vq))
		kvs_handle_rx(q, vq);
	mutex_unlock(&vq->mutex);
}

/*
 * Drop what is waiting for a queue pair that left its port: nothing may
 * reach its guest from a switch it is no longer on.
 */
void kvs_rx_drain(struct kvs_queue *q)
{
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_RX];
	struct kvs_buf *buf;

	mutex_lock(&vq->mutex);
	q->rx_seg_next = 0;
	while ((buf = __ptr_ring_consume(&q->inbound))) {
		kvs_count(q, VHOST_KVS_VQ_RX, KVS_DROP_NO_SWITCH, 0);
		kvs_held_return(q, buf->pool, 1);
		kvs_buf_put(buf);
	}
	mutex_unlock(&vq->mutex);
}
