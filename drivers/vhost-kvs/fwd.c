// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding: where the frames of one TX batch go.
 *
 * The sender (a queue pair's TX worker) learns each frame's source, looks
 * its destination up and hands the batch to every port it goes to, once,
 * through the port's ops->deliver. A vhost port appends the frames to its
 * queues' inbound rings, taking each ring's producer lock once per batch.
 * The sender never touches another port's guest memory: each destination's
 * own RX worker, woken once per batch, copies the frames into its guest
 * (the address-space rule).
 *
 * A full ring drops the frame for that destination and counts it, so a
 * slow receiver costs a sender at most the time to find its ring full.
 */
#include <linux/etherdevice.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <kunit/visibility.h>

#include "kvs.h"

/* b->dst[i] of a frame to flood (b->drop[i] is KVS_DROP_NONE). */
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

/* Earlier frames of a batch whose answers classification looks at. */
#define KVS_FWD_RECALL	4

/*
 * Frames @i and @j have the same source, destination and VLAN. (A frame
 * refused its VLAN has none recorded, a steered frame's answer depends
 * on what it carries, and one without memory for its copy (zc.c) was
 * only unlucky: their answers are nobody else's.)
 */
static bool kvs_fwd_same(struct kvs_batch *b, unsigned int i, unsigned int j)
{
	const struct ethhdr *eth = (const void *)b->bufs[i]->data;
	const struct ethhdr *jeth = (const void *)b->bufs[j]->data;

	return b->vid[i] == b->vid[j] && b->drop[j] != KVS_DROP_VLAN &&
	       b->drop[j] != KVS_DROP_NOMEM && !(b->steered & BIT_ULL(j)) &&
	       ether_addr_equal(eth->h_dest, jeth->h_dest) &&
	       ether_addr_equal(eth->h_source, jeth->h_source);
}

/*
 * A frame of the last few with frame @i's addresses and VLAN (a source
 * sending to a few destinations in turn), whose answer is @i's too.
 * Return: its index, or -1.
 */
static int kvs_fwd_recall(struct kvs_batch *b, unsigned int i)
{
	unsigned int j;

	for (j = i; j-- > 0 && i - j <= KVS_FWD_RECALL;)
		if (kvs_fwd_same(b, i, j))
			return j;
	return -1;
}

/* The source of frame @i was learned for an earlier frame of the batch. */
static bool kvs_fwd_learned(struct kvs_batch *b, unsigned int i)
{
	const struct ethhdr *eth = (const void *)b->bufs[i]->data;
	const struct ethhdr *leth;

	if (b->learned < 0 || b->vid[b->learned] != b->vid[i])
		return false;
	leth = (const void *)b->bufs[b->learned]->data;
	return ether_addr_equal(eth->h_source, leth->h_source);
}

/*
 * Frame @i is for port @to, whose MAC a host port takes the TCP of: its
 * TCP goes to that port; ARP and neighbour discovery go to both, flooded
 * to the ports with the MAC (b->dst[i] stays KVS_FWD_FLOOD).
 * Return: the destination; NULL for both, or when it is @from itself.
 */
static struct kvs_port *kvs_fwd_steer(struct kvs_batch *b,
				      struct kvs_port *from,
				      struct kvs_port *to, unsigned int i)
{
	bool both;

	b->steered |= BIT_ULL(i);
	to = kvs_split_steer(b->bufs[i], to, &both);
	if (both) {
		b->to_mac |= BIT_ULL(i);
		return NULL;
	}
	return to == from ? NULL : to;
}

/*
 * Where frame @i of a batch from port @from goes: its destination port or
 * KVS_FWD_FLOOD in b->dst[i], its VLAN in b->vid[i]. A source's frames
 * mostly share their addresses, or go to a few destinations in turn, so
 * an answer of the last few frames saves the table lookups, and a source
 * is learned once per batch.
 * Return: KVS_DROP_NONE, or why the frame goes nowhere.
 */
static enum kvs_drop kvs_fwd_classify(struct kvs_batch *b,
				      struct kvs_port *from,
				      struct kvs_switch *sw, unsigned int i)
{
	const struct ethhdr *eth = (const void *)b->bufs[i]->data;
	unsigned long pol = READ_ONCE(from->pol);
	enum kvs_fdb_learn learned;
	struct kvs_fdb_dst *d, *at;
	struct kvs_port *to;
	bool learn;
	int j;
	u16 vid;

	vid = kvs_vlan_in(from, b->bufs[i]);
	if (vid == KVS_VLAN_REFUSED)
		return KVS_DROP_VLAN;
	b->vid[i] = vid;
	j = kvs_fwd_recall(b, i);
	if (j >= 0) {
		b->dst[i] = b->dst[j];
		return b->drop[j];
	}
	/* Checked before learning: a spoofed source is never learned. */
	if ((pol & KVS_POL_SPOOFCHK) && !kvs_pol_src_ok(from, eth->h_source))
		return KVS_DROP_SPOOF;
	/* Once per source and batch: the table's answer stays for the rest.
	 * A host port with tcp-for has its VM's MAC: learned on the VM's port.
	 */
	at = &from->fdb_dst;
	if (unlikely(from->tcp_steer) && ether_addr_equal(eth->h_source, from->mac))
		at = kvs_split_learn_at(from, &sw->fdb, vid);
	learn = at && !(pol & KVS_POL_NO_LEARN) && !kvs_fwd_learned(b, i);
	if (learn)
		b->learned = i;
	d = kvs_fwd_lookup(&sw->fdb, eth, at, vid, learn, &learned);
	if (unlikely(learned == KVS_FDB_NEW || learned == KVS_FDB_MOVED))
		kvs_nl_fdb_event(sw, eth->h_source, vid,
				 container_of(at, struct kvs_port, fdb_dst)->id,
				 learned == KVS_FDB_NEW ?
				 VHOST_KVS_CMD_FDB_LEARN_NTF :
				 VHOST_KVS_CMD_FDB_MOVE_NTF);
	if (!d) {
		b->dst[i] = KVS_FWD_FLOOD;
		return KVS_DROP_NONE;
	}
	/* Never back out of the port it came in on. */
	if (d == &from->fdb_dst)
		return KVS_DROP_NO_DEST;
	to = container_of(d, struct kvs_port, fdb_dst);
	/* The port may have other MACs behind it: only its own is split. */
	if (unlikely(rcu_access_pointer(to->tcp_port)) &&
	    ether_addr_equal(eth->h_dest, to->mac)) {
		to = kvs_fwd_steer(b, from, to, i);
		if (!to)
			return b->to_mac & BIT_ULL(i) ? KVS_DROP_NONE :
			       KVS_DROP_NO_DEST;
	}
	if (pol & READ_ONCE(to->pol) & KVS_POL_ISOLATED)
		return KVS_DROP_ISOLATED;
	/* A static entry may name a port outside the VLAN. */
	if (!kvs_vlan_member(to, vid))
		return KVS_DROP_VLAN;
	b->dst[i] = to;
	return KVS_DROP_NONE;
}

/*
 * Whether frame @i of the batch goes to port @dst: sent to it, or flooded
 * and the kind of flood (unknown unicast, or multicast and broadcast) is
 * one @dst takes.
 */
static bool kvs_fwd_wants(struct kvs_batch *b, struct kvs_port *dst,
			  unsigned int i)
{
	const struct ethhdr *eth;
	unsigned long pol;

	if (b->drop[i])
		return false;
	if (b->dst[i] != KVS_FWD_FLOOD)
		return b->dst[i] == dst;
	if (!kvs_vlan_member(dst, b->vid[i]))
		return false;
	eth = (const struct ethhdr *)b->bufs[i]->data;
	if (unlikely(b->to_mac & BIT_ULL(i)))
		return ether_addr_equal(dst->mac, eth->h_dest);
	if (unlikely(dst->tcp_steer || rcu_access_pointer(dst->tcp_port)) &&
	    !kvs_split_wants(b->bufs[i], dst))
		return false;
	pol = READ_ONCE(dst->pol);
	if (likely(!(pol & (KVS_POL_NO_FLOOD | KVS_POL_NO_MCAST_FLOOD))))
		return true;
	return !(pol & (is_multicast_ether_addr(eth->h_dest) ?
			KVS_POL_NO_MCAST_FLOOD : KVS_POL_NO_FLOOD));
}

/* Which of @map's queue pairs frame @i goes to: by its flow's hash. */
static struct kvs_queue *kvs_fwd_queue(struct kvs_batch *b,
				       const struct net *net,
				       const struct kvs_qmap *map,
				       unsigned int i)
{
	if (!(b->hashed & BIT_ULL(i))) {
		b->hash[i] = kvs_flow_hash(net, b->bufs[i]);
		b->hashed |= BIT_ULL(i);
	}
	return map->q[reciprocal_scale(b->hash[i], map->n)];
}

/* Does @dst take frame @i in the form other than the one it was sent in? */
static bool kvs_fwd_other_form(struct kvs_batch *b, struct kvs_port *dst,
			       unsigned int i)
{
	u16 vid = b->vid[i];

	return vid && kvs_vlan_tagged_out(dst, vid) !=
		      kvs_vlan_tagged(b->bufs[i]);
}

/* Frame @i as @dst takes it; NULL when its other form could not be made. */
static struct kvs_buf *kvs_fwd_buf(struct kvs_batch *b, struct kvs_port *dst,
				   unsigned int i)
{
	if (likely(!kvs_fwd_other_form(b, dst, i)))
		return b->bufs[i];
	return IS_ERR_OR_NULL(b->alt[i]) ? NULL : b->alt[i];
}

/**
 * kvs_fwd_each() - ops->deliver of a port that takes frames one by one
 * @port: the destination (a host port, an uplink)
 * @b: the batch
 * @n: frames in the batch
 * @take: called for each frame of the batch that goes to @port, in the
 *	form @port takes it; the batch keeps its reference to the buffer
 * @ctx: passed on to @take
 *
 * Context: the sender's, BH off and rcu_read_lock() held (kvs_forward()):
 * what @take hands the stack (GRO cells, a device's queue) runs once BH
 * is on again, on this CPU, after the batch; what it collects for the
 * caller (a host port's list) is the caller's to hand on.
 */
void kvs_fwd_each(struct kvs_port *port, struct kvs_batch *b, unsigned int n,
		  kvs_take_fn take, void *ctx)
{
	struct kvs_buf *buf;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!kvs_fwd_wants(b, port, i))
			continue;
		buf = kvs_fwd_buf(b, port, i);
		if (buf)
			take(port, buf, ctx);
	}
}

