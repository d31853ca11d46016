// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo guest: a send() that does not wait for the host's answer.
 *
 * On an established socket, send() copies up to 64 KiB into a SEND
 * request, puts it on the data queue and returns: the program goes on
 * while the host's TCP takes the data, as it goes on once Linux's TCP has
 * queued it. One SEND per socket is posted at a time, so the host takes
 * a socket's data in order and a guest holds at most 64 KiB per socket
 * that the host has not taken; until it is done, the socket does not
 * poll writable and another send() waits (or says -EAGAIN).
 *
 * The answer comes to the socket's tx_work. What the host's socket did
 * not take goes again after the socket's next event, as a blocked send()
 * asks again, so nothing waits in the device. An error (the connection
 * was reset, say) is kept for the next send(), as TCP reports an error
 * that came after the data was queued.
 *
 * What must follow the data waits for it: shutdown(SHUT_WR) and close()
 * return at once, and tx_work sends their SHUTDOWN or CLOSE once the
 * SEND is done. A close waits at most net.leulo.close_timeout seconds
 * for a peer that does not read, then aborts (RST), as Linux gives up on
 * an orphaned socket; a close with SO_LINGER 0 and a disconnect drop
 * what is left at once.
 */
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/timer.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "leulo_guest.h"

/* (Re)send what is left of @r, from r->off: 0 or an errno. */
static int leulo_tx_submit(struct leulo_sk *ls, struct leulo_req *r,
			   unsigned int flags)
{
	__le32 more = r->rq.arg0;
	size_t len = r->len;

	leulo_req_reset(r, VHOST_LEULO_OP_SEND, ls->id);
	r->rq.arg0 = more;
	r->len = len;
	return leulo_req_submit(ls->g, r, LEULO_REQ_DATA | LEULO_REQ_SEND |
				flags);
}

/*
 * The posted SEND is done (all taken, dropped, or @err): a SHUT_WR that
 * waited for it goes now, while tx is still set (so that a close or a
 * disconnect still waits), then the next SEND may go, and a deferred
 * CLOSE goes. The sock may be freed on return.
 */
static void leulo_tx_end(struct leulo_sk *ls, int err)
{
	struct leulo_req *r;
	bool shut, close;

	spin_lock_irq(&ls->lock);
	/* Inert: neither an event nor the timer queues tx_work now. */
	ls->tx_state = LEULO_TX_NONE;
	shut = ls->tx_shut && !(ls->tx_close &&
				ls->tx_close_how == VHOST_LEULO_CLOSE_RESET);
	ls->tx_shut = false;
	spin_unlock_irq(&ls->lock);
	if (shut)
		leulo_sk_ctl(ls, VHOST_LEULO_OP_SHUTDOWN, SHUT_WR, 0);

	spin_lock_irq(&ls->lock);
	r = ls->tx;
	WRITE_ONCE(ls->tx, NULL);
	ls->tx_left = 0;
	/* A removed device's sockets say ECONNABORTED already. */
	if (err && err != -ENODEV)
		ls->tx_err = err;
	close = ls->tx_close;
	ls->tx_shut = false;	/* a second SHUT_WR meanwhile: sent above */
	ls->tx_abort = false;
	ls->gen++;
	spin_unlock_irq(&ls->lock);
	timer_delete_sync(&ls->tx_timer);
	leulo_sk_wake(ls, EPOLLOUT | EPOLLWRNORM);
	if (close)
		leulo_sk_close(ls, ls->tx_close_how);
	leulo_req_put(r);
	sock_put(&ls->sk);
}

/*
 * The answer of @r. The rest, if any, goes again after the socket's next
 * event (as a blocked send() asks again), or at once if one came since
 * it was sent.
 */
static void leulo_tx_answered(struct leulo_sk *ls, struct leulo_req *r)
{
	int err = leulo_req_status(r);
	bool again;
	u32 took;

	if (r->answered && r->rs.seq)
		leulo_sk_answer(ls, r);
	if (!err) {
		took = min_t(u32, le32_to_cpu(r->rs.val), r->len);
		r->off += took;
		r->len -= took;
	}
	/* A part taken, or -EAGAIN: the rest waits, as TCP's send() would. */
	if ((!err && !r->len) || (err && err != -EAGAIN)) {
		leulo_tx_end(ls, err);
		return;
	}
	spin_lock_irq(&ls->lock);
	ls->tx_left = r->len;
	if (ls->tx_abort) {
		spin_unlock_irq(&ls->lock);
		leulo_tx_end(ls, 0);
		return;
	}
	again = ls->gen != ls->tx_gen;
	ls->tx_gen = ls->gen;
	ls->tx_state = again ? LEULO_TX_RING : LEULO_TX_ROOM;
	spin_unlock_irq(&ls->lock);
	if (again) {
		err = leulo_tx_submit(ls, r, LEULO_REQ_NOKILL);
		if (err)
			leulo_tx_end(ls, err);
	}
}

