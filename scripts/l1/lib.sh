# SPDX-License-Identifier: GPL-2.0
# Helpers for L1 test scripts. Source it.
#
#   check DESC CMD...          run CMD, print a TAP "ok"/"not ok" line
#   retry N CMD...             run CMD up to N times, 1 s apart
#   refused DESC PATTERN CMD   CMD (a QEMU) must stop at start-up, saying
#                              PATTERN, as a TAP line
#   traffic BACKEND DESC ARGS  one kvs-traffic run, as a TAP line
#   guest_start NAME IP QEMU-ARGS...
#                              boot a nested guest; wait (bounded) until its
#                              agent answers; restart it up to 3 times
#   guest_run NAME SECS CMD    run CMD in the guest (bounded), print output
#   guests_stop                stop every guest started here
#   qmp_args, qmp, qmp_event   QEMU's QMP over a pipe (see below)
#   once_more_if_stalled CMD   run a test; again once if a guest stalled
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

# refused DESC PATTERN CMD...: CMD must exit non-zero at start-up, within
# 60 s, with PATTERN in its error output.
QEMU_NOGUEST="-accel tcg -display none -vga none -monitor none -serial none -L /usr/share/qemu -S"
refused() {
	local desc=$1 pat=$2 out rc=0
	shift 2
	out=$(timeout 60 "$@" 2>&1 </dev/null) || rc=$?
	echo "$out" | sed 's/^/# /'
	check "$desc" sh -c '[ "$1" -ne 0 ] && [ "$1" -ne 124 ] &&
		echo "$2" | grep -q -- "$3"' _ "$rc" "$out" "$pat"
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
	rm -f /tmp/"$name".log /tmp/"$name".agent /tmp/"$name".seq /tmp/"$name".lost
	rm -f /tmp/"$name".in /tmp/"$name".out /tmp/"$name".mon.*
	mkfifo /tmp/"$name".in /tmp/"$name".out /tmp/"$name".mon.in /tmp/"$name".mon.out
	# shellcheck disable=SC2046
	${L2_QEMU:-qemu-system-x86_64} $(l2_accel) -m 256 -smp 1 -L /usr/share/qemu \
		-kernel /kvs/bzImage -initrd /kvs/l2.cpio.gz \
		-append "console=ttyS0 panic=-1 loglevel=4 lapic=notscdeadline unknown_nmi_panic kvs.name=$name kvs.ip=$ip ${L2_APPEND:-}" \
		-display none -vga none -monitor pipe:/tmp/"$name".mon -no-reboot \
		-name "$name,debug-threads=on" \
		-serial file:/tmp/"$name".log -serial pipe:/tmp/"$name" \
		"$@" </dev/null >/tmp/"$name".err 2>&1 &
	echo $! >/tmp/"$name".pid
	cat /tmp/"$name".out >>/tmp/"$name".agent &
	cat /tmp/"$name".mon.out >/tmp/"$name".mon.log &
}

