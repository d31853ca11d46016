// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-fuzz: hostile guests and well-behaved ones on one vhost-kvs switch.
 *
 *   kvs-fuzz -s SWITCH [-S SEED] [-t SECONDS] [-a ATTACKERS] [-v VICTIMS]
 *            [DEVICE]
 *
 * Defaults: seed from the clock (printed first, "# seed N", so a run can be
 * repeated), 60 s, 2 attackers, 2 victims, /dev/vhost-kvs. The switch must
 * exist; kvsctl must be on $PATH.
 *
 * Victims (MACs 52:54:00:f2:00:NN) are ports with mergeable RX buffers.
 * They send each other frames whose every byte is a function of (source,
 * sequence number, offset), keep their RX rings stocked and check all
 * the device gives them: each byte of each frame, that used lengths match
 * what was written, guard bytes around each RX buffer, canary bytes in
 * all of their memory that no descriptor or ring covers, that no frame
 * arrives twice, and that frames keep arriving.
 *
 * Attackers (MACs 02:66:7a:00:AA:GG), one thread each, drive their own
 * /dev/vhost-kvs files as a hostile guest would: malformed chains and
 * headers, rings moved, reset and restarted under traffic, ports detached,
 * closed and reset, their policy changed through kvsctl. Whatever the
 * device refuses them is fine; a call that does not return within 10 s
 * (30 s with KVS_FUZZ_SLOW=1) fails the run at once.
 *
 * All randomness comes from the seed: a run repeats, timing aside. Each
 * violation is printed when it happens, with the seed and what every
 * attacker was doing. Prints TAP; exits non-zero when a property failed.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "tap.h"

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#define TUN_F_USO6	0x40
#endif

#define RX		0
#define TX		1
#define QSIZE		GUEST_QSIZE
#define MEM		GUEST_MEM_SIZE
#define HL		sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define FRAME_MAX	65553u		/* 802.1Q header + 64 KiB IP packet */
#define ETH_FUZZ	0x88b5		/* IEEE local experimental */
#define MAGIC		0x5a46564bu	/* "KVFZ" */
#define MAX_VICTIMS	16
#define MAX_ATTACKERS	16
#define MAX_PRINTED	50		/* violations printed; all are counted */

static const char *dev = "/dev/vhost-kvs";
static const char *sw;
static char kvsctl_path[4096] = "kvsctl";	/* found on $PATH at start */
static uint64_t seed;
static double t0;			/* start of the run */
static int slow;			/* KVS_FUZZ_SLOW=1: a debug kernel */

/* --- Time and randomness ------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t now_ms(void)
{
	return (int64_t)(now_s() * 1e3) + 1;	/* never 0: 0 is "idle" */
}

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ z >> 27) * 0x94d049bb133111ebull;
	return z ^ z >> 31;
}

/* The state of stream @stream of the run: one per victim and attacker. */
static uint64_t rng_init(uint64_t stream)
{
	uint64_t x = seed ^ stream << 40, s = splitmix(&x);

	return s ? s : 1;
}

/* xorshift64* */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd(s) >> 32) % n;
}

static int one_in(uint64_t *s, uint32_t n)
{
	return below(s, n) == 0;
}

#define PICK(s, arr)	((arr)[below(s, sizeof(arr) / sizeof((arr)[0]))])

static void fill_random(uint64_t *s, uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rnd(s) >> 56);
}

/* --- MAC addresses ------------------------------------------------- */

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t victim_oui[5] = { 0x52, 0x54, 0x00, 0xf2, 0x00 };

static void victim_mac(unsigned int i, uint8_t *mac)
{
	memcpy(mac, victim_oui, 5);
	mac[5] = i + 1;
}

/* Attacker @i's port of generation @gen (a new one each reopen). */
static void attacker_mac(unsigned int i, unsigned int gen, uint8_t *mac)
{
	memcpy(mac, (uint8_t[6]){ 0x02, 0x66, 0x7a, 0x00, i, gen }, 6);
}

static unsigned int nvictims = 2;

/* A victim's index from a MAC, or -1. */
static int victim_of(const uint8_t *mac)
{
	if (memcmp(mac, victim_oui, 5) || !mac[5] || mac[5] > nvictims)
		return -1;
	return mac[5] - 1;
}

/* --- Victims: layout and frames ------------------------------------ */

/*
 * A victim's memory. guest.c puts queue i's rings in the first 64 KiB of
 * MiB i (descriptors, avail ring at +16 KiB, used ring at +32 KiB); the
 * rings and buffers are the only bytes the device may write or read.
 * Everything else holds canary bytes, among them a 64 KiB block right
 * after the RX rings (the start of what is not rings) and the last 64 KiB.
 */
#define V_CANARY_LO	0x010000ull
#define V_TXBUF		0x020000ull	/* 64 frame slots, one per chain */
#define V_TXSLOT	0x2400u
#define V_TXSLOTS	(QSIZE / 4)	/* guest_post(): 4 descriptors a chain */
#define V_RXBUF		0x110000ull	/* after the TX rings */
#define GUARD		64
#define V_RXLEN		4096u
#define V_RXSLOT	(GUARD + V_RXLEN + GUARD)
#define CANARY_LEN	0x10000u
#define POISON		0x5a		/* RX buffer bytes not yet written */
#define GATHER_MAX	(HL + FRAME_MAX + V_RXLEN)
#define V_MIN		60		/* victims' frame sizes */
#define V_MAX		9000

struct range {
	uint64_t start, end;
};

#define RING_AT(q)	((uint64_t)(q) << 20)
#define DESC_END	(16 * QSIZE)
#define AVAIL_END	(0x4000 + 6 + 2 * QSIZE)
#define USED_END	(0x8000 + 6 + 8 * QSIZE)

/* What the device may touch in a victim's memory, in address order. */
static const struct range v_live[] = {
	{ RING_AT(RX), RING_AT(RX) + DESC_END },
	{ RING_AT(RX) + 0x4000, RING_AT(RX) + AVAIL_END },
	{ RING_AT(RX) + 0x8000, RING_AT(RX) + USED_END },
	{ V_TXBUF, V_TXBUF + V_TXSLOTS * V_TXSLOT },
	{ RING_AT(TX), RING_AT(TX) + DESC_END },
	{ RING_AT(TX) + 0x4000, RING_AT(TX) + AVAIL_END },
	{ RING_AT(TX) + 0x8000, RING_AT(TX) + USED_END },
	{ V_RXBUF, V_RXBUF + QSIZE * V_RXSLOT },
	{ MEM, MEM },
};

_Static_assert(V_CANARY_LO >= RING_AT(RX) + USED_END &&
	       V_TXBUF >= V_CANARY_LO + CANARY_LEN &&
	       V_TXBUF + V_TXSLOTS * V_TXSLOT <= RING_AT(TX) &&
	       V_RXBUF + QSIZE * V_RXSLOT <= MEM - CANARY_LEN,
	       "victim layout overlaps");

/* A victim's frame: Ethernet header, then these fields, then payload. */
struct vframe {
	uint8_t dst[6], src[6];
	uint16_t ethertype;	/* ETH_FUZZ, big endian */
	uint32_t magic;
	uint64_t seq;
	uint32_t len;		/* of the whole frame */
} __attribute__((packed));

/* Per (source, sequence number): what its payload bytes derive from. */
static uint32_t vkey(unsigned int src, uint64_t seq)
{
	uint64_t x = (uint64_t)src << 56 ^ seq;

	return (uint32_t)splitmix(&x);
}

/* Payload byte at @off: not periodic, so a shifted copy does not match. */
static uint8_t vbyte(uint32_t key, uint32_t off)
{
	return (uint8_t)((key >> (off & 3) * 8) + off * 167 + (off >> 8));
}

/* Sequence numbers received from one source. */
struct seen {
	uint8_t *bits;
	uint64_t cap;		/* in sequence numbers */
};

struct victim {
	struct guest g;
	unsigned int idx;
	uint8_t mac[6];
	uint64_t rng;
	uint64_t next_seq;
	uint8_t tx_busy[V_TXSLOTS];
	uint32_t rx_len[QSIZE];		/* posted length per RX slot */
	uint8_t *gather;		/* the frame being gathered */
	size_t gather_len;
	unsigned int gather_left;	/* of its buffers, still to come */
	struct seen seen[MAX_VICTIMS];
	uint32_t heard;			/* victims heard from (bitmap) */
	double hello_at, tokens, tokens_at;
	/* First frame sent to it since it last received a victim's; 0: none */
	double waiting_since;
	uint64_t sent, rx_ok, rx_flooded, rx_attacker, rx_bufs;
};

static struct victim victims[MAX_VICTIMS];

/* --- Properties and violations ------------------------------------- */

enum prop { P_DATA, P_FORM, P_DUP, P_GUARD, P_CANARY, P_LIVE, NPROPS };

static const char *const prop_name[NPROPS] = {
	[P_DATA] = "victim frame", [P_FORM] = "used entry",
	[P_DUP] = "duplicate", [P_GUARD] = "RX guard",
	[P_CANARY] = "canary", [P_LIVE] = "liveness",
};

static unsigned long viol[NPROPS];

/* --- Attackers: state, and the watch on their calls ----------------- */

/* A call in progress, for the watchdog. */
struct watch {
	int64_t since;		/* now_ms() when it began; 0: none */
	const char *what;
	int fd;
};

/*
 * An attacker's memory. The device writes into the RX zone only (every
 * RX descriptor an attacker posts stays inside it or outside memory),
 * and attackers' TX descriptors never cover it: frames received there are
 * victims' frames, and sending them on would replay them (to a victim, a
 * duplicate it could not tell from the device's).
 */
