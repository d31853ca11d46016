// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-leulo: drive /dev/vhost-leulo as a guest's driver would and check
 * every answer against what Linux's own socket calls do.
 *
 * Usage: kvs-leulo [-d DEVICE] -n NETNS_PATH [-l PORT] [-L]
 *
 * -d DEVICE  default /dev/vhost-leulo
 * -n NETNS   the network namespace handed to the device (/run/netns/NAME);
 *            the "peer" sockets, the ordinary ones the guest's sockets
 *            talk to, are made in it too
 * -l PORT    a port this program listens on in its own (initial)
 *            namespace, which the device must not reach (default 47999)
 * -L         the kernel has Landlock's TCP rules: the case that checks
 *            the device keeps to them fails instead of skipping
 *
 * The program runs in the initial network namespace. Peer sockets are
 * made in NETNS (setns there and back around socket(): a socket keeps
 * the namespace it was made in). A small driver layer plays the guest:
 * req() posts one request chain and waits (bounded) for its answer; the
 * event queue is pumped into a table of each socket's last EPOLL* mask,
 * and the socket helpers wait on it after -EAGAIN, as a guest blocks.
 *
 * Output: "ok - WHAT" / "not ok - WHAT" lines with "# " diagnostics, then
 * "N passed, N failed"; the exit status is 1 when any check failed. Every
 * wait is bounded.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sockios.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/vhost_leulo.h>

#include "guest.h"

#define CTL	VHOST_LEULO_VQ_CTL
#define EVT	VHOST_LEULO_VQ_EVT
#define DATA	VHOST_LEULO_VQ_DATA

#define REQ_MS		5000	/* one request's answer */
#define WAIT_MS		5000	/* one event, one peer-side wait */
#define XFER_MS		30000	/* a whole transfer (L1 may be TCG-emulated) */
#define MANY_MS		30000	/* each phase of the 300 connections */
#define MAX_TIMEOUTS	3	/* then the device counts as stuck */
#define REQ_FAIL	(-100000)	/* no (valid) answer: not an errno */

/*
 * Guest memory (4 MiB): queue i's rings in the first 64 KiB of MiB i
 * (guest.c); the request queues' buffers after them in the same MiB; the
 * event buffers after the event queue's rings.
 */
#define AREA(q)		((uint64_t)(q) << 20)
#define REQ_AT(q)	(AREA(q) + 0x10000)
#define RESP_AT(q)	(AREA(q) + 0x10100)
#define PAY_AT(q)	(AREA(q) + 0x20000)
#define PAY_MAX		0x60000u		/* to RBUF_AT */
#define RBUF_AT(q)	(AREA(q) + 0x80000)
#define RBUF_MAX	0x80000u		/* to the next MiB */
#define EV_NBUF		GUEST_QSIZE
#define EV_BUFLEN	64			/* room for 4 events */
#define EVBUF_AT(i)	(AREA(EVT) + 0x10000 + (uint64_t)(i) * EV_BUFLEN)
#define CHUNK		0x10000u		/* SEND and RECV size */

#define NOID		0xffffffffu
#define EV_MAX		2048

