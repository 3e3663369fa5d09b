# SPDX-License-Identifier: GPL-2.0
# memresv and libvirt: the hook (build/memresv-libvirt-hook), installed as
# /etc/libvirt/hooks/qemu.d/memresv, and domain.c, which the hook shares
# with the agent's libvirt part (tools/memresvd/libvirt.c): the same
# <memresv:reservation>, the same defaults, the same QEMU overhead.
LIBVIRT_DIR	:= tools/libvirt
LIBVIRT_HOOK	:= $(BUILD)/memresv-libvirt-hook
LIBVIRT_SRCS	:= $(LIBVIRT_DIR)/domain.c
LIBVIRT_HDRS	:= $(LIBVIRT_DIR)/domain.h
XML_CFLAGS	:= $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS	:= $(shell pkg-config --libs libxml-2.0 2>/dev/null)
VIRT_CFLAGS	:= $(shell pkg-config --cflags libvirt 2>/dev/null)
VIRT_LIBS	:= $(shell pkg-config --libs libvirt 2>/dev/null)
HOOKDIR		?= /etc/libvirt/hooks/qemu.d

libvirt-hook: $(LIBVIRT_HOOK)

$(LIBVIRT_HOOK): $(LIBVIRT_DIR)/hook.c $(LIBVIRT_SRCS) $(LIBVIRT_HDRS) \
		 $(TOOL_LIB)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(USER_CPPFLAGS) -I$(TOOL_DIR) \
		-I$(LIBVIRT_DIR) $(NL_CFLAGS) $(JSON_CFLAGS) $(XML_CFLAGS) \
		-o $@ $(LIBVIRT_DIR)/hook.c $(LIBVIRT_SRCS) $(TOOL_LIB) \
		$(XML_LIBS) $(NL_LIBS) $(JSON_LIBS)

# The hook, the agent and its units into the running system, made live:
# libvirtd reads its hooks when it starts, so a running one is restarted
# (its domains keep running; the hook's "reconnect" re-attaches them).
install-libvirt: install-systemd $(LIBVIRT_HOOK)
	install -D -m 0755 $(LIBVIRT_HOOK) $(DESTDIR)$(HOOKDIR)/memresv
	@if [ -z "$(DESTDIR)" ] && \
	    systemctl is-active --quiet libvirtd.service 2>/dev/null; then \
		echo "restarting libvirtd to load the hook"; \
		systemctl restart libvirtd.service; \
	fi

# The nested guest of the balloon test (selftests/systemd/guest/build.sh:
# a small kernel, once, and an initramfs), built on the host before the
# systemd VM suite runs it on 6.1: building it inside the VM would take
# an age under emulation.
balloon-guest:
	@$(SRC)/selftests/systemd/guest/build.sh >/dev/null

vm-prereqs: $(if $(filter 6.1,$(KERNEL)),balloon-guest)

.PHONY: libvirt-hook install-libvirt balloon-guest

# The unit test of domain.c (selftests/unit/domain_test.c) needs libxml2.
$(BUILD)/unit/domain_test: selftests/unit/domain_test.c $(LIBVIRT_SRCS) \
			   $(LIBVIRT_HDRS) $(TOOL_LIB_SRCS) $(TOOL_HDRS) \
			   kernel/policy.c | $(KSFT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) $(KSFT_CFLAGS) $(USER_CPPFLAGS) \
		-I$(TOOL_DIR) $(JSON_CFLAGS) $(XML_CFLAGS) -o $@ $< \
		$(LIBVIRT_SRCS) $(TOOL_LIB_SRCS) kernel/policy.c \
		$(XML_LIBS) $(JSON_LIBS)
