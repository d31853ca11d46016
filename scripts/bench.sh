#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: one L1 boot, the kvs-traffic load on vhost-net + tap + bridge
# and on vhost-kvs side by side (scripts/l1/tests/bench.sh), medians of
# KVS_BENCH_REPS runs (default 5). Prints the table, writes it with the
# command and the kernel configuration to Documentation/benchmarks.rst, and
# ends with one "ratio <metric> <vhost-kvs / vhost-net>" line per metric.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench
doc=$TOP/Documentation/benchmarks.rst
"$TOP/scripts/deps.sh"
timed "$TOP/scripts/build-kernel.sh" normal
KVS_TEST_TIMEOUT=1500 "$TOP/scripts/vm-run.sh" -k normal -t 1800 -o "$out" bench \
	>"$out.log" 2>&1 || { cat "$out.log"; die "bench run failed"; }

grep '^bench \|^# [0-9]* CPUs' "$out/results.log" >"$out/table" ||
	die "no bench lines in $out/results.log"
grep '^ratio ' "$out/results.log" >"$out/ratios" || die "no ratio lines"

table() {
	printf '%-9s %10s %10s %6s %12s %12s %6s %7s %7s\n' case "net f/s" "kvs f/s" \
		ratio "net ns/f" "kvs ns/f" ratio "net %" "kvs %"
	awk '/^bench / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-9s %10.0f %10.0f %6.2f %12.0f %12.0f %6.2f %7.2f %7.2f\n", $2,
			v["net_fps"], v["kvs_fps"],
			(v["net_fps"] > 0 ? v["kvs_fps"] / v["net_fps"] : 0),
			v["net_cpu_ns"], v["kvs_cpu_ns"],
			(v["net_cpu_ns"] > 0 ? v["kvs_cpu_ns"] / v["net_cpu_ns"] : 0),
			v["net_loss_pct"], v["kvs_loss_pct"] }' "$out/table"
}

{
	cat <<EOF
.. SPDX-License-Identifier: GPL-2.0

==========================
vhost-kvs benchmark results
==========================

Written by \`\`make bench\`\` (scripts/bench.sh) on $(date -u +%Y-%m-%d); do not
edit by hand. Run it again to refresh.

What is measured
================

kvs-traffic (tools/vhost-kvs-test) plays the guests inside the test host
(L1, the project's kernel under QEMU): it owns guest memory, drives the
virtqueues of N ports and checks sequence numbers (payload checks are off,
-q). The same load runs on vhost-net with one tap per port on a Linux
bridge, and on vhost-kvs ports of one switch, in the same boot, one after
the other. "f/s" is frames received per second, "ns/frame" the CPU time of
the vhost worker threads per frame received. Each figure is the median of
the runs; ratios are vhost-kvs / vhost-net (above 1 is better for f/s,
below 1 is better for ns/frame). "%" is the share of frames lost: the
sending guest gets its buffers back once the frame is copied, so a
receiver that falls behind loses frames (vhost-kvs: its inbound ring of
1024 is full, counted as tx-drop-dest-full; vhost-net: the tap's queue).
f/s counts frames received, up to the last one.

Cases: 64, 1500: two ports, one way, 64 B / 1500 B frames; 64k: 65535 B
frames, not GSO (the bridge and taps get a 65521 B MTU, the most a tap
takes); gso64k: 65535 B TCP/IPv4 frames sent as GSO (gso_size 1448) to
receivers that negotiated offloads, so both pass them whole; mesh64,
mesh1500: four ports, each sending to every other.

Command::

    make bench            # KVS_BENCH_REPS=N to change the run count

Host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //').
L1: QEMU $(qemu-system-x86_64 --version | head -1 | sed 's/QEMU emulator version //'),
$(grep -q -wE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ] && echo KVM || echo TCG), kernel config scripts/kconfig/base.config.

Results
=======

::

EOF
	sed -n 's/^# \([0-9]* CPUs.*\)/    \1/p' "$out/table"
	table | sed 's/^/    /'
	echo
	echo "::"
	echo
	sed 's/^/    /' "$out/ratios"
} >"$doc"

table
cat "$out/ratios"
