// SPDX-License-Identifier: GPL-2.0
/* The guest side of a vhost device, for tests and benchmarks. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/vhost_kvs.h>
#include <linux/virtio_net.h>

#include "guest.h"

/* Rings of queue i live in the first 64 KiB of each 1 MiB slice; frames
 * use the rest, so a test can place buffers wherever it needs.
 */
#define VQ_AREA(i)	((uint64_t)(i) << 20)

static int attach_here(int fd, const char *sw, const uint8_t *mac)
{
	struct vhost_kvs_attach a = { 0 };

	snprintf(a.switch_name, sizeof(a.switch_name), "%s", sw);
	memcpy(a.mac, mac, sizeof(a.mac));
	return ioctl(fd, VHOST_KVS_ATTACH, &a) ? -errno : 0;
}

int guest_attach(int fd, const char *sw, const uint8_t *mac,
		 const char *netns)
{
	int home, there, r;

	if (!netns)
		return attach_here(fd, sw, mac);
	home = open("/proc/self/ns/net", O_RDONLY);
	there = open(netns, O_RDONLY);
	r = -errno;
	if (home >= 0 && there >= 0 && !setns(there, CLONE_NEWNET)) {
		r = attach_here(fd, sw, mac);
		if (setns(home, CLONE_NEWNET))
			r = -errno;
	}
	if (there >= 0)
		close(there);
	if (home >= 0)
		close(home);
	return r;
}

int guest_init(struct guest *g, const char *dev)
{
	return guest_init_size(g, dev, GUEST_MEM_SIZE);
}

int guest_init_size(struct guest *g, const char *dev, uint64_t mem_size)
{
	memset(g, 0, sizeof(*g));
	g->mem_size = mem_size;
	g->fd = open(dev, O_RDWR);
	if (g->fd < 0)
		return -errno;
	g->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (g->mem == MAP_FAILED) {
		close(g->fd);
		return -errno;
	}
	for (int i = 0; i < GUEST_NVQ; i++) {
		g->vq[i].kick = eventfd(0, EFD_NONBLOCK);
		g->vq[i].call = eventfd(0, EFD_NONBLOCK);
		g->vq[i].err = eventfd(0, EFD_NONBLOCK);
	}
	return 0;
}

void guest_fini(struct guest *g)
{
	for (int i = 0; i < GUEST_NVQ; i++) {
		close(g->vq[i].kick);
		close(g->vq[i].call);
		close(g->vq[i].err);
	}
	if (g->fd >= 0)
		close(g->fd);
	munmap(g->mem, g->mem_size);
	g->fd = -1;
}

int guest_set_mem(struct guest *g)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r;
	} t = {
		.m.nregions = 1,
		.r = {
			.guest_phys_addr = 0,
			.memory_size = g->mem_size,
			.userspace_addr = (uintptr_t)g->mem,
		},
	};

	return ioctl(g->fd, VHOST_SET_MEM_TABLE, &t) ? -errno : 0;
}

static int vq_ioctl(struct guest *g, unsigned long req, void *arg)
{
	return ioctl(g->fd, req, arg) ? -errno : 0;
}

/* Lay the rings out (zeroed) and hand them to the device. */
int guest_setup_vq(struct guest *g, unsigned int idx)
{
	struct guest_vq *q = &g->vq[idx];
	struct vhost_vring_state num = { idx, GUEST_QSIZE };
	struct vhost_vring_state base = { idx, 0 };
	struct vhost_vring_file kick = { idx, q->kick };
	struct vhost_vring_file call = { idx, q->call };
	struct vhost_vring_file err = { idx, q->err };
	struct vhost_vring_addr addr = { .index = idx };
	int r;

	q->desc_gpa = VQ_AREA(idx);
	q->avail_gpa = q->desc_gpa + 0x4000;
	q->used_gpa = q->desc_gpa + 0x8000;
	memset(gpa(g, q->desc_gpa), 0, 0x10000);
	q->desc = gpa(g, q->desc_gpa);
	q->avail = gpa(g, q->avail_gpa);
	q->used = gpa(g, q->used_gpa);
	q->avail_idx = 0;
	q->used_seen = 0;
	q->kicked_at = 0;
	addr.desc_user_addr = (uintptr_t)q->desc;
	addr.avail_user_addr = (uintptr_t)q->avail;
	addr.used_user_addr = (uintptr_t)q->used;

	r = vq_ioctl(g, VHOST_SET_VRING_NUM, &num);
	r = r ?: vq_ioctl(g, VHOST_SET_VRING_BASE, &base);
	r = r ?: vq_ioctl(g, VHOST_SET_VRING_ADDR, &addr);
	r = r ?: vq_ioctl(g, VHOST_SET_VRING_KICK, &kick);
	r = r ?: vq_ioctl(g, VHOST_SET_VRING_CALL, &call);
	r = r ?: vq_ioctl(g, VHOST_SET_VRING_ERR, &err);
	return r;
}

