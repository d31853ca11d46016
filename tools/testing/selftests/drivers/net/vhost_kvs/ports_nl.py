#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Ports over the vhost-kvs generic netlink family, driven by the kernel's
YNL library from the family's spec: ports listed with their MACs while
their /dev/vhost-kvs file is attached and gone when it closes or its
switch is deleted; their counters alone (stats-get); static MAC table
entries; port policy with its ranges, refused to a tenant; and the events
a listener of the "events" group receives."""

import errno

from lib.py import ksft_eq, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import Port, VhostKvsFamily, as_tenant, attach_errno
from lib.py import new_switch, reason, until, vhost_kvs_run

MAC_A = bytes([0x52, 0x54, 0, 0xaa, 0, 1])
MAC_B = bytes([0x52, 0x54, 0, 0xaa, 0, 2])


def port_count(kvs, sw):
    return kvs.do("switch-get", {"name": sw})["port-count"]


def one_port(kvs, sw, mac):
    """A port attached to SW with MAC; returns (its Port, its id)."""
    port = Port(sw, mac)
    ids = [p["id"] for p in kvs.dump("port-get", {"switch": sw})
           if p["mac"] == mac]
    ksft_eq(len(ids), 1, comment="the port is listed once, by its MAC")
    return port, ids[0]


def listed(kvs) -> None:
    """Ports are listed while attached (not deleted by port-del: their
    file detaches or closes), and leave on close."""
    sw = new_switch(kvs, "p")
    a, id_a = one_port(kvs, sw, MAC_A)
    _, id_b = one_port(kvs, sw, MAC_B)
    got = {p["id"]: p["mac"] for p in kvs.dump("port-get", {"switch": sw})}
    ksft_eq(got, {id_a: MAC_A, id_b: MAC_B})
    ksft_eq(port_count(kvs, sw), 2)
    got = kvs.do("port-get", {"switch": sw, "id": id_a})
    ksft_eq((got["mac"], got["type"], got["queues"]), (MAC_A, "vhost", 1))
    with ksft_raises(NlError) as e:
        kvs.do("port-del", {"switch": sw, "id": id_a})
    ksft_eq(e.exception.error, errno.EOPNOTSUPP,
            comment="a vhost port leaves when its file detaches or closes")
    ksft_in("detaches or closes", reason(e.exception))
    for req in ({"switch": sw, "id": 9999}, {"switch": "nope", "id": id_a}):
        with ksft_raises(NlError) as e:
            kvs.do("port-get", req)
        ksft_eq(e.exception.error, errno.ENOENT, comment=str(req))
    with ksft_raises(NlError) as e:
        kvs.dump("port-get", {"switch": "nope"})
    ksft_eq(e.exception.error, errno.ENOENT, comment="dump of a missing switch")
    a.close()
    until(lambda: port_count(kvs, sw) == 1, what="the closed port leaving")


def switch_deleted(kvs) -> None:
    """Deleting a switch detaches its ports; their files stay open and
    close cleanly."""
    sw = new_switch(kvs, "q")
    port, _ = one_port(kvs, sw, MAC_A)
    kvs.do("switch-del", {"name": sw})
    kvs.do("switch-new", {"name": sw})  # for the case's own deletion
    ksft_eq(port_count(kvs, sw), 0, comment="the new switch of that name")
    ksft_eq(attach_errno(port.fd, "nope", MAC_A), errno.ENOENT,
            comment="detached: attaching is allowed again")
    port.close()


def stats(kvs) -> None:
    """stats-get gives a port's counters and nothing else."""
    sw = new_switch(kvs, "s")
    _, pid = one_port(kvs, sw, MAC_A)
    st = kvs.do("stats-get", {"switch": sw, "id": pid})
    ksft_eq(st["id"], pid)
    ksft_eq(st["stats"]["rx-frames"], 0)
    ksft_eq(st["stats"]["tx-drop-spoof"], 0)
    ksft_true("mac" not in st and "learning" not in st,
              comment="no MAC or policy in stats-get")
    ksft_eq([s["id"] for s in kvs.dump("stats-get", {"switch": sw})], [pid])
    with ksft_raises(NlError) as e:
        kvs.do("stats-get", {"switch": sw, "id": 999})
    ksft_eq(e.exception.error, errno.ENOENT)


