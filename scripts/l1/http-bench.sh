# SPDX-License-Identifier: GPL-2.0
# make bench's http part, the experiment of the Leulo paper (Nordal,
# Kvalnes, Johansen, "Paravirtualizing TCP", VTDC'12): an http server
# whose CPU is contended, and a client that is not, on four stacks in
# this one boot, in interleaved rounds:
#
#   native  two namespaces of this test host over a veth pair
#   net     two nested guests, vhost-net + tap + bridge (Debian's QEMU)
#   kvs     two nested guests on vhost-kvs switch sw0
#   leulo   the same, the server guest's TCP in this host (Leulo:
#           -device vhost-leulo-pci, its sockets in namespace hl1)
#
# The server, vm1 10.10.0.1 (lighttpd from Debian, keep-alive on, static
# files); the client, vm2 10.10.0.2 (wrk from Debian). Contention: the
# server's vCPU thread (for native: lighttpd itself) is held to
# HTTP_CPU_MAX of a CPU by cgroup v2's cpu.max, in a threaded cgroup of
# its own, as a host would hold a VM whose CPU others share; its vhost
# workers, either backend's and Leulo's, are not held (they are the
# host's). Uncontended first: iperf3 TCP vm2 -> vm1 and kvs-rr.
# Sourced by tests/bench.sh (its lib.sh, median, ratio): prints one
# "http CONFIG name=value..." line per stack and ratio lines.

HTTP_SECS=${KVS_BENCH_HTTP_SECS:-5}
HTTP_REPS=${KVS_BENCH_HTTP_REPS:-3}
# 10 ms in every 50 ms: the server waits up to 40 ms at a time for its
# CPU, as behind other VMs with a scheduler slice of that order.
# (vm-run.sh hands a value's spaces over as commas)
HTTP_CPU_MAX=$(echo "${KVS_BENCH_HTTP_CPU_MAX:-10000 50000}" | tr , ' ')
HTTP_CONFIGS="native net kvs leulo"
CG=/sys/fs/cgroup
HCG=$CG/kvs-http
IPN=/usr/sbin/ip

# wrk's output -> "req_per_s p50_us p99_us" (nothing without a figure)
wrk_fields() {
	awk 'function us(v) {
			if (v ~ /us$/) return v + 0
			if (v ~ /ms$/) return v * 1000
			if (v ~ /s$/) return v * 1000000
			return v + 0
		}
		$1 == "50%" { p50 = us($2) }
		$1 == "99%" { p99 = us($2) }
		$1 == "Requests/sec:" { r = $2 }
		END { if (r != "" && p50 != "" && p99 != "")
			printf "%s %.0f %.0f\n", r, p50, p99 }'
}

# cli CONFIG SECS CMD: CMD on the client, the last lines of its output
cli() {
	local config=$1 secs=$2
	shift 2
	if [ "$config" = native ]; then
		timeout $((secs + 60)) $IPN netns exec hcli sh -c "$*" 2>&1 | tail -n 20
	else
		guest_tail vm2 $((secs + 60)) 20 "$@"
	fi
}
# srv CONFIG CMD: CMD on the server (its namespace, or vm1)
srv() {
	local config=$1
	shift
	if [ "$config" = native ]; then
		$IPN netns exec hsrv sh -c "$*"
	else
		guest_run vm1 30 "$@"
	fi
}

# The server's files and lighttpd (one line: the guest agent takes a
# command a line); pair_up starts iperf3 and kvs-rr in a pair's vm1,
# srv_more in the others.
SRV_FILES='mkdir -p /tmp/www && head -c 1024 /dev/urandom >/tmp/www/1k && head -c 1048576 /dev/urandom >/tmp/www/1m'
srv_start() {
	srv "$1" "$SRV_FILES && lighttpd -f /etc/lighttpd/bench.conf -m /usr/lib/lighttpd" >/dev/null
}
srv_more() { srv "$1" 'iperf3 -s -D && kvs-rr -s -D' >/dev/null; }

