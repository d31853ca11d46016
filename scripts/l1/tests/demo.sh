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
echo "# --- a switch and two ports, through kvsctl and VHOST_KVS_ATTACH"
kvsctl switch add sw0 ageing 120
kvs-devtest -H sw0 52:54:00:00:00:01 >/tmp/p1 2>&1 &
p1=$!
kvs-devtest -H sw0 52:54:00:00:00:02 >/tmp/p2 2>&1 &
p2=$!
for _ in $(seq 20); do grep -q attached /tmp/p1 && grep -q attached /tmp/p2 && break; sleep 0.5; done
echo "# \$ kvsctl switch show"
kvsctl switch show | sed 's/^/#   /'
echo "# \$ kvsctl port show sw0"
kvsctl port show sw0 | sed 's/^/#   /'
echo "# \$ kvsctl -j switch show sw0"
kvsctl -j switch show sw0 | sed 's/^/#   /'
kill $p1 $p2
wait 2>/dev/null
kvsctl switch del sw0 && echo "ok - switch sw0 created, two ports listed, deleted"
echo "# --- kvs-traffic: the guest-driver tool on the peer, 2 ports, 60 B frames"
kvs-traffic -b net -p 2 -s 60 -n 20000 | tail -n 1 | sed 's/^/# /'
echo "# --- two nested guests on vhost-net + tap + bridge (the peer)"
sh /kvs/tests/baseline.sh
