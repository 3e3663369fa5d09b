# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What the demo scripts share (sourced): numbered steps and commands shown
# before they run.

step_no=0
# A numbered heading.
step() {
	step_no=$((step_no + 1))
	printf '\n=== %d. %s\n' "$step_no" "$*"
}

# Shows a command, then runs it.
run() {
	printf '# %s\n' "$*"
	"$@"
}

# Shows a command that must fail, runs it and shows what it said.
fails() {
	printf '# %s\n' "$*"
	if "$@"; then
		echo "(unexpectedly succeeded)"
		return 1
	fi
	return 0
}
