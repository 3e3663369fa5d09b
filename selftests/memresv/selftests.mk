# SPDX-License-Identifier: GPL-2.0
# kselftest_harness tests that run inside the VM (selftests/vm/run), and
# the helper library they share with the benchmarks.
#
# build/libmrtest.a (selftests/lib/): one libnl client (mrnl.c, the core,
# and client.c, the requests), cgroup files by hand, the hog, the ledger
# check and the timing loop.  The tests talk netlink through it, apart
# from the tool, so the kernel contract is tested on its own.

MRTEST_DIR	:= selftests/lib
MRTEST_SRCS	:= $(wildcard $(MRTEST_DIR)/*.c)
MRTEST_HDRS	:= $(wildcard $(MRTEST_DIR)/*.h)
MRTEST_OBJS	:= $(patsubst $(MRTEST_DIR)/%.c,$(BUILD)/mrtest/%.o,$(MRTEST_SRCS))
MRTEST_LIB	:= $(BUILD)/libmrtest.a
MRTEST_CFLAGS	:= -I$(SRC)/$(MRTEST_DIR)

$(BUILD)/mrtest/%.o: $(MRTEST_DIR)/%.c $(MRTEST_HDRS) uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(NL_CFLAGS) -c -o $@ $<

$(MRTEST_LIB): $(MRTEST_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

SELFTEST_SRCS	:= $(wildcard selftests/memresv/*_test.c)
SELFTEST_BINS	:= $(patsubst selftests/memresv/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))

$(BUILD)/selftests/%: selftests/memresv/%.c $(MRTEST_LIB) $(MRTEST_HDRS) \
		uapi/linux/memresv.h | $(KSFT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(KSFT_CFLAGS) $(USER_CPPFLAGS) \
		$(MRTEST_CFLAGS) $(NL_CFLAGS) -o $@ $< $(MRTEST_LIB) $(NL_LIBS) \
		-lpthread

selftests-build: $(SELFTEST_BINS)
