/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-kvs core structures.
 *
 * LOCKING
 *
 * port->dev.mutex (the vhost core's device mutex) serialises the control
 * path of one port: ioctls, feature changes, queue start/stop and release.
 * It is taken before any virtqueue mutex.
 *
 * vq->mutex protects one virtqueue and everything its worker touches for it:
 * the backend pointer, acked features, port->hdr_len[] of that queue
 * and the queue's half of the port counters. The worker of a port is the
 * only writer of that port's counters, so they need no atomics, only
 * u64_stats for 32-bit readers.
 *
 * kvs_lock (switch.c) serialises every change to switches and to which
 * switch a port belongs: switch creation and deletion, attach, detach and
 * namespace teardown. The datapath reads port->sw and sw->ports under RCU.
 *
 * Lock order: port->dev.mutex -> kvs_lock -> vq->mutex (RX and TX are never
 * held together); fdb->lock nests inside any of them.
 */
#ifndef _VHOST_KVS_H
#define _VHOST_KVS_H

#include <linux/if_vlan.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <uapi/linux/vhost_kvs.h>

#include "fdb.h"
#include "vhost.h"

/* Largest frame accepted from a guest: a 64 KiB IP packet (GSO or jumbo)
 * behind an Ethernet header and one VLAN tag.
 */
#define KVS_FRAME_MAX	(VLAN_ETH_HLEN + IP_MAX_MTU)

/* Why a frame was dropped. Every drop is counted under exactly one. */
enum kvs_drop {
	KVS_DROP_NONE = 0,
	KVS_DROP_NO_SWITCH,	/* port not attached to a switch */
	KVS_DROP_BAD_DESC,	/* unusable descriptor chain */
	KVS_DROP_BAD_HDR,	/* inconsistent virtio-net header */
	KVS_DROP_RUNT,		/* shorter than an Ethernet header */
	KVS_DROP_OVERSIZE,	/* longer than KVS_FRAME_MAX */
	KVS_DROP_MAX,
};

struct kvs_port_stats {
	struct u64_stats_sync syncp;
	u64_stats_t tx_frames;	/* taken from the guest's TX ring */
	u64_stats_t tx_bytes;
	u64_stats_t drops[KVS_DROP_MAX];
};

struct kvs_switch;

struct kvs_port {
	struct vhost_dev dev;
	struct vhost_virtqueue vqs[VHOST_KVS_VQ_MAX];
	/* virtio-net header length per queue, under that queue's mutex */
	size_t hdr_len[VHOST_KVS_VQ_MAX];
	struct kvs_port_stats stats;

	/* Switch membership; see LOCKING */
	struct kvs_switch __rcu *sw;
	struct list_head sw_node;	/* sw->ports */
	u32 id;
	u8 mac[ETH_ALEN];
	struct kvs_fdb_dst fdb_dst;
};

struct kvs_switch {
	struct list_head node;		/* the netns's switches; kvs_lock */
	char name[VHOST_KVS_NAME_LEN];
	struct net *net;		/* not counted: dies with its netns */
	struct kvs_fdb fdb;
	struct list_head ports;		/* kvs_lock; RCU for readers */
	u32 nports;
	u32 last_id;
	u32 ageing_secs;
	struct delayed_work gc;		/* ages the FDB */
	struct rcu_head rcu;
};

/* hdr.c */
size_t kvs_vnet_hdr_len(u64 features);
enum kvs_drop kvs_vnet_hdr_check(const struct virtio_net_hdr *hdr,
				 size_t frame_len, bool little_endian);

/* tx.c */
void kvs_handle_tx_kick(struct vhost_work *work);

/* rx.c */
void kvs_handle_rx_kick(struct vhost_work *work);

/* switch.c */
extern struct mutex kvs_lock;
int kvs_switch_init(void);
void kvs_switch_exit(void);
struct kvs_switch *kvs_switch_find(struct net *net, const char *name);
struct kvs_switch *kvs_switch_nth(struct net *net, unsigned long n);
int kvs_switch_new(struct net *net, const char *name, u32 ageing_secs,
		   u32 max_fdb);
int kvs_switch_del(struct net *net, const char *name);
int kvs_port_attach(struct kvs_port *port, struct net *net,
		    const char *name, const u8 *mac);
int kvs_port_detach(struct kvs_port *port);
struct kvs_port *kvs_switch_port(struct kvs_switch *sw, u32 id);

/* netlink.c */
int kvs_netlink_init(void);
void kvs_netlink_exit(void);

/* port.c */
extern struct miscdevice kvs_misc;
void kvs_port_count_drop(struct kvs_port *port, enum kvs_drop reason);

#endif /* _VHOST_KVS_H */
