// SPDX-License-Identifier: GPL-2.0
/*
 * The tap face of a queue pair, for a QEMU without -netdev vhost-kvs.
 *
 * Stock QEMU drives a kernel vhost backend through a tap file:
 * "-netdev tap,fd=T,vhost=on,vhostfd=V". VHOST_KVS_TAP_FD on a
 * /dev/vhost-kvs file V returns such a T for V's queue pair. T answers
 * the tap ioctls QEMU issues on it, and VHOST_NET_SET_BACKEND on V accepts
 * T as the queues' backend (port.c), exactly as vhost-net accepts a tap.
 *
 * QEMU writes to T only for frames of its own (its announcement after a
 * migration); such a frame enters the switch as if the guest had sent
 * it, checked and counted like one. Reads find nothing: the port's frames
 * reach the guest through its RX ring, never through QEMU.
 *
 * T holds a reference to V's file, so the queue pair outlives every T;
 * the queue pair holds none to T.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "kvs.h"

/* What TUNGETFEATURES and TUNGETIFF report: a tap with virtio-net headers,
 * one file per queue pair (TUNSETQUEUE turns one on or off).
 */
#define KVS_TAP_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE)

struct kvs_tap {
	struct kvs_queue *q;
	struct file *vhost_file;	/* counted: keeps the queue pair */
	int hdr_len;			/* TUNSETVNETHDRSZ; under the TX mutex */
};

static const struct file_operations kvs_tap_fops;

/* The queue pair whose tap file @file is, or NULL for any other file. */
struct kvs_queue *kvs_tap_file_queue(struct file *file)
{
	if (file->f_op != &kvs_tap_fops)
		return NULL;
	return ((struct kvs_tap *)file->private_data)->q;
}

static long kvs_tap_getiff(struct kvs_queue *q, void __user *argp)
{
	struct ifreq ifr = {};
	struct kvs_port *port;
	u32 id;

	rcu_read_lock();
	port = rcu_dereference(q->port);
	id = port ? port->id : 0;
	rcu_read_unlock();
	/* Not a netdevice: the name only tells a reader which port it is
	 * (0: none yet).
	 */
	snprintf(ifr.ifr_name, IFNAMSIZ, "kvs-port%u", id);
	ifr.ifr_flags = KVS_TAP_FLAGS;
	return copy_to_user(argp, &ifr, sizeof(ifr)) ? -EFAULT : 0;
}

static long kvs_tap_hdr_len(struct kvs_tap *tap, unsigned int cmd,
			    int __user *argp)
{
	struct vhost_virtqueue *vq = &tap->q->vqs[VHOST_KVS_VQ_TX];
	int len;

	if (cmd == TUNGETVNETHDRSZ)
		return put_user(READ_ONCE(tap->hdr_len), argp);
	if (get_user(len, argp))
		return -EFAULT;
	/* As tun: at least a virtio_net_hdr, at most what a header can be */
	if (len < (int)sizeof(struct virtio_net_hdr) ||
	    len > (int)sizeof(struct virtio_net_hdr_v1_hash))
		return -EINVAL;
	mutex_lock(&vq->mutex);
	WRITE_ONCE(tap->hdr_len, len);
	mutex_unlock(&vq->mutex);
	return 0;
}

/* Headers are little endian (virtio 1.0, or legacy on x86): BE refused. */
static long kvs_tap_endian(unsigned int cmd, int __user *argp)
{
	int v;

	switch (cmd) {
	case TUNGETVNETLE:
		return put_user(1, argp);
	case TUNGETVNETBE:
		return put_user(0, argp);
	}
	if (get_user(v, argp))
		return -EFAULT;
	return (cmd == TUNSETVNETLE) == !!v ? 0 : -EINVAL;
}

/* The guest's queue pair count changed (ethtool -L): see mq.c. */
static long kvs_tap_setqueue(struct kvs_queue *q, void __user *argp)
{
	struct ifreq ifr;

	if (copy_from_user(&ifr, argp, sizeof(ifr)))
		return -EFAULT;
	switch (ifr.ifr_flags) {
	case IFF_ATTACH_QUEUE:
	case IFF_DETACH_QUEUE:
		kvs_mq_set_enabled(q, ifr.ifr_flags == IFF_ATTACH_QUEUE);
		return 0;
	}
	return -EINVAL;
}

