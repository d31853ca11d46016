#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-run.sh [-k normal|debug] [-t SECS] [-o DIR] TEST...
#   -t  limit for the whole L1 run (default 1500 s); each test inside also
#       has its own limit, KVS_TEST_TIMEOUT (default 600 s)
#   KVS_L1_APPEND: more for L1's kernel command line (e.g. "panic=10" to
#       keep an oops on the console before L1 powers off)
#   KVS_L1_SILENCE: seconds without a line from L1 (whose init writes a
#       heartbeat every 15 s) after which L1 counts as frozen (default 240)
#   KVS_L2_KERNEL=normal|debug: the nested guests' kernel (default: L1's);
#       normal under a debug L1 checks the host side under the debug
#       kernel's checkers with guests that boot in time
#   KVS_BENCH_REPS, KVS_BENCH_GUEST_REPS, KVS_BENCH_HOST_REPS,
#       KVS_BENCH_PARTS, KVS_BENCH_PERF, KVS_BENCH_HTTP_REPS,
#       KVS_BENCH_HTTP_SECS, KVS_BENCH_HTTP_CPU_MAX,
#       KVS_DEMO_SECS, KVS_FUZZ_SECS, KVS_FUZZ_SEEDS, KVS_SVMRACE_SECS: passed on to the L1 scripts that read them
#       (bench.sh, demo.sh, fuzz.sh, svmrace.sh; a list arrives comma-separated)
#
# Boot the project's kernel as L1 under QEMU with an initramfs holding the
# test programs, run /kvs/tests/TEST.sh for each TEST inside it, and bring
# the results back over a second serial port.
#
# Prints the tests' TAP lines as they arrive and, at the end, one summary
# line "vm-run: N passed, N failed". Fails (exit 1) when a check failed, a
# test did not finish, L1 never completed, or the kernel log shows a BUG,
# WARNING, KASAN, UBSAN or lockdep report; then the console log is printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/l1-forensics.sh"

flavor=normal limit=${KVS_VM_TIMEOUT:-1500} outdir=
test_limit=${KVS_TEST_TIMEOUT:-600}
silence=${KVS_L1_SILENCE:-240}
while getopts k:t:o: o; do
	case $o in
	k) flavor=$OPTARG ;;
	t) limit=$OPTARG ;;
	o) outdir=$OPTARG ;;
	*) die "usage: vm-run.sh [-k normal|debug] [-t SECS] [-o DIR] TEST..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "no test named"
tests=("$@")
for t; do
	[ -f "$TOP/scripts/l1/tests/$t.sh" ] || die "no such L1 test: $t"
done

kimg=$BUILD/kernel-$flavor/arch/x86/boot/bzImage
[ -f "$kimg" ] || "$TOP/scripts/build-kernel.sh" "$flavor"
outdir=${outdir:-$BUILD/vm-$flavor}
mkdir -p "$outdir"
initrd=$outdir/l1.cpio.gz
"$TOP/scripts/qemu-build.sh" # nested guests' qemu-kvs; instant when built
l2flavor=${KVS_L2_KERNEL:-$flavor}
case $l2flavor in normal | debug) ;; *) die "KVS_L2_KERNEL: normal or debug" ;; esac
l2img=$BUILD/kernel-$l2flavor/arch/x86/boot/bzImage
[ -f "$l2img" ] || "$TOP/scripts/build-kernel.sh" "$l2flavor"
"$TOP/scripts/mkinitramfs.sh" l1 "$initrd" "$kimg" "$l2img"

