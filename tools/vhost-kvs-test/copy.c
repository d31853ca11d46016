// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-copy SIZE [MB]: the physical limit for make bench. Copies SIZE
 * bytes at a time, with memcpy(), from a 64 MiB source walked in order
 * (so the source is not in a cache, as a guest's frame usually is not)
 * into one SIZE-byte destination, until MB megabytes (default 512) are
 * copied; prints "copy size=SIZE ns_per_byte=X". Both backends copy each
 * frame at least twice (the sender's guest to the kernel, the kernel to
 * the receiver's guest); this is what one copy costs on the same host.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SRC_SIZE	(64u << 20)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? strtoul(argv[1], NULL, 0) : 0;
	uint64_t total = (argc > 2 ? strtoull(argv[2], NULL, 0) : 512) << 20;
	uint64_t done = 0;
	size_t off = 0;
	uint8_t *src, *dst;
	double t0;

	if (!size || size > SRC_SIZE || !total) {
		fprintf(stderr, "usage: kvs-copy SIZE [MB]\n");
		return 2;
	}
	src = malloc(SRC_SIZE);
	dst = malloc(size);
	if (!src || !dst)
		return 1;
	memset(src, 0x5a, SRC_SIZE);
	memset(dst, 0, size);
	t0 = now_ns();
	while (done < total) {
		if (off + size > SRC_SIZE)
			off = 0;
		memcpy(dst, src + off, size);
		/* The copy must not be optimised away. */
		__asm__ volatile("" : : "r"(dst) : "memory");
		off += size;
		done += size;
	}
	printf("copy size=%zu ns_per_byte=%.4f\n", size, (now_ns() - t0) / done);
	return 0;
}
