// SPDX-License-Identifier: GPL-2.0
/*
 * The "vhost-kvs" generic netlink family: the operations of
 * Documentation/netlink/specs/vhost_kvs.yaml. Policies and the ops table
 * are generated (nl-gen.c); this file holds what the operations do.
 */
#include <linux/capability.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include <linux/jiffies.h>

#include "kvs.h"
#include "nl-gen.h"

#define KVS_DEFAULT_AGEING_SECS	300
#define KVS_DEFAULT_MAX_FDB	4096

/*
 * Write operations need CAP_NET_ADMIN over the switch's namespace: the
 * check GENL_UNS_ADMIN_PERM (the spec's uns-admin-perm) makes, done here
 * instead so that the refusal says what is missing; the flag's is a bare
 * EPERM.
 */
static int kvs_nl_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_ns_capable(skb, genl_info_net(info)->user_ns,
			       CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "CAP_NET_ADMIN over the network namespace is required");
	return -EPERM;
}

/* The switch named by attribute @type, which must be present and not empty. */
static const char *kvs_nl_name(struct genl_info *info, unsigned int type)
{
	struct nlattr *attr = info->attrs[type];

	if (!attr) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
		NL_SET_ERR_MSG(info->extack, "switch name missing");
		return NULL;
	}
	if (!nla_len(attr) || !*(char *)nla_data(attr)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "switch name is empty");
		return NULL;
	}
	return nla_data(attr);
}

static struct kvs_switch *kvs_nl_switch(struct genl_info *info,
					unsigned int type)
{
	const char *name = kvs_nl_name(info, type);
	struct kvs_switch *sw;

	lockdep_assert_held(&kvs_lock);
	if (!name)
		return ERR_PTR(-EINVAL);
	sw = kvs_switch_find(genl_info_net(info), name);
	if (!sw) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[type],
				    "no such switch in this network namespace");
		return ERR_PTR(-ENOENT);
	}
	return sw;
}

static u32 kvs_nl_u32(struct genl_info *info, unsigned int type, u32 def)
{
	return info->attrs[type] ? nla_get_u32(info->attrs[type]) : def;
}

/* The port named by attribute @type of @sw; NULL (and extack) if none. */
static struct kvs_port *kvs_nl_port(struct genl_info *info,
				    struct kvs_switch *sw, unsigned int type)
{
	struct kvs_port *port;

	port = kvs_switch_port(sw, nla_get_u32(info->attrs[type]));
	if (!port)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[type],
				    "no such port in this switch");
	return port;
}

/* The operations that change something: the admin's. */
static bool kvs_nl_writes(u8 cmd)
{
	switch (cmd) {
	case VHOST_KVS_CMD_SWITCH_NEW:
	case VHOST_KVS_CMD_SWITCH_DEL:
	case VHOST_KVS_CMD_PORT_SET:
	case VHOST_KVS_CMD_PORT_NEW:
	case VHOST_KVS_CMD_PORT_DEL:
	case VHOST_KVS_CMD_FDB_ADD:
	case VHOST_KVS_CMD_FDB_DEL:
	case VHOST_KVS_CMD_FDB_FLUSH:
		return true;
	}
	return false;
}

/* The attribute naming the switch an operation works on; 0: none. */
static unsigned int kvs_nl_switch_attr(u8 cmd)
{
	switch (cmd) {
	case VHOST_KVS_CMD_SWITCH_DEL:
	case VHOST_KVS_CMD_SWITCH_GET:
		return VHOST_KVS_A_SWITCH_NAME;
	case VHOST_KVS_CMD_PORT_GET:
	case VHOST_KVS_CMD_STATS_GET:
	case VHOST_KVS_CMD_PORT_SET:
	case VHOST_KVS_CMD_PORT_NEW:
	case VHOST_KVS_CMD_PORT_DEL:
		return VHOST_KVS_A_PORT_SWITCH;
	case VHOST_KVS_CMD_FDB_ADD:
	case VHOST_KVS_CMD_FDB_DEL:
	case VHOST_KVS_CMD_FDB_FLUSH:
		return VHOST_KVS_A_FDB_SWITCH;
	}
	return 0;
}

/**
 * vhost_kvs_nl_pre_doit() - what every do operation starts with
 * @ops: the operation
 * @skb: the request
 * @info: the request, parsed
 *
 * The admin check for writes, kvs_lock, and the switch the request names
 * in info->user_ptr[0] (NULL for switch-new). vhost_kvs_nl_post_doit()
 * drops the lock.
 * Return: 0, or the error that ends the request (with extack).
 */