static const uint64_t want_features =
	(1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
	(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

/* ---- output ---- */

static int npass, nfail, nskip;

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int check(int ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok - " : "not ok - ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	ok ? npass++ : nfail++;
	return ok;
}

static void skip(const char *what, const char *why)
{
	printf("ok - %s # SKIP %s\n", what, why);
	fflush(stdout);
	npass++;
	nskip++;
}

/* A status as text: "0", "-EAGAIN", "no answer". */
static const char *sname(int st)
{
	static char b[4][32];
	static int k;
	char *s = b[k++ % 4];
	const char *n;

	if (st == REQ_FAIL)
		return "no answer";
	if (st >= 0) {
		snprintf(s, 32, "%d", st);
		return s;
	}
	n = strerrorname_np(-st);
	snprintf(s, 32, "-%s", n ? n : "?");
	if (!n)
		snprintf(s, 32, "%d", st);
	return s;
}

static int is(int got, int want, const char *what)
{
	if (!check(got == want, "%s: %s", what, sname(want)))
		diag("got %s", sname(got));
	return got == want;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int left_ms(int64_t end)
{
	int64_t l = end - now_ms();

	return l < 0 ? 0 : l > 600000 ? 600000 : (int)l;
}

/* ---- the driver ---- */

struct sockev {
	uint32_t id;
	uint32_t mask;	/* last event's, less what -EAGAIN said is gone */
	uint32_t acc;	/* every event's since ev_clear() */
	uint32_t err;	/* last event's */
	uint32_t seq;	/* last event's */
	uint32_t nev;
};

struct leulo {
	struct guest g;
	int timeouts;
	int dead;		/* MAX_TIMEOUTS requests unanswered */
	uint32_t ulen;		/* used length of the last request */
	uint32_t bad_events;	/* malformed event buffers or events */
	uint64_t nevents;
	unsigned int nsev;
	struct sockev sev[EV_MAX];
};

static struct sockev *ev_find(struct leulo *l, uint32_t id, int add)
{
	for (unsigned int i = 0; i < l->nsev; i++)
		if (l->sev[i].id == id)
			return &l->sev[i];
	if (!add || l->nsev == EV_MAX)
		return NULL;
	l->sev[l->nsev] = (struct sockev){ .id = id };
	return &l->sev[l->nsev++];
}

static void ev_forget(struct leulo *l, uint32_t id)
{
	struct sockev *e = ev_find(l, id, 0);

	if (e)
		*e = l->sev[--l->nsev];
}

/* Read every used event buffer, note its events, post it again. */
static int pump(struct leulo *l)
{
	uint32_t head, len;
	int n = 0;

	while (guest_used_next(&l->g, EVT, &head, &len)) {
		const struct vhost_leulo_event *ev;

		if (head >= EV_NBUF) {
			diag("event queue: used id %u is no buffer of ours", head);
			l->bad_events++;
			continue;
		}
		if (!len || len % sizeof(*ev) || len > EV_BUFLEN) {
			diag("event queue: used len %u", len);
			l->bad_events++;
		}
		ev = gpa(&l->g, EVBUF_AT(head));
		for (uint32_t k = 0; (k + 1) * sizeof(*ev) <= len &&
				     (k + 1) * sizeof(*ev) <= EV_BUFLEN; k++) {
			struct sockev *e = ev_find(l, le32toh(ev[k].id), 1);

			l->nevents++;
			if (!e)
				continue;
			/* One socket's events come in the order written. */
			if (e->nev && (int32_t)(le32toh(ev[k].seq) - e->seq) <= 0) {
				diag("event of %u: seq %u after %u", e->id,
				     le32toh(ev[k].seq), e->seq);
				l->bad_events++;
			}
			e->seq = le32toh(ev[k].seq);
			e->mask = le32toh(ev[k].mask);
			e->acc |= e->mask;
			e->err = le32toh(ev[k].err);
			e->nev++;
		}
		guest_add_buf(&l->g, EVT, head, EVBUF_AT(head), EV_BUFLEN,
			      VRING_DESC_F_WRITE);
		n++;
	}
	if (n) {
		guest_publish(&l->g, EVT);
		guest_kick(&l->g, EVT);
	}
	return n;
}

/* -EAGAIN: what the last event said about @bits is gone. */
static void ev_eagain(struct leulo *l, uint32_t id, uint32_t bits)
{
	struct sockev *e = ev_find(l, id, 1);

	if (e)
		e->mask &= ~(bits | EPOLLERR | EPOLLHUP);
}

/* Forget what events said so far: wait_event() waits for a new one. */
static void ev_clear(struct leulo *l, uint32_t id)
{
	struct sockev *e;

	pump(l);
	e = ev_find(l, id, 1);
	if (e)
		e->acc = 0;
}

/* Before a CONNECT: what events said of the unconnected socket is moot. */
static void ev_reset(struct leulo *l, uint32_t id)
{
	struct sockev *e;

	pump(l);
	e = ev_find(l, id, 1);
	if (e)
		e->mask = e->acc = e->err = 0;
}

/*
 * Wait (up to ms) until @id's last event has one of @want, or EPOLLERR or
 * EPOLLHUP (as epoll wakes a waiter). Returns that mask, 0 on timeout.
 */
static uint32_t wait_ready(struct leulo *l, uint32_t id, uint32_t want, int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		struct sockev *e;

		pump(l);
		e = ev_find(l, id, 0);
		if (e && (e->mask & (want | EPOLLERR | EPOLLHUP)))
			return e->mask;
		if (!left_ms(end))
			return 0;
		guest_wait_fd(l->g.vq[EVT].call, left_ms(end));
	}
}

/* Wait (up to ms) until an event since ev_clear() had one of @want. */
static struct sockev *wait_event(struct leulo *l, uint32_t id, uint32_t want,
				 int ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		struct sockev *e;

		pump(l);
		e = ev_find(l, id, 0);
		if (e && (e->acc & want))
			return e;
		if (!left_ms(end))
			return NULL;
		guest_wait_fd(l->g.vq[EVT].call, left_ms(end));
	}
}

/*
 * Post one chain on queue q, kick, wait (bounded) for its used entry.
 * Returns 1 with its used length in *ulen, 0 when none came.
 */
static int post_wait(struct leulo *l, unsigned int q, unsigned int n,
		     const uint64_t *addr, const uint32_t *len,
		     const uint16_t *flags, uint32_t *ulen)
{
	int64_t end = now_ms() + REQ_MS;
	uint32_t head, id, ln;

	if (l->dead)
		return 0;
	head = guest_post(&l->g, q, n, addr, len, flags);
	guest_kick(&l->g, q);
	for (;;) {
		while (guest_used_next(&l->g, q, &id, &ln)) {
			if (id == head) {
				*ulen = ln;
				return 1;
			}
			diag("queue %u: used id %u, not %u (a late answer?)", q, id, head);
		}
		if (!left_ms(end))
			break;
		guest_wait_fd(l->g.vq[q].call, left_ms(end));
	}
	diag("queue %u: no answer in %d ms", q, REQ_MS);
	if (++l->timeouts >= MAX_TIMEOUTS) {
		diag("%d requests unanswered: no more waiting on this device",
		     l->timeouts);
		l->dead = 1;
	}
	return 0;
}

/*
 * One request: rq (+ payload) device-readable, a response (+ rbuf)
 * device-writable. Returns the status (0 or -errno), REQ_FAIL when no
 * answer came or its used length was wrong; fills *rs in host order and
 * rbuf with what was received (l->ulen - sizeof(*rs) bytes).
 */
static int req(struct leulo *l, unsigned int q, const struct vhost_leulo_req *rq,
	       const void *pay, uint32_t plen, struct vhost_leulo_resp *rs,
	       void *rbuf, uint32_t rlen)
{
	struct vhost_leulo_resp *grs = gpa(&l->g, RESP_AT(q)), tmp;
	uint64_t a[4];
	uint32_t len[4];
	uint16_t fl[4];
	unsigned int n = 0;

	if (!rs)
		rs = &tmp;
	memset(rs, 0, sizeof(*rs));
	if (plen > PAY_MAX || rlen > RBUF_MAX)
		return REQ_FAIL;
	memcpy(gpa(&l->g, REQ_AT(q)), rq, sizeof(*rq));
	a[n] = REQ_AT(q), len[n] = sizeof(*rq), fl[n++] = 0;
	if (plen) {
		memcpy(gpa(&l->g, PAY_AT(q)), pay, plen);
		a[n] = PAY_AT(q), len[n] = plen, fl[n++] = 0;
	}
	memset(grs, 0xa5, sizeof(*grs));
	a[n] = RESP_AT(q), len[n] = sizeof(*grs), fl[n++] = VRING_DESC_F_WRITE;
	if (rlen)
		a[n] = RBUF_AT(q), len[n] = rlen, fl[n++] = VRING_DESC_F_WRITE;
	l->ulen = 0;
	if (!post_wait(l, q, n, a, len, fl, &l->ulen))
		return REQ_FAIL;
	if (l->ulen < sizeof(*grs) || l->ulen > sizeof(*grs) + rlen) {
		diag("op %u: used len %u (response %zu + room %u)", le32toh(rq->op),
		     l->ulen, sizeof(*grs), rlen);
		return REQ_FAIL;
	}
	rs->status = le32toh(grs->status);
	rs->id = le32toh(grs->id);
	rs->val = le32toh(grs->val);
	rs->addr_len = le32toh(grs->addr_len);
	memcpy(rs->addr, grs->addr, sizeof(rs->addr));
	rs->mask = le32toh(grs->mask);
	rs->seq = le32toh(grs->seq);
	if (rbuf && l->ulen > sizeof(*grs))
		memcpy(rbuf, gpa(&l->g, RBUF_AT(q)), l->ulen - sizeof(*grs));
	return (int32_t)rs->status;
}

static struct vhost_leulo_req mkreq(uint32_t op, uint32_t id, uint32_t a0,
				    uint32_t a1, const void *addr, uint32_t alen)
{
	struct vhost_leulo_req r = {
		.op = htole32(op), .id = htole32(id),
		.arg0 = htole32(a0), .arg1 = htole32(a1),
		.addr_len = htole32(alen),
	};

	if (addr)
		memcpy(r.addr, addr, alen < sizeof(r.addr) ? alen : sizeof(r.addr));
	return r;
}

/* A request without payload on the control queue. */
static int op(struct leulo *l, uint32_t opc, uint32_t id, uint32_t a0,
	      uint32_t a1, const void *addr, uint32_t alen,
	      struct vhost_leulo_resp *rs)
{
	struct vhost_leulo_req r = mkreq(opc, id, a0, a1, addr, alen);

	return req(l, CTL, &r, NULL, 0, rs, NULL, 0);
}

static int sock_socket(struct leulo *l, int family, uint32_t *id)
{
	struct vhost_leulo_resp rs;
	int st = op(l, VHOST_LEULO_OP_SOCKET, 0, family, 0, NULL, 0, &rs);

	*id = st ? NOID : rs.id;
	return st;
}

static int sock_bind(struct leulo *l, uint32_t id, const void *sa, uint32_t len)
{
	return op(l, VHOST_LEULO_OP_BIND, id, 0, 0, sa, len, NULL);
}

static int sock_listen(struct leulo *l, uint32_t id, int backlog)
{
	return op(l, VHOST_LEULO_OP_LISTEN, id, backlog, 0, NULL, 0, NULL);
}

static int sock_connect(struct leulo *l, uint32_t id, const void *sa, uint32_t len)
{
	return op(l, VHOST_LEULO_OP_CONNECT, id, 0, 0, sa, len, NULL);
}

static int sock_accept(struct leulo *l, uint32_t id, uint32_t *nid,
		       struct sockaddr_storage *peer)
{
	struct vhost_leulo_resp rs;
	int st = op(l, VHOST_LEULO_OP_ACCEPT, id, 0, 0, NULL, 0, &rs);

	*nid = st ? NOID : rs.id;
	if (peer) {
		memset(peer, 0, sizeof(*peer));
		if (!st)
			memcpy(peer, rs.addr, rs.addr_len < sizeof(rs.addr) ?
			       rs.addr_len : sizeof(rs.addr));
	}
	return st;
}

static int sock_close(struct leulo *l, uint32_t id, uint32_t how)
{
	int st = op(l, VHOST_LEULO_OP_CLOSE, id, how, 0, NULL, 0, NULL);

	ev_forget(l, id);
	return st;
}

static int sock_shutdown(struct leulo *l, uint32_t id, int how)
{
	return op(l, VHOST_LEULO_OP_SHUTDOWN, id, how, 0, NULL, 0, NULL);
}

static int sock_getname(struct leulo *l, uint32_t id, int peer,
			struct sockaddr_storage *sa)
{
	struct vhost_leulo_resp rs;
	int st = op(l, VHOST_LEULO_OP_GETNAME, id, peer, 0, NULL, 0, &rs);

	memset(sa, 0, sizeof(*sa));
	if (!st)
		memcpy(sa, rs.addr, rs.addr_len < sizeof(rs.addr) ?
		       rs.addr_len : sizeof(rs.addr));
	return st;
}

static int sock_setopt(struct leulo *l, uint32_t id, int level, int name,
		       const void *val, uint32_t len)
{
	return op(l, VHOST_LEULO_OP_SETSOCKOPT, id, level, name, val, len, NULL);
}

static int sock_getopt(struct leulo *l, uint32_t id, int level, int name,
		       uint32_t *val)
{
	struct vhost_leulo_resp rs;
	int st = op(l, VHOST_LEULO_OP_GETSOCKOPT, id, level, name, NULL, 0, &rs);

	*val = rs.val;
	return st;
}

static int sock_ioctl(struct leulo *l, uint32_t id, int cmd, uint32_t *val)
{
	struct vhost_leulo_resp rs;
	int st = op(l, VHOST_LEULO_OP_IOCTL, id, cmd, 0, NULL, 0, &rs);

	*val = rs.val;
	return st;
}

/* GETSOCKOPT TCP_INFO: the struct comes back where RECV's data does. */
static int sock_tcp_info(struct leulo *l, uint32_t id, struct tcp_info *ti,
			 uint32_t *len)
{
	struct vhost_leulo_req r = mkreq(VHOST_LEULO_OP_GETSOCKOPT, id,
					 IPPROTO_TCP, TCP_INFO, NULL, 0);
	struct vhost_leulo_resp rs;
	int st;

	memset(ti, 0, sizeof(*ti));
	st = req(l, CTL, &r, NULL, 0, &rs, ti, sizeof(*ti));
	*len = rs.val;
	if (st == 0 && rs.val != l->ulen - sizeof(rs)) {
		diag("TCP_INFO: val %u, used len %u", rs.val, l->ulen);
		return REQ_FAIL;
	}
	return st;
}

/* SEND on the data queue: bytes taken in *val. */
static int sock_send(struct leulo *l, uint32_t id, const void *buf,
		     uint32_t len, uint32_t flags, uint32_t *val)
{
	struct vhost_leulo_req r = mkreq(VHOST_LEULO_OP_SEND, id, flags, 0, NULL, 0);
	struct vhost_leulo_resp rs;
	int st = req(l, DATA, &r, buf, len, &rs, NULL, 0);

	*val = rs.val;
	if (!st && rs.val > len) {
		diag("SEND of %u: val %u", len, rs.val);
		return REQ_FAIL;
	}
	return st;
}

/* RECV on the data queue: bytes received in *val (checked against the
 * used length).
 */
static int sock_recv(struct leulo *l, uint32_t id, void *buf, uint32_t len,
		     uint32_t flags, uint32_t *val)
{
	struct vhost_leulo_req r = mkreq(VHOST_LEULO_OP_RECV, id, flags, 0, NULL, 0);
	struct vhost_leulo_resp rs;
	int st = req(l, DATA, &r, NULL, 0, &rs, buf, len);

	*val = rs.val;
	if (st == 0 && (rs.val > len ||
			rs.val != l->ulen - sizeof(struct vhost_leulo_resp))) {
		diag("RECV of %u: val %u, used len %u", len, rs.val, l->ulen);
		return REQ_FAIL;
	}
	return st;
}

/* Send all of buf, waiting for EPOLLOUT after -EAGAIN. 0 or -errno,
 * -ETIMEDOUT when the deadline passed.
 */
static int send_all(struct leulo *l, uint32_t id, const uint8_t *buf,
		    size_t len, int64_t end)
{
	size_t off = 0;

	while (off < len) {
		uint32_t n = len - off > CHUNK ? CHUNK : len - off, val;
		int st = sock_send(l, id, buf + off, n, 0, &val);

		if (st == -EAGAIN) {
			ev_eagain(l, id, EPOLLOUT);
			if (!wait_ready(l, id, EPOLLOUT, left_ms(end))) {
				diag("send: %zu of %zu sent, no EPOLLOUT", off, len);
				return -ETIMEDOUT;
			}
			continue;
		}
		if (st)
			return st;
		off += val;
	}
	return 0;
}

/* Receive len bytes (fewer at end of stream: *got says), waiting for
 * EPOLLIN after -EAGAIN. 0 or -errno, -ETIMEDOUT past the deadline.
 */
static int recv_all(struct leulo *l, uint32_t id, uint8_t *buf, size_t len,
		    int64_t end, size_t *got)
{
	*got = 0;
	while (*got < len) {
		uint32_t n = len - *got > CHUNK ? CHUNK : len - *got, val;
		int st = sock_recv(l, id, buf + *got, n, 0, &val);

		if (st == -EAGAIN) {
			ev_eagain(l, id, EPOLLIN);
			if (!wait_ready(l, id, EPOLLIN, left_ms(end))) {
				diag("recv: %zu of %zu received, no EPOLLIN", *got, len);
				return -ETIMEDOUT;
			}
			continue;
		}
		if (st)
			return st;
		if (!val)
			break;
		*got += val;
	}
	return 0;
}

/* ACCEPT on listener lst, waiting for EPOLLIN after -EAGAIN. */
static int accept_one(struct leulo *l, uint32_t lst, uint32_t *nid,
		      struct sockaddr_storage *peer, int64_t end)
{
	for (;;) {
		int st = sock_accept(l, lst, nid, peer);

		if (st != -EAGAIN)
			return st;
		ev_eagain(l, lst, EPOLLIN);
		if (!wait_ready(l, lst, EPOLLIN, left_ms(end)))
			return -ETIMEDOUT;
	}
}

/* CONNECT and wait for its outcome: 0, or -errno (the status, or the
 * event's err).
 */
static int connect_start(struct leulo *l, uint32_t id, const void *sa,
			 uint32_t len)
{
	ev_reset(l, id);
	return sock_connect(l, id, sa, len);
}

static int connect_wait(struct leulo *l, uint32_t id, const void *sa,
			uint32_t len, int ms)
{
	int st = connect_start(l, id, sa, len);
	uint32_t m;
	struct sockev *e;

	if (st != -EINPROGRESS)
		return st;
	m = wait_ready(l, id, EPOLLOUT, ms);
	e = ev_find(l, id, 0);
	if (!m || !e)
		return -ETIMEDOUT;
	return e->err ? -(int)e->err : (m & EPOLLERR) ? REQ_FAIL : 0;
}

static int leulo_ioctl(struct leulo *l, unsigned long r, void *arg)
{
	return ioctl(l->g.fd, r, arg) ? -errno : 0;
}

static int get_stats(struct leulo *l, struct vhost_leulo_stats *s)
{
	memset(s, 0, sizeof(*s));
	return leulo_ioctl(l, VHOST_LEULO_GET_STATS, s);
}

/* Owner, features, memory, the three queues, event buffers: all but the
 * namespace and running. 0 or -errno.
 */
static int leulo_prepare(struct leulo *l, const char *dev)
{
	uint64_t f = want_features;
	int r;

	memset(l, 0, sizeof(*l));
	r = guest_init(&l->g, dev);
	if (r)
		return r;
	if (ioctl(l->g.fd, VHOST_SET_OWNER, NULL) ||
	    ioctl(l->g.fd, VHOST_SET_FEATURES, &f))
		return -errno;
	l->g.features = f;
	r = guest_set_mem(&l->g);
	for (unsigned int q = 0; !r && q < VHOST_LEULO_VQ_MAX; q++)
		r = guest_setup_vq(&l->g, q);
	if (r)
		return r;
	for (uint16_t i = 0; i < EV_NBUF; i++)
		guest_add_buf(&l->g, EVT, i, EVBUF_AT(i), EV_BUFLEN,
			      VRING_DESC_F_WRITE);
	guest_publish(&l->g, EVT);
	return 0;
}

/* A whole device, ready for requests. 0 or -errno. */
static int leulo_open(struct leulo *l, const char *dev, const char *ns)
{
	int r = leulo_prepare(l, dev), fd, one = 1;

	if (r)
		return r;
	fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = leulo_ioctl(l, VHOST_LEULO_SET_NETNS, &fd);
	close(fd);
	r = r ?: leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &one);
	if (!r)
		guest_kick(&l->g, EVT);
	return r;
}

