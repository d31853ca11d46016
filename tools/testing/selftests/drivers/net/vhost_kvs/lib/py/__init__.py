# SPDX-License-Identifier: GPL-2.0
"""The kernel's net selftest helpers, and the vhost-kvs family on YNL."""

import sys
from pathlib import Path

KSFT_DIR = (Path(__file__).parent / "../../../../..").resolve()

try:
    sys.path.append(KSFT_DIR.as_posix())
    # pylint: disable=wildcard-import,unused-wildcard-import
    from net.lib.py import *
    from net.lib.py.ynl import SPEC_PATH
except ModuleNotFoundError as e:
    print("# Failed importing `net` library from kernel sources:", e)
    print("ok 1 # SKIP")
    sys.exit(4)


class VhostKvsFamily(YnlFamily):
    """Documentation/netlink/specs/vhost_kvs.yaml, or its installed copy."""
    def __init__(self):
        super().__init__((SPEC_PATH / "vhost_kvs.yaml").as_posix(), schema='')
