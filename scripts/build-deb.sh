#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb: two Debian packages in build/deb/
#   vhost-kvs-dkms   the driver's source and dkms.conf: DKMS builds
#                    vhost_kvs.ko for each Debian 6.12 kernel (CONFIG_VHOST=m)
#                    whose headers are installed
#   vhost-kvs-tools  kvsctl, kvs-launch, their man pages, the YNL spec
# With --check (make check): install both here, let DKMS build the module
# for Debian's 6.12 headers (build only: nothing is loaded), check the
# result, and remove both again.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/deb
ver=0.0~git$(git -C "$TOP" log -1 --format=%cd --date=format:%Y%m%d%H%M%S).$(git -C "$TOP" rev-parse --short HEAD)
"$TOP/scripts/kernel-tree.sh"
rm -rf "$out"
mkdir -p "$out"

control() { # DIR NAME ARCH DEPENDS DESCRIPTION...
	local dir=$1 name=$2 arch=$3 dep=$4
	shift 4
	mkdir -p "$dir/DEBIAN" "$dir/usr/share/doc/$name"
	cat >"$dir/DEBIAN/control" <<-END
	Package: $name
	Version: $ver
	Architecture: $arch
	Maintainer: vhost-kvs developers <vhost-kvs@localhost>
	Depends: $dep
	Section: kernel
	Priority: optional
	Homepage: https://localhost/vhost-kvs
	Description: $1
	$(shift; printf ' %s\n' "$@")
	END
	printf 'vhost-kvs\nLicense: GPL-2.0 (the driver, the tools); the uapi headers:\n GPL-2.0 WITH Linux-syscall-note OR BSD-3-Clause.\n' \
		>"$dir/usr/share/doc/$name/copyright"
}

# vhost-kvs-dkms
d=$out/dkms
src=$d/usr/src/vhost-kvs-$ver
mkdir -p "$src/vhost" "$src/kvs-include/uapi/linux"
cp "$TOP"/drivers/vhost-kvs/*.[ch] "$TOP/drivers/vhost-kvs/Makefile" "$src/"
cp "$TOP"/include/uapi/linux/vhost_kvs*.h "$TOP"/include/uapi/linux/vhost_leulo.h \
	"$src/kvs-include/uapi/linux/"
cp "$KSRC/drivers/vhost/vhost.h" "$src/vhost/"
sed "s/@VERSION@/$ver/" "$TOP/packaging/dkms.conf.in" >"$src/dkms.conf"
control "$d" vhost-kvs-dkms all "dkms (>= 3), linux-headers-amd64 | linux-headers-6.12-amd64" \
	"vhost-kvs driver (DKMS source)" \
	"vhost-kvs is a vhost backend that switches VMs' virtio-net queues in" \
	"an in-kernel L2 switch. This package builds vhost_kvs.ko with DKMS for" \
	"Debian's 6.12 kernels, which build the vhost core as a module."
cat >"$d/DEBIAN/postinst" <<END
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	/usr/lib/dkms/common.postinst vhost-kvs $ver "" "" "\$2"
fi
END
cat >"$d/DEBIAN/prerm" <<END
#!/bin/sh
set -e
if [ "\$1" = remove ] || [ "\$1" = upgrade ] || [ "\$1" = deconfigure ]; then
	dkms remove -m vhost-kvs -v $ver --all >/dev/null 2>&1 || true
fi
END
chmod 0755 "$d/DEBIAN/postinst" "$d/DEBIAN/prerm"
dpkg-deb --root-owner-group -b "$d" "$out/vhost-kvs-dkms_${ver}_all.deb" >/dev/null

# vhost-kvs-tools
t=$out/tools
mkdir -p "$t/usr/bin" "$t/usr/share/man/man8" "$t/usr/share/vhost-kvs"
make -s -C "$TOP/tools/kvsctl" O="$t/usr/bin"
make -s -C "$TOP/tools/kvs-launch" O="$t/usr/bin"
strip "$t/usr/bin/kvsctl" "$t/usr/bin/kvs-launch"
for m in tools/kvsctl/kvsctl.8 tools/kvs-launch/kvs-launch.8; do
	gzip -9n <"$TOP/$m" >"$t/usr/share/man/man8/$(basename "$m").gz"
done
install -m 0644 "$TOP/Documentation/netlink/specs/vhost_kvs.yaml" "$t/usr/share/vhost-kvs/"
control "$t" vhost-kvs-tools amd64 "libc6 (>= 2.36), libmnl0 (>= 1.0.4)" \
	"vhost-kvs control tools" \
	"kvsctl manages vhost-kvs switches, ports, policy and the FDB over" \
	"generic netlink; kvs-launch runs an unmodified QEMU on a switch. The" \
	"family's YNL spec is in /usr/share/vhost-kvs."
dpkg-deb --root-owner-group -b "$t" "$out/vhost-kvs-tools_${ver}_amd64.deb" >/dev/null
ls -l "$out"/*.deb
[ "${1:-}" = --check ] || exit 0

# Installed as a user would, built by DKMS for Debian's 6.12 headers.
kver=$(basename "$(ls -d /usr/lib/modules/6.12*-amd64/build 2>/dev/null | sed 's|/build$||' | sort -V | tail -n 1)")
[ -n "$kver" ] || die "no Debian 6.12 kernel headers (run scripts/deps.sh)"
cleanup() {
	dpkg -r vhost-kvs-dkms vhost-kvs-tools >/dev/null 2>&1 || true
}
trap cleanup EXIT
dpkg -i "$out"/*.deb
# The package's postinst has DKMS build for the newest kernel with
# headers; this asks for Debian's 6.12 explicitly (a no-op if done).
dkms build -m vhost-kvs -v "$ver" -k "$kver"
ko=$(ls /var/lib/dkms/vhost-kvs/"$ver"/"$kver"/x86_64/module/vhost_kvs.ko* 2>/dev/null | head -n 1)
[ -n "$ko" ] || die "DKMS built no vhost_kvs.ko for $kver"
modinfo "$ko" | grep -E '^(filename|depends|vermagic):'
modinfo -F vermagic "$ko" | grep -q "^$kver " || die "vermagic is not $kver"
# This host has no vhost-kvs; the packaged kvsctl runs and says so.
said=$(/usr/bin/kvsctl switch show 2>&1 || true)
case $said in
*"usage: kvsctl"* | *"kvsctl: this kernel has no vhost-kvs"*) ;;
*) die "the packaged kvsctl does not run: $said" ;;
esac
[ -f /usr/share/man/man8/kvsctl.8.gz ] && [ -f /usr/share/man/man8/kvs-launch.8.gz ] ||
	die "man pages missing"
log "vhost-kvs-dkms and vhost-kvs-tools $ver: installed, module built for $kver"
