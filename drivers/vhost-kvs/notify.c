// SPDX-License-Identifier: GPL-2.0
/*
 * When to interrupt the guest, and how long to poll before sleeping.
 *
 * Interrupt coalescing: the RX worker notifies the guest at the end of a
 * run at the earliest. With max_usecs set, it holds the notification back
 * until max_frames frames are waiting or max_usecs have passed since the
 * first of them, like a NIC's rx-usecs/rx-frames. The timer only queues
 * work: notifying reads the guest's ring (EVENT_IDX), which needs the
 * worker's address space.
 *
 * Busy polling: with VHOST_SET_VRING_BUSYLOOP_TIMEOUT set on a queue, its
 * worker spins that long for more work before it sleeps and asks for a
 * kick, trading CPU for latency as vhost-net does.
 */
#include <linux/sched/clock.h>

#include "kvs.h"

/* Defaults: no added latency; a run notifies once at its end. */
#define KVS_COALESCE_FRAMES	64
#define KVS_COALESCE_USECS_MAX	100000

static void kvs_coalesce_work(struct vhost_work *work)
{
	struct kvs_queue *q = container_of(work, struct kvs_queue,
					     coalesce.work);
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_RX];

	mutex_lock(&vq->mutex);
	if (q->coalesce.pending && vhost_vq_get_backend(vq)) {
		q->coalesce.pending = 0;
		vhost_signal(&q->dev, vq);
	}
	mutex_unlock(&vq->mutex);
}

static enum hrtimer_restart kvs_coalesce_timer(struct hrtimer *t)
{
	struct kvs_queue *q = container_of(t, struct kvs_queue,
					     coalesce.timer);

	vhost_vq_work_queue(&q->vqs[VHOST_KVS_VQ_RX], &q->coalesce.work);
	return HRTIMER_NORESTART;
}

void kvs_coalesce_init(struct kvs_queue *q)
{
	struct kvs_coalesce *c = &q->coalesce;

	c->max_frames = KVS_COALESCE_FRAMES;
	c->max_usecs = 0;
	vhost_work_init(&c->work, kvs_coalesce_work);
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	c->timer.function = kvs_coalesce_timer;
}

/* Before the queue pair's worker goes: no timer may queue work any more. */
void kvs_coalesce_stop(struct kvs_queue *q)
{
	hrtimer_cancel(&q->coalesce.timer);
}

/**
 * kvs_rx_notify() - end of an RX run that delivered @frames frames
 * @q: the receiving queue pair
 * @vq: its RX queue
 * @frames: frames whose used entries were written in this run
 *
 * Context: RX worker, RX vq mutex held.
 */
void kvs_rx_notify(struct kvs_queue *q, struct vhost_virtqueue *vq,
		   unsigned int frames)
{
	struct kvs_coalesce *c = &q->coalesce;
	u32 usecs;

	lockdep_assert_held(&vq->mutex);
	c->pending += frames;
	if (!c->pending)
		return;
	/* Also set by netlink's port-set, without this mutex. */
	usecs = READ_ONCE(c->max_usecs);
	if (!usecs || c->pending >= READ_ONCE(c->max_frames)) {
		c->pending = 0;
		hrtimer_try_to_cancel(&c->timer);
		vhost_signal(&q->dev, vq);
		return;
	}
	if (!hrtimer_active(&c->timer))
		hrtimer_start(&c->timer,
			      ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
}

long kvs_set_coalesce(struct kvs_queue *q,
		      struct vhost_kvs_coalesce __user *argp)
{
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_RX];
	struct vhost_kvs_coalesce arg;

	/* The work below must not reach a worker a reset is freeing. */
	lockdep_assert_held(&q->dev.mutex);
	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (!arg.max_frames || arg.max_frames > KVS_INBOUND_SIZE ||
	    arg.max_usecs > KVS_COALESCE_USECS_MAX)
		return -EINVAL;
	mutex_lock(&vq->mutex);
	WRITE_ONCE(q->coalesce.max_frames, arg.max_frames);
	WRITE_ONCE(q->coalesce.max_usecs, arg.max_usecs);
	mutex_unlock(&vq->mutex);
	/* Whatever was held back goes out under the new rules. */
	vhost_vq_work_queue(vq, &q->coalesce.work);
	return 0;
}

long kvs_get_coalesce(struct kvs_queue *q,
		      struct vhost_kvs_coalesce __user *argp)
{
	struct vhost_virtqueue *vq = &q->vqs[VHOST_KVS_VQ_RX];
	struct vhost_kvs_coalesce arg = {};

	mutex_lock(&vq->mutex);
	arg.max_frames = q->coalesce.max_frames;
	arg.max_usecs = q->coalesce.max_usecs;
	mutex_unlock(&vq->mutex);
	return copy_to_user(argp, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static u64 kvs_busy_clock(void)
{
	return local_clock() >> 10;	/* ~microseconds, cheaply */
}

/**
 * kvs_busy_wait() - spin up to the queue's busy-loop timeout for work
 * @vq: the queue; vq->busyloop_timeout in microseconds, 0 for none
 * @ready: true when there is something to do
 * @arg: for @ready
 *
 * Return: true when @ready turned true before the time ran out.
 */
bool kvs_busy_wait(struct vhost_virtqueue *vq,
		   bool (*ready)(struct vhost_virtqueue *vq, void *arg),
		   void *arg)
{
	u64 end;

	if (!vq->busyloop_timeout)
		return false;
	end = kvs_busy_clock() + vq->busyloop_timeout;
	/* Other work of this worker (the queue pair's other queue) goes first. */
	while (!need_resched() && !vhost_vq_has_work(vq) &&
	       kvs_busy_clock() < end) {
		if (ready(vq, arg))
			return true;
		cpu_relax();
	}
	return ready(vq, arg);
}

static bool kvs_avail_posted(struct vhost_virtqueue *vq, void *q)
{
	return !vhost_vq_avail_empty(&((struct kvs_queue *)q)->dev, vq);
}

/**
 * kvs_vq_idle() - the guest's ring has nothing more for now
 * @q: the queue pair
 * @vq: its TX queue (no frames) or RX queue (no buffers)
 *
 * Polls for the queue's busy-loop timeout, then turns the guest's kicks
 * back on. Context: the queue's worker, vq mutex held.
 * Return: true when the ring stays empty and a kick will tell when it is
 * not; false when the guest posted more meanwhile (kicks stay off).
 */
bool kvs_vq_idle(struct kvs_queue *q, struct vhost_virtqueue *vq)
{
	if (kvs_busy_wait(vq, kvs_avail_posted, q))
		return false;
	if (likely(!vhost_enable_notify(&q->dev, vq)))
		return true;
	/* The guest added buffers while notifications were off. */
	vhost_disable_notify(&q->dev, vq);
	return false;
}
