#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-run.sh [-k normal|debug] [-t SECS] [-o DIR] TEST...
#   -t  limit for the whole L1 run (default 1500 s); each test inside also
#       has its own limit, KVS_TEST_TIMEOUT (default 600 s)
#   KVS_L1_APPEND: more for L1's kernel command line (e.g. "panic=10" to
#       keep an oops on the console before L1 powers off)
#   KVS_BENCH_REPS, KVS_BENCH_GUEST_REPS, KVS_DEMO_SECS: passed on to the
#       L1 scripts that read them (bench.sh, demo.sh)
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

args=("$@")
flavor=normal limit=${KVS_VM_TIMEOUT:-1500} outdir=
test_limit=${KVS_TEST_TIMEOUT:-600}
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
for t; do
	[ -f "$TOP/scripts/l1/tests/$t.sh" ] || die "no such L1 test: $t"
done

kimg=$BUILD/kernel-$flavor/arch/x86/boot/bzImage
[ -f "$kimg" ] || "$TOP/scripts/build-kernel.sh" "$flavor"
outdir=${outdir:-$BUILD/vm-$flavor}
mkdir -p "$outdir"
initrd=$outdir/l1.cpio.gz
"$TOP/scripts/qemu-build.sh" # nested guests' qemu-kvs; instant when built
"$TOP/scripts/mkinitramfs.sh" l1 "$initrd" "$kimg"

# KVM for L1 only where the CPU really offers it; this project's build
# machines expose a /dev/kvm that cannot run guests.
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
else
	accel=(-accel tcg,thread=multi -cpu max)
fi

# Knobs of the L1 scripts reach them as init's environment: the kernel
# hands NAME=VALUE words of its command line it does not know to init.
envargs=""
for v in KVS_BENCH_REPS KVS_BENCH_GUEST_REPS KVS_DEMO_SECS; do
	[ -n "${!v:-}" ] && envargs+=" $v=${!v}"
done

console=$outdir/console.log results=$outdir/results.log
: >"$console"
: >"$results"
log "booting L1 ($flavor kernel, ${accel[1]}) for: $*; limit ${limit} s"
t0=$SECONDS
# tsc=reliable: under TCG the clocksource watchdog now and then finds the
# TSC "skewed" against the emulated HPET and switches L1 to HPET mid-run;
# the nested guests' clocks (kvmclock, from L1's TSC) stall after that.
timeout "$limit" qemu-system-x86_64 "${accel[@]}" -smp 2 -m 4096 \
	-kernel "$kimg" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=6 tsc=reliable kvs.tests=\"$*\" kvs.timeout=$test_limit${envargs} ${KVS_L1_APPEND:-}" \
	-display none -monitor none -no-reboot -net none \
	-serial file:"$console" -serial file:"$results" </dev/null &
qpid=$!

# Stream results while L1 runs, so a long run shows progress.
# --pid: tail ends with QEMU, even when this script is killed.
tail -n +1 -F --pid="$qpid" "$results" 2>/dev/null | sed -u -e 's/\r$//' -e '/^KVS_/d' &
tpid=$!
rc=0
wait $qpid || rc=$?
sleep 0.5
kill $tpid 2>/dev/null || true
wait $tpid 2>/dev/null || true
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
grep -q '^KVS_L1_DONE' "$results.clean" || problems+=("L1 did not complete (qemu rc=$rc)")
kpat='BUG:|WARNING:|Oops|Kernel panic|KASAN|UBSAN|possible circular|possible recursive|inconsistent lock state|suspicious RCU|kmemleak: [0-9]+ new'
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

# The emulator under L1 (QEMU's TCG, emulating AMD SVM for the nested
# guests) now and then delivers an interrupt right after VMRUN returns,
# while KVM still has GIF clear and the guest's GS base loaded: the
# handler's per-CPU access faults, and so does the fault handler, until
# the stack overflows. Real CPUs hold interrupts until STGI. That is not
# this project's kernel code, so L1 is booted once more, and the output
# says so; a second hit, or any other problem, fails the run. The oops
# names the RIP of VMRUN's next instruction, or (the trace cut short by the
# recursion) only the innermost fault handler; either way the overflowed
# stack is a KVM vCPU thread's, where this project's code never runs.
emulator_fault() {
	grep -q 'stack guard page was hit' "$console" &&
		{ grep -q 'RIP: 0010:__svm_vcpu_run' "$console" ||
			grep -A 3 'stack guard page was hit' "$console" |
			grep -qE 'Comm: CPU [0-9]+/KVM'; }
}
if [ "$fail" -gt 0 ] && [ -z "${KVS_VM_RETRIED:-}" ] && emulator_fault; then
	echo "# vm-run($flavor): L1 hit the emulator's nested-SVM interrupt fault" \
		"(stack overflow from an interrupt inside KVM's VMRUN window):"
	grep -m 4 -E 'stack guard page|RIP: 0010:__svm_vcpu_run|Comm: CPU [0-9]+/KVM' "$console" | sed 's/^/#   /'
	cp "$console" "$outdir/console.first.log"
	echo "# vm-run($flavor): booting L1 again, once (first console: $outdir/console.first.log)"
	KVS_VM_RETRIED=1 exec "$0" "${args[@]}"
fi
if [ "$fail" -gt 0 ]; then
	echo "----- L1 console ($console), last 150 lines -----"
	tail -n 150 "$console"
	[ -s "$outdir/kernel-problems.log" ] && { echo "----- kernel problems -----"; cat "$outdir/kernel-problems.log"; }
	# From the first problem on: the traces the console may have missed.
	first=$(grep -nE "$kpat" "$outdir/dmesg.log" | head -n 1 | cut -d: -f1)
	[ -n "$first" ] && { echo "----- L1 kernel log (dmesg) from line $first -----"; tail -n +"$first" "$outdir/dmesg.log" | head -n 200; }
fi
echo "vm-run($flavor): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
