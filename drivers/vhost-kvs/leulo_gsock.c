// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo guest: TCP sockets whose TCP is the host's. Each call is one or
 * more requests to the device; where Linux would block, the device
 * answers -EAGAIN and the caller sleeps until the socket's next event,
 * then asks again (see leulo_guest.h). Everything a program reads
 * locally (poll, SO_ERROR, timeouts) lives in the socket's struct sock.
 */
#include <asm/ioctls.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/ip.h>
#include <net/leulo.h>
#include <net/sock.h>

#include "leulo_guest.h"

#define LEULO_POLLIN	(EPOLLIN | EPOLLRDNORM)
#define LEULO_POLLOUT	(EPOLLOUT | EPOLLWRNORM)

static struct proto leulo_proto = {
	.name		= "LEULO",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct leulo_sk),
};

static const struct proto_ops leulo_inet_ops;
static const struct proto_ops leulo_inet6_ops;

/* Events */

/*
 * Wake @ls's waiters: none once released (sock_orphan() cleared sk_wq),
 * when events still come for a close deferred by a posted SEND.
 */
void leulo_sk_wake(struct leulo_sk *ls, __poll_t mask)
{
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(ls->sk.sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, mask);
	rcu_read_unlock();
}

/*
 * Take @mask as the socket's readiness if @seq is newer than what was
 * seen (see leulo_guest.h); the caller holds ls->lock. Whether it was.
 */
static bool leulo_sk_state(struct leulo_sk *ls, __poll_t mask, u32 seq)
{
	lockdep_assert_held(&ls->lock);
	if (ls->dead || (s32)(seq - ls->seq) <= 0)
		return false;
	ls->mask = mask;
	ls->seq = seq;
	return true;
}

void leulo_sk_event(struct leulo_sk *ls, const struct vhost_leulo_event *ev)
{
	__poll_t mask = (__force __poll_t)le32_to_cpu(ev->mask);
	u32 err = le32_to_cpu(ev->err);
	struct sock *sk = &ls->sk;
	unsigned long flags;

	spin_lock_irqsave(&ls->lock, flags);
	/* Only a new error: one the program has read stays read. */
	if (leulo_sk_state(ls, mask, le32_to_cpu(ev->seq)) &&
	    err != ls->dev_err) {
		ls->dev_err = err;
		if (err)
			WRITE_ONCE(sk->sk_err, err);
	}
	/* Even an old event wakes the callers: they ask again. */
	ls->gen++;
	leulo_tx_room(ls);
	spin_unlock_irqrestore(&ls->lock, flags);
	leulo_sk_wake(ls, mask);
}

/* The device is gone: every call fails, every waiter wakes up. */
void leulo_sk_kill(struct leulo_sk *ls)
{
	__poll_t mask = LEULO_POLLIN | LEULO_POLLOUT | EPOLLHUP | EPOLLRDHUP |
			EPOLLERR;
	struct sock *sk = &ls->sk;
	unsigned long flags;

	spin_lock_irqsave(&ls->lock, flags);
	ls->dead = true;
	ls->mask = mask;
	ls->gen++;
	WRITE_ONCE(sk->sk_err, ECONNABORTED);
	leulo_tx_room(ls);
	spin_unlock_irqrestore(&ls->lock, flags);
	leulo_sk_wake(ls, mask);
}

static u32 leulo_gen(struct leulo_sk *ls)
{
	return READ_ONCE(ls->gen);
}

static bool leulo_changed(struct leulo_sk *ls, u32 gen)
{
	return READ_ONCE(ls->gen) != gen || READ_ONCE(ls->dead);
}

/*
 * An answer about @ls says what its mask is now: taken unless an event
 * written after it came first. Pollers wake up for bits it adds.
 */
void leulo_sk_answer(struct leulo_sk *ls, const struct leulo_req *r)
{
	__poll_t mask = (__force __poll_t)le32_to_cpu(r->rs.mask), old;
	unsigned long flags;
	bool taken;

	spin_lock_irqsave(&ls->lock, flags);
	old = ls->mask;
	taken = leulo_sk_state(ls, mask, le32_to_cpu(r->rs.seq));
	spin_unlock_irqrestore(&ls->lock, flags);
	if (taken && (mask & ~old))
		leulo_sk_wake(ls, mask & ~old);
}

/* Send @r about @ls and wait for its answer (see leulo_req_call()). */
static int leulo_sk_call(struct leulo_sk *ls, struct leulo_req *r,
			 unsigned int flags)
{
	int err = leulo_req_call(ls->g, r, flags);

	if (r->answered && r->rs.seq)
		leulo_sk_answer(ls, r);
	return err;
}