def fdb(kvs) -> None:
    """Static MAC table entries: added, listed, deleted, kept by a flush."""
    sw = new_switch(kvs, "f")
    _, pid = one_port(kvs, sw, MAC_A)
    mac = bytes([0x52, 0x54, 0, 0xbb, 0, 0xff])
    kvs.do("fdb-add", {"switch": sw, "mac": mac, "port": pid})
    ent = [e for e in kvs.dump("fdb-get", {"switch": sw}) if e["mac"] == mac]
    ksft_eq(len(ent), 1)
    ksft_eq(ent[0]["port"], pid)
    ksft_true(ent[0].get("static"), comment="the entry is static")
    with ksft_raises(NlError) as e:
        kvs.do("fdb-add", {"switch": sw, "mac": MAC_B, "port": 999})
    ksft_eq(e.exception.error, errno.ENOENT)
    ksft_in("no such port", reason(e.exception))
    kvs.do("fdb-del", {"switch": sw, "mac": mac})
    with ksft_raises(NlError) as e:
        kvs.do("fdb-del", {"switch": sw, "mac": mac})
    ksft_eq(e.exception.error, errno.ENOENT)
    kvs.do("fdb-add", {"switch": sw, "mac": mac, "port": pid})
    kvs.do("fdb-flush", {"switch": sw})
    ksft_eq([e["mac"] for e in kvs.dump("fdb-get", {"switch": sw})], [mac],
            comment="a flush keeps static entries")


def policy(kvs) -> None:
    """port-set: several settings at once, read back; values out of
    range refused by the policy; a tenant refused."""
    sw = new_switch(kvs, "o")
    _, pid = one_port(kvs, sw, MAC_A)
    allowed = [bytes([2, 0, 0, 0, 0, 1]), bytes([2, 0, 0, 0, 0, 2])]
    kvs.do("port-set", {"switch": sw, "id": pid, "isolated": 1,
                        "learning": 0, "max-learned": 32, "spoofchk": 1,
                        "allowed-mac": allowed})
    got = kvs.do("port-get", {"switch": sw, "id": pid})
    ksft_eq([got[k] for k in ("isolated", "learning", "max-learned",
                              "spoofchk")], [1, 0, 32, 1])
    ksft_eq(got["allowed-mac"], allowed)
    kvs.do("port-set", {"switch": sw, "id": pid, "pvid": 10, "vid": [20, 30]})
    got = kvs.do("port-get", {"switch": sw, "id": pid})
    ksft_eq((got["pvid"], got["vid"]), (10, [20, 30]))
    for bad in ({"vid": [4095]}, {"isolated": 2}):
        with ksft_raises(NlError) as e:
            kvs.do("port-set", {"switch": sw, "id": pid, **bad})
        ksft_eq(e.exception.error, errno.ERANGE, comment=str(bad))
        ksft_in("out of range", reason(e.exception), comment=str(bad))
    with ksft_raises(NlError) as e:
        kvs.do("port-set", {"switch": sw, "id": 999, "flood": 0})
    ksft_eq(e.exception.error, errno.ENOENT)
    ksft_in("no such port", reason(e.exception))
    got = as_tenant(lambda k: k.do("port-set", {"switch": sw, "id": pid,
                                                "isolated": 0}) and None)
    ksft_eq(got.get("errno"), errno.EPERM)
    ksft_eq(kvs.do("port-get", {"switch": sw, "id": pid})["isolated"], 1,
            comment="refused, and nothing changed")
    got = as_tenant(lambda k: k.do("port-get", {"switch": sw, "id": pid})
                    ["isolated"])
    ksft_eq(got, {"ok": 1}, comment="but a tenant may read it")


def events(kvs) -> None:
    """A listener of the "events" group hears a port come and go."""
    ear = VhostKvsFamily()
    defer(ear.sock.close)
    ear.ntf_subscribe("events")
    sw = new_switch(kvs, "e")
    mac = bytes([0x52, 0x54, 0, 0xbb, 0, 2])
    port, _ = one_port(kvs, sw, mac)
    port.close()
    heard = []

    def both():
        ear.check_ntf()
        while ear.async_msg_queue:
            ntf = ear.async_msg_queue.pop(0)
            if ntf["msg"].get("mac") == mac:
                heard.append(ntf["name"])
        return "port-del-ntf" in heard
    until(both, 10, "port-del-ntf")
    ksft_eq(heard, ["port-add-ntf", "port-del-ntf"])


if __name__ == "__main__":
    vhost_kvs_run([listed, switch_deleted, stats, fdb, policy, events])
