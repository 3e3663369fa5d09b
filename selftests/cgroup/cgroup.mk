# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own cgroup selftests (tools/testing/selftests/cgroup:
# test_memcontrol, test_core, test_kmem and their cgroup_util.c), built from
# Debian's linux-source-6.1 for selftests/cgroup/run.sh, which runs them in
# the VM with and without memresv at work (Documentation/testing.rst).
# Included by the top-level Makefile (SRC, BUILD, CC, KSFT_DIR, KSFT_HDR,
# LINUX_SRC_TAR).
#
#   make memcg-selftests      the test programs, in build/memcg-selftests/
#
# The sources are extracted next to the kselftest headers in the cache,
# never into the tree; they are extracted again when the linux-source
# package changes (tar --touch dates them by the extraction).

KCG_SRC		:= $(KSFT_DIR)/cgroup
KCG_STAMP	:= $(KCG_SRC)/.extracted
KCG_TAR_DIR	:= linux-source-6.1/tools/testing/selftests
KCG_FILES	:= cgroup/cgroup_util.c cgroup/cgroup_util.h \
		   cgroup/test_memcontrol.c cgroup/test_core.c cgroup/test_kmem.c \
		   clone3/clone3_selftests.h
KCG_TESTS	:= test_memcontrol test_core test_kmem
KCG_OUT		:= $(BUILD)/memcg-selftests
KCG_BINS	:= $(addprefix $(KCG_OUT)/,$(KCG_TESTS))

# kselftest's own flags (the cgroup directory's Makefile adds -Wall -pthread
# and nothing else): no optimisation.  At -O2 GCC deletes alloc_anon()'s
# malloc, page-touching loop and free as dead code, and the tests that
# expect an OOM kill or memory.high events see no allocation at all.
KCG_CFLAGS	:= -Wall -pthread

.PHONY: memcg-selftests

memcg-selftests: $(KCG_BINS) $(KCG_OUT)/memcg_load

# Serialised: the cache is shared by checkouts that may build at once.
$(KCG_STAMP): $(LINUX_SRC_TAR) | $(KSFT_HDR)
	@mkdir -p $(KSFT_DIR)
	@flock $(KSFT_DIR)/.cgroup.lock sh -ec '\
		[ $(KCG_STAMP) -nt $(LINUX_SRC_TAR) ] && exit 0; \
		tmp=$$(mktemp -d $(KSFT_DIR)/.cgroup.XXXXXX); \
		echo "extracting the cgroup selftests from $(LINUX_SRC_TAR)"; \
		tar -xJf $(LINUX_SRC_TAR) --touch -C $$tmp \
			$(addprefix $(KCG_TAR_DIR)/,$(KCG_FILES)); \
		rm -rf $(KCG_SRC) $(KSFT_DIR)/clone3; \
		mv $$tmp/$(KCG_TAR_DIR)/clone3 $(KSFT_DIR)/clone3; \
		mv $$tmp/$(KCG_TAR_DIR)/cgroup $(KCG_SRC); \
		rm -rf $$tmp; \
		touch $(KCG_STAMP)'

# Each program is compiled through select.c, which includes it unchanged
# and can leave some of its tests out (MEMCG_TESTS).  The sources include
# ../kselftest.h and ../clone3/clone3_selftests.h.
$(KCG_OUT)/test_%: $(KCG_STAMP) selftests/cgroup/select.c
	@mkdir -p $(dir $@)
	$(CC) $(KCG_CFLAGS) -I$(KCG_SRC) -DKSFT_PROGRAM='"test_$*.c"' -o $@ \
		selftests/cgroup/select.c $(KCG_SRC)/cgroup_util.c

$(KCG_OUT)/memcg_load: selftests/cgroup/memcg_load.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) -o $@ $<

# The VM suite runs them (selftests/memresv/run-all.sh --memcg-tap).
vm-prereqs: memcg-selftests
