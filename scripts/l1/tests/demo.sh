# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the test host: two guests on a vhost-kvs
# switch (-netdev vhost-kvs, in QEMU built with qemu/*.patch), iperf3
# between them, the same two guests on vhost-net + tap + bridge, the
# figures side by side, then the switch's ports, learned MACs and counters.
. /kvs/lib.sh
trap pair_down EXIT
SECS=${KVS_DEMO_SECS:-5}

echo "# test host: kernel $(uname -r), $(nproc) CPUs, /dev/vhost-kvs is char $(cat /sys/class/misc/vhost-kvs/dev)"

# pair BACKEND: vm1 and vm2 on BACKEND; ping and iperf3 TCP vm2 -> vm1.
# Sets MBPS and RTT (ms, average of 10 pings).
pair() {
	local i
	MBPS='' RTT=''
	pair_up "$1" || return 1
	for i in 1 2; do
		echo "#   vm$i: $L2_QEMU ... $(nic_"$1" $i sw0)"
	done
	echo "#   \$ ping -c 10 -i 0.2 10.10.0.1; iperf3 -c 10.10.0.1 -t $SECS   (in vm2)"
	RTT=$(pair_ping_ms 10) && MBPS=$(pair_tcp_mbps "$SECS")
	echo "#   ping RTT ${RTT:-?} ms, iperf3 TCP ${MBPS:-?} Mbit/s"
	[ -n "$MBPS" ] && [ -n "$RTT" ]
}

echo "# --- 1. a switch in the host kernel"
echo "#   \$ kvsctl switch add sw0"
check "kvsctl switch add sw0" kvsctl switch add sw0

echo "# --- 2. two guests on it, -netdev vhost-kvs (no tap, no bridge)"
check "vm1 and vm2 on vhost-kvs: ping and iperf3 TCP" pair kvs
kvs_mbps=$MBPS kvs_rtt=$RTT

echo "# --- 3. the switch's state"
for c in "switch show" "port show sw0" "fdb show sw0"; do
	echo "#   \$ kvsctl $c"
	# shellcheck disable=SC2086
	kvsctl $c | sed 's/^/#     /'
done
fwd() { kvsctl -j port show sw0 | grep -qE '"tx-frames": *[1-9]'; }
check "the switch counted the guests' frames" fwd
pair_down
check "both ports left when the guests stopped" \
	retry 10 sh -c 'kvsctl switch show sw0 | grep -q " ports 0 "'
kvsctl switch del sw0

echo "# --- 4. the same two guests on vhost-net + tap + bridge (the peer)"
check "vm1 and vm2 on vhost-net + tap + bridge: ping and iperf3 TCP" pair net
net_mbps=$MBPS net_rtt=$RTT
pair_down

echo "# --- 5. side by side (one short run each, same boot; make bench for medians)"
printf '#   %-26s %12s %12s\n' "" "iperf3 TCP" "ping RTT"
printf '#   %-26s %7s Mbit/s %9s ms\n' "vhost-kvs" "$kvs_mbps" "$kvs_rtt" \
	"vhost-net + tap + bridge" "$net_mbps" "$net_rtt"
awk -v k="$kvs_mbps" -v n="$net_mbps" -v kr="$kvs_rtt" -v nr="$net_rtt" 'BEGIN {
	if (n > 0 && nr > 0)
		printf "#   vhost-kvs / vhost-net: throughput %.2fx, RTT %.2fx\n", k / n, kr / nr }'
exit $((FAILS > 0))
