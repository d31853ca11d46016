// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vhost-kvs: one open file is one queue pair's vhost device.
 *
 * The vhost core does the ring, memory-table, IOTLB and dirty-log work;
 * this file adds what is specific to a vhost-kvs queue pair: the
 * features it offers, starting and stopping queues, and teardown. Its
 * port (switch membership, MAC, policy) is vport.c's.
 */
#include <linux/compat.h>
#include <linux/file.h>
#include <linux/if_tun.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vhost.h>
#include <net/net_namespace.h>

#include "kvs.h"

/* Per work item, before it requeues itself (vhost_exceeds_weight()). */
#define KVS_WEIGHT_FRAMES	256
#define KVS_WEIGHT_BYTES	0x80000

enum {
	KVS_FEATURES = VHOST_FEATURES |
		       BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) |
		       BIT_ULL(VIRTIO_F_ACCESS_PLATFORM),
	KVS_BACKEND_FEATURES = BIT_ULL(VHOST_BACKEND_F_IOTLB_MSG_V2),
};

/* Count a frame of queue @qi: passed on when @reason is KVS_DROP_NONE. */
void kvs_count(struct kvs_queue *q, int qi, enum kvs_drop reason,
	       size_t bytes)
{
	lockdep_assert_held(&q->vqs[qi].mutex);
	kvs_stats_count(&q->stats[qi], reason, bytes);
}

static void kvs_queue_free(struct kvs_queue *q)
{
	if (q->tx.pool)
		kvs_pool_release(q->tx.pool);
	kfree(q->dev.vqs);
	kvfree(q);
}

static int kvs_open(struct inode *inode, struct file *f)
{
	struct vhost_virtqueue **vqs;
	struct kvs_queue *q;

	q = kvzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return -ENOMEM;
	vqs = kmalloc_array(VHOST_KVS_VQ_MAX, sizeof(*vqs), GFP_KERNEL_ACCOUNT);
	q->dev.vqs = vqs;
	q->tx.pool = kvs_pool_create();
	q->tx.stats = &q->stats[VHOST_KVS_VQ_TX];
	q->tx.in_task = true;
	if (!vqs || !q->tx.pool ||
	    ptr_ring_init(&q->inbound, KVS_INBOUND_SIZE, GFP_KERNEL_ACCOUNT)) {
		kvs_queue_free(q);
		return -ENOMEM;
	}
	vqs[VHOST_KVS_VQ_RX] = &q->vqs[VHOST_KVS_VQ_RX];
	vqs[VHOST_KVS_VQ_TX] = &q->vqs[VHOST_KVS_VQ_TX];
	q->vqs[VHOST_KVS_VQ_RX].handle_kick = kvs_handle_rx_kick;
	q->vqs[VHOST_KVS_VQ_TX].handle_kick = kvs_handle_tx_kick;
	q->hdr_len[VHOST_KVS_VQ_RX] = kvs_vnet_hdr_len(0);
	q->hdr_len[VHOST_KVS_VQ_TX] = kvs_vnet_hdr_len(0);
	kvs_coalesce_init(q);
	kvs_zc_init(q);
	u64_stats_init(&q->stats[VHOST_KVS_VQ_RX].syncp);
	u64_stats_init(&q->stats[VHOST_KVS_VQ_TX].syncp);
	vhost_dev_init(&q->dev, vqs, VHOST_KVS_VQ_MAX, UIO_MAXIOV,
		       KVS_WEIGHT_FRAMES, KVS_WEIGHT_BYTES, true, NULL);
	f->private_data = q;
	return 0;
}

/* Detach every queue from its backend; the workers see NULL and idle. */
static void kvs_queue_stop(struct kvs_queue *q)
{
	int i;

	for (i = 0; i < VHOST_KVS_VQ_MAX; i++) {
		struct vhost_virtqueue *vq = &q->vqs[i];

		mutex_lock(&vq->mutex);
		vhost_vq_set_backend(vq, NULL);
		mutex_unlock(&vq->mutex);
	}
	kvs_mq_set_rx_running(q, false);
}

/*
 * Once the queue pair is out of its port and past the grace period (so
 * no other port queues work here any more): no new work picks up a
 * backend, work already queued has finished, and kick polling has
 * stopped. Shared by close and RESET_OWNER.
 */
static void kvs_queue_quiesce(struct kvs_queue *q)
{
	kvs_queue_stop(q);
	kvs_zc_stop(q, false);
	kvs_coalesce_stop(q);
	vhost_dev_flush(&q->dev);
	vhost_dev_stop(&q->dev);
}

