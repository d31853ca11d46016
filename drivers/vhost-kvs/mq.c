// SPDX-License-Identifier: GPL-2.0
/*
 * Multiqueue ports: one port, several queue pairs.
 *
 * QEMU gives each virtio-net queue pair of a NIC its own vhost device, so a
 * port of N queue pairs is N /dev/vhost-kvs files. The first one attaches
 * to the switch and is the port (the lead): its MAC, id, FDB destination
 * and place in sw->ports are the port's. Each further file joins it with
 * VHOST_KVS_ADD_QUEUE and is one more queue pair of that port: what it
 * transmits is learned and forwarded as the lead's, and it takes its share
 * of what the port receives.
 *
 * A frame to a multiqueue port goes to one queue pair chosen by the hash
 * of its flow (addresses and L4 ports, as a NIC's RSS would), so a flow
 * stays in order on one queue. Only queue pairs that can take frames
 * count: their RX queue runs and the guest has not turned them off (it
 * does with ethtool -L, which QEMU passes on as TUNSETQUEUE on a tap file,
 * or VHOST_KVS_SET_QUEUE_ENABLE). The lead publishes that set under RCU as
 * an array rebuilt on every change (qmap), so the datapath reads one
 * pointer, NULL for a single-queue port.
 *
 * Every change is made under kvs_lock (see LOCKING in kvs.h). A member
 * holds no reference to its lead: the lead's detach, which its release
 * does first, takes all its members out of the switch with it.
 */
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/jhash.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <net/flow_dissector.h>

#include "kvs.h"

/* Rebuild the set of queue pairs that take the lead's inbound frames. */
static void kvs_mq_update(struct kvs_port *lead)
{
	struct kvs_qmap *map = NULL, *old;
	unsigned int i, n = 0;

	lockdep_assert_held(&kvs_lock);
	if (lead->nmembers) {
		map = kzalloc(struct_size(map, q, KVS_QUEUES_MAX),
			      GFP_KERNEL_ACCOUNT);
		/* Without memory every frame goes to the lead: still works. */
		if (map && lead->rx_running && !lead->q_disabled)
			map->q[n++] = lead;
		for (i = 0; map && i < KVS_QUEUES_MAX - 1; i++) {
			struct kvs_port *m = lead->members[i];

			if (m && m->rx_running && !m->q_disabled)
				map->q[n++] = m;
		}
		/* Only the lead, or none at all: no spreading to do. */
		if (map && (!n || (n == 1 && map->q[0] == lead))) {
			kfree(map);
			map = NULL;
		}
		if (map)
			map->n = n;
	}
	old = rcu_replace_pointer(lead->qmap, map, lockdep_is_held(&kvs_lock));
	if (old)
		kfree_rcu(old, rcu);
}

static struct kvs_port *kvs_mq_lead(struct kvs_port *port)
{
	return rcu_dereference_protected(port->lead,
					 lockdep_is_held(&kvs_lock));
}

/* Join @lead, an attached port, as its next queue pair. */
static int kvs_mq_add(struct kvs_port *port, struct kvs_port *lead)
{
	struct kvs_switch *sw;
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	if (rcu_access_pointer(port->sw))
		return -EISCONN;
	/* Still on its way out of a port: the datapath may see it. */
	if (port->leaving)
		return -EBUSY;
	sw = rcu_dereference_protected(lead->sw, lockdep_is_held(&kvs_lock));
	if (!sw)
		return -ENOTCONN;
	/* A queue pair of a port, not the port: give its first file. */
	if (kvs_mq_lead(lead) != lead)
		return -EINVAL;
	for (i = 0; i < KVS_QUEUES_MAX - 1; i++)
		if (!lead->members[i])
			break;
	if (i == KVS_QUEUES_MAX - 1)
		return -ENOSPC;
	lead->members[i] = port;
	lead->nmembers++;
	ether_addr_copy(port->mac, lead->mac);
	WRITE_ONCE(port->id, lead->id);
	rcu_assign_pointer(port->lead, lead);
	rcu_assign_pointer(port->sw, sw);
	kvs_mq_update(lead);
	return 0;
}

