// SPDX-License-Identifier: GPL-2.0
/*
 * kvsctl: manage vhost-kvs switches over the "vhost-kvs" generic netlink
 * family, the way ip(8) manages links.
 *
 *   kvsctl [-j] switch add NAME [ageing SECS] [max-fdb N]
 *   kvsctl [-j] switch del NAME
 *   kvsctl [-j] switch show [NAME]
 *   kvsctl [-j] port show SWITCH [ID]
 *   kvsctl [-j] stats [SWITCH[/ID]]
 *   kvsctl [-j] monitor
 *
 * Exit status: 0 done, 1 the kernel refused (its message is printed),
 * 2 bad command line or no vhost-kvs in this kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vhost_kvs_netlink.h>

#include "kvs-mac.h"

static struct mnl_socket *nl;
static unsigned int seq, portid;
static int json, first = 1;

/*
 * A switch name as printed: as it is, or escaped for a JSON string with
 * -j (a name may hold any byte but NUL). Four buffers, so one printf()
 * may use several.
 */
static const char *name_str(const char *name)
{
	static char buf[4][16 * 6 + 1];
	static unsigned int k;
	char *o = buf[k++ % 4];
	size_t n = 0;

	if (!json)
		return name;
	for (; *name; name++) {
		unsigned char c = *name;

		if (c == '"' || c == '\\')
			n += sprintf(o + n, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			n += sprintf(o + n, "\\u%04x", c);
		else
			o[n++] = c;
		if (n > sizeof(buf[0]) - 7)
			break;
	}
	o[n] = 0;
	return o;
}

/* A name attribute, "?" when missing. */
static const char *attr_name(struct nlattr **tb, int type)
{
	return name_str(tb[type] ? mnl_attr_get_str(tb[type]) : "?");
}
static uint16_t family;
static uint32_t events_grp;	/* multicast group "events", 0: none */

static void usage(void)
{
	fprintf(stderr,
		"usage: kvsctl [-j] switch add NAME [ageing SECS] [max-fdb N]\n"
		"       kvsctl [-j] switch del NAME\n"
		"       kvsctl [-j] switch show [NAME]\n"
		"       kvsctl [-j] port show SWITCH [ID]\n"
		"       kvsctl [-j] port add SWITCH host [NAME] [mac MAC | tcp-for MAC] [netns PATH]\n"
		"       kvsctl [-j] port add SWITCH uplink DEV\n"
		"       kvsctl port del SWITCH/ID|SWITCH ID             (host port or uplink)\n"
		"       kvsctl port set SWITCH/ID|SWITCH ID [isolated on|off] [learning on|off]\n"
		"              [flood on|off] [mcast-flood on|off] [max-learned N] [spoofchk on|off]\n"
		"              [allow MAC[,MAC...]|none] [vlan VID|none] [trunk VID[,VID...]|none]\n"
		"              [native VID|none] [coalesce-frames N] [coalesce-usecs N]\n"
		"       kvsctl [-j] fdb show SWITCH\n"
		"       kvsctl fdb add SWITCH MAC port ID [vlan VID]   (static)\n"
		"       kvsctl fdb del SWITCH MAC [vlan VID]\n"
		"       kvsctl fdb flush SWITCH [port ID]              (learned ones)\n"
		"       kvsctl [-j] stats [SWITCH[/ID]]                (traffic and drops per port)\n"
		"       kvsctl [-j] monitor                            (events, until killed)\n"
		"       kvsctl [-j] leulo show                         (Leulo devices: limits, counters)\n");
	exit(2);
}

static struct nlmsghdr *msg_start(char *buf, uint16_t type, uint8_t cmd,
				  uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = VHOST_KVS_FAMILY_VERSION;
	return nlh;
}

/* Print the kernel's extended ack message with the errno. */
static int print_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *cmd = data;
	struct nlattr *attr;

	if (!e->error)
		return MNL_CB_STOP;
	errno = -e->error;
	fprintf(stderr, "kvsctl: %s: %s", cmd, strerror(-e->error));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t off = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&e->msg);
		mnl_attr_for_each_payload((struct nlattr *)((char *)e + off),
					  mnl_nlmsg_get_payload_len(nlh) - off)
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
				fprintf(stderr, " (%s)", mnl_attr_get_str(attr));
	}
	fputc('\n', stderr);
	return MNL_CB_ERROR;
}

/* A dump ends with DONE, whose payload is 0 or the error that ended it. */
static int dump_done(const struct nlmsghdr *nlh, void *data)
{
	const int *err = mnl_nlmsg_get_payload(nlh);
	struct nlattr *attr;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*err) || !*err)
		return MNL_CB_STOP;
	errno = -*err;
	fprintf(stderr, "kvsctl: %s: %s", (const char *)data, strerror(-*err));
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(attr, nlh, sizeof(*err))
			if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG)
				fprintf(stderr, " (%s)", mnl_attr_get_str(attr));
	fputc('\n', stderr);
	return MNL_CB_ERROR;
}

