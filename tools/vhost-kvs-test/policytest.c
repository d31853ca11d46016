// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-policytest: port policy enforced in the datapath. Four ports A, B,
 * C, D (ids 1..4: the switch must be new and empty) send crafted frames;
 * policy is set with kvsctl, as an operator would, and the test checks
 * who receives what, the drop counters and the MAC table.
 *
 * A check that nothing arrived is closed by a control frame sent to the
 * same port afterwards on an allowed path: a port's frames arrive in the
 * order they were queued, so once the control frame is in, an earlier
 * frame would have been too. No sleeping.
 *
 * Usage: kvs-policytest SWITCH [DEVICE]    (kvsctl on $PATH)
 * Prints TAP; exits non-zero when a check fails.
 */
#include <errno.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "guest.h"
#include "tap.h"

#define RX		0
#define TX		1
#define HL		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define TXBUF		0x200000ull
#define RXBUF		0x300000ull
#define RXLEN		2048
#define NRX		128
#define NPORTS		4
#define WAIT_MS		2000

static const char *dev = "/dev/vhost-kvs";
static const char *sw;
static struct guest port[NPORTS];
/* The last frame each port received (from its Ethernet header on). */
static uint8_t last[NPORTS][64];
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void mac_of(unsigned int p, uint8_t *mac)
{
	memcpy(mac, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, p + 1 }, 6);
}

static int port_open(unsigned int p)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	struct vhost_kvs_attach a = { 0 };
	struct guest *g = &port[p];

	snprintf(a.switch_name, sizeof(a.switch_name), "%s", sw);
	mac_of(p, a.mac);
	if (guest_init(g, dev) || ioctl(g->fd, VHOST_KVS_ATTACH, &a) ||
	    ioctl(g->fd, VHOST_SET_OWNER) ||
	    ioctl(g->fd, VHOST_SET_FEATURES, &f) || guest_set_mem(g) ||
	    guest_setup_vq(g, RX) || guest_setup_vq(g, TX))
		return -1;
	for (uint16_t i = 0; i < NRX; i++)
		guest_add_buf(g, RX, i, RXBUF + i * RXLEN, RXLEN,
			      VRING_DESC_F_WRITE);
	guest_publish(g, RX);
	return guest_set_backend(g, RX, g->fd) ?: guest_set_backend(g, TX, g->fd);
}

/*
 * Port @p sends one frame of @len bytes (header and payload, zeroes) from
 * @src to @dst, tagged with VLAN @vid unless it is 0, with the local
 * experimental EtherType, behind virtio-net header @vh (NULL: zeroes), and
 * gets its buffer back: by then the switch has classified it and queued
 * it wherever it goes.
 */
