#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Uplinks: existing Ethernet devices made ports of a vhost-kvs switch.

A veth pair stands for the wire: one end (the uplink) in this namespace,
a port of the switch; the other in namespace "far" with 10.98.0.2. The
switch also has a host port in namespace "near" with 10.98.0.1, so
traffic goes near -> host port -> switch -> uplink -> far and back:
ping, 8 MiB (1 on a slow machine) over TCP with its SHA-256 compared (offloads on and off),
frames longer than the uplink's MTU counted, and the device taken out
of the switch under traffic by deleting it or moving it to another
namespace; VXLAN between two namespaces behind two uplinks. Every
refusal with its errno and reason; port-del gives the device back as it
was (not promiscuous, free to be enslaved)."""

import errno
import subprocess
import time

from lib.py import ksft_eq, ksft_ge, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import vhost_kvs_run, new_switch, Ns, name, reason, run, ip
from lib.py import sha_transfer, SHA_KIB


def uplink_new(kvs, sw, dev):
    return kvs.do("port-new", {"switch": sw, "type": "uplink", "ifname": dev})


def veth(tag, far=None):
    """A veth pair: (this end, other end); the other end in @far."""
    a, b = name(f"{tag}a"), name(f"{tag}b")
    run("ip", "link", "add", a, "type", "veth", "peer", "name", b)
    defer(run, "ip", "link", "del", a, fail=False)
    if far:
        run("ip", "link", "set", b, "netns", far.name)
    return a, b


def promiscuity(dev):
    return ip("-d", "link", "show", "dev", dev)[0]["promiscuity"]


def refusals(kvs) -> None:
    sw = new_switch(kvs, "r")
    other = new_switch(kvs, "o")
    a, b = veth("r")
    far = Ns("rf")
    defer(far.del_)
    c, d = veth("s", far)
    host = kvs.do("port-new", {"switch": sw, "type": "host",
                               "ifname": name("rh")})
    br = name("rbr")
    run("ip", "link", "add", br, "type", "bridge")
    defer(run, "ip", "link", "del", br, fail=False)
    run("ip", "link", "set", b, "master", br)
    uplink_new(kvs, other, a)
    mac = ip("link", "show", "dev", c)[0]["address"]
    kvs.do("port-new", {"switch": sw, "type": "host", "ifname": name("rm"),
                        "mac": bytes.fromhex(mac.replace(":", ""))})
    cases = (
        (name("none"), errno.ENODEV, "no such device"),
        (d, errno.ENODEV, "no such device"),        # in another namespace
        ("lo", errno.EINVAL, "loopback"),
        (host["ifname"], errno.EINVAL, "host port"),
        (b, errno.EBUSY, "enslaved"),               # in a bridge
        (a, errno.EBUSY, "enslaved"),               # another switch's uplink
        (c, errno.EADDRINUSE, "MAC"),               # a host port has its MAC
    )
    for dev, err, why in cases:
        with ksft_raises(NlError) as e:
            uplink_new(kvs, sw, dev)
        ksft_eq(e.exception.error, err, comment=dev)
        ksft_in(why, reason(e.exception), comment=dev)
    with ksft_raises(NlError) as e:
        kvs.do("port-new", {"switch": sw, "type": "uplink", "ifname": c,
                            "mac": bytes.fromhex("020000000009")})
    ksft_eq(e.exception.error, errno.EINVAL)
    ksft_in("keeps its device's MAC", reason(e.exception))


def wire(kvs, tag):
    """near (host port 10.98.0.1) -- switch -- uplink -- far (10.98.0.2)."""
    sw = new_switch(kvs, tag)
    near, far = Ns(f"{tag}n"), Ns(f"{tag}f")
    defer(near.del_)
    defer(far.del_)
    up, peer = veth(tag, far)
    with open(near.path(), "rb") as f:
        host = kvs.do("port-new", {"switch": sw, "type": "host",
                                   "ifname": name(f"{tag}h"),
                                   "netns-fd": f.fileno()})
    port = uplink_new(kvs, sw, up)
    run("ip", "link", "set", up, "up")
    run("ip", "addr", "add", "10.98.0.1/24", "dev", host["ifname"], ns=near.name)
    run("ip", "link", "set", host["ifname"], "up", ns=near.name)
    run("ip", "addr", "add", "10.98.0.2/24", "dev", peer, ns=far.name)
    run("ip", "link", "set", peer, "up", ns=far.name)
    return sw, near.name, far.name, up, peer, host, port


def traffic(kvs) -> None:
    sw, near, far, up, peer, host, port = wire(kvs, "t")
    got = kvs.do("port-get", {"switch": sw, "id": port["id"]})
    ksft_eq(got["type"], "uplink")
    ksft_eq(got["ifname"], up)
    ksft_eq(promiscuity(up), 1)
    run("ping", "-c", "3", "-W", "2", "10.98.0.2", ns=near)
    ksft_eq(*sha_transfer(near, far, "10.98.0.2"), "near -> far: SHA-256")
    ksft_eq(*sha_transfer(far, near, "10.98.0.1"), "far -> near: SHA-256")
    st = kvs.do("port-get", {"switch": sw, "id": port["id"]})["stats"]
    # Every byte of each transfer counted, each way, in at least as many
    # frames as 64 KiB ones would take (how the stacks batch them varies).
    for way in ("tx", "rx"):
        ksft_ge(st[f"{way}-bytes"], SHA_KIB << 10, str(st))
        ksft_ge(st[f"{way}-frames"], SHA_KIB // 64, str(st))
    ksft_eq(st["tx-drop-bad-hdr"], 0)
    # The far end's MAC was learned on the uplink.
    peer_mac = ip("link", "show", "dev", peer, ns=far)[0]["address"]
    fdb = kvs.dump("fdb-get", {"switch": sw})
    ksft_in(port["id"], [e["port"] for e in fdb
                         if e["mac"].hex() == peer_mac.replace(":", "")])
    run("ethtool", "-K", host["ifname"], "tx", "off", "tso", "off", "gso",
        "off", ns=near)
    ksft_eq(*sha_transfer(near, far, "10.98.0.2"), "offloads off: SHA-256")
    # Longer than the uplink's MTU: dropped and counted, as a bridge does.
    run("ip", "link", "set", up, "mtu", "1400")
    run("ping", "-c", "2", "-W", "1", "-s", "1450", "10.98.0.2", ns=near,
        fail=False)
    st = kvs.do("port-get", {"switch": sw, "id": port["id"]})["stats"]
    ksft_true(st["rx-drop-too-big"] >= 2, f"rx-drop-too-big {st['rx-drop-too-big']}")
    run("ip", "link", "set", up, "mtu", "1500")
    # port-del gives the device back: not promiscuous, free to enslave.
    kvs.do("port-del", {"switch": sw, "id": port["id"]})
    ksft_eq(promiscuity(up), 0)
    br = name("tbr")
    run("ip", "link", "add", br, "type", "bridge")
    defer(run, "ip", "link", "del", br, fail=False)
    run("ip", "link", "set", up, "master", br)


def tunnel(kvs) -> None:
    """VXLAN between far and a second far end, "far2", behind a second
    uplink with TSO and GSO off: far's tunnel sends GSO frames through the
    veth that a virtio-net header cannot describe, which the first uplink
    cuts into segments. (This passed as well with the frames handed on
    as plain TCP GSO: it shows tunnel traffic crosses two uplinks intact,
    not that the segmenting is needed here.)"""
    sw, _, far, _, peer, _, port = wire(kvs, "v")
    far2 = Ns("v2")
    defer(far2.del_)
    up2, peer2 = veth("w", far2)
    uplink_new(kvs, sw, up2)
    run("ip", "link", "set", up2, "up")
    run("ethtool", "-K", up2, "tso", "off", "gso", "off")
    run("ip", "addr", "add", "10.98.0.3/24", "dev", peer2, ns=far2.name)
    run("ip", "link", "set", peer2, "up", ns=far2.name)
    for ns, dev, me, other in ((far, peer, 2, 3), (far2.name, peer2, 3, 2)):
        run("ip", "link", "add", "vxt", "type", "vxlan", "id", "7", "local",
            f"10.98.0.{me}", "remote", f"10.98.0.{other}", "dstport", "4789",
            "dev", dev, ns=ns)
        run("ip", "addr", "add", f"10.97.0.{me}/24", "dev", "vxt", ns=ns)
        run("ip", "link", "set", "vxt", "up", ns=ns)
    run("ping", "-c", "3", "-W", "2", "10.97.0.3", ns=far)
    ksft_eq(*sha_transfer(far, far2.name, "10.97.0.3"),
            "far -> far2 in VXLAN, through both uplinks: SHA-256")
    st = kvs.do("port-get", {"switch": sw, "id": port["id"]})["stats"]
    ksft_eq(st["tx-drop-bad-hdr"], 0)


def gone_under_traffic(kvs, how) -> None:
    sw, near, far, up, _, _, port = wire(kvs, how[0])
    run("ping", "-c", "1", "-W", "2", "10.98.0.2", ns=near)
    # UDP as fast as it goes, for 5 s, while the device goes.
    blast = ("import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
             "t=time.time()+5\nwhile time.time()<t:\n"
             " s.sendto(b'x'*1000,('10.98.0.2',9))")
    sender = subprocess.Popen(("ip", "netns", "exec", near, "python3", "-c",
                               blast), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        if how == "delete":
            run("ip", "link", "del", up)
        else:
            other = Ns("mv")
            defer(other.del_)
            run("ip", "link", "set", up, "netns", other.name)
        with ksft_raises(NlError) as e:
            kvs.do("port-get", {"switch": sw, "id": port["id"]})
        ksft_eq(e.exception.error, errno.ENOENT)
        ksft_eq(kvs.do("switch-get", {"name": sw})["port-count"], 1)
    finally:
        sender.kill()
        sender.wait()


def unregister(kvs) -> None:
    gone_under_traffic(kvs, "delete")


def netns_move(kvs) -> None:
    gone_under_traffic(kvs, "move")


if __name__ == "__main__":
    vhost_kvs_run([refusals, traffic, tunnel, unregister, netns_move])