# guest_cpu NAME: where a lost guest's vCPU is (the monitor's "info
# registers"), then an NMI: its kernel (unknown_nmi_panic) panics with the
# interrupted code's backtrace on its console, which once_more_if_stalled
# prints. The guest is lost anyway; this says where it went round.
guest_cpu() {
	local mon=/tmp/$1.mon.in i rip
	[ -p "$mon" ] || return 0
	timeout 5 sh -c 'printf "info registers\n" >"$1"' _ "$mon" || return 0
	for i in $(seq 25); do
		grep -q '^RIP=' /tmp/"$1".mon.log 2>/dev/null && break
		sleep 0.2
	done
	echo "#   its vCPU:"
	grep -E '^(RAX|RSI|R8 |R12|RIP|CS |CR0|EFER)' /tmp/"$1".mon.log | tail -n 8 |
		sed 's/^/#     /'
	# Guests run this kernel: its System.map names the function. The
	# addresses have the same 16 digits, so text order is number order.
	rip=$(sed -n 's/^RIP=\([0-9a-f]*\) .*/\1/p' /tmp/"$1".mon.log | tail -n 1)
	[ -n "$rip" ] && [ -f /kvs/System.map ] &&
		echo "#     RIP is in $(awk -v a="$rip" '$1 > a { exit }
			$2 ~ /^[tTwW]$/ { s = $3 } END { print s }' /kvs/System.map)"
	timeout 5 sh -c 'printf "nmi\n" >"$1"' _ "$mon"
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

# guest_threads NAME: what the threads of a lost guest's QEMU do: state,
# CPU time over two seconds, and the kernel stack of its vCPU thread (a
# halted vCPU waits in kvm_vcpu_block; a running one is in the guest).
guest_threads() {
	local pid t
	pid=$(cat /tmp/"$1".pid 2>/dev/null) && [ -d /proc/"$pid" ] || return 0
	echo "# $1's QEMU threads: state and CPU ticks, then 2 s later:"
	cpu_ticks() { sed 's/.*) //' "$1"/stat 2>/dev/null | cut -d' ' -f1,12,13; }
	kvm_exits() {
		local f
		for f in /sys/kernel/debug/kvm/"$pid"-*/*exits \
			/sys/kernel/debug/kvm/"$pid"-*/*injections; do
			[ -f "$f" ] && echo "${f##*/} $(cat "$f")"
		done
	}
	for t in /proc/"$pid"/task/*; do
		echo "${t##*/} $(cpu_ticks "$t")"
	done >/tmp/kvs-threads.1
	kvm_exits >/tmp/kvs-exits.1
	sleep 2
	kvm_exits >/tmp/kvs-exits.2
	# What a spinning guest makes KVM do: exits by kind over the 2 s.
	echo "#   KVM in those 2 s: $(awk 'NR == FNR { a[$1] = $2; next }
		$2 != a[$1] { printf "%s +%d ", $1, $2 - a[$1] }' \
		/tmp/kvs-exits.1 /tmp/kvs-exits.2)"
	for t in /proc/"$pid"/task/*; do
		printf '#   %s (%s): %s / %s\n' "$(cat "$t"/comm 2>/dev/null)" \
			"${t##*/}" "$(sed -n "s/^${t##*/} //p" /tmp/kvs-threads.1)" \
			"$(cpu_ticks "$t")"
		case $(cat "$t"/comm 2>/dev/null) in
		*KVM*) sed 's/^/#     /' "$t"/stack 2>/dev/null ;;
		esac
	done
	guest_cpu "$1"
}

# agent_send NAME LINE: one request line to a guest's agent
agent_send() {
	timeout 5 sh -c 'printf "%s\n" "$1" >"$2"' _ "$2" /tmp/"$1".in
}