/* Send a request, run @cb on each reply; @what names it in errors. */
/* Whether a message of the datagram says its dump was interrupted. */
static int dump_interrupted(const char *buf, int len)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len))
		if (m->nlmsg_flags & NLM_F_DUMP_INTR)
			return 1;
	return 0;
}

static int talk(struct nlmsghdr *nlh, mnl_cb_t cb, const char *what)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = print_error,
		[NLMSG_DONE] = dump_done,
	};
	char buf[32768];
	int n, intr = 0;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			intr |= dump_interrupted(buf, n);
		n = mnl_cb_run2(buf, n, nlh->nlmsg_seq, portid, cb,
				(void *)what, ctl, NLMSG_MIN_TYPE);
		if (n <= MNL_CB_STOP)
			break;
	}
	if (n < 0 && errno == EAGAIN)
		fprintf(stderr, "kvsctl: %s: no answer from the kernel\n", what);
	if (intr)
		fprintf(stderr, "kvsctl: %s: changed during the dump; run it again for a consistent view\n",
			what);
	return n < 0 ? -1 : 0;
}

/* The id of multicast group "events" in a CTRL_ATTR_MCAST_GROUPS nest. */
static void find_events_group(const struct nlattr *groups)
{
	const struct nlattr *g, *a;

	mnl_attr_for_each_nested(g, groups) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, g) {
			if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(a);
		}
		if (name && !strcmp(name, VHOST_KVS_MCGRP_EVENTS))
			events_grp = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
			family = mnl_attr_get_u16(a);
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
			find_events_group(a);
	}
	return MNL_CB_OK;
}

static void open_family(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("kvsctl: netlink");
		exit(2);
	}
	portid = mnl_socket_get_portid(nl);
	/* The kernel's reason for a refusal comes as an extended ACK. */
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK,
		   &(int){ 1 }, sizeof(int));
	/* Never wait forever on a kernel that does not answer. */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_sec = 10 }, sizeof(struct timeval));
	nlh = msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, VHOST_KVS_FAMILY_NAME);
	if (talk(nlh, family_cb, "family") || !family) {
		fprintf(stderr, "kvsctl: this kernel has no vhost-kvs (genetlink family \"%s\")\n",
			VHOST_KVS_FAMILY_NAME);
		exit(2);
	}
}

static uint32_t attr_u32(struct nlattr **tb, int t)
{
	return tb[t] ? mnl_attr_get_u32(tb[t]) : 0;
}

/* Highest attribute type kept by collect() */
#define ATTR_MAX 32

static int collect(const struct nlattr *a, void *data)
{
	struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= ATTR_MAX)
		tb[mnl_attr_get_type(a)] = (struct nlattr *)a;
	return MNL_CB_OK;
}

static int switch_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	const char *name;

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	name = attr_name(tb, VHOST_KVS_A_SWITCH_NAME);
	printf(json ? "%s{\"name\":\"%s\",\"ageing_time\":%u,\"max_fdb_entries\":%u,\"ports\":%u,\"fdb_entries\":%u}"
		    : "%sswitch %s ageing %u max-fdb %u ports %u fdb %u\n",
	       json ? (first ? "" : ",") : "", name,
	       attr_u32(tb, VHOST_KVS_A_SWITCH_AGEING_TIME),
	       attr_u32(tb, VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES),
	       attr_u32(tb, VHOST_KVS_A_SWITCH_PORT_COUNT),
	       attr_u32(tb, VHOST_KVS_A_SWITCH_FDB_COUNT));
	first = 0;
	return MNL_CB_OK;
}

static void mac_str(const struct nlattr *a, char *out)
{
	const uint8_t *m = (const uint8_t *)"\0\0\0\0\0\0";

	if (a && mnl_attr_get_payload_len(a) == 6)
		m = mnl_attr_get_payload(a);
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Counter names as in the YNL spec, by attribute. */
static const char *const stat_names[VHOST_KVS_A_PORT_STATS_MAX + 1] = {
	[VHOST_KVS_A_PORT_STATS_RX_FRAMES] = "rx-frames",
	[VHOST_KVS_A_PORT_STATS_RX_BYTES] = "rx-bytes",
	[VHOST_KVS_A_PORT_STATS_TX_FRAMES] = "tx-frames",
	[VHOST_KVS_A_PORT_STATS_TX_BYTES] = "tx-bytes",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_NO_SWITCH] = "tx-drop-no-switch",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_BAD_DESC] = "tx-drop-bad-desc",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_BAD_HDR] = "tx-drop-bad-hdr",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_RUNT] = "tx-drop-runt",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_OVERSIZE] = "tx-drop-oversize",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_NOMEM] = "tx-drop-nomem",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_NO_DEST] = "tx-drop-no-dest",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_DEST_FULL] = "tx-drop-dest-full",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_SPOOF] = "tx-drop-spoof",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_ISOLATED] = "tx-drop-isolated",
	[VHOST_KVS_A_PORT_STATS_TX_DROP_VLAN] = "tx-drop-vlan",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_NO_SWITCH] = "rx-drop-no-switch",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_BAD_DESC] = "rx-drop-bad-desc",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_NO_ROOM] = "rx-drop-no-room",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_BAD_OFFLOAD] = "rx-drop-bad-offload",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_FULL] = "rx-drop-full",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_NOMEM] = "rx-drop-nomem",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_DOWN] = "rx-drop-down",
	[VHOST_KVS_A_PORT_STATS_RX_DROP_TOO_BIG] = "rx-drop-too-big",
	[VHOST_KVS_A_PORT_STATS_TX_PINNED] = "tx-pinned",
	[VHOST_KVS_A_PORT_STATS_TX_PINNED_COPIED] = "tx-pinned-copied",
};

