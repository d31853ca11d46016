#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepare build/linux-6.12: Debian's linux-source-6.12 with vhost-kvs linked in.
#
# The project's files are linked, never copied, so an edit is picked up by the
# next build. Two one-line hooks are added to the parent Kconfig and Makefile.
# Nothing is ever built inside this tree (always O=...): kunit.py refuses to
# run on a tree that has an in-tree .config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=/usr/src/linux-source-$KVER.tar.xz
[ -f "$tarball" ] || die "$tarball missing: run scripts/deps.sh"

if [ ! -f "$KSRC/.kvs-extracted" ] || [ "$tarball" -nt "$KSRC/.kvs-extracted" ]; then
	log "extracting $tarball"
	rm -rf "$KSRC" "$BUILD/linux-source-$KVER"
	mkdir -p "$BUILD"
	tar -C "$BUILD" -xf "$tarball"
	mv "$BUILD/linux-source-$KVER" "$KSRC"
	touch "$KSRC/.kvs-extracted"
fi

"$TOP/scripts/stage-driver.sh" "$KSRC/drivers/vhost-kvs"
for h in vhost_kvs.h vhost_kvs_netlink.h vhost_leulo.h; do
	ln -sfn "$TOP/include/uapi/linux/$h" "$KSRC/include/uapi/linux/$h"
done
# The YNL generator finds the schema relative to the spec's directory.
ln -sfn "$TOP/Documentation/netlink/specs/vhost_kvs.yaml" \
	"$KSRC/Documentation/netlink/specs/vhost_kvs.yaml"

# The kselftests are copied, not linked: the selftests' install (rsync
# -aR of TEST_INCLUDES) keeps links as links, which would point out of
# the installed tree.
rsync -a --delete "$TOP/tools/testing/selftests/drivers/net/vhost_kvs/" \
	"$KSRC/tools/testing/selftests/drivers/net/vhost_kvs/"

hook() { # FILE LINE: append LINE once
	grep -qxF "$2" "$1" || printf '%s\n' "$2" >>"$1"
}
hook "$KSRC/drivers/vhost/Kconfig" 'source "drivers/vhost-kvs/Kconfig"'
hook "$KSRC/drivers/Makefile" 'obj-$(CONFIG_VHOST_KVS) += vhost-kvs/'
# Leulo's guest half lives there too (kbuild visits the directory once).
hook "$KSRC/drivers/Makefile" 'obj-$(CONFIG_LEULO_GUEST) += vhost-kvs/'

# Core changes, in order, each applied once: a patch that applies in
# reverse is in already; one that applies neither way is an error.
for p in "$TOP"/linux-patches/*.patch; do
	[ -e "$p" ] || continue
	if patch -d "$KSRC" -p1 -R --dry-run --force --fuzz=0 -s <"$p" >/dev/null 2>&1; then
		continue
	fi
	log "applying $(basename "$p")"
	patch -d "$KSRC" -p1 --forward --fuzz=0 --no-backup-if-mismatch -s <"$p" ||
		die "$(basename "$p") does not apply to $KSRC"
done
