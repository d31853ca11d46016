// SPDX-License-Identifier: GPL-2.0
/*
 * kvs-svmrace SECS: checks the emulator under L1, not vhost-kvs.
 *
 * Under TCG, QEMU 7.2 lets any vCPU's FXRSTOR rewrite the first vCPU's
 * hflags2 (the word that holds GIF and nested paging) without a lock,
 * racing that vCPU's own VMRUN and #VMEXIT (qemu/0008-*.patch). This
 * makes the race as likely as it gets: CPU 0 runs a one-vCPU KVM guest
 * that exits to user space on every instruction pair (OUT, INC, JMP), and
 * CPU 1 restores its FPU state in a loop. The guest writes a counter to
 * port 0x10; every exit must carry the next value. A lost race shows as a
 * wrong exit, a wrong value, or L1 itself failing (an oops, a freeze).
 *
 * Prints "exits N in S s", exits 0 when every exit was right.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000
#define PORT		0x10

/* Real mode: mov ax, 0; 1: out 0x10, ax; inc ax; jmp 1b */
static const uint8_t code[] = { 0xb8, 0x00, 0x00, 0xe7, PORT, 0x40, 0xeb, 0xfb };

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fxrstor_loop(void)
{
	static uint8_t area[512] __attribute__((aligned(16)));

	pin(1);
	__asm__ volatile("fxsave %0" : "=m"(area));
	for (;;)
		__asm__ volatile("fxrstor %0" : : "m"(area));
}

static int vcpu_setup(int vm, struct kvm_run **run)
{
	struct kvm_regs regs = { .rip = GUEST_CODE, .rflags = 2 };
	struct kvm_sregs sregs;
	int kvm = open("/dev/kvm", O_RDWR);
	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	int size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (vcpu < 0 || size <= 0)
		die("KVM_CREATE_VCPU");
	*run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (*run == MAP_FAILED)
		die("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) || ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS");
	close(kvm);
	return vcpu;
}

static int vm_setup(void)
{
	struct kvm_userspace_memory_region mem = { .memory_size = GUEST_MEM };
	int kvm = open("/dev/kvm", O_RDWR);
	int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
	uint8_t *ram;

	if (vm < 0)
		die("KVM_CREATE_VM");
	ram = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap guest memory");
	memcpy(ram + GUEST_CODE, code, sizeof(code));
	mem.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION");
	close(kvm);
	return vm;
}

/* One exit: 0 when it is the OUT of @want, else says what it was. */
static int check_exit(const struct kvm_run *run, uint16_t want)
{
	uint16_t got;

	if (run->exit_reason != KVM_EXIT_IO || run->io.port != PORT ||
	    run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 2 ||
	    run->io.count != 1) {
		fprintf(stderr, "unexpected exit %u (port %#x dir %u size %u) at value %u\n",
			run->exit_reason, run->io.port, run->io.direction,
			run->io.size, want);
		return -1;
	}
	memcpy(&got, (const uint8_t *)run + run->io.data_offset, sizeof(got));
	if (got != want) {
		fprintf(stderr, "guest wrote %u, expected %u\n", got, want);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 30, start, end;
	unsigned long exits = 0;
	struct kvm_run *run;
	uint16_t want = 0;
	int vm, vcpu, rc = 0;
	pid_t child;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "needs two CPUs\n");
		return 2;
	}
	vm = vm_setup();
	vcpu = vcpu_setup(vm, &run);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child)
		fxrstor_loop();
	pin(0);
	start = now();
	end = start + secs;
	while (!rc && ((exits & 1023) || now() < end)) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			if (errno == EINTR)
				continue;
			perror("KVM_RUN");
			rc = -1;
			break;
		}
		rc = check_exit(run, want++);
		exits++;
	}
	/* The race needs CPU 1 busy all along: a loop that died proves nothing. */
	if (waitpid(child, NULL, WNOHANG) != 0) {
		fprintf(stderr, "the FXRSTOR loop on CPU 1 did not run to the end\n");
		rc = -1;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("exits %lu in %.1f s\n", exits, now() - start);
	return rc ? 1 : 0;
}
