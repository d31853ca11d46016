// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit side: frames the guest puts on its TX ring.
 *
 * Descriptors are pulled in batches, each frame copied once into a
 * recycled buffer, and the batch completed with one used-ring update and
 * at most one guest notification before fwd.c sends it on. Each frame's
 * virtio-net header is checked before anything trusts it. Until the port
 * is in a switch every valid frame is dropped as NO_SWITCH:
 * completing it keeps the guest's ring moving, as a cable-less NIC would.
 */
#include <linux/uio.h>

#include "kvs.h"

/* Header bytes kept right before a frame; a longer header's rest is skipped. */
static size_t kvs_tx_head(size_t hdr_len)
{
	return min(hdr_len, sizeof_field(struct kvs_buf, rxhdr));
}

/*
 * One copy out of the guest: header and frame at once, into a recycled
 * buffer, the header right before the frame (where rxhdr is). A tap
 * file's header may be longer (a hash report): then in two.
 */
static bool kvs_tx_copy(struct kvs_buf *buf, struct iov_iter *from,
			size_t hdr_len)
{
	size_t head = kvs_tx_head(hdr_len);
	size_t len = buf->len;

	if (hdr_len == head)
		return copy_from_iter(buf->data - head, head + len, from) ==
		       head + len;
	if (copy_from_iter(buf->data - head, head, from) != head)
		return false;
	iov_iter_advance(from, hdr_len - head);
	return copy_from_iter(buf->data, len, from) == len;
}

/* Check the header the guest sent with @buf; keep it as the frame's. */
static enum kvs_drop kvs_tx_hdr(struct kvs_buf *buf, size_t hdr_len, bool le)
{
	struct virtio_net_hdr hdr;
	struct kvs_vhdr vh;
	enum kvs_drop reason;

	memcpy(&hdr, buf->data - kvs_tx_head(hdr_len), sizeof(hdr));
	reason = kvs_vnet_hdr_check(&hdr, buf->len, le);
	if (reason)
		return reason;
	kvs_vhdr_from(&vh, &hdr, le);
	kvs_buf_set_vhdr(buf, &vh);
	return KVS_DROP_NONE;
}

/* The frame of @len bytes after a header of @hdr_len, copied and checked. */
static struct kvs_buf *kvs_tx_get(struct kvs_queue *q, struct iov_iter *from,
				  size_t hdr_len, size_t len, bool le,
				  enum kvs_drop *reason)
{
	struct kvs_buf *buf = kvs_pool_get(q->tx.pool, len);

	if (!buf) {
		*reason = KVS_DROP_NOMEM;
		return NULL;
	}
	if (!kvs_tx_copy(buf, from, hdr_len))
		*reason = KVS_DROP_BAD_DESC;
	else
		*reason = kvs_tx_hdr(buf, hdr_len, le);
	if (!*reason && !rcu_access_pointer(q->port))
		*reason = KVS_DROP_NO_SWITCH;
	if (*reason) {
		kvs_buf_put(buf);
		return NULL;
	}
	return buf;
}

/**
 * kvs_tx_take() - one frame a queue pair sends, counted whatever becomes of it
 * @q: the queue pair
 * @from: its virtio-net header (@hdr_len bytes), then the frame: a TX
 *	chain of the guest's, or what QEMU wrote to its tap file
 * @hdr_len: the header's length, as negotiated
 * @le: the header is little-endian
 * @reason: set to why the frame is dropped, when it is
 *
 * Until it is in a port every valid frame is dropped as NO_SWITCH;
 * fwd.c catches a detach racing with this.
 * Context: its TX vq mutex (its pool and batch).
 * Return: the frame in a buffer of its pool, or NULL.
 */
struct kvs_buf *kvs_tx_take(struct kvs_queue *q, struct iov_iter *from,
			    size_t hdr_len, bool le, enum kvs_drop *reason)
{
	size_t len = iov_iter_count(from);
	struct kvs_buf *buf = NULL;

	if (len < hdr_len) {
		*reason = KVS_DROP_RUNT;
	} else {
		len -= hdr_len;
		if (len > KVS_FRAME_MAX)
			*reason = KVS_DROP_OVERSIZE;
		else
			buf = kvs_tx_get(q, from, hdr_len, len, le, reason);
	}
	kvs_count(q, VHOST_KVS_VQ_TX, *reason, len);
	return buf;
}

/*
 * A large frame copied once (zc.c): its header and start into a buffer,
 * the rest left pinned in the guest. Return: false when it is copied
 * as any other frame instead; else *bufp is the frame, or NULL when it
 * is dropped (and counted).
 */
static bool kvs_tx_pin(struct kvs_queue *q, struct vhost_virtqueue *vq,
		       unsigned int out, size_t len, struct kvs_buf **bufp)
{
	size_t hdr_len = q->hdr_len[VHOST_KVS_VQ_TX];
	enum kvs_drop reason;
	struct iov_iter from;
	struct kvs_buf *buf;

	if (len < hdr_len || hdr_len != kvs_tx_head(hdr_len) ||
	    !kvs_zc_wanted(q, len - hdr_len) || !rcu_access_pointer(q->port))
		return false;
	iov_iter_init(&from, ITER_SOURCE, vq->iov, out, len);
	buf = kvs_zc_get(q, &from, hdr_len, len - hdr_len);
	if (!buf)
		return false;
	reason = kvs_tx_hdr(buf, hdr_len, vhost_is_little_endian(vq));
	kvs_count(q, VHOST_KVS_VQ_TX, reason, buf->len);
	if (reason) {
		kvs_zc_drop(buf);
		buf = NULL;
	}
	*bufp = buf;
	return true;
}