/* Queued by the answer of the posted SEND, or by an event with room. */
static void leulo_tx_work(struct work_struct *work)
{
	struct leulo_sk *ls = container_of(work, struct leulo_sk, tx_work);
	enum leulo_tx_state state;
	struct leulo_req *r;
	bool abort;
	int err;

	spin_lock_irq(&ls->lock);
	r = ls->tx;
	state = ls->tx_state;
	if (state == LEULO_TX_RESEND) {
		ls->tx_state = LEULO_TX_RING;
		ls->tx_gen = ls->gen;
	}
	abort = ls->tx_abort;
	spin_unlock_irq(&ls->lock);
	if (state == LEULO_TX_RESEND) {
		err = abort ? 0 : leulo_tx_submit(ls, r, LEULO_REQ_NOKILL);
		if (abort || err)
			leulo_tx_end(ls, err);
	} else if (state == LEULO_TX_RING && completion_done(&r->done)) {
		leulo_tx_answered(ls, r);
	}
}

/* The device is done with a posted SEND (IRQs off): over to tx_work. */
static void leulo_tx_done(struct leulo_req *r)
{
	struct leulo_sk *ls = r->owner;

	queue_work(system_wq, &ls->tx_work);
}

/* Drop what is left of the posted SEND: at once, or at its answer. */
static void leulo_tx_abort(struct leulo_sk *ls)
{
	lockdep_assert_held(&ls->lock);
	ls->tx_abort = true;
	if (ls->tx_state == LEULO_TX_ROOM) {
		ls->tx_state = LEULO_TX_RESEND;
		queue_work(system_wq, &ls->tx_work);
	}
}

/* A closed socket's data waited close_timeout: the close is a reset. */
static void leulo_tx_timeout(struct timer_list *t)
{
	struct leulo_sk *ls = from_timer(ls, t, tx_timer);
	unsigned long flags;

	spin_lock_irqsave(&ls->lock, flags);
	if (ls->tx) {
		ls->tx_close_how = VHOST_LEULO_CLOSE_RESET;
		leulo_tx_abort(ls);
	}
	spin_unlock_irqrestore(&ls->lock, flags);
}

void leulo_tx_init(struct leulo_sk *ls)
{
	INIT_WORK(&ls->tx_work, leulo_tx_work);
	timer_setup(&ls->tx_timer, leulo_tx_timeout, 0);
}

/*
 * An event for @ls, or its device's removal: the rest of a SEND waiting
 * for one goes again.
 */
void leulo_tx_room(struct leulo_sk *ls)
{
	lockdep_assert_held(&ls->lock);
	if (ls->tx_state != LEULO_TX_ROOM)
		return;
	ls->tx_state = LEULO_TX_RESEND;
	queue_work(system_wq, &ls->tx_work);
}

/*
 * Post up to @len bytes of @from as a SEND the caller does not wait for.
 * Returns the bytes taken from @from, 0 when another SEND of @ls is
 * still posted, or an errno.
 */
