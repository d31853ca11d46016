// SPDX-License-Identifier: GPL-2.0
/*
 * Host ports: a network device that is a port of a switch, so that the
 * host's stack (or a container's) reaches the guests through it, without
 * a tap and a bridge.
 *
 * What the stack sends through the device is copied once into a buffer of
 * the port's pool, with its checksum and GSO state as a virtio-net header,
 * and forwarded like a guest's frames: ndo_start_xmit collects a batch
 * while the stack says more follow (xmit_more), under the device's TX
 * lock, which serialises the batch and the pool. Frames for the port
 * become sk_buffs in ops->deliver, in the sender's context, once per
 * frame, and enter the stack (kvs_host_deliver()). Guests' memory is
 * never touched here: senders hand over buffers they already copied.
 *
 * The port owns the device: port-del, switch deletion and namespace
 * teardown unregister it; it has no rtnl_link_ops, so "ip link del" does
 * not. It may be moved to another namespace like any device; it stays a
 * port of its switch.
 *
 * LOCKING: h->port is set under kvs_lock and read under RCU. The device
 * sends from softirq context, so the locks a sender takes (the FDB's,
 * inbound rings' producer locks) are taken with BH off everywhere.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <net/gro_cells.h>
#include <net/net_namespace.h>

#include "kvs.h"

#define KVS_HOST_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | \
				 NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
				 NETIF_F_TSO | NETIF_F_TSO_ECN | \
				 NETIF_F_TSO6 | NETIF_F_GSO_UDP_L4)

struct kvs_host {
	struct kvs_port __rcu *port;	/* NULL once out of its switch */
	struct kvs_batch tx;		/* under the device's TX lock */
	unsigned int tx_n;		/* frames in tx, not yet forwarded */
	struct kvs_stats tx_stats;	/* under the device's TX lock */
	struct kvs_stats __percpu *rx_stats;	/* BH off */
	struct gro_cells cells;
};

static struct kvs_host *kvs_host(const struct kvs_port *port)
{
	return netdev_priv(port->dev);
}

/* One frame the stack sends: checked, copied, counted by the caller. */
static struct kvs_buf *kvs_host_take(struct kvs_host *h, struct sk_buff *skb,
				     enum kvs_drop *reason)
{
	if (!rcu_access_pointer(h->port)) {
		*reason = KVS_DROP_NO_SWITCH;
		return NULL;
	}
	return kvs_skb_take(h->tx.pool, skb, reason);
}

/* Send the batch on as the port's frames. */
static void kvs_host_flush(struct kvs_host *h)
{
	rcu_read_lock();
	kvs_forward(&h->tx, rcu_dereference(h->port), h->tx_n);
	rcu_read_unlock();
	h->tx_n = 0;
}

static netdev_tx_t kvs_host_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kvs_host *h = netdev_priv(dev);
	enum kvs_drop reason;
	struct kvs_buf *buf;

	buf = kvs_host_take(h, skb, &reason);
	kvs_stats_count(&h->tx_stats, reason, skb->len);
	if (buf) {
		h->tx.bufs[h->tx_n++] = buf;
		consume_skb(skb);
	} else {
		kfree_skb(skb);
	}
	/* The stack calls again at once when it says more follow. */
	if (h->tx_n && (h->tx_n == KVS_TX_BATCH || !netdev_xmit_more()))
		kvs_host_flush(h);
	return NETDEV_TX_OK;
}

/*
 * Frame @buf for the host's stack: onto @list, the caller's to receive,
 * or, when @list is NULL, into the GRO cells. Context: BH off.
 */
static void kvs_host_rx(struct kvs_port *port, const struct kvs_buf *buf,
			void *list)
{
	struct kvs_host *h = kvs_host(port);
	struct kvs_stats *s = this_cpu_ptr(h->rx_stats);
	enum kvs_drop reason = KVS_DROP_NONE;
	struct sk_buff *skb = NULL;

	if (!netif_running(port->dev))
		reason = KVS_DROP_DOWN;
	else
		skb = kvs_skb_make(buf, &reason);
	if (skb)
		skb->protocol = eth_type_trans(skb, port->dev);
	if (skb && list)
		list_add_tail(&skb->list, list);
	/* Its backlog is full: counted with the frames no ring took. */
	else if (skb && gro_cells_receive(&h->cells, skb) != NET_RX_SUCCESS)
		reason = KVS_DROP_DEST_FULL;
	kvs_stats_count(s, reason, buf->len);
}