int vhost_kvs_nl_pre_doit(const struct genl_split_ops *ops,
			  struct sk_buff *skb, struct genl_info *info)
{
	unsigned int attr = kvs_nl_switch_attr(ops->cmd);
	struct kvs_switch *sw = NULL;
	int err;

	if (kvs_nl_writes(ops->cmd)) {
		err = kvs_nl_admin(skb, info);
		if (err)
			return err;
	}
	mutex_lock(&kvs_lock);
	if (attr) {
		sw = kvs_nl_switch(info, attr);
		if (IS_ERR(sw)) {
			mutex_unlock(&kvs_lock);
			return PTR_ERR(sw);
		}
	}
	info->user_ptr[0] = sw;
	info->user_ptr[1] = NULL;
	return 0;
}

/**
 * vhost_kvs_nl_post_doit() - what every do operation ends with
 * @ops: the operation
 * @skb: the request
 * @info: the request; user_ptr[1] is a switch switch-del took out, or a
 *	port port-del took out of its switch
 *
 * Drops kvs_lock, then frees what was deleted: its grace period is never
 * waited for under the lock.
 */
void vhost_kvs_nl_post_doit(const struct genl_split_ops *ops,
			    struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *gone_sw = info->user_ptr[1];
	LIST_HEAD(gone);

	mutex_unlock(&kvs_lock);
	if (!info->user_ptr[1])
		return;
	if (ops->cmd == VHOST_KVS_CMD_PORT_DEL) {
		synchronize_rcu();
		kvs_port_gone(info->user_ptr[1]);
		return;
	}
	list_add(&gone_sw->gone_node, &gone);
	kvs_switches_free(&gone);
}

/*
 * port-new makes or takes network devices: the RTNL lock first, then
 * kvs_lock (the order the netdevice notifier takes them in).
 */
int vhost_kvs_nl_pre_doit_rtnl(const struct genl_split_ops *ops,
			       struct sk_buff *skb, struct genl_info *info)
{
	int err;

	/* Who may not write does not get to take the RTNL lock either. */
	err = kvs_nl_writes(ops->cmd) ? kvs_nl_admin(skb, info) : 0;
	if (err)
		return err;
	rtnl_lock();
	err = vhost_kvs_nl_pre_doit(ops, skb, info);
	if (err)
		rtnl_unlock();
	return err;
}

void vhost_kvs_nl_post_doit_rtnl(const struct genl_split_ops *ops,
				 struct sk_buff *skb, struct genl_info *info)
{
	vhost_kvs_nl_post_doit(ops, skb, info);
	rtnl_unlock();
}

int vhost_kvs_nl_switch_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;
	int err;

	name = kvs_nl_name(info, VHOST_KVS_A_SWITCH_NAME);
	if (!name)
		return -EINVAL;
	err = kvs_switch_new(genl_info_net(info), name,
			     kvs_nl_u32(info, VHOST_KVS_A_SWITCH_AGEING_TIME,
					KVS_DEFAULT_AGEING_SECS),
			     kvs_nl_u32(info, VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES,
					KVS_DEFAULT_MAX_FDB));
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VHOST_KVS_A_SWITCH_NAME],
				    "a switch of that name exists");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "this network namespace has all the switches it may have (sysctl net.vhost_kvs.max_switches)");
	return err;
}

/* The switch is freed by vhost_kvs_nl_post_doit(), without kvs_lock. */
int vhost_kvs_nl_switch_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];

	kvs_switch_unlink(sw);
	info->user_ptr[1] = sw;
	return 0;
}

