# SPDX-License-Identifier: GPL-2.0
# The peer every vhost-kvs figure is compared with: two nested guests on
# stock vhost-net + tap + Linux bridge.
#
#   vm1 10.9.0.1 --virtio-net-- vhost-net -- tap1 --+
#                                                  br0 10.9.0.254 (L1)
#   vm2 10.9.0.2 --virtio-net-- vhost-net -- tap2 --+
. /kvs/lib.sh
trap guests_stop EXIT

/usr/sbin/ip link add br0 type bridge
/usr/sbin/ip addr add 10.9.0.254/24 dev br0
/usr/sbin/ip link set br0 up
for i in 1 2; do
	/usr/sbin/ip tuntap add tap$i mode tap vnet_hdr
	/usr/sbin/ip link set tap$i master br0
	/usr/sbin/ip link set tap$i up
done

nic() { # N: vhost-net on tapN
	echo "-netdev tap,id=n0,ifname=tap$1,script=no,downscript=no,vhost=on" \
		"-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:00:00:0$1"
}
pingable() { ping -c 1 -W 1 "$1" >/dev/null; }
# Both guests up and reachable from L1. Nested under TCG, a guest now and
# then comes up with a dead network (seen 1 run in 5): one restart of the
# pair, said in the output, before that counts as a failure.
boot_pair() {
	# shellcheck disable=SC2046
	guest_start vm1 10.9.0.1/24 $(nic 1) &&
		guest_start vm2 10.9.0.2/24 $(nic 2) &&
		retry 30 pingable 10.9.0.1 && retry 30 pingable 10.9.0.2
}
booted=0
if ! boot_pair; then
	echo "# the nested guests did not come up reachable; restarting them once"
	guests_stop
	boot_pair || booted=1
fi
# The pair's own result: pid files outlive a guest that was stopped.
check "vm1 and vm2 boot with vhost-net, reachable (at most one restart)" \
	test "$booted" -eq 0

has_vhost_worker() { grep -qs '^vhost-' /proc/"$(cat /tmp/"$1".pid)"/task/*/comm; }
check "vm1 runs a vhost worker thread" has_vhost_worker vm1
check "vm2 runs a vhost worker thread" has_vhost_worker vm2
check "L1 reaches vm1 over the bridge" retry 5 pingable 10.9.0.1
check "L1 reaches vm2 over the bridge" retry 5 pingable 10.9.0.2

out=$(guest_run vm2 60 ping -c 5 -W 2 10.9.0.1)
echo "$out" | sed 's/^/# /'
ping_ok() { echo "$out" | grep -q ' 5 packets received'; }
check "vm2 pings vm1: 5 of 5 replies" ping_ok

# iperf3 from vm2 to vm1 (server started on demand). A nested guest now
# and then stalls whole under TCG (its agent stops answering too; seen
# with vhost-net and vhost-kvs alike): one restart of the pair per run,
# said in the output, before a run counts as failed.
restarted=0
iperf_run() { # ARGS...: prints iperf3's output; fails without a result
	local out
	guest_run vm1 20 'pidof iperf3 >/dev/null || iperf3 -s -D' >/dev/null
	out=$(guest_tail vm2 90 6 iperf3 -c 10.9.0.1 "$@")
	echo "$out"
	echo "$out" | grep -q receiver
}
iperf_checked() { # DESC ARGS...
	local desc=$1 out
	shift
	if ! out=$(iperf_run "$@") && [ $restarted -eq 0 ]; then
		restarted=1
		echo "$out" | tail -n 3 | sed 's/^/#   (stalled) /'
		echo "# a nested guest stalled; restarting the pair once"
		guests_stop
		boot_pair && out=$(iperf_run "$@")
	fi
	echo "$out" | tail -n 4 | sed 's/^/# /'
	check "$desc" sh -c 'echo "$1" | grep receiver | grep -qE "[0-9.]+ [KM]bits/sec"' _ "$out"
}
iperf_checked "vm2 -> vm1 iperf3 TCP completes" -t 3 -f m
# 2 Mbit/s (3,900 frames/s), not a flood: under TCG a nested guest now
# and then takes an interrupt with interrupts off (a double fault at
# entry_SYSCALL_64, a spinlock deadlock; Documentation/testbed.rst), and
# the chance grows with its syscall and interrupt rate. At 20 Mbit/s that
# lost a guest in most runs of 2026-11-23; the flood is make bench's job.
iperf_checked "vm2 -> vm1 iperf3 UDP 64 B completes" -u -b 2M -l 64 -t 2

exit $((FAILS > 0))
