# SPDX-License-Identifier: GPL-2.0
# Switches and ports through the control plane: kvsctl over the vhost-kvs
# generic netlink family, VHOST_KVS_ATTACH/DETACH on /dev/vhost-kvs, ports
# leaving on close and on switch deletion, switches vanishing with their
# network namespace, and refusals for bad input.
. /kvs/lib.sh

fails() { ! "$@" 2>/tmp/err; }	# the command must fail
said() { grep -q "$1" /tmp/err; }	# ...and say why
shows() { # PATTERN KVSCTL-ARGS...: the command works and prints PATTERN
	local pat=$1
	shift
	kvsctl "$@" >/tmp/out 2>&1 && grep -q "$pat" /tmp/out
}
shows_not() {
	local pat=$1
	shift
	kvsctl "$@" >/tmp/out 2>&1 && ! grep -q "$pat" /tmp/out
}

check "switch add sw0" kvsctl switch add sw0
check "switch add sw1 with ageing 60, max-fdb 128" kvsctl switch add sw1 ageing 60 max-fdb 128
check "show sw1 reports its settings" shows "switch sw1 ageing 60 max-fdb 128 ports 0" switch show sw1
check "dump lists sw0 and sw1" sh -c 'kvsctl switch show | grep -c "^switch sw" | grep -qx 2'
check "JSON dump" shows '^\[{"name":"sw0".*},{"name":"sw1"' -j switch show
check "a second sw0 is refused" fails kvsctl switch add sw0
check "...with EEXIST and the kernel's reason" said "File exists (a switch of that name exists)"
check "a 16-byte name is refused" fails kvsctl switch add 0123456789abcdef
check "an empty name is refused" fails kvsctl switch add ""
check "ageing 0 is refused (range 1..1000000)" fails kvsctl switch add sw9 ageing 0
check "max-fdb 2^21 is refused" fails kvsctl switch add sw9 max-fdb 2097152
check "sw9 was never created" fails kvsctl switch show sw9
check "deleting a missing switch: ENOENT" fails kvsctl switch del nope
check "...with the kernel's reason" said "No such file or directory (no such switch"

echo "# ioctl checks against sw0"
kvs-devtest -s sw0 >/tmp/devtest.out 2>&1
rc=$?
grep -E '^(not )?ok' /tmp/devtest.out | sed -n '/open a port and/,$p'
check "kvs-devtest -s sw0 (queue pair answers)" test $rc -eq 0
check "ports of closed files are gone" shows "ports 0" switch show sw0

# Held ports: listed while open, gone on close.
kvs-devtest -H sw0 52:54:00:aa:00:01 >/tmp/h1.out 2>&1 &
pid1=$!
kvs-devtest -H sw0 52:54:00:aa:00:02 >/tmp/h2.out 2>&1 &
pid2=$!
attached() { grep -q attached /tmp/h1.out && grep -q attached /tmp/h2.out; }
check "two ports attach" retry 20 attached
check "port show lists both with their MACs" sh -c \
	'kvsctl port show sw0 | grep -q "port sw0/.* mac 52:54:00:aa:00:01" &&
	 kvsctl port show sw0 | grep -q "mac 52:54:00:aa:00:02"'
check "switch counts 2 ports" shows "ports 2" switch show sw0
id=$(kvsctl port show sw0 | sed -n 's|port sw0/\([0-9]*\) mac 52:54:00:aa:00:01.*|\1|p')
check "port get by id ($id)" shows "mac 52:54:00:aa:00:01" port show sw0 "$id"
check "port get of a missing id: ENOENT" fails kvsctl port show sw0 9999
check "port dump of a missing switch fails" fails kvsctl port show nope
kill $pid1
gone1() { kvsctl switch show sw0 | grep -q "ports 1"; }
check "closing a port detaches it" retry 20 gone1
check "switch del with a port attached" kvsctl switch del sw0
check "sw0 is gone" fails kvsctl switch show sw0
kill $pid2
exited() { ! kill -0 "$1" 2>/dev/null; }
check "the port of a deleted switch closes cleanly" retry 20 exited $pid2

