# SPDX-License-Identifier: GPL-2.0
# Benchmarks, included by the top-level Makefile (which provides CC, CFLAGS,
# WARN_CFLAGS, USER_CPPFLAGS, NL_CFLAGS, NL_LIBS, BUILD and SRC).
#
#   make bench          build, boot the 6.1 VM once, run every benchmark
#                       with its baseline, print the table and write
#                       build/bench.json (see Documentation/performance.rst)
#   make bench-build    only build the benchmark programs
#
# The *_bench programs run inside the VM and talk to the module; density
# replays a synthetic trace through the policy core on the host.

BENCH_DIR	:= $(BUILD)/bench
BENCH_VM_BINS	:= $(addprefix $(BENCH_DIR)/, ops_bench react_bench scale_bench \
		   replay_bench)
BENCH_HOST_BINS	:= $(BENCH_DIR)/density $(BENCH_DIR)/instr
# The netlink client, the cgroup file helpers, the hog, the ledger check
# and the timing loop are the test library the selftests use too
# (build/libmrtest.a, selftests/lib/); policy_pass.c times the policy
# core's pass for scale_bench and density alike.
BENCH_SRCS	:= bench/policy_pass.c kernel/policy.c
BENCH_HDRS	:= $(wildcard bench/*.h) $(MRTEST_HDRS) $(TOOL_HDRS)
# The memresv tool's own client (ipc.c) for the dumps, and what it needs.
BENCH_TOOL_SRCS	:= tools/memresv/ipc.c $(TOOL_LIB_SRCS)
BENCH_TOOL_FLAGS = -Itools/memresv $(JSON_CFLAGS)

$(BENCH_DIR)/%_bench: bench/%_bench.c $(BENCH_SRCS) $(BENCH_HDRS) \
		$(BENCH_TOOL_SRCS) $(MRTEST_LIB) kernel/policy.h \
		uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(MRTEST_CFLAGS) \
		$(NL_CFLAGS) $(BENCH_TOOL_FLAGS) -o $@ $< $(BENCH_SRCS) \
		$(BENCH_TOOL_SRCS) $(MRTEST_LIB) $(NL_LIBS) $(JSON_LIBS) -lm

$(BENCH_DIR)/density: bench/density.c $(BENCH_SRCS) $(BENCH_HDRS) \
		$(MRTEST_LIB) kernel/policy.h uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(MRTEST_CFLAGS) \
		$(NL_CFLAGS) -o $@ $< $(BENCH_SRCS) $(MRTEST_LIB) $(NL_LIBS) -lm

# Counted under callgrind on the host (bench/run.sh).
$(BENCH_DIR)/instr: bench/instr.c $(BENCH_SRCS) $(BENCH_HDRS) \
		$(BENCH_TOOL_SRCS) kernel/policy.h uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(MRTEST_CFLAGS) \
		$(NL_CFLAGS) $(BENCH_TOOL_FLAGS) -o $@ $< $(BENCH_SRCS) \
		$(BENCH_TOOL_SRCS) $(MRTEST_LIB) $(NL_LIBS) $(JSON_LIBS) -lm

bench-build: $(BENCH_VM_BINS) $(BENCH_HOST_BINS)

bench: bench-build
	@$(SRC)/bench/run.sh

.PHONY: bench bench-build