# guest_run NAME SECS CMD...: run CMD in the guest, print its output and
# return its status; 124 when the guest is lost. A request the serial
# line damaged (the agent answers KVS_AGENT_BAD, having run nothing) is
# sent again, up to 3 times.
guest_run() {
	local name=$1 secs=$2 id n0 i rc cmd line bad=0 sent=1
	shift 2
	cmd=$*
	id=$(($(cat /tmp/"$name".seq 2>/dev/null || echo 0) + 1))
	echo "$id" >/tmp/"$name".seq
	n0=$(wc -l </tmp/"$name".agent)
	line="$id ${#cmd} $cmd"
	# A guest lost once stays lost: no waiting out each later command.
	if [ -e /tmp/"$name".lost ]; then
		echo "# $name was lost earlier; not asked '$*'" >&2
		return 124
	fi
	if guest_alive "$name" && agent_send "$name" "$line"; then
		for i in $(seq $((secs * 5))); do
			rc=$(tail -n +$((n0 + 1)) /tmp/"$name".agent |
				sed -n "s/^KVS_AGENT_DONE $id \([0-9]*\).*/\1/p")
			if [ -n "$rc" ]; then
				tail -n +$((n0 + 1)) /tmp/"$name".agent | grep -v '^KVS_AGENT_'
				return "$rc"
			fi
			bad=$(tail -n +$((n0 + 1)) /tmp/"$name".agent | grep -c '^KVS_AGENT_BAD')
			if [ "$bad" -ge "$sent" ] && [ "$sent" -le 3 ]; then
				echo "# $name: request $id arrived damaged; sent again" >&2
				agent_send "$name" "$line" || break
				sent=$((sent + 1))
			fi
			guest_alive "$name" || break
			sleep 0.2
		done
	fi
	# Its QEMU gone, or no answer: either way the guest is lost to the
	# test (once_more_if_stalled may run it again); show why, on stderr:
	# a caller reading the command's output must not find the agent's
	# earlier answers in it.
	{
		if guest_alive "$name"; then
			echo "# $name: '$*' gave no answer in $secs s; agent, console and QEMU tails:"
		else
			echo "# $name: its QEMU has exited ('$*'); agent, console and QEMU tails:"
		fi
		tail -n 8 /tmp/"$name".agent /tmp/"$name".log /tmp/"$name".err 2>/dev/null | sed 's/^/#   /'
		guest_threads "$name"
	} >&2
	echo "$name" >>/tmp/kvs-stalled
	: >/tmp/"$name".lost
	return 124
}

# guest_tail NAME SECS N CMD...: guest_run CMD, with only the last N lines
# of its output (and its exit status) sent back. The agent's serial line
# may carry as little as 170 bytes a second in a nested guest under TCG
# (each byte is a port write that exits to L1's KVM and its emulated
# QEMU): a long answer (iperf3 -P 16, a growing ping log, all of
# /proc/interrupts) can outlast the limit, and the guest is taken for lost
# while it is still writing.
guest_tail() {
	local name=$1 secs=$2 n=$3
	shift 3
	guest_run "$name" "$secs" \
		"$* >/tmp/tail.\$\$ 2>&1; r=\$?; tail -n $n /tmp/tail.\$\$; rm -f /tmp/tail.\$\$; exit \$r"
}

# guest_report NAME: the first kernel report on a guest's console, which
# the tail shown when it is lost has often scrolled past (a WARN taints
# the kernel long before the oops that ends it).
guest_report() {
	local first
	first=$(grep -n -m 1 -E 'WARNING:|BUG:|Oops|PANIC|panic|RCU|soft lockup' \
		/tmp/"$1".log 2>/dev/null | cut -d: -f1)
	[ -n "$first" ] || return 0
	echo "# $1's console from its first kernel report (line $first):"
	sed -n "$first,$((first + 50))p" /tmp/"$1".log | sed 's/^/#   /'
}

# once_more_if_stalled CMD...: run a whole test script. Its output shows
# as it runs, with its TAP lines as comments ("# (as it runs) ok - ..."),
# and its results come at its end. When it failed and a nested guest was
# lost in it (its agent stopped answering, or its QEMU exited, during a
# guest_run; the console and QEMU tails are printed), those results stay
# comments and the script runs once more; its second result counts. Under
# TCG, nested guests now and then stall whole on either backend, with no
# kernel report (Documentation/testbed.rst). A failure without a lost
# guest, or a second one, counts at once.
once_more_if_stalled() {
	local log=/tmp/first-run.log rc g
	rm -f /tmp/kvs-stalled /tmp/first-run.rc
	{ "$@"; echo $? >/tmp/first-run.rc; } 2>&1 | tee "$log" |
		sed -e 's/^ok /# (as it runs) ok /' -e 's/^not ok /# (as it runs) not ok /'
	rc=$(cat /tmp/first-run.rc 2>/dev/null || echo 1)
	if [ "$rc" -eq 0 ] || [ ! -s /tmp/kvs-stalled ]; then
		grep -E '^(not )?ok ' "$log"
		return "$rc"
	fi
	echo "# nested guest $(sort -u /tmp/kvs-stalled | tr '\n' ' ')stalled in the run above: running the test once more"
	# A stalled guest's kernel may have said why after the test gave up on
	# it (an RCU stall report takes 21 s): its console, before the next
	# run's guests overwrite it.
	for g in $(sort -u /tmp/kvs-stalled); do
		guest_report "$g"
		echo "# $g's console at the end of that run:"
		tail -n 40 /tmp/"$g".log 2>/dev/null | sed 's/^/#   /'
	done
	rm -f /tmp/kvs-stalled
	"$@"
	rc=$?
	for g in $(sort -u /tmp/kvs-stalled 2>/dev/null); do
		guest_report "$g"
	done
	return "$rc"
}