/*
 * Sleep until an event for @ls newer than @gen: 0, to ask again. -EAGAIN
 * when *@timeo ran out, -ERESTARTSYS or -EINTR on a signal.
 */
static int leulo_wait(struct leulo_sk *ls, u32 gen, long *timeo)
{
	long left;

	if (!*timeo)
		return -EAGAIN;
	left = wait_event_interruptible_timeout(*sk_sleep(&ls->sk),
						leulo_changed(ls, gen), *timeo);
	if (left < 0)
		return sock_intr_errno(*timeo);
	if (!left)
		return -EAGAIN;
	*timeo = left;
	return 0;
}

/*
 * The host returned its socket's pending error, which reading clears
 * there: clear our copy too, or SO_ERROR would report it again.
 */
static void leulo_err_read(struct leulo_sk *ls, int err)
{
	if (err < 0)
		cmpxchg(&ls->sk.sk_err, -err, 0);
}

/* Requests */

static struct leulo_req *leulo_req_new(struct leulo_sk *ls, u32 op,
				       size_t size)
{
	struct leulo_req *r = leulo_req_alloc(size);

	if (r)
		leulo_req_reset(r, op, ls->id);
	return r;
}

static void leulo_req_args(struct leulo_req *r, u32 arg0, u32 arg1)
{
	r->rq.arg0 = cpu_to_le32(arg0);
	r->rq.arg1 = cpu_to_le32(arg1);
}

/* An address, with sa_family little-endian as on the ring. */
static int leulo_addr_to_req(struct leulo_req *r, const struct sockaddr *addr,
			     int len)
{
	__le16 family;

	if (len < (int)sizeof(addr->sa_family))
		return -EINVAL;
	/* Linux takes a longer length (sockaddr_storage) as well. */
	len = min(len, VHOST_LEULO_ADDR_LEN);
	memcpy(r->rq.addr, addr, len);
	family = cpu_to_le16(addr->sa_family);
	memcpy(r->rq.addr, &family, sizeof(family));
	r->rq.addr_len = cpu_to_le32(len);
	return 0;
}

static int leulo_addr_from_resp(const u8 *raw, u32 len, struct sockaddr *addr)
{
	__le16 family;

	len = min_t(u32, len, VHOST_LEULO_ADDR_LEN);
	if (len < sizeof(family))
		return -EIO;
	memcpy(addr, raw, len);
	memcpy(&family, raw, sizeof(family));
	addr->sa_family = le16_to_cpu(family);
	return len;
}

/* A one-off control request on @ls: its status. */
int leulo_sk_ctl(struct leulo_sk *ls, u32 op, u32 arg0, u32 arg1)
{
	struct leulo_req *r = leulo_req_new(ls, op, 0);
	int err;

	if (!r)
		return -ENOMEM;
	leulo_req_args(r, arg0, arg1);
	err = leulo_sk_call(ls, r, 0);
	leulo_req_put(r);
	return err;
}

/*
 * Close the host socket @id. It waits for the answer even when killed
 * (an exiting process closes its sockets with SIGKILL pending), and only
 * for that: the device never delays one.
 */
static void leulo_close_id(struct leulo_gdev *g, u32 id, u32 how)
{
	struct leulo_req *r = leulo_req_alloc(0);

	if (!r)
		return;
	leulo_req_reset(r, VHOST_LEULO_OP_CLOSE, id);
	leulo_req_args(r, how, 0);
	leulo_req_call(g, r, LEULO_REQ_NOKILL);
	leulo_req_put(r);
}

/* Sockets */

static struct leulo_sk *leulo_sk_alloc(struct net *net, int family,
				       struct leulo_gdev *g)
{
	struct leulo_sk *ls;
	struct sock *sk;

	sk = sk_alloc(net, family, GFP_KERNEL, &leulo_proto, 0);
	if (!sk)
		return NULL;
	ls = leulo_sk(sk);
	spin_lock_init(&ls->lock);
	leulo_tx_init(ls);
	ls->g = g;
	return ls;
}

static void leulo_sk_graft(struct leulo_sk *ls, struct socket *sock, u32 id,
			   __poll_t mask, u32 seq)
{
	struct sock *sk = &ls->sk;

	sock_init_data(sock, sk);
	sk->sk_protocol = IPPROTO_TCP;
	sock->ops = sk->sk_family == AF_INET6 ? &leulo_inet6_ops :
						&leulo_inet_ops;
	/* setsockopt(SOL_SOCKET) comes to leulo_setsockopt(). */
	set_bit(SOCK_CUSTOM_SOCKOPT, &sock->flags);
	ls->id = id;
	ls->mask = mask;
	ls->seq = seq;
}

