# SPDX-License-Identifier: GPL-2.0
#
# VM runner rules, included by the top-level Makefile (which provides SRC,
# BUILD, KERNEL, KERNELS, KERNELS_SH and MEMRESV_CACHE).
#
#   make warnmod [KERNEL=...]       the runner self-test's WARN-on-load module
#   make vm-selftest [KERNEL=...]   self-test of selftests/vm/run (TAP)

WARNMOD_DIR	:= $(BUILD)/warnmod/$(KERNEL)
WARNMOD_SRCS	:= $(SRC)/selftests/vm/warn/Kbuild $(SRC)/selftests/vm/warn/warn.c

.PHONY: warnmod vm-selftest

# Always hand over to Kbuild: it knows when the test kernel changed under
# the module (the debug kernel is rebuilt when debug.config changes).
# Sources are copied so that objects stay out of the source tree.
warnmod:
	@mkdir -p $(WARNMOD_DIR)
	@rsync -a $(WARNMOD_SRCS) $(WARNMOD_DIR)/
	@+kdir=$$($(KERNELS_SH) kdir $(KERNEL)) && \
		$(MAKE) -s -C $$kdir M=$(WARNMOD_DIR) modules

vm-selftest:
	$(SRC)/selftests/vm/test-runner.sh $(KERNEL)
