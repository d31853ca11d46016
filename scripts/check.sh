#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test of the project, from a fresh Debian 12 machine (as root):
# dependencies, kernels, QEMU, the out-of-tree module build, KUnit on UML,
# the packages (make deb, built by DKMS), L1 tests on the normal and the
# debug kernel (kselftests in both, KUnit in the debug one, real guests in
# the normal one), and kernel style. Each step's log is in build/check/.
# Ends with "N retried (...)", then one line: "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"

logs=$BUILD/check
mkdir -p "$logs"
passed=0 failed=0 t_start=$SECONDS

tally() { # STEP PASSED FAILED
	passed=$((passed + $2))
	failed=$((failed + $3))
	log "$1: $2 passed, $3 failed"
}

# Run a step that counts as one test: it passes when it exits 0.
step() { # NAME CMD...
	local name=$1 rc=0
	shift
	log "== $name"
	"$@" >"$logs/$name.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		tally "$name" 1 0
	else
		tail -n 40 "$logs/$name.log"
		tally "$name" 0 1
	fi
	return $rc
}

# Run a step that prints its own "N passed, N failed" (or KUnit's) summary.
suite() { # NAME CMD...
	local name=$1 rc=0 p f line
	shift
	log "== $name"
	"$@" 2>&1 | tee "$logs/$name.log" || rc=$?
	# The suite's own summary: not a "# ..." line some tool inside printed.
	line=$(grep -E '^[^#].*[0-9]+ passed, [0-9]+ failed' "$logs/$name.log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
		f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
	else
		p=0 f=0
	fi
	# A suite that failed without saying so still failed.
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	tally "$name" "$p" "$f"
}


step deps "$TOP/scripts/deps.sh" || { echo "0 passed, 1 failed"; exit 1; }
step kernel-normal timed "$TOP/scripts/build-kernel.sh" normal
step kernel-debug timed "$TOP/scripts/build-kernel.sh" debug
step qemu-kvs timed "$TOP/scripts/qemu-build.sh"
step module-out-of-tree "$TOP/scripts/build-module.sh"
# make deb's packages installed here; DKMS builds the module for Debian's
# 6.12 headers (nothing is loaded); removed again.
step deb-dkms "$TOP/scripts/build-deb.sh" --check
step checkpatch "$TOP/scripts/checkpatch.sh"
step driver-warnings "$TOP/scripts/driver-warnings.sh"
step ynl-generated "$TOP/scripts/ynl-gen.sh" --check
# The KUnit suites with the kernel's own runner, on UML (they also run
# inside the debug kernel, under its checkers, below).
suite kunit-uml "$TOP/scripts/kunit.sh"
# vm-run's retry decisions on made-up consoles: only the emulator's
# faults and freezes get a second boot.
suite vm-run-verdicts "$TOP/scripts/tests/vm-run-verdicts.sh"
# The real-guest tests may run twice when a nested guest stalls (see
# once_more_if_stalled in scripts/l1/lib.sh): room for that.
export KVS_TEST_TIMEOUT=900
suite l1-normal "$TOP/scripts/vm-run.sh" -k normal -t 2700 \
	svmrace leulo kselftest kvsctl baseline guests-kvs guests-tap \
	guests-leulo \
	overlay
# The KUnit suites run inside the debug kernel too (kunit test), under
# its checkers.
# The ring fuzzer (kvs-fuzz, fixed seeds) runs there too, under KASAN,
# lockdep and kmemleak; make fuzz runs it longer. So do real Leulo
# guests, Leulo's host side under those checkers: the guests boot the
# normal kernel (a debug guest under a debug L1 is not ready in 120 s).
suite l1-debug env KVS_L2_KERNEL=normal "$TOP/scripts/vm-run.sh" -k debug \
	kunit leulo kselftest fuzz guests-leulo

log "make check took $((SECONDS - t_start)) s; logs in $logs"
# Retries, which only failures shown to be the test bed's get (a second
# L1 boot: vm-run.sh; a test run again in its boot for a stalled nested
# guest: once_more_if_stalled): counted here, never hidden in the passes.
# (Lines echoed "as it runs" are the same lines again.)
retried() { cat "$logs"/*.log | grep -v '(as it runs)' | grep -c "$1" || true; }
boots=$(retried 'booting L1 again, once, for')
reruns=$(retried 'stalled in the run above: running the test once more')
echo "$((boots + reruns)) retried ($boots L1 boots again, $reruns tests run again in their boot)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
