# SPDX-License-Identifier: GPL-2.0
# Benchmark, not a test: the same kvs-traffic load on vhost-net + tap +
# bridge and on vhost-kvs, side by side in this one boot, REPS runs of each,
# medians; then two real guests on each (iperf3, ping, kvs-rr), and one
# guest sending to L1's own stack (host port, or the bridge's address).
# Prints one "bench" line per case and one "ratio" line per metric
# (vhost-kvs / vhost-net); scripts/bench.sh turns them into
# Documentation/benchmarks.rst.
. /kvs/lib.sh

REPS=${KVS_BENCH_REPS:-5}
# Which parts run (comma-separated): frames (kvs-traffic), sweep (cost
# against frame size, and one plain copy's), memory (kernel memory per
# port, kvs-traffic), guests (two real guests), host (a guest and L1's
# stack), uplink (a guest and another namespace), http (an http server
# with its CPU contended, on four stacks, Leulo's among them:
# http-bench.sh). KVS_BENCH_PERF=1: a cpu-clock profile of the first
# round of each host and uplink case, per backend (perf in the initramfs).
PARTS=,${KVS_BENCH_PARTS:-frames,sweep,memory,guests,host,uplink,http},
part() { case $PARTS in *,"$1",*) return 0 ;; esac; return 1; }

