// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for vhost-kvs's virtio-net header handling (hdr.c).
 *
 * Every case is a header a guest could write; the expected verdict is what
 * the TX path must do with it. The table lists valid headers next to each
 * way of being invalid, so a check that is loosened or tightened by
 * mistake fails here first.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/virtio_config.h>

#include "kvs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct kvs_hdr_case {
	const char *name;
	u8 flags, gso_type;
	u16 hdr_len, gso_size, csum_start, csum_offset;
	size_t frame_len;
	enum kvs_drop want;
};

#define NEEDS_CSUM	VIRTIO_NET_HDR_F_NEEDS_CSUM
#define TCPV4		VIRTIO_NET_HDR_GSO_TCPV4

static const struct kvs_hdr_case kvs_hdr_cases[] = {
	{ "plain 60 B frame", 0, 0, 0, 0, 0, 0, 60, KVS_DROP_NONE },
	{ "exactly an Ethernet header", 0, 0, 0, 0, 0, 0, ETH_HLEN,
	  KVS_DROP_NONE },
	{ "runt: 13 bytes", 0, 0, 0, 0, 0, 0, ETH_HLEN - 1, KVS_DROP_RUNT },
	{ "runt: empty", 0, 0, 0, 0, 0, 0, 0, KVS_DROP_RUNT },
	{ "largest frame", 0, 0, 0, 0, 0, 0, KVS_FRAME_MAX, KVS_DROP_NONE },
	{ "oversize by one", 0, 0, 0, 0, 0, 0, KVS_FRAME_MAX + 1,
	  KVS_DROP_OVERSIZE },
	{ "unknown flag bit", 0x80, 0, 0, 0, 0, 0, 60, KVS_DROP_BAD_HDR },
	{ "DATA_VALID tolerated", VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0, 0,
	  60, KVS_DROP_NONE },
	{ "TCP csum inside frame", NEEDS_CSUM, 0, 0, 0, 34, 16, 60,
	  KVS_DROP_NONE },
	{ "csum field ends at last byte", NEEDS_CSUM, 0, 0, 0, 34, 24, 60,
	  KVS_DROP_NONE },
	{ "csum field one past the end", NEEDS_CSUM, 0, 0, 0, 34, 25, 60,
	  KVS_DROP_BAD_HDR },
	{ "csum_start far outside", NEEDS_CSUM, 0, 0, 0, 0xffff, 0xffff, 60,
	  KVS_DROP_BAD_HDR },
	{ "TSOv4 64 KiB", NEEDS_CSUM, TCPV4, 54, 1448, 34, 16, 65536,
	  KVS_DROP_NONE },
	{ "TSOv6 with ECN", NEEDS_CSUM,
	  VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN, 74, 1428, 54, 16,
	  9000, KVS_DROP_NONE },
	{ "USO", NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP_L4, 42, 1472, 34, 6, 4000,
	  KVS_DROP_NONE },
	{ "GSO without NEEDS_CSUM", 0, TCPV4, 54, 1448, 34, 16, 3000,
	  KVS_DROP_BAD_HDR },
	{ "GSO with zero gso_size", NEEDS_CSUM, TCPV4, 54, 0, 34, 16, 3000,
	  KVS_DROP_BAD_HDR },
	{ "GSO UFO (obsolete)", NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP, 42, 1472, 34,
	  6, 3000, KVS_DROP_BAD_HDR },
	{ "GSO unknown type", NEEDS_CSUM, 7, 54, 1448, 34, 16, 3000,
	  KVS_DROP_BAD_HDR },
	{ "ECN alone is not a GSO type", NEEDS_CSUM, VIRTIO_NET_HDR_GSO_ECN, 54,
	  1448, 34, 16, 3000, KVS_DROP_BAD_HDR },
	{ "GSO hdr_len beyond frame", NEEDS_CSUM, TCPV4, 3001, 1448, 34, 16,
	  3000, KVS_DROP_BAD_HDR },
	{ "gso_size without GSO type", 0, 0, 0, 1448, 0, 0, 60,
	  KVS_DROP_BAD_HDR },
};

static void kvs_hdr_case_desc(const struct kvs_hdr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kvs_hdr, kvs_hdr_cases, kvs_hdr_case_desc);

static void kvs_hdr_fill(struct virtio_net_hdr *h, const struct kvs_hdr_case *c,
			 bool le)
{
	h->flags = c->flags;
	h->gso_type = c->gso_type;
	h->hdr_len = __cpu_to_virtio16(le, c->hdr_len);
	h->gso_size = __cpu_to_virtio16(le, c->gso_size);
	h->csum_start = __cpu_to_virtio16(le, c->csum_start);
	h->csum_offset = __cpu_to_virtio16(le, c->csum_offset);
}

/* Each case gives the same verdict in both byte orders of legacy virtio. */
static void kvs_hdr_check_test(struct kunit *test)
{
	const struct kvs_hdr_case *c = test->param_value;
	struct virtio_net_hdr h;

	kvs_hdr_fill(&h, c, true);
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_check(&h, c->frame_len, true),
			c->want);
	kvs_hdr_fill(&h, c, false);
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_check(&h, c->frame_len, false),
			c->want);
}

/* A header read in the wrong byte order must not pass by accident. */
static void kvs_hdr_endianness_test(struct kunit *test)
{
	struct virtio_net_hdr h = {
		.flags = NEEDS_CSUM,
		.csum_start = __cpu_to_virtio16(false, 34),
		.csum_offset = __cpu_to_virtio16(false, 16),
	};

	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_check(&h, 60, false), KVS_DROP_NONE);
	/* Read as little-endian, 34 becomes 0x2200: outside the frame. */
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_check(&h, 60, true),
			KVS_DROP_BAD_HDR);
}

static void kvs_hdr_len_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_len(0), 10);
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_len(BIT_ULL(VIRTIO_NET_F_MRG_RXBUF)),
			12);
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_len(BIT_ULL(VIRTIO_F_VERSION_1)),
			12);
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_len(BIT_ULL(VIRTIO_F_VERSION_1) |
					       BIT_ULL(VIRTIO_NET_F_MRG_RXBUF)),
			12);
	/* Features unrelated to the header leave it at the legacy size. */
	KUNIT_EXPECT_EQ(test, kvs_vnet_hdr_len(BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
					       BIT_ULL(VHOST_F_LOG_ALL)),
			10);
}

static struct kunit_case kvs_hdr_test_cases[] = {
	KUNIT_CASE_PARAM(kvs_hdr_check_test, kvs_hdr_gen_params),
	KUNIT_CASE(kvs_hdr_endianness_test),
	KUNIT_CASE(kvs_hdr_len_test),
	{}
};

static struct kunit_suite kvs_hdr_test_suite = {
	.name = "vhost_kvs_hdr",
	.test_cases = kvs_hdr_test_cases,
};

kunit_test_suite(kvs_hdr_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for vhost-kvs virtio-net headers");
