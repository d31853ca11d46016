/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhost-kvs core structures.
 *
 * A queue (struct kvs_queue) is one open /dev/vhost-kvs file: a queue
 * pair and its vhost device. A port (struct kvs_port) is a member of a
 * switch, made when a queue attaches; a vhost port owns that queue and
 * those that join it (vport.c). Frames go from a source's batch through the
 * FDB to ports, and into their queues' inbound rings.
 *
 * LOCKING
 *
 * q->dev.mutex (the vhost core's device mutex) serialises the control
 * path of one queue pair: ioctls, feature changes, queue start/stop and
 * release. It is taken before any virtqueue mutex.
 *
 * vq->mutex protects one virtqueue and everything its worker touches for it:
 * the backend pointer, acked features, q->hdr_len[] of that queue and
 * the queue's counters (q->stats[qi]; the worker is their only writer,
 * so they need no atomics, only u64_stats for 32-bit readers). The TX
 * mutex also covers the TX batch (q->tx) and the owner's side of the pool
 * (its free lists); the RX mutex covers rx_offloads, the coalescing state,
 * the segmentation scratch and consuming the inbound ring.
 *
 * q->inbound is a ptr_ring: any sender's TX worker produces under the
 * ring's producer lock, the queue's RX worker (or a drain, holding the RX
 * mutex) consumes. Buffers are reference counted (one per ring holding
 * it); pool->returned is a lock-free llist; see buf.c.
 *
 * kvs_lock (switch.c) serialises every change to switches, ports and
 * which port a queue belongs to: switch creation and deletion, attach,
 * detach, joining a port and namespace teardown. The datapath reads
 * q->port, sw->ports, port->qmap and the FDB under RCU. A port out of its
 * switch is freed after a grace period; a queue out of its port is
 * "leaving" until a grace period has passed and its inbound ring is
 * drained, and is neither freed nor attached again meanwhile. No grace
 * period is waited for under kvs_lock.
 *
 * Lock order: the RTNL lock -> q->dev.mutex -> kvs_lock -> vq->mutex (RX
 * and TX are never held together). Only port-new and the netdevice
 * notifier hold the RTNL lock here; nothing takes it under kvs_lock.
 * fdb->lock and another queue's inbound producer lock (both spinlocks,
 * never held together, taken with BH off) nest inside any of them.
 */
#ifndef _VHOST_KVS_H
#define _VHOST_KVS_H

#include <linux/bvec.h>
#include <linux/hrtimer.h>
#include <linux/if_vlan.h>
#include <linux/llist.h>
#include <linux/ptr_ring.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <uapi/linux/vhost_kvs.h>
#include <uapi/linux/vhost_kvs_netlink.h>

#include "fdb.h"
#include "vhost.h"

/* Largest frame accepted from a guest: a 64 KiB IP packet (GSO or jumbo)
 * behind an Ethernet header and one VLAN tag.
 */
#define KVS_FRAME_MAX	(VLAN_ETH_HLEN + IP_MAX_MTU)

/* Why a frame was dropped. Every drop is counted under exactly one. */
enum kvs_drop {
	KVS_DROP_NONE = 0,
	KVS_DROP_NO_SWITCH,	/* TX: port not attached; RX: pending at detach */
	KVS_DROP_BAD_DESC,	/* unusable descriptor chain */
	KVS_DROP_BAD_HDR,	/* inconsistent virtio-net header */
	KVS_DROP_RUNT,		/* shorter than an Ethernet header */
	KVS_DROP_OVERSIZE,	/* longer than KVS_FRAME_MAX */
	KVS_DROP_NOMEM,		/* no buffer (TX) or sk_buff (RX) for it */
	KVS_DROP_NO_DEST,	/* TX: no port to go to but its own */
	KVS_DROP_DEST_FULL,	/* TX: a destination's inbound ring was full;
				 * RX: frames it could not queue here
				 */
	KVS_DROP_NO_ROOM,	/* RX: larger than the guest's buffer */
	KVS_DROP_BAD_GSO,	/* RX: must be segmented, headers unusable */
	KVS_DROP_SPOOF,		/* TX: a source address it may not use */
	KVS_DROP_ISOLATED,	/* TX: unicast between two isolated ports */
	KVS_DROP_VLAN,		/* TX: not allowed on, or not in, its VLAN */
	KVS_DROP_DOWN,		/* RX: a host port's or uplink's device is down */
	KVS_DROP_TOO_BIG,	/* RX: longer than an uplink's MTU */
	KVS_DROP_MAX,
};