# median of the numbers on stdin
median() {
	grep . | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# one BACKEND ARGS...: one run; "fps workers_ns lost expected tx_ns rx_ns
# tool_ns softirq_ns tx_frames_per_run rx_frames_per_run" (ns per frame)
one() {
	local backend=$1 out
	shift
	# Frames lost (a full queue, either backend) do not void a run: f/s
	# counts frames received. Errors still show.
	out=$(kvs-traffic -b "$backend" -q "$@" 2>&1) ||
		echo "$out" | grep -v '^port=' | sed 's/^/# not clean: /' >&2
	local main split
	main=$(echo "$out" | sed -n 's/^backend=.* expected=\([0-9]*\) .* lost=\([0-9]*\) .* fps=\([0-9.]*\) .* cpu_ns_per_frame=\([0-9.]*\).*/\3 \4 \2 \1/p')
	split=$(echo "$out" | sed -n 's/^cpu tx_ns=\([0-9.a-z]*\) rx_ns=\([0-9.a-z]*\) workers_ns=[0-9.]* tool_ns=\([0-9.]*\) softirq_ns=\([0-9.]*\) tx_frames_per_run=\([0-9.a-z]*\) rx_frames_per_run=\([0-9.a-z]*\)/\1 \2 \3 \4 \5 \6/p')
	# Both halves or nothing: a missing half would shift the columns.
	[ -n "$main" ] && [ -n "$split" ] && echo "$main $split"
}

# Open vSwitch, the third peer, when the initramfs has it (make bench
# unpacks Debian's: scripts/deb-fetch.sh ovs): vhost-net + taps on the OVS
# bridge kvs-ovs0, kernel datapath, NORMAL (learning switch) mode.
ovs_up() {
	command -v ovs-vswitchd >/dev/null || return 1
	# OVS 3.1 counts CPUs for its upcall handlers only from 10 s after
	# boot (fixed upstream in 3.2 by b354cee2e, "ovs-thread: Fix cpus
	# not read for the first 10s"): started sooner, it has no handler,
	# and every first frame of a flow is lost.
	retry 20 uptime_over 11
	mkdir -p /etc/openvswitch /var/run/openvswitch /var/log/openvswitch
	ovsdb-tool create /etc/openvswitch/conf.db \
		/usr/share/openvswitch/vswitch.ovsschema &&
		ovsdb-server --remote=punix:/var/run/openvswitch/db.sock \
			--pidfile --detach --log-file=/tmp/ovsdb-server.log \
			-vconsole:off /etc/openvswitch/conf.db &&
		ovs-vsctl --no-wait init &&
		ovs-vswitchd --pidfile --detach --log-file=/tmp/ovs-vswitchd.log \
			-vconsole:off &&
		ovs-vsctl --timeout=30 add-br kvs-ovs0 &&
		/usr/sbin/ip link set kvs-ovs0 up
}
uptime_over() { [ "$(cut -d. -f1 /proc/uptime)" -ge "$1" ]; }
OVS=0
if ovs_up; then
	OVS=1
	echo "# Open vSwitch $(ovs-vswitchd --version | sed -n '1s/.* //p'), kernel datapath: the third peer"
else
	echo "# no Open vSwitch in this boot: its rows are left out"
	cat /tmp/ovs-vswitchd.log /tmp/ovsdb-server.log 2>/dev/null | tail -5 | sed 's/^/# ovs: /'
fi

# both N ARGS...: N rounds of net, kvs (and ovs), interleaved so that a
# slow phase of the test host hits all alike; their lines of one() in
# NET, KVS (and OVSR)
both() {
	local n=$1 i
	shift
	NET='' KVS='' OVSR=''
	for i in $(seq "$n"); do
		NET="$NET
$(one net "$@")"
		KVS="$KVS
$(one kvs "$@")"
		[ "$OVS" = 1 ] && [ -z "${NO_OVS:-}" ] || continue
		OVSR="$OVSR
$(one ovs "$@")"
	done
}

# case NAME ARGS...: REPS rounds of each; prints the bench line, keeps
# medians
case_run() {
	local name=$1
	shift
	both "$REPS" "$@"
	medians NET "$NET"
	medians KVS "$KVS"
	echo "bench $name net_fps=$NET_FPS kvs_fps=$KVS_FPS net_cpu_ns=$NET_CPU kvs_cpu_ns=$KVS_CPU net_loss_pct=$NET_LOSS kvs_loss_pct=$KVS_LOSS net_all_ns=$NET_ALL kvs_all_ns=$KVS_ALL args=$*"
	split_line "$name" net "$NET"
	split_line "$name" kvs "$KVS"
	ratio "frames_$name" "$KVS_FPS" "$NET_FPS"
	ratio "cpu_$name" "$KVS_CPU" "$NET_CPU"
	ratio "cpu_softirq_$name" "$KVS_ALL" "$NET_ALL"
	[ -z "$OVSR" ] && return 0
	# Open vSwitch, against vhost-kvs
	medians OVS "$OVSR"
	echo "peer $name ovs_fps=$OVS_FPS ovs_cpu_ns=$OVS_CPU ovs_all_ns=$OVS_ALL ovs_loss_pct=$OVS_LOSS kvs_cpu_ns=$KVS_CPU kvs_all_ns=$KVS_ALL"
	split_line "$name" ovs "$OVSR"
	ratio "cpu_${name}_vs_ovs" "$KVS_CPU" "$OVS_CPU"
}

# medians VAR RUNS: VAR_FPS, VAR_CPU, VAR_LOSS (% of frames lost) and
# VAR_ALL (workers and softirq together: what forwarding cost, wherever
# it ran) of one backend's runs (lines of one())
medians() {
	eval "$1_FPS=$(echo "$2" | awk '{ print $1 }' | median)"
	eval "$1_CPU=$(echo "$2" | awk '{ print $2 }' | median)"
	eval "$1_LOSS=$(echo "$2" | awk '$4 > 0 { print 100 * $3 / $4 }' | median)"
	eval "$1_ALL=$(echo "$2" | awk 'NF >= 8 { print $2 + $8 }' | median)"
}

# split_line CASE BACKEND RUNS: medians of where the CPU went, per frame
split_line() {
	local c out=''
	for c in 5 6 8 7 9 10; do
		out="$out $(echo "$3" | awk -v c=$c 'NF >= 10 && $c != "nan" { print $c }' | median)"
	done
	set -- "$1" "$2" $out
	echo "split $1 $2 tx_ns=$3 rx_ns=$4 softirq_ns=$5 tool_ns=$6 tx_frames_per_run=$7 rx_frames_per_run=$8"
}

# metric NAME FILE COLUMN UNIT BETTER RATIO: medians of COLUMN (without
# "nan") in FILE.net and FILE.kvs, one line per round; a "guest" line and
# ratio line RATIO
metric() {
	local net kvs
	net=$(awk -v c="$3" '$c != "nan" { print $c }' "$2".net | median)
	kvs=$(awk -v c="$3" '$c != "nan" { print $c }' "$2".kvs | median)
	echo "guest $1 net=$net kvs=$kvs unit=$4 better=$5"
	ratio "$6" "$kvs" "$net"
}

ratio() { # METRIC KVS NET
	awk -v m="$1" -v k="$2" -v n="$3" 'BEGIN {
		if (n + 0 > 0 && k != "nan") printf "ratio %s %.2f\n", m, k / n;
		else printf "ratio %s nan\n", m }' >>/tmp/ratios
}