static int kvs_nl_switch_fill(struct sk_buff *msg, struct kvs_switch *sw,
			      u32 portid, u32 seq, int flags)
{
	void *hdr;

	lockdep_assert_held(&kvs_lock);
	hdr = genlmsg_put(msg, portid, seq, &vhost_kvs_nl_family, flags,
			  VHOST_KVS_CMD_SWITCH_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VHOST_KVS_A_SWITCH_NAME, sw->name) ||
	    nla_put_u32(msg, VHOST_KVS_A_SWITCH_AGEING_TIME, sw->ageing_secs) ||
	    nla_put_u32(msg, VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES,
			sw->fdb.max_entries) ||
	    nla_put_u32(msg, VHOST_KVS_A_SWITCH_PORT_COUNT, sw->nports) ||
	    nla_put_u32(msg, VHOST_KVS_A_SWITCH_FDB_COUNT,
			READ_ONCE(sw->fdb.count))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* Send @msg as the answer to a do request, or drop it when @err is set. */
static int kvs_nl_reply(struct sk_buff *msg, struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int vhost_kvs_nl_switch_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return kvs_nl_reply(msg, info,
			    kvs_nl_switch_fill(msg, info->user_ptr[0],
					       info->snd_portid, info->snd_seq,
					       0));
}

/* A dump's message just put at @off: marked NLM_F_DUMP_INTR when @gen,
 * the generation of what is dumped, moved since the previous part.
 */
static void kvs_nl_dump_check(struct netlink_callback *cb, struct sk_buff *skb,
			      int off, unsigned int gen)
{
	lockdep_assert_held(&kvs_lock);
	cb->seq = gen;
	nl_dump_check_consistent(cb, (struct nlmsghdr *)(skb->data + off));
}

/*
 * For a dump of one switch's contents: the switch named by attribute
 * @type, with kvs_lock held; ERR_PTR (with extack, the lock not held)
 * when there is none. kvs_nl_dump_end() ends the part.
 */
static struct kvs_switch *kvs_nl_dump_switch(struct sk_buff *skb,
					     struct netlink_callback *cb,
					     unsigned int type)
{
	const struct genl_info *info = genl_info_dump(cb);
	struct kvs_switch *sw;

	if (!info->attrs[type]) {
		NL_SET_ERR_ATTR_MISS(cb->extack, NULL, type);
		NL_SET_ERR_MSG(cb->extack, "this dump needs a switch name");
		return ERR_PTR(-EINVAL);
	}
	mutex_lock(&kvs_lock);
	sw = kvs_switch_find(sock_net(skb->sk), nla_data(info->attrs[type]));
	if (!sw) {
		mutex_unlock(&kvs_lock);
		NL_SET_ERR_MSG(cb->extack, "no such switch in this network namespace");
		return ERR_PTR(-ENOENT);
	}
	return sw;
}

/* Drops kvs_lock. A full message ends this part; the rest follows. */
static int kvs_nl_dump_end(struct sk_buff *skb, int err)
{
	mutex_unlock(&kvs_lock);
	return err == -EMSGSIZE && skb->len ? skb->len : err;
}

/* cb->args[0]: index (kvs_switch_next()) of the next switch to dump. */
int vhost_kvs_nl_switch_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	unsigned long index = cb->args[0];
	struct kvs_switch *sw;
	int err = 0, off;

	mutex_lock(&kvs_lock);
	while ((sw = kvs_switch_next(net, &index))) {
		off = skb->len;
		err = kvs_nl_switch_fill(skb, sw, NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			break;
		kvs_nl_dump_check(cb, skb, off, kvs_switches_gen(net));
		cb->args[0] = ++index;
	}
	return kvs_nl_dump_end(skb, err);
}

/* Netlink attribute of each drop reason, per queue; 0: never counted. */
static const u16 kvs_nl_drop_attr[VHOST_KVS_VQ_MAX][KVS_DROP_MAX] = {
	[VHOST_KVS_VQ_TX] = {
		[KVS_DROP_NO_SWITCH] = VHOST_KVS_A_PORT_STATS_TX_DROP_NO_SWITCH,
		[KVS_DROP_BAD_DESC] = VHOST_KVS_A_PORT_STATS_TX_DROP_BAD_DESC,
		[KVS_DROP_BAD_HDR] = VHOST_KVS_A_PORT_STATS_TX_DROP_BAD_HDR,
		[KVS_DROP_RUNT] = VHOST_KVS_A_PORT_STATS_TX_DROP_RUNT,
		[KVS_DROP_OVERSIZE] = VHOST_KVS_A_PORT_STATS_TX_DROP_OVERSIZE,
		[KVS_DROP_NOMEM] = VHOST_KVS_A_PORT_STATS_TX_DROP_NOMEM,
		[KVS_DROP_NO_DEST] = VHOST_KVS_A_PORT_STATS_TX_DROP_NO_DEST,
		[KVS_DROP_DEST_FULL] = VHOST_KVS_A_PORT_STATS_TX_DROP_DEST_FULL,
		[KVS_DROP_SPOOF] = VHOST_KVS_A_PORT_STATS_TX_DROP_SPOOF,
		[KVS_DROP_ISOLATED] = VHOST_KVS_A_PORT_STATS_TX_DROP_ISOLATED,
		[KVS_DROP_VLAN] = VHOST_KVS_A_PORT_STATS_TX_DROP_VLAN,
	},
	[VHOST_KVS_VQ_RX] = {
		[KVS_DROP_NO_SWITCH] = VHOST_KVS_A_PORT_STATS_RX_DROP_NO_SWITCH,
		[KVS_DROP_BAD_DESC] = VHOST_KVS_A_PORT_STATS_RX_DROP_BAD_DESC,
		[KVS_DROP_NO_ROOM] = VHOST_KVS_A_PORT_STATS_RX_DROP_NO_ROOM,
		[KVS_DROP_BAD_GSO] = VHOST_KVS_A_PORT_STATS_RX_DROP_BAD_OFFLOAD,
		[KVS_DROP_DEST_FULL] = VHOST_KVS_A_PORT_STATS_RX_DROP_FULL,
		[KVS_DROP_NOMEM] = VHOST_KVS_A_PORT_STATS_RX_DROP_NOMEM,
		[KVS_DROP_DOWN] = VHOST_KVS_A_PORT_STATS_RX_DROP_DOWN,
		[KVS_DROP_TOO_BIG] = VHOST_KVS_A_PORT_STATS_RX_DROP_TOO_BIG,
	},
};

static const u16 kvs_nl_frames_attr[VHOST_KVS_VQ_MAX][2] = {
	[VHOST_KVS_VQ_TX] = { VHOST_KVS_A_PORT_STATS_TX_FRAMES,
			      VHOST_KVS_A_PORT_STATS_TX_BYTES },
	[VHOST_KVS_VQ_RX] = { VHOST_KVS_A_PORT_STATS_RX_FRAMES,
			      VHOST_KVS_A_PORT_STATS_RX_BYTES },
};

/**
 * kvs_stats_sum_add() - add one set of counters to a sum
 * @sum: the sum
 * @s: counters of one source of a port, in one direction
 *
 * Context: any; the writer may be counting meanwhile.
 */
void kvs_stats_sum_add(struct kvs_stats_sum *sum, const struct kvs_stats *s)
{
	u64 f, b, d[KVS_DROP_MAX], p, pc;
	unsigned int start;
	int r;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		f = u64_stats_read(&s->frames);
		b = u64_stats_read(&s->bytes);
		for (r = 0; r < KVS_DROP_MAX; r++)
			d[r] = u64_stats_read(&s->drops[r]);
		p = u64_stats_read(&s->pinned);
		pc = u64_stats_read(&s->pinned_copied);
	} while (u64_stats_fetch_retry(&s->syncp, start));
	sum->frames += f;
	sum->bytes += b;
	sum->pinned += p;
	sum->pinned_copied += pc;
	for (r = 0; r < KVS_DROP_MAX; r++)
		sum->drops[r] += d[r];
}

