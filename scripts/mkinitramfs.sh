#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh l1|l2 OUT.cpio.gz [BZIMAGE [L2_BZIMAGE]]
#
# l2: what a nested guest needs: busybox, iproute2, iperf3, ethtool, kvs-rr
#     and the guest agent (scripts/l2/init).
# l1: the test host: all of l2, plus QEMU for nested guests (Debian's and
#     qemu-kvs, built with qemu/*.patch), the project's
#     test programs and L1 test scripts, the kernel the nested guests
#     boot (L2_BZIMAGE, by default BZIMAGE, L1's own) and an l2
#     initramfs to boot them with.
# Binaries come from the build machine with the shared libraries ldd names.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

role=$1 out=$2 bzimage=${3:-}
l2image=${4:-$bzimage}
stage=$(mktemp -d "$BUILD/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# Copy the shared libraries a binary links to, keeping their paths.
add_libs() {
	local lib
	# (A module linking nothing has no paths: not an error.)
	ldd "$1" 2>/dev/null | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
		[ -e "$stage$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
	done
}

# Copy a binary of the build machine and its libraries, keeping paths.
add_bin() {
	local b
	for b; do
		command -v "$b" >/dev/null || die "missing binary $b (run scripts/deps.sh)"
		b=$(command -v "$b")
		install -D -m 0755 "$(readlink -f "$b")" "$stage$b"
		add_libs "$b"
	done
}

# Open vSwitch from the tree $1 it was unpacked in: the database server,
# the switch daemon, their command-line tools and the database schema.
add_ovs() {
	local b missing
	for b in usr/sbin/ovsdb-server usr/lib/openvswitch-switch/ovs-vswitchd \
		 usr/bin/ovs-vsctl usr/bin/ovsdb-tool usr/bin/ovs-appctl \
		 usr/bin/ovs-dpctl; do
		[ -x "$1/$b" ] || die "no $1/$b (scripts/deb-fetch.sh ovs)"
		install -D -m 0755 "$1/$b" "$stage/usr/sbin/$(basename "$b")"
		add_libs "$1/$b"
		missing=$(ldd "$1/$b" | grep 'not found' || true)
		[ -z "$missing" ] || die "$b: missing $missing (scripts/deps.sh)"
	done
	install -D -m 0644 "$1/usr/share/openvswitch/vswitch.ovsschema" \
		"$stage/usr/share/openvswitch/vswitch.ovsschema"
}

# Debian's Python (standard library without tests and tools) and PyYAML,
# and the kernel's YNL client (tools/net/ynl/cli.py) with the family's
# spec in /kvs/ynl: what the ynl test drives the family with.
add_ynl() {
	local py v
	py=$(readlink -f /usr/bin/python3)
	v=$(basename "$py")
	add_bin "$py"
	ln -sf "$v" "$stage/usr/bin/python3"
	mkdir -p "$stage/usr/lib/$v" "$stage/usr/lib/python3/dist-packages"
	rsync -a --exclude test --exclude tests --exclude __pycache__ \
		--exclude idlelib --exclude tkinter --exclude ensurepip \
		--exclude lib2to3 --exclude pydoc_data --exclude turtledemo \
		--exclude 'config-*' /usr/lib/"$v"/ "$stage/usr/lib/$v/"
	for so in "$stage/usr/lib/$v"/lib-dynload/*.so; do add_libs "$so"; done
	cp -a /usr/lib/python3/dist-packages/yaml "$stage/usr/lib/python3/dist-packages/"
	"$TOP/scripts/kernel-tree.sh"
	mkdir -p "$stage/kvs/ynl"
	cp -a "$KSRC/tools/net/ynl/cli.py" "$KSRC/tools/net/ynl/lib" "$stage/kvs/ynl/"
	install -m 0644 "$TOP/Documentation/netlink/specs/vhost_kvs.yaml" "$stage/kvs/ynl/"
}

mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,etc,kvs}
install -m 0755 /bin/busybox "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
add_bin /usr/sbin/ip /usr/bin/iperf3 /usr/sbin/ethtool
mkdir -p "$stage/usr/bin"
make -s -C "$TOP/tools/kvs-rr" O="$stage/usr/bin" # TCP request/response
# make bench's http part: lighttpd (unpacked by scripts/deb-fetch.sh) and
# wrk, in the nested guests and in the test host (its native case)
if [ -n "${KVS_HTTP_ROOT:-}" ]; then
	lt=$KVS_HTTP_ROOT/usr/sbin/lighttpd
	[ -x "$lt" ] || die "no $lt (scripts/deb-fetch.sh lighttpd)"
	install -D -m 0755 "$lt" "$stage/usr/sbin/lighttpd"
	add_libs "$lt"
	mkdir -p "$stage/usr/lib/lighttpd"
	install -D -m 0644 "$TOP/scripts/l2/lighttpd.conf" "$stage/etc/lighttpd/bench.conf"
	add_bin /usr/bin/wrk
fi
echo "root:x:0:0:root:/:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"
printf '127.0.0.1 localhost\n' >"$stage/etc/hosts"

case $role in
l2)
	install -m 0755 "$TOP/scripts/l2/init" "$stage/init"
	;;
l1)
	[ -f "$bzimage" ] || die "l1 initramfs needs a bzImage"
	install -m 0755 "$TOP/scripts/l1/init" "$stage/init"
	add_bin /usr/bin/qemu-system-x86_64
	# make bench KVS_BENCH_PERF=1: profiles (perf is large, so only then)
	[ "${KVS_BENCH_PERF:-0}" = 1 ] && add_bin /usr/bin/perf
	# make bench: Open vSwitch unpacked by scripts/deb-fetch.sh
	[ -n "${KVS_OVS_ROOT:-}" ] && add_ovs "$KVS_OVS_ROOT"
	# QEMU built from Debian's source with qemu/*.patch (-netdev vhost-kvs).
	kq=$BUILD/qemu/qemu-system-x86_64
	[ -x "$kq" ] || die "no $kq (run scripts/qemu-build.sh)"
	install -D -m 0755 "$kq" "$stage/usr/bin/qemu-kvs"
	add_libs "$kq"
	# Firmware QEMU loads for a -kernel boot without a NIC option ROM.
	# Debian keeps SeaBIOS in its own package and directory.
	for f in bios-256k.bin kvmvapic.bin linuxboot_dma.bin; do
		src=/usr/share/qemu/$f
		[ -f "$src" ] || src=/usr/share/seabios/$f
		[ -f "$src" ] || die "QEMU firmware $f not found (run scripts/deps.sh)"
		install -D -m 0644 "$(readlink -f "$src")" "$stage/usr/share/qemu/$f"
	done
	cp -a "$TOP/scripts/l1/." "$stage/kvs/"
	rm -f "$stage/kvs/init"
	mkdir -p "$stage/kvs/bin"
	make -s -C "$TOP/tools/vhost-kvs-test" O="$stage/kvs/bin"
	make -s -C "$TOP/tools/kvsctl" O="$stage/kvs/bin"
	make -s -C "$TOP/tools/kvs-launch" O="$stage/kvs/bin"
	add_libs "$stage/kvs/bin/kvsctl"
	add_ynl
	# The driver's kselftests, installed the kernel's way, with the
	# kernel's runner (run_kselftest.sh) and net test library.
	"$TOP/scripts/build-selftests.sh" "$BUILD/kselftest" >/dev/null
	cp -a "$BUILD/kselftest" "$stage/kvs/kselftest"
	find "$stage/kvs/kselftest" -type f -perm -u+x | while read -r f; do
		if file -b "$f" | grep -q '^ELF'; then add_libs "$f"; fi
	done
	ln -sf /bin/busybox "$stage/usr/bin/env"	# for #!/usr/bin/env
	install -m 0644 "$l2image" "$stage/kvs/bzImage"
	# To name where a lost nested guest (that kernel) is (guest_cpu).
	install -m 0644 "$(dirname "$l2image")/../../../System.map" "$stage/kvs/System.map"
	"$0" l2 "$stage/kvs/l2.cpio.gz"
	;;
*) die "unknown role $role" ;;
esac

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
log "initramfs $role: $out ($(du -h "$out" | cut -f1))"