static long kvs_tap_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct kvs_tap *tap = f->private_data;
	void __user *argp = (void __user *)arg;
	int sndbuf;

	switch (cmd) {
	case TUNGETFEATURES:
		return put_user(KVS_TAP_FLAGS, (unsigned int __user *)argp);
	case TUNGETIFF:
		return kvs_tap_getiff(tap->q, argp);
	case TUNSETSNDBUF:
		/* No socket buffer: frames are copied as they are taken. */
		if (get_user(sndbuf, (int __user *)argp))
			return -EFAULT;
		return sndbuf > 0 ? 0 : -EINVAL;
	case TUNGETVNETHDRSZ:
	case TUNSETVNETHDRSZ:
		return kvs_tap_hdr_len(tap, cmd, argp);
	case TUNGETVNETLE:
	case TUNSETVNETLE:
	case TUNGETVNETBE:
	case TUNSETVNETBE:
		return kvs_tap_endian(cmd, argp);
	case TUNSETOFFLOAD:
		/* The value itself, not a pointer, as for tun */
		if (arg > U32_MAX)
			return -EINVAL;
		return kvs_queue_set_offloads(tap->q, arg);
	case TUNSETQUEUE:
		return kvs_tap_setqueue(tap->q, argp);
	}
	/* Anything else (TUNSETIFF, ...): a port is not a tun. */
	return -EINVAL;
}

/* Take one frame QEMU wrote; TX vq mutex held. Returns its length. */
static ssize_t kvs_tap_frame(struct kvs_tap *tap, struct iov_iter *from)
{
	struct kvs_queue *q = tap->q;
	size_t len = iov_iter_count(from);
	enum kvs_drop reason;
	struct kvs_buf *buf;

	buf = kvs_tx_take(q, from, tap->hdr_len, true, &reason);
	if (buf) {
		q->tx.bufs[0] = buf;
		kvs_tx_forward(q, 1);
		return len;
	}
	switch (reason) {
	case KVS_DROP_NO_SWITCH:
		return len;	/* taken, as a cable-less NIC would */
	case KVS_DROP_NOMEM:
		return -ENOMEM;
	case KVS_DROP_BAD_DESC:
		return -EFAULT;
	default:
		return -EINVAL;
	}
}

static ssize_t kvs_tap_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct kvs_tap *tap = iocb->ki_filp->private_data;
	struct vhost_virtqueue *vq = &tap->q->vqs[VHOST_KVS_VQ_TX];
	ssize_t ret;

	/* The TX mutex: the pool and the batch arrays are the TX worker's. */
	mutex_lock(&vq->mutex);
	ret = kvs_tap_frame(tap, from);
	mutex_unlock(&vq->mutex);
	return ret;
}

static ssize_t kvs_tap_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return -EAGAIN;
}

static __poll_t kvs_tap_poll(struct file *f, poll_table *wait)
{
	return EPOLLOUT | EPOLLWRNORM;
}

static int kvs_tap_release(struct inode *inode, struct file *f)
{
	struct kvs_tap *tap = f->private_data;

	fput(tap->vhost_file);
	kfree(tap);
	return 0;
}

static const struct file_operations kvs_tap_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= kvs_tap_read_iter,
	.write_iter	= kvs_tap_write_iter,
	.poll		= kvs_tap_poll,
	.unlocked_ioctl	= kvs_tap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= kvs_tap_release,
	.llseek		= noop_llseek,
};

/**
 * kvs_tap_open() - a new tap file for the queue pair of @vhost_file
 * @q: the queue pair
 * @vhost_file: its /dev/vhost-kvs file
 *
 * Return: the new file's descriptor (close-on-exec), or a negative errno.
 */
long kvs_tap_open(struct kvs_queue *q, struct file *vhost_file)
{
	struct kvs_tap *tap;
	int fd;

	tap = kzalloc(sizeof(*tap), GFP_KERNEL_ACCOUNT);
	if (!tap)
		return -ENOMEM;
	tap->q = q;
	tap->hdr_len = sizeof(struct virtio_net_hdr);
	tap->vhost_file = get_file(vhost_file);
	fd = anon_inode_getfd("[vhost-kvs-tap]", &kvs_tap_fops, tap,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fput(vhost_file);
		kfree(tap);
	}
	return fd;
}
