/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest played by a user-space process: it owns a block of memory as
 * "guest memory", lays virtqueues out in it and drives a vhost device
 * through the same ioctls QEMU issues.
 */
#ifndef KVS_GUEST_H
#define KVS_GUEST_H

#include <stdint.h>
#include <linux/virtio_ring.h>

#define GUEST_MEM_SIZE	(4u << 20)	/* default */
#define GUEST_QSIZE	256
#define GUEST_NVQ	3

struct guest_vq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t avail_idx;	/* next avail slot the driver fills */
	uint16_t used_seen;	/* used entries already consumed */
	uint16_t kicked_at;	/* avail_idx at the last kick decision */
	int kick, call, err;	/* eventfds */
};

struct guest {
	int fd;			/* the vhost device */
	uint8_t *mem;		/* guest memory, guest-physical 0 */
	uint64_t mem_size;
	struct guest_vq vq[GUEST_NVQ];
	uint64_t features;	/* negotiated; EVENT_IDX changes the calls below */
};

static inline void *gpa(struct guest *g, uint64_t addr)
{
	return g->mem + addr;
}

/*
 * VHOST_KVS_ATTACH of @fd to switch @sw as @mac, in the network
 * namespace at path @netns (NULL: the caller's), back in the caller's
 * after: the port then outlives that namespace. 0 or -errno.
 */
int guest_attach(int fd, const char *sw, const uint8_t *mac,
		 const char *netns);
int guest_init(struct guest *g, const char *dev);
int guest_init_size(struct guest *g, const char *dev, uint64_t mem_size);
void guest_fini(struct guest *g);
int guest_set_mem(struct guest *g);
int guest_setup_vq(struct guest *g, unsigned int idx);
int guest_reset_vq(struct guest *g, unsigned int idx);
int guest_set_backend(struct guest *g, unsigned int idx, int fd);
/* The guest's own file as queue @idx's backend: a vhost-kvs port's. */
int guest_self_backend(struct guest *g, unsigned int idx);
/* At @at: a virtio-net header, then a broadcast frame of @flen bytes. */
void guest_fill_broadcast(struct guest *g, uint64_t at, uint32_t flen);
/* Post one chain of (gpa, len, flags) segments; returns the head. */
int guest_post(struct guest *g, unsigned int idx, unsigned int n,
	       const uint64_t *addr, const uint32_t *len, const uint16_t *flags);
/*
 * After guest_publish(): does the device want a kick for what was
 * published since the last call? (VRING_USED_F_NO_NOTIFY, or with
 * EVENT_IDX the device's avail_event.)
 */
int guest_kick_wanted(struct guest *g, unsigned int idx);
void guest_kick(struct guest *g, unsigned int idx);
/* Single-descriptor buffers: descriptor i is the buffer's own slot. */
void guest_add_buf(struct guest *g, unsigned int idx, uint16_t i,
		   uint64_t addr, uint32_t len, uint16_t flags);
/* Make everything added since the last call visible to the device. */
void guest_publish(struct guest *g, unsigned int idx);
/* Take the next used entry without waiting; 1 got, 0 none (with
 * EVENT_IDX, the device is then asked for a call at the next one).
 */
int guest_used_next(struct guest *g, unsigned int idx, uint32_t *id,
		    uint32_t *len);
/* Wait up to ms for fd (an eventfd) to fire; 1 fired, 0 timeout. */
int guest_wait_fd(int fd, int ms);
/* Wait up to ms for a used entry; fills id/len. 1 got, 0 timeout. */
int guest_wait_used(struct guest *g, unsigned int idx, int ms,
		    uint32_t *id, uint32_t *len);
/* CPU seconds used so far by this process's vhost worker threads. */
double guest_worker_cpu(void);

#define GUEST_MAX_WORKERS	32
/*
 * CPU time so far, from the scheduler's own clock (schedstat, ns), not
 * from ticks: each of this process's vhost workers, in the order they were
 * made (one per device, so port i's is the i-th), and its other threads
 * (the tool itself); softirq time of all CPUs (/proc/stat, in ticks).
 */
struct guest_cpu {
	unsigned int nworkers;
	int worker_tid[GUEST_MAX_WORKERS];
	uint64_t worker_ns[GUEST_MAX_WORKERS];
	uint64_t worker_runs[GUEST_MAX_WORKERS];	/* times it was run */
	uint64_t other_ns;
	uint64_t softirq_ns;
};

/* 0, or -1 when /proc could not be read. */
int guest_cpu_snap(struct guest_cpu *c);

#endif
