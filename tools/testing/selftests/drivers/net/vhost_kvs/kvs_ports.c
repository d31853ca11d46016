// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_ports: guests played for a Python test. It attaches N ports to a
 * switch (MACs 52:54:00:aa:00:01, :02, ...: port i has MAC ...:i+1), then
 * reads one command per line on stdin and answers each with one line:
 *
 *   send P SRC DST VID LEN CSUM  port P sends a frame of LEN bytes from
 *                                SRC to DST (12 hex digits each), tagged
 *                                with VID unless 0, EtherType 0x88b5,
 *                                zeroes after; with CSUM >= 0, a
 *                                virtio-net header asking for a checksum
 *                                at that offset. Answer: 1 when its
 *                                buffer came back (the switch has
 *                                classified it), else 0.
 *   rx P WANT                    wait (at most 2 s) until port P has
 *                                received WANT frames since the last rx;
 *                                answer "N TAG": how many came, and the
 *                                last one's form: -1 none, 0 untagged,
 *                                a VID when tagged, -2 another EtherType.
 *   addq P                       a new file joins port P as a queue pair
 *                                (VHOST_KVS_ADD_QUEUE); answer its file
 *                                number F (ports are 0..N-1), or -errno.
 *   close F                      close file F; answer 0.
 *   coalesce F                   VHOST_KVS_GET_COALESCE on file F:
 *                                "FRAMES USECS", or -errno.
 *   attach P SWITCH              VHOST_KVS_ATTACH of port P's file again,
 *                                in this namespace: 0 or -errno (EISCONN
 *                                while it is attached).
 *
 * Usage: kvs_ports SWITCH N [NETNS]: with NETNS (a path such as
 * /run/netns/NAME), the ports attach to SWITCH in that namespace, and the
 * process stays in its own, so they outlive that namespace. Prints
 * "ready" once attached, or "error ..." and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "guest.h"

#define DEV		"/dev/vhost-kvs"
#define RX		0
#define TX		1
#define HL		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define TXBUF		0x200000ull
#define RXBUF		0x300000ull
#define RXLEN		2048
#define NRX		128
#define MAX_FILES	16
#define WAIT_MS		2000

static struct guest file[MAX_FILES];
static unsigned int nports, nfiles;
/* The last frame each port received, from its Ethernet header on. */
static uint8_t last[MAX_FILES][18];

/* Port @p's MAC: 52:54:00:aa:00:(p + 1). */
static int attach(int fd, const char *sw, unsigned int p, const char *netns)
{
	uint8_t mac[6] = { 0x52, 0x54, 0, 0xaa, 0, p + 1 };

	return guest_attach(fd, sw, mac, netns);
}

static int port_open(unsigned int p, const char *sw, const char *netns)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	struct guest *g = &file[p];
	int r;

	if (guest_init(g, DEV))
		return -errno;
	r = attach(g->fd, sw, p, netns);
	if (r)
		return r;
	if (ioctl(g->fd, VHOST_SET_OWNER) ||
	    ioctl(g->fd, VHOST_SET_FEATURES, &f) || guest_set_mem(g) ||
	    guest_setup_vq(g, RX) || guest_setup_vq(g, TX))
		return -errno;
	for (uint16_t i = 0; i < NRX; i++)
		guest_add_buf(g, RX, i, RXBUF + i * RXLEN, RXLEN,
			      VRING_DESC_F_WRITE);
	guest_publish(g, RX);
	if (guest_set_backend(g, RX, g->fd) || guest_set_backend(g, TX, g->fd))
		return -errno;
	return 0;
}

