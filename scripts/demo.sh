#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job, from a fresh Debian 12 machine (as root): install, build the
# kernel, boot it as the test host and show what vhost-kvs has today:
# the device answering QEMU's vhost ioctls, and two nested guests talking
# over the peer it will be measured against (vhost-net + tap + bridge).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

log "step 1/3: dependencies (apt-get, skipped when present)"
"$TOP/scripts/deps.sh"
log "step 2/3: kernel with CONFIG_VHOST_KVS=y (cold: ~7 min on 2 cores; ccache after)"
timed "$TOP/scripts/build-kernel.sh" normal
log "step 3/3: boot it under QEMU and run the demo inside"
"$TOP/scripts/vm-run.sh" -k normal -o "$BUILD/demo" demo
