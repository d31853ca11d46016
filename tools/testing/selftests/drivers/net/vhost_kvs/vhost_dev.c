// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vhost-kvs driven the way a VMM drives it, with every refusal for
 * bad input: ownership, features, memory tables, ring addresses,
 * backends, the port's tap file, frames a guest sends (well-formed,
 * malformed and hostile), broken descriptor chains, and a close with
 * frames in flight. No switch is needed: an unattached port completes
 * what its guest sends, as drops.
 *
 * The guest is this process (guest.c): its memory is an anonymous
 * mapping, its rings live in it. Run as root, in a kernel with
 * CONFIG_VHOST_KVS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

#include "../../../kselftest_harness.h"
#include "guest.h"

#define DEV	"/dev/vhost-kvs"
#define RX	VHOST_KVS_VQ_RX
#define TX	VHOST_KVS_VQ_TX
#define WAIT_MS	3000	/* an emulated machine is slow; still bounded */
#define BUF	0x200000	/* where frames go in guest memory */
#define HDR_LEN	((uint32_t)sizeof(struct virtio_net_hdr_mrg_rxbuf))

/* ioctl as -errno, so that expectations read "EXPECT_EQ(-EINVAL, ...)". */
static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int set_features(struct guest *g, uint64_t f)
{
	return xioctl(g->fd, VHOST_SET_FEATURES, &f);
}

/* A broadcast frame of @flen bytes after a zeroed header at @at. */
static int set_regions(struct guest *g, uint32_t n, uint64_t size,
		       uint64_t uaddr, uint32_t padding)
{
	struct vhost_memory *m;
	int r;

	m = calloc(1, sizeof(*m) + n * sizeof(m->regions[0]));
	if (!m)
		return -ENOMEM;
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

/* Who may set up a device: its owner only, one owner at a time. */
TEST(owner)
{
	uint64_t want = (1ULL << VIRTIO_F_VERSION_1) |
			(1ULL << VIRTIO_NET_F_MRG_RXBUF) |
			(1ULL << VIRTIO_RING_F_EVENT_IDX) |
			(1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
			(1ULL << VHOST_F_LOG_ALL);
	struct guest g;
	uint64_t f = 0;
	pid_t pid;
	int st;

	ASSERT_EQ(0, guest_init(&g, DEV));
	EXPECT_EQ(0, xioctl(g.fd, VHOST_GET_FEATURES, &f));
	EXPECT_EQ(want, f & want)
		TH_LOG("features 0x%llx", (unsigned long long)f);
	EXPECT_EQ(-EPERM, guest_set_mem(&g));		/* no owner yet */
	EXPECT_EQ(0, xioctl(g.fd, VHOST_SET_OWNER, NULL));
	EXPECT_EQ(-EBUSY, xioctl(g.fd, VHOST_SET_OWNER, NULL));

	/* Another process holding the same file is not the owner. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int a = guest_set_mem(&g) == -EPERM;
		int b = xioctl(g.fd, VHOST_SET_OWNER, NULL) == -EBUSY;

		_exit(a && b ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st))
		TH_LOG("second process: SET_MEM_TABLE must fail EPERM, SET_OWNER EBUSY");
	EXPECT_EQ(0, xioctl(g.fd, VHOST_RESET_OWNER, NULL));
	EXPECT_EQ(0, xioctl(g.fd, VHOST_SET_OWNER, NULL));
	guest_fini(&g);
}

/* A device owned by this process. */
FIXTURE(dev) {
	struct guest g;
};

FIXTURE_SETUP(dev)
{
	ASSERT_EQ(0, guest_init(&self->g, DEV));
	ASSERT_EQ(0, xioctl(self->g.fd, VHOST_SET_OWNER, NULL));
}

FIXTURE_TEARDOWN(dev)
{
	guest_fini(&self->g);
}

TEST_F(dev, features)
{
	struct guest *g = &self->g;
	uint64_t f = 1ULL << 40;

	EXPECT_EQ(-EOPNOTSUPP, set_features(g, 1ULL << VIRTIO_NET_F_GUEST_TSO4));
	EXPECT_EQ(-EOPNOTSUPP, set_features(g, 1ULL << 63));
	EXPECT_EQ(0, set_features(g, (1ULL << VIRTIO_F_VERSION_1) |
				     (1ULL << VIRTIO_NET_F_MRG_RXBUF)));
	EXPECT_EQ(-EOPNOTSUPP, xioctl(g->fd, VHOST_SET_BACKEND_FEATURES, &f));
}

TEST_F(dev, mem_table)
{
	struct guest *g = &self->g;
	uintptr_t u = (uintptr_t)g->mem;

	EXPECT_EQ(-E2BIG, set_regions(g, 65, 4096, u, 0));
	EXPECT_EQ(-EOPNOTSUPP, set_regions(g, 1, 4096, u, 1));
	EXPECT_EQ(-EINVAL, set_regions(g, 1, 0, u, 0));	/* empty region */
	EXPECT_EQ(-EFAULT, set_regions(g, 1, 4096, UINT64_MAX - 100, 0));
	EXPECT_EQ(-EFAULT, set_regions(g, 1, 4096, 0xffff888000000000ull, 0));
	EXPECT_EQ(-EFAULT, set_regions(g, 1, 1ull << 62, u, 0));
	EXPECT_EQ(0, guest_set_mem(g));
}

TEST_F(dev, vring_args)
{
	struct guest *g = &self->g;
	struct vhost_vring_state s = { TX, 0 };
	struct vhost_vring_addr a = {
		.index = TX,
		.desc_user_addr = (uintptr_t)g->mem,
		.avail_user_addr = (uintptr_t)g->mem + 0x4001,	/* needs 2 */
		.used_user_addr = (uintptr_t)g->mem + 0x8000,
	};

	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_NUM, &s));
	s.num = 100;					/* not a power of 2 */
	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_NUM, &s));
	s.num = 65536;
	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_NUM, &s));
	s.index = 2;					/* no third queue */
	s.num = 256;
	EXPECT_EQ(-ENOBUFS, xioctl(g->fd, VHOST_SET_VRING_NUM, &s));
	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_ADDR, &a));
	a.avail_user_addr -= 1;
	a.used_user_addr += 2;				/* needs 4 */
	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_ADDR, &a));
	a.used_user_addr -= 2;
	a.flags = 0x80;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(g->fd, VHOST_SET_VRING_ADDR, &a));
	s.index = TX;
	s.num = 0x10000;				/* base beyond 16 bits */
	EXPECT_EQ(-EINVAL, xioctl(g->fd, VHOST_SET_VRING_BASE, &s));
}

