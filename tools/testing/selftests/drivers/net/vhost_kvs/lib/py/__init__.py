# SPDX-License-Identifier: GPL-2.0
"""The kernel's net selftest helpers, and the vhost-kvs family on YNL."""

import ctypes
import fcntl
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

KSFT_DIR = (Path(__file__).parent / "../../../../..").resolve()

try:
    sys.path.append(KSFT_DIR.as_posix())
    # pylint: disable=wildcard-import,unused-wildcard-import
    from net.lib.py import *
    from net.lib.py.ynl import SPEC_PATH
except ModuleNotFoundError as e:
    print("# Failed importing `net` library from kernel sources:", e)
    print("ok 1 # SKIP")
    sys.exit(4)


class VhostKvsFamily(YnlFamily):
    """Documentation/netlink/specs/vhost_kvs.yaml, or its installed copy."""
    def __init__(self):
        super().__init__((SPEC_PATH / "vhost_kvs.yaml").as_posix(), schema='')



# Shared by the tests below. Commands run without a shell, so that PATH
# picks iproute2's ip even where /bin/sh is a busybox that prefers its
# own applets.

def name(tag):
    """A name unique to this run, for devices, namespaces and switches."""
    return f"kvs{tag}{os.getpid() % 100000}"


def reason(err):
    """The extack message of an NlError."""
    return (err.nl_msg.extack or {}).get("msg", "")


def run(*argv, ns=None, fail=True, timeout=60):
    if ns:
        argv = ("ip", "netns", "exec", ns) + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       check=False)
    if fail and p.returncode:
        raise RuntimeError(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr}")
    return p


def ip(*args, ns=None):
    return json.loads(run("ip", "-json", *args, ns=ns).stdout)


def has_dev(ifname, ns=None):
    return run("ip", "link", "show", "dev", ifname, ns=ns,
               fail=False).returncode == 0


class Ns:
    """A named network namespace (ip netns), deleted by del_()."""
    def __init__(self, tag):
        self.name = name(tag)
        run("ip", "netns", "add", self.name)

    def path(self):
        return f"/run/netns/{self.name}"

    def del_(self):
        if self.name:
            run("ip", "netns", "del", self.name)
            self.name = None


# KSFT_MACHINE_SLOW=yes (the kernel's selftest convention for slow or
# debug machines): 1 MiB per transfer instead of 8. Still tens of GSO
# frames each way; KASAN under an emulator moves TCP at a few MB/s.
SHA_KIB = 1024 if os.environ.get("KSFT_MACHINE_SLOW") == "yes" else 8192


def sha_transfer(a, b, addr, kib=None):
    """@kib (at most, and by default, SHA_KIB) KiB of random bytes over
    TCP from namespace a to addr (IPv4 or IPv6) in namespace b; returns
    the SHA-256 the receiver computed and the sender's."""
    kib = min(kib or SHA_KIB, SHA_KIB)
    port = rand_port()
    v6 = ":" in addr
    srv = ("import hashlib,socket;"
           f"s=socket.socket(socket.{'AF_INET6' if v6 else 'AF_INET'});"
           "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);"
           f"s.bind(('{addr}',{port}));s.listen();c,_=s.accept();h=hashlib.sha256()\n"
           "while True:\n d=c.recv(65536)\n if not d: break\n h.update(d)\n"
           "print(h.hexdigest())")
    cli = (f"import hashlib,os,socket;d=os.urandom({kib}<<10);"
           f"s=socket.create_connection(('{addr}',{port}));s.sendall(d);s.close();"
           "print(hashlib.sha256(d).hexdigest())")
    s = subprocess.Popen(("ip", "netns", "exec", b, "python3", "-c", srv),
                         stdout=subprocess.PIPE, text=True)
    try:
        # Listening: a bounded wait for the server's socket.
        end = time.monotonic() + 10
        table = "/proc/net/tcp6" if v6 else "/proc/net/tcp"
        while f":{port:04X} " not in run("cat", table, ns=b).stdout:
            if time.monotonic() > end:
                raise RuntimeError("the server did not listen within 10 s")
            time.sleep(0.05)
        c = run("python3", "-c", cli, ns=a)
        got = s.communicate(timeout=60)[0]
    finally:
        s.kill()
        s.wait()
    return got.strip(), c.stdout.strip()


MAX_SWITCHES = "/proc/sys/net/vhost_kvs/max_switches"


def write(path, value):
    with open(path, "w", encoding="ascii") as f:
        f.write(value)


