#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm-run-verdicts.sh [FILE]: vm-run.sh's decisions about a failed L1 boot,
# on made-up consoles: a fault or freeze is retried only when it is the
# emulator's alone, never when a report or the forensics name a vhost
# worker or vhost/vhost-kvs code. Prints TAP; exits non-zero on a failure.
set -uo pipefail
# FILE: where the verdicts are defined (default scripts/l1-forensics.sh;
# an older scripts/vm-run.sh, which had them itself, works too).
vmrun=${1:-$(dirname "$0")/../l1-forensics.sh}
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
n=0 fails=0
console=$outdir/console.log
: >"$outdir/dmesg.log"

# The functions under test, as FILE defines them.
kpat=$(sed -n "s/^kpat='\(.*\)'$/\1/p" "$vmrun")
eval "$(sed -n '/^emulator_fault() {/,/^}/p; /^kernel_reports() {/,/^}/p;
	/^ours_pat=/p; /^ours_reported() {/,/^}/p;
	/^frozen_in_emulator() {/,/^}/p; /^masked_irq_taken() {/,/^}/p;
	/^frozen_masked_irq() {/,/^}/p' "$vmrun")"

expect() { # WANT(0 yes, 1 no) DESC CMD...
	local want=$1 desc=$2 rc=0
	shift 2
	"$@" >/dev/null 2>&1 || rc=$?
	[ "$rc" -ne 0 ] && rc=1
	n=$((n + 1))
	if [ "$rc" -eq "$want" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		fails=$((fails + 1))
	fi
}
# A vm-run.sh without frozen_in_emulator retried every freeze.
retried_freeze() {
	declare -F frozen_in_emulator >/dev/null || return 0
	frozen_in_emulator
}

guard() { # the emulator's fault in a KVM vCPU thread
	cat <<'E'
[   35.1] BUG: TASK stack guard page was hit at 0000 (stack is 0000..0000)
[   35.1] Oops: stack guard page: 0000 [#1] SMP
[   35.1] CPU: 1 PID: 400 Comm: CPU 0/KVM Not tainted
[   35.1] RIP: 0010:__svm_vcpu_run+0x9c/0x100
[   35.2] ---[ end trace 0000000000000000 ]---
E
}

guard >"$console"
expect 0 "the emulator's fault alone: retried" emulator_fault
{ guard; echo "[   35.3] NMI backtrace for cpu 0"; echo "[   35.3]  kvs_handle_rx+0x40/0x100"; } >"$console"
expect 0 "...also when another CPU's backtrace was in vhost-kvs" emulator_fault
{ guard; echo "[   36.0] WARNING: CPU: 0 PID: 300 at drivers/vhost/vhost.c:725 vhost_dev_cleanup+0x1/0x2";
  echo "[   36.1]  kvs_ioctl+0x40/0x100"; } >"$console"
expect 1 "a second report naming vhost-kvs code: not retried" emulator_fault
{ guard; echo "[   37.0] BUG: kernel NULL pointer dereference, address: 0000000000000008";
  echo "[   37.0] CPU: 0 PID: 812 Comm: vhost-800 Not tainted"; } >"$console"
expect 1 "a report in a vhost worker: not retried" emulator_fault

frozen() { # RIP-SYMBOL-OF-CPU0 RIP-SYMBOL-OF-CPU1 [STACK-SYMBOL]
	printf '== vCPU 0\n  ffffffff81a00000 %s+0xf\n-- kernel text on its stack (from RSP 1):\n' "$1"
	[ -n "${3:-}" ] && printf '  ffffffff81a00010 %s+0x10\n' "$3"
	printf '== vCPU 1\n  ffffffff81a00000 %s+0xf\n-- kernel text on its stack (from RSP 2):\n' "$2"
}
frozen pv_native_safe_halt pv_native_safe_halt >"$outdir/frozen.log"
expect 0 "frozen L1, both vCPUs halted: retried" retried_freeze
frozen pv_native_safe_halt kvs_handle_rx >"$outdir/frozen.log"
expect 1 "frozen L1, a vCPU in vhost-kvs code: not retried" retried_freeze
frozen pv_native_safe_halt __svm_vcpu_run vhost_worker >"$outdir/frozen.log"
expect 1 "frozen L1, vhost code on a stack: not retried" retried_freeze
frozen pv_native_safe_halt queued_spin_lock_slowpath >"$outdir/frozen.log"
expect 1 "frozen L1, a vCPU spinning on a lock: not retried" retried_freeze

# An interrupt taken with interrupts off (the 2026-12-01 freeze, cut down)
masked() { # EFLAGS-OF-THE-INTERRUPTED-CONTEXT [FRAME]
	cat <<E
[  418.9] NMI backtrace for cpu 0
[  418.9]  <IRQ>
[  418.9]  sched_ttwu_pending+0x39/0xf0
[  418.9]  sysvec_call_function_single+0x2c/0x80
[  418.9]  ${2:-asm_sysvec_call_function_single}+0x16/0x20
[  418.9] RIP: 0010:ttwu_do_activate.constprop.0+0x0/0x130
[  418.9] Code: 09 00 00 83 78 68 01 75 e8
[  418.9] RSP: 0018:ffffc90000003f48 EFLAGS: $1
[  418.9]  try_to_wake_up+0x21c/0x360
E
}
if declare -F masked_irq_taken >/dev/null; then
	masked 00000002 >"$console"
	expect 0 "an interrupt taken with IF clear: the emulator's" masked_irq_taken "$console"
	masked 00000246 >"$console"
	expect 1 "an interrupt taken with IF set: not proof of anything" masked_irq_taken "$console"
	masked 00000002 asm_exc_page_fault >"$console"
	expect 1 "a page fault with IF clear: not an interrupt, not proof" masked_irq_taken "$console"
	masked 00000082 end_repeat_nmi >"$console"
	expect 1 "an NMI with IF clear: NMIs are not masked, not proof" masked_irq_taken "$console"
	expect 1 "no console: not proof" masked_irq_taken /tmp/nonexistent.$$
fi
if declare -F frozen_masked_irq >/dev/null; then
	frozen pv_native_safe_halt queued_spin_lock_slowpath >"$outdir/frozen.log"
	masked 00000002 >"$console"
	expect 0 "frozen, an interrupt taken with IF clear, nothing of ours: retried" \
		frozen_masked_irq
	{ masked 00000002; echo "[  419.0]  kvs_handle_rx+0x40/0x100"; } >"$console"
	expect 1 "...but another CPU's backtrace in vhost-kvs: not retried" frozen_masked_irq
	masked 00000002 >"$console"
	echo "[  300.0] CPU: 1 PID: 812 Comm: vhost-800 Not tainted" >"$outdir/dmesg.log"
	expect 1 "...or a vhost worker in the kernel log: not retried" frozen_masked_irq
	: >"$outdir/dmesg.log"
	frozen pv_native_safe_halt queued_spin_lock_slowpath kvs_fwd_vport >"$outdir/frozen.log"
	expect 1 "...or vhost-kvs code on a frozen vCPU's stack: not retried" frozen_masked_irq
fi

echo "1..$n"
echo "vm-run verdicts: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
