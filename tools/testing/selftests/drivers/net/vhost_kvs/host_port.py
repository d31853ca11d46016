#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host ports: network devices that are ports of a vhost-kvs switch.

Made with port-new, read back with port-get, removed with port-del and
with their switch; every refusal with its errno and reason. Traffic runs
between two host ports of one switch, each in its own network namespace,
so the path stack -> switch -> stack (checksum and TCP segmentation
offloads carried across as a virtio-net header, GRO on the way in when
it is turned on) is tested without a guest: ping, and 8 MiB (1 MiB
with KSFT_MACHINE_SLOW=yes) over TCP with its SHA-256 compared, with
offloads on and off."""

import errno

from lib.py import ksft_eq, ksft_ge, ksft_in, ksft_true, ksft_raises
from lib.py import ksft_busy_wait, NlError, defer
from lib.py import vhost_kvs_run, new_switch, Ns, name, reason, run, ip, has_dev
from lib.py import sha_transfer, SHA_KIB


def host_new(kvs, sw, **attrs):
    req = {"switch": sw, "type": "host"}
    req.update(attrs)
    return kvs.do("port-new", req)


def lifecycle(kvs) -> None:
    sw = new_switch(kvs, "l")
    dev = name("d")
    got = host_new(kvs, sw, ifname=dev, mac=bytes.fromhex("020000aa0001"))
    ksft_eq(got["ifname"], dev)
    ksft_true(has_dev(dev), "the device exists")
    link = ip("link", "show", "dev", dev)[0]
    ksft_eq(link["address"], "02:00:00:aa:00:01")
    ksft_eq(link["ifindex"], got["ifindex"])
    port = kvs.do("port-get", {"switch": sw, "id": got["id"]})
    ksft_eq(port["type"], "host")
    ksft_eq(port["ifname"], dev)
    ksft_eq(port["queues"], 0)
    ksft_in("rx-drop-down", port["stats"])
    # No name given: the kernel's kvsh%d; no MAC given: a random one.
    other = host_new(kvs, sw)
    ksft_true(other["ifname"].startswith("kvsh"), other["ifname"])
    ksft_eq(kvs.do("switch-get", {"name": sw})["port-count"], 2)
    kvs.do("port-del", {"switch": sw, "id": got["id"]})
    ksft_true(not has_dev(dev), "port-del removed the device")
    with ksft_raises(NlError) as e:
        kvs.do("port-get", {"switch": sw, "id": got["id"]})
    ksft_eq(e.exception.error, errno.ENOENT)
    # The switch takes the other one's device with it.
    kvs.do("switch-del", {"name": sw})
    ksft_true(not has_dev(other["ifname"]), "switch-del removed the device")
    kvs.do("switch-new", {"name": sw})     # for the deferred switch-del


def refusals(kvs) -> None:
    sw = new_switch(kvs, "r")
    dev = name("e")
    host_new(kvs, sw, ifname=dev, mac=bytes.fromhex("020000bb0001"))
    cases = (
        ({"switch": name("none"), "type": "host"}, errno.ENOENT, "no such switch"),
        ({"switch": sw, "type": "vhost"}, errno.EOPNOTSUPP, "/dev/vhost-kvs"),
        ({"switch": sw, "type": "host", "ifname": dev}, errno.EEXIST, "exists"),
        ({"switch": sw, "type": "host", "ifname": "a/b"}, errno.EINVAL, "name"),
        ({"switch": sw, "type": "host", "mac": bytes.fromhex("010000000001")},
         errno.EINVAL, "MAC"),
        ({"switch": sw, "type": "host", "mac": bytes.fromhex("020000bb0001")},
         errno.EADDRINUSE, "MAC"),
        ({"switch": sw}, errno.EINVAL, ""),
    )
    for req, err, why in cases:
        with ksft_raises(NlError) as e:
            kvs.do("port-new", req)
        ksft_eq(e.exception.error, err, comment=str(req))
        ksft_in(why, reason(e.exception), comment=str(req))
    with open("/dev/null", "rb") as f:
        with ksft_raises(NlError) as e:
            host_new(kvs, sw, **{"netns-fd": f.fileno()})
        ksft_eq(e.exception.error, errno.EINVAL)
        ksft_in("namespace", reason(e.exception))
    with ksft_raises(NlError) as e:
        kvs.do("port-set", {"switch": sw, "id": 1, "coalesce-frames": 8})
    ksft_eq(e.exception.error, errno.EOPNOTSUPP)
    ksft_in("coalescing", reason(e.exception))
    with ksft_raises(NlError) as e:
        kvs.do("port-del", {"switch": sw, "id": 999})
    ksft_eq(e.exception.error, errno.ENOENT)
    ksft_eq(kvs.do("switch-get", {"name": sw})["port-count"], 1)


def pair(kvs, tag):
    """Two host ports of one switch, each in its own namespace, up."""
    sw = new_switch(kvs, tag)
    out = []
    for i in (1, 2):
        ns = Ns(f"{tag}{i}")
        defer(ns.del_)
        with open(ns.path(), "rb") as f:
            p = host_new(kvs, sw, ifname=name(f"{tag}{i}"),
                         **{"netns-fd": f.fileno()})
        dev = p["ifname"]
        ksft_true(has_dev(dev, ns=ns.name),
                  "the device is in the namespace given")
        run("ip", "addr", "add", f"10.99.0.{i}/24", "dev", dev, ns=ns.name)
        run("ip", "link", "set", dev, "up", ns=ns.name)
        out.append((ns.name, dev, p["id"]))
    return sw, out


def traffic(kvs) -> None:
    sw, ((na, da, ida), (nb, db, idb)) = pair(kvs, "t")
    run("ping", "-c", "3", "-W", "2", "10.99.0.2", ns=na)
    ksft_eq(*sha_transfer(na, nb, "10.99.0.2"), "SHA-256 of what was sent")
    st = kvs.do("port-get", {"switch": sw, "id": ida})["stats"]
    # Every byte of the transfer counted, in at least as many frames as
    # 64 KiB ones would take (how the stack batches them varies).
    ksft_ge(st["tx-bytes"], SHA_KIB << 10, "tx-bytes cover the transfer")
    ksft_ge(st["tx-frames"], SHA_KIB // 64, f"tx-frames {st['tx-frames']}")
    # TSO on: the stack's 64 KiB segments cross the switch whole.
    ksft_true(st["tx-bytes"] / st["tx-frames"] > 2000,
              f"{st['tx-bytes']} bytes in {st['tx-frames']} frames")
    ksft_eq(st["tx-drop-bad-hdr"], 0)
    # The device's counters are the port's. The stack may still send
    # (a last ACK, neighbour discovery) between two reads: the device's
    # count must lie between the port's before and after it.
    link = ip("-s", "link", "show", "dev", da, ns=na)[0]
    after = kvs.do("port-get", {"switch": sw, "id": ida})["stats"]
    dev_tx = link["stats64"]["tx"]["packets"]
    ksft_true(st["tx-frames"] <= dev_tx <= after["tx-frames"],
              f"device tx {dev_tx}, port tx-frames {st['tx-frames']} .. {after['tx-frames']}")
    # Offloads off at the sender, GRO on at the receiver (off unless
    # asked): the stack segments and checksums; the switch carries plain
    # frames; GRO merges them again.
    ksft_in("generic-receive-offload: off",
            run("ethtool", "-k", db, ns=nb).stdout.split("\n"))
    run("ethtool", "-K", da, "tx", "off", "tso", "off", "gso", "off", ns=na)
    run("ethtool", "-K", db, "gro", "on", ns=nb)
    ksft_eq(*sha_transfer(na, nb, "10.99.0.2"), "SHA-256 of what was sent")
    run("ethtool", "-K", da, "tx", "on", "tso", "on", "gso", "on", ns=na)
    # A device that is down drops what the switch hands it, counted.
    run("ip", "link", "set", db, "down", ns=nb)
    run("ping", "-c", "2", "-W", "1", "10.99.0.2", ns=na, fail=False)
    stb = kvs.do("port-get", {"switch": sw, "id": idb})["stats"]
    ksft_true(stb["rx-drop-down"] > 0, f"rx-drop-down {stb['rx-drop-down']}")


def netns_gone(kvs) -> None:
    """The namespace a host port's device is in goes first: the kernel
    moves the device back to the initial namespace; it stays a port."""
    sw = new_switch(kvs, "n")
    ns = Ns("n")
    with open(ns.path(), "rb") as f:
        p = host_new(kvs, sw, ifname=name("n"), **{"netns-fd": f.fileno()})
    ksft_true(not has_dev(p["ifname"]), "not in this namespace yet")
    ns.del_()

    # Namespaces are torn down by a work item: wait for it, boundedly.
    ksft_busy_wait(lambda: has_dev(p["ifname"]), sleep=0.1, deadline=30,
                   comment="the device is back in the initial namespace")
    got = kvs.do("port-get", {"switch": sw, "id": p["id"]})
    ksft_eq(got["ifname"], p["ifname"])
    kvs.do("port-del", {"switch": sw, "id": p["id"]})
    ksft_true(not has_dev(got["ifname"]), "port-del removed the device")


if __name__ == "__main__":
    vhost_kvs_run([lifecycle, refusals, traffic, netns_gone])
