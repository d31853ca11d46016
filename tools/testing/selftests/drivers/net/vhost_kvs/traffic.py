#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The switching datapath under load. kvs_traffic plays N guests on
/dev/vhost-kvs ports of a switch of each case's own and checks that every
byte of every frame reaches the right port exactly once, at every size,
with and without offloads; the cases add flooding, learning and ageing,
drops counted when a receiver is full or too small (stats-get), and a
port detached or closed while frames flow. The same tool on vhost-net +
tap + bridge comes first: it proves the tool.

KSFT_MACHINE_SLOW=yes (a debug kernel under an emulator) sends a tenth
of the frames; every path is still taken."""

import os
import subprocess
import tempfile
from pathlib import Path

from lib.py import ksft_eq, ksft_true, defer
from lib.py import VhostKvsFamily, name, new_switch, until, vhost_kvs_run

TRAFFIC = (Path(__file__).parent / "kvs_traffic").as_posix()
PAIRTEST = (Path(__file__).parent / "kvs_pairtest").as_posix()
SCALE = 10 if os.environ.get("KSFT_MACHINE_SLOW") == "yes" else 1
# A receiver holds at most this many of one sender's frames (KVS_HELD_MAX).
HELD_MAX = 256


def n(frames):
    return max(frames // SCALE, 10)


def tool_mac(p):
    """The MAC kvs_traffic gives its port P."""
    return bytes.fromhex(f"026b767300{p:02x}")


def parse(out):
    """kvs_traffic's report: {port: {key: value}} and the summary line."""
    ports, summary = {}, {}
    for line in out.splitlines():
        words = dict(w.split("=", 1) for w in line.split() if "=" in w)
        if line.startswith("port="):
            ports[int(words["port"])] = words
        elif line.startswith("backend="):
            summary = words
    return ports, summary


def show(out):
    for line in out.splitlines():
        print("#", line)


def traffic(sw, *args, backend="kvs"):
    """One run of kvs_traffic that must pass; its report."""
    argv = [TRAFFIC, "-b", backend] + (["-S", sw] if sw else [])
    argv += [str(a) for a in args]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600,
                       check=False)
    show(p.stdout + p.stderr)
    ksft_eq(p.returncode, 0, comment=" ".join(argv[1:]))
    return parse(p.stdout)


