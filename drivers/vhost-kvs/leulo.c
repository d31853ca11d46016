// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vhost-leulo: one open file is one Leulo device. This file is the
 * device's life: open, the namespace it serves, starting and stopping
 * (a stop is a device reset: every host socket is closed), limits,
 * counters and release.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/net_namespace.h>

#include "leulo.h"
#include "kvs.h"

/* Per run of a request queue before it yields (vhost_exceeds_weight()). */
#define LEULO_WEIGHT_REQS	64
#define LEULO_WEIGHT_BYTES	0x80000

enum {
	LEULO_FEATURES = BIT_ULL(VIRTIO_F_VERSION_1) |
			 BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
			 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC),
};

unsigned int leulo_max_sockets = 4096;
module_param_named(leulo_max_sockets, leulo_max_sockets, uint, 0644);
MODULE_PARM_DESC(leulo_max_sockets,
		 "Leulo: most sockets a device may hold (and its default)");
unsigned int leulo_max_backlog = 1024;
module_param_named(leulo_max_backlog, leulo_max_backlog, uint, 0644);
MODULE_PARM_DESC(leulo_max_backlog,
		 "Leulo: largest listen backlog (and its default)");
unsigned int leulo_max_buf = 4 << 20;
module_param_named(leulo_max_buf, leulo_max_buf, uint, 0644);
MODULE_PARM_DESC(leulo_max_buf,
		 "Leulo: largest SO_SNDBUF/SO_RCVBUF in bytes (and its default)");

