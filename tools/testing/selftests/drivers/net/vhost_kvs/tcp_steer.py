#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP steering, the switch's half of Leulo: a host port made with
tcp-for MAC takes the TCP sent to that MAC, which another port (a VM's)
has too.

Three host ports stand for the parties, each in its namespace: "vm" (the
VM's port and its guest's own stack: MAC M, 10.96.0.2, fc00:96::2),
"leulo" (tcp-for M: the namespace of the VM's host sockets, the same
addresses) and "peer" (10.96.0.1, fc00:96::1). Then: ping and UDP to the
VM reach the vm namespace only; TCP to it reaches the leulo namespace,
both ways and over IPv4 and IPv6 with SHA-256 compared (the leulo side
resolves the peer by ARP and neighbour discovery, whose answers go to
both); the same with the table emptied (the MAC unknown: flooded); M is
learned on the VM's port, also from the host port's frames; the host port outlives the VM's port and
steers for the next one; deleting it ends the steering; another MAC
behind the VM's port is not split. And every
refusal with its errno and reason."""

import errno
import subprocess

from lib.py import ksft_eq, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import vhost_kvs_run, new_switch, Ns, name, reason, run
from lib.py import sha_transfer, until

MAC = "52:54:00:96:00:02"
# Where TCP goes is the question, not how fast: a few GSO frames each.
KIB = 256
M = bytes.fromhex(MAC.replace(":", ""))


def host_new(kvs, sw, ns, tag, **attrs):
    req = {"switch": sw, "type": "host", "ifname": name(tag)}
    req.update(attrs)
    with open(ns.path(), "rb") as f:
        req["netns-fd"] = f.fileno()
        return kvs.do("port-new", req)


def addresses(ns, dev, last, leulo=False):
    # The VM's guest and its Leulo namespace both have the addresses: no
    # duplicate address detection between them, and no link-local
    # address (its MAC's) in the namespace, which the guest has.
    run("sysctl", "-qw", f"net.ipv6.conf.{dev}.accept_dad=0", ns=ns.name)
    if leulo:
        run("ip", "link", "set", "dev", dev, "addrgenmode", "none",
            ns=ns.name)
    run("ip", "addr", "add", f"10.96.0.{last}/24", "dev", dev, ns=ns.name)
    run("ip", "addr", "add", f"fc00:96::{last}/64", "dev", dev, "nodad",
        ns=ns.name)
    run("ip", "link", "set", dev, "up", ns=ns.name)


def snmp(ns, proto, field):
    """A counter of /proc/net/snmp (Icmp, Udp) in namespace @ns."""
    lines = [l.split() for l in run("cat", "/proc/net/snmp", ns=ns.name)
             .stdout.splitlines() if l.startswith(proto + ":")]
    return int(lines[1][lines[0].index(field)])


def snmp6(ns, field):
    """A counter of /proc/net/snmp6 in namespace @ns."""
    for line in run("cat", "/proc/net/snmp6", ns=ns.name).stdout.splitlines():
        key, value = line.split()
        if key == field:
            return int(value)
    raise KeyError(field)


def echoes(ns, v6):
    return snmp6(ns, "Icmp6InEchos") if v6 else snmp(ns, "Icmp", "InEchos")


def not_tcp_seen(ns):
    """What of the VM's non-TCP traffic a namespace's stack took."""
    return (echoes(ns, False), echoes(ns, True), snmp(ns, "Udp", "NoPorts"),
            snmp(ns, "Udp", "InDatagrams"))


class Setup:
    """The switch, the three namespaces and their ports."""
    def __init__(self, kvs, tag):
        self.kvs = kvs
        self.sw = new_switch(kvs, tag)
        self.ns = {}
        for role in ("vm", "leulo", "peer"):
            self.ns[role] = Ns(f"{tag}{role[0]}")
            defer(self.ns[role].del_)
        self.vm = self.vm_port(tag)
        self.leulo = host_new(kvs, self.sw, self.ns["leulo"], f"{tag}l",
                              **{"tcp-for": M})
        addresses(self.ns["leulo"], self.leulo["ifname"], 2, leulo=True)
        self.peer = host_new(kvs, self.sw, self.ns["peer"], f"{tag}p")
        addresses(self.ns["peer"], self.peer["ifname"], 1)
        self.leulo_before = not_tcp_seen(self.ns["leulo"])

    def leulo_saw_nothing(self):
        """After a TCP transfer to it (which the host port delivered after
        anything sent to the MAC before it): the Leulo namespace took no
        echo request and no datagram."""
        ksft_eq(not_tcp_seen(self.ns["leulo"]), self.leulo_before,
                comment="ICMP/ICMPv6 echoes, UDP in the Leulo namespace")

    def vm_port(self, tag):
        port = host_new(self.kvs, self.sw, self.ns["vm"], f"{tag}v", mac=M)
        addresses(self.ns["vm"], port["ifname"], 2)
        return port

    def fdb_port(self):
        """The port the table has M on; None when it does not."""
        for e in self.kvs.dump("fdb-get", {"switch": self.sw}):
            if e["mac"] == M:
                return e["port"]
        return None

    def ping_reaches_vm(self, addr):
        v6 = ":" in addr
        vm0 = echoes(self.ns["vm"], v6)
        run("ping", "-c", "2", "-i", "0.2", "-W", "2", addr,
            ns=self.ns["peer"].name)
        ksft_eq(echoes(self.ns["vm"], v6) - vm0, 2,
                comment=f"ping {addr}: echoes the VM's stack received")

    def tcp_reaches_leulo(self, addr, peer_addr=None):
        """TCP to @addr reaches the Leulo namespace; with @peer_addr, TCP
        from there reaches the peer too (its neighbour resolution then
        needs the answers that go to both)."""
        peer, leulo = self.ns["peer"].name, self.ns["leulo"].name
        ksft_eq(*sha_transfer(peer, leulo, addr, kib=KIB),
                comment=f"peer -> {addr} (the Leulo namespace): SHA-256")
        if peer_addr:
            ksft_eq(*sha_transfer(leulo, peer, peer_addr, kib=KIB),
                    comment=f"Leulo namespace -> {peer_addr}: SHA-256")


def udp_reaches_vm(s):
    """A datagram to the VM's address: the VM's stack takes it."""
    rx = ("import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
          "s.bind(('10.96.0.2',9999));s.settimeout(10);"
          "print(s.recv(100).decode())")
    tx = ("import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
          "s.sendto(b'steer',('10.96.0.2',9999))")
    r = subprocess.Popen(("ip", "netns", "exec", s.ns["vm"].name, "python3",
                          "-c", rx), stdout=subprocess.PIPE, text=True)
    try:
        until(lambda: ":270F " in run("cat", "/proc/net/udp",
                                      ns=s.ns["vm"].name).stdout,
              what="the VM's UDP socket bound")
        run("python3", "-c", tx, ns=s.ns["peer"].name)
        got = r.communicate(timeout=15)[0].strip()
    finally:
        r.kill()
        r.wait()
    ksft_eq(got, "steer", comment="UDP: the VM's stack received it")


def steering(kvs) -> None:
    s = Setup(kvs, "s")
    got = kvs.do("port-get", {"switch": s.sw, "id": s.leulo["id"]})
    ksft_eq(got["tcp-for"], M)
    ksft_eq(got["mac"], M)
    ksft_true("tcp-for" not in kvs.do("port-get", {"switch": s.sw,
                                                   "id": s.vm["id"]}),
              "the VM's port has no tcp-for")
    s.ping_reaches_vm("10.96.0.2")
    s.ping_reaches_vm("fc00:96::2")
    udp_reaches_vm(s)
    # Nothing listens in the VM's namespace: TCP that went there would
    # be refused.
    s.tcp_reaches_leulo("10.96.0.2", "10.96.0.1")
    s.tcp_reaches_leulo("fc00:96::2", "fc00:96::1")
    s.leulo_saw_nothing()
    ksft_eq(s.fdb_port(), s.vm["id"], comment="M stays on the VM's port")
    st = kvs.do("port-get", {"switch": s.sw, "id": s.leulo["id"]})["stats"]
    # Two transfers each way (IPv4, IPv6) went through it, whole.
    ksft_true(st["rx-bytes"] >= 2 * KIB << 10 and
              st["tx-bytes"] >= 2 * KIB << 10, str(st))


def flooded(kvs) -> None:
    """The table empty (M unknown): each side still takes only its own."""
    s = Setup(kvs, "f")
    for addr in ("10.96.0.2", "fc00:96::2"):
        kvs.do("fdb-flush", {"switch": s.sw})
        ksft_eq(s.fdb_port(), None, comment="flushed")
        s.ping_reaches_vm(addr)
        kvs.do("fdb-flush", {"switch": s.sw})
        s.tcp_reaches_leulo(addr)
        # Learned from the host port's frames, onto the VM's port: a
        # Leulo VM's silent NIC does not leave its TCP flooding.
        ksft_eq(s.fdb_port(), s.vm["id"], comment="M learned on the VM's port")
    s.leulo_saw_nothing()


def lifetimes(kvs) -> None:
    """The host port outlives the VM's port and steers for the next one;
    deleting it ends the steering."""
    s = Setup(kvs, "l")
    kvs.do("port-del", {"switch": s.sw, "id": s.vm["id"]})
    # The MAC is the VM's again for a new port: the host port with
    # tcp-for holds nobody's MAC.
    s.vm = s.vm_port("m")
    s.ping_reaches_vm("10.96.0.2")
    s.tcp_reaches_leulo("10.96.0.2")
    kvs.do("port-del", {"switch": s.sw, "id": s.leulo["id"]})
    # Now TCP goes to the VM's stack, like everything else.
    ksft_eq(*sha_transfer(s.ns["peer"].name, s.ns["vm"].name, "10.96.0.2",
                          kib=KIB),
            comment="without the host port: peer -> the VM's stack")
    s.leulo = host_new(kvs, s.sw, s.ns["leulo"], "ln", **{"tcp-for": M})
    addresses(s.ns["leulo"], s.leulo["ifname"], 2, leulo=True)
    s.ping_reaches_vm("10.96.0.2")
    s.tcp_reaches_leulo("10.96.0.2")
    s.leulo_saw_nothing()


def other_macs(kvs) -> None:
    """Only the port's own MAC is split: TCP to another MAC behind it
    goes to it. The port with M here is an uplink (a veth end given M),
    with namespace "far" (10.96.0.5, its own MAC) behind it."""
    sw = new_switch(kvs, "o")
    peer, leulo, far = Ns("op"), Ns("ol"), Ns("of")
    for ns in (peer, leulo, far):
        defer(ns.del_)
    host_new(kvs, sw, leulo, "ol", **{"tcp-for": M})
    p = host_new(kvs, sw, peer, "op")
    addresses(peer, p["ifname"], 1)
    a, b = name("oa"), name("ob")
    run("ip", "link", "add", a, "address", MAC, "type", "veth", "peer",
        "name", b, "netns", far.name)
    defer(run, "ip", "link", "del", a, fail=False)
    kvs.do("port-new", {"switch": sw, "type": "uplink", "ifname": a})
    run("ip", "link", "set", a, "up")
    run("ip", "addr", "add", "10.96.0.5/24", "dev", b, ns=far.name)
    run("ip", "link", "set", b, "up", ns=far.name)
    ksft_eq(*sha_transfer(peer.name, far.name, "10.96.0.5", kib=KIB),
            comment="peer -> a MAC behind the port with M: SHA-256")


def refusals(kvs) -> None:
    sw = new_switch(kvs, "r")
    kvs.do("port-new", {"switch": sw, "type": "host", "tcp-for": M})
    cases = (
        ({"tcp-for": M}, errno.EBUSY, "TCP"),
        ({"tcp-for": M, "mac": M}, errno.EINVAL, "tcp-for"),
        ({"tcp-for": bytes.fromhex("010000000001")}, errno.EINVAL, "MAC"),
        ({"tcp-for": bytes(6)}, errno.EINVAL, "MAC"),
        ({"tcp-for": M[:5]}, errno.ERANGE, ""),      # the policy's length
        # Refused before its device is looked for.
        ({"type": "uplink", "ifname": "lo", "tcp-for": M}, errno.EINVAL,
         "MAC"),
    )
    for extra, err, why in cases:
        req = {"switch": sw, "type": "host"}
        req.update(extra)
        with ksft_raises(NlError) as e:
            kvs.do("port-new", req)
        ksft_eq(e.exception.error, err, comment=str(extra))
        ksft_in(why, reason(e.exception), comment=str(extra))
    ksft_eq(kvs.do("switch-get", {"name": sw})["port-count"], 1)


if __name__ == "__main__":
    vhost_kvs_run([steering, flooded, lifetimes, other_macs, refusals])
