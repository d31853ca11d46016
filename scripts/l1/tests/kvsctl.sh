# SPDX-License-Identifier: GPL-2.0
# kvsctl, the switches' command-line tool: what it prints (text and JSON,
# names escaped), the kernel's reasons it passes on, and its usage errors.
# What the kernel does with the requests (namespaces, permissions, limits,
# ports coming and going, traffic) is the kselftests' (switch_nl.py,
# ports_nl.py, traffic.py).
. /kvs/lib.sh

fails() { ! "$@" 2>/tmp/err; }	# the command must fail
said() { grep -q "$1" /tmp/err; }	# ...and say why
shows() { # PATTERN KVSCTL-ARGS...: the command works and prints PATTERN
	local pat=$1
	shift
	kvsctl "$@" >/tmp/out 2>&1 && grep -q "$pat" /tmp/out && return
	sed 's/^/# kvsctl printed: /' /tmp/out
	return 1
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

# Ports held by other processes, as QEMU holds them.
kvs-hold sw0 52:54:00:aa:00:01 >/tmp/h1.out 2>&1 &
pid1=$!
kvs-hold sw0 52:54:00:aa:00:02 >/tmp/h2.out 2>&1 &
pid2=$!
attached() { grep -q attached /tmp/h1.out && grep -q attached /tmp/h2.out; }
check "two ports attach" retry 20 attached
check "port show lists both with their MACs" sh -c \
	'kvsctl port show sw0 | grep -q "port sw0/.* mac 52:54:00:aa:00:01" &&
	 kvsctl port show sw0 | grep -q "mac 52:54:00:aa:00:02"'
check "switch counts 2 ports" shows "ports 2" switch show sw0
id=$(kvsctl port show sw0 | sed -n 's|port sw0/\([0-9]*\) mac 52:54:00:aa:00:01.*|\1|p')
check "port get by id ($id)" shows "mac 52:54:00:aa:00:01" port show sw0 "$id"
check "stats SWITCH/ID: its traffic and drops" shows "^port sw0/$id tx-frames [0-9]* .* drops [0-9]*" stats "sw0/$id"
check "port get of a missing id: ENOENT" fails kvsctl port show sw0 9999
check "port dump of a missing switch fails" fails kvsctl port show nope
# Policy, as kvsctl sets and prints it (what the datapath does with it is
# the port_policy.py kselftest's).
check "port set with several settings at once" kvsctl port set sw0 "$id" \
	isolated on spoofchk on allow 02:00:00:00:00:07,02:00:00:00:00:08 max-learned 16
check "port show has them" shows \
	" isolated on learning on flood on mcast-flood on spoofchk on max-learned 16 allow 02:00:00:00:00:07,02:00:00:00:00:08 " \
	port show sw0 "$id"
check "JSON port show has them" shows \
	'"isolated":true,"learning":true,"flood":true,"mcast_flood":true,"spoofchk":true,"max_learned":16,"allowed_macs":\["02:00:00:00:00:07","02:00:00:00:00:08"\],"pvid":0,"trunk":\[\],"coalesce_frames":64,"coalesce_usecs":0' \
	-j port show sw0 "$id"
check "vlan 10 trunk 20,30: pvid 10 and the trunk" kvsctl port set "sw0/$id" vlan 10 trunk 20,30
check "...shown" shows " pvid 10 trunk 20,30 " port show sw0 "$id"
check "vlan none: VLAN-unaware again" kvsctl port set "sw0/$id" vlan none
check "...shown" shows " pvid 0 coalesce" port show sw0 "$id"
check "allow none clears the list" kvsctl port set "sw0/$id" allow none
check "...shown" shows_not " allow " port show sw0 "$id"
check "a user namespace may not change port policy" \
	fails unshare -U -r kvsctl port set "sw0/$id" isolated off
check "...EPERM with the kernel's reason" said "Operation not permitted (CAP_NET_ADMIN"
check "...but may read it" sh -c "unshare -U -r kvsctl port show sw0 $id | grep -q ' isolated on '"
check "port set of a missing port: the kernel's reason" fails kvsctl port set sw0/999 isolated on
check "...no such port" said "no such port"
check "coalesce-frames 2000: the kernel's range" fails kvsctl port set "sw0/$id" coalesce-frames 2000
check "...out of range" said "out of range"
check "17 allowed MACs: the kernel's reason" fails kvsctl port set "sw0/$id" allow \
	"$(for i in $(seq 10 26); do printf '02:00:00:00:01:%s,' "$i"; done)"
check "...at most 16" said "at most 16"
check "isolated 2: kvsctl's on or off" fails kvsctl port set "sw0/$id" isolated 2
check "...said" said "on or off"
check "port set without a setting: usage" fails kvsctl port set "sw0/$id"
check "port set of an unknown setting: usage" fails kvsctl port set "sw0/$id" vlan-bogus 1
kill $pid1 $pid2
exited() { ! kill -0 "$1" 2>/dev/null && ! kill -0 "$2" 2>/dev/null; }
check "the holders exit" retry 20 exited $pid1 $pid2
gone() { kvsctl switch show sw0 | grep -q "ports 0"; }
check "...and their ports leave" retry 20 gone

# A Leulo VM's host port: tcp-for, printed back in text and JSON.
check "port add host with tcp-for" shows "^port sw1/[0-9]* dev kvsl0 ifindex" \
	port add sw1 host kvsl0 tcp-for 52:54:00:aa:00:09
check "port show prints its tcp-for" shows " dev kvsl0 .* tcp-for 52:54:00:aa:00:09" \
	port show sw1
check "...and JSON its tcp_for" shows '"ifname":"kvsl0".*"tcp_for":"52:54:00:aa:00:09"' \
	-j port show sw1
check "a second one for that MAC is refused" \
	fails kvsctl port add sw1 host kvsl1 tcp-for 52:54:00:aa:00:09
check "...EBUSY with the kernel's reason" said "Device or resource busy (another host port takes that MAC's TCP)"
check "tcp-for with mac: refused" \
	fails kvsctl port add sw1 host kvsl1 tcp-for 52:54:00:aa:00:08 mac 52:54:00:aa:00:08

# The kernel's reasons for a tenant, passed on.
check "a user namespace without its own netns may not add switches" \
	fails unshare -U -r kvsctl switch add usw
check "...EPERM with the kernel's reason" said "Operation not permitted (CAP_NET_ADMIN"
check "...nor flush a MAC table: EPERM" sh -c \
	'! unshare -U -r kvsctl fdb flush sw1 2>/tmp/err && grep -q "Operation not permitted" /tmp/err'

# Names are any bytes but NUL: JSON output escapes them.
jname='q"b\x'
check "a switch named with a quote and a backslash" kvsctl switch add "$jname"
json_names() { # NAME: kvsctl -j switch show is JSON and lists NAME intact
	kvsctl -j switch show | python3 -c 'import json, sys
sys.exit(sys.argv[1] not in [s["name"] for s in json.load(sys.stdin)])' "$1"
}
check "...is valid JSON in switch show -j, name intact" json_names "$jname"
check "...and deleted by that name" kvsctl switch del "$jname"

# The per-namespace limit's refusal, as kvsctl says it.
/usr/sbin/ip netns add kvs-lim
inlim() { /usr/sbin/ip netns exec kvs-lim "$@"; }
inlim sh -c 'echo 1 >/proc/sys/net/vhost_kvs/max_switches'
check "one switch in a namespace limited to one" inlim kvsctl switch add l1
check "a second is refused" fails inlim kvsctl switch add l2
check "...ENOSPC naming the sysctl" said "No space left on device (this network namespace has all the switches it may have (sysctl net.vhost_kvs.max_switches))"
/usr/sbin/ip netns del kvs-lim

# The MAC table and the counters as kvsctl prints them, with ports of
# kvs-traffic holding learned MACs and drops (what the datapath does is
# the traffic.py kselftest's).
held_start() { # ARGS...: kvs-traffic -H, waited for until it holds
	rm -f /tmp/held.out
	kvs-traffic -b kvs -H "$@" >/tmp/held.out 2>&1 &
	HELD=$!
	retry 60 grep -q '^holding' /tmp/held.out
}
held_stop() {
	kill "$HELD" 2>/dev/null
	wait "$HELD" 2>/dev/null
	sed 's/^/# /' /tmp/held.out
}
fdb_count() { kvsctl switch show "$1" | sed -n 's/.* fdb \([0-9]*\).*/\1/p'; }
port_of() { # SWITCH MAC: the id of the port with that MAC
	kvsctl port show "$1" | sed -n "s|^port $1/\([0-9]*\) mac $2 .*|\1|p"
}
check "switch kvsage with ageing 4 s" kvsctl switch add kvsage ageing 4
kvsctl monitor >/tmp/mon.out 2>/tmp/mon.err &
mon=$!
kvsctl -j monitor >/tmp/monj.out 2>/tmp/monj.err &
monj=$!
check "kvsctl monitor joins the events group" \
	retry 20 grep -q 'monitoring' /tmp/mon.err /tmp/monj.err
held_start -S kvsage -p 2 -s 60 -n 100
check "kvs-traffic holds two ports that learned" test "$(fdb_count kvsage)" = 2
kvsctl fdb show kvsage | sed 's/^/# /'
check "fdb show lists both MACs on their ports" sh -c \
	"kvsctl fdb show kvsage | grep -q '^fdb kvsage 02:6b:76:73:00:00 vid 0 port [0-9]* idle' &&
	 kvsctl fdb show kvsage | grep -q '^fdb kvsage 02:6b:76:73:00:01 vid 0 port [0-9]* idle'"
check "fdb show -j is a JSON array of both" sh -c \
	"[ \$(kvsctl -j fdb show kvsage | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') = 2 ]"
check "fdb show of a missing switch fails (ENOENT)" sh -c \
	"! kvsctl fdb show nope 2>/tmp/err && grep -q 'No such file' /tmp/err"
p2=$(port_of kvsage 02:6b:76:73:00:01)
check "fdb add: a static entry for 52:54:00:00:00:99 on port $p2" \
	kvsctl fdb add kvsage 52:54:00:00:00:99 port "$p2"
check "... listed as static" sh -c \
	"kvsctl fdb show kvsage | grep -q '^fdb kvsage 52:54:00:00:00:99 vid 0 port $p2 static'"
check "fdb add of a multicast MAC is refused with a reason" sh -c \
	"! kvsctl fdb add kvsage 01:00:5e:00:00:01 port $p2 2>/tmp/err && grep -q 'unicast' /tmp/err"
check "fdb add to a missing port is refused" sh -c \
	"! kvsctl fdb add kvsage 52:54:00:00:00:98 port 999 2>/tmp/err && grep -q 'no such port' /tmp/err"
check "fdb add with a malformed MAC is a usage error (exit 2)" sh -c \
	"kvsctl fdb add kvsage 52:54:zz port $p2 2>/dev/null; [ \$? = 2 ]"
check "the learned MACs age out, the static one stays" \
	retry 12 sh -c '[ "$(kvsctl switch show kvsage | sed -n "s/.* fdb \([0-9]*\).*/\1/p")" = 1 ]'
check "fdb del removes it" kvsctl fdb del kvsage 52:54:00:00:00:99
check "fdb del of a missing entry: ENOENT with a reason" sh -c \
	"! kvsctl fdb del kvsage 52:54:00:00:00:99 2>/tmp/err && grep -q 'no entry' /tmp/err"
held_stop
check "monitor: both ports joined (port-add)" retry 10 sh -c \
	"grep -q '^port-add port kvsage/[0-9]* mac 02:6b:76:73:00:00 queues 1 ' /tmp/mon.out &&
	 grep -q '^port-add port kvsage/[0-9]* mac 02:6b:76:73:00:01 queues 1 ' /tmp/mon.out"
check "monitor: both MACs learned and aged (fdb-learn, fdb-age)" sh -c \
	"grep -q '^fdb-learn kvsage 02:6b:76:73:00:00 vid 0 port [0-9]' /tmp/mon.out &&
	 grep -q '^fdb-age kvsage 02:6b:76:73:00:01 ' /tmp/mon.out"
check "monitor: a port left, with its counters (port-del)" retry 10 grep -q \
	'^port-del port kvsage/[0-9]* mac 02:6b:76:73:00:01 queues 1 .* tx-frames [1-9]' /tmp/mon.out
check "monitor -j: one JSON object per event" sh -c \
	"grep -q '^{\"event\":\"fdb-age\",\"switch\":\"kvsage\",\"mac\":\"02:6b:76:73:00:01\",\"vid\":0,\"port\":[0-9]*}\$' /tmp/monj.out &&
	 grep -q '^{\"event\":\"port-del\",\"port\":{\"switch\":\"kvsage\"' /tmp/monj.out"
sed 's/^/# /' /tmp/mon.out
kill "$mon" "$monj"
check "switch kvsage deleted once its ports left" retry 10 kvsctl switch del kvsage
# A receiver that posts no buffers: drops by reason in kvsctl stats.
check "switch kvsst (default ageing)" kvsctl switch add kvsst
held_start -S kvsst -x -p 2 -s 60 -n 5000 -t 20
p0=$(port_of kvsst 02:6b:76:73:00:00)
p1=$(port_of kvsst 02:6b:76:73:00:01)
# A receiver holds at most 256 of one sender's frames.
full=$((5000 - 256))
kvsctl stats kvsst | sed 's/^/# /'
check "stats SWITCH: the sender's drops are all tx-drop-dest-full" sh -c \
	"kvsctl stats kvsst | grep -q '^port kvsst/$p0 tx-frames 5000 .* drops $full tx-drop-dest-full $full\$'"
check "stats (every switch) shows the receiver's rx-drop-full" sh -c \
	"kvsctl stats | grep -q '^port kvsst/$p1 .* rx-drop-full $full\$'"
check "stats SWITCH/ID: that port alone" sh -c \
	"kvsctl stats kvsst/$p1 | grep -q '^port kvsst/$p1 .* rx-drop-full $full\$' &&
	 [ \$(kvsctl stats kvsst/$p1 | wc -l) = 1 ]"
check "stats of a missing port: fails and says why" \
	sh -c "! kvsctl stats kvsst/999 >/tmp/st.err 2>&1 && grep -q 'No such file' /tmp/st.err"
check "-j stats: drops by reason as JSON" sh -c \
	"kvsctl -j stats kvsst | grep -q '\"id\":$p0,.*\"drops\":$full,\"by_reason\":{\"tx-drop-dest-full\":$full}'"
held_stop
held_start -S kvsst -p 2 -s 60 -n 100
p0=$(port_of kvsst 02:6b:76:73:00:00)
check "fdb flush SWITCH port ID leaves the other port's entry" sh -c \
	"[ \$(kvsctl switch show kvsst | sed -n 's/.* fdb \([0-9]*\).*/\1/p') = 2 ] &&
	 kvsctl fdb flush kvsst port $p0 &&
	 [ \$(kvsctl switch show kvsst | sed -n 's/.* fdb \([0-9]*\).*/\1/p') = 1 ]"
check "fdb flush SWITCH empties it" sh -c \
	"kvsctl fdb flush kvsst && [ \$(kvsctl switch show kvsst | sed -n 's/.* fdb \([0-9]*\).*/\1/p') = 0 ]"
held_stop
check "switch kvsst deleted once its ports left" retry 10 kvsctl switch del kvsst

check "usage: switch with no verb" fails kvsctl switch
check "usage: an unknown object" fails kvsctl bogus show
check "switch del sw0, sw1" sh -c 'kvsctl switch del sw0 && kvsctl switch del sw1'
check "no switches left" shows_not "switch" switch show
exit $((FAILS > 0))
