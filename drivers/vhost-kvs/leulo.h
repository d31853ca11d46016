/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leulo: a guest's TCP sockets served by host kernel sockets.
 *
 * One open /dev/vhost-leulo file is one device (struct leulo_dev): a
 * vhost device with a control, an event and a data queue, and the host
 * sockets it holds for its guest (struct leulo_sock), in the network
 * namespace its VMM handed over. leulo.c is the file and its ioctls,
 * leulo_req.c answers requests, leulo_opt.c socket options,
 * leulo_lsm.c makes the socket calls with their security hooks, and
 * leulo_sock.c keeps the socket table and turns socket wake-ups into
 * events.
 *
 * LOCKING
 *
 * l->dev.mutex (the vhost core's) serialises the control path: ioctls,
 * starting and stopping, release. It is taken before any vq->mutex.
 *
 * vq->mutex protects its queue, as in every vhost driver. Each queue's
 * work takes it, then l->lock.
 *
 * l->lock protects the socket table (l->socks, l->nsocks), the limits and
 * the counters: requests, events, SET_LIMITS, GET_STATS and closing all
 * sockets take it. A leulo_sock is freed only under it, after its wait
 * entry is off the socket's wait queue. It also orders a socket's events
 * and answers: ls->seq counts both.
 *
 * l->ev_lock (a spinlock, IRQs off: socket wake-ups run in softirq and
 * under the wait queue's own lock) protects the list of sockets with an
 * event to write (l->ev_pending, ls->pending).
 *
 * Lock order: l->dev.mutex -> vq->mutex -> l->lock -> socket lock ->
 * (wait queue lock ->) l->ev_lock. leulo_nl.c's list of devices:
 * leulo_devs_lock -> l->lock, never under l->dev.mutex.
 */
#ifndef _VHOST_LEULO_H
#define _VHOST_LEULO_H

#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/vhost_leulo.h>

#include "vhost.h"

struct leulo_dev {
	struct vhost_dev dev;
	struct vhost_virtqueue vqs[VHOST_LEULO_VQ_MAX];
	struct net *net;		/* once set, until release; dev.mutex */
	bool running;			/* dev.mutex */
	/* The VMM's, taken when it starts the device: the requests run
	 * under them, whatever the worker thread's own are.
	 */
	const struct cred *cred;	/* dev.mutex; read by the worker */

	struct mutex lock;		/* see LOCKING */
	struct xarray socks;		/* id -> struct leulo_sock */
	u32 next_id;			/* cyclic: ids are not soon reused */
	u32 nsocks;
	struct vhost_leulo_limits limits;
	struct vhost_leulo_stats stats;

	spinlock_t ev_lock;		/* see LOCKING */
	struct list_head ev_pending;	/* leulo_sock.pending; ev_lock */
	struct vhost_work ev_work;

	/* The admin's view (leulo-get); see leulo_nl.c */
	struct list_head node;		/* leulo_devs_lock */
	u32 id;
	struct pid *owner;		/* the VMM that opened it */
	u64 net_cookie;			/* of the namespace it opened it in */
};

struct leulo_sock {
	struct socket *sock;
	struct leulo_dev *l;
	u32 id;
	struct wait_queue_entry wait;	/* on sock->wq.wait while open */
	struct list_head pending;	/* on l->ev_pending; ev_lock */
	u32 seq;			/* of its last event or answer; l->lock */
};

/* leulo_sock.c */
int leulo_sock_add(struct leulo_dev *l, struct socket *sock, u32 *id,
		   bool announce);
struct leulo_sock *leulo_sock_find(struct leulo_dev *l, u32 id);
void leulo_sock_close(struct leulo_dev *l, struct leulo_sock *ls);
void leulo_sock_close_all(struct leulo_dev *l);
__poll_t leulo_sock_poll(struct leulo_sock *ls);
void leulo_handle_evt_kick(struct vhost_work *work);
void leulo_ev_work(struct vhost_work *work);

/* leulo_req.c */
void leulo_handle_req_kick(struct vhost_work *work);

/* leulo_opt.c */
int leulo_setsockopt(struct leulo_dev *l, struct leulo_sock *ls,
		     const struct vhost_leulo_req *rq);
int leulo_getsockopt(struct leulo_sock *ls, int level, int name, u32 *val);
int leulo_sock_ioctl(struct leulo_sock *ls, int cmd, u32 *val);
size_t leulo_tcp_info(struct leulo_sock *ls, struct iov_iter *to);

/* leulo_lsm.c: socket calls with the hooks their system calls run. */
bool leulo_lsm_may_start(void);
int leulo_bind(struct socket *sock, struct sockaddr *addr, int len);
int leulo_connect(struct socket *sock, struct sockaddr *addr, int len);
int leulo_listen(struct socket *sock, int backlog);
int leulo_accept(struct socket *sock, struct socket **newsock);
int leulo_shutdown(struct socket *sock, int how);
int leulo_getname(struct socket *sock, struct sockaddr *addr, bool peer);
int leulo_lsm_setsockopt(struct socket *sock, int level, int name);
int leulo_lsm_getsockopt(struct socket *sock, int level, int name);

/* leulo.c */
extern unsigned int leulo_max_sockets, leulo_max_backlog, leulo_max_buf;

/* leulo_nl.c */
void leulo_register(struct leulo_dev *l);
void leulo_unregister(struct leulo_dev *l);

#endif