# the thread to hold: vm1's vCPU, or native's lighttpd
held_tid() {
	local pid t
	if [ "$1" = native ]; then
		cat /tmp/lighttpd.pid
		return
	fi
	pid=$(cat /tmp/vm1.pid)
	for t in /proc/"$pid"/task/*; do
		[ "$(cat "$t"/comm 2>/dev/null)" = "CPU 0/KVM" ] && echo "${t##*/}"
	done
}

# contend CONFIG: the server's thread into $HCG/held, at HTTP_CPU_MAX.
# Its process joins $HCG, the threaded subtree's root; the thread alone
# goes on to the threaded child, whose cpu.max holds it.
contend() {
	local tid pid
	tid=$(held_tid "$1")
	[ -n "$tid" ] || return 1
	pid=$(awk '/^Tgid:/ { print $2 }' /proc/"$tid"/status)
	mkdir -p "$HCG" && echo "$pid" >"$HCG"/cgroup.procs &&
		mkdir -p "$HCG"/held && echo threaded >"$HCG"/held/cgroup.type &&
		echo +cpu >"$HCG"/cgroup.subtree_control &&
		echo "$tid" >"$HCG"/held/cgroup.threads &&
		echo "$HTTP_CPU_MAX" >"$HCG"/held/cpu.max
}
cg_gone() { rmdir "$HCG"/held 2>/dev/null; rmdir "$HCG" 2>/dev/null; [ ! -d "$HCG" ]; }

http_up() {
	local mac1=52:54:00:00:01:01
	case $1 in
	native)
		$IPN netns add hsrv && $IPN netns add hcli &&
			$IPN link add hv0 netns hsrv type veth peer name hv1 netns hcli &&
			$IPN -n hsrv addr add 10.10.0.1/24 dev hv0 &&
			$IPN -n hcli addr add 10.10.0.2/24 dev hv1 &&
			$IPN -n hsrv link set hv0 up && $IPN -n hcli link set hv1 up &&
			$IPN -n hsrv link set lo up && $IPN -n hcli link set lo up &&
			srv_more "$1" || return 1
		;;
	net | kvs)
		pair_up "$1" || return 1
		;;
	leulo)
		# As scripts/l1/leulo-guests.sh: vm1's TCP to host port lv1,
		# in namespace hl1, with vm1's address.
		$IPN netns add hl1 && $IPN -n hl1 link set lo up &&
			kvsctl port add sw0 host lv1 tcp-for $mac1 \
				netns /run/netns/hl1 >/tmp/hl1.port &&
			$IPN netns exec hl1 sysctl -qw net.ipv6.conf.lv1.accept_dad=0 &&
			$IPN -n hl1 link set lv1 addrgenmode none &&
			$IPN -n hl1 addr add 10.10.0.1/24 dev lv1 &&
			$IPN -n hl1 link set lv1 up || return 1
		L2_QEMU=qemu-kvs
		# shellcheck disable=SC2046
		guest_start vm1 10.10.0.1/24 $(nic_kvs 1 sw0) \
			-device vhost-leulo-pci,netns=/run/netns/hl1 &&
			guest_start vm2 10.10.0.2/24 $(nic_kvs 2 sw0) &&
			retry 10 pair_pings 1 && srv_more "$1" || return 1
		;;
	esac
	srv_start "$1"
}

http_down() {
	pair_down
	killall lighttpd iperf3 kvs-rr 2>/dev/null
	$IPN netns del hsrv 2>/dev/null
	$IPN netns del hcli 2>/dev/null
	kvsctl port del sw0/"$(sed -n 's|^port sw0/\([0-9]*\) .*|\1|p' /tmp/hl1.port 2>/dev/null)" 2>/dev/null
	$IPN netns del hl1 2>/dev/null
	rm -f /tmp/hl1.port
	retry 20 cg_gone || echo "# $HCG stays: $(tr '\n' ' ' <"$HCG"/cgroup.procs 2>/dev/null)"
	return 0
}