/* Undo leulo_sk_graft() of a socket never linked. */
static void leulo_sk_drop(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sock_orphan(sk);
	sock->sk = NULL;
	sock_put(sk);
}

/*
 * Graft and link host socket @id, in state @mask as of @seq: on failure
 * it is closed, @g put.
 */
static int leulo_sk_attach(struct net *net, int family, struct leulo_gdev *g,
			   struct socket *sock, u32 id, __poll_t mask, u32 seq)
{
	struct leulo_sk *ls = leulo_sk_alloc(net, family, g);
	int err;

	if (!ls) {
		leulo_close_id(g, id, VHOST_LEULO_CLOSE_RESET);
		leulo_gdev_put(g);
		return -ENOBUFS;
	}
	leulo_sk_graft(ls, sock, id, mask, seq);
	if (!leulo_sk_link(ls, &err) && err) {
		leulo_sk_drop(sock);
		leulo_close_id(g, id, VHOST_LEULO_CLOSE_RESET);
		leulo_gdev_put(g);
		return err;
	}
	return 0;
}

/*
 * A host socket of @family for new user socket @sock: 0, or an errno
 * (@g is put then).
 */
static int leulo_sk_create(struct net *net, struct leulo_gdev *g,
			   int family, struct socket *sock)
{
	struct leulo_req *r = leulo_req_alloc(0);
	int err;

	if (!r) {
		leulo_gdev_put(g);
		return -ENOMEM;
	}
	leulo_req_reset(r, VHOST_LEULO_OP_SOCKET, 0);
	leulo_req_args(r, family, 0);
	/* Not killable: the answer names a host socket to close. */
	err = leulo_req_call(g, r, LEULO_REQ_NOKILL);
	if (err) {
		leulo_req_put(r);
		leulo_gdev_put(g);
		return err;
	}
	sock->state = SS_UNCONNECTED;
	err = leulo_sk_attach(net, family, g, sock, le32_to_cpu(r->rs.id),
			      (__force __poll_t)le32_to_cpu(r->rs.mask),
			      le32_to_cpu(r->rs.seq));
	leulo_req_put(r);
	return err;
}

/*
 * The inet_create() hook: a user's TCP socket becomes a Leulo socket.
 * -ENOPROTOOPT lets inet_create() make a TCP socket of the guest's own.
 */
int leulo_inet_create(struct net *net, struct socket *sock, int protocol,
		      int family)
{
	struct leulo_gdev *g;
	int err;

	/* The device serves the VM's network, not a container's inside. */
	if (!net_eq(net, &init_net))
		return -ENOPROTOOPT;
	g = leulo_gdev_get();
	if (!g)
		return -ENOPROTOOPT;
	err = leulo_sk_create(net, g, family, sock);
	/* Removed meanwhile: a socket of the guest's own will do. */
	return err == -ENODEV ? -ENOPROTOOPT : err;
}

/* Close @ls's host socket (@how as CLOSE's arg0): no event comes after. */
void leulo_sk_close(struct leulo_sk *ls, u32 how)
{
	struct leulo_gdev *g = ls->g;

	leulo_sk_unlink(ls);
	leulo_close_id(g, ls->id, how);
	ls->g = NULL;
	leulo_gdev_put(g);
}

static int leulo_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct leulo_sk *ls;
	u32 how = 0;

	if (!sk)
		return 0;
	ls = leulo_sk(sk);
	if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)
		how = VHOST_LEULO_CLOSE_RESET;
	/* As TCP's close(): the data sent so far still goes, then the FIN. */
	if (!leulo_tx_defer_close(ls, how))
		leulo_sk_close(ls, how);
	sock_orphan(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/* What a call returns when the device went away under it. */
static int leulo_gone(int err, int instead)
{
	return err == -ENODEV ? instead : err;
}

/* Binding below ip_unprivileged_port_start is the guest's to allow. */
static int leulo_bind_allowed(struct sock *sk, const struct sockaddr *addr,
			      int len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)addr;
	struct net *net = sock_net(sk);
	unsigned short port;

	/* sin_port and sin6_port are at the same place. */
	if (len < (int)offsetofend(struct sockaddr_in, sin_port))
		return 0;
	port = ntohs(sin->sin_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;
	return 0;
}

/* Request @op with address @addr of @len bytes, once. */
static int leulo_addr_call(struct leulo_sk *ls, u32 op,
			   const struct sockaddr *addr, int len)
{
	struct leulo_req *r = leulo_req_new(ls, op, 0);
	int err;

	if (!r)
		return -ENOMEM;
	err = leulo_addr_to_req(r, addr, len);
	if (!err)
		err = leulo_sk_call(ls, r, 0);
	leulo_req_put(r);
	return err;
}

static int leulo_bind(struct socket *sock, struct sockaddr *addr, int len)
{
	int err;

	err = leulo_bind_allowed(sock->sk, addr, len);
	if (err)
		return err;
	return leulo_gone(leulo_addr_call(leulo_sk(sock->sk),
					  VHOST_LEULO_OP_BIND, addr, len),
			  -EINVAL);
}

static int leulo_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err;

	err = leulo_sk_ctl(leulo_sk(sk), VHOST_LEULO_OP_LISTEN, backlog, 0);
	if (!err)
		sk->sk_state = TCP_LISTEN;
	return leulo_gone(err, -EINVAL);
}

