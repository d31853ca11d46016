# SPDX-License-Identifier: GPL-2.0
# The emulator under L1, not vhost-kvs: a KVM guest exiting in a loop on
# CPU 0 while CPU 1 restores its FPU state in a loop (kvs-svmrace). QEMU
# 7.2's TCG let the second rewrite the first vCPU's GIF and nested-paging
# flags unlocked (qemu/0008-*.patch); a test bed that still does loses
# nested guests and L1 at random, so this names it first.
. /kvs/lib.sh

[ -c /dev/kvm ] || { echo "not ok - /dev/kvm in L1"; exit 1; }
out=$(kvs-svmrace "${KVS_SVMRACE_SECS:-30}" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
exits=$(echo "$out" | sed -n 's/^exits \([0-9]*\) .*/\1/p')
all_right() { [ "$rc" -eq 0 ] && [ "${exits:-0}" -gt 0 ]; }
check "a KVM guest's ${exits:-0} exits on CPU 0, FXRSTOR looping on CPU 1: each exit right" \
	all_right
exit $((FAILS > 0))
