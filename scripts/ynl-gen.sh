#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Generate the netlink family's code from its YNL spec with the kernel's own
# generator, as upstream does for net/handshake:
#   Documentation/netlink/specs/vhost_kvs.yaml ->
#     include/uapi/linux/vhost_kvs_netlink.h, drivers/vhost-kvs/nl-gen.[ch]
# With --check, regenerate into a temporary directory and fail when the
# committed files differ (someone edited the spec or the output by hand).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel-tree.sh"
spec=Documentation/netlink/specs/vhost_kvs.yaml
out=$TOP
if [ "${1:-}" = --check ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
	mkdir -p "$out/include/uapi/linux" "$out/drivers/vhost-kvs"
fi
gen() { # MODE KIND OUTPUT
	(cd "$KSRC" && /usr/bin/python3 tools/net/ynl/ynl-gen-c.py \
		--mode "$1" "--$2" --spec "$spec" -o "$3")
}
gen uapi header "$out/include/uapi/linux/vhost_kvs_netlink.h"
gen kernel header "$out/drivers/vhost-kvs/nl-gen.h"
gen kernel source "$out/drivers/vhost-kvs/nl-gen.c"

if [ "${1:-}" = --check ]; then
	for f in include/uapi/linux/vhost_kvs_netlink.h drivers/vhost-kvs/nl-gen.h \
		drivers/vhost-kvs/nl-gen.c; do
		diff -u "$TOP/$f" "$out/$f" || die "$f is not what $spec generates: run scripts/ynl-gen.sh"
	done
	echo "netlink code matches $spec"
fi