/* ---- the peer side: ordinary sockets in the namespace ---- */

static int nsfd = -1, selfns = -1;
static const char *devpath = "/dev/vhost-leulo", *nspath;
static int have_v6;

static int peer_socket(int family)
{
	int s;

	if (setns(nsfd, CLONE_NEWNET)) {
		diag("setns into %s: %s", nspath, strerror(errno));
		return -1;
	}
	s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (setns(selfns, CLONE_NEWNET)) {
		diag("setns back: %s", strerror(errno));
		exit(2);	/* the rest would run in the wrong namespace */
	}
	return s;
}

static void sa_in4(struct sockaddr_in *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
}

static void sa_in6(struct sockaddr_in6 *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a->sin6_addr);
}

static uint16_t sa_port(const void *sa)
{
	const struct sockaddr *s = sa;

	if (s->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (s->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

static socklen_t sa_len(const void *sa)
{
	return ((const struct sockaddr *)sa)->sa_family == AF_INET6 ?
	       sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

/* Same family, address and port. */
static int sa_eq(const void *a, const void *b)
{
	const struct sockaddr *x = a, *y = b;

	if (x->sa_family != y->sa_family)
		return 0;
	if (x->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4) &&
		       sa_port(a) == sa_port(b);
	if (x->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16) &&
		       sa_port(a) == sa_port(b);
	return 0;
}

static const char *sa_str(const void *sa)
{
	static char b[4][64];
	static int k;
	char *s = b[k++ % 4], ip[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr *x = sa;

	if (x->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof(ip));
	else if (x->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof(ip));
	snprintf(s, 64, "%s port %u (family %u)", ip, sa_port(sa), x->sa_family);
	return s;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage a;
	socklen_t n = sizeof(a);

	memset(&a, 0, sizeof(a));
	return getsockname(fd, (struct sockaddr *)&a, &n) ? 0 : sa_port(&a);
}

static void set_timeouts(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* A peer listener on ip:port (0: any), its address in *a. */
static int peer_listen(int family, const char *ip, uint16_t port, int backlog,
		       struct sockaddr_storage *a)
{
	int s = peer_socket(family), one = 1;
	socklen_t n = sizeof(*a);

	if (s < 0)
		return -1;
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6)
		sa_in6((struct sockaddr_in6 *)a, ip, port);
	else
		sa_in4((struct sockaddr_in *)a, ip, port);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)a, sa_len(a)) || listen(s, backlog) ||
	    getsockname(s, (struct sockaddr *)a, &n)) {
		diag("peer listener %s: %s", sa_str(a), strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

/* A peer connection to sa, blocking but bounded (SO_SNDTIMEO). */
static int peer_connect(const void *sa)
{
	int s = peer_socket(((const struct sockaddr *)sa)->sa_family);

	if (s < 0)
		return -1;
	set_timeouts(s, WAIT_MS);
	if (connect(s, sa, sa_len(sa))) {
		diag("peer connect to %s: %s", sa_str(sa), strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

/* poll one fd, bounded: its revents, 0 on timeout. */
static int peer_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int64_t end = now_ms() + ms;

	for (;;) {
		int r = poll(&p, 1, left_ms(end));

		if (r > 0)
			return p.revents;
		if (r == 0 || errno != EINTR)
			return 0;
	}
}

static int peer_accept(int lfd, int ms)
{
	int s;

	if (!(peer_wait(lfd, POLLIN, ms) & POLLIN))
		return -1;
	s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s >= 0)
		set_timeouts(s, WAIT_MS);
	return s;
}

/* Read up to len bytes, bounded: bytes read (fewer at EOF), -errno. */
static ssize_t peer_read(int fd, void *buf, size_t len, int ms)
{
	int64_t end = now_ms() + ms;
	size_t got = 0;

	while (got < len) {
		ssize_t n;

		if (!peer_wait(fd, POLLIN, left_ms(end)))
			return got ? (ssize_t)got : -ETIMEDOUT;
		n = recv(fd, (uint8_t *)buf + got, len - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return got ? (ssize_t)got : -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

static int peer_write(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/*
 * How a peer connection ended, waiting up to ms: 0 end of stream,
 * -errno (ECONNRESET), -ETIMEDOUT when still open. Data is read over.
 */
static int peer_end(int fd, int ms)
{
	int64_t end = now_ms() + ms;
	char b[4096];

	for (;;) {
		ssize_t n;

		if (!peer_wait(fd, POLLIN | POLLRDHUP, left_ms(end)))
			return -ETIMEDOUT;
		n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}

/*
 * Wait (up to ms) for an error on a connection that already read its end
 * of stream (readable for good): -errno, or -ETIMEDOUT.
 */
static int peer_reset(int fd, int ms)
{
	int err = 0;
	socklen_t n = sizeof(err);

	if (!(peer_wait(fd, 0, ms) & POLLERR))
		return -ETIMEDOUT;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &n);
	return -err;
}

/* Can a peer socket bind ip:port now? Tried for up to ms. */
static int peer_bind_free(const char *ip, uint16_t port, int ms)
{
	int64_t end = now_ms() + ms;
	struct sockaddr_in a;
	int s, r;

	sa_in4(&a, ip, port);
	for (;;) {
		s = peer_socket(AF_INET);
		if (s < 0)
			return 0;
		r = bind(s, (struct sockaddr *)&a, sizeof(a));
		close(s);
		if (!r)
			return 1;
		if (!left_ms(end)) {
			diag("bind %s:%u: %s", ip, port, strerror(errno));
			return 0;
		}
		/* A poll for the port, every 50 ms, bounded by ms. */
		poll(NULL, 0, 50);
	}
}

/* ---- data ---- */

static void fill(uint8_t *b, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = x >> 24;
	}
}

static uint64_t fnv(const uint8_t *b, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* A peer sending and receiving at once, in a thread of its own. */
struct xfer {
	int fd;
	const uint8_t *out;
	size_t outlen, sent;
	uint8_t *in;
	size_t inlen, got;
	int err;		/* errno, ETIMEDOUT, or EPIPE for an early EOF */
	pthread_t th;
};

static void *xfer_run(void *arg)
{
	struct xfer *x = arg;
	int64_t end = now_ms() + XFER_MS;

	fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) | O_NONBLOCK);
	while (!x->err && (x->sent < x->outlen || x->got < x->inlen)) {
		struct pollfd p = { .fd = x->fd };
		ssize_t n;

		if (x->sent < x->outlen)
			p.events |= POLLOUT;
		if (x->got < x->inlen)
			p.events |= POLLIN;
		n = poll(&p, 1, left_ms(end));
		if (n < 0 && errno != EINTR)
			x->err = errno;
		else if (n <= 0 && !left_ms(end))
			x->err = ETIMEDOUT;
		if (n <= 0)
			continue;
		if (p.revents & (POLLIN | POLLERR | POLLHUP) && x->got < x->inlen) {
			n = recv(x->fd, x->in + x->got, x->inlen - x->got, 0);
			if (n == 0)
				x->err = EPIPE;
			else if (n < 0 && errno != EAGAIN)
				x->err = errno;
			else if (n > 0)
				x->got += n;
		}
		if (p.revents & POLLOUT && x->sent < x->outlen) {
			n = send(x->fd, x->out + x->sent, x->outlen - x->sent,
				 MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN)
				x->err = errno;
			else if (n > 0)
				x->sent += n;
		}
		if ((p.revents & (POLLERR | POLLHUP)) && !x->err &&
		    x->got >= x->inlen && x->sent < x->outlen)
			x->err = EPIPE;
	}
	fcntl(x->fd, F_SETFL, fcntl(x->fd, F_GETFL) & ~O_NONBLOCK);
	return NULL;
}

static int xfer_start(struct xfer *x, int fd, const uint8_t *out, size_t outlen,
		      uint8_t *in, size_t inlen)
{
	*x = (struct xfer){ .fd = fd, .out = out, .outlen = outlen,
			    .in = in, .inlen = inlen };
	return pthread_create(&x->th, NULL, xfer_run, x);
}

static void xfer_join(struct xfer *x)
{
	pthread_join(x->th, NULL);
	if (x->err)
		diag("peer: sent %zu of %zu, received %zu of %zu: %s", x->sent,
		     x->outlen, x->got, x->inlen, strerror(x->err));
}

/* ---- the cases ---- */

static struct leulo L;
static uint32_t g_lst = NOID;	/* the guest's listener on 127.0.0.1:g_lport */
static uint16_t g_lport;

/* A connection: the peer connects to the guest's listener, the guest
 * accepts it. 0, or -1 (said why).
 */
static int pair(struct leulo *l, uint32_t lst, uint16_t port, uint32_t *gid,
		int *pfd)
{
	struct sockaddr_in a;
	struct sockaddr_storage peer;
	int st;

	*gid = NOID;
	sa_in4(&a, "127.0.0.1", port);
	*pfd = peer_connect(&a);
	if (*pfd < 0)
		return -1;
	st = accept_one(l, lst, gid, &peer, now_ms() + WAIT_MS);
	if (st || sa_port(&peer) != local_port(*pfd)) {
		diag("accept: %s, peer %s, want port %u", sname(st), sa_str(&peer),
		     local_port(*pfd));
		if (!st)
			sock_close(l, *gid, 0);
		close(*pfd);
		*pfd = -1;
		return -1;
	}
	return 0;
}

static void case_a_setup(struct leulo *l)
{
	uint64_t f = 0;
	int one = 1, fd, r;

	r = guest_init(&l->g, devpath);
	if (!check(r == 0, "open %s", devpath)) {
		diag("%s", strerror(-r));
		printf("%d passed, %d failed\n", npass, nfail);
		exit(1);
	}
	is(leulo_ioctl(l, VHOST_SET_OWNER, NULL), 0, "VHOST_SET_OWNER");
	is(leulo_ioctl(l, VHOST_GET_FEATURES, &f), 0, "VHOST_GET_FEATURES");
	check(f == want_features, "features 0x%llx: VERSION_1, EVENT_IDX, INDIRECT_DESC",
	      (unsigned long long)f);
	f = want_features;
	is(leulo_ioctl(l, VHOST_SET_FEATURES, &f), 0, "VHOST_SET_FEATURES");
	l->g.features = f;
	r = guest_set_mem(&l->g);
	for (unsigned int q = 0; !r && q < VHOST_LEULO_VQ_MAX; q++)
		r = guest_setup_vq(&l->g, q);
	is(r, 0, "memory table and three queues set up");
	for (uint16_t i = 0; i < EV_NBUF; i++)
		guest_add_buf(&l->g, EVT, i, EVBUF_AT(i), EV_BUFLEN,
			      VRING_DESC_F_WRITE);
	guest_publish(&l->g, EVT);

	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &one), -ENXIO,
	   "SET_RUNNING(1) before SET_NETNS");
	fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
	is(leulo_ioctl(l, VHOST_LEULO_SET_NETNS, &fd), -EPERM,
	   "SET_NETNS with the initial namespace (/proc/1/ns/net)");
	close(fd);
	is(leulo_ioctl(l, VHOST_LEULO_SET_NETNS, &nsfd), 0, "SET_NETNS(namespace)");
	is(leulo_ioctl(l, VHOST_LEULO_SET_NETNS, &nsfd), -EEXIST, "SET_NETNS again");
	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &one), 0, "SET_RUNNING(1)");
	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &one), 0, "SET_RUNNING(1) again: no change");
	guest_kick(&l->g, EVT);
}

static void case_b_socket(struct leulo *l)
{
	uint32_t id;
	int st;

	if (is(sock_socket(l, AF_INET, &id), 0, "SOCKET AF_INET"))
		is(sock_close(l, id, 0), 0, "CLOSE it");
	st = sock_socket(l, AF_INET6, &id);
	if (st == -EAFNOSUPPORT) {
		skip("SOCKET AF_INET6", "the namespace has no IPv6 (-EAFNOSUPPORT)");
	} else if (is(st, 0, "SOCKET AF_INET6")) {
		have_v6 = 1;
		is(sock_close(l, id, 0), 0, "CLOSE it");
	}
	is(sock_socket(l, 12345, &id), -EAFNOSUPPORT, "SOCKET family 12345");
}

static void case_c_server(struct leulo *l)
{
	enum { OUT = 100 << 10, IN = 200 << 10 };
	static uint8_t out[OUT], in[IN], buf[IN];
	struct sockaddr_storage sa, peer;
	struct sockaddr_in a;
	struct xfer x;
	uint32_t id = NOID, val;
	size_t got;
	int pfd, st;

	if (!is(sock_socket(l, AF_INET, &g_lst), 0, "server: SOCKET"))
		return;
	sa_in4(&a, "127.0.0.1", 0);
	is(sock_bind(l, g_lst, &a, sizeof(a)), 0, "server: BIND 127.0.0.1 port 0");
	st = sock_getname(l, g_lst, 0, &sa);
	g_lport = sa_port(&sa);
	a.sin_port = htons(g_lport);
	if (!check(!st && g_lport && sa_eq(&sa, &a),
		   "server: GETNAME gives 127.0.0.1 and the port (%u)", g_lport))
		diag("%s, %s", sname(st), sa_str(&sa));
	is(sock_listen(l, g_lst, 8), 0, "server: LISTEN 8");
	pfd = peer_connect(&a);
	if (!check(pfd >= 0, "server: a peer in the namespace connects"))
		return;
	check(wait_ready(l, g_lst, EPOLLIN, WAIT_MS) & EPOLLIN,
	      "server: EPOLLIN event on the listener");
	st = sock_accept(l, g_lst, &id, &peer);
	if (!is(st, 0, "server: ACCEPT"))
		goto out;
	if (!check(peer.ss_family == AF_INET && sa_port(&peer) == local_port(pfd),
		   "server: ACCEPT gives the peer's address (port %u)", local_port(pfd)))
		diag("got %s", sa_str(&peer));
	check(id != g_lst, "server: the connection has an id of its own (%u)", id);
	is(sock_accept(l, g_lst, &val, NULL), -EAGAIN, "server: ACCEPT again");
	ev_eagain(l, g_lst, EPOLLIN);

	fill(out, OUT, 1);
	xfer_start(&x, pfd, NULL, 0, buf, OUT);
	st = send_all(l, id, out, OUT, now_ms() + XFER_MS);
	xfer_join(&x);
	is(st, 0, "server: SEND 100 KiB on the data queue");
	check(x.got == OUT && !memcmp(out, buf, OUT), "server: the peer read the 100 KiB intact");

	fill(in, IN, 2);
	xfer_start(&x, pfd, in, IN, NULL, 0);
	st = recv_all(l, id, buf, IN, now_ms() + XFER_MS, &got);
	xfer_join(&x);
	if (!check(!st && got == IN && !memcmp(in, buf, IN),
		   "server: RECV 200 KiB from the peer, intact"))
		diag("%s, %zu bytes", sname(st), got);

	is(sock_recv(l, id, buf, 64, 0, &val), -EAGAIN, "server: RECV with nothing there");
	ev_eagain(l, id, EPOLLIN);
	peer_write(pfd, "peek-then-read..", 16);
	{
		uint8_t p1[64], p2[64];
		uint32_t v1 = 0, v2 = 0;
		int64_t end = now_ms() + WAIT_MS;

		while ((st = sock_recv(l, id, p1, sizeof(p1), MSG_PEEK, &v1)) == -EAGAIN) {
			ev_eagain(l, id, EPOLLIN);
			if (!wait_ready(l, id, EPOLLIN, left_ms(end)))
				break;
		}
		check(!st && v1 == 16 && !memcmp(p1, "peek-then-read..", 16),
		      "server: RECV MSG_PEEK gives the 16 bytes");
		st = sock_recv(l, id, p2, sizeof(p2), 0, &v2);
		check(!st && v2 == 16 && !memcmp(p2, p1, 16),
		      "server: RECV after it gives the same 16 bytes");
	}
	is(sock_recv(l, id, buf, 64, 0, &val), -EAGAIN, "server: nothing more");
	ev_eagain(l, id, EPOLLIN);
	peer_write(pfd, "ten bytes!", 10);
	check(wait_ready(l, id, EPOLLIN, WAIT_MS) & EPOLLIN,
	      "server: EPOLLIN event for 10 bytes");
	{
		/* (That event may be the 16 bytes' late one: then another.) */
		int64_t end = now_ms() + WAIT_MS;

		while (!(st = sock_ioctl(l, id, SIOCINQ, &val)) && val < 10 &&
		       left_ms(end)) {
			ev_eagain(l, id, EPOLLIN);
			wait_ready(l, id, EPOLLIN, left_ms(end));
		}
	}
	if (!check(!st && val == 10, "server: IOCTL SIOCINQ is 10"))
		diag("%s, val %u", sname(st), val);
	st = recv_all(l, id, buf, 10, now_ms() + WAIT_MS, &got);
	check(!st && got == 10 && !memcmp(buf, "ten bytes!", 10), "server: RECV the 10 bytes");
	st = sock_ioctl(l, id, SIOCINQ, &val);
	check(!st && val == 0, "server: SIOCINQ 0 after it");
out:
	if (id != NOID)
		is(sock_close(l, id, 0), 0, "server: CLOSE the connection");
	close(pfd);
}

/* A guest listener on [::1], a peer connection, a few bytes each way. */
static void case_c6(struct leulo *l)
{
	struct sockaddr_in6 a;
	struct sockaddr_storage sa, peer;
	uint32_t lst, id = NOID, v = 1;
	size_t got;
	char b[8];
	int pfd, st;

	if (!have_v6) {
		skip("IPv6: listener on [::1], a peer connects, bytes both ways",
		     "no IPv6 in the namespace");
		return;
	}
	if (!is(sock_socket(l, AF_INET6, &lst), 0, "v6: SOCKET"))
		return;
	is(sock_setopt(l, lst, IPPROTO_IPV6, IPV6_V6ONLY, &v, 4), 0, "v6: IPV6_V6ONLY 1");
	st = sock_getopt(l, lst, IPPROTO_IPV6, IPV6_V6ONLY, &v);
	check(!st && v == 1, "v6: GETSOCKOPT IPV6_V6ONLY is 1");
	sa_in6(&a, "::1", 0);
	is(sock_bind(l, lst, &a, sizeof(a)), 0, "v6: BIND [::1] port 0");
	st = sock_getname(l, lst, 0, &sa);
	a.sin6_port = htons(sa_port(&sa));
	check(!st && sa_eq(&sa, &a), "v6: GETNAME gives [::1] and the port %u", sa_port(&sa));
	is(sock_listen(l, lst, 4), 0, "v6: LISTEN");
	pfd = peer_connect(&a);
	if (check(pfd >= 0, "v6: a peer connects")) {
		st = accept_one(l, lst, &id, &peer, now_ms() + WAIT_MS);
		check(!st && peer.ss_family == AF_INET6 && sa_port(&peer) == local_port(pfd),
		      "v6: ACCEPT gives the peer's address");
		st = send_all(l, id, (const uint8_t *)"v6 ping", 7, now_ms() + WAIT_MS);
		check(!st && peer_read(pfd, b, 7, WAIT_MS) == 7 && !memcmp(b, "v6 ping", 7),
		      "v6: guest to peer");
		peer_write(pfd, "v6 pong", 7);
		st = recv_all(l, id, (uint8_t *)b, 7, now_ms() + WAIT_MS, &got);
		check(!st && got == 7 && !memcmp(b, "v6 pong", 7), "v6: peer to guest");
		if (id != NOID)
			sock_close(l, id, 0);
		close(pfd);
	}
	is(sock_close(l, lst, 0), 0, "v6: CLOSE the listener");
}

static void case_d_client(struct leulo *l)
{
	enum { N = 1 << 20 };
	static uint8_t out[N], in[N], pin[N];
	struct sockaddr_storage la, sa;
	struct sockev *e;
	struct xfer x;
	size_t sent = 0, got = 0;
	int64_t end;
	uint32_t id, m;
	int lfd, pfd = -1, st, bad = 0;

	lfd = peer_listen(AF_INET, "127.0.0.1", 0, 8, &la);
	if (!check(lfd >= 0, "client: a peer listener in the namespace"))
		return;
	if (!is(sock_socket(l, AF_INET, &id), 0, "client: SOCKET"))
		goto out;
	st = connect_start(l, id, &la, sizeof(struct sockaddr_in));
	check(st == -EINPROGRESS || st == 0, "client: CONNECT: -EINPROGRESS (or 0)");
	if (st == -EINPROGRESS) {
		m = wait_ready(l, id, EPOLLOUT, WAIT_MS);
		e = ev_find(l, id, 0);
		if (!check((m & EPOLLOUT) && !(m & EPOLLERR) && e && !e->err,
			   "client: then an event with EPOLLOUT, err 0"))
			diag("mask 0x%x err %u", m, e ? e->err : 0);
	} else if (st) {
		diag("%s", sname(st));
		goto out;
	}
	pfd = peer_accept(lfd, WAIT_MS);
	check(pfd >= 0, "client: the peer accepts it");
	st = sock_getname(l, id, 1, &sa);
	if (!check(!st && sa_eq(&sa, &la), "client: GETNAME 1 is the listener's address"))
		diag("%s: %s, want %s", sname(st), sa_str(&sa), sa_str(&la));
	if (pfd < 0)
		goto out;

	/* 1 MiB each way at once: sends and receives interleaved. */
	fill(out, N, 3);
	fill(pin, N, 4);
	end = now_ms() + XFER_MS;
	{
		static uint8_t prcv[N];

		xfer_start(&x, pfd, pin, N, prcv, N);
		while (!bad && (sent < N || got < N) && left_ms(end)) {
			uint32_t want = 0, val;
			int progress = 0;

			if (sent < N) {
				st = sock_send(l, id, out + sent,
					       N - sent > CHUNK ? CHUNK : N - sent, 0, &val);
				if (st == -EAGAIN) {
					ev_eagain(l, id, EPOLLOUT);
					want |= EPOLLOUT;
				} else if (st) {
					diag("SEND: %s", sname(st));
					bad = 1;
				} else {
					sent += val;
					progress = 1;
				}
			}
			if (got < N && !bad) {
				st = sock_recv(l, id, in + got,
					       N - got > CHUNK ? CHUNK : N - got, 0, &val);
				if (st == -EAGAIN) {
					ev_eagain(l, id, EPOLLIN);
					want |= EPOLLIN;
				} else if (st || !val) {
					diag("RECV: %s, val %u", sname(st), val);
					bad = 1;
				} else {
					got += val;
					progress = 1;
				}
			}
			if (!progress && want && !wait_ready(l, id, want, left_ms(end))) {
				diag("no event for 0x%x", want);
				bad = 1;
			}
		}
		xfer_join(&x);
		if (!check(!bad && sent == N && got == N && x.got == N && x.sent == N,
			   "client: 1 MiB each way at the same time"))
			diag("guest sent %zu received %zu; peer sent %zu received %zu",
			     sent, got, x.sent, x.got);
		check(fnv(out, N) == fnv(prcv, x.got) && fnv(pin, N) == fnv(in, got),
		      "client: checksums match both ways");
	}
	{
		struct tcp_info ti;
		uint32_t tlen;

		st = sock_tcp_info(l, id, &ti, &tlen);
		/* As much as this program's struct holds, of the host's. */
		if (!check(!st && tlen == sizeof(ti) &&
			   ti.tcpi_state == TCP_ESTABLISHED &&
			   ti.tcpi_snd_mss > 0 && ti.tcpi_rtt > 0,
			   "client: GETSOCKOPT TCP_INFO: the host's, established, with an MSS and an RTT"))
			diag("%s: len %u of %zu, state %u, mss %u, rtt %u",
			     sname(st), tlen, sizeof(ti), ti.tcpi_state,
			     ti.tcpi_snd_mss, ti.tcpi_rtt);
	}
out:
	if (id != NOID)
		is(sock_close(l, id, 0), 0, "client: CLOSE");
	if (pfd >= 0)
		close(pfd);
	close(lfd);
}

/* CONNECT to sa must be refused: by status, or by an event. */
static void refused(struct leulo *l, const void *sa, const char *what, int so_error)
{
	uint32_t id, v = 12345;
	struct sockev *e;
	int st;

	if (!is(sock_socket(l, AF_INET, &id), 0, "refused: SOCKET"))
		return;
	st = connect_start(l, id, sa, sizeof(struct sockaddr_in));
	if (st == -ECONNREFUSED) {
		check(1, "%s: CONNECT -ECONNREFUSED at once", what);
		if (so_error) {
			/* The call reported it: Linux has cleared it. */
			st = sock_getopt(l, id, SOL_SOCKET, SO_ERROR, &v);
			check(!st && v == 0, "%s: SO_ERROR 0 (the status took it)", what);
		}
	} else if (is(st, -EINPROGRESS, what)) {
		uint32_t m = wait_ready(l, id, EPOLLOUT | EPOLLERR, WAIT_MS);

		e = ev_find(l, id, 0);
		if (!check((m & EPOLLERR) && e && e->err == ECONNREFUSED,
			   "%s: event with EPOLLERR, err ECONNREFUSED", what))
			diag("mask 0x%x err %u", m, e ? e->err : 0);
		if (so_error) {
			st = sock_getopt(l, id, SOL_SOCKET, SO_ERROR, &v);
			if (!check(!st && v == ECONNREFUSED,
				   "%s: GETSOCKOPT SO_ERROR is ECONNREFUSED", what))
				diag("%s val %u", sname(st), v);
			st = sock_getopt(l, id, SOL_SOCKET, SO_ERROR, &v);
			check(!st && v == 0, "%s: SO_ERROR again is 0", what);
		}
	}
	is(sock_close(l, id, 0), 0, "refused: CLOSE");
}

static void case_e_refused(struct leulo *l)
{
	struct sockaddr_in a;
	int s = peer_socket(AF_INET);

	/* A bound port without a listener: nobody listens on it. */
	sa_in4(&a, "127.0.0.1", 0);
	if (!check(s >= 0 && !bind(s, (struct sockaddr *)&a, sizeof(a)),
		   "refused: a port bound in the namespace, not listening"))
		return;
	a.sin_port = htons(local_port(s));
	refused(l, &a, "refused: CONNECT to it", 1);
	close(s);
}

static void case_f_bind(struct leulo *l)
{
	struct sockaddr_in a;
	struct sockaddr_storage sa;
	uint32_t A, B, C, one = 1;

	if (sock_socket(l, AF_INET, &A) || sock_socket(l, AF_INET, &B)) {
		check(0, "bind: two SOCKETs");
		return;
	}
	sa_in4(&a, "127.0.0.1", 0);
	is(sock_bind(l, A, &a, sizeof(a)), 0, "bind: first BIND 127.0.0.1 port 0");
	sock_getname(l, A, 0, &sa);
	a.sin_port = htons(sa_port(&sa));
	is(sock_listen(l, A, 4), 0, "bind: LISTEN on the first");
	is(sock_bind(l, B, &a, sizeof(a)), -EADDRINUSE, "bind: second BIND to the port");
	is(sock_close(l, A, 0), 0, "bind: CLOSE the first");
	if (!is(sock_socket(l, AF_INET, &C), 0, "bind: SOCKET"))
		return;
	is(sock_bind(l, C, &a, sizeof(a)), 0, "bind: a new BIND to the port after it");
	sock_close(l, B, 0);
	sock_close(l, C, 0);

	/* SO_REUSEADDR on both does not share a listening port. */
	if (sock_socket(l, AF_INET, &A) || sock_socket(l, AF_INET, &B)) {
		check(0, "bind: two SOCKETs");
		return;
	}
	is(sock_setopt(l, A, SOL_SOCKET, SO_REUSEADDR, &one, 4), 0, "bind: SO_REUSEADDR on A");
	is(sock_setopt(l, B, SOL_SOCKET, SO_REUSEADDR, &one, 4), 0, "bind: SO_REUSEADDR on B");
	sa_in4(&a, "127.0.0.1", 0);
	sock_bind(l, A, &a, sizeof(a));
	sock_getname(l, A, 0, &sa);
	a.sin_port = htons(sa_port(&sa));
	is(sock_listen(l, A, 4), 0, "bind: A listens");
	is(sock_bind(l, B, &a, sizeof(a)), -EADDRINUSE,
	   "bind: B with SO_REUSEADDR to A's listening port");
	sock_close(l, A, 0);
	sock_close(l, B, 0);
}

static void case_g_halfclose(struct leulo *l)
{
	uint8_t b[64];
	struct sockev *e;
	uint32_t id, val = 1;
	size_t got;
	int pfd, st;
	int64_t end;

	if (!check(pair(l, g_lst, g_lport, &id, &pfd) == 0, "half-close: a connection"))
		return;
	is(sock_shutdown(l, id, SHUT_WR), 0, "half-close: SHUTDOWN SHUT_WR");
	check(peer_read(pfd, b, sizeof(b), WAIT_MS) == 0, "half-close: the peer reads end of stream");
	check(peer_write(pfd, "still open", 10) == 0, "half-close: the peer still sends");
	st = recv_all(l, id, b, 10, now_ms() + WAIT_MS, &got);
	check(!st && got == 10 && !memcmp(b, "still open", 10), "half-close: the guest receives it");
	is(sock_recv(l, id, b, sizeof(b), 0, &val), -EAGAIN, "half-close: nothing more yet");
	ev_eagain(l, id, EPOLLIN);
	ev_clear(l, id);
	close(pfd);
	e = wait_event(l, id, EPOLLRDHUP | EPOLLIN, WAIT_MS);
	if (!check(e != NULL, "half-close: peer closed: event with EPOLLRDHUP or EPOLLIN"))
		diag("none in %d ms", WAIT_MS);
	else
		diag("mask 0x%x (EPOLLRDHUP %s)", e->acc, e->acc & EPOLLRDHUP ? "set" : "not set");
	end = now_ms() + WAIT_MS;
	val = 1;
	while ((st = sock_recv(l, id, b, sizeof(b), 0, &val)) == -EAGAIN) {
		ev_eagain(l, id, EPOLLIN);
		if (!wait_ready(l, id, EPOLLIN, left_ms(end)))
			break;
	}
	if (!check(st == 0 && val == 0, "half-close: RECV gives end of stream (status 0, val 0)"))
		diag("%s val %u", sname(st), val);
	is(sock_close(l, id, 0), 0, "half-close: CLOSE");
}

/* connect(AF_UNSPEC) disconnects (RST to the peer); connecting again works. */
static void case_h_unspec(struct leulo *l)
{
	struct sockaddr_storage la, sa;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	uint32_t id;
	int lfd, pfd, st;

	lfd = peer_listen(AF_INET, "127.0.0.1", 0, 4, &la);
	if (!check(lfd >= 0, "unspec: a peer listener") ||
	    !is(sock_socket(l, AF_INET, &id), 0, "unspec: SOCKET"))
		goto out;
	st = connect_wait(l, id, &la, sizeof(struct sockaddr_in), WAIT_MS);
	pfd = peer_accept(lfd, WAIT_MS);
	if (!check(!st && pfd >= 0, "unspec: connected to the peer")) {
		diag("%s", sname(st));
		goto close;
	}
	is(sock_connect(l, id, &unspec, sizeof(unspec)), 0,
	   "unspec: CONNECT AF_UNSPEC (disconnect)");
	st = peer_end(pfd, WAIT_MS);
	if (!check(st == -ECONNRESET, "unspec: the peer's read fails with ECONNRESET"))
		diag("got %s", sname(st));
	close(pfd);
	is(sock_getname(l, id, 1, &sa), -ENOTCONN, "unspec: GETNAME 1 after it");
	st = connect_wait(l, id, &la, sizeof(struct sockaddr_in), WAIT_MS);
	pfd = peer_accept(lfd, WAIT_MS);
	if (!check(!st && pfd >= 0, "unspec: CONNECT again: the peer accepts it"))
		diag("%s", sname(st));
	if (pfd >= 0)
		close(pfd);
close:
	is(sock_close(l, id, 0), 0, "unspec: CLOSE");
out:
	if (lfd >= 0)
		close(lfd);
}

static void case_h_reset(struct leulo *l)
{
	struct linger lg = { 1, 0 };
	struct sockev *e;
	uint8_t b[64];
	uint32_t id, val;
	int pfd, st;

	if (!check(pair(l, g_lst, g_lport, &id, &pfd) == 0, "reset: a connection"))
		return;
	ev_clear(l, id);
	setsockopt(pfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(pfd);
	e = wait_event(l, id, EPOLLERR | EPOLLHUP, WAIT_MS);
	check(e != NULL, "reset: the peer's RST: event with EPOLLERR or EPOLLHUP");
	if (e && !check(e->err == ECONNRESET, "reset: its err is ECONNRESET"))
		diag("mask 0x%x err %u", e->mask, e->err);
	is(sock_recv(l, id, b, sizeof(b), 0, &val), -ECONNRESET, "reset: RECV");
	st = sock_send(l, id, "x", 1, 0, &val);
	if (!check(st == -EPIPE || st == -ECONNRESET, "reset: SEND after it: -EPIPE or -ECONNRESET"))
		diag("got %s", sname(st));
	is(sock_close(l, id, 0), 0, "reset: CLOSE");

	if (!check(pair(l, g_lst, g_lport, &id, &pfd) == 0, "reset: another connection"))
		return;
	is(sock_close(l, id, VHOST_LEULO_CLOSE_RESET), 0, "reset: CLOSE with CLOSE_RESET");
	st = peer_end(pfd, WAIT_MS);
	if (!check(st == -ECONNRESET, "reset: the peer's read fails with ECONNRESET"))
		diag("got %s", sname(st));
	close(pfd);
	case_h_unspec(l);
}

/*
 * A paused VM (QEMU's stop): the queues stop, the host socket stays and
 * its TCP goes on; what happened meanwhile is an event once they run.
 */
static void case_p_pause(struct leulo *l)
{
	int pause = VHOST_LEULO_PAUSE, run = VHOST_LEULO_RUN, bad = 3;
	struct vhost_leulo_resp rs;
	struct vhost_leulo_req r;
	uint8_t b[16] = { 0 };
	uint32_t id, val, evseq;
	int pfd, st;

	if (!check(pair(l, g_lst, g_lport, &id, &pfd) == 0, "pause: a connection"))
		return;
	ev_clear(l, id);
	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &bad), -EINVAL, "SET_RUNNING(3)");
	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &pause), 0,
	   "pause: SET_RUNNING(VHOST_LEULO_PAUSE)");
	check(peer_write(pfd, "while paused", 12) == 0, "pause: the peer sends 12 bytes");
	check(wait_event(l, id, EPOLLIN, 500) == NULL,
	      "pause: no event while the queues are stopped (500 ms)");
	is(leulo_ioctl(l, VHOST_LEULO_SET_RUNNING, &run), 0, "pause: SET_RUNNING(1) again");
	check(wait_event(l, id, EPOLLIN, WAIT_MS) != NULL,
	      "pause: then the EPOLLIN event for what came meanwhile");
	evseq = ev_find(l, id, 1)->seq;
	r = mkreq(VHOST_LEULO_OP_RECV, id, 0, 0, NULL, 0);
	st = req(l, DATA, &r, NULL, 0, &rs, b, sizeof(b));
	if (!check(!st && rs.val == 12 && !memcmp(b, "while paused", 12),
		   "pause: RECV gives the 12 bytes: the connection lived on"))
		diag("%s, %u bytes", sname(st), rs.val);
	if (!check(!(rs.mask & EPOLLIN) && (rs.mask & EPOLLOUT) &&
		   (int32_t)(rs.seq - evseq) > 0,
		   "pause: its answer says not readable now, later than the event"))
		diag("mask 0x%x seq %u, the event's seq %u", rs.mask, rs.seq, evseq);
	st = sock_send(l, id, "resumed", 7, 0, &val);
	check(!st && val == 7 && peer_read(pfd, b, 7, WAIT_MS) == 7 &&
	      !memcmp(b, "resumed", 7), "pause: SEND after it reaches the peer");
	is(sock_close(l, id, 0), 0, "pause: CLOSE");
	close(pfd);
}

