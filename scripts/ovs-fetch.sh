#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ovs-fetch.sh: Debian's Open vSwitch (openvswitch-switch and -common),
# unpacked into $BUILD/ovs/root for make bench's third peer: vhost-net +
# tap ports on an OVS bridge (the kernel datapath) inside the test host.
# Unpacked, not installed: installing would start OVS on this machine,
# which has no openvswitch module to load. Its libraries are installed
# (scripts/deps.sh). Prints the root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$BUILD/ovs
root=$dir/root
if [ ! -x "$root/usr/lib/openvswitch-switch/ovs-vswitchd" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	# apt-get download writes as the _apt user when it can: not here.
	chmod 0777 "$dir"
	( cd "$dir" && apt-get download -q openvswitch-switch openvswitch-common >&2 ) ||
		( apt-get update -q >&2 && cd "$dir" &&
		  apt-get download -q openvswitch-switch openvswitch-common >&2 ) ||
		die "could not download Open vSwitch from Debian's archive"
	for deb in "$dir"/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
fi
echo "$root"
