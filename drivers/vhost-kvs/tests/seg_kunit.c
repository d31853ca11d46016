// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vhost-kvs's software offloads (seg.c): which receivers
 * take a frame as it is, the checksum filled in for those that do not,
 * and TCP/UDP segmentation checked the way a receiving stack would check
 * it: IP header checksum, lengths, IDs, sequence numbers, flags, and the
 * L4 checksum over each segment's pseudo header and payload.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/if_tun.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "kvs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define NEEDS_CSUM	VIRTIO_NET_HDR_F_NEEDS_CSUM

struct seg_frame {
	bool ipv6, udp, vlan;
	size_t payload;
	u16 mss;
};

/* A frame as a guest's stack would hand it over for offload. */
static struct kvs_buf *seg_make(struct kunit *test, const struct seg_frame *f)
{
	size_t l2 = f->vlan ? VLAN_ETH_HLEN : ETH_HLEN;
	size_t l3 = f->ipv6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	size_t l4 = f->udp ? sizeof(struct udphdr) : sizeof(struct tcphdr);
	size_t len = l2 + l3 + l4 + f->payload, i;
	struct kvs_buf *buf;
	u8 *d, *ip;

	buf = kunit_kzalloc(test, sizeof(*buf) + len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf->len = len;
	d = buf->data;
	memset(d, 0x02, 12);
	if (f->vlan) {
		*(__be16 *)(d + 12) = htons(ETH_P_8021Q);
		*(__be16 *)(d + 14) = htons(7);
	}
	*(__be16 *)(d + l2 - 2) = htons(f->ipv6 ? ETH_P_IPV6 : ETH_P_IP);
	ip = d + l2;
	if (f->ipv6) {
		struct ipv6hdr *h = (void *)ip;

		h->version = 6;
		h->payload_len = htons(l4 + f->payload);
		h->nexthdr = f->udp ? IPPROTO_UDP : IPPROTO_TCP;
		h->hop_limit = 64;
		h->saddr.s6_addr[0] = 0xfd;
		h->saddr.s6_addr[15] = 1;
		h->daddr.s6_addr[0] = 0xfd;
		h->daddr.s6_addr[15] = 2;
	} else {
		struct iphdr *h = (void *)ip;

		h->version = 4;
		h->ihl = 5;
		h->tot_len = htons(len - l2);
		h->id = htons(0xfffe);		/* wraps while segmenting */
		h->ttl = 64;
		h->protocol = f->udp ? IPPROTO_UDP : IPPROTO_TCP;
		h->saddr = htonl(0x0a000001);
		h->daddr = htonl(0x0a000002);
		h->check = ip_fast_csum(h, 5);
	}
	if (f->udp) {
		struct udphdr *uh = (void *)(ip + l3);

		uh->source = htons(1000);
		uh->dest = htons(2000);
		uh->len = htons(l4 + f->payload);
	} else {
		struct tcphdr *th = (void *)(ip + l3);

		th->source = htons(1000);
		th->dest = htons(2000);
		th->seq = htonl(0xfffff000);	/* wraps while segmenting */
		th->doff = 5;
		th->ack = 1;
		th->psh = 1;
		th->fin = 1;
		th->cwr = 1;
		th->window = htons(1000);
	}
	for (i = l2 + l3 + l4; i < len; i++)
		d[i] = (u8)(i * 13);
	buf->vhdr.flags = NEEDS_CSUM;
	buf->vhdr.csum_start = l2 + l3;
	buf->vhdr.csum_offset = f->udp ? offsetof(struct udphdr, check) :
					 offsetof(struct tcphdr, check);
	if (f->mss) {
		buf->vhdr.gso_size = f->mss;
		buf->vhdr.hdr_len = l2 + l3 + l4;
		buf->vhdr.gso_type = f->udp ? VIRTIO_NET_HDR_GSO_UDP_L4 :
				     f->ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
					       VIRTIO_NET_HDR_GSO_TCPV4;
	}
	return buf;
}

/* The L4 checksum of a whole segment verifies (sums to zero). */
static bool seg_l4_ok(const struct kvs_seg *seg, const u8 *frame, size_t len,
		      u8 proto)
{
	const u8 *l3 = frame + seg->l3off;
	size_t l4len = len - seg->l4off;
	__wsum sum = csum_partial(frame + seg->l4off, l4len, 0);

	if (seg->ipv6)
		return !csum_ipv6_magic(&((struct ipv6hdr *)l3)->saddr,
					&((struct ipv6hdr *)l3)->daddr, l4len,
					proto, sum);
	return !csum_tcpudp_magic(((struct iphdr *)l3)->saddr,
				  ((struct iphdr *)l3)->daddr, l4len, proto,
				  sum);
}

/* Cut @f and check every segment; returns the payload bytes seen. */
static size_t seg_check_all(struct kunit *test, const struct seg_frame *f)
{
	struct kvs_buf *buf = seg_make(test, f);
	struct kvs_seg *seg = kunit_kzalloc(test, sizeof(*seg), GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, KVS_SEG_HDR_MAX + f->mss, GFP_KERNEL);
	size_t total = 0, plen, poff;
	unsigned int i, n;

	KUNIT_ASSERT_TRUE(test, kvs_seg_parse(buf, seg));
	n = DIV_ROUND_UP(f->payload, f->mss);
	KUNIT_ASSERT_EQ(test, seg->nsegs, n);
	for (i = 0; i < n; i++) {
		struct tcphdr *th;

		plen = kvs_seg_build(buf, seg, i, &poff);
		KUNIT_EXPECT_EQ(test, plen, min_t(size_t, f->mss,
						  f->payload - i * f->mss));
		KUNIT_EXPECT_EQ(test, poff, seg->hdr_end + i * f->mss);
		memcpy(out, seg->hdr, seg->hdr_end);
		memcpy(out + seg->hdr_end, buf->data + poff, plen);
		if (!f->ipv6) {
			struct iphdr *iph = (void *)(out + seg->l3off);

			KUNIT_EXPECT_TRUE(test, !ip_fast_csum(iph, iph->ihl));
			KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len),
					seg->hdr_end + plen - seg->l3off);
			KUNIT_EXPECT_EQ(test, ntohs(iph->id), (u16)(0xfffe + i));
		} else {
			KUNIT_EXPECT_EQ(test,
					ntohs(((struct ipv6hdr *)(out + seg->l3off))->payload_len),
					seg->hdr_end + plen - seg->l4off);
		}
		KUNIT_EXPECT_TRUE(test, seg_l4_ok(seg, out, seg->hdr_end + plen,
						  f->udp ? IPPROTO_UDP :
							   IPPROTO_TCP));
		total += plen;
		if (f->udp) {
			KUNIT_EXPECT_EQ(test,
					ntohs(((struct udphdr *)(out + seg->l4off))->len),
					sizeof(struct udphdr) + plen);
			continue;
		}
		th = (void *)(out + seg->l4off);
		KUNIT_EXPECT_EQ(test, ntohl(th->seq), (u32)(0xfffff000 + i * f->mss));
		/* Bit-fields: compared as plain ints. */
		KUNIT_EXPECT_EQ(test, (int)th->fin, i == n - 1);
		KUNIT_EXPECT_EQ(test, (int)th->psh, i == n - 1);
		KUNIT_EXPECT_EQ(test, (int)th->cwr, i == 0);
		KUNIT_EXPECT_EQ(test, (int)th->ack, 1);
	}
	return total;
}

