// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_pairtest: two ports on one switch, A sending to B, for what needs a
 * receiver: its bad RX rings, dirty logging of what vhost-kvs writes into
 * its memory, interrupt coalescing, the port ioctls' refusals, a guest
 * that posts too few RX buffers, and RESET_OWNER against the ioctls.
 *
 * Usage: kvs_pairtest SWITCH [DEVICE]   (the switch must exist)
 * Prints TAP; exits non-zero when a check fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "tap.h"

#define RX		0
#define TX		1
#define HL		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define TXBUF		0x200000ull
#define RXBUF		0x300000ull
#define WAIT_MS		2000

static const char *dev = "/dev/vhost-kvs";

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Dirty logging into @log: its base, the feature, the used ring's log. */
static int log_setup(struct guest *g, uint8_t *log, uint64_t features)
{
	uint64_t base = (uintptr_t)log;
	struct vhost_vring_addr addr = {
		.index = RX, .flags = 1 << VHOST_VRING_F_LOG,
		.desc_user_addr = (uintptr_t)g->vq[RX].desc,
		.avail_user_addr = (uintptr_t)g->vq[RX].avail,
		.used_user_addr = (uintptr_t)g->vq[RX].used,
		.log_guest_addr = g->vq[RX].used_gpa,
	};

	features |= 1ULL << VHOST_F_LOG_ALL;
	return xioctl(g->fd, VHOST_SET_LOG_BASE, &base) ?:
	       xioctl(g->fd, VHOST_SET_FEATURES, &features) ?:
	       xioctl(g->fd, VHOST_SET_VRING_ADDR, &addr);
}

/* Attach, take ownership and run both queues; @log: dirty log. Also
 * brings a port back after RESET_OWNER, which detached it.
 */
static int port_start(struct guest *g, const char *sw, uint8_t last,
		      uint64_t features, uint8_t *log)
{
	struct vhost_kvs_attach a = { .mac = { 0x52, 0x54, 0, 0x99, 0, last } };
	struct vhost_vring_file b;

	snprintf(a.switch_name, sizeof(a.switch_name), "%s", sw);
	if (ioctl(g->fd, VHOST_KVS_ATTACH, &a) || ioctl(g->fd, VHOST_SET_OWNER) ||
	    ioctl(g->fd, VHOST_SET_FEATURES, &features) || guest_set_mem(g) ||
	    guest_setup_vq(g, RX) || guest_setup_vq(g, TX) ||
	    (log && log_setup(g, log, features)))
		return -1;
	for (unsigned int i = RX; i <= TX; i++) {
		b = (struct vhost_vring_file){ i, g->fd };
		if (ioctl(g->fd, VHOST_NET_SET_BACKEND, &b))
			return -1;
	}
	return 0;
}

/* A new port attached to the switch, both queues running. */
static int port_open(struct guest *g, const char *sw, uint8_t last,
		     uint64_t features, uint8_t *log)
{
	return guest_init(g, dev) ?: port_start(g, sw, last, features, log);
}

/* A sends one broadcast frame of @len bytes and gets its buffer back. */
static int send_frame(struct guest *a, uint32_t len)
{
	uint8_t *f = gpa(a, TXBUF);
	static const uint8_t src[6] = { 0x52, 0x54, 0, 0x99, 0, 1 };
	uint32_t blen = HL + len, id, ulen;
	uint16_t flags = 0;
	uint64_t at = TXBUF;

	memset(f, 0, HL);
	memset(f + HL, 0xff, 6);
	memcpy(f + HL + 6, src, 6);
	for (uint32_t i = 12; i < len; i++)
		f[HL + i] = (uint8_t)i;
	guest_post(a, TX, 1, &at, &blen, &flags);
	guest_kick(a, TX);
	return guest_wait_used(a, TX, WAIT_MS, &id, &ulen);
}

static void post_rx(struct guest *b, uint64_t at, uint32_t len, uint16_t fl)
{
	guest_post(b, RX, 1, &at, &len, &fl);
	guest_kick(b, RX);
}

/* Poll B's used ring without waiting for its interrupt. */
static int used_within(struct guest *b, int ms)
{
	double end = now_ms() + ms;
	uint32_t id, len;

	while (now_ms() < end) {
		if (guest_used_next(b, RX, &id, &len))
			return 1;
		usleep(1000);
	}
	return 0;
}

static void drain_call(struct guest *g)
{
	uint64_t v;

	(void)!read(g->vq[RX].call, &v, sizeof(v));
}

