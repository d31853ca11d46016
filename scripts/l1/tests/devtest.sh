# SPDX-License-Identifier: GPL-2.0
# /dev/vhost-kvs driven the way QEMU drives it, bad input included.
[ -c /dev/vhost-kvs ] || { echo "not ok - /dev/vhost-kvs exists"; exit 1; }
echo "ok - /dev/vhost-kvs exists ($(cat /sys/class/misc/vhost-kvs/dev))"
exec kvs-devtest /dev/vhost-kvs