/* Counters of one queue; only the worker holding its vq->mutex writes. */
struct kvs_stats {
	struct u64_stats_sync syncp;
	u64_stats_t frames;	/* TX: taken from the guest; RX: delivered */
	u64_stats_t bytes;
	u64_stats_t drops[KVS_DROP_MAX];
	u64_stats_t pinned;		/* TX: left pinned (zc.c) ... */
	u64_stats_t pinned_copied;	/* ... and copied after all */
};

/* Counters of one direction of a port, all its sources together */
struct kvs_stats_sum {
	u64 frames;
	u64 bytes;
	u64 drops[KVS_DROP_MAX];
	u64 pinned;
	u64 pinned_copied;
};

/* Count a frame: passed on when @reason is KVS_DROP_NONE. Its writer's. */
static inline void kvs_stats_count(struct kvs_stats *s, enum kvs_drop reason,
				   size_t bytes)
{
	u64_stats_update_begin(&s->syncp);
	if (reason == KVS_DROP_NONE) {
		u64_stats_inc(&s->frames);
		u64_stats_add(&s->bytes, bytes);
	} else {
		u64_stats_inc(&s->drops[reason]);
	}
	u64_stats_update_end(&s->syncp);
}

/* Add one to counter @c of @s. Its writer's. */
static inline void kvs_stats_inc(struct kvs_stats *s, u64_stats_t *c)
{
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(c);
	u64_stats_update_end(&s->syncp);
}

/* The virtio-net header as it travels with a frame, in CPU byte order. */
struct kvs_vhdr {
	u8 flags;
	u8 gso_type;
	u16 hdr_len;
	u16 gso_size;
	u16 csum_start;
	u16 csum_offset;
};

enum kvs_buf_class {
	KVS_BUF_SMALL,		/* up to a 1500-byte MTU frame */
	KVS_BUF_LARGE,		/* up to KVS_FRAME_MAX */
	KVS_BUF_CLASSES,
};

#define KVS_BUF_SMALL_SIZE	2048

struct kvs_pool;

/*
 * A frame in flight from one port to others; see buf.c. Right before
 * data[], rxhdr holds the header as a little-endian guest takes the frame
 * in one buffer (kvs_buf_set_vhdr()), so that a receiver copies header
 * and frame to its guest at once; a sender from a guest copies its
 * guest's header and frame into the same place at once.
 */
struct kvs_buf {
	struct llist_node node;		/* free lists */
	struct kvs_pool *pool;		/* the sender's */
	refcount_t refs;		/* sender + each ring holding it */
	u32 len;			/* of data[] */
	u8 class;			/* enum kvs_buf_class */
	/* The frame past its first KVS_ZC_INLINE bytes is still in its
	 * sender's guest, pinned (zc.c)
	 */
	bool zc;
	struct kvs_vhdr vhdr;
	struct virtio_net_hdr_mrg_rxbuf rxhdr;
	u8 data[];
};

/* Header and frame are one run of bytes, the frame 8-byte aligned. */
static_assert(offsetof(struct kvs_buf, data) ==
	      offsetof(struct kvs_buf, rxhdr) +
	      sizeof(struct virtio_net_hdr_mrg_rxbuf));
static_assert(IS_ALIGNED(offsetof(struct kvs_buf, data), 8));

/*
 * One copy for large frames (zc.c): a frame of at least zc_min bytes
 * keeps its first KVS_ZC_INLINE bytes (every header a switch reads) in
 * its buffer and the rest in its sender's guest memory, pinned, until
 * its receiver has copied it or its sender has waited KVS_ZC_WAIT_NS.
 */
#define KVS_ZC_INLINE		512
#define KVS_ZC_VECS		32	/* pages of one frame, at most */
#define KVS_ZC_MAX		64	/* frames a queue pair has pinned */
#define KVS_ZC_WAIT_NS		(20 * NSEC_PER_MSEC)

