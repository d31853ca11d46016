// SPDX-License-Identifier: GPL-2.0
/*
 * Receive side: the guest posts empty buffers on its RX ring and kicks.
 *
 * Frames reach a port only from a switch, so a port that is not attached
 * has nothing to deliver: a kick finds no pending frames and leaves the
 * buffers posted for later, which is what the guest expects of a NIC
 * without link traffic.
 */
#include "kvs.h"

void kvs_handle_rx_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);

	mutex_lock(&vq->mutex);
	/* Nothing is pending for an unattached port; keep kicks coming. */
	if (vhost_vq_get_backend(vq))
		vhost_enable_notify(vq->dev, vq);
	mutex_unlock(&vq->mutex);
}
