/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vhost_kvs.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VHOST_KVS_GEN_H
#define _LINUX_VHOST_KVS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/vhost_kvs_netlink.h>

int vhost_kvs_nl_pre_doit(const struct genl_split_ops *ops,
			  struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_pre_doit_rtnl(const struct genl_split_ops *ops,
			       struct sk_buff *skb, struct genl_info *info);
void
vhost_kvs_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		       struct genl_info *info);
void
vhost_kvs_nl_post_doit_rtnl(const struct genl_split_ops *ops,
			    struct sk_buff *skb, struct genl_info *info);

int vhost_kvs_nl_switch_new_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_switch_del_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_switch_get_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_switch_get_dumpit(struct sk_buff *skb,
				   struct netlink_callback *cb);
int vhost_kvs_nl_port_get_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_port_get_dumpit(struct sk_buff *skb,
				 struct netlink_callback *cb);
int vhost_kvs_nl_fdb_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int vhost_kvs_nl_fdb_add_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_fdb_del_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_fdb_flush_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_port_set_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_stats_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int vhost_kvs_nl_port_new_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_port_del_doit(struct sk_buff *skb, struct genl_info *info);
int vhost_kvs_nl_leulo_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);

enum {
	VHOST_KVS_NLGRP_EVENTS,
};

extern struct genl_family vhost_kvs_nl_family;

#endif /* _LINUX_VHOST_KVS_GEN_H */
