// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-devtest: drive /dev/vhost-kvs the way QEMU does and check every
 * answer, the refusals for bad input included. Prints TAP; exits non-zero
 * when any check fails.
 *
 * Usage: kvs-devtest [-s SWITCH] [DEVICE]   (default /dev/vhost-kvs)
 *        kvs-devtest -H SWITCH MAC [DEVICE]
 *
 * -s SWITCH  also test queue pairs (VHOST_KVS_ADD_QUEUE) on an existing
 *            switch (attach and detach themselves: the port_attach
 *            kselftest)
 * -H         attach one port to SWITCH with MAC, print "attached", and hold
 *            it until killed (for tests of port listing, close and switch
 *            deletion); with KVS_ATTACH_NETNS=/run/netns/NAME set, the
 *            attach happens in that network namespace
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/vhost_kvs.h>

#include "guest.h"
#include "kvs-mac.h"
#include "tap.h"

#define RX	VHOST_KVS_VQ_RX
#define TX	VHOST_KVS_VQ_TX
#define WAIT_MS	3000	/* a TCG-emulated L1 is slow; still bounded */

static const char *dev = "/dev/vhost-kvs";

static const uint64_t want_features =
	(1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
	(1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
	(1ULL << VHOST_F_LOG_ALL);

static void test_owner(void)
{
	struct guest g;
	uint64_t f = 0;
	pid_t pid;
	int st;

	check(guest_init(&g, dev) == 0, "open %s", dev);
	expect(xioctl(g.fd, VHOST_GET_FEATURES, &f), 0);
	check((f & want_features) == want_features,
	      "features 0x%llx offer VERSION_1, MRG_RXBUF, EVENT_IDX, INDIRECT, LOG_ALL",
	      (unsigned long long)f);
	expect(guest_set_mem(&g), -EPERM);		/* no owner yet */
	expect(xioctl(g.fd, VHOST_SET_OWNER, NULL), 0);
	expect(xioctl(g.fd, VHOST_SET_OWNER, NULL), -EBUSY);

	/* Another process holding the same fd is not the owner. */
	pid = fork();
	if (pid == 0) {
		int a = guest_set_mem(&g) == -EPERM;
		int b = xioctl(g.fd, VHOST_SET_OWNER, NULL) == -EBUSY;

		_exit(a && b ? 0 : 1);
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      !WEXITSTATUS(st), "second process: SET_MEM_TABLE EPERM, SET_OWNER EBUSY");

	expect(xioctl(g.fd, VHOST_RESET_OWNER, NULL), 0);
	expect(xioctl(g.fd, VHOST_SET_OWNER, NULL), 0);
	guest_fini(&g);
}

static void test_features(struct guest *g)
{
	uint64_t f = 1ULL << VIRTIO_NET_F_GUEST_TSO4;	/* not a vhost bit */

	expect(xioctl(g->fd, VHOST_SET_FEATURES, &f), -EOPNOTSUPP);
	f = 1ULL << 63;
	expect(xioctl(g->fd, VHOST_SET_FEATURES, &f), -EOPNOTSUPP);
	f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	expect(xioctl(g->fd, VHOST_SET_FEATURES, &f), 0);
	f = 1ULL << 40;
	expect(xioctl(g->fd, VHOST_SET_BACKEND_FEATURES, &f), -EOPNOTSUPP);
}

static int set_regions(struct guest *g, uint32_t n, uint64_t size,
		       uint64_t uaddr, uint32_t padding)
{
	struct vhost_memory *m;
	int r;

	m = calloc(1, sizeof(*m) + n * sizeof(m->regions[0]));
	m->nregions = n;
	m->padding = padding;
	for (uint32_t i = 0; i < n; i++) {
		m->regions[i].guest_phys_addr = (uint64_t)i << 30;
		m->regions[i].memory_size = size;
		m->regions[i].userspace_addr = uaddr;
	}
	r = xioctl(g->fd, VHOST_SET_MEM_TABLE, m);
	free(m);
	return r;
}

static void test_mem_table(struct guest *g)
{
	uintptr_t u = (uintptr_t)g->mem;

	expect(set_regions(g, 65, 4096, u, 0), -E2BIG);
	expect(set_regions(g, 1, 4096, u, 1), -EOPNOTSUPP);
	expect(set_regions(g, 1, 0, u, 0), -EINVAL);	/* empty region */
	expect(set_regions(g, 1, 4096, UINT64_MAX - 100, 0), -EFAULT);
	expect(set_regions(g, 1, 4096, 0xffff888000000000ull, 0), -EFAULT);
	expect(set_regions(g, 1, 1ull << 62, u, 0), -EFAULT);
	expect(guest_set_mem(g), 0);
}

static void test_vring_args(struct guest *g)
{
	struct vhost_vring_state s = { TX, 0 };
	struct vhost_vring_addr a = {
		.index = TX,
		.desc_user_addr = (uintptr_t)g->mem,
		.avail_user_addr = (uintptr_t)g->mem + 0x4001,	/* needs 2 */
		.used_user_addr = (uintptr_t)g->mem + 0x8000,
	};

	expect(xioctl(g->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	s.num = 100;					/* not a power of 2 */
	expect(xioctl(g->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	s.num = 65536;
	expect(xioctl(g->fd, VHOST_SET_VRING_NUM, &s), -EINVAL);
	s.index = 2;					/* no third queue */
	s.num = 256;
	expect(xioctl(g->fd, VHOST_SET_VRING_NUM, &s), -ENOBUFS);
	expect(xioctl(g->fd, VHOST_SET_VRING_ADDR, &a), -EINVAL);
	a.avail_user_addr -= 1;
	a.used_user_addr += 2;				/* needs 4 */
	expect(xioctl(g->fd, VHOST_SET_VRING_ADDR, &a), -EINVAL);
	a.used_user_addr -= 2;
	a.flags = 0x80;
	expect(xioctl(g->fd, VHOST_SET_VRING_ADDR, &a), -EOPNOTSUPP);
	s.index = TX;
	s.num = 0x10000;				/* base beyond 16 bits */
	expect(xioctl(g->fd, VHOST_SET_VRING_BASE, &s), -EINVAL);
}

static int self_backend(struct guest *g, unsigned int idx)
{
	return guest_set_backend(g, idx, g->fd);
}

static void test_backend(struct guest *g)
{
	struct vhost_vring_addr a = { .index = TX };
	struct guest other;
	int null = open("/dev/null", O_RDWR);

	check(guest_setup_vq(g, RX) == 0 && guest_setup_vq(g, TX) == 0,
	      "set up RX and TX rings");
	expect(guest_set_backend(g, 2, g->fd), -ENOBUFS);
	expect(guest_set_backend(g, TX, 9999), -EBADF);
	expect(guest_set_backend(g, TX, null), -EINVAL);
	check(guest_init(&other, dev) == 0, "open a second instance");
	expect(guest_set_backend(g, TX, other.fd), -EINVAL);
	guest_fini(&other);
	close(null);

	/* Rings on an unmapped page, then on a kernel address. */
	a.desc_user_addr = 0x10000;
	a.avail_user_addr = 0x14000;
	a.used_user_addr = 0x18000;
	expect(xioctl(g->fd, VHOST_SET_VRING_ADDR, &a), 0);
	expect(self_backend(g, TX), -EFAULT);
	a.used_user_addr = 0xffff888000008000ull;
	expect(xioctl(g->fd, VHOST_SET_VRING_ADDR, &a), 0);
	expect(self_backend(g, TX), -EFAULT);

	check(guest_setup_vq(g, TX) == 0, "rings back in guest memory");
	expect(self_backend(g, TX), 0);
	expect(self_backend(g, TX), 0);			/* idempotent */
	expect(self_backend(g, RX), 0);
	struct vhost_vring_state s = { TX, 256 };
	expect(xioctl(g->fd, VHOST_SET_VRING_NUM, &s), -EBUSY);
}

/* The port's tap file (VHOST_KVS_TAP_FD), as Debian's QEMU will use it. */
static void test_tapfile(struct guest *g)
{
	unsigned long offl = TUN_F_CSUM | TUN_F_UFO;
	unsigned int feat = 0;
	struct ifreq ifr = { 0 };
	char frame[12 + 60] = { 0 };
	struct guest other;
	int t, t2, v;

	t = ioctl(g->fd, VHOST_KVS_TAP_FD);
	check(t >= 0 && (fcntl(t, F_GETFD) & FD_CLOEXEC),
	      "VHOST_KVS_TAP_FD: a close-on-exec tap file");
	expect(xioctl(t, TUNGETFEATURES, &feat), 0);
	check(feat == (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE),
	      "TUNGETFEATURES: tap, no packet info, virtio-net header, multiqueue");
	expect(xioctl(t, TUNGETIFF, &ifr), 0);
	check(ifr.ifr_flags & IFF_VNET_HDR, "TUNGETIFF says IFF_VNET_HDR");
	v = 4;
	expect(xioctl(t, TUNSETVNETHDRSZ, &v), -EINVAL);
	v = 12;
	expect(xioctl(t, TUNSETVNETHDRSZ, &v), 0);
	v = 0;
	expect(xioctl(t, TUNGETVNETHDRSZ, &v), 0);
	check(v == 12, "TUNGETVNETHDRSZ gives back 12");
	v = 1;
	expect(xioctl(t, TUNSETVNETBE, &v), -EINVAL);
	expect(xioctl(t, TUNSETVNETLE, &v), 0);
	expect(xioctl(t, TUNSETOFFLOAD, (void *)offl), -EINVAL);	/* no UFO */
	offl = TUN_F_CSUM | TUN_F_TSO4;
	expect(xioctl(t, TUNSETOFFLOAD, (void *)offl), 0);
	expect(xioctl(t, TUNSETIFF, &ifr), -EINVAL);
	check(read(t, frame, sizeof(frame)) < 0 && errno == EAGAIN,
	      "read from the tap file: EAGAIN");
	check(write(t, frame, 12 + 10) < 0 && errno == EINVAL,
	      "write of a runt frame: EINVAL");
	memset(frame + 12, 0xff, 6);		/* broadcast, dropped unattached */
	memcpy(frame + 18, "\x52\x54\x00\x00\x00\x01", 6);
	check(write(t, frame, sizeof(frame)) == sizeof(frame),
	      "write of a 60-byte frame is taken");
	expect(guest_set_backend(g, TX, t), 0);
	check(guest_init(&other, dev) == 0, "open a second instance");
	t2 = ioctl(other.fd, VHOST_KVS_TAP_FD);
	expect(guest_set_backend(g, TX, t2), -EINVAL);	/* another port's */
	close(t2);
	guest_fini(&other);
	close(t);
}

/* Post a TX chain; expect it back in the used ring (consumed, not stuck). */
static void tx_expect_used(struct guest *g, const char *what, unsigned int n,
			   const uint64_t *addr, const uint32_t *len,
			   const uint16_t *flags)
{
	uint32_t id = ~0u, ulen = ~0u;
	int head = guest_post(g, TX, n, addr, len, flags);
	int got;

	guest_kick(g, TX);
	got = guest_wait_used(g, TX, WAIT_MS, &id, &ulen);
	check(got && id == (uint32_t)head && ulen == 0,
	      "TX %s: completed (got %d id %u/%d len %u)", what, got, id, head,
	      ulen);
}

static void fill_frame(struct guest *g, uint64_t at, uint32_t flen)
{
	struct virtio_net_hdr_mrg_rxbuf *h = gpa(g, at);
	uint8_t *f = (uint8_t *)(h + 1);

	memset(h, 0, sizeof(*h));
	memset(f, 0xff, 6);				/* broadcast */
	for (uint32_t i = 6; i < flen; i++)
		f[i] = (uint8_t)i;
}

static void test_tx(struct guest *g)
{
	const uint64_t buf = 0x200000;
	const uint32_t hl = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	uint64_t addr[2] = { buf, buf + hl };
	uint32_t len[2] = { hl + 60, 0 };
	uint16_t flags[2] = { 0, 0 };
	struct virtio_net_hdr_mrg_rxbuf *h = gpa(g, buf);

	fill_frame(g, buf, 60);
	tx_expect_used(g, "60 B frame, one segment", 1, addr, len, flags);
	len[0] = hl;
	len[1] = 1514;
	fill_frame(g, buf, 1514);
	tx_expect_used(g, "1514 B frame, header split", 2, addr, len, flags);
	len[0] = hl + 10;
	tx_expect_used(g, "runt frame", 1, addr, len, flags);
	len[0] = hl + 70000;	/* over 64 KiB + Ethernet and VLAN headers */
	tx_expect_used(g, "oversize frame (70000 B)", 1, addr, len, flags);
	len[0] = hl + 60;
	h->hdr.gso_type = 9;
	tx_expect_used(g, "bogus GSO type", 1, addr, len, flags);
	h->hdr.gso_type = 0;
	h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->hdr.csum_start = 50;
	h->hdr.csum_offset = 16;
	tx_expect_used(g, "checksum offset past the frame", 1, addr, len, flags);
	h->hdr.flags = 0;
	flags[0] = VRING_DESC_F_WRITE;
	tx_expect_used(g, "device-writable segment", 1, addr, len, flags);
	flags[0] = 0;
	len[0] = 0;
	tx_expect_used(g, "zero-length descriptor", 1, addr, len, flags);
}

/* A broken chain stops the ring: the device must report it, not crash. */
static void tx_expect_error(struct guest *g, const char *what,
			    struct vring_desc d0, struct vring_desc d1)
{
	struct guest_vq *q = &g->vq[TX];
	uint32_t id, len;

	check(guest_reset_vq(g, TX) == 0 && self_backend(g, TX) == 0,
	      "fresh TX ring for %s", what);
	q->desc[0] = d0;
	q->desc[1] = d1;
	q->avail->ring[0] = 0;
	__atomic_store_n(&q->avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
	guest_kick(g, TX);
	check(guest_wait_fd(q->err, WAIT_MS), "TX %s: error eventfd fired", what);
	check(!guest_wait_used(g, TX, 100, &id, &len),
	      "TX %s: nothing completed", what);
	expect(guest_reset_vq(g, TX), 0);
}

static void test_tx_malformed(struct guest *g)
{
	const uint16_t next = VRING_DESC_F_NEXT;
	struct vring_desc none = { 0 };

	tx_expect_error(g, "descriptor loop",
			(struct vring_desc){ 0x200000, 64, next, 1 },
			(struct vring_desc){ 0x200040, 64, next, 0 });
	tx_expect_error(g, "address outside the memory table",
			(struct vring_desc){ 0x40000000, 74, 0, 0 }, none);
	tx_expect_error(g, "buffer straddling the end of memory",
			(struct vring_desc){ GUEST_MEM_SIZE - 8, 74, 0, 0 },
			none);
	tx_expect_error(g, "next index out of the table",
			(struct vring_desc){ 0x200000, 64, next, 999 }, none);
	tx_expect_error(g, "indirect table of bad size",
			(struct vring_desc){ 0x200000, 15,
					     VRING_DESC_F_INDIRECT, 0 }, none);
}

/* Closing a port with queues running and frames posted must not hang. */
static void test_close_running(void)
{
	const uint32_t hl = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	uint64_t addr = 0x200000, f = 1ULL << VIRTIO_F_VERSION_1;
	uint32_t len = hl + 60;
	uint16_t flags = 0;
	struct guest g;
	int ok;

	ok = guest_init(&g, dev) == 0 &&
	     xioctl(g.fd, VHOST_SET_OWNER, NULL) == 0 &&
	     xioctl(g.fd, VHOST_SET_FEATURES, &f) == 0 &&
	     guest_set_mem(&g) == 0 && guest_setup_vq(&g, RX) == 0 &&
	     guest_setup_vq(&g, TX) == 0 && self_backend(&g, RX) == 0 &&
	     self_backend(&g, TX) == 0;
	fill_frame(&g, addr, 60);
	for (int i = 0; i < 32; i++)
		guest_post(&g, TX, 1, &addr, &len, &flags);
	guest_kick(&g, TX);
	guest_fini(&g);
	check(ok, "close with both queues running and frames in flight");
}

static int attach(int fd, const char *sw, const uint8_t *mac, uint16_t flags,
		  uint32_t reserved)
{
	struct vhost_kvs_attach a = { .flags = flags };

	/* Names of 16 bytes or more arrive without NUL, on purpose. */
	memcpy(a.switch_name, sw, strnlen(sw, sizeof(a.switch_name)));
	memcpy(a.mac, mac, 6);
	a.reserved[2] = reserved;
	return xioctl(fd, VHOST_KVS_ATTACH, &a);
}

static int add_queue(int fd, int lead)
{
	return xioctl(fd, VHOST_KVS_ADD_QUEUE, &lead);
}

static int queue_enable(int fd, uint32_t on)
{
	return xioctl(fd, VHOST_KVS_SET_QUEUE_ENABLE, &on);
}

/* Multiqueue: files joining a port as queue pairs, and leaving it. */
static void test_queues(const char *sw)
{
	const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x58 };
	int lead = open(dev, O_RDWR), q[VHOST_KVS_QUEUES_MAX];
	int null = open("/dev/null", O_RDONLY), n, t;
	struct ifreq ifr = { 0 };

	for (n = 0; n < VHOST_KVS_QUEUES_MAX; n++)
		q[n] = open(dev, O_RDWR);
	check(lead >= 0 && null >= 0 && q[VHOST_KVS_QUEUES_MAX - 1] >= 0,
	      "open a port and %d more files", VHOST_KVS_QUEUES_MAX);
	expect(add_queue(q[0], -1), -EBADF);
	expect(add_queue(q[0], null), -EINVAL);
	expect(add_queue(q[0], q[0]), -EINVAL);		/* itself */
	expect(add_queue(q[0], lead), -ENOTCONN);	/* not attached yet */
	expect(attach(lead, sw, mac, 0, 0), 0);
	expect(add_queue(q[0], lead), 0);
	expect(add_queue(q[0], lead), -EISCONN);
	expect(attach(q[0], sw, mac, 0, 0), -EISCONN);
	expect(add_queue(q[1], q[0]), -EINVAL);		/* a queue pair */
	expect(add_queue(lead, q[1]), -EISCONN);	/* lead is attached */
	for (n = 1; n < VHOST_KVS_QUEUES_MAX - 1; n++)
		if (add_queue(q[n], lead))
			break;
	check(n == VHOST_KVS_QUEUES_MAX - 1, "a port takes %d queue pairs (%d)",
	      VHOST_KVS_QUEUES_MAX, n + 1);
	expect(add_queue(q[n], lead), -ENOSPC);
	expect(xioctl(q[1], VHOST_KVS_DETACH, NULL), 0);	/* leaves */
	expect(xioctl(q[1], VHOST_KVS_DETACH, NULL), -ENOTCONN);
	expect(add_queue(q[n], lead), 0);		/* its place is free */
	expect(queue_enable(q[2], 2), -EINVAL);
	expect(queue_enable(q[2], 0), 0);
	expect(queue_enable(q[2], 1), 0);
	t = ioctl(q[3], VHOST_KVS_TAP_FD);
	ifr.ifr_flags = IFF_DETACH_QUEUE;
	expect(xioctl(t, TUNSETQUEUE, &ifr), 0);
	ifr.ifr_flags = IFF_ATTACH_QUEUE;
	expect(xioctl(t, TUNSETQUEUE, &ifr), 0);
	ifr.ifr_flags = IFF_TAP;
	expect(xioctl(t, TUNSETQUEUE, &ifr), -EINVAL);
	close(t);
	close(q[4]);				/* a queue pair's file closes */
	close(lead);				/* the port goes, with its queues */
	expect(xioctl(q[2], VHOST_KVS_DETACH, NULL), -ENOTCONN);
	expect(attach(q[2], sw, mac, 0, 0), 0);		/* free to be a port */
	expect(add_queue(q[3], q[2]), 0);
	for (n = 0; n < VHOST_KVS_QUEUES_MAX; n++)
		if (n != 4)
			close(q[n]);
	close(null);
}


/*
 * With KVS_ATTACH_NETNS=/run/netns/NAME, attach in that network namespace
 * and come back: the port then outlives the namespace, which holds no
 * reference to it (a test deletes the namespace under its ports).
 */
static int attach_in(const char *netns, int fd, const char *sw,
		     const uint8_t *mac)
{
	int home = open("/proc/self/ns/net", O_RDONLY), there, r;

	there = open(netns, O_RDONLY);
	if (home < 0 || there < 0 || setns(there, CLONE_NEWNET))
		return -errno;
	r = attach(fd, sw, mac, 0, 0);
	if (setns(home, CLONE_NEWNET))
		r = -errno;
	close(there);
	close(home);
	return r;
}

static volatile sig_atomic_t probe;

static void probe_signal(int sig)
{
	(void)sig;
	probe = 1;
}

/* A holder's port is a guest with a running TX queue, so that a probe can
 * tell whether the port still completes what its guest sends.
 */
static int hold_guest(struct guest *g)
{
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1;

	if (guest_init(g, dev))
		return -1;
	if (xioctl(g->fd, VHOST_SET_OWNER, NULL) ||
	    xioctl(g->fd, VHOST_SET_FEATURES, &f) || guest_set_mem(g) ||
	    guest_setup_vq(g, RX) || guest_setup_vq(g, TX) ||
	    self_backend(g, TX)) {
		guest_fini(g);
		return -1;
	}
	return 0;
}

/* Send one broadcast frame: "ok" when it comes back used in time. A
 * detached port completes it as a drop, like an unplugged NIC.
 */
static const char *hold_tx(struct guest *g)
{
	const uint32_t hl = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	uint64_t addr = 0x200000;
	uint32_t len = hl + 60, id, ulen;
	uint16_t flags = 0;
	int head;

	fill_frame(g, addr, 60);
	head = guest_post(g, TX, 1, &addr, &len, &flags);
	guest_kick(g, TX);
	if (!guest_wait_used(g, TX, WAIT_MS, &id, &ulen))
		return "stuck";
	return id == (uint32_t)head ? "ok" : "wrong-id";
}

/* -H: attach one port and keep it until killed; SIGUSR1 prints whether
 * it is still attached and whether its TX queue moves ("probe: attached
 * tx ok", "probe: detached tx stuck", ...).
 */
static int hold(const char *sw, const char *mac_s)
{
	const char *netns = getenv("KVS_ATTACH_NETNS");
	struct guest g;
	uint8_t mac[6];
	int r;

	if (kvs_parse_mac(mac_s, mac) || hold_guest(&g)) {
		fprintf(stderr, "kvs-devtest: cannot set up a port on %s or bad MAC %s\n",
			dev, mac_s);
		return 2;
	}
	r = netns ? attach_in(netns, g.fd, sw, mac) : attach(g.fd, sw, mac, 0, 0);
	if (r) {
		fprintf(stderr, "kvs-devtest: attach to %s: %s\n", sw, strerror(-r));
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	signal(SIGUSR1, probe_signal);
	for (;;) {
		pause();
		if (!probe)
			continue;
		probe = 0;
		/* Attached, EISCONN; else ENOENT (no such switch here): a
		 * question that changes nothing either way.
		 */
		r = attach(g.fd, sw, mac, 0, 0);
		printf("probe: %s tx %s\n", r == -EISCONN ? "attached" :
		       r == -ENOENT ? "detached" : strerror(-r), hold_tx(&g));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	const char *sw = NULL;
	struct guest g;
	int o;

	while ((o = getopt(argc, argv, "s:H")) != -1) {
		if (o == 's') {
			sw = optarg;
		} else if (o == 'H' && argc - optind >= 2) {
			if (argc - optind > 2)
				dev = argv[optind + 2];
			return hold(argv[optind], argv[optind + 1]);
		} else {
			fprintf(stderr, "usage: kvs-devtest [-s SWITCH] [DEVICE] | -H SWITCH MAC [DEVICE]\n");
			return 2;
		}
	}
	if (optind < argc)
		dev = argv[optind];
	test_owner();

	if (guest_init(&g, dev)) {
		printf("Bail out! cannot open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	expect(xioctl(g.fd, VHOST_SET_OWNER, NULL), 0);
	test_features(&g);
	test_mem_table(&g);
	test_vring_args(&g);
	test_backend(&g);
	test_tapfile(&g);
	expect(xioctl(g.fd, VHOST_SET_FEATURES, &f), 0);
	test_tx(&g);
	test_tx_malformed(&g);
	guest_fini(&g);
	test_close_running();
	if (sw) {
		test_queues(sw);
	}

	return tap_done("kvs-devtest");
}