/* Who may read the pinned part of a frame now; see zc.c */
enum kvs_zc_state {
	KVS_ZC_PINNED,		/* nobody: the first to claim it may */
	KVS_ZC_CLAIMED,		/* its receiver or its sender is copying it */
	KVS_ZC_DONE,		/* its receiver has it */
	KVS_ZC_COPIED,		/* in zc->lin; the pages are its sender's again */
	KVS_ZC_VOID,		/* its sender stopped before anyone copied it */
};

/* The pinned part of a frame; in its buffer, after the inline bytes */
struct kvs_zc {
	atomic_t state;			/* enum kvs_zc_state */
	u16 head;			/* its TX chain, to complete */
	u16 nvecs;
	u64 since;			/* when it was pinned (ns) */
	struct kvs_queue *owner;	/* its sender; see kvs_zc_done() */
	void *lin;			/* KVS_ZC_COPIED: the rest */
	struct bio_vec vec[KVS_ZC_VECS];
};

static inline struct kvs_zc *kvs_buf_zc(const struct kvs_buf *buf)
{
	return (struct kvs_zc *)(buf->data + KVS_ZC_INLINE);
}

/* Bytes of the frame that are in the buffer itself, to parse headers in */
static inline size_t kvs_buf_hlen(const struct kvs_buf *buf)
{
	return buf->zc ? KVS_ZC_INLINE : buf->len;
}

static_assert(sizeof(struct kvs_buf) + KVS_ZC_INLINE + sizeof(struct kvs_zc) <=
	      KVS_BUF_SMALL_SIZE);

/* A queue pair's pinned frames, oldest first. TX vq mutex. */
struct kvs_zc_out {
	struct kvs_buf *buf[KVS_ZC_MAX];
	unsigned int n;
	bool used;			/* pinned some since it last stopped */
	struct hrtimer timer;		/* reap the ones waited for too long */
};

/* Headers of one segment, Ethernet to TCP options included. */
#define KVS_SEG_HDR_MAX		160
/* Most segments made of one frame (64 KiB in 64-byte pieces). */
#define KVS_SEG_MAX		1024

/* A GSO frame being cut for one receiver; see seg.c. */
struct kvs_seg {
	u16 l3off, l4off, hdr_end;	/* hdr_end: first payload byte */
	u16 mss;
	u16 nsegs;
	bool ipv6, udp;
	u8 hdr[KVS_SEG_HDR_MAX];	/* headers of the current segment */
};

/* RX interrupt coalescing of a port; see notify.c. RX vq mutex. */
struct kvs_coalesce {
	u32 max_frames;
	u32 max_usecs;			/* 0: notify at the end of each run */
	u32 pending;			/* delivered, guest not yet notified */
	struct hrtimer timer;
	struct vhost_work work;		/* notifies from the worker */
};

/*
 * MAC addresses one port may have learned at a time, so that one guest
 * sending from random source addresses cannot fill its switch's table.
 */
#define KVS_PORT_MAX_LEARNED	1024

/* Frames pulled from a TX ring and forwarded at once. */
#define KVS_TX_BATCH		64
/* tx_hashed has a bit per frame of a batch */
static_assert(KVS_TX_BATCH <= 64);
/* Frames waiting for a port's RX worker. */
#define KVS_INBOUND_SIZE	1024
/*
 * Of those, how many one sender's buffers may be (frames a receiver holds
 * are its sender's memory): a port that does not drain makes another hold
 * at most this many, and only its own frames are dropped beyond. Senders
 * are told apart by a hash of their pool into KVS_HELD_SLOTS counters, so
 * two that share a slot share its quota.
 */
#define KVS_HELD_MAX		256
#define KVS_HELD_SLOTS		16

/* Most queue pairs of one port: its first file and the ones that join it */
#define KVS_QUEUES_MAX		VHOST_KVS_QUEUES_MAX

struct kvs_port;
struct kvs_queue;
struct kvs_switch;

/* The queue pairs that take a multiqueue port's inbound frames; see vport.c */
struct kvs_qmap {
	struct rcu_head rcu;
	unsigned int n;
	struct kvs_queue *q[];
};

/*
 * Frames of one sender on their way through the switch (fwd.c): taken
 * from a source, classified, handed to each destination once. Its owner
 * (a queue pair's TX worker, under the TX vq mutex) is its only user.
 */
