# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the host-side scripts. Source it; do not run it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${KVS_BUILD:-$TOP/build}
KVER=6.12
KSRC=$BUILD/linux-$KVER
JOBS=${JOBS:-$(nproc)}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run "$@" and print how long it took, so build times show up in every log.
timed() {
	local t0=$SECONDS rc=0
	"$@" || rc=$?
	log "$1 took $((SECONDS - t0)) s (rc=$rc)"
	return $rc
}

# ccache keeps its own directory (CCACHE_DIR, else ~/.cache/ccache), outside
# the clone, so a fresh clone on a machine that has built before is warm.
# Paths are hashed relative to the clone, so another clone's objects match.
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}

# l1_qemu_bin: the QEMU that runs L1, as KVS_L1_QEMU says (vm-run.sh).
l1_qemu_bin() {
	case ${KVS_L1_QEMU:-tree} in
	tree) echo "$BUILD/qemu/qemu-system-x86_64" ;;
	debian) echo qemu-system-x86_64 ;;
	*) echo "$KVS_L1_QEMU" ;;
	esac
}