/* A "uint" attribute: 4 or 8 bytes, as the kernel chose. */
static uint64_t attr_uint(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) == 8 ? mnl_attr_get_u64(a) :
						  mnl_attr_get_u32(a);
}

static void print_stats(const struct nlattr *nest)
{
	const struct nlattr *a;
	int n = 0;

	printf(json ? ",\"stats\":{" : " ");
	mnl_attr_for_each_nested(a, nest) {
		unsigned int t = mnl_attr_get_type(a);

		if (t > VHOST_KVS_A_PORT_STATS_MAX || !stat_names[t])
			continue;
		printf(json ? "%s\"%s\":%llu" : "%s%s %llu", n++ ? (json ? "," : " ") : "",
		       stat_names[t], (unsigned long long)attr_uint(a));
	}
	printf(json ? "}" : "");
}

/* On/off policy attributes of a port, by name as in the spec. */
static const struct {
	int attr;
	const char *name, *key;
} port_flags[] = {
	{ VHOST_KVS_A_PORT_ISOLATED, "isolated", "isolated" },
	{ VHOST_KVS_A_PORT_LEARNING, "learning", "learning" },
	{ VHOST_KVS_A_PORT_FLOOD, "flood", "flood" },
	{ VHOST_KVS_A_PORT_MCAST_FLOOD, "mcast-flood", "mcast_flood" },
	{ VHOST_KVS_A_PORT_SPOOFCHK, "spoofchk", "spoofchk" },
};

static void print_policy(const struct nlmsghdr *nlh, struct nlattr **tb)
{
	const struct nlattr *a;
	unsigned int i, n = 0;
	char mac[18];

	for (i = 0; i < sizeof(port_flags) / sizeof(port_flags[0]); i++) {
		const struct nlattr *f = tb[port_flags[i].attr];

		if (!f)
			continue;
		printf(json ? ",\"%s\":%s" : " %s %s",
		       json ? port_flags[i].key : port_flags[i].name,
		       mnl_attr_get_u8(f) ? (json ? "true" : "on") :
					    (json ? "false" : "off"));
	}
	if (tb[VHOST_KVS_A_PORT_MAX_LEARNED])
		printf(json ? ",\"max_learned\":%u" : " max-learned %u",
		       attr_u32(tb, VHOST_KVS_A_PORT_MAX_LEARNED));
	printf(json ? ",\"allowed_macs\":[" : "");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != VHOST_KVS_A_PORT_ALLOWED_MAC)
			continue;
		mac_str(a, mac);
		printf(json ? "%s\"%s\"" : "%s%s", n++ ? "," : (json ? "" : " allow "),
		       mac);
	}
	printf(json ? "]" : "");
	if (tb[VHOST_KVS_A_PORT_PVID])
		printf(json ? ",\"pvid\":%u" : " pvid %u",
		       mnl_attr_get_u16(tb[VHOST_KVS_A_PORT_PVID]));
	n = 0;
	printf(json ? ",\"trunk\":[" : "");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != VHOST_KVS_A_PORT_VID)
			continue;
		printf("%s%u", n++ ? "," : (json ? "" : " trunk "),
		       mnl_attr_get_u16(a));
	}
	printf(json ? "]" : "");
	if (tb[VHOST_KVS_A_PORT_COALESCE_FRAMES])
		printf(json ? ",\"coalesce_frames\":%u,\"coalesce_usecs\":%u"
			    : " coalesce-frames %u coalesce-usecs %u",
		       attr_u32(tb, VHOST_KVS_A_PORT_COALESCE_FRAMES),
		       attr_u32(tb, VHOST_KVS_A_PORT_COALESCE_USECS));
}

static const char *port_type_name(uint32_t type)
{
	switch (type) {
	case VHOST_KVS_PORT_TYPE_VHOST:
		return "vhost";
	case VHOST_KVS_PORT_TYPE_HOST:
		return "host";
	case VHOST_KVS_PORT_TYPE_UPLINK:
		return "uplink";
	}
	return "unknown";
}