/* Stop the queue and start over on empty rings. */
int guest_reset_vq(struct guest *g, unsigned int idx)
{
	int r = guest_set_backend(g, idx, -1);

	return r ?: guest_setup_vq(g, idx);
}

int guest_set_backend(struct guest *g, unsigned int idx, int fd)
{
	struct vhost_vring_file b = { idx, fd };

	return vq_ioctl(g, VHOST_NET_SET_BACKEND, &b);
}

int guest_self_backend(struct guest *g, unsigned int idx)
{
	return guest_set_backend(g, idx, g->fd);
}

void guest_fill_broadcast(struct guest *g, uint64_t at, uint32_t flen)
{
	struct virtio_net_hdr_mrg_rxbuf *h = gpa(g, at);
	uint8_t *f = (uint8_t *)(h + 1);

	memset(h, 0, sizeof(*h));
	memset(f, 0xff, 6);
	for (uint32_t i = 6; i < flen; i++)
		f[i] = (uint8_t)i;
}

int guest_post(struct guest *g, unsigned int idx, unsigned int n,
	       const uint64_t *addr, const uint32_t *len, const uint16_t *flags)
{
	struct guest_vq *q = &g->vq[idx];
	/* One chain per slot block: head = avail slot * 4, up to 4 segs. */
	unsigned int head = (q->avail_idx * 4) % GUEST_QSIZE;

	for (unsigned int i = 0; i < n; i++) {
		struct vring_desc *d = &q->desc[head + i];

		d->addr = addr[i];
		d->len = len[i];
		d->flags = flags[i];
		if (i + 1 < n) {
			d->flags |= VRING_DESC_F_NEXT;
			d->next = head + i + 1;
		}
	}
	q->avail->ring[q->avail_idx % GUEST_QSIZE] = head;
	__atomic_store_n(&q->avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
	return head;
}

void guest_add_buf(struct guest *g, unsigned int idx, uint16_t i,
		   uint64_t addr, uint32_t len, uint16_t flags)
{
	struct guest_vq *q = &g->vq[idx];

	q->desc[i].addr = addr;
	q->desc[i].len = len;
	q->desc[i].flags = flags;
	q->avail->ring[q->avail_idx++ % GUEST_QSIZE] = i;
}

void guest_publish(struct guest *g, unsigned int idx)
{
	struct guest_vq *q = &g->vq[idx];

	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

static int guest_event_idx(const struct guest *g)
{
	return !!(g->features & (1ULL << VIRTIO_RING_F_EVENT_IDX));
}

/*
 * The ring looked empty. With EVENT_IDX, ask for a call at the next used
 * entry (used_event), then look again: an entry the device added before
 * it could see the request would otherwise wait for a call that never
 * comes. Return: 1 when the ring is still empty.
 */
static int guest_used_empty(struct guest *g, struct guest_vq *q)
{
	if (!guest_event_idx(g))
		return 1;
	/* used_event: the slot after the avail ring's last */
	__atomic_store_n(&q->avail->ring[GUEST_QSIZE], q->used_seen,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) == q->used_seen;
}

int guest_used_next(struct guest *g, unsigned int idx, uint32_t *id,
		    uint32_t *len)
{
	struct guest_vq *q = &g->vq[idx];
	struct vring_used_elem *e;

	if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) == q->used_seen &&
	    guest_used_empty(g, q))
		return 0;
	e = &q->used->ring[q->used_seen++ % GUEST_QSIZE];
	*id = e->id;
	*len = e->len;
	return 1;
}