/*
 * ops->deliver: the frames of the batch for the port, into the stack. A
 * vhost worker's are received in one list at once, in the worker, as a
 * tap's are, unless the device does GRO; a softirq's or another device's
 * xmit's go through the GRO cells (that is, NAPI), which also bounds how
 * deep receiving can nest in sending.
 */
static void kvs_host_deliver(struct kvs_port *port, struct kvs_batch *b,
			     struct kvs_switch *sw, unsigned int n)
{
	LIST_HEAD(list);

	if (!b->in_task || (READ_ONCE(port->dev->features) & NETIF_F_GRO)) {
		kvs_fwd_each(port, b, n, kvs_host_rx, NULL);
		return;
	}
	kvs_fwd_each(port, b, n, kvs_host_rx, &list);
	netif_receive_skb_list(&list);
}

static void kvs_host_unlink(struct kvs_port *port)
{
	lockdep_assert_held(&kvs_lock);
	RCU_INIT_POINTER(kvs_host(port)->port, NULL);
}

/*
 * The device's priv_destructor, after unregistering; the core calls it
 * on some of register_netdevice()'s failures but not all, so it may run
 * twice.
 */
static void kvs_host_destruct(struct net_device *dev)
{
	struct kvs_host *h = netdev_priv(dev);

	if (h->tx.pool)
		kvs_pool_release(h->tx.pool);
	h->tx.pool = NULL;
	free_percpu(h->rx_stats);
	h->rx_stats = NULL;
}

/*
 * A grace period after unlink: no sender can reach it; the device goes
 * (freed by the core once unused). Context: without kvs_lock.
 */
static void kvs_host_gone(struct kvs_port *port)
{
	unregister_netdev(port->dev);
	port->dev = NULL;
}

/* Counters of direction @qi (VHOST_KVS_VQ_*): tx is what the host sent. */
static void kvs_host_sum(struct kvs_host *h, int qi, struct kvs_stats_sum *sum)
{
	int cpu;

	if (qi == VHOST_KVS_VQ_TX) {
		kvs_stats_sum_add(sum, &h->tx_stats);
		return;
	}
	for_each_possible_cpu(cpu)
		kvs_stats_sum_add(sum, per_cpu_ptr(h->rx_stats, cpu));
}

static void kvs_host_stats(const struct kvs_port *port, int qi,
			   struct kvs_stats_sum *sum)
{
	kvs_host_sum(kvs_host(port), qi, sum);
}

static const struct kvs_port_ops kvs_host_ops = {
	.type		= VHOST_KVS_PORT_TYPE_HOST,
	.deliver	= kvs_host_deliver,
	.unlink		= kvs_host_unlink,
	.gone		= kvs_host_gone,
	.stats		= kvs_host_stats,
};

static u64 kvs_host_drops(const struct kvs_stats_sum *sum)
{
	u64 n = 0;
	int r;

	for (r = 0; r < KVS_DROP_MAX; r++)
		n += sum->drops[r];
	return n;
}

/* The port's counters as the device's. */
static void kvs_host_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *st)
{
	struct kvs_host *h = netdev_priv(dev);
	struct kvs_stats_sum tx = {}, rx = {};

	kvs_host_sum(h, VHOST_KVS_VQ_TX, &tx);
	kvs_host_sum(h, VHOST_KVS_VQ_RX, &rx);
	st->tx_packets = tx.frames;
	st->tx_bytes = tx.bytes;
	st->tx_dropped = kvs_host_drops(&tx);
	st->rx_packets = rx.frames;
	st->rx_bytes = rx.bytes;
	st->rx_dropped = kvs_host_drops(&rx);
}

static int kvs_host_init(struct net_device *dev)
{
	struct kvs_host *h = netdev_priv(dev);

	return gro_cells_init(&h->cells, dev);
}

static void kvs_host_uninit(struct net_device *dev)
{
	gro_cells_destroy(&((struct kvs_host *)netdev_priv(dev))->cells);
}

static const struct net_device_ops kvs_host_netdev_ops = {
	.ndo_init		= kvs_host_init,
	.ndo_uninit		= kvs_host_uninit,
	.ndo_start_xmit		= kvs_host_xmit,
	.ndo_get_stats64	= kvs_host_get_stats64,
	.ndo_validate_addr	= eth_validate_addr,
};

/* Is @dev a host port's device? (It cannot be an uplink.) */
bool kvs_host_port_dev(const struct net_device *dev)
{
	return dev->netdev_ops == &kvs_host_netdev_ops;
}

static void kvs_host_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "vhost-kvs", sizeof(info->driver));
	strscpy(info->bus_info, "host-port", sizeof(info->bus_info));
}

