#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the build and the tests need, from Debian's archive.
# Safe to rerun: does nothing when every package is already installed.
set -euo pipefail

PKGS=(
	linux-source-6.12 linux-headers-6.12-amd64
	build-essential bc bison flex libelf-dev libssl-dev ccache
	python3 python3-yaml python3-jsonschema perl cpio gzip xz-utils rsync kmod file
	libmnl-dev sparse dkms
	busybox-static iproute2 iperf3 qemu-system-x86 seabios ethtool
	# Open vSwitch's libraries (make bench unpacks OVS itself: deb-fetch.sh ovs)
	libbpf1 libcap-ng0 libnuma1 libssl3 libunbound8 libxdp1
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

[ "$(id -u)" = 0 ] || { echo "error: installing ${missing[*]} needs root" >&2; exit 1; }
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
