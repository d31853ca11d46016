# SPDX-License-Identifier: GPL-2.0
# A real guest whose TCP is Leulo's (-device vhost-leulo-pci of the
# patched QEMU): /kvs/leulo-guests.sh, once more if the nested guest
# stalled (see once_more_if_stalled in lib.sh).
. /kvs/lib.sh
once_more_if_stalled sh /kvs/leulo-guests.sh
