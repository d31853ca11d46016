// SPDX-License-Identifier: GPL-2.0
/*
 * Switch objects: named, one list per network namespace, deleted with
 * their namespace. Ports (open /dev/vhost-kvs files) attach to them.
 *
 * Every change goes through kvs_lock. Control operations are rare, and one
 * lock makes switch deletion, namespace teardown and port close, which can
 * all race for the same port, simple to get right.
 */
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kvs.h"

/* Serialises all switch and membership changes; see LOCKING in kvs.h. */
DEFINE_MUTEX(kvs_lock);

static unsigned int kvs_net_id __read_mostly;

struct kvs_net {
	struct list_head switches;	/* kvs_lock */
	unsigned int gen;		/* kvs_lock: see kvs_gen_bump() */
};

static struct kvs_net *kvs_net(struct net *net)
{
	return net_generic(net, kvs_net_id);
}

static struct list_head *kvs_switches(struct net *net)
{
	return &kvs_net(net)->switches;
}

unsigned int kvs_switches_gen(struct net *net)
{
	lockdep_assert_held(&kvs_lock);
	return kvs_net(net)->gen;
}

struct kvs_switch *kvs_switch_find(struct net *net, const char *name)
{
	struct kvs_switch *sw;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(sw, kvs_switches(net), node)
		if (!strcmp(sw->name, name))
			return sw;
	return NULL;
}

/* For dumps: the n-th switch of the namespace, NULL past the end. */
struct kvs_switch *kvs_switch_nth(struct net *net, unsigned long n)
{
	struct kvs_switch *sw;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(sw, kvs_switches(net), node)
		if (!n--)
			return sw;
	return NULL;
}

struct kvs_port *kvs_switch_port(struct kvs_switch *sw, u32 id)
{
	struct kvs_port *port;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(port, &sw->ports, sw_node)
		if (port->id == id)
			return port;
	return NULL;
}

/* Age the FDB at half the ageing time, so an entry lives at most 1.5x. */
static unsigned long kvs_gc_interval(const struct kvs_switch *sw)
{
	return max_t(unsigned long, HZ, sw->ageing_secs * HZ / 2);
}

/* An entry ages out: tell listeners. Under the table's lock. */
static void kvs_switch_aged(struct kvs_fdb *fdb, const struct kvs_fdb_entry *e)
{
	struct kvs_switch *sw = container_of(fdb, struct kvs_switch, fdb);
	struct kvs_port *port = container_of(e->dst, struct kvs_port, fdb_dst);

	kvs_nl_fdb_event(sw, e->key.addr, e->key.vid, port->id,
			 VHOST_KVS_CMD_FDB_AGE_NTF);
}

static void kvs_switch_gc(struct work_struct *work)
{
	struct kvs_switch *sw = container_of(to_delayed_work(work),
					     struct kvs_switch, gc);

	kvs_fdb_age(&sw->fdb, jiffies);
	schedule_delayed_work(&sw->gc, kvs_gc_interval(sw));
}

int kvs_switch_new(struct net *net, const char *name, u32 ageing_secs,
		   u32 max_fdb)
{
	struct kvs_switch *sw;
	int err;

	lockdep_assert_held(&kvs_lock);
	if (kvs_switch_find(net, name))
		return -EEXIST;
	sw = kzalloc(sizeof(*sw), GFP_KERNEL_ACCOUNT);
	if (!sw)
		return -ENOMEM;
	err = kvs_fdb_init(&sw->fdb, max_fdb, (unsigned long)ageing_secs * HZ);
	if (err) {
		kfree(sw);
		return err;
	}
	strscpy(sw->name, name);
	sw->fdb.aged = kvs_switch_aged;
	sw->net = net;
	sw->ageing_secs = ageing_secs;
	INIT_LIST_HEAD(&sw->ports);
	sw->gen = 1;
	INIT_DELAYED_WORK(&sw->gc, kvs_switch_gc);
	list_add_tail(&sw->node, kvs_switches(net));
	kvs_gen_bump(&kvs_net(net)->gen);
	schedule_delayed_work(&sw->gc, kvs_gc_interval(sw));
	return 0;
}

static void kvs_port_unlink(struct kvs_port *port, struct kvs_switch *sw)
{
	lockdep_assert_held(&kvs_lock);
	kvs_nl_port_event(sw, port, VHOST_KVS_CMD_PORT_DEL_NTF);
	list_del_rcu(&port->sw_node);
	kvs_gen_bump(&sw->gen);
	RCU_INIT_POINTER(port->sw, NULL);
	kvs_mq_unlink(port);
	kvs_fdb_close_dst(&sw->fdb, &port->fdb_dst);
	sw->nports--;
}

static void kvs_switch_destroy(struct kvs_switch *sw)
{
	struct kvs_port *port, *tmp;
	LIST_HEAD(left);

	lockdep_assert_held(&kvs_lock);
	/* 1. Ports leave: they now drop what they send, like unplugged NICs.
	 * sw_node stays untouched for RCU readers; leave_node remembers
	 * them (ports cannot be freed meanwhile: release takes kvs_lock).
	 */
	list_for_each_entry_safe(port, tmp, &sw->ports, sw_node) {
		kvs_port_unlink(port, sw);
		list_add_tail(&port->leave_node, &left);
	}
	/* 2. Nobody finds the switch any more. */
	list_del(&sw->node);
	kvs_gen_bump(&kvs_net(sw->net)->gen);
	/* 3. The GC is stopped; it takes no kvs_lock, so this cannot block. */
	cancel_delayed_work_sync(&sw->gc);
	/* 4. Datapath readers that saw the switch are gone. */
	synchronize_rcu();
	/* 5. What was on its way to the ports is dropped. */
	list_for_each_entry(port, &left, leave_node) {
		kvs_mq_forget(port);
		kvs_rx_drain(port);
	}
	kvs_fdb_destroy(&sw->fdb);
	kfree(sw);
}

