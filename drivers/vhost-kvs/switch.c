// SPDX-License-Identifier: GPL-2.0
/*
 * Switch objects: named, one list per network namespace, deleted with
 * their namespace. Ports of every type are their members.
 *
 * Every change goes through kvs_lock. Control operations are rare, and one
 * lock makes switch deletion, namespace teardown and port close, which can
 * all race for the same port, simple to get right.
 */
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <linux/rcupdate_wait.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/sysctl.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "kvs.h"

/* Serialises all switch and membership changes; see LOCKING in kvs.h. */
struct mutex kvs_lock = __MUTEX_INITIALIZER(kvs_lock);
EXPORT_SYMBOL_IF_KUNIT(kvs_lock);

static unsigned int kvs_net_id __read_mostly;

#define KVS_NAME_HASH_BITS	6

struct kvs_net {
	DECLARE_HASHTABLE(by_name, KVS_NAME_HASH_BITS);	/* kvs_lock */
	struct xarray switches;		/* by index, for dumps; kvs_lock */
	u32 next_index;			/* kvs_lock */
	unsigned int count;		/* kvs_lock */
	unsigned int max_switches;	/* net.vhost_kvs.max_switches */
	unsigned int gen;		/* kvs_lock: see kvs_gen_bump() */
	struct ctl_table_header *sysctl;
	struct ctl_table sysctl_table[1];	/* this namespace's copy */
	struct delayed_work gc;		/* ages all its switches' FDBs */
};

static struct kvs_net *kvs_net(struct net *net)
{
	return net_generic(net, kvs_net_id);
}

unsigned int kvs_switches_gen(struct net *net)
{
	lockdep_assert_held(&kvs_lock);
	return kvs_net(net)->gen;
}

static u32 kvs_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

struct kvs_switch *kvs_switch_find(struct net *net, const char *name)
{
	struct kvs_switch *sw;

	lockdep_assert_held(&kvs_lock);
	hash_for_each_possible(kvs_net(net)->by_name, sw, hnode,
			       kvs_name_hash(name))
		if (!strcmp(sw->name, name))
			return sw;
	return NULL;
}

/**
 * kvs_switch_next() - for dumps: the first switch from index *@index on
 * @net: the namespace
 * @index: where to look from; set to the switch's index when found
 *
 * Switches keep the index they were created with, in creation order, so a
 * dump resumes where it stopped without walking what it already sent.
 * Return: the switch, or NULL past the last one.
 */