static int leulo_connect_done(struct socket *sock, int err)
{
	struct sock *sk = sock->sk;

	switch (err) {
	case 0:
		sock->state = SS_CONNECTED;
		sk->sk_state = TCP_ESTABLISHED;
		break;
	case -EINPROGRESS:
	case -EALREADY:
	case -EISCONN:
	case -ERESTARTSYS:
	case -EINTR:
		break;
	default:
		sock->state = SS_UNCONNECTED;
		leulo_err_read(leulo_sk(sk), err);
	}
	return leulo_gone(err, -ENOTCONN);
}

/*
 * connect(AF_UNSPEC): the host's socket disconnects, as tcp_disconnect()
 * (RST to a connected peer), and may connect again.
 */
static int leulo_disconnect(struct socket *sock, struct sockaddr *addr,
			    int len)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	bool was = READ_ONCE(ls->sk.sk_shutdown) & SEND_SHUTDOWN;
	int err;

	/* Unsent data is dropped, not sent to the next connection. */
	leulo_tx_cancel(ls);
	err = leulo_addr_call(ls, VHOST_LEULO_OP_CONNECT, addr, len);
	if (err) {
		if (!was)
			leulo_tx_set_shut(ls, false);
		return leulo_gone(err, -ENOTCONN);
	}
	sock->state = SS_UNCONNECTED;
	sock->sk->sk_state = TCP_CLOSE;
	/* As tcp_disconnect(): both sides open again. */
	spin_lock_irq(&ls->lock);
	WRITE_ONCE(ls->sk.sk_shutdown, 0);
	spin_unlock_irq(&ls->lock);
	return 0;
}

/*
 * The host's socket is non-blocking: its connect answers -EINPROGRESS,
 * then -EALREADY while the handshake runs, then 0 or the error, as
 * Linux's non-blocking connect does. Blocking is asking again after each
 * event until the answer is another.
 */
static int leulo_connect(struct socket *sock, struct sockaddr *addr, int len,
			 int flags)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	long timeo = sock_sndtimeo(sock->sk, flags & O_NONBLOCK);
	struct leulo_req *r;
	int err, first = 0;
	u32 gen;

	if (len >= (int)sizeof(addr->sa_family) && addr->sa_family == AF_UNSPEC)
		return leulo_disconnect(sock, addr, len);
	r = leulo_req_alloc(0);
	if (!r)
		return -ENOMEM;
	for (;;) {
		gen = leulo_gen(ls);
		leulo_req_reset(r, VHOST_LEULO_OP_CONNECT, ls->id);
		err = leulo_addr_to_req(r, addr, len);
		if (!err)
			err = leulo_sk_call(ls, r, 0);
		if (err != -EINPROGRESS && err != -EALREADY)
			break;
		if (err == -EINPROGRESS)
			sock->state = SS_CONNECTING;
		if (!first)
			first = err;
		err = leulo_wait(ls, gen, &timeo);
		if (err == -EAGAIN)
			err = first;
		if (err)
			break;
	}
	leulo_req_put(r);
	return leulo_connect_done(sock, err);
}

/* Host socket @id was accepted: make it @newsock's. */
static int leulo_accepted(struct leulo_sk *ls, struct socket *newsock,
			  const struct leulo_req *r)
{
	struct leulo_gdev *g = ls->g;
	struct leulo_sk *nls;
	int err;

	kref_get(&g->ref);
	/*
	 * The answer's mask is the listener's. Until the new socket's first
	 * event (maybe stashed already), it is unknown whether data came with
	 * the connection: say readable, a read will tell.
	 */
	err = leulo_sk_attach(sock_net(&ls->sk), ls->sk.sk_family, g, newsock,
			      le32_to_cpu(r->rs.id),
			      LEULO_POLLOUT | LEULO_POLLIN, 0);
	if (err)
		return err;
	nls = leulo_sk(newsock->sk);
	nls->sk.sk_state = TCP_ESTABLISHED;
	newsock->state = SS_CONNECTED;
	nls->peer_len = min_t(u32, le32_to_cpu(r->rs.addr_len),
			      VHOST_LEULO_ADDR_LEN);
	memcpy(nls->peer, r->rs.addr, sizeof(nls->peer));
	return 0;
}