static int leulo_open(struct inode *inode, struct file *f)
{
	struct vhost_virtqueue **vqs;
	struct leulo_dev *l;
	int i;

	l = kvzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	vqs = kmalloc_array(VHOST_LEULO_VQ_MAX, sizeof(*vqs),
			    GFP_KERNEL_ACCOUNT);
	if (!l || !vqs) {
		kvfree(l);
		kfree(vqs);
		return -ENOMEM;
	}
	for (i = 0; i < VHOST_LEULO_VQ_MAX; i++) {
		vqs[i] = &l->vqs[i];
		l->vqs[i].handle_kick = leulo_handle_req_kick;
	}
	l->vqs[VHOST_LEULO_VQ_EVT].handle_kick = leulo_handle_evt_kick;
	mutex_init(&l->lock);
	xa_init_flags(&l->socks, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	spin_lock_init(&l->ev_lock);
	INIT_LIST_HEAD(&l->ev_pending);
	vhost_work_init(&l->ev_work, leulo_ev_work);
	l->limits.max_sockets = READ_ONCE(leulo_max_sockets);
	l->limits.max_backlog = READ_ONCE(leulo_max_backlog);
	l->limits.max_buf = READ_ONCE(leulo_max_buf);
	vhost_dev_init(&l->dev, vqs, VHOST_LEULO_VQ_MAX, UIO_MAXIOV,
		       LEULO_WEIGHT_REQS, LEULO_WEIGHT_BYTES, true, NULL);
	leulo_register(l);
	f->private_data = l;
	return 0;
}

/*
 * Stop the queues: once the backends are NULL and the work flushed, no
 * work touches a socket or a ring. Events that sockets raise meanwhile
 * stay marked, and go out when the queues run again.
 */
static void leulo_quiesce(struct leulo_dev *l)
{
	int i;

	for (i = 0; i < VHOST_LEULO_VQ_MAX; i++) {
		struct vhost_virtqueue *vq = &l->vqs[i];

		mutex_lock(&vq->mutex);
		vhost_vq_set_backend(vq, NULL);
		mutex_unlock(&vq->mutex);
	}
	vhost_dev_flush(&l->dev);
	WRITE_ONCE(l->running, false);	/* leulo-get reads it */
	if (l->cred) {
		put_cred(l->cred);
		l->cred = NULL;
	}
}

/*
 * A device reset: the queues stop and every host socket is closed. Once
 * a socket is off its wait queue, no work is queued for it.
 */
static void leulo_stop(struct leulo_dev *l)
{
	leulo_quiesce(l);
	leulo_sock_close_all(l);
}

static int leulo_start(struct leulo_dev *l)
{
	int i, err;

	lockdep_assert_held(&l->dev.mutex);
	if (l->running)
		return 0;
	if (!l->net)
		return -ENXIO;
	err = vhost_dev_check_owner(&l->dev);
	if (err)
		return err;
	/*
	 * A kthread worker (VHOST_SET_FORK_FROM_OWNER 0) would run with the
	 * kernel's credentials: sockets are made only by a thread of the VMM.
	 */
	if (!l->dev.fork_owner || !leulo_lsm_may_start())
		return -EPERM;
	/* The protocol is little-endian, which only VERSION_1 promises. */
	if (!vhost_has_feature(&l->vqs[0], VIRTIO_F_VERSION_1))
		return -EINVAL;
	l->cred = get_current_cred();
	for (i = 0; i < VHOST_LEULO_VQ_MAX; i++) {
		struct vhost_virtqueue *vq = &l->vqs[i];

		mutex_lock(&vq->mutex);
		if (!vhost_vq_access_ok(vq)) {
			err = -EFAULT;
		} else if (!vhost_vq_get_backend(vq)) {
			vhost_vq_set_backend(vq, l);
			err = vhost_vq_init_access(vq);
		}
		mutex_unlock(&vq->mutex);
		if (err)
			goto fail;
	}
	WRITE_ONCE(l->running, true);
	/* Requests queued before the start are answered now. */
	for (i = 0; i < VHOST_LEULO_VQ_MAX; i++)
		vhost_poll_queue(&l->vqs[i].poll);
	return 0;
fail:
	leulo_stop(l);
	return err;
}

static int leulo_set_running(struct leulo_dev *l, int __user *argp)
{
	int on;

	lockdep_assert_held(&l->dev.mutex);
	if (get_user(on, argp))
		return -EFAULT;
	switch (on) {
	case VHOST_LEULO_RUN:
		return leulo_start(l);
	case VHOST_LEULO_PAUSE:
		leulo_quiesce(l);
		return 0;
	case VHOST_LEULO_STOP:
		leulo_stop(l);
		return 0;
	}
	return -EINVAL;
}

/* The namespace the sockets live in, as entering it would need. */
static int leulo_set_netns(struct leulo_dev *l, int __user *argp)
{
	struct net *net;
	int fd, err = 0;

	lockdep_assert_held(&l->dev.mutex);
	if (get_user(fd, argp))
		return -EFAULT;
	net = get_net_ns_by_fd(fd);
	if (IS_ERR(net))
		return PTR_ERR(net);
	if (net_eq(net, &init_net) ||
	    !ns_capable(net->user_ns, CAP_SYS_ADMIN))
		err = -EPERM;
	else if (l->running)
		err = -EBUSY;
	else if (l->net)
		err = -EEXIST;
	if (err) {
		put_net(net);
		return err;
	}
	l->net = net;
	return 0;
}

static int leulo_set_limits(struct leulo_dev *l, void __user *argp)
{
	struct vhost_leulo_limits lim;

	if (copy_from_user(&lim, argp, sizeof(lim)))
		return -EFAULT;
	if (lim.reserved || lim.max_sockets > READ_ONCE(leulo_max_sockets) ||
	    lim.max_backlog > READ_ONCE(leulo_max_backlog) ||
	    lim.max_buf > READ_ONCE(leulo_max_buf))
		return -EINVAL;
	mutex_lock(&l->lock);
	if (lim.max_sockets)
		l->limits.max_sockets = lim.max_sockets;
	if (lim.max_backlog)
		l->limits.max_backlog = lim.max_backlog;
	if (lim.max_buf)
		l->limits.max_buf = lim.max_buf;
	mutex_unlock(&l->lock);
	return 0;
}

static int leulo_get(struct leulo_dev *l, void __user *argp,
		     const void *what, size_t len)
{
	char buf[sizeof(struct vhost_leulo_stats)];

	BUILD_BUG_ON(sizeof(struct vhost_leulo_limits) > sizeof(buf));
	mutex_lock(&l->lock);
	memcpy(buf, what, len);
	mutex_unlock(&l->lock);
	return copy_to_user(argp, buf, len) ? -EFAULT : 0;
}

static int leulo_set_features(struct leulo_dev *l, u64 __user *argp)
{
	u64 features;
	int i;

	if (copy_from_user(&features, argp, sizeof(features)))
		return -EFAULT;
	if (features & ~LEULO_FEATURES)
		return -EOPNOTSUPP;
	/* The protocol is little-endian: no legacy guests. */
	if (!(features & BIT_ULL(VIRTIO_F_VERSION_1)))
		return -EINVAL;
	for (i = 0; i < VHOST_LEULO_VQ_MAX; i++) {
		mutex_lock(&l->vqs[i].mutex);
		l->vqs[i].acked_features = features;
		mutex_unlock(&l->vqs[i].mutex);
	}
	return 0;
}

static long leulo_ioctl_dev(struct leulo_dev *l, unsigned int ioctl,
			    void __user *argp)
{
	u64 features = LEULO_FEATURES;

	lockdep_assert_held(&l->dev.mutex);
	switch (ioctl) {
	case VHOST_GET_FEATURES:
		return copy_to_user(argp, &features, sizeof(features)) ?
		       -EFAULT : 0;
	case VHOST_SET_FEATURES:
		return leulo_set_features(l, argp);
	case VHOST_LEULO_SET_NETNS:
		return leulo_set_netns(l, argp);
	case VHOST_LEULO_SET_RUNNING:
		return leulo_set_running(l, argp);
	case VHOST_LEULO_SET_LIMITS:
		return leulo_set_limits(l, argp);
	case VHOST_LEULO_GET_LIMITS:
		return leulo_get(l, argp, &l->limits, sizeof(l->limits));
	case VHOST_LEULO_GET_STATS:
		return leulo_get(l, argp, &l->stats, sizeof(l->stats));
	}
	return -ENOIOCTLCMD;
}

static long leulo_reset_owner(struct leulo_dev *l)
{
	struct vhost_iotlb *umem;
	long err;

	lockdep_assert_held(&l->dev.mutex);
	err = vhost_dev_check_owner(&l->dev);
	if (err)
		return err;
	umem = vhost_dev_reset_owner_prepare();
	if (!umem)
		return -ENOMEM;
	leulo_stop(l);
	vhost_dev_stop(&l->dev);
	vhost_dev_reset_owner(&l->dev, umem);
	return 0;
}

static long leulo_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	struct leulo_dev *l = f->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	mutex_lock(&l->dev.mutex);
	if (ioctl == VHOST_RESET_OWNER) {
		r = leulo_reset_owner(l);
		goto out;
	}
	r = leulo_ioctl_dev(l, ioctl, argp);
	if (r != -ENOIOCTLCMD)
		goto out;
	/* No dirty log: live migration is refused (the VMM blocks it). */
	if (ioctl == VHOST_SET_LOG_BASE || ioctl == VHOST_SET_LOG_FD) {
		r = -EOPNOTSUPP;
		goto out;
	}
	r = vhost_dev_ioctl(&l->dev, ioctl, argp);
	if (r == -ENOIOCTLCMD)
		r = vhost_vring_ioctl(&l->dev, ioctl, argp);
	else
		vhost_dev_flush(&l->dev);
out:
	mutex_unlock(&l->dev.mutex);
	return r;
}

static int leulo_release(struct inode *inode, struct file *f)
{
	struct leulo_dev *l = f->private_data;

	leulo_unregister(l);
	mutex_lock(&l->dev.mutex);
	leulo_stop(l);
	mutex_unlock(&l->dev.mutex);
	vhost_dev_stop(&l->dev);
	vhost_dev_cleanup(&l->dev);
	if (l->net)
		put_net(l->net);
	xa_destroy(&l->socks);
	kfree(l->dev.vqs);
	kvfree(l);
	return 0;
}

static const struct file_operations leulo_fops = {
	.owner		= THIS_MODULE,
	.open		= leulo_open,
	.release	= leulo_release,
	.unlocked_ioctl	= leulo_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice leulo_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vhost-leulo",
	.fops	= &leulo_fops,
	.mode	= 0600,
};

int kvs_leulo_init(void)
{
	return misc_register(&leulo_misc);
}

void kvs_leulo_exit(void)
{
	misc_deregister(&leulo_misc);
}
