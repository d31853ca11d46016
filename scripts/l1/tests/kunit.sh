# SPDX-License-Identifier: GPL-2.0
# The KUnit suites of drivers/vhost-kvs/tests/ (header checks, FDB,
# segmentation, buffers, TCP steering), built into
# the debug kernel (scripts/kconfig/debug.config) and run by KUnit while
# it boots, under KASAN, lockdep and UBSAN. Their results, read back from
# debugfs, become one TAP line per test case. (make kunit runs the same
# suites on UML, for a quick loop while editing.)
. /kvs/lib.sh

d=/sys/kernel/debug/kunit
suites="vhost_kvs_hdr vhost_kvs_fdb vhost_kvs_seg vhost_kvs_buf vhost_kvs_split"
for s in $suites; do
	r=$d/$s/results
	if [ ! -r "$r" ]; then
		check "KUnit suite $s ran at boot (CONFIG_VHOST_KVS_KUNIT_TEST)" false
		continue
	fi
	# Cases are the KTAP lines one level in ("    ok 3 name"); deeper
	# ones are the parameters of a parameterised case.
	cases=$(grep -cE '^    (not )?ok [0-9]+ ' "$r")
	check "KUnit suite $s: $cases cases ran" test "$cases" -gt 0
	sed -nE "s/^    ok [0-9]+ (.*)/ok - kunit $s: \\1/p
		s/^    not ok [0-9]+ (.*)/not ok - kunit $s: \\1/p" "$r"
	FAILS=$((FAILS + $(grep -cE '^    not ok [0-9]+ ' "$r")))
	grep -qE "^ok [0-9]+ $s" "$r" || {
		sed 's/^/# /' "$r"
		check "KUnit suite $s passed as a whole" false
	}
done
exit $((FAILS > 0))
