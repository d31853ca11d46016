#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench [KVS_BENCH_PARTS=frames,sweep,memory,guests,host,uplink,http]
#            [KVS_BENCH_PERF=1]:
# one L1 boot, the kvs-traffic load on vhost-net + tap + bridge
# and on vhost-kvs side by side (scripts/l1/tests/bench.sh), medians of
# KVS_BENCH_REPS runs (default 5). Prints the table, writes it with the
# command and the kernel configuration to Documentation/benchmarks.rst, and
# ends with one "ratio <metric> <vhost-kvs / vhost-net>" line per metric.
# KVS_BENCH_FROM=results.log: no run, the document written again from an
# earlier run's log (build/bench/results.log).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/bench
doc=$TOP/Documentation/benchmarks.rst
"$TOP/scripts/deps.sh"
# gnuplot for the plot of cost against frame size; perf for profiles
extra=()
command -v gnuplot >/dev/null || extra+=(gnuplot-nox)
# the http benchmark: wrk, and the libraries of Debian's lighttpd
for p in wrk libpcre2-8-0 libnettle8 libxxhash0; do
	dpkg -s "$p" >/dev/null 2>&1 || extra+=("$p")
done
[ "${KVS_BENCH_PERF:-0}" = 1 ] && ! command -v perf >/dev/null && extra+=(linux-perf)
if [ ${#extra[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${extra[@]}"
fi
svg=$TOP/Documentation/benchmarks-cost.svg
# The third peer, Open vSwitch, goes into the test host's initramfs.
KVS_OVS_ROOT=$("$TOP/scripts/deb-fetch.sh" ovs)
# The http benchmark's server and client, in the test host and its guests.
KVS_HTTP_ROOT=$("$TOP/scripts/deb-fetch.sh" lighttpd)
export KVS_OVS_ROOT KVS_HTTP_ROOT
if [ -n "${KVS_BENCH_FROM:-}" ]; then
	mkdir -p "$out"
	[ "$(readlink -f "$KVS_BENCH_FROM")" = "$(readlink -f "$out/results.log")" ] ||
		cp "$KVS_BENCH_FROM" "$out/results.log"
else
	timed "$TOP/scripts/build-kernel.sh" normal
	timed "$TOP/scripts/qemu-build.sh"
	KVS_TEST_TIMEOUT=3600 "$TOP/scripts/vm-run.sh" -k normal -t 3900 -o "$out" bench \
		>"$out.log" 2>&1 || { cat "$out.log"; die "bench run failed"; }
fi

# The http part (the Leulo paper's experiment) has a document of its own,
# written by a full run and by KVS_BENCH_PARTS=http alone.
if [ "${KVS_BENCH_PARTS:-http}" = http ] && [ "${KVS_BENCH_PERF:-0}" != 1 ]; then
	"$TOP/scripts/bench-http-doc.sh" "$out/results.log" \
		"$TOP/Documentation/benchmarks-http.rst"
fi

# Some parts only, or profiled: shown, not written to the document.
if [ -n "${KVS_BENCH_PARTS:-}" ] || [ "${KVS_BENCH_PERF:-0}" = 1 ]; then
	grep '^bench \|^guest \|^http \|^ratio \|^# ' "$out/results.log"
	echo "a partial or profiled run: $doc not written"
	exit 0
fi

grep '^bench \|^# [0-9]* CPUs' "$out/results.log" >"$out/table" ||
	die "no bench lines in $out/results.log"
grep '^ratio ' "$out/results.log" >"$out/ratios" || die "no ratio lines"
grep '^guest ' "$out/results.log" >"$out/guests" || die "no real-guest lines"
grep '^split ' "$out/results.log" >"$out/split" || die "no split lines"
grep '^sweep ' "$out/results.log" >"$out/sweep" || die "no sweep lines"
# Open vSwitch's rows: none when the test host could not start it.
grep '^peer ' "$out/results.log" >"$out/peer" || true

# sweep lines -> "size net_ns kvs_ns copy_ns copy_ns_per_byte ovs_ns"
sweep_cols() {
	awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print $2, v["net_ns"], v["kvs_ns"], v["copy_ns"], v["copy_ns_per_byte"],
			(v["ovs_ns"] == "" ? "nan" : v["ovs_ns"]) }' "$out/sweep"
}
sweep_table() {
	printf '%7s %10s %10s %10s %6s %10s %9s %9s %9s\n' size "net ns/f" "ovs ns/f" \
		"kvs ns/f" ratio "copy ns" "net/copy" "kvs/copy" "copy ns/B"
	sweep_cols | awk '{ printf "%7d %10.0f %10s %10.0f %6.2f %10.0f %9.1f %9.1f %9.4f\n",
		$1, $2, ($6 == "nan" ? "-" : sprintf("%.0f", $6)), $3,
		($2 > 0 ? $3 / $2 : 0), $4,
		($4 > 0 ? $2 / $4 : 0), ($4 > 0 ? $3 / $4 : 0), $5 }'
}
# Open vSwitch against vhost-kvs, per case (ns per frame, medians).
peer_table() {
	printf '%-9s %9s %9s %9s %5s %9s %9s %5s %6s\n' case "ovs f/s" "ovs ns/f" \
		"kvs ns/f" ratio "ovs +si" "kvs +si" ratio "ovs %"
	awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-9s %9.0f %9.0f %9.0f %5.2f %9.0f %9.0f %5.2f %6.2f\n", $2,
			v["ovs_fps"], v["ovs_cpu_ns"], v["kvs_cpu_ns"],
			(v["ovs_cpu_ns"] > 0 ? v["kvs_cpu_ns"] / v["ovs_cpu_ns"] : 0),
			v["ovs_all_ns"], v["kvs_all_ns"],
			(v["ovs_all_ns"] > 0 ? v["kvs_all_ns"] / v["ovs_all_ns"] : 0),
			v["ovs_loss_pct"] }' "$out/peer"
}
sweep_cols >"$out/sweep.dat"
gnuplot <<EOF
set terminal svg size 720,480 dynamic font "sans,12"
set output "$svg"
set title "Worker CPU per frame against frame size (make bench, $(date -u +%Y-%m-%d))"
set xlabel "frame size (bytes)"
set ylabel "ns per frame"
set logscale xy
set key top left
set grid
plot "$out/sweep.dat" using 1:2 with linespoints title "vhost-net + tap + bridge", \
     "$out/sweep.dat" using 1:6 with linespoints title "vhost-net + tap + Open vSwitch", \
     "$out/sweep.dat" using 1:3 with linespoints title "vhost-kvs", \
     "$out/sweep.dat" using 1:4 with linespoints title "one plain copy (memcpy)"