static int kvs_nl_put_dir_stats(struct sk_buff *msg, struct kvs_port *port,
				int qi)
{
	struct kvs_stats_sum sum = {};
	int r;

	lockdep_assert_held(&kvs_lock);
	port->ops->stats(port, qi, &sum);
	if (nla_put_uint(msg, kvs_nl_frames_attr[qi][0], sum.frames) ||
	    nla_put_uint(msg, kvs_nl_frames_attr[qi][1], sum.bytes))
		return -EMSGSIZE;
	for (r = 0; r < KVS_DROP_MAX; r++)
		if (kvs_nl_drop_attr[qi][r] &&
		    nla_put_uint(msg, kvs_nl_drop_attr[qi][r], sum.drops[r]))
			return -EMSGSIZE;
	if (qi == VHOST_KVS_VQ_TX &&
	    (nla_put_uint(msg, VHOST_KVS_A_PORT_STATS_TX_PINNED, sum.pinned) ||
	     nla_put_uint(msg, VHOST_KVS_A_PORT_STATS_TX_PINNED_COPIED,
			  sum.pinned_copied)))
		return -EMSGSIZE;
	return 0;
}

static int kvs_nl_put_stats(struct sk_buff *msg, struct kvs_port *port)
{
	struct nlattr *nest = nla_nest_start(msg, VHOST_KVS_A_PORT_STATS);

	if (!nest ||
	    kvs_nl_put_dir_stats(msg, port, VHOST_KVS_VQ_TX) ||
	    kvs_nl_put_dir_stats(msg, port, VHOST_KVS_VQ_RX))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* port-get and its notifications carry the whole port; stats-get only
 * the counters, so a monitoring loop does not pay for the policy.
 */
static int kvs_nl_port_fill(struct sk_buff *msg, struct kvs_switch *sw,
			    struct kvs_port *port, u32 portid, u32 seq,
			    int flags, u8 cmd)
{
	bool all = cmd != VHOST_KVS_CMD_STATS_GET;
	void *hdr;

	lockdep_assert_held(&kvs_lock);
	hdr = genlmsg_put(msg, portid, seq, &vhost_kvs_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VHOST_KVS_A_PORT_SWITCH, sw->name) ||
	    nla_put_u32(msg, VHOST_KVS_A_PORT_ID, port->id) ||
	    (all && nla_put(msg, VHOST_KVS_A_PORT_MAC, ETH_ALEN, port->mac)) ||
	    (all && nla_put_u32(msg, VHOST_KVS_A_PORT_QUEUES,
				port->nqueues)) ||
	    (all && nla_put_u32(msg, VHOST_KVS_A_PORT_TYPE, port->ops->type)) ||
	    (all && port->dev &&
	     (nla_put_string(msg, VHOST_KVS_A_PORT_IFNAME, port->dev->name) ||
	      nla_put_u32(msg, VHOST_KVS_A_PORT_IFINDEX,
			  port->dev->ifindex))) ||
	    (all && port->tcp_steer &&
	     nla_put(msg, VHOST_KVS_A_PORT_TCP_FOR, ETH_ALEN, port->mac)) ||
	    kvs_nl_put_stats(msg, port) || (all && kvs_pol_fill(msg, port))) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* port-get and stats-get of one port: @cmd says which. */
static int kvs_nl_port_do(struct genl_info *info, u8 cmd)
{
	struct kvs_switch *sw = info->user_ptr[0];
	struct kvs_port *port;
	struct sk_buff *msg;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_PORT_ID))
		return -EINVAL;
	port = kvs_nl_port(info, sw, VHOST_KVS_A_PORT_ID);
	if (!port)
		return -ENOENT;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return kvs_nl_reply(msg, info,
			    kvs_nl_port_fill(msg, sw, port, info->snd_portid,
					     info->snd_seq, 0, cmd));
}

