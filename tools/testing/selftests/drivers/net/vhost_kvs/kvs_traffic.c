// SPDX-License-Identifier: GPL-2.0
/*
 * kvs_traffic: play N guests in one process and push frames between them
 * through a vhost backend, checking every byte of every frame. traffic.py
 * runs it; the test VMs and make bench carry a static build of it,
 * kvs-traffic (tools/vhost-kvs-test).
 *
 *   kvs-traffic [-b kvs|net|ovs] [-S SWITCH] [-p PORTS] [-s BYTES] [-n FRAMES]
 *               [-m oneway|mesh] [-t SECS] [-w WINDOW] [-q] [-M] [-e]
 *               [-x] [-X detach|close]
 *
 * -b kvs   (default) each port is a /dev/vhost-kvs attached to SWITCH
 *          (default kvst0, which must exist: kvsctl switch add kvst0).
 * -b net   each port is /dev/vhost-net on its own tap, all taps on one
 *          Linux bridge (kvs-br0): the peer vhost-kvs is measured against.
 * -b ovs   as net, but the taps are ports of the Open vSwitch bridge
 *          kvs-ovs0 (kernel datapath), which must exist: ovs-vsctl add-br.
 * -m       oneway: port 0 sends to port 1 (other ports idle);
 *          mesh: every port sends to every other port in turn.
 * -w       frames in flight per sending port (default 64, at most 256):
 *          on its TX ring, and (unless -q, -x, -X) not yet received
 * -q       check headers and sequence numbers only, not payload bytes
 *          (for benchmarks; correctness runs check everything).
 * -M       no mergeable RX buffers: legacy 10-byte header, one 4 KiB
 *          buffer per frame; larger frames must be dropped by the device.
 * -e       no EVENT_IDX: kicks and calls suppressed by the rings' flags
 *          only. By default the ports negotiate VIRTIO_RING_F_EVENT_IDX,
 *          as Linux guests do, and kick and ask for calls by event index.
 * -x       the receiver (port 1) posts no RX buffers: every frame must
 *          still be completed on the sender's TX ring (a sender is never
 *          held by a full receiver), and nothing may arrive.
 * -L       with -x: the receiver says hello to port 0 first, so that its
 *          MAC is learned and frames go to it alone rather than flooded.
 * -g tcp4|tcp6
 *          frames are TCP segments of up to 64 KiB (-s is the whole frame)
 *          sent as GSO with gso_size -G MSS (default 1448) and the
 *          checksum left to the device. Receivers check IP and TCP
 *          checksums and put the payload back together by sequence
 *          number: each frame must arrive whole, once, byte for byte.
 * -O       receivers accept checksum and segmentation offloads
 *          (VHOST_KVS_SET_OFFLOADS, or TUNSETOFFLOAD on the taps): GSO
 *          frames must then arrive unsegmented, with their GSO header.
 *          Without -O every frame must arrive as checksummed segments.
 * -u       no warm-up: the switch has learned nothing, so port 0's frames
 *          to port 1 are unknown unicast and must reach every port; a
 *          copy at another port is counted as flooded, not as an error.
 * -R N     port 0 sends from N source MACs in turn (a MAC flood; the
 *          switch must cap what one port can make it learn).
 * -B US    vhost workers busy-poll US microseconds before sleeping
 *          (VHOST_SET_VRING_BUSYLOOP_TIMEOUT on every queue, both backends).
 * -H       after the report, keep the ports open until killed (so a test
 *          can read the switch's counters and FDB); prints "holding".
 * -I       once the ports are set up, before any frame, print "idle" and
 *          wait for SIGUSR1 (so a benchmark can read what idle ports
 *          cost the kernel).
 * -X       once port 1 has received a quarter of its frames (or the ports
 *          have sent half of theirs), detach it from the switch or close
 *          it; the run must then end cleanly with every frame completed on
 *          the TX rings, none corrupted.
 *          Frames to port 1 are unknown unicast from then on: copies at
 *          other ports count as flooded.
 *
 * Before counting, every port broadcasts one hello frame and waits until it
 * has heard every other port, so the switch has learned every MAC and
 * unknown-unicast flooding is over. After that a frame at the wrong port is
 * an error.
 *
 * Each frame carries its source port, destination port, sequence number,
 * length and a checksum over the whole frame. The receiver checks them and
 * that each (source, sequence) arrives at most once. Frames that are not
 * ours (the host's IPv6 chatter on the taps) are counted and ignored.
 *
 * Output: one "key=value" line per port and a summary; exit 0 when every
 * frame sent arrived exactly once, intact, at the right port.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "guest.h"
#include <linux/vhost_kvs.h>

#define RX		0
#define TX		1
#define MAX_PORTS	16
#define MEM_SIZE	(32u << 20)
#define RXBUF_AT	0x200000u
#define RXBUF_LEN	4096u
#define TXBUF_AT	0x400000u
#define TXSLOT_LEN	(68u << 10)
#define HDR_LEN		hdr_len
#define ETHERTYPE	0x88b5		/* IEEE local experimental */
#define MAGIC		0x4b565354	/* "KVST" */
#define BRIDGE		"kvs-br0"
#define OVS_BRIDGE	"kvs-ovs0"
#define HELLO		0xffff		/* dst_port of the warm-up broadcast */

