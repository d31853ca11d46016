// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo guest: the virtio device. Requests go on the control or the data
 * queue and are completed from the queue's callback; events are read
 * from the event queue, whose buffers are posted again at once, and
 * handed to their sockets. One device is served; see leulo_guest.h.
 */
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <net/leulo.h>

#include "leulo_guest.h"

/* Event buffers kept posted (fewer if the ring is smaller). */
#define LEULO_NR_EVBUF	128

DEFINE_STATIC_KEY_FALSE(leulo_inet_key);

static DEFINE_MUTEX(leulo_mutex);	/* see LOCKING */
static struct leulo_gdev *leulo_cur;
static int leulo_enabled = 1;

/* New sockets are Leulo's while a device is there and the sysctl is 1. */
static void leulo_key_update(void)
{
	bool on = leulo_cur && READ_ONCE(leulo_enabled);

	lockdep_assert_held(&leulo_mutex);
	if (on == static_key_enabled(&leulo_inet_key))
		return;
	if (on)
		static_branch_enable(&leulo_inet_key);
	else
		static_branch_disable(&leulo_inet_key);
}

static int leulo_sysctl_enabled(const struct ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	int ret;

	mutex_lock(&leulo_mutex);
	ret = proc_dointvec_minmax(table, write, buffer, lenp, ppos);
	if (write && !ret)
		leulo_key_update();
	mutex_unlock(&leulo_mutex);
	return ret;
}

/* A day: a socket closed with data unsent is not kept longer. */
static int leulo_close_timeout_max = 86400;
int leulo_close_timeout = 60;

static struct ctl_table leulo_sysctl[] = {
	{
		.procname	= "enabled",
		.data		= &leulo_enabled,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= leulo_sysctl_enabled,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		/* Seconds a closed socket's posted data may wait (leulo_gtx.c) */
		.procname	= "close_timeout",
		.data		= &leulo_close_timeout,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &leulo_close_timeout_max,
	},
};

static void leulo_gdev_free(struct kref *ref)
{
	kfree(container_of(ref, struct leulo_gdev, ref));
}

/* The device new sockets go to, with a reference, or NULL. */
struct leulo_gdev *leulo_gdev_get(void)
{
	struct leulo_gdev *g;

	mutex_lock(&leulo_mutex);
	g = leulo_cur;
	if (g)
		kref_get(&g->ref);
	mutex_unlock(&leulo_mutex);
	return g;
}

void leulo_gdev_put(struct leulo_gdev *g)
{
	kref_put(&g->ref, leulo_gdev_free);
}

/* Requests */

static void leulo_req_free(struct kref *ref)
{
	struct leulo_req *r = container_of(ref, struct leulo_req, ref);

	kfree(r->buf);
	kfree(r);
}

/*
 * A request with room for @size payload bytes (0 for none). A big
 * buffer is a high-order allocation: when it fails, a page will do, as
 * SEND and RECV move what fits and loop.
 */
struct leulo_req *leulo_req_alloc(size_t size)
{
	struct leulo_req *r;

	/*
	 * Without payload it is small, and it may be the CLOSE that frees a
	 * host socket, which must not be lost: that one never fails.
	 */
	r = kzalloc(sizeof(*r), size ? GFP_KERNEL : GFP_KERNEL | __GFP_NOFAIL);
	if (!r)
		return NULL;
	kref_init(&r->ref);
	init_completion(&r->done);
	size = min_t(size_t, size, LEULO_MAX_PAYLOAD);
	if (size) {
		r->buf = kmalloc(size, GFP_KERNEL | __GFP_NOWARN |
				 __GFP_NORETRY);
		if (!r->buf && size > PAGE_SIZE) {
			size = PAGE_SIZE;
			r->buf = kmalloc(size, GFP_KERNEL);
		}
		if (!r->buf) {
			kfree(r);
			return NULL;
		}
	}
	r->size = size;
	return r;
}

/* Make @r a new @op request; only once its previous call has returned. */
void leulo_req_reset(struct leulo_req *r, u32 op, u32 id)
{
	reinit_completion(&r->done);
	memset(&r->rq, 0, sizeof(r->rq));
	memset(&r->rs, 0, sizeof(r->rs));
	r->rq.op = cpu_to_le32(op);
	r->rq.id = cpu_to_le32(id);
	r->used = 0;
	r->xfer = 0;
	r->answered = false;
	r->len = 0;
}

void leulo_req_put(struct leulo_req *r)
{
	kref_put(&r->ref, leulo_req_free);
}