int vhost_kvs_nl_port_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kvs_nl_port_do(info, VHOST_KVS_CMD_PORT_GET);
}

int vhost_kvs_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kvs_nl_port_do(info, VHOST_KVS_CMD_STATS_GET);
}

int vhost_kvs_nl_port_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];
	struct kvs_port *port;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_PORT_ID))
		return -EINVAL;
	port = kvs_nl_port(info, sw, VHOST_KVS_A_PORT_ID);
	if (!port)
		return -ENOENT;
	err = kvs_pol_set(port, sw, info);
	if (!err)
		kvs_gen_bump(&sw->gen);
	return err;
}

/* The namespace a host port's device is made in: netns-fd's, or @net. */
static struct net *kvs_nl_port_net(struct sk_buff *skb, struct genl_info *info,
				   struct net *net)
{
	struct nlattr *attr = info->attrs[VHOST_KVS_A_PORT_NETNS_FD];

	if (!attr)
		return get_net(net);
	net = get_net_ns_by_fd(nla_get_u32(attr));
	if (IS_ERR(net)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "not a network namespace file descriptor");
		return net;
	}
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "CAP_NET_ADMIN over that namespace is needed");
		put_net(net);
		return ERR_PTR(-EPERM);
	}
	return net;
}

/* The answer to port-new, in @msg, allocated before the port was made. */
static int kvs_nl_port_new_reply(struct genl_info *info, struct sk_buff *msg,
				 struct kvs_port *port)
{
	void *hdr;

