# SPDX-License-Identifier: GPL-2.0
# Host-side unit tests, lint, and the top-level check and demo targets.
#
# kselftest's harness and checkpatch come from Debian's linux-source-6.1
# package, extracted once into the cache; nothing of them is in the tree.

$(KSFT_HDR) $(CHECKPATCH):
	@$(DEPS_SH) install
	@rm -rf $(KSFT_DIR).tmp && mkdir -p $(KSFT_DIR).tmp
	tar -xJf $(LINUX_SRC_TAR) -C $(KSFT_DIR).tmp \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	@mkdir -p $(KSFT_DIR)/scripts
	@cp $(KSFT_DIR).tmp/linux-source-6.1/tools/testing/selftests/*.h $(KSFT_DIR)/
	@cp $(KSFT_DIR).tmp/linux-source-6.1/scripts/* $(KSFT_DIR)/scripts/
	@rm -rf $(KSFT_DIR).tmp

UNIT_SRCS	:= $(wildcard selftests/unit/*_test.c)
UNIT_BINS	+= $(patsubst selftests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

$(BUILD)/unit/%: selftests/unit/%.c $(TOOL_LIB_SRCS) kernel/policy.c \
		kernel/policy.h uapi/linux/memresv.h $(wildcard tools/memresv/*.h) \
		tools/memresv/memresv.8 tools/memresv/memresv.bash-completion \
		| $(KSFT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(KSFT_CFLAGS) $(USER_CPPFLAGS) \
		-Itools/memresv -DMEMRESV_SRC='"$(SRC)"' $(JSON_CFLAGS) \
		-o $@ $< $(TOOL_LIB_SRCS) \
		kernel/policy.c $(JSON_LIBS)

unit-build: $(UNIT_BINS)

unit: unit-build
	@fail=0; for t in $(UNIT_BINS); do $$t || fail=1; done; exit $$fail

# checkpatch --strict over the kernel side and the shared headers.  The
# trace event header follows the tracing macros' own layout, which the
# parenthesis-alignment check does not understand.
CHECKPATCH_FLAGS := --strict --no-tree --terse --show-types \
		    --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CONFIG_DESCRIPTION

checkpatch: $(CHECKPATCH)
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(filter-out kernel/trace.h,$(wildcard kernel/*.[ch])) \
		uapi/linux/memresv.h
	$(CHECKPATCH) $(CHECKPATCH_FLAGS) --ignore PARENTHESIS_ALIGNMENT \
		-f kernel/trace.h

# sparse through Kbuild (C=2 checks every file) against the 6.1 headers.
sparse:
	@rm -rf $(BUILD)/sparse && mkdir -p $(BUILD)/sparse
	@rsync -a --include='*/' --include='*.[ch]' --include=Kbuild \
		--exclude='*' Kbuild kernel uapi $(BUILD)/sparse/
	$(MAKE) -C $(KDIR) M=$(BUILD)/sparse C=2 CHECK="sparse -Wsparse-error" \
		modules

# The netlink spec against the files generated from it (Documentation/
# netlink.rst), the module's layers from its objects, and its functions
# (Documentation/design.rst).
nlgen-check:
	@python3 scripts/nlgen.py --check

layers: module
	@python3 scripts/check-layers.py $(MODDIR)/kernel

funclen:
	@python3 scripts/check-funcs.py --length

lockdep-check:
	@python3 scripts/check-funcs.py --locks --pr-fmt

vm-prereqs: module tool memresvd libvirt-hook selftests-build \
	    systemd-tests-build

check:
	@$(SRC)/selftests/check.sh $(KERNELS)

demo:
	@$(DEPS_SH) install
	@$(SRC)/selftests/vm/run --kernel $(KERNEL) -- $(SRC)/scripts/demo.sh
	@$(SRC)/selftests/vm/run --no-build --init systemd --kernel $(KERNEL) \
		-- $(SRC)/scripts/demo-libvirt.sh

.PHONY: unit unit-build vm-prereqs selftests-build nlgen-check layers \
	funclen lockdep-check