int leulo_tx_post(struct leulo_sk *ls, struct iov_iter *from, size_t len,
		  int flags)
{
	struct leulo_req *r;
	size_t have;
	bool busy;
	int err;

	if (READ_ONCE(ls->dead))
		return -ENODEV;
	if (READ_ONCE(ls->tx))
		return 0;
	r = leulo_req_alloc(len);
	if (!r)
		return -ENOBUFS;
	have = copy_from_iter(r->buf, min(len, r->size), from);
	if (!have) {
		leulo_req_put(r);
		return -EFAULT;
	}
	r->rq.arg0 = cpu_to_le32(flags & MSG_MORE);
	r->len = have;
	r->done_fn = leulo_tx_done;
	r->owner = ls;
	spin_lock_irq(&ls->lock);
	/* Another thread's send() came first, or its shutdown(). */
	err = ls->sk.sk_shutdown & SEND_SHUTDOWN ? -EPIPE : 0;
	busy = ls->tx;
	if (!busy && !err) {
		WRITE_ONCE(ls->tx, r);
		ls->tx_state = LEULO_TX_RING;
		ls->tx_gen = ls->gen;
		ls->tx_left = have;
	}
	spin_unlock_irq(&ls->lock);
	if (busy || err) {
		iov_iter_revert(from, have);
		leulo_req_put(r);
		return err;
	}
	sock_hold(&ls->sk);	/* put by leulo_tx_end() */
	err = leulo_tx_submit(ls, r, 0);
	if (err) {
		iov_iter_revert(from, have);
		/* Never on the ring: not an error of the data's. */
		leulo_tx_end(ls, 0);
		return err;
	}
	return have;
}

/* A posted SEND's error, once: 0 when there is none. */
int leulo_tx_error(struct leulo_sk *ls)
{
	int err;

	spin_lock_irq(&ls->lock);
	err = ls->tx_err;
	ls->tx_err = 0;
	spin_unlock_irq(&ls->lock);
	return err;
}

/*
 * shutdown(SHUT_WR) or SHUT_RDWR: no send() posts after this. Whether
 * a SEND is posted, in which case tx_work sends the SHUTDOWN after it
 * and the caller does not.
 */
bool leulo_tx_shutdown(struct leulo_sk *ls)
{
	bool defer;

	spin_lock_irq(&ls->lock);
	WRITE_ONCE(ls->sk.sk_shutdown, ls->sk.sk_shutdown | SEND_SHUTDOWN);
	defer = ls->tx;
	if (defer)
		ls->tx_shut = true;
	spin_unlock_irq(&ls->lock);
	/* Writable now (a send() fails at once), as Linux's shutdown(). */
	if (defer)
		leulo_sk_wake(ls, EPOLLOUT | EPOLLWRNORM);
	return defer;
}

/* Shut the sending side here, or open it again (a disconnect failed). */
void leulo_tx_set_shut(struct leulo_sk *ls, bool shut)
{
	u8 bits;

	spin_lock_irq(&ls->lock);
	bits = ls->sk.sk_shutdown & ~SEND_SHUTDOWN;
	WRITE_ONCE(ls->sk.sk_shutdown, bits | (shut ? SEND_SHUTDOWN : 0));
	spin_unlock_irq(&ls->lock);
}

/*
 * Before a disconnect: no send() posts until it is done, what is left
 * of the posted SEND is dropped, as Linux drops unsent data, and so is a
 * SHUT_WR that waited for it; its error is forgotten. Not interruptible,
 * as a disconnect is not, and not long: the host answers at once, and
 * tx_work drops the rest.
 */
void leulo_tx_cancel(struct leulo_sk *ls)
{
	spin_lock_irq(&ls->lock);
	WRITE_ONCE(ls->sk.sk_shutdown, ls->sk.sk_shutdown | SEND_SHUTDOWN);
	ls->tx_shut = false;
	if (ls->tx)
		leulo_tx_abort(ls);
	spin_unlock_irq(&ls->lock);
	wait_event(*sk_sleep(&ls->sk), !READ_ONCE(ls->tx));
	leulo_tx_error(ls);
}

/*
 * At release: with a SEND posted, the host socket is closed (@how) once
 * it is done, and @ls stays linked until then, for its events; an abort
 * drops the rest at once. Whether it was deferred.
 */
bool leulo_tx_defer_close(struct leulo_sk *ls, u32 how)
{
	bool defer;

	spin_lock_irq(&ls->lock);
	defer = ls->tx;
	if (defer) {
		ls->tx_close = true;
		ls->tx_close_how = how;
		if (how == VHOST_LEULO_CLOSE_RESET)
			leulo_tx_abort(ls);
		else
			mod_timer(&ls->tx_timer, jiffies +
				  READ_ONCE(leulo_close_timeout) * HZ);
	}
	spin_unlock_irq(&ls->lock);
	return defer;
}

/* Bytes posted that the host has not taken yet, for SIOCOUTQ. */
u32 leulo_tx_queued(struct leulo_sk *ls)
{
	u32 n;

	spin_lock_irq(&ls->lock);
	n = ls->tx_left;
	spin_unlock_irq(&ls->lock);
	return n;
}