	if (IS_ERR(port)) {
		nlmsg_free(msg);	/* NULL: nothing */
		return PTR_ERR(port);
	}
	hdr = genlmsg_iput(msg, info);
	if (!hdr ||
	    nla_put_string(msg, VHOST_KVS_A_PORT_SWITCH, port->sw->name) ||
	    nla_put_u32(msg, VHOST_KVS_A_PORT_ID, port->id) ||
	    nla_put_string(msg, VHOST_KVS_A_PORT_IFNAME, port->dev->name) ||
	    nla_put_u32(msg, VHOST_KVS_A_PORT_IFINDEX, port->dev->ifindex)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* port-new of an uplink: @ifname's device of the switch's namespace. */
static int kvs_nl_uplink_new(struct sk_buff *skb, struct genl_info *info,
			     struct kvs_switch *sw)
{
	struct nlattr *attr = info->attrs[VHOST_KVS_A_PORT_IFNAME];
	struct sk_buff *msg;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_PORT_IFNAME))
		return -EINVAL;
	if (info->attrs[VHOST_KVS_A_PORT_MAC] ||
	    info->attrs[VHOST_KVS_A_PORT_NETNS_FD] ||
	    info->attrs[VHOST_KVS_A_PORT_TCP_FOR]) {
		NL_SET_ERR_MSG(info->extack,
			       "an uplink keeps its device's MAC and namespace");
		return -EINVAL;
	}
	/* Before the port: no port is made that its answer cannot name. */
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return kvs_nl_port_new_reply(info, msg,
				     kvs_uplink_new(sw, nla_data(attr),
						    info->extack));
}

/* Why port-new of a host port was refused, for the requester. */
static void kvs_nl_host_refused(struct genl_info *info, int err)
{
	struct nlattr **attrs = info->attrs;

	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VHOST_KVS_A_PORT_IFNAME],
				    "a network device of that name exists");
	else if (err == -EADDRINUSE)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VHOST_KVS_A_PORT_MAC],
				    "another port of the switch has that MAC");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[VHOST_KVS_A_PORT_TCP_FOR],
				    "another host port takes that MAC's TCP");
	else if (err == -EINVAL)
		NL_SET_ERR_MSG(info->extack,
			       "not a usable interface name or unicast MAC");
}

/* port-new of a host port: a new device, in netns-fd's namespace. */
static int kvs_nl_host_new(struct sk_buff *skb, struct genl_info *info,
			   struct kvs_switch *sw)
{
	struct nlattr *name = info->attrs[VHOST_KVS_A_PORT_IFNAME];
	struct nlattr *mac = info->attrs[VHOST_KVS_A_PORT_MAC];
	struct nlattr *tcp_for = info->attrs[VHOST_KVS_A_PORT_TCP_FOR];
	struct kvs_port *port;
	struct sk_buff *msg;
	struct net *net;

	if (mac && tcp_for) {
		NL_SET_ERR_MSG_ATTR(info->extack, mac,
				    "a host port made with tcp-for has that MAC");
		return -EINVAL;
	}
	net = kvs_nl_port_net(skb, info, sw->net);
	if (IS_ERR(net))
		return PTR_ERR(net);
	/* Before the port: no port is made that its answer cannot name. */
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	mac = mac ?: tcp_for;
	port = msg ? kvs_host_port_new(sw, net, name ? nla_data(name) : NULL,
				       mac ? nla_data(mac) : NULL, !!tcp_for) :
		     ERR_PTR(-ENOMEM);
	put_net(net);
	if (IS_ERR(port))
		kvs_nl_host_refused(info, PTR_ERR(port));
	return kvs_nl_port_new_reply(info, msg, port);
}

/* port-new: host ports and uplinks are made this way. */
int vhost_kvs_nl_port_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *type = info->attrs[VHOST_KVS_A_PORT_TYPE];
	struct kvs_switch *sw = info->user_ptr[0];

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_PORT_TYPE))
		return -EINVAL;
	switch (nla_get_u32(type)) {
	case VHOST_KVS_PORT_TYPE_HOST:
		return kvs_nl_host_new(skb, info, sw);
	case VHOST_KVS_PORT_TYPE_UPLINK:
		return kvs_nl_uplink_new(skb, info, sw);
	}
	NL_SET_ERR_MSG_ATTR(info->extack, type,
			    "a vhost port is made by attaching its /dev/vhost-kvs file");
	return -EOPNOTSUPP;
}

/* The port is freed by vhost_kvs_nl_post_doit(), without kvs_lock. */
int vhost_kvs_nl_port_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];
	struct kvs_port *port;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_PORT_ID))
		return -EINVAL;
	port = kvs_nl_port(info, sw, VHOST_KVS_A_PORT_ID);
	if (!port)
		return -ENOENT;
	if (port->ops->type == VHOST_KVS_PORT_TYPE_VHOST) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VHOST_KVS_A_PORT_ID],
				    "a vhost port leaves when its /dev/vhost-kvs file detaches or closes");
		return -EOPNOTSUPP;
	}
	kvs_port_unlink(port);
	info->user_ptr[1] = port;
	return 0;
}

