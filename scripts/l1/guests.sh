# SPDX-License-Identifier: GPL-2.0
# Real guests on vhost-kvs: three nested Linux guests with virtio-net on
# one switch, no tap device, no bridge. Run by tests/guests-kvs.sh and
# tests/guests-tap.sh, which set GUESTS_MODE:
#   kvs  the patched QEMU (qemu-kvs, -netdev vhost-kvs)
#   tap  Debian's unmodified QEMU, started by kvs-launch with the port's
#        tap file: -netdev tap,fd=T,vhost=on,vhostfd=V
#
#   vm1 10.10.0.1 --+   (two queue pairs)
#   vm2 10.10.0.2 --+-- switch sw0 (in L1's kernel)
#   vm3 10.10.0.3 --+
#
# Bad configurations first (each must stop QEMU, or kvs-launch, with a
# one-line reason), then ping, broadcast, iperf3, multiqueue (vm1 has two
# queue pairs; the guest turns the second on and off), a checksummed HTTP
# transfer with and without offloads, the host's stack through a host
# port (kvs mode), MTU 9000, QMP hot-plug and live
# migration, and the switch's view of it all.
. /kvs/lib.sh
trap guests_stop EXIT
MODE=${GUESTS_MODE:-kvs}

mac() { echo "52:54:00:00:01:0$1"; } # as nic_kvs gives guest N

ports_now() { kvsctl switch show sw0 | grep -q " ports $1 "; }

# shellcheck disable=SC2086
refusals_kvs() {
	refused "unknown switch: QEMU stops, naming the switch" "no switch 'nosuch'" \
		qemu-kvs $QEMU_NOGUEST \
		-netdev vhost-kvs,id=n0,switch=nosuch -device virtio-net-pci,netdev=n0,romfile=
	check "switch sw0 created" kvsctl switch add sw0
	refused "switch name too long: refused" "must be 1 to 15 characters" \
		qemu-kvs $QEMU_NOGUEST -netdev vhost-kvs,id=n0,switch=sw0123456789abcdef
	refused "multicast MAC: attach refused with the reason" "refused MAC address" \
		qemu-kvs $QEMU_NOGUEST -netdev vhost-kvs,id=n0,switch=sw0 \
		-device virtio-net-pci,netdev=n0,romfile=,mac=01:00:5e:00:00:01
	refused "one netdev for two NICs: refused" "in use" \
		qemu-kvs $QEMU_NOGUEST -netdev vhost-kvs,id=n0,switch=sw0 \
		-device virtio-net-pci,netdev=n0,romfile= -device virtio-net-pci,netdev=n0,romfile=
	refused "queues=17: refused with the range" "queues=17: must be 1 to 16" \
		qemu-kvs $QEMU_NOGUEST -netdev vhost-kvs,id=n0,switch=sw0,queues=17
	mv /dev/vhost-kvs /dev/vhost-kvs.hidden
	refused "no /dev/vhost-kvs: QEMU stops, naming the device" "cannot open /dev/vhost-kvs" \
		qemu-kvs $QEMU_NOGUEST -netdev vhost-kvs,id=n0,switch=sw0
	mv /dev/vhost-kvs.hidden /dev/vhost-kvs
}

