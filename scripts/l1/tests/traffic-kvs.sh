# SPDX-License-Identifier: GPL-2.0
# The switching datapath, driven by kvs-traffic (user-space guests on
# /dev/vhost-kvs ports): every byte of every frame to the right port exactly
# once, at every size; flooding, learning, ageing; drops counted when a
# receiver is full or too small; detach and close while traffic flows.
# On the debug kernel the same cases run with fewer frames.
. /kvs/lib.sh

SCALE=1
[ -e /sys/kernel/debug/kmemleak ] && SCALE=10	# KASAN: ~10x slower
n() { echo $(($1 / SCALE > 10 ? $1 / SCALE : 10)); }

# Run kvs-traffic -H in the background until it reports; the caller then
# reads counters and kills it with held_stop.
held_start() { # ARGS...
	# Gone before the start: the wait must not see the last run's line.
	rm -f /tmp/held.out
	kvs-traffic -b kvs -H "$@" >/tmp/held.out 2>&1 &
	HELD=$!
	retry 60 grep -q '^holding' /tmp/held.out
}
held_stop() {
	kill "$HELD" 2>/dev/null
	wait "$HELD" 2>/dev/null
	sed 's/^/# /' /tmp/held.out
}

# stat SWITCH PORT-ID NAME: one counter of one port, from kvsctl
stat() {
	kvsctl port show "$1" "$2" | tr ' ' '\n' | sed -n "/^$3\$/{n;p}"
}
# field KEY: a key=value from the held run's summary line
field() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" /tmp/held.out | tail -1
}
# port_id SWITCH N: id of the N-th port (1-based) of the switch
port_id() {
	kvsctl port show "$1" | sed -n "$2s|port $1/\([0-9]*\).*|\1|p"
}
fdb_count() {
	kvsctl switch show "$1" | sed -n 's/.* fdb \([0-9]*\).*/\1/p'
}

check "switch kvst0 for the datapath tests" kvsctl switch add kvst0

# 0. Receiver-side cases: bad RX rings, dirty log, coalescing, ioctls.
kvs-pairtest kvst0 >/tmp/pair.out 2>&1
rc=$?
grep -v '^1\.\.' /tmp/pair.out
check "kvs-pairtest finished cleanly" test $rc -eq 0

# 1. Byte-exact delivery, each frame once, at the right port.
traffic kvs "2 ports, 60 B, each frame once and intact" -p 2 -s 60 -n "$(n 20000)"
for size in 61 127 1514 1515 4084 4097 9014 32768 65553; do
	traffic kvs "2 ports, $size B (mergeable buffers), each frame once and intact" \
		-p 2 -s "$size" -n "$(n 400)"
done
traffic kvs "4 ports all-to-all, 200 B, each frame once at its port" \
	-p 4 -s 200 -n "$(n 2000)" -m mesh
traffic kvs "4 ports all-to-all, 9014 B" -p 4 -s 9014 -n "$(n 200)" -m mesh
traffic kvs "no mergeable buffers (legacy header): 1514 B each once" \
	-M -p 2 -s 1514 -n "$(n 2000)"
# kvs-traffic negotiates EVENT_IDX unless told not to: both ways of
# suppressing kicks and calls must keep every frame moving.
traffic kvs "4 ports all-to-all, 200 B, without EVENT_IDX (ring flags)" \
	-e -p 4 -s 200 -n "$(n 2000)" -m mesh