/* A switch's ports for port-get or stats-get (@cmd).
 * cb->args[0]: id of the last port dumped (ids only grow).
 */
static int kvs_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb,
			    u8 cmd)
{
	struct kvs_switch *sw;
	struct kvs_port *port;
	int err = 0, off;

	sw = kvs_nl_dump_switch(skb, cb, VHOST_KVS_A_PORT_SWITCH);
	if (IS_ERR(sw))
		return PTR_ERR(sw);
	list_for_each_entry(port, &sw->ports, sw_node) {
		if (port->id <= cb->args[0])
			continue;
		off = skb->len;
		err = kvs_nl_port_fill(skb, sw, port, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd);
		if (err)
			break;
		kvs_nl_dump_check(cb, skb, off, sw->gen);
		cb->args[0] = port->id;
	}
	return kvs_nl_dump_end(skb, err);
}

int vhost_kvs_nl_port_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return kvs_nl_port_dump(skb, cb, VHOST_KVS_CMD_PORT_GET);
}

int vhost_kvs_nl_stats_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return kvs_nl_port_dump(skb, cb, VHOST_KVS_CMD_STATS_GET);
}

struct kvs_nl_fdb_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct kvs_switch *sw;
	unsigned long now;
};

/* One entry; under kvs_lock (ports stay) and fdb->lock (entries stay). */
static int kvs_nl_fdb_fill(const struct kvs_fdb_entry *e, void *arg)
{
	struct kvs_nl_fdb_ctx *c = arg;
	struct kvs_port *port = container_of(READ_ONCE(e->dst), struct kvs_port,
					     fdb_dst);
	unsigned long idle = c->now - READ_ONCE(e->updated);
	void *hdr;

	hdr = genlmsg_put(c->skb, NETLINK_CB(c->cb->skb).portid,
			  c->cb->nlh->nlmsg_seq, &vhost_kvs_nl_family,
			  NLM_F_MULTI, VHOST_KVS_CMD_FDB_GET);
	if (!hdr)
		return -EMSGSIZE;
	/* A change since the previous entry marks this one (under RCU, the
	 * table changes as it is walked).
	 */
	c->cb->seq = READ_ONCE(c->sw->fdb.gen);
	genl_dump_check_consistent(c->cb, hdr);
	if (nla_put_string(c->skb, VHOST_KVS_A_FDB_SWITCH, c->sw->name) ||
	    nla_put(c->skb, VHOST_KVS_A_FDB_MAC, ETH_ALEN, e->key.addr) ||
	    nla_put_u16(c->skb, VHOST_KVS_A_FDB_VID, e->key.vid) ||
	    nla_put_u32(c->skb, VHOST_KVS_A_FDB_PORT, port->id) ||
	    (e->is_static && nla_put_flag(c->skb, VHOST_KVS_A_FDB_STATIC)) ||
	    nla_put_u32(c->skb, VHOST_KVS_A_FDB_IDLE_MS,
			jiffies_to_msecs(e->is_static ? 0 : idle))) {
		genlmsg_cancel(c->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(c->skb, hdr);
	return 0;
}

/* cb->args[0]: entries already dumped; cb->seq: the table's generation. */
int vhost_kvs_nl_fdb_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct kvs_nl_fdb_ctx c = { .skb = skb, .cb = cb, .now = jiffies };

	c.sw = kvs_nl_dump_switch(skb, cb, VHOST_KVS_A_FDB_SWITCH);
	if (IS_ERR(c.sw))
		return PTR_ERR(c.sw);
	return kvs_nl_dump_end(skb, kvs_fdb_walk(&c.sw->fdb, &cb->args[0],
						 kvs_nl_fdb_fill, &c));
}

static u16 kvs_nl_vid(struct genl_info *info)
{
	return info->attrs[VHOST_KVS_A_FDB_VID] ?
	       nla_get_u16(info->attrs[VHOST_KVS_A_FDB_VID]) : 0;
}

int vhost_kvs_nl_fdb_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];
	struct kvs_port *port;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_FDB_MAC) ||
	    GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_FDB_PORT))
		return -EINVAL;
	port = kvs_nl_port(info, sw, VHOST_KVS_A_FDB_PORT);
	if (!port)
		return -ENOENT;
	err = kvs_fdb_add_static(&sw->fdb,
				 nla_data(info->attrs[VHOST_KVS_A_FDB_MAC]),
				 kvs_nl_vid(info), &port->fdb_dst);
	if (err == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VHOST_KVS_A_FDB_MAC],
				    "a static entry needs a unicast MAC");
	else if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "the switch's MAC table is full");
	return err;
}

