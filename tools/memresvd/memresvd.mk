# SPDX-License-Identifier: GPL-2.0
# The agent, build/memresvd, and the tool's code it shares.
#
# build/libmemresv.a: the memresv tool's sources other than its commands
# (the data model, JSON, formatting, the restore journal, the rating) and
# ipc.c, its netlink client: the agent talks to the module through the
# same code as the tool, so there is one client to keep right.
MEMRESVD_DIR	:= tools/memresvd
MEMRESVD_SRCS	:= $(addprefix $(MEMRESVD_DIR)/, main.c log.c files.c systemd.c \
		     oomd.c oomd_conf.c oomd_swap.c saved.c libvirt.c) \
		     tools/libvirt/domain.c
MEMRESVD_HDRS	:= $(wildcard $(MEMRESVD_DIR)/*.h) tools/libvirt/domain.h
TOOL_LIB	:= $(BUILD)/libmemresv.a
TOOL_LIB_OBJS	:= $(patsubst %.c,$(BUILD)/libmemresv/%.o, \
		   $(notdir $(TOOL_LIB_SRCS) tools/memresv/ipc.c kernel/policy.c))
SYSTEMD_CFLAGS	:= $(shell pkg-config --cflags libsystemd 2>/dev/null)
SYSTEMD_LIBS	:= $(shell pkg-config --libs libsystemd 2>/dev/null)

$(BUILD)/libmemresv/%.o: tools/memresv/%.c $(TOOL_HDRS) uapi/linux/memresv.h \
			 kernel/policy.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(NL_CFLAGS) \
		$(JSON_CFLAGS) -c -o $@ $<

$(BUILD)/libmemresv/policy.o: kernel/policy.c kernel/policy.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(TOOL_LIB): $(TOOL_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

memresvd: $(BUILD)/memresvd

$(BUILD)/memresvd: $(MEMRESVD_SRCS) $(MEMRESVD_HDRS) $(TOOL_LIB)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) -I$(TOOL_DIR) \
		-Itools/libvirt $(NL_CFLAGS) $(JSON_CFLAGS) $(SYSTEMD_CFLAGS) \
		$(shell pkg-config --cflags libvirt libxml-2.0 2>/dev/null) \
		-pthread -o $@ $(MEMRESVD_SRCS) $(TOOL_LIB) $(SYSTEMD_LIBS) \
		$(shell pkg-config --libs libvirt libxml-2.0 2>/dev/null) \
		$(NL_LIBS) $(JSON_LIBS)

.PHONY: memresvd

# The unit test of oomd_conf.c (selftests/unit/oomd_conf_test.c): files and
# numbers only, no bus.
$(BUILD)/unit/oomd_conf_test: selftests/unit/oomd_conf_test.c \
			      $(MEMRESVD_DIR)/oomd_conf.c \
			      $(MEMRESVD_DIR)/oomd_conf.h | $(KSFT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(KSFT_CFLAGS) $(USER_CPPFLAGS) \
		-o $@ $< $(MEMRESVD_DIR)/oomd_conf.c