static int port_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	char mac[18];

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	mac_str(tb[VHOST_KVS_A_PORT_MAC], mac);
	printf(json ? "%s{\"switch\":\"%s\",\"id\":%u,\"mac\":\"%s\""
		    : "%sport %s/%u mac %s",
	       json ? (first ? "" : ",") : "",
	       attr_name(tb, VHOST_KVS_A_PORT_SWITCH),
	       attr_u32(tb, VHOST_KVS_A_PORT_ID), mac);
	if (tb[VHOST_KVS_A_PORT_QUEUES] &&
	    attr_u32(tb, VHOST_KVS_A_PORT_QUEUES))
		printf(json ? ",\"queues\":%u" : " queues %u",
		       attr_u32(tb, VHOST_KVS_A_PORT_QUEUES));
	if (tb[VHOST_KVS_A_PORT_TYPE])
		printf(json ? ",\"type\":\"%s\"" : " type %s",
		       port_type_name(attr_u32(tb, VHOST_KVS_A_PORT_TYPE)));
	if (tb[VHOST_KVS_A_PORT_IFNAME])
		printf(json ? ",\"ifname\":\"%s\",\"ifindex\":%u"
			    : " dev %s ifindex %u",
		       attr_name(tb, VHOST_KVS_A_PORT_IFNAME),
		       attr_u32(tb, VHOST_KVS_A_PORT_IFINDEX));
	if (tb[VHOST_KVS_A_PORT_TCP_FOR]) {
		mac_str(tb[VHOST_KVS_A_PORT_TCP_FOR], mac);
		printf(json ? ",\"tcp_for\":\"%s\"" : " tcp-for %s", mac);
	}
	print_policy(nlh, tb);
	if (tb[VHOST_KVS_A_PORT_STATS])
		print_stats(tb[VHOST_KVS_A_PORT_STATS]);
	printf(json ? "}" : "\n");
	first = 0;
	return MNL_CB_OK;
}

static int fdb_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	char mac[18];

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	mac_str(tb[VHOST_KVS_A_FDB_MAC], mac);
	printf(json ? "%s{\"switch\":\"%s\",\"mac\":\"%s\",\"vid\":%u,\"port\":%u,\"static\":%s,\"idle_ms\":%u}"
		    : "%sfdb %s %s vid %u port %u%s idle %u ms\n",
	       json ? (first ? "" : ",") : "",
	       attr_name(tb, VHOST_KVS_A_FDB_SWITCH), mac,
	       tb[VHOST_KVS_A_FDB_VID] ? mnl_attr_get_u16(tb[VHOST_KVS_A_FDB_VID]) : 0,
	       attr_u32(tb, VHOST_KVS_A_FDB_PORT),
	       tb[VHOST_KVS_A_FDB_STATIC] ? (json ? "true" : " static") :
					    (json ? "false" : ""),
	       attr_u32(tb, VHOST_KVS_A_FDB_IDLE_MS));
	first = 0;
	return MNL_CB_OK;
}

static uint32_t number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || !*s || v > UINT32_MAX) {
		fprintf(stderr, "kvsctl: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

/* A show command: the replies, as one JSON array with -j; exit status. */
static int show(struct nlmsghdr *nlh, mnl_cb_t cb, const char *what)
{
	int r;

	if (json)
		putchar('[');
	r = talk(nlh, cb, what);
	if (json)
		puts("]");
	return r ? 1 : 0;
}

static int cmd_switch(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc >= 2 && !strcmp(argv[0], "add")) {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_SWITCH_NEW, 0);
		mnl_attr_put_strz(nlh, VHOST_KVS_A_SWITCH_NAME, argv[1]);
		for (int i = 2; i < argc; i += 2) {
			if (i + 1 >= argc)
				usage();
			if (!strcmp(argv[i], "ageing"))
				mnl_attr_put_u32(nlh, VHOST_KVS_A_SWITCH_AGEING_TIME,
						 number(argv[i + 1]));
			else if (!strcmp(argv[i], "max-fdb"))
				mnl_attr_put_u32(nlh, VHOST_KVS_A_SWITCH_MAX_FDB_ENTRIES,
						 number(argv[i + 1]));
			else
				usage();
		}
		return talk(nlh, NULL, "switch add") ? 1 : 0;
	}
	if (argc == 2 && !strcmp(argv[0], "del")) {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_SWITCH_DEL, 0);
		mnl_attr_put_strz(nlh, VHOST_KVS_A_SWITCH_NAME, argv[1]);
		return talk(nlh, NULL, "switch del") ? 1 : 0;
	}
	if (argc <= 2 && argc >= 1 && !strcmp(argv[0], "show")) {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_SWITCH_GET,
				argc == 1 ? NLM_F_DUMP : 0);
		if (argc == 2)
			mnl_attr_put_strz(nlh, VHOST_KVS_A_SWITCH_NAME, argv[1]);
		return show(nlh, switch_cb, "switch show");
	}
	usage();
	return 2;
}

static uint16_t vlan_id(const char *s)
{
	uint32_t v = number(s);

	if (v < 1 || v > 4094) {
		fprintf(stderr, "kvsctl: VLAN '%s': 1 to 4094\n", s);
		exit(2);
	}
	return v;
}

static int on_off(const char *s)
{
	if (!strcmp(s, "on"))
		return 1;
	if (!strcmp(s, "off"))
		return 0;
	fprintf(stderr, "kvsctl: '%s': on or off\n", s);
	exit(2);
}

