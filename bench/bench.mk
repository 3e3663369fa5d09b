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
BENCH_HOST_BINS	:= $(BENCH_DIR)/density
# The libnl core and the cgroup file helpers are the selftests'
# (selftests/memresv/mrnl.c, cgfile.h); bnl.c adds what only the
# benchmarks need.
BENCH_LIB	:= bench/bnl.c selftests/memresv/mrnl.c
BENCH_HDRS	:= $(wildcard bench/*.h)
BENCH_VM_HDRS	:= $(BENCH_HDRS) selftests/memresv/mrnl.h \
		   selftests/memresv/cgfile.h
BENCH_CPPFLAGS	:= -I$(SRC)/selftests/memresv

$(BENCH_DIR)/%_bench: bench/%_bench.c $(BENCH_LIB) $(BENCH_VM_HDRS) \
		kernel/policy.c kernel/policy.h uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(BENCH_CPPFLAGS) \
		$(NL_CFLAGS) -o $@ $< $(BENCH_LIB) kernel/policy.c $(NL_LIBS) -lm

$(BENCH_DIR)/density: bench/density.c $(BENCH_HDRS) kernel/policy.c \
		kernel/policy.h uapi/linux/memresv.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) \
		-o $@ $< kernel/policy.c -lm

bench-build: $(BENCH_VM_BINS) $(BENCH_HOST_BINS)

bench: bench-build
	@$(SRC)/bench/run.sh

.PHONY: bench bench-build
