/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vhost-kvs: virtio-net rings attached to a port of an in-kernel switch.
 *
 * /dev/vhost-kvs speaks the vhost ioctls of <linux/vhost.h>, the way
 * /dev/vhost-net does: VHOST_SET_OWNER, VHOST_GET/SET_FEATURES,
 * VHOST_SET_MEM_TABLE, VHOST_SET_VRING_*, VHOST_SET_LOG_*.
 *
 * Queue indexes follow virtio-net: VHOST_KVS_VQ_RX (0) is the guest's
 * receive queue, VHOST_KVS_VQ_TX (1) its transmit queue.
 *
 * A queue is started with VHOST_NET_SET_BACKEND { index, fd } where fd is
 * the /dev/vhost-kvs file itself, and stopped with fd = -1, so QEMU's
 * kernel vhost backend drives it unchanged. Starting a queue checks that
 * its rings lie in the memory table (EFAULT otherwise).
 *
 * Until the instance is attached to a switch, transmitted frames are
 * validated, counted as dropped and completed, so a guest never stalls.
 */
#ifndef _UAPI_LINUX_VHOST_KVS_H
#define _UAPI_LINUX_VHOST_KVS_H

#include <linux/types.h>
#include <linux/vhost.h>

#define VHOST_KVS_VQ_RX		0
#define VHOST_KVS_VQ_TX		1
#define VHOST_KVS_VQ_MAX	2

#endif /* _UAPI_LINUX_VHOST_KVS_H */