static void put_mac_attr(struct nlmsghdr *nlh, int attr, const char *s)
{
	uint8_t mac[6];

	if (kvs_parse_mac(s, mac)) {
		fprintf(stderr, "kvsctl: '%s' is not a MAC address\n", s);
		exit(2);
	}
	mnl_attr_put(nlh, attr, 6, mac);
}

/* allow MAC[,MAC...] | none: the list replaces the port's old one. */
static void put_allowed(struct nlmsghdr *nlh, char *list)
{
	char *mac;

	if (!strcmp(list, "none")) {
		put_mac_attr(nlh, VHOST_KVS_A_PORT_ALLOWED_MAC, "00:00:00:00:00:00");
		return;
	}
	for (mac = strtok(list, ","); mac; mac = strtok(NULL, ","))
		put_mac_attr(nlh, VHOST_KVS_A_PORT_ALLOWED_MAC, mac);
}

/* trunk VID[,VID...] | none: the list replaces the port's old one. */
static void put_trunk(struct nlmsghdr *nlh, char *list)
{
	char *vid;

	if (!strcmp(list, "none")) {
		mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_VID, 0);
		return;
	}
	for (vid = strtok(list, ","); vid; vid = strtok(NULL, ","))
		mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_VID, vlan_id(vid));
}

/* port set SWITCH/ID|SWITCH ID SETTING VALUE... */
static int port_set(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], *slash;
	struct nlmsghdr *nlh;
	int i = 2, has_trunk = 0;
	size_t k;

	nlh = msg_start(buf, family, VHOST_KVS_CMD_PORT_SET, 0);
	slash = strchr(argv[1], '/');
	if (slash) {
		*slash = 0;
		mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(slash + 1));
	} else if (argc > 2) {
		mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(argv[i++]));
	} else {
		usage();
	}
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, argv[1]);
	if (i >= argc)
		usage();
	for (int k = i; k < argc; k += 2)
		has_trunk |= !strcmp(argv[k], "trunk");
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		for (k = 0; k < sizeof(port_flags) / sizeof(port_flags[0]); k++)
			if (!strcmp(argv[i], port_flags[k].name))
				break;
		if (k < sizeof(port_flags) / sizeof(port_flags[0]))
			mnl_attr_put_u8(nlh, port_flags[k].attr, on_off(argv[i + 1]));
		else if (!strcmp(argv[i], "max-learned"))
			mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_MAX_LEARNED, number(argv[i + 1]));
		else if (!strcmp(argv[i], "allow"))
			put_allowed(nlh, argv[i + 1]);
		else if (!strcmp(argv[i], "vlan") && !strcmp(argv[i + 1], "none")) {
			/* VLAN-unaware again */
			mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_PVID, 0);
			mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_VID, 0);
		} else if (!strcmp(argv[i], "vlan")) {
			/* An access port: this VLAN untagged, no trunk (unless
			 * one is given too: then it is the trunk's native VLAN)
			 */
			mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_PVID, vlan_id(argv[i + 1]));
			if (!has_trunk)
				mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_VID, 0);
		} else if (!strcmp(argv[i], "trunk"))
			put_trunk(nlh, argv[i + 1]);
		else if (!strcmp(argv[i], "native"))
			mnl_attr_put_u16(nlh, VHOST_KVS_A_PORT_PVID,
					 strcmp(argv[i + 1], "none") ? vlan_id(argv[i + 1]) : 0);
		else if (!strcmp(argv[i], "coalesce-frames"))
			mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_COALESCE_FRAMES, number(argv[i + 1]));
		else if (!strcmp(argv[i], "coalesce-usecs"))
			mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_COALESCE_USECS, number(argv[i + 1]));
		else
			usage();
	}
	return talk(nlh, NULL, "port set") ? 1 : 0;
}

/* The answer to port add: the new port and its device. */
static int port_new_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	printf(json ? "{\"switch\":\"%s\",\"id\":%u,\"ifname\":\"%s\",\"ifindex\":%u}\n"
		    : "port %s/%u dev %s ifindex %u\n",
	       attr_name(tb, VHOST_KVS_A_PORT_SWITCH),
	       attr_u32(tb, VHOST_KVS_A_PORT_ID),
	       attr_name(tb, VHOST_KVS_A_PORT_IFNAME),
	       attr_u32(tb, VHOST_KVS_A_PORT_IFINDEX));
	return MNL_CB_OK;
}

/* port add SWITCH uplink DEV */
static int uplink_add(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc != 4)
		usage();
	nlh = msg_start(buf, family, VHOST_KVS_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, argv[1]);
	mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_TYPE, VHOST_KVS_PORT_TYPE_UPLINK);
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_IFNAME, argv[3]);
	return talk(nlh, port_new_cb, "port add") ? 1 : 0;
}