/*
 * Before any ring's lock: the other form (802.1Q tag added or removed) of
 * the frames @dst takes that way, made once per batch, shared by all such
 * destinations. One that cannot be made is counted per destination.
 */
static void kvs_fwd_prepare(struct kvs_batch *b, struct kvs_port *dst,
			    unsigned int n)
{
	unsigned int i;

	if (likely(!b->vlan))
		return;
	for (i = 0; i < n; i++) {
		if (!kvs_fwd_wants(b, dst, i) || !kvs_fwd_other_form(b, dst, i))
			continue;
		/* Pinned, its rest not in the buffer: the port's VLANs changed
		 * since kvs_fwd_zc_ok() let it go as it is.
		 */
		if (unlikely(b->bufs[i]->zc)) {
			kvs_batch_count(b, KVS_DROP_VLAN);
			continue;
		}
		if (!b->alt[i])
			b->alt[i] = kvs_vlan_alt(b, b->bufs[i], b->vid[i]);
		if (IS_ERR(b->alt[i]))
			kvs_batch_count(b, PTR_ERR(b->alt[i]) == -ENOMEM ?
					KVS_DROP_NOMEM : KVS_DROP_BAD_HDR);
	}
}

/*
 * Publish @buf, frame @i of the batch, in @r. A unicast frame in the form
 * it was sent in goes to this one ring only: the batch's reference goes
 * with it. Any other takes a reference of its own first. Either way the
 * receiver may consume and put it at once: the batch no longer looks at
 * a frame it gave away (kvs_fwd_wants() answers from the batch's arrays).
 */