/* The device is done with @r: answered, or detached at removal. */
static void leulo_req_finish(struct leulo_req *r, u32 used, int xfer)
{
	r->used = used;
	r->xfer = xfer;
	complete(&r->done);
	if (r->done_fn)
		r->done_fn(r);
	leulo_req_put(r);
}

/* Under the lock: once the device is dead, its virtqueues may be gone. */
static bool leulo_vq_room(struct leulo_gdev *g, struct leulo_gvq *q,
			  unsigned int nsg)
{
	unsigned long flags;
	bool room;

	spin_lock_irqsave(&q->lock, flags);
	room = READ_ONCE(g->dead) || q->vq->num_free >= nsg;
	spin_unlock_irqrestore(&q->lock, flags);
	return room;
}

/* Put @r on @q's ring and kick; waits for room when the ring is full. */
static int leulo_req_add(struct leulo_gdev *g, struct leulo_gvq *q,
			 struct scatterlist **sgs, unsigned int nout,
			 unsigned int nin, struct leulo_req *r, bool nokill)
{
	unsigned long flags;
	int err;

	for (;;) {
		spin_lock_irqsave(&q->lock, flags);
		if (READ_ONCE(g->dead)) {
			err = -ENODEV;
		} else {
			err = virtqueue_add_sgs(q->vq, sgs, nout, nin, r,
						GFP_ATOMIC);
			if (!err) {
				/* The device's reference, dropped on finish. */
				kref_get(&r->ref);
				/* Under the lock: remove may free the vq after. */
				virtqueue_kick(q->vq);
			}
		}
		spin_unlock_irqrestore(&q->lock, flags);
		if (!err)
			return 0;
		if (err != -ENOSPC)
			return err;
		/* Room comes as the device answers, which it never delays. */
		if (nokill) {
			wait_event(q->room, leulo_vq_room(g, q, nout + nin));
		} else if (wait_event_killable(q->room,
					       leulo_vq_room(g, q, nout + nin))) {
			return -EINTR;
		}
	}
}

/*
 * Put @r on its queue (@flags as leulo_req_call()'s) without waiting for
 * the answer: 0, -ENODEV when the device is gone, -EINTR when killed
 * while the ring was full.
 */
int leulo_req_submit(struct leulo_gdev *g, struct leulo_req *r,
		     unsigned int flags)
{
	struct leulo_gvq *q = flags & LEULO_REQ_DATA ? &g->data : &g->ctl;
	struct scatterlist sg_rq, sg_rs, sg_pl, *sgs[3];
	unsigned int nout = 1, nin = 1;

	sg_init_one(&sg_rq, &r->rq, sizeof(r->rq));
	sg_init_one(&sg_rs, &r->rs, sizeof(r->rs));
	sgs[0] = &sg_rq;
	if (flags & LEULO_REQ_SEND) {
		sg_init_one(&sg_pl, r->buf + r->off, r->len);
		sgs[nout++] = &sg_pl;
	}
	sgs[nout] = &sg_rs;
	if (flags & LEULO_REQ_RECV) {
		sg_init_one(&sg_pl, r->buf, r->len);
		sgs[nout + nin++] = &sg_pl;
	}
	return leulo_req_add(g, q, sgs, nout, nin, r,
			     flags & LEULO_REQ_NOKILL);
}

/* Once the device is done with @r: its answer's status, or why none. */
int leulo_req_status(struct leulo_req *r)
{
	if (r->xfer)
		return r->xfer;
	if (r->used < sizeof(r->rs))
		return -EIO;	/* the device dropped it as malformed */
	r->answered = true;
	return (s32)le32_to_cpu(r->rs.status);
}

/*
 * Send @r and wait for its answer. Returns the answer's status, -ENODEV
 * when the device is gone, -EINTR when killed (then @r belongs to the
 * device until it answers), or -ENOMEM.
 */
int leulo_req_call(struct leulo_gdev *g, struct leulo_req *r,
		   unsigned int flags)
{
	int err;

	err = leulo_req_submit(g, r, flags);
	if (err)
		return err;
	if (flags & LEULO_REQ_NOKILL)
		wait_for_completion(&r->done);
	else if (wait_for_completion_killable(&r->done))
		return -EINTR;
	return leulo_req_status(r);
}

static void leulo_req_done(struct virtqueue *vq)
{
	struct leulo_gdev *g = vq->vdev->priv;
	struct leulo_gvq *q = vq == g->data.vq ? &g->data : &g->ctl;
	struct leulo_req *r;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((r = virtqueue_get_buf(vq, &len)))
			leulo_req_finish(r, len, 0);
	} while (!virtqueue_enable_cb(vq));
	spin_unlock_irqrestore(&q->lock, flags);
	if (wq_has_sleeper(&q->room))
		wake_up_all(&q->room);
}