/* port add SWITCH host [NAME] [mac MAC | tcp-for MAC] [netns PATH] */
static int port_add(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int i = 3, fd = -1, err;

	if (argc >= 3 && !strcmp(argv[2], "uplink"))
		return uplink_add(argc, argv);
	if (argc < 3 || strcmp(argv[2], "host"))
		usage();
	nlh = msg_start(buf, family, VHOST_KVS_CMD_PORT_NEW, 0);
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, argv[1]);
	mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_TYPE, VHOST_KVS_PORT_TYPE_HOST);
	if (i < argc && strcmp(argv[i], "mac") && strcmp(argv[i], "netns") &&
	    strcmp(argv[i], "tcp-for"))
		mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_IFNAME, argv[i++]);
	for (; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		if (!strcmp(argv[i], "mac")) {
			put_mac_attr(nlh, VHOST_KVS_A_PORT_MAC, argv[i + 1]);
		} else if (!strcmp(argv[i], "tcp-for")) {
			put_mac_attr(nlh, VHOST_KVS_A_PORT_TCP_FOR, argv[i + 1]);
		} else if (!strcmp(argv[i], "netns") && fd < 0) {
			fd = open(argv[i + 1], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				fprintf(stderr, "kvsctl: %s: %s\n", argv[i + 1],
					strerror(errno));
				return 1;
			}
			mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_NETNS_FD, fd);
		} else {
			usage();
		}
	}
	err = talk(nlh, port_new_cb, "port add");
	if (fd >= 0)
		close(fd);
	return err ? 1 : 0;
}

/* port del SWITCH/ID | SWITCH ID */
static int port_del(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], *slash;
	struct nlmsghdr *nlh;

	if (argc < 2 || argc > 3)
		usage();
	nlh = msg_start(buf, family, VHOST_KVS_CMD_PORT_DEL, 0);
	slash = strchr(argv[1], '/');
	if (slash && argc == 2) {
		*slash = 0;
		mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(slash + 1));
	} else if (!slash && argc == 3) {
		mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(argv[2]));
	} else {
		usage();
	}
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, argv[1]);
	return talk(nlh, NULL, "port del") ? 1 : 0;
}

static int cmd_port(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc >= 2 && !strcmp(argv[0], "set"))
		return port_set(argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "add"))
		return port_add(argc, argv);
	if (argc >= 1 && !strcmp(argv[0], "del"))
		return port_del(argc, argv);
	if (argc < 2 || argc > 3 || strcmp(argv[0], "show"))
		usage();
	nlh = msg_start(buf, family, VHOST_KVS_CMD_PORT_GET,
			argc == 2 ? NLM_F_DUMP : 0);
	mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, argv[1]);
	if (argc == 3)
		mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(argv[2]));
	return show(nlh, port_cb, "port show");
}


/* Trailing "port ID" and "vlan VID" of fdb add/del/flush. */
static void put_fdb_opts(struct nlmsghdr *nlh, int argc, char **argv,
			 int port_ok)
{
	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			usage();
		if (port_ok && !strcmp(argv[i], "port"))
			mnl_attr_put_u32(nlh, VHOST_KVS_A_FDB_PORT, number(argv[i + 1]));
		else if (!strcmp(argv[i], "vlan"))
			mnl_attr_put_u16(nlh, VHOST_KVS_A_FDB_VID, number(argv[i + 1]));
		else
			usage();
	}
}

/* fdb add|del|flush SWITCH [MAC] [port ID] [vlan VID] */
static int fdb_write(uint8_t cmd, int argc, char **argv, int has_mac,
		     int port_ok)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[16];
	struct nlmsghdr *nlh = msg_start(buf, family, cmd, 0);

	snprintf(what, sizeof(what), "fdb %s", argv[0]);
	mnl_attr_put_strz(nlh, VHOST_KVS_A_FDB_SWITCH, argv[1]);
	if (has_mac)
		put_mac_attr(nlh, VHOST_KVS_A_FDB_MAC, argv[2]);
	put_fdb_opts(nlh, argc - 2 - has_mac, argv + 2 + has_mac, port_ok);
	return talk(nlh, NULL, what) ? 1 : 0;
}

static int cmd_fdb(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc == 2 && !strcmp(argv[0], "show")) {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_FDB_GET, NLM_F_DUMP);
		mnl_attr_put_strz(nlh, VHOST_KVS_A_FDB_SWITCH, argv[1]);
		return show(nlh, fdb_cb, "fdb show");
	}
	if (argc >= 5 && !strcmp(argv[0], "add"))
		return fdb_write(VHOST_KVS_CMD_FDB_ADD, argc, argv, 1, 1);
	if (argc >= 3 && !strcmp(argv[0], "del"))
		return fdb_write(VHOST_KVS_CMD_FDB_DEL, argc, argv, 1, 0);
	if (argc >= 2 && !strcmp(argv[0], "flush"))
		return fdb_write(VHOST_KVS_CMD_FDB_FLUSH, argc, argv, 0, 1);
	usage();
	return 2;
}

