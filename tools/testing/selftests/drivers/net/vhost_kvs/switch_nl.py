#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Switches over the vhost-kvs generic netlink family, driven by the
kernel's YNL library from the family's spec: made, read back, listed and
deleted; every refusal with its errno and, where the driver gives one,
its reason; the per-namespace limit (sysctl net.vhost_kvs.max_switches)."""

import errno
import os

from lib.py import ksft_eq, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import switch_room, vhost_kvs_run


def name(tag):
    return f"nl{tag}{os.getpid() % 100000}"


def reason(err):
    return (err.nl_msg.extack or {}).get("msg", "")


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


if __name__ == "__main__":
    vhost_kvs_run([lifecycle, refusals, limit])
