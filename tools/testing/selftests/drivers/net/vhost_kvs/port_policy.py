#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Port policy enforced in the datapath. Four guests A, B, C, D (played
by kvs_ports: ports 1..4 of a switch of each case's own) send crafted
frames; policy is set with port-set, and the case checks who receives
what, the drop counters (stats-get) and the MAC table (fdb-get), and the
MAC table's notifications on the "events" group.

A check that nothing arrived is closed by a control frame sent to the
same port afterwards on an allowed path: a port's frames arrive in the
order they were queued, so once the control frame is in, an earlier one
would have been too. No sleeping."""

import errno
import random
import subprocess
from pathlib import Path

from lib.py import ksft_eq, ksft_in, ksft_true, ksft_raises
from lib.py import NlError, defer
from lib.py import InNs, Ns, VhostKvsFamily, name, new_switch, reason, until
from lib.py import vhost_kvs_run

HELPER = (Path(__file__).parent / "kvs_ports").as_posix()
A, B, C, D = range(4)
BCAST = "ffffffffffff"
FOREIGN = "020000000001"


def mac(p):
    """Port P's MAC (ids are P + 1), as kvs_ports gives it."""
    return f"525400aa00{p + 1:02x}"


def mac_bytes(hexmac):
    return bytes.fromhex(hexmac)


class Ports:
    """N guests of kvs_ports, ports 1..N of switch SW (which must be new),
    ended when the case ends."""
    def __init__(self, sw, n=4, netns=None):
        argv = [HELPER, sw, str(n)] + ([netns] if netns else [])
        # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        defer(self.end)
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"kvs_ports {sw} {n}: {line or 'died'}")

    def ask(self, *words):
        self.proc.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().split()
        if not line or line[0] == "error":
            raise RuntimeError(f"kvs_ports: {words}: {' '.join(line) or 'died'}")
        return [int(w) for w in line]

    def send(self, p, src, dst, vid=0, length=64, csum=-1):
        """Port P sends a frame; true once its buffer came back."""
        return self.ask("send", p, src, dst, vid, length, csum) == [1]

    def send_to(self, p, to):
        return self.send(p, mac(p), mac(to))

    def bcast(self, p, vid=0):
        return self.send(p, mac(p), BCAST, vid, 68 if vid else 64)

    def rx(self, p, want=1):
        """(frames port P received, waiting for WANT; the last one's
        form: -1 none, 0 untagged, a VID)."""
        return self.ask("rx", p, want)

    def end(self):
        """Close its ports (end of input); its exit status."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        return self.proc.returncode


class Policy:
    """A case's switch, its four ports, and what the case reads of them.
    With LEARN, each port has broadcast once (so the switch knows every
    MAC: unicast is not flooded) and the others took those frames."""
    def __init__(self, kvs, tag, learn=True):
        self.kvs = kvs
        self.sw = new_switch(kvs, tag)
        self.ports = Ports(self.sw)
        if learn:
            for p in range(4):
                ksft_true(self.ports.bcast(p), comment=f"port {p + 1} broadcasts")
            for p in range(4):
                self.expect(p, 3, "the others' broadcasts")

    def set(self, p, **attrs):
        req = {"switch": self.sw, "id": p + 1}
        req.update({k.replace("_", "-"): v for k, v in attrs.items()})
        self.kvs.do("port-set", req)

    def get(self, p):
        return self.kvs.do("port-get", {"switch": self.sw, "id": p + 1})

    def count(self, p, name):
        return self.kvs.do("stats-get", {"switch": self.sw,
                                         "id": p + 1})["stats"][name]

    def fdb(self):
        return [(e["mac"].hex(), e.get("vid", 0), e["port"])
                for e in self.kvs.dump("fdb-get", {"switch": self.sw})]

    def learned(self, hexmac):
        return [(v, p) for m, v, p in self.fdb() if m == hexmac]

    def behind(self, p):
        return len([e for e in self.fdb() if e[2] == p + 1])

    def expect(self, p, want, what):
        ksft_eq(self.ports.rx(p, want)[0], want,
                comment=f"{what}: port {'ABCD'[p]}")

    def expect_none(self, p, via, what):
        """Port P got nothing of what was sent before: a control frame
        from port VIA arrives alone."""
        ksft_true(self.ports.send_to(via, p), comment=f"{what}: control frame")
        self.expect(p, 1, f"{what} (only the control frame)")

    def expect_form(self, p, vid, what):
        ksft_eq(self.ports.rx(p, 1), [1, vid], comment=f"{what}: port {'ABCD'[p]}")


def defaults(kvs) -> None:
    """A new port's policy; everyone floods and learns."""
    t = Policy(kvs, "d", learn=False)
    got = t.get(A)
    ksft_eq([got[k] for k in ("isolated", "learning", "flood", "mcast-flood",
                              "spoofchk", "max-learned", "pvid",
                              "coalesce-frames", "coalesce-usecs")],
            [0, 1, 1, 1, 0, 1024, 0, 64, 0])
    for p in range(4):
        ksft_true(t.ports.bcast(p), comment=f"port {p + 1} broadcasts")
    for p in range(4):
        t.expect(p, 3, "the others' broadcasts")
    ksft_eq([t.behind(p) for p in range(4)], [1, 1, 1, 1],
            comment="each port's MAC is learned")


