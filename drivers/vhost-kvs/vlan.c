// SPDX-License-Identifier: GPL-2.0
/*
 * 802.1Q VLANs: access ports (untagged, one VLAN: pvid) and trunk ports
 * (tagged VLANs, and untagged ones in pvid if set), set with port-set.
 *
 * A frame gets its VLAN where it enters (kvs_vlan_in()); the table is
 * keyed by (MAC, VLAN), and it only goes to ports of its VLAN, so no frame
 * crosses VLANs. A frame is shared by its destinations, so none of them
 * edits it: one that wants the other form (tagged for an untagged frame,
 * or the reverse) gets a copy made once per batch (kvs_vlan_alt()) in the
 * sender's TX worker.
 *
 * LOCKING
 *
 * port->vlans is replaced under kvs_lock and read under RCU by the
 * forwarding path; an old one is freed after a grace period.
 */
#include <linux/if_vlan.h>
#include <net/genetlink.h>

#include "kvs.h"
#include "nl-gen.h"

/* The frame's 802.1Q tag, if it has one: its VLAN id. */
static bool kvs_vlan_tag(const struct kvs_buf *buf, u16 *vid)
{
	const struct vlan_ethhdr *veth = (const void *)buf->data;

	if (veth->h_vlan_proto != htons(ETH_P_8021Q) ||
	    buf->len < VLAN_ETH_HLEN)
		return false;
	*vid = ntohs(veth->h_vlan_TCI) & VLAN_VID_MASK;
	return true;
}

bool kvs_vlan_tagged(const struct kvs_buf *buf)
{
	u16 vid;

	return kvs_vlan_tag(buf, &vid);
}

/**
 * __kvs_vlan_in() - the VLAN of a frame sent by a port
 * @port: the sending port
 * @buf: the frame
 *
 * Context: rcu_read_lock() held.
 * Return: 1..4094; 0 for a VLAN-unaware port (the frame passes as it
 * is); KVS_VLAN_REFUSED when the port may not send it (tagged with a VLAN
 * it is not a trunk of, or untagged without a pvid).
 */
u16 __kvs_vlan_in(const struct kvs_port *port, const struct kvs_buf *buf)
{
	const struct kvs_vlans *v = rcu_dereference(port->vlans);
	u16 vid;

	if (!v)
		return 0;
	if (!kvs_vlan_tag(buf, &vid))
		return v->pvid ?: KVS_VLAN_REFUSED;
	if (vid && test_bit(vid, v->tagged))
		return vid;
	return KVS_VLAN_REFUSED;
}

/* Is @port in VLAN @vid (not 0; see kvs_vlan_member())? Context: RCU. */
bool __kvs_vlan_member(const struct kvs_port *port, u16 vid)
{
	const struct kvs_vlans *v = rcu_dereference(port->vlans);

	return v && (v->pvid == vid || test_bit(vid, v->tagged));
}

/* Does a frame of VLAN @vid leave @port (a member) tagged? Context: RCU. */
bool kvs_vlan_tagged_out(const struct kvs_port *port, u16 vid)
{
	const struct kvs_vlans *v = rcu_dereference(port->vlans);

	return vid && v && v->pvid != vid;
}

/*
 * Header offsets of the copy, @delta bytes longer (tag added) or shorter
 * (removed) behind the MAC addresses. False when one points into the
 * Ethernet header, where moving it would leave it meaningless.
 */
static bool kvs_vlan_shift(struct kvs_vhdr *vh, int delta)
{
	unsigned int min = delta > 0 ? ETH_HLEN : VLAN_ETH_HLEN;

	/* The header's fields are 16 bits: a tag must not wrap them. */
	if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (vh->csum_start < min || vh->csum_start + delta > U16_MAX)
			return false;
		vh->csum_start += delta;
	}
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE && vh->hdr_len) {
		if (vh->hdr_len < min || vh->hdr_len + delta > U16_MAX)
			return false;
		vh->hdr_len += delta;
	}
	return true;
}

/**
 * kvs_vlan_alt() - the frame in its other form
 * @b: the sender's batch (its pool)
 * @buf: the frame, of VLAN @vid (not 0)
 * @vid: its VLAN
 *
 * An untagged frame gets a tag of @vid (priority 0); a tagged one loses
 * its tag. Context: the sender's TX worker under rcu_read_lock().
 * Return: a new buffer (one reference), ERR_PTR(-ENOMEM), or
 * ERR_PTR(-EINVAL) when the frame's header offsets do not allow it or it
 * would be too long.
 */