struct kvs_batch {
	struct kvs_pool *pool;		/* the sender's buffers */
	struct kvs_stats *stats;	/* the sender's TX counters */
	struct kvs_buf *bufs[KVS_TX_BATCH];
	struct kvs_port *dst[KVS_TX_BATCH];	/* NULL: flood */
	u8 drop[KVS_TX_BATCH];		/* enum kvs_drop */
	/* The other form of a frame (802.1Q tag added or removed) for
	 * destinations that want it; NULL until one does.
	 */
	struct kvs_buf *alt[KVS_TX_BATCH];
	u16 vid[KVS_TX_BATCH];		/* VLAN of each frame; 0: none */
	bool vlan;			/* some frame of the batch has one */
	u32 hash[KVS_TX_BATCH];		/* flow hashes ... */
	u64 hashed;			/* ... valid for these bits */
	/* Frames whose reference went to the one ring they were sent to */
	u64 given;
	/* Frames whose destination depends on what they carry (split.c):
	 * never an answer for a later frame with the same addresses.
	 */
	u64 steered;
	/* Flooded to the ports with the frame's destination MAC only */
	u64 to_mac;
	int learned;			/* last frame whose source was learned */
	/* The owner is a task that forwards with BH off (a vhost worker,
	 * or a VMM's write() on a queue's tap file), not a softirq or a
	 * device's xmit: a host port may hand its frames straight to its
	 * stack, as a tap does a guest's.
	 */
	bool in_task;
};

static inline void kvs_batch_count(struct kvs_batch *b, enum kvs_drop reason)
{
	kvs_stats_count(b->stats, reason, 0);
}

/*
 * One /dev/vhost-kvs file: a queue pair, its vhost device and what its
 * two workers need. It carries frames for at most one port at a time.
 */
struct kvs_queue {
	struct vhost_dev dev;
	struct vhost_virtqueue vqs[VHOST_KVS_VQ_MAX];
	/* virtio-net header length per queue, under that queue's mutex */
	size_t hdr_len[VHOST_KVS_VQ_MAX];
	/* Per queue; written under that queue's mutex */
	struct kvs_stats stats[VHOST_KVS_VQ_MAX];
	/* Frames other ports could not queue here: the ring was full */
	atomic64_t inbound_full;
	/* TUN_F_* offloads the guest takes on RX; under the RX vq mutex */
	unsigned int rx_offloads;
	struct kvs_coalesce coalesce;
	/* Segmenting the inbound ring's head; RX vq mutex */
	struct kvs_seg rx_seg;
	unsigned int rx_seg_next;	/* 0: not started */

	/* Datapath; see buf.c and fwd.c */
	struct ptr_ring inbound;	/* kvs_buf *, consumed under RX mutex */
	atomic_t held[KVS_HELD_SLOTS];	/* inbound frames, by sender */
	struct kvs_batch tx;		/* TX mutex */
	struct kvs_zc_out zc;		/* TX mutex */

	/* Membership; see LOCKING. kvs_lock, RCU for the datapath */
	struct kvs_port __rcu *port;	/* NULL: in no switch */
	/* Out of its port, not yet past the grace period; kvs_lock */
	bool leaving;
	bool q_disabled;		/* the guest turned it off */
	bool rx_running;		/* its RX queue has a backend */
};

/* What sets one type of port apart from another. */
struct kvs_port_ops {
	u32 type;		/* VHOST_KVS_PORT_TYPE_* */
	/*
	 * Take the frames of @b that go to @port (kvs_fwd_wants()).
	 * Context: the sender's, under rcu_read_lock(); must not sleep.
	 */
	void (*deliver)(struct kvs_port *port, struct kvs_batch *b,
			struct kvs_switch *sw, unsigned int n);
	/*
	 * Out of its switch (kvs_lock held): its sources stop sending into
	 * it. The datapath may still see the port until a grace period.
	 */
	void (*unlink)(struct kvs_port *port);
	/*
	 * Out of its switch and past a grace period: drop what waits for
	 * it; its sources (queue pairs, ...) may go. Process context.
	 */
	void (*gone)(struct kvs_port *port);
	/* Add the counters of direction @qi (VHOST_KVS_VQ_*) to @sum. */
	void (*stats)(const struct kvs_port *port, int qi,
		      struct kvs_stats_sum *sum);
};