TEST_F(dev, backend)
{
	struct guest *g = &self->g;
	struct vhost_vring_addr a = { .index = TX };
	struct vhost_vring_state s = { TX, 256 };
	int null = open("/dev/null", O_RDWR);
	struct guest other;

	ASSERT_LE(0, null);
	ASSERT_EQ(0, guest_set_mem(g));
	ASSERT_EQ(0, guest_setup_vq(g, RX));
	ASSERT_EQ(0, guest_setup_vq(g, TX));
	EXPECT_EQ(-ENOBUFS, guest_set_backend(g, 2, g->fd));
	EXPECT_EQ(-EBADF, guest_set_backend(g, TX, 9999));
	EXPECT_EQ(-EINVAL, guest_set_backend(g, TX, null));
	ASSERT_EQ(0, guest_init(&other, DEV));
	EXPECT_EQ(-EINVAL, guest_set_backend(g, TX, other.fd));
	guest_fini(&other);
	close(null);

	/* Rings on an unmapped page, then on a kernel address. */
	a.desc_user_addr = 0x10000;
	a.avail_user_addr = 0x14000;
	a.used_user_addr = 0x18000;
	EXPECT_EQ(0, xioctl(g->fd, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(-EFAULT, guest_self_backend(g, TX));
	a.used_user_addr = 0xffff888000008000ull;
	EXPECT_EQ(0, xioctl(g->fd, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(-EFAULT, guest_self_backend(g, TX));

	ASSERT_EQ(0, guest_setup_vq(g, TX));		/* back in guest memory */
	EXPECT_EQ(0, guest_self_backend(g, TX));
	EXPECT_EQ(0, guest_self_backend(g, TX));		/* idempotent */
	EXPECT_EQ(0, guest_self_backend(g, RX));
	EXPECT_EQ(-EBUSY, xioctl(g->fd, VHOST_SET_VRING_NUM, &s));
}

/* The port's tap file (VHOST_KVS_TAP_FD), for VMMs that speak only tap. */
TEST_F(dev, tapfile)
{
	struct guest *g = &self->g;
	unsigned long offl = TUN_F_CSUM | TUN_F_UFO;
	char frame[12 + 60] = { 0 };
	struct ifreq ifr = { 0 };
	unsigned int feat = 0;
	struct guest other;
	int t, t2, v;

	ASSERT_EQ(0, guest_set_mem(g));
	ASSERT_EQ(0, guest_setup_vq(g, TX));
	t = ioctl(g->fd, VHOST_KVS_TAP_FD);
	ASSERT_LE(0, t);
	EXPECT_TRUE(fcntl(t, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, xioctl(t, TUNGETFEATURES, &feat));
	EXPECT_EQ((unsigned int)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE), feat);
	EXPECT_EQ(0, xioctl(t, TUNGETIFF, &ifr));
	EXPECT_TRUE(ifr.ifr_flags & IFF_VNET_HDR);
	v = 4;
	EXPECT_EQ(-EINVAL, xioctl(t, TUNSETVNETHDRSZ, &v));
	v = 12;
	EXPECT_EQ(0, xioctl(t, TUNSETVNETHDRSZ, &v));
	v = 0;
	EXPECT_EQ(0, xioctl(t, TUNGETVNETHDRSZ, &v));
	EXPECT_EQ(12, v);
	v = 1;
	EXPECT_EQ(-EINVAL, xioctl(t, TUNSETVNETBE, &v));
	EXPECT_EQ(0, xioctl(t, TUNSETVNETLE, &v));
	EXPECT_EQ(-EINVAL, xioctl(t, TUNSETOFFLOAD, (void *)offl)); /* UFO */
	offl = TUN_F_CSUM | TUN_F_TSO4;
	EXPECT_EQ(0, xioctl(t, TUNSETOFFLOAD, (void *)offl));
	EXPECT_EQ(-EINVAL, xioctl(t, TUNSETIFF, &ifr));
	EXPECT_EQ(-1, read(t, frame, sizeof(frame)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, write(t, frame, 12 + 10));	/* a runt */
	EXPECT_EQ(EINVAL, errno);
	memset(frame + 12, 0xff, 6);		/* broadcast, dropped unattached */
	memcpy(frame + 18, "\x52\x54\x00\x00\x00\x01", 6);
	EXPECT_EQ((ssize_t)sizeof(frame), write(t, frame, sizeof(frame)));
	EXPECT_EQ(0, guest_set_backend(g, TX, t));
	ASSERT_EQ(0, guest_init(&other, DEV));
	t2 = ioctl(other.fd, VHOST_KVS_TAP_FD);
	EXPECT_EQ(-EINVAL, guest_set_backend(g, TX, t2)); /* another port's */
	close(t2);
	guest_fini(&other);
	close(t);
}

/* A device with its rings running: frames from the guest to a port
 * attached to nothing.
 */
FIXTURE(tx) {
	struct guest g;
};

FIXTURE_SETUP(tx)
{
	struct guest *g = &self->g;

	ASSERT_EQ(0, guest_init(g, DEV));
	ASSERT_EQ(0, xioctl(g->fd, VHOST_SET_OWNER, NULL));
	ASSERT_EQ(0, set_features(g, (1ULL << VIRTIO_F_VERSION_1) |
				     (1ULL << VIRTIO_NET_F_MRG_RXBUF)));
	ASSERT_EQ(0, guest_set_mem(g));
	ASSERT_EQ(0, guest_setup_vq(g, RX));
	ASSERT_EQ(0, guest_setup_vq(g, TX));
	ASSERT_EQ(0, guest_self_backend(g, RX));
	ASSERT_EQ(0, guest_self_backend(g, TX));
}

FIXTURE_TEARDOWN(tx)
{
	guest_fini(&self->g);
}

/* Post a TX chain; 0 when it came back used, consumed, in time. */
static int tx_used(struct guest *g, unsigned int n, const uint64_t *addr,
		   const uint32_t *len, const uint16_t *flags)
{
	uint32_t id = ~0u, ulen = ~0u;
	int head = guest_post(g, TX, n, addr, len, flags);

	guest_kick(g, TX);
	if (!guest_wait_used(g, TX, WAIT_MS, &id, &ulen))
		return -ETIMEDOUT;
	return id == (uint32_t)head && ulen == 0 ? 0 : -EPROTO;
}

/* Every frame completes, whatever it holds: sent or counted as a drop. */
TEST_F(tx, completes)
{
	struct guest *g = &self->g;
	struct virtio_net_hdr_mrg_rxbuf *h = gpa(g, BUF);
	uint64_t addr[2] = { BUF, BUF + HDR_LEN };
	uint32_t len[2] = { HDR_LEN + 60, 0 };
	uint16_t flags[2] = { 0, 0 };

	guest_fill_broadcast(g, BUF, 60);
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags)) TH_LOG("60 B, one segment");
	len[0] = HDR_LEN;
	len[1] = 1514;
	guest_fill_broadcast(g, BUF, 1514);
	EXPECT_EQ(0, tx_used(g, 2, addr, len, flags)) TH_LOG("1514 B, header split");
	len[0] = HDR_LEN + 10;
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags)) TH_LOG("runt");
	len[0] = HDR_LEN + 70000;	/* over 64 KiB + Ethernet and VLAN headers */
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags)) TH_LOG("oversize");
	len[0] = HDR_LEN + 60;
	h->hdr.gso_type = 9;
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags)) TH_LOG("bogus GSO type");
	h->hdr.gso_type = 0;
	h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->hdr.csum_start = 50;
	h->hdr.csum_offset = 16;
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags))
		TH_LOG("checksum offset past the frame");
	h->hdr.flags = 0;
	flags[0] = VRING_DESC_F_WRITE;
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags))
		TH_LOG("device-writable segment");
	flags[0] = 0;
	len[0] = 0;
	EXPECT_EQ(0, tx_used(g, 1, addr, len, flags))
		TH_LOG("zero-length descriptor");
}