EOF

guest_table() {
	printf '%-20s %12s %12s %6s  %s\n' metric "vhost-net" "vhost-kvs" ratio better
	awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-20s %12s %12s %6s  %s (%s)\n", $2, v["net"], v["kvs"],
			(v["net"] > 0 && v["kvs"] != "nan" ? sprintf("%.2f", v["kvs"] / v["net"]) : "nan"),
			v["better"], v["unit"] }' "$out/guests"
}

table() {
	printf '%-9s %9s %9s %5s %9s %9s %5s %9s %9s %5s %6s %6s\n' case "net f/s" "kvs f/s" \
		ratio "net ns/f" "kvs ns/f" ratio "net +si" "kvs +si" ratio "net %" "kvs %"
	awk '/^bench / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-9s %9.0f %9.0f %5.2f %9.0f %9.0f %5.2f %9.0f %9.0f %5.2f %6.2f %6.2f\n", $2,
			v["net_fps"], v["kvs_fps"],
			(v["net_fps"] > 0 ? v["kvs_fps"] / v["net_fps"] : 0),
			v["net_cpu_ns"], v["kvs_cpu_ns"],
			(v["net_cpu_ns"] > 0 ? v["kvs_cpu_ns"] / v["net_cpu_ns"] : 0),
			v["net_all_ns"], v["kvs_all_ns"],
			(v["net_all_ns"] > 0 ? v["kvs_all_ns"] / v["net_all_ns"] : 0),
			v["net_loss_pct"], v["kvs_loss_pct"] }' "$out/table"
}

# Where the CPU went, ns per frame received: medians per backend.
split_table() {
	printf '%-9s %-4s %9s %9s %9s %9s %9s %9s\n' case "" "tx wrk" "rx wrk" \
		softirq tool "tx f/run" "rx f/run"
	awk '{ for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%-9s %-4s %9s %9s %9s %9s %9s %9s\n", $2, $3, v["tx_ns"],
			v["rx_ns"], v["softirq_ns"], v["tool_ns"],
			v["tx_frames_per_run"], v["rx_frames_per_run"] }' "$out/split"
}

