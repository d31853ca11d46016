#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel style: checkpatch.pl --strict over every kernel source file of the
# project. Any ERROR, WARNING or CHECK fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel-tree.sh"
cd "$TOP"
# Code generated from the YNL spec is checked by ynl-gen.sh --check instead.
files=$(git ls-files -- 'drivers/*.[ch]' 'include/*.h' 'tools/testing/*.[ch]' 2>/dev/null ||
	find drivers include tools/testing -name '*.[ch]')
files=$(echo "$files" | grep -vE 'nl-gen\.[ch]$|vhost_kvs_netlink\.h$')
perl "$KSRC/scripts/checkpatch.pl" --no-tree --strict --terse \
	--ignore FILE_PATH_CHANGES -f $files | tee /dev/stderr |
	{ ! grep -qE 'ERROR|WARNING|CHECK'; }
echo "checkpatch --strict: clean ($(echo $files | wc -w) files)"
