// SPDX-License-Identifier: GPL-2.0
/*
 * vhost ports: a guest's NIC as a port of a switch, made of one or more
 * queue pairs (open /dev/vhost-kvs files).
 *
 * A queue pair attaches with VHOST_KVS_ATTACH and so makes the port: the
 * port's MAC, id, FDB destination and policy are its own, and it lives
 * until that first queue pair detaches or its switch goes. QEMU gives
 * each virtio-net queue pair of a NIC its own vhost device, so a port of
 * N queue pairs is N files: each further one joins with
 * VHOST_KVS_ADD_QUEUE. What any of them transmits is learned and
 * forwarded as the port's, and each takes its share of what the port
 * receives.
 *
 * A frame to a multiqueue port goes to one queue pair chosen by the hash
 * of its flow (addresses and L4 ports, as a NIC's RSS would), so a flow
 * stays in order on one queue. Only queue pairs that can take frames
 * count: their RX queue runs and the guest has not turned them off (it
 * does with ethtool -L, which QEMU passes on as TUNSETQUEUE on a tap file,
 * or VHOST_KVS_SET_QUEUE_ENABLE). The port publishes that set under RCU
 * as an array rebuilt on every change (qmap), so the datapath reads one
 * pointer, NULL for a single-queue port.
 *
 * Every change is made under kvs_lock (see LOCKING in kvs.h). A queue
 * pair out of its port is "leaving" until a grace period has passed and
 * what was queued for it is dropped: until then the datapath may still
 * see it, so it may be neither freed nor attached again. The grace period
 * is waited for without kvs_lock, so one deletion never stalls the
 * attach, detach or close of queue pairs elsewhere.
 */
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/jhash.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <net/flow_dissector.h>

#include "kvs.h"

static struct kvs_port *kvs_queue_port(struct kvs_queue *q)
{
	return rcu_dereference_protected(q->port, lockdep_is_held(&kvs_lock));
}

/* The queue pair has left: it may be freed or attached again. */
static void kvs_queue_settle(struct kvs_queue *q)
{
	lockdep_assert_held(&kvs_lock);
	WRITE_ONCE(q->leaving, false);
	/* The store before the waiters are looked at (wake_up_var() does
	 * so without a lock), or a waiter that just queued itself and
	 * still read "leaving" sleeps on.
	 */
	smp_mb();
	wake_up_var(&q->leaving);
}

/* Wait until @q, out of its port, has left it (see above). */
void kvs_queue_wait_left(struct kvs_queue *q)
{
	wait_var_event(&q->leaving, !READ_ONCE(q->leaving));
}

/* The same, for a caller that may give up: -EINTR when killed. */
int kvs_queue_wait_left_killable(struct kvs_queue *q)
{
	return wait_var_event_killable(&q->leaving, !READ_ONCE(q->leaving));
}

/* kvs_lock, which is held on return, unless a signal came (-EINTR). */
static int kvs_lock_queue_settled(struct kvs_queue *q)
{
	mutex_lock(&kvs_lock);
	while (q->leaving) {
		mutex_unlock(&kvs_lock);
		if (kvs_queue_wait_left_killable(q))
			return -EINTR;
		mutex_lock(&kvs_lock);
	}
	return 0;
}

/* Out of its port: what it sends is dropped as an unattached queue's. */
static void kvs_queue_out(struct kvs_queue *q)
{
	RCU_INIT_POINTER(q->port, NULL);
	q->leaving = true;
}

/* A grace period after kvs_queue_out(): drop what waited for it. */
static void kvs_queue_gone(struct kvs_queue *q)
{
	kvs_rx_drain(q);
	mutex_lock(&kvs_lock);
	kvs_queue_settle(q);
	mutex_unlock(&kvs_lock);
}

/* Rebuild the set of queue pairs that take the port's inbound frames. */
static void kvs_mq_update(struct kvs_port *port)
{
	struct kvs_qmap *map = NULL, *old;
	unsigned int i, n = 0;

	lockdep_assert_held(&kvs_lock);
	if (port->nqueues > 1) {
		map = kzalloc(struct_size(map, q, KVS_QUEUES_MAX),
			      GFP_KERNEL_ACCOUNT);
		/* Without memory every frame goes to queues[0]: still works. */
		for (i = 0; map && i < KVS_QUEUES_MAX; i++) {
			struct kvs_queue *q = port->queues[i];

			if (q && q->rx_running && !q->q_disabled)
				map->q[n++] = q;
		}
		/* Only the first, or none at all: no spreading to do. */
		if (map && (!n || (n == 1 && map->q[0] == port->queues[0]))) {
			kfree(map);
			map = NULL;
		}
		if (map)
			map->n = n;
	}
	old = rcu_replace_pointer(port->qmap, map, lockdep_is_held(&kvs_lock));
	if (old)
		kfree_rcu(old, rcu);
}