static void case_i_options(struct leulo *l)
{
	struct vhost_leulo_limits lim = { 0 };
	struct linger lg = { 1, 5 };
	uint32_t id, v = 1, big = 1u << 30;
	int st;

	leulo_ioctl(l, VHOST_LEULO_GET_LIMITS, &lim);
	if (!is(sock_socket(l, AF_INET, &id), 0, "options: SOCKET"))
		return;
	is(sock_setopt(l, id, IPPROTO_TCP, TCP_NODELAY, &v, 4), 0, "options: TCP_NODELAY 1");
	v = 0;
	st = sock_getopt(l, id, IPPROTO_TCP, TCP_NODELAY, &v);
	check(!st && v == 1, "options: GETSOCKOPT TCP_NODELAY is 1");
	is(sock_setopt(l, id, SOL_SOCKET, SO_RCVBUF, &big, 4), 0, "options: SO_RCVBUF 1 GiB");
	st = sock_getopt(l, id, SOL_SOCKET, SO_RCVBUF, &v);
	if (!check(!st && v > 0 && (uint64_t)v <= 2ull * lim.max_buf,
		   "options: SO_RCVBUF cut: %u <= 2 x max_buf %u", v, lim.max_buf))
		diag("%s", sname(st));
	is(sock_setopt(l, id, SOL_SOCKET, SO_SNDBUF, &big, 4), 0, "options: SO_SNDBUF 1 GiB");
	st = sock_getopt(l, id, SOL_SOCKET, SO_SNDBUF, &v);
	check(!st && v > 0 && (uint64_t)v <= 2ull * lim.max_buf,
	      "options: SO_SNDBUF cut: %u <= 2 x max_buf %u", v, lim.max_buf);
	is(sock_setopt(l, id, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), -EOPNOTSUPP,
	   "options: SO_LINGER {1, 5}");
	lg.l_linger = 0;
	is(sock_setopt(l, id, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0,
	   "options: SO_LINGER {1, 0}");
	is(sock_setopt(l, id, SOL_SOCKET, 9999, &v, 4), -ENOPROTOOPT,
	   "options: SOL_SOCKET 9999");
	is(sock_setopt(l, id, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3), -ENOPROTOOPT,
	   "options: SO_BINDTODEVICE (not among the options)");
	is(sock_close(l, id, 0), 0, "options: CLOSE");
}

static void case_j_malformed(struct leulo *l)
{
	struct vhost_leulo_stats s0, s1;
	struct vhost_leulo_req r;
	struct sockaddr_in a;
	uint32_t id, ulen = 99, nbad = 0;
	uint64_t ad[2];
	uint32_t ln[2];
	uint16_t fl[2];

	if (!is(sock_socket(l, AF_INET, &id), 0, "malformed: SOCKET"))
		return;
	sa_in4(&a, "127.0.0.1", 0);
	is(get_stats(l, &s0), 0, "malformed: GET_STATS");

	is(op(l, 0, id, 0, 0, NULL, 0, NULL), -EINVAL, "malformed: op 0");
	nbad++;
	is(op(l, 999, id, 0, 0, NULL, 0, NULL), -EINVAL, "malformed: op 999");
	nbad++;
	r = mkreq(999, id, 0, 0, NULL, 0);
	is(req(l, DATA, &r, NULL, 0, NULL, NULL, 0), -EINVAL,
	   "malformed: op 999 on the data queue");
	nbad++;
	is(sock_bind(l, 0xdeadbeef, &a, sizeof(a)), -EBADF,
	   "malformed: BIND on id 0xdeadbeef");
	nbad++;
	is(sock_bind(l, id, &a, VHOST_LEULO_ADDR_LEN + 1), -EINVAL,
	   "malformed: BIND with addr_len 29");
	nbad++;
	r = mkreq(VHOST_LEULO_OP_POLL, id, 0, 0, NULL, 0);
	r.reserved = htole32(1);
	is(req(l, CTL, &r, NULL, 0, NULL, NULL, 0), -EINVAL,
	   "malformed: reserved 1");
	nbad++;

	/* A request of 8 bytes, then room for an answer. */
	r = mkreq(VHOST_LEULO_OP_POLL, id, 0, 0, NULL, 0);
	memcpy(gpa(&l->g, REQ_AT(CTL)), &r, sizeof(r));
	memset(gpa(&l->g, RESP_AT(CTL)), 0xa5, sizeof(struct vhost_leulo_resp));
	ad[0] = REQ_AT(CTL), ln[0] = 8, fl[0] = 0;
	ad[1] = RESP_AT(CTL), ln[1] = sizeof(struct vhost_leulo_resp);
	fl[1] = VRING_DESC_F_WRITE;
	if (post_wait(l, CTL, 2, ad, ln, fl, &ulen)) {
		struct vhost_leulo_resp *rs = gpa(&l->g, RESP_AT(CTL));

		if (!check(ulen == sizeof(*rs) && (int32_t)le32toh(rs->status) == -EINVAL,
			   "malformed: a request of 8 bytes: -EINVAL"))
			diag("used len %u status %s", ulen, sname(le32toh(rs->status)));
	} else {
		check(0, "malformed: a request of 8 bytes: -EINVAL");
	}
	nbad++;

	/* The request alone: no room for an answer. */
	ulen = 99;
	ln[0] = sizeof(r);
	check(post_wait(l, CTL, 1, ad, ln, fl, &ulen) && ulen == 0,
	      "malformed: a chain of the request alone: used len 0 (%u)", ulen);
	nbad++;
	/* Room for less than a response. */
	ulen = 99;
	ln[1] = 16;
	check(post_wait(l, CTL, 2, ad, ln, fl, &ulen) && ulen == 0,
	      "malformed: 16 bytes for the answer: used len 0 (%u)", ulen);
	nbad++;

	is(get_stats(l, &s1), 0, "malformed: GET_STATS after");
	if (!check(s1.bad_requests - s0.bad_requests == nbad,
		   "malformed: bad_requests grew by %u", nbad))
		diag("from %llu to %llu", (unsigned long long)s0.bad_requests,
		     (unsigned long long)s1.bad_requests);
	is(op(l, VHOST_LEULO_OP_POLL, id, 0, 0, NULL, 0, NULL), 0,
	   "malformed: a good request after them (POLL)");
	r = mkreq(VHOST_LEULO_OP_POLL, id, 0, 0, NULL, 0);
	is(req(l, DATA, &r, NULL, 0, NULL, NULL, 0), 0,
	   "malformed: a good request on the data queue too");
	is(sock_close(l, id, 0), 0, "malformed: CLOSE");
	is(sock_close(l, id, 0), -EBADF, "malformed: CLOSE it again");
}


/*
 * What "kvsctl -j leulo show" (on $PATH) says of this process's device:
 * the limits and counters the device itself gives (@lim, @st), in the
 * object that names this process.
 */
static void kvsctl_shows(const struct vhost_leulo_limits *lim,
			 const struct vhost_leulo_stats *st)
{
	char out[8192], want[96], *me, *end;
	size_t n;
	FILE *p;

	p = popen("kvsctl -j leulo show 2>&1", "r");
	n = p ? fread(out, 1, sizeof(out) - 1, p) : 0;
	out[n] = 0;
	if (p)
		pclose(p);
	snprintf(want, sizeof(want), "\"pid\":%d,\"running\":true,", (int)getpid());
	me = strstr(out, want);
	end = me ? strchr(me, '}') : NULL;
	if (!check(end != NULL, "limits: kvsctl leulo show lists this device, running"))
		diag("kvsctl printed: %s", out);
	if (!end)
		return;
	*end = 0;
	snprintf(want, sizeof(want), "\"sockets\":%llu,",
		 (unsigned long long)st->sockets);
	check(strstr(me, want) != NULL, "limits: ...with its %s", want);
	snprintf(want, sizeof(want), "\"max_sockets\":%u,", lim->max_sockets);
	check(strstr(me, want) != NULL, "limits: ...with its %s", want);
	snprintf(want, sizeof(want), "\"refused_limit\":%llu,",
		 (unsigned long long)st->refused_limit);
	check(strstr(me, want) != NULL, "limits: ...with its %s", want);
}
static void case_k_limits(struct leulo *l)
{
	struct vhost_leulo_limits lim, set, now;
	struct vhost_leulo_stats s0, s1;
	uint32_t a = NOID, b = NOID, c;

	if (!is(leulo_ioctl(l, VHOST_LEULO_GET_LIMITS, &lim), 0, "limits: GET_LIMITS"))
		return;
	diag("max_sockets %u max_backlog %u max_buf %u", lim.max_sockets,
	     lim.max_backlog, lim.max_buf);
	check(lim.max_sockets && lim.max_backlog && lim.max_buf && !lim.reserved,
	      "limits: all set, reserved 0");
	if (!is(get_stats(l, &s0), 0, "limits: GET_STATS"))
		return;
	set = (struct vhost_leulo_limits){ .max_sockets = s0.sockets + 2 };
	is(leulo_ioctl(l, VHOST_LEULO_SET_LIMITS, &set), 0,
	   "limits: SET_LIMITS max_sockets = open + 2");
	leulo_ioctl(l, VHOST_LEULO_GET_LIMITS, &now);
	check(now.max_sockets == s0.sockets + 2 && now.max_backlog == lim.max_backlog &&
	      now.max_buf == lim.max_buf, "limits: GET_LIMITS shows it, 0s kept the rest");
	is(sock_socket(l, AF_INET, &a), 0, "limits: SOCKET 1 of 2");
	is(sock_socket(l, AF_INET, &b), 0, "limits: SOCKET 2 of 2");
	is(sock_socket(l, AF_INET, &c), -EMFILE, "limits: SOCKET 3");
	get_stats(l, &s1);
	check(s1.refused_limit == s0.refused_limit + 1, "limits: refused_limit + 1 (%llu)",
	      (unsigned long long)s1.refused_limit);
	kvsctl_shows(&now, &s1);
	set = (struct vhost_leulo_limits){ .reserved = 1 };
	is(leulo_ioctl(l, VHOST_LEULO_SET_LIMITS, &set), -EINVAL, "limits: SET_LIMITS reserved 1");
	if (a != NOID)
		sock_close(l, a, 0);
	if (b != NOID)
		sock_close(l, b, 0);
	set = (struct vhost_leulo_limits){ .max_sockets = lim.max_sockets };
	is(leulo_ioctl(l, VHOST_LEULO_SET_LIMITS, &set), 0, "limits: max_sockets back");
	leulo_ioctl(l, VHOST_LEULO_GET_LIMITS, &now);
	check(now.max_sockets == lim.max_sockets, "limits: back to %u", lim.max_sockets);
}

static void case_l_isolation(struct leulo *l, uint16_t port, int hostfd)
{
	struct sockaddr_in a;

	sa_in4(&a, "127.0.0.1", port);
	refused(l, &a, "isolation: CONNECT to the host's own 127.0.0.1 listener", 0);
	check(!(peer_wait(hostfd, POLLIN, 0) & POLLIN),
	      "isolation: the host's listener got no connection");
}

static void case_m_many(struct leulo *l)
{
	enum { WANT = 300 };
	static int pfd[WANT];
	static uint32_t gid[WANT];
	static uint16_t gport[WANT];
	struct vhost_leulo_limits lim = { 0 };
	struct vhost_leulo_stats s0, s1;
	struct sockaddr_in a;
	uint32_t lst;
	int n = WANT, i, acc = 0, ok, st, batch;
	int64_t end;

	leulo_ioctl(l, VHOST_LEULO_GET_LIMITS, &lim);
	get_stats(l, &s0);
	if (lim.max_sockets && lim.max_sockets < s0.sockets + 1 + WANT) {
		n = (int)lim.max_sockets - (int)s0.sockets - 1;
		diag("max_sockets %u: %d connections, not %d", lim.max_sockets, n, WANT);
		if (n < 2) {
			check(0, "many: room for connections");
			return;
		}
	}
	if (!is(sock_socket(l, AF_INET, &lst), 0, "many: SOCKET"))
		return;
	sa_in4(&a, "127.0.0.1", 0);
	sock_bind(l, lst, &a, sizeof(a));
	{
		struct sockaddr_storage sa;

		sock_getname(l, lst, 0, &sa);
		a.sin_port = htons(sa_port(&sa));
	}
	is(sock_listen(l, lst, 1024), 0, "many: LISTEN 1024 (cut to max_backlog)");
	get_stats(l, &s0);

	/*
	 * n non-blocking peer connects, in batches no larger than the
	 * backlog (a SYN the full queue drops comes again only a second
	 * later), each accepted by events before the next.
	 */
	batch = lim.max_backlog && lim.max_backlog < 64 ? (int)lim.max_backlog : 64;
	end = now_ms() + MANY_MS;
	for (i = 0; i < n && acc == i;) {
		int top = i + batch < n ? i + batch : n;

		for (; i < top; i++) {
			pfd[i] = peer_socket(AF_INET);
			if (pfd[i] < 0)
				break;
			fcntl(pfd[i], F_SETFL, O_NONBLOCK);
			if (connect(pfd[i], (struct sockaddr *)&a, sizeof(a)) &&
			    errno != EINPROGRESS) {
				diag("peer connect %d: %s", i, strerror(errno));
				close(pfd[i]);
				break;
			}
		}
		while (acc < i) {
			struct sockaddr_storage peer;

			st = accept_one(l, lst, &gid[acc], &peer, end);
			if (st) {
				diag("ACCEPT %d: %s", acc, sname(st));
				break;
			}
			gport[acc++] = sa_port(&peer);
		}
		if (i < top)
			break;
	}
	check(i == n, "many: %d peer connects made", i);
	n = i;
	check(acc == n, "many: the guest accepted all %d (%d)", n, acc);
	get_stats(l, &s1);
	check(s1.sockets == s0.sockets + acc, "many: stats.sockets %llu = %llu + %d",
	      (unsigned long long)s1.sockets, (unsigned long long)s0.sockets, acc);
	diag("sockets_peak %llu events %llu events_deferred %llu",
	     (unsigned long long)s1.sockets_peak, (unsigned long long)s1.events,
	     (unsigned long long)s1.events_deferred);

	/* guest -> peer: one byte each, the low byte of the peer's port */
	end = now_ms() + MANY_MS;
	ok = 0;
	for (i = 0; i < acc; i++) {
		uint8_t c = gport[i] & 0xff;

		ok += !send_all(l, gid[i], &c, 1, end);
	}
	check(ok == acc, "many: the guest sent a byte on each (%d)", ok);
	end = now_ms() + MANY_MS;
	ok = 0;
	for (i = 0; i < n; i++) {
		uint8_t c;

		fcntl(pfd[i], F_SETFL, 0);
		ok += peer_read(pfd[i], &c, 1, left_ms(end)) == 1 &&
		      c == (local_port(pfd[i]) & 0xff);
	}
	check(ok == n, "many: each peer read its byte (%d)", ok);
	for (i = 0; i < n; i++) {
		uint8_t c = (local_port(pfd[i]) >> 8) ^ 0x5a;

		peer_write(pfd[i], &c, 1);
	}
	end = now_ms() + MANY_MS;
	ok = 0;
	for (i = 0; i < acc; i++) {
		uint8_t c = 0;
		size_t got;

		ok += !recv_all(l, gid[i], &c, 1, end, &got) && got == 1 &&
		      c == ((gport[i] >> 8) ^ 0x5a);
	}
	check(ok == acc, "many: the guest read each peer's byte (%d)", ok);

	ok = 0;
	for (i = 0; i < acc; i++)
		ok += !sock_close(l, gid[i], 0);
	check(ok == acc, "many: CLOSE all %d", acc);
	get_stats(l, &s1);
	check(s1.sockets == s0.sockets, "many: stats.sockets back to %llu (%llu)",
	      (unsigned long long)s0.sockets, (unsigned long long)s1.sockets);
	end = now_ms() + MANY_MS;
	ok = 0;
	for (i = 0; i < n; i++) {
		ok += peer_end(pfd[i], left_ms(end)) == 0;
		close(pfd[i]);
	}
	check(ok == n, "many: every peer read end of stream (%d)", ok);
	sock_close(l, lst, 0);
}

/*
 * Sockets in every state, then the device closed: the peers see the end,
 * the listener's port is free again.
 */
static void case_n_teardown(void)
{
	static struct leulo T;
	struct leulo *l = &T;
	struct sockaddr_storage pla, fla, sa;
	struct sockaddr_in a;
	uint32_t lst, est, hc1, hc2, syn, far, val;
	int q1 = -1, p2 = -1, p3 = -1, p4 = -1, pl = -1, fl = -1, f1 = -1, f2 = -1, st;
	uint16_t port;
	size_t got;
	uint8_t b[1000];
	int64_t t0;

	st = leulo_open(l, devpath, nspath);
	if (!is(st, 0, "teardown: a second device, set up"))
		return;
	/* A listener, with a connection it did not accept, and one it did
	 * with data it never read.
	 */
	sock_socket(l, AF_INET, &lst);
	sa_in4(&a, "127.0.0.1", 0);
	sock_bind(l, lst, &a, sizeof(a));
	sock_getname(l, lst, 0, &sa);
	port = sa_port(&sa);
	is(sock_listen(l, lst, 8), 0, "teardown: a listener");
	check(pair(l, lst, port, &est, &p2) == 0, "teardown: an accepted connection");
	fill(b, sizeof(b), 5);
	peer_write(p2, b, sizeof(b));
	{
		int64_t end = now_ms() + WAIT_MS;

		val = 0;
		while (!sock_ioctl(l, est, SIOCINQ, &val) && val < sizeof(b) && left_ms(end)) {
			ev_eagain(l, est, EPOLLIN);
			wait_ready(l, est, EPOLLIN, left_ms(end));
		}
		check(val == sizeof(b), "teardown: ...with %u bytes it did not read", val);
	}
	sa_in4(&a, "127.0.0.1", port);
	q1 = peer_connect(&a);
	check(q1 >= 0, "teardown: a connection waiting to be accepted");

	/* Two half-closed connections of the guest's to a peer listener. */
	pl = peer_listen(AF_INET, "127.0.0.1", 0, 8, &pla);
	sock_socket(l, AF_INET, &hc1);
	sock_socket(l, AF_INET, &hc2);
	st = connect_wait(l, hc1, &pla, sizeof(struct sockaddr_in), WAIT_MS);
	p3 = peer_accept(pl, WAIT_MS);
	st = st ?: connect_wait(l, hc2, &pla, sizeof(struct sockaddr_in), WAIT_MS);
	p4 = peer_accept(pl, WAIT_MS);
	if (check(!st && p3 >= 0 && p4 >= 0, "teardown: two connections to a peer")) {
		shutdown(p3, SHUT_WR);
		st = recv_all(l, hc1, b, sizeof(b), now_ms() + WAIT_MS, &got);
		check(!st && got == 0, "teardown: one half-closed by the peer (the guest read EOF)");
		sock_shutdown(l, hc2, SHUT_WR);
		check(peer_read(p4, b, 1, WAIT_MS) == 0,
		      "teardown: one half-closed by the guest (the peer read EOF)");
	}

	/* Connecting: to a listener whose queue is full (backlog 1 takes
	 * two connections), and to an address nothing answers.
	 */
	fl = peer_listen(AF_INET, "127.0.0.1", 0, 1, &fla);
	f1 = fl >= 0 ? peer_connect(&fla) : -1;
	f2 = f1 >= 0 ? peer_connect(&fla) : -1;
	sock_socket(l, AF_INET, &syn);
	st = connect_start(l, syn, &fla, sizeof(struct sockaddr_in));
	if (!check(f2 >= 0 && st == -EINPROGRESS,
		   "teardown: CONNECT to a full listener: -EINPROGRESS"))
		diag("%s", sname(st));
	sock_socket(l, AF_INET, &far);
	sa_in4(&a, "10.255.255.1", 9);
	st = connect_start(l, far, &a, sizeof(a));
	if (st == -EINPROGRESS)
		check(1, "teardown: CONNECT to 10.255.255.1: -EINPROGRESS");
	else
		skip("teardown: CONNECT to 10.255.255.1: -EINPROGRESS", sname(st));

	t0 = now_ms();
	guest_fini(&l->g);
	check(now_ms() - t0 < WAIT_MS, "teardown: the device closed in %lld ms",
	      (long long)(now_ms() - t0));
	st = peer_end(q1, WAIT_MS);
	if (!check(st == 0 || st == -ECONNRESET,
		   "teardown: the unaccepted connection: end of stream or ECONNRESET"))
		diag("%s", sname(st));
	st = peer_end(p2, WAIT_MS);
	if (!check(st == 0 || st == -ECONNRESET,
		   "teardown: the one with unread data: end of stream or ECONNRESET"))
		diag("%s", sname(st));
	if (p3 >= 0) {
		st = peer_end(p3, WAIT_MS);
		if (!check(st == 0 || st == -ECONNRESET,
			   "teardown: the peer-half-closed one: end of stream or ECONNRESET"))
			diag("%s", sname(st));
	}
	if (p4 >= 0) {
		/* The guest's side is gone: what the peer sends is reset. */
		st = peer_write(p4, "?", 1) ? -errno : peer_reset(p4, WAIT_MS);
		if (!check(st == -ECONNRESET || st == -EPIPE,
			   "teardown: the guest-half-closed one: the peer's send is reset"))
			diag("%s", sname(st));
	}
	check(peer_bind_free("127.0.0.1", port, WAIT_MS),
	      "teardown: the listener's port %u is free again", port);
	for (int *fd = (int[]){ q1, p2, p3, p4, pl, fl, f1, f2, -2 }; *fd != -2; fd++)
		if (*fd >= 0)
			close(*fd);
}

/*
 * A child with a device, a listener on a fixed port and a connection to a
 * peer, killed with SIGKILL: its sockets go with it.
 */
static void case_o_kill(uint16_t port)
{
	struct sockaddr_storage pla;
	struct sockaddr_in a;
	int pl, pp[2], pa = -1, pb = -1, st, reaped = 0;
	int64_t end;
	pid_t pid;
	char c = 0;

	pl = peer_listen(AF_INET, "127.0.0.1", 0, 8, &pla);
	if (!check(pl >= 0 && !pipe2(pp, O_CLOEXEC), "kill: a peer listener"))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static struct leulo C;
		uint32_t lst, cid;

		close(pp[0]);
		alarm(60);	/* never outlives the test */
		sa_in4(&a, "127.0.0.1", port);
		c = 'F';
		if (!leulo_open(&C, devpath, nspath) &&
		    !sock_socket(&C, AF_INET, &lst) &&
		    !sock_bind(&C, lst, &a, sizeof(a)) &&
		    !sock_listen(&C, lst, 8) &&
		    !sock_socket(&C, AF_INET, &cid) &&
		    !connect_wait(&C, cid, &pla, sizeof(struct sockaddr_in), WAIT_MS))
			c = 'R';
		(void)!write(pp[1], &c, 1);
		for (;;)
			pause();
	}
	close(pp[1]);
	if (!check(pid > 0, "kill: fork")) {
		close(pp[0]);
		close(pl);
		return;
	}
	if (peer_wait(pp[0], POLLIN, 3 * WAIT_MS) & POLLIN)
		(void)!read(pp[0], &c, 1);
	close(pp[0]);
	check(c == 'R', "kill: a child's device listens on port %u and connected to a peer",
	      port);
	pa = peer_accept(pl, WAIT_MS);
	check(pa >= 0, "kill: the peer accepted the child's connection");
	sa_in4(&a, "127.0.0.1", port);
	pb = c == 'R' ? peer_connect(&a) : -1;
	check(pb >= 0, "kill: a peer connected to the child's listener");

	kill(pid, SIGKILL);
	end = now_ms() + 2 * WAIT_MS;
	while (!reaped && left_ms(end)) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			reaped = 1;
		else
			poll(NULL, 0, 20);	/* waitpid has no timeout */
	}
	check(reaped, "kill: the child is gone after SIGKILL");
	if (pa >= 0) {
		st = peer_end(pa, WAIT_MS);
		if (!check(st == 0 || st == -ECONNRESET,
			   "kill: the peer of its connection sees end of stream or ECONNRESET"))
			diag("%s", sname(st));
		close(pa);
	}
	if (pb >= 0) {
		st = peer_end(pb, WAIT_MS);
		if (!check(st == 0 || st == -ECONNRESET,
			   "kill: the peer queued on its listener sees end of stream or ECONNRESET"))
			diag("%s", sname(st));
		close(pb);
	}
	check(peer_bind_free("127.0.0.1", port, WAIT_MS),
	      "kill: its listener's port %u is free again", port);
	close(pl);
}

