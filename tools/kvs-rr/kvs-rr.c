// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-rr: TCP request/response latency between two guests.
 *
 *   kvs-rr -s [-p PORT] [-D]            serve (-D: in the background;
 *                                        first, a recv() on the listener
 *                                        must fail with ENOTCONN)
 *   kvs-rr -c HOST [-p PORT] [-t SECS] [-l BYTES]
 *   kvs-rr -c HOST [-p PORT] [-l BYTES] -n CONNS
 *
 * The client sends a request of BYTES (default 1) on one connection,
 * waits for the whole response of the same size, and repeats for SECS
 * seconds (default 5), like netperf's TCP_RR. It prints one line:
 *
 *   rr transactions=N secs=S tps=T mean_us=M p50_us=A p99_us=B
 *
 * and exits non-zero when no transaction completed. One transaction in
 * flight at a time: the figure is latency, not throughput.
 *
 * With -n, it opens CONNS connections, all of them before any
 * transaction, then makes one transaction on each (each request filled
 * with a byte of its own, its echo compared; every other connection
 * first peeks at its echo with MSG_PEEK | MSG_TRUNC into no buffer,
 * which must return a byte and take none; the first one's TCP_INFO must
 * say it is established) and closes them, printing
 *
 *   conns open=N echoed=E
 *
 * and exiting non-zero unless every connection opened and echoed.
 *
 *   kvs-rr -c HOST [-p PORT] -f [-L]
 *
 * fills a connection whose peer does not read: it sends (without
 * blocking) bytes whose value is their offset in the stream modulo 251
 * until the socket has not been writable for a second, closes it (with
 * -L, after SO_LINGER 0: a reset) and prints
 *
 *   filled bytes=N
 *
 * N being what send() took: every byte of it must reach the peer, then
 * the end of the stream, unless -L.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RR_MAX_BYTES	65536
#define RR_MAX_SAMPLES	(1 << 22)

static void die(const char *what)
{
	fprintf(stderr, "kvs-rr: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Move exactly @len bytes; false on end of stream or error. */
static int xfer(int fd, char *buf, size_t len, int writing)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = writing ? write(fd, buf + done, len - done) :
			      read(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		done += n;
	}
	return 1;
}

static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Echo each request back until the client hangs up. */
static void serve_one(int fd)
{
	static char buf[RR_MAX_BYTES];
	ssize_t n;

	set_nodelay(fd);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (!xfer(fd, buf, n, 1))
			break;
	close(fd);
}

static int serve(int port, int daemon_mode)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1, lfd, fd;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons(port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 128))
		die("bind/listen");
	/* As Linux's TCP: reading a listener fails at once (a paravirtual
	 * socket that took the empty mask for "no data yet" would block).
	 */
	if (recv(lfd, &one, 1, 0) >= 0 || errno != ENOTCONN)
		die("recv on the listener (want ENOTCONN at once)");
	if (daemon_mode && daemon(0, 0))
		die("daemon");
	signal(SIGCHLD, SIG_IGN);	/* no zombies from finished clients */
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (fork() == 0) {
			close(lfd);
			serve_one(fd);
			_exit(0);
		}
		close(fd);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Room for @n more files than stdio's: raise the limit if need be. */
static void files_for(int n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit");
	if (rl.rlim_cur >= (rlim_t)n + 16)
		return;
	rl.rlim_cur = n + 16;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit");
}

/* The echo is there: peeked at, into no buffer (MSG_TRUNC), not taken. */
static int peek_trunc(int fd)
{
	ssize_t n;

	do
		n = recv(fd, NULL, 1, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 1)
		fprintf(stderr, "kvs-rr: recv(MSG_PEEK | MSG_TRUNC): %s\n",
			n ? strerror(errno) : "end of stream");
	return n >= 1;
}

/* TCP_INFO answers, and says the connection is established. */
static int info_ok(int fd)
{
	struct tcp_info ti;
	socklen_t n = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &n) || n != sizeof(ti) ||
	    ti.tcpi_state != TCP_ESTABLISHED) {
		fprintf(stderr, "kvs-rr: TCP_INFO: %s, %u bytes, state %u\n",
			strerror(errno), n, ti.tcpi_state);
		return 0;
	}
	return 1;
}

