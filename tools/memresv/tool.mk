# SPDX-License-Identifier: GPL-2.0
# The memresv tool: build/memresv.
#
# TOOL_LIB_SRCS: the tool's sources that do not talk netlink (parsing,
# formatting, JSON, rating, the undo journal of restore); the host unit
# tests link them with kernel/policy.c, so they hold no main() and need
# json-c but not libnl.
# TOOL_SRCS: the commands and ipc.c, the only file that speaks netlink.
TOOL_DIR	:= tools/memresv
TOOL_LIB_SRCS	:= $(addprefix $(TOOL_DIR)/, model.c parse.c format.c json.c \
		     rating.c journal.c)
TOOL_SRCS	:= $(addprefix $(TOOL_DIR)/, main.c ipc.c resv.c host.c \
		     place.c monitor.c config.c options.c)
TOOL_HDRS	:= $(wildcard $(TOOL_DIR)/*.h)

tool: $(BUILD)/memresv

$(BUILD)/memresv: $(TOOL_SRCS) $(TOOL_LIB_SRCS) $(TOOL_HDRS) kernel/policy.c \
		  kernel/policy.h uapi/linux/memresv.h
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) $(NL_CFLAGS) $(JSON_CFLAGS) \
		-o $@ $(filter %.c,$^) $(NL_LIBS) $(JSON_LIBS)
