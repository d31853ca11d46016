#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench-http-doc.sh RESULTS.LOG OUT.rst: the http part of a make bench run
# (scripts/l1/http-bench.sh: "http CONFIG name=value..." lines, its round
# comments and its http_* ratio lines) as a document, with each target
# of the Leulo issue judged from the figures. Prints the table too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=$1 out=$2
grep -q '^http ' "$log" || { log "no http lines in $log: $out not written"; exit 0; }

table() {
	printf '%-7s %8s %7s | %8s %8s %8s | %8s %8s %8s | %8s %8s %8s\n' \
		stack "TCP Mb/s" "RR us" "ka r/s" "ka p50" "ka p99" \
		"new r/s" "new p50" "new p99" "1M r/s" "1M p50" "1M p99"
	awk '/^http / { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-7s %8s %7s | %8s %8s %8s | %8s %8s %8s | %8s %8s %8s\n", $2,
			v["tcp_mbps"], v["rr_us"], v["ka_rps"], v["ka_p50_us"], v["ka_p99_us"],
			v["new_rps"], v["new_p50_us"], v["new_p99_us"],
			v["mib_rps"], v["mib_p50_us"], v["mib_p99_us"] }' "$log"
}
# ratio_of NAME: the value of ratio line NAME, or nan
ratio_of() { awk -v m="$1" '$1 == "ratio" && $2 == m { v = $3 } END { print (v == "" ? "nan" : v) }' "$log"; }
# judge NAME OP LIMIT TEXT: one line saying whether ratio NAME meets it
judge() {
	local v
	v=$(ratio_of "$1")
	awk -v v="$v" -v op="$2" -v l="$3" -v t="$4" 'BEGIN {
		if (v == "nan") { printf "- %s: no figure\n", t; exit }
		ok = (op == ">=") ? v >= l : v <= l
		printf "- %s: %.2f (target %s %s): %s\n", t, v, op, l, ok ? "met" : "not met" }'
}
cpu_max=$(sed -n "s/^# http: .*cpu.max '\(.*\)'.*/\1/p" "$log" | head -n 1)

{
	cat <<EOF
.. SPDX-License-Identifier: GPL-2.0

=====================================
Leulo's http benchmark (make bench)
=====================================

Written by \`\`make bench\`\` (scripts/bench.sh, its http part:
scripts/l1/http-bench.sh) on $(date -u +%Y-%m-%d); do not edit by hand.
Documentation/leulo.rst says what the figures mean.

The experiment of the Leulo paper (Nordal, Kvalnes, Johansen,
*Paravirtualizing TCP*, VTDC'12): an http server whose CPU is
contended, a client whose CPU is not, on four stacks, in one boot of the
test host (L1: the project's kernel under QEMU, TCG, 2 CPUs), in
interleaved rounds (native, net, kvs, leulo, native, ...):

- native: server and client in two network namespaces of the test host,
  over a veth pair;
- net: two nested guests (the project's kernel, 1 vCPU, 256 MiB), each
  with a virtio-net NIC on vhost-net + tap + bridge (Debian's QEMU);
- kvs: the same guests on vhost-kvs switch sw0 (the patched QEMU);
- leulo: the same, and the server guest has a Leulo device: its
  programs' TCP sockets are sockets of the test host's kernel, in a
  namespace with a host port of sw0 that takes the guest's TCP.

Server: lighttpd 1.4 from Debian (static files, keep-alive on). Client:
wrk from Debian, 1 thread, 4 connections, --latency. Workloads: 1 KiB
with keep-alive ("ka"), 1 KiB with a new connection per request
("new": \`\`Connection: close\`\`; wrk starts a request's clock once it
is connected, so the handshake counts in req/s, not in p50/p99), and
1 MiB with keep-alive ("1M"). Figures: requests per second and the 50th
and 99th latency percentiles in microseconds, medians of the rounds.

Contention: the server's vCPU thread (native: the lighttpd process) is
held to cgroup v2 cpu.max \`\`${cpu_max:-?}\`\` (quota and period in
microseconds) in a threaded cgroup of its own, as a host holds a VM
whose CPU other VMs share. The vhost workers (vhost-net's, vhost-kvs's,
Leulo's) are the host's and are not held. "TCP Mb/s" (iperf3, client to
server, 5 s) and "RR us" (kvs-rr, mean of 1-byte request/response
transactions, 5 s) are measured before the server is held.

Command::

    KVS_BENCH_PARTS=http make bench     # or the whole make bench

Results
=======

::

EOF
	table | sed 's/^/    /'
	cat <<'EOF'

The rounds, in order (``nan``: that run gave no figure)::

EOF
	sed -n 's/^# \(http round .*\)/    \1/p; s/^# \(http: .*\)/    \1/p' "$log"
	cat <<'EOF'

Ratio lines::

EOF
	grep '^ratio http_' "$log" | sed 's/^/    /'
	cat <<'EOF'

Against the targets
===================

EOF
	judge http_ka_rps_leulo_vs_net '>=' 2 "keep-alive 1 KiB req/s, leulo / net, contended"
	judge http_ka_p99_leulo_vs_net '<=' 0.5 "keep-alive 1 KiB p99, leulo / net, contended"
	judge http_new_rps_leulo_vs_net '>=' 2 "new-connection 1 KiB req/s, leulo / net, contended"
	judge http_new_p99_leulo_vs_net '<=' 0.5 "new-connection 1 KiB p99, leulo / net, contended"
	judge http_mib_rps_leulo_vs_net '>=' 2 "1 MiB req/s, leulo / net, contended"
	judge http_mib_p99_leulo_vs_net '<=' 0.5 "1 MiB p99, leulo / net, contended"
	judge http_tcp_mbps_leulo_vs_kvs '>=' 0.9 "TCP throughput, leulo / kvs, uncontended"
	judge http_rr_us_leulo_vs_kvs '<=' 0.99 "request/response latency, leulo / kvs, uncontended (lower)"
} >"$out"
log "wrote $out"
table
