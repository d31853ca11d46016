#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# deb-fetch.sh ovs|lighttpd: Debian packages make bench runs in the test
# host, unpacked into $BUILD/NAME/root. Prints the root.
#   ovs       Open vSwitch (openvswitch-switch and -common), the third
#             peer: vhost-net + tap ports on an OVS bridge (kernel datapath)
#   lighttpd  the http benchmark's server (scripts/l1/http-bench.sh)
# Unpacked, not installed: installing would start the daemons on this
# machine (and OVS has no openvswitch module to load here). Their
# libraries are installed (scripts/deps.sh, scripts/bench.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in
ovs) pkgs=(openvswitch-switch openvswitch-common)
     bin=usr/lib/openvswitch-switch/ovs-vswitchd ;;
lighttpd) pkgs=(lighttpd) bin=usr/sbin/lighttpd ;;
*) die "usage: deb-fetch.sh ovs|lighttpd" ;;
esac
dir=$BUILD/$1
root=$dir/root
if [ ! -x "$root/$bin" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	# apt-get download writes as the _apt user when it can: not here.
	chmod 0777 "$dir"
	( cd "$dir" && apt-get download -q "${pkgs[@]}" >&2 ) ||
		( apt-get update -q >&2 && cd "$dir" &&
		  apt-get download -q "${pkgs[@]}" >&2 ) ||
		die "could not download ${pkgs[*]} from Debian's archive"
	for deb in "$dir"/*.deb; do
		dpkg-deb -x "$deb" "$root"
	done
fi
echo "$root"