static int hex_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];

	if (strlen(s) != 12 ||
	    sscanf(s, "%2x%2x%2x%2x%2x%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

static int cmd_send(unsigned int p, const char *src, const char *dst,
		    unsigned int vid, unsigned int len, int csum)
{
	struct guest *g = &file[p];
	uint8_t *f = gpa(g, TXBUF), *type = f + HL + 12;
	uint32_t blen = HL + len, id;
	uint64_t at = TXBUF;
	uint16_t flags = 0;

	if (len < 18 || len > 18 + 65535 || hex_mac(dst, f + HL) ||
	    hex_mac(src, f + HL + 6))
		return 0;
	memset(f, 0, HL);
	memset(f + HL + 12, 0, len - 12);
	if (csum >= 0) {
		struct virtio_net_hdr *vh = (void *)f;

		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = csum;
	}
	if (vid) {
		type[0] = 0x81;
		type[2] = vid >> 8;
		type[3] = vid & 0xff;
		type += 4;
	}
	type[0] = 0x88;
	type[1] = 0xb5;
	guest_post(g, TX, 1, &at, &blen, &flags);
	guest_kick(g, TX);
	return guest_wait_used(g, TX, WAIT_MS, &id, &blen);
}

/* Frames that reached port @p since the last call; buffers go back. */
static unsigned int rx_take(unsigned int p)
{
	struct guest *g = &file[p];
	unsigned int n = 0;
	uint32_t id, len;

	while (guest_used_next(g, RX, &id, &len)) {
		if (id < NRX && len > HL)
			memcpy(last[p], gpa(g, RXBUF + id * RXLEN + HL),
			       len - HL < sizeof(last[p]) ? len - HL :
							    sizeof(last[p]));
		guest_add_buf(g, RX, id, RXBUF + id * RXLEN, RXLEN,
			      VRING_DESC_F_WRITE);
		n++;
	}
	if (n) {
		guest_publish(g, RX);
		guest_kick(g, RX);
	}
	return n;
}

/* The form of port @p's last frame, as the rx command prints it. */
static int last_form(unsigned int p)
{
	const uint8_t *f = last[p];

	if (f[12] == 0x81 && f[13] == 0 && f[16] == 0x88 && f[17] == 0xb5)
		return (f[14] << 8 | f[15]) & 0xfff;
	return f[12] == 0x88 && f[13] == 0xb5 ? 0 : -2;
}

static void cmd_rx(unsigned int p, unsigned int want)
{
	unsigned int n = rx_take(p);

	for (int i = 0; i < WAIT_MS && n < want; i++) {
		guest_wait_fd(file[p].vq[RX].call, 1);
		n += rx_take(p);
	}
	printf("%u %d\n", n, n ? last_form(p) : -1);
}

static int cmd_addq(unsigned int p)
{
	struct guest *g = &file[nfiles];
	int fd = file[p].fd;

	if (nfiles == MAX_FILES)
		return -ENOSPC;
	if (guest_init(g, DEV))
		return -errno;
	if (ioctl(g->fd, VHOST_KVS_ADD_QUEUE, &fd)) {
		int r = -errno;

		guest_fini(g);
		return r;
	}
	return nfiles++;
}

static void cmd_close(unsigned int f)
{
	guest_fini(&file[f]);
	memset(&file[f], 0, sizeof(file[f]));
	printf("0\n");
}

static void cmd_coalesce(unsigned int f)
{
	struct vhost_kvs_coalesce c = { 0 };

	if (ioctl(file[f].fd, VHOST_KVS_GET_COALESCE, &c))
		printf("%d\n", -errno);
	else
		printf("%u %u\n", c.max_frames, c.max_usecs);
}

/* One command line; 0 when understood. */
static int command(char *line)
{
	char w[7][64];
	int n = sscanf(line, "%63s %63s %63s %63s %63s %63s %63s", w[0],
		       w[1], w[2], w[3], w[4], w[5], w[6]);
	unsigned int p = n > 1 ? strtoul(w[1], NULL, 10) : MAX_FILES;

	if (n < 2 || p >= nfiles || !file[p].mem)
		return -1;
	if (!strcmp(w[0], "send") && n == 7 && p < nports)
		printf("%d\n", cmd_send(p, w[2], w[3], strtoul(w[4], NULL, 10),
					strtoul(w[5], NULL, 10),
					atoi(w[6])));
	else if (!strcmp(w[0], "rx") && n == 3 && p < nports)
		cmd_rx(p, strtoul(w[2], NULL, 10));
	else if (!strcmp(w[0], "addq") && n == 2 && p < nports)
		printf("%d\n", cmd_addq(p));
	else if (!strcmp(w[0], "close") && n == 2 && p >= nports)
		cmd_close(p);
	else if (!strcmp(w[0], "coalesce") && n == 2)
		cmd_coalesce(p);
	else if (!strcmp(w[0], "attach") && n == 3 && p < nports)
		printf("%d\n", attach(file[p].fd, w[2], p, NULL));
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	char line[256];
	int r;

	if (argc < 3 || argc > 4 || atoi(argv[2]) < 1 ||
	    atoi(argv[2]) > MAX_FILES / 2) {
		fprintf(stderr, "usage: kvs_ports SWITCH N [NETNS] (N: 1..%d)\n",
			MAX_FILES / 2);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	nports = atoi(argv[2]);
	for (nfiles = 0; nfiles < nports; nfiles++) {
		r = port_open(nfiles, argv[1], argc > 3 ? argv[3] : NULL);
		if (r) {
			printf("error port %u on %s: %s\n", nfiles + 1, argv[1],
			       strerror(-r));
			return 1;
		}
	}
	printf("ready\n");
	while (fgets(line, sizeof(line), stdin))
		if (command(line)) {
			printf("error bad command: %s", line);
			return 1;
		}
	return 0;
}