def switch_room(kvs, extra):
    """Let the namespace hold EXTRA switches more than it has (sysctl
    net.vhost_kvs.max_switches), as it was when the case ends; returns
    how many it has."""
    if not os.access(MAX_SWITCHES, os.W_OK):
        raise KsftSkipEx(f"{MAX_SWITCHES} not writable here")
    with open(MAX_SWITCHES, encoding="ascii") as f:
        old = f.read().strip()
    n = len(kvs.dump("switch-get", {}))
    write(MAX_SWITCHES, str(n + extra))
    defer(write, MAX_SWITCHES, old)
    return n


def new_switch(kvs, tag):
    """A switch for one test case, deleted when the case ends."""
    sw = name(tag)
    kvs.do("switch-new", {"name": sw})
    defer(kvs.do, "switch-del", {"name": sw})
    return sw


# VHOST_KVS_ATTACH: _IOW(VHOST_VIRTIO, 0xA0, struct vhost_kvs_attach),
# the struct being a 16-byte name, a 6-byte MAC, u16 flags, u32[4]
# (include/uapi/linux/vhost_kvs.h; Python cannot include it).
ATTACH_FMT = "16s6sH4I"
VHOST_KVS_ATTACH = (1 << 30) | (struct.calcsize(ATTACH_FMT) << 16) | (0xAF << 8) | 0xA0
VHOST_KVS_DETACH = (0xAF << 8) | 0xA1  # _IO(VHOST_VIRTIO, 0xA1)


class Port:
    """A /dev/vhost-kvs file attached to switch SW with MAC (6 bytes) as a
    port, closed when the case ends unless close() came first."""
    def __init__(self, sw, mac):
        self.fd = os.open("/dev/vhost-kvs", os.O_RDWR)
        defer(self.close)
        err = attach_errno(self.fd, sw, mac)
        if err:
            raise OSError(err, os.strerror(err), f"attach to {sw}")

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def attach(sw, mac):
    """The file of a new Port; the case must not close it itself."""
    return Port(sw, mac).fd


def attach_errno(fd, sw, mac):
    """Attaching FD (again): the errno, 0 if it worked. EISCONN while it
    is attached; ENOENT when it is not and no switch SW is here."""
    try:
        fcntl.ioctl(fd, VHOST_KVS_ATTACH,
                    struct.pack(ATTACH_FMT, sw.encode(), mac, 0, 0, 0, 0, 0))
    except OSError as e:
        return e.errno
    return 0


def until(cond, secs=10, what="the condition"):
    """Wait, bounded, for COND() to be true (work the kernel finishes
    after the call that started it, such as a port's release)."""
    end = time.monotonic() + secs
    while not cond():
        if time.monotonic() > end:
            raise RuntimeError(f"{what} not met within {secs} s")
        time.sleep(0.05)


CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _check(rc, what):
    if rc:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), what)


class InNs:
    """with InNs(path): the calling thread in that network namespace, back
    in its own after (netlink sockets keep the namespace they were made
    in; /proc/sys/net shows the one of whoever opens it)."""
    def __init__(self, path):
        self.path = path
        self.home = None

    def __enter__(self):
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            _check(_libc.setns(fd, CLONE_NEWNET), self.path)
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        try:
            _check(_libc.setns(self.home, CLONE_NEWNET), "home namespace")
        finally:
            os.close(self.home)


def as_tenant(fn, own_netns=False):
    """FN(kvs) in a child that is root of a user namespace of its own, so
    with no capability over this network namespace; with OWN_NETNS, in a
    network namespace of its own as well, which it does own. Returns
    {"ok": FN's result} or {"errno": N, "reason": extack or message}."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            _check(_libc.unshare(CLONE_NEWUSER |
                                 (CLONE_NEWNET if own_netns else 0)), "unshare")
            for f, v in (("setgroups", "deny"), ("uid_map", "0 0 1"),
                         ("gid_map", "0 0 1")):
                write(f"/proc/self/{f}", v)
            res = {"ok": fn(VhostKvsFamily())}
        except NlError as e:
            res = {"errno": e.error, "reason": reason(e)}
        except OSError as e:
            res = {"errno": e.errno, "reason": str(e)}
        except BaseException as e:  # pylint: disable=broad-except
            res = {"errno": -1, "reason": repr(e)}
        os.write(w, json.dumps(res).encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return json.loads(data or b'{"errno": -1, "reason": "the child died"}')


def vhost_kvs_run(cases):
    """Run test cases on the vhost-kvs family; stop with a reason when the
    kernel has none."""
    try:
        kvs = VhostKvsFamily()
        kvs.dump("switch-get", {})
    except (OSError, NlError) as e:
        raise SystemExit(f"# no vhost-kvs family here: {e}") from e
    ksft_run(cases, args=(kvs,))
    ksft_exit()
