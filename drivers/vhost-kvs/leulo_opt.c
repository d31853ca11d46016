// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo's socket options and ioctls: the ones programs use, each known
 * by name. Anything else is ENOPROTOOPT (options) or EINVAL (ioctls), as
 * Linux answers an option it does not know; none is passed on blindly.
 */
#include <linux/in6.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "leulo.h"

/* The int options, by level and name. */
static bool leulo_opt_known(int level, int name)
{
	switch (level) {
	case SOL_SOCKET:
		return name == SO_REUSEADDR || name == SO_REUSEPORT ||
		       name == SO_KEEPALIVE || name == SO_RCVBUF ||
		       name == SO_SNDBUF;
	case IPPROTO_TCP:
		return name == TCP_NODELAY || name == TCP_CORK ||
		       name == TCP_KEEPIDLE || name == TCP_KEEPINTVL ||
		       name == TCP_KEEPCNT;
	case IPPROTO_IPV6:
		return name == IPV6_V6ONLY;
	}
	return false;
}

static int leulo_set_linger(struct socket *sock,
			    const struct vhost_leulo_req *rq)
{
	__le32 v[2];
	struct linger lg;

	if (le32_to_cpu(rq->addr_len) != sizeof(v))
		return -EINVAL;
	memcpy(v, rq->addr, sizeof(v));
	lg.l_onoff = le32_to_cpu(v[0]);
	lg.l_linger = le32_to_cpu(v[1]);
	/* A close that waits would stall the device's worker. */
	if (lg.l_onoff && lg.l_linger)
		return -EOPNOTSUPP;
	return sock_setsockopt(sock, SOL_SOCKET, SO_LINGER,
			       KERNEL_SOCKPTR(&lg), sizeof(lg));
}

int leulo_setsockopt(struct leulo_dev *l, struct leulo_sock *ls,
		     const struct vhost_leulo_req *rq)
{
	int level = le32_to_cpu(rq->arg0), name = le32_to_cpu(rq->arg1);
	struct socket *sock = ls->sock;
	__le32 raw;
	int val, err;

	lockdep_assert_held(&l->lock);
	if (!(level == SOL_SOCKET && name == SO_LINGER) &&
	    !leulo_opt_known(level, name))
		return -ENOPROTOOPT;
	err = leulo_lsm_setsockopt(sock, level, name);
	if (err)
		return err;
	if (level == SOL_SOCKET && name == SO_LINGER)
		return leulo_set_linger(sock, rq);
	if (le32_to_cpu(rq->addr_len) != sizeof(raw))
		return -EINVAL;
	memcpy(&raw, rq->addr, sizeof(raw));
	val = le32_to_cpu(raw);
	if (level == SOL_SOCKET) {
		/* The device's cap on what one socket may buffer. */
		if (name == SO_RCVBUF || name == SO_SNDBUF)
			val = clamp_t(u32, val, 0,
				      min_t(u32, l->limits.max_buf, INT_MAX));
		return sock_setsockopt(sock, level, name, KERNEL_SOCKPTR(&val),
				       sizeof(val));
	}
	if (level == IPPROTO_IPV6 && sock->sk->sk_family != AF_INET6)
		return -ENOPROTOOPT;
	return READ_ONCE(sock->ops)->setsockopt(sock, level, name,
						KERNEL_SOCKPTR(&val),
						sizeof(val));
}

static int leulo_get_tcp(struct sock *sk, int name, u32 *val)
{
	struct tcp_sock *tp = tcp_sk(sk);

	switch (name) {
	case TCP_NODELAY:
		*val = !!(tp->nonagle & TCP_NAGLE_OFF);
		break;
	case TCP_CORK:
		*val = !!(tp->nonagle & TCP_NAGLE_CORK);
		break;
	case TCP_KEEPIDLE:
		*val = keepalive_time_when(tp) / HZ;
		break;
	case TCP_KEEPINTVL:
		*val = keepalive_intvl_when(tp) / HZ;
		break;
	case TCP_KEEPCNT:
		*val = keepalive_probes(tp);
		break;
	default:
		return -ENOPROTOOPT;
	}
	return 0;
}

static int leulo_get_socket(struct sock *sk, int name, u32 *val)
{
	switch (name) {
	case SO_ERROR:
		*val = -sock_error(sk);
		break;
	case SO_REUSEADDR:
		*val = sk->sk_reuse;
		break;
	case SO_REUSEPORT:
		*val = sk->sk_reuseport;
		break;
	case SO_KEEPALIVE:
		*val = sock_flag(sk, SOCK_KEEPOPEN);
		break;
	case SO_RCVBUF:
		*val = READ_ONCE(sk->sk_rcvbuf);
		break;
	case SO_SNDBUF:
		*val = READ_ONCE(sk->sk_sndbuf);
		break;
	default:
		return -ENOPROTOOPT;
	}
	return 0;
}

int leulo_getsockopt(struct leulo_sock *ls, int level, int name, u32 *val)
{
	struct sock *sk = ls->sock->sk;

	switch (level) {
	case SOL_SOCKET:
		return leulo_get_socket(sk, name, val);
	case IPPROTO_TCP:
		return leulo_get_tcp(sk, name, val);
	case IPPROTO_IPV6:
		if (sk->sk_family != AF_INET6 || name != IPV6_V6ONLY)
			return -ENOPROTOOPT;
		*val = sk->sk_ipv6only;
		return 0;
	}
	return -ENOPROTOOPT;
}

/*
 * TCP_INFO: the host socket's struct tcp_info into @to, where a RECV
 * puts its data (it is larger than an answer's fields). Return: bytes.
 */
size_t leulo_tcp_info(struct leulo_sock *ls, struct iov_iter *to)
{
	struct tcp_info info;

	tcp_get_info(ls->sock->sk, &info);
	return copy_to_iter(&info, sizeof(info), to);
}

/* SIOCINQ (FIONREAD) and SIOCOUTQ, answered by TCP itself. */
int leulo_sock_ioctl(struct leulo_sock *ls, int cmd, u32 *val)
{
	struct sock *sk = ls->sock->sk;
	int karg = 0, err;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -EINVAL;
	err = READ_ONCE(sk->sk_prot)->ioctl(sk, cmd, &karg);
	*val = karg;
	return err;
}
