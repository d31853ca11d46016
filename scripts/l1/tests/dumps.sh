# SPDX-License-Identifier: GPL-2.0
# Dumps in several parts: each is complete when nothing changes between
# the parts, and marked NLM_F_DUMP_INTR when the switches, the ports (or
# their policy) or the MAC table changed while it was read (dumpintr.py
# reads the parts one by one and makes a change between the first two).
. /kvs/lib.sh

field() { # NAME: the number after NAME in /tmp/dump.out
	sed -n "s/.* *$1 \([0-9]*\).*/\1/p" /tmp/dump.out
}
dump() { # OP [SWITCH] [-- CMD...]: dumpintr.py's summary in /tmp/dump.out
	python3 /kvs/dumpintr.py "$@" >/tmp/dump.out 2>&1
}
whole() { # N OP ARGS...: N messages in several parts, none marked
	local n=$1
	shift
	dump "$@" && [ "$(field messages)" = "$n" ] && [ "$(field parts)" -ge 2 ] &&
		[ "$(field intr)" = 0 ] || { sed 's/^/# /' /tmp/dump.out; return 1; }
}
marked() { # OP ARGS... -- CMD...: the parts after CMD are marked
	dump "$@" && [ "$(field parts)" -ge 2 ] && [ "$(field intr)" -ge 1 ] ||
		{ sed 's/^/# /' /tmp/dump.out; return 1; }
}

# 1. Switches: 80 make two parts (a part is a page, about 55 switches);
# more than a namespace may have by default, so the host's admin allows it.
echo 100 >/proc/sys/net/vhost_kvs/max_switches
n=0
for i in $(seq 1 80); do kvsctl switch add "dmp$i" && n=$((n + 1)); done
check "80 switches added ($n)" test "$n" = 80
check "switch-get dump: all 80 in several parts, not marked" whole 80 switch-get
check "a switch deleted during the dump: the rest is marked" \
	marked switch-get -- kvsctl switch del dmp50
check "a switch added during the dump: the rest is marked" \
	marked switch-get -- kvsctl switch add dmp50

# 2. Ports of one switch: 24 attached ports make two parts or more.
pids=""
for i in $(seq 10 33); do
	kvs-devtest -H dmp1 "52:54:00:dd:00:$i" >"/tmp/dh$i.out" 2>&1 &
	pids="$pids $!"
	first=${first:-$!}
done
attached() { [ "$(cat /tmp/dh*.out | grep -c '^attached')" = 24 ]; }
check "24 ports attach to dmp1" retry 30 attached
check "port-get dump: all 24 in several parts, not marked" whole 24 port-get dmp1
check "stats-get dump: all 24, not marked" whole 24 stats-get dmp1
check "a port's policy changed during the dump: the rest is marked" \
	marked port-get dmp1 -- kvsctl port set dmp1/20 learning off
check "a port leaving during the dump: the rest is marked" \
	marked stats-get dmp1 -- sh -c "kill $first &&
		for i in \$(seq 50); do kvsctl switch show dmp1 | grep -q 'ports 23' && exit 0; sleep 0.1; done; exit 1"

# 3. The MAC table: 80 static entries make two parts.
p=$(kvsctl port show dmp1 | sed -n 's|^port dmp1/\([0-9]*\) .*|\1|p' | head -n 1)
n=0
for i in $(seq 100 179); do
	kvsctl fdb add dmp1 "02:00:00:00:0$((i / 100)):$(printf %02x $((i % 100)))" port "$p" &&
		n=$((n + 1))
done
check "80 static entries added ($n)" test "$n" = 80
check "fdb-get dump: all 80 in several parts, not marked" whole 80 fdb-get dmp1
check "an entry deleted during the dump: the rest is marked" \
	marked fdb-get dmp1 -- kvsctl fdb del dmp1 02:00:00:00:01:40

# shellcheck disable=SC2086
kill $pids 2>/dev/null
wait
for i in $(seq 1 80); do kvsctl switch del "dmp$i" 2>/dev/null; done
check "no switch dmp* left" sh -c "! kvsctl switch show | grep -q dmp"
echo 64 >/proc/sys/net/vhost_kvs/max_switches