static bool kvs_fwd_publish(struct kvs_batch *b, struct ptr_ring *r,
			    struct kvs_buf *buf, unsigned int i)
{
	bool give = buf == b->bufs[i] && b->dst[i] != KVS_FWD_FLOOD;

	if (!give)
		refcount_inc(&buf->refs);
	if (unlikely(__ptr_ring_produce(r, buf))) {
		if (!give)
			refcount_dec(&buf->refs);	/* ours remains */
		return false;
	}
	if (give)
		b->given |= BIT_ULL(i);
	return true;
}

/*
 * Append to the ring of @q, a queue pair of vhost port @dst, every frame
 * of the batch that goes there, within what @q may hold of this sender.
 */
static void kvs_fwd_enqueue_ring(struct kvs_batch *b, struct kvs_switch *sw,
				 struct kvs_port *dst, struct kvs_queue *q,
				 const struct kvs_qmap *map, unsigned int n)
{
	struct ptr_ring *r = &q->inbound;
	unsigned int i, queued = 0, full = 0, room = 0;
	bool reserved = false;

	/* BH is off (kvs_forward()): senders in softirq take it too. */
	spin_lock(&r->producer_lock);
	for (i = 0; i < n; i++) {
		struct kvs_buf *buf;

		if (!kvs_fwd_wants(b, dst, i) ||
		    (map && kvs_fwd_queue(b, sw->net, map, i) != q))
			continue;
		buf = kvs_fwd_buf(b, dst, i);
		if (unlikely(!buf))
			continue;	/* no other form: counted already */
		/* The rest of the batch at most, counted once. */
		if (!reserved) {
			reserved = true;
			room = kvs_held_reserve(q, b->pool, n - i);
		}
		/* Full, or holding all of this sender it may: dropped. */
		if (unlikely(queued == room || !kvs_fwd_publish(b, r, buf, i))) {
			full++;
			continue;
		}
		queued++;
	}
	kvs_held_return(q, b->pool, room - queued);
	spin_unlock(&r->producer_lock);

	if (full) {
		atomic64_add(full, &q->inbound_full);
		while (full--)
			kvs_batch_count(b, KVS_DROP_DEST_FULL);
	}
	if (queued)
		vhost_poll_queue(&q->vqs[VHOST_KVS_VQ_RX].poll);
}