static int leulo_accept(struct socket *sock, struct socket *newsock,
			struct proto_accept_arg *arg)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	long timeo = sock_rcvtimeo(sock->sk, arg->flags & O_NONBLOCK);
	struct leulo_req *r;
	int err;
	u32 gen;

	r = leulo_req_alloc(0);
	if (!r)
		return -ENOMEM;
	for (;;) {
		gen = leulo_gen(ls);
		leulo_req_reset(r, VHOST_LEULO_OP_ACCEPT, ls->id);
		/* Not killable: the answer names a host socket to close. */
		err = leulo_sk_call(ls, r, LEULO_REQ_NOKILL);
		if (err != -EAGAIN)
			break;
		err = leulo_wait(ls, gen, &timeo);
		if (err)
			break;
	}
	if (!err)
		err = leulo_accepted(ls, newsock, r);
	leulo_req_put(r);
	return leulo_gone(err, -ECONNABORTED);
}

/*
 * peer 2 is accept() asking for the address its answer already gave;
 * anything else asks the host, which knows whether it is connected.
 */
static int leulo_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	struct leulo_req *r;
	int err;

	if (peer == 2 && ls->peer_len)
		return leulo_addr_from_resp(ls->peer, ls->peer_len, addr);
	r = leulo_req_new(ls, VHOST_LEULO_OP_GETNAME, 0);
	if (!r)
		return -ENOMEM;
	leulo_req_args(r, !!peer, 0);
	err = leulo_sk_call(ls, r, 0);
	if (!err)
		err = leulo_addr_from_resp(r->rs.addr,
					   le32_to_cpu(r->rs.addr_len), addr);
	leulo_req_put(r);
	return leulo_gone(err, -ENOTCONN);
}

static __poll_t leulo_poll(struct file *file, struct socket *sock,
			   poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask;

	sock_poll_wait(file, sock, wait);
	mask = READ_ONCE(leulo_sk(sk)->mask);
	/*
	 * Writable once the posted SEND is done (leulo_gtx.c); always after
	 * shutdown(SHUT_WR), as tcp_poll(): a send() fails without waiting.
	 */
	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		mask |= LEULO_POLLOUT;
	else if (READ_ONCE(leulo_sk(sk)->tx))
		mask &= ~LEULO_POLLOUT;
	/* EPOLLERR as long as SO_ERROR has not been read, as tcp_poll(). */
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	else
		mask &= ~EPOLLERR;
	return mask;
}

static int leulo_ioctl(struct socket *sock, unsigned int cmd,
		       unsigned long arg)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	struct leulo_req *r;
	int err, val;

	/* Others may be the device ioctls sock_ioctl() tries next. */
	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOIOCTLCMD;
	r = leulo_req_new(ls, VHOST_LEULO_OP_IOCTL, 0);
	if (!r)
		return -ENOMEM;
	leulo_req_args(r, cmd, 0);
	err = leulo_sk_call(ls, r, 0);
	val = le32_to_cpu(r->rs.val);
	leulo_req_put(r);
	if (err)
		return leulo_gone(err, -ENOTCONN);
	/* Sent but not yet acknowledged: the posted bytes are, too. */
	if (cmd == SIOCOUTQ)
		val += leulo_tx_queued(ls);
	return put_user(val, (int __user *)arg);
}

static int leulo_shutdown(struct socket *sock, int how)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	bool was = READ_ONCE(ls->sk.sk_shutdown) & SEND_SHUTDOWN;
	int err;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	/*
	 * The sending side is shut here at once (no send() posts after it),
	 * and on the host after the data sent so far (leulo_gtx.c).
	 */
	if (how != SHUT_RD && leulo_tx_shutdown(ls)) {
		if (how == SHUT_WR)
			return 0;
		how = SHUT_RD;
	}
	err = leulo_sk_ctl(ls, VHOST_LEULO_OP_SHUTDOWN, how, 0);
	if (err && how != SHUT_RD && !was)
		leulo_tx_set_shut(ls, false);	/* not connected: as it was */
	return leulo_gone(err, -ENOTCONN);
}

/* Socket options */

