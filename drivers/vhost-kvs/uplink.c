// SPDX-License-Identifier: GPL-2.0
/*
 * Uplinks: an existing Ethernet device (a NIC, a bond, a veth, a VXLAN or
 * Geneve device) made a port of a switch, the way a bridge takes its
 * ports: an rx_handler takes everything the device receives, the device
 * is put in promiscuous mode, and frames for the port leave through it.
 *
 * What the device receives (rx_handler, softirq, on any CPU) is copied
 * once into a buffer of this CPU's pool and forwarded at once; each CPU
 * has its own batch, pool and counters, since a multiqueue NIC receives
 * on several at a time. GRO'd frames keep their GSO state, their checksum
 * set up as partial so that guests receive them as they would from a
 * tap; a tunnel's GSO frames, which a virtio-net header cannot describe,
 * are cut into their segments. LRO is turned off, as a bridge does.
 * Frames for the port become sk_buffs and go out with dev_queue_xmit();
 * one longer than the device's MTU (a GSO frame: whose segments are) is
 * dropped and counted.
 *
 * The device must be in the switch's namespace. Unregistering it, or
 * moving it to another namespace, takes the port out of its switch
 * (netdevice notifier); deleting the port or the switch gives the device
 * back as it was. The port keeps the MAC the device had when it was made
 * (its identity in the FDB) if the device's changes later.
 *
 * LOCKING: the RTNL lock, then kvs_lock (see kvs.h). The rx_handler
 * finds the port in dev->rx_handler_data under RCU.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/gso.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "kvs.h"

/* What one CPU receiving from the uplink needs. BH off. */
struct kvs_uplink_cpu {
	struct kvs_batch tx;		/* frames from the wire */
	struct kvs_stats tx_stats;	/* from the wire into the switch */
	struct kvs_stats rx_stats;	/* from the switch onto the wire */
};

struct kvs_uplink {
	struct kvs_uplink_cpu __percpu *cpu;
	netdevice_tracker tracker;	/* our reference to the device */
	/* Out of its switch: written under kvs_lock, read under RCU */
	bool unlinked;
	/* The device was given back; the RTNL lock */
	bool released;
};

static rx_handler_result_t kvs_uplink_rx(struct sk_buff **pskb);

/*
 * Checksum partial for a GRO'd frame, as a tap's reader gets it (data at
 * the network header). One whose VLAN tag the device left in the frame
 * cannot be set up, and is dropped as BAD_HDR.
 */
static bool kvs_uplink_csum(struct sk_buff *skb)
{
	if (!skb_is_gso(skb) || skb->ip_summed == CHECKSUM_PARTIAL)
		return true;
	return !skb_checksum_setup(skb, true);
}

/* GSO a virtio-net header can say: TCP or UDP, not inside a tunnel. */
#define KVS_UPLINK_GSO	(SKB_GSO_TCPV4 | SKB_GSO_TCPV6 | SKB_GSO_TCP_ECN | \
			 SKB_GSO_TCP_FIXEDID | SKB_GSO_UDP_L4 | SKB_GSO_DODGY)

static bool kvs_uplink_gso_ok(const struct sk_buff *skb)
{
	return !skb->encapsulation &&
	       !(skb_shinfo(skb)->gso_type & ~KVS_UPLINK_GSO);
}

/* One frame, from its Ethernet header on, into the switch; consumed. */
static void kvs_uplink_frame(struct kvs_port *port, struct kvs_uplink_cpu *c,
			     struct sk_buff *skb)
{
	enum kvs_drop reason;
	struct kvs_buf *buf;

	buf = kvs_skb_take(c->tx.pool, skb, &reason);
	kvs_stats_count(&c->tx_stats, reason, skb->len);
	consume_skb(skb);
	if (buf) {
		c->tx.bufs[0] = buf;
		kvs_forward(&c->tx, port, 1);
	}
}

/*
 * A GSO frame of a kind the switch cannot carry whole (a tunnel's TCP,
 * GRO'd on the way in, or sent so by a veth's peer): its segments, each
 * as a frame of its own.
 */
