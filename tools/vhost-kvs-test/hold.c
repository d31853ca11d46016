// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-hold: attach one port to a switch and hold it until killed, as a
 * VMM holds its guest's port, for the L1 tests of port listing, policy,
 * close and switch deletion. The tests of the device itself are the
 * vhost_dev and port_attach kselftests.
 *
 * Usage: kvs-hold SWITCH MAC [DEVICE]   (default /dev/vhost-kvs)
 *
 * Prints "attached" once attached. With KVS_ATTACH_NETNS=/run/netns/NAME
 * set, the attach happens in that network namespace. On SIGUSR1 it says
 * whether the port is still attached and whether its TX queue still
 * completes a frame ("probe: attached tx ok", "probe: detached tx
 * stuck", ...).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/vhost_kvs.h>

#include "guest.h"
#include "kvs-mac.h"

#define RX	VHOST_KVS_VQ_RX
#define TX	VHOST_KVS_VQ_TX
#define WAIT_MS	3000	/* a TCG-emulated L1 is slow; still bounded */

static const char *dev = "/dev/vhost-kvs";

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
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
	    guest_self_backend(g, TX)) {
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

	guest_fill_broadcast(g, addr, 60);
	head = guest_post(g, TX, 1, &addr, &len, &flags);
	guest_kick(g, TX);
	if (!guest_wait_used(g, TX, WAIT_MS, &id, &ulen))
		return "stuck";
	return id == (uint32_t)head ? "ok" : "wrong-id";
}

static int hold(const char *sw, const char *mac_s)
{
	const char *netns = getenv("KVS_ATTACH_NETNS");
	struct guest g;
	uint8_t mac[6];
	int r;

	if (kvs_parse_mac(mac_s, mac) || hold_guest(&g)) {
		fprintf(stderr, "kvs-hold: cannot set up a port on %s or bad MAC %s\n",
			dev, mac_s);
		return 2;
	}
	/* In another namespace, the port outlives it (a test deletes it). */
	r = guest_attach(g.fd, sw, mac, netns);
	if (r) {
		fprintf(stderr, "kvs-hold: attach to %s: %s\n", sw, strerror(-r));
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
		r = guest_attach(g.fd, sw, mac, NULL);
		printf("probe: %s tx %s\n", r == -EISCONN ? "attached" :
		       r == -ENOENT ? "detached" : strerror(-r), hold_tx(&g));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: kvs-hold SWITCH MAC [DEVICE]\n");
		return 2;
	}
	if (argc == 4)
		dev = argv[3];
	return hold(argv[1], argv[2]);
}
