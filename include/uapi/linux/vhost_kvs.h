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
 * VHOST_KVS_ATTACH makes the instance a port of a switch of the caller's
 * network namespace (switches are managed through the "vhost-kvs" generic
 * netlink family, <linux/vhost_kvs_netlink.h>); VHOST_KVS_DETACH, closing
 * the file or VHOST_RESET_OWNER takes it out. Attaching needs no vhost
 * owner, so a manager can attach a file before handing it to QEMU, and it
 * needs CAP_NET_ADMIN over that network namespace, as changing a port's
 * policy does: whoever merely holds the file can take the port out of its
 * switch, never put it back, elsewhere or with its policy reset. Until a
 * port is attached, transmitted frames are validated, counted as dropped
 * and completed, so a guest never stalls.
 */
#ifndef _UAPI_LINUX_VHOST_KVS_H
#define _UAPI_LINUX_VHOST_KVS_H

#include <linux/types.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs_netlink.h>

#define VHOST_KVS_VQ_RX		0
#define VHOST_KVS_VQ_TX		1
#define VHOST_KVS_VQ_MAX	2

/*
 * The ioctls below share the vhost ioctl type (VHOST_VIRTIO, 0xAF) so that
 * one file answers both sets and QEMU's vhost code passes them on
 * unchanged. They take numbers 0xA0 to 0xBF, a block <linux/vhost.h>
 * leaves free (it uses numbers below 0xA0 as of Linux 6.12): every vhost-kvs
 * ioctl is numbered here and nowhere else, the next free one is 0xA8.
 */

/**
 * struct vhost_kvs_attach - argument of VHOST_KVS_ATTACH
 * @switch_name: NUL-terminated name of a switch in the caller's netns
 * @mac: the guest's MAC address: unicast, not all zeroes, and no other
 *	port's of that switch (unless VHOST_KVS_ATTACH_MIGRATE)
 * @flags: VHOST_KVS_ATTACH_MIGRATE, or 0
 * @reserved: must be 0
 *
 * VHOST_KVS_ATTACH_MIGRATE: this port is the destination of a live
 * migration of the port that has @mac. Both are attached for a while;
 * once this one's RX queue starts, the MAC's traffic comes here. Without
 * it, a port never takes over another port's MAC.
 *
 * Errors: EPERM no CAP_NET_ADMIN over the network namespace; ENOENT no
 * such switch; EISCONN already attached; EADDRINUSE another port of the
 * switch has @mac; EINVAL a bad name, MAC, flag or reserved field.
 */
struct vhost_kvs_attach {
	char switch_name[VHOST_KVS_NAME_LEN];
	__u8 mac[6];
	__u16 flags;
	__u32 reserved[4];
};

#define VHOST_KVS_ATTACH_MIGRATE	(1 << 0)

#define VHOST_KVS_ATTACH	_IOW(VHOST_VIRTIO, 0xA0, struct vhost_kvs_attach)
/* Leave the switch; ENOTCONN when not attached. */
#define VHOST_KVS_DETACH	_IO(VHOST_VIRTIO, 0xA1)

/*
 * Offloads the guest accepts on receive, as TUN_F_* flags of
 * <linux/if_tun.h> (what QEMU gives TUNSETOFFLOAD for a tap): TUN_F_CSUM,
 * TUN_F_TSO4, TUN_F_TSO6, TUN_F_TSO_ECN, TUN_F_USO4, TUN_F_USO6. Frames
 * needing an offload the receiver lacks are checksummed or segmented for
 * it in software. Default 0. EINVAL for other flags, or segmentation
 * offloads without TUN_F_CSUM.
 */
#define VHOST_KVS_SET_OFFLOADS	_IOW(VHOST_VIRTIO, 0xA2, __u32)

/**
 * struct vhost_kvs_coalesce - RX interrupt coalescing of a port
 * @max_frames: notify once this many frames wait (1..1024; default 64)
 * @max_usecs: or once the first of them waited this long (0..100000;
 *	default 0: notify at the end of every batch, no added latency)
 *
 * The guest is notified at most once per batch of delivered frames in any
 * case; EVENT_IDX can suppress more. VHOST_SET_VRING_BUSYLOOP_TIMEOUT
 * makes a queue's worker poll that many microseconds for work before it
 * sleeps. EINVAL for values out of range.
 */
struct vhost_kvs_coalesce {
	__u32 max_frames;
	__u32 max_usecs;
};

#define VHOST_KVS_SET_COALESCE	_IOW(VHOST_VIRTIO, 0xA3, struct vhost_kvs_coalesce)
#define VHOST_KVS_GET_COALESCE	_IOR(VHOST_VIRTIO, 0xA4, struct vhost_kvs_coalesce)

/*
 * A new file descriptor (close-on-exec) of a tap file for this port, for
 * QEMU builds without -netdev vhost-kvs: give it as "-netdev
 * tap,fd=TAP,vhost=on,vhostfd=THIS". It answers the tap ioctls QEMU uses
 * (TUNGETIFF, TUNGETFEATURES: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
 * TUNSETSNDBUF; TUNSET/GETVNETHDRSZ; TUNSET/GETVNETLE; TUNSETOFFLOAD, as
 * VHOST_KVS_SET_OFFLOADS), VHOST_NET_SET_BACKEND on this file accepts it,
 * a frame written to it (virtio-net header first) enters the switch as if
 * the guest sent it, and reads return EAGAIN. It keeps the port alive.
 */
#define VHOST_KVS_TAP_FD	_IO(VHOST_VIRTIO, 0xA5)

/*
 * Multiqueue. QEMU opens one vhost device per virtio-net queue pair; a
 * port of N queue pairs is N /dev/vhost-kvs files. The first is attached
 * with VHOST_KVS_ATTACH and is the port; VHOST_KVS_ADD_QUEUE on each of
 * the others, with the first one's file descriptor, makes it one more
 * queue pair of that port (up to VHOST_KVS_QUEUES_MAX in all). What a
 * queue pair sends is the port's; frames to the port are spread over the
 * queue pairs whose RX queue runs and that are enabled, by the hash of
 * their flow. Closing (or VHOST_KVS_DETACH on) a queue pair's file takes
 * it out of the port; closing the first file takes the whole port out of
 * its switch. Errors: EBADF; EINVAL when the fd is not another
 * /dev/vhost-kvs file that is a port; ENOTCONN when that port is not
 * attached; EISCONN when this file is; ENOSPC when the port is full.
 */
#define VHOST_KVS_QUEUES_MAX	16
#define VHOST_KVS_ADD_QUEUE	_IOW(VHOST_VIRTIO, 0xA6, int)

/*
 * Whether this file's queue pair takes frames (1, the default) or not (0):
 * the guest's queue pair count (ethtool -L), which QEMU passes on as it
 * does for a multiqueue tap (TUNSETQUEUE with IFF_ATTACH_QUEUE or
 * IFF_DETACH_QUEUE, which a port's tap file also takes). EINVAL for other
 * values.
 */
#define VHOST_KVS_SET_QUEUE_ENABLE _IOW(VHOST_VIRTIO, 0xA7, __u32)

#endif /* _UAPI_LINUX_VHOST_KVS_H */
