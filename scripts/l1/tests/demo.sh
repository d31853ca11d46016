# SPDX-License-Identifier: GPL-2.0
# What `make demo` shows inside the test host.
echo "# kernel: $(uname -r), /dev/vhost-kvs is char $(cat /sys/class/misc/vhost-kvs/dev)"
dmesg | grep -iE 'vhost|kvm_amd|SVM' | sed 's/^/# dmesg: /'
echo "# --- the device, driven the way QEMU drives it (summary)"
kvs-devtest /dev/vhost-kvs >/tmp/devtest.out 2>&1
rc=$?
grep -E 'TX |backend|features' /tmp/devtest.out | head -n 12 | sed 's/^/# /'
tail -n 1 /tmp/devtest.out
if [ $rc -eq 0 ]; then echo "ok - kvs-devtest"; else echo "not ok - kvs-devtest"; fi
echo "# --- kvs-traffic: the guest-driver tool on the peer, 2 ports, 60 B frames"
kvs-traffic -b net -p 2 -s 60 -n 20000 | tail -n 1 | sed 's/^/# /'
echo "# --- two nested guests on vhost-net + tap + bridge (the peer)"
sh /kvs/tests/baseline.sh
