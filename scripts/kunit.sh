#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the KUnit suites in drivers/vhost-kvs/tests/ with the kernel's own kunit.py, on UML.
#
# UML, not --arch=x86_64: the suites test code that needs no hardware and
# no guest, and UML runs them as a plain process in well under a second
# after a build that ccache keeps short, with no QEMU boot in the way.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel-tree.sh"
out=$BUILD/kunit.log
rc=0
(cd "$KSRC" && python3 tools/testing/kunit/kunit.py run \
	--build_dir="$BUILD/kunit" \
	--kunitconfig="$TOP/drivers/vhost-kvs/tests/.kunitconfig" \
	--jobs="$JOBS" --timeout=300 \
	--make_options "CC=ccache gcc" "$@") 2>&1 | tee "$out" || rc=$?

# kunit.py closes with "Ran N tests: passed: P, failed: F, ...".
sum=$(grep -E 'Ran [0-9]+ tests' "$out" | tail -n 1)
p=$(echo "$sum" | sed -nE 's/.*passed: ([0-9]+).*/\1/p')
f=$(echo "$sum" | sed -nE 's/.*failed: ([0-9]+).*/\1/p')
[ -n "$p" ] || { p=0; f=1; }
echo "kunit: ${p:-0} passed, ${f:-0} failed"
[ "$rc" -eq 0 ] && [ "${f:-0}" -eq 0 ] && [ "$p" -gt 0 ]
