// SPDX-License-Identifier: GPL-2.0
/*
 * Port policy: what a port may send and what it is given, changed with the
 * netlink operation port-set and enforced by the forwarding path (fwd.c).
 *
 * - spoofchk: a frame's source must be the port's MAC or an allowed one;
 * - isolated: no frame between two isolated ports;
 * - learning: whether the switch learns the port's source addresses;
 * - flood, mcast-flood: whether floods of unknown unicast, and of
 *   multicast and broadcast, reach the port;
 * - max-learned: the port's share of the switch's table (fdb_dst);
 * - pvid, vid: its 802.1Q VLANs (vlan.c);
 * - coalesce-frames/-usecs: interrupt coalescing of its queue pairs.
 *
 * LOCKING
 *
 * Policy belongs to the port, not to its queue pairs. Writers hold
 * kvs_lock; a port starts with the defaults when it is made. The datapath
 * reads port->pol and the coalescing limits with READ_ONCE() and
 * port->allowed under RCU, so a change applies from the next batch on;
 * an old allowed list is freed after a grace period.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>

#include "kvs.h"
#include "nl-gen.h"

/**
 * kvs_pol_src_ok() - may the port send from this source address?
 * @port: the port
 * @src: the frame's source MAC
 *
 * Context: rcu_read_lock() held.
 */
bool kvs_pol_src_ok(const struct kvs_port *port, const u8 *src)
{
	const struct kvs_allowed *a;
	unsigned int i;

	if (ether_addr_equal(src, port->mac))
		return true;
	a = rcu_dereference(port->allowed);
	for (i = 0; a && i < a->n; i++)
		if (ether_addr_equal(src, a->mac[i]))
			return true;
	return false;
}

static void kvs_pol_set_allowed(struct kvs_port *port, struct kvs_allowed *a)
{
	a = rcu_replace_pointer(port->allowed, a, lockdep_is_held(&kvs_lock));
	if (a)
		kfree_rcu(a, rcu);
}

/* A port joining a switch starts with the defaults. */
void kvs_pol_reset(struct kvs_port *port)
{
	lockdep_assert_held(&kvs_lock);
	WRITE_ONCE(port->pol, 0);
	WRITE_ONCE(port->fdb_dst.max_learned, KVS_PORT_MAX_LEARNED);
	kvs_pol_set_allowed(port, NULL);
	kvs_vlan_reset(port);
}

/*
 * The allowed-mac attributes of the request, as a new list: NULL with
 * *err 0 when the request has none, NULL with *err 0 and *clear set for
 * the single all-zeroes address that clears the list.
 */
static struct kvs_allowed *kvs_pol_parse_allowed(struct genl_info *info,
						 bool *clear, int *err)
{
	struct kvs_allowed *a = NULL;
	const struct nlattr *attr;
	int rem;

	*clear = false;
	*err = 0;
	nla_for_each_attr_type(attr, VHOST_KVS_A_PORT_ALLOWED_MAC,
			       genlmsg_data(info->genlhdr),
			       genlmsg_len(info->genlhdr), rem) {
		const u8 *mac = nla_data(attr);

		if (is_zero_ether_addr(mac) && !a && !*clear) {
			*clear = true;
			continue;
		}
		if (*clear || !is_valid_ether_addr(mac)) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "allowed-mac must be unicast and not all zeroes (one all-zeroes address alone clears the list)");
			goto bad;
		}
		if (!a) {
			a = kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
			if (!a) {
				*err = -ENOMEM;
				return NULL;
			}
		}
		if (a->n == KVS_ALLOWED_MAX) {
			NL_SET_ERR_MSG_ATTR_FMT(info->extack, attr,
						"at most %d allowed-mac addresses",
						KVS_ALLOWED_MAX);
			goto bad;
		}
		ether_addr_copy(a->mac[a->n++], mac);
	}
	return a;
bad:
	kfree(a);
	*err = -EINVAL;
	return NULL;
}

static void kvs_pol_flag(struct genl_info *info, int attr,
			 unsigned long *pol, unsigned long bit, bool inverted)
{
	if (!info->attrs[attr])
		return;
	if (!!nla_get_u8(info->attrs[attr]) != inverted)
		*pol |= bit;
	else
		*pol &= ~bit;
}

/* Coalescing of each queue pair; their RX workers read it locklessly. */
static void kvs_pol_set_coalesce(struct kvs_port *port, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	/* queues[] may have gaps where a queue pair left: walk it all. */
	for (i = 0; i < KVS_QUEUES_MAX; i++) {
		struct kvs_queue *q = port->queues[i];

		if (!q)
			continue;
		if (attrs[VHOST_KVS_A_PORT_COALESCE_FRAMES])
			WRITE_ONCE(q->coalesce.max_frames,
				   nla_get_u32(attrs[VHOST_KVS_A_PORT_COALESCE_FRAMES]));
		if (attrs[VHOST_KVS_A_PORT_COALESCE_USECS])
			WRITE_ONCE(q->coalesce.max_usecs,
				   nla_get_u32(attrs[VHOST_KVS_A_PORT_COALESCE_USECS]));
		/* What was held back goes out under the new rules. */
		vhost_vq_work_queue(&q->vqs[VHOST_KVS_VQ_RX], &q->coalesce.work);
	}
}