static const struct ethtool_ops kvs_host_ethtool_ops = {
	.get_drvinfo	= kvs_host_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static void kvs_host_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &kvs_host_netdev_ops;
	dev->ethtool_ops = &kvs_host_ethtool_ops;
	/* Nothing to queue for: a frame is forwarded as it is sent. */
	dev->priv_flags |= IFF_NO_QUEUE;
	/* Its xmit forwards under BH-off locks: never with IRQs off. */
	dev->priv_flags |= IFF_DISABLE_NETPOLL;
	dev->features = KVS_HOST_FEATURES;
	dev->hw_features = KVS_HOST_FEATURES;
	dev->vlan_features = KVS_HOST_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	/* The longest frame the switch carries, less its Ethernet header */
	dev->max_mtu = KVS_FRAME_MAX - VLAN_ETH_HLEN;
	dev->needs_free_netdev = true;
	dev->priv_destructor = kvs_host_destruct;
}

/* The device, its buffers and counters; not registered yet. */
static struct net_device *kvs_host_alloc(struct net *net, const char *ifname,
					 const u8 *mac)
{
	struct net_device *dev;
	struct kvs_host *h;
	int cpu;

	if (ifname && !dev_valid_name(ifname))
		return ERR_PTR(-EINVAL);
	if (mac && !is_valid_ether_addr(mac))
		return ERR_PTR(-EINVAL);
	dev = alloc_netdev(sizeof(*h), ifname ?: "kvsh%d",
			   ifname ? NET_NAME_USER : NET_NAME_ENUM,
			   kvs_host_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	h = netdev_priv(dev);
	h->tx.pool = kvs_pool_create();
	h->tx.stats = &h->tx_stats;
	u64_stats_init(&h->tx_stats.syncp);
	/* Charged to whoever made the port, as the rest of it is. */
	h->rx_stats = alloc_percpu_gfp(struct kvs_stats, GFP_KERNEL_ACCOUNT);
	for_each_possible_cpu(cpu)
		if (h->rx_stats)
			u64_stats_init(&per_cpu_ptr(h->rx_stats, cpu)->syncp);
	if (!h->tx.pool || !h->rx_stats) {
		kvs_host_destruct(dev);
		free_netdev(dev);
		return ERR_PTR(-ENOMEM);
	}
	if (mac)
		eth_hw_addr_set(dev, mac);
	else
		eth_hw_addr_random(dev);
	dev_net_set(dev, net);
	return dev;
}

/**
 * kvs_host_port_new() - port-new of a host port
 * @sw: the switch
 * @net: the namespace its device is made in
 * @ifname: the device's name; NULL: kvsh%d
 * @mac: its MAC; NULL: a random one
 * @tcp_steer: it takes the TCP sent to @mac, which a VM's port may have
 *	too (see split.c)
 *
 * Context: the RTNL lock and kvs_lock held.
 * Return: the port, linked, or an ERR_PTR(): -EINVAL (@ifname, @mac),
 * -EEXIST (a device has @ifname), -EADDRINUSE (a port has @mac), -EBUSY
 * (another host port takes @mac's TCP), -ENOMEM.
 */
struct kvs_port *kvs_host_port_new(struct kvs_switch *sw, struct net *net,
				   const char *ifname, const u8 *mac,
				   bool tcp_steer)
{
	struct net_device *dev;
	struct kvs_port *port;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&kvs_lock);
	if (tcp_steer && kvs_split_find(sw, mac))
		return ERR_PTR(-EBUSY);
	if (mac && !tcp_steer && kvs_switch_mac_taken(sw, mac))
		return ERR_PTR(-EADDRINUSE);
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->tcp_steer = tcp_steer;
	dev = kvs_host_alloc(net, ifname, mac);
	if (IS_ERR(dev)) {
		kfree(port);
		return ERR_CAST(dev);
	}
	port->ops = &kvs_host_ops;
	port->dev = dev;
	ether_addr_copy(port->mac, dev->dev_addr);
	/* A random MAC is checked too: it cannot fail past registering. */
	err = !tcp_steer && kvs_switch_mac_taken(sw, port->mac) ? -EADDRINUSE :
	      register_netdevice(dev);
	if (err) {
		kvs_host_destruct(dev);
		free_netdev(dev);
		kfree(port);
		return ERR_PTR(err);
	}
	/* Guests send TCP in 64 KiB GSO frames already: GRO only costs. */
	dev->wanted_features &= ~NETIF_F_GRO;
	netdev_update_features(dev);
	WARN_ON(kvs_port_link(sw, port));
	rcu_assign_pointer(kvs_host(port)->port, port);
	return port;
}
