/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leulo, guest half: user TCP sockets whose TCP runs in the host, behind
 * a virtio device (<uapi/linux/vhost_leulo.h> is the protocol).
 *
 * leulo_guest.c is the virtio device: its queues, requests (struct
 * leulo_req) and events. leulo_gsock.c is the socket layer: struct
 * proto_ops for AF_INET and AF_INET6 SOCK_STREAM sockets, created by the
 * inet_create() hook of <net/leulo.h>, each with a struct sock of its own
 * (struct leulo_sk) so that poll, timeouts, O_NONBLOCK and SO_ERROR work
 * as for any socket.
 *
 * A request is one chain on the control or the data queue; the caller
 * sleeps on its completion. The device never blocks: when Linux would,
 * it answers -EAGAIN (-EINPROGRESS for a connect), and the caller sleeps
 * on the socket's wait queue until an event for that socket arrives,
 * then asks again. Each event bumps the socket's generation count; a
 * caller reads the count before its request, so an event that comes
 * between the answer and the sleep is never missed.
 *
 * send() does not wait for its answer on an established socket: it
 * posts one SEND at a time per socket (leulo_gtx.c) and returns. The
 * rest of a SEND the host took only in part goes again after the
 * socket's next event; a failed one's error is the next send()'s, as TCP
 * reports an error that came after the data was queued. A SHUT_WR or a
 * CLOSE of the socket goes to the host once the posted SEND is done (a
 * CLOSE at most net.leulo.close_timeout seconds later, then as a reset);
 * a disconnect or an aborting close drops what is left of it.
 *
 * Events and answers both say what the socket's poll mask is, each with
 * the host socket's sequence number: they arrive on different queues, so
 * possibly out of order, and the later seq wins (leulo_sk_state()).
 *
 * LOCKING
 *
 * leulo_mutex (leulo_guest.c) protects the current device pointer and the
 * static key, and serialises probe, remove and the sysctl.
 *
 * leulo_gvq.lock (IRQs off: taken in the vq callback) protects one
 * request queue's virtqueue: adding, getting and detaching buffers.
 * leulo_gdev.evt_lock (IRQs off) does the same for the event queue, and
 * is held while an event is dispatched to its socket.
 * leulo_gdev.dead is set once with WRITE_ONCE, then each of these locks
 * is taken and released: after that nobody adds a buffer.
 *
 * leulo_gdev.socks is an xarray with its own lock (IRQ-safe). A socket is
 * in it from its creation until its release, which erases it and then
 * takes evt_lock once, so no event still uses it afterwards. The event
 * path holds a reference to the sock while it uses it all the same.
 *
 * leulo_sk.lock (IRQs off) protects the socket's cached readiness (mask
 * and seq), its generation count (gen), the last error the device
 * reported (dev_err), its posted SEND (tx and the tx_* fields but
 * tx_work and tx_timer) and the SEND_SHUTDOWN bit of sk_shutdown.
 * It nests inside evt_lock and the xarray's lock. A posted SEND's
 * request is read and sent again only by the socket's tx_work, which the
 * request's completion and events queue; tx is set by send() only while
 * it is NULL, and cleared by tx_work or by a send() whose post failed.
 *
 * Lock order: leulo_mutex -> evt_lock -> xa_lock -> leulo_sk.lock ->
 * wait queue lock. A leulo_gvq.lock is never held with another of them.
 *
 * Lifetimes: struct leulo_gdev is refcounted (the device holds one
 * reference until remove, each socket one until release, or until its
 * posted SEND is done when release deferred the close). A posted SEND
 * holds a reference to its sock. A struct leulo_req is refcounted too:
 * its caller holds one, the device one from the moment it is on a ring
 * until it is completed or detached, so a caller that was killed never
 * frees a buffer the device may still write.
 */
#ifndef _LEULO_GUEST_H
#define _LEULO_GUEST_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/sock.h>
#include <uapi/linux/vhost_leulo.h>

/* Payload bytes of one SEND or RECV request. */
#define LEULO_MAX_PAYLOAD	(64 * 1024)

/*
 * Events of ids not linked yet: a new socket's first event often comes
 * before its SOCKET or ACCEPT answer has been seen, and says whether an
 * accepted connection already has data.
 */
#define LEULO_NR_STASH		64

/* One of the two request queues. */
struct leulo_gvq {
	struct virtqueue *vq;
	spinlock_t lock;		/* see LOCKING */
	wait_queue_head_t room;		/* callers waiting for ring space */
};

struct leulo_gdev {
	struct kref ref;
	struct virtio_device *vdev;
	struct leulo_gvq ctl;
	struct leulo_gvq data;
	struct virtqueue *evt;
	spinlock_t evt_lock;		/* see LOCKING */
	struct vhost_leulo_event *evbuf;	/* the event buffers */
	unsigned int nevbuf;
	struct xarray socks;		/* id -> struct leulo_sk */
	struct vhost_leulo_event stash[LEULO_NR_STASH];	/* evt_lock */
	unsigned int stash_next;	/* evt_lock */
	bool dead;			/* removed: no more requests */
};