static int kvs_release(struct inode *inode, struct file *f)
{
	struct kvs_queue *q = f->private_data;

	/* It may have been taken out by its switch's deletion, still under
	 * way: that has to finish too.
	 */
	kvs_queue_detach(q);
	kvs_queue_wait_left(q);
	kvs_queue_quiesce(q);
	/* Frames queued here go back to their senders' pools. */
	kvs_rx_drain(q);
	ptr_ring_cleanup(&q->inbound, NULL);
	vhost_dev_cleanup(&q->dev);
	kvs_queue_free(q);
	return 0;
}

static long kvs_reset_owner(struct kvs_queue *q)
{
	struct vhost_iotlb *umem;
	long err;

	mutex_lock(&q->dev.mutex);
	err = vhost_dev_check_owner(&q->dev);
	if (err)
		goto out;
	umem = vhost_dev_reset_owner_prepare();
	if (!umem) {
		err = -ENOMEM;
		goto out;
	}
	/* Other ports queue work on this queue pair's worker, which the
	 * reset frees without waiting for them: leave the switch first
	 * (its grace period covers them). Only the admin attaches it again.
	 */
	kvs_queue_detach(q);
	err = kvs_queue_wait_left_killable(q);
	if (err) {
		vhost_iotlb_free(umem);
		goto out;
	}
	kvs_queue_quiesce(q);
	vhost_dev_reset_owner(&q->dev, umem);
out:
	mutex_unlock(&q->dev.mutex);
	return err;
}

static int kvs_set_features(struct kvs_queue *q, u64 features)
{
	int i, err = 0;

	if (features & ~KVS_FEATURES)
		return -EOPNOTSUPP;

	mutex_lock(&q->dev.mutex);
	if ((features & BIT_ULL(VHOST_F_LOG_ALL)) &&
	    !vhost_log_access_ok(&q->dev)) {
		err = -EFAULT;
		goto out;
	}
	if (features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)) {
		err = vhost_init_device_iotlb(&q->dev);
		if (err)
			goto out;
	} else {
		vhost_clear_device_iotlb(&q->dev);
	}
	for (i = 0; i < VHOST_KVS_VQ_MAX; i++) {
		struct vhost_virtqueue *vq = &q->vqs[i];

		mutex_lock(&vq->mutex);
		vq->acked_features = features;
		q->hdr_len[i] = kvs_vnet_hdr_len(features);
		mutex_unlock(&vq->mutex);
	}
out:
	mutex_unlock(&q->dev.mutex);
	return err;
}

/*
 * A queue's backend is the queue pair itself: the fd passed in must be this very
 * /dev/vhost-kvs file. No file reference is kept, since that would be a
 * reference from the queue pair to itself and the file could never be released.
 */
static int kvs_backend_lookup(struct kvs_queue *q, int fd, void **backend)
{
	struct file *file;
	int err = 0;

	*backend = NULL;
	if (fd == -1)
		return 0;
	file = fget(fd);
	if (!file)
		return -EBADF;
	/* This very file, or the tap file made for it */
	if ((file->f_op != kvs_misc.fops || file->private_data != q) &&
	    kvs_tap_file_queue(file) != q)
		err = -EINVAL;
	else
		*backend = q;
	fput(file);
	return err;
}

static long kvs_vq_set_backend(struct kvs_queue *q,
			       struct vhost_virtqueue *vq, void *backend)
{
	long err = 0;

	lockdep_assert_held(&q->dev.mutex);
	mutex_lock(&vq->mutex);
	/* Starting or stopping, the rings must lie in user memory. */
	if (!vhost_vq_access_ok(vq)) {
		err = -EFAULT;
		goto out;
	}
	if (vhost_vq_get_backend(vq) == backend)
		goto out;
	vhost_vq_set_backend(vq, backend);
	if (backend) {
		err = vhost_vq_init_access(vq);
		if (err)
			vhost_vq_set_backend(vq, NULL);
		else if (vq->kick)
			/* Frames queued before the start are not lost. */
			vhost_poll_queue(&vq->poll);
		if (!err && vq == &q->vqs[VHOST_KVS_VQ_RX])
			kvs_queue_claim_mac(q);
	}
out:
	mutex_unlock(&vq->mutex);
	/* Stopped: no frame may read its guest's buffers any more. */
	if (!err && !backend && vq == &q->vqs[VHOST_KVS_VQ_TX])
		kvs_zc_stop(q, true);
	return err;
}

