# SPDX-License-Identifier: GPL-2.0
# Port policy: kvsctl port set, enforced in the datapath (kvs-policytest
# plays four guests: anti-spoofing, isolation, flood controls, learning,
# the per-port MAC cap under a flood of random sources, coalescing, and
# the refusals), shown by port show and its JSON, denied without
# CAP_NET_ADMIN; and a network namespace deleted with a switch and
# policy-holding ports in it (the debug kernel's kmemleak scan follows).
. /kvs/lib.sh

fails() { ! "$@" 2>/tmp/err; }
said() { grep -q "$1" /tmp/err; }
shows() { # PATTERN KVSCTL-ARGS...
	local pat=$1
	shift
	kvsctl "$@" >/tmp/out 2>&1 && grep -q -- "$pat" /tmp/out
}

check "switch add pol0" kvsctl switch add pol0
kvsctl monitor >/tmp/pmon.out 2>/tmp/pmon.err &
mon=$!
check "kvsctl monitor joins the events group" retry 20 grep -q monitoring /tmp/pmon.err
kvs-policytest pol0 >/tmp/pol.out 2>&1
rc=$?
cat /tmp/pol.out
check "kvs-policytest finished cleanly" test $rc -eq 0
saw() { retry 10 grep -q "$1" /tmp/pmon.out; }
check "monitor: the foreign MAC moved from A to B (fdb-move)" \
	saw '^fdb-move pol0 02:00:00:00:00:01 vid 0 port 2$'
check "monitor: A's MAC learned in VLAN 10 (fdb-learn with its VLAN)" \
	saw '^fdb-learn pol0 52:54:00:aa:00:01 vid 10 port 1$'
# Learned once, when it was allowed: the spoofed frames before taught
# the switch nothing.
check "monitor: one fdb-learn for the foreign MAC on A, while allowed" \
	sh -c "test \$(grep -c '^fdb-learn pol0 02:00:00:00:00:01 vid 0 port 1$' /tmp/pmon.out) -eq 1"
kill $mon
check "its ports left with it" shows "ports 0" switch show pol0

# One more port (id 5: ids are never reused), held by another process.
kvs-hold pol0 52:54:00:bb:00:01 >/tmp/hp.out 2>&1 &
hp=$!
attached() { grep -q attached /tmp/hp.out; }
check "a port attaches (pol0/5)" retry 20 attached
check "port set with several settings at once" kvsctl port set pol0 5 \
	isolated on spoofchk on allow 02:00:00:00:00:07,02:00:00:00:00:08 max-learned 16
check "port show has them" shows \
	" isolated on learning on flood on mcast-flood on spoofchk on max-learned 16 allow 02:00:00:00:00:07,02:00:00:00:00:08 " \
	port show pol0 5
check "JSON port show has them" shows \
	'"isolated":true,"learning":true,"flood":true,"mcast_flood":true,"spoofchk":true,"max_learned":16,"allowed_macs":\["02:00:00:00:00:07","02:00:00:00:00:08"\],"pvid":0,"trunk":\[\],"coalesce_frames":64,"coalesce_usecs":0' \
	-j port show pol0 5
check "a user namespace may not change port policy" \
	fails unshare -U -r kvsctl port set pol0/5 isolated off
check "...EPERM with the kernel's reason" said "Operation not permitted (CAP_NET_ADMIN"
check "...and nothing changed" shows " isolated on " port show pol0 5
check "...but may read it" sh -c 'unshare -U -r kvsctl port show pol0 5 | grep -q " isolated on "'
check "port set without a setting: usage" fails kvsctl port set pol0/5
check "port set of an unknown setting: usage" fails kvsctl port set pol0/5 vlan-bogus 1
kill $hp
gone() { kvsctl switch show pol0 | grep -q "ports 0"; }
check "the held port left on close" retry 20 gone
check "switch del pol0" kvsctl switch del pol0

# A namespace deleted under a switch whose ports live on: the ports are
# attached in it by processes outside it (KVS_ATTACH_NETNS), so deleting
# it drops its last reference and its exit destroys the switch with the
# ports (and their allowed lists) still attached.
/usr/sbin/ip netns add kvs-pol
# Where this iproute2 keeps its namespaces (/run or /var/run).
nsf=$(ls -d /run/netns/kvs-pol /var/run/netns/kvs-pol 2>/dev/null | head -n 1)
check "switch add in netns kvs-pol" /usr/sbin/ip netns exec kvs-pol kvsctl switch add kvspolns
KVS_ATTACH_NETNS=$nsf kvs-hold kvspolns 52:54:00:bb:00:02 >/tmp/n1.out 2>&1 &
n1=$!
KVS_ATTACH_NETNS=$nsf kvs-hold kvspolns 52:54:00:bb:00:03 >/tmp/n2.out 2>&1 &
n2=$!
both() { grep -q attached /tmp/n1.out && grep -q attached /tmp/n2.out; }
check "two ports attach inside kvs-pol from outside it" retry 20 both
both || sed 's/^/# holder: /' /tmp/n1.out /tmp/n2.out
check "a policy with an allowed list on each" /usr/sbin/ip netns exec kvs-pol sh -c \
	'kvsctl port set kvspolns/1 spoofchk on allow 02:00:00:00:00:09 && kvsctl port set kvspolns/2 isolated on allow 02:00:00:00:00:0a'
check "the namespace shows both ports" sh -c \
	'/usr/sbin/ip netns exec kvs-pol kvsctl switch show kvspolns | grep -q "ports 2"'
probed() { # STATE: both holders, asked, answer STATE
	kill -USR1 $n1 $n2
	sleep 0.2
	grep -q "probe: $1" /tmp/n1.out && grep -q "probe: $1" /tmp/n2.out
}
check "both attached before the namespace goes, their TX queues moving" \
	retry 10 probed "attached tx ok"
/usr/sbin/ip netns del kvs-pol
# The namespace's exit runs from a workqueue; it detaches the ports. A
# holder asked (SIGUSR1) tries to attach again: EISCONN while attached,
# ENOENT once the switch is gone (there is none of that name here).
check "the namespace's exit detached both ports, their files still open" \
	retry 30 probed detached
# A probe also sends a frame: a port whose switch went with its namespace
# still completes what its guest sends (as drops), every time it is asked.
check "... and their TX queues still complete every frame (as drops)" sh -c \
	'grep -q "probe: detached tx ok" /tmp/n1.out &&
	 grep -q "probe: detached tx ok" /tmp/n2.out &&
	 ! grep -h "^probe:" /tmp/n1.out /tmp/n2.out | grep -qv "tx ok\$"'
grep -h "^probe:" /tmp/n1.out /tmp/n2.out | sort | uniq -c | sed 's/^/# /'
kill $n1 $n2
check "ports of a vanished namespace close cleanly" retry 20 sh -c \
	"! kill -0 $n1 2>/dev/null && ! kill -0 $n2 2>/dev/null"
check "no switches left here" sh -c '! kvsctl switch show | grep -q switch'
exit $((FAILS > 0))