def fdb_events(ear, want):
    """Wait (bounded) until the notifications heard include each of WANT
    ((name, hexmac, vid, port)); returns all heard."""
    heard = []

    def all_in():
        ear.check_ntf()
        while ear.async_msg_queue:
            ntf = ear.async_msg_queue.pop(0)
            msg = ntf["msg"]
            if "mac" in msg:
                heard.append((ntf["name"], msg["mac"].hex(), msg.get("vid", 0),
                              msg.get("port")))
        return all(w in heard for w in want)
    until(all_in, 10, f"the notifications {want}")
    return heard


def spoofchk(kvs) -> None:
    """Anti-spoofing drops and counts foreign sources, learns none of
    them; the allowed list lets one through; a MAC that moves is told."""
    ear = VhostKvsFamily()
    defer(ear.sock.close)
    ear.ntf_subscribe("events")
    t = Policy(kvs, "s")
    P = t.ports
    t.set(A, spoofchk=1)
    for _ in range(5):
        P.send(A, FOREIGN, mac(B))
    t.expect_none(B, C, "5 frames from a foreign source")
    ksft_eq(t.count(A, "tx-drop-spoof"), 5)
    ksft_eq(t.learned(FOREIGN), [], comment="the foreign source not learned")
    ksft_true(P.send_to(A, B))
    t.expect(B, 1, "A's own MAC passes")
    t.set(A, allowed_mac=[mac_bytes(FOREIGN)])
    ksft_eq(t.get(A)["allowed-mac"], [mac_bytes(FOREIGN)])
    P.send(A, FOREIGN, mac(B))
    t.expect(B, 1, "an allowed source passes")
    t.set(A, allowed_mac=[bytes(6)])
    ksft_true("allowed-mac" not in t.get(A), comment="the list cleared")
    P.send(A, FOREIGN, mac(B))
    t.expect_none(B, C, "the source refused again")
    t.set(A, spoofchk=0)
    P.send(A, FOREIGN, mac(B))
    t.expect(B, 1, "spoofchk off: any source passes")
    ksft_eq(t.count(A, "tx-drop-spoof"), 6)
    # The foreign MAC, learned behind A, moves to B.
    P.send(B, FOREIGN, mac(A))
    t.expect(A, 1, "B sends from the same foreign MAC")
    ksft_eq(t.learned(FOREIGN), [(0, 2)], comment="the foreign MAC moved to B")
    heard = fdb_events(ear, [("fdb-move-ntf", FOREIGN, 0, 2)])
    ksft_eq(heard.count(("fdb-learn-ntf", FOREIGN, 0, 1)), 1,
            comment="learned once behind A, when it was allowed: "
                    "the spoofed frames taught the switch nothing")
    kvs.do("fdb-del", {"switch": t.sw, "mac": mac_bytes(FOREIGN)})
    ksft_eq(t.learned(FOREIGN), [])