/* Events */

/*
 * Make @ls (grafted, its id set) reachable by events, and give it the
 * newest event stashed for its id. Returns whether there was one.
 */
bool leulo_sk_link(struct leulo_sk *ls, int *err)
{
	struct leulo_gdev *g = ls->g;
	struct vhost_leulo_event ev = {};
	__le32 id = cpu_to_le32(ls->id);
	unsigned int i, k;

	*err = xa_insert_irq(&g->socks, ls->id, ls, GFP_KERNEL);
	if (*err)
		return false;
	spin_lock_irq(&g->evt_lock);
	for (i = 0; i < LEULO_NR_STASH; i++) {
		k = (g->stash_next + i) % LEULO_NR_STASH;	/* oldest first */
		if (g->stash[k].id == id) {
			ev = g->stash[k];
			g->stash[k].id = 0;
		}
	}
	if (ev.id)
		leulo_sk_event(ls, &ev);
	spin_unlock_irq(&g->evt_lock);
	return ev.id;
}

/* After this, no event reaches @ls. */
void leulo_sk_unlink(struct leulo_sk *ls)
{
	struct leulo_gdev *g = ls->g;

	xa_erase_irq(&g->socks, ls->id);
	/* An event dispatched right now holds evt_lock: let it finish. */
	spin_lock_irq(&g->evt_lock);
	spin_unlock_irq(&g->evt_lock);
}

static void leulo_evt_dispatch(struct leulo_gdev *g,
			       const struct vhost_leulo_event *ev)
{
	struct leulo_sk *ls;

	xa_lock(&g->socks);
	ls = xa_load(&g->socks, le32_to_cpu(ev->id));
	if (ls)
		sock_hold(&ls->sk);
	xa_unlock(&g->socks);
	/* An unknown id: a socket just closed, or one not linked yet. */
	if (!ls) {
		lockdep_assert_held(&g->evt_lock);
		g->stash[g->stash_next++ % LEULO_NR_STASH] = *ev;
		return;
	}
	leulo_sk_event(ls, ev);
	sock_put(&ls->sk);
}

static int leulo_evt_post(struct leulo_gdev *g, struct vhost_leulo_event *ev)
{
	struct scatterlist sg;

	lockdep_assert_held(&g->evt_lock);
	sg_init_one(&sg, ev, sizeof(*ev));
	return virtqueue_add_inbuf(g->evt, &sg, 1, ev, GFP_ATOMIC);
}

static void leulo_evt_done(struct virtqueue *vq)
{
	struct leulo_gdev *g = vq->vdev->priv;
	struct vhost_leulo_event *ev, copy;
	unsigned long flags;
	unsigned int len;
	bool posted = false;

	spin_lock_irqsave(&g->evt_lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((ev = virtqueue_get_buf(vq, &len))) {
			copy = *ev;
			/* Posted again first: the ring never runs dry. */
			if (!READ_ONCE(g->dead) && !leulo_evt_post(g, ev))
				posted = true;
			if (len >= sizeof(copy))
				leulo_evt_dispatch(g, &copy);
		}
	} while (!virtqueue_enable_cb(vq));
	if (posted)
		virtqueue_kick(vq);
	spin_unlock_irqrestore(&g->evt_lock, flags);
}

static int leulo_evt_fill(struct leulo_gdev *g)
{
	unsigned int i;
	int err = 0;

	g->nevbuf = min_t(unsigned int, LEULO_NR_EVBUF,
			  virtqueue_get_vring_size(g->evt));
	g->evbuf = kcalloc(g->nevbuf, sizeof(*g->evbuf), GFP_KERNEL);
	if (!g->evbuf)
		return -ENOMEM;
	spin_lock_irq(&g->evt_lock);
	for (i = 0; i < g->nevbuf && !err; i++)
		err = leulo_evt_post(g, &g->evbuf[i]);
	virtqueue_kick(g->evt);
	spin_unlock_irq(&g->evt_lock);
	return err;
}

/* The device */