static void test_ioctls(struct guest *b)
{
	struct vhost_kvs_coalesce c = { 0 };
	uint32_t off;

	off = 0x80;
	expect(xioctl(b->fd, VHOST_KVS_SET_OFFLOADS, &off), -EINVAL);
	off = TUN_F_TSO4;
	expect(xioctl(b->fd, VHOST_KVS_SET_OFFLOADS, &off), -EINVAL);
	off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	expect(xioctl(b->fd, VHOST_KVS_SET_OFFLOADS, &off), 0);
	off = 0;
	expect(xioctl(b->fd, VHOST_KVS_SET_OFFLOADS, &off), 0);
	expect(xioctl(b->fd, VHOST_KVS_SET_OFFLOADS, (void *)16), -EFAULT);

	expect(xioctl(b->fd, VHOST_KVS_GET_COALESCE, &c), 0);
	check(c.max_frames == 64 && c.max_usecs == 0,
	      "coalescing defaults 64 frames, 0 us (got %u, %u)", c.max_frames,
	      c.max_usecs);
	c = (struct vhost_kvs_coalesce){ 0, 10 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), -EINVAL);
	c = (struct vhost_kvs_coalesce){ 2000, 10 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), -EINVAL);
	c = (struct vhost_kvs_coalesce){ 8, 200000 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), -EINVAL);
	c = (struct vhost_kvs_coalesce){ 8, 500 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), 0);
	c = (struct vhost_kvs_coalesce){ 0 };
	expect(xioctl(b->fd, VHOST_KVS_GET_COALESCE, &c), 0);
	check(c.max_frames == 8 && c.max_usecs == 500, "coalescing reads back");
}

/* Time left until @t0 + @ms, for a wait that must not see an event. */
static int ms_until(double t0, int ms)
{
	double left = t0 + ms - now_ms();

	return left > 0 ? (int)left : 0;
}

/*
 * Held back until max_usecs with one frame; at once with max_frames.
 * Delivery happens after t0, so the timer cannot fire before t0 + 100 ms.
 */
static void test_coalesce(struct guest *a, struct guest *b)
{
	struct vhost_kvs_coalesce c = { 1000, 100000 };
	double t0;

	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), 0);
	drain_call(b);
	post_rx(b, RXBUF, 4096, VRING_DESC_F_WRITE);
	t0 = now_ms();
	check(send_frame(a, 60), "coalescing: frame sent");
	check(used_within(b, 1000), "coalescing: frame delivered into B's ring");
	check(!guest_wait_fd(b->vq[RX].call, ms_until(t0, 80)),
	      "coalescing: no interrupt in the first 80 ms (max_usecs 100 ms)");
	check(guest_wait_fd(b->vq[RX].call, 2000),
	      "coalescing: interrupt once the timer ran (%.0f ms)",
	      now_ms() - t0);

	c = (struct vhost_kvs_coalesce){ 1, 100000 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), 0);
	post_rx(b, RXBUF, 4096, VRING_DESC_F_WRITE);
	t0 = now_ms();
	check(send_frame(a, 60), "coalescing: second frame sent");
	check(guest_wait_fd(b->vq[RX].call, 2000) && now_ms() - t0 < 90,
	      "max_frames 1: interrupt before the timer (%.0f ms, timer 100 ms)",
	      now_ms() - t0);
	check(used_within(b, 100), "... with the frame in the used ring");
	c = (struct vhost_kvs_coalesce){ 64, 0 };
	expect(xioctl(b->fd, VHOST_KVS_SET_COALESCE, &c), 0);
}

/* A bad RX chain is the guest's error: reported, nothing written. */
static void rx_expect_error(struct guest *a, struct guest *b, const char *what,
			    struct vring_desc d0, struct vring_desc d1)
{
	struct guest_vq *q = &b->vq[RX];
	struct vhost_vring_file bk = { RX, b->fd };
	uint32_t id, len;