static void seg_tcp4_64k(struct kunit *test)
{
	struct seg_frame f = { .payload = 65535 - 54, .mss = 1448 };

	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
}

static void seg_tcp6(struct kunit *test)
{
	struct seg_frame f = { .ipv6 = true, .payload = 9000, .mss = 1428 };

	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
}

static void seg_tcp4_vlan(struct kunit *test)
{
	struct seg_frame f = { .vlan = true, .payload = 3000, .mss = 1000 };

	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
}

static void seg_udp4_and_udp6(struct kunit *test)
{
	struct seg_frame f = { .udp = true, .payload = 4000, .mss = 1472 };

	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
	f.ipv6 = true;
	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
}

static void seg_one_segment(struct kunit *test)
{
	struct seg_frame f = { .payload = 100, .mss = 1448 };

	KUNIT_EXPECT_EQ(test, seg_check_all(test, &f), f.payload);
}

/* Headers that disagree with the virtio-net header are refused. */
static void seg_rejects(struct kunit *test)
{
	struct seg_frame f = { .payload = 3000, .mss = 1448 };
	struct kvs_seg *seg = kunit_kzalloc(test, sizeof(*seg), GFP_KERNEL);
	struct kvs_buf *buf;

	buf = seg_make(test, &f);
	buf->vhdr.csum_start += 2;
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	buf->vhdr.csum_offset = 6;
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	buf->vhdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;	/* on IPv4 */
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	((struct iphdr *)(buf->data + ETH_HLEN))->frag_off = htons(IP_MF);
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	((struct iphdr *)(buf->data + ETH_HLEN))->ihl = 4;
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	((struct tcphdr *)(buf->data + 34))->doff = 4;
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	((struct tcphdr *)(buf->data + 34))->doff = 15;	/* past the end */
	buf->len = 34 + 40;
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	buf = seg_make(test, &f);
	*(__be16 *)(buf->data + 12) = htons(ETH_P_ARP);
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));

	f.mss = 2;			/* 1500 segments: over KVS_SEG_MAX */
	buf = seg_make(test, &f);
	KUNIT_EXPECT_FALSE(test, kvs_seg_parse(buf, seg));
}