# L1's QEMU: KVS_L1_QEMU=tree (the default), this tree's build (Debian's
# 7.2 source with qemu/*.patch, built above), which carries the TCG fixes
# that the nested guests need (Documentation/testbed.rst);
# =debian, Debian's binary, to compare; anything else is a path.
l1_qemu=("$(l1_qemu_bin)")
[ "${KVS_L1_QEMU:-tree}" != debian ] && l1_qemu+=(-L /usr/share/seabios -L /usr/share/qemu)
envargs=""
# KVM for L1 only where the CPU really offers it; this project's build
# machines expose a /dev/kvm that cannot run guests.
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
else
	# Under TCG, L1's TSC is its only trusted clocksource (see the
	# -append below), so it is synthesized from the host's monotonic clock
	# at a rate L1 is told (qemu/0011): the host's own cycle counter can
	# jump when the host, itself a guest, is moved, and L1's clock would
	# leap with it. L1 calibrating the rate itself against the emulated
	# PIT now and then fails and the HPET fallback lands 0.1% low; the
	# refinement a second later then moves tsc_khz past KVM's 250 ppm
	# tolerance, and KVM, unable to scale, gives the nested guests a
	# kvmclock rate off from their TSC ("user requested TSC rate below
	# hardware speed"). The host's rate where it reports one ("cpu MHz" on
	# a host without APERF/MPERF), 2 GHz otherwise.
	khz=2000000
	if grep -qw constant_tsc /proc/cpuinfo && ! grep -qw aperfmperf /proc/cpuinfo; then
		host_khz=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
		[ "${host_khz:-0}" -gt 0 ] && khz=$host_khz
	fi
	accel=(-accel tcg,thread=multi -cpu "max,tsc-frequency=${khz}000")
	envargs+=" tsc_early_khz=$khz"
fi

# Knobs of the L1 scripts reach them as init's environment: the kernel
# hands NAME=VALUE words of its command line it does not know to init.
# A list's spaces become commas: the command line splits words at spaces.
for v in KVS_BENCH_REPS KVS_BENCH_GUEST_REPS KVS_BENCH_HOST_REPS KVS_BENCH_PARTS KVS_BENCH_PERF \
	 KVS_BENCH_HTTP_REPS KVS_BENCH_HTTP_SECS KVS_BENCH_HTTP_CPU_MAX KVS_DEMO_SECS KVS_FUZZ_SECS KVS_FUZZ_SEEDS KVS_SVMRACE_SECS; do
	[ -n "${!v:-}" ] && envargs+=" $v=$(echo "${!v}" | tr ' ' ',')"
done

# stop_l1: SIGTERM, then SIGKILL after 10 s: the QEMU of a frozen L1 may
# not leave through its main loop. $qpid is timeout(1); QEMU is its child.
stop_l1() {
	local n=0
	kill "$qpid" 2>/dev/null
	while kill -0 "$qpid" 2>/dev/null; do
		[ $((n += 1)) -le 10 ] || break
		sleep 1
	done
	kill -0 "$qpid" 2>/dev/null || return 0
	log "QEMU did not stop on SIGTERM: SIGKILL"
	pkill -KILL -P "$qpid" 2>/dev/null
	kill -KILL "$qpid" 2>/dev/null
}

# watch_l1: L1's init writes a heartbeat line every 15 s. Output that stops
# for $silence s means L1 no longer runs its processes (a kernel hang with
# interrupts off, or the emulator's vCPUs stuck): look at it, then stop it
# rather than wait for the run's whole limit.
watch_l1() {
	local size last=-1 quiet=0
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 10
		size=$(stat -c %s "$results")
		if [ "$size" != "$last" ]; then
			last=$size quiet=0
			continue
		fi
		quiet=$((quiet + 10))
		[ "$quiet" -ge "$silence" ] || continue
		log "L1 has been silent for $quiet s: looking at its vCPUs, then stopping it"
		l1_frozen >"$outdir/frozen.log" 2>&1
		stop_l1
		return
	done
}

console=$outdir/console.log results=$outdir/results.log
: >"$console"
: >"$results"
rm -f "$outdir/frozen.log"
# QEMU's human monitor on two FIFOs: a frozen L1 is looked at through it.
mon=$outdir/monitor
rm -f "$mon.in" "$mon.out"
mkfifo "$mon.in" "$mon.out"
log "booting L1 ($flavor kernel, ${accel[1]}, ${l1_qemu[0]}) for: $*; limit ${limit} s"
t0=$SECONDS
# tsc=reliable: under TCG the clocksource watchdog now and then finds the
# TSC "skewed" against the emulated HPET and switches L1 to HPET mid-run;
# the nested guests' clocks (kvmclock, from L1's TSC) stall after that.
timeout "$limit" "${l1_qemu[@]}" "${accel[@]}" -smp 2 -m 4096 \
	-kernel "$kimg" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic unknown_nmi_panic panic_print=0x40 loglevel=6 tsc=reliable kvs.tests=\"$*\" kvs.timeout=$test_limit${envargs} ${KVS_L1_APPEND:-}" \
	-display none -monitor pipe:"$mon" -no-reboot -net none \
	-serial file:"$console" -serial file:"$results" </dev/null &
