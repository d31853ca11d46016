# SPDX-License-Identifier: GPL-2.0
#
# vhost-kvs. Two ways in:
#  - kbuild: make -C <kernel build dir> M=$PWD VHOST_SRC=<kernel src>/drivers/vhost
#    builds vhost_kvs.ko out of tree (scripts/build-module.sh does it for
#    Debian's 6.12 headers);
#  - the project's own targets below (run as root on Debian 12; each installs
#    what it needs with apt-get).

ifneq ($(KERNELRELEASE),)
obj-m += drivers/vhost-kvs/
else

.PHONY: help demo check bench qemu deps kernel kernel-debug module deb kunit checkpatch vm-test flakes fuzz clean

help:
	@echo "make demo          build, boot the test host, show /dev/vhost-kvs and two guests talking"
	@echo "make check         every test; ends with 'N passed, N failed'"
	@echo "make bench         vhost-kvs vs vhost-net + tap + bridge, same boot; ratio lines"
	@echo "make qemu          minimal qemu-system-x86_64 from Debian's 7.2 source + qemu/*.patch"
	@echo "make kernel        build the test-bed kernel (build/kernel-normal)"
	@echo "make kernel-debug  the KASAN/lockdep/kmemleak/UBSAN kernel (build/kernel-debug)"
	@echo "make module        vhost_kvs.ko out of tree against Debian's 6.12 headers"
	@echo "make deb           vhost-kvs-dkms and vhost-kvs-tools packages in build/deb/"
	@echo "make kunit         KUnit suites on UML"
	@echo "make vm-test T='kselftest baseline' [K=debug]   chosen L1 tests"
	@echo "make flakes T='guests-kvs' [N=20] [K=debug]   how often the test bed loses a test"
	@echo "make fuzz [FUZZ_SECS=3600] [FUZZ_SEEDS='1 2 3']  the ring fuzzer on the debug kernel"
	@echo "make clean         remove build/ (ccache keeps its own directory)"

demo:
	./scripts/demo.sh

check:
	./scripts/check.sh

bench:
	./scripts/bench.sh

qemu:
	./scripts/qemu-build.sh

deps:
	./scripts/deps.sh

kernel: deps
	./scripts/build-kernel.sh normal

kernel-debug: deps
	./scripts/build-kernel.sh debug

module: deps
	./scripts/build-module.sh

deb: deps
	./scripts/build-deb.sh

kunit: deps
	./scripts/kunit.sh

checkpatch: deps
	./scripts/checkpatch.sh

T ?= kselftest baseline
K ?= normal
vm-test: deps
	./scripts/build-kernel.sh $(K)
	./scripts/vm-run.sh -k $(K) $(T)

N ?= 5
flakes: deps
	./scripts/build-kernel.sh $(K)
	./scripts/flakes.sh -k $(K) -n $(N) $(T)

FUZZ_SECS ?= 3600
FUZZ_SEEDS ?= 1 2 3 4
fuzz: deps
	./scripts/build-kernel.sh debug
	KVS_FUZZ_SECS=$(FUZZ_SECS) KVS_FUZZ_SEEDS="$(FUZZ_SEEDS)" \
		KVS_TEST_TIMEOUT=$$(($(FUZZ_SECS) + 600)) \
		./scripts/vm-run.sh -k debug -t $$(($(FUZZ_SECS) + 900)) fuzz

clean:
	rm -rf build
endif