/**
 * kvs_fwd_vport() - a vhost port's ops->deliver: into its queues' rings
 * @port: the destination
 * @b: the batch
 * @sw: their switch
 * @n: frames in the batch
 *
 * Context: the sender's, rcu_read_lock() held.
 */
void kvs_fwd_vport(struct kvs_port *port, struct kvs_batch *b,
		   struct kvs_switch *sw, unsigned int n)
{
	struct kvs_qmap *map = rcu_dereference(port->qmap);
	unsigned int k;

	if (likely(!map)) {
		kvs_fwd_enqueue_ring(b, sw, port, port->queues[0], NULL, n);
		return;
	}
	/* Hash the flows before any ring's producer lock is taken. */
	for (k = 0; k < n; k++)
		if (kvs_fwd_wants(b, port, k))
			kvs_fwd_queue(b, sw->net, map, k);
	for (k = 0; k < map->n; k++)
		kvs_fwd_enqueue_ring(b, sw, port, map->q[k], map, n);
}

/* Hand @dst the frames of the batch that go to it. */
static void kvs_fwd_enqueue(struct kvs_batch *b, struct kvs_switch *sw,
			    struct kvs_port *dst, unsigned int n)
{
	kvs_fwd_prepare(b, dst, n);
	INDIRECT_CALL_1(dst->ops->deliver, kvs_fwd_vport, dst, b, sw, n);
}

/* Queue pair @q takes @buf whole: its guest took the offloads it needs. */
static bool kvs_fwd_zc_whole(const struct kvs_queue *q,
			     const struct kvs_buf *buf)
{
	return kvs_offload_ok(READ_ONCE(q->rx_offloads), &buf->vhdr);
}

/*
 * Frame @i, pinned in its sender (zc.c), may go as it is: unicast to a
 * vhost port that takes it whole, in the form it was sent in. Any other
 * destination reads all of a frame, or more than one does.
 */
