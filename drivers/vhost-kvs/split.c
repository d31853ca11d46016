// SPDX-License-Identifier: GPL-2.0
/*
 * TCP steering: the switch's half of Leulo. A VM whose guest's TCP runs
 * in the host has two ports with one MAC: its vhost port, and a host port
 * made with tcp-for in the network namespace where its host sockets live.
 * Frames for that MAC go to the host port when they carry TCP, to both
 * ports when they carry ARP or IPv6 neighbour discovery (each stack
 * resolves its own neighbours), and to the VM's port otherwise.
 *
 * The steering is keyed on the MAC, not on a port: a VM's port may come
 * and go (a restarted VMM attaches anew) while the host port, part of the
 * VM's network identity, stays. Every port with the MAC points to the
 * host port (tcp_port) while both are in the switch, and the host port to
 * one of them (vm_port). The host port's frames teach the switch that the
 * MAC is behind the VM's port, never behind the host port: a Leulo VM's
 * NIC may be silent for long, and its MAC must not age out and flood its
 * TCP to every port meanwhile.
 *
 * LOCKING: port->tcp_port and port->vm_port are written under kvs_lock
 * and read under RCU by the datapath; a port is freed a grace period
 * after it left its switch. port->tcp_steer is set before the port joins
 * its switch and never changes.
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <kunit/visibility.h>
#include <net/ndisc.h>

#include "kvs.h"

/**
 * kvs_split_kind() - what a frame carries, as far as steering goes
 * @buf: the frame, from its Ethernet header on (one 802.1Q tag at most)
 *
 * Return: KVS_SPLIT_TCP for TCP over IPv4 or IPv6 (no IPv6 extension
 * header before it), KVS_SPLIT_NEIGH for ARP and for IPv6 neighbour
 * solicitations and advertisements, KVS_SPLIT_OTHER for the rest.
 */
enum kvs_split kvs_split_kind(const struct kvs_buf *buf)
{
	unsigned int off = ETH_HLEN;
	const u8 *l3;
	__be16 proto;

	if (buf->len < ETH_HLEN)
		return KVS_SPLIT_OTHER;
	proto = ((const struct ethhdr *)buf->data)->h_proto;
	if (eth_type_vlan(proto)) {
		if (buf->len < VLAN_ETH_HLEN)
			return KVS_SPLIT_OTHER;
		proto = ((const struct vlan_ethhdr *)buf->data)->h_vlan_encapsulated_proto;
		off = VLAN_ETH_HLEN;
	}
	l3 = buf->data + off;
	switch (proto) {
	case htons(ETH_P_ARP):
		return KVS_SPLIT_NEIGH;
	case htons(ETH_P_IP):
		if (buf->len < off + sizeof(struct iphdr))
			return KVS_SPLIT_OTHER;
		return ((const struct iphdr *)l3)->protocol == IPPROTO_TCP ?
		       KVS_SPLIT_TCP : KVS_SPLIT_OTHER;
	case htons(ETH_P_IPV6):
		if (buf->len < off + sizeof(struct ipv6hdr))
			return KVS_SPLIT_OTHER;
		switch (((const struct ipv6hdr *)l3)->nexthdr) {
		case IPPROTO_TCP:
			return KVS_SPLIT_TCP;
		case IPPROTO_ICMPV6:
			off += sizeof(struct ipv6hdr);
			if (buf->len < off + sizeof(struct icmp6hdr))
				return KVS_SPLIT_OTHER;
			switch (buf->data[off]) {
			case NDISC_NEIGHBOUR_SOLICITATION:
			case NDISC_NEIGHBOUR_ADVERTISEMENT:
				return KVS_SPLIT_NEIGH;
			}
		}
	}
	return KVS_SPLIT_OTHER;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_kind);

/**
 * kvs_split_steer() - where a unicast frame for port @to goes
 * @buf: the frame
 * @to: the port the table has for its destination; its tcp_port is set
 * @both: set when the frame goes to both ports
 *
 * Context: rcu_read_lock() held.
 * Return: @to's host port for TCP, else @to.
 */
struct kvs_port *kvs_split_steer(const struct kvs_buf *buf,
				 struct kvs_port *to, bool *both)
{
	struct kvs_port *host = rcu_dereference(to->tcp_port);

	*both = false;
	if (!host)
		return to;
	switch (kvs_split_kind(buf)) {
	case KVS_SPLIT_TCP:
		return host;
	case KVS_SPLIT_NEIGH:
		*both = true;
		break;
	case KVS_SPLIT_OTHER:
		break;
	}
	return to;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_steer);

/**
 * kvs_split_wants() - whether port @dst, one with steering, takes a
 * flooded frame
 * @buf: the frame
 * @dst: a host port made with tcp-for, or a port whose MAC has one
 *
 * A frame for their MAC floods while the table does not know it yet:
 * each of the two takes what it would take once the table did. Other
 * frames (group addresses, other MACs) they take as any port does.
 * Context: rcu_read_lock() held.
 */