# A switch dies with its network namespace.
/usr/sbin/ip netns add kvs-ns
check "switch add in another netns" /usr/sbin/ip netns exec kvs-ns kvsctl switch add nsw
check "not visible from the initial netns" fails kvsctl switch show nsw
check "same name allowed in another netns" kvsctl switch add nsw
check "visible inside its netns" sh -c '/usr/sbin/ip netns exec kvs-ns kvsctl switch show | grep -q "switch nsw"'
/usr/sbin/ip netns del kvs-ns
check "initial netns's nsw survives the other netns" shows "switch nsw" switch show nsw
# Permissions: CAP_NET_ADMIN over the switch's network namespace.
check "a user namespace without its own netns may not add switches" \
	fails unshare -U -r kvsctl switch add usw
check "...EPERM with the kernel's reason" said "Operation not permitted (CAP_NET_ADMIN"
check "...nor delete them" fails unshare -U -r kvsctl switch del sw1
for op in "flush sw1" "add sw1 52:54:00:00:00:01 port 1" "del sw1 52:54:00:00:00:01"; do
	# shellcheck disable=SC2086
	check "...nor change MAC tables (fdb ${op%% *}): EPERM" sh -c \
		"! unshare -U -r kvsctl fdb $op 2>/tmp/err && grep -q 'Operation not permitted' /tmp/err"
done
check "...but may list them" sh -c 'unshare -U -r kvsctl switch show | grep -q "switch sw1"'
check "a user namespace with its own netns manages switches there" \
	unshare -U -r -n sh -c 'kvsctl switch add usw && kvsctl switch show usw'

# Names are any bytes but NUL: JSON output escapes them.
jname='q"b\x'
check "a switch named with a quote and a backslash" kvsctl switch add "$jname"
json_names() { # NAME: kvsctl -j switch show is JSON and lists NAME intact
	kvsctl -j switch show | python3 -c 'import json, sys
sys.exit(sys.argv[1] not in [s["name"] for s in json.load(sys.stdin)])' "$1"
}
check "...is valid JSON in switch show -j, name intact" json_names "$jname"
check "...and deleted by that name" kvsctl switch del "$jname"

# Limits: switches per namespace, set by the host's admin only.
max=/proc/sys/net/vhost_kvs/max_switches
check "net.vhost_kvs.max_switches: 64 by default" test "$(cat $max)" = 64
/usr/sbin/ip netns add kvs-lim
inlim() { /usr/sbin/ip netns exec kvs-lim "$@"; }
check "the host's admin sets a namespace's limit to 2" inlim sh -c "echo 2 >$max"
check "...in that namespace only" test "$(cat $max)" = 64
check "two switches there" sh -c \
	'/usr/sbin/ip netns exec kvs-lim kvsctl switch add l1 &&
	/usr/sbin/ip netns exec kvs-lim kvsctl switch add l2'
check "a third is refused" fails inlim kvsctl switch add l3
check "...ENOSPC naming the sysctl" said "No space left on device (this network namespace has all the switches it may have (sysctl net.vhost_kvs.max_switches))"
check "after a deletion there is room again" sh -c \
	'/usr/sbin/ip netns exec kvs-lim kvsctl switch del l1 &&
	 /usr/sbin/ip netns exec kvs-lim kvsctl switch add l3'
/usr/sbin/ip netns del kvs-lim
check "a tenant's root may read its limit" \
	unshare -U -r -n sh -c "test \"\$(cat $max)\" = 64"
check "...not raise it" unshare -U -r -n sh -c "! echo 1000 >$max"
check "switch del sw1, nsw" sh -c 'kvsctl switch del sw1 && kvsctl switch del nsw'
check "no switches left" shows_not "switch" switch show
exit $((FAILS > 0))