#define A_RXZONE	0x010000ull	/* after the RX rings */
#define A_RXZONE_END	0x100000ull	/* the TX rings */
#define A_IND		0x110000ull	/* indirect tables of 4 KiB: */
#define A_NIND		8		/* 8 for TX, then 8 for RX */
#define A_DATA		0x200000ull	/* frames, to the end of memory */
#define A_PROT		(MEM - 0x10000)	/* the last 64 KiB: mprotect()ed */
#define A_CHAIN		8		/* descriptors a chain, at most */
#define SCRATCH		(HL + 70000 + 64)

/* One /dev/vhost-kvs file of an attacker. */
struct aport {
	struct guest g;
	int open;		/* g is set up */
	int tap;		/* from VHOST_KVS_TAP_FD, or -1 */
	size_t hl;		/* virtio-net header length it negotiated */
};

struct attacker {
	unsigned int idx;
	pthread_t thread;
	uint64_t rng;
	uint64_t nl_rng;	/* kvsctl's: whether it runs depends on time */
	unsigned int gen;	/* ports opened so far: part of the MAC */
	uint8_t mac[6];
	struct aport port[2];	/* the port, an extra queue pair */
	uint8_t *scratch;	/* frames written to the tap file */
	char cmd[200];		/* the kvsctl command running */
	struct watch w;
	uint64_t step;		/* atomic: read by reports */
	const char *action;	/* atomic */
	int done;		/* atomic: its files are closed */
	uint64_t calls, refused, chains, tap_frames, ring_errors;
	uint64_t kvsctl_runs, kvsctl_refused;
	double kvsctl_at;	/* when kvsctl last ran */
};

static struct attacker attackers[MAX_ATTACKERS];
static unsigned int nattackers = 2;
static int attackers_stop;		/* atomic */
static int watchdog_stop;		/* atomic */
static struct watch main_watch;		/* the victims' own calls */
static int limit_s;			/* a call's limit */

static void print_attackers(void)
{
	printf("#   attackers:");
	for (unsigned int i = 0; i < nattackers; i++) {
		struct attacker *a = &attackers[i];
		const char *act = __atomic_load_n(&a->action, __ATOMIC_RELAXED);

		printf(" %u at step %llu (%s)%s", i,
		       (unsigned long long)__atomic_load_n(&a->step,
							   __ATOMIC_RELAXED),
		       act ? act : "-", i + 1 < nattackers ? "," : "");
	}
	if (!nattackers)
		printf(" none");
	putchar('\n');
}

/* Count a violation; print the first ones with what it takes to replay. */
static void violation(enum prop p, const struct victim *v, const char *fmt,
		      ...)
{
	static unsigned int printed;
	va_list ap;

	viol[p]++;
	if (++printed > MAX_PRINTED) {
		if (printed == MAX_PRINTED + 1)
			printf("# (further violations are counted only)\n");
		return;
	}
	printf("# VIOLATION (%s), seed %llu, at %.1f s", prop_name[p],
	       (unsigned long long)seed, now_s() - t0);
	if (v)
		printf(", victim %u", v->idx);
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	print_attackers();
	fflush(stdout);
}

static void watch_begin(struct watch *w, const char *what, int fd)
{
	__atomic_store_n(&w->what, what, __ATOMIC_RELAXED);
	__atomic_store_n(&w->fd, fd, __ATOMIC_RELAXED);
	__atomic_store_n(&w->since, now_ms(), __ATOMIC_RELEASE);
}

static int watch_end(struct watch *w, int r)
{
	__atomic_store_n(&w->since, 0, __ATOMIC_RELEASE);
	return r;
}

/* An attacker's call, watched; its result, -errno on failure. */
static int a_done(struct attacker *a, int r)
{
	watch_end(&a->w, r);
	a->calls++;
	if (r < 0)
		a->refused++;
	return r;
}

#define A_WATCH(a, what, fd, expr) \
	(watch_begin(&(a)->w, what, fd), a_done(a, (expr)))
