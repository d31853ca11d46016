/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Leulo: a guest's TCP sockets served by host kernel sockets.
 *
 * /dev/vhost-leulo speaks the vhost ioctls of <linux/vhost.h> the way
 * /dev/vhost-vsock does: VHOST_SET_OWNER, VHOST_GET/SET_FEATURES,
 * VHOST_SET_MEM_TABLE, VHOST_SET_VRING_*. Its virtio device ID is
 * VIRTIO_ID_LEULO below: provisional, unassigned by the virtio
 * specification, and the last one a modern virtio-pci device can have
 * (PCI device ID 0x1040 + 63 = 0x107f). It is written nowhere else.
 *
 * Three queues:
 *  - VHOST_LEULO_VQ_CTL: the driver's requests, one per chain: a
 *    struct vhost_leulo_req (device-readable), then a struct
 *    vhost_leulo_resp (device-writable), answered in order of arrival.
 *  - VHOST_LEULO_VQ_EVT: device-writable buffers of at least one struct
 *    vhost_leulo_event each, filled when a socket's readiness may have
 *    changed.
 *  - VHOST_LEULO_VQ_DATA: requests too, meant for SEND and RECV, so that
 *    a large transfer never holds up a connect or an accept.
 * Every operation is accepted on both request queues. A SEND's payload
 * follows the request in the device-readable part; a RECV's lands after
 * the response in the device-writable part. The used length is the
 * response's size plus the bytes received.
 *
 * Nothing waits in the device: a request that Linux would block on
 * answers -EAGAIN (or -EINPROGRESS for CONNECT), and the driver waits
 * for an event that says the socket is ready.
 *
 * The host sockets live in a network namespace the VMM hands over with
 * VHOST_LEULO_SET_NETNS before starting the queues (VHOST_LEULO_SET_RUNNING).
 * All fields are little-endian, sa_family of an address included (port
 * and address are in network order, as in struct sockaddr_in); the
 * device offers VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX and
 * VIRTIO_RING_F_INDIRECT_DESC, and needs VIRTIO_F_VERSION_1.
 *
 * The int argument of VHOST_LEULO_SET_NETNS and VHOST_LEULO_SET_RUNNING is
 * passed by pointer, as vhost-vsock's VHOST_VSOCK_SET_RUNNING.
 */
#ifndef _UAPI_LINUX_VHOST_LEULO_H
#define _UAPI_LINUX_VHOST_LEULO_H

#include <linux/types.h>
#include <linux/vhost.h>

#define VIRTIO_ID_LEULO		63	/* provisional */

#define VHOST_LEULO_VQ_CTL	0
#define VHOST_LEULO_VQ_EVT	1
#define VHOST_LEULO_VQ_DATA	2
#define VHOST_LEULO_VQ_MAX	3

/**
 * enum vhost_leulo_op - a request's operation
 * @VHOST_LEULO_OP_SOCKET: arg0 = AF_INET or AF_INET6; a new TCP socket,
 *	its id in the response's @id
 * @VHOST_LEULO_OP_BIND: addr, addr_len
 * @VHOST_LEULO_OP_LISTEN: arg0 = backlog (capped by the device's limit)
 * @VHOST_LEULO_OP_ACCEPT: a new connection's socket in @id, its peer in
 *	addr, or -EAGAIN
 * @VHOST_LEULO_OP_CONNECT: addr, addr_len; -EINPROGRESS, then an event
 *	with EPOLLOUT (and err set when it failed)
 * @VHOST_LEULO_OP_SEND: arg0 = MSG_MORE or 0; payload after the request;
 *	@val bytes taken, or -EAGAIN, -EPIPE (the driver raises SIGPIPE)
 * @VHOST_LEULO_OP_RECV: arg0 = MSG_PEEK or 0; @val bytes received after
 *	the response, 0 at end of stream, or -EAGAIN
 * @VHOST_LEULO_OP_SHUTDOWN: arg0 = SHUT_RD, SHUT_WR or SHUT_RDWR
 * @VHOST_LEULO_OP_CLOSE: arg0 = VHOST_LEULO_CLOSE_RESET to abort (RST,
 *	as close with SO_LINGER and a zero timeout), or 0
 * @VHOST_LEULO_OP_GETNAME: arg0 = 0 own address, 1 peer's, in addr
 * @VHOST_LEULO_OP_SETSOCKOPT: arg0 = level, arg1 = name, value (an int,
 *	or struct linger for SO_LINGER) in addr, its size in addr_len. The
 *	options: SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_RCVBUF,
 *	SO_SNDBUF (cut to the device's max_buf), SO_LINGER (a non-zero
 *	timeout is EOPNOTSUPP: the device never waits), TCP_NODELAY,
 *	TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, IPV6_V6ONLY;
 *	any other is ENOPROTOOPT
 * @VHOST_LEULO_OP_GETSOCKOPT: arg0 = level, arg1 = name; the int value in
 *	@val, for the options above and SO_ERROR (which clears it); for
 *	IPPROTO_TCP TCP_INFO, the host's struct tcp_info where a RECV's data
 *	lands (as much as the room holds), its length in @val
 * @VHOST_LEULO_OP_POLL: the socket's EPOLL* mask in @val
 * @VHOST_LEULO_OP_IOCTL: arg0 = SIOCINQ (FIONREAD) or SIOCOUTQ; @val
 */