kvsctl switch add kvst0 || exit 1
: >/tmp/ratios
echo "# $(nproc) CPUs, $REPS runs per case, median; kernel $(uname -r)"
# profile_show NAME FILE: the symbols that took 0.4 % of the samples or more
profile_show() {
	[ -s "$2" ] || return 0
	echo "# profile $1 (cpu-clock, all of L1), by thread, then by symbol:"
	perf report -q -i "$2" --stdio --sort comm --percent-limit 1 2>/dev/null |
		grep . | head -15 | sed 's/^/#   /'
	perf report -q -i "$2" --stdio --sort comm,sym --percent-limit 0.4 2>/dev/null |
		grep . | grep -v 'swapper .*safe_halt' | head -40 | sed 's/^/#   /'
	rm -f "$2"
}
# frames_profile NAME ARGS...: one kvs-traffic run per backend under a
# cpu-clock profile of all of L1
frames_profile() {
	local name=$1 b
	shift
	for b in net kvs $([ "$OVS" = 1 ] && [ -z "${NO_OVS:-}" ] && echo ovs); do
		perf record -q -a -e cpu-clock -o /tmp/perf.data -- \
			kvs-traffic -b "$b" -q "$@" >/dev/null 2>&1
		profile_show "$b frames $name" /tmp/perf.data
	done
}
if part frames; then
	# About 2 s a run for vhost-kvs (more for vhost-net).
	case_run 64 -p 2 -s 64 -n 1000000 -t 60
	# At capacity: the sender's whole TX ring kept full.
	case_run 64sat -p 2 -s 64 -n 1000000 -w 256 -t 60
	case_run 64busy -p 2 -s 64 -n 400000 -B 50 -t 60
	case_run 1500 -p 2 -s 1500 -n 300000 -t 60
	# Not on Open vSwitch: the first frame of a flow goes up to
	# ovs-vswitchd in a netlink message, which cannot carry 64 KiB, so
	# a flow of only such frames is never set up (all are lost).
	NO_OVS=1
	case_run 64k -p 2 -s 65535 -n 12000 -t 60
	# vhost-kvs copying both ways, as before one copy for large frames
	# (zc_min 0): that change's before and after, in one boot.
	zc_min=$(cat /sys/module/vhost_kvs/parameters/zc_min)
	echo 0 >/sys/module/vhost_kvs/parameters/zc_min
	case_run 64k2copies -p 2 -s 65535 -n 12000 -t 60
	echo "$zc_min" >/sys/module/vhost_kvs/parameters/zc_min
	NO_OVS=
	case_run gso64k -g tcp4 -O -p 2 -s 65535 -n 12000 -t 60
	case_run mesh64 -p 4 -s 64 -n 100000 -m mesh -t 60
	case_run mesh1500 -p 4 -s 1500 -n 40000 -m mesh -t 60
	# The profiles run on their own: perf's CPU is in no figure above.
	if [ "${KVS_BENCH_PERF:-0}" = 1 ]; then
		frames_profile 64 -p 2 -s 64 -n 1000000 -t 60
		frames_profile mesh64 -p 4 -s 64 -n 100000 -m mesh -t 60
		NO_OVS=1
		frames_profile 64k -p 2 -s 65535 -n 12000 -t 60
		NO_OVS=
	fi
fi

# --- Cost per frame against frame size, two ports one way, 3 runs of
# each backend per size (interleaved), medians; and what one plain copy of
# the frame costs in this boot (kvs-copy), the physical limit.
sweep_size() { # SIZE FRAMES
	local i copy
	both 3 -p 2 -s "$1" -n "$2" -t 60
	copy=$(for i in 1 2 3; do kvs-copy "$1" 256; done |
		sed -n 's/.*ns_per_byte=\([0-9.]*\).*/\1/p' | median)
	echo "sweep $1 net_ns=$(echo "$NET" | awk '{ print $2 }' | median)" \
		"kvs_ns=$(echo "$KVS" | awk '{ print $2 }' | median)" \
		"ovs_ns=$(echo "$OVSR" | awk '{ print $2 }' | median)" \
		"copy_ns=$(awk -v c="$copy" -v s="$1" 'BEGIN { printf "%.0f", c * s }')" \
		"copy_ns_per_byte=$copy"
}
if part sweep; then
	sweep_size 64 400000
	sweep_size 256 400000
	sweep_size 1024 200000
	sweep_size 1500 200000
	sweep_size 4096 80000
	sweep_size 16384 30000
	NO_OVS=1
	sweep_size 65535 8000
	NO_OVS=