# 1b. Offloads: GSO and checksum-partial TCP frames, to receivers that
# negotiated offloads (-O: the frame as sent) and to receivers that did
# not (checksummed segments of gso_size, put back together and compared).
for v in tcp4 tcp6; do
	traffic kvs "$v GSO 64 KiB, receiver without offloads: checksummed segments, every byte" \
		-g "$v" -p 2 -s 65535 -n "$(n 100)"
	check "... cut into 46 segments of at most 1448 B each" \
		sh -c "echo '$LAST' | grep -q 'port=1 .* rx_segs=$(($(n 100) * 46)) '"
	traffic kvs "$v GSO 64 KiB, receiver with offloads: passed whole" \
		-g "$v" -O -p 2 -s 65535 -n "$(n 100)"
	check "... one frame each" \
		sh -c "echo '$LAST' | grep -q 'port=1 .* rx_segs=$(n 100) '"
	traffic kvs "$v GSO, 9000 B, MSS 536, 3 ports all-to-all, no offloads" \
		-g "$v" -G 536 -p 3 -m mesh -s 9000 -n "$(n 50)"
done
traffic kvs "tcp4 1000 B, checksum left to the device, receiver without offloads: filled in" \
	-g tcp4 -p 2 -s 1000 -n "$(n 500)"
traffic kvs "tcp4 1000 B, checksum left to the device, receiver with offloads: left partial" \
	-g tcp4 -O -p 2 -s 1000 -n "$(n 500)"
traffic kvs "tcp4 GSO 30000 B into a guest without mergeable buffers: segments fit" \
	-g tcp4 -M -p 2 -s 30000 -n "$(n 50)"

# 2. A frame larger than the guest's only buffer is dropped and counted.
held_start -M -p 2 -s 8000 -n 50 -t 5
check "no mergeable buffers: an 8000 B frame is not delivered" \
	test "$(field received)" = 0
check "... and counted as rx-drop-no-room on the receiver (50)" \
	test "$(stat kvst0 "$(port_id kvst0 2)" rx-drop-no-room)" = 50
held_stop

# 3. Flooding and learning.
traffic kvs "unknown unicast floods: port 2 gets a copy of each of port 0's frames" \
	-u -p 3 -s 100 -n "$(n 1000)"
check "... every copy intact (rx_flooded at port 2 = frames sent)" \
	sh -c "echo '$LAST' | grep -q 'port=2 .* rx_flooded=$(n 1000) '"
traffic kvs "learned: after the hello, nothing reaches a third port (no flooding)" \
	-p 3 -s 100 -n "$(n 1000)"
check "... port 2 received nothing but hellos" \
	sh -c "echo '$LAST' | grep -q 'port=2 .* rx_ok=0 rx_bad=0 rx_dup=0 rx_flooded=0'"

# MAC flooding: one port sending from 3000 source addresses may have at
# most 1024 of them learned; the switch keeps forwarding.
held_start -R 3000 -p 2 -s 60 -n 6000
check "MAC flood from port 0: every frame still delivered" \
	grep -q '^verdict=pass' /tmp/held.out
check "... the switch learned 1024 of port 0's addresses, plus port 1's" \
	test "$(fdb_count kvst0)" = 1025
check "fdb flush of port 0's learned entries leaves port 1's" sh -c \
	"kvsctl fdb flush kvst0 port $(port_id kvst0 1) && [ \$(kvsctl switch show kvst0 | sed -n 's/.* fdb \([0-9]*\).*/\1/p') = 1 ]"
check "fdb flush of the whole switch empties it" sh -c \
	"kvsctl fdb flush kvst0 && [ \$(kvsctl switch show kvst0 | sed -n 's/.* fdb \([0-9]*\).*/\1/p') = 0 ]"
held_stop

# 4. Ageing: learned MACs leave the table once silent for ageing time.
# Ageing 4 s: entries live 4 to 6 s after the last frame (the table is
# aged every 2 s), long enough to see them on the slow debug kernel.
check "switch kvsage with ageing 4 s" kvsctl switch add kvsage ageing 4
# Events of it all, as text and as JSON lines.
kvsctl monitor >/tmp/mon.out 2>/tmp/mon.err &
mon=$!
kvsctl -j monitor >/tmp/monj.out 2>/tmp/monj.err &
monj=$!
check "kvsctl monitor joins the events group" \
	retry 20 grep -q 'monitoring' /tmp/mon.err /tmp/monj.err