/* A queue pair leaves its port (detach or release of its file). */
static void kvs_mq_leave(struct kvs_port *port, struct kvs_queue *q)
{
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 1; i < KVS_QUEUES_MAX; i++)
		if (port->queues[i] == q)
			port->queues[i] = NULL;
	port->nqueues--;
	kvs_queue_out(q);
	kvs_mq_update(port);
}

/* Join @port, through its first queue pair @first, as its next one. */
static int kvs_mq_add(struct kvs_queue *q, struct kvs_queue *first)
{
	struct kvs_port *port = kvs_queue_port(first);
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	if (rcu_access_pointer(q->port))
		return -EISCONN;
	/* Still on its way out of a port: the datapath may see it. */
	if (q->leaving)
		return -EBUSY;
	if (!port)
		return -ENOTCONN;
	/* A queue pair of a port, not the one that made it. */
	if (port->queues[0] != first)
		return -EINVAL;
	for (i = 1; i < KVS_QUEUES_MAX; i++)
		if (!port->queues[i])
			break;
	if (i == KVS_QUEUES_MAX)
		return -ENOSPC;
	port->queues[i] = q;
	port->nqueues++;
	rcu_assign_pointer(q->port, port);
	kvs_mq_update(port);
	return 0;
}

/**
 * kvs_mq_join() - VHOST_KVS_ADD_QUEUE: become a queue pair of a port
 * @q: this file's queue pair, in no port
 * @fd: the /dev/vhost-kvs file that made the port (its first queue pair)
 *
 * Return: 0, -EBADF, -EINVAL (not such a file, this file itself, or not
 * the port's first queue pair), -ENOTCONN (that file is in no port),
 * -EISCONN (this one is), -ENOSPC (KVS_QUEUES_MAX queue pairs already),
 * -EBUSY (this file is still leaving a port it was a queue pair of).
 */
int kvs_mq_join(struct kvs_queue *q, int fd)
{
	struct kvs_queue *first;
	struct file *file;
	int err;

	file = fget(fd);
	if (!file)
		return -EBADF;
	first = file->f_op == kvs_misc.fops ? file->private_data : NULL;
	if (!first || first == q) {
		fput(file);
		return -EINVAL;
	}
	mutex_lock(&kvs_lock);
	err = kvs_mq_add(q, first);
	mutex_unlock(&kvs_lock);
	/* The port cannot go before the join is done: we held its file. */
	fput(file);
	return err;
}

/* Whether this file's queue pair takes frames changed: spread anew. */
static void kvs_mq_changed(struct kvs_queue *q)
{
	struct kvs_port *port = kvs_queue_port(q);

	if (port)
		kvs_mq_update(port);
}

/*
 * VHOST_KVS_SET_QUEUE_ENABLE and TUNSETQUEUE: the guest turned the queue
 * pair on or off (ethtool -L). Any file may be told, attached or not.
 */
void kvs_mq_set_enabled(struct kvs_queue *q, bool on)
{
	mutex_lock(&kvs_lock);
	q->q_disabled = !on;
	kvs_mq_changed(q);
	mutex_unlock(&kvs_lock);
}

/* The queue pair's RX queue started or stopped. */
void kvs_mq_set_rx_running(struct kvs_queue *q, bool running)
{
	mutex_lock(&kvs_lock);
	q->rx_running = running;
	kvs_mq_changed(q);
	mutex_unlock(&kvs_lock);
}

/* The port's queue pair @q can receive: its MAC comes to it. */
void kvs_queue_claim_mac(struct kvs_queue *q)
{
	struct kvs_port *port;

	rcu_read_lock();
	port = rcu_dereference(q->port);
	if (port)
		kvs_port_claim_mac(port);
	rcu_read_unlock();
}

/* The port leaves its switch: its queue pairs leave with it. */
static void kvs_vport_unlink(struct kvs_port *port)
{
	struct kvs_qmap *map;
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX; i++)
		if (port->queues[i])
			kvs_queue_out(port->queues[i]);
	map = rcu_replace_pointer(port->qmap, NULL,
				  lockdep_is_held(&kvs_lock));
	if (map)
		kfree_rcu(map, rcu);
}

/* A grace period later: drop what its queue pairs hold; they may go. */
static void kvs_vport_gone(struct kvs_port *port)
{
	unsigned int i;

	mutex_lock(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX; i++) {
		struct kvs_queue *q = port->queues[i];

		if (!q)
			continue;
		port->queues[i] = NULL;
		/* Its release waits until it has left: it is still there. */
		kvs_rx_drain(q);
		kvs_queue_settle(q);
	}
	mutex_unlock(&kvs_lock);
}

