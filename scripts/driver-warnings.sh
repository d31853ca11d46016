#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The driver built with W=1 and checked by sparse (C=2: every file, built
# or not), in both kernels' build trees (the debug one adds the KUnit
# suites): any compiler or sparse warning fails. Needs the kernels built.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for flavor in normal debug; do
	[ -f "$BUILD/kernel-$flavor/.config" ] ||
		die "no $flavor kernel build (scripts/build-kernel.sh $flavor)"
	log "$flavor: make W=1 C=2 drivers/vhost-kvs/"
	make -s -C "$KSRC" O="$BUILD/kernel-$flavor" CC="ccache gcc" W=1 C=2 \
		drivers/vhost-kvs/ >>"$out" 2>&1
done
cat "$out"
# (Not "! grep": set -e ignores a negated command's status.)
if grep -qE 'warning:|error:' "$out"; then
	die "W=1 or sparse: warnings above"
fi
echo "W=1 and sparse: clean"