static long kvs_set_backend(struct kvs_queue *q, void __user *argp)
{
	struct vhost_vring_file arg;
	void *backend;
	long err;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;

	mutex_lock(&q->dev.mutex);
	err = vhost_dev_check_owner(&q->dev);
	if (err)
		goto out;
	if (arg.index >= VHOST_KVS_VQ_MAX) {
		err = -ENOBUFS;
		goto out;
	}
	err = kvs_backend_lookup(q, arg.fd, &backend);
	if (err)
		goto out;
	arg.index = array_index_nospec(arg.index, VHOST_KVS_VQ_MAX);
	err = kvs_vq_set_backend(q, &q->vqs[arg.index], backend);
	/* A multiqueue port spreads its frames over running RX queues. */
	if (!err && arg.index == VHOST_KVS_VQ_RX)
		kvs_mq_set_rx_running(q, backend);
	/* A stopped queue's worker must be done before the caller goes on. */
	if (!err && !backend)
		vhost_dev_flush(&q->dev);
out:
	mutex_unlock(&q->dev.mutex);
	return err;
}

/*
 * The vhost core accepts regions it cannot use (an empty region at guest
 * address 0 even wraps to cover all of it) and checks user addresses only
 * once a queue runs. Refuse such a table up front with a clear errno.
 */
static long kvs_check_mem_table(struct vhost_memory __user *m)
{
	struct vhost_memory_region r;
	struct vhost_memory mem;
	u64 last;
	u32 i;

	if (copy_from_user(&mem, m, sizeof(mem)))
		return -EFAULT;
	/* Above U16_MAX the core answers E2BIG for any max_mem_regions. */
	for (i = 0; i < mem.nregions && i <= U16_MAX; i++) {
		if (copy_from_user(&r, &m->regions[i], sizeof(r)))
			return -EFAULT;
		if (!r.memory_size ||
		    check_add_overflow(r.guest_phys_addr, r.memory_size - 1,
				       &last))
			return -EINVAL;
		if (check_add_overflow(r.userspace_addr, r.memory_size - 1,
				       &last) ||
		    !access_ok(u64_to_user_ptr(r.userspace_addr),
			       r.memory_size))
			return -EFAULT;
	}
	return 0;
}

static long kvs_attach(struct kvs_queue *q, void __user *argp)
{
	struct vhost_kvs_attach a;
	struct net *net;
	int i;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	/* Unused fields must be zero, so they can be given a meaning later. */
	if (a.flags & ~VHOST_KVS_ATTACH_MIGRATE)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(a.reserved); i++)
		if (a.reserved[i])
			return -EINVAL;
	if (!a.switch_name[0] ||
	    strnlen(a.switch_name, sizeof(a.switch_name)) == sizeof(a.switch_name))
		return -EINVAL;
	/* The port's switch, MAC and policy are the admin's: whoever holds
	 * the file (a VMM) may leave, not come back under other terms.
	 */
	net = current->nsproxy->net_ns;
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return kvs_queue_attach(q, net, a.switch_name, a.mac,
			       a.flags & VHOST_KVS_ATTACH_MIGRATE);
}

#define KVS_OFFLOADS	(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | \
			 TUN_F_USO4 | TUN_F_USO6)

/* VHOST_KVS_SET_OFFLOADS, and TUNSETOFFLOAD on its tap file */
long kvs_queue_set_offloads(struct kvs_queue *q, u32 offloads)
{
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_RX];

	if (offloads & ~KVS_OFFLOADS)
		return -EINVAL;
	/* As for a tap: segments need their checksums filled in. */
	if (offloads && !(offloads & TUN_F_CSUM))
		return -EINVAL;
	mutex_lock(&vq->mutex);
	q->rx_offloads = offloads;
	mutex_unlock(&vq->mutex);
	return 0;
}