qpid=$!

# Stream results while L1 runs, so a long run shows progress.
# --pid: tail ends with QEMU, even when this script is killed.
tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null | sed -u -e 's/\r$//' -e '/^KVS_/d' &
tpid=$!
watch_l1 &
wpid=$!
rc=0
wait $qpid || rc=$?
sleep 0.5
kill $tpid $wpid 2>/dev/null || true
wait $tpid $wpid 2>/dev/null || true
log "L1 ran for $((SECONDS - t0)) s (qemu rc=$rc)"

tr -d '\r' <"$results" >"$results.clean"
sed -n 's/^KVS_DMESG //p' "$results.clean" >"$outdir/dmesg.log"
pass=$(grep -c '^ok ' "$results.clean" || true)
fail=$(grep -c '^not ok ' "$results.clean" || true)
problems=()
for t; do
	end=$(grep "^KVS_TEST_END $t " "$results.clean" || true)
	if [ -z "$end" ]; then
		problems+=("test $t did not finish")
	elif ! echo "$end" | grep -q ' rc=0 '; then
		# A failing script that printed no "not ok" (it crashed or
		# timed out) still counts as one failure.
		problems+=("test $t: ${end#KVS_TEST_END }")
	fi
done
if [ -s "$outdir/frozen.log" ]; then
	problems+=("L1 froze: no output for $silence s")
elif ! grep -q '^KVS_L1_DONE' "$results.clean"; then
	problems+=("L1 did not complete (qemu rc=$rc)")
fi
if grep -nE "$kpat" "$console" "$outdir/dmesg.log" >"$outdir/kernel-problems.log"; then
	problems+=("kernel log reports problems (see below)")
fi
for p in "${problems[@]}"; do
	echo "not ok - vm-run($flavor): $p"
done
# Scripts that already printed a "not ok" are counted once, not twice.
extra=0
for p in "${problems[@]}"; do
	case $p in
	test*rc=*) [ "$fail" -gt 0 ] || extra=$((extra + 1)) ;;
	*) extra=$((extra + 1)) ;;
	esac
done
fail=$((fail + extra))