held_start -S kvsage -p 2 -s 60 -n 100
check "both MACs learned while the ports talk" test "$(fdb_count kvsage)" = 2
kvsctl fdb show kvsage | sed 's/^/# /'
check "fdb show lists both MACs on their ports" sh -c \
	"kvsctl fdb show kvsage | grep -q '^fdb kvsage 02:6b:76:73:00:00 vid 0 port 1 idle' &&
	 kvsctl fdb show kvsage | grep -q '^fdb kvsage 02:6b:76:73:00:01 vid 0 port 2 idle'"
check "fdb show -j is a JSON array of both" sh -c \
	"kvsctl -j fdb show kvsage | grep -c '\"mac\"' | grep -qx 1 &&
	 [ \$(kvsctl -j fdb show kvsage | grep -o '\"mac\"' | wc -l) = 2 ]"
check "fdb show of a missing switch fails (ENOENT)" sh -c \
	"! kvsctl fdb show nope 2>/tmp/err && grep -q 'No such file' /tmp/err"
p2=$(port_id kvsage 2)
check "fdb add: a static entry for 52:54:00:00:00:99 on port $p2" \
	kvsctl fdb add kvsage 52:54:00:00:00:99 port "$p2"
check "... listed as static" sh -c \
	"kvsctl fdb show kvsage | grep -q '^fdb kvsage 52:54:00:00:00:99 vid 0 port $p2 static'"
check "fdb add of a multicast MAC is refused with a reason" sh -c \
	"! kvsctl fdb add kvsage 01:00:5e:00:00:01 port $p2 2>/tmp/err && grep -q 'unicast' /tmp/err"
check "fdb add to a missing port is refused" sh -c \
	"! kvsctl fdb add kvsage 52:54:00:00:00:98 port 999 2>/tmp/err && grep -q 'no such port' /tmp/err"
check "fdb add with a malformed MAC is a usage error (exit 2)" sh -c \
	"kvsctl fdb add kvsage 52:54:zz port $p2 2>/dev/null; [ \$? = 2 ]"
check "learned MACs age out within 9 s of silence, the static one stays" \
	retry 10 sh -c '[ "$(kvsctl switch show kvsage | sed -n "s/.* fdb \([0-9]*\).*/\1/p")" = 1 ]'
check "... and it is the static entry" sh -c \
	"kvsctl fdb show kvsage | grep -q '52:54:00:00:00:99 .* static'"
check "fdb del removes it" kvsctl fdb del kvsage 52:54:00:00:00:99
check "fdb del of a missing entry: ENOENT with a reason" sh -c \
	"! kvsctl fdb del kvsage 52:54:00:00:00:99 2>/tmp/err && grep -q 'no entry' /tmp/err"
held_stop
saw() { retry 10 grep -q "$1" "${2:-/tmp/mon.out}"; }
check "monitor: both ports joined (port-add)" sh -c \
	"grep -q '^port-add port kvsage/[0-9]* mac 02:6b:76:73:00:00 queues 1 ' /tmp/mon.out &&
	 grep -q '^port-add port kvsage/[0-9]* mac 02:6b:76:73:00:01 queues 1 ' /tmp/mon.out"
check "monitor: both MACs learned (fdb-learn)" sh -c \
	"grep -q '^fdb-learn kvsage 02:6b:76:73:00:00 vid 0 port [0-9]' /tmp/mon.out &&
	 grep -q '^fdb-learn kvsage 02:6b:76:73:00:01 vid 0 port [0-9]' /tmp/mon.out"
check "monitor: both aged out (fdb-age)" sh -c \
	"grep -q '^fdb-age kvsage 02:6b:76:73:00:00 ' /tmp/mon.out &&
	 grep -q '^fdb-age kvsage 02:6b:76:73:00:01 ' /tmp/mon.out"