/*
 * A broken chain stops the ring: the device reports it on the error
 * eventfd and completes nothing. 0 when it did just that.
 */
static int tx_broken(struct guest *g, struct vring_desc d0,
		     struct vring_desc d1)
{
	struct guest_vq *q = &g->vq[TX];
	uint32_t id, len;

	if (guest_reset_vq(g, TX) || guest_self_backend(g, TX))
		return -EIO;
	q->desc[0] = d0;
	q->desc[1] = d1;
	q->avail->ring[0] = 0;
	__atomic_store_n(&q->avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
	guest_kick(g, TX);
	if (!guest_wait_fd(q->err, WAIT_MS))
		return -ETIMEDOUT;
	if (guest_wait_used(g, TX, 100, &id, &len))
		return -EPROTO;
	return guest_reset_vq(g, TX);
}

TEST_F(tx, broken_chains)
{
	const uint16_t next = VRING_DESC_F_NEXT;
	const struct {
		const char *what;
		struct vring_desc d0, d1;
	} bad[] = {
		{ "descriptor loop", { BUF, 64, next, 1 }, { BUF + 64, 64, next, 0 } },
		{ "address outside the memory table", { 0x40000000, 74, 0, 0 } },
		{ "buffer straddling the end of memory",
		  { GUEST_MEM_SIZE - 8, 74, 0, 0 } },
		{ "next index out of the table", { BUF, 64, next, 999 } },
		{ "indirect table of bad size",
		  { BUF, 15, VRING_DESC_F_INDIRECT, 0 } },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(0, tx_broken(&self->g, bad[i].d0, bad[i].d1))
			TH_LOG("%s", bad[i].what);
	}
}

/* Closing a port with its queues running and frames posted: no hang. */
TEST_F(tx, close_running)
{
	struct guest *g = &self->g;
	uint32_t len = HDR_LEN + 60;
	uint64_t addr = BUF;
	uint16_t flags = 0;

	guest_fill_broadcast(g, BUF, 60);
	for (int i = 0; i < 32; i++)
		ASSERT_LE(0, guest_post(g, TX, 1, &addr, &len, &flags));
	guest_kick(g, TX);
	/* The teardown closes it; the harness's timeout catches a hang. */
}

TEST_HARNESS_MAIN
