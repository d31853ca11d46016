// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for TCP steering (split.c): what a frame carries, as the
 * switch reads it, and where a frame for a Leulo VM's MAC goes, known or
 * flooded. Frames are built byte by byte, so a parser that reads the
 * wrong offset, or past a short frame, fails here.
 */
#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/unaligned.h>
#include <net/ndisc.h>

#include "kvs.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static const u8 vm_mac[ETH_ALEN] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

struct split_case {
	const char *name;
	bool vlan;
	u16 proto;	/* ethertype inside any tag */
	u8 l4;		/* IPv4 protocol, IPv6 next header */
	u8 icmp6;	/* ICMPv6 type */
	u32 len;	/* frame length */
	enum kvs_split want;
};

static const struct split_case split_cases[] = {
	{ "IPv4 TCP", false, ETH_P_IP, IPPROTO_TCP, 0, 60, KVS_SPLIT_TCP },
	{ "IPv4 UDP", false, ETH_P_IP, IPPROTO_UDP, 0, 60, KVS_SPLIT_OTHER },
	{ "IPv4 ICMP", false, ETH_P_IP, IPPROTO_ICMP, 0, 60, KVS_SPLIT_OTHER },
	{ "IPv4 TCP, tagged", true, ETH_P_IP, IPPROTO_TCP, 0, 64,
	  KVS_SPLIT_TCP },
	{ "IPv4 header cut short", false, ETH_P_IP, IPPROTO_TCP, 0,
	  ETH_HLEN + 19, KVS_SPLIT_OTHER },
	{ "IPv6 TCP", false, ETH_P_IPV6, IPPROTO_TCP, 0, 80, KVS_SPLIT_TCP },
	{ "IPv6 header cut short", false, ETH_P_IPV6, IPPROTO_TCP, 0,
	  ETH_HLEN + 39, KVS_SPLIT_OTHER },
	{ "IPv6 UDP", false, ETH_P_IPV6, IPPROTO_UDP, 0, 80, KVS_SPLIT_OTHER },
	{ "neighbour solicitation", false, ETH_P_IPV6, IPPROTO_ICMPV6,
	  NDISC_NEIGHBOUR_SOLICITATION, 86, KVS_SPLIT_NEIGH },
	{ "neighbour advertisement, tagged", true, ETH_P_IPV6, IPPROTO_ICMPV6,
	  NDISC_NEIGHBOUR_ADVERTISEMENT, 90, KVS_SPLIT_NEIGH },
	{ "ICMPv6 echo", false, ETH_P_IPV6, IPPROTO_ICMPV6, ICMPV6_ECHO_REQUEST,
	  86, KVS_SPLIT_OTHER },
	{ "ICMPv6 header cut short", false, ETH_P_IPV6, IPPROTO_ICMPV6,
	  NDISC_NEIGHBOUR_SOLICITATION, ETH_HLEN + 40 + 3, KVS_SPLIT_OTHER },
	{ "ARP", false, ETH_P_ARP, 0, 0, 60, KVS_SPLIT_NEIGH },
	{ "ARP, tagged", true, ETH_P_ARP, 0, 0, 64, KVS_SPLIT_NEIGH },
	{ "tag cut short", true, ETH_P_IP, IPPROTO_TCP, 0, ETH_HLEN + 2,
	  KVS_SPLIT_OTHER },
	{ "runt", false, ETH_P_IP, IPPROTO_TCP, 0, 10, KVS_SPLIT_OTHER },
	{ "other ethertype", false, ETH_P_8021AD + 1, 0, 0, 60,
	  KVS_SPLIT_OTHER },
};

/* A frame to vm_mac as @c describes, in a buffer of its exact length. */
static struct kvs_buf *split_frame(struct kunit *test,
				   const struct split_case *c)
{
	u32 room = max_t(u32, c->len, 128);
	struct kvs_buf *buf = kunit_kzalloc(test, sizeof(*buf) + room,
					    GFP_KERNEL);
	unsigned int off = ETH_HLEN;
	u8 *d;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	d = buf->data;
	memcpy(d, vm_mac, ETH_ALEN);
	if (c->vlan) {
		put_unaligned_be16(ETH_P_8021Q, d + 12);
		put_unaligned_be16(7, d + 14);
		put_unaligned_be16(c->proto, d + 16);
		off = VLAN_ETH_HLEN;
	} else {
		put_unaligned_be16(c->proto, d + 12);
	}
	if (c->proto == ETH_P_IP) {
		d[off] = 0x45;
		d[off + 9] = c->l4;
	} else if (c->proto == ETH_P_IPV6) {
		d[off] = 0x60;
		d[off + 6] = c->l4;
		d[off + 40] = c->icmp6;
	}
	buf->len = c->len;
	return buf;
}

/* Every case's frame, made before any RCU read section (they sleep). */
static struct kvs_buf **split_frames(struct kunit *test)
{
	struct kvs_buf **f = kunit_kcalloc(test, ARRAY_SIZE(split_cases),
					   sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < ARRAY_SIZE(split_cases); i++)
		f[i] = split_frame(test, &split_cases[i]);
	return f;
}

static void split_kind(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];

		KUNIT_EXPECT_EQ_MSG(test, kvs_split_kind(split_frame(test, c)),
				    c->want, "%s", c->name);
	}
}

struct split_ports {
	struct kvs_port vm, host, other;
};

/* A VM's port and its tcp-for host port with vm_mac; another port. */
static struct split_ports *split_ports(struct kunit *test)
{
	struct split_ports *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	ether_addr_copy(p->vm.mac, vm_mac);
	ether_addr_copy(p->host.mac, vm_mac);
	p->host.tcp_steer = true;
	RCU_INIT_POINTER(p->vm.tcp_port, &p->host);
	eth_random_addr(p->other.mac);
	return p;
}