	check(guest_reset_vq(b, RX) == 0 &&
	      ioctl(b->fd, VHOST_NET_SET_BACKEND, &bk) == 0,
	      "fresh RX ring for %s", what);
	q->desc[0] = d0;
	q->desc[1] = d1;
	q->avail->ring[0] = 0;
	__atomic_store_n(&q->avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
	guest_kick(b, RX);
	check(send_frame(a, 100), "RX %s: sender completes its frame", what);
	check(guest_wait_fd(q->err, WAIT_MS), "RX %s: error eventfd fired", what);
	check(!guest_wait_used(b, RX, 100, &id, &len),
	      "RX %s: nothing completed", what);
}

static void test_rx_malformed(struct guest *a, struct guest *b)
{
	const uint16_t next = VRING_DESC_F_NEXT, w = VRING_DESC_F_WRITE;
	struct vring_desc none = { 0 };
	struct vhost_vring_file bk = { RX, b->fd };

	rx_expect_error(a, b, "read-only buffer",
			(struct vring_desc){ RXBUF, 4096, 0, 0 }, none);
	rx_expect_error(a, b, "descriptor loop",
			(struct vring_desc){ RXBUF, 8, w | next, 1 },
			(struct vring_desc){ RXBUF + 8, 8, w | next, 0 });
	rx_expect_error(a, b, "address outside the memory table",
			(struct vring_desc){ 0x40000000, 4096, w, 0 }, none);
	rx_expect_error(a, b, "next index out of the table",
			(struct vring_desc){ RXBUF, 8, w | next, 999 }, none);
	check(guest_reset_vq(b, RX) == 0 &&
	      ioctl(b->fd, VHOST_NET_SET_BACKEND, &bk) == 0,
	      "RX ring reset after the errors");
	post_rx(b, RXBUF, 4096, w);
	check(send_frame(a, 100) && used_within(b, WAIT_MS),
	      "a good buffer gets the next frame");
}

/* An RX chain through an indirect table: the frame spans its buffers. */
static void test_rx_indirect(struct guest *a, struct guest *b)
{
	struct vring_desc *tbl = gpa(b, RXBUF + 0x10000);
	uint64_t at = RXBUF + 0x10000;
	uint32_t tlen = 3 * sizeof(*tbl), id, len;
	uint16_t fl = VRING_DESC_F_INDIRECT;
	uint8_t *p1 = gpa(b, RXBUF), *p2 = gpa(b, RXBUF + 0x8000);
	int ok = 1;

	tbl[0] = (struct vring_desc){ RXBUF, 12, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1 };
	tbl[1] = (struct vring_desc){ RXBUF + 12, 1000, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2 };
	tbl[2] = (struct vring_desc){ RXBUF + 0x8000, 4000, VRING_DESC_F_WRITE, 0 };
	memset(p1, 0, 1012);
	memset(p2, 0, 4000);
	guest_post(b, RX, 1, &at, &tlen, &fl);
	guest_kick(b, RX);
	check(send_frame(a, 3000), "indirect RX: 3000 B frame sent");
	check(guest_wait_used(b, RX, WAIT_MS, &id, &len) && len == HL + 3000,
	      "indirect RX: one used entry of %zu bytes", HL + 3000);
	/* send_frame() writes byte i of the frame as (uint8_t)i from 12 on. */
	for (uint32_t i = 12; i < 3000 && ok; i++)
		ok = (i < 1000 ? p1[12 + i] : p2[i - 1000]) == (uint8_t)i;
	check(ok, "indirect RX: every byte in place across the three buffers");
}

/* Busy polling on both ends changes timing, not results. */
static void test_busy_poll(struct guest *a, struct guest *b)
{
	struct vhost_vring_state tx = { TX, 2000 }, rx = { RX, 2000 }, get = { RX };
	int ok = 1;

	expect(xioctl(a->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &tx), 0);
	expect(xioctl(b->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &rx), 0);
	expect(xioctl(b->fd, VHOST_GET_VRING_BUSYLOOP_TIMEOUT, &get), 0);
	check(get.num == 2000, "busy-loop timeout reads back (%u us)", get.num);
	for (int i = 0; i < 20 && ok; i++) {
		post_rx(b, RXBUF, 4096, VRING_DESC_F_WRITE);
		ok = send_frame(a, 60 + i) && used_within(b, WAIT_MS);
	}
	check(ok, "busy polling on A's TX and B's RX: 20 frames delivered");
	tx.num = 0;
	rx.num = 0;
	expect(xioctl(a->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &tx), 0);
	expect(xioctl(b->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &rx), 0);
}

static int ioctl_returned;

static void *get_coalesce(void *arg)
{
	struct vhost_kvs_coalesce c;
	struct guest *g = arg;

	xioctl(g->fd, VHOST_KVS_GET_COALESCE, &c);
	__atomic_store_n(&ioctl_returned, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait up to @ms for get_coalesce() to come back from the kernel. */
static int returned_within(int ms)
{
	double end = now_ms() + ms;

	while (!__atomic_load_n(&ioctl_returned, __ATOMIC_ACQUIRE)) {
		if (now_ms() >= end)
			return 0;
		usleep(1000);
	}
	return 1;
}

/*
 * B posts one 64-byte buffer for a 1000-byte frame, with mergeable
 * buffers and busy polling on: its RX worker must sleep until B posts
 * more, neither spinning nor holding its RX mutex against the ioctls.
 */
static void test_rx_too_few(struct guest *a, struct guest *b)
{
	struct vhost_vring_state rx = { RX, 50 };
	struct virtio_net_hdr_mrg_rxbuf *h = gpa(b, RXBUF);
	uint32_t id, len, len2 = 0;
	double cpu, t0;
	pthread_t t;
	int got;

	expect(xioctl(b->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &rx), 0);
	post_rx(b, RXBUF, 64, VRING_DESC_F_WRITE);
	check(send_frame(a, 1000), "too few RX buffers: 1000 B frame sent");
	/* A window to measure in, not a wait for something to happen. */
	cpu = guest_worker_cpu();
	t0 = now_ms();
	usleep(1000 * 1000);
	cpu = guest_worker_cpu() - cpu;
	t0 = (now_ms() - t0) / 1e3;
	check(cpu < t0 / 4, "too few RX buffers: workers sleep (%.2f s CPU in %.2f s)",
	      cpu, t0);
	ioctl_returned = 0;
	got = !pthread_create(&t, NULL, get_coalesce, b);
	check(got && returned_within(WAIT_MS),
	      "too few RX buffers: a port ioctl is not held up by the RX worker");
	check(!guest_used_next(b, RX, &id, &len),
	      "too few RX buffers: nothing delivered into 64 B");
	post_rx(b, RXBUF + 0x1000, 4096, VRING_DESC_F_WRITE);
	got = guest_wait_used(b, RX, WAIT_MS, &id, &len) &&
	      guest_wait_used(b, RX, WAIT_MS, &id, &len2);
	check(got && len + len2 == HL + 1000 && h->num_buffers == 2,
	      "too few RX buffers: delivered over both once B posts more (%u + %u B)",
	      len, len2);
	/* Only returns once the worker let go of its mutex. */
	if (got)
		pthread_join(t, NULL);
	rx.num = 0;
	expect(xioctl(b->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &rx), 0);
}

/*
 * A buffer in a page the VMM made read-only: in the memory table, not
 * writable. The frame is dropped (bad descriptor) and the buffer comes
 * back empty; the next buffer gets the next frame.
 */
static void test_rx_readonly(struct guest *a, struct guest *b)
{
	uint64_t ro = RXBUF + 0x20000;
	uint32_t id, len = 1;
	int got;

	check(!mprotect(gpa(b, ro), 4096, PROT_READ),
	      "read-only RX page: made read-only");
	post_rx(b, ro, 4096, VRING_DESC_F_WRITE);
	post_rx(b, RXBUF, 4096, VRING_DESC_F_WRITE);
	got = send_frame(a, 100) && guest_wait_used(b, RX, WAIT_MS, &id, &len);
	check(got && len == 0,
	      "read-only RX page: its buffer comes back empty (%u B)", len);
	len = 0;
	got = send_frame(a, 101) && guest_wait_used(b, RX, WAIT_MS, &id, &len);
	check(got && len == HL + 101,
	      "read-only RX page: the next buffer gets the next frame (%u B)", len);
	mprotect(gpa(b, ro), 4096, PROT_READ | PROT_WRITE);
}

struct reset_race {
	struct guest *g;
	int stop;
	unsigned int sets;
};

static void *set_coalesce_loop(void *arg)
{
	struct reset_race *r = arg;
	struct vhost_kvs_coalesce c[2] = { { 8, 100 }, { 64, 0 } };

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		xioctl(r->g->fd, VHOST_KVS_SET_COALESCE, &c[r->sets & 1]);
		r->sets++;
	}
	return NULL;
}

/*
 * RESET_OWNER frees the port's worker while another thread sets its
 * coalescing, which queues work on that worker: the two must not meet.
 * Afterwards the port's held-back interrupts must still fire (work left
 * on a freed worker would stay marked queued forever).
 */
static void test_reset_race(const char *sw, struct guest *a, uint64_t f)
{
	struct vhost_kvs_coalesce c = { 1000, 20000 };
	struct reset_race r = { 0 };
	struct guest d;
	pthread_t t;
	int ok = 1, i, started;

	check(port_open(&d, sw, 4, f, NULL) == 0, "reset race: port D attached");
	r.g = &d;
	started = !pthread_create(&t, NULL, set_coalesce_loop, &r);
	for (i = 0; i < 200 && ok; i++)
		ok = !ioctl(d.fd, VHOST_RESET_OWNER) &&
		     !port_start(&d, sw, 4, f, NULL);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	if (started)
		pthread_join(t, NULL);
	check(started && ok, "reset race: 200 resets against %u coalescing changes",
	      r.sets);
	expect(xioctl(d.fd, VHOST_KVS_SET_COALESCE, &c), 0);
	drain_call(&d);
	post_rx(&d, RXBUF, 4096, VRING_DESC_F_WRITE);
	check(send_frame(a, 60) && used_within(&d, WAIT_MS),
	      "reset race: D still receives");
	check(guest_wait_fd(d.vq[RX].call, WAIT_MS),
	      "reset race: D's held-back interrupt still fires");
	guest_fini(&d);
}

/* Frames @g receives into 4 KiB buffers it keeps posting, up to @want;
 * stops at the first wait of @ms without one. Leaves 60 buffers posted.
 */
static unsigned int rx_count(struct guest *g, unsigned int want, int ms)
{
	unsigned int got = 0, posted = 0;
	uint32_t id, len;

	while (got < want) {
		/* guest_post() takes 4 descriptors a chain: 64 at most */
		for (; posted - got < 60; posted++)
			post_rx(g, RXBUF + (posted % 60) * 0x1000, 4096,
				VRING_DESC_F_WRITE);
		if (!guest_wait_used(g, RX, ms, &id, &len))
			break;
		got++;
	}
	return got;
}

/*
 * Two receivers that do not drain hold A's frames in their inbound rings,
 * and so A's buffers: at most 256 each (KVS_HELD_MAX), however long their
 * rings (1024); the rest of A's 600 frames are dropped for them alone.
 */
static void test_pool_bound(const char *sw, struct guest *a, uint64_t f)
{
	struct guest r1, r2;
	unsigned int i, got1, got2;
	int ok = 1;

	check(port_open(&r1, sw, 5, f, NULL) == 0 &&
	      port_open(&r2, sw, 6, f, NULL) == 0,
	      "pool bound: receivers R1, R2 attached, no buffers posted");
	for (i = 0; i < 600 && ok; i++)
		ok = send_frame(a, 2100);
	check(ok, "pool bound: A sent 600 broadcast frames of 2100 B");
	got1 = rx_count(&r1, 600, 500);
	got2 = rx_count(&r2, 600, 500);
	check(got1 == 256 && got2 == 256,
	      "pool bound: each receiver held 256 of A's 600 frames (%u, %u)",
	      got1, got2);
	/* R1 still has buffers posted from the count. */
	check(send_frame(a, 2100) && used_within(&r1, WAIT_MS),
	      "pool bound: A sends again once they drained");
	guest_fini(&r2);
	guest_fini(&r1);
}

static int log_bit(const uint8_t *log, uint64_t gpa_)
{
	uint64_t page = gpa_ / 4096;

	return log[page / 8] >> (page % 8) & 1;
}

/* VHOST_F_LOG_ALL: every page vhost-kvs writes in C is marked dirty. */
static void test_dirty_log(const char *sw, struct guest *a)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	uint8_t *log = calloc(1, GUEST_MEM_SIZE / 4096 / 8);
	uint64_t rxbuf = RXBUF + 5 * 4096;
	struct guest c;

	check(port_open(&c, sw, 3, f, log) == 0,
	      "dirty log: port C attached, logging on");
	post_rx(&c, rxbuf, 4096, VRING_DESC_F_WRITE);
	check(send_frame(a, 200) && used_within(&c, WAIT_MS),
	      "dirty log: frame delivered");
	check(log_bit(log, rxbuf), "dirty log: RX buffer page marked");
	check(log_bit(log, c.vq[RX].used_gpa), "dirty log: used ring page marked");
	check(!log_bit(log, RXBUF + 20 * 4096),
	      "dirty log: an untouched page is not marked");
	guest_fini(&c);
	free(log);
}

int main(int argc, char **argv)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
		     (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	struct guest a, b;

	if (argc < 2) {
		fprintf(stderr, "usage: kvs-pairtest SWITCH [DEVICE]\n");
		return 2;
	}
	if (argc > 2)
		dev = argv[2];
	if (port_open(&a, argv[1], 1, f, NULL) ||
	    port_open(&b, argv[1], 2, f, NULL)) {
		printf("Bail out! cannot set up two ports on %s: %s\n", argv[1],
		       strerror(errno));
		return 1;
	}
	test_ioctls(&b);
	test_coalesce(&a, &b);
	test_rx_malformed(&a, &b);
	test_busy_poll(&a, &b);
	test_rx_indirect(&a, &b);
	test_rx_too_few(&a, &b);
	test_rx_readonly(&a, &b);
	guest_fini(&b);
	test_reset_race(argv[1], &a, f);
	test_pool_bound(argv[1], &a, f);
	test_dirty_log(argv[1], &a);
	guest_fini(&a);
	return tap_done("kvs_pairtest");
}
