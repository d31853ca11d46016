// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit side: frames the guest puts on its TX ring.
 *
 * Descriptors are pulled in batches and completed with one used-ring
 * update and at most one guest notification per batch. Each frame's
 * virtio-net header is checked before anything trusts it. Until the port
 * is attached to a switch every valid frame is dropped as NO_SWITCH:
 * completing it keeps the guest's ring moving, as a cable-less NIC would.
 */
#include <linux/uio.h>

#include "kvs.h"

/* Completions written to the used ring at once. */
#define KVS_TX_BATCH	64

static enum kvs_drop kvs_tx_check(struct kvs_port *port,
				  struct vhost_virtqueue *vq,
				  unsigned int out, unsigned int in,
				  size_t *len)
{
	size_t hdr_len = port->hdr_len[VHOST_KVS_VQ_TX];
	struct virtio_net_hdr hdr;
	struct iov_iter from;

	*len = iov_length(vq->iov, out);
	/* A TX chain the device would have to write into is malformed. */
	if (in)
		return KVS_DROP_BAD_DESC;
	if (*len < hdr_len)
		return KVS_DROP_RUNT;
	iov_iter_init(&from, ITER_SOURCE, vq->iov, out, *len);
	if (copy_from_iter(&hdr, sizeof(hdr), &from) != sizeof(hdr))
		return KVS_DROP_BAD_DESC;
	return kvs_vnet_hdr_check(&hdr, *len - hdr_len,
				  vhost_is_little_endian(vq));
}

static void kvs_tx_count(struct kvs_port *port, enum kvs_drop reason,
			 size_t len)
{
	struct kvs_port_stats *s = &port->stats;

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_frames);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
}

static void kvs_tx_complete(struct kvs_port *port, struct vhost_virtqueue *vq,
			    unsigned int n)
{
	if (n)
		vhost_add_used_and_signal_n(&port->dev, vq, vq->heads, n);
}

/* Returns true when the ring is empty and notifications are back on. */
static bool kvs_tx_ring_empty(struct kvs_port *port,
			      struct vhost_virtqueue *vq)
{
	if (likely(!vhost_enable_notify(&port->dev, vq)))
		return true;
	/* The guest added buffers while notifications were off. */
	vhost_disable_notify(&port->dev, vq);
	return false;
}

static void kvs_handle_tx(struct kvs_port *port, struct vhost_virtqueue *vq)
{
	unsigned int out, in, n = 0;
	size_t len, total = 0;
	enum kvs_drop reason;
	int head, frames = 0;

	lockdep_assert_held(&vq->mutex);
	vhost_disable_notify(&port->dev, vq);
	for (;;) {
		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov),
					 &out, &in, NULL, NULL);
		/* A loop or an address outside the memory table: the ring
		 * cannot be walked past this head; wait for the next kick.
		 */
		if (unlikely(head < 0)) {
			kvs_port_count_drop(port, KVS_DROP_BAD_DESC);
			break;
		}
		if (head == vq->num) {
			if (kvs_tx_ring_empty(port, vq))
				break;
			continue;
		}
		reason = kvs_tx_check(port, vq, out, in, &len);
		if (reason == KVS_DROP_NONE)
			reason = KVS_DROP_NO_SWITCH;
		kvs_tx_count(port, reason, len);

		vq->heads[n].id = cpu_to_vhost32(vq, head);
		vq->heads[n].len = 0;
		if (++n == KVS_TX_BATCH) {
			kvs_tx_complete(port, vq, n);
			n = 0;
		}
		total += len;
		/* Requeues this work when over weight, so no port starves. */
		if (vhost_exceeds_weight(vq, ++frames, total))
			break;
	}
	kvs_tx_complete(port, vq, n);
}

void kvs_handle_tx_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);
	struct kvs_port *port = container_of(vq->dev, struct kvs_port, dev);

	mutex_lock(&vq->mutex);
	if (vhost_vq_get_backend(vq))
		kvs_handle_tx(port, vq);
	mutex_unlock(&vq->mutex);
}
