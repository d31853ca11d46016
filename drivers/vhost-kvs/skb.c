// SPDX-License-Identifier: GPL-2.0
/*
 * Frames between sk_buffs and the switch's buffers, for the ports that
 * are network devices (host ports, uplinks): one copy each way, with
 * checksum and GSO state carried as a virtio-net header, as a guest's
 * frames carry theirs.
 */
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

#include "kvs.h"

/* Bytes of a frame put in an sk_buff's linear part; the rest in pages */
#define KVS_SKB_LINEAR		256

/**
 * kvs_skb_take() - copy a frame out of an sk_buff into a buffer of @pool
 * @pool: the sending port's (its owner's context)
 * @skb: the frame, from its Ethernet header on
 * @reason: set to why it is dropped, when it is
 *
 * Context: the pool's owner, BH off or not. Return: the buffer (one
 * reference), or NULL. The caller counts the frame and frees @skb.
 */
struct kvs_buf *kvs_skb_take(struct kvs_pool *pool, struct sk_buff *skb,
			     enum kvs_drop *reason)
{
	struct virtio_net_hdr hdr;
	struct kvs_vhdr vh;
	struct kvs_buf *buf;

	*reason = KVS_DROP_NONE;
	if (skb->len < ETH_HLEN)
		*reason = KVS_DROP_RUNT;
	else if (skb->len > KVS_FRAME_MAX)
		*reason = KVS_DROP_OVERSIZE;
	/* A GSO type no virtio-net header can say: the device offered it
	 * not, so the stack should have segmented it; counted, not trusted.
	 */
	else if (virtio_net_hdr_from_skb(skb, &hdr, true, false, 0))
		*reason = KVS_DROP_BAD_HDR;
	if (*reason)
		return NULL;
	buf = kvs_pool_get_atomic(pool, skb->len);
	if (!buf) {
		*reason = KVS_DROP_NOMEM;
		return NULL;
	}
	if (WARN_ON_ONCE(skb_copy_bits(skb, 0, buf->data, skb->len))) {
		kvs_buf_put(buf);
		*reason = KVS_DROP_BAD_HDR;
		return NULL;
	}
	kvs_vhdr_from(&vh, &hdr, true);
	kvs_buf_set_vhdr(buf, &vh);
	return buf;
}

/**
 * kvs_skb_make() - a frame of the switch as a new sk_buff
 * @buf: the frame
 * @reason: set to why there is none, when there is none
 *
 * The first KVS_SKB_LINEAR bytes are linear, the rest in pages; data and
 * the MAC header are at the Ethernet header.
 * Context: any that may allocate with GFP_ATOMIC. Return: the sk_buff,
 * or NULL (no memory, or a header that does not fit the frame).
 */
struct sk_buff *kvs_skb_make(const struct kvs_buf *buf, enum kvs_drop *reason)
{
	size_t linear = min_t(size_t, buf->len, KVS_SKB_LINEAR);
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;
	int err;

	kvs_vhdr_to(&hdr, &buf->vhdr, true);
	skb = alloc_skb_with_frags(NET_IP_ALIGN + linear, buf->len - linear,
				   PAGE_ALLOC_COSTLY_ORDER, &err,
				   GFP_ATOMIC | __GFP_NOWARN);
	if (!skb) {
		*reason = KVS_DROP_NOMEM;
		return NULL;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put(skb, linear);
	skb->data_len = buf->len - linear;
	skb->len += buf->len - linear;
	if (skb_store_bits(skb, 0, buf->data, buf->len) ||
	    virtio_net_hdr_to_skb(skb, &hdr, true)) {
		kfree_skb(skb);
		*reason = KVS_DROP_BAD_GSO;
		return NULL;
	}
	skb_reset_mac_header(skb);
	return skb;
}
