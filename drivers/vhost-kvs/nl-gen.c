// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/vhost_kvs.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "nl-gen.h"

#include <uapi/linux/vhost_kvs_netlink.h>

/* Integer value ranges */
static const struct netlink_range_validation vhost_kvs_a_switch_ageing_time_range = {
	.min	= 1ULL,
	.max	= 1000000ULL,
};

static const struct netlink_range_validation vhost_kvs_a_switch_max_fdb_entries_range = {
	.min	= 1ULL,
	.max	= 1048576ULL,
};

static const struct netlink_range_validation vhost_kvs_a_port_max_learned_range = {
	.min	= 1ULL,
	.max	= 65536ULL,
};

static const struct netlink_range_validation vhost_kvs_a_port_coalesce_usecs_range = {
	.max	= 100000ULL,
};

/* VHOST_KVS_CMD_SWITCH_NEW - do */
static const struct nla_policy vhost_kvs_switch_new_nl_policy[VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES + 1] = {
	[VHOST_KVS_A_SWITCH_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_SWITCH_AGEING_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32, &vhost_kvs_a_switch_ageing_time_range),
	[VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES] = NLA_POLICY_FULL_RANGE(NLA_U32, &vhost_kvs_a_switch_max_fdb_entries_range),
};

/* VHOST_KVS_CMD_SWITCH_DEL - do */
static const struct nla_policy vhost_kvs_switch_del_nl_policy[VHOST_KVS_A_SWITCH_NAME + 1] = {
	[VHOST_KVS_A_SWITCH_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* VHOST_KVS_CMD_SWITCH_GET - do */
static const struct nla_policy vhost_kvs_switch_get_nl_policy[VHOST_KVS_A_SWITCH_NAME + 1] = {
	[VHOST_KVS_A_SWITCH_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* VHOST_KVS_CMD_PORT_GET - do */
static const struct nla_policy vhost_kvs_port_get_do_nl_policy[VHOST_KVS_A_PORT_ID + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_ID] = { .type = NLA_U32, },
};

/* VHOST_KVS_CMD_PORT_GET - dump */
static const struct nla_policy vhost_kvs_port_get_dump_nl_policy[VHOST_KVS_A_PORT_SWITCH + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* VHOST_KVS_CMD_FDB_GET - dump */
static const struct nla_policy vhost_kvs_fdb_get_nl_policy[VHOST_KVS_A_FDB_SWITCH + 1] = {
	[VHOST_KVS_A_FDB_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* VHOST_KVS_CMD_FDB_ADD - do */
static const struct nla_policy vhost_kvs_fdb_add_nl_policy[VHOST_KVS_A_FDB_PORT + 1] = {
	[VHOST_KVS_A_FDB_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_FDB_MAC] = NLA_POLICY_EXACT_LEN(6),
	[VHOST_KVS_A_FDB_VID] = { .type = NLA_U16, },
	[VHOST_KVS_A_FDB_PORT] = { .type = NLA_U32, },
};

/* VHOST_KVS_CMD_FDB_DEL - do */
static const struct nla_policy vhost_kvs_fdb_del_nl_policy[VHOST_KVS_A_FDB_VID + 1] = {
	[VHOST_KVS_A_FDB_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_FDB_MAC] = NLA_POLICY_EXACT_LEN(6),
	[VHOST_KVS_A_FDB_VID] = { .type = NLA_U16, },
};

/* VHOST_KVS_CMD_FDB_FLUSH - do */
static const struct nla_policy vhost_kvs_fdb_flush_nl_policy[VHOST_KVS_A_FDB_PORT + 1] = {
	[VHOST_KVS_A_FDB_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_FDB_PORT] = { .type = NLA_U32, },
};

/* VHOST_KVS_CMD_PORT_SET - do */
static const struct nla_policy vhost_kvs_port_set_nl_policy[VHOST_KVS_A_PORT_COALESCE_USECS + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_ID] = { .type = NLA_U32, },
	[VHOST_KVS_A_PORT_ISOLATED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VHOST_KVS_A_PORT_LEARNING] = NLA_POLICY_MAX(NLA_U8, 1),
	[VHOST_KVS_A_PORT_FLOOD] = NLA_POLICY_MAX(NLA_U8, 1),
	[VHOST_KVS_A_PORT_MCAST_FLOOD] = NLA_POLICY_MAX(NLA_U8, 1),
	[VHOST_KVS_A_PORT_MAX_LEARNED] = NLA_POLICY_FULL_RANGE(NLA_U32, &vhost_kvs_a_port_max_learned_range),
	[VHOST_KVS_A_PORT_SPOOFCHK] = NLA_POLICY_MAX(NLA_U8, 1),
	[VHOST_KVS_A_PORT_ALLOWED_MAC] = NLA_POLICY_EXACT_LEN(6),
	[VHOST_KVS_A_PORT_PVID] = NLA_POLICY_MAX(NLA_U16, 4094),
	[VHOST_KVS_A_PORT_VID] = NLA_POLICY_MAX(NLA_U16, 4094),
	[VHOST_KVS_A_PORT_COALESCE_FRAMES] = NLA_POLICY_RANGE(NLA_U32, 1, 1024),
	[VHOST_KVS_A_PORT_COALESCE_USECS] = NLA_POLICY_FULL_RANGE(NLA_U32, &vhost_kvs_a_port_coalesce_usecs_range),
};

/* VHOST_KVS_CMD_STATS_GET - do */
static const struct nla_policy vhost_kvs_stats_get_do_nl_policy[VHOST_KVS_A_PORT_ID + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_ID] = { .type = NLA_U32, },
};

/* VHOST_KVS_CMD_STATS_GET - dump */
static const struct nla_policy vhost_kvs_stats_get_dump_nl_policy[VHOST_KVS_A_PORT_SWITCH + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* VHOST_KVS_CMD_PORT_NEW - do */
static const struct nla_policy vhost_kvs_port_new_nl_policy[VHOST_KVS_A_PORT_TCP_FOR + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_TYPE] = NLA_POLICY_MAX(NLA_U32, 2),
	[VHOST_KVS_A_PORT_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_MAC] = NLA_POLICY_EXACT_LEN(6),
	[VHOST_KVS_A_PORT_NETNS_FD] = { .type = NLA_U32, },
	[VHOST_KVS_A_PORT_TCP_FOR] = NLA_POLICY_EXACT_LEN(6),
};

/* VHOST_KVS_CMD_PORT_DEL - do */
static const struct nla_policy vhost_kvs_port_del_nl_policy[VHOST_KVS_A_PORT_ID + 1] = {
	[VHOST_KVS_A_PORT_SWITCH] = { .type = NLA_NUL_STRING, .len = 15, },
	[VHOST_KVS_A_PORT_ID] = { .type = NLA_U32, },
};

/* Ops table for vhost_kvs */
static const struct genl_split_ops vhost_kvs_nl_ops[] = {
	{
		.cmd		= VHOST_KVS_CMD_SWITCH_NEW,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_switch_new_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_switch_new_nl_policy,
		.maxattr	= VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_SWITCH_DEL,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_switch_del_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_switch_del_nl_policy,
		.maxattr	= VHOST_KVS_A_SWITCH_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_SWITCH_GET,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_switch_get_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_switch_get_nl_policy,
		.maxattr	= VHOST_KVS_A_SWITCH_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VHOST_KVS_CMD_SWITCH_GET,
		.dumpit	= vhost_kvs_nl_switch_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VHOST_KVS_CMD_PORT_GET,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_port_get_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_port_get_do_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_PORT_GET,
		.dumpit		= vhost_kvs_nl_port_get_dumpit,
		.policy		= vhost_kvs_port_get_dump_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_SWITCH,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VHOST_KVS_CMD_FDB_GET,
		.dumpit		= vhost_kvs_nl_fdb_get_dumpit,
		.policy		= vhost_kvs_fdb_get_nl_policy,
		.maxattr	= VHOST_KVS_A_FDB_SWITCH,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VHOST_KVS_CMD_FDB_ADD,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_fdb_add_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_fdb_add_nl_policy,
		.maxattr	= VHOST_KVS_A_FDB_PORT,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_FDB_DEL,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_fdb_del_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_fdb_del_nl_policy,
		.maxattr	= VHOST_KVS_A_FDB_VID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_FDB_FLUSH,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_fdb_flush_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_fdb_flush_nl_policy,
		.maxattr	= VHOST_KVS_A_FDB_PORT,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_PORT_SET,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_port_set_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_port_set_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_COALESCE_USECS,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_STATS_GET,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_stats_get_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_stats_get_do_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_STATS_GET,
		.dumpit		= vhost_kvs_nl_stats_get_dumpit,
		.policy		= vhost_kvs_stats_get_dump_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_SWITCH,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VHOST_KVS_CMD_PORT_NEW,
		.pre_doit	= vhost_kvs_nl_pre_doit_rtnl,
		.doit		= vhost_kvs_nl_port_new_doit,
		.post_doit	= vhost_kvs_nl_post_doit_rtnl,
		.policy		= vhost_kvs_port_new_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_TCP_FOR,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VHOST_KVS_CMD_PORT_DEL,
		.pre_doit	= vhost_kvs_nl_pre_doit,
		.doit		= vhost_kvs_nl_port_del_doit,
		.post_doit	= vhost_kvs_nl_post_doit,
		.policy		= vhost_kvs_port_del_nl_policy,
		.maxattr	= VHOST_KVS_A_PORT_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VHOST_KVS_CMD_LEULO_GET,
		.dumpit	= vhost_kvs_nl_leulo_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group vhost_kvs_nl_mcgrps[] = {
	[VHOST_KVS_NLGRP_EVENTS] = { "events", },
};

struct genl_family vhost_kvs_nl_family __ro_after_init = {
	.name		= VHOST_KVS_FAMILY_NAME,
	.version	= VHOST_KVS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= vhost_kvs_nl_ops,
	.n_split_ops	= ARRAY_SIZE(vhost_kvs_nl_ops),
	.mcgrps		= vhost_kvs_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vhost_kvs_nl_mcgrps),
};