# again [FAULT-UPTIME]: boot L1 once more for the tests that need it:
# those that did not end with rc=0, and the one running when the fault hit
# (FAULT-UPTIME, L1's uptime in seconds); the checks of the others, which
# ended well before or after it, count from this boot (KVS_VM_CARRIED).
# A whole L1 run is 10 minutes or more; the test a fault hit, 2 to 5.
again() {
	local at=${1:-} t start end n redo=() carried=0
	for t in "${tests[@]}"; do
		start=$(sed -n "s/^# --- $t (\([0-9.]*\) s)\$/\1/p" "$results.clean")
		end=$(sed -n "s/^KVS_TEST_END $t rc=0 at \([0-9.]*\) s\$/\1/p" "$results.clean")
		if [ -z "$start" ] || [ -z "$end" ] ||
			{ [ -n "$at" ] && awk -v a="$at" -v s="$start" -v e="$end" \
				'BEGIN { exit !(a >= s && a <= e) }'; }; then
			redo+=("$t")
			continue
		fi
		n=$(sed -n "/^# --- $t (/,/^KVS_TEST_END $t /p" "$results.clean" | grep -c '^ok ' || true)
		carried=$((carried + n))
	done
	# A fault between tests hit none of them: all run again.
	[ ${#redo[@]} -gt 0 ] || { redo=("${tests[@]}"); carried=0; }
	cp "$console" "$outdir/console.first.log"
	cp "$results.clean" "$outdir/results.first.log"
	echo "# vm-run($flavor): booting L1 again, once, for: ${redo[*]}" \
		"($carried checks of the other tests passed in this boot and count;" \
		"first console: $outdir/console.first.log)"
	KVS_VM_RETRIED=1 KVS_VM_CARRIED=$carried exec "$0" -k "$flavor" -t "$limit" \
		-o "$outdir" "${redo[@]}"
}
# A frozen L1 (see watch_l1): its vCPUs' state and L1's answer to an NMI
# are printed; L1 is booted once more only when the freeze is the
# emulator's (frozen_in_emulator, frozen_masked_irq), and a second freeze
# fails the run.
if [ -s "$outdir/frozen.log" ]; then
	echo "# vm-run($flavor): L1 froze (no output for $silence s); its vCPUs:"
	sed 's/^/#   /' "$outdir/frozen.log"
	if [ -n "${KVS_VM_RETRIED:-}" ]; then
		:
	elif frozen_in_emulator; then
		cp "$outdir/frozen.log" "$outdir/frozen.first.log"
		again
	elif frozen_masked_irq; then
		echo "# vm-run($flavor): the emulator delivered an interrupt to code" \
			"that had them off (saved EFLAGS without IF):"
		masked_irq_taken "$console" | sed 's/^/#   /'
		cp "$outdir/frozen.log" "$outdir/frozen.first.log"
		again
	else
		echo "# vm-run($flavor): not retried: a vCPU was not halted or in VMRUN," \
			"or the forensics name vhost or vhost-kvs code"
	fi
fi
if [ "$fail" -gt 0 ] && [ -z "${KVS_VM_RETRIED:-}" ] && ours_reported; then
	echo "# vm-run($flavor): not retried: a kernel report names vhost or vhost-kvs code:"
	kernel_reports | grep -m 4 -E "$ours_pat" | sed 's/^/#   /'
fi
# The emulator's fault (emulator_fault): L1 is booted once more, and the
# output says so; a second hit, or any other problem, fails the run.
if [ "$fail" -gt 0 ] && [ -z "${KVS_VM_RETRIED:-}" ] && emulator_fault; then
	echo "# vm-run($flavor): L1 hit the emulator's nested-SVM interrupt fault" \
		"(stack overflow from an interrupt inside KVM's VMRUN window):"
	grep -m 4 -E 'stack guard page|RIP: 0010:__svm_vcpu_run|Comm: CPU [0-9]+/KVM' "$console" | sed 's/^/#   /'
	again "$(sed -n 's/^\[ *\([0-9.]*\)\] BUG: TASK stack guard page was hit.*/\1/p' "$console" | head -n 1)"
fi
# guests_lost: every test that failed lost a nested guest (guest_run
# printed "agent, console and QEMU tails"), L1 itself completed and
# logged no problem. The tests already ran once more in this boot
# (once_more_if_stalled, baseline's pair restart); when that lost a guest
# again, a fresh L1 gets the test to itself. A fault in vhost-kvs that
# kills guests does so in every boot and still fails the run.
guests_lost() {
	local t sect
	[ ! -s "$outdir/kernel-problems.log" ] && [ ! -s "$outdir/frozen.log" ] &&
		grep -q '^KVS_L1_DONE' "$results.clean" || return 1
	for t in "${tests[@]}"; do
		grep -q "^KVS_TEST_END $t rc=0 " "$results.clean" && continue
		sect=$(sed -n "/^# --- $t (/,/^KVS_TEST_END $t /p" "$results.clean")
		echo "$sect" | grep -q 'agent, console and QEMU tails:' || return 1
	done
}
if [ "$fail" -gt 0 ] && [ -z "${KVS_VM_RETRIED:-}" ] && guests_lost; then
	echo "# vm-run($flavor): the failed tests lost nested guests (the test" \
		"bed's interrupt faults, Documentation/testbed.rst), L1 is sound"
	again
fi
if [ -n "${KVS_VM_CARRIED:-}" ]; then
	echo "# vm-run($flavor): $KVS_VM_CARRIED checks passed in the first boot"
	pass=$((pass + KVS_VM_CARRIED))
fi
if [ "$fail" -gt 0 ]; then
	echo "----- L1 console ($console), last 150 lines -----"
	tail -n 150 "$console"
	[ -s "$outdir/kernel-problems.log" ] && { echo "----- kernel problems -----"; cat "$outdir/kernel-problems.log"; }
	# From the first problem on: the traces the console may have missed.
	# (No match is no error: under set -e and pipefail it ended the
	# script before its summary line.)
	first=$(grep -nE "$kpat" "$outdir/dmesg.log" | head -n 1 | cut -d: -f1 || true)
	[ -n "$first" ] && { echo "----- L1 kernel log (dmesg) from line $first -----"; tail -n +"$first" "$outdir/dmesg.log" | head -n 200; }
fi
echo "vm-run($flavor): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