fi

# --- Kernel memory per port: 16 ports of each backend (vhost-kvs ports,
# or vhost-net devices with taps on a bridge), idle (set up, no frame
# yet) and busy (after a mesh of 1500 B frames, buffers cached): the
# growth of unreclaimable slab, vmalloc, kernel stacks, page tables and
# per-CPU memory, per port; medians.
kmem_kib() {
	awk '/^(SUnreclaim|VmallocUsed|KernelStack|PageTables|Percpu):/ { k += $2 }
	     END { print k }' /proc/meminfo
}
mem_round() { # BACKEND: appends "idle_kib busy_kib" (per port) to /tmp/mem.BACKEND
	local m0 m1='' m2='' pid n=16
	m0=$(kmem_kib)
	rm -f /tmp/mem.out
	kvs-traffic -b "$1" -q -I -H -p $n -s 1500 -n 2000 -m mesh -t 60 \
		>/tmp/mem.out 2>&1 &
	pid=$!
	if retry 60 grep -q '^idle' /tmp/mem.out; then
		m1=$(kmem_kib)
		kill -USR1 "$pid"
		retry 120 grep -q '^holding' /tmp/mem.out && m2=$(kmem_kib)
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if [ -n "$m2" ]; then
		echo "$(((m1 - m0) / n)) $(((m2 - m0) / n))" >>/tmp/mem."$1"
	else
		sed 's/^/# memory run: /' /tmp/mem.out
	fi
	# What the ports held is freed after grace periods: gone before
	# the next round's first reading.
	retry 20 mem_settled "$m0"
}
mem_settled() { [ "$(kmem_kib)" -le $(($1 + 512)) ]; }
if part memory; then
	rm -f /tmp/mem.net /tmp/mem.kvs
	# A first round of each, not counted: the kernel's caches warm.
	mem_round net
	mem_round kvs
	rm -f /tmp/mem.net /tmp/mem.kvs
	for r in $(seq "$REPS"); do
		mem_round net
		mem_round kvs
	done
	echo "# memory rounds (KiB per port, idle busy): net $(tr '\n' ' ' </tmp/mem.net)kvs $(tr '\n' ' ' </tmp/mem.kvs)"
	metric port_kib_idle /tmp/mem 1 KiB lower port_kib_idle
	metric port_kib_busy /tmp/mem 2 KiB lower port_kib_busy
fi

# --- Real guests: two nested Linux guests with virtio-net, vm2 -> vm1,
# on vhost-kvs (qemu-kvs -netdev vhost-kvs, switch sw0) and on vhost-net +
# tap + bridge (Debian's QEMU), rounds alternating between the two so a
# slow phase of the test host hits both alike. One "guest" line per
# metric (medians) and one ratio line each.
GREPS=${KVS_BENCH_GUEST_REPS:-3}
trap pair_down EXIT
kvsctl switch add sw0 || exit 1
guest_round() { # BACKEND: appends "tcp udp64 ping rr_tps rr_us wus" to /tmp/g.BACKEND
	local tcp='' udp='' ping='' rr='' w0 wus=''
	if pair_up "$1"; then
		# The backend's own cost, which the guests' speed hides: its
		# workers' CPU per MB of the TCP run (us/MB).
		w0=$(vhost_ticks)
		tcp=$(pair_tcp_mbps 5)
		[ -n "$tcp" ] && wus=$(awk -v t=$(($(vhost_ticks) - w0)) -v m="$tcp" \
			'BEGIN { if (m > 0) printf "%.0f", t * 10000 / (m * 5 / 8) }')
		udp=$(pair_udp64_fps 3)
		ping=$(pair_ping_ms 20)
		rr=$(pair_rr 5)
	else
		echo "# $1: the guests did not come up"
	fi
	pair_down
	echo "# round $1: TCP ${tcp:-?} Mbit/s (workers ${wus:-?} us/MB), UDP 64 B ${udp:-?} f/s, ping ${ping:-?} ms, TCP RR ${rr:-?} (tps mean_us)"
	echo "${tcp:-nan} ${udp:-nan} ${ping:-nan} ${rr:-nan nan} ${wus:-nan}" >>/tmp/g."$1"
}
guest_metric() { # NAME COLUMN UNIT BETTER
	metric "$1" /tmp/g "$2" "$3" "$4" "guest_$1"
}
rm -f /tmp/g.net /tmp/g.kvs
if part guests; then
	for r in $(seq "$GREPS"); do
		guest_round kvs
		guest_round net
	done
	guest_metric tcp_mbps 1 Mbit/s higher
	guest_metric udp64_fps 2 frames/s higher
	guest_metric ping_ms 3 ms lower
	guest_metric tcp_rr_tps 4 transactions/s higher
	guest_metric tcp_rr_us 5 us lower
	guest_metric tcp_worker_us_per_mb 6 us/MB lower