static void kvs_uplink_segments(struct kvs_port *port,
				struct kvs_uplink_cpu *c, struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;

	segs = __skb_gso_segment(skb, NETIF_F_SG, false);
	if (IS_ERR_OR_NULL(segs)) {
		kvs_stats_count(&c->tx_stats, KVS_DROP_BAD_HDR, skb->len);
		consume_skb(skb);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		kvs_uplink_frame(port, c, seg);
	}
}

/* One frame the device received; the switch takes it. */
static void kvs_uplink_take(struct kvs_port *port, struct sk_buff *skb)
{
	struct kvs_uplink_cpu *c = this_cpu_ptr(port->uplink->cpu);

	if (READ_ONCE(port->uplink->unlinked)) {
		kvs_stats_count(&c->tx_stats, KVS_DROP_NO_SWITCH, skb->len);
		consume_skb(skb);
		return;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);		/* frees on failure */
	if (!skb) {
		kvs_stats_count(&c->tx_stats, KVS_DROP_NOMEM, 0);
		return;
	}
	if (kvs_uplink_gso_ok(skb) && !kvs_uplink_csum(skb)) {
		kvs_stats_count(&c->tx_stats, KVS_DROP_BAD_HDR, skb->len);
		consume_skb(skb);
		return;
	}
	/* From its Ethernet header on, as the switch carries it; a tag
	 * the device took off goes back in.
	 */
	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_vlan_tag_present(skb))
		skb = __vlan_hwaccel_push_inside(skb);	/* frees on failure */
	if (!skb)
		kvs_stats_count(&c->tx_stats, KVS_DROP_NOMEM, 0);
	else if (skb_is_gso(skb) && !kvs_uplink_gso_ok(skb))
		kvs_uplink_segments(port, c, skb);
	else
		kvs_uplink_frame(port, c, skb);
}

static rx_handler_result_t kvs_uplink_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct kvs_port *port;

	/* Frames the host itself sent out of the device stay the host's. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	port = rcu_dereference(skb->dev->rx_handler_data);
	kvs_uplink_take(port, skb);
	return RX_HANDLER_CONSUMED;
}

/*
 * What dev_queue_xmit() needs to know of a frame built from scratch: its
 * protocol and where its network header is (past any VLAN tags), so that
 * a GSO frame can be segmented for a device that cannot.
 */
static void kvs_uplink_headers(struct sk_buff *skb, struct net_device *dev)
{
	int depth = ETH_HLEN;

	skb->dev = dev;
	skb->protocol = eth_hdr(skb)->h_proto;
	if (eth_type_vlan(skb->protocol))
		vlan_get_protocol_and_depth(skb, skb->protocol, &depth);
	skb_set_network_header(skb, depth);
	skb_reset_mac_len(skb);
}

/* A frame of the switch onto the wire. Context: BH off. */
static void kvs_uplink_out(struct kvs_port *port, const struct kvs_buf *buf,
			   void *unused)
{
	struct kvs_uplink_cpu *c = this_cpu_ptr(port->uplink->cpu);
	struct net_device *dev = port->dev;
	enum kvs_drop reason = KVS_DROP_NONE;
	struct sk_buff *skb;

	if (!netif_running(dev) || !netif_carrier_ok(dev)) {
		kvs_stats_count(&c->rx_stats, KVS_DROP_DOWN, 0);
		return;
	}
	skb = kvs_skb_make(buf, &reason);
	if (!skb) {
		kvs_stats_count(&c->rx_stats, reason, 0);
		return;
	}
	kvs_uplink_headers(skb, dev);
	/* A GSO frame counts by its segments: is_skb_forwardable() takes
	 * any, trusting TSO to leave them whole.
	 */
	if (!is_skb_forwardable(dev, skb) ||
	    (skb_is_gso(skb) &&
	     !skb_gso_validate_mac_len(skb, dev->mtu + dev->hard_header_len +
				       VLAN_HLEN))) {
		kfree_skb(skb);
		kvs_stats_count(&c->rx_stats, KVS_DROP_TOO_BIG, 0);
		return;
	}
	/* Dropped by its queue: counted with the frames no ring took. */
	if (dev_queue_xmit(skb) != NET_XMIT_SUCCESS)
		reason = KVS_DROP_DEST_FULL;
	kvs_stats_count(&c->rx_stats, reason, buf->len);
}

