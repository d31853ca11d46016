// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo's requests: one chain is one call on a host socket, answered at
 * once. Nothing here waits: sockets are used with MSG_DONTWAIT and
 * O_NONBLOCK, and the guest waits for an event instead. Payload moves
 * once, between the guest's buffers (mapped in the VMM's address space
 * the worker runs in) and the socket.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "leulo.h"

struct leulo_call {
	struct leulo_dev *l;
	struct leulo_sock *ls;		/* NULL for SOCKET */
	const struct vhost_leulo_req *rq;
	struct iov_iter *from;		/* SEND's payload */
	struct iov_iter *to;		/* room for RECV's */
	struct vhost_leulo_resp *rs;
	size_t moved;			/* payload bytes, for the weight */
	size_t received;		/* of them written after the answer */
};

static u32 arg0(const struct leulo_call *c)
{
	return le32_to_cpu(c->rq->arg0);
}

/*
 * The request's address, for its socket's family (or AF_UNSPEC, when
 * @unspec: connect()'s disconnect). sa_family is little-endian on the
 * ring, as every other field; port and address are in network order, as
 * in struct sockaddr_in.
 */
static int leulo_addr_in(const struct leulo_call *c,
			 struct sockaddr_storage *ss, bool unspec)
{
	u32 len = le32_to_cpu(c->rq->addr_len);
	__le16 family;

	if (len < sizeof(family))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, c->rq->addr, len);
	memcpy(&family, c->rq->addr, sizeof(family));
	ss->ss_family = le16_to_cpu(family);
	if (ss->ss_family != c->ls->sock->sk->sk_family &&
	    !(unspec && ss->ss_family == AF_UNSPEC))
		return -EAFNOSUPPORT;
	return len;
}

static void leulo_addr_out(struct vhost_leulo_resp *rs,
			   struct sockaddr_storage *ss, int len)
{
	__le16 family = cpu_to_le16(ss->ss_family);

	len = min_t(int, len, VHOST_LEULO_ADDR_LEN);
	memcpy(rs->addr, ss, len);
	memcpy(rs->addr, &family, sizeof(family));
	rs->addr_len = cpu_to_le32(len);
}

/* Below the device's cap on sockets? A refusal is counted. */
static bool leulo_room(struct leulo_dev *l)
{
	if (l->nsocks < l->limits.max_sockets)
		return true;
	l->stats.refused_limit++;
	return false;
}

/* A new socket into the table, its id into the answer; else released. */
static int leulo_call_add(struct leulo_call *c, struct socket *sock,
			  bool accepted)
{
	u32 id;
	int err;

	err = leulo_sock_add(c->l, sock, &id, accepted);
	if (err) {
		sock_release(sock);
		return err;
	}
	c->rs->id = cpu_to_le32(id);
	return 0;
}

/*
 * The state of the socket the answer is about, ordered with its events:
 * the driver keeps the newer (both are written under l->lock).
 */
static void leulo_call_state(struct leulo_call *c)
{
	lockdep_assert_held(&c->l->lock);
	c->rs->mask = cpu_to_le32((__force u32)leulo_sock_poll(c->ls));
	c->rs->seq = cpu_to_le32(++c->ls->seq);
}

static int leulo_op_socket(struct leulo_call *c)
{
	struct leulo_dev *l = c->l;
	u32 family = arg0(c);
	struct socket *sock;
	int err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!leulo_room(l))
		return -EMFILE;
	/*
	 * As a socket of the VMM's (kern = 0): it holds the namespace, its
	 * memory is charged to the VMM's cgroup (the worker is the VMM's
	 * thread) and the hooks it passes see the credentials the VMM
	 * started the device with (leulo_req_run()).
	 */
	err = __sock_create(l->net, family, SOCK_STREAM, IPPROTO_TCP, &sock, 0);
	if (err)
		return err;
	err = leulo_call_add(c, sock, false);
	if (!err)	/* the answer is about the new socket */
		c->ls = leulo_sock_find(l, le32_to_cpu(c->rs->id));
	return err;
}

static int leulo_op_bind(struct leulo_call *c)
{
	struct sockaddr_storage ss;
	int len = leulo_addr_in(c, &ss, false);

	if (len < 0)
		return len;
	return leulo_bind(c->ls->sock, (struct sockaddr *)&ss, len);
}

static int leulo_op_listen(struct leulo_call *c)
{
	u32 backlog = min3(arg0(c), c->l->limits.max_backlog, (u32)INT_MAX);

	return leulo_listen(c->ls->sock, backlog);
}

