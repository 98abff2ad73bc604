# ctlab - container internals, step by step, in C.
#
#   make             build every chapter (binaries next to their sources)
#   sudo make demo   install what is missing, build, make the rootfs, demo
#   sudo make test   install what is missing, build, run the bats suite
#   make test-01     one chapter's tests (also test-00: lib and doctor)
#   sudo make test-vm  the suite on a pure cgroup v2 kernel in a qemu VM:
#                    KERNEL=default|6.12, T=default (chapter 05 + a smoke
#                    test of each chapter) or T=05 (one chapter, whole)
#   sudo make bench  start latency against crun, runc, bwrap and the
#                    chapter's script, also through podman and containerd;
#                    100 containers at once; overlay
#                    mount time by layer count (bench/)
#   make doctor      what this machine supports, OK / WARN / FAIL
#   make rootfs      the busybox rootfs containers run in (./rootfs)
#   make lint        clang-format check, cppcheck, build with -Werror
#   make format      reformat the C sources with .clang-format
#   make install     minictr into $(DESTDIR)$(PREFIX)/bin (PREFIX=/usr/local),
#                    where an engine finds it (make uninstall removes it)
#   make clean
# Switches: V=1 (show commands), WERROR=1, SANITIZE=1 (ASan + UBSan).

CHAPTERS   := 01-pid-ns 02-net-ns 03-mount-uts-ipc 04-user-ns 05-cgroups 06-pivot-root 07-overlay 08-seccomp 09-caps 10-mini-container
BUILD_DIRS := lib doctor $(CHAPTERS) tests
SOURCES     = $(wildcard lib/*.[ch] doctor/*.[ch] $(addsuffix /*.[ch],$(CHAPTERS)) tests/*.c tests/unit/*.c)

BATS       ?= bats
BATS_FLAGS ?=
ROOTFS     := rootfs

# Pass the switches on to every chapter's Makefile.
export V WERROR SANITIZE

all:
	@for dir in $(BUILD_DIRS); do \
	    $(MAKE) --no-print-directory -C $$dir || exit 1; \
	done

deps:
	@scripts/deps.sh

# Rebuilt when the script or busybox changes; see scripts/mkrootfs.sh.
rootfs: $(ROOTFS)/.ctlab-rootfs
$(ROOTFS)/.ctlab-rootfs: scripts/mkrootfs.sh $(wildcard /bin/busybox)
	@scripts/mkrootfs.sh $(ROOTFS)

demo: deps
	@$(MAKE) --no-print-directory all rootfs
	@scripts/demo.sh

test: deps
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all rootfs
	$(BATS) $(BATS_FLAGS) tests/*.bats

KERNEL ?= default
T      ?= default
test-vm: deps
	@scripts/deps.sh vm
	@$(MAKE) --no-print-directory all rootfs
	@tests/vm/run.sh $(KERNEL) $(T)

test-%: deps
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all rootfs
	$(BATS) $(BATS_FLAGS) tests/$*-*.bats

BENCH_N ?= 100
bench: deps
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all rootfs
	@bench/bench.sh
	@bench/engines.sh
	@bench/scale.sh $(BENCH_N)
	@bench/layers.sh

doctor: all
	@doctor/doctor

# minictr alone: the runtime an engine calls (podman --runtime, containerd's
# BinaryName; see 11-oci/README.md). The chapters' tools stay in the tree.
PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 10-mini-container/minictr $(DESTDIR)$(PREFIX)/bin/minictr

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/minictr

lint:
	@scripts/deps.sh lint
	clang-format --dry-run -Werror $(SOURCES)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --std=c11 -Ilib -D__GNUC__ $(SOURCES)
	@$(MAKE) --no-print-directory clean
	@$(MAKE) --no-print-directory all WERROR=1

format:
	clang-format -i $(SOURCES)

clean:
	@for dir in $(BUILD_DIRS); do \
	    $(MAKE) --no-print-directory -C $$dir clean || exit 1; \
	done
	rm -rf $(ROOTFS) .build-flags

.PHONY: all deps rootfs demo test test-vm bench doctor lint format clean install uninstall
