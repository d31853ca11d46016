# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the test host: two guests on a vhost-kvs
# switch (-netdev vhost-kvs, in QEMU built with qemu/*.patch), iperf3
# between them, the same two guests on vhost-net + tap + bridge, the
# figures side by side, then the switch's ports, learned MACs and counters.
. /kvs/lib.sh
trap 'guests_stop; bridge_down' EXIT
export L2_QEMU=qemu-kvs
SECS=${KVS_DEMO_SECS:-5}

echo "# test host: kernel $(uname -r), $(nproc) CPUs, /dev/vhost-kvs is char $(cat /sys/class/misc/vhost-kvs/dev)"

ping_once() { guest_run vm2 20 ping -c 1 -W 2 10.10.0.1 >/dev/null; }

# pair BACKEND: vm1 and vm2 on BACKEND; ping and iperf3 TCP vm2 -> vm1.
# Sets MBPS and RTT (ms, average of 10 pings).
pair() {
	local backend=$1 out i
	MBPS='' RTT=''
	for i in 1 2; do
		# shellcheck disable=SC2046
		guest_start vm$i 10.10.0.$i/24 $(nic_"$backend" $i sw0) || return 1
		echo "#   vm$i: qemu-kvs ... $(nic_"$backend" $i sw0)"
	done
	retry 5 ping_once || return 1
	out=$(guest_run vm2 30 ping -c 10 -i 0.2 10.10.0.1)
	echo "$out" | tail -n 2 | sed 's/^/#   /'
	RTT=$(echo "$out" | sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
	guest_run vm1 20 iperf3 -s -D >/dev/null
	echo "#   \$ iperf3 -c 10.10.0.1 -t $SECS   (in vm2)"
	for i in 1 2; do # one retry: nested guests now and then stall
		out=$(guest_run vm2 $((SECS + 60)) iperf3 -c 10.10.0.1 -t "$SECS" -f m)
		MBPS=$(echo "$out" | iperf_mbps)
		[ -n "$MBPS" ] && break
		echo "$out" | tail -n 5 | sed 's/^/#   (failed) /'
	done
	echo "$out" | grep -E 'sender|receiver' | sed 's/^/#   /'
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
guests_stop
check "both ports left when the guests stopped" \
	retry 10 sh -c 'kvsctl switch show sw0 | grep -q " ports 0 "'
kvsctl switch del sw0

echo "# --- 4. the same two guests on vhost-net + tap + bridge (the peer)"
bridge_up 1 2
check "vm1 and vm2 on vhost-net + tap + bridge: ping and iperf3 TCP" pair net
net_mbps=$MBPS net_rtt=$RTT
guests_stop
bridge_down

echo "# --- 5. side by side (one short run each, same boot; make bench for medians)"
printf '#   %-26s %12s %12s\n' "" "iperf3 TCP" "ping RTT"
printf '#   %-26s %7s Mbit/s %9s ms\n' "vhost-kvs" "$kvs_mbps" "$kvs_rtt" \
	"vhost-net + tap + bridge" "$net_mbps" "$net_rtt"
awk -v k="$kvs_mbps" -v n="$net_mbps" -v kr="$kvs_rtt" -v nr="$net_rtt" 'BEGIN {
	if (n > 0 && nr > 0)
		printf "#   vhost-kvs / vhost-net: throughput %.2fx, RTT %.2fx\n", k / n, kr / nr }'
exit $((FAILS > 0))