/* Set on the host; @val is @len bytes, an int or a struct linger. */
static int leulo_setopt_remote(struct leulo_sk *ls, int level, int name,
			       const void *val, unsigned int len)
{
	struct leulo_req *r = leulo_req_new(ls, VHOST_LEULO_OP_SETSOCKOPT, 0);
	int err;

	if (!r)
		return -ENOMEM;
	leulo_req_args(r, level, name);
	memcpy(r->rq.addr, val, len);
	r->rq.addr_len = cpu_to_le32(len);
	err = leulo_sk_call(ls, r, 0);
	leulo_req_put(r);
	return leulo_gone(err, -ENOTCONN);
}

static int leulo_setopt_int(struct leulo_sk *ls, int level, int name,
			    sockptr_t optval, unsigned int optlen)
{
	__le32 v;
	int val;

	if (optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	v = cpu_to_le32(val);	/* as every field on the ring */
	return leulo_setopt_remote(ls, level, name, &v, sizeof(v));
}

static int leulo_setopt_linger(struct leulo_sk *ls, sockptr_t optval,
			       unsigned int optlen)
{
	struct linger lg;
	__le32 v[2];

	if (optlen < sizeof(lg))
		return -EINVAL;
	if (copy_from_sockptr(&lg, optval, sizeof(lg)))
		return -EFAULT;
	v[0] = cpu_to_le32(lg.l_onoff);
	v[1] = cpu_to_le32(lg.l_linger);
	/* The host refuses a timeout (EOPNOTSUPP): a close never waits. */
	return leulo_setopt_remote(ls, SOL_SOCKET, SO_LINGER, v, sizeof(v));
}

/*
 * SOL_SOCKET: the options the host knows are set there, then here too,
 * so that getsockopt() (sk_getsockopt(), on this struct sock) reads them
 * back; timeouts are only ours; anything else is refused.
 */
static int leulo_setopt_socket(struct socket *sock, int name,
			       sockptr_t optval, unsigned int optlen)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	int err;

	switch (name) {
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return sock_setsockopt(sock, SOL_SOCKET, name, optval, optlen);
	case SO_LINGER:
		err = leulo_setopt_linger(ls, optval, optlen);
		break;
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_KEEPALIVE:
	case SO_RCVBUF:
	case SO_SNDBUF:
		err = leulo_setopt_int(ls, SOL_SOCKET, name, optval, optlen);
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (err)
		return err;
	return sock_setsockopt(sock, SOL_SOCKET, name, optval, optlen);
}

static int leulo_setsockopt(struct socket *sock, int level, int name,
			    sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_SOCKET)
		return leulo_setopt_socket(sock, name, optval, optlen);
	/* The host knows which (TCP_NODELAY, ...): ENOPROTOOPT for others. */
	return leulo_setopt_int(leulo_sk(sock->sk), level, name, optval,
				optlen);
}

/*
 * TCP_INFO: the host's struct tcp_info, which comes back where a RECV's
 * data does; @len bytes of it at most, as TCP answers.
 */
static int leulo_getopt_info(struct leulo_sk *ls, char __user *optval,
			     int __user *optlen, int len)
{
	struct leulo_req *r;
	u32 got;
	int err;

	r = leulo_req_new(ls, VHOST_LEULO_OP_GETSOCKOPT,
			  sizeof(struct tcp_info));
	if (!r)
		return -ENOMEM;
	leulo_req_args(r, IPPROTO_TCP, TCP_INFO);
	r->len = min(r->size, sizeof(struct tcp_info));
	err = leulo_sk_call(ls, r, LEULO_REQ_RECV);
	if (!err) {
		got = min3(le32_to_cpu(r->rs.val), r->used - (u32)sizeof(r->rs),
			   (u32)r->len);
		len = min_t(u32, len, got);
		if (put_user(len, optlen) || copy_to_user(optval, r->buf, len))
			err = -EFAULT;
	}
	leulo_req_put(r);
	return leulo_gone(err, -ENOTCONN);
}

/* Levels other than SOL_SOCKET (which sk_getsockopt() answers). */
static int leulo_getsockopt(struct socket *sock, int level, int name,
			    char __user *optval, int __user *optlen)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	struct leulo_req *r;
	int err, len, val;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (level == IPPROTO_TCP && name == TCP_INFO)
		return leulo_getopt_info(ls, optval, optlen, len);
	r = leulo_req_new(ls, VHOST_LEULO_OP_GETSOCKOPT, 0);
	if (!r)
		return -ENOMEM;
	leulo_req_args(r, level, name);
	err = leulo_sk_call(ls, r, 0);
	val = le32_to_cpu(r->rs.val);
	leulo_req_put(r);
	if (err)
		return leulo_gone(err, -ENOTCONN);
	len = min_t(unsigned int, len, sizeof(val));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* Data */