/*
 * Take one frame of chain @head; NULL when it is dropped (and counted).
 * A frame left pinned (buf->zc) completes its chain later.
 */
static struct kvs_buf *kvs_tx_frame(struct kvs_queue *q,
				    struct vhost_virtqueue *vq, int head,
				    unsigned int out, unsigned int in,
				    size_t *len)
{
	struct kvs_buf *buf;
	enum kvs_drop reason;
	struct iov_iter from;

	*len = iov_length(vq->iov, out);
	/* A TX chain the device would have to write into is malformed. */
	if (in) {
		kvs_count(q, VHOST_KVS_VQ_TX, KVS_DROP_BAD_DESC, *len);
		return NULL;
	}
	if (kvs_tx_pin(q, vq, out, *len, &buf)) {
		if (buf)
			kvs_zc_hold(q, buf, head);
		return buf;
	}
	iov_iter_init(&from, ITER_SOURCE, vq->iov, out, *len);
	return kvs_tx_take(q, &from, q->hdr_len[VHOST_KVS_VQ_TX],
			   vhost_is_little_endian(vq), &reason);
}

/*
 * Pull up to one batch of chains. Frames to forward go to q->tx.bufs;
 * every chain is completed at once, in one used-ring update: the frames
 * are copied, so the guest has its buffers back before they are delivered;
 * but for frames left pinned, which kvs_zc_reap() completes.
 * Sets *done when the ring is empty or cannot be walked further.
 */
static unsigned int kvs_tx_pull(struct kvs_queue *q,
				struct vhost_virtqueue *vq,
				size_t *bytes, bool *done)
{
	unsigned int out, in, taken = 0, nheads = 0, nbufs = 0;
	struct kvs_buf *buf;
	size_t len;
	int head;

	while (taken < KVS_TX_BATCH) {
		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov),
					 &out, &in, NULL, NULL);
		/* A loop or an address outside the memory table: the ring
		 * cannot be walked past this head; wait for the next kick.
		 */
		if (unlikely(head < 0)) {
			kvs_count(q, VHOST_KVS_VQ_TX, KVS_DROP_BAD_DESC, 0);
			*done = true;
			break;
		}
		if (head == vq->num) {
			if (kvs_vq_idle(q, vq)) {
				*done = true;
				break;
			}
			continue;
		}
		taken++;
		buf = kvs_tx_frame(q, vq, head, out, in, &len);
		if (!buf || !buf->zc) {
			vq->heads[nheads].id = cpu_to_vhost32(vq, head);
			vq->heads[nheads].len = 0;
			nheads++;
		}
		if (buf)
			q->tx.bufs[nbufs++] = buf;
		*bytes += len;
	}
	if (nheads)
		vhost_add_used_and_signal_n(&q->dev, vq, vq->heads, nheads);
	return nbufs;
}

/**
 * kvs_tx_forward() - send q->tx.bufs[0..n) on as its port's frames
 * @q: the queue pair
 * @n: frames
 *
 * Context: its TX vq mutex.
 */
void kvs_tx_forward(struct kvs_queue *q, unsigned int n)
{
	lockdep_assert_held(&q->vqs[VHOST_KVS_VQ_TX].mutex);
	/* BH off for the whole batch (see kvs_forward()): what a host port
	 * or an uplink hands the stack runs at its end.
	 */
	local_bh_disable();
	rcu_read_lock();
	kvs_forward(&q->tx, rcu_dereference(q->port), n);
	rcu_read_unlock();
	local_bh_enable();
}

static void kvs_handle_tx(struct kvs_queue *q, struct vhost_virtqueue *vq)
{
	unsigned int n, frames = 0;
	bool done = false;
	size_t bytes = 0;

	lockdep_assert_held(&vq->mutex);
	/* With an IOTLB, the rings' translations first (used entries are
	 * written below); on a miss the VMM's update kicks the queue again.
	 */
	if (!vq_meta_prefetch(vq))
		return;
	vhost_disable_notify(&q->dev, vq);
	kvs_zc_reap(q, vq);
	do {
		n = kvs_tx_pull(q, vq, &bytes, &done);
		if (n)
			kvs_tx_forward(q, n);
		frames += KVS_TX_BATCH;
		/* Requeues this work when over weight, so no port starves. */
	} while (!done && !vhost_exceeds_weight(vq, frames, bytes));
	/* Frames dropped on the way, or copied for where they went */
	kvs_zc_reap(q, vq);
}

void kvs_handle_tx_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);
	struct kvs_queue *q = container_of(vq->dev, struct kvs_queue, dev);

	mutex_lock(&vq->mutex);
	if (vhost_vq_get_backend(vq))
		kvs_handle_tx(q, vq);
	mutex_unlock(&vq->mutex);
}