/* The counters of all its queue pairs. Context: kvs_lock held. */
static void kvs_vport_stats(const struct kvs_port *port, int qi,
			    struct kvs_stats_sum *sum)
{
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX; i++) {
		const struct kvs_queue *q = port->queues[i];

		if (!q)
			continue;
		kvs_stats_sum_add(sum, &q->stats[qi]);
		/* What senders could not queue here, as they dropped it */
		if (qi == VHOST_KVS_VQ_RX)
			sum->drops[KVS_DROP_DEST_FULL] +=
				atomic64_read(&q->inbound_full);
	}
}

const struct kvs_port_ops kvs_vport_ops = {
	.type		= VHOST_KVS_PORT_TYPE_VHOST,
	.deliver	= kvs_fwd_vport,
	.unlink		= kvs_vport_unlink,
	.gone		= kvs_vport_gone,
	.stats		= kvs_vport_stats,
};

/**
 * kvs_queue_attach() - VHOST_KVS_ATTACH: make a port of @q on a switch
 * @q: the queue pair, in no port
 * @net: the switch's namespace
 * @name: the switch's name
 * @mac: the port's MAC
 * @migrate: it may share @mac with another port (a migration)
 *
 * Return: 0, -EINVAL (@mac), -ENOMEM, -EINTR, -EISCONN (@q is in a port),
 * -ENOENT (no such switch), -EADDRINUSE (another port has @mac).
 */
int kvs_queue_attach(struct kvs_queue *q, struct net *net,
		     const char *name, const u8 *mac, bool migrate)
{
	struct kvs_switch *sw;
	struct kvs_port *port;
	int err = 0;

	if (!is_valid_ether_addr(mac))
		return -EINVAL;
	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return -ENOMEM;
	port->ops = &kvs_vport_ops;
	port->migrate = migrate;
	ether_addr_copy(port->mac, mac);
	port->queues[0] = q;
	port->nqueues = 1;
	/* Leaving an old port: attached again only once it has left. */
	if (kvs_lock_queue_settled(q)) {
		kfree(port);
		return -EINTR;
	}
	sw = kvs_switch_find(net, name);
	/* Attached is attached, whatever switch is named. */
	if (rcu_access_pointer(q->port))
		err = -EISCONN;
	else if (!sw)
		err = -ENOENT;
	else
		err = kvs_port_link(sw, port);
	if (!err)
		rcu_assign_pointer(q->port, port);
	mutex_unlock(&kvs_lock);
	if (err)
		kfree(port);
	return err;
}

/**
 * kvs_queue_detach() - VHOST_KVS_DETACH, and release of the file
 * @q: the queue pair
 *
 * The first queue pair of a port takes the whole port out of its switch;
 * any other leaves its port alone.
 * Return: 0, or -ENOTCONN when @q is in no port.
 */
int kvs_queue_detach(struct kvs_queue *q)
{
	struct kvs_port *port;
	bool whole;

	mutex_lock(&kvs_lock);
	port = kvs_queue_port(q);
	if (!port) {
		mutex_unlock(&kvs_lock);
		return -ENOTCONN;
	}
	whole = port->queues[0] == q;
	if (whole)
		kvs_port_unlink(port);
	else
		kvs_mq_leave(port, q);
	mutex_unlock(&kvs_lock);
	/* Datapath readers that found the port or the queue pair are gone
	 * before either can be freed or the queue pair attached again.
	 */
	synchronize_rcu();
	if (whole)
		kvs_port_gone(port);
	else
		kvs_queue_gone(q);
	return 0;
}

/**
 * kvs_flow_hash() - hash of a frame's flow, to pick a receive queue
 * @net: the switch's namespace (for a flow dissector program in it)
 * @buf: the frame
 *
 * IP addresses and L4 ports where the frame has them, else its MAC
 * addresses: frames of one flow always get the same value.
 */
u32 kvs_flow_hash(const struct net *net, const struct kvs_buf *buf)
{
	const struct ethhdr *eth = (const struct ethhdr *)buf->data;
	struct flow_keys keys;

	memset(&keys, 0, sizeof(keys));
	if (__skb_flow_dissect(net, NULL, &flow_keys_dissector, &keys,
			       buf->data, eth->h_proto, ETH_HLEN,
			       kvs_buf_hlen(buf),
			       FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL))
		return flow_hash_from_keys(&keys);
	return jhash(eth, 2 * ETH_ALEN, 0);
}