bool kvs_split_wants(const struct kvs_buf *buf, const struct kvs_port *dst)
{
	const struct ethhdr *eth = (const struct ethhdr *)buf->data;
	enum kvs_split kind;

	if (!ether_addr_equal(eth->h_dest, dst->mac))
		return true;
	if (!dst->tcp_steer && !rcu_access_pointer(dst->tcp_port))
		return true;
	kind = kvs_split_kind(buf);
	if (kind == KVS_SPLIT_NEIGH)
		return true;
	return (kind == KVS_SPLIT_TCP) == dst->tcp_steer;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_wants);

/* The host port of @sw that takes @mac's TCP, if any. */
struct kvs_port *kvs_split_find(struct kvs_switch *sw, const u8 *mac)
{
	struct kvs_port *port;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(port, &sw->ports, sw_node)
		if (port->tcp_steer && ether_addr_equal(port->mac, mac))
			return port;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_find);

/* A port of @sw other than @not with @mac and no tcp-for, if any. */
static struct kvs_port *kvs_split_vm(struct kvs_switch *sw, const u8 *mac,
				     const struct kvs_port *not)
{
	struct kvs_port *port;

	lockdep_assert_held(&kvs_lock);
	list_for_each_entry(port, &sw->ports, sw_node)
		if (port != not && !port->tcp_steer &&
		    ether_addr_equal(port->mac, mac))
			return port;
	return NULL;
}

/**
 * kvs_split_link() - connect a port joining @sw with its MAC's other half
 * @sw: the switch
 * @port: the port, not in sw->ports yet
 *
 * A host port made with tcp-for becomes the tcp_port of every port with
 * its MAC, and takes one of them as its vm_port; any other port gets the
 * host port its MAC has, if any, and becomes its vm_port if it had none.
 */
void kvs_split_link(struct kvs_switch *sw, struct kvs_port *port)
{
	struct kvs_port *p;

	lockdep_assert_held(&kvs_lock);
	if (!port->tcp_steer) {
		p = kvs_split_find(sw, port->mac);
		rcu_assign_pointer(port->tcp_port, p);
		if (p && !rcu_access_pointer(p->vm_port))
			rcu_assign_pointer(p->vm_port, port);
		return;
	}
	list_for_each_entry(p, &sw->ports, sw_node)
		if (!p->tcp_steer && ether_addr_equal(p->mac, port->mac))
			rcu_assign_pointer(p->tcp_port, port);
	rcu_assign_pointer(port->vm_port, kvs_split_vm(sw, port->mac, NULL));
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_link);

/**
 * kvs_split_unlink() - a port leaves: frames stop being steered to it
 * @port: the port, out of sw->ports already
 *
 * A host port leaving unhooks the ports it steered for; a VM's port
 * leaving hands its host port's vm_port to another port with the MAC
 * (the other end of a migration), if any. Readers that still see the
 * port are done a grace period later, before it is freed
 * (kvs_port_gone()).
 */
void kvs_split_unlink(struct kvs_port *port)
{
	struct kvs_port *p, *host;

	lockdep_assert_held(&kvs_lock);
	if (!port->tcp_steer) {
		host = rcu_dereference_protected(port->tcp_port,
						 lockdep_is_held(&kvs_lock));
		if (host && rcu_access_pointer(host->vm_port) == port)
			rcu_assign_pointer(host->vm_port,
					   kvs_split_vm(port->sw, port->mac,
							port));
		return;
	}
	list_for_each_entry(p, &port->sw->ports, sw_node)
		if (rcu_access_pointer(p->tcp_port) == port)
			RCU_INIT_POINTER(p->tcp_port, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(kvs_split_unlink);

/**
 * kvs_split_learn_at() - where a host port with tcp-for learns its
 * frames from its own MAC
 * @host: the host port
 * @fdb: its switch's table
 * @vid: the frames' VLAN
 *
 * On the port of its VM the table has the MAC on now (the new one, once
 * a migration claimed the MAC), else on its vm_port.
 * Context: rcu_read_lock() held.
 * Return: that port's table entry, or NULL: learn nothing.
 */
struct kvs_fdb_dst *kvs_split_learn_at(struct kvs_port *host,
				       struct kvs_fdb *fdb, u16 vid)
{
	struct kvs_fdb_dst *d = kvs_fdb_lookup(fdb, host->mac, vid);
	struct kvs_port *vm;

	if (d) {
		vm = container_of(d, struct kvs_port, fdb_dst);
		if (rcu_access_pointer(vm->tcp_port) == host)
			return d;
	}
	vm = rcu_dereference(host->vm_port);
	return vm ? &vm->fdb_dst : NULL;
}
