# SPDX-License-Identifier: GPL-2.0
# The systemd VM suite's helper program (selftests/systemd/, run by
# selftests/systemd/run-all.sh in selftests/vm/run --init systemd).

$(BUILD)/selftests/memhog: selftests/systemd/memhog.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN_CFLAGS) -o $@ $<

systemd-tests-build: $(BUILD)/selftests/memhog

.PHONY: systemd-tests-build
