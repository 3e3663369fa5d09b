# SPDX-License-Identifier: GPL-2.0
# kselftest_harness tests that run inside the VM (selftests/vm/run).
# They talk netlink through nl.c, apart from the tool, so the kernel
# contract is tested on its own; nl.c sits on mrnl.c, the core it shares
# with the benchmarks.

SELFTEST_SRCS	:= $(wildcard selftests/memresv/*_test.c)
SELFTEST_BINS	:= $(patsubst selftests/memresv/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))
SELFTEST_LIB	:= selftests/memresv/nl.c selftests/memresv/mrnl.c
SELFTEST_HDRS	:= $(wildcard selftests/memresv/*.h)

$(BUILD)/selftests/%: selftests/memresv/%.c $(SELFTEST_LIB) $(SELFTEST_HDRS) \
		uapi/linux/memresv.h | $(KSFT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(KSFT_CFLAGS) $(USER_CPPFLAGS) \
		$(NL_CFLAGS) -o $@ $< $(SELFTEST_LIB) $(NL_LIBS) -lpthread

selftests-build: $(SELFTEST_BINS)
