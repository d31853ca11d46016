// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net header checks for frames coming from a guest.
 *
 * The header is guest-controlled. Whatever it claims is checked against the
 * frame before anything else trusts it, so a bogus checksum offset or GSO
 * request becomes a counted drop instead of a wild write further on.
 * No vhost dependency: KUnit tests these functions on their own.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <kunit/visibility.h>

#include "kvs.h"

#define KVS_HDR_FLAGS	(VIRTIO_NET_HDR_F_NEEDS_CSUM | \
			 VIRTIO_NET_HDR_F_DATA_VALID)

/* The header grows num_buffers with MRG_RXBUF, and always in virtio 1.0. */
size_t kvs_vnet_hdr_len(u64 features)
{
	if (features & (BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) |
			BIT_ULL(VIRTIO_F_VERSION_1)))
		return sizeof(struct virtio_net_hdr_mrg_rxbuf);
	return sizeof(struct virtio_net_hdr);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_vnet_hdr_len);

static bool kvs_gso_type_ok(u8 gso_type)
{
	switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		return true;
	default:
		return false;
	}
}

static bool kvs_gso_ok(const struct virtio_net_hdr *hdr, size_t frame_len,
		       bool le)
{
	u16 gso_size = __virtio16_to_cpu(le, hdr->gso_size);
	u16 hdr_len = __virtio16_to_cpu(le, hdr->hdr_len);

	if (hdr->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return !gso_size;
	/* Segmenting needs a checksum to fill in and a segment size. */
	if (!kvs_gso_type_ok(hdr->gso_type) || !gso_size ||
	    !(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return false;
	return hdr_len <= frame_len;
}

/**
 * kvs_vnet_hdr_check() - validate a guest's virtio-net header
 * @hdr: the header as copied from the guest
 * @frame_len: bytes of frame after the header
 * @little_endian: the queue's byte order (vhost_is_little_endian())
 *
 * Return: KVS_DROP_NONE when the frame may be forwarded, else the reason
 * to count it as dropped.
 */
enum kvs_drop kvs_vnet_hdr_check(const struct virtio_net_hdr *hdr,
				 size_t frame_len, bool little_endian)
{
	u16 csum_start = __virtio16_to_cpu(little_endian, hdr->csum_start);
	u16 csum_off = __virtio16_to_cpu(little_endian, hdr->csum_offset);

	if (frame_len < ETH_HLEN)
		return KVS_DROP_RUNT;
	if (frame_len > KVS_FRAME_MAX)
		return KVS_DROP_OVERSIZE;
	if (hdr->flags & ~KVS_HDR_FLAGS)
		return KVS_DROP_BAD_HDR;
	/* The 16-bit checksum field must lie inside the frame. */
	if ((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    (size_t)csum_start + csum_off + sizeof(__sum16) > frame_len)
		return KVS_DROP_BAD_HDR;
	if (!kvs_gso_ok(hdr, frame_len, little_endian))
		return KVS_DROP_BAD_HDR;
	return KVS_DROP_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_vnet_hdr_check);
