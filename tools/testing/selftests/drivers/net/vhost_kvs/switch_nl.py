#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Switches over the vhost-kvs generic netlink family, driven by the
kernel's YNL library from the family's spec: made, read back, listed and
deleted; every refusal with its errno and, where the driver gives one,
its reason; switches belonging to a network namespace and going with it;
who may manage them (CAP_NET_ADMIN over their namespace); the
per-namespace limit (sysctl net.vhost_kvs.max_switches), set by the
host's admin only."""

import errno
import os

from lib.py import ksft_eq, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import MAX_SWITCHES, InNs, Ns, VhostKvsFamily, as_tenant
from lib.py import attach, attach_errno, reason, switch_room, until
from lib.py import vhost_kvs_run, write


def name(tag):
    return f"nl{tag}{os.getpid() % 100000}"


def names(kvs):
    return [s["name"] for s in kvs.dump("switch-get", {})]


def lifecycle(kvs) -> None:
    sw = name("a")
    kvs.do("switch-new", {"name": sw, "ageing-time": 60, "max-fdb-entries": 128})
    d = defer(kvs.do, "switch-del", {"name": sw})
    got = kvs.do("switch-get", {"name": sw})
    ksft_eq(got["ageing-time"], 60)
    ksft_eq(got["max-fdb-entries"], 128)
    ksft_eq(got["port-count"], 0)
    ksft_in(sw, [s["name"] for s in kvs.dump("switch-get", {})])
    d.exec()
    with ksft_raises(NlError) as e:
        kvs.do("switch-get", {"name": sw})
    ksft_eq(e.exception.error, errno.ENOENT)


def refusals(kvs) -> None:
    sw = name("b")
    kvs.do("switch-new", {"name": sw})
    defer(kvs.do, "switch-del", {"name": sw})
    with ksft_raises(NlError) as e:
        kvs.do("switch-new", {"name": sw})
    ksft_eq(e.exception.error, errno.EEXIST)
    ksft_in("exists", reason(e.exception))
    for bad, err in (({"name": "0123456789abcdef"}, errno.EINVAL),  # 16 chars
                     ({}, errno.EINVAL),                            # no name
                     ({"name": name("c"), "ageing-time": 0}, errno.ERANGE)):
        with ksft_raises(NlError) as e:
            kvs.do("switch-new", bad)
        ksft_eq(e.exception.error, err, comment=str(bad))
    with ksft_raises(NlError) as e:
        kvs.do("switch-del", {"name": name("c")})
    ksft_eq(e.exception.error, errno.ENOENT)


def limit(kvs) -> None:
    switch_room(kvs, 1)
    kvs.do("switch-new", {"name": name("d")})
    defer(kvs.do, "switch-del", {"name": name("d")})
    with ksft_raises(NlError) as e:
        kvs.do("switch-new", {"name": name("e")})
    ksft_eq(e.exception.error, errno.ENOSPC)
    ksft_in("max_switches", reason(e.exception))
    ksft_true(name("e") not in [s["name"] for s in kvs.dump("switch-get", {})])


def namespaces(kvs) -> None:
    """A switch belongs to the namespace it was made in: unseen from
    others, its name free there, gone with its namespace (its ports,
    attached from outside, detached)."""
    ns = Ns("sw")
    defer(ns.del_)
    with InNs(ns.path()):
        there = VhostKvsFamily()
    sw, gone = name("n"), name("m")
    there.do("switch-new", {"name": sw})
    there.do("switch-new", {"name": gone})
    ksft_eq(sorted(names(there)), sorted([sw, gone]))
    mac = bytes([0x52, 0x54, 0, 0, 0x0a, 1])
    with InNs(ns.path()):
        fd = attach(gone, mac)
    ksft_eq(attach_errno(fd, gone, mac), errno.EISCONN)
    with ksft_raises(NlError) as e:
        kvs.do("switch-get", {"name": sw})
    ksft_eq(e.exception.error, errno.ENOENT)
    kvs.do("switch-new", {"name": sw})
    defer(kvs.do, "switch-del", {"name": sw})
    there.sock.close()  # a netlink socket holds its namespace
    ns.del_()
    # The namespace's exit runs from a workqueue.
    until(lambda: attach_errno(fd, gone, mac) == errno.ENOENT, 30,
          "the port detached by its namespace's exit")
    ksft_eq(kvs.do("switch-get", {"name": sw})["name"], sw,
            comment="this namespace's switch of the same name stays")


def tenants(kvs) -> None:
    """Root of a user namespace of its own has no CAP_NET_ADMIN over this
    network namespace: it may list switches, not make, delete or change
    them; in a network namespace of its own, it manages its switches."""
    sw = name("t")
    kvs.do("switch-new", {"name": sw})
    defer(kvs.do, "switch-del", {"name": sw})
    mac = bytes([0x52, 0x54, 0, 0, 0, 1])
    for op, attrs in (("switch-new", {"name": name("u")}),
                      ("switch-del", {"name": sw}),
                      ("fdb-flush", {"switch": sw}),
                      ("fdb-add", {"switch": sw, "mac": mac, "port": 1}),
                      ("fdb-del", {"switch": sw, "mac": mac})):
        got = as_tenant(lambda k, o=op, a=attrs: k.do(o, a) and None)
        ksft_eq(got.get("errno"), errno.EPERM, comment=op)
        ksft_in("CAP_NET_ADMIN", got.get("reason", ""), comment=op)
    ksft_eq(names(kvs).count(sw), 1, comment="refused, and nothing changed")
    got = as_tenant(names)
    ksft_in(sw, got.get("ok", []), comment="but a tenant may list them")

    def own(k):
        k.do("switch-new", {"name": "mine"})
        return names(k)
    ksft_eq(as_tenant(own, own_netns=True), {"ok": ["mine"]})


def read(path):
    with open(path, encoding="ascii") as f:
        return f.read().strip()


def limit_per_namespace(kvs) -> None:
    """Each namespace has its own max_switches (64 at first); the host's
    admin sets it; a tenant's root may read its own, not raise it."""
    ns = Ns("lim")
    defer(ns.del_)
    home = read(MAX_SWITCHES)
    with InNs(ns.path()):
        there = VhostKvsFamily()
        ksft_eq(read(MAX_SWITCHES), "64", comment="a new namespace's limit")
        write(MAX_SWITCHES, "2")
    defer(there.sock.close)
    ksft_eq(read(MAX_SWITCHES), home, comment="this namespace's, unchanged")
    for i in range(2):
        there.do("switch-new", {"name": name(f"l{i}")})
    with ksft_raises(NlError) as e:
        there.do("switch-new", {"name": name("l2")})
    ksft_eq(e.exception.error, errno.ENOSPC)
    ksft_in("max_switches", reason(e.exception))
    there.do("switch-del", {"name": name("l0")})
    there.do("switch-new", {"name": name("l2")})
    ksft_eq(sorted(names(there)), sorted([name("l1"), name("l2")]),
            comment="room again after a deletion")

    def raise_own(_):
        limit = read(MAX_SWITCHES)
        try:
            write(MAX_SWITCHES, "1000")
        except OSError as err:
            return [limit, err.errno, read(MAX_SWITCHES)]
        return [limit, 0, read(MAX_SWITCHES)]
    ksft_eq(as_tenant(raise_own, own_netns=True),
            {"ok": ["64", errno.EPERM, "64"]})


if __name__ == "__main__":
    vhost_kvs_run([lifecycle, refusals, limit, namespaces, tenants,
                   limit_per_namespace])