def isolation(kvs) -> None:
    """Isolated ports reach only ports that are not isolated."""
    t = Policy(kvs, "i")
    P = t.ports
    t.set(A, isolated=1)
    t.set(B, isolated=1)
    ksft_true(P.send_to(A, B))
    t.expect_none(B, C, "A's unicast to B")
    ksft_eq(t.count(A, "tx-drop-isolated"), 1)
    ksft_true(P.send_to(A, C))
    t.expect(C, 1, "A reaches a port that is not isolated")
    ksft_true(P.send_to(C, A))
    t.expect(A, 1, "a port that is not isolated reaches A")
    ksft_true(P.bcast(A))
    t.expect(C, 1, "A's broadcast")
    t.expect(D, 1, "A's broadcast")
    t.expect_none(B, C, "A's broadcast skips B")
    t.set(A, isolated=0)
    t.set(B, isolated=0)
    ksft_true(P.send_to(A, B))
    t.expect(B, 1, "isolation off: A reaches B")


def flood(kvs) -> None:
    """flood off: no unknown unicast; mcast-flood off: no broadcast."""
    t = Policy(kvs, "f")
    P = t.ports
    unknown = "525400aa0099"
    t.set(D, flood=0)
    ksft_true(P.send(A, mac(A), unknown))
    t.expect(B, 1, "unknown unicast")
    t.expect(C, 1, "unknown unicast")
    t.expect_none(D, C, "flood off: unknown unicast skips D")
    ksft_true(P.bcast(A))
    for p in (B, C, D):
        t.expect(p, 1, "flood off: broadcasts still")
    t.set(D, mcast_flood=0)
    ksft_true(P.bcast(A))
    t.expect(B, 1, "mcast-flood off on D")
    t.expect(C, 1, "mcast-flood off on D")
    t.expect_none(D, C, "mcast-flood off: the broadcast skips D")
    ksft_true(P.send_to(A, D))
    t.expect(D, 1, "known unicast still reaches D")


def learning(kvs) -> None:
    """learning off: the port's sources are not learned, frames to it
    flood; on again: learned."""
    t = Policy(kvs, "l")
    P = t.ports
    t.set(C, learning=0)
    kvs.do("fdb-flush", {"switch": t.sw, "port": 3})
    ksft_eq(t.learned(mac(C)), [], comment="C's entry flushed")
    ksft_true(P.bcast(C))
    for p in (A, B, D):
        t.expect(p, 1, "C's broadcast")
    ksft_eq(t.learned(mac(C)), [], comment="C's MAC not learned again")
    ksft_true(P.send_to(A, C))
    for p in (B, C, D):
        t.expect(p, 1, "frames to C flood")
    t.set(C, learning=1)
    ksft_true(P.bcast(C))
    for p in (A, B, D):
        t.expect(p, 1, "C's broadcast")
    ksft_eq(t.learned(mac(C)), [(0, 3)], comment="C's MAC learned")


def max_learned(kvs) -> None:
    """A MAC flood of random sources fills only max-learned entries, and
    every frame is still forwarded."""
    t = Policy(kvs, "m")
    P = t.ports
    n = 500
    t.set(A, max_learned=8)
    rnd = random.Random()
    got = 0
    for _ in range(n):
        src = "0200" + rnd.getrandbits(32).to_bytes(4, "big").hex()
        ksft_true(P.send(A, src, mac(B)), comment="A's frame went")
        got += P.rx(B, 0)[0]    # keep B's ring from filling
    got += P.rx(B, n - got)[0]
    ksft_eq(got, n, comment="every frame forwarded")
    ksft_eq(t.behind(A), 8, comment=f"max-learned 8: {n} random sources")
    kvs.do("fdb-flush", {"switch": t.sw, "port": 1})
    ksft_eq(t.behind(A), 0, comment="flushed")