struct tframe {
	uint8_t dst[6], src[6];
	uint16_t ethertype;
	uint32_t magic;
	uint16_t src_port, dst_port;
	uint64_t seq;
	uint32_t len;
	uint32_t csum;
} __attribute__((packed));

struct port {
	struct guest g;
	int tap;
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
	uint64_t sent, tx_done, rx_ok, rx_bad, rx_dup, rx_foreign, rx_hello;
	uint64_t rx_flooded;		/* -u: intact copies for another port */
	uint64_t rx_segs;		/* -g: frames that made up the GSO frames */
	uint64_t rx_from[MAX_PORTS];	/* frames received whole, by source */
	uint32_t *gso_bytes[MAX_PORTS];	/* -g: per source, payload bytes seen */
	struct virtio_net_hdr_mrg_rxbuf vhdr;	/* of the frame being checked */
	uint32_t heard;			/* bitmap of ports whose hello arrived */
	uint64_t next_seq[MAX_PORTS];	/* per destination */
	uint8_t *seen[MAX_PORTS];	/* per source: seq -> received */
	unsigned int inflight, rr;
	/* TX slots not in flight: chains may complete out of order (a large
	 * frame's once its receiver has copied it), so slots are reused as
	 * they come back, not in turn.
	 */
	uint16_t tx_free[GUEST_QSIZE];
	unsigned int ntx_free;
	int tx_slots_ready;
	uint8_t scratch[TXSLOT_LEN];
};

static struct port ports[MAX_PORTS];

static unsigned int nports = 2, frame_len = 60, quick, window = 64;
static uint64_t nframes = 10000;
static int mesh, limit_s = 30, use_net, use_ovs, no_mrg, blackhole, stop_mode;
static int no_warm_up, hold, idle_wait, gso, gso6, offloads, no_event_idx;
static int learn_rx;
static unsigned int rotate, busyloop_us;
/* When the last frame arrived: a run that lost frames ends only after
 * an idle timeout, which must not count as time spent forwarding.
 */
static double last_rx;
static unsigned int mss = 1448;
static size_t hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
static const char *switch_name = "kvst0";
static unsigned int stopped_port = MAX_PORTS;	/* -X: port 1 once done */