static int leulo_op_accept(struct leulo_call *c)
{
	struct leulo_dev *l = c->l;
	struct sockaddr_storage ss;
	struct socket *sock;
	int err;

	if (!leulo_room(l))
		return -EMFILE;
	err = leulo_accept(c->ls->sock, &sock);
	if (err)
		return err;
	/* Reset while queued: Linux's accept says ECONNABORTED. */
	err = kernel_getpeername(sock, (struct sockaddr *)&ss);
	if (err < 0) {
		sock_release(sock);
		return -ECONNABORTED;
	}
	leulo_addr_out(c->rs, &ss, err);
	return leulo_call_add(c, sock, true);
}

static int leulo_op_connect(struct leulo_call *c)
{
	struct sockaddr_storage ss;
	int len = leulo_addr_in(c, &ss, true);

	if (len < 0)
		return len;
	return leulo_connect(c->ls->sock, (struct sockaddr *)&ss, len);
}

static int leulo_op_send(struct leulo_call *c)
{
	struct msghdr msg = {
		.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL,
	};
	int ret;

	if (arg0(c) & ~MSG_MORE)
		return -EINVAL;
	msg.msg_flags |= arg0(c);
	msg.msg_iter = *c->from;
	ret = sock_sendmsg(c->ls->sock, &msg);
	if (ret < 0)
		return ret;
	c->moved = ret;
	c->l->stats.bytes_sent += ret;
	c->rs->val = cpu_to_le32(ret);
	return 0;
}

static int leulo_op_recv(struct leulo_call *c)
{
	struct msghdr msg = {};
	int ret;

	if (arg0(c) & ~MSG_PEEK)
		return -EINVAL;
	msg.msg_iter = *c->to;
	ret = sock_recvmsg(c->ls->sock, &msg, MSG_DONTWAIT | arg0(c));
	if (ret < 0)
		return ret;
	c->moved = ret;
	c->received = ret;
	c->l->stats.bytes_received += ret;
	c->rs->val = cpu_to_le32(ret);
	return 0;
}

static int leulo_op_shutdown(struct leulo_call *c)
{
	u32 how = arg0(c);

	if (how > SHUT_RDWR)
		return -EINVAL;
	return leulo_shutdown(c->ls->sock, how);
}

static int leulo_op_close(struct leulo_call *c)
{
	if (arg0(c) & ~VHOST_LEULO_CLOSE_RESET)
		return -EINVAL;
	if (arg0(c) & VHOST_LEULO_CLOSE_RESET)
		sock_no_linger(c->ls->sock->sk);
	leulo_sock_close(c->l, c->ls);
	c->ls = NULL;
	return 0;
}

static int leulo_op_getname(struct leulo_call *c)
{
	struct sockaddr_storage ss;
	int ret;

	if (arg0(c) > 1)
		return -EINVAL;
	ret = leulo_getname(c->ls->sock, (struct sockaddr *)&ss, arg0(c));
	if (ret < 0)
		return ret;
	leulo_addr_out(c->rs, &ss, ret);
	return 0;
}

static int leulo_op_setsockopt(struct leulo_call *c)
{
	return leulo_setsockopt(c->l, c->ls, c->rq);
}

static int leulo_op_getsockopt(struct leulo_call *c)
{
	u32 val = 0;
	int err;

	err = leulo_lsm_getsockopt(c->ls->sock, arg0(c),
				   le32_to_cpu(c->rq->arg1));
	if (err)
		return err;
	if (arg0(c) == IPPROTO_TCP && le32_to_cpu(c->rq->arg1) == TCP_INFO) {
		c->received = leulo_tcp_info(c->ls, c->to);
		c->rs->val = cpu_to_le32(c->received);
		return 0;
	}
	err = leulo_getsockopt(c->ls, arg0(c), le32_to_cpu(c->rq->arg1), &val);
	c->rs->val = cpu_to_le32(val);
	return err;
}

static int leulo_op_poll(struct leulo_call *c)
{
	c->rs->val = cpu_to_le32((__force u32)leulo_sock_poll(c->ls));
	return 0;
}

static int leulo_op_ioctl(struct leulo_call *c)
{
	u32 val = 0;
	int err;

	err = leulo_sock_ioctl(c->ls, arg0(c), &val);
	c->rs->val = cpu_to_le32(val);
	return err;
}

static int (*const leulo_ops[VHOST_LEULO_OP_MAX + 1])(struct leulo_call *) = {
	[VHOST_LEULO_OP_SOCKET]		= leulo_op_socket,
	[VHOST_LEULO_OP_BIND]		= leulo_op_bind,
	[VHOST_LEULO_OP_LISTEN]		= leulo_op_listen,
	[VHOST_LEULO_OP_ACCEPT]		= leulo_op_accept,
	[VHOST_LEULO_OP_CONNECT]	= leulo_op_connect,
	[VHOST_LEULO_OP_SEND]		= leulo_op_send,
	[VHOST_LEULO_OP_RECV]		= leulo_op_recv,
	[VHOST_LEULO_OP_SHUTDOWN]	= leulo_op_shutdown,
	[VHOST_LEULO_OP_CLOSE]		= leulo_op_close,
	[VHOST_LEULO_OP_GETNAME]	= leulo_op_getname,
	[VHOST_LEULO_OP_SETSOCKOPT]	= leulo_op_setsockopt,
	[VHOST_LEULO_OP_GETSOCKOPT]	= leulo_op_getsockopt,
	[VHOST_LEULO_OP_POLL]		= leulo_op_poll,
	[VHOST_LEULO_OP_IOCTL]		= leulo_op_ioctl,
};