/* ops->deliver: each frame of the batch for the port, onto the wire. */
static void kvs_uplink_deliver(struct kvs_port *port, struct kvs_batch *b,
			       struct kvs_switch *sw, unsigned int n)
{
	kvs_fwd_each(port, b, n, kvs_uplink_out, NULL);
}

/* The device's own state back as it was, once; the RTNL lock held. */
static void kvs_uplink_release(struct kvs_port *port)
{
	ASSERT_RTNL();
	if (port->uplink->released)
		return;
	/* Waits for a grace period (expedited under the RTNL lock, as for
	 * a bridge's port): no rx_handler runs any more.
	 */
	netdev_rx_handler_unregister(port->dev);
	dev_set_promiscuity(port->dev, -1);
	port->uplink->released = true;
}

/* ops->unlink: the wire's frames stop reaching the switch. */
static void kvs_uplink_unlink(struct kvs_port *port)
{
	lockdep_assert_held(&kvs_lock);
	WRITE_ONCE(port->uplink->unlinked, true);
}

static void kvs_uplink_free(struct kvs_port *port)
{
	struct kvs_uplink *up = port->uplink;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kvs_pool *pool;

		if (!up->cpu)
			break;
		pool = per_cpu_ptr(up->cpu, cpu)->tx.pool;
		if (pool)
			kvs_pool_release(pool);
	}
	free_percpu(up->cpu);
	netdev_put(port->dev, &up->tracker);
	kfree(up);
	port->uplink = NULL;
	port->dev = NULL;
}

/*
 * ops->gone, a grace period after unlink: the device is given back, and
 * our reference to it. Context: without kvs_lock; with the RTNL lock only
 * from the notifier, which released the device already.
 */
static void kvs_uplink_gone(struct kvs_port *port)
{
	/* Set only under the RTNL lock: read again under it. */
	if (!data_race(port->uplink->released)) {
		rtnl_lock();
		kvs_uplink_release(port);
		rtnl_unlock();
	}
	kvs_uplink_free(port);
}

static void kvs_uplink_stats(const struct kvs_port *port, int qi,
			     struct kvs_stats_sum *sum)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kvs_uplink_cpu *c = per_cpu_ptr(port->uplink->cpu, cpu);

		kvs_stats_sum_add(sum, qi == VHOST_KVS_VQ_TX ? &c->tx_stats :
							       &c->rx_stats);
	}
}

static const struct kvs_port_ops kvs_uplink_ops = {
	.type		= VHOST_KVS_PORT_TYPE_UPLINK,
	.deliver	= kvs_uplink_deliver,
	.unlink		= kvs_uplink_unlink,
	.gone		= kvs_uplink_gone,
	.stats		= kvs_uplink_stats,
};

/* May @dev be an uplink of @sw? 0, or why not (with @extack). */
static int kvs_uplink_refuse(struct kvs_switch *sw, struct net_device *dev,
			     struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG(extack, "a loopback device cannot be an uplink");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG(extack, "an uplink must be an Ethernet device");
		return -EINVAL;
	}
	if (kvs_host_port_dev(dev)) {
		NL_SET_ERR_MSG(extack, "a host port of a switch cannot be an uplink");
		return -EINVAL;
	}
	if (netdev_master_upper_dev_get(dev) ||
	    netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG(extack,
			       "the device is already enslaved (bridge, bond, Open vSwitch or a switch)");
		return -EBUSY;
	}
	if (kvs_switch_mac_taken(sw, dev->dev_addr)) {
		NL_SET_ERR_MSG(extack, "another port of the switch has the device's MAC");
		return -EADDRINUSE;
	}
	return 0;
}

