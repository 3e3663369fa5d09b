# SPDX-License-Identifier: GPL-2.0
#
# memresv: module, tool, tests.
#
#   make                 module (for $(KERNEL)'s headers, or KDIR=) and tool
#   make check           unit tests, then the VM suite on 6.1, 6.12 and debug
#   make memcg-selftests the kernel's cgroup selftests, for the VM
#   make fuzz            the netlink fuzzer in the VM (FUZZ_MESSAGES=, FUZZ_SEED=)
#   make races           the race tests, 1000 iterations (RACE_ITERS=)
#   make demo            boot the VM and show memresv at work
#   make install         module (KDIR defaults to the running kernel), tool,
#                        agent, units and the libvirt hook (install-systemd:
#                        all but the module and the hook; install-libvirt:
#                        all but the module)
#   make dkms-check      the module built by dkms against the test kernels
#   make nlgen           regenerate the netlink contract from its spec
#
# Kernel builds go through Kbuild; this file only drives them.

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

SRC		:= $(CURDIR)
BUILD		:= $(SRC)/build
export MEMRESV_CACHE ?= $(HOME)/.cache/memresv
KERNEL		?= 6.1
KERNELS		?= 6.1 6.12 debug
KERNELS_SH	:= $(SRC)/selftests/vm/kernels.sh
DEPS_SH		:= $(SRC)/scripts/deps.sh

CC		?= cc
CFLAGS		?= -O2 -g
WARN_CFLAGS	:= -Wall -Wextra -Wno-unused-parameter -Wshadow \
		   -Wstrict-prototypes -Wmissing-prototypes -Werror=implicit
USER_CPPFLAGS	:= -I$(SRC)/uapi -I$(SRC)/kernel -D_GNU_SOURCE
NL_CFLAGS	:= $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS		:= $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
JSON_CFLAGS	:= $(shell pkg-config --cflags json-c 2>/dev/null)
JSON_LIBS	:= $(shell pkg-config --libs json-c 2>/dev/null)

# kselftest's harness and checkpatch, from Debian's linux-source-6.1.
LINUX_SRC_TAR	:= /usr/src/linux-source-6.1.tar.xz
KSFT_DIR	:= $(MEMRESV_CACHE)/ksft
KSFT_HDR	:= $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH	:= $(KSFT_DIR)/scripts/checkpatch.pl
KSFT_CFLAGS	:= -I$(KSFT_DIR) -Wno-missing-prototypes -Wno-sign-compare

# Where KDIR is not given the module is built for a test kernel; that kernel
# is fetched (and for "debug" built) into the cache on first use.
ifeq ($(origin KDIR),undefined)
ifneq ($(filter install,$(MAKECMDGOALS)),)
KDIR		:= /lib/modules/$(shell uname -r)/build
MODTAG		:= host
else
KDIR		= $(shell $(KERNELS_SH) kdir $(KERNEL))
MODTAG		:= $(KERNEL)
endif
else
MODTAG		:= custom
endif
MODDIR		:= $(BUILD)/mod/$(MODTAG)
MOD_SRCS	:= Kbuild $(wildcard kernel/*.[ch]) uapi/linux/memresv.h

.PHONY: all module tool deps clean check unit vmcheck demo install \
	install-tool install-systemd checkpatch sparse kernels nlgen \
	dkms-source dkms-check

all: module tool memresvd libvirt-hook

deps:
	@$(DEPS_SH) install

# Out-of-tree builds write objects next to the sources, so each kernel gets
# its own copy of the sources (rsync keeps mtimes: rebuilds stay incremental).
module: $(MODDIR)/memresv.ko

$(MODDIR)/memresv.ko: $(MOD_SRCS)
	@mkdir -p $(MODDIR)
	@rsync -a --delete --include='*/' --include='*.[ch]' --include=Kbuild \
		--exclude='*' Kbuild kernel uapi $(MODDIR)/
	$(MAKE) -C $(KDIR) M=$(MODDIR) W=1 modules

# uapi/linux/memresv.h and kernel/nl-gen.h come from the netlink spec
# (Documentation/netlink.rst); make check fails when they are out of date.
nlgen:
	@python3 $(SRC)/scripts/nlgen.py

kernels:
	@for k in $(KERNELS); do $(KERNELS_SH) prepare $$k || exit 1; done

# Each part of the tree brings its own rules; unit.mk comes last because it
# collects what the others add to UNIT_BINS and CHECK_STEPS.
include tools/memresv/tool.mk
include tools/memresvd/memresvd.mk
include tools/libvirt/libvirt.mk
include selftests/memresv/selftests.mk
include selftests/systemd/systemd.mk
include selftests/vm/vm.mk
include bench/bench.mk
include selftests/cgroup/cgroup.mk
include selftests/fuzz/fuzz.mk
include selftests/unit/unit.mk

# INSTALL_MOD_PATH and DESTDIR stage an install under another root.
# install is the module and install-libvirt, or install-systemd on a host
# without libvirt (no /etc/libvirt, no DESTDIR).
# install-systemd is the user space alone: the tool, the agent and the
# units (Documentation/systemd.rst); where systemd runs (and no DESTDIR is
# given) it enables and starts memresv.service and memresvd.service.
PREFIX		?= /usr/local
SBINDIR		:= $(PREFIX)/sbin
MANDIR		:= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
UNITS		:= memresv.service memresvd.service

install: module tool memresvd libvirt-hook
	$(MAKE) -C $(KDIR) M=$(MODDIR) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) \
		$$(modinfo -F vermagic $(MODDIR)/memresv.ko | cut -d' ' -f1)
	@if [ -n "$(DESTDIR)" ] || [ -d /etc/libvirt ]; then \
		$(MAKE) --no-print-directory install-libvirt; \
	else \
		$(MAKE) --no-print-directory install-systemd; \
	fi

