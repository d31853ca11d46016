#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Dumps of the vhost-kvs family in several parts: complete when nothing
changed between the parts, marked NLM_F_DUMP_INTR when the switches, the
ports (or their policy) or the MAC table changed while it was read.

The parts are read one by one on a raw generic netlink socket, with a
change made between the first two: YNL reads a dump whole."""

import fcntl
import socket
import sys

from lib.py import ksft_eq, ksft_ge, ksft_true
from lib.py import YnlFamily, defer
from lib.py import VHOST_KVS_DETACH, attach, new_switch, switch_room
from lib.py import vhost_kvs_run

# The YNL library's own message codec: requests built from the spec,
# replies parsed by it; only the reading, part by part, is ours.
ynl = sys.modules[YnlFamily.__module__]
# The kernel sizes a dump's parts after the socket's largest read: reads
# of a page keep each part a page, so some tens of entries make several.
PART = 4096
NLM_F_DUMP_INTR = 0x10  # not among the YNL library's constants


def dump_parts(kvs, op, sw=None, between=None):
    """Dump OP (of switch SW) part by part, calling BETWEEN after the first
    part was built; returns (parts, messages, parts marked)."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         ynl.Netlink.NETLINK_GENERIC)
    defer(sock.close)
    sock.settimeout(30)
    # pylint: disable=protected-access
    sock.send(kvs._encode_message(kvs.ops[op], {"switch": sw} if sw else {},
                                  [ynl.Netlink.NLM_F_DUMP], 1))
    if between:
        between()
    parts = msgs = intr = 0
    while True:
        data = sock.recv(PART)
        parts += 1
        for msg in ynl.NlMsgs(data):
            if msg.nl_type == ynl.Netlink.NLMSG_ERROR and msg.error:
                raise OSError(-msg.error, op)
            if msg.nl_flags & NLM_F_DUMP_INTR:
                intr += 1
            if msg.done:
                return parts, msgs, intr
            msgs += 1


def whole(kvs, n, op, sw=None):
    parts, msgs, intr = dump_parts(kvs, op, sw)
    ksft_eq(msgs, n, comment=f"{op}: entries")
    ksft_ge(parts, 2, comment=f"{op}: parts")
    ksft_eq(intr, 0, comment=f"{op}: marked, with nothing changed")


def marked(kvs, op, sw, change):
    parts, _, intr = dump_parts(kvs, op, sw, change)
    ksft_ge(parts, 2, comment=f"{op}: parts")
    ksft_ge(intr, 1, comment=f"{op}: marked after a change")


def switches(kvs) -> None:
    """80 switches make two parts (a part holds about 55)."""
    base = switch_room(kvs, 100)
    names = [new_switch(kvs, f"d{i}x") for i in range(80)]
    whole(kvs, base + 80, "switch-get")
    marked(kvs, "switch-get", None,
           lambda: kvs.do("switch-del", {"name": names[50]}))
    marked(kvs, "switch-get", None,
           lambda: kvs.do("switch-new", {"name": names[50]}))


def ports(kvs) -> None:
    """24 ports make two parts or more; a policy change or a port leaving
    marks the rest."""
    sw = new_switch(kvs, "p")
    fds = [attach(sw, bytes([0x52, 0x54, 0, 0xdd, 0, i])) for i in range(24)]
    whole(kvs, 24, "port-get", sw)
    whole(kvs, 24, "stats-get", sw)
    first = kvs.dump("port-get", {"switch": sw})[0]["id"]
    marked(kvs, "port-get", sw, lambda: kvs.do(
        "port-set", {"switch": sw, "id": first, "learning": 0}))
    marked(kvs, "stats-get", sw, lambda: fcntl.ioctl(fds[0], VHOST_KVS_DETACH))
    ksft_eq(len(kvs.dump("port-get", {"switch": sw})), 23)


def fdb(kvs) -> None:
    """80 static entries make two parts; a deleted one marks the rest."""
    sw = new_switch(kvs, "f")
    attach(sw, bytes([0x52, 0x54, 0, 0xdd, 1, 0]))
    port = kvs.dump("port-get", {"switch": sw})[0]["id"]
    macs = [bytes([2, 0, 0, 0, i >> 8, i & 0xff]) for i in range(80)]
    for mac in macs:
        kvs.do("fdb-add", {"switch": sw, "mac": mac, "port": port})
    entries = kvs.dump("fdb-get", {"switch": sw})
    ksft_eq(len(entries), 80)
    ksft_true(all(e["port"] == port for e in entries))
    whole(kvs, 80, "fdb-get", sw)
    marked(kvs, "fdb-get", sw, lambda: kvs.do(
        "fdb-del", {"switch": sw, "mac": macs[40]}))


if __name__ == "__main__":
    vhost_kvs_run([switches, ports, fdb])
