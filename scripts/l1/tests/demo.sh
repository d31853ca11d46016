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
echo "# --- a switch and two guests on it (kvs-traffic plays the guests)"
. /kvs/lib.sh
kvsctl switch add sw0 ageing 120
echo "# \$ kvs-traffic -b kvs -S sw0 -p 2 -s 60 -n 100000   (port 0 -> port 1, every frame checked)"
kvs-traffic -b kvs -S sw0 -p 2 -s 60 -n 100000 -H >/tmp/kvs.out 2>&1 &
held=$!
retry 60 grep -q '^holding' /tmp/kvs.out
grep '^backend=' /tmp/kvs.out | sed 's/^/#   /'
grep -q '^verdict=pass' /tmp/kvs.out && echo "ok - 100000 frames through vhost-kvs, each once and intact"
echo "# \$ kvsctl switch show"
kvsctl switch show | sed 's/^/#   /'
echo "# \$ kvsctl port show sw0      (per-port counters; drops by reason)"
kvsctl port show sw0 | sed 's/^/#   /'
echo "# \$ kvsctl fdb show sw0      (learned MACs)"
kvsctl fdb show sw0 | sed 's/^/#   /'
echo "# \$ kvsctl -j port show sw0 1"
kvsctl -j port show sw0 1 | sed 's/^/#   /'
kill $held
wait 2>/dev/null
kvsctl switch del sw0 && echo "ok - switch sw0 deleted"
echo "# --- the same load on the peer: vhost-net + tap + bridge"
kvs-traffic -b net -p 2 -s 60 -n 100000 | grep "^backend=" | sed "s/^/#   /"
kvs_fps=$(sed -n 's/^backend=kvs.* fps=\([0-9]*\).*/\1/p' /tmp/kvs.out)
echo "# vhost-kvs: $kvs_fps frames/s; see the line above for vhost-net (make bench for medians)"
echo "# --- two nested guests on vhost-net + tap + bridge (the peer)"
sh /kvs/tests/baseline.sh