install-tool: tool
	install -D -m 0755 $(BUILD)/memresv $(DESTDIR)$(SBINDIR)/memresv
	install -D -m 0644 tools/memresv/memresv.8 \
		$(DESTDIR)$(MANDIR)/man8/memresv.8
	install -D -m 0644 tools/memresv/memresv.bash-completion \
		$(DESTDIR)/usr/share/bash-completion/completions/memresv

install-systemd: install-tool memresvd
	install -D -m 0755 $(BUILD)/memresvd $(DESTDIR)$(SBINDIR)/memresvd
	install -D -m 0644 tools/memresvd/memresvd.8 \
		$(DESTDIR)$(MANDIR)/man8/memresvd.8
	@for u in $(UNITS); do \
		mkdir -p $(DESTDIR)$(UNITDIR) && \
		sed 's|@SBINDIR@|$(SBINDIR)|g' tools/memresvd/$$u \
			>$(DESTDIR)$(UNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u && \
		echo "installed $(DESTDIR)$(UNITDIR)/$$u" || exit 1; \
	done
	install -d -m 0755 $(DESTDIR)/var/lib/memresv
	@state=$$(systemctl is-system-running 2>/dev/null); \
	if [ -n "$(DESTDIR)" ]; then :; \
	elif case $$state in running|degraded|starting|initializing|maintenance) \
		true;; *) false;; esac; then \
		systemctl daemon-reload && \
		systemctl enable --now $(UNITS); \
	else \
		echo "systemd is not running here: enable the units with" \
			"systemctl enable $(UNITS)"; \
	fi

# DKMS (dkms.conf): the module's sources in /usr/src/memresv-$(VERSION),
# from which "dkms install memresv/$(VERSION)" builds it for each kernel.
# dkms-check builds it with the dkms tool against the cached 6.1 and 6.12
# headers, in a scratch tree: nothing under /lib/modules or /var/lib/dkms.
VERSION		:= 1.0
DKMS_SRC	:= /usr/src/memresv-$(VERSION)
DKMS_KERNELS	?= 6.1 6.12

dkms-source:
	@rm -rf $(DESTDIR)$(DKMS_SRC)
	@mkdir -p $(DESTDIR)$(DKMS_SRC)
	@rsync -a --include='*/' --include='*.[ch]' --include=Kbuild \
		--exclude='*' Kbuild kernel uapi $(DESTDIR)$(DKMS_SRC)/
	@sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMS_SRC)/dkms.conf
	@echo "$(DESTDIR)$(DKMS_SRC): now dkms install memresv/$(VERSION)"

dkms-check:
	@$(SRC)/scripts/dkms-check.sh $(VERSION) $(DKMS_KERNELS)

clean:
	rm -rf $(BUILD)

endif
