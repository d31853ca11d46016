# SPDX-License-Identifier: GPL-2.0
# VMs on two hosts over VXLAN, run by tests/overlay.sh. Two network
# namespaces of L1 play the hosts, joined by a veth pair (the underlay,
# 192.168.50.0/24, MTU 1550 so that the overlay keeps 1500: VXLAN adds 50
# bytes); each has its own
# switch, a kernel VXLAN device as its uplink (VNI 42, head-end
# replication to the other host's underlay address) and one nested guest:
#
#   vm1 10.20.0.1 -- swA (host hvA) -- vxlan -- underlay -- vxlan -- swB (host hvB) -- vm2 10.20.0.2
#
# The guests ping each other, run iperf3 TCP and UDP, and fetch 8 MiB over
# HTTP with its SHA-256 compared.
. /kvs/lib.sh
trap 'guests_stop; /usr/sbin/ip netns del hvA 2>/dev/null; /usr/sbin/ip netns del hvB 2>/dev/null' EXIT
IP=/usr/sbin/ip

# host N ADDR PEER: namespace hvN with its underlay end, VXLAN and switch
host() {
	local ns=hv$1
	$IP link set "u$1" netns "$ns" &&
		$IP -n "$ns" link set "u$1" mtu 1550 up &&
		$IP -n "$ns" addr add "$2"/24 dev "u$1" &&
		$IP -n "$ns" link add vx0 type vxlan id 42 local "$2" remote "$3" \
			dstport 4789 dev "u$1" &&
		$IP -n "$ns" link set vx0 up &&
		$IP netns exec "$ns" kvsctl switch add "sw$1" >/dev/null &&
		$IP netns exec "$ns" kvsctl port add "sw$1" uplink vx0 >/dev/null
}
setup() {
	$IP netns add hvA && $IP netns add hvB &&
		$IP link add uA type veth peer name uB &&
		host A 192.168.50.1 192.168.50.2 && host B 192.168.50.2 192.168.50.1
}
check "two hosts (namespaces) with a switch and a VXLAN uplink each" setup
check "the uplinks are VXLAN devices of the switches" sh -c \
	"$IP netns exec hvA kvsctl port show swA | grep -q 'type uplink dev vx0 '"

ok=0
# shellcheck disable=SC2046
L2_QEMU="$IP netns exec hvA qemu-kvs" guest_start vm1 10.20.0.1/24 \
	$(nic_kvs 1 swA) || ok=1
# shellcheck disable=SC2046
L2_QEMU="$IP netns exec hvB qemu-kvs" guest_start vm2 10.20.0.2/24 \
	$(nic_kvs 2 swB) || ok=1
check "vm1 on host A and vm2 on host B boot" test $ok -eq 0
[ $ok -eq 0 ] || exit 1

pings() { guest_run vm2 30 ping -c 3 -W 2 10.20.0.1 | grep -q ' 3 packets received'; }
check "vm2 (host B) pings vm1 (host A) over VXLAN: 3 of 3" retry 3 pings
check "host A's switch learned vm2's MAC on its uplink" sh -c \
	"$IP netns exec hvA kvsctl fdb show swA | grep -qi '52:54:00:00:01:02'"

check "iperf3 server starts in vm1" guest_run vm1 20 iperf3 -s -D
guest_iperf "vm2 -> vm1 iperf3 TCP over VXLAN" 10.20.0.1 -t 3
guest_iperf "vm2 -> vm1 iperf3 UDP 64 B over VXLAN" 10.20.0.1 -u -b 2M -l 64 -t 2

check "vm1 serves 8 MiB over HTTP" guest_run vm1 30 \
	'mkdir -p /tmp/www && head -c 8388608 /dev/urandom >/tmp/www/blob && sha256sum </tmp/www/blob >/tmp/www/blob.sum && httpd -p 8080 -h /tmp/www'
check "8 MiB over HTTP vm1 -> vm2 over VXLAN: SHA-256 matches" guest_run vm2 120 \
	'wget -q -O /tmp/blob http://10.20.0.1:8080/blob && wget -q -O /tmp/blob.sum http://10.20.0.1:8080/blob.sum && [ "$(sha256sum </tmp/blob)" = "$(cat /tmp/blob.sum)" ]'

$IP netns exec hvA kvsctl port show swA | sed 's/^/# /'
no_drops() { # the uplinks dropped nothing as too big or malformed
	local ns
	for ns in A B; do
		$IP netns exec hv$ns kvsctl -j port show sw$ns | grep -q '"rx-drop-too-big": *0[,}]' || return 1
		! $IP netns exec hv$ns kvsctl -j port show sw$ns |
			grep -qE '"tx-drop-(bad-hdr|runt|oversize)": *[1-9]' || return 1
	done
}
check "no frame too big for the overlay, none malformed" no_drops
guests_stop
check "host A's switch deleted, its uplink given back" sh -c \
	"$IP netns exec hvA kvsctl switch del swA && ! $IP -n hvA -d link show vx0 | grep -q 'promiscuity 1'"
exit $((FAILS > 0))