/**
 * kvs_mq_join() - VHOST_KVS_ADD_QUEUE: become a queue pair of another port
 * @port: this file's port, not attached
 * @fd: the /dev/vhost-kvs file that is the port to join (its first file)
 *
 * Return: 0, -EBADF, -EINVAL (not such a file, this file itself, or a
 * queue pair rather than a port), -ENOTCONN (that file is not attached),
 * -EISCONN (this one is), -ENOSPC (KVS_QUEUES_MAX queue pairs already),
 * -EBUSY (this file is still leaving a port it was a queue pair of).
 */
int kvs_mq_join(struct kvs_port *port, int fd)
{
	struct kvs_port *lead;
	struct file *file;
	int err;

	file = fget(fd);
	if (!file)
		return -EBADF;
	lead = file->f_op == kvs_misc.fops ? file->private_data : NULL;
	if (!lead || lead == port) {
		fput(file);
		return -EINVAL;
	}
	mutex_lock(&kvs_lock);
	err = kvs_mq_add(port, lead);
	mutex_unlock(&kvs_lock);
	/* The lead cannot go before the join is done: we held its file. */
	fput(file);
	return err;
}

/* Out of its port: what it sends is dropped as an unattached port's. */
static void kvs_mq_out(struct kvs_port *m)
{
	RCU_INIT_POINTER(m->sw, NULL);
	RCU_INIT_POINTER(m->lead, NULL);
	m->leaving = true;
}

/*
 * The lead leaves its switch: its queue pairs leave with it and no frame
 * is spread to them any more. They stay listed until kvs_mq_forget(),
 * after the grace period, drains them.
 */
void kvs_mq_unlink(struct kvs_port *lead)
{
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX - 1; i++)
		if (lead->members[i])
			kvs_mq_out(lead->members[i]);
	RCU_INIT_POINTER(lead->lead, NULL);
	lead->nmembers = 0;
	kvs_mq_update(lead);
}

/* After kvs_mq_unlink() and a grace period: drop what members hold. */
void kvs_mq_forget(struct kvs_port *lead)
{
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX - 1; i++) {
		struct kvs_port *m = lead->members[i];

		if (!m)
			continue;
		lead->members[i] = NULL;
		/* Its release waits until it has left: it is still there. */
		kvs_rx_drain(m);
		kvs_port_settle(m);
	}
}

/* A queue pair leaves its port (detach or release of its file). */
void kvs_mq_leave(struct kvs_port *port, struct kvs_port *lead)
{
	unsigned int i;

	lockdep_assert_held(&kvs_lock);
	for (i = 0; i < KVS_QUEUES_MAX - 1; i++)
		if (lead->members[i] == port)
			lead->members[i] = NULL;
	lead->nmembers--;
	kvs_mq_out(port);
	kvs_mq_update(lead);
}

/* Whether this file's queue pair takes frames changed: spread anew. */
static void kvs_mq_changed(struct kvs_port *port)
{
	struct kvs_port *lead = kvs_mq_lead(port);

	if (lead)
		kvs_mq_update(lead);
}

/*
 * VHOST_KVS_SET_QUEUE_ENABLE and TUNSETQUEUE: the guest turned the queue
 * pair on or off (ethtool -L). Any file may be told, attached or not.
 */
void kvs_mq_set_enabled(struct kvs_port *port, bool on)
{
	mutex_lock(&kvs_lock);
	port->q_disabled = !on;
	kvs_mq_changed(port);
	mutex_unlock(&kvs_lock);
}

/* The queue pair's RX queue started or stopped. */
void kvs_mq_set_rx_running(struct kvs_port *port, bool running)
{
	mutex_lock(&kvs_lock);
	port->rx_running = running;
	kvs_mq_changed(port);
	mutex_unlock(&kvs_lock);
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
			       buf->data, eth->h_proto, ETH_HLEN, buf->len,
			       FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL))
		return flow_hash_from_keys(&keys);
	return jhash(eth, 2 * ETH_ALEN, 0);
}
