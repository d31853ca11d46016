#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# flakes.sh [-k normal|debug] [-n RUNS] TEST...
#
# How often the test bed loses a test: boots L1 RUNS times (default 5),
# fresh each time, runs the TESTs in each boot with no retry at all (no
# second boot, KVS_VM_RETRIED), and prints one line per test:
#
#   TEST runs N passed N guest-lost N rerun-in-boot N l1-fault N l1-frozen N other N
#
# guest-lost: the test failed and a nested guest stopped answering;
# rerun-in-boot: a nested guest stalled and the test's script ran once
# more inside the same boot (once_more_if_stalled), whatever came of it;
# l1-fault: L1's console has the emulator's nested-SVM stack-overflow
# fault; l1-frozen: L1 went silent (vm-run's watch); other: any other
# failure (a check of ours, a kernel report). Logs: build/flakes/RUN/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavor=normal runs=5
while getopts k:n: o; do
	case $o in
	k) flavor=$OPTARG ;;
	n) runs=$OPTARG ;;
	*) die "usage: flakes.sh [-k normal|debug] [-n RUNS] TEST..." ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || die "no test named"

declare -A pass lost rerun fault frozen other
for t; do pass[$t]=0 lost[$t]=0 rerun[$t]=0 fault[$t]=0 frozen[$t]=0 other[$t]=0; done

# section RESULTS TEST: the test's lines of one boot
section() { sed -n "/^# --- $2 (/,/^KVS_TEST_END $2 /p" "$1"; }

for i in $(seq "$runs"); do
	out=$BUILD/flakes/$i
	rm -rf "$out"
	mkdir -p "$out"
	log "run $i of $runs: $*"
	KVS_VM_RETRIED=1 "$TOP/scripts/vm-run.sh" -k "$flavor" -o "$out" "$@" \
		>"$out/vm-run.log" 2>&1 || true
	res=$out/results.log.clean
	froze=0 faulted=0
	[ -s "$out/frozen.log" ] && froze=1
	grep -q 'stack guard page was hit' "$out/console.log" && faulted=1
	for t; do
		sect=$(section "$res" "$t" 2>/dev/null || true)
		echo "$sect" | grep -q 'running the test once more' &&
			rerun[$t]=$((rerun[$t] + 1))
		if echo "$sect" | grep -q "^KVS_TEST_END $t rc=0 " &&
			! echo "$sect" | grep -q '^not ok '; then
			pass[$t]=$((pass[$t] + 1))
		elif [ $froze -eq 1 ] && ! echo "$sect" | grep -q "^KVS_TEST_END $t "; then
			frozen[$t]=$((frozen[$t] + 1))
		elif [ $faulted -eq 1 ]; then
			fault[$t]=$((fault[$t] + 1))
		elif echo "$sect" | grep -q 'agent, console and QEMU tails:'; then
			lost[$t]=$((lost[$t] + 1))
		else
			other[$t]=$((other[$t] + 1))
		fi
	done
done
for t; do
	echo "$t runs $runs passed ${pass[$t]} guest-lost ${lost[$t]}" \
		"rerun-in-boot ${rerun[$t]} l1-fault ${fault[$t]}" \
		"l1-frozen ${frozen[$t]} other ${other[$t]}"
done