/* Send r->buf[0..@have): the bytes taken, or an errno. */
static int leulo_send_once(struct leulo_sk *ls, struct leulo_req *r,
			   size_t have, int flags)
{
	int err;

	leulo_req_reset(r, VHOST_LEULO_OP_SEND, ls->id);
	leulo_req_args(r, flags & MSG_MORE, 0);
	r->len = have;
	/* A 0-byte send still asks: it says -EPIPE when not connected. */
	err = leulo_sk_call(ls, r, LEULO_REQ_DATA |
			     (have ? LEULO_REQ_SEND : 0));
	if (err)
		return err;
	return min_t(size_t, le32_to_cpu(r->rs.val), have);
}

static int leulo_send_error(struct leulo_sk *ls, int err, int flags)
{
	err = leulo_gone(err, -EPIPE);
	if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	leulo_err_read(ls, err);
	return err;
}

/*
 * Up to 64 KiB a request, until all is taken (or, when the socket
 * would block, what was taken so far), as tcp_sendmsg(), each request
 * waiting for its answer.
 */
static int leulo_send_wait(struct leulo_sk *ls, struct msghdr *msg,
			   size_t len, long timeo)
{
	int flags = msg->msg_flags;
	size_t sent = 0, have = 0;
	struct leulo_req *r;
	int n;
	u32 gen;

	r = leulo_req_alloc(max_t(size_t, len, 1));
	if (!r)
		return -ENOBUFS;
	for (;;) {
		/* Copied once: kept in r->buf while waiting for room. */
		if (!have && sent < len) {
			have = copy_from_iter(r->buf, min(len - sent, r->size),
					      &msg->msg_iter);
			if (!have) {
				n = -EFAULT;
				break;
			}
		}
		gen = leulo_gen(ls);
		n = leulo_send_once(ls, r, have, flags);
		if (!n && have)
			n = -EAGAIN;	/* TCP says so itself; never spin */
		if (n >= 0) {
			sent += n;
			iov_iter_revert(&msg->msg_iter, have - n);
			have = 0;
			if (sent >= len)
				break;
			continue;
		}
		if (n != -EAGAIN)
			break;
		n = leulo_wait(ls, gen, &timeo);
		if (n)
			break;
	}
	iov_iter_revert(&msg->msg_iter, have);
	leulo_req_put(r);
	if (sent)
		return sent;
	return leulo_send_error(ls, n, flags);
}

/*
 * Whether send() may post its data without waiting (leulo_gtx.c): on a
 * connection that is open as far as the guest knows. Else every request
 * waits, so that an error is the call's own, as Linux gives it.
 */
static bool leulo_may_post(struct leulo_sk *ls, size_t len)
{
	struct sock *sk = &ls->sk;

	return len && READ_ONCE(sk->sk_state) == TCP_ESTABLISHED &&
	       !(READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN) &&
	       !READ_ONCE(sk->sk_err) &&
	       !(READ_ONCE(ls->mask) & (EPOLLERR | EPOLLHUP));
}

static int leulo_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	int flags = msg->msg_flags;
	long timeo = sock_sndtimeo(sock->sk, flags & MSG_DONTWAIT);
	size_t sent = 0;
	int n = 0;
	u32 gen;

	if (flags & (MSG_OOB | MSG_FASTOPEN | MSG_ZEROCOPY))
		return -EOPNOTSUPP;
	/* A posted SEND's error is told once, by a call of its own. */
	n = leulo_tx_error(ls);
	if (n)
		return leulo_send_error(ls, n, flags);
	if (READ_ONCE(sock->sk->sk_shutdown) & SEND_SHUTDOWN)
		return leulo_send_error(ls, -EPIPE, flags);
	if (!leulo_may_post(ls, len))
		return leulo_send_wait(ls, msg, len, timeo);
	while (sent < len) {
		gen = leulo_gen(ls);
		if (READ_ONCE(ls->tx_err)) {
			if (!sent)
				n = leulo_tx_error(ls);
			if (n || sent)
				break;
		}
		n = leulo_tx_post(ls, &msg->msg_iter, len - sent, flags);
		if (n > 0) {
			sent += n;
			continue;
		}
		if (!n)		/* one is posted: its end bumps gen */
			n = leulo_wait(ls, gen, &timeo);
		if (n)
			break;
	}
	if (sent)
		return sent;
	return leulo_send_error(ls, n, flags);
}