/* Known: TCP to the host port, ARP and ND to both, the rest to the VM. */
static void split_steer(struct kunit *test)
{
	struct kvs_buf **f = split_frames(test);
	struct split_ports *p = split_ports(test);
	unsigned int i;
	bool both;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		struct kvs_port *to;

		to = kvs_split_steer(f[i], &p->vm, &both);
		KUNIT_EXPECT_PTR_EQ_MSG(test, to, c->want == KVS_SPLIT_TCP ?
					&p->host : &p->vm, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, both, c->want == KVS_SPLIT_NEIGH,
				    "%s", c->name);
	}
	/* Its host port gone (tcp_port cleared): all to the VM. */
	RCU_INIT_POINTER(p->vm.tcp_port, NULL);
	KUNIT_EXPECT_PTR_EQ(test, kvs_split_steer(f[0], &p->vm, &both), &p->vm);
	KUNIT_EXPECT_FALSE(test, both);
	rcu_read_unlock();
}

/* Flooded while the MAC is unknown: each takes what it would take known. */
static void split_flood(struct kunit *test)
{
	struct kvs_buf **f = split_frames(test);
	struct split_ports *p = split_ports(test);
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(split_cases); i++) {
		const struct split_case *c = &split_cases[i];
		struct kvs_buf *buf = f[i];

		KUNIT_EXPECT_EQ_MSG(test, kvs_split_wants(buf, &p->host),
				    c->want != KVS_SPLIT_OTHER, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, kvs_split_wants(buf, &p->vm),
				    c->want != KVS_SPLIT_TCP, "%s", c->name);
		/* Not for its MAC: taken as any flooded frame. */
		ether_addr_copy(buf->data, p->other.mac);
		KUNIT_EXPECT_TRUE_MSG(test, kvs_split_wants(buf, &p->host),
				      "%s", c->name);
		KUNIT_EXPECT_TRUE_MSG(test, kvs_split_wants(buf, &p->vm),
				      "%s", c->name);
	}
	rcu_read_unlock();
}

/* Port @p joins @sw as kvs_port_link() has it join. */
static void split_join(struct kvs_switch *sw, struct kvs_port *p)
{
	p->sw = sw;
	kvs_split_link(sw, p);
	list_add_tail(&p->sw_node, &sw->ports);
}

static void split_leave(struct kvs_port *p)
{
	list_del(&p->sw_node);
	kvs_split_unlink(p);
}

#define TCP_PORT(p)	rcu_access_pointer((p)->tcp_port)
#define VM_PORT(p)	rcu_access_pointer((p)->vm_port)

/*
 * Linking in any order: a VM's port, its host port, the other end of a
 * migration with the same MAC, an unrelated port; then leaving, the
 * host port's vm_port handed on and cleared, tcp_port cleared.
 */
static void split_link(struct kunit *test)
{
	struct kvs_switch *sw = kunit_kzalloc(test, sizeof(*sw), GFP_KERNEL);
	struct split_ports *p = split_ports(test);
	struct kvs_port *vm2 = kunit_kzalloc(test, sizeof(*vm2), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sw);
	KUNIT_ASSERT_NOT_NULL(test, vm2);
	INIT_LIST_HEAD(&sw->ports);
	RCU_INIT_POINTER(p->vm.tcp_port, NULL);
	ether_addr_copy(vm2->mac, vm_mac);
	mutex_lock(&kvs_lock);
	split_join(sw, &p->other);
	split_join(sw, &p->vm);
	KUNIT_EXPECT_NULL(test, TCP_PORT(&p->vm));
	split_join(sw, &p->host);
	KUNIT_EXPECT_PTR_EQ(test, TCP_PORT(&p->vm), &p->host);
	KUNIT_EXPECT_PTR_EQ(test, VM_PORT(&p->host), &p->vm);
	KUNIT_EXPECT_NULL(test, TCP_PORT(&p->other));
	KUNIT_EXPECT_PTR_EQ(test, kvs_split_find(sw, vm_mac), &p->host);
	split_join(sw, vm2);
	KUNIT_EXPECT_PTR_EQ(test, TCP_PORT(vm2), &p->host);
	KUNIT_EXPECT_PTR_EQ(test, VM_PORT(&p->host), &p->vm);
	/* The VM's port goes: the other one with the MAC takes over. */
	split_leave(&p->vm);
	KUNIT_EXPECT_PTR_EQ(test, VM_PORT(&p->host), vm2);
	split_leave(vm2);
	KUNIT_EXPECT_NULL(test, VM_PORT(&p->host));
	/* A new VM's port finds the host port that stayed. */
	RCU_INIT_POINTER(p->vm.tcp_port, NULL);
	split_join(sw, &p->vm);
	KUNIT_EXPECT_PTR_EQ(test, TCP_PORT(&p->vm), &p->host);
	KUNIT_EXPECT_PTR_EQ(test, VM_PORT(&p->host), &p->vm);
	/* The host port goes: no more steering. */
	split_leave(&p->host);
	KUNIT_EXPECT_NULL(test, TCP_PORT(&p->vm));
	KUNIT_EXPECT_NULL(test, kvs_split_find(sw, vm_mac));
	split_leave(&p->vm);
	split_leave(&p->other);
	mutex_unlock(&kvs_lock);
}

static struct kunit_case kvs_split_test_cases[] = {
	KUNIT_CASE(split_kind),
	KUNIT_CASE(split_steer),
	KUNIT_CASE(split_flood),
	KUNIT_CASE(split_link),
	{}
};

static struct kunit_suite kvs_split_test_suite = {
	.name = "vhost_kvs_split",
	.test_cases = kvs_split_test_cases,
};

kunit_test_suite(kvs_split_test_suite);