/*
 * A port of a switch: created when a source attaches, freed a grace
 * period after it left. Its frames come from its sources (a vhost port's
 * queue pairs) and leave through ops->deliver.
 */
struct kvs_port {
	const struct kvs_port_ops *ops;
	struct kvs_switch *sw;		/* for its whole life */
	struct list_head sw_node;	/* sw->ports; kvs_lock, RCU */
	struct list_head leave_node;	/* switch deletion; kvs_lock */
	u32 id;
	u8 mac[ETH_ALEN];
	bool migrate;			/* may take mac from its owner */
	struct kvs_fdb_dst fdb_dst;
	struct net_device *dev;		/* a host port's or an uplink's */
	struct kvs_uplink *uplink;	/* an uplink's; see uplink.c */

	/* A vhost port's queue pairs; see vport.c. kvs_lock, RCU for qmap */
	struct kvs_queue *queues[KVS_QUEUES_MAX];	/* [0]: attached it */
	unsigned int nqueues;
	struct kvs_qmap __rcu *qmap;	/* NULL: all to queues[0] */

	/* Policy; see policy.c and vlan.c */
	unsigned long pol;		/* KVS_POL_*, written under kvs_lock */
	struct kvs_allowed __rcu *allowed;	/* kvs_lock; NULL: none */
	struct kvs_vlans __rcu *vlans;	/* kvs_lock; NULL: VLAN-unaware */

	/* TCP steering; see split.c */
	struct kvs_port __rcu *tcp_port;	/* the host port with tcp-for mac */
	bool tcp_steer;			/* this is one (tcp-for) ... */
	struct kvs_port __rcu *vm_port;	/* ... and its VM's port */
};

/*
 * 802.1Q membership of a port. Untagged frames are in VLAN pvid (none
 * when 0: then they are dropped) and leave it untagged; frames tagged
 * with a VLAN of tagged[] are in it and leave it tagged. A port without
 * this (the default) is VLAN-unaware: its frames pass as they are, in
 * VLAN 0, among VLAN-unaware ports only.
 */
struct kvs_vlans {
	struct rcu_head rcu;
	u16 pvid;
	DECLARE_BITMAP(tagged, VLAN_N_VID);
};

/* port->pol bits: set by port-set, read by the datapath with READ_ONCE() */
#define KVS_POL_ISOLATED	BIT(0)
#define KVS_POL_NO_LEARN	BIT(1)
#define KVS_POL_NO_FLOOD	BIT(2)	/* unknown unicast */
#define KVS_POL_NO_MCAST_FLOOD	BIT(3)	/* multicast and broadcast */
#define KVS_POL_SPOOFCHK	BIT(4)

#define KVS_ALLOWED_MAX		16

/* Source addresses a port may use besides its own (spoofchk). */
struct kvs_allowed {
	struct rcu_head rcu;
	unsigned int n;
	u8 mac[KVS_ALLOWED_MAX][ETH_ALEN];
};

/* Switches one network namespace may have, unless its host's admin
 * says otherwise (sysctl net.vhost_kvs.max_switches).
 */
#define KVS_MAX_SWITCHES	64

struct kvs_switch {
	struct hlist_node hnode;	/* the netns's, by name; kvs_lock */
	u32 index;			/* in the netns's, for dumps */
	struct list_head gone_node;	/* deletion; kvs_lock */
	struct list_head left;		/* its ports, at deletion */
	char name[VHOST_KVS_NAME_LEN];
	struct net *net;		/* not counted: dies with its netns */
	struct kvs_fdb fdb;
	struct list_head ports;		/* kvs_lock; RCU for readers */
	u32 nports;
	u32 last_id;
	u32 ageing_secs;
	unsigned int gen;		/* kvs_lock: see kvs_gen_bump() */
	unsigned long gc_due;		/* next ageing, jiffies; kvs_net_gc() */
	struct rcu_head rcu;
};

/* hdr.c */
size_t kvs_vnet_hdr_len(u64 features);
enum kvs_drop kvs_vnet_hdr_check(const struct virtio_net_hdr *hdr,
				 size_t frame_len, bool little_endian);

