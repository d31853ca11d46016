# SPDX-License-Identifier: GPL-2.0
# guests-kvs.sh through Debian's unmodified QEMU: each guest is started by
# kvs-launch, which attaches a /dev/vhost-kvs port to sw0 and hands QEMU
# the port's tap file and vhost file (-netdev tap,fd=..,vhost=on,vhostfd=..).
GUESTS_MODE=tap
. /kvs/tests/guests-kvs.sh