# shellcheck disable=SC2086
refusals_tap() {
	refused "unknown switch: kvs-launch stops, naming the switch" "no switch 'nosuch'" \
		kvs-launch -s nosuch -m "$(mac 1)" -- qemu-system-x86_64 $QEMU_NOGUEST
	check "switch sw0 created" kvsctl switch add sw0
	refused "multicast MAC: refused with the reason" "refused MAC address" \
		kvs-launch -s sw0 -m 01:00:5e:00:00:01 -- qemu-system-x86_64 $QEMU_NOGUEST
	refused "not a MAC: refused" "not a MAC address" \
		kvs-launch -s sw0 -m 52:54:00:zz:00:01 -- qemu-system-x86_64 $QEMU_NOGUEST
	refused "-q 17: refused with the range" "queue pairs must be 1 to 16" \
		kvs-launch -s sw0 -m "$(mac 1)" -q 17 -- qemu-system-x86_64 $QEMU_NOGUEST
	refused "hot-plug into no QEMU: refused, naming the socket" "cannot connect to QMP socket" \
		kvs-launch -s sw0 -m "$(mac 1)" -Q /tmp/no-such.sock
	refused "one netdev for two NICs: refused" "in use" \
		kvs-launch -s sw0 -m "$(mac 1)" -- qemu-system-x86_64 \
		${QEMU_NOGUEST#-accel tcg} -accel kvm -device virtio-net-pci,netdev=kvs0,romfile=
	mv /dev/vhost-kvs /dev/vhost-kvs.hidden
	refused "no /dev/vhost-kvs: kvs-launch stops, naming the device" "cannot open /dev/vhost-kvs" \
		kvs-launch -s sw0 -m "$(mac 1)" -- qemu-system-x86_64 $QEMU_NOGUEST
	mv /dev/vhost-kvs.hidden /dev/vhost-kvs
	# Debian's QEMU takes the tap file and the vhost file as its own:
	# a start that fails later (here: a bad -device) still frees the port.
	refused "stock QEMU refusing its arguments: the port goes with it" "virtio-net-pcix" \
		kvs-launch -s sw0 -m "$(mac 1)" -N -- qemu-system-x86_64 \
		${QEMU_NOGUEST#-accel tcg} -accel kvm -device virtio-net-pcix
}

# l2_qemu N QUEUES: how this mode starts guest N's QEMU (sets L2_QEMU)
l2_qemu() {
	if [ "$MODE" = tap ]; then
		L2_QEMU="kvs-launch -s sw0 -m $(mac "$1") -q $2 -N -- qemu-system-x86_64"
	else
		L2_QEMU=qemu-kvs
	fi
}
# nic_args NAME N QUEUES: the NIC of guest N (on QEMU NAME) with QUEUES
# queue pairs; in tap mode also a QMP socket, /tmp/NAME.qmp.sock, for
# kvs-launch -Q to pass files over
nic_args() {
	local mq=
	[ "$3" -gt 1 ] && mq=",mq=on,vectors=$((2 * $3 + 2))"
	if [ "$MODE" = tap ]; then
		rm -f /tmp/"$1".qmp.sock
		echo "-device virtio-net-pci,netdev=kvs0,romfile=,mac=$(mac "$2")$mq" \
			"-chardev socket,id=qmps,path=/tmp/$1.qmp.sock,server=on,wait=off" \
			"-mon chardev=qmps,mode=control"
	else
		echo "-netdev vhost-kvs,id=n0,switch=sw0,queues=$3" \
			"-device virtio-net-pci,netdev=n0,romfile=,mac=$(mac "$2")$mq"
	fi
}
# start N [QUEUES]: guest vmN on sw0 by this mode's way in, its NIC with
# QUEUES queue pairs (default 1)
start() {
	l2_qemu "$1" "${2:-1}"
	# shellcheck disable=SC2046
	guest_start vm"$1" 10.10.0."$1"/24 $(nic_args vm"$1" "$1" "${2:-1}") $(qmp_args vm"$1")
}

# A first run that stalled (see once_more_if_stalled) may have left sw0.
kvsctl switch del sw0 >/dev/null 2>&1

# --- bad configuration
refusals_$MODE
check "refused starts left no port behind" ports_now 0

# --- three guests
ok=0
start 1 2 || ok=1
for i in 2 3; do
	start $i || ok=1
done
check "vm1, vm2, vm3 boot ($MODE)" test $ok -eq 0
[ $ok -eq 0 ] || exit 1 # the rest would only repeat this failure
check "sw0 has three ports" ports_now 3
[ "$MODE" = tap ] && check "Debian's QEMU drives the port through its tap file (vhost worker running)" \
	sh -c 'grep -qs "^vhost-" /proc/"$(cat /tmp/vm1.pid)"/task/*/comm'

pings() { # FROM TO
	guest_run "vm$1" 30 ping -c 3 -W 2 "10.10.0.$2" | grep -q ' 3 packets received'
}
for p in "1 2" "2 3" "3 1" "2 1"; do
	set -- $p
	check "vm$1 pings vm$2: 3 of 3" retry 3 pings "$1" "$2"
done
arp_ok() {
	guest_run vm3 30 arping -b -c 3 -w 10 -I eth0 10.10.0.1 |
		grep -q 'Received 3 response'
}
check "vm3 arpings vm1 by broadcast: 3 of 3" arp_ok
fdb_has() { kvsctl fdb show sw0 | grep -qi "$(mac "$1")"; }
for i in 1 2 3; do
	check "the switch learned vm$i's MAC" fdb_has $i
done

check "iperf3 server starts in vm1" guest_run vm1 20 iperf3 -s -D
iperf() { # DESC ARGS...: iperf3 from vm2 to vm1
	local desc=$1
	shift
	guest_iperf "$desc" 10.10.0.1 "$@"
}
iperf "vm2 -> vm1 iperf3 TCP" -t 3
# Small frames at a rate the test bed survives (see baseline.sh).
iperf "vm2 -> vm1 iperf3 UDP 64 B" -u -b 2M -l 64 -t 2

# Multiqueue: vm1's NIC has two queue pairs, one port of two files. A
# one-CPU guest starts on one; ethtool -L turns the second on and off, and
# the switch must follow: frames spread over both by flow, then only to
# queue 0. The guest's per-queue account is its interrupt count per
# receive queue (virtio0-input.N; its ethtool -S has no per-queue packet
# counts): a queue the switch delivers nothing to raises none.
check "vm1's port has two queue pairs" sh -c \
	"kvsctl port show sw0 | grep -qi 'mac $(mac 1) queues 2 '"
rxq() { # N: interrupts of vm1's receive queue N
	guest_run vm1 10 grep virtio /proc/interrupts |
		sed -n "s/^ *[0-9]*: *\([0-9]*\) .*virtio[0-9]*-input\.$1\$/\1/p"
}
many_flows() { # DESC: 16 TCP flows vm2 -> vm1, then vm1's rx0/rx1 growth
	local r0 r1
	r0=$(rxq 0) r1=$(rxq 1)
	[ -n "$r0" ] && [ -n "$r1" ] || {
		echo "# no per-queue interrupt lines in vm1's /proc/interrupts:"
		guest_run vm1 10 grep virtio /proc/interrupts | sed 's/^/#   /'
	}
	iperf "$1" -P 16 -t 2
	D0=$(($(rxq 0) - ${r0:-0})) D1=$(($(rxq 1) - ${r1:-0}))
	echo "# vm1's receive interrupts: queue 0 +$D0, queue 1 +$D1"
}
check "vm1: ethtool -L combined 2" guest_run vm1 30 ethtool -L eth0 combined 2
many_flows "vm2 -> vm1 iperf3, 16 flows, 2 queue pairs"
check "both of vm1's queues received (16 flows spread by hash)" \
	test "$D0" -gt 10 -a "$D1" -gt 10
check "vm1: ethtool -L combined 1" guest_run vm1 30 ethtool -L eth0 combined 1
many_flows "vm2 -> vm1 iperf3, 16 flows, 1 queue pair"
check "all to queue 0 once the guest turned queue 1 off" \
	test "$D0" -gt 10 -a "$D1" -eq 0
check "vm1: ethtool -L combined 2 again (for the rest)" \
	guest_run vm1 30 ethtool -L eth0 combined 2
check "vm2 pings vm1 with both queues on" retry 3 pings 2 1

# An 8 MiB random file over HTTP, its SHA-256 compared at both ends: TCP's
# checksum alone does not prove integrity once checksums are offloaded.
# (The guest agent takes one line per command.)
check "vm1 serves /tmp/www over HTTP" guest_run vm1 30 \
	'mkdir -p /tmp/www && head -c 8388608 /dev/urandom >/tmp/www/blob && sha256sum </tmp/www/blob >/tmp/www/blob.sum && httpd -p 8080 -h /tmp/www'
transfer() { # FROM: fetch vm1's blob, compare its SHA-256
	guest_run "vm$1" 120 'rm -f /tmp/blob /tmp/blob.sum && wget -q -O /tmp/blob http://10.10.0.1:8080/blob && wget -q -O /tmp/blob.sum http://10.10.0.1:8080/blob.sum && [ "$(sha256sum </tmp/blob)" = "$(cat /tmp/blob.sum)" ]'
}
check "8 MiB over HTTP vm1 -> vm2, offloads on: SHA-256 matches" transfer 2
check "8 MiB over HTTP vm1 -> vm3: SHA-256 matches" transfer 3

# Offloads off inside the guests: vm1 sends without checksum or
# segmentation offloads; vm2 takes no receive offloads (the switch must
# segment and checksum vm1's large frames for it).
check "vm2: receive offloads off (ethtool -K rx-gro-hw off)" \
	guest_run vm2 30 ethtool -K eth0 rx-gro-hw off
check "vm1: transmit offloads off (ethtool -K tx/tso/gso off)" \
	guest_run vm1 30 ethtool -K eth0 tx off tso off gso off
check "8 MiB vm1 -> vm2, no offloads either side: SHA-256 matches" transfer 2
check "vm1: transmit offloads back on" guest_run vm1 30 ethtool -K eth0 tx on tso on gso on
check "8 MiB vm1 (TSO) -> vm2 (no receive offloads): SHA-256 matches" transfer 2
iperf "vm2 -> vm1 iperf3 TCP, vm2 without receive offloads" -t 2 -R

# The host's own stack on sw0 through a host port (no tap, no bridge):
# L1 is 10.10.0.254 on kvsh0. Its traffic to and from the guests is
# converted between sk_buffs and the switch's buffers once, on that port.
host_get() { # fetch vm1's blob into L1 through kvsh0, compare its SHA-256
	rm -f /tmp/hblob /tmp/hblob.sum
	wget -q -O /tmp/hblob http://10.10.0.1:8080/blob &&
		wget -q -O /tmp/hblob.sum http://10.10.0.1:8080/blob.sum &&
		[ "$(sha256sum </tmp/hblob)" = "$(cat /tmp/hblob.sum)" ]
}
l1_iperf() { # DESC ARGS...: iperf3 from L1 to vm1 over kvsh0
	local desc=$1 out rc=0
	shift
	out=$(timeout 90 iperf3 -c 10.10.0.1 -f m "$@" 2>&1) || rc=$?
	echo "$out" | tail -n 4 | sed 's/^/# /'
	check "$desc" sh -c '[ "$2" -eq 0 ] && echo "$1" | grep receiver | grep -qE "[0-9.]+ Mbits/sec"' _ "$out" "$rc"
}
pings_l1() {
	guest_run vm2 30 ping -c 3 -W 2 10.10.0.254 | grep -q ' 3 packets received'
}
host_port() {
	local id
	check "host port kvsh0 made on sw0" sh -c \
		'kvsctl port add sw0 host kvsh0 | tee /tmp/hp.out | grep -q " dev kvsh0 "'
	id=$(sed -n 's|^port sw0/\([0-9]*\) .*|\1|p' /tmp/hp.out)
	/usr/sbin/ip addr add 10.10.0.254/24 dev kvsh0
	/usr/sbin/ip link set kvsh0 up
	check "kvsctl shows it as a host port" sh -c \
		"kvsctl port show sw0 $id | grep -q 'type host dev kvsh0 '"
	check "L1 pings vm1 through kvsh0: 3 of 3" retry 3 sh -c \
		'ping -c 3 -W 2 10.10.0.1 | grep -q " 3 packets received"'
	check "vm2 pings L1 through kvsh0: 3 of 3" retry 3 pings_l1
	l1_iperf "L1 -> vm1 iperf3 TCP through kvsh0" -t 3
	l1_iperf "vm1 -> L1 iperf3 TCP through kvsh0" -t 3 -R
	check "kvsh0 does no GRO unless asked (guests send TSO frames whole)" sh -c \
		'/usr/sbin/ethtool -k kvsh0 | grep -q "^generic-receive-offload: off"'
	check "8 MiB over HTTP vm1 -> L1, offloads on: SHA-256 matches" host_get
	check "kvsh0: GRO on (ethtool -K gro on)" /usr/sbin/ethtool -K kvsh0 gro on
	check "8 MiB over HTTP vm1 -> L1 through GRO: SHA-256 matches" host_get
	check "kvsh0: offloads off (ethtool -K tx/tso/gso/gro off)" \
		/usr/sbin/ethtool -K kvsh0 tx off tso off gso off gro off
	check "8 MiB over HTTP vm1 -> L1, kvsh0 offloads off: SHA-256 matches" host_get
	l1_iperf "L1 -> vm1 iperf3 TCP, kvsh0 offloads off" -t 2
	/usr/sbin/ethtool -K kvsh0 tx on tso on gso on
	check "kvsh0's counters are the port's (rx and tx packets > 0)" sh -c \
		'[ "$(cat /sys/class/net/kvsh0/statistics/rx_packets)" -gt 0 ] &&
		 [ "$(cat /sys/class/net/kvsh0/statistics/tx_packets)" -gt 0 ]'
	check "port del sw0/$id" kvsctl port del sw0/"$id"
	check "the device went with the port" sh -c '! /usr/sbin/ip link show kvsh0 2>/dev/null'
}
[ "$MODE" = kvs ] && host_port

# Another namespace, "far", behind a veth pair whose end kvsu0 is an
# uplink of sw0 (as a NIC would be): far is 10.10.0.253.
far() { /usr/sbin/ip netns exec far "$@"; }
far_pings() { far ping -c 3 -W 2 10.10.0.1 | grep -q ' 3 packets received'; }
far_get() { # fetch vm1's blob into far through the uplink, compare its SHA-256
	far sh -c 'rm -f /tmp/fblob && busybox wget -q -O /tmp/fblob http://10.10.0.1:8080/blob &&
		[ "$(sha256sum </tmp/fblob)" = "$(busybox wget -q -O - http://10.10.0.1:8080/blob.sum)" ]'
}
uplink_port() {
	local id
	/usr/sbin/ip netns add far
	/usr/sbin/ip link add kvsu0 type veth peer name kvsu1 netns far
	/usr/sbin/ip link set kvsu0 up
	far /usr/sbin/ip addr add 10.10.0.253/24 dev kvsu1
	far /usr/sbin/ip link set kvsu1 up
	check "veth kvsu0 made an uplink of sw0" sh -c \
		'kvsctl port add sw0 uplink kvsu0 | tee /tmp/up.out | grep -q " dev kvsu0 "'
	id=$(sed -n 's|^port sw0/\([0-9]*\) .*|\1|p' /tmp/up.out)
	check "far pings vm1 through the uplink: 3 of 3" retry 3 far_pings
	far iperf3 -s -D -B 10.10.0.253 -I /tmp/far-iperf3.pid
	guest_iperf "vm2 -> far iperf3 TCP through the uplink" 10.10.0.253 -t 3
	check "8 MiB over HTTP vm1 -> far through the uplink: SHA-256 matches" far_get
	check "port del sw0/$id gives kvsu0 back (no longer promiscuous)" sh -c \
		"kvsctl port del sw0/$id && ! /usr/sbin/ip -d link show kvsu0 | grep -q 'promiscuity [1-9]'"
	kill "$(cat /tmp/far-iperf3.pid 2>/dev/null)" 2>/dev/null
	/usr/sbin/ip link del kvsu0
	/usr/sbin/ip netns del far
}
[ "$MODE" = kvs ] && uplink_port

# Jumbo frames: MTU 9000 on vm1 and vm2.
for i in 1 2; do
	check "vm$i: MTU 9000" guest_run vm$i 30 ip link set eth0 mtu 9000
done
jumbo() { guest_run vm2 30 ping -c 3 -W 2 -s 8972 10.10.0.1 | grep -q ' 3 packets received'; }
check "vm2 pings vm1 with 9000 B packets" retry 3 jumbo
check "8 MiB vm1 -> vm2 at MTU 9000: SHA-256 matches" transfer 2

# vm1_pinged FILE MIN: vm1's background ping into FILE ended with at
# least MIN replies
vm1_pinged() {
	local n
	n=$(guest_run vm1 10 grep 'packets received' "$1" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ -n "$n" ] && [ "$n" -ge "$2" ]
}

# hp_netdev: netdev hp1 in vm3's QEMU, a new port of sw0: QMP netdev_add
# vhost-kvs, or (tap mode) kvs-launch -Q passing the port's files over
# vm3's QMP socket (getfd, then netdev_add tap), as libvirt does for a tap
hp_netdev() {
	if [ "$MODE" = tap ]; then
		timeout 60 kvs-launch -s sw0 -m 52:54:00:00:02:03 -i hp1 -Q /tmp/vm3.qmp.sock
	else
		qmp vm3 '{"execute": "netdev_add", "arguments": {"type": "vhost-kvs", "id": "hp1", "switch": "sw0"}}'
	fi
}

# Hot-plug and migration, both ways in.
# pair_drops: the drops counted so far on the ports of vm1 and vm2 (MACs
# 52:54:00:00:01:01 and :02), all reasons, all queue pairs; "missing"
# when either port or its drop count is not in kvsctl's output, so that
# a changed format fails the check instead of comparing 0 with 0.
pair_drops() {
	{ kvsctl port show sw0; echo --; kvsctl stats sw0; } |
		awk '$1 == "--" { stats = 1; next }
		!stats { if ($4 ~ /^52:54:00:00:01:0[12]$/) p[$2] = 1; next }
		($2 in p) { for (i = 1; i < NF; i++) if ($i == "drops") { n += $(i + 1); seen[$2] = 1 } }
		END { for (k in p) np++; for (k in seen) ns++; print ((np == 2 && ns == 2) ? n + 0 : "missing") }'
}
pair_drops_unchanged() { # BEFORE
	[ "$1" != missing ] && [ "$(pair_drops)" = "$1" ]
}

hotplug_and_migration() {
	local drops0
	# Hot-plug through QMP on vm3 while vm1 and vm2 keep pinging each other:
	# a second NIC on sw0 comes, carries frames, and goes.
	drops0=$(pair_drops)
	check "vm1 pings vm2 in the background" guest_run vm1 10 \
		'ping -c 60 -i 0.25 10.10.0.2 >/tmp/bgping 2>&1 &'
	check "netdev_add of a vhost-kvs port into running vm3 ($MODE)" hp_netdev
	check "QMP device_add virtio-net-pci on it (vm3)" qmp vm3 \
		'{"execute": "device_add", "arguments": {"driver": "virtio-net-pci", "id": "hpnic", "netdev": "hp1", "mac": "52:54:00:00:02:03", "romfile": ""}}'
	check "sw0 has four ports" retry 10 ports_now 4
	check "vm3's kernel found the new NIC (eth1)" retry 20 guest_run vm3 10 \
		'[ -d /sys/class/net/eth1 ] && ip link set eth1 up'
	# A /32: no second route into the subnet, just a source for arping.
	check "vm3: 10.10.0.13/32 on eth1" guest_run vm3 10 ip addr add 10.10.0.13/32 dev eth1
	hp_arp() {
		local out
		out=$(guest_run vm3 30 arping -c 3 -w 10 -I eth1 -s 10.10.0.13 10.10.0.1)
		echo "$out" | tail -n 2 | sed 's/^/# /'
		echo "$out" | grep -q 'Received 3 response'
	}
	check "vm3 arpings vm1 through the hot-plugged NIC: 3 of 3" retry 3 hp_arp
	check "the switch learned the hot-plugged NIC's MAC" \
		sh -c 'kvsctl fdb show sw0 | grep -qi 52:54:00:00:02:03'
	check "QMP device_del (vm3)" qmp vm3 \
		'{"execute": "device_del", "arguments": {"id": "hpnic"}}'
	check "the guest let the NIC go (DEVICE_DELETED)" qmp_event vm3 DEVICE_DELETED
	check "QMP netdev_del (vm3)" qmp vm3 \
		'{"execute": "netdev_del", "arguments": {"id": "hp1"}}'
	check "sw0 is back to three ports" retry 10 ports_now 3
	check "the unplugged NIC's MAC left the table" \
		sh -c '! kvsctl fdb show sw0 | grep -qi 52:54:00:00:02:03'
	# Done, and at least 54 of 60 answered: a nested guest under TCG loses
	# the odd ping on any backend, and a few more when L1 itself stalls
	# (seen: 54, with L1 answering nothing for 30 s meanwhile); an unplug
	# that disturbed the others loses many.
	check "vm1 -> vm2 pings during hot-plug and unplug: 54 or more of 60" \
		retry 30 vm1_pinged /tmp/bgping 54
	# What the ping threshold cannot say for certain: the switch lost none
	# of vm1's and vm2's frames meanwhile.
	check "no drop on vm1's or vm2's port during hot-plug and unplug ($drops0 before)" \
		pair_drops_unchanged "$drops0"
	guest_run vm1 10 'tail -n 2 /tmp/bgping' | sed 's/^/# /'
	check "vm3 still reaches vm1 on its first NIC" retry 3 pings 3 1

	# Live migration of vm3 to a second QEMU (vm3b) on the same switch while
	# vm1 pings it. The destination's port exists from its start (the NIC is
	# realized), with vm3's MAC; once its receive queue starts after the
	# switch-over the switch sends vm3's frames there, and the old port,
	# whose queues stopped, gets nothing more.
	M3=$(mac 3)
	port_ids() { kvsctl port show sw0 | grep -i "mac $M3" | sed -n 's/^port sw0\/\([0-9]*\) .*/\1/p'; }
	fdb_port() { kvsctl fdb show sw0 | grep -i "$M3" | sed -n 's/.* port \([0-9]*\).*/\1/p'; }
	rx_frames() { kvsctl port show sw0 | grep "^port sw0/$1 " | sed -n 's/.* rx-frames \([0-9]*\) .*/\1/p'; }
	running() { qmp "$1" '{"execute": "query-status"}' | grep -q '"status": "running"'; }
	old_port=$(port_ids)
	rm -f /tmp/mig.fifo && mkfifo /tmp/mig.fifo
	GUESTS="$GUESTS vm3b"
	l2_qemu 3 1
	# shellcheck disable=SC2046
	guest_launch vm3b 10.10.0.3/24 $(nic_args vm3b 3 1) $(qmp_args vm3b) \
		-incoming 'exec:cat</tmp/mig.fifo'
	inmigrate() { qmp vm3b '{"execute": "query-status"}' | grep -q '"inmigrate"'; }
	check "destination QEMU waits for the guest (QMP answers)" inmigrate
	new_port=$(port_ids | grep -vx "$old_port" | tail -n 1)
	check "the destination's port joined sw0 (old $old_port, new ${new_port:-none})" \
		test -n "$new_port"
	check "vm1 pings vm3 in the background" guest_run vm1 10 \
		'ping -c 80 -i 0.25 10.10.0.3 >/tmp/migping 2>&1 &'
	sleep 2 # a few pings answered by the source first
	check "QMP migrate vm3 -> vm3b" qmp vm3 \
		'{"execute": "migrate", "arguments": {"uri": "exec:cat>/tmp/mig.fifo"}}'
	check "vm3b runs the guest after the switch-over" retry 120 running vm3b
	at_new() { [ "$(fdb_port)" = "$new_port" ]; }
	check "the switch sends vm3's MAC to the new port at once" at_new
	rx_old=$(rx_frames "$old_port")
	check "the guest's agent answers from vm3b" guest_run vm3b 30 true
	check "vm1 -> vm3 pings across the migration: 60 or more of 80" \
		retry 40 vm1_pinged /tmp/migping 60
	guest_run vm1 10 'tail -n 2 /tmp/migping' | sed 's/^/# /'
	check "vm1 pings vm3 after the migration: 3 of 3" retry 3 pings 1 3
	old_quiet() { [ -n "$rx_old" ] && [ "$(rx_frames "$old_port")" = "$rx_old" ]; }
	check "nothing reached the old port after the switch-over ($rx_old frames before)" old_quiet
	guest_kill vm3
	# QEMU's exit takes seconds under TCG when L1 is busy: a bounded wait.
	check "the source QEMU's port left when it quit" retry 30 ports_now 3
	check "vm3's MAC still goes to the new port" at_new

}
hotplug_and_migration

# The switch's own account.
kvsctl port show sw0 | sed 's/^/# /'
# (The counters must be there to be zero: a JSON without them fails.)
no_bad() {
	local j
	j=$(kvsctl -j port show sw0) && echo "$j" | grep -q '"tx-drop-bad-hdr"' &&
		! echo "$j" | grep -qE '"tx-drop-(bad-desc|bad-hdr|runt|oversize)": *[1-9]'
}
check "no port counted a malformed frame from a real guest" no_bad

guests_stop
check "ports leave the switch when QEMU exits" retry 10 ports_now 0
check "switch sw0 deleted" kvsctl switch del sw0
exit $((FAILS > 0))
