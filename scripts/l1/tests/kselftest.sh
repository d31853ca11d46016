# SPDX-License-Identifier: GPL-2.0
# The driver's kselftests (tools/testing/selftests/drivers/net/vhost_kvs),
# run as a newcomer would in any kernel with the driver: the kernel's
# run_kselftest.sh over the installed tree. Each test case's KTAP line
# becomes one of ours; a skipped case is a failure here, where the driver
# is built in.
. /kvs/lib.sh

cd /kvs/kselftest || exit 1
# One run of the kernel's runner per program, so that each one's time is
# shown (the debug kernel's checkers slow some far more than others).
# Appending, like the runner's own writes to /dev/stdout: a plain ">"
# would write over them.
: >/tmp/ksft.out
: >/tmp/ksft.times
rc=0
# The kernel's convention for a slow machine: the debug kernel's KASAN
# under the emulator moves TCP at a few MB/s, so the SHA-256 transfers
# shrink to 1 MiB there (every path they take is still taken). Only the
# debug kernel has kmemleak.
if [ -e /sys/kernel/debug/kmemleak ]; then
	export KSFT_MACHINE_SLOW=yes
fi
rc=0
for t in $(./run_kselftest.sh -l | grep '^drivers/net/vhost_kvs:'); do
	t0=$(cut -d' ' -f1 /proc/uptime)
	# iproute2's ip and ethtool (in /usr/sbin) before busybox's applets,
	# as on the systems the kernel's net test library is written for.
	PATH=/usr/sbin:/usr/bin:$PATH ./run_kselftest.sh -t "$t" \
		>>/tmp/ksft.out 2>&1 || rc=$?
	echo "# $t took $(echo "$t0" | awk -v t1="$(cut -d' ' -f1 /proc/uptime)" \
		'{ printf "%.1f", t1 - $1 }') s" >>/tmp/ksft.times
done
sed 's/^/# /' /tmp/ksft.out
cat /tmp/ksft.times
# Cases: "# ok N name" one level in; programs: "ok N selftests: ...".
sed -nE 's/^# (not )?ok [0-9]+ (.*)/\1ok - kselftest case \2/p
	s/^(not )?ok [0-9]+ selftests: (.*)/\1ok - kselftest \2/p' /tmp/ksft.out |
	sed -E 's/^ok (- .*# SKIP.*)/not ok \1/' >/tmp/ksft.tap
cat /tmp/ksft.tap
check "run_kselftest.sh ran its ten programs (port_attach, vhost_dev, switch_nl.py, ports_nl.py, host_port.py, uplink.py, dumps.py, tcp_steer.py, port_policy.py, traffic.py)" \
	test "$(grep -cE '^(not )?ok - kselftest drivers/net/vhost_kvs' /tmp/ksft.tap)" = 10
# (run_kselftest.sh exits 0 whatever its tests did: the lines count.)
[ "$rc" = 0 ] || echo "# run_kselftest.sh exited $rc"
FAILS=$((FAILS + $(grep -c '^not ok' /tmp/ksft.tap)))
exit $((FAILS > 0))