/* stats: a port's traffic, then only the drop reasons that happened. */
static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	static const int traffic[] = {
		VHOST_KVS_A_PORT_STATS_TX_FRAMES, VHOST_KVS_A_PORT_STATS_TX_BYTES,
		VHOST_KVS_A_PORT_STATS_RX_FRAMES, VHOST_KVS_A_PORT_STATS_RX_BYTES,
	};
	uint64_t v[VHOST_KVS_A_PORT_STATS_MAX + 1] = { 0 }, drops = 0;
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	const struct nlattr *a;
	unsigned int t, i, n = 0;

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	if (tb[VHOST_KVS_A_PORT_STATS])
		mnl_attr_for_each_nested(a, tb[VHOST_KVS_A_PORT_STATS])
			if (mnl_attr_get_type(a) <= VHOST_KVS_A_PORT_STATS_MAX)
				v[mnl_attr_get_type(a)] = attr_uint(a);
	printf(json ? "%s{\"switch\":\"%s\",\"id\":%u" : "port %s%s/%u",
	       json && !first ? "," : "",
	       attr_name(tb, VHOST_KVS_A_PORT_SWITCH),
	       attr_u32(tb, VHOST_KVS_A_PORT_ID));
	for (i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++)
		printf(json ? ",\"%s\":%llu" : " %s %llu", stat_names[traffic[i]],
		       (unsigned long long)v[traffic[i]]);
	for (t = 0; t <= VHOST_KVS_A_PORT_STATS_MAX; t++)
		if (stat_names[t] && strstr(stat_names[t], "-drop-"))
			drops += v[t];
	printf(json ? ",\"drops\":%llu,\"by_reason\":{" : " drops %llu",
	       (unsigned long long)drops);
	for (t = 0; t <= VHOST_KVS_A_PORT_STATS_MAX; t++)
		if (stat_names[t] && strstr(stat_names[t], "-drop-") && v[t])
			printf(json ? "%s\"%s\":%llu" : " %s%s %llu",
			       json && n++ ? "," : "", stat_names[t],
			       (unsigned long long)v[t]);
	printf(json ? "}}" : "\n");
	first = 0;
	return MNL_CB_OK;
}

/* The names of the namespace's switches, for stats without a switch. */
static char switch_names[256][VHOST_KVS_NAME_LEN];
static unsigned int nswitches;

static int name_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	if (tb[VHOST_KVS_A_SWITCH_NAME] &&
	    nswitches < sizeof(switch_names) / sizeof(switch_names[0]))
		snprintf(switch_names[nswitches++], VHOST_KVS_NAME_LEN, "%s",
			 mnl_attr_get_str(tb[VHOST_KVS_A_SWITCH_NAME]));
	return MNL_CB_OK;
}

/* stats [SWITCH[/ID]]: stats-get of one port, or dumps of switches. */
static int cmd_stats(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], *slash = NULL;
	struct nlmsghdr *nlh;
	unsigned int i;
	int r = 0;

	if (argc > 1)
		usage();
	if (argc == 1) {
		slash = strchr(argv[0], '/');
		if (slash)
			*slash++ = 0;
		snprintf(switch_names[0], VHOST_KVS_NAME_LEN, "%s", argv[0]);
		nswitches = 1;
	} else {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_SWITCH_GET, NLM_F_DUMP);
		if (talk(nlh, name_cb, "stats"))
			return 1;
	}
	if (json)
		putchar('[');
	for (i = 0; i < nswitches && !r; i++) {
		nlh = msg_start(buf, family, VHOST_KVS_CMD_STATS_GET,
				slash ? 0 : NLM_F_DUMP);
		mnl_attr_put_strz(nlh, VHOST_KVS_A_PORT_SWITCH, switch_names[i]);
		if (slash)
			mnl_attr_put_u32(nlh, VHOST_KVS_A_PORT_ID, number(slash));
		r = talk(nlh, stats_cb, "stats");
	}
	if (json)
		puts("]");
	return r ? 1 : 0;
}

static const char *const event_names[] = {
	[VHOST_KVS_CMD_PORT_ADD_NTF] = "port-add",
	[VHOST_KVS_CMD_PORT_DEL_NTF] = "port-del",
	[VHOST_KVS_CMD_FDB_LEARN_NTF] = "fdb-learn",
	[VHOST_KVS_CMD_FDB_MOVE_NTF] = "fdb-move",
	[VHOST_KVS_CMD_FDB_AGE_NTF] = "fdb-age",
};

/* One line per event: its name, then the port or the MAC table entry. */
static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	const char *name;
	char mac[18];

	if (g->cmd >= sizeof(event_names) / sizeof(event_names[0]) ||
	    !event_names[g->cmd])
		return MNL_CB_OK;
	name = event_names[g->cmd];
	if (g->cmd == VHOST_KVS_CMD_PORT_ADD_NTF ||
	    g->cmd == VHOST_KVS_CMD_PORT_DEL_NTF) {
		printf(json ? "{\"event\":\"%s\",\"port\":" : "%s ", name);
		first = 1;
		port_cb(nlh, data);
		printf(json ? "}\n" : "");
	} else {
		mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
		mac_str(tb[VHOST_KVS_A_FDB_MAC], mac);
		printf(json ? "{\"event\":\"%s\",\"switch\":\"%s\",\"mac\":\"%s\",\"vid\":%u,\"port\":%u}\n"
			    : "%s %s %s vid %u port %u\n", name,
		       attr_name(tb, VHOST_KVS_A_FDB_SWITCH), mac,
		       tb[VHOST_KVS_A_FDB_VID] ? mnl_attr_get_u16(tb[VHOST_KVS_A_FDB_VID]) : 0,
		       attr_u32(tb, VHOST_KVS_A_FDB_PORT));
	}
	fflush(stdout);
	return MNL_CB_OK;
}