{
	cat <<EOF
.. SPDX-License-Identifier: GPL-2.0

===========================
vhost-kvs benchmark results
===========================

Written by \`\`make bench\`\` (scripts/bench.sh) on $(date -u +%Y-%m-%d); do not
edit by hand. Run it again to refresh.

What is measured
================

kvs-traffic (the kselftests' kvs_traffic.c, built static) plays the guests inside the test host
(L1, the project's kernel under QEMU): it owns guest memory, drives the
virtqueues of N ports and checks sequence numbers (payload checks are
off, -q) and negotiates EVENT_IDX, as Linux guests do. The same load runs on vhost-net with one tap per port on a
Linux bridge, and on vhost-kvs ports of one switch, in the same boot, in
alternating runs (net, kvs, net, kvs, ...) so that a slow phase of the
test host hits both alike. "f/s" is frames received per second, "ns/f"
the CPU time of the vhost worker threads per frame received (the
scheduler's own clock, schedstat, not 10 ms ticks); "+si" adds the
softirq time of the whole test host during the run, so that work done
outside the workers (a bridge's, a stack's) is not lost from either
figure (softirq time is sampled at 10 ms and, without
IRQ_TIME_ACCOUNTING in the test kernel, a softirq run on a worker's
stack is in both figures; in these runs it is close to 0). Each figure
is the median of the runs; ratios are vhost-kvs / vhost-net (above 1 is
better for f/s, below 1 is better for ns/frame). "%" is the share of
frames lost: the sending guest gets its buffers back once the frame is
copied, so a receiver that falls behind loses frames (vhost-kvs: its
inbound ring of 1024 is full, counted as tx-drop-dest-full; vhost-net:
the tap's queue). f/s counts frames received, up to the last one.

Cases: 64, 1500: two ports, one way, 64 B / 1500 B frames, up to 64
frames in flight per sender; 64sat: the same at capacity, the sender's
whole TX ring (256) kept full (-w 256); 64busy: 64 B
with the vhost workers busy-polling 50 us before they sleep (-B 50,
VHOST_SET_VRING_BUSYLOOP_TIMEOUT, which both backends honour); 64k: 65535 B
frames, not GSO (the bridge and taps get a 65521 B MTU, the most a tap
takes); 64k2copies: the same with vhost-kvs copying each frame twice,
as it did before frames of 16 KiB and more were copied once (its module
parameter zc_min set to 0); gso64k: 65535 B TCP/IPv4 frames sent as GSO (gso_size 1448) to
receivers that negotiated offloads, so both pass them whole; mesh64,
mesh1500: four ports, each sending to every other.

Command::

    make bench            # KVS_BENCH_REPS=N to change the run count

Host: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //').
L1: QEMU $("$(l1_qemu_bin)" --version | head -1 | sed 's/QEMU emulator version //') (${KVS_L1_QEMU:-tree}),
$(grep -q -wE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ] && echo KVM || echo TCG), kernel config scripts/kconfig/base.config.

Results
=======

::

EOF
	sed -n 's/^# \([0-9]* CPUs.*\)/    \1/p' "$out/table"
	table | sed 's/^/    /'
	echo
	cat <<'EOF'
Where the CPU goes, ns per frame received (medians): the sending ports'
vhost workers ("tx wrk"), the receiving ports' ("rx wrk"; a mesh's
workers do both, so only their sum, the table's ns/f, is shown), softirq
time of the whole test host, and kvs-traffic itself; then frames per run
of a worker (per wake-up: the scheduler's count of the times the thread
ran).

::

EOF
	split_table | sed 's/^/    /'
	echo
	cat <<'EOF'
Open vSwitch
============

The seed's own baseline as a third peer: the same load on vhost-net with
each tap a port of an Open vSwitch bridge (Debian's openvswitch-switch,
unpacked by scripts/deb-fetch.sh into the test host; kernel datapath,
NORMAL action: a learning switch), in the same rounds (net, kvs, ovs,
...). Ratios are vhost-kvs / Open vSwitch. Its split is in the table
above (rows "ovs"). No 64 KiB rows: the first frame of a flow goes up to
ovs-vswitchd in a netlink message, which cannot carry 64 KiB, so a flow
of only such frames is never set up and every frame is lost.

::

EOF
	if [ -s "$out/peer" ]; then
		peer_table | sed 's/^/    /'
	else
		echo "    (no Open vSwitch rows in this run)"
	fi
	echo
	cat <<'EOF'
Cost against frame size
=======================

Worker CPU per frame, two ports one way, at each frame size (three runs
of each backend per size, interleaved, medians), next to what one plain
copy of a frame of that size costs in the same boot (kvs-copy: memcpy()
from a 64 MiB source walked in order), the physical limit: vhost-net
copies a frame twice (from the sender's guest, into the receiver's), and
so does vhost-kvs below 16 KiB; from 16 KiB (its zc_min) vhost-kvs copies
once, from the sender's pinned pages into the receiver's guest. "net/copy" and "kvs/copy" are the worker CPU per frame in
copies. Plotted in benchmarks-cost.svg.

.. image:: benchmarks-cost.svg

::

EOF
	sweep_table | sed 's/^/    /'
	echo
	echo
	cat <<'EOF'
Real guests
===========

Two nested Linux guests (the project's kernel, virtio-net, 1 vCPU, 256 MiB
each, KVM on the test host's emulated SVM), vm2 sending to vm1: on
vhost-kvs through qemu-kvs (``-netdev vhost-kvs``, one switch) and on
vhost-net + tap + Linux bridge through Debian's own QEMU, in the same
boot, rounds alternating between the two; medians of the rounds
(``KVS_BENCH_GUEST_REPS``, default 3). tcp_mbps: iperf3 TCP, 5 s;
udp64_fps: iperf3 UDP with 64 B payloads offered at 20 Mbit/s, datagrams
received per second; ping_ms: average RTT of 20 pings; tcp_rr_tps and
tcp_rr_us: kvs-rr (tools/kvs-rr), one 1-byte request and response at a
time on one TCP connection for 5 s, transactions per second and mean
latency; tcp_worker_us_per_mb: CPU time of the backend's worker threads
(``vhost-PID``, both guests') during the TCP run, per MB received: the
backend's own cost, which the guests' speed hides. Ratios are vhost-kvs /
vhost-net.

The ``host_*`` rows: one guest, vm1, sending to an iperf3 server in the
test host's own stack at 10.10.0.254, which is a host port of the switch
(``kvsctl port add sw0 host kvsh0``) for vhost-kvs, and the bridge's own
address (br0, with vm1's tap1 on it) for vhost-net; TCP for 10 s and UDP
64 B at 20 Mbit/s for 10 s, 5 rounds. Their cost is all of the test host's CPU
during the run but vm1's QEMU threads (its vhost workers are counted):
workers, softirq wherever it runs, the receiving stack and iperf3
itself, per MB received (TCP) or per datagram received (UDP). The
``uplink_*`` rows: the same, with the iperf3 server in another network
namespace behind a veth pair, whose end is an uplink of the switch
(``kvsctl port add sw0 uplink kvsu0``) or a port of the bridge.

The ``port_kib_*`` rows are not guests: kernel memory per port, with 16
ports made by kvs-traffic (vhost-kvs ports, or vhost-net devices with a
tap each on a bridge): the growth of SUnreclaim + VmallocUsed +
KernelStack + PageTables + Percpu in /proc/meminfo from before the ports
to once they are set up and idle (``port_kib_idle``), and to after a mesh
of 1500 B frames among them, with whatever buffers each backend keeps
for reuse (``port_kib_busy``), divided by 16; medians of
``KVS_BENCH_REPS`` rounds after one round of each that is not counted.
Page tables include the test program's (the same for both).

::

EOF
	guest_table | sed 's/^/    /'
	echo
	echo "The rounds, in order (\`\`?\`\`: the guests stalled and gave no figure)::"
	echo
	sed -n 's/^# round /    /p; s/^# \(host\|uplink\) round /    \1 /p' "$out/results.log"
	echo
	echo "Ratio lines"
	echo "==========="
	echo
	echo "::"
	echo
	sed 's/^/    /' "$out/ratios"
	cat <<'EOF'

Against the targets
===================

Issue 3 asks for 4x the frames/s of vhost-net at 64 B, 1.5x at 1500 B and
less than a third of its worker CPU per frame. What bounds these figures
on this test bed:

- The load generator is part of the measurement. kvs-traffic plays every
  guest in one thread and shares the test host's 2 vCPUs with the vhost
  workers. With T the tool's CPU per frame and W the workers', a
  CPU-bound run moves about 2 / (T + W) frames/s, so the frames/s ratio
  is (T + W_net) / (T + W_kvs): below W_net / W_kvs (about 2 at 64 B)
  however cheap vhost-kvs gets, and lower still because T is not zero.
  4x at 64 B needs a generator on its own CPUs and vhost-net's worker
  cost at 4x vhost-kvs's.
- Both backends copy each frame below 16 KiB twice (guest to kernel
  buffer, kernel buffer to guest; the address-space rule forbids one
  worker writing into another guest)
  and do the same virtqueue work per frame (descriptor fetch and
  translation, used-ring writes, batched). vhost-kvs removes the sk_buff,
  tap queue and bridge, which is what the ns/frame ratio measures: about
  0.4-0.5 at 64 B. Under TCG a byte copy is expensive, so at 1500 B and
  above the copies dominate both and the ratio moves towards 1. A third
  of vhost-net's cost would need the virtqueue work itself, which the
  two share, to be cheaper than what vhost-net spends on its sk_buff.
- At 64 KiB both backends spend most of their time copying: under TCG
  the kernel's user copy (rep movsb) takes over half of all samples in
  both (perf, cpu-clock), and each backend's cost per frame varies by
  tens of percent between boots. Copying twice, vhost-kvs cost 0.9 to
  1.3 times vhost-net's there (row 64k2copies: zc_min 0), about 2.5
  plain copies' worth of CPU per frame. Copied once (zc.c), the
  receiving worker's one copy from the sender's pinned pages is most of
  it; the sending worker pins pages and is woken once per frame its
  receiver has taken, to complete it.
- Runs vary by tens of percent between boots under TCG; each figure is a
  median of several runs in one boot, and only ratios from one boot are
  compared.

Issue 16 asks for a quarter of vhost-net's worker CPU per 64 B frame,
half at 1500 B, 0.6 at 64 KiB and within 1.5 plain copies there. Where
vhost-kvs's 64 B cost goes, from a cpu-clock profile of that case
(``KVS_BENCH_PERF=1 KVS_BENCH_PARTS=frames make bench``, 2026-12-01;
shares of the busy samples, tool included): the two user copies of each
frame with its header (``rep_movs_alternative`` and the iov_iter
around it) about 23 %; vhost's descriptor fetch (``vhost_get_vq_desc``,
``translate_desc``, the avail-ring read, the memory-table lookup) about
15 %, once per frame on each side; the switch's own code (taking,
classifying, queueing, delivering) about 26 %; wake-ups, eventfds and
scheduling about 7 %; kvs-traffic itself about 14 %; symbols under
0.4 % each the rest. The copies and the
descriptor fetch are what both backends do; vhost-net spends its extra
on the sk_buff, the tap and the bridge. Halving vhost-kvs's cost again
would take the descriptor fetch in batches (vhost's core reads one
descriptor at a time) as well as fewer instructions per frame in the
switch; under TCG every instruction and every byte copied is dear,
which favours neither backend. At 64 KiB nearly all of the time was the
two copies (72 % of all samples were ``rep_movs_alternative``); one copy
(issue 16, part 3, since 2026-12-03) took 0.67 of vhost-net's CPU per
frame where two took 1.07, in one boot, and 1.65 plain copies' worth
(``KVS_BENCH_PARTS=frames,sweep make bench``).

Issue 4 asks for 1.3x vhost-net's TCP throughput between real guests and
a lower latency. On this test bed the real-guest figures measure the
nested guests more than either backend: each guest is a KVM guest of a
kernel that itself runs under TCG on 2 host cores, so a guest's own
network stack, its virtio interrupts and the nested VM exits cost far
more than the switch or the bridge (ping RTTs of several milliseconds
on both, where the switch's own per-frame cost is a few microseconds in
the kvs-traffic rows above). The guests also stall whole now and then
(their agent stops answering too) on either backend; such a round gives
no figure and the median is taken over the rest, which the round list
shows. A throughput or latency target between real guests can only be
judged on a host that runs the test kernel with hardware virtualization.
EOF
} >"$doc"

table
echo
split_table
echo
sweep_table
echo
guest_table
echo
cat "$out/ratios"