static int leulo_find_vqs(struct leulo_gdev *g)
{
	struct virtqueue_info info[VHOST_LEULO_VQ_MAX] = {
		[VHOST_LEULO_VQ_CTL] = { "leulo-ctl", leulo_req_done },
		[VHOST_LEULO_VQ_EVT] = { "leulo-evt", leulo_evt_done },
		[VHOST_LEULO_VQ_DATA] = { "leulo-data", leulo_req_done },
	};
	struct virtqueue *vqs[VHOST_LEULO_VQ_MAX];
	int err;

	err = virtio_find_vqs(g->vdev, VHOST_LEULO_VQ_MAX, vqs, info, NULL);
	if (err)
		return err;
	g->ctl.vq = vqs[VHOST_LEULO_VQ_CTL];
	g->evt = vqs[VHOST_LEULO_VQ_EVT];
	g->data.vq = vqs[VHOST_LEULO_VQ_DATA];
	return 0;
}

static struct leulo_gdev *leulo_gdev_alloc(struct virtio_device *vdev)
{
	struct leulo_gdev *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return NULL;
	kref_init(&g->ref);
	g->vdev = vdev;
	spin_lock_init(&g->ctl.lock);
	spin_lock_init(&g->data.lock);
	init_waitqueue_head(&g->ctl.room);
	init_waitqueue_head(&g->data.room);
	spin_lock_init(&g->evt_lock);
	xa_init_flags(&g->socks, XA_FLAGS_LOCK_IRQ);
	return g;
}

static int leulo_probe(struct virtio_device *vdev)
{
	struct leulo_gdev *g;
	int err;

	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;
	mutex_lock(&leulo_mutex);
	if (leulo_cur) {
		dev_warn(&vdev->dev, "only one Leulo device is served\n");
		err = -EBUSY;
		goto out;
	}
	err = -ENOMEM;
	g = leulo_gdev_alloc(vdev);
	if (!g)
		goto out;
	vdev->priv = g;
	err = leulo_find_vqs(g);
	if (err)
		goto out_free;
	virtio_device_ready(vdev);
	err = leulo_evt_fill(g);
	if (err)
		goto out_reset;
	leulo_cur = g;
	leulo_key_update();
	mutex_unlock(&leulo_mutex);
	dev_info(&vdev->dev, "Leulo: TCP sockets served by the host\n");
	return 0;

out_reset:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
	kfree(g->evbuf);
out_free:
	leulo_gdev_put(g);
out:
	mutex_unlock(&leulo_mutex);
	return err;
}

/* Every request still on @q's ring fails with -ENODEV. */
static void leulo_vq_drain(struct leulo_gvq *q)
{
	struct leulo_req *r;

	spin_lock_irq(&q->lock);
	while ((r = virtqueue_detach_unused_buf(q->vq)))
		leulo_req_finish(r, 0, -ENODEV);
	spin_unlock_irq(&q->lock);
	wake_up_all(&q->room);
}

/* Sockets left get errors from now on, and their waiters wake up. */
static void leulo_socks_kill(struct leulo_gdev *g)
{
	struct leulo_sk *ls;
	unsigned long id;

	xa_lock_irq(&g->socks);
	xa_for_each(&g->socks, id, ls)
		leulo_sk_kill(ls);
	xa_unlock_irq(&g->socks);
}

static void leulo_remove(struct virtio_device *vdev)
{
	struct leulo_gdev *g = vdev->priv;

	mutex_lock(&leulo_mutex);
	leulo_cur = NULL;
	leulo_key_update();
	mutex_unlock(&leulo_mutex);

	/* Whoever takes a queue's lock after this sees it dead. */
	WRITE_ONCE(g->dead, true);
	spin_lock_irq(&g->ctl.lock);
	spin_unlock_irq(&g->ctl.lock);
	spin_lock_irq(&g->data.lock);
	spin_unlock_irq(&g->data.lock);
	spin_lock_irq(&g->evt_lock);
	spin_unlock_irq(&g->evt_lock);

	virtio_reset_device(vdev);
	leulo_vq_drain(&g->ctl);
	leulo_vq_drain(&g->data);
	leulo_socks_kill(g);
	vdev->config->del_vqs(vdev);
	kfree(g->evbuf);
	g->evbuf = NULL;
	g->vdev = NULL;
	leulo_gdev_put(g);
}

static const struct virtio_device_id leulo_id_table[] = {
	{ VIRTIO_ID_LEULO, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct virtio_driver leulo_driver = {
	.driver.name		= "leulo",
	.id_table		= leulo_id_table,
	/* VERSION_1 and the ring features are the transport's: no table. */
	.probe			= leulo_probe,
	.remove			= leulo_remove,
};

static int __init leulo_guest_init(void)
{
	int err;

	err = leulo_gsock_init();
	if (err)
		return err;
	if (!register_sysctl("net/leulo", leulo_sysctl))
		pr_warn("leulo: no net.leulo sysctl\n");
	return register_virtio_driver(&leulo_driver);
}
device_initcall(leulo_guest_init);