static struct kvs_port *kvs_uplink_alloc(struct net_device *dev)
{
	struct kvs_uplink *up;
	struct kvs_port *port;
	int cpu;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	up = kzalloc(sizeof(*up), GFP_KERNEL_ACCOUNT);
	if (!port || !up) {
		kfree(up);
		kfree(port);
		return NULL;
	}
	port->uplink = up;
	port->dev = dev;
	netdev_hold(dev, &up->tracker, GFP_KERNEL);
	up->cpu = alloc_percpu_gfp(struct kvs_uplink_cpu,
				   GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!up->cpu)
		goto free;
	for_each_possible_cpu(cpu) {
		struct kvs_uplink_cpu *c = per_cpu_ptr(up->cpu, cpu);

		u64_stats_init(&c->tx_stats.syncp);
		u64_stats_init(&c->rx_stats.syncp);
		c->tx.stats = &c->tx_stats;
		c->tx.pool = kvs_pool_create();
		if (!c->tx.pool)
			goto free;
	}
	port->ops = &kvs_uplink_ops;
	ether_addr_copy(port->mac, dev->dev_addr);
	return port;
free:
	kvs_uplink_free(port);
	kfree(port);
	return NULL;
}

/**
 * kvs_uplink_new() - port-new of an uplink
 * @sw: the switch
 * @ifname: the device, in the switch's namespace
 * @extack: where a refusal's reason goes
 *
 * Context: the RTNL lock and kvs_lock held.
 * Return: the port, linked, or an ERR_PTR(): -ENODEV, -EINVAL (not a
 * device that can be one), -EBUSY (enslaved already), -EADDRINUSE (a
 * port of the switch has its MAC), -ENOMEM.
 */
struct kvs_port *kvs_uplink_new(struct kvs_switch *sw, const char *ifname,
				struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct kvs_port *port;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&kvs_lock);
	dev = __dev_get_by_name(sw->net, ifname);
	if (!dev) {
		NL_SET_ERR_MSG(extack, "no such device in the switch's network namespace");
		return ERR_PTR(-ENODEV);
	}
	err = kvs_uplink_refuse(sw, dev, extack);
	if (err)
		return ERR_PTR(err);
	port = kvs_uplink_alloc(dev);
	if (!port)
		return ERR_PTR(-ENOMEM);
	/* As a bridge does: what LRO merged cannot be cut up again. */
	dev_disable_lro(dev);
	err = dev_set_promiscuity(dev, 1);
	if (!err) {
		err = netdev_rx_handler_register(dev, kvs_uplink_rx, port);
		if (err)
			dev_set_promiscuity(dev, -1);
	}
	if (err) {
		kvs_uplink_free(port);
		kfree(port);
		return ERR_PTR(err);
	}
	WARN_ON(kvs_port_link(sw, port));
	return port;
}

/*
 * The device goes, or leaves the switch's namespace: the port leaves its
 * switch. The rx_handler's grace period (netdev_rx_handler_unregister())
 * covers the switch's readers too, so the port is freed at once.
 */
static void kvs_uplink_dev_gone(struct net_device *dev)
{
	struct kvs_port *port = rtnl_dereference(dev->rx_handler_data);
	bool mine;

	mutex_lock(&kvs_lock);
	mine = !port->uplink->unlinked;
	if (mine)
		kvs_port_unlink(port);
	mutex_unlock(&kvs_lock);
	kvs_uplink_release(port);
	/* Otherwise port-del or a switch deletion frees it. */
	if (mine)
		kvs_port_gone(port);
}

static int kvs_uplink_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (rcu_access_pointer(dev->rx_handler) != kvs_uplink_rx)
		return NOTIFY_DONE;
	if (event == NETDEV_UNREGISTER)
		kvs_uplink_dev_gone(dev);
	return NOTIFY_DONE;
}

static struct notifier_block kvs_uplink_nb = {
	.notifier_call = kvs_uplink_event,
};

int kvs_uplink_init(void)
{
	return register_netdevice_notifier(&kvs_uplink_nb);
}

void kvs_uplink_exit(void)
{
	unregister_netdevice_notifier(&kvs_uplink_nb);
}