int kvs_switch_del(struct net *net, const char *name)
{
	struct kvs_switch *sw;

	lockdep_assert_held(&kvs_lock);
	sw = kvs_switch_find(net, name);
	if (!sw)
		return -ENOENT;
	kvs_switch_destroy(sw);
	return 0;
}

int kvs_port_attach(struct kvs_port *port, struct net *net,
		    const char *name, const u8 *mac)
{
	struct kvs_switch *sw;

	if (!is_valid_ether_addr(mac))
		return -EINVAL;
	mutex_lock(&kvs_lock);
	/* Attached is attached, whatever switch is named. */
	if (rcu_access_pointer(port->sw)) {
		mutex_unlock(&kvs_lock);
		return -EISCONN;
	}
	sw = kvs_switch_find(net, name);
	if (!sw) {
		mutex_unlock(&kvs_lock);
		return -ENOENT;
	}
	ether_addr_copy(port->mac, mac);
	/* No learner from an earlier membership is left (see detach). */
	WRITE_ONCE(port->fdb_dst.closed, false);
	kvs_pol_reset(port);
	port->id = ++sw->last_id;
	sw->nports++;
	list_add_tail_rcu(&port->sw_node, &sw->ports);
	kvs_gen_bump(&sw->gen);
	rcu_assign_pointer(port->lead, port);
	rcu_assign_pointer(port->sw, sw);
	kvs_nl_port_event(sw, port, VHOST_KVS_CMD_PORT_ADD_NTF);
	mutex_unlock(&kvs_lock);
	return 0;
}

int kvs_port_detach(struct kvs_port *port)
{
	struct kvs_switch *sw;
	struct kvs_port *lead;

	mutex_lock(&kvs_lock);
	sw = rcu_dereference_protected(port->sw, lockdep_is_held(&kvs_lock));
	if (!sw) {
		mutex_unlock(&kvs_lock);
		return -ENOTCONN;
	}
	lead = rcu_dereference_protected(port->lead,
					 lockdep_is_held(&kvs_lock));
	if (lead == port)
		kvs_port_unlink(port, sw);
	else
		kvs_mq_leave(port, lead);	/* one queue pair of a port */
	/* Datapath readers that found the port are gone before it can be
	 * freed or attached again; kvs_lock keeps a concurrent attach out
	 * until then, which is what lets attach reopen its FDB destination.
	 */
	synchronize_rcu();
	if (lead == port)
		kvs_mq_forget(port);
	mutex_unlock(&kvs_lock);
	kvs_rx_drain(port);
	return 0;
}

/**
 * kvs_port_claim_mac() - take this port's own MAC over from another port
 * @port: a port whose receive queue just started
 *
 * A guest migrated to another QEMU comes back on another port with the
 * same MAC. Once that port can receive, frames for the MAC go there,
 * without waiting for the guest to send (its announcement may be late
 * or missing), and no longer to the old port, whose queues stopped.
 * Only a MAC the table has on another port moves: an unknown one stays
 * unknown until the guest sends, as with any port.
 * Context: any that may take the FDB lock; attached or not.
 */
void kvs_port_claim_mac(struct kvs_port *port)
{
	struct kvs_port *lead;
	struct kvs_fdb_dst *d;
	struct kvs_switch *sw;

	rcu_read_lock();
	sw = rcu_dereference(port->sw);
	lead = rcu_dereference(port->lead);	/* the port of a queue pair */
	d = sw && lead ? kvs_fdb_lookup(&sw->fdb, lead->mac, 0) : NULL;
	if (d && d != &lead->fdb_dst &&
	    kvs_fdb_learn(&sw->fdb, lead->mac, 0, &lead->fdb_dst, jiffies) ==
	    KVS_FDB_MOVED)
		kvs_nl_fdb_event(sw, lead->mac, 0, lead->id,
				 VHOST_KVS_CMD_FDB_MOVE_NTF);
	rcu_read_unlock();
}

static int __net_init kvs_net_init(struct net *net)
{
	INIT_LIST_HEAD(kvs_switches(net));
	kvs_net(net)->gen = 1;
	return 0;
}

/* A namespace takes its switches with it; their ports are detached. */
static void __net_exit kvs_net_exit(struct net *net)
{
	struct kvs_switch *sw, *tmp;

	mutex_lock(&kvs_lock);
	list_for_each_entry_safe(sw, tmp, kvs_switches(net), node)
		kvs_switch_destroy(sw);
	mutex_unlock(&kvs_lock);
}

static struct pernet_operations kvs_net_ops = {
	.init = kvs_net_init,
	.exit = kvs_net_exit,
	.id = &kvs_net_id,
	.size = sizeof(struct kvs_net),
};

int kvs_switch_init(void)
{
	return register_pernet_subsys(&kvs_net_ops);
}

void kvs_switch_exit(void)
{
	unregister_pernet_subsys(&kvs_net_ops);
}