#define A_IOCTL(a, fd, req, arg) \
	A_WATCH(a, #req, fd, xioctl(fd, req, arg))

/* An ioctl whose result is a file descriptor. */
static int ioctl_fd(int fd, unsigned long req)
{
	int r = ioctl(fd, req);

	return r < 0 ? -errno : r;
}

static void hang(const char *who, const struct watch *w, int64_t since)
{
	printf("# HANG, seed %llu, at %.1f s: %s: %s (fd %d) has not returned in %lld s\n",
	       (unsigned long long)seed, now_s() - t0, who,
	       __atomic_load_n(&w->what, __ATOMIC_RELAXED),
	       __atomic_load_n(&w->fd, __ATOMIC_RELAXED),
	       (long long)(now_ms() - since) / 1000);
	print_attackers();
	check(0, "no hang: %s: %s did not return within %d s", who,
	      __atomic_load_n(&w->what, __ATOMIC_RELAXED), limit_s);
	printf("Bail out! a call did not return (see above)\n");
	tap_done("kvs-fuzz");
	fflush(stdout);
	/* The hung thread cannot be joined; leave without it. */
	_exit(1);
}

static void watch_check(const char *who, const struct watch *w)
{
	int64_t since = __atomic_load_n(&w->since, __ATOMIC_ACQUIRE);

	if (since && now_ms() - since > limit_s * 1000LL)
		hang(who, w, since);
}

static void *watchdog(void *arg)
{
	char who[96];

	(void)arg;
	while (!__atomic_load_n(&watchdog_stop, __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i < nattackers; i++) {
			struct attacker *a = &attackers[i];
			const char *act = __atomic_load_n(&a->action,
							  __ATOMIC_RELAXED);

			snprintf(who, sizeof(who), "attacker %u, step %llu (%s)",
				 i, (unsigned long long)__atomic_load_n(
					 &a->step, __ATOMIC_RELAXED),
				 act ? act : "starting");
			watch_check(who, &a->w);
		}
		watch_check("victims", &main_watch);
		usleep(100 * 1000);
	}
	return NULL;
}

/* --- Victims ------------------------------------------------------- */

static uint8_t canary_byte(uint64_t at)
{
	return (uint8_t)(0xc3 ^ at ^ at >> 8 ^ at >> 16);
}

/* Fill (@check 0) or check the canary bytes; the first bad address or 0. */
static uint64_t canaries(struct victim *v, int check)
{
	uint64_t at = 0;

	for (size_t i = 0; i < sizeof(v_live) / sizeof(v_live[0]); i++) {
		for (; at < v_live[i].start; at++) {
			uint8_t *p = gpa(&v->g, at);

			if (!check)
				*p = canary_byte(at);
			else if (*p != canary_byte(at))
				return at;
		}
		at = v_live[i].end;
	}
	return 0;
}

static void canary_check(struct victim *v)
{
	uint64_t bad = canaries(v, 1);

	if (bad)
		violation(P_CANARY, v, "canary byte at guest address 0x%llx is 0x%02x (want 0x%02x)%s",
			  (unsigned long long)bad, *(uint8_t *)gpa(&v->g, bad),
			  canary_byte(bad),
			  bad >= V_CANARY_LO && bad < V_CANARY_LO + CANARY_LEN ?
			  " (low block)" : bad >= MEM - CANARY_LEN ?
			  " (high block)" : "");
	if (bad)	/* report once: put them back */
		canaries(v, 0);
}

static uint64_t rx_addr(unsigned int slot)
{
	return V_RXBUF + slot * V_RXSLOT + GUARD;
}

static uint8_t guard_pat[GUARD], poison_pat[V_RXLEN];

static void patterns_init(void)
{
	for (int i = 0; i < GUARD; i++)
		guard_pat[i] = 0xa5 ^ i;
	memset(poison_pat, POISON, sizeof(poison_pat));
}

/* Post RX slot @slot again: guards around it, poison in it. */
static void rx_post(struct victim *v, unsigned int slot)
{
	uint32_t len = one_in(&v->rng, 4) ? 64 + below(&v->rng, V_RXLEN - 63) :
					    V_RXLEN;
	uint8_t *b = gpa(&v->g, rx_addr(slot));

	memcpy(b - GUARD, guard_pat, GUARD);
	memset(b, POISON, len);
	memcpy(b + len, guard_pat, GUARD);
	v->rx_len[slot] = len;
	guest_add_buf(&v->g, RX, slot, rx_addr(slot), len, VRING_DESC_F_WRITE);
}

/* The guards of @slot, and its bytes from @used on, are as posted. */
static void rx_check_slot(struct victim *v, unsigned int slot, uint32_t used)
{
	uint8_t *b = gpa(&v->g, rx_addr(slot));
	uint32_t len = v->rx_len[slot];

	if (memcmp(b - GUARD, guard_pat, GUARD) ||
	    memcmp(b + len, guard_pat, GUARD))
		violation(P_GUARD, v, "guard bytes of RX slot %u overwritten (buffer %u bytes, used %u)",
			  slot, len, used);
	if (memcmp(b + used, poison_pat, len - used))
		violation(P_FORM, v, "RX slot %u: bytes written past the used length %u (buffer %u bytes)",
			  slot, used, len);
}

/* Whether @seq from @src was seen already; marks it. */
static int seen_before(struct seen *s, uint64_t seq)
{
	if (seq >= s->cap) {
		uint64_t cap = s->cap ? s->cap : 1 << 16;

		while (cap <= seq)
			cap *= 2;
		s->bits = realloc(s->bits, cap / 8);
		if (!s->bits) {
			perror("kvs-fuzz: realloc");
			exit(2);
		}
		memset(s->bits + s->cap / 8, 0, (cap - s->cap) / 8);
		s->cap = cap;
	}
	if (s->bits[seq / 8] & 1 << seq % 8)
		return 1;
	s->bits[seq / 8] |= 1 << seq % 8;
	return 0;
}

/* A whole frame from victim @src (by its MAC) reached @v: check it all. */
static void rx_victim_frame(struct victim *v, int src,
			    const struct virtio_net_hdr_mrg_rxbuf *h,
			    const uint8_t *f, uint32_t flen)
{
	const struct vframe *vf = (const void *)f;
	uint32_t key, off;
	int dst;

	if (src == (int)v->idx) {
		violation(P_DATA, v, "its own frame came back (%u bytes)", flen);
		return;
	}
	if ((h->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) ||
	    h->hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		violation(P_DATA, v, "victim %d's frame has virtio-net flags 0x%x, gso_type 0x%x (sent 0, 0)",
			  src, h->hdr.flags, h->hdr.gso_type);
	if (flen < sizeof(*vf) || vf->ethertype != htobe16(ETH_FUZZ) ||
	    vf->magic != MAGIC || vf->len != flen ||
	    vf->seq >= victims[src].next_seq) {
		violation(P_DATA, v, "victim %d's frame of %u bytes: bad header (len field %u, seq %llu of %llu sent)",
			  src, flen, flen >= sizeof(*vf) ? vf->len : 0,
			  flen >= sizeof(*vf) ? (unsigned long long)vf->seq : 0,
			  (unsigned long long)victims[src].next_seq);
		return;
	}
	dst = victim_of(vf->dst);
	if (memcmp(vf->dst, bcast, 6) && dst < 0) {
		violation(P_DATA, v, "victim %d's frame %llu: destination %02x:%02x:%02x:%02x:%02x:%02x",
			  src, (unsigned long long)vf->seq, vf->dst[0],
			  vf->dst[1], vf->dst[2], vf->dst[3], vf->dst[4],
			  vf->dst[5]);
		return;
	}
	key = vkey(src, vf->seq);
	for (off = sizeof(*vf); off < flen; off++)
		if (f[off] != vbyte(key, off))
			break;
	if (off < flen) {
		violation(P_DATA, v, "victim %d's frame %llu (%u bytes): byte %u is 0x%02x, want 0x%02x",
			  src, (unsigned long long)vf->seq, flen, off, f[off],
			  vbyte(key, off));
		return;
	}
	if (seen_before(&v->seen[src], vf->seq)) {
		violation(P_DUP, v, "victim %d's frame %llu (%u bytes) arrived twice",
			  src, (unsigned long long)vf->seq, flen);
		return;
	}
	v->rx_ok++;
	/* Unknown unicast is flooded: a copy for another victim is fine. */
	if (dst >= 0 && dst != (int)v->idx)
		v->rx_flooded++;
	v->heard |= 1u << src;
	v->waiting_since = 0;
}

/* The frame gathered in v->gather is complete. */
static void rx_frame(struct victim *v)
{
	const struct virtio_net_hdr_mrg_rxbuf *h = (const void *)v->gather;
	const uint8_t *f = v->gather + HL;
	uint32_t flen = v->gather_len - HL;

	if (flen < 14 || flen > FRAME_MAX) {
		violation(P_FORM, v, "a frame of %u bytes (used lengths %zu in all)",
			  flen, v->gather_len);
		return;
	}
	/*
	 * Attackers never send from a victim's MAC (see random_mac()); even
	 * random bytes match one only once in 2^48.
	 */
	if (victim_of(f + 6) >= 0)
		rx_victim_frame(v, victim_of(f + 6), h, f, flen);
	else
		v->rx_attacker++;	/* attackers send what they like */
}

/* A frame's buffers come one used entry each; the first has its header. */
static void rx_gather(struct victim *v, const uint8_t *b, uint32_t len)
{
	size_t n = len;

	if (!v->gather_left) {
		const struct virtio_net_hdr_mrg_rxbuf *h = (const void *)b;

		if (len < HL) {
			violation(P_FORM, v, "the first buffer of a frame holds %u bytes, less than its header",
				  len);
			return;
		}
		v->gather_left = h->num_buffers;
		if (!v->gather_left || v->gather_left > QSIZE) {
			violation(P_FORM, v, "num_buffers %u", h->num_buffers);
			v->gather_left = 1;
		}
		v->gather_len = 0;
	}
	if (n > GATHER_MAX - v->gather_len) {
		violation(P_FORM, v, "frame longer than %zu bytes", GATHER_MAX);
		n = GATHER_MAX - v->gather_len;
	}
	memcpy(v->gather + v->gather_len, b, n);
	v->gather_len += n;
	if (!--v->gather_left)
		rx_frame(v);
}

static void rx_entry(struct victim *v, uint32_t id, uint32_t len)
{
	if (id >= QSIZE || !v->rx_len[id]) {
		violation(P_FORM, v, "RX used id %u was not posted", id);
		return;
	}
	if (len > v->rx_len[id]) {
		violation(P_FORM, v, "RX used length %u > buffer %u (slot %u)",
			  len, v->rx_len[id], id);
		len = v->rx_len[id];
	}
	rx_check_slot(v, id, len);
	v->rx_bufs++;
	rx_gather(v, gpa(&v->g, rx_addr(id)), len);
	rx_post(v, id);
}

/* Take what the device delivered; buffers go back at once. */
static int victim_rx(struct victim *v)
{
	uint32_t id, len;
	int n = 0;

	while (n < QSIZE && guest_used_next(&v->g, RX, &id, &len)) {
		rx_entry(v, id, len);
		n++;
	}
	if (n) {
		guest_publish(&v->g, RX);
		guest_kick(&v->g, RX);
	}
	return n;
}

static int victim_tx_reap(struct victim *v)
{
	uint32_t id, len;
	int n = 0;

	while (n < QSIZE && guest_used_next(&v->g, TX, &id, &len)) {
		n++;
		if (id % 4 || id / 4 >= V_TXSLOTS || !v->tx_busy[id / 4]) {
			violation(P_FORM, v, "TX used id %u was not in flight", id);
			continue;
		}
		v->tx_busy[id / 4] = 0;
	}
	return n;
}

static uint32_t victim_frame_len(struct victim *v)
{
	switch (below(&v->rng, 8)) {
	case 0:
		return V_MIN;
	case 1:
		return V_MIN + below(&v->rng, 68);
	case 2:
		return 1514;
	case 3:
		return V_MAX;
	default:
		return V_MIN + below(&v->rng, V_MAX - V_MIN + 1);
	}
}

/* Frames to @d (-1: broadcast) are awaited from now on. */
static void expect_frames(struct victim *v, int d)
{
	double t = now_s();

	for (unsigned int i = 0; i < nvictims; i++)
		if (i != v->idx && (d < 0 || d == (int)i) &&
		    !victims[i].waiting_since)
			victims[i].waiting_since = t;
}

/*
 * One frame to victim @d (-1: broadcast), in 1 to 4 descriptors behind a
 * zero virtio-net header. 0 when its TX slot is still in flight.
 */
static int victim_send(struct victim *v, int d)
{
	unsigned int slot = v->g.vq[TX].avail_idx % V_TXSLOTS, n, i;
	uint64_t at = V_TXBUF + slot * V_TXSLOT, addr[4];
	uint32_t flen = victim_frame_len(v), left = HL + flen, len[4], key;
	uint8_t *b = gpa(&v->g, at);
	struct vframe *vf = (void *)(b + HL);
	uint16_t flags[4] = { 0 };

	if (v->tx_busy[slot])
		return 0;
	memset(b, 0, HL);
	if (d < 0)
		memcpy(vf->dst, bcast, 6);
	else
		victim_mac(d, vf->dst);
	memcpy(vf->src, v->mac, 6);
	vf->ethertype = htobe16(ETH_FUZZ);
	vf->magic = MAGIC;
	vf->seq = v->next_seq++;
	vf->len = flen;
	key = vkey(v->idx, vf->seq);
	for (uint32_t off = sizeof(*vf); off < flen; off++)
		b[HL + off] = vbyte(key, off);
	/* Split anywhere, header included: each piece at least a byte. */
	n = 1 + below(&v->rng, 4);
	for (i = 0; i < n; i++) {
		len[i] = i + 1 == n ? left : 1 + below(&v->rng, left - (n - i - 1));
		addr[i] = at;
		at += len[i];
		left -= len[i];
	}
	guest_post(&v->g, TX, n, addr, len, flags);
	guest_kick(&v->g, TX);
	v->tx_busy[slot] = 1;
	v->sent++;
	expect_frames(v, d);
	return 1;
}

static int pick_dst(struct victim *v)
{
	int d;

	if (one_in(&v->rng, 32))
		return -1;
	d = below(&v->rng, nvictims - 1);
	return d >= (int)v->idx ? d + 1 : d;
}

enum phase { WARMUP, ATTACK, WIND_DOWN, DRAIN };

static double send_rate(void)
{
	return slow ? 1000 : 4000;	/* frames a second, per victim */
}

/* Send what the rate allows; in the warm-up, a hello broadcast now and then. */
static int victim_send_some(struct victim *v, enum phase ph)
{
	double t = now_s();
	int sent = 0;

	if (ph == WARMUP) {
		if (t - v->hello_at < 0.2)
			return 0;
		v->hello_at = t;
		return victim_send(v, -1);
	}
	v->tokens += (t - v->tokens_at) * send_rate();
	v->tokens_at = t;
	if (v->tokens > 32)
		v->tokens = 32;
	while (v->tokens >= 1 && victim_send(v, pick_dst(v))) {
		v->tokens--;
		sent++;
	}
	return sent;
}

static int live_limit(void)
{
	return slow ? 20 : 10;
}

static void liveness_check(void)
{
	double t = now_s();

	for (unsigned int i = 0; i < nvictims; i++) {
		struct victim *v = &victims[i];

		if (!v->waiting_since || t - v->waiting_since <= live_limit())
			continue;
		violation(P_LIVE, v, "no frame from the other victims for %d s while they sent it some (%llu received from victims so far)",
			  live_limit(), (unsigned long long)v->rx_ok);
		v->waiting_since = 0;	/* one report per silence */
	}
}

/* Up to @ms for any victim's queue to signal. */
static void victims_wait(int ms)
{
	struct pollfd p[2 * MAX_VICTIMS];
	uint64_t val;

	for (unsigned int i = 0; i < nvictims; i++) {
		p[2 * i] = (struct pollfd){ .fd = victims[i].g.vq[RX].call,
					    .events = POLLIN };
		p[2 * i + 1] = (struct pollfd){ .fd = victims[i].g.vq[TX].call,
						.events = POLLIN };
	}
	if (poll(p, 2 * nvictims, ms) <= 0)
		return;
	for (unsigned int i = 0; i < 2 * nvictims; i++)
		if (p[i].revents & POLLIN)
			(void)!read(p[i].fd, &val, sizeof(val));
}

static int all_heard(void)
{
	uint32_t all = (1u << nvictims) - 1;

	for (unsigned int i = 0; i < nvictims; i++)
		if ((victims[i].heard | 1u << i) != all)
			return 0;
	return 1;
}

static int attackers_done(void)
{
	for (unsigned int i = 0; i < nattackers; i++)
		if (!__atomic_load_n(&attackers[i].done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

/* Run the victims until @until, or until @done() says so. */
static void victims_run(enum phase ph, double until, int (*done)(void))
{
	double next_canary = now_s() + 1;

	while (now_s() < until && !(done && done())) {
		int progress = 0;

		for (unsigned int i = 0; i < nvictims; i++) {
			progress += victim_rx(&victims[i]);
			progress += victim_tx_reap(&victims[i]);
			if (ph != DRAIN)
				progress += victim_send_some(&victims[i], ph);
		}
		if (ph == ATTACK || ph == WIND_DOWN)
			liveness_check();
		if (now_s() >= next_canary) {
			for (unsigned int i = 0; i < nvictims; i++)
				canary_check(&victims[i]);
			next_canary += 1;
		}
		if (!progress)
			victims_wait(1);
	}
}

/* A victim's port: attached, its RX ring full of guarded buffers. */
static int victim_open(struct victim *v, unsigned int i)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	/* Every other victim takes all offloads: frames arrive whole. */
	uint32_t offl = i % 2 ? TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
				TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6 : 0;
	struct vhost_kvs_attach a = { 0 };
	struct guest *g = &v->g;

	v->idx = i;
	v->rng = rng_init(0x100 + i);
	victim_mac(i, v->mac);
	v->gather = malloc(GATHER_MAX);
	if (!v->gather || guest_init(g, dev))
		return -1;
	madvise(g->mem, MEM, MADV_DONTFORK);
	snprintf(a.switch_name, sizeof(a.switch_name), "%s", sw);
	memcpy(a.mac, v->mac, 6);
	if (ioctl(g->fd, VHOST_KVS_ATTACH, &a) ||
	    ioctl(g->fd, VHOST_SET_OWNER) ||
	    ioctl(g->fd, VHOST_SET_FEATURES, &f) || guest_set_mem(g) ||
	    guest_setup_vq(g, RX) || guest_setup_vq(g, TX) ||
	    ioctl(g->fd, VHOST_KVS_SET_OFFLOADS, &offl))
		return -1;
	/* After guest_setup_vq(), which zeroes the rings' 64 KiB. */
	canaries(v, 0);
	for (unsigned int s = 0; s < QSIZE; s++)
		rx_post(v, s);
	guest_publish(g, RX);
	return guest_set_backend(g, RX, g->fd) ?: guest_set_backend(g, TX, g->fd);
}

/*
 * The end: queues stopped (so nothing writes any more), what was delivered
 * taken, and then every buffer still posted must be exactly as posted.
 */
static void victim_close(struct victim *v)
{
	watch_begin(&main_watch, "VHOST_NET_SET_BACKEND (victim stop)",
		    v->g.fd);
	guest_set_backend(&v->g, RX, -1);
	guest_set_backend(&v->g, TX, -1);
	watch_end(&main_watch, 0);
	victim_rx(v);
	victim_tx_reap(v);
	if (v->gather_left)
		violation(P_FORM, v, "the last frame's %u other buffers never came",
			  v->gather_left);
	for (unsigned int s = 0; s < QSIZE; s++)
		rx_check_slot(v, s, 0);
	v->rx_bufs += QSIZE;
	canary_check(v);
	watch_begin(&main_watch, "close (victim)", v->g.fd);
	guest_fini(&v->g);
	watch_end(&main_watch, 0);
}

/* --- Attackers: frames --------------------------------------------- */

static void random_mac(uint64_t *r, uint8_t *mac)
{
	fill_random(r, mac, 6);
	/* Never a victim's: that would steal its traffic, legitimately. */
	if (!memcmp(mac, victim_oui, 3))
		mac[0] = 0x02;
}

static void pick_dst_mac(struct attacker *a, uint8_t *mac)
{
	uint64_t *r = &a->rng;

	switch (below(r, 7)) {
	case 0:
	case 1:
		memcpy(mac, bcast, 6);
		break;
	case 2:
	case 3:
		victim_mac(below(r, nvictims), mac);
		break;
	case 4:
		attacker_mac(below(r, nattackers), 1, mac);
		mac[5] += below(r, 4);	/* this or a later port of it */
		break;
	case 5:
		memcpy(mac, (uint8_t[6]){ 0x01, 0x00, 0x5e, 0, 0, 1 }, 6);
		break;
	default:
		random_mac(r, mac);
	}
}

static uint16_t edge16(uint64_t *r, uint32_t flen)
{
	const uint32_t v[] = { 0, 1, 13, 14, 34, 54, 0x7fff, 0xffff,
			       flen - 1, flen, flen + 1 };

	return one_in(r, 6) ? (uint16_t)rnd(r) : (uint16_t)PICK(r, v);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/*
 * IPv4 or IPv6, then TCP or UDP, mostly plausible (so that segmentation
 * gets past its parser), sometimes not. Returns the L4 offset, 0 if none.
 */
static unsigned int put_l3l4(uint64_t *r, uint8_t *f, unsigned int l3,
			     uint32_t flen, int *tcp)
{
	unsigned int l4;
	uint8_t proto;

	*tcp = !one_in(r, 3);
	proto = one_in(r, 8) ? (uint8_t)rnd(r) : *tcp ? 6 : 17;
	if (one_in(r, 2)) {
		put16(f + l3 - 2, 0x0800);
		f[l3] = one_in(r, 8) ? (uint8_t)rnd(r) : 0x45;
		put16(f + l3 + 2, one_in(r, 4) ? edge16(r, flen) : flen - l3);
		put16(f + l3 + 6, one_in(r, 8) ? (uint16_t)rnd(r) : 0);
		f[l3 + 8] = 64;
		f[l3 + 9] = proto;
		l4 = l3 + 20;
	} else {
		put16(f + l3 - 2, 0x86dd);
		f[l3] = one_in(r, 8) ? (uint8_t)rnd(r) : 0x60;
		put16(f + l3 + 4, one_in(r, 4) ? edge16(r, flen) : flen - l3 - 40);
		f[l3 + 6] = proto;
		f[l3 + 7] = 64;
		l4 = l3 + 40;
	}
	if (*tcp)
		f[l4 + 12] = one_in(r, 6) ? (uint8_t)rnd(r) : 5 << 4;
	else
		put16(f + l4 + 4, flen - l4);
	return l4;
}

/* A virtio-net header for a frame of @flen bytes: zero, right or wild. */
static void put_vnet_hdr(uint64_t *r, struct virtio_net_hdr_mrg_rxbuf *h,
			 uint32_t flen, unsigned int l4, int tcp, int v6)
{
	const uint8_t gso[] = { 0, 1, 3, 4, 5, 0x81, 0x84, 0x85, 2, 6, 0xff };
	const uint16_t mss[] = { 0, 1, 8, 536, 1448, 9000, 65535 };

	memset(h, 0, sizeof(*h));
	switch (l4 ? below(r, 4) : 3 * below(r, 2)) {
	case 0:
		break;
	case 1:		/* a checksum to fill in, where it belongs */
		h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->hdr.csum_start = l4;
		h->hdr.csum_offset = tcp ? 16 : 6;
		break;
	case 2:		/* segmentation, sizes at their edges */
		h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->hdr.csum_start = l4;
		h->hdr.csum_offset = tcp ? 16 : 6;
		h->hdr.gso_type = !tcp ? VIRTIO_NET_HDR_GSO_UDP_L4 :
				  v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
				       VIRTIO_NET_HDR_GSO_TCPV4;
		if (tcp && one_in(r, 4))
			h->hdr.gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		h->hdr.gso_size = one_in(r, 4) ? (uint16_t)rnd(r) : PICK(r, mss);
		h->hdr.hdr_len = one_in(r, 3) ? edge16(r, flen) :
						l4 + (tcp ? 20 : 8);
		break;
	default:	/* every field at some edge */
		h->hdr.flags = one_in(r, 4) ? (uint8_t)rnd(r) : below(r, 4);
		h->hdr.gso_type = PICK(r, gso);
		h->hdr.hdr_len = edge16(r, flen);
		h->hdr.gso_size = one_in(r, 2) ? PICK(r, mss) : edge16(r, flen);
		h->hdr.csum_start = edge16(r, flen);
		h->hdr.csum_offset = edge16(r, flen);
		h->num_buffers = (uint16_t)rnd(r);
	}
}

/*
 * The start of a frame of @flen bytes behind a header of @hl bytes, into
 * @out (room for @hl + 128 bytes; what follows is whatever lies there).
 * @tame: a zero header, so that the switch takes it.
 */
static void build_frame(struct attacker *a, uint8_t *out, size_t hl,
			uint32_t flen, int tame)
{
	const uint16_t vids[] = { 0, 1, 2, 100, 4094, 4095 };
	const uint16_t types[] = { 0x0800, 0x86dd, ETH_FUZZ, 0x8100, 0x0806,
				   0x88a8, 0 };
	struct virtio_net_hdr_mrg_rxbuf h;
	uint8_t f[128] = { 0 };
	uint64_t *r = &a->rng;
	unsigned int l3 = 14, l4 = 0;
	int tcp = 0;

	fill_random(r, f + 14, sizeof(f) - 14);
	pick_dst_mac(a, f);
	if (one_in(r, 2))
		memcpy(f + 6, a->mac, 6);
	else
		random_mac(r, f + 6);
	if (one_in(r, 3)) {	/* 802.1Q, any VID and priority */
		uint16_t vid = one_in(r, 2) ? PICK(r, vids) : below(r, 4096);

		put16(f + 12, 0x8100);
		put16(f + 14, (uint16_t)(below(r, 8) << 13 | vid));
		l3 = 18;
	}
	if (one_in(r, 2))
		l4 = put_l3l4(r, f, l3, flen, &tcp);
	else
		put16(f + l3 - 2, PICK(r, types));
	put_vnet_hdr(r, &h, flen, l4, tcp, f[l3 - 2] == 0x86);
	if (tame)
		memset(&h, 0, sizeof(h));
	memcpy(out, &h, hl);
	memcpy(out + hl, f, sizeof(f));
}

/* --- Attackers: descriptors ---------------------------------------- */

/* Whether [addr, addr + len), wrapping at 2^64, meets [lo, hi). */
static int covers(uint64_t addr, uint32_t len, uint64_t lo, uint64_t hi)
{
	uint64_t end = addr + len;

	if (!len)
		return 0;
	if (end < addr)		/* [addr, 2^64) and [0, end) */
		return addr < hi || end > lo;
	return addr < hi && end > lo;
}

/* TX descriptors never cover the RX zone (see A_RXZONE). */
static uint64_t tx_safe(uint64_t addr, uint32_t len, uint64_t fallback)
{
	return covers(addr, len, A_RXZONE, A_RXZONE_END) ? fallback : addr;
}

/* RX descriptors cover nothing of memory but the RX zone. */
static uint64_t rx_safe(uint64_t addr, uint32_t len)
{
	if (covers(addr, len, 0, A_RXZONE) ||
	    covers(addr, len, A_RXZONE_END, MEM))
		return len <= A_RXZONE_END - A_RXZONE ? A_RXZONE : MEM;
	return addr;
}

static uint32_t pick_len(uint64_t *r)
{
	const uint32_t lens[] = { 0, 1, 13, 14, 60, 1514, 4096, 65535, 65553,
				  65554, 70000 };

	if (one_in(r, 6))
		return one_in(r, 8) ? (uint32_t)rnd(r) : below(r, 0x20000);
	return PICK(r, lens);
}

/* Where a descriptor of @len bytes points: in, at the edge of, or outside
 * memory, or wrapping; @pos: where the chain's bytes so far end.
 */
static uint64_t pick_addr(uint64_t *r, uint64_t pos, uint32_t len)
{
	switch (below(r, 12)) {
	case 0:
		return A_DATA + below(r, MEM - A_DATA);
	case 1:
		return MEM - len;			/* ends at the end */
	case 2:
		return MEM - len + 1 + below(r, 16);	/* one byte over */
	case 3:
		return MEM + below(r, 4096);		/* just outside */
	case 4:
		return 1ull << 40 | rnd(r);		/* far outside */
	case 5:
		return UINT64_MAX - below(r, 64);	/* wraps 2^64 */
	case 6:
		return below(r, 0x1000);		/* the RX rings */
	default:
		return pos;
	}
}

/* The next block of A_CHAIN descriptor slots of queue @q. */
static unsigned int chain_head(struct aport *p, unsigned int q)
{
	return p->g.vq[q].avail_idx % (QSIZE / A_CHAIN) * A_CHAIN;
}

/*
 * Replace descriptor @d of a chain by an indirect table of its bytes, at
 * times malformed: a length not a multiple of 16, nested, looping. TX and
 * RX have tables of their own: a TX chain still in flight must never find
 * its table rewritten with RX buffers.
 */
static void make_indirect(struct attacker *a, struct aport *p,
			  struct vring_desc *d, int rx)
{
	uint64_t *r = &a->rng;
	uint64_t tgpa = A_IND + (rx * A_NIND + below(r, A_NIND)) * 0x1000;
	struct vring_desc *t = gpa(&p->g, tgpa);
	unsigned int m = 1 + below(r, 8), k;
	uint32_t part = d->len / m, tlen = m * sizeof(*t);

	for (k = 0; k < m; k++) {
		t[k].addr = d->addr + (uint64_t)k * part;
		t[k].len = k + 1 == m ? d->len - k * part : part;
		t[k].flags = (rx ? VRING_DESC_F_WRITE : 0) |
			     (k + 1 < m ? VRING_DESC_F_NEXT : 0);
		t[k].next = k + 1;
	}
	switch (below(r, 8)) {
	case 0:
		tlen += 1 + below(r, 15);
		break;
	case 1:
		tlen = one_in(r, 2) ? 0 : 0x100000;
		break;
	case 2:
		t[below(r, m)].flags |= VRING_DESC_F_INDIRECT;
		break;
	case 3:
		t[m - 1].flags |= VRING_DESC_F_NEXT;
		t[m - 1].next = below(r, 2) ? 0 : m + below(r, 100);
		break;
	case 4:		/* RX: outside memory, never on frame data */
		tgpa = pick_addr(r, tgpa, tlen);
		if (covers(tgpa, tlen, A_RXZONE, A_RXZONE_END) ||
		    (rx && covers(tgpa, tlen, 0, MEM)))
			tgpa = MEM;
		break;
	}
	d->addr = tgpa;
	d->len = tlen;
	d->flags = VRING_DESC_F_INDIRECT | (d->flags & VRING_DESC_F_NEXT) |
		   (one_in(r, 4) ? VRING_DESC_F_NEXT : 0);
}

/* Loops, out-of-range links, direction flags where they do not belong. */
static void mangle_chain(struct attacker *a, struct aport *p,
			 struct vring_desc *d, unsigned int n,
			 unsigned int head, int rx)
{
	uint64_t *r = &a->rng;

	if (one_in(r, 6))
		d[below(r, n)].flags ^= VRING_DESC_F_WRITE;
	if (one_in(r, 8)) {
		d[n - 1].flags |= VRING_DESC_F_NEXT;
		d[n - 1].next = head + below(r, n);	/* a loop */
	}
	if (one_in(r, 10)) {
		unsigned int i = below(r, n);

		d[i].flags |= VRING_DESC_F_NEXT;
		d[i].next = QSIZE + below(r, 65536 - QSIZE);
	}
	if (one_in(r, 5))
		make_indirect(a, p, &d[below(r, n)], rx);
}

/* Put @n descriptors at @head, offer the chain and kick. */
static void post_chain(struct aport *p, unsigned int q,
		       const struct vring_desc *d, unsigned int n,
		       unsigned int head)
{
	struct guest_vq *vq = &p->g.vq[q];

	memcpy(&vq->desc[head], d, n * sizeof(*d));
	vq->avail->ring[vq->avail_idx % QSIZE] = head;
	__atomic_store_n(&vq->avail->idx, ++vq->avail_idx, __ATOMIC_RELEASE);
	guest_kick(&p->g, q);
}

/* Link d[0..n) into one chain starting at slot @head. */
static void link_chain(struct vring_desc *d, unsigned int n,
		       unsigned int head, uint16_t flags)
{
	for (unsigned int i = 0; i < n; i++) {
		d[i].flags = flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		d[i].next = head + i + 1;
	}
}

/* --- Attackers: actions -------------------------------------------- */

/*
 * A TX chain of 1 to 8 descriptors. One in three is a frame the switch
 * takes (so that victims get attackers' frames), the rest anything.
 */
static void act_tx_chain(struct attacker *a, struct aport *p)
{
	uint64_t *r = &a->rng, pos = A_DATA;
	unsigned int head = chain_head(p, TX), n, i;
	struct vring_desc d[A_CHAIN];
	int tame = one_in(r, 3);
	uint32_t total = p->hl + 60 + below(r, 1455), len;

	n = tame ? 1 + below(r, 3) : 1 + below(r, A_CHAIN);
	for (i = 0; i < n; i++) {
		if (tame)	/* @total in @n contiguous pieces */
			len = i + 1 < n ? total / n : total - i * (total / n);
		else
			len = pick_len(r);
		d[i].addr = tame ? pos : tx_safe(pick_addr(r, pos, len), len,
						 pos);
		d[i].len = len;
		pos += len;
	}
	total = pos - A_DATA;
	build_frame(a, gpa(&p->g, A_DATA), p->hl,
		    total > p->hl ? total - p->hl : 0, tame);
	link_chain(d, n, head, 0);
	if (!tame)
		mangle_chain(a, p, d, n, head, 0);
	post_chain(p, TX, d, n, head);
	a->chains++;
}

/* Good RX buffers of any size, so that the device delivers to it. */
static void act_rx_buffers(struct attacker *a, struct aport *p)
{
	uint64_t *r = &a->rng;
	unsigned int k = 1 + below(r, 32);

	for (unsigned int j = 0; j < k; j++) {
		unsigned int head = chain_head(p, RX), n = 1 + below(r, 4);
		struct vring_desc d[4];

		for (unsigned int i = 0; i < n; i++) {
			d[i].len = one_in(r, 4) ? below(r, 16) :
						  1 + below(r, 4096);
			d[i].addr = A_RXZONE +
				    below(r, A_RXZONE_END - A_RXZONE - 4096);
		}
		link_chain(d, n, head, VRING_DESC_F_WRITE);
		post_chain(p, RX, d, n, head);
	}
}

/* RX chains the device must refuse: read-only, looping, outside memory. */
static void act_rx_malformed(struct attacker *a, struct aport *p)
{
	uint64_t *r = &a->rng;
	unsigned int head = chain_head(p, RX), n = 1 + below(r, 4), i;
	struct vring_desc d[A_CHAIN];

	for (i = 0; i < n; i++) {
		d[i].len = pick_len(r);
		d[i].addr = rx_safe(one_in(r, 2) ? A_RXZONE + below(r, 0x80000) :
					pick_addr(r, 0, d[i].len), d[i].len);
	}
	link_chain(d, n, head, VRING_DESC_F_WRITE);
	if (one_in(r, 3))
		d[below(r, n)].flags &= ~VRING_DESC_F_WRITE;
	mangle_chain(a, p, d, n, head, 1);
	/* Whatever mangling did, nothing writable outside the RX zone. */
	for (i = 0; i < n; i++)
		if (!(d[i].flags & VRING_DESC_F_INDIRECT))
			d[i].addr = rx_safe(d[i].addr, d[i].len);
	post_chain(p, RX, d, n, head);
}

/* Publish an avail index far ahead of what was posted, or behind. */
static void act_avail_jump(struct attacker *a, struct aport *p)
{
	const int16_t jumps[] = { 1, 2, 257, 1000, 0x7fff, -1, -2, -100,
				  -0x8000 };
	uint64_t *r = &a->rng;
	unsigned int q = below(r, 2);
	struct guest_vq *vq = &p->g.vq[q];
	uint16_t idx = vq->avail_idx + (one_in(r, 4) ? (int16_t)rnd(r) :
						       PICK(r, jumps));

	if (one_in(r, 4))
		vq->avail->flags = (uint16_t)rnd(r);
	__atomic_store_n(&vq->avail->idx, idx, __ATOMIC_RELEASE);
	guest_kick(&p->g, q);
	if (one_in(r, 2)) {
		vq->avail_idx = idx;	/* go on from there */
		return;
	}
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	guest_kick(&p->g, q);
}

/* Its file, or -1 once closed: never a number another file may reuse. */
static int afd(const struct aport *p)
{
	return p->open ? p->g.fd : -1;
}

/* A backend fd for SET_BACKEND: mostly the file itself. */
static int pick_backend(struct attacker *a, struct aport *p, unsigned int q)
{
	switch (below(&a->rng, 10)) {
	case 0:
		return -1;
	case 1:
		return p->tap;
	case 2:
		return afd(&a->port[!(p - a->port)]);	/* the other file */
	case 3:
		return p->g.vq[q].kick;			/* an eventfd */
	case 4:
		return 100000;				/* not open */
	default:
		return p->g.fd;
	}
}

static int set_backend(struct attacker *a, struct aport *p, unsigned int q,
		       int fd)
{
	struct vhost_vring_file b = { q, fd };

	return A_IOCTL(a, p->g.fd, VHOST_NET_SET_BACKEND, &b);
}

/* Stop a queue, lay its rings out again, start it: under traffic. */
static void act_ring_reset(struct attacker *a, struct aport *p)
{
	uint64_t *r = &a->rng;
	unsigned int q = below(r, 2);
	struct vhost_vring_state st = { q, 0 };
	struct vhost_vring_file f = { q, -1 };

	if (!one_in(r, 8))	/* else: while running (EBUSY) */
		set_backend(a, p, q, -1);
	A_WATCH(a, "guest_setup_vq (VHOST_SET_VRING_*)", p->g.fd,
		guest_setup_vq(&p->g, q));
	if (one_in(r, 8)) {
		/* Bad sizes, and good ones whose rings still fit the 64 KiB
		 * of guest.c's ring area: larger ones would run into the RX
		 * zone and read victims' frames as descriptors.
		 */
		const uint32_t nums[] = { 0, 1, 3, 128, 257, 1024, 65535 };

		st.num = PICK(r, nums);
		A_IOCTL(a, p->g.fd, VHOST_SET_VRING_NUM, &st);
	}
	if (one_in(r, 8)) {
		st.num = (uint16_t)rnd(r);
		A_IOCTL(a, p->g.fd, VHOST_SET_VRING_BASE, &st);
	}
	if (one_in(r, 20))
		A_IOCTL(a, p->g.fd, VHOST_SET_VRING_CALL, &f);
	else if (one_in(r, 20))
		A_IOCTL(a, p->g.fd, VHOST_SET_VRING_KICK, &f);
	set_backend(a, p, q, pick_backend(a, p, q));
	if (q == RX)
		act_rx_buffers(a, p);
}

static void act_busyloop(struct attacker *a, struct aport *p)
{
	struct vhost_vring_state st;

	st.index = below(&a->rng, 3);	/* 2: no such queue */
	st.num = below(&a->rng, 101);
	A_IOCTL(a, p->g.fd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &st);
}

static void act_coalesce(struct attacker *a, struct aport *p)
{
	const uint32_t frames[] = { 0, 1, 2, 64, 1024, 1025, UINT32_MAX };
	const uint32_t usecs[] = { 0, 1, 100, 100000, 100001, UINT32_MAX };
	uint64_t *r = &a->rng;
	struct vhost_kvs_coalesce c;

	/* Separate statements: the PRNG's calls in a fixed order. */
	c.max_frames = one_in(r, 4) ? (uint32_t)rnd(r) : PICK(r, frames);
	c.max_usecs = one_in(r, 4) ? (uint32_t)rnd(r) : PICK(r, usecs);

	A_IOCTL(a, p->g.fd, VHOST_KVS_SET_COALESCE, &c);
	A_IOCTL(a, p->g.fd, VHOST_KVS_GET_COALESCE, &c);
}

static void act_offloads(struct attacker *a, struct aport *p)
{
	uint32_t o = one_in(&a->rng, 8) ? (uint32_t)rnd(&a->rng) :
					  below(&a->rng, 0x80);

	A_IOCTL(a, p->g.fd, VHOST_KVS_SET_OFFLOADS, &o);
}

static void act_queue_enable(struct attacker *a, struct aport *p)
{
	const uint32_t v[] = { 0, 1, 1, 2, UINT32_MAX };
	uint32_t on = PICK(&a->rng, v);

	A_IOCTL(a, p->g.fd, VHOST_KVS_SET_QUEUE_ENABLE, &on);
}

/*
 * Memory tables of its own memory only, always guest address = offset in
 * it (so the RX zone stays where it is): too small, empty, overlapping,
 * too many regions. Then, often, the right one again.
 */
static void act_mem_table(struct attacker *a, struct aport *p)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r[3];
	} t = { 0 };
	uint64_t *r = &a->rng;

	t.m.nregions = below(r, 4);
	for (unsigned int i = 0; i < t.m.nregions; i++) {
		uint64_t start = below(r, MEM / 4096) * 4096ull;

		t.r[i].guest_phys_addr = start;
		t.r[i].memory_size = one_in(r, 6) ? 0 : below(r, MEM - start + 1);
		t.r[i].userspace_addr = (uintptr_t)p->g.mem + start;
	}
	/* Far above any limit: refused before a region is used. */
	if (one_in(r, 10))
		t.m.nregions = 1 << 20;
	A_IOCTL(a, p->g.fd, VHOST_SET_MEM_TABLE, &t);
	if (one_in(r, 2))
		A_WATCH(a, "guest_set_mem", p->g.fd, guest_set_mem(&p->g));
}

/* The last 64 KiB of its memory: unreadable, read-only, or normal. */
static void act_mprotect(struct attacker *a, struct aport *p)
{
	const int prot[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

	mprotect(p->g.mem + A_PROT, MEM - A_PROT, PICK(&a->rng, prot));
}

/* IOTLB messages (with VIRTIO_F_ACCESS_PLATFORM), mapping its memory as
 * the memory table does.
 */
static void act_iotlb(struct attacker *a, struct aport *p)
{
	uint64_t *r = &a->rng, iova = below(r, MEM / 4096) * 4096ull;
	struct vhost_msg m = { .type = VHOST_IOTLB_MSG };

	m.iotlb.iova = iova;
	m.iotlb.size = one_in(r, 8) ? 0 : below(r, MEM - iova) + 1;
	m.iotlb.uaddr = (uintptr_t)p->g.mem + iova;
	m.iotlb.perm = below(r, 4);
	m.iotlb.type = one_in(r, 3) ? VHOST_IOTLB_INVALIDATE :
				      VHOST_IOTLB_UPDATE;

	A_WATCH(a, "write (IOTLB message)", p->g.fd,
		write(p->g.fd, &m, sizeof(m)) < 0 ? -errno : 0);
}

/* Its tap file: header sizes, offloads, frames written to it. */
static void act_tap(struct attacker *a, struct aport *p)
{
	const int hdrs[] = { 10, 12, 12, 0, 7, 20, 1000, -1 };
	uint64_t *r = &a->rng;
	unsigned int feat, k;
	int hl = PICK(r, hdrs);
	uint32_t len;

	if (p->tap < 0) {
		p->tap = A_WATCH(a, "VHOST_KVS_TAP_FD", p->g.fd,
				 ioctl_fd(p->g.fd, VHOST_KVS_TAP_FD));
		if (p->tap < 0)
			p->tap = -1;
		return;
	}
	A_IOCTL(a, p->tap, TUNSETVNETHDRSZ, &hl);
	if (one_in(r, 4))
		A_WATCH(a, "TUNSETOFFLOAD", p->tap,
			ioctl(p->tap, TUNSETOFFLOAD, (unsigned long)below(r, 0x80))
			? -errno : 0);
	A_IOCTL(a, p->tap, TUNGETFEATURES, &feat);
	for (k = 1 + below(r, 8); k; k--) {
		len = pick_len(r) % (SCRATCH - 128);
		build_frame(a, a->scratch, HL, len > HL ? len - HL : 0,
			    one_in(r, 3));
		A_WATCH(a, "write (tap)", p->tap,
			write(p->tap, a->scratch, len) < 0 ? -errno : 0);
		a->tap_frames++;
	}
	A_WATCH(a, "read (tap)", p->tap,
		read(p->tap, a->scratch, 2048) < 0 ? -errno : 0);
	if (one_in(r, 3)) {
		A_WATCH(a, "close (tap)", p->tap, close(p->tap));
		p->tap = -1;
	}
}

static uint64_t pick_features(uint64_t *r)
{
	const uint64_t bits[] = {
		1ULL << VIRTIO_F_VERSION_1, 1ULL << VIRTIO_NET_F_MRG_RXBUF,
		1ULL << VIRTIO_RING_F_INDIRECT_DESC,
		1ULL << VIRTIO_RING_F_EVENT_IDX,
	};
	uint64_t f = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (one_in(r, 2))
			f |= bits[i];
	if (one_in(r, 16))
		f |= 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	if (one_in(r, 16))
		f |= 1ULL << VHOST_F_LOG_ALL;	/* no log base: refused */
	if (one_in(r, 16))
		f = rnd(r);
	return f;
}

static void attach(struct attacker *a, struct aport *p)
{
	struct vhost_kvs_attach at = { 0 };

	snprintf(at.switch_name, sizeof(at.switch_name), "%s", sw);
	memcpy(at.mac, a->mac, 6);
	A_IOCTL(a, p->g.fd, VHOST_KVS_ATTACH, &at);
}

/* What QEMU does on a new file; errors are the attacker's business. */
static void aport_start(struct attacker *a, struct aport *p, int port)
{
	uint64_t f = pick_features(&a->rng);

	if (port)
		attach(a, p);
	A_IOCTL(a, p->g.fd, VHOST_SET_OWNER, NULL);
	/* What the device takes as the header: 10 bytes until told more. */
	p->hl = sizeof(struct virtio_net_hdr);
	if (!A_IOCTL(a, p->g.fd, VHOST_SET_FEATURES, &f) &&
	    f & (1ULL << VIRTIO_NET_F_MRG_RXBUF | 1ULL << VIRTIO_F_VERSION_1))
		p->hl = HL;
	A_WATCH(a, "guest_set_mem", p->g.fd, guest_set_mem(&p->g));
	for (unsigned int q = RX; q <= TX; q++)
		A_WATCH(a, "guest_setup_vq (VHOST_SET_VRING_*)", p->g.fd,
			guest_setup_vq(&p->g, q));
	act_rx_buffers(a, p);
	set_backend(a, p, RX, p->g.fd);
	set_backend(a, p, TX, p->g.fd);
}

/* A new file; @port: the port itself (attached), else a queue pair. */
static void aport_open(struct attacker *a, struct aport *p, int port)
{
	int r = A_WATCH(a, "open + mmap (guest_init)", -1,
			guest_init(&p->g, dev)), fd;

	p->tap = -1;
	p->open = !r;
	if (!p->open)
		return;
	/* kvsctl's fork() need not copy it */
	madvise(p->g.mem, MEM, MADV_DONTFORK);
	fill_random(&a->rng, p->g.mem + A_DATA, MEM - A_DATA);
	if (port) {
		attacker_mac(a->idx, ++a->gen & 0xff, a->mac);
		aport_start(a, p, 1);
		return;
	}
	fd = afd(&a->port[0]);
	A_IOCTL(a, p->g.fd, VHOST_KVS_ADD_QUEUE, &fd);
	aport_start(a, p, 0);
}

static void aport_close(struct attacker *a, struct aport *p)
{
	if (!p->open)
		return;
	if (p->tap >= 0)
		A_WATCH(a, "close (tap)", p->tap, close(p->tap));
	A_WATCH(a, "close (guest_fini)", p->g.fd,
		(guest_fini(&p->g), 0));
	p->open = 0;
	p->tap = -1;
}

/* A second queue pair: added, refused with bad fds, enabled, closed. */
static void act_multiqueue(struct attacker *a, struct aport *p)
{
	struct aport *x = &a->port[1];
	uint64_t *r = &a->rng;
	int fd;

	(void)p;
	if (!x->open) {
		aport_open(a, x, 0);
		return;
	}
	switch (below(r, 4)) {
	case 0:
		aport_close(a, x);
		break;
	case 1:
		act_queue_enable(a, x);
		break;
	default:
		fd = PICK(r, ((int[]){ -1, 0, x->g.fd, x->g.vq[0].kick,
				       afd(&a->port[0]), 100000 }));
		A_IOCTL(a, x->g.fd, VHOST_KVS_ADD_QUEUE, &fd);
	}
}

/* Detach, then attach again, or try to with a bad argument. */
static void act_reattach(struct attacker *a, struct aport *p)
{
	struct vhost_kvs_attach at = { 0 };
	uint64_t *r = &a->rng;

	A_IOCTL(a, p->g.fd, VHOST_KVS_DETACH, NULL);
	if (!one_in(r, 3)) {
		attach(a, p);
		return;
	}
	snprintf(at.switch_name, sizeof(at.switch_name), "%s", sw);
	memcpy(at.mac, a->mac, 6);
	switch (below(r, 6)) {
	case 0:
		at.reserved[below(r, 4)] = 1 + below(r, 100);
		break;
	case 1:
		at.flags = (uint16_t)rnd(r);
		break;
	case 2:
		memset(at.switch_name, 'z', sizeof(at.switch_name));
		break;
	case 3:
		snprintf(at.switch_name, sizeof(at.switch_name), "fz-none");
		break;
	case 4:
		at.mac[0] |= 1;		/* multicast */
		break;
	default:
		memset(at.mac, 0, 6);
	}
	A_IOCTL(a, p->g.fd, VHOST_KVS_ATTACH, &at);
}

/* Close the file (the whole port, for the first) and open a new one. */
static void act_reopen(struct attacker *a, struct aport *p)
{
	int port = p == &a->port[0];

	aport_close(a, p);
	if (port)
		aport_open(a, p, 1);
}

static void act_reset_owner(struct attacker *a, struct aport *p)
{
	A_IOCTL(a, p->g.fd, VHOST_RESET_OWNER, NULL);
	aport_start(a, p, p == &a->port[0]);
}

/* --- Attackers: kvsctl --------------------------------------------- */

/* Run kvsctl with @argv, its output in @out; its exit status or -1. */
static int kvsctl(struct attacker *a, char *const argv[], char *out,
		  size_t size)
{
	size_t used = 0;
	int pfd[2], st = -1, n;
	pid_t pid;

	a->cmd[0] = 0;
	for (int i = 0; argv[i]; i++)
		snprintf(a->cmd + strlen(a->cmd), sizeof(a->cmd) - strlen(a->cmd),
			 "%s%s", i ? " " : "", argv[i]);
	out[0] = 0;
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	watch_begin(&a->w, a->cmd, -1);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		/* Not the vhost files: a child holding one keeps its port. */
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
		execv(kvsctl_path, argv);
		_exit(127);
	}
	close(pfd[1]);
	while (pid > 0 && (n = read(pfd[0], out + used, size - 1 - used)) > 0)
		used += n;
	out[used] = 0;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	a_done(a, 0);
	a->kvsctl_runs++;
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		a->kvsctl_refused++;
	return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The ids of attackers' ports ("port SW/ID mac 02:66:7a:..."). */
static unsigned int attacker_port_ids(struct attacker *a, unsigned int *ids,
				      unsigned int max)
{
	char out[16384], mac[18], *line, *save;
	char *argv[] = { "kvsctl", "port", "show", (char *)sw, NULL };
	unsigned int n = 0, id;

	if (kvsctl(a, argv, out, sizeof(out)))
		return 0;
	for (line = strtok_r(out, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "port %*[^/]/%u mac %17s", &id, mac) == 2 &&
		    !strncmp(mac, "02:66:7a:", 9))
			ids[n++] = id;
	return n;
}

/*
 * Policy changes under traffic, on attackers' ports only: spoofchk, VLANs
 * or allowed MACs on a victim's port would stop its traffic, as they
 * should. Now and then the learned MACs go: victims' frames are flooded
 * until the switch learns them again.
 *
 * At most 20 runs a second: a step takes microseconds, a kvsctl run
 * milliseconds. A skipped run draws nothing from the attacker's main
 * stream, so what it does next does not depend on the time.
 */
static void act_netlink(struct attacker *a, struct aport *p)
{
	const char *const keys[] = { "isolated", "learning", "flood" };
	const uint32_t frames[] = { 0, 1, 8, 64, 1024, 1025 };
	char target[80], num[16], out[4096], *argv[16];
	unsigned int ids[64], n, k = 0;
	uint64_t *r = &a->nl_rng;

	(void)p;
	if (now_s() - a->kvsctl_at < 0.05)
		return;
	a->kvsctl_at = now_s();
	if (one_in(r, 5)) {
		char *flush[] = { "kvsctl", "fdb", "flush", (char *)sw, NULL };

		kvsctl(a, flush, out, sizeof(out));
		return;
	}
	n = attacker_port_ids(a, ids, 64);
	if (!n)
		return;
	snprintf(target, sizeof(target), "%s/%u", sw, ids[below(r, n)]);
	argv[k++] = "kvsctl";
	argv[k++] = "port";
	argv[k++] = "set";
	argv[k++] = target;
	for (unsigned int i = 0; i < 3; i++)
		if (one_in(r, 2)) {
			argv[k++] = (char *)keys[i];
			argv[k++] = one_in(r, 2) ? "on" : "off";
		}
	if (one_in(r, 2) || k == 4) {
		snprintf(num, sizeof(num), "%u", PICK(r, frames));
		argv[k++] = "coalesce-frames";
		argv[k++] = num;
	}
	argv[k] = NULL;
	kvsctl(a, argv, out, sizeof(out));
}

/* --- Attackers: the loop ------------------------------------------- */

struct action {
	const char *name;
	void (*fn)(struct attacker *a, struct aport *p);
	unsigned int weight;
};

static const struct action actions[] = {
	{ "tx-chain", act_tx_chain, 30 },
	{ "rx-buffers", act_rx_buffers, 10 },
	{ "rx-malformed", act_rx_malformed, 6 },
	{ "avail-jump", act_avail_jump, 3 },
	{ "ring-reset", act_ring_reset, 4 },
	{ "busyloop", act_busyloop, 2 },
	{ "coalesce", act_coalesce, 2 },
	{ "offloads", act_offloads, 2 },
	{ "queue-enable", act_queue_enable, 1 },
	{ "mem-table", act_mem_table, 2 },
	{ "mprotect", act_mprotect, 1 },
	{ "iotlb", act_iotlb, 1 },
	{ "tap", act_tap, 3 },
	{ "multiqueue", act_multiqueue, 2 },
	{ "reattach", act_reattach, 2 },
	{ "reopen", act_reopen, 1 },
	{ "reset-owner", act_reset_owner, 1 },
};

static const struct action netlink_action = { "kvsctl", act_netlink, 0 };

static const struct action *pick_action(struct attacker *a)
{
	unsigned int total = 0, k;
	uint64_t *r = &a->rng;
	size_t i;

	/* About every 50 steps, a netlink change. */
	if (one_in(r, 50))
		return &netlink_action;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		total += actions[i].weight;
	k = below(r, total);
	for (i = 0; k >= actions[i].weight; i++)
		k -= actions[i].weight;
	return &actions[i];
}

/* Take back what the device completed and what it reported. */
static void attacker_reap(struct attacker *a, struct aport *p)
{
	uint32_t id, len;
	uint64_t v;

	for (unsigned int q = RX; q <= TX; q++) {
		for (int n = 0; n < 2 * QSIZE &&
		     guest_used_next(&p->g, q, &id, &len); n++)
			;
		if (read(p->g.vq[q].err, &v, sizeof(v)) == sizeof(v))
			a->ring_errors += v;
		(void)!read(p->g.vq[q].call, &v, sizeof(v));
	}
}

static void *attacker_main(void *arg)
{
	struct attacker *a = arg;

	aport_open(a, &a->port[0], 1);
	while (!__atomic_load_n(&attackers_stop, __ATOMIC_ACQUIRE)) {
		const struct action *act = pick_action(a);
		struct aport *p = &a->port[0];

		__atomic_store_n(&a->step, a->step + 1, __ATOMIC_RELAXED);
		__atomic_store_n(&a->action, act->name, __ATOMIC_RELAXED);
		if (!p->open) {		/* the last open failed */
			aport_open(a, p, 1);
			continue;
		}
		if (a->port[1].open && one_in(&a->rng, 4))
			p = &a->port[1];
		act->fn(a, p);
		for (int i = 0; i < 2; i++)
			if (a->port[i].open)
				attacker_reap(a, &a->port[i]);
		/* Room for the device's workers on a small machine. */
		if (a->step % 8 == 0)
			usleep(1000);
	}
	__atomic_store_n(&a->action, "closing", __ATOMIC_RELAXED);
	aport_close(a, &a->port[1]);
	aport_close(a, &a->port[0]);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* --- Main ---------------------------------------------------------- */

/* Look kvsctl up now: the child of fork() in a threaded process may only
 * exec, and execvp() may allocate.
 */
static void find_kvsctl(void)
{
	char *path = getenv("PATH"), *dir, *save;

	path = strdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(path, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(kvsctl_path, sizeof(kvsctl_path), "%s/kvsctl", dir);
		if (!access(kvsctl_path, X_OK))
			break;
	}
	if (!dir)
		snprintf(kvsctl_path, sizeof(kvsctl_path), "kvsctl");
	free(path);
}

static void usage(void)
{
	fprintf(stderr, "usage: kvs-fuzz -s SWITCH [-S SEED] [-t SECONDS] [-a ATTACKERS] [-v VICTIMS] [DEVICE]\n");
	exit(2);
}

static void report(double secs)
{
	uint64_t sent = 0, ok = 0, flooded = 0, from_att = 0, bufs = 0;
	uint64_t steps = 0, calls = 0, refused = 0, chains = 0, tapf = 0;
	uint64_t errs = 0, runs = 0, runs_bad = 0;

	for (unsigned int i = 0; i < nvictims; i++) {
		struct victim *v = &victims[i];

		sent += v->sent;
		ok += v->rx_ok;
		flooded += v->rx_flooded;
		from_att += v->rx_attacker;
		bufs += v->rx_bufs;
	}
	for (unsigned int i = 0; i < nattackers; i++) {
		struct attacker *a = &attackers[i];

		steps += a->step;
		calls += a->calls;
		refused += a->refused;
		chains += a->chains;
		tapf += a->tap_frames;
		errs += a->ring_errors;
		runs += a->kvsctl_runs;
		runs_bad += a->kvsctl_refused;
	}
	printf("# victims: %llu frames sent, %llu received from victims (%llu flooded copies), %llu from attackers\n",
	       (unsigned long long)sent, (unsigned long long)ok,
	       (unsigned long long)flooded, (unsigned long long)from_att);
	printf("# attackers: %llu steps, %llu calls, %llu refused, %llu frames (%llu chains, %llu through the tap file), %llu ring errors reported, %llu kvsctl runs (%llu refused)\n",
	       (unsigned long long)steps, (unsigned long long)calls,
	       (unsigned long long)refused, (unsigned long long)(chains + tapf),
	       (unsigned long long)chains, (unsigned long long)tapf,
	       (unsigned long long)errs, (unsigned long long)runs,
	       (unsigned long long)runs_bad);
	check(!viol[P_DATA] && ok > 0,
	      "victims received %llu frames from each other, every byte right",
	      (unsigned long long)ok);
	check(!viol[P_FORM],
	      "every used entry well formed, used lengths match the bytes written (%llu frames from attackers)",
	      (unsigned long long)from_att);
	check(!viol[P_DUP], "no victim frame duplicated");
	check(!viol[P_GUARD], "RX guards intact (%llu buffers)",
	      (unsigned long long)bufs);
	check(!viol[P_CANARY], "memory canaries intact");
	check(1, "no hang: every ioctl returned within the limit (%d s)",
	      limit_s);
	check(!viol[P_LIVE],
	      "victims kept receiving while attackers ran (%.0f s, limit %d s)",
	      secs, live_limit());
}

int main(int argc, char **argv)
{
	pthread_t wd;
	double secs = 60, t;
	int c;

	seed = (uint64_t)time(NULL);
	while ((c = getopt(argc, argv, "s:S:t:a:v:")) != -1) {
		switch (c) {
		case 's':
			sw = optarg;
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'a':
			nattackers = atoi(optarg);
			break;
		case 'v':
			nvictims = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (!sw || optind < argc - 1 || nattackers > MAX_ATTACKERS ||
	    nvictims < 2 || nvictims > MAX_VICTIMS || secs <= 0)
		usage();
	if (optind < argc)
		dev = argv[optind];
	slow = getenv("KVS_FUZZ_SLOW") && !strcmp(getenv("KVS_FUZZ_SLOW"), "1");
	limit_s = slow ? 30 : 10;
	printf("# seed %llu\n", (unsigned long long)seed);
	printf("# %u victims, %u attackers, %.0f s on %s (%s)%s\n", nvictims,
	       nattackers, secs, sw, dev, slow ? ", slow limits" : "");
	fflush(stdout);
	t0 = now_s();
	patterns_init();
	find_kvsctl();
	if (pthread_create(&wd, NULL, watchdog, NULL))
		return 2;

	for (unsigned int i = 0; i < nvictims; i++) {
		int r;

		watch_begin(&main_watch, "victim setup (ATTACH ... SET_BACKEND)",
			    -1);
		r = watch_end(&main_watch, victim_open(&victims[i], i));
		if (r) {
			printf("Bail out! cannot set up victim %u on %s: %s\n",
			       i, sw, strerror(errno));
			return 1;
		}
	}
	/* Hello broadcasts until each victim has heard every other. */
	victims_run(WARMUP, now_s() + live_limit(), all_heard);
	if (!all_heard()) {
		printf("Bail out! victims do not hear each other's broadcasts on %s\n",
		       sw);
		return 1;
	}
	printf("# victims hear each other after %.1f s; attackers start\n",
	       now_s() - t0);
	fflush(stdout);

	for (unsigned int i = 0; i < nattackers; i++) {
		struct attacker *a = &attackers[i];

		a->idx = i;
		a->rng = rng_init(0x200 + i);
		a->nl_rng = rng_init(0x300 + i);
		a->scratch = malloc(SCRATCH);
		if (!a->scratch)
			return 2;
		fill_random(&a->rng, a->scratch, SCRATCH);
	}
	for (unsigned int i = 0; i < nattackers; i++)
		if (pthread_create(&attackers[i].thread, NULL, attacker_main,
				   &attackers[i]))
			return 2;

	t = now_s();
	victims_run(ATTACK, t + secs, NULL);
	/* Attackers close their files while victims keep going. */
	__atomic_store_n(&attackers_stop, 1, __ATOMIC_RELEASE);
	victims_run(WIND_DOWN, now_s() + 10 * limit_s, attackers_done);
	for (unsigned int i = 0; i < nattackers; i++)
		pthread_join(attackers[i].thread, NULL);
	secs = now_s() - t;
	/* Let what is in flight arrive, then check everything. */
	victims_run(DRAIN, now_s() + 1, NULL);
	for (unsigned int i = 0; i < nvictims; i++)
		victim_close(&victims[i]);
	__atomic_store_n(&watchdog_stop, 1, __ATOMIC_RELEASE);
	pthread_join(wd, NULL);

	report(secs);
	return tap_done("kvs-fuzz");
}
