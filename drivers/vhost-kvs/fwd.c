// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding: where the frames of one TX batch go.
 *
 * The sender's TX worker learns each frame's source, looks its destination
 * up and appends the batch to the inbound ring of every port it goes to,
 * taking each ring's producer lock once per batch. It never touches another
 * port's guest memory: each destination's own RX worker, woken once per
 * batch, copies the frames into its guest (the address-space rule).
 *
 * A full ring drops the frame for that destination and counts it, so a
 * slow receiver costs a sender at most the time to find its ring full.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <kunit/visibility.h>

#include "kvs.h"

/* tx_dst[i] of a frame to flood (tx_drop[i] is KVS_DROP_NONE). */
#define KVS_FWD_FLOOD		NULL

/**
 * kvs_fwd_lookup() - learn a frame's source, find where it goes
 * @fdb: the switch's table
 * @eth: the frame's Ethernet header
 * @from: the destination entry of the port the frame came in on
 * @vid: the frame's VLAN (0: none)
 * @learn: learn the source (false: the port's learning is off)
 * @learned: if not NULL, what learning the source did
 *
 * Context: rcu_read_lock() held; the result is valid until it is dropped.
 * Return: the destination (@from itself when the address was learned
 * there: the frame goes nowhere), or NULL to flood (group or unknown
 * address).
 */
struct kvs_fdb_dst *kvs_fwd_lookup(struct kvs_fdb *fdb,
				   const struct ethhdr *eth,
				   struct kvs_fdb_dst *from, u16 vid,
				   bool learn, enum kvs_fdb_learn *learned)
{
	enum kvs_fdb_learn l = KVS_FDB_KNOWN;

	if (learn)
		l = kvs_fdb_learn(fdb, eth->h_source, vid, from, jiffies);
	if (learned)
		*learned = l;
	if (!is_unicast_ether_addr(eth->h_dest))
		return NULL;
	return kvs_fdb_lookup(fdb, eth->h_dest, vid);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_fwd_lookup);

/* Frame @i has the addresses and VLAN of frame @i - 1. */
static bool kvs_fwd_same_as_prev(struct kvs_port *port, unsigned int i)
{
	const struct ethhdr *eth = (const void *)port->tx_bufs[i]->data;
	const struct ethhdr *peth;

	if (!i || port->tx_vid[i] != port->tx_vid[i - 1])
		return false;
	peth = (const void *)port->tx_bufs[i - 1]->data;
	return ether_addr_equal(eth->h_source, peth->h_source) &&
	       ether_addr_equal(eth->h_dest, peth->h_dest);
}

/*
 * Where frame @i of a batch of queue pair @port of port @lead goes: its
 * destination port or KVS_FWD_FLOOD in port->tx_dst[i], its VLAN in
 * port->tx_vid[i]. A guest's frames mostly share their addresses, so the
 * previous frame's answer saves the table lookups.
 * Return: KVS_DROP_NONE, or why the frame goes nowhere.
 */
static enum kvs_drop kvs_fwd_classify(struct kvs_port *port,
				      struct kvs_port *lead,
				      struct kvs_switch *sw, unsigned int i)
{
	const struct ethhdr *eth = (const void *)port->tx_bufs[i]->data;
	unsigned long pol = READ_ONCE(lead->pol);
	enum kvs_fdb_learn learned;
	struct kvs_port *to;
	struct kvs_fdb_dst *d;
	u16 vid;

	vid = kvs_vlan_in(lead, port->tx_bufs[i]);
	if (vid == KVS_VLAN_REFUSED)
		return KVS_DROP_VLAN;
	port->tx_vid[i] = vid;
	if (kvs_fwd_same_as_prev(port, i)) {
		port->tx_dst[i] = port->tx_dst[i - 1];
		return port->tx_drop[i - 1];
	}
	/* Checked before learning: a spoofed source is never learned. */
	if ((pol & KVS_POL_SPOOFCHK) && !kvs_pol_src_ok(lead, eth->h_source))
		return KVS_DROP_SPOOF;
	d = kvs_fwd_lookup(&sw->fdb, eth, &lead->fdb_dst, vid,
			   !(pol & KVS_POL_NO_LEARN), &learned);
	if (unlikely(learned == KVS_FDB_NEW || learned == KVS_FDB_MOVED))
		kvs_nl_fdb_event(sw, eth->h_source, vid, lead->id,
				 learned == KVS_FDB_NEW ?
				 VHOST_KVS_CMD_FDB_LEARN_NTF :
				 VHOST_KVS_CMD_FDB_MOVE_NTF);
	if (!d) {
		port->tx_dst[i] = KVS_FWD_FLOOD;
		return KVS_DROP_NONE;
	}
	/* Never back out of the port it came in on. */
	if (d == &lead->fdb_dst)
		return KVS_DROP_NO_DEST;
	to = container_of(d, struct kvs_port, fdb_dst);
	if (pol & READ_ONCE(to->pol) & KVS_POL_ISOLATED)
		return KVS_DROP_ISOLATED;
	/* A static entry may name a port outside the VLAN. */
	if (!kvs_vlan_member(to, vid))
		return KVS_DROP_VLAN;
	port->tx_dst[i] = to;
	return KVS_DROP_NONE;
}