/* A request: the chain the device reads and writes. */
struct leulo_req {
	struct kref ref;
	struct completion done;
	struct vhost_leulo_req rq;
	struct vhost_leulo_resp rs;
	u32 used;			/* the device's used length */
	int xfer;			/* 0, or -ENODEV: never answered */
	bool answered;			/* rs holds the device's answer */
	size_t len;			/* payload bytes this time */
	size_t off;			/* SEND's payload is at buf + off */
	size_t size;			/* room in buf */
	u8 *buf;			/* SEND's or RECV's payload */
	/* Called when the device is done with it (IRQs off, queue locked). */
	void (*done_fn)(struct leulo_req *r);
	void *owner;			/* done_fn's */
};

/* Flags of leulo_req_call(). */
#define LEULO_REQ_DATA		BIT(0)	/* on the data queue */
#define LEULO_REQ_SEND		BIT(1)	/* buf[0..len) is SEND's payload */
#define LEULO_REQ_RECV		BIT(2)	/* buf[0..len) is room for RECV */
#define LEULO_REQ_NOKILL	BIT(3)	/* wait even when killed */

/* Where a socket's posted SEND is (leulo_gtx.c); leulo_sk.lock. */
enum leulo_tx_state {
	LEULO_TX_NONE,		/* none posted */
	LEULO_TX_RING,		/* on the ring, or its answer being read */
	LEULO_TX_ROOM,		/* the rest waits for the socket's next event */
	LEULO_TX_RESEND,	/* it came: tx_work sends the rest */
};

struct leulo_sk {
	struct sock sk;			/* first: sk_alloc()ed as leulo_proto */
	struct leulo_gdev *g;		/* until release */
	u32 id;				/* the device's; 0 when none */
	spinlock_t lock;		/* see LOCKING */
	u32 gen;			/* events seen */
	__poll_t mask;			/* readiness, as of seq */
	u32 seq;			/* of the newest event or answer seen */
	u32 dev_err;			/* err of the last event */
	bool dead;			/* its device was removed */
	u32 peer_len;			/* peer, as ACCEPT answered; or 0 */
	u8 peer[VHOST_LEULO_ADDR_LEN];
	/* The SEND posted without waiting (leulo_gtx.c); see LOCKING. */
	struct leulo_req *tx;
	enum leulo_tx_state tx_state;
	u32 tx_gen;			/* gen when it was last sent */
	u32 tx_left;			/* of it, bytes the host has not taken */
	int tx_err;			/* its error, for the next send() */
	bool tx_abort;			/* what is left is dropped */
	bool tx_shut;			/* shutdown(SHUT_WR) once it is done */
	bool tx_close;			/* released: close once it is done */
	u32 tx_close_how;
	struct work_struct tx_work;
	struct timer_list tx_timer;	/* bounds a deferred close */
};

static inline struct leulo_sk *leulo_sk(const struct sock *sk)
{
	return container_of(sk, struct leulo_sk, sk);
}

/* leulo_guest.c */
struct leulo_gdev *leulo_gdev_get(void);
void leulo_gdev_put(struct leulo_gdev *g);
struct leulo_req *leulo_req_alloc(size_t size);
void leulo_req_reset(struct leulo_req *r, u32 op, u32 id);
void leulo_req_put(struct leulo_req *r);
int leulo_req_submit(struct leulo_gdev *g, struct leulo_req *r,
		     unsigned int flags);
int leulo_req_status(struct leulo_req *r);
int leulo_req_call(struct leulo_gdev *g, struct leulo_req *r,
		   unsigned int flags);
bool leulo_sk_link(struct leulo_sk *ls, int *err);
void leulo_sk_unlink(struct leulo_sk *ls);

/* leulo_gsock.c */
int leulo_gsock_init(void);
void leulo_sk_event(struct leulo_sk *ls, const struct vhost_leulo_event *ev);
void leulo_sk_kill(struct leulo_sk *ls);
void leulo_sk_wake(struct leulo_sk *ls, __poll_t mask);
void leulo_sk_answer(struct leulo_sk *ls, const struct leulo_req *r);
void leulo_sk_close(struct leulo_sk *ls, u32 how);
int leulo_sk_ctl(struct leulo_sk *ls, u32 op, u32 arg0, u32 arg1);

/* leulo_gtx.c */
void leulo_tx_init(struct leulo_sk *ls);
int leulo_tx_post(struct leulo_sk *ls, struct iov_iter *from, size_t len,
		  int flags);
int leulo_tx_error(struct leulo_sk *ls);
void leulo_tx_room(struct leulo_sk *ls);
bool leulo_tx_shutdown(struct leulo_sk *ls);
void leulo_tx_set_shut(struct leulo_sk *ls, bool shut);
void leulo_tx_cancel(struct leulo_sk *ls);
bool leulo_tx_defer_close(struct leulo_sk *ls, u32 how);
u32 leulo_tx_queued(struct leulo_sk *ls);
extern int leulo_close_timeout;

#endif