int guest_kick_wanted(struct guest *g, unsigned int idx)
{
	struct guest_vq *q = &g->vq[idx];
	uint16_t old = q->kicked_at, event;

	q->kicked_at = q->avail_idx;
	/* The device reads avail->idx before it sets either. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!guest_event_idx(g))
		return !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) &
			 VRING_USED_F_NO_NOTIFY);
	/* avail_event: the slot after the used ring's last */
	event = __atomic_load_n((uint16_t *)&q->used->ring[GUEST_QSIZE],
				__ATOMIC_RELAXED);
	return vring_need_event(event, q->avail_idx, old);
}

void guest_kick(struct guest *g, unsigned int idx)
{
	uint64_t one = 1;

	(void)!write(g->vq[idx].kick, &one, sizeof(one));
}

int guest_wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return 0;
	(void)!read(fd, &v, sizeof(v));
	return 1;
}

int guest_wait_used(struct guest *g, unsigned int idx, int ms,
		    uint32_t *id, uint32_t *len)
{
	struct guest_vq *q = &g->vq[idx];

	/* Bounded: each wait is at most ms, and a used entry needs a call.
	 * Two waits: the first may only consume the call of an entry taken
	 * earlier without waiting. The ring is looked at after each.
	 */
	for (int tries = 0;; tries++) {
		uint16_t used = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);

		if (used != q->used_seen) {
			struct vring_used_elem *e =
				&q->used->ring[q->used_seen++ % GUEST_QSIZE];

			*id = e->id;
			*len = e->len;
			return 1;
		}
		if (tries == 2 || !guest_wait_fd(q->call, ms))
			return 0;
	}
}

struct guest_thread {
	int tid;
	int worker;
	uint64_t ns, runs;
};

static int guest_thread_cmp(const void *a, const void *b)
{
	return ((const struct guest_thread *)a)->tid -
	       ((const struct guest_thread *)b)->tid;
}

/* One thread of ours: is it a vhost worker, and its schedstat. */
static int guest_thread_read(const char *tid, struct guest_thread *t)
{
	char path[300], comm[64] = "";
	unsigned long long ns, wait, runs;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%llu %llu %llu", &ns, &wait, &runs) != 3) {
		fclose(f);
		return -1;
	}
	fclose(f);
	t->tid = atoi(tid);
	t->worker = !strncmp(comm, "vhost-", 6);
	t->ns = ns;
	t->runs = runs;
	return 0;
}

static uint64_t guest_softirq_ns(void)
{
	unsigned long long v[7] = { 0 };
	FILE *f = fopen("/proc/stat", "r");
	int n = 0;

	if (f) {
		n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
		fclose(f);
	}
	return n == 7 ? v[6] * 1000000000ull / sysconf(_SC_CLK_TCK) : 0;
}

int guest_cpu_snap(struct guest_cpu *c)
{
	struct guest_thread t[GUEST_MAX_WORKERS * 2];
	unsigned int n = 0, i;
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	memset(c, 0, sizeof(*c));
	if (!dir)
		return -1;
	while ((d = readdir(dir)) && n < GUEST_MAX_WORKERS * 2)
		if (d->d_name[0] != '.' && !guest_thread_read(d->d_name, &t[n]))
			n++;
	closedir(dir);
	qsort(t, n, sizeof(t[0]), guest_thread_cmp);
	for (i = 0; i < n; i++) {
		if (!t[i].worker) {
			c->other_ns += t[i].ns;
		} else if (c->nworkers < GUEST_MAX_WORKERS) {
			c->worker_tid[c->nworkers] = t[i].tid;
			c->worker_ns[c->nworkers] = t[i].ns;
			c->worker_runs[c->nworkers++] = t[i].runs;
		}
	}
	c->softirq_ns = guest_softirq_ns();
	return 0;
}

/* CPU seconds used by this process's vhost worker threads. */
double guest_worker_cpu(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	double total = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	while (dir && (d = readdir(dir))) {
		char path[300], buf[512], *s;
		unsigned long ut, st;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		s = fgets(buf, sizeof(buf), f) && strstr(buf, "(vhost-") ?
		    strrchr(buf, ')') : NULL;
		if (s && sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
				&ut, &st) == 2)
			total += (double)(ut + st) / hz;
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return total;
}