enum { STOP_NONE, STOP_DETACH, STOP_CLOSE };

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int die(const char *what)
{
	fprintf(stderr, "kvs-traffic: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint16_t tx_slot(struct port *p)
{
	if (!p->tx_slots_ready) {
		for (unsigned int i = 0; i < GUEST_QSIZE; i++)
			p->tx_free[i] = GUEST_QSIZE - 1 - i;
		p->ntx_free = GUEST_QSIZE;
		p->tx_slots_ready = 1;
	}
	if (!p->ntx_free)
		die("no free TX slot");
	return p->tx_free[--p->ntx_free];
}

static void if_up(int s, const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr))
		die(name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die(name);
}

/* Frames above 1514 B need a larger MTU on the taps and the bridge. */
static void set_mtu(int s, const char *name)
{
	struct ifreq ifr = { .ifr_mtu = frame_len > 1514 ? frame_len - 14 : 1500 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(s, SIOCSIFMTU, &ifr))
		die(name);
}

/*
 * @ifname out of the OVS bridge's database (a tap name an earlier run
 * left there) and, with @add, in again as a port of the bridge.
 * Return: ovs-vsctl's status.
 */
static int ovs_port(const char *ifname, int add)
{
	char cmd[160];
	int n;

	n = snprintf(cmd, sizeof(cmd),
		     "ovs-vsctl --timeout=30 -- --if-exists del-port %s", ifname);
	if (add)
		snprintf(cmd + n, sizeof(cmd) - n, " -- add-port %s %s",
			 OVS_BRIDGE, ifname);
	return system(cmd);
}

/* A tap with virtio-net headers, on the bridge and up. */
static void net_tap(struct port *p)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = HDR_LEN, s;

	snprintf(ifr.ifr_name, IFNAMSIZ, "kvst%%d");
	p->tap = open("/dev/net/tun", O_RDWR);
	if (p->tap < 0 || ioctl(p->tap, TUNSETIFF, &ifr))
		die("tap");
	snprintf(p->ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	if (ioctl(p->tap, TUNSETVNETHDRSZ, &hdr) ||
	    ioctl(p->tap, TUNSETOFFLOAD, 0))
		die("tap setup");
	s = socket(AF_LOCAL, SOCK_STREAM, 0);
	set_mtu(s, p->ifname);
	if (use_ovs) {
		if (ovs_port(p->ifname, 1))
			die("ovs-vsctl add-port");
		if_up(s, p->ifname);
		close(s);
		return;
	}
	if (ioctl(s, SIOCBRADDBR, BRIDGE) && errno != EEXIST)
		die("bridge");
	ifr.ifr_ifindex = if_nametoindex(p->ifname);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", BRIDGE);
	if (ioctl(s, SIOCBRADDIF, &ifr))
		die("bridge add port");
	set_mtu(s, BRIDGE);
	if_up(s, p->ifname);
	if_up(s, BRIDGE);
	close(s);
}

/* At exit: the ports' taps leave the OVS bridge's database too. */
static void ovs_del_ports(void)
{
	for (unsigned int i = 0; i < nports; i++)
		if (ports[i].ifname[0] && ovs_port(ports[i].ifname, 0))
			fprintf(stderr, "kvs-traffic: ovs-vsctl del-port %s failed\n",
				ports[i].ifname);
}

/* A vhost-kvs port on the switch; its queues' backend is itself. */
static void kvs_attach(struct port *p)
{
	struct vhost_kvs_attach a = { 0 };

	snprintf(a.switch_name, sizeof(a.switch_name), "%s", switch_name);
	memcpy(a.mac, p->mac, 6);
	if (ioctl(p->g.fd, VHOST_KVS_ATTACH, &a))
		die(switch_name);
	p->tap = p->g.fd;
	snprintf(p->ifname, IFNAMSIZ, "%s", switch_name);
}

/* -O: the receiving guest takes checksum and segmentation offloads. */
static void set_offloads(struct port *p)
{
	unsigned int f = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
	uint32_t f32 = f;

	if (use_net ? ioctl(p->tap, TUNSETOFFLOAD, f) :
		      ioctl(p->g.fd, VHOST_KVS_SET_OFFLOADS, &f32))
		die("set offloads");
}

static void port_setup(unsigned int i)
{
	struct port *p = &ports[i];
	uint64_t f = (no_mrg ? 0 : (1ULL << VIRTIO_F_VERSION_1) |
				   (1ULL << VIRTIO_NET_F_MRG_RXBUF)) |
		     (no_event_idx ? 0 : 1ULL << VIRTIO_RING_F_EVENT_IDX);
	const char *dev = use_net ? "/dev/vhost-net" : "/dev/vhost-kvs";
	const uint8_t mac[6] = { 0x02, 0x6b, 0x76, 0x73, 0, i };
	struct guest *g = &p->g;

	memcpy(p->mac, mac, 6);
	if (guest_init_size(g, dev, MEM_SIZE))
		die(dev);
	if (use_net)
		net_tap(p);
	else
		kvs_attach(p);
	if (ioctl(g->fd, VHOST_SET_OWNER) || ioctl(g->fd, VHOST_SET_FEATURES, &f) ||
	    guest_set_mem(g) || guest_setup_vq(g, RX) || guest_setup_vq(g, TX))
		die("vhost setup");
	g->features = f;
	if (!(blackhole && i == 1)) {
		for (uint16_t d = 0; d < GUEST_QSIZE; d++)
			guest_add_buf(g, RX, d, RXBUF_AT + d * RXBUF_LEN,
				      RXBUF_LEN, VRING_DESC_F_WRITE);
		guest_publish(g, RX);
	}
	for (unsigned int q = RX; busyloop_us && q <= TX; q++) {
		struct vhost_vring_state st = { q, busyloop_us };

		if (ioctl(g->fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &st))
			die("VHOST_SET_VRING_BUSYLOOP_TIMEOUT");
	}
	if (guest_set_backend(g, RX, p->tap) || guest_set_backend(g, TX, p->tap))
		die("VHOST_NET_SET_BACKEND");
	for (unsigned int s = 0; s < nports; s++) {
		p->seen[s] = calloc(nframes, 1);
		p->gso_bytes[s] = calloc(nframes, sizeof(uint32_t));
	}
	if (offloads)
		set_offloads(p);
}

static int sends_to(unsigned int src, unsigned int dst)
{
	return src != dst && (mesh || (src == 0 && dst == 1));
}

static unsigned int next_dst(struct port *p, unsigned int me)
{
	for (unsigned int k = 0; k < nports; k++) {
		unsigned int d = p->rr++ % nports;

		if (sends_to(me, d) && p->next_seq[d] < nframes)
			return d;
	}
	return nports;
}

static void build_frame(struct port *p, unsigned int me, unsigned int dst,
			uint8_t *buf)
{
	struct tframe *f = (struct tframe *)(buf + HDR_LEN);
	uint64_t seq = p->next_seq[dst]++;

	memset(buf, 0, HDR_LEN);
	memcpy(f->dst, ports[dst].mac, 6);
	memcpy(f->src, p->mac, 6);
	/* -R: port 0 sends from many source addresses (MAC flooding). */
	if (rotate && me == 0) {
		f->src[3] = 0xee;
		f->src[4] = (seq % rotate) >> 8;
		f->src[5] = (seq % rotate) & 0xff;
	}
	f->ethertype = htons(ETHERTYPE);
	f->magic = MAGIC;
	f->src_port = me;
	f->dst_port = dst;
	f->seq = seq;
	f->len = frame_len;
	f->csum = 0;
	/* -q: the payload is whatever the slot holds; nobody checks it. */
	if (quick)
		return;
	for (uint32_t i = sizeof(*f); i < frame_len; i++)
		((uint8_t *)f)[i] = (uint8_t)(seq + i * 31);
	f->csum = fnv1a((uint8_t *)f, frame_len);
}

/* -g: a TCP frame over IPv4 or IPv6; the headers' layout. */
#define GSO_SPORT	10000
#define GSO_DPORT	20000

static unsigned int gso_l4off(void)
{
	return 14 + (gso6 ? 40 : 20);
}

static unsigned int gso_hdrs(void)
{
	return gso_l4off() + 20;
}

static uint8_t gso_byte(unsigned int src, uint64_t fseq, uint32_t k)
{
	return (uint8_t)(fseq * 7 + k * 31 + src);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold16(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The pseudo header's sum, as the stack seeds a partial checksum. */
static uint32_t pseudo_sum(const uint8_t *l3, uint32_t l4len)
{
	uint32_t sum = 6 + l4len;	/* IPPROTO_TCP */

	if (gso6)
		return csum_add(sum, l3 + 8, 32);
	return csum_add(sum, l3 + 12, 8);
}

static void gso_ip(uint8_t *l3, unsigned int me, unsigned int dst,
		   uint32_t l3len)
{
	uint16_t c;

	if (gso6) {
		l3[0] = 0x60;
		l3[4] = (l3len - 40) >> 8;
		l3[5] = (l3len - 40) & 0xff;
		l3[6] = 6;
		l3[7] = 64;
		l3[8] = 0xfd;	/* fd00::1:<port> */
		l3[21] = me;
		l3[24] = 0xfd;
		l3[39] = dst;
		return;
	}
	l3[0] = 0x45;
	l3[2] = l3len >> 8;
	l3[3] = l3len & 0xff;
	l3[8] = 64;
	l3[9] = 6;
	l3[12] = 10;	/* 10.0.0.<port + 1> */
	l3[15] = me + 1;
	l3[16] = 10;
	l3[19] = dst + 1;
	l3[10] = 0;
	l3[11] = 0;
	c = ~csum_fold16(csum_add(0, l3, 20));
	l3[10] = c >> 8;
	l3[11] = c & 0xff;
}

static void build_gso_frame(struct port *p, unsigned int me, unsigned int dst,
			    uint8_t *buf)
{
	struct virtio_net_hdr_mrg_rxbuf *h = (void *)buf;
	uint8_t *fr = buf + HDR_LEN, *l3 = fr + 14, *th = fr + gso_l4off();
	uint64_t fseq = p->next_seq[dst]++;
	uint32_t l4len = frame_len - gso_l4off(), plen = frame_len - gso_hdrs();
	uint32_t seq = (uint32_t)(fseq << 16);
	uint16_t ps;

	memset(buf, 0, HDR_LEN + gso_hdrs());
	memcpy(fr, ports[dst].mac, 6);
	memcpy(fr + 6, p->mac, 6);
	fr[12] = gso6 ? 0x86 : 0x08;
	fr[13] = gso6 ? 0xdd : 0x00;
	gso_ip(l3, me, dst, frame_len - 14);
	th[0] = (GSO_SPORT + me) >> 8;
	th[1] = (GSO_SPORT + me) & 0xff;
	th[2] = (GSO_DPORT + dst) >> 8;
	th[3] = (GSO_DPORT + dst) & 0xff;
	memcpy(th + 4, &(uint32_t){ htonl(seq) }, 4);
	th[12] = 5 << 4;
	th[13] = 0x18;	/* PSH ACK */
	th[14] = 0xff;
	th[15] = 0xff;
	ps = csum_fold16(pseudo_sum(l3, l4len));
	th[16] = ps >> 8;
	th[17] = ps & 0xff;
	h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->hdr.csum_start = gso_l4off();
	h->hdr.csum_offset = 16;
	if (plen > mss) {
		h->hdr.gso_type = gso6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
					 VIRTIO_NET_HDR_GSO_TCPV4;
		h->hdr.gso_size = mss;
		h->hdr.hdr_len = gso_hdrs();
	}
	if (!quick)
		for (uint32_t k = 0; k < plen; k++)
			th[20 + k] = gso_byte(me, fseq, k);
}

/* A frame of a GSO transfer: checksums, then its payload in place. */
static void rx_check_gso(struct port *p, unsigned int me, const uint8_t *fr,
			 uint32_t len)
{
	const uint8_t *l3 = fr + 14, *th = fr + gso_l4off();
	uint32_t seq, plen, off, total = frame_len - gso_hdrs();
	unsigned int src = (unsigned int)(th[1] | th[0] << 8) - GSO_SPORT;
	const struct virtio_net_hdr *h = &p->vhdr.hdr;
	uint64_t fseq;

	if (len < gso_hdrs() || src >= nports || memcmp(fr, p->mac, 6) ||
	    (unsigned int)(th[3] | th[2] << 8) != GSO_DPORT + me)
		goto bad;
	seq = ntohl(*(uint32_t *)(th + 4));
	fseq = seq >> 16;
	off = seq & 0xffff;
	plen = len - gso_hdrs();
	if (fseq >= nframes || off + plen > total)
		goto bad;
	/* Offloads on: the frame as sent; off: segments, checksummed. */
	if (offloads) {
		if (total > mss && (h->gso_type == VIRTIO_NET_HDR_GSO_NONE ||
				    h->gso_size != mss))
			goto bad;
		if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
			goto bad;
	} else {
		if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE || h->flags ||
		    plen > mss ||
		    (!gso6 && csum_fold16(csum_add(0, l3, 20)) != 0xffff) ||
		    csum_fold16(csum_add(pseudo_sum(l3, len - gso_l4off()), th,
					 len - gso_l4off())) != 0xffff)
			goto bad;
	}
	if (!quick)
		for (uint32_t k = 0; k < plen; k++)
			if (th[20 + k] != gso_byte(src, fseq, off + k))
				goto bad;
	p->rx_segs++;
	p->gso_bytes[src][fseq] += plen;
	if (p->gso_bytes[src][fseq] > total) {
		p->rx_dup++;
		return;
	}
	if (p->gso_bytes[src][fseq] == total) {
		p->rx_ok++;
		p->rx_from[src]++;
	}
	return;
bad:
	p->rx_bad++;
}

static void send_hello(unsigned int me)
{
	struct port *p = &ports[me];
	uint16_t slot = tx_slot(p);
	uint64_t at = TXBUF_AT + (uint64_t)slot * TXSLOT_LEN;
	uint8_t *buf = gpa(&p->g, at);
	struct tframe *f = (struct tframe *)(buf + HDR_LEN);

	memset(buf, 0, HDR_LEN + 60);
	memset(f->dst, 0xff, 6);
	memcpy(f->src, p->mac, 6);
	f->ethertype = htons(ETHERTYPE);
	f->magic = MAGIC;
	f->src_port = me;
	f->dst_port = HELLO;
	guest_add_buf(&p->g, TX, slot, at, HDR_LEN + 60, 0);
	guest_publish(&p->g, TX);
	guest_kick(&p->g, TX);
	p->inflight++;
}

/*
 * Frames of @me sent but not yet received anywhere. Correctness runs keep
 * it under the window: TX completes as soon as a frame is copied, so only
 * this end-to-end limit keeps a sender from overrunning a receiver, whose
 * drops (counted by the switch) would then look like lost frames.
 * Benchmarks (-q) and runs that lose frames on purpose (-x, -X) do not.
 */
static int e2e_full(unsigned int me)
{
	uint64_t got = 0;

	if (quick || blackhole || stop_mode)
		return 0;
	for (unsigned int d = 0; d < nports; d++)
		got += ports[d].rx_from[me];
	return ports[me].sent - got >= window;
}

static int tx_fill(unsigned int me)
{
	struct port *p = &ports[me];
	int posted = 0;
	unsigned int dst;

	while (p->inflight < window && !e2e_full(me) &&
	       (dst = next_dst(p, me)) < nports) {
		uint16_t slot = tx_slot(p);
		uint64_t at = TXBUF_AT + (uint64_t)slot * TXSLOT_LEN;

		if (gso)
			build_gso_frame(p, me, dst, gpa(&p->g, at));
		else
			build_frame(p, me, dst, gpa(&p->g, at));
		guest_add_buf(&p->g, TX, slot, at, HDR_LEN + frame_len, 0);
		p->inflight++;
		p->sent++;
		posted++;
	}
	if (posted) {
		guest_publish(&p->g, TX);
		if (guest_kick_wanted(&p->g, TX))
			guest_kick(&p->g, TX);
	}
	return posted;
}

static int tx_reap(struct port *p)
{
	uint32_t id, len;
	int n = 0;

	while (guest_used_next(&p->g, TX, &id, &len)) {
		if (id >= GUEST_QSIZE || p->ntx_free >= GUEST_QSIZE) {
			fprintf(stderr, "kvs-traffic: TX completion of slot %u, %u free\n",
				id, p->ntx_free);
			exit(2);
		}
		p->tx_free[p->ntx_free++] = id;
		p->inflight--;
		p->tx_done++;
		n++;
	}
	return n;
}

static void rx_check(struct port *p, unsigned int me, const uint8_t *fr,
		     uint32_t len)
{
	const struct tframe *f = (const struct tframe *)fr;
	struct tframe copy;

	if (gso && len >= 14 && fr[12] == (gso6 ? 0x86 : 0x08) &&
	    fr[13] == (gso6 ? 0xdd : 0x00)) {
		rx_check_gso(p, me, fr, len);
		return;
	}
	if (len < sizeof(*f) || f->ethertype != htons(ETHERTYPE) ||
	    f->magic != MAGIC) {
		p->rx_foreign++;
		return;
	}
	if (f->dst_port == HELLO && f->src_port < nports) {
		p->heard |= 1u << f->src_port;
		p->rx_hello++;
		return;
	}
	/* Unknown unicast (nothing learned yet, or port 1 left) floods. */
	if ((no_warm_up || stopped_port < nports) && f->dst_port != me &&
	    f->dst_port < nports &&
	    f->len == len && !memcmp(f->dst, ports[f->dst_port].mac, 6)) {
		p->rx_flooded++;
		return;
	}
	if (f->dst_port != me || f->src_port >= nports || f->seq >= nframes ||
	    f->len != len || memcmp(f->dst, p->mac, 6)) {
		p->rx_bad++;
		return;
	}
	memcpy(&copy, f, sizeof(copy));
	copy.csum = 0;
	if (!quick) {
		uint32_t h = fnv1a((uint8_t *)&copy, sizeof(copy));
		/* Continue the same hash over the payload. */
		for (uint32_t i = sizeof(copy); i < len; i++)
			h = (h ^ fr[i]) * 16777619u;
		if (h != f->csum) {
			p->rx_bad++;
			return;
		}
	}
	if (p->seen[f->src_port][f->seq]++) {
		p->rx_dup++;
		return;
	}
	p->rx_ok++;
	p->rx_from[f->src_port]++;
}

/* One frame may span several buffers (MRG_RXBUF: num_buffers). */
static int rx_reap(unsigned int me)
{
	struct port *p = &ports[me];
	uint32_t id, len, got = 0, need = 1, flen = 0;
	int n = 0;

	while (got < need && guest_used_next(&p->g, RX, &id, &len)) {
		uint8_t *buf = gpa(&p->g, RXBUF_AT + (uint64_t)id * RXBUF_LEN);
		uint32_t off = 0;

		if (got == 0) {
			struct virtio_net_hdr_mrg_rxbuf *h = (void *)buf;

			need = !no_mrg && h->num_buffers ? h->num_buffers : 1;
			off = HDR_LEN;
			memcpy(&p->vhdr, h, HDR_LEN);
		}
		/* -q and a single buffer: check in place, no copy. */
		if (quick && need == 1 && len >= off) {
			rx_check(p, me, buf + off, len - off);
			guest_add_buf(&p->g, RX, id, RXBUF_AT + (uint64_t)id * RXBUF_LEN,
				      RXBUF_LEN, VRING_DESC_F_WRITE);
			n++;
			continue;
		}
		if (len > off && flen + len - off <= sizeof(p->scratch)) {
			memcpy(p->scratch + flen, buf + off, len - off);
			flen += len - off;
		}
		guest_add_buf(&p->g, RX, id, RXBUF_AT + (uint64_t)id * RXBUF_LEN,
			      RXBUF_LEN, VRING_DESC_F_WRITE);
		if (++got == need) {
			rx_check(p, me, p->scratch, flen);
			got = 0;
			need = 1;
			flen = 0;
			n++;
		}
	}
	if (n) {
		guest_publish(&p->g, RX);
		if (guest_kick_wanted(&p->g, RX))
			guest_kick(&p->g, RX);
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t expected_total(void)
{
	uint64_t n = 0;

	for (unsigned int s = 0; s < nports; s++)
		for (unsigned int d = 0; d < nports; d++)
			n += sends_to(s, d) ? nframes : 0;
	return n;
}

static uint64_t received_total(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < nports; i++)
		n += ports[i].rx_ok;
	return n;
}

static int all_heard(void)
{
	uint32_t all = (1u << nports) - 1;

	for (unsigned int i = 0; i < nports; i++)
		if ((ports[i].heard | 1u << i) != all)
			return 0;
	return 1;
}

/*
 * Port @i says hello; wait (bounded) until port 0 heard it: then the
 * switch has learned @i's MAC (its TX completing says less: the chain
 * completes before the frame is forwarded).
 */
static int hello_taken(unsigned int i)
{
	double t0 = now_s();

	send_hello(i);
	while (now_s() - t0 < 5) {
		tx_reap(&ports[i]);
		rx_reap(0);
		if (!ports[i].inflight && ports[0].heard & 1u << i)
			return 1;
		usleep(1000);
	}
	return 0;
}

/* Every port says hello once; wait (bounded) until all have heard all. */
static int warm_up(void)
{
	double t0 = now_s();

	for (unsigned int i = 0; i < nports; i++)
		send_hello(i);
	while (!all_heard() && now_s() - t0 < 5) {
		for (unsigned int i = 0; i < nports; i++) {
			tx_reap(&ports[i]);
			rx_reap(i);
		}
		usleep(1000);
	}
	return all_heard();
}

/* Every live port sent all its frames and got every TX buffer back. */
static int all_completed(void)
{
	for (unsigned int i = 0; i < nports; i++) {
		struct port *p = &ports[i];

		if (stop_mode == STOP_CLOSE && i == stopped_port)
			continue;
		if (next_dst(p, i) < nports || p->inflight)
			return 0;
	}
	return 1;
}

/* -u, one way: copies of port 0's frames every other port must see. */
static uint64_t flood_want(void)
{
	return no_warm_up && !mesh ? nframes * (nports - 2) : 0;
}

static uint64_t flooded_total(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < nports; i++)
		n += ports[i].rx_flooded;
	return n;
}

static int finished(uint64_t want)
{
	if (blackhole || stop_mode)
		return all_completed();
	return received_total() >= want && flooded_total() >= flood_want();
}

/*
 * -X: take port 1 off the switch, or close it, in the middle of the run:
 * once it has a quarter of its frames, or once the ports have sent half
 * of theirs (runs that lose frames on a slow kernel may never give port 1
 * a quarter, and the stop must still happen under load).
 */
static void maybe_stop_port(void)
{
	struct port *p = &ports[1];
	uint64_t sent = 0;

	if (!stop_mode || stopped_port < nports)
		return;
	for (unsigned int i = 0; i < nports; i++)
		sent += ports[i].sent;
	if (p->rx_ok < nframes / 4 && sent < (uint64_t)nports * nframes / 2)
		return;
	if (stop_mode == STOP_DETACH) {
		if (ioctl(p->g.fd, VHOST_KVS_DETACH))
			die("VHOST_KVS_DETACH");
	} else {
		close(p->g.fd);
	}
	stopped_port = 1;
}

static int port_live(unsigned int i)
{
	return !(stop_mode == STOP_CLOSE && i == stopped_port);
}

static void run(void)
{
	struct pollfd pfd[2 * MAX_PORTS];
	double t0 = now_s(), idle_since = t0;
	uint64_t want = expected_total();

	for (unsigned int i = 0; i < nports; i++) {
		pfd[2 * i] = (struct pollfd){ .fd = ports[i].g.vq[RX].call,
					       .events = POLLIN };
		pfd[2 * i + 1] = (struct pollfd){ .fd = ports[i].g.vq[TX].call,
						   .events = POLLIN };
	}
	while (!finished(want) && now_s() - t0 < limit_s) {
		int progress = 0;

		for (unsigned int i = 0; i < nports; i++) {
			int rx;

			if (!port_live(i))
				continue;
			progress += tx_reap(&ports[i]);
			progress += tx_fill(i);
			rx = rx_reap(i);
			if (rx)
				last_rx = now_s();
			progress += rx;
		}
		maybe_stop_port();
		if (progress) {
			idle_since = now_s();
			continue;
		}
		/* Everything sent and nothing moving for 2 s: frames lost. */
		if (now_s() - idle_since > 2)
			break;
		for (unsigned int i = 0; i < nports; i++) {
			if (!port_live(i)) {
				pfd[2 * i].fd = -1;
				pfd[2 * i + 1].fd = -1;
			}
		}
		if (poll(pfd, 2 * nports, 10) > 0)
			for (unsigned int i = 0; i < 2 * nports; i++)
				if (pfd[i].fd >= 0 && pfd[i].revents)
					(void)!read(pfd[i].fd, &(uint64_t){ 0 }, 8);
	}
}

static void bad_usage(void)
{
	fputs("usage: kvs-traffic [-b kvs|net|ovs] [-S SWITCH] [-p N] [-s BYTES] [-n FRAMES]\n"
	      "                   [-m oneway|mesh] [-t SECS] [-w WINDOW] [-q] [-M] [-e]\n"
	      "                   [-x] [-u] [-H] [-I] [-X detach|close]\n"
	      "                   [-g tcp4|tcp6 [-G MSS] [-O]] [-R N] [-B US]\n", stderr);
	exit(2);
}

static void parse(int argc, char **argv)
{
	int o;

	while ((o = getopt(argc, argv, "b:S:p:s:n:m:t:w:qMexLX:uHIg:G:OR:B:")) != -1) {
		switch (o) {
		case 'b':
			if (strcmp(optarg, "net") && strcmp(optarg, "kvs") &&
			    strcmp(optarg, "ovs"))
				bad_usage();
			use_ovs = !strcmp(optarg, "ovs");
			use_net = use_ovs || !strcmp(optarg, "net");
			break;
		case 'S':
			switch_name = optarg;
			break;
		case 'p':
			nports = atoi(optarg);
			break;
		case 's':
			frame_len = atoi(optarg);
			break;
		case 'n':
			nframes = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			mesh = !strcmp(optarg, "mesh");
			break;
		case 't':
			limit_s = atoi(optarg);
			break;
		case 'q':
			quick = 1;
			break;
		case 'w':
			window = atoi(optarg);
			break;
		case 'M':
			no_mrg = 1;
			hdr_len = sizeof(struct virtio_net_hdr);
			break;
		case 'e':
			no_event_idx = 1;
			break;
		case 'x':
			blackhole = 1;
			break;
		case 'L':
			learn_rx = 1;
			break;
		case 'u':
			no_warm_up = 1;
			break;
		case 'g':
			if (strcmp(optarg, "tcp4") && strcmp(optarg, "tcp6"))
				bad_usage();
			gso = 1;
			gso6 = !strcmp(optarg, "tcp6");
			break;
		case 'G':
			mss = atoi(optarg);
			break;
		case 'O':
			offloads = 1;
			break;
		case 'R':
			rotate = atoi(optarg);
			break;
		case 'B':
			busyloop_us = atoi(optarg);
			break;
		case 'H':
			hold = 1;
			break;
		case 'I':
			idle_wait = 1;
			break;
		case 'X':
			if (!strcmp(optarg, "detach"))
				stop_mode = STOP_DETACH;
			else if (!strcmp(optarg, "close"))
				stop_mode = STOP_CLOSE;
			else
				bad_usage();
			break;
		default:
			bad_usage();
		}
	}
}

/* What must hold at the end of the run for it to pass. */
static int verdict(uint64_t want, uint64_t got, uint64_t bad, uint64_t dup)
{
	if (bad || dup)
		return 1;
	if (blackhole)
		return !all_completed() || ports[1].rx_ok;
	if (stop_mode)
		return !all_completed() || stopped_port != 1;
	return got != want || flooded_total() < flood_want();
}

/*
 * Where the CPU went between snapshots @a and @b, per frame received:
 * the sending ports' workers, the receiving ports' workers (oneway only:
 * in a mesh each worker does both), this tool, softirq anywhere; and how
 * many frames each kind of worker handled per run (wake-up).
 */
/*
 * Port i's worker is the i-th of snapshot @a (made in port order); one
 * that went during the run (-X close) is missing from @b: not counted.
 */
static int cpu_worker_delta(const struct guest_cpu *a,
			    const struct guest_cpu *b, unsigned int i,
			    uint64_t *ns, uint64_t *runs)
{
	for (unsigned int j = 0; j < b->nworkers; j++) {
		if (b->worker_tid[j] != a->worker_tid[i])
			continue;
		*ns = b->worker_ns[j] - a->worker_ns[i];
		*runs = b->worker_runs[j] - a->worker_runs[i];
		return 1;
	}
	return 0;
}

static void cpu_split(const struct guest_cpu *a, const struct guest_cpu *b,
		      uint64_t got, uint64_t sent)
{
	uint64_t tx = 0, rx = 0, txr = 0, rxr = 0;
	double g = got ? got : 1;

	for (unsigned int i = 0; i < a->nworkers && i < nports; i++) {
		uint64_t ns, runs;

		if (!cpu_worker_delta(a, b, i, &ns, &runs))
			continue;
		if (ports[i].sent) {
			tx += ns;
			txr += runs;
		} else {
			rx += ns;
			rxr += runs;
		}
	}
	if (mesh)
		printf("cpu tx_ns=nan rx_ns=nan");
	else
		printf("cpu tx_ns=%.0f rx_ns=%.0f", tx / g, rx / g);
	printf(" workers_ns=%.0f tool_ns=%.0f softirq_ns=%.0f",
	       (tx + rx) / g, (b->other_ns - a->other_ns) / g,
	       (b->softirq_ns - a->softirq_ns) / g);
	if (mesh)
		printf(" tx_frames_per_run=nan rx_frames_per_run=nan\n");
	else
		printf(" tx_frames_per_run=%.1f rx_frames_per_run=%.1f\n",
		       txr ? (double)sent / txr : 0, rxr ? (double)got / rxr : 0);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* -I: say the ports are set up, and wait for SIGUSR1. */
static void wait_idle(void)
{
	sigset_t usr1, old;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	signal(SIGUSR1, on_usr1);
	printf("idle\n");
	fflush(stdout);
	sigdelset(&old, SIGUSR1);
	sigsuspend(&old);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

int main(int argc, char **argv)
{
	unsigned int max_len;
	uint64_t want, got, bad = 0, dup = 0, sent = 0;
	struct guest_cpu c0, c1;
	double t0, secs, cpu;
	int o;

	parse(argc, argv);
	if (use_ovs)
		atexit(ovs_del_ports);
	max_len = use_net ? 65535 + 14 : 65553;
	if (nports < 2 || nports > MAX_PORTS || frame_len < sizeof(struct tframe) ||
	    frame_len > max_len || window < 1 || window > GUEST_QSIZE ||
	    (use_net && (blackhole || stop_mode)) ||
	    rotate > 65536 ||
	    (gso && (frame_len < gso_hdrs() + 1 || nframes > 65536 || mss < 64 ||
		     mss > 9000))) {
		fprintf(stderr, "kvs-traffic: need 2..%d ports, %zu..%u B frames,",
			MAX_PORTS, sizeof(struct tframe), max_len);
		fputs(" -x/-X only with kvs\n", stderr);
		return 2;
	}
	for (unsigned int i = 0; i < nports; i++)
		port_setup(i);
	if (idle_wait)
		wait_idle();

	if (blackhole && learn_rx && !hello_taken(1)) {
		fprintf(stderr, "kvs-traffic: port 1's hello not taken in 5 s\n");
		return 1;
	}
	if (!blackhole && !no_warm_up && !warm_up()) {
		fprintf(stderr, "kvs-traffic: ports did not hear each other's hello in 5 s\n");
		return 1;
	}
	guest_cpu_snap(&c0);
	t0 = now_s();
	run();
	secs = (last_rx > t0 ? last_rx : now_s()) - t0;
	guest_cpu_snap(&c1);
	cpu = 0;
	for (unsigned int i = 0; i < c0.nworkers; i++) {
		uint64_t ns, runs;

		if (cpu_worker_delta(&c0, &c1, i, &ns, &runs))
			cpu += ns / 1e9;
	}

	want = expected_total();
	got = received_total();
	for (unsigned int i = 0; i < nports; i++) {
		struct port *p = &ports[i];

		printf("port=%u if=%s sent=%llu tx_done=%llu ", i, p->ifname,
		       (unsigned long long)p->sent,
		       (unsigned long long)p->tx_done);
		printf("rx_ok=%llu rx_bad=%llu rx_dup=%llu rx_flooded=%llu ",
		       (unsigned long long)p->rx_ok,
		       (unsigned long long)p->rx_bad,
		       (unsigned long long)p->rx_dup,
		       (unsigned long long)p->rx_flooded);
		printf("rx_segs=%llu rx_hello=%llu rx_foreign=%llu\n",
		       (unsigned long long)p->rx_segs,
		       (unsigned long long)p->rx_hello,
		       (unsigned long long)p->rx_foreign);
		bad += p->rx_bad;
		dup += p->rx_dup;
		sent += p->sent;
	}
	printf("backend=%s ports=%u size=%u mode=%s ",
	       use_ovs ? "ovs" : use_net ? "net" : "kvs", nports, frame_len,
	       mesh ? "mesh" : "oneway");
	printf("sent=%llu expected=%llu received=%llu lost=%llu bad=%llu dup=%llu ",
	       (unsigned long long)sent, (unsigned long long)want,
	       (unsigned long long)got, (unsigned long long)(want - got),
	       (unsigned long long)bad, (unsigned long long)dup);
	printf("secs=%.3f fps=%.0f mbps=%.1f worker_cpu_s=%.3f cpu_ns_per_frame=%.0f\n",
	       secs, got / secs, got * frame_len * 8 / secs / 1e6, cpu,
	       got ? cpu * 1e9 / got : 0);
	cpu_split(&c0, &c1, got, sent);
	o = verdict(want, got, bad, dup);
	printf("verdict=%s\n", o ? "fail" : "pass");
	if (hold) {
		printf("holding\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	return o;
}