class Held:
    """kvs_traffic -H: the run reports, then holds its ports open until
    the case ends, so the switch's counters and table can be read."""
    def __init__(self, sw, *args):
        # pylint: disable=consider-using-with
        self.out = tempfile.NamedTemporaryFile("w", prefix="kvs_traffic.")
        args = [str(a) for a in args]
        argv = [TRAFFIC, "-b", "kvs", "-S", sw, "-H"] + args
        self.proc = subprocess.Popen(argv, stdout=self.out,
                                     stderr=subprocess.STDOUT, text=True)
        defer(self.stop)
        until(lambda: "holding" in self.text() or self.proc.poll() is not None,
              300, "kvs_traffic's report")
        ksft_true(self.proc.poll() is None,
                  comment=f"kvs_traffic {' '.join(args)} holds its ports")
        self.ports, self.summary = parse(self.text())

    def text(self):
        # Read through a file of its own: the tool writes at the offset
        # it shares with self.out.
        return Path(self.out.name).read_text(encoding="utf-8",
                                             errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
            show(self.text())
            self.out.close()


def ids(kvs, sw):
    """{kvs_traffic port number: switch port id}."""
    mac_of = {tool_mac(p): p for p in range(16)}
    return {mac_of[e["mac"]]: e["id"]
            for e in kvs.dump("port-get", {"switch": sw})}


def stat(kvs, sw, port_id, counter):
    return kvs.do("stats-get", {"switch": sw, "id": port_id})["stats"][counter]


def fdb(kvs, sw):
    return kvs.dump("fdb-get", {"switch": sw})


# vhost-net + tap + bridge first: the tool that checks vhost-kvs must
# see every frame it sent arrive exactly once and intact there too.

def net_peer(_kvs) -> None:
    """kvs_traffic on vhost-net: 60 B, 1514 B, all-to-all, GSO."""
    traffic(None, "-p", 2, "-s", 60, "-n", n(20000), backend="net")
    traffic(None, "-p", 2, "-s", 1514, "-n", n(5000), backend="net")
    traffic(None, "-p", 4, "-s", 200, "-n", n(1000), "-m", "mesh", "-w", 16,
            backend="net")
    # 46 segments a frame: a small window keeps the tap's queue from
    # overflowing.
    traffic(None, "-g", "tcp4", "-p", 2, "-s", 65535, "-n", n(100), "-w", 4,
            backend="net")
    traffic(None, "-g", "tcp4", "-O", "-p", 2, "-s", 65535, "-n", n(100),
            backend="net")


def receiver_cases(kvs) -> None:
    """kvs_pairtest: bad RX rings, the dirty log, coalescing, busy
    polling, indirect and too few RX buffers, ioctls (its own checks)."""
    sw = new_switch(kvs, "pair")
    p = subprocess.run([PAIRTEST, sw], capture_output=True, text=True,
                       timeout=600, check=False)
    show(p.stdout + p.stderr)
    ksft_eq(p.returncode, 0, comment="kvs_pairtest passed every check")


def every_size(kvs) -> None:
    """Byte-exact delivery, each frame once at the right port, from
    minimum size through mergeable buffers to 64 KiB."""
    sw = new_switch(kvs, "size")
    traffic(sw, "-p", 2, "-s", 60, "-n", n(20000))
    for size in (61, 127, 1514, 1515, 4084, 4097, 9014, 32768, 65553):
        traffic(sw, "-p", 2, "-s", size, "-n", n(400))


def all_to_all(kvs) -> None:
    """Four ports all sending to all; both ways of suppressing kicks and
    calls (EVENT_IDX, and the rings' flags alone); the legacy header."""
    sw = new_switch(kvs, "mesh")
    traffic(sw, "-p", 4, "-s", 200, "-n", n(2000), "-m", "mesh")
    traffic(sw, "-p", 4, "-s", 9014, "-n", n(200), "-m", "mesh")
    traffic(sw, "-e", "-p", 4, "-s", 200, "-n", n(2000), "-m", "mesh")
    traffic(sw, "-M", "-p", 2, "-s", 1514, "-n", n(2000))


def offloads(kvs) -> None:
    """GSO and checksum-partial TCP frames: whole to a receiver that
    negotiated offloads, checksummed segments of gso_size to one that
    did not."""
    sw = new_switch(kvs, "gso")
    frames = n(100)
    for v in ("tcp4", "tcp6"):
        ports, _ = traffic(sw, "-g", v, "-p", 2, "-s", 65535, "-n", frames)
        ksft_eq(int(ports[1]["rx_segs"]), frames * 46,
                comment=f"{v}: 64 KiB cut into 46 segments each")
        ports, _ = traffic(sw, "-g", v, "-O", "-p", 2, "-s", 65535,
                           "-n", frames)
        ksft_eq(int(ports[1]["rx_segs"]), frames,
                comment=f"{v}: passed whole to a receiver with offloads")
        traffic(sw, "-g", v, "-G", 536, "-p", 3, "-m", "mesh", "-s", 9000,
                "-n", n(50))
    traffic(sw, "-g", "tcp4", "-p", 2, "-s", 1000, "-n", n(500))
    traffic(sw, "-g", "tcp4", "-O", "-p", 2, "-s", 1000, "-n", n(500))
    traffic(sw, "-g", "tcp4", "-M", "-p", 2, "-s", 30000, "-n", n(50))


def too_small(kvs) -> None:
    """A frame larger than the receiver's only buffer (no mergeable
    buffers) is dropped and counted as rx-drop-no-room."""
    sw = new_switch(kvs, "small")
    h = Held(sw, "-M", "-p", 2, "-s", 8000, "-n", 50, "-t", 5)
    ksft_eq(h.summary.get("received"), "0", comment="nothing delivered")
    ksft_eq(stat(kvs, sw, ids(kvs, sw)[1], "rx-drop-no-room"), 50)


def flooding(kvs) -> None:
    """Unknown unicast reaches every port; once learned, nothing reaches
    a third port."""
    sw = new_switch(kvs, "flood")
    frames = n(1000)
    ports, _ = traffic(sw, "-u", "-p", 3, "-s", 100, "-n", frames)
    ksft_eq(int(ports[2]["rx_flooded"]), frames,
            comment="port 2 got an intact copy of each of port 0's frames")
    ports, _ = traffic(sw, "-p", 3, "-s", 100, "-n", frames)
    ksft_eq([int(ports[2][k]) for k in
             ("rx_ok", "rx_bad", "rx_dup", "rx_flooded")], [0, 0, 0, 0],
            comment="learned: port 2 received nothing but hellos")


def mac_flood(kvs) -> None:
    """One port sending from 3000 source MACs gets at most 1024 of them
    learned, and the switch keeps forwarding; flushes by port and
    whole."""
    sw = new_switch(kvs, "macf")
    h = Held(sw, "-R", 3000, "-p", 2, "-s", 60, "-n", 6000)
    ksft_true("verdict=pass" in h.text(), comment="every frame delivered")
    ksft_eq(len(fdb(kvs, sw)), 1025,
            comment="1024 of port 0's addresses and port 1's")
    port = ids(kvs, sw)
    kvs.do("fdb-flush", {"switch": sw, "port": port[0]})
    ksft_eq([e["port"] for e in fdb(kvs, sw)], [port[1]],
            comment="port 0's flush leaves port 1's entry")
    kvs.do("fdb-flush", {"switch": sw})
    ksft_eq(fdb(kvs, sw), [], comment="the switch's flush empties it")


def ageing(kvs) -> None:
    """Learned MACs leave the table once silent for the ageing time, a
    static entry stays; the events group hears ports come and go and
    MACs learned and aged, nothing of the static entry."""
    ear = VhostKvsFamily()
    defer(ear.sock.close)
    ear.ntf_subscribe("events")
    # 4 s: entries live 4 to 6 s after the last frame (the table is aged
    # every 2 s), long enough to see them on a slow debug kernel.
    sw = name("age")
    kvs.do("switch-new", {"name": sw, "ageing-time": 4})
    defer(kvs.do, "switch-del", {"name": sw})
    h = Held(sw, "-p", 2, "-s", 60, "-n", 100)
    port = ids(kvs, sw)
    ksft_eq(sorted((e["mac"], e["port"]) for e in fdb(kvs, sw)),
            [(tool_mac(0), port[0]), (tool_mac(1), port[1])],
            comment="both MACs learned on their ports")
    static = bytes.fromhex("525400000099")
    kvs.do("fdb-add", {"switch": sw, "mac": static, "port": port[1]})
    until(lambda: len(fdb(kvs, sw)) == 1, 12, "learned MACs aged out")
    ksft_eq([e["mac"] for e in fdb(kvs, sw)], [static],
            comment="the static entry stays")
    h.stop()
    until(lambda: kvs.dump("port-get", {"switch": sw}) == [], 10,
          "the ports gone")

    heard = []

    def drain():
        ear.check_ntf()
        while ear.async_msg_queue:
            ntf = ear.async_msg_queue.pop(0)
            if ntf["msg"].get("switch", sw) == sw:
                heard.append((ntf["name"], ntf["msg"].get("mac")))

    def heard_all(want):
        drain()
        return all(w in heard for w in want)
    want = [(ev, tool_mac(p)) for p in (0, 1) for ev in
            ("port-add-ntf", "fdb-learn-ntf", "fdb-age-ntf", "port-del-ntf")]
    until(lambda: heard_all(want), 10,
          "both ports added and deleted, both MACs learned and aged")
    ksft_true(all(mac != static for _, mac in heard),
              comment="no notification of the static entry")


def receiver_full(kvs) -> None:
    """A receiver that posts no buffers never holds the sender: every
    frame completes on the sender's ring, drops are counted on both
    sides, and closing the ports frees what was queued."""
    sw = new_switch(kvs, "full")
    frames = 5000
    h = Held(sw, "-x", "-p", 2, "-s", 60, "-n", frames, "-t", 20)
    ksft_true("verdict=pass" in h.text(), comment="every frame completed")
    port = ids(kvs, sw)
    full = frames - HELD_MAX
    ksft_eq(stat(kvs, sw, port[0], "tx-drop-dest-full"), full,
            comment="the sender's drops: all but the 256 queued")
    ksft_eq(stat(kvs, sw, port[1], "rx-drop-full"), full,
            comment="the receiver counts the same")
    ksft_eq((stat(kvs, sw, port[0], "tx-frames"),
             stat(kvs, sw, port[0], "tx-bytes")), (frames, frames * 60))
    h.stop()
    until(lambda: kvs.dump("port-get", {"switch": sw}) == [], 10,
          "the ports gone with what they had queued")


ZC_MIN = Path("/sys/module/vhost_kvs/parameters/zc_min")


def set_zc_min(value):
    old = ZC_MIN.read_text(encoding="ascii").strip()
    ZC_MIN.write_text(f"{value}\n", encoding="ascii")
    return old


def pinned(kvs) -> None:
    """Frames of zc_min bytes and more go with all but their headers
    pinned in the sender's guest, copied once by the receiver: byte-exact,
    counted; a receiver with no buffers holds a sender's pages for
    20 ms at most, then the sender copies them; flooded frames are
    copied for their receivers; with zc_min 0 nothing is pinned."""
    defer(set_zc_min, set_zc_min(16384))
    frames = n(400)
    sw = new_switch(kvs, "zc")
    h = Held(sw, "-w", 64, "-p", 2, "-s", 65553, "-n", frames)
    ksft_true("verdict=pass" in h.text(), comment="every frame intact")
    sender = ids(kvs, sw)[0]
    pins = stat(kvs, sw, sender, "tx-pinned")
    ksft_eq(pins, frames, comment="each 64 KiB frame pinned")
    ksft_true(stat(kvs, sw, sender, "tx-pinned-copied") <= pins)
    h.stop()

    sw = new_switch(kvs, "zcfull")
    # 64 in flight: never more than a port pins (KVS_ZC_MAX).
    h = Held(sw, "-x", "-L", "-w", 64, "-p", 2, "-s", 20000, "-n", 300,
             "-t", 20)
    ksft_true("verdict=pass" in h.text(),
              comment="every frame completed on the sender's ring")
    port = ids(kvs, sw)
    ksft_eq(stat(kvs, sw, port[0], "tx-pinned"), 300)
    ksft_eq(stat(kvs, sw, port[0], "tx-drop-dest-full"), 300 - HELD_MAX)
    ksft_eq(stat(kvs, sw, port[0], "tx-pinned-copied"), HELD_MAX,
            comment="the frames left waiting were copied by the sender")
    h.stop()
    until(lambda: kvs.dump("port-get", {"switch": sw}) == [], 10,
          "the ports gone with what they had queued")

    sw = new_switch(kvs, "zcflood")
    ports, _ = traffic(sw, "-u", "-p", 3, "-s", 20000, "-n", n(200))
    ksft_eq(int(ports[2]["rx_flooded"]), n(200),
            comment="port 2 got an intact copy of each flooded frame")

    set_zc_min(0)
    sw = new_switch(kvs, "zcoff")
    h = Held(sw, "-p", 2, "-s", 65553, "-n", n(100))
    ksft_true("verdict=pass" in h.text(), comment="every frame intact")
    ksft_eq(stat(kvs, sw, ids(kvs, sw)[0], "tx-pinned"), 0,
            comment="zc_min 0: nothing pinned")
    h.stop()


def detach_under_load(kvs) -> None:
    """Port 1 detached or closed while three ports send all-to-all: the
    run ends cleanly, every frame completed, nothing corrupt."""
    sw = new_switch(kvs, "det")
    traffic(sw, "-X", "detach", "-p", 3, "-s", 200, "-n", n(4000), "-m", "mesh")
    traffic(sw, "-X", "close", "-p", 3, "-s", 200, "-n", n(4000), "-m", "mesh")
    traffic(sw, "-X", "close", "-p", 3, "-s", 65553, "-n", n(400), "-m", "mesh")


if __name__ == "__main__":
    vhost_kvs_run([net_peer, receiver_cases, every_size, all_to_all,
                   offloads, too_small, flooding, mac_flood, ageing,
                   receiver_full, pinned, detach_under_load])