static long kvs_ioctl_features(struct kvs_queue *q, unsigned int ioctl,
			       u64 __user *featurep)
{
	u64 features;

	switch (ioctl) {
	case VHOST_GET_FEATURES:
		features = KVS_FEATURES;
		return copy_to_user(featurep, &features, sizeof(features)) ?
		       -EFAULT : 0;
	case VHOST_SET_FEATURES:
		if (copy_from_user(&features, featurep, sizeof(features)))
			return -EFAULT;
		return kvs_set_features(q, features);
	case VHOST_GET_BACKEND_FEATURES:
		features = KVS_BACKEND_FEATURES;
		return copy_to_user(featurep, &features, sizeof(features)) ?
		       -EFAULT : 0;
	case VHOST_SET_BACKEND_FEATURES:
		if (copy_from_user(&features, featurep, sizeof(features)))
			return -EFAULT;
		if (features & ~KVS_BACKEND_FEATURES)
			return -EOPNOTSUPP;
		vhost_set_backend_features(&q->dev, features);
		return 0;
	}
	return -ENOIOCTLCMD;
}

/*
 * The queue pair's own ioctls, under the device mutex as the vhost
 * core's are: a RESET_OWNER frees the worker that coalescing queues work on, and that
 * other ports queue work on once this one is attached again, so none of
 * them may run while it does.
 */
static long kvs_ioctl_port(struct kvs_queue *q, struct file *f,
			   unsigned int ioctl, void __user *argp)
{
	u32 offloads, on;
	int fd;

	lockdep_assert_held(&q->dev.mutex);
	switch (ioctl) {
	case VHOST_KVS_ATTACH:
		return kvs_attach(q, argp);
	case VHOST_KVS_DETACH:
		return kvs_queue_detach(q);
	case VHOST_KVS_SET_OFFLOADS:
		if (get_user(offloads, (u32 __user *)argp))
			return -EFAULT;
		return kvs_queue_set_offloads(q, offloads);
	case VHOST_KVS_TAP_FD:
		return kvs_tap_open(q, f);
	case VHOST_KVS_ADD_QUEUE:
		if (get_user(fd, (int __user *)argp))
			return -EFAULT;
		return kvs_mq_join(q, fd);
	case VHOST_KVS_SET_QUEUE_ENABLE:
		if (get_user(on, (u32 __user *)argp))
			return -EFAULT;
		if (on > 1)
			return -EINVAL;
		kvs_mq_set_enabled(q, on);
		return 0;
	case VHOST_KVS_SET_COALESCE:
		return kvs_set_coalesce(q, argp);
	case VHOST_KVS_GET_COALESCE:
		return kvs_get_coalesce(q, argp);
	}
	return -ENOIOCTLCMD;
}

static long kvs_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	struct kvs_queue *q = f->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	switch (ioctl) {
	case VHOST_NET_SET_BACKEND:
		return kvs_set_backend(q, argp);
	case VHOST_RESET_OWNER:
		return kvs_reset_owner(q);
	case VHOST_SET_MEM_TABLE:
		r = kvs_check_mem_table(argp);
		if (r)
			return r;
		break;
	}
	r = kvs_ioctl_features(q, ioctl, argp);
	if (r != -ENOIOCTLCMD)
		return r;

	mutex_lock(&q->dev.mutex);
	r = kvs_ioctl_port(q, f, ioctl, argp);
	if (r != -ENOIOCTLCMD)
		goto out;
	r = vhost_dev_ioctl(&q->dev, ioctl, argp);
	if (r == -ENOIOCTLCMD)
		r = vhost_vring_ioctl(&q->dev, ioctl, argp);
	else
		vhost_dev_flush(&q->dev);
out:
	mutex_unlock(&q->dev.mutex);
	return r;
}

/* read/write/poll carry IOTLB messages when VIRTIO_F_ACCESS_PLATFORM is on. */
static ssize_t kvs_chr_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct kvs_queue *q = iocb->ki_filp->private_data;

	return vhost_chr_read_iter(&q->dev, to,
				   iocb->ki_filp->f_flags & O_NONBLOCK);
}

static ssize_t kvs_chr_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kvs_queue *q = iocb->ki_filp->private_data;

	return vhost_chr_write_iter(&q->dev, from);
}

static __poll_t kvs_chr_poll(struct file *file, poll_table *wait)
{
	struct kvs_queue *q = file->private_data;

	return vhost_chr_poll(file, &q->dev, wait);
}

static const struct file_operations kvs_fops = {
	.owner		= THIS_MODULE,
	.open		= kvs_open,
	.release	= kvs_release,
	.read_iter	= kvs_chr_read_iter,
	.write_iter	= kvs_chr_write_iter,
	.poll		= kvs_chr_poll,
	.unlocked_ioctl	= kvs_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

struct miscdevice kvs_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vhost-kvs",
	.fops	= &kvs_fops,
	.mode	= 0600,
};