/* A partial checksum, completed, verifies like any other. */
static void seg_csum_fill(struct kunit *test)
{
	struct seg_frame f = { .payload = 1001 };
	struct kvs_buf *buf = seg_make(test, &f);
	struct kvs_seg seg = { .l3off = ETH_HLEN, .l4off = 34 };
	struct iphdr *iph = (void *)(buf->data + ETH_HLEN);
	__sum16 *check = (void *)(buf->data + 34 + 16);

	/* The stack seeds the field with the pseudo header's sum. */
	*check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, buf->len - 34,
				    IPPROTO_TCP, 0);
	*check = kvs_csum_fill(buf);
	KUNIT_EXPECT_TRUE(test, seg_l4_ok(&seg, buf->data, buf->len,
					  IPPROTO_TCP));
}

static void seg_offload_ok(struct kunit *test)
{
	struct kvs_vhdr plain = {}, csum = { .flags = NEEDS_CSUM };
	struct kvs_vhdr tso4 = { .flags = NEEDS_CSUM,
				 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4 };
	struct kvs_vhdr tso6e = { .flags = NEEDS_CSUM,
				  .gso_type = VIRTIO_NET_HDR_GSO_TCPV6 |
					      VIRTIO_NET_HDR_GSO_ECN };
	struct kvs_vhdr uso = { .flags = NEEDS_CSUM,
				.gso_type = VIRTIO_NET_HDR_GSO_UDP_L4 };
	unsigned int all = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			   TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6;

	KUNIT_EXPECT_TRUE(test, kvs_offload_ok(0, &plain));
	KUNIT_EXPECT_FALSE(test, kvs_offload_ok(0, &csum));
	KUNIT_EXPECT_TRUE(test, kvs_offload_ok(TUN_F_CSUM, &csum));
	KUNIT_EXPECT_FALSE(test, kvs_offload_ok(TUN_F_CSUM, &tso4));
	KUNIT_EXPECT_FALSE(test, kvs_offload_ok(TUN_F_TSO4, &tso4));
	KUNIT_EXPECT_TRUE(test, kvs_offload_ok(TUN_F_CSUM | TUN_F_TSO4, &tso4));
	KUNIT_EXPECT_FALSE(test, kvs_offload_ok(TUN_F_CSUM | TUN_F_TSO6, &tso6e));
	KUNIT_EXPECT_TRUE(test, kvs_offload_ok(all, &tso6e));
	KUNIT_EXPECT_FALSE(test, kvs_offload_ok(TUN_F_CSUM | TUN_F_USO4, &uso));
	KUNIT_EXPECT_TRUE(test, kvs_offload_ok(all, &uso));
}

static struct kunit_case kvs_seg_test_cases[] = {
	KUNIT_CASE(seg_offload_ok),
	KUNIT_CASE(seg_csum_fill),
	KUNIT_CASE(seg_tcp4_64k),
	KUNIT_CASE(seg_tcp6),
	KUNIT_CASE(seg_tcp4_vlan),
	KUNIT_CASE(seg_udp4_and_udp6),
	KUNIT_CASE(seg_one_segment),
	KUNIT_CASE(seg_rejects),
	{}
};

static struct kunit_suite kvs_seg_test_suite = {
	.name = "vhost_kvs_seg",
	.test_cases = kvs_seg_test_cases,
};

kunit_test_suite(kvs_seg_test_suite);