/**
 * kvs_pol_set() - apply a port-set request to a port
 * @port: the port, in switch @sw
 * @sw: its switch
 * @info: the request, its attributes already checked against the policy
 *
 * All or nothing: nothing changes when an attribute is refused.
 * Context: kvs_lock held.
 * Return: 0, -EINVAL (with extack) or -ENOMEM.
 */
int kvs_pol_set(struct kvs_port *port, struct kvs_switch *sw,
		struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	unsigned long pol = port->pol;
	struct kvs_allowed *a;
	bool clear;
	int err;

	lockdep_assert_held(&kvs_lock);
	if (!port->queues[0] &&
	    (attrs[VHOST_KVS_A_PORT_COALESCE_FRAMES] ||
	     attrs[VHOST_KVS_A_PORT_COALESCE_USECS])) {
		NL_SET_ERR_MSG(info->extack,
			       "interrupt coalescing is for a guest's port");
		return -EOPNOTSUPP;
	}
	a = kvs_pol_parse_allowed(info, &clear, &err);
	if (err)
		return err;
	/* The last step that may fail */
	err = kvs_vlan_set(port, sw, info);
	if (err) {
		kfree(a);
		return err;
	}
	kvs_pol_flag(info, VHOST_KVS_A_PORT_ISOLATED, &pol, KVS_POL_ISOLATED,
		     false);
	kvs_pol_flag(info, VHOST_KVS_A_PORT_LEARNING, &pol, KVS_POL_NO_LEARN,
		     true);
	kvs_pol_flag(info, VHOST_KVS_A_PORT_FLOOD, &pol, KVS_POL_NO_FLOOD,
		     true);
	kvs_pol_flag(info, VHOST_KVS_A_PORT_MCAST_FLOOD, &pol,
		     KVS_POL_NO_MCAST_FLOOD, true);
	kvs_pol_flag(info, VHOST_KVS_A_PORT_SPOOFCHK, &pol, KVS_POL_SPOOFCHK,
		     false);
	/* A new list is in place before spoofchk turns on with it. */
	if (a || clear)
		kvs_pol_set_allowed(port, a);
	WRITE_ONCE(port->pol, pol);
	if (attrs[VHOST_KVS_A_PORT_MAX_LEARNED])
		WRITE_ONCE(port->fdb_dst.max_learned,
			   nla_get_u32(attrs[VHOST_KVS_A_PORT_MAX_LEARNED]));
	kvs_pol_set_coalesce(port, info);
	return 0;
}

static int kvs_pol_fill_allowed(struct sk_buff *msg,
				const struct kvs_port *port)
{
	const struct kvs_allowed *a;
	unsigned int i;

	a = rcu_dereference_protected(port->allowed,
				      lockdep_is_held(&kvs_lock));
	for (i = 0; a && i < a->n; i++)
		if (nla_put(msg, VHOST_KVS_A_PORT_ALLOWED_MAC, ETH_ALEN,
			    a->mac[i]))
			return -EMSGSIZE;
	return 0;
}

/* The port-get attributes of the policy. Context: kvs_lock held. */
int kvs_pol_fill(struct sk_buff *msg, const struct kvs_port *port)
{
	/* Set for all queue pairs by port-set, per file by the VMM; a port
	 * of another type has none.
	 */
	const struct kvs_queue *q = port->queues[0];
	unsigned long pol = port->pol;

	lockdep_assert_held(&kvs_lock);
	if (nla_put_u8(msg, VHOST_KVS_A_PORT_ISOLATED,
		       !!(pol & KVS_POL_ISOLATED)) ||
	    nla_put_u8(msg, VHOST_KVS_A_PORT_LEARNING,
		       !(pol & KVS_POL_NO_LEARN)) ||
	    nla_put_u8(msg, VHOST_KVS_A_PORT_FLOOD,
		       !(pol & KVS_POL_NO_FLOOD)) ||
	    nla_put_u8(msg, VHOST_KVS_A_PORT_MCAST_FLOOD,
		       !(pol & KVS_POL_NO_MCAST_FLOOD)) ||
	    nla_put_u32(msg, VHOST_KVS_A_PORT_MAX_LEARNED,
			port->fdb_dst.max_learned) ||
	    nla_put_u8(msg, VHOST_KVS_A_PORT_SPOOFCHK,
		       !!(pol & KVS_POL_SPOOFCHK)) ||
	    kvs_pol_fill_allowed(msg, port) || kvs_vlan_fill(msg, port))
		return -EMSGSIZE;
	if (q &&
	    (nla_put_u32(msg, VHOST_KVS_A_PORT_COALESCE_FRAMES,
			 READ_ONCE(q->coalesce.max_frames)) ||
	     nla_put_u32(msg, VHOST_KVS_A_PORT_COALESCE_USECS,
			 READ_ONCE(q->coalesce.max_usecs))))
		return -EMSGSIZE;
	return 0;
}