/*
 * Landlock's TCP rules (ABI 4; Debian 12's headers predate them, so the
 * few definitions are here).
 */
#define LL_BIND_TCP	(1ULL << 0)
#define LL_CONNECT_TCP	(1ULL << 1)
#define LL_RULE_NET_PORT 2
#define LL_VERSION	(1U << 0)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

static int need_landlock;

/* Bind nothing, connect to @port only; 0 or -errno. */
static int landlock_tcp_only(uint16_t port)
{
	struct ll_ruleset_attr ra = {
		.handled_access_net = LL_BIND_TCP | LL_CONNECT_TCP,
	};
	struct ll_net_port_attr pa = {
		.allowed_access = LL_CONNECT_TCP,
		.port = port,
	};
	int fd, r = 0;

	fd = syscall(__NR_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd < 0)
		return -errno;
	if (syscall(__NR_landlock_add_rule, fd, LL_RULE_NET_PORT, &pa, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_landlock_restrict_self, fd, 0))
		r = -errno;
	close(fd);
	return r;
}

/*
 * (q) The VMM's policy holds for its guest's sockets: a child that
 * Landlock lets connect to one port and bind none starts a device; its
 * guest may connect to that port only, and bind nowhere. The requests run
 * under the credentials the device was started with, and each socket
 * call passes the hook its system call would.
 */
