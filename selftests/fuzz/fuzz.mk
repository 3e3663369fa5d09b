# SPDX-License-Identifier: GPL-2.0
# The generic netlink fuzzer (selftests/fuzz/), and the long runs of the
# fuzzer and of the race tests in the VM.
#
#   make fuzz [KERNEL=6.1] [FUZZ_MESSAGES=N] [FUZZ_SEED=S] [FUZZ_SECONDS=T]
#   make races [KERNEL=6.1] [RACE_ITERS=1000]
#
# The fuzzer's tables come from the netlink spec at build time
# (fuzzgen.py, which reads the spec through scripts/nlgen.py): a command or
# attribute added to the spec is fuzzed without a change here.  The VM
# suite (make check) runs a short fuzz (selftests/memresv/fuzz_test.sh:
# 10000 messages or 60 s) and the races at their short counts
# (build/selftests/race_test; see its header).

FUZZ_DIR	:= selftests/fuzz
FUZZ_BIN	:= $(BUILD)/fuzz/memresv-fuzz
FUZZ_SPEC_C	:= $(BUILD)/fuzz/fuzz-spec.c
FUZZ_SRCS	:= $(wildcard $(FUZZ_DIR)/*.c)
FUZZ_HDRS	:= $(wildcard $(FUZZ_DIR)/*.h)
FUZZ_MESSAGES	?= 100000
RACE_ITERS	?= 1000

$(FUZZ_SPEC_C): Documentation/netlink/memresv.yaml scripts/nlgen.py \
		$(FUZZ_DIR)/fuzzgen.py
	@mkdir -p $(dir $@)
	@python3 $(FUZZ_DIR)/fuzzgen.py $@

$(FUZZ_BIN): $(FUZZ_SRCS) $(FUZZ_SPEC_C) $(FUZZ_HDRS) $(MRTEST_LIB) \
		$(MRTEST_HDRS) uapi/linux/memresv.h
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(MRTEST_CFLAGS) \
		-I$(FUZZ_DIR) $(NL_CFLAGS) -o $@ $(FUZZ_SRCS) $(FUZZ_SPEC_C) \
		$(MRTEST_LIB) $(NL_LIBS)

selftests-build: $(FUZZ_BIN)

fuzz:
	@$(SRC)/$(FUZZ_DIR)/run.sh --kernel $(KERNEL) \
		--messages $(FUZZ_MESSAGES) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) \
		$(if $(FUZZ_SECONDS),--seconds $(FUZZ_SECONDS))

races: vm-prereqs
	@$(SRC)/selftests/vm/run --no-build --kernel $(KERNEL) \
		--timeout $(if $(filter debug,$(KERNEL)),86400,36000) -- \
		env RACE_ITERS=$(RACE_ITERS) $(BUILD)/selftests/race_test

.PHONY: fuzz races
