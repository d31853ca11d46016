#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build vhost_kvs.ko out of tree against Debian's 6.12 kernel headers, the
# way a user on a distro kernel (CONFIG_VHOST=m) builds it. The vhost core's
# private header (drivers/vhost/vhost.h) is not in linux-headers, so it is
# taken from the matching linux-source tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${KDIR:-$(ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | sort -V | tail -n 1)}
[ -n "$kdir" ] && [ -f "$kdir/Makefile" ] ||
	die "no 6.12 kernel headers (KDIR=...): run scripts/deps.sh"
"$TOP/scripts/kernel-tree.sh"

mod=$BUILD/module
"$TOP/scripts/stage-driver.sh" "$mod"
log "building vhost_kvs.ko against $kdir"
make -s -C "$kdir" M="$mod" VHOST_SRC="$KSRC/drivers/vhost" \
	CC="ccache gcc" -j"$JOBS" modules
modinfo "$mod/vhost_kvs.ko" | grep -E '^(filename|depends|vermagic):'