def vlans(kvs) -> None:
    """A, B access ports of VLAN 10, C of VLAN 20, D a trunk of both;
    then D with native VLAN 10; then VLAN-unaware again."""
    ear = VhostKvsFamily()
    defer(ear.sock.close)
    ear.ntf_subscribe("events")
    t = Policy(kvs, "v")
    P = t.ports
    t.set(A, pvid=10, vid=[0])
    t.set(B, pvid=10, vid=[0])
    t.set(C, pvid=20, vid=[0])
    t.set(D, vid=[10, 20])
    ksft_eq((t.get(D)["pvid"], t.get(D)["vid"]), (0, [10, 20]))

    ksft_true(P.bcast(A))
    t.expect_form(B, 0, "VLAN 10: access port B gets A's broadcast untagged")
    t.expect_form(D, 10, "VLAN 10: trunk D gets it tagged")
    ksft_true(P.send(D, mac(D), mac(C), 20, 68))
    t.expect_form(C, 0, "VLAN 20: C gets D's frame untagged, alone")
    ksft_true(P.bcast(C))
    t.expect_form(D, 20, "VLAN 20: D gets C's broadcast tagged 20")
    t.expect_none(A, B, "C's broadcast does not reach VLAN 10 (A)")
    t.expect_none(B, A, "C's broadcast does not reach VLAN 10 (B)")
    ksft_true(P.bcast(D, 10))
    t.expect_form(A, 0, "D's VLAN 10 broadcast")
    t.expect_form(B, 0, "D's VLAN 10 broadcast")
    ksft_true(P.send(D, mac(D), mac(C), 20, 68))
    t.expect_form(C, 0, "C got nothing of VLAN 10 before D's VLAN 20 frame")

    ksft_true(P.bcast(D, 30), comment="D sends tagged 30 (not its VLAN)")
    ksft_true(P.bcast(D), comment="D sends untagged (no native VLAN)")
    ksft_true(P.bcast(A, 10), comment="access port A sends a tagged frame")
    ksft_eq((t.count(D, "tx-drop-vlan"), t.count(A, "tx-drop-vlan")), (2, 1))
    t.expect_none(B, A, "nothing of those reached B")

    ksft_eq(t.learned(mac(A)), [(10, 1)], comment="A learned in VLAN 10")
    fdb_events(ear, [("fdb-learn-ntf", mac(A), 10, 1)])
    kvs.do("fdb-add", {"switch": t.sw, "mac": mac_bytes(mac(C)), "port": 3,
                       "vid": 10})
    ksft_true(P.send_to(A, C))
    ksft_eq(t.count(A, "tx-drop-vlan"), 2,
            comment="a static entry across VLANs: dropped, not delivered")
    kvs.do("fdb-del", {"switch": t.sw, "mac": mac_bytes(mac(C)), "vid": 10})

    # The longest untagged frame has no room left for a tag.
    bad = t.count(A, "tx-drop-bad-hdr")
    ksft_true(P.send(A, mac(A), BCAST, 0, 18 + 65535))
    # 12 + 65553 bytes in 2 KiB buffers: 33 of B's, merged.
    t.expect(B, 33, "the longest frame, whole (no tag to add)")
    ksft_eq(t.count(A, "tx-drop-bad-hdr"), bad + 1,
            comment="no tagged copy for trunk D")
    ksft_true(P.send_to(A, D))
    t.expect_form(D, 10, "D got the small frame after, tagged, alone")
    # A checksum offset that a tag would push past 16 bits.
    ksft_true(P.send(A, mac(A), BCAST, 0, 65540, 65534))
    t.expect(B, 33, "65540 bytes with the checksum at 65534")
    ksft_eq(t.count(A, "tx-drop-bad-hdr"), bad + 2,
            comment="no tagged copy for D (csum_start would wrap)")
    ksft_true(P.send_to(A, D))
    t.expect_form(D, 10, "D got the small frame after, tagged, alone")

    t.set(D, pvid=10)
    ksft_true(P.bcast(D))
    t.expect_form(A, 0, "native VLAN 10: D's untagged frame")
    t.expect_form(B, 0, "native VLAN 10: D's untagged frame")
    ksft_true(P.bcast(A))
    t.expect_form(D, 0, "VLAN 10 is D's native one: untagged to D")
    t.expect(B, 1, "A's broadcast")

    t.set(B, pvid=0, vid=[0])
    t.set(C, pvid=0, vid=[0])
    ksft_true(P.bcast(A))
    t.expect(D, 1, "A's VLAN 10 broadcast")
    t.expect_none(B, C, "VLAN-unaware B gets nothing of VLAN 10")
    t.expect_none(C, B, "VLAN-unaware C gets nothing of VLAN 10")
    t.set(D, pvid=0, vid=[0])
    got = t.get(D)
    ksft_eq((got["pvid"], got.get("vid", [])), (0, []),
            comment="pvid 0 and vid 0 make D VLAN-unaware")