enum vhost_leulo_op {
	VHOST_LEULO_OP_SOCKET = 1,
	VHOST_LEULO_OP_BIND,
	VHOST_LEULO_OP_LISTEN,
	VHOST_LEULO_OP_ACCEPT,
	VHOST_LEULO_OP_CONNECT,
	VHOST_LEULO_OP_SEND,
	VHOST_LEULO_OP_RECV,
	VHOST_LEULO_OP_SHUTDOWN,
	VHOST_LEULO_OP_CLOSE,
	VHOST_LEULO_OP_GETNAME,
	VHOST_LEULO_OP_SETSOCKOPT,
	VHOST_LEULO_OP_GETSOCKOPT,
	VHOST_LEULO_OP_POLL,
	VHOST_LEULO_OP_IOCTL,
	VHOST_LEULO_OP_MAX = VHOST_LEULO_OP_IOCTL,
};

#define VHOST_LEULO_CLOSE_RESET	1

/* Room for a struct sockaddr_in6, or an option's value. */
#define VHOST_LEULO_ADDR_LEN	28

/**
 * struct vhost_leulo_req - a request, device-readable
 * @op: enum vhost_leulo_op
 * @id: the socket, as SOCKET or ACCEPT answered (unused by SOCKET)
 * @arg0: the operation's first argument (see enum vhost_leulo_op)
 * @arg1: its second
 * @addr_len: bytes of @addr used, at most VHOST_LEULO_ADDR_LEN
 * @reserved: must be 0
 * @addr: a struct sockaddr_in or sockaddr_in6, or an option's value
 */
struct vhost_leulo_req {
	__le32 op;
	__le32 id;
	__le32 arg0;
	__le32 arg1;
	__le32 addr_len;
	__le32 reserved;
	__u8 addr[VHOST_LEULO_ADDR_LEN];
	__u8 pad[4];
};

/**
 * struct vhost_leulo_resp - an answer, device-writable
 * @status: 0 or a negative errno, as Linux's call would return
 * @id: the new socket of SOCKET and ACCEPT
 * @val: bytes sent or received, a poll mask, an option's or an ioctl's
 *	value
 * @addr_len: bytes of @addr used
 * @addr: an address (ACCEPT, GETNAME) or an option's value
 * @mask: the socket's EPOLL* mask after the call, as an event's (for
 *	SOCKET the new socket's, for ACCEPT the listener's); 0 for CLOSE
 *	and for a request naming no socket
 * @seq: the socket's sequence number for @mask (see struct
 *	vhost_leulo_event), 0 when @mask is 0 for lack of a socket
 *
 * Answers and events of one socket may reach the driver in another order
 * than the device wrote them: of two masks, the one with the later @seq
 * is the newer.
 */
struct vhost_leulo_resp {
	__le32 status;
	__le32 id;
	__le32 val;
	__le32 addr_len;
	__u8 addr[VHOST_LEULO_ADDR_LEN];
	__le32 mask;
	__le32 seq;
};

