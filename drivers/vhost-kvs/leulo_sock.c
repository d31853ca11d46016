// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo's socket table, and events: a host socket's wake-up (data
 * arrived, room to send, connected, reset, a connection to accept) puts
 * it on its device's pending list; the device's worker then writes one
 * event per pending socket into the event queue, with its readiness at
 * that moment. The protocol answers in softirq without the worker; the
 * worker only tells the guest.
 */
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "leulo.h"

/* Events written per run of the event work before it yields. */
#define LEULO_EV_WEIGHT	256

static void leulo_ev_mark(struct leulo_dev *l, struct leulo_sock *ls,
			  bool front)
{
	unsigned long flags;

	spin_lock_irqsave(&l->ev_lock, flags);
	if (list_empty(&ls->pending)) {
		if (front)
			list_add(&ls->pending, &l->ev_pending);
		else
			list_add_tail(&ls->pending, &l->ev_pending);
	}
	spin_unlock_irqrestore(&l->ev_lock, flags);
}

/* A wait queue callback: runs under the socket's wait queue lock. */
static int leulo_sock_wake(struct wait_queue_entry *wait, unsigned int mode,
			   int sync, void *key)
{
	struct leulo_sock *ls = container_of(wait, struct leulo_sock, wait);
	struct leulo_dev *l = ls->l;

	leulo_ev_mark(l, ls, false);
	vhost_vq_work_queue(&l->vqs[VHOST_LEULO_VQ_EVT], &l->ev_work);
	return 0;
}

/*
 * @announce: queue an event for the new socket at once. An accepted
 * connection may already have data or a FIN waiting; a socket from
 * SOCKET has nothing to tell, and its answer carries its state, so an
 * event would only report the closed state (EPOLLHUP) of a socket the
 * guest is about to connect.
 */
int leulo_sock_add(struct leulo_dev *l, struct socket *sock, u32 *id,
		   bool announce)
{
	struct leulo_sock *ls;
	int err;

	lockdep_assert_held(&l->lock);
	ls = kzalloc(sizeof(*ls), GFP_KERNEL_ACCOUNT);
	if (!ls)
		return -ENOMEM;
	ls->sock = sock;
	ls->l = l;
	INIT_LIST_HEAD(&ls->pending);
	err = xa_alloc_cyclic(&l->socks, &ls->id, ls, XA_LIMIT(1, INT_MAX),
			      &l->next_id, GFP_KERNEL_ACCOUNT);
	if (err < 0) {
		kfree(ls);
		return err;
	}
	init_waitqueue_func_entry(&ls->wait, leulo_sock_wake);
	add_wait_queue(&sock->wq.wait, &ls->wait);
	l->nsocks++;
	l->stats.sockets = l->nsocks;
	l->stats.sockets_peak = max(l->stats.sockets_peak, l->stats.sockets);
	*id = ls->id;
	if (announce) {
		leulo_ev_mark(l, ls, false);
		vhost_vq_work_queue(&l->vqs[VHOST_LEULO_VQ_EVT], &l->ev_work);
	}
	return 0;
}

struct leulo_sock *leulo_sock_find(struct leulo_dev *l, u32 id)
{
	lockdep_assert_held(&l->lock);
	return xa_load(&l->socks, id);
}

/*
 * Close as a process's close() would: FIN, or RST when data was left
 * unread or SO_LINGER had a zero timeout. It never waits, as SO_LINGER
 * with a timeout is refused.
 */
void leulo_sock_close(struct leulo_dev *l, struct leulo_sock *ls)
{
	unsigned long flags;

	lockdep_assert_held(&l->lock);
	/* After this no wake-up can mark it pending again. */
	remove_wait_queue(&ls->sock->wq.wait, &ls->wait);
	spin_lock_irqsave(&l->ev_lock, flags);
	list_del_init(&ls->pending);
	spin_unlock_irqrestore(&l->ev_lock, flags);
	xa_erase(&l->socks, ls->id);
	sock_release(ls->sock);
	kfree(ls);
	l->nsocks--;
	l->stats.sockets = l->nsocks;
}

void leulo_sock_close_all(struct leulo_dev *l)
{
	struct leulo_sock *ls;
	unsigned long id;

	mutex_lock(&l->lock);
	xa_for_each(&l->socks, id, ls) {
		leulo_sock_close(l, ls);
		cond_resched();
	}
	mutex_unlock(&l->lock);
}