def coalesce(kvs) -> None:
    """B with three queue pairs, the second gone: port-set's coalescing
    reaches every queue pair there, the third included."""
    t = Policy(kvs, "c")
    P = t.ports
    q2, q3 = P.ask("addq", B), P.ask("addq", B)
    ksft_true(q2[0] > 3 and q3[0] > 3, comment=f"two more queue pairs {q2} {q3}")
    P.ask("close", q2[0])
    t.set(B, coalesce_frames=8, coalesce_usecs=500)
    ksft_eq(P.ask("coalesce", B), [8, 500], comment="the port's file")
    ksft_eq(P.ask("coalesce", q3[0]), [8, 500],
            comment="its third queue pair, after the second left")
    ksft_eq(t.get(B)["queues"], 2)
    with ksft_raises(NlError) as e:
        t.set(B, coalesce_frames=2000)
    ksft_eq(e.exception.error, errno.ERANGE)


def refusals(kvs) -> None:
    """port-set's refusals, each with its errno and reason; a refused
    request changes nothing."""
    t = Policy(kvs, "r")
    many = [bytes([2, 0, 0, 0, 1, i]) for i in range(17)]
    for req, err, why in (
            ({"switch": "nosuch", "id": 1, "isolated": 1}, errno.ENOENT,
             "no such switch"),
            ({"id": 99, "isolated": 1}, errno.ENOENT, "no such port"),
            ({"id": 1, "max-learned": 0}, errno.ERANGE, "out of range"),
            ({"id": 1, "coalesce-usecs": 100001}, errno.ERANGE, "out of range"),
            ({"id": 1, "allowed-mac": [bytes([1, 0, 0x5e, 0, 0, 1])]},
             errno.EINVAL, "must be unicast"),
            ({"id": 1, "allowed-mac": [bytes([2, 0, 0, 0, 0, 1]), bytes(6)]},
             errno.EINVAL, "must be unicast"),
            ({"id": 1, "max-learned": 16, "allowed-mac": many}, errno.EINVAL,
             "at most 16")):
        with ksft_raises(NlError) as e:
            kvs.do("port-set", {"switch": t.sw, **req})
        ksft_eq(e.exception.error, err, comment=str(req)[:60])
        ksft_in(why, reason(e.exception))
    got = t.get(A)
    ksft_eq((got["max-learned"], got.get("allowed-mac")), (1024, None),
            comment="the refused requests left the policy as it was")


def namespace_gone(kvs) -> None:
    """A namespace deleted under a switch whose ports, with policy, are
    attached from outside (their files keep no reference to it): its exit
    detaches them, and their files stay open, their TX queues complete
    every frame (as drops), and they close cleanly."""
    ns = Ns("pn")
    defer(ns.del_)
    with InNs(ns.path()):
        there = VhostKvsFamily()
    sw = name("pn")
    there.do("switch-new", {"name": sw})
    P = Ports(sw, 2, netns=ns.path())
    there.do("port-set", {"switch": sw, "id": 1, "spoofchk": 1,
                          "allowed-mac": [bytes([2, 0, 0, 0, 0, 9])]})
    there.do("port-set", {"switch": sw, "id": 2, "isolated": 1,
                          "allowed-mac": [bytes([2, 0, 0, 0, 0, 10])]})
    ksft_eq(there.do("switch-get", {"name": sw})["port-count"], 2)
    ksft_true(P.send_to(A, B))
    ksft_eq(P.rx(B, 1)[0], 1, comment="A reaches B in that namespace")
    ksft_eq([P.ask("attach", p, sw) for p in (A, B)],
            [[-errno.EISCONN]] * 2, comment="attached")
    there.sock.close()  # a netlink socket holds its namespace
    ns.del_()
    # The namespace's exit runs from a workqueue. Detached, attaching is
    # allowed again: ENOENT, as there is no switch of that name here.
    until(lambda: [P.ask("attach", p, sw) for p in (A, B)] ==
          [[-errno.ENOENT]] * 2, 30, "both ports detached")
    for _ in range(3):
        ksft_true(P.send_to(A, B) and P.send_to(B, A),
                  comment="a detached port's TX queue completes its frames")
    ksft_eq(P.end(), 0, comment="the ports closed cleanly")


if __name__ == "__main__":
    vhost_kvs_run([defaults, spoofchk, isolation, flood, learning,
                   max_learned, vlans, coalesce, refusals, namespace_gone])