/* A malformed request: counted, and answered -EINVAL or -EBADF. */
static int leulo_bad(struct leulo_dev *l, int err)
{
	l->stats.bad_requests++;
	return err;
}

static int leulo_call(struct leulo_call *c)
{
	const struct vhost_leulo_req *rq = c->rq;
	u32 op = le32_to_cpu(rq->op);

	if (op < VHOST_LEULO_OP_SOCKET || op > VHOST_LEULO_OP_MAX ||
	    rq->reserved ||
	    le32_to_cpu(rq->addr_len) > VHOST_LEULO_ADDR_LEN)
		return leulo_bad(c->l, -EINVAL);
	if (op != VHOST_LEULO_OP_SOCKET) {
		c->ls = leulo_sock_find(c->l, le32_to_cpu(rq->id));
		if (!c->ls)
			return leulo_bad(c->l, -EBADF);
	}
	return leulo_ops[op](c);
}

/*
 * Answer the chain whose iovecs are in vq->iov: @out readable, then @in
 * writable. Returns the used length; 0 when there was no room for an
 * answer (the request is then not carried out).
 */
static u32 leulo_req_one(struct leulo_dev *l, struct vhost_virtqueue *vq,
			 unsigned int out, unsigned int in, size_t *moved)
{
	struct vhost_leulo_resp rs = {};
	struct vhost_leulo_req rq;
	struct iov_iter from, to, answer;
	struct leulo_call c = {
		.l = l, .rq = &rq, .from = &from, .to = &to, .rs = &rs,
	};
	int status;

	iov_iter_init(&from, ITER_SOURCE, vq->iov, out,
		      iov_length(vq->iov, out));
	iov_iter_init(&to, ITER_DEST, vq->iov + out, in,
		      iov_length(vq->iov + out, in));
	/* As a system call's length: TCP takes its lengths as int. */
	iov_iter_truncate(&from, MAX_RW_COUNT);
	iov_iter_truncate(&to, MAX_RW_COUNT);
	answer = to;
	/* Nothing is done that could not be answered. */
	if (copy_to_iter(&rs, sizeof(rs), &to) != sizeof(rs)) {
		l->stats.bad_requests++;
		return 0;
	}
	if (copy_from_iter(&rq, sizeof(rq), &from) != sizeof(rq))
		status = leulo_bad(l, -EINVAL);
	else
		status = leulo_call(&c);
	if (c.ls)
		leulo_call_state(&c);
	l->stats.requests++;
	if (status)
		l->stats.errors++;
	rs.status = cpu_to_le32(status);
	if (copy_to_iter(&rs, sizeof(rs), &answer) != sizeof(rs))
		return 0;
	*moved = c.moved;
	return sizeof(rs) + c.received;
}

static void leulo_req_run(struct leulo_dev *l, struct vhost_virtqueue *vq)
{
	unsigned int out, in, n = 0;
	size_t bytes = 0, moved;
	const struct cred *old;
	bool added = false;
	int head;

	lockdep_assert_held(&vq->mutex);
	lockdep_assert_held(&l->lock);
	old = override_creds(l->cred);
	vhost_disable_notify(&l->dev, vq);
	do {
		head = vhost_get_vq_desc(vq, vq->iov, ARRAY_SIZE(vq->iov),
					 &out, &in, NULL, NULL);
		if (head < 0)
			break;
		if (head == vq->num) {
			if (unlikely(vhost_enable_notify(&l->dev, vq))) {
				vhost_disable_notify(&l->dev, vq);
				continue;
			}
			break;
		}
		moved = 0;
		vhost_add_used(vq, head, leulo_req_one(l, vq, out, in, &moved));
		added = true;
		bytes += moved;
	} while (!vhost_exceeds_weight(vq, ++n, bytes));
	if (added)
		vhost_signal(&l->dev, vq);
	revert_creds(old);
}

/* The control and the data queue are served alike. */
void leulo_handle_req_kick(struct vhost_work *work)
{
	struct vhost_virtqueue *vq = container_of(work, struct vhost_virtqueue,
						  poll.work);
	struct leulo_dev *l = container_of(vq->dev, struct leulo_dev, dev);

	mutex_lock(&vq->mutex);
	if (vhost_vq_get_backend(vq)) {
		mutex_lock(&l->lock);
		leulo_req_run(l, vq);
		mutex_unlock(&l->lock);
	}
	mutex_unlock(&vq->mutex);
}
