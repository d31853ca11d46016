// SPDX-License-Identifier: GPL-2.0
/*
 * Software offloads for receivers that did not negotiate them.
 *
 * A sender's frame keeps its virtio-net header on the way through the
 * switch: a checksum left to fill in, or a TCP/UDP super-frame of up to
 * 64 KiB to cut into gso_size pieces. A receiver whose guest accepts that
 * (TUN_F_* offloads, VHOST_KVS_SET_OFFLOADS) gets the frame as it is; any
 * other gets what a NIC would have put on the wire: checksummed frames,
 * each no larger than one segment.
 *
 * The frame buffer may be shared by several receivers, so nothing here
 * writes it: each segment's headers are built in the receiver's scratch
 * (struct kvs_seg) and the payload is copied straight from the buffer.
 * No vhost dependency: KUnit tests these functions on their own.
 */
#include <linux/if_tun.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <kunit/visibility.h>

#include "kvs.h"

/* Would a receiver with @offloads take a frame with header @vh as is? */
bool kvs_offload_ok(unsigned int offloads, const struct kvs_vhdr *vh)
{
	unsigned int need = 0;

	switch (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		need = TUN_F_TSO4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		need = TUN_F_TSO6;
		break;
	default:	/* UDP_L4: the header does not say which IP version */
		need = TUN_F_USO4 | TUN_F_USO6;
		break;
	}
	if (vh->gso_type & VIRTIO_NET_HDR_GSO_ECN)
		need |= TUN_F_TSO_ECN;
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		need |= TUN_F_CSUM;
	return (offloads & need) == need;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_offload_ok);

/**
 * kvs_csum_fill() - the checksum a NEEDS_CSUM frame asks for
 * @buf: frame whose vhdr has VIRTIO_NET_HDR_F_NEEDS_CSUM (bounds checked
 *	 by kvs_vnet_hdr_check() on the way in)
 *
 * Return: the value to store at csum_start + csum_offset.
 */
__sum16 kvs_csum_fill(const struct kvs_buf *buf)
{
	u16 start = buf->vhdr.csum_start;
	__sum16 sum;

	sum = csum_fold(csum_partial(buf->data + start, buf->len - start, 0));
	/* As skb_checksum_help(): 0 would mean "no checksum" to UDP. */
	return sum ?: CSUM_MANGLED_0;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_csum_fill);

/* Ethernet (and one VLAN tag): the network protocol and its offset. */
static bool kvs_seg_l2(const struct kvs_buf *buf, __be16 *proto, u16 *l3off)
{
	const struct vlan_ethhdr *veth = (const struct vlan_ethhdr *)buf->data;

	*proto = veth->h_vlan_proto;
	*l3off = ETH_HLEN;
	if (*proto == htons(ETH_P_8021Q)) {
		if (buf->len < VLAN_ETH_HLEN)
			return false;
		*proto = veth->h_vlan_encapsulated_proto;
		*l3off = VLAN_ETH_HLEN;
	}
	return true;
}

static bool kvs_seg_ipv4(const struct kvs_buf *buf, struct kvs_seg *seg,
			 u8 *l4proto)
{
	const struct iphdr *iph = (const void *)(buf->data + seg->l3off);

	if (seg->l3off + sizeof(*iph) > buf->len || iph->version != 4 ||
	    iph->ihl < 5 || seg->l3off + iph->ihl * 4 > buf->len ||
	    ip_is_fragment(iph))
		return false;
	seg->l4off = seg->l3off + iph->ihl * 4;
	*l4proto = iph->protocol;
	return true;
}

static bool kvs_seg_ipv6(const struct kvs_buf *buf, struct kvs_seg *seg,
			 u8 *l4proto)
{
	const struct ipv6hdr *ip6h = (const void *)(buf->data + seg->l3off);

	/* Extension headers are not followed: none in a GSO frame. */
	if (seg->l3off + sizeof(*ip6h) > buf->len || ip6h->version != 6)
		return false;
	seg->l4off = seg->l3off + sizeof(*ip6h);
	*l4proto = ip6h->nexthdr;
	return true;
}

static bool kvs_seg_l4(const struct kvs_buf *buf, struct kvs_seg *seg,
		       u8 l4proto)
{
	const struct tcphdr *th = (const void *)(buf->data + seg->l4off);
	u8 gso = buf->vhdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	seg->udp = gso == VIRTIO_NET_HDR_GSO_UDP_L4;
	if (l4proto != (seg->udp ? IPPROTO_UDP : IPPROTO_TCP) ||
	    buf->vhdr.csum_start != seg->l4off)
		return false;
	if (seg->udp) {
		seg->hdr_end = seg->l4off + sizeof(struct udphdr);
		return buf->vhdr.csum_offset ==
		       offsetof(struct udphdr, check) &&
		       seg->hdr_end <= buf->len;
	}
	if (seg->l4off + sizeof(*th) > buf->len || th->doff < 5)
		return false;
	seg->hdr_end = seg->l4off + th->doff * 4;
	return buf->vhdr.csum_offset == offsetof(struct tcphdr, check) &&
	       seg->hdr_end <= buf->len;
}

