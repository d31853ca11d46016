# SPDX-License-Identifier: GPL-2.0
# Helpers for L1 test scripts. Source it.
#
#   check DESC CMD...          run CMD, print a TAP "ok"/"not ok" line
#   retry N CMD...             run CMD up to N times, 1 s apart
#   traffic BACKEND DESC ARGS  one kvs-traffic run, as a TAP line
#   guest_start NAME IP QEMU-ARGS...
#                              boot a nested guest; wait (bounded) until its
#                              agent answers; restart it up to 3 times
#   guest_run NAME SECS CMD    run CMD in the guest (bounded), print output
#   guests_stop                stop every guest started here
#
# Guests are the project's kernel again with scripts/l2/init, run by
# $L2_QEMU (default Debian's qemu-system-x86_64; qemu-kvs is the one
# built with the patches in qemu/, which has -netdev vhost-kvs): console on
# /tmp/NAME.log, agent on a pipe (/tmp/NAME.in, /tmp/NAME.out). They boot
# with lapic=notscdeadline: nested under TCG's emulated SVM, the
# TSC-deadline timer now and then stops firing and the guest hangs.

FAILS=0
GUESTS=""
GUEST_BOOT_SECS=${GUEST_BOOT_SECS:-120}
GUEST_TRIES=${GUEST_TRIES:-3}

check() {
	local desc=$1
	shift
	if "$@"; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		FAILS=$((FAILS + 1))
	fi
}

# traffic BACKEND DESC ARGS...: one kvs-traffic run as one TAP line; its
# output is shown as comments and kept in $LAST.
traffic() {
	local backend=$1 desc=$2 rc
	shift 2
	LAST=$(kvs-traffic -b "$backend" "$@" 2>&1)
	rc=$?
	echo "$LAST" | sed 's/^/# /'
	if [ $rc -eq 0 ]; then
		echo "ok - $desc"
	else
		echo "not ok - $desc"
		FAILS=$((FAILS + 1))
	fi
}

retry() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		[ "$i" -lt "$n" ] && sleep 1
	done
	return 1
}

# KVM when the (emulated) CPU has it and /dev/kvm works, else TCG.
l2_accel() {
	if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -c /dev/kvm ]; then
		echo "-enable-kvm -cpu host"
	else
		echo "-accel tcg -cpu max"
	fi
}

guest_launch() {
	local name=$1 ip=$2
	shift 2
	rm -f /tmp/"$name".log /tmp/"$name".agent /tmp/"$name".seq
	rm -f /tmp/"$name".in /tmp/"$name".out
	mkfifo /tmp/"$name".in /tmp/"$name".out
	# shellcheck disable=SC2046
	${L2_QEMU:-qemu-system-x86_64} $(l2_accel) -m 256 -smp 1 -L /usr/share/qemu \
		-kernel /kvs/bzImage -initrd /kvs/l2.cpio.gz \
		-append "console=ttyS0 panic=-1 loglevel=4 lapic=notscdeadline kvs.name=$name kvs.ip=$ip" \
		-display none -vga none -monitor none -no-reboot \
		-serial file:/tmp/"$name".log -serial pipe:/tmp/"$name" \
		"$@" </dev/null >/tmp/"$name".err 2>&1 &
	echo $! >/tmp/"$name".pid
	cat /tmp/"$name".out >>/tmp/"$name".agent &
}

guest_alive() {
	kill -0 "$(cat /tmp/"$1".pid)" 2>/dev/null
}

guest_booted() {
	grep -q "^KVS_L2_READY $1 " /tmp/"$1".log 2>/dev/null
}

guest_wait_ready() {
	local name=$1 i
	for i in $(seq "$GUEST_BOOT_SECS"); do
		guest_booted "$name" && guest_run "$name" 30 true >/dev/null &&
			return 0
		guest_alive "$name" || return 1
		sleep 1
	done
	return 1
}

guest_kill() {
	local pid
	pid=$(cat /tmp/"$1".pid 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
	kill -9 "$pid" 2>/dev/null
}

guest_start() {
	local name=$1 try t0
	GUESTS="$GUESTS $name"
	for try in $(seq "$GUEST_TRIES"); do
		t0=$(cut -d. -f1 /proc/uptime)
		guest_launch "$@"
		if guest_wait_ready "$name"; then
			echo "# $name ready in $(($(cut -d. -f1 /proc/uptime) - t0)) s (try $try)"
			return 0
		fi
		echo "# $name not ready (try $try); console tail:"
		tail -n 15 /tmp/"$name".log /tmp/"$name".err 2>/dev/null | sed 's/^/#   /'
		guest_kill "$name"
	done
	echo "# $name console:"
	sed 's/^/#   /' /tmp/"$name".log /tmp/"$name".err 2>/dev/null
	return 1
}

guest_run() {
	local name=$1 secs=$2 id n0 i rc
	shift 2
	id=$(($(cat /tmp/"$name".seq 2>/dev/null || echo 0) + 1))
	echo "$id" >/tmp/"$name".seq
	n0=$(wc -l </tmp/"$name".agent)
	guest_alive "$name" || return 125
	timeout 5 sh -c 'printf "%s\n" "$1" >"$2"' _ "$id $*" /tmp/"$name".in ||
		return 125
	for i in $(seq $((secs * 5))); do
		rc=$(sed -n "s/^KVS_AGENT_DONE $id \([0-9]*\).*/\1/p" /tmp/"$name".agent)
		if [ -n "$rc" ]; then
			tail -n +$((n0 + 1)) /tmp/"$name".agent | grep -v '^KVS_AGENT_DONE'
			return "$rc"
		fi
		sleep 0.2
	done
	echo "# $name: '$*' gave no answer in $secs s; agent and console tails:"
	tail -n 5 /tmp/"$name".agent /tmp/"$name".log 2>/dev/null | sed 's/^/#   /'
	return 124
}

guests_stop() {
	local g
	for g in $GUESTS; do guest_kill "$g"; done
	GUESTS=""
}

# NICs of nested guest N (MAC 52:54:00:00:01:0N), for qemu-kvs:
#   nic_kvs N SWITCH   a port of vhost-kvs switch SWITCH (-netdev vhost-kvs)
#   nic_net N          vhost-net on tapN, which bridge_up put on br0
nic_kvs() {
	echo "-netdev vhost-kvs,id=n0,switch=$2" \
		"-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:00:01:0$1"
}
nic_net() {
	echo "-netdev tap,id=n0,ifname=tap$1,script=no,downscript=no,vhost=on" \
		"-device virtio-net-pci,netdev=n0,romfile=,mac=52:54:00:00:01:0$1"
}
bridge_up() { # N...: br0 with tapN (multi-queue-less, vnet_hdr) on it
	local i
	/usr/sbin/ip link add br0 type bridge && /usr/sbin/ip link set br0 up || return 1
	for i; do
		/usr/sbin/ip tuntap add "tap$i" mode tap vnet_hdr &&
			/usr/sbin/ip link set "tap$i" master br0 &&
			/usr/sbin/ip link set "tap$i" up || return 1
	done
}
bridge_down() {
	local t
	for t in /sys/class/net/tap*; do
		[ -e "$t" ] && /usr/sbin/ip link del "${t##*/}"
	done
	/usr/sbin/ip link del br0 2>/dev/null
	return 0
}

# iperf3 output -> the receiver's Mbit/s ("" when there is none)
iperf_mbps() {
	sed -n 's/.* \([0-9.]*\) Mbits\/sec.*receiver.*/\1/p' | tail -n 1
}
