// SPDX-License-Identifier: GPL-2.0
/*
 * Leulo devices as the admin sees them: every open /dev/vhost-leulo file
 * is on a list, and leulo-get (the vhost_kvs netlink family) dumps the
 * devices opened from the requester's network namespace, with their
 * limits and counters. A device belongs to the namespace its VMM was in
 * when it opened the file: that is where the VM's switches and ports are
 * managed, not the namespace its host sockets live in.
 *
 * LOCKING: leulo_devs_lock protects the list and the ids; it is taken
 * before l->lock and never with l->dev.mutex held (release takes the
 * device off the list before it stops it).
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "leulo.h"
#include "kvs.h"
#include "nl-gen.h"

static DEFINE_MUTEX(leulo_devs_lock);
static LIST_HEAD(leulo_devs);
static u32 leulo_last_id;

/* A new device, opened by the current process. */
void leulo_register(struct leulo_dev *l)
{
	l->owner = get_task_pid(current, PIDTYPE_TGID);
	l->net_cookie = current->nsproxy->net_ns->net_cookie;
	mutex_lock(&leulo_devs_lock);
	l->id = ++leulo_last_id;
	list_add_tail(&l->node, &leulo_devs);
	mutex_unlock(&leulo_devs_lock);
}

/* Release: off the list, before the device stops. */
void leulo_unregister(struct leulo_dev *l)
{
	mutex_lock(&leulo_devs_lock);
	list_del(&l->node);
	mutex_unlock(&leulo_devs_lock);
	put_pid(l->owner);
}

static int leulo_nl_put_stats(struct sk_buff *msg,
			      const struct vhost_leulo_stats *s)
{
	return nla_put_uint(msg, VHOST_KVS_A_LEULO_REQUESTS, s->requests) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_ERRORS, s->errors) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_BAD_REQUESTS,
			    s->bad_requests) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_EVENTS, s->events) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_EVENTS_DEFERRED,
			    s->events_deferred) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_SOCKETS, s->sockets) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_SOCKETS_PEAK,
			    s->sockets_peak) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_REFUSED_LIMIT,
			    s->refused_limit) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_BYTES_SENT, s->bytes_sent) ||
	       nla_put_uint(msg, VHOST_KVS_A_LEULO_BYTES_RECEIVED,
			    s->bytes_received);
}

/* One device's message; its limits and counters read under l->lock. */
static int leulo_nl_fill(struct sk_buff *msg, struct netlink_callback *cb,
			 struct leulo_dev *l)
{
	struct vhost_leulo_limits lim;
	struct vhost_leulo_stats st;
	void *hdr;

	lockdep_assert_held(&leulo_devs_lock);
	mutex_lock(&l->lock);
	lim = l->limits;
	st = l->stats;
	mutex_unlock(&l->lock);
	hdr = genlmsg_put(msg, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vhost_kvs_nl_family, NLM_F_MULTI,
			  VHOST_KVS_CMD_LEULO_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, VHOST_KVS_A_LEULO_ID, l->id) ||
	    nla_put_u32(msg, VHOST_KVS_A_LEULO_PID,
			pid_nr_ns(l->owner, task_active_pid_ns(current))) ||
	    (READ_ONCE(l->running) &&
	     nla_put_flag(msg, VHOST_KVS_A_LEULO_RUNNING)) ||
	    nla_put_u32(msg, VHOST_KVS_A_LEULO_MAX_SOCKETS, lim.max_sockets) ||
	    nla_put_u32(msg, VHOST_KVS_A_LEULO_MAX_BACKLOG, lim.max_backlog) ||
	    nla_put_u32(msg, VHOST_KVS_A_LEULO_MAX_BUF, lim.max_buf) ||
	    leulo_nl_put_stats(msg, &st)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* cb->args[0]: id of the last device dumped (ids only grow). */
int vhost_kvs_nl_leulo_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	u64 cookie = sock_net(skb->sk)->net_cookie;
	struct leulo_dev *l;
	int err = 0;

	mutex_lock(&leulo_devs_lock);
	list_for_each_entry(l, &leulo_devs, node) {
		if (l->id <= cb->args[0] || l->net_cookie != cookie)
			continue;
		err = leulo_nl_fill(skb, cb, l);
		if (err)
			break;
		cb->args[0] = l->id;
	}
	mutex_unlock(&leulo_devs_lock);
	return err == -EMSGSIZE && skb->len ? skb->len : err;
}