guests_stop() {
	local g
	for g in $GUESTS; do guest_kill "$g"; done
	GUESTS=""
}

# QMP, QEMU's control protocol, over a pipe (no socket tools in L1):
#   qmp_args NAME      the QEMU arguments that open it (/tmp/NAME.qmp.*)
#   qmp NAME JSON      send one command once the greeting came, print the
#                      answer line; fails on an error answer or none in 30 s
#   qmp_event NAME EV  wait (30 s) for event EV, e.g. DEVICE_DELETED
qmp_args() {
	rm -f /tmp/"$1".qmp.in /tmp/"$1".qmp.out /tmp/"$1".qmp.log
	mkfifo /tmp/"$1".qmp.in /tmp/"$1".qmp.out
	: >/tmp/"$1".qmp.log
	echo "-chardev pipe,id=qmp,path=/tmp/$1.qmp -mon chardev=qmp,mode=control"
}
qmp_lines() { grep -c "$2" /tmp/"$1".qmp.log; }
qmp() {
	local name=$1 n0 i line
	if [ ! -s /tmp/"$name".qmp.log ]; then # first use: start reading
		cat /tmp/"$name".qmp.out >>/tmp/"$name".qmp.log &
		retry 30 grep -q '"QMP"' /tmp/"$name".qmp.log || return 1
		timeout 5 sh -c 'echo "{\"execute\": \"qmp_capabilities\"}" >"$1"' _ \
			/tmp/"$name".qmp.in || return 1
		retry 30 grep -q '"return"' /tmp/"$name".qmp.log || return 1
	fi
	n0=$(grep -cE '"return"|"error"' /tmp/"$name".qmp.log)
	timeout 5 sh -c 'printf "%s\n" "$2" >"$1"' _ /tmp/"$name".qmp.in "$2" || return 1
	for i in $(seq 150); do
		line=$(grep -E '"return"|"error"' /tmp/"$name".qmp.log | tail -n +$((n0 + 1)) | head -n 1)
		if [ -n "$line" ]; then
			echo "$line"
			case $line in *'"error"'*) return 1 ;; esac
			return 0
		fi
		sleep 0.2
	done
	return 1
}
qmp_event() { retry 30 grep -q "\"event\": \"$2\"" /tmp/"$1".qmp.log; }

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

# guest_iperf DESC SERVER ARGS...: check DESC, iperf3 from vm2 to SERVER
# (an iperf3 -s in a guest) gives the receiver's Mbit/s
guest_iperf() {
	local desc=$1 server=$2 out rc=0
	shift 2
	# Its status first: a guest_run that failed prints the agent's tail,
	# which may hold an earlier run's "receiver" line.
	out=$(guest_tail vm2 90 4 iperf3 -c "$server" -f m "$@") || rc=$?
	echo "$out" | tail -n 4 | sed 's/^/# /'
	check "$desc" sh -c '[ "$2" -eq 0 ] && echo "$1" | grep receiver | grep -qE "[0-9.]+ Mbits/sec"' _ "$out" "$rc"
}

# iperf3 output -> the receiver's Mbit/s ("" when there is none)
iperf_mbps() {
	sed -n 's/.* \([0-9.]*\) Mbits\/sec.*receiver.*/\1/p' | tail -n 1
}