/* monitor: the events of this namespace's switches, until killed. */
static int cmd_monitor(int argc)
{
	char buf[32768];
	int n;

	if (argc)
		usage();
	if (!events_grp) {
		fprintf(stderr, "kvsctl: this kernel's vhost-kvs sends no events\n");
		return 2;
	}
	if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &events_grp,
				  sizeof(events_grp)) < 0) {
		perror("kvsctl: joining the events group");
		return 1;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ 0 }, sizeof(struct timeval));
	/* On stderr: a reader of stdout sees events only. */
	fprintf(stderr, "kvsctl: monitoring vhost-kvs events\n");
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "kvsctl: events were lost (receive buffer full)\n");
			continue;
		}
		if (n < 0) {
			perror("kvsctl: monitor");
			return 1;
		}
		mnl_cb_run(buf, n, 0, 0, event_cb, NULL);
	}
}

/* One Leulo device: its VMM, limits and counters (leulo show). */
static int leulo_cb(const struct nlmsghdr *nlh, void *data)
{
	static const struct {
		int type;
		const char *name;
	} f[] = {
		{ VHOST_KVS_A_LEULO_SOCKETS, "sockets" },
		{ VHOST_KVS_A_LEULO_SOCKETS_PEAK, "sockets-peak" },
		{ VHOST_KVS_A_LEULO_MAX_SOCKETS, "max-sockets" },
		{ VHOST_KVS_A_LEULO_MAX_BACKLOG, "max-backlog" },
		{ VHOST_KVS_A_LEULO_MAX_BUF, "max-buf" },
		{ VHOST_KVS_A_LEULO_REFUSED_LIMIT, "refused-limit" },
		{ VHOST_KVS_A_LEULO_REQUESTS, "requests" },
		{ VHOST_KVS_A_LEULO_ERRORS, "errors" },
		{ VHOST_KVS_A_LEULO_BAD_REQUESTS, "bad-requests" },
		{ VHOST_KVS_A_LEULO_EVENTS, "events" },
		{ VHOST_KVS_A_LEULO_EVENTS_DEFERRED, "events-deferred" },
		{ VHOST_KVS_A_LEULO_BYTES_SENT, "bytes-sent" },
		{ VHOST_KVS_A_LEULO_BYTES_RECEIVED, "bytes-received" },
	};
	struct nlattr *tb[ATTR_MAX + 1] = { 0 };
	unsigned int i;
	char key[32];

	(void)data;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, tb);
	printf(json ? "%s{\"id\":%u,\"pid\":%u,\"running\":%s"
		    : "%sleulo %u pid %u%s",
	       json && !first ? "," : "",
	       attr_u32(tb, VHOST_KVS_A_LEULO_ID),
	       attr_u32(tb, VHOST_KVS_A_LEULO_PID),
	       tb[VHOST_KVS_A_LEULO_RUNNING] ? (json ? "true" : " running") :
					       (json ? "false" : " stopped"));
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!tb[f[i].type])
			continue;
		snprintf(key, sizeof(key), "%s", f[i].name);
		if (json)
			for (char *c = key; *c; c++)
				*c = *c == '-' ? '_' : *c;
		printf(json ? ",\"%s\":%llu" : " %s %llu", key,
		       (unsigned long long)attr_uint(tb[f[i].type]));
	}
	printf(json ? "}" : "\n");
	first = 0;
	return MNL_CB_OK;
}

/* leulo show: the Leulo devices opened from this namespace. */
static int cmd_leulo(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	if (argc != 1 || strcmp(argv[0], "show"))
		usage();
	return show(msg_start(buf, family, VHOST_KVS_CMD_LEULO_GET, NLM_F_DUMP),
		    leulo_cb, "leulo show");
}

int main(int argc, char **argv)
{
	int i = 1;

	if (i < argc && !strcmp(argv[i], "-j")) {
		json = 1;
		i++;
	}
	if (i >= argc)
		usage();
	open_family();
	if (!strcmp(argv[i], "switch"))
		return cmd_switch(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "port"))
		return cmd_port(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "fdb"))
		return cmd_fdb(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "monitor"))
		return cmd_monitor(argc - i - 1);
	if (!strcmp(argv[i], "stats"))
		return cmd_stats(argc - i - 1, argv + i + 1);
	if (!strcmp(argv[i], "leulo"))
		return cmd_leulo(argc - i - 1, argv + i + 1);
	usage();
	return 2;
}
