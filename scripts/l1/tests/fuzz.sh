# SPDX-License-Identifier: GPL-2.0
# kvs-fuzz: hostile guests (malformed rings, headers, chains; rings reset,
# ports detached, closed and reset, policy changed under traffic) next to
# well-behaved ones that check every byte they receive, their buffers'
# guard bytes, canaries in their memory, and that traffic keeps flowing.
# Then the kernel log must have no report of any kind.
#
#   KVS_FUZZ_SEED=N   one run with seed N, all of KVS_FUZZ_SECS (to replay
#                     a failure: the seed is the first line of each run)
#   KVS_FUZZ_SEEDS    seeds run in turn otherwise (default "1 2"; spaces
#                     or commas between them), each
#                     for KVS_FUZZ_SECS / their number, at least 20 s
#   KVS_FUZZ_SECS     default 60
. /kvs/lib.sh

SECS=${KVS_FUZZ_SECS:-60}
# vm-run.sh passes a list with commas (the kernel command line splits at
# spaces).
SEEDS=$(echo "${KVS_FUZZ_SEED:-${KVS_FUZZ_SEEDS:-1 2}}" | tr ',' ' ')
# shellcheck disable=SC2086
set -- $SEEDS
EACH=$((SECS / $#))
[ "$EACH" -lt 20 ] && EACH=20
# The debug kernel (KASAN, lockdep) is several times slower: longer limits.
[ -e /sys/kernel/debug/kmemleak ] && export KVS_FUZZ_SLOW=1

# Only what the kernel says from here on: an earlier test's report is
# that test's.
DMESG_FROM=$(dmesg | wc -l)
new_dmesg() { dmesg | tail -n +$((DMESG_FROM + 1)); }

check "switch fz0 for the fuzzer" kvsctl switch add fz0
# A host port and a veth uplink on fz0: the hostile guests' floods reach
# L1's stack and a device's xmit too, with whatever headers they made up.
# Neither side says anything of its own (no addresses, no IPv6), so the
# well-behaved guests hear only each other.
IP=/usr/sbin/ip
v6=/proc/sys/net/ipv6/conf/default/disable_ipv6
v6_was=$(cat $v6)
echo 1 >$v6
$IP netns add fzns
$IP netns exec fzns sh -c "echo 1 >$v6"
$IP link add fzu0 type veth peer name fzu1 netns fzns
check "host port fzh0 and uplink fzu0 on fz0" sh -c \
	'kvsctl port add fz0 host fzh0 >/dev/null && kvsctl port add fz0 uplink fzu0 >/dev/null'
$IP link set fzh0 up
$IP link set fzu0 up
$IP -n fzns link set fzu1 up
echo "$v6_was" >$v6
gro=off
for seed in $SEEDS; do
	# GRO off: the workers hand fzh0's stack lists of frames; on: GRO
	# cells. (One seed, a replay: GRO off.)
	check "fzh0: GRO $gro" /usr/sbin/ethtool -K fzh0 gro "$gro"
	[ "$gro" = off ] && gro=on || gro=off
	kvs-fuzz -s fz0 -S "$seed" -t "$EACH" >/tmp/fuzz.out 2>&1
	rc=$?
	# Its TAP lines (one per property) count; its plan does not.
	grep -v '^1\.\.' /tmp/fuzz.out
	check "kvs-fuzz seed $seed, $EACH s: every property held (replay: KVS_FUZZ_SEED=$seed)" \
		test $rc -eq 0
done
check "the floods reached fzh0's stack and fzu0's peer" sh -c \
	'[ "$(cat /sys/class/net/fzh0/statistics/rx_packets)" -gt 0 ] &&
	 [ "$($0 netns exec fzns cat /sys/class/net/fzu1/statistics/rx_packets)" -gt 0 ]' $IP
check "switch fz0 deleted after the run" kvsctl switch del fz0
check "fzh0 went with it" sh -c "! $IP link show fzh0 2>/dev/null"
$IP link del fzu0
$IP netns del fzns
# After the teardown: what tearing down the ports raised counts too.
new_dmesg | grep -E 'BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|circular locking' |
	head -n 20 | sed 's/^/# /'
check "no kernel report during the fuzz run and its teardown" sh -c \
	"! dmesg | tail -n +$((DMESG_FROM + 1)) | grep -qE 'BUG:|WARNING:|KASAN|UBSAN|Oops|general protection|circular locking'"

exit $((FAILS > 0))