__poll_t leulo_sock_poll(struct leulo_sock *ls)
{
	struct socket *sock = ls->sock;

	/* No poll table: this only reads the state, it registers nothing. */
	return READ_ONCE(sock->ops)->poll(NULL, sock, NULL);
}

static struct leulo_sock *leulo_ev_next(struct leulo_dev *l)
{
	struct leulo_sock *ls;
	unsigned long flags;

	spin_lock_irqsave(&l->ev_lock, flags);
	ls = list_first_entry_or_null(&l->ev_pending, struct leulo_sock,
				      pending);
	if (ls)
		list_del_init(&ls->pending);
	spin_unlock_irqrestore(&l->ev_lock, flags);
	return ls;
}

static bool leulo_ev_any(struct leulo_dev *l)
{
	unsigned long flags;
	bool any;

	spin_lock_irqsave(&l->ev_lock, flags);
	any = !list_empty(&l->ev_pending);
	spin_unlock_irqrestore(&l->ev_lock, flags);
	return any;
}

/* Write @ls's event into the chain @head; its used length. */
static u32 leulo_ev_write(struct leulo_dev *l, struct vhost_virtqueue *vq,
			  unsigned int out, unsigned int in,
			  struct leulo_sock *ls)
{
	struct vhost_leulo_event ev = {
		.id = cpu_to_le32(ls->id),
		.mask = cpu_to_le32((__force u32)leulo_sock_poll(ls)),
		.err = cpu_to_le32(READ_ONCE(ls->sock->sk->sk_err)),
		.seq = cpu_to_le32(++ls->seq),
	};
	struct iov_iter to;

	iov_iter_init(&to, ITER_DEST, vq->iov + out, in,
		      iov_length(vq->iov + out, in));
	if (out || copy_to_iter(&ev, sizeof(ev), &to) != sizeof(ev)) {
		l->stats.bad_requests++;
		/* The buffer is used up; the event waits for the next one. */
		leulo_ev_mark(l, ls, true);
		return 0;
	}
	l->stats.events++;
	return sizeof(ev);
}

/* One run: pending sockets to event buffers, within a weight. */
static void leulo_ev_run(struct leulo_dev *l, struct vhost_virtqueue *vq)
{
	unsigned int out, in, n = 0;
	struct leulo_sock *ls;
	bool added = false;
	int head;

	lockdep_assert_held(&vq->mutex);
	lockdep_assert_held(&l->lock);
	vhost_disable_notify(&l->dev, vq);
	while ((ls = leulo_ev_next(l))) {
		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov),
					 &out, &in, NULL, NULL);
		if (head < 0 || head == vq->num) {
			/* Kept for later: it stays first in line. */
			leulo_ev_mark(l, ls, true);
			if (head < 0)
				break;
			l->stats.events_deferred++;
			if (unlikely(vhost_enable_notify(&l->dev, vq))) {
				vhost_disable_notify(&l->dev, vq);
				continue;
			}
			break;
		}
		vhost_add_used(vq, head, leulo_ev_write(l, vq, out, in, ls));
		added = true;
		if (++n >= LEULO_EV_WEIGHT) {
			if (leulo_ev_any(l))
				vhost_vq_work_queue(vq, &l->ev_work);
			break;
		}
	}
	if (added)
		vhost_signal(&l->dev, vq);
}

static void leulo_ev_handle(struct leulo_dev *l)
{
	struct vhost_virtqueue *vq = &l->vqs[VHOST_LEULO_VQ_EVT];

	mutex_lock(&vq->mutex);
	if (vhost_vq_get_backend(vq)) {
		mutex_lock(&l->lock);
		leulo_ev_run(l, vq);
		mutex_unlock(&l->lock);
	}
	mutex_unlock(&vq->mutex);
}

/* The guest gave event buffers. */
void leulo_handle_evt_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);

	leulo_ev_handle(container_of(vq->dev, struct leulo_dev, dev));
}

/* A socket woke up. */
void leulo_ev_work(struct vhost_work *work)
{
	leulo_ev_handle(container_of(work, struct leulo_dev, ev_work));
}
