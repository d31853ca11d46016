#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the test-bed kernel: build-kernel.sh normal|debug
# Output: build/kernel-FLAVOR/arch/x86/boot/bzImage
#
# Config = allnoconfig with the fragments in scripts/kconfig/ pinned through
# KCONFIG_ALLCONFIG (the WireGuard qemu harness does the same). Every option
# a fragment asks for is checked afterwards, so a dependency that silently
# drops an option fails the build instead of producing a kernel without it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavor=${1:-normal}
case $flavor in
normal) frags=(base.config) ;;
debug) frags=(base.config debug.config) ;;
*) die "unknown flavour '$flavor' (normal|debug)" ;;
esac

# One build of a flavour at a time (vm-run.sh builds a missing kernel
# too); kernel-tree.sh is shared by both flavours.
mkdir -p "$BUILD"
exec 9>"$BUILD/.kernel-$flavor.lock"
flock 9
"$TOP/scripts/kernel-tree.sh"
out=$BUILD/kernel-$flavor
mkdir -p "$out"

want=$(cd "$TOP/scripts/kconfig" && cat "${frags[@]}")
if [ ! -f "$out/.config" ] || [ "$want" != "$(cat "$out/kvs.config" 2>/dev/null)" ]; then
	printf '%s\n' "$want" >"$out/kvs.config"
	make -s -C "$KSRC" O="$out" KCONFIG_ALLCONFIG="$out/kvs.config" allnoconfig
fi

missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$out/kvs.config" | while read -r l; do
	grep -qxF "$l" "$out/.config" || echo "$l"
done)
[ -z "$missing" ] || die "kernel config lacks (unmet dependency?): $missing"

log "building $flavor kernel in $out (ccache in ${CCACHE_DIR:-~/.cache/ccache})"
t0=$SECONDS
make -s -C "$KSRC" O="$out" CC="ccache gcc" -j"$JOBS" bzImage
log "$flavor kernel built in $((SECONDS - t0)) s: $out/arch/x86/boot/bzImage"