# --- Two guests measured against each other (demo, bench): vm1 10.10.0.1
# and vm2 10.10.0.2; vm2 is the client. Each figure function prints one
# number, or nothing when the run gave none.
#
#   pair_up kvs|net     boot the pair on switch sw0 (created by the
#                       caller) or on tap1/tap2 of br0 (made here, with
#                       Debian's own QEMU: the stack users run today)
#   pair_down           stop the guests (and the bridge)
#   pair_tcp_mbps SECS  iperf3 TCP vm2 -> vm1, receiver's Mbit/s
#   pair_udp64_fps SECS iperf3 UDP 64 B vm2 -> vm1, datagrams received/s
#   pair_ping_ms N      average RTT of N pings vm2 -> vm1
#   pair_rr SECS        kvs-rr 1-byte TCP request/response: "tps mean_us"
#
# A nested guest now and then stalls whole under TCG (its agent goes
# silent too; seen on both backends): a run that gives no figure is
# repeated once, and the output says so.
# vhost_ticks: clock ticks (1/100 s) of CPU used so far by every vhost
# worker thread, either backend's ("vhost-PID", a thread of its QEMU).
vhost_ticks() {
	local t n sum=0
	for t in /proc/[0-9]*/task/[0-9]*; do
		case $(cat "$t"/comm 2>/dev/null) in
		vhost-*)
			n=$(sed 's/.*) //' "$t"/stat 2>/dev/null | cut -d' ' -f12,13 | tr ' ' +)
			[ -n "$n" ] && sum=$((sum + n))
			;;
		esac
	done
	echo "$sum"
}
pair_up() {
	local backend=$1 i
	if [ "$backend" = net ]; then
		bridge_up 1 2 || return 1
		L2_QEMU=qemu-system-x86_64
	else
		L2_QEMU=qemu-kvs
	fi
	for i in 1 2; do
		# shellcheck disable=SC2046
		guest_start vm$i 10.10.0.$i/24 $(nic_"$backend" $i sw0) || return 1
	done
	retry 10 pair_pings 1 && guest_run vm1 20 iperf3 -s -D >/dev/null &&
		guest_run vm1 20 kvs-rr -s -D >/dev/null
}
pair_down() {
	guests_stop
	bridge_down
}
pair_pings() { # N: N of N answered
	guest_run vm2 30 ping -c "$1" -W 2 10.10.0.1 | grep -q " $1 packets received"
}
# pair_once SECS FILTER CMD...: run CMD in vm2, print what FILTER finds;
# once more when it found nothing.
pair_once() {
	local secs=$1 filter=$2 out v try
	shift 2
	for try in 1 2; do
		out=$(guest_tail vm2 $((secs + 60)) 6 "$@")
		v=$(echo "$out" | $filter)
		[ -n "$v" ] && { echo "$v"; return 0; }
		echo "# (no figure from '$*', try $try): $(echo "$out" | tail -n 2 | tr '\n' ' ')" >&2
	done
	return 1
}
udp_fps() { # iperf3 UDP output -> datagrams received per second
	awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) {
		split($i, lt, "/"); split($3, iv, "-"); print (lt[2] - lt[1]) / iv[2] } }' | tail -n 1
}
ping_avg() { sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p'; }
rr_fields() { sed -n 's/^rr .* tps=\([0-9.]*\) mean_us=\([0-9.]*\) .*/\1 \2/p'; }
pair_tcp_mbps() { pair_once "$1" iperf_mbps iperf3 -c 10.10.0.1 -t "$1" -f m; }
pair_udp64_fps() {
	pair_once "$1" udp_fps iperf3 -c 10.10.0.1 -u -b 20M -l 64 -t "$1"
}
pair_ping_ms() { pair_once "$1" ping_avg ping -c "$1" -i 0.2 10.10.0.1; }
pair_rr() { pair_once "$1" rr_fields kvs-rr -c 10.10.0.1 -t "$1"; }