int vhost_kvs_nl_fdb_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VHOST_KVS_A_FDB_MAC))
		return -EINVAL;
	err = kvs_fdb_del(&sw->fdb, nla_data(info->attrs[VHOST_KVS_A_FDB_MAC]),
			  kvs_nl_vid(info));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VHOST_KVS_A_FDB_MAC],
				    "no entry for this MAC and VLAN");
	return err;
}

int vhost_kvs_nl_fdb_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kvs_switch *sw = info->user_ptr[0];
	struct kvs_port *port = NULL;

	if (info->attrs[VHOST_KVS_A_FDB_PORT]) {
		port = kvs_nl_port(info, sw, VHOST_KVS_A_FDB_PORT);
		if (!port)
			return -ENOENT;
	}
	kvs_fdb_flush(&sw->fdb, &(struct kvs_fdb_flush_desc){
		.dst = port ? &port->fdb_dst : NULL, .learned_only = true });
	return 0;
}

/*
 * Events, on multicast group "events" of the switch's namespace. Each is
 * built only when someone listens there, so the datapath (learning) pays
 * one check when nobody does.
 */
static bool kvs_nl_listened(const struct kvs_switch *sw)
{
	return genl_has_listeners(&vhost_kvs_nl_family, sw->net,
				  VHOST_KVS_NLGRP_EVENTS);
}

/**
 * kvs_nl_port_event() - tell listeners a port joined or left @sw
 * @sw: the switch
 * @port: the port, still listed with its queue pairs and counters
 * @cmd: VHOST_KVS_CMD_PORT_ADD_NTF or VHOST_KVS_CMD_PORT_DEL_NTF
 *
 * Context: kvs_lock held.
 */
void kvs_nl_port_event(struct kvs_switch *sw, struct kvs_port *port, u8 cmd)
{
	struct sk_buff *msg;

	lockdep_assert_held(&kvs_lock);
	if (!kvs_nl_listened(sw))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (kvs_nl_port_fill(msg, sw, port, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&vhost_kvs_nl_family, sw->net, msg, 0,
				VHOST_KVS_NLGRP_EVENTS, GFP_KERNEL);
}

/**
 * kvs_nl_fdb_event() - tell listeners a MAC was learned, moved or aged
 * @sw: the switch
 * @mac: the address
 * @vid: its VLAN
 * @port_id: the port it is (was, for ageing) behind
 * @cmd: VHOST_KVS_CMD_FDB_LEARN_NTF, _MOVE_NTF or _AGE_NTF
 *
 * Context: any that does not sleep (a TX worker learning, the ageing
 * work under the table's lock); the message is allocated atomically and
 * an event that finds no memory is not sent.
 */
void kvs_nl_fdb_event(struct kvs_switch *sw, const u8 *mac, u16 vid,
		      u32 port_id, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	if (!kvs_nl_listened(sw))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &vhost_kvs_nl_family, 0, cmd);
	if (!hdr ||
	    nla_put_string(msg, VHOST_KVS_A_FDB_SWITCH, sw->name) ||
	    nla_put(msg, VHOST_KVS_A_FDB_MAC, ETH_ALEN, mac) ||
	    nla_put_u16(msg, VHOST_KVS_A_FDB_VID, vid) ||
	    nla_put_u32(msg, VHOST_KVS_A_FDB_PORT, port_id)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vhost_kvs_nl_family, sw->net, msg, 0,
				VHOST_KVS_NLGRP_EVENTS, GFP_ATOMIC);
}

int kvs_netlink_init(void)
{
	return genl_register_family(&vhost_kvs_nl_family);
}

void kvs_netlink_exit(void)
{
	genl_unregister_family(&vhost_kvs_nl_family);
}

#if !IS_ENABLED(CONFIG_VHOST_KVS_LEULO)
/* Without Leulo (CONFIG_VHOST_KVS_LEULO), leulo-get has nothing to list. */
int vhost_kvs_nl_leulo_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	return 0;
}
#endif
