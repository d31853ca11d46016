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

.PHONY: help demo check bench qemu deps kernel kernel-debug module kunit checkpatch vm-test clean

help:
	@echo "make demo          build, boot the test host, show /dev/vhost-kvs and two guests talking"
	@echo "make check         every test; ends with 'N passed, N failed'"
	@echo "make bench         vhost-kvs vs vhost-net + tap + bridge, same boot; ratio lines"
	@echo "make qemu          minimal qemu-system-x86_64 from Debian's 7.2 source + qemu/*.patch"
	@echo "make kernel        build the test-bed kernel (build/kernel-normal)"
	@echo "make kernel-debug  the KASAN/lockdep/kmemleak/UBSAN kernel (build/kernel-debug)"
	@echo "make module        vhost_kvs.ko out of tree against Debian's 6.12 headers"
	@echo "make kunit         KUnit suites on UML"
	@echo "make vm-test T='devtest baseline' [K=debug]   chosen L1 tests"
	@echo "make clean         remove build/ (keeps nothing, ccache included)"

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

kunit: deps
	./scripts/kunit.sh

checkpatch: deps
	./scripts/checkpatch.sh

T ?= devtest baseline
K ?= normal
vm-test: deps
	./scripts/build-kernel.sh $(K)
	./scripts/vm-run.sh -k $(K) $(T)

clean:
	rm -rf build
endif