/* The header as it travels with the frame, once kvs_vnet_hdr_check()
 * passed. Inline: every frame taken from a guest goes through it.
 */
static inline void kvs_vhdr_from(struct kvs_vhdr *vh,
				 const struct virtio_net_hdr *hdr,
				 bool little_endian)
{
	vh->flags = hdr->flags;
	vh->gso_type = hdr->gso_type;
	vh->hdr_len = __virtio16_to_cpu(little_endian, hdr->hdr_len);
	vh->gso_size = __virtio16_to_cpu(little_endian, hdr->gso_size);
	vh->csum_start = __virtio16_to_cpu(little_endian, hdr->csum_start);
	vh->csum_offset = __virtio16_to_cpu(little_endian, hdr->csum_offset);
}

/* The header as a guest or the stack takes it. DATA_VALID means nothing
 * on TX, so it is never passed on as a promise.
 */
static inline void kvs_vhdr_to(struct virtio_net_hdr *hdr,
			       const struct kvs_vhdr *vh, bool little_endian)
{
	hdr->flags = vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr->gso_type = vh->gso_type;
	hdr->hdr_len = __cpu_to_virtio16(little_endian, vh->hdr_len);
	hdr->gso_size = __cpu_to_virtio16(little_endian, vh->gso_size);
	hdr->csum_start = __cpu_to_virtio16(little_endian, vh->csum_start);
	hdr->csum_offset = __cpu_to_virtio16(little_endian, vh->csum_offset);
}

/* Set the header a frame travels with, and the one its receivers take. */
static inline void kvs_buf_set_vhdr(struct kvs_buf *buf,
				    const struct kvs_vhdr *vh)
{
	buf->vhdr = *vh;
	kvs_vhdr_to(&buf->rxhdr.hdr, vh, true);
	buf->rxhdr.num_buffers = __cpu_to_virtio16(true, 1);
}

/* buf.c */
struct kvs_pool *kvs_pool_create(void);
void kvs_pool_release(struct kvs_pool *pool);
struct kvs_buf *kvs_pool_get(struct kvs_pool *pool, size_t len);
struct kvs_buf *kvs_pool_get_atomic(struct kvs_pool *pool, size_t len);
void kvs_buf_put(struct kvs_buf *buf);

/* Buffers of one pool with no reference left, given back at once. */
struct kvs_buf_list {
	struct kvs_pool *pool;
	struct llist_node *first, *last;
};

void kvs_buf_put_to(struct kvs_buf_list *l, struct kvs_buf *buf);
void kvs_buf_list_flush(struct kvs_buf_list *l);
unsigned int kvs_held_reserve(struct kvs_queue *q,
			      const struct kvs_pool *pool, unsigned int want);
void kvs_held_return(struct kvs_queue *q, const struct kvs_pool *pool,
		     unsigned int n);

/* fwd.c */
struct kvs_fdb_dst *kvs_fwd_lookup(struct kvs_fdb *fdb,
				   const struct ethhdr *eth,
				   struct kvs_fdb_dst *from, u16 vid,
				   bool learn, enum kvs_fdb_learn *learned);
void kvs_forward(struct kvs_batch *b, struct kvs_port *from, unsigned int n);
void kvs_fwd_vport(struct kvs_port *port, struct kvs_batch *b,
		   struct kvs_switch *sw, unsigned int n);
typedef void (*kvs_take_fn)(struct kvs_port *port, const struct kvs_buf *buf,
			    void *ctx);
void kvs_fwd_each(struct kvs_port *port, struct kvs_batch *b, unsigned int n,
		  kvs_take_fn take, void *ctx);

/* split.c */
enum kvs_split {
	KVS_SPLIT_OTHER,
	KVS_SPLIT_TCP,
	KVS_SPLIT_NEIGH,	/* ARP, IPv6 neighbour discovery */
};

enum kvs_split kvs_split_kind(const struct kvs_buf *buf);
struct kvs_port *kvs_split_steer(const struct kvs_buf *buf,
				 struct kvs_port *to, bool *both);
