#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make DEST a kbuild directory for the driver: links to every file of
# drivers/vhost-kvs/ (its KUnit suites in tests/ included).
# Used for the in-tree build (DEST inside the kernel tree) and for the
# out-of-tree module build (DEST under build/).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
dest=$1

[ -L "$dest" ] && rm -f "$dest"
mkdir -p "$dest"
# Drop links whose target went away (a file renamed in the project).
find "$dest" -maxdepth 1 -xtype l -delete
for f in "$TOP"/drivers/vhost-kvs/*; do
	ln -sfn "$f" "$dest/$(basename "$f")"
done
rm -f "$dest/kunit"	# where the suites were before
ln -sfn "$TOP/include" "$dest/kvs-include"
