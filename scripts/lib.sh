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

export CCACHE_DIR=${CCACHE_DIR:-$BUILD/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
