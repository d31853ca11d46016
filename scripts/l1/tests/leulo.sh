# SPDX-License-Identifier: GPL-2.0
# /dev/vhost-leulo: a guest's TCP sockets served by host sockets in a
# network namespace. kvs-leulo plays the guest (the device's three queues)
# and the peers (ordinary sockets in the namespace); see its header.
[ -c /dev/vhost-leulo ] || { echo "not ok - /dev/vhost-leulo exists"; exit 1; }
echo "ok - /dev/vhost-leulo exists ($(cat /sys/class/misc/vhost-leulo/dev 2>/dev/null))"

# iproute2 (busybox's ip has no netns): the one mkinitramfs.sh installs.
IP=/usr/sbin/ip
# The host's own loopback, which the device must not reach, has to be up
# for its listener (kvs-leulo -l) to exist.
$IP link set lo up
$IP netns del leulo0 2>/dev/null
if ! $IP netns add leulo0 || ! $IP -n leulo0 link set lo up; then
	echo "not ok - namespace leulo0 with lo up"
	exit 1
fi
# Where this iproute2 keeps its namespaces (/run or /var/run).
nsf=$(ls -d /run/netns/leulo0 /var/run/netns/leulo0 2>/dev/null | head -n 1)
echo "ok - namespace leulo0 ($nsf) with lo up"
# lo has ::1 once up when the kernel has IPv6; else kvs-leulo skips the v6 cases.
$IP -n leulo0 -6 addr show dev lo 2>/dev/null | grep -q '::1' ||
	echo "# no ::1 in leulo0: the IPv6 cases skip"
# An address nothing answers, for a connection left in SYN-SENT at the
# teardown: a veth pair inside the namespace and a permanent neighbour
# entry, so the SYNs leave by lz0 and lz1 drops them (not its MAC).
if ! { $IP -n leulo0 link add lz0 type veth peer name lz1 &&
	$IP -n leulo0 addr add 10.255.255.2/24 dev lz0 &&
	$IP -n leulo0 link set lz0 up && $IP -n leulo0 link set lz1 up &&
	$IP -n leulo0 neigh replace 10.255.255.1 lladdr 02:00:00:00:ff:01 \
		dev lz0 nud permanent; }; then
	echo "# no unanswered address in leulo0: that teardown case skips"
fi

kvs-leulo -L -n "$nsf"
rc=$?
$IP netns del leulo0
exit $rc