static bool kvs_fwd_zc_ok(struct kvs_batch *b, unsigned int i)
{
	struct kvs_port *dst = b->dst[i];
	const struct kvs_qmap *map;
	unsigned int k;

	if (dst == KVS_FWD_FLOOD || dst->ops != &kvs_vport_ops ||
	    ((b->steered | b->to_mac) & BIT_ULL(i)) ||
	    kvs_fwd_other_form(b, dst, i))
		return false;
	/* Whichever of its queue pairs the flow's hash picks */
	map = rcu_dereference(dst->qmap);
	if (!map)
		return kvs_fwd_zc_whole(dst->queues[0], b->bufs[i]);
	for (k = 0; k < map->n; k++)
		if (!kvs_fwd_zc_whole(map->q[k], b->bufs[i]))
			return false;
	return true;
}

/* True when frame @i's destination already got the batch. */
static bool kvs_fwd_done_before(struct kvs_batch *b, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (!b->drop[j] && b->dst[j] == b->dst[i])
			return true;
	return false;
}

static void kvs_fwd_flood(struct kvs_batch *b, struct kvs_port *from,
			  struct kvs_switch *sw, unsigned int n)
{
	unsigned long isolated = READ_ONCE(from->pol) & KVS_POL_ISOLATED;
	unsigned int i, others = 0;
	struct kvs_port *dst;

	list_for_each_entry_rcu(dst, &sw->ports, sw_node) {
		if (dst == from || (isolated & READ_ONCE(dst->pol)))
			continue;
		kvs_fwd_enqueue(b, sw, dst, n);
		others++;
	}
	if (others)
		return;
	/* Alone on the switch: flooded frames have nowhere to go. */
	for (i = 0; i < n; i++)
		if (!b->drop[i] && b->dst[i] == KVS_FWD_FLOOD)
			kvs_batch_count(b, KVS_DROP_NO_DEST);
}

/* Hand the batch to each port that gets part of it, once. */
static void kvs_fwd_deliver(struct kvs_batch *b, struct kvs_port *from,
			    struct kvs_switch *sw, unsigned int n, bool flood)
{
	unsigned int i;

	b->hashed = 0;
	if (flood) {
		kvs_fwd_flood(b, from, sw, n);
		return;
	}
	/* Unicast only: usually one or a few destinations per batch. */
	for (i = 0; i < n; i++)
		if (!b->drop[i] && !kvs_fwd_done_before(b, i))
			kvs_fwd_enqueue(b, sw, b->dst[i], n);
}

/**
 * kvs_forward() - send the frames in b->bufs[0..n) on their way
 * @b: the batch
 * @from: the port they come in on; NULL: none (dropped as NO_SWITCH)
 * @n: number of frames
 *
 * Consumes the caller's reference to each buffer.
 * Context: the batch's owner, rcu_read_lock() held (it found @from), BH
 * off: host ports and uplinks send from softirq context, so the inbound
 * rings' producer locks are taken with BH off, once per batch here
 * rather than once per destination.
 */
void kvs_forward(struct kvs_batch *b, struct kvs_port *from, unsigned int n)
{
	struct kvs_switch *sw = from ? from->sw : NULL;
	bool flood = false;
	unsigned int i;

	lockdep_assert_in_softirq();
	b->vlan = false;
	b->given = 0;
	b->steered = 0;
	b->to_mac = 0;
	b->learned = -1;
	for (i = 0; i < n; i++) {
		enum kvs_drop drop = KVS_DROP_NO_SWITCH;

		b->alt[i] = NULL;
		b->vid[i] = 0;
		b->dst[i] = KVS_FWD_FLOOD;
		if (sw)
			drop = kvs_fwd_classify(b, from, sw, i);
		b->vlan |= b->vid[i] != 0;
		b->drop[i] = drop;
		if (drop)
			kvs_batch_count(b, drop);
		else if (b->dst[i] == KVS_FWD_FLOOD)
			flood = true;
		if (b->bufs[i]->zc && !drop && !kvs_fwd_zc_ok(b, i))
			kvs_zc_linearize(b, i);
	}
	if (sw)
		kvs_fwd_deliver(b, from, sw, n, flood);

	for (i = 0; i < n; i++) {
		if (!(b->given & BIT_ULL(i)))
			kvs_buf_put(b->bufs[i]);
		if (!IS_ERR_OR_NULL(b->alt[i]))
			kvs_buf_put(b->alt[i]);
	}
}
