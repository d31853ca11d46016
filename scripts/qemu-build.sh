#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build a minimal qemu-system-x86_64 from Debian's QEMU 7.2 source package
# with the patches in qemu/ applied on top (issue 4):
#
#   build/qemu-src/      the package source, Debian's own patches applied
#   build/qemu-build/    meson/ninja build directory
#   build/qemu/qemu-system-x86_64   the result
#
# Rebuilt only when qemu/*.patch or this script change (a stamp holds their
# hash); compiler output is cached by ccache. The source comes from
# `apt-get source qemu`, which needs a deb-src entry: one is added for
# bookworm if the machine has none.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=$BUILD/qemu-src out=$BUILD/qemu-build dst=$BUILD/qemu
stamp=$dst/.stamp
# One build at a time: vm-run.sh and make targets call this too, and two
# at once reconfigure each other's build directory.
mkdir -p "$BUILD"
exec 9>"$BUILD/.qemu-build.lock"
flock 9

uapi="$TOP/include/uapi/linux/vhost_kvs.h $TOP/include/uapi/linux/vhost_kvs_netlink.h
	$TOP/include/uapi/linux/vhost_leulo.h"
# shellcheck disable=SC2086
want=$({ cat "$TOP"/qemu/*.patch 2>/dev/null || true; cat "$0" $uapi; } | sha256sum | cut -d' ' -f1)
if [ -x "$dst/qemu-system-x86_64" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	log "qemu: up to date ($dst/qemu-system-x86_64)"
	exit 0
fi

deb_src() {
	grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/ ||
		cat >/etc/apt/sources.list.d/vhost-kvs-deb-src.sources <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

fetch() {
	local dl=$BUILD/qemu-dl
	rm -rf "$dl" "$src"
	mkdir -p "$dl"
	deb_src
	(cd "$dl" && { apt-get source -qq --download-only qemu ||
		{ apt-get update -qq && apt-get source -qq --download-only qemu; }; })
	(cd "$dl" && dpkg-source -x ./*.dsc "$src" >/dev/null)
	rm -rf "$dl"
}

apply_patches() {
	local p
	for p in "$TOP"/qemu/*.patch; do
		[ -e "$p" ] || continue
		log "qemu: applying $(basename "$p")"
		patch -d "$src" -p1 --forward --quiet <"$p" ||
			die "qemu: $(basename "$p") does not apply to Debian's QEMU"
	done
	# The driver's user API, the way QEMU's update-linux-headers.sh
	# imports kernel headers: one source of truth, this tree's uapi.
	# shellcheck disable=SC2086
	install -m 0644 $uapi "$src/linux-headers/linux/"
}

log "qemu: build dependencies"
missing=
for p in meson ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev dpkg-dev ccache; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi

log "qemu: source (apt-get source qemu) into $src"
fetch
apply_patches

log "qemu: configure (minimal: x86_64-softmmu, KVM, vhost-net, vhost-kernel)"
rm -rf "$out"
mkdir -p "$out" "$dst"
(cd "$out" && "$src/configure" --target-list=x86_64-softmmu \
	--without-default-features --enable-kvm --enable-vhost-net \
	--enable-vhost-kernel --enable-fdt=system --disable-docs --disable-user \
	--disable-tools --disable-guest-agent --disable-werror \
	--meson=/usr/bin/meson --cc="ccache gcc" >"$out/configure.log" 2>&1) ||
	{ tail -20 "$out/configure.log"; die "qemu: configure failed"; }
log "qemu: ninja (cold: several minutes on 2 cores)"
timed ninja -C "$out" -j "$JOBS" qemu-system-x86_64 >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log"; die "qemu: build failed"; }
cp "$out/qemu-system-x86_64" "$dst/"
echo "$want" >"$stamp"
log "qemu: built $dst/qemu-system-x86_64 ($("$dst/qemu-system-x86_64" --version | head -1))"
