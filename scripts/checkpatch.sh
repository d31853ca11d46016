#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel style: checkpatch.pl --strict over every kernel source file of the
# project and the kselftests' C. Any ERROR, WARNING or CHECK fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/kernel-tree.sh"
cd "$TOP"
ls_c() { # PATTERN...: the tracked files (every file, outside git)
	git ls-files -- "$@" 2>/dev/null || find "${@%%/*}" -name '*.[ch]'
}
# Code generated from the YNL spec is checked by ynl-gen.sh --check instead.
kernel=$(ls_c 'drivers/*.[ch]' 'include/*.h' | grep -vE 'nl-gen\.[ch]$|vhost_kvs_netlink\.h$')
selftests=$(ls_c 'tools/testing/*.[ch]')
check_files() { # IGNORES FILES...
	local ign=$1
	shift
	perl "$KSRC/scripts/checkpatch.pl" --no-tree --strict --terse \
		--ignore "$ign" -f "$@"
}
# The kselftests are user space, where the kernel's __packed and
# __printf() do not exist: they spell the attributes out.
{ check_files FILE_PATH_CHANGES $kernel
  check_files FILE_PATH_CHANGES,PREFER_DEFINED_ATTRIBUTE_MACRO $selftests; } |
	tee /dev/stderr | { ! grep -qE 'ERROR|WARNING|CHECK'; }
echo "checkpatch --strict: clean ($(echo $kernel $selftests | wc -w) files)"
