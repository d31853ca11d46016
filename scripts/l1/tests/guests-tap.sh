# SPDX-License-Identifier: GPL-2.0
# /kvs/guests.sh through Debian's unmodified QEMU: each guest is started by
# kvs-launch, which attaches a /dev/vhost-kvs port to sw0 and hands QEMU
# the port's tap file and vhost file (-netdev tap,fd=..,vhost=on,vhostfd=..).
# Once more if a nested guest stalled (see once_more_if_stalled in lib.sh).
. /kvs/lib.sh
GUESTS_MODE=tap once_more_if_stalled sh /kvs/guests.sh