static int client_many(const struct sockaddr_in *sa, int n, size_t len)
{
	static char buf[RR_MAX_BYTES], back[RR_MAX_BYTES];
	int *fds = calloc(n, sizeof(*fds)), opened = 0, echoed = 0, i;

	if (!fds)
		die("calloc");
	files_for(n);
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] < 0 ||
		    connect(fds[i], (const struct sockaddr *)sa, sizeof(*sa))) {
			fprintf(stderr, "kvs-rr: connection %d: %s\n", i,
				strerror(errno));
			if (fds[i] >= 0)
				close(fds[i]);
			break;
		}
		opened++;
	}
	for (i = 0; i < opened; i++) {
		memset(buf, 'a' + i % 26, len);
		if ((i || info_ok(fds[i])) && xfer(fds[i], buf, len, 1) &&
		    (i % 2 == 0 || peek_trunc(fds[i])) &&
		    xfer(fds[i], back, len, 0) && !memcmp(buf, back, len))
			echoed++;
	}
	for (i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	printf("conns open=%d echoed=%d\n", opened, echoed);
	return opened == n && echoed == n ? 0 : 1;
}

static int client_fill(const struct sockaddr_in *sa, int abort_close)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	static char buf[RR_MAX_BYTES];
	struct pollfd pfd = { .events = POLLOUT };
	size_t total = 0, i;
	ssize_t n;

	pfd.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (pfd.fd < 0 ||
	    connect(pfd.fd, (const struct sockaddr *)sa, sizeof(*sa)))
		die("connect");
	for (;;) {
		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (total + i) % 251;
		n = send(pfd.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			total += n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			die("send");
		n = poll(&pfd, 1, 1000);
		if (n < 0 && errno != EINTR)
			die("poll");
		if (!n)
			break;
	}
	if (abort_close &&
	    setsockopt(pfd.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)))
		die("SO_LINGER");
	if (close(pfd.fd))
		die("close");
	printf("filled bytes=%zu\n", total);
	return total ? 0 : 1;
}

static int client(const char *host, int port, double secs, size_t len,
		  int conns, int fill)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char buf[RR_MAX_BYTES];
	double t0, t, end, sum = 0, *lat;
	size_t n = 0;
	int fd;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "kvs-rr: %s is not an IPv4 address\n", host);
		return 2;
	}
	sa.sin_port = htons(port);
	if (conns)
		return client_many(&sa, conns, len);
	if (fill)
		return client_fill(&sa, fill > 1);
	lat = malloc(RR_MAX_SAMPLES * sizeof(*lat));
	if (!lat)
		die("malloc");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	set_nodelay(fd);
	memset(buf, 'r', len);
	end = now_us() + secs * 1e6;
	t0 = now_us();
	for (t = t0; t < end && n < RR_MAX_SAMPLES; n++) {
		double start = t;

		if (!xfer(fd, buf, len, 1) || !xfer(fd, buf, len, 0)) {
			fprintf(stderr, "kvs-rr: connection lost after %zu\n", n);
			break;
		}
		t = now_us();
		lat[n] = t - start;
		sum += lat[n];
	}
	close(fd);
	if (!n) {
		fprintf(stderr, "kvs-rr: no transaction completed\n");
		return 1;
	}
	qsort(lat, n, sizeof(*lat), cmp_double);
	printf("rr transactions=%zu secs=%.2f tps=%.1f mean_us=%.1f p50_us=%.1f p99_us=%.1f\n",
	       n, (t - t0) / 1e6, n / ((t - t0) / 1e6), sum / n, lat[n / 2],
	       lat[n * 99 / 100]);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: kvs-rr -s [-p PORT] [-D]\n"
			"       kvs-rr -c HOST [-p PORT] [-t SECS] [-l BYTES]\n"
			"       kvs-rr -c HOST [-p PORT] [-l BYTES] -n CONNS\n"
			"       kvs-rr -c HOST [-p PORT] -f [-L]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int opt, port = 5301, server = 0, daemon_mode = 0, conns = 0, fill = 0;
	const char *host = NULL;
	double secs = 5;
	long len = 1;

	while ((opt = getopt(argc, argv, "sc:p:t:l:n:DfL")) != -1) {
		switch (opt) {
		case 's': server = 1; break;
		case 'c': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'l': len = atol(optarg); break;
		case 'n': conns = atoi(optarg); break;
		case 'D': daemon_mode = 1; break;
		case 'f': fill |= 1; break;
		case 'L': fill |= 2; break;
		default: usage();
		}
	}
	if (server == !!host || port <= 0 || port > 65535 || secs <= 0 ||
	    len < 1 || len > RR_MAX_BYTES || conns < 0 || conns > 65536 ||
	    (server && conns) || fill == 2 || (fill && (server || conns)))
		usage();
	return server ? serve(port, daemon_mode) :
			client(host, port, secs, len, conns, fill);
}