/*
 * Whether frame @i of the batch goes to port @dst: sent to it, or flooded
 * and the kind of flood (unknown unicast, or multicast and broadcast) is
 * one @dst takes.
 */
static bool kvs_fwd_wants(struct kvs_port *port, struct kvs_port *dst,
			  unsigned int i)
{
	const struct ethhdr *eth;
	unsigned long pol;

	if (port->tx_drop[i])
		return false;
	if (port->tx_dst[i] != KVS_FWD_FLOOD)
		return port->tx_dst[i] == dst;
	if (!kvs_vlan_member(dst, port->tx_vid[i]))
		return false;
	pol = READ_ONCE(dst->pol);
	if (likely(!(pol & (KVS_POL_NO_FLOOD | KVS_POL_NO_MCAST_FLOOD))))
		return true;
	eth = (const struct ethhdr *)port->tx_bufs[i]->data;
	return !(pol & (is_multicast_ether_addr(eth->h_dest) ?
			KVS_POL_NO_MCAST_FLOOD : KVS_POL_NO_FLOOD));
}

/* Which of @map's queue pairs frame @i goes to: by its flow's hash. */
static struct kvs_port *kvs_fwd_queue(struct kvs_port *port,
				      const struct net *net,
				      const struct kvs_qmap *map, unsigned int i)
{
	if (!(port->tx_hashed & BIT_ULL(i))) {
		port->tx_hash[i] = kvs_flow_hash(net, port->tx_bufs[i]);
		port->tx_hashed |= BIT_ULL(i);
	}
	return map->q[reciprocal_scale(port->tx_hash[i], map->n)];
}

/* Does @dst take frame @i in the form other than the one it was sent in? */
static bool kvs_fwd_other_form(struct kvs_port *port, struct kvs_port *dst,
			       unsigned int i)
{
	u16 vid = port->tx_vid[i];

	return vid && kvs_vlan_tagged_out(dst, vid) !=
		      kvs_vlan_tagged(port->tx_bufs[i]);
}

/* Frame @i as @dst takes it; NULL when its other form could not be made. */
static struct kvs_buf *kvs_fwd_buf(struct kvs_port *port,
				   struct kvs_port *dst, unsigned int i)
{
	if (likely(!kvs_fwd_other_form(port, dst, i)))
		return port->tx_bufs[i];
	return IS_ERR_OR_NULL(port->tx_alt[i]) ? NULL : port->tx_alt[i];
}

/*
 * Before any ring's lock: the other form (802.1Q tag added or removed) of
 * the frames @dst takes that way, made once per batch, shared by all such
 * destinations. One that cannot be made is counted per destination.
 */
static void kvs_fwd_prepare(struct kvs_port *port, struct kvs_port *dst,
			    unsigned int n)
{
	unsigned int i;

	if (likely(!port->tx_vlan))
		return;
	for (i = 0; i < n; i++) {
		if (!kvs_fwd_wants(port, dst, i) ||
		    !kvs_fwd_other_form(port, dst, i))
			continue;
		if (!port->tx_alt[i])
			port->tx_alt[i] = kvs_vlan_alt(port, port->tx_bufs[i],
						       port->tx_vid[i]);
		if (IS_ERR(port->tx_alt[i]))
			kvs_count(port, VHOST_KVS_VQ_TX,
				  PTR_ERR(port->tx_alt[i]) == -ENOMEM ?
				  KVS_DROP_NOMEM : KVS_DROP_BAD_HDR, 0);
	}
}

/*
 * Append to the ring of @q, port @dst or one of its queue pairs, every
 * frame of the batch that goes there. A reference is taken before a
 * buffer is published: the receiver may consume and put it at once.
 */
static void kvs_fwd_enqueue_ring(struct kvs_port *port, struct kvs_switch *sw,
				 struct kvs_port *dst, struct kvs_port *q,
				 const struct kvs_qmap *map, unsigned int n)
{
	struct ptr_ring *r = &q->inbound;
	unsigned int i, queued = 0, full = 0;

	spin_lock(&r->producer_lock);
	for (i = 0; i < n; i++) {
		struct kvs_buf *buf;

		if (!kvs_fwd_wants(port, dst, i) ||
		    (map && kvs_fwd_queue(port, sw->net, map, i) != q))
			continue;
		buf = kvs_fwd_buf(port, dst, i);
		if (unlikely(!buf))
			continue;	/* no other form: counted already */
		/* Full, or holding all of this sender it may: dropped. */
		if (unlikely(!kvs_held_take(q, buf))) {
			full++;
			continue;
		}
		refcount_inc(&buf->refs);
		if (unlikely(__ptr_ring_produce(r, buf))) {
			refcount_dec(&buf->refs);	/* ours remains */
			kvs_held_drop(q, buf);
			full++;
			continue;
		}
		queued++;
	}
	spin_unlock(&r->producer_lock);

	if (full) {
		atomic64_add(full, &q->inbound_full);
		while (full--)
			kvs_count(port, VHOST_KVS_VQ_TX, KVS_DROP_DEST_FULL, 0);
	}
	if (queued)
		vhost_poll_queue(&q->vqs[VHOST_KVS_VQ_RX].poll);
}