static void case_q_landlock(void)
{
	struct sockaddr_storage oka, noa;
	struct sockaddr_in a;
	int ok, no, pp[2], got[5] = { 1, 1, 1, 1, 1 }, abi, n = 0;
	pid_t pid;

	abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_VERSION);
	if (abi < 4) {
		if (need_landlock)
			check(0, "landlock: the kernel has Landlock's TCP rules (ABI %d)", abi);
		else
			skip("landlock", "no Landlock TCP rules in this kernel");
		return;
	}
	ok = peer_listen(AF_INET, "127.0.0.1", 0, 8, &oka);
	no = peer_listen(AF_INET, "127.0.0.1", 0, 8, &noa);
	if (!check(ok >= 0 && no >= 0 && !pipe2(pp, O_CLOEXEC),
		   "landlock: two peer listeners"))
		goto out;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static struct leulo C;
		uint32_t s1, s2, s3;

		close(pp[0]);
		alarm(60);	/* never outlives the test */
		got[0] = landlock_tcp_only(sa_port(&oka));
		got[1] = got[0] ?: leulo_open(&C, devpath, nspath);
		if (!got[1] && !sock_socket(&C, AF_INET, &s1) &&
		    !sock_socket(&C, AF_INET, &s2) && !sock_socket(&C, AF_INET, &s3)) {
			sa_in4(&a, "127.0.0.1", 0);
			got[2] = sock_bind(&C, s1, &a, sizeof(a));
			got[3] = sock_connect(&C, s2, &noa, sizeof(struct sockaddr_in));
			got[4] = connect_wait(&C, s3, &oka, sizeof(struct sockaddr_in),
					      WAIT_MS);
		}
		(void)!write(pp[1], got, sizeof(got));
		_exit(0);
	}
	close(pp[1]);
	if (pid > 0 && peer_wait(pp[0], POLLIN, 4 * WAIT_MS) & POLLIN)
		n = read(pp[0], got, sizeof(got));
	close(pp[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (!check(n == sizeof(got), "landlock: the child reported"))
		goto out;
	diag("landlock: the allowed port is %u", sa_port(&oka));
	is(got[0], 0, "landlock: the child restricted itself (connect to one port, bind none)");
	is(got[1], 0, "landlock: ...and started a device");
	is(got[2], -EACCES, "landlock: its guest's BIND: EACCES");
	is(got[3], -EACCES, "landlock: CONNECT to another port: EACCES");
	is(got[4], 0, "landlock: CONNECT to the allowed port: connected");
out:
	if (ok >= 0)
		close(ok);
	if (no >= 0)
		close(no);
}

static void case_stats(struct leulo *l)
{
	struct vhost_leulo_stats s;

	if (!is(get_stats(l, &s), 0, "stats: GET_STATS"))
		return;
	diag("requests %llu errors %llu bad_requests %llu events %llu deferred %llu",
	     (unsigned long long)s.requests, (unsigned long long)s.errors,
	     (unsigned long long)s.bad_requests, (unsigned long long)s.events,
	     (unsigned long long)s.events_deferred);
	diag("sockets %llu peak %llu refused_limit %llu sent %llu received %llu",
	     (unsigned long long)s.sockets, (unsigned long long)s.sockets_peak,
	     (unsigned long long)s.refused_limit, (unsigned long long)s.bytes_sent,
	     (unsigned long long)s.bytes_received);
	check(s.bytes_sent >= (100 << 10) + (1 << 20) &&
	      s.bytes_received >= (200 << 10) + (1 << 20),
	      "stats: bytes_sent and bytes_received count the transfers");
	check(s.events >= l->nevents, "stats: events %llu >= events read %llu",
	      (unsigned long long)s.events, (unsigned long long)l->nevents);
	check(s.requests > s.errors && s.errors > 0,
	      "stats: requests > errors > 0");
	check(!l->bad_events, "events: every buffer and event well-formed (%u bad)",
	      l->bad_events);
}

static void usage(void)
{
	fprintf(stderr, "usage: kvs-leulo [-d DEVICE] -n NETNS_PATH [-l PORT] [-L]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a;
	int lport = 47999, c, hostfd, one = 1;

	while ((c = getopt(argc, argv, "d:n:l:L")) != -1) {
		switch (c) {
		case 'd':
			devpath = optarg;
			break;
		case 'n':
			nspath = optarg;
			break;
		case 'l':
			lport = atoi(optarg);
			break;
		case 'L':
			need_landlock = 1;
			break;
		default:
			usage();
		}
	}
	if (!nspath || optind != argc || lport < 2 || lport > 65535)
		usage();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	nsfd = open(nspath, O_RDONLY | O_CLOEXEC);
	selfns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!check(nsfd >= 0 && selfns >= 0, "open %s and /proc/self/ns/net", nspath)) {
		printf("%d passed, %d failed\n", npass, nfail);
		return 1;
	}

	/* (l) first of all: a listener of the host's own, in this namespace */
	hostfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa_in4(&a, "127.0.0.1", lport);
	setsockopt(hostfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	check(hostfd >= 0 && !bind(hostfd, (struct sockaddr *)&a, sizeof(a)) &&
	      !listen(hostfd, 8),
	      "isolation: this program listens on 127.0.0.1:%d in its own namespace", lport);

	case_a_setup(&L);
	case_b_socket(&L);
	case_c_server(&L);
	case_c6(&L);
	case_d_client(&L);
	case_e_refused(&L);
	case_f_bind(&L);
	if (g_lst != NOID) {
		case_g_halfclose(&L);
		case_h_reset(&L);
		case_p_pause(&L);
	} else {
		check(0, "half-close and reset: no guest listener (see above)");
	}
	case_i_options(&L);
	case_j_malformed(&L);
	case_k_limits(&L);
	case_l_isolation(&L, lport, hostfd);
	case_m_many(&L);
	case_stats(&L);
	if (g_lst != NOID)
		is(sock_close(&L, g_lst, 0), 0, "CLOSE the server's listener");
	guest_fini(&L.g);
	close(hostfd);

	case_n_teardown();
	case_o_kill(lport - 1);
	case_q_landlock();

	printf("# %d skipped\n", nskip);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