# wrk_run CONFIG PATH [HEADER]: "req_per_s p50_us p99_us", or "nan nan nan"
wrk_run() {
	local v out hdr=''
	[ -n "${3:-}" ] && hdr="-H '$3'"
	out=$(cli "$1" "$HTTP_SECS" wrk -t 1 -c 4 -d "${HTTP_SECS}s" --latency \
		"$hdr" "http://10.10.0.1:80/$2")
	v=$(echo "$out" | wrk_fields)
	[ -n "$v" ] || echo "$out" | tail -n 5 | sed "s|^|# $1 wrk /$2: |" >&2
	# What wrk counted wrong (socket errors, timeouts, bad answers)
	echo "$out" | grep -E 'errors|Non-2xx' | sed "s|^ *|# $1 wrk /$2: |" >&2
	echo "${v:-nan nan nan}"
}

# http_round CONFIG: appends a line of figures to /tmp/http.CONFIG:
# tcp_mbps rr_us, then req/s p50 p99 of keep-alive 1 KiB, of 1 KiB on a
# new connection per request, and of 1 MiB (keep-alive), contended
http_round() {
	local tcp='' rr='' ka new mib
	ka='nan nan nan' new=$ka mib=$ka
	if http_up "$1"; then
		tcp=$(cli "$1" 5 iperf3 -c 10.10.0.1 -t 5 -f m | iperf_mbps)
		rr=$(cli "$1" 5 kvs-rr -c 10.10.0.1 -t 5 | rr_fields | cut -d' ' -f2)
		if contend "$1"; then
			ka=$(wrk_run "$1" 1k)
			new=$(wrk_run "$1" 1k "Connection: close")
			mib=$(wrk_run "$1" 1m)
			echo "# $1: held: $(awk '/nr_throttled|throttled_usec/ {
				printf "%s ", $0 }' "$HCG"/held/cpu.stat 2>/dev/null)"
		else
			echo "# $1: could not hold the server's CPU"
		fi
	else
		echo "# $1: the server or the client did not come up"
	fi
	http_down
	echo "# http round $1: TCP ${tcp:-?} Mbit/s, RR ${rr:-?} us; contended" \
		"(req/s p50_us p99_us): keep-alive $ka, new conn $new, 1 MiB $mib"
	echo "${tcp:-nan} ${rr:-nan} $ka $new $mib" >>/tmp/http."$1"
}

# http_col CONFIG COLUMN: the median of a column of /tmp/http.CONFIG
http_col() { awk -v c="$2" '$c != "nan" { print $c }' /tmp/http."$1" | median; }

http_bench() {
	local c w
	[ -e $CG/cgroup.controllers ] || mount -t cgroup2 none $CG || return 1
	echo +cpu >$CG/cgroup.subtree_control || return 1
	rm -f /tmp/http.*
	echo "# http: $HTTP_REPS rounds, ${HTTP_SECS} s runs, the server's CPU held to cpu.max '$HTTP_CPU_MAX'"
	for _ in $(seq "$HTTP_REPS"); do
		for c in $HTTP_CONFIGS; do
			http_round "$c"
		done
	done
	for c in $HTTP_CONFIGS; do
		echo "http $c tcp_mbps=$(http_col "$c" 1) rr_us=$(http_col "$c" 2)" \
			"ka_rps=$(http_col "$c" 3) ka_p50_us=$(http_col "$c" 4) ka_p99_us=$(http_col "$c" 5)" \
			"new_rps=$(http_col "$c" 6) new_p50_us=$(http_col "$c" 7) new_p99_us=$(http_col "$c" 8)" \
			"mib_rps=$(http_col "$c" 9) mib_p50_us=$(http_col "$c" 10) mib_p99_us=$(http_col "$c" 11)"
	done
	# Leulo against vhost-net under contention (the paper's claim), and
	# against vhost-kvs uncontended (what Leulo costs when CPU is free).
	for w in ka:3 new:6 mib:9; do
		c=${w#*:}
		ratio "http_${w%:*}_rps_leulo_vs_net" "$(http_col leulo "$c")" "$(http_col net "$c")"
		ratio "http_${w%:*}_p99_leulo_vs_net" "$(http_col leulo $((c + 2)))" "$(http_col net $((c + 2)))"
	done
	ratio http_tcp_mbps_leulo_vs_kvs "$(http_col leulo 1)" "$(http_col kvs 1)"
	ratio http_rr_us_leulo_vs_kvs "$(http_col leulo 2)" "$(http_col kvs 2)"
}