static int send_frame(unsigned int p, const uint8_t *src, const uint8_t *dst,
		      uint16_t vid, uint32_t len,
		      const struct virtio_net_hdr *vh)
{
	struct guest *g = &port[p];
	uint8_t *f = gpa(g, TXBUF), *type = f + HL + 12;
	uint32_t blen = HL + len, id;
	uint64_t at = TXBUF;
	uint16_t flags = 0;

	memset(f, 0, blen);
	if (vh)
		memcpy(f, vh, sizeof(*vh));
	memcpy(f + HL, dst, 6);
	memcpy(f + HL + 6, src, 6);
	if (vid) {
		type[0] = 0x81;
		type[1] = 0x00;
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

/* 64 bytes from @src to @dst, untagged. */
static int send_from(unsigned int p, const uint8_t *src, const uint8_t *dst)
{
	return send_frame(p, src, dst, 0, 64, NULL);
}

/* Port @p sends a frame tagged with VLAN @vid from its own MAC. */
static int send_tagged(unsigned int p, const uint8_t *dst, uint16_t vid)
{
	uint8_t src[6];

	mac_of(p, src);
	return send_frame(p, src, dst, vid, 68, NULL);
}

/* Port @p broadcasts an untagged frame of @len bytes from its own MAC. */
static int send_big(unsigned int p, uint32_t len)
{
	uint8_t src[6];

	mac_of(p, src);
	return send_frame(p, src, bcast, 0, len, NULL);
}

/* The last frame port @p received carried an 802.1Q tag of @vid (0: no
 * tag), and the test's EtherType behind it.
 */
static int last_tag(unsigned int p, uint16_t vid)
{
	const uint8_t *f = last[p];

	if (!vid)
		return f[12] == 0x88 && f[13] == 0xb5;
	return f[12] == 0x81 && f[13] == 0 &&
	       ((f[14] << 8 | f[15]) & 0xfff) == vid &&
	       f[16] == 0x88 && f[17] == 0xb5;
}

static int send_own(unsigned int p, const uint8_t *dst)
{
	uint8_t src[6];

	mac_of(p, src);
	return send_from(p, src, dst);
}

static int send_to(unsigned int p, unsigned int to)
{
	uint8_t dst[6];

	mac_of(to, dst);
	return send_own(p, dst);
}

/* Frames that reached port @p since the last call; buffers go back. */
static unsigned int rx_take(unsigned int p)
{
	struct guest *g = &port[p];
	unsigned int n = 0;
	uint32_t id, len;

	while (guest_used_next(g, RX, &id, &len)) {
		if (id < NRX && len > HL)
			memcpy(last[p], gpa(g, RXBUF + id * RXLEN + HL),
			       len - HL < 64 ? len - HL : 64);
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

/* Wait (bounded) until port @p has received @want frames; the count. */
static unsigned int rx_wait(unsigned int p, unsigned int want)
{
	unsigned int n = rx_take(p);

	for (int i = 0; i < WAIT_MS && n < want; i++) {
		guest_wait_fd(port[p].vq[RX].call, 1);
		n += rx_take(p);
	}
	return n;
}

static void expect_rx(unsigned int p, unsigned int want, const char *what)
{
	unsigned int n = rx_wait(p, want);

	check(n == want, "%s: port %c received %u (want %u)", what, 'A' + p,
	      n, want);
}

/*
 * Port @p gets nothing from what was sent before: a control frame from
 * port @from (which may reach it) arrives alone.
 */
static void expect_none(unsigned int p, unsigned int from, const char *what)
{
	check(send_to(from, p), "%s: control frame %c -> %c sent", what,
	      'A' + from, 'A' + p);
	expect_rx(p, 1, what);
}

/* Every port but @from received one frame (a broadcast of @from's). */
static void expect_others(unsigned int from, const char *what)
{
	for (unsigned int p = 0; p < NPORTS; p++)
		if (p != from)
			expect_rx(p, 1, what);
}

/* Run kvsctl; its exit status, its output (stdout and stderr) in @out. */
static int kvsctl(char *out, size_t size, const char *fmt, ...)
{
	char cmd[512];
	size_t used = 0;
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && size)
		out[0] = 0;
	if (out)
		while (used + 1 < size && fgets(out + used, size - used, p))
			used += strlen(out + used);
	else
		while (fgetc(p) != EOF)
			;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void set(const char *what, const char *fmt, ...)
{
	char settings[256], out[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(settings, sizeof(settings), fmt, ap);
	va_end(ap);
	check(kvsctl(out, sizeof(out), "kvsctl port set %s/%s", sw, settings) == 0,
	      "kvsctl port set %s/%s (%s)%s%s", sw, settings, what,
	      *out ? ": " : "", out);
}

/* A counter of port @id from "kvsctl port show"; -1 when not found. */
static long long counter(unsigned int id, const char *name)
{
	char out[4096], key[64], *at;

	if (kvsctl(out, sizeof(out), "kvsctl port show %s %u", sw, id))
		return -1;
	snprintf(key, sizeof(key), " %s ", name);
	at = strstr(out, key);
	return at ? strtoll(at + strlen(key), NULL, 10) : -1;
}

/* MAC table entries behind port @id. */
static int fdb_entries(unsigned int id)
{
	char out[65536], key[32], *at = out;
	int n = 0;

	if (kvsctl(out, sizeof(out), "kvsctl fdb show %s", sw))
		return -1;
	snprintf(key, sizeof(key), " port %u ", id);
	while ((at = strstr(at, key))) {
		n++;
		at += strlen(key);
	}
	return n;
}

static int fdb_has(const char *mac)
{
	char out[65536];

	return kvsctl(out, sizeof(out), "kvsctl fdb show %s", sw) == 0 &&
	       strstr(out, mac);
}

static void test_defaults(void)
{
	char out[4096];

	check(kvsctl(out, sizeof(out), "kvsctl port show %s 1", sw) == 0 &&
	      strstr(out, " isolated off learning on flood on mcast-flood on spoofchk off max-learned 1024 pvid 0 coalesce-frames 64 coalesce-usecs 0 "),
	      "a new port has the default policy: %s", out);
	/* Everyone is learned, and everyone received the three others. */
	for (unsigned int p = 0; p < NPORTS; p++)
		check(send_own(p, bcast), "port %c broadcasts", 'A' + p);
	for (unsigned int p = 0; p < NPORTS; p++)
		expect_rx(p, NPORTS - 1, "broadcasts of the others");
	check(fdb_entries(1) == 1 && fdb_entries(4) == 1,
	      "each port's MAC is learned");
}

static void test_spoofchk(void)
{
	static const uint8_t fake[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	const unsigned int A = 0, B = 1, C = 2;
	long long before = counter(1, "tx-drop-spoof");

	set("anti-spoofing", "1 spoofchk on");
	for (int i = 0; i < 5; i++)
		send_from(A, fake, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, 2 });
	expect_none(B, C, "spoofchk: 5 frames from a foreign source");
	check(counter(1, "tx-drop-spoof") == before + 5,
	      "spoofchk: counted as tx-drop-spoof (+%lld, want +5)",
	      counter(1, "tx-drop-spoof") - before);
	check(!fdb_has("02:00:00:00:00:01"),
	      "spoofchk: the foreign source was not learned");
	check(send_to(A, B), "spoofchk: A sends from its own MAC");
	expect_rx(B, 1, "spoofchk: its own MAC passes");

	set("allow one more source", "1 allow 02:00:00:00:00:01");
	send_from(A, fake, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, 2 });
	expect_rx(B, 1, "spoofchk: an allowed source passes");
	set("clear the list", "1 allow none");
	send_from(A, fake, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, 2 });
	expect_none(B, C, "spoofchk: the source is refused again");
	set("anti-spoofing off", "1 spoofchk off");
	send_from(A, fake, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, 2 });
	expect_rx(B, 1, "spoofchk off: any source passes");
	check(counter(1, "tx-drop-spoof") == before + 6,
	      "spoofchk: 6 drops counted in all");
	/* The foreign MAC, learned behind A just now, moves to B. */
	send_from(B, fake, (uint8_t[6]){ 0x52, 0x54, 0, 0xaa, 0, 1 });
	expect_rx(A, 1, "B sends from the same foreign MAC");
	check(fdb_has("02:00:00:00:00:01 vid 0 port 2"),
	      "the foreign MAC moved to B");
	check(kvsctl(NULL, 0, "kvsctl fdb del %s 02:00:00:00:00:01", sw) == 0,
	      "fdb del of the foreign MAC");
}

static void test_isolation(void)
{
	const unsigned int A = 0, B = 1, C = 2, D = 3;
	long long before = counter(1, "tx-drop-isolated");

	set("isolate A", "1 isolated on");
	set("isolate B", "2 isolated on");
	check(send_to(A, B), "isolated: A sends to B");
	expect_none(B, C, "isolated: A's unicast to B");
	check(counter(1, "tx-drop-isolated") == before + 1,
	      "isolated: counted as tx-drop-isolated");
	check(send_to(A, C), "isolated: A sends to C (not isolated)");
	expect_rx(C, 1, "isolated: A reaches a port that is not isolated");
	check(send_to(C, A), "isolated: C answers A");
	expect_rx(A, 1, "isolated: a port that is not isolated reaches A");
	check(send_own(A, bcast), "isolated: A broadcasts");
	expect_rx(C, 1, "isolated: A's broadcast reaches C");
	expect_rx(D, 1, "isolated: A's broadcast reaches D");
	expect_none(B, C, "isolated: A's broadcast skips B");
	set("A back", "1 isolated off");
	set("B back", "2 isolated off");
	check(send_to(A, B), "A sends to B again");
	expect_rx(B, 1, "isolation off: A reaches B");
}

static void test_flood(void)
{
	static const uint8_t unknown[6] = { 0x52, 0x54, 0, 0xaa, 0, 0x99 };
	const unsigned int A = 0, B = 1, C = 2, D = 3;

	set("no unknown unicast to D", "4 flood off");
	check(send_own(A, unknown), "flood: A sends to an unknown MAC");
	expect_rx(B, 1, "flood: unknown unicast reaches B");
	expect_rx(C, 1, "flood: unknown unicast reaches C");
	expect_none(D, C, "flood off: unknown unicast skips D");
	check(send_own(A, bcast), "flood off: A broadcasts");
	expect_rx(B, 1, "flood off: B gets the broadcast");
	expect_rx(C, 1, "flood off: C gets the broadcast");
	expect_rx(D, 1, "flood off: D still gets broadcasts");
	set("no multicast/broadcast to D", "4 mcast-flood off");
	check(send_own(A, bcast), "mcast-flood off: A broadcasts");
	expect_rx(B, 1, "mcast-flood off: B gets the broadcast");
	expect_rx(C, 1, "mcast-flood off: C gets the broadcast");
	expect_none(D, C, "mcast-flood off: the broadcast skips D");
	check(send_to(A, D), "mcast-flood off: A sends to D's MAC");
	expect_rx(D, 1, "known unicast still reaches D");
	set("D floods again", "4 flood on mcast-flood on");
}

static void test_learning(void)
{
	const unsigned int A = 0, B = 1, C = 2, D = 3;

	set("C learns nothing", "3 learning off");
	check(kvsctl(NULL, 0, "kvsctl fdb flush %s port 3", sw) == 0,
	      "fdb flush of C's entries");
	check(send_own(C, bcast), "learning off: C broadcasts");
	expect_others(C, "learning off: C's broadcast");
	check(!fdb_has("52:54:00:aa:00:03"), "learning off: C's MAC not learned");
	check(send_to(A, C), "learning off: A sends to C's MAC");
	expect_rx(B, 1, "learning off: frames to C flood (B)");
	expect_rx(C, 1, "learning off: frames to C flood (C)");
	expect_rx(D, 1, "learning off: frames to C flood (D)");
	set("C learns again", "3 learning on");
	check(send_own(C, bcast), "learning on: C broadcasts");
	expect_others(C, "learning on: C's broadcast");
	check(fdb_has("52:54:00:aa:00:03"), "learning on: C's MAC learned");
}

static void test_max_learned(void)
{
	const unsigned int A = 0, B = 1, n = 500;
	uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0 }, dst[6];
	unsigned int got = 0;

	mac_of(B, dst);
	set("cap A's share of the table", "1 max-learned 8");
	srandom(getpid());
	for (unsigned int i = 0; i < n; i++) {
		/* Random locally administered unicast sources, as a MAC
		 * flooder would send: 02:00:rr:rr:rr:rr.
		 */
		long r = random();

		memcpy(src + 2, &r, 4);
		if (!send_from(A, src, dst))
			break;
		/* Keep B's ring from filling: take as we go. */
		got += rx_take(B);
	}
	got += rx_wait(B, n - got);
	check(got == n, "max-learned: all %u frames forwarded (%u)", n, got);
	check(fdb_entries(1) == 8,
	      "max-learned 8: %u random sources, %d entries behind A", n,
	      fdb_entries(1));
	set("raise the cap", "1 max-learned 1024");
	check(kvsctl(NULL, 0, "kvsctl fdb flush %s port 1", sw) == 0,
	      "flush A's learned entries");
}

/* Port @p received one frame, tagged with @vid (0: untagged). */
static void expect_form(unsigned int p, uint16_t vid, const char *what)
{
	unsigned int n = rx_wait(p, 1);

	check(n == 1 && last_tag(p, vid), "%s: port %c received %u, %s%u", what,
	      'A' + p, n, vid ? "tagged " : "untagged", vid ? vid : 0);
}

/*
 * A, B access ports of VLAN 10, C of VLAN 20, D a trunk of both; then D
 * with native VLAN 10; then B and C VLAN-unaware again.
 */
static void test_vlans(void)
{
	const unsigned int A = 0, B = 1, C = 2, D = 3;
	char out[4096];
	uint8_t cmac[6], amac[6];
	long long d0 = counter(4, "tx-drop-vlan"), a0 = counter(1, "tx-drop-vlan");

	mac_of(C, cmac);
	mac_of(A, amac);
	set("access VLAN 10", "1 vlan 10");
	set("access VLAN 10", "2 vlan 10");
	set("access VLAN 20", "3 vlan 20");
	set("trunk of 10 and 20", "4 trunk 10,20");
	check(counter(4, "pvid") == 0, "a trunk without native VLAN: pvid 0");

	check(send_own(A, bcast), "VLAN 10: A broadcasts");
	expect_form(B, 0, "VLAN 10: access port B gets A's broadcast");
	expect_form(D, 10, "VLAN 10: trunk D gets it");
	check(send_tagged(D, cmac, 20), "VLAN 20: D sends tagged 20 to C");
	expect_form(C, 0, "VLAN 20: C gets D's frame untagged, and nothing from VLAN 10 before it");

	check(send_own(C, bcast), "VLAN 20: C broadcasts");
	expect_form(D, 20, "VLAN 20: trunk D gets C's broadcast tagged 20");
	expect_none(A, B, "VLAN 20: C's broadcast does not reach VLAN 10 (A)");
	expect_none(B, A, "VLAN 20: C's broadcast does not reach VLAN 10 (B)");

	check(send_tagged(D, bcast, 10), "trunk D broadcasts tagged 10");
	expect_form(A, 0, "A gets D's VLAN 10 broadcast untagged");
	expect_form(B, 0, "B gets D's VLAN 10 broadcast untagged");
	check(send_tagged(D, cmac, 20), "VLAN 20: D sends tagged 20 to C");
	expect_form(C, 0, "C got nothing of VLAN 10 before D's VLAN 20 frame");

	check(send_tagged(D, bcast, 30), "D sends tagged 30 (not its VLAN)");
	check(send_own(D, bcast), "D sends untagged (no native VLAN)");
	check(send_tagged(A, bcast, 10), "access port A sends a tagged frame");
	check(counter(4, "tx-drop-vlan") == d0 + 2 && counter(1, "tx-drop-vlan") == a0 + 1,
	      "tx-drop-vlan: 2 on D, 1 on A");
	expect_none(B, A, "nothing of those reached B");

	check(fdb_has("52:54:00:aa:00:01 vid 10 port 1"),
	      "A's MAC is learned in VLAN 10");
	check(kvsctl(NULL, 0, "kvsctl fdb add %s 52:54:00:aa:00:03 port 3 vlan 10", sw) == 0,
	      "a static entry sends C's MAC in VLAN 10 to C (not in VLAN 10)");
	check(send_to(A, C), "A sends to C's MAC");
	check(counter(1, "tx-drop-vlan") == a0 + 2,
	      "dropped as tx-drop-vlan, not delivered across VLANs");
	check(kvsctl(NULL, 0, "kvsctl fdb del %s 52:54:00:aa:00:03 vlan 10", sw) == 0,
	      "fdb del of that entry");

	/* The longest untagged frame has no room left for a tag. */
	a0 = counter(1, "tx-drop-bad-hdr");
	check(send_big(A, 18 + 65535), "A broadcasts a frame of the longest size");
	/* 12 + 65553 bytes in 2 KiB buffers: 33 of B's, merged */
	check(rx_wait(B, 33) == 33, "B (access, no tag to add) gets it whole");
	check(counter(1, "tx-drop-bad-hdr") == a0 + 1,
	      "no tagged copy for trunk D: counted as tx-drop-bad-hdr");
	check(send_to(A, D), "A sends a small frame to D");
	expect_form(D, 10, "D got that one, tagged, and nothing before it");

	/* A checksum offset that a tag would push past 16 bits. */
	a0 = counter(1, "tx-drop-bad-hdr");
	check(send_frame(A, amac, bcast, 0, 65540, &(struct virtio_net_hdr){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 65534 }),
	      "A broadcasts 65540 B with its checksum at byte 65534");
	check(rx_wait(B, 33) == 33, "B (access, no tag to add) gets it whole");
	check(counter(1, "tx-drop-bad-hdr") == a0 + 1,
	      "no tagged copy for trunk D (csum_start would wrap): tx-drop-bad-hdr");
	check(send_to(A, D), "A sends a small frame to D");
	expect_form(D, 10, "D got that one, tagged, and nothing before it");

	set("native VLAN 10 on the trunk", "4 native 10");
	check(send_own(D, bcast), "D sends untagged: native VLAN 10");
	expect_form(A, 0, "A gets D's untagged frame");
	expect_form(B, 0, "B gets D's untagged frame");
	check(send_own(A, bcast), "A broadcasts");
	expect_form(D, 0, "VLAN 10 is D's native one: untagged to D");
	expect_rx(B, 1, "B gets A's broadcast too");

	set("B VLAN-unaware", "2 vlan none");
	set("C VLAN-unaware", "3 vlan none");
	check(send_own(A, bcast), "A broadcasts in VLAN 10");
	expect_rx(D, 1, "D gets it");
	expect_none(B, C, "VLAN-unaware B gets nothing of VLAN 10");
	expect_none(C, B, "VLAN-unaware C gets nothing of VLAN 10");
	set("A VLAN-unaware", "1 vlan none");
	set("D VLAN-unaware", "4 vlan none");
	check(kvsctl(out, sizeof(out), "kvsctl port show %s 4", sw) == 0 &&
	      strstr(out, " pvid 0 ") && !strstr(out, " trunk "),
	      "vlan none clears pvid and trunk: %s", out);
}

/*
 * B as a port of three queue pairs whose second one left: the setting
 * reaches every queue pair that is there, the third one included.
 */
static void test_coalesce(void)
{
	struct vhost_kvs_coalesce c = { 0 }, c3 = { 0 };
	struct guest q2, q3;
	char out[512];
	int fd = port[1].fd, r;

	check(!guest_init(&q2, dev) && !guest_init(&q3, dev) &&
	      !xioctl(q2.fd, VHOST_KVS_ADD_QUEUE, &fd) &&
	      !xioctl(q3.fd, VHOST_KVS_ADD_QUEUE, &fd),
	      "B gets two more queue pairs");
	guest_fini(&q2);
	set("coalescing over netlink", "2 coalesce-frames 8 coalesce-usecs 500");
	check(xioctl(port[1].fd, VHOST_KVS_GET_COALESCE, &c) == 0 &&
	      c.max_frames == 8 && c.max_usecs == 500,
	      "the port's file reads the netlink setting back (%u, %u)",
	      c.max_frames, c.max_usecs);
	r = xioctl(q3.fd, VHOST_KVS_GET_COALESCE, &c3);
	check(r == 0 && c3.max_frames == 8 && c3.max_usecs == 500,
	      "so does its third queue pair, after the second left (%u, %u)",
	      c3.max_frames, c3.max_usecs);
	guest_fini(&q3);
	check(kvsctl(out, sizeof(out), "kvsctl port set %s/2 coalesce-frames 2000", sw) != 0 &&
	      strstr(out, "out of range"),
	      "coalesce-frames 2000 refused: %s", out);
	set("coalescing back", "2 coalesce-frames 64 coalesce-usecs 0");
}

/* kvsctl port set with @settings fails, saying @reason. */
static void refused(const char *settings, const char *reason)
{
	char out[512];

	check(kvsctl(out, sizeof(out), "kvsctl port set %s", settings) != 0 &&
	      strstr(out, reason),
	      "port set %.60s refused (%s): %s", settings, reason, out);
}

static void test_refusals(void)
{
	char arg[512];
	int n;

	refused("nosuch/1 isolated on", "no such switch");
	snprintf(arg, sizeof(arg), "%s/99 isolated on", sw);
	refused(arg, "no such port");
	snprintf(arg, sizeof(arg), "%s/1 max-learned 0", sw);
	refused(arg, "out of range");
	snprintf(arg, sizeof(arg), "%s/1 coalesce-usecs 100001", sw);
	refused(arg, "out of range");
	snprintf(arg, sizeof(arg), "%s/1 allow 01:00:5e:00:00:01", sw);
	refused(arg, "must be unicast");
	snprintf(arg, sizeof(arg), "%s/1 allow 02:00:00:00:00:01,00:00:00:00:00:00", sw);
	refused(arg, "must be unicast");
	n = snprintf(arg, sizeof(arg), "%s/1 allow ", sw);
	for (int i = 0; i < 17; i++)
		n += snprintf(arg + n, sizeof(arg) - n, "%s02:00:00:00:01:%02x",
			      i ? "," : "", i);
	refused(arg, "at most 16");
	snprintf(arg, sizeof(arg), "%s/1 isolated 2", sw);
	refused(arg, "on or off");
	/* A refused request changed nothing. */
	check(counter(1, "max-learned") == 1024 && !fdb_has("02:00:00:00:01:00"),
	      "refused requests left the policy as it was");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: kvs-policytest SWITCH [DEVICE]\n");
		return 2;
	}
	sw = argv[1];
	if (argc > 2)
		dev = argv[2];
	for (unsigned int p = 0; p < NPORTS; p++)
		if (port_open(p)) {
			printf("Bail out! cannot set up port %u on %s: %s\n",
			       p + 1, sw, strerror(errno));
			return 1;
		}
	test_defaults();
	test_spoofchk();
	test_isolation();
	test_flood();
	test_learning();
	test_max_learned();
	test_vlans();
	test_coalesce();
	test_refusals();
	for (unsigned int p = 0; p < NPORTS; p++)
		guest_fini(&port[p]);
	return tap_done("kvs-policytest");
}