check "monitor: no learn or age event for the static entry" sh -c \
	"! grep -q '52:54:00:00:00:99' /tmp/mon.out"
check "monitor: both ports left, with their counters (port-del)" saw \
	'^port-del port kvsage/[0-9]* mac 02:6b:76:73:00:01 queues 1 .* tx-frames [1-9]'
check "monitor -j: one JSON object per event" sh -c \
	"grep -q '^{\"event\":\"fdb-age\",\"switch\":\"kvsage\",\"mac\":\"02:6b:76:73:00:01\",\"vid\":0,\"port\":[0-9]*}\$' /tmp/monj.out &&
	 grep -q '^{\"event\":\"port-del\",\"port\":{\"switch\":\"kvsage\"' /tmp/monj.out"
sed 's/^/# /' /tmp/mon.out
kill "$mon" "$monj"
kvsctl switch del kvsage

# 5. A receiver without buffers: the sender is never held, drops counted.
held_start -x -p 2 -s 60 -n 5000 -t 20
check "receiver posts no buffers: every sent frame still completes" \
	grep -q '^verdict=pass' /tmp/held.out
p0=$(port_id kvst0 1)
p1=$(port_id kvst0 2)
full=$(stat kvst0 "$p0" tx-drop-dest-full)
# A receiver holds at most 256 of one sender's frames (KVS_HELD_MAX).
check "sender counts tx-drop-dest-full = 5000 - 256 queued ($full)" \
	test "$full" = $((5000 - 256))
check "receiver counts the same as rx-drop-full" \
	test "$(stat kvst0 "$p1" rx-drop-full)" = "$full"
kvsctl stats kvst0 | sed 's/^/# /'
check "kvsctl stats: the sender's drops are all tx-drop-dest-full" sh -c \
	"kvsctl stats kvst0 | grep -q '^port kvst0/$p0 tx-frames 5000 .* drops $full tx-drop-dest-full $full\$'"
check "kvsctl stats (every switch) shows the receiver's rx-drop-full" sh -c \
	"kvsctl stats | grep -q '^port kvst0/$p1 .* rx-drop-full $full\$'"
check "kvsctl stats SWITCH/ID: the receiver alone" sh -c \
	"kvsctl stats kvst0/$p1 | grep -q '^port kvst0/$p1 .* rx-drop-full $full\$' &&
	 [ \$(kvsctl stats kvst0/$p1 | wc -l) = 1 ]"
check "kvsctl stats of a missing port: fails and says why" \
	sh -c "! kvsctl stats kvst0/999 >/tmp/st.err 2>&1 && grep -q 'No such file' /tmp/st.err"
check "kvsctl -j stats: drops by reason as JSON" sh -c \
	"kvsctl -j stats kvst0 | grep -q '\"id\":$p0,.*\"drops\":$full,\"by_reason\":{\"tx-drop-dest-full\":$full}'"
check "sender's tx-frames = 5000, tx-bytes = 300000" sh -c \
	"[ '$(stat kvst0 "$p0" tx-frames)' = 5000 ] && [ '$(stat kvst0 "$p0" tx-bytes)' = 300000 ]"
held_stop
check "closing the ports drops what was queued (switch has no ports)" \
	retry 5 sh -c 'kvsctl switch show kvst0 | grep -q " ports 0 "'

# 6. Detach and close while traffic flows.
traffic kvs "port 1 detached mid-run (3 ports, mesh): clean end, nothing corrupt" \
	-X detach -p 3 -s 200 -n "$(n 4000)" -m mesh
traffic kvs "port 1 closed mid-run (3 ports, mesh): clean end, nothing corrupt" \
	-X close -p 3 -s 200 -n "$(n 4000)" -m mesh
traffic kvs "port 1 closed mid-run, 64 KiB frames" \
	-X close -p 3 -s 65553 -n "$(n 400)" -m mesh
check "switch deleted while nothing is attached" kvsctl switch del kvst0

exit $((FAILS > 0))