struct kvs_switch *kvs_switch_next(struct net *net, unsigned long *index)
{
	lockdep_assert_held(&kvs_lock);
	return xa_find(&kvs_net(net)->switches, index, ULONG_MAX, XA_PRESENT);
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

/*
 * One work item per namespace ages the FDBs of all its switches, each at
 * its own interval, and sleeps until the next one is due: a tenant's
 * switches cost the host one timer, not one each, and none while it has
 * no switch. The walk runs under RCU (switches are freed after a grace
 * period), so it never waits for kvs_lock.
 */
static void kvs_net_gc(struct work_struct *work)
{
	struct kvs_net *kn = container_of(to_delayed_work(work),
					  struct kvs_net, gc);
	unsigned long now = jiffies, next = 0;
	struct kvs_switch *sw;
	unsigned long index;
	bool any = false;

	rcu_read_lock();
	xa_for_each(&kn->switches, index, sw) {
		if (!time_before(now, READ_ONCE(sw->gc_due))) {
			kvs_fdb_age(&sw->fdb, now);
			WRITE_ONCE(sw->gc_due, now + kvs_gc_interval(sw));
		}
		if (!any || time_before(READ_ONCE(sw->gc_due), next))
			next = READ_ONCE(sw->gc_due);
		any = true;
		cond_resched_rcu();
	}
	rcu_read_unlock();
	/* A switch made after the walk reschedules the work itself. */
	if (any)
		schedule_delayed_work(&kn->gc, max_t(long, next - jiffies, 1));
}

int kvs_switch_new(struct net *net, const char *name, u32 ageing_secs,
		   u32 max_fdb)
{
	struct kvs_net *kn = kvs_net(net);
	struct kvs_switch *sw;
	int err;

	lockdep_assert_held(&kvs_lock);
	if (kvs_switch_find(net, name))
		return -EEXIST;
	if (kn->count >= READ_ONCE(kn->max_switches))
		return -ENOSPC;
	sw = kzalloc(sizeof(*sw), GFP_KERNEL_ACCOUNT);
	if (!sw)
		return -ENOMEM;
	err = kvs_fdb_init(&sw->fdb, max_fdb, (unsigned long)ageing_secs * HZ);
	if (err)
		goto free;
	strscpy(sw->name, name);
	sw->fdb.aged = kvs_switch_aged;
	sw->net = net;
	sw->ageing_secs = ageing_secs;
	INIT_LIST_HEAD(&sw->ports);
	sw->gen = 1;
	sw->gc_due = jiffies + kvs_gc_interval(sw);
	/* Last: the ageing work finds it there from now on. */
	err = xa_alloc_cyclic(&kn->switches, &sw->index, sw, xa_limit_32b,
			      &kn->next_index, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto destroy;
	hash_add(kn->by_name, &sw->hnode, kvs_name_hash(sw->name));
	kn->count++;
	kvs_gen_bump(&kn->gen);
	/* Its first ageing may be due before the work's next run. */
	mod_delayed_work(system_wq, &kn->gc, 0);
	return 0;
destroy:
	kvs_fdb_destroy(&sw->fdb);
free:
	kfree(sw);
	return err;
}

/*
 * Is @mac the own address of a port of @sw? A host port made with
 * tcp-for shares the MAC of the VM it steers for, so it takes nobody's.
 */
bool kvs_switch_mac_taken(struct kvs_switch *sw, const u8 *mac)
{
	struct kvs_port *port;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(port, &sw->ports, sw_node)
		if (!port->tcp_steer && ether_addr_equal(port->mac, mac))
			return true;
	return false;
}

/**
 * kvs_port_link() - make a new port, of any type, a member of @sw
 * @sw: the switch
 * @port: the port; its ops, MAC and migrate flag are set
 *
 * The port gets its id and default policy; the caller then lets its
 * sources send into it.
 * Return: 0, or -EADDRINUSE when another port has its MAC (allowed only
 * for a migration the admin started, and for a host port made with
 * tcp-for).
 */
int kvs_port_link(struct kvs_switch *sw, struct kvs_port *port)
{
	lockdep_assert_held(&kvs_lock);
	if (!port->migrate && !port->tcp_steer &&
	    kvs_switch_mac_taken(sw, port->mac))
		return -EADDRINUSE;
	port->sw = sw;
	kvs_pol_reset(port);
	kvs_split_link(sw, port);
	port->id = ++sw->last_id;
	sw->nports++;
	list_add_tail_rcu(&port->sw_node, &sw->ports);
	kvs_gen_bump(&sw->gen);
	kvs_nl_port_event(sw, port, VHOST_KVS_CMD_PORT_ADD_NTF);
	return 0;
}

/**
 * kvs_port_unlink() - take a port out of its switch
 * @port: the port
 *
 * Its sources stop sending, nothing more is learned onto it and flooding
 * skips it; the datapath may still see it until a grace period has
 * passed. Then kvs_port_gone() frees it.
 */
void kvs_port_unlink(struct kvs_port *port)
{
	struct kvs_switch *sw = port->sw;

	lockdep_assert_held(&kvs_lock);
	kvs_nl_port_event(sw, port, VHOST_KVS_CMD_PORT_DEL_NTF);
	list_del_rcu(&port->sw_node);
	kvs_split_unlink(port);
	kvs_gen_bump(&sw->gen);
	port->ops->unlink(port);
	kvs_fdb_close_dst(&sw->fdb, &port->fdb_dst);
	sw->nports--;
}

/**
 * kvs_port_gone() - free a port a grace period after kvs_port_unlink()
 * @port: the port
 *
 * Its type first drops what waits for it and lets its sources go.
 * Context: process, without kvs_lock.
 */
void kvs_port_gone(struct kvs_port *port)
{
	port->ops->gone(port);
	/* Out of any switch, a grace period ago: no reader is left. */
	kfree(rcu_dereference_protected(port->allowed, true));
	kfree(rcu_dereference_protected(port->vlans, true));
	kfree(port);
}

/**
 * kvs_switch_unlink() - take a switch out of its namespace, its ports out
 * of it
 * @sw: the switch
 *
 * Its ports' sources now drop what they send, like unplugged NICs.
 * sw_node stays untouched for RCU readers; leave_node remembers them. The
 * caller puts the switch on a list (gone_node) for kvs_switches_free(),
 * which it calls once it dropped kvs_lock.
 */
void kvs_switch_unlink(struct kvs_switch *sw)
{
	struct kvs_net *kn = kvs_net(sw->net);
	struct kvs_port *port, *tmp;

	lockdep_assert_held(&kvs_lock);
	INIT_LIST_HEAD(&sw->left);
	list_for_each_entry_safe(port, tmp, &sw->ports, sw_node) {
		kvs_port_unlink(port);
		list_add_tail(&port->leave_node, &sw->left);
	}
	hash_del(&sw->hnode);
	xa_erase(&kn->switches, sw->index);
	kn->count--;
	kvs_gen_bump(&kn->gen);
}

/**
 * kvs_switches_free() - free switches kvs_switch_unlink() took out
 * @gone: the switches
 *
 * One grace period for all of them, then their ports go. Context:
 * process, without kvs_lock.
 */
void kvs_switches_free(struct list_head *gone)
{
	struct kvs_switch *sw, *tmp;
	struct kvs_port *port, *ptmp;

	if (list_empty(gone))
		return;
	/* The ageing work walks switches under RCU. */
	synchronize_rcu();
	list_for_each_entry_safe(sw, tmp, gone, gone_node) {
		list_for_each_entry_safe(port, ptmp, &sw->left, leave_node)
			kvs_port_gone(port);
		kvs_fdb_destroy(&sw->fdb);
		kfree(sw);
	}
}

/**
 * kvs_port_claim_mac() - take this port's own MAC over from another port
 * @port: a port that can now receive
 *
 * A guest migrated to another QEMU comes back on another port with the
 * same MAC, attached with VHOST_KVS_ATTACH_MIGRATE. Once that port can
 * receive, frames for the MAC go there, without waiting for the guest to
 * send (its announcement may be late or missing), and no longer to the
 * old port, whose queues stopped. Any port also takes its MAC back from
 * a port that merely learned it (sent from it). Only a MAC the table has
 * on another port moves: an unknown one stays unknown until the guest
 * sends, as with any port.
 * Context: rcu_read_lock() held, and any that may take the FDB lock.
 */
void kvs_port_claim_mac(struct kvs_port *port)
{
	struct kvs_switch *sw = port->sw;
	struct kvs_port *holder;
	struct kvs_fdb_dst *d;

	d = kvs_fdb_lookup(&sw->fdb, port->mac, 0);
	holder = d ? container_of(d, struct kvs_port, fdb_dst) : NULL;
	if (holder && holder != port &&
	    (port->migrate || !ether_addr_equal(holder->mac, port->mac)) &&
	    kvs_fdb_learn(&sw->fdb, port->mac, 0, &port->fdb_dst, jiffies) ==
	    KVS_FDB_MOVED)
		kvs_nl_fdb_event(sw, port->mac, 0, port->id,
				 VHOST_KVS_CMD_FDB_MOVE_NTF);
}

static int kvs_sysctl_max_switches(const struct ctl_table *table, int write,
				   void *buffer, size_t *lenp, loff_t *ppos)
{
	/* A tenant root in its own namespace may read its limit, not
	 * raise it: that is the host's admin's.
	 */
	if (write && !capable(CAP_NET_ADMIN))
		return -EPERM;
	return proc_douintvec_minmax(table, write, buffer, lenp, ppos);
}

static const struct ctl_table kvs_sysctl_table[] = {
	{
		.procname	= "max_switches",
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= kvs_sysctl_max_switches,
		.extra1		= SYSCTL_ZERO,
	},
};

static int __net_init kvs_net_init(struct net *net)
{
	struct kvs_net *kn = kvs_net(net);

	hash_init(kn->by_name);
	xa_init_flags(&kn->switches, XA_FLAGS_ALLOC | XA_FLAGS_ACCOUNT);
	kn->max_switches = KVS_MAX_SWITCHES;
	kn->gen = 1;
	INIT_DELAYED_WORK(&kn->gc, kvs_net_gc);
	BUILD_BUG_ON(sizeof(kn->sysctl_table) != sizeof(kvs_sysctl_table));
	memcpy(kn->sysctl_table, kvs_sysctl_table, sizeof(kn->sysctl_table));
	kn->sysctl_table[0].data = &kn->max_switches;
	kn->sysctl = register_net_sysctl_sz(net, "net/vhost_kvs",
					    kn->sysctl_table,
					    ARRAY_SIZE(kn->sysctl_table));
	return kn->sysctl || !IS_ENABLED(CONFIG_SYSCTL) ? 0 : -ENOMEM;
}

/* Before kvs_net_exit_batch(): no switch is made in a dying namespace. */
static void __net_exit kvs_net_exit(struct net *net)
{
	unregister_net_sysctl_table(kvs_net(net)->sysctl);
	/* Nothing makes switches here any more, so nothing requeues it. */
	cancel_delayed_work_sync(&kvs_net(net)->gc);
}

/*
 * Namespaces take their switches with them; their ports are detached. One
 * grace period for all the namespaces of a batch, without kvs_lock.
 */
static void __net_exit kvs_net_exit_batch(struct list_head *net_list)
{
	struct kvs_switch *sw;
	unsigned long index;
	struct net *net;
	LIST_HEAD(gone);

	mutex_lock(&kvs_lock);
	list_for_each_entry(net, net_list, exit_list)
		xa_for_each(&kvs_net(net)->switches, index, sw) {
			kvs_switch_unlink(sw);
			list_add_tail(&sw->gone_node, &gone);
		}
	mutex_unlock(&kvs_lock);
	kvs_switches_free(&gone);
	list_for_each_entry(net, net_list, exit_list)
		xa_destroy(&kvs_net(net)->switches);
}

static struct pernet_operations kvs_net_ops = {
	.init = kvs_net_init,
	.exit = kvs_net_exit,
	.exit_batch = kvs_net_exit_batch,
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