bool kvs_split_wants(const struct kvs_buf *buf, const struct kvs_port *dst);
struct kvs_port *kvs_split_find(struct kvs_switch *sw, const u8 *mac);
void kvs_split_link(struct kvs_switch *sw, struct kvs_port *port);
void kvs_split_unlink(struct kvs_port *port);
struct kvs_fdb_dst *kvs_split_learn_at(struct kvs_port *host,
				       struct kvs_fdb *fdb, u16 vid);

/* seg.c */
bool kvs_offload_ok(unsigned int offloads, const struct kvs_vhdr *vh);
__sum16 kvs_csum_fill(const struct kvs_buf *buf);
bool kvs_seg_parse(const struct kvs_buf *buf, struct kvs_seg *seg);
size_t kvs_seg_build(const struct kvs_buf *buf, struct kvs_seg *seg,
		     unsigned int i, size_t *poff);

/* zc.c */
bool kvs_zc_wanted(const struct kvs_queue *q, size_t len);
struct kvs_buf *kvs_zc_get(struct kvs_queue *q, struct iov_iter *from,
			   size_t hdr_len, size_t len);
void kvs_zc_drop(struct kvs_buf *buf);
void kvs_zc_hold(struct kvs_queue *q, struct kvs_buf *buf, u16 head);
void kvs_zc_reap(struct kvs_queue *q, struct vhost_virtqueue *vq);
void kvs_zc_init(struct kvs_queue *q);
void kvs_zc_stop(struct kvs_queue *q, bool complete);
void kvs_zc_linearize(struct kvs_batch *b, unsigned int i);
bool kvs_zc_copy_to(const struct kvs_buf *buf, struct iov_iter *to,
		    enum kvs_drop *reason);
void kvs_zc_free(struct kvs_buf *buf);

/* vport.c */
extern const struct kvs_port_ops kvs_vport_ops;
void kvs_queue_wait_left(struct kvs_queue *q);
int kvs_queue_wait_left_killable(struct kvs_queue *q);
int kvs_queue_attach(struct kvs_queue *q, struct net *net,
		     const char *name, const u8 *mac, bool migrate);
int kvs_queue_detach(struct kvs_queue *q);
void kvs_queue_claim_mac(struct kvs_queue *q);
int kvs_mq_join(struct kvs_queue *q, int fd);
void kvs_mq_set_enabled(struct kvs_queue *q, bool on);
void kvs_mq_set_rx_running(struct kvs_queue *q, bool running);
u32 kvs_flow_hash(const struct net *net, const struct kvs_buf *buf);

/* notify.c */
void kvs_coalesce_init(struct kvs_queue *q);
void kvs_coalesce_stop(struct kvs_queue *q);
void kvs_rx_notify(struct kvs_queue *q, struct vhost_virtqueue *vq,
		   unsigned int frames);
long kvs_set_coalesce(struct kvs_queue *q,
		      struct vhost_kvs_coalesce __user *argp);
long kvs_get_coalesce(struct kvs_queue *q,
		      struct vhost_kvs_coalesce __user *argp);
bool kvs_busy_wait(struct vhost_virtqueue *vq,
		   bool (*ready)(struct vhost_virtqueue *vq, void *arg),
		   void *arg);
bool kvs_vq_idle(struct kvs_queue *q, struct vhost_virtqueue *vq);

/* tx.c */
struct kvs_buf *kvs_tx_take(struct kvs_queue *q, struct iov_iter *from,
			    size_t hdr_len, bool le, enum kvs_drop *reason);
void kvs_tx_forward(struct kvs_queue *q, unsigned int n);
void kvs_handle_tx_kick(struct vhost_work *work);

/* rx.c */
void kvs_handle_rx_kick(struct vhost_work *work);
void kvs_rx_drain(struct kvs_queue *q);

/* switch.c */
extern struct mutex kvs_lock;
int kvs_switch_init(void);
void kvs_switch_exit(void);
struct kvs_switch *kvs_switch_find(struct net *net, const char *name);
unsigned int kvs_switches_gen(struct net *net);
struct kvs_switch *kvs_switch_next(struct net *net, unsigned long *index);
int kvs_switch_new(struct net *net, const char *name, u32 ageing_secs,
		   u32 max_fdb);
