#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job, from a fresh Debian 12 machine (as root): install, build the
# kernel and QEMU (Debian's 7.2 source with qemu/*.patch), boot the kernel
# as the test host, and inside it run two guests on a vhost-kvs switch
# (-netdev vhost-kvs) with iperf3 between them, then the same two guests on
# vhost-net + tap + bridge, the figures side by side, and the switch's
# ports, learned MACs and counters.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log "step 1/4: dependencies (apt-get, skipped when present)"
"$TOP/scripts/deps.sh"
log "step 2/4: kernel with CONFIG_VHOST_KVS=y (cold: ~7 min on 2 cores; ccache after)"
timed "$TOP/scripts/build-kernel.sh" normal
log "step 3/4: QEMU with -netdev vhost-kvs (cold: ~6 min; instant once built)"
"$TOP/scripts/qemu-build.sh"
log "step 4/4: boot the kernel under QEMU and run the demo inside"
"$TOP/scripts/vm-run.sh" -k normal -o "$BUILD/demo" demo