/* Receive up to r->len bytes into r->buf: how many, or an errno. */
static int leulo_recv_once(struct leulo_sk *ls, struct leulo_req *r,
			   size_t room, int flags)
{
	u32 got;
	int err;

	leulo_req_reset(r, VHOST_LEULO_OP_RECV, ls->id);
	leulo_req_args(r, flags & MSG_PEEK, 0);
	r->len = room;
	err = leulo_sk_call(ls, r, LEULO_REQ_DATA | LEULO_REQ_RECV);
	if (err)
		return err;
	got = min_t(u32, le32_to_cpu(r->rs.val), r->used - sizeof(r->rs));
	return min_t(size_t, got, room);
}

/*
 * Can the host answer a RECV other than -EAGAIN? Only if the mask of the
 * last event or answer has data, an end or an error, or the socket
 * listens (TCP answers -ENOTCONN then, where a listener's mask is empty):
 * else the guest answers -EAGAIN itself, without a round trip. Any
 * change on the host after that mask is an event, which bumps the
 * generation the caller read before calling this, so its wait does not
 * miss it.
 */
static bool leulo_may_recv(struct leulo_sk *ls)
{
	return (READ_ONCE(ls->mask) &
		(LEULO_POLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) ||
	       READ_ONCE(ls->sk.sk_state) == TCP_LISTEN;
}

static int leulo_recv_flags(int flags)
{
	if (flags & MSG_OOB)
		return -EINVAL;		/* no urgent data, ever */
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;		/* nothing queued, ever */
	return 0;
}

static int leulo_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
			 int flags)
{
	struct leulo_sk *ls = leulo_sk(sock->sk);
	long timeo = sock_rcvtimeo(sock->sk, flags & MSG_DONTWAIT);
	size_t copied = 0, target = 1;
	struct leulo_req *r;
	int n;
	u32 gen;

	n = leulo_recv_flags(flags);
	if (n || !len)
		return n;
	if ((flags & (MSG_WAITALL | MSG_PEEK)) == MSG_WAITALL)
		target = len;
	r = leulo_req_alloc(len);
	if (!r)
		return -ENOBUFS;
	for (;;) {
		gen = leulo_gen(ls);
		n = -EAGAIN;
		if (leulo_may_recv(ls))
			n = leulo_recv_once(ls, r, min(len - copied, r->size),
					    flags);
		if (n == -EAGAIN) {
			n = copied >= target ? 0 : leulo_wait(ls, gen, &timeo);
			if (n || copied >= target)
				break;
			continue;
		}
		if (n <= 0)
			break;			/* an error, or end of stream */
		/* MSG_TRUNC: taken (or peeked at) and thrown away, as TCP. */
		if (!(flags & MSG_TRUNC) &&
		    copy_to_iter(r->buf, n, &msg->msg_iter) != n) {
			n = -EFAULT;
			break;
		}
		copied += n;
		if (copied >= len || (flags & MSG_PEEK) ||
		    (n < r->len && copied >= target))
			break;
	}
	leulo_req_put(r);
	if (copied)
		return copied;
	/* A reset that a posted SEND met is not a clean end of stream. */
	if (!n && READ_ONCE(ls->tx_err) == -ECONNRESET)
		n = leulo_tx_error(ls);
	leulo_err_read(ls, n);
	return leulo_gone(n, -ENOTCONN);
}

static const struct proto_ops leulo_inet_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= leulo_release,
	.bind		= leulo_bind,
	.connect	= leulo_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= leulo_accept,
	.getname	= leulo_getname,
	.poll		= leulo_poll,
	.ioctl		= leulo_ioctl,
	.listen		= leulo_listen,
	.shutdown	= leulo_shutdown,
	.setsockopt	= leulo_setsockopt,
	.getsockopt	= leulo_getsockopt,
	.sendmsg	= leulo_sendmsg,
	.recvmsg	= leulo_recvmsg,
	.mmap		= sock_no_mmap,
};

static const struct proto_ops leulo_inet6_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= leulo_release,
	.bind		= leulo_bind,
	.connect	= leulo_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= leulo_accept,
	.getname	= leulo_getname,
	.poll		= leulo_poll,
	.ioctl		= leulo_ioctl,
	.listen		= leulo_listen,
	.shutdown	= leulo_shutdown,
	.setsockopt	= leulo_setsockopt,
	.getsockopt	= leulo_getsockopt,
	.sendmsg	= leulo_sendmsg,
	.recvmsg	= leulo_recvmsg,
	.mmap		= sock_no_mmap,
};

int leulo_gsock_init(void)
{
	return proto_register(&leulo_proto, 1);
}