/* Hand @dst the frames of the batch that go to it. */
static void kvs_fwd_enqueue(struct kvs_port *port, struct kvs_switch *sw,
			    struct kvs_port *dst, unsigned int n)
{
	struct kvs_qmap *map = rcu_dereference(dst->qmap);
	unsigned int k;

	kvs_fwd_prepare(port, dst, n);
	if (likely(!map)) {
		kvs_fwd_enqueue_ring(port, sw, dst, dst, NULL, n);
		return;
	}
	/* Hash the flows before any ring's producer lock is taken. */
	for (k = 0; k < n; k++)
		if (kvs_fwd_wants(port, dst, k))
			kvs_fwd_queue(port, sw->net, map, k);
	for (k = 0; k < map->n; k++)
		kvs_fwd_enqueue_ring(port, sw, dst, map->q[k], map, n);
}

/* True when frame @i's destination already got the batch. */
static bool kvs_fwd_done_before(struct kvs_port *port, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (!port->tx_drop[j] && port->tx_dst[j] == port->tx_dst[i])
			return true;
	return false;
}

static void kvs_fwd_flood(struct kvs_port *port, struct kvs_port *lead,
			  struct kvs_switch *sw, unsigned int n)
{
	unsigned long isolated = READ_ONCE(lead->pol) & KVS_POL_ISOLATED;
	unsigned int i, others = 0;
	struct kvs_port *dst;

	list_for_each_entry_rcu(dst, &sw->ports, sw_node) {
		if (dst == lead || (isolated & READ_ONCE(dst->pol)))
			continue;
		kvs_fwd_enqueue(port, sw, dst, n);
		others++;
	}
	if (others)
		return;
	/* Alone on the switch: flooded frames have nowhere to go. */
	for (i = 0; i < n; i++)
		if (!port->tx_drop[i] && port->tx_dst[i] == KVS_FWD_FLOOD)
			kvs_count(port, VHOST_KVS_VQ_TX, KVS_DROP_NO_DEST, 0);
}

/* Hand the batch to each port that gets part of it, once. */
static void kvs_fwd_deliver(struct kvs_port *port, struct kvs_port *lead,
			    struct kvs_switch *sw, unsigned int n, bool flood)
{
	unsigned int i;

	port->tx_hashed = 0;
	if (flood) {
		kvs_fwd_flood(port, lead, sw, n);
		return;
	}
	/* Unicast only: usually one or a few destinations per batch. */
	for (i = 0; i < n; i++)
		if (!port->tx_drop[i] && !kvs_fwd_done_before(port, i))
			kvs_fwd_enqueue(port, sw, port->tx_dst[i], n);
}

/**
 * kvs_forward() - send the frames in port->tx_bufs[0..n) on their way
 * @port: the sending port
 * @n: number of frames
 *
 * Consumes the caller's reference to each buffer.
 * Context: the port's TX worker, TX vq mutex held.
 */
void kvs_forward(struct kvs_port *port, unsigned int n)
{
	struct vhost_virtqueue *vq = &port->vqs[VHOST_KVS_VQ_TX];
	struct kvs_port *lead;
	struct kvs_switch *sw;
	bool flood = false;
	unsigned int i;

	lockdep_assert_held(&vq->mutex);
	rcu_read_lock();
	sw = rcu_dereference(port->sw);
	/* The port this queue pair belongs to: @port itself, mostly. */
	lead = rcu_dereference(port->lead);
	if (!lead)
		sw = NULL;
	port->tx_vlan = false;
	for (i = 0; i < n; i++) {
		enum kvs_drop drop = KVS_DROP_NO_SWITCH;

		port->tx_alt[i] = NULL;
		port->tx_vid[i] = 0;
		port->tx_dst[i] = KVS_FWD_FLOOD;
		if (sw)
			drop = kvs_fwd_classify(port, lead, sw, i);
		port->tx_vlan |= port->tx_vid[i] != 0;
		port->tx_drop[i] = drop;
		if (drop)
			kvs_count(port, VHOST_KVS_VQ_TX, drop, 0);
		else if (port->tx_dst[i] == KVS_FWD_FLOOD)
			flood = true;
	}
	if (sw)
		kvs_fwd_deliver(port, lead, sw, n, flood);
	rcu_read_unlock();

	for (i = 0; i < n; i++) {
		kvs_buf_put(port->tx_bufs[i]);
		if (!IS_ERR_OR_NULL(port->tx_alt[i]))
			kvs_buf_put(port->tx_alt[i]);
	}
}
