# SPDX-License-Identifier: GPL-2.0
# Real guests on vhost-kvs through the patched QEMU (qemu-kvs, -netdev
# vhost-kvs): /kvs/guests.sh in its kvs mode, once more if a nested guest
# stalled (see once_more_if_stalled in lib.sh).
. /kvs/lib.sh
GUESTS_MODE=kvs once_more_if_stalled sh /kvs/guests.sh