/**
 * struct vhost_leulo_event - a socket's readiness may have changed
 * @id: the socket
 * @mask: its EPOLL* mask now (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP,
 *	EPOLLRDHUP; a listening socket is EPOLLIN with a connection waiting)
 * @err: its pending error (positive errno) or 0; a later GETSOCKOPT of
 *	SO_ERROR clears it
 * @seq: the socket's sequence number, one more for each event and each
 *	answer about it (it wraps: compare as (__s32)(a - b) > 0)
 *
 * One event stands for every change since the previous one of that
 * socket; none comes for a socket already closed.
 */
struct vhost_leulo_event {
	__le32 id;
	__le32 mask;
	__le32 err;
	__le32 seq;
};

/**
 * struct vhost_leulo_limits - per-device caps
 * @max_sockets: sockets open at once, accepted ones included
 * @max_backlog: a listen backlog is cut to this
 * @max_buf: SO_SNDBUF and SO_RCVBUF are cut to this many bytes
 * @reserved: must be 0
 *
 * Set by the VMM, never above the module's parameters of the same names
 * (which are also the defaults); a limit of 0 keeps the current one.
 */
struct vhost_leulo_limits {
	__u32 max_sockets;
	__u32 max_backlog;
	__u32 max_buf;
	__u32 reserved;
};

/**
 * struct vhost_leulo_stats - counters of one device
 * @requests: requests answered
 * @errors: answered with an error status (the calls' own failures too)
 * @bad_requests: malformed: unknown op, bad id or length, a reserved
 *	field set, a chain too short (answered -EINVAL or -EBADF when the
 *	chain had room for an answer, else dropped with a used length of 0)
 * @events: events written
 * @events_deferred: times a socket's event waited for an event buffer
 * @sockets: open now
 * @sockets_peak: most open at once
 * @refused_limit: SOCKET or ACCEPT refused by max_sockets (-EMFILE)
 * @bytes_sent: payload handed to host sockets
 * @bytes_received: payload given to the driver
 */
struct vhost_leulo_stats {
	__u64 requests;
	__u64 errors;
	__u64 bad_requests;
	__u64 events;
	__u64 events_deferred;
	__u64 sockets;
	__u64 sockets_peak;
	__u64 refused_limit;
	__u64 bytes_sent;
	__u64 bytes_received;
};

/*
 * ioctl numbers 0xB0 to 0xB7 of the vhost type are Leulo's (vhost-kvs's
 * are in <linux/vhost_kvs.h>).
 *
 * VHOST_LEULO_SET_NETNS: the fd of a network namespace (/proc/PID/ns/net
 * or /run/netns/NAME). Needs CAP_SYS_ADMIN over that namespace's user
 * namespace, as entering it would; the initial namespace is refused
 * (EPERM). Only before the queues run (EBUSY), and once (EEXIST).
 * VHOST_LEULO_SET_RUNNING: VHOST_LEULO_RUN starts the queues (ENXIO without
 * a namespace); VHOST_LEULO_STOP stops them and closes every host socket (a
 * device reset); VHOST_LEULO_PAUSE stops them and keeps the sockets, whose
 * TCP goes on in the host, for a VM that is paused and will run again:
 * events raised meanwhile are delivered when the queues run again.
 */
#define VHOST_LEULO_STOP	0
#define VHOST_LEULO_RUN		1
#define VHOST_LEULO_PAUSE	2

#define VHOST_LEULO_SET_NETNS	_IOW(VHOST_VIRTIO, 0xB0, int)
#define VHOST_LEULO_SET_RUNNING	_IOW(VHOST_VIRTIO, 0xB1, int)
#define VHOST_LEULO_SET_LIMITS	_IOW(VHOST_VIRTIO, 0xB2, struct vhost_leulo_limits)
#define VHOST_LEULO_GET_LIMITS	_IOR(VHOST_VIRTIO, 0xB3, struct vhost_leulo_limits)
#define VHOST_LEULO_GET_STATS	_IOR(VHOST_VIRTIO, 0xB4, struct vhost_leulo_stats)

#endif /* _UAPI_LINUX_VHOST_LEULO_H */
