#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build and install the driver's kselftests the kernel's way:
#   make -C tools/testing/selftests TARGETS="net/lib drivers/net/vhost_kvs" install
# in build/linux-6.12 (the project's tests/ staged there by kernel-tree.sh),
# against that tree's uapi headers, into build/kselftest (or $1). The L1
# initramfs carries the result; inside L1 they run with its
# run_kselftest.sh, as in any kernel with the driver.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dest=${1:-$BUILD/kselftest}
obj=$BUILD/kselftest-obj
"$TOP/scripts/kernel-tree.sh"
# The uapi headers (vhost_kvs*.h included) for KHDR_INCLUDES; a
# no-.config target, so its own object directory.
make -s -C "$KSRC" O="$obj" headers
rm -rf "$dest"
make -s -C "$KSRC/tools/testing/selftests" O="$obj" CC="ccache gcc" \
	TARGETS="net/lib drivers/net/vhost_kvs" INSTALL_PATH="$dest" install
[ -x "$dest/drivers/net/vhost_kvs/port_attach" ] ||
	die "kselftests not installed in $dest"
log "kselftests installed in $dest"