fi

# --- A guest and something outside the switch: vm1 (10.10.0.1) sends to
# an iperf3 server at 10.10.0.254, (host) in L1's own stack, on a host
# port of sw0 (kvsh0) for vhost-kvs and on br0, with tap1 for vm1, for
# vhost-net + tap + bridge; (uplink) in namespace "far" behind a veth
# pair whose end is an uplink of sw0, or a port of br0. The cost is all
# of L1's CPU during the run but the guest QEMU's own threads (its vhost
# workers stay in): workers, softirq wherever it runs, the receiving
# stack and iperf3 itself, per MB (TCP) or per frame (UDP 64 B).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
qemu_ticks() { # CPU of vm1's QEMU threads but its vhost workers
	local t n sum=0 pid
	pid=$(cat /tmp/vm1.pid 2>/dev/null) || { echo 0; return; }
	for t in /proc/"$pid"/task/[0-9]*; do
		case $(cat "$t"/comm 2>/dev/null) in vhost-*) continue ;; esac
		n=$(sed 's/.*) //' "$t"/stat 2>/dev/null | cut -d' ' -f12,13 | tr ' ' +)
		[ -n "$n" ] && sum=$((sum + n))
	done
	echo "$sum"
}
host_ticks() { echo $(($(busy_ticks) - $(qemu_ticks))); }
# The far end, 10.10.0.254: L1's stack on kvsh0 or br0 (KIND host), or
# namespace "far" behind a veth pair whose end kvsu0 is an uplink of sw0
# or a port of br0 (KIND uplink).
far_up() { # BACKEND KIND
	local dev=kvsh0 ns=''
	if [ "$2" = uplink ]; then
		/usr/sbin/ip netns add far &&
			/usr/sbin/ip link add kvsu0 type veth peer name kvsu1 netns far &&
			/usr/sbin/ip link set kvsu0 up || return 1
		dev=kvsu1 ns="/usr/sbin/ip netns exec far"
	fi
	if [ "$1" = net ]; then
		bridge_up 1 || return 1
		if [ "$2" = uplink ]; then
			/usr/sbin/ip link set kvsu0 master br0 || return 1
		else
			dev=br0
		fi
	elif [ "$2" = uplink ]; then
		kvsctl port add sw0 uplink kvsu0 >/tmp/hp.out || return 1
	else
		kvsctl port add sw0 host kvsh0 >/tmp/hp.out || return 1
	fi
	$ns /usr/sbin/ip addr add 10.10.0.254/24 dev "$dev" &&
		$ns /usr/sbin/ip link set "$dev" up &&
		$ns iperf3 -s -D -B 10.10.0.254
}
host_up() { # BACKEND KIND
	far_up "$1" "$2" || return 1
	L2_QEMU=qemu-kvs
	[ "$1" = net ] && L2_QEMU=qemu-system-x86_64
	# shellcheck disable=SC2046
	guest_start vm1 10.10.0.1/24 $(nic_"$1" 1 sw0) &&
		retry 10 guest_run vm1 20 ping -c 1 -W 2 10.10.0.254
}
host_down() {
	guests_stop
	killall iperf3 2>/dev/null
	bridge_down
	kvsctl port del sw0/"$(sed -n 's|^port sw0/\([0-9]*\) .*|\1|p' /tmp/hp.out 2>/dev/null)" 2>/dev/null
	/usr/sbin/ip link del kvsu0 2>/dev/null
	/usr/sbin/ip netns del far 2>/dev/null
	rm -f /tmp/hp.out
	return 0
}
# host_run SECS FILTER CMD...: CMD in vm1; "figure host_ticks" of the run.
# With PROFILE set, a cpu-clock profile of all of L1 during the run goes
# to $PROFILE.
host_run() {
	local secs=$1 filter=$2 t0 v pp=''
	shift 2
	if [ -n "${PROFILE:-}" ]; then
		perf record -q -a -e cpu-clock -o "$PROFILE" -- sleep "$secs" \
			>/dev/null 2>&1 &
		pp=$!
	fi
	t0=$(host_ticks)
	v=$(guest_tail vm1 $((secs + 60)) 6 "$@" | $filter)
	[ -n "$v" ] && echo "$v $(($(host_ticks) - t0))"
	[ -z "$pp" ] || wait "$pp"
}
host_round() { # BACKEND KIND: appends "tcp_mbps us_per_mb udp_fps ns_per_frame" to /tmp/KIND.BACKEND
	local tcp='' udp='' tcpc='' udpc='' kind=$2
	if host_up "$1" "$kind"; then
		set -- "$1" $(host_run $HSECS iperf_mbps iperf3 -c 10.10.0.254 -t $HSECS -f m)
		[ $# -eq 3 ] && tcp=$2 tcpc=$(awk -v t="$3" -v m="$2" -v s=$HSECS \
			'BEGIN { if (m > 0) printf "%.0f", t * 10000 / (m * s / 8) }')
		set -- "$1" $(host_run $HSECS udp_fps iperf3 -c 10.10.0.254 -u -b 20M -l 64 -t $HSECS)
		[ $# -eq 3 ] && udp=$2 udpc=$(awk -v t="$3" -v f="$2" -v s=$HSECS \
			'BEGIN { if (f > 0) printf "%.0f", t * 1e7 / (f * s) }')
		# The profile has a run of its own: perf's CPU is not counted.
		if [ "${KVS_BENCH_PERF:-0}" = 1 ] && [ "$r" = 1 ]; then
			PROFILE=/tmp/perf.data host_run 5 udp_fps \
				iperf3 -c 10.10.0.254 -u -b 20M -l 64 -t 5 >/dev/null
			profile_show "$kind udp64 $1" /tmp/perf.data
			PROFILE=''
		fi
	else
		echo "# $kind $1: the guest or the far end did not come up"
	fi
	host_down
	echo "# $kind round $1: TCP ${tcp:-?} Mbit/s (${tcpc:-?} us/MB), UDP 64 B ${udp:-?} f/s (${udpc:-?} ns/frame)"
	echo "${tcp:-nan} ${tcpc:-nan} ${udp:-nan} ${udpc:-nan}" >>/tmp/"$kind"."$1"
}
host_metric() { # KIND NAME COLUMN UNIT BETTER
	metric "$1_$2" /tmp/"$1" "$3" "$4" "$5" "guest_$1_$2"
}
# 10 s runs, 5 rounds: these figures vary more than the others.
HSECS=10
HREPS=${KVS_BENCH_HOST_REPS:-5}
for kind in host uplink; do
	part "$kind" || continue
	rm -f /tmp/"$kind".net /tmp/"$kind".kvs
	for r in $(seq "$HREPS"); do
		host_round kvs "$kind"
		host_round net "$kind"
	done
	host_metric "$kind" tcp_mbps 1 Mbit/s higher
	host_metric "$kind" tcp_cpu_us_per_mb 2 us/MB lower
	host_metric "$kind" udp64_fps 3 frames/s higher
	host_metric "$kind" udp64_cpu_ns_per_frame 4 ns/frame lower
done

# --- The Leulo paper's experiment: http with the server's CPU contended.
if part http; then
	. /kvs/http-bench.sh
	http_bench || echo "# http: no cgroup v2 cpu controller in this kernel"
fi

kvsctl switch del sw0
cat /tmp/ratios
echo "ok - bench finished"