/**
 * kvs_seg_parse() - check a GSO frame's headers and plan its segments
 * @buf: frame with a GSO type in its vhdr
 * @seg: filled in for kvs_seg_build()
 *
 * The guest's virtio-net header passed kvs_vnet_hdr_check(); here the
 * frame's own headers must agree with it (protocol, checksum position).
 * Return: true when the frame can be segmented.
 */
bool kvs_seg_parse(const struct kvs_buf *buf, struct kvs_seg *seg)
{
	u8 gso = buf->vhdr.gso_type & ~VIRTIO_NET_HDR_GSO_ECN;
	__be16 proto;
	u8 l4proto;
	size_t payload;

	if (!kvs_seg_l2(buf, &proto, &seg->l3off))
		return false;
	seg->ipv6 = proto == htons(ETH_P_IPV6);
	if (proto == htons(ETH_P_IP) && gso != VIRTIO_NET_HDR_GSO_TCPV6) {
		if (!kvs_seg_ipv4(buf, seg, &l4proto))
			return false;
	} else if (seg->ipv6 && gso != VIRTIO_NET_HDR_GSO_TCPV4) {
		if (!kvs_seg_ipv6(buf, seg, &l4proto))
			return false;
	} else {
		return false;
	}
	if (!kvs_seg_l4(buf, seg, l4proto) || seg->hdr_end > KVS_SEG_HDR_MAX)
		return false;
	seg->mss = buf->vhdr.gso_size;
	payload = buf->len - seg->hdr_end;
	seg->nsegs = max_t(size_t, 1, DIV_ROUND_UP(payload, seg->mss));
	return seg->nsegs <= KVS_SEG_MAX;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_seg_parse);

static __sum16 kvs_seg_l4_csum(const struct kvs_seg *seg, const void *l4,
			       size_t l4hdr, const void *payload, size_t plen,
			       u8 proto)
{
	const void *l3 = seg->hdr + seg->l3off;
	size_t l4len = l4hdr + plen;
	__wsum sum;

	sum = csum_partial(payload, plen, csum_partial(l4, l4hdr, 0));
	if (seg->ipv6) {
		const struct ipv6hdr *ip6h = l3;

		return csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, l4len,
				       proto, sum);
	}
	return csum_tcpudp_magic(((const struct iphdr *)l3)->saddr,
				 ((const struct iphdr *)l3)->daddr, l4len,
				 proto, sum);
}

static void kvs_seg_fix_ip(struct kvs_seg *seg, unsigned int i,
			   size_t total)
{
	void *l3 = seg->hdr + seg->l3off;

	if (seg->ipv6) {
		((struct ipv6hdr *)l3)->payload_len =
			htons(total - seg->l3off - sizeof(struct ipv6hdr));
		return;
	}
	((struct iphdr *)l3)->tot_len = htons(total - seg->l3off);
	/* Each segment is a datagram of its own: IDs count up. */
	be16_add_cpu(&((struct iphdr *)l3)->id, i);
	((struct iphdr *)l3)->check = 0;
	((struct iphdr *)l3)->check = ip_fast_csum(l3, ((struct iphdr *)l3)->ihl);
}

/**
 * kvs_seg_build() - headers of segment @i, checksums included
 * @buf: the GSO frame
 * @seg: as kvs_seg_parse() left it; seg->hdr receives the headers
 * @i: segment number, below seg->nsegs
 * @poff: set to the offset of the segment's payload in @buf->data
 *
 * Return: payload bytes of the segment; the headers are seg->hdr_end bytes.
 */
size_t kvs_seg_build(const struct kvs_buf *buf, struct kvs_seg *seg,
		     unsigned int i, size_t *poff)
{
	size_t off = (size_t)i * seg->mss, plen;
	const u8 *payload = buf->data + seg->hdr_end + off;
	void *l4 = seg->hdr + seg->l4off;

	plen = min_t(size_t, seg->mss, buf->len - seg->hdr_end - off);
	*poff = seg->hdr_end + off;
	memcpy(seg->hdr, buf->data, seg->hdr_end);
	kvs_seg_fix_ip(seg, i, seg->hdr_end + plen);
	if (seg->udp) {
		struct udphdr *uh = l4;

		uh->len = htons(sizeof(*uh) + plen);
		uh->check = 0;
		uh->check = kvs_seg_l4_csum(seg, uh, sizeof(*uh), payload,
					    plen, IPPROTO_UDP) ?: CSUM_MANGLED_0;
		return plen;
	}
	((struct tcphdr *)l4)->seq =
		htonl(ntohl(((struct tcphdr *)l4)->seq) + off);
	/* As the stack's own segmentation: FIN and PSH end the burst,
	 * CWR starts it.
	 */
	if (i != seg->nsegs - 1)
		((struct tcphdr *)l4)->fin = ((struct tcphdr *)l4)->psh = 0;
	if (i)
		((struct tcphdr *)l4)->cwr = 0;
	((struct tcphdr *)l4)->check = 0;
	((struct tcphdr *)l4)->check =
		kvs_seg_l4_csum(seg, l4, seg->hdr_end - seg->l4off, payload,
				plen, IPPROTO_TCP);
	return plen;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_seg_build);
