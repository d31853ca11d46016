# SPDX-License-Identifier: GPL-2.0
# VMs on two hosts over VXLAN (/kvs/overlay.sh), once more if a nested
# guest stalled (see once_more_if_stalled in lib.sh).
. /kvs/lib.sh
once_more_if_stalled sh /kvs/overlay.sh
