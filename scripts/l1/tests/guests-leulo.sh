# SPDX-License-Identifier: GPL-2.0
# A real guest whose TCP is Leulo's (-device vhost-leulo-pci of the
# patched QEMU): /kvs/leulo-guests.sh. Not run again when the guest stops
# answering: a Leulo call that never returns looks exactly like that, and
# a second run could pass over it. Only vm-run's second boot for an
# emulator fault it recognises by its signature applies.
. /kvs/lib.sh
sh /kvs/leulo-guests.sh