struct kvs_buf *kvs_vlan_alt(struct kvs_batch *b, const struct kvs_buf *buf,
			     u16 vid)
{
	u16 tagged_vid;
	bool tagged = kvs_vlan_tag(buf, &tagged_vid);
	int delta = tagged ? -VLAN_HLEN : VLAN_HLEN;
	struct kvs_buf *alt;
	struct kvs_vhdr vh = buf->vhdr;

	/* An untagged frame may already use the room a tag would take. */
	if (buf->len + delta > KVS_FRAME_MAX || !kvs_vlan_shift(&vh, delta))
		return ERR_PTR(-EINVAL);
	alt = kvs_pool_get_atomic(b->pool, buf->len + delta);
	if (!alt)
		return ERR_PTR(-ENOMEM);
	kvs_buf_set_vhdr(alt, &vh);
	memcpy(alt->data, buf->data, 2 * ETH_ALEN);
	if (tagged) {
		memcpy(alt->data + 2 * ETH_ALEN, buf->data + VLAN_ETH_HLEN - 2,
		       buf->len - (VLAN_ETH_HLEN - 2));
	} else {
		struct vlan_ethhdr *veth = (struct vlan_ethhdr *)alt->data;

		veth->h_vlan_proto = htons(ETH_P_8021Q);
		veth->h_vlan_TCI = htons(vid);
		memcpy(alt->data + VLAN_ETH_HLEN - 2, buf->data + 2 * ETH_ALEN,
		       buf->len - 2 * ETH_ALEN);
	}
	return alt;
}

/* A port joining a switch is VLAN-unaware. Context: kvs_lock held. */
void kvs_vlan_reset(struct kvs_port *port)
{
	struct kvs_vlans *v;

	v = rcu_replace_pointer(port->vlans, NULL, lockdep_is_held(&kvs_lock));
	if (v)
		kfree_rcu(v, rcu);
}

/*
 * The trunk VLANs of a port-set request into @v->tagged: the list given
 * replaces the old one; a single 0 clears it. Return: 0 or -EINVAL.
 */
static int kvs_vlan_parse_tagged(struct genl_info *info, struct kvs_vlans *v,
				 bool *given)
{
	const struct nlattr *attr;
	bool clear = false;
	int rem;

	*given = false;
	nla_for_each_attr_type(attr, VHOST_KVS_A_PORT_VID,
			       genlmsg_data(info->genlhdr),
			       genlmsg_len(info->genlhdr), rem) {
		u16 vid = nla_get_u16(attr);

		if (!*given)
			bitmap_zero(v->tagged, VLAN_N_VID);
		if (clear || (!vid && *given)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "VLAN 0 alone clears the trunk list; with others it is not a VLAN");
			return -EINVAL;
		}
		*given = true;
		if (!vid)
			clear = true;
		else
			__set_bit(vid, v->tagged);
	}
	return 0;
}

/**
 * kvs_vlan_set() - apply the VLAN attributes of a port-set request
 * @port: the port, in switch @sw
 * @sw: its switch
 * @info: the request
 *
 * A port whose VLANs changed forgets the addresses it had learned: they
 * may be in VLANs it left. Context: kvs_lock held.
 * Return: 0, -EINVAL (extack) or -ENOMEM; nothing changed on error.
 */
int kvs_vlan_set(struct kvs_port *port, struct kvs_switch *sw,
		 struct genl_info *info)
{
	struct nlattr *pvid = info->attrs[VHOST_KVS_A_PORT_PVID];
	const struct kvs_vlans *old;
	struct kvs_vlans *v;
	bool given;
	int err;

	lockdep_assert_held(&kvs_lock);
	old = rcu_dereference_protected(port->vlans, lockdep_is_held(&kvs_lock));
	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	if (old)
		*v = *old;
	err = kvs_vlan_parse_tagged(info, v, &given);
	if (err || (!given && !pvid)) {
		kfree(v);
		return err;
	}
	if (pvid)
		v->pvid = nla_get_u16(pvid);
	if (!v->pvid && bitmap_empty(v->tagged, VLAN_N_VID)) {
		kfree(v);
		v = NULL;
	}
	v = rcu_replace_pointer(port->vlans, v, lockdep_is_held(&kvs_lock));
	if (v)
		kfree_rcu(v, rcu);
	kvs_fdb_flush(&sw->fdb, &(struct kvs_fdb_flush_desc){
		.dst = &port->fdb_dst, .learned_only = true });
	return 0;
}

/* port-get: pvid and the trunk VLANs. Context: kvs_lock held. */
int kvs_vlan_fill(struct sk_buff *msg, const struct kvs_port *port)
{
	const struct kvs_vlans *v;
	unsigned int vid;

	v = rcu_dereference_protected(port->vlans, lockdep_is_held(&kvs_lock));
	if (nla_put_u16(msg, VHOST_KVS_A_PORT_PVID, v ? v->pvid : 0))
		return -EMSGSIZE;
	if (!v)
		return 0;
	for_each_set_bit(vid, v->tagged, VLAN_N_VID)
		if (nla_put_u16(msg, VHOST_KVS_A_PORT_VID, vid))
			return -EMSGSIZE;
	return 0;
}