void kvs_switch_unlink(struct kvs_switch *sw);
void kvs_switches_free(struct list_head *gone);
struct kvs_port *kvs_switch_port(struct kvs_switch *sw, u32 id);
bool kvs_switch_mac_taken(struct kvs_switch *sw, const u8 *mac);
int kvs_port_link(struct kvs_switch *sw, struct kvs_port *port);
void kvs_port_unlink(struct kvs_port *port);
void kvs_port_gone(struct kvs_port *port);
void kvs_port_claim_mac(struct kvs_port *port);

/* skb.c */
struct kvs_buf *kvs_skb_take(struct kvs_pool *pool, struct sk_buff *skb,
			     enum kvs_drop *reason);
struct sk_buff *kvs_skb_make(const struct kvs_buf *buf, enum kvs_drop *reason);

/* hostport.c */
struct kvs_port *kvs_host_port_new(struct kvs_switch *sw, struct net *net,
				   const char *ifname, const u8 *mac,
				   bool tcp_steer);
bool kvs_host_port_dev(const struct net_device *dev);

/* uplink.c */
struct netlink_ext_ack;
struct kvs_port *kvs_uplink_new(struct kvs_switch *sw, const char *ifname,
				struct netlink_ext_ack *extack);
int kvs_uplink_init(void);
void kvs_uplink_exit(void);

/* netlink.c */
void kvs_stats_sum_add(struct kvs_stats_sum *sum, const struct kvs_stats *s);
int kvs_netlink_init(void);
void kvs_netlink_exit(void);
void kvs_nl_port_event(struct kvs_switch *sw, struct kvs_port *port, u8 cmd);
void kvs_nl_fdb_event(struct kvs_switch *sw, const u8 *mac, u16 vid,
		      u32 port_id, u8 cmd);

/* port.c */
extern struct miscdevice kvs_misc;

/* leulo.c: /dev/vhost-leulo, when CONFIG_VHOST_KVS_LEULO */
#if IS_ENABLED(CONFIG_VHOST_KVS_LEULO)
int kvs_leulo_init(void);
void kvs_leulo_exit(void);
#else
static inline int kvs_leulo_init(void) { return 0; }
static inline void kvs_leulo_exit(void) {}
#endif
void kvs_count(struct kvs_queue *q, int qi, enum kvs_drop reason,
	       size_t bytes);
long kvs_queue_set_offloads(struct kvs_queue *q, u32 offloads);

/* policy.c, vlan.c */
struct genl_info;
bool kvs_pol_src_ok(const struct kvs_port *port, const u8 *src);
/* kvs_vlan_in(): the port may not send this frame */
#define KVS_VLAN_REFUSED	0xffff
u16 __kvs_vlan_in(const struct kvs_port *port, const struct kvs_buf *buf);
bool __kvs_vlan_member(const struct kvs_port *port, u16 vid);
bool kvs_vlan_tagged(const struct kvs_buf *buf);

/* Called per frame and per flood destination: a VLAN-unaware port (the
 * default) costs a pointer test here, not a call into vlan.c.
 */
static inline u16 kvs_vlan_in(const struct kvs_port *port,
			      const struct kvs_buf *buf)
{
	return rcu_access_pointer(port->vlans) ? __kvs_vlan_in(port, buf) : 0;
}

static inline bool kvs_vlan_member(const struct kvs_port *port, u16 vid)
{
	if (!vid)
		return !rcu_access_pointer(port->vlans);
	return __kvs_vlan_member(port, vid);
}

bool kvs_vlan_tagged_out(const struct kvs_port *port, u16 vid);
struct kvs_buf *kvs_vlan_alt(struct kvs_batch *b, const struct kvs_buf *buf,
			     u16 vid);
void kvs_vlan_reset(struct kvs_port *port);
int kvs_vlan_set(struct kvs_port *port, struct kvs_switch *sw,
		 struct genl_info *info);
int kvs_vlan_fill(struct sk_buff *msg, const struct kvs_port *port);
void kvs_pol_reset(struct kvs_port *port);
int kvs_pol_set(struct kvs_port *port, struct kvs_switch *sw,
		struct genl_info *info);
int kvs_pol_fill(struct sk_buff *msg, const struct kvs_port *port);

/* tapfile.c */
long kvs_tap_open(struct kvs_queue *q, struct file *vhost_file);
struct kvs_queue *kvs_tap_file_queue(struct file *file);

#endif /* _VHOST_KVS_H */
