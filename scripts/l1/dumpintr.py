#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read a vhost-kvs dump in parts, optionally changing the switch between
the first part and the rest, and say whether the kernel marked the dump
NLM_F_DUMP_INTR.

  dumpintr.py OP [SWITCH] [-- COMMAND...]

OP is switch-get, port-get, stats-get or fdb-get; SWITCH is the switch
whose ports or table are dumped. COMMAND runs between the first part and
the second: the kernel builds the first part when the dump is asked for,
each later one when the one before is read.
Prints "parts P messages M intr I" and exits 0 when the dump completed.
Raw netlink, so that the parts are seen one by one: cli.py reads a dump
whole.
"""
import os
import socket
import struct
import subprocess
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
# The family's commands (include/uapi/linux/vhost_kvs_netlink.h), and the
# switch attribute of the dumps that take one (1 in each attribute set).
OPS = {"switch-get": 3, "port-get": 4, "fdb-get": 5, "stats-get": 15}
SWITCH_ATTR = 1
PART = 4096


def attr(kind, payload):
    size = 4 + len(payload)
    return struct.pack("HH", size, kind) + payload + b"\0" * (-size % 4)


def message(kind, flags, seq, cmd, attrs):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("IHHII", 16 + len(body), kind, flags, seq, 0) + body


def messages(data):
    """(type, flags, payload) of each netlink message in one datagram."""
    off = 0
    while off + 16 <= len(data):
        size, kind, flags, _, _ = struct.unpack_from("IHHII", data, off)
        if size < 16:
            break
        yield kind, flags, data[off + 16:off + size]
        off += (size + 3) & ~3


def fail(why):
    print("dumpintr: " + why, file=sys.stderr)
    sys.exit(1)


def family_id(sock):
    sock.send(message(GENL_ID_CTRL, NLM_F_REQUEST, 1, CTRL_CMD_GETFAMILY,
                      attr(CTRL_ATTR_FAMILY_NAME, b"vhost-kvs\0")))
    for kind, _, payload in messages(sock.recv(65536)):
        if kind == NLMSG_ERROR:
            fail("no vhost-kvs family")
        off = 4
        while off + 4 <= len(payload):
            size, typ = struct.unpack_from("HH", payload, off)
            if size < 4:
                break
            if typ == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("H", payload, off + 4)[0]
            off += (size + 3) & ~3
    fail("no family id in the answer")


def main():
    args = sys.argv[1:]
    command = []
    if "--" in args:
        command = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    if not args or args[0] not in OPS or len(args) > 2:
        fail("usage: dumpintr.py OP [SWITCH] [-- COMMAND...]")
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    fam = family_id(sock)
    sock.close()
    # A fresh socket read with small buffers: the kernel sizes the parts
    # after a socket's largest read, so each part stays one page and a
    # few hundred entries make several parts.
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.settimeout(30)
    attrs = attr(SWITCH_ATTR, args[1].encode() + b"\0") if len(args) > 1 else b""
    sock.send(message(fam, NLM_F_REQUEST | NLM_F_DUMP, 2, OPS[args[0]], attrs))
    if command and subprocess.call(command) != 0:
        fail("command failed: " + " ".join(command))
    parts = msgs = intr = 0
    while True:
        data = sock.recv(PART)
        parts += 1
        for kind, flags, payload in messages(data):
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("i", payload)[0]
                fail("dump refused: " + os.strerror(-err))
            if flags & NLM_F_DUMP_INTR:
                intr += 1
            if kind == NLMSG_DONE:
                print("parts %d messages %d intr %d" % (parts, msgs, intr))
                return
            msgs += 1


main()
