#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (selftests/vm/run): every kselftest binary, then the
# tool's tests.  Exits non-zero when any of them failed.
#
#   run-all.sh [--memcg-tap FILE [ARGS...]]
#
# --memcg-tap FILE: then run the kernel's cgroup selftests with and without
# memresv (selftests/cgroup/run.sh ARGS) in the same guest, their TAP into
# FILE (ending with "# exit status N"), so that make check reports them as
# a step of their own without booting another VM.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
status=0
memcg_tap=
if [[ ${1:-} == --memcg-tap && -n ${2:-} ]]; then
	memcg_tap=$2
	shift 2
elif (($#)); then
	echo "usage: run-all.sh [--memcg-tap FILE [ARGS...]]" >&2
	exit 2
fi
# Recount the ledger after every change: a drift is a WARN, and the runner
# fails on any WARN.
echo 1 > /sys/module/memresv/parameters/verify_ledger
# The debug kernel runs everything several times slower: fewer rounds of
# the races, reloads and a shorter fuzz there (make races and make fuzz run
# the long ones), and not the tests of user space alone: cli_test.sh drives
# the tool, whose kernel paths are resv_test's (as the systemd suite runs
# only the host facts there; see check.sh).
debug_skip=()
if [[ ${MEMRESV_KERNEL:-} == debug ]]; then
	export RACE_ITERS=${RACE_ITERS:-3} FUZZ_SECONDS=${FUZZ_SECONDS:-30}
	export RELOAD_ITERS=${RELOAD_ITERS:-6}
	debug_skip=(cli_test.sh)
fi
for t in "$src"/build/selftests/*_test; do
	[ -x "$t" ] || continue
	echo "# --- $(basename "$t")"
	start=$SECONDS
	"$t" || status=1
	echo "# $(basename "$t"): $((SECONDS - start)) s"
	# A test that unloads the module and dies before loading it again
	# fails; the ones after it still get a module.
	if [[ ! -d /sys/module/memresv && -n ${MEMRESV_KO:-} ]]; then
		echo "not ok - $(basename "$t") left the module unloaded"
		status=1
		insmod "$MEMRESV_KO" &&
			echo 1 > /sys/module/memresv/parameters/verify_ledger
	fi
done
for t in "$src"/selftests/memresv/*_test.sh; do
	[ -x "$t" ] || continue
	if [[ " ${debug_skip[*]} " == *" $(basename "$t") "* ]]; then
		echo "# --- $(basename "$t"): user space, run on 6.1 and 6.12"
		continue
	fi
	echo "# --- $(basename "$t")"
	start=$SECONDS
	"$t" || status=1
	echo "# $(basename "$t"): $((SECONDS - start)) s"
done
if [[ -n $memcg_tap ]]; then
	echo "# --- kernel cgroup selftests: TAP into $memcg_tap"
	"$src/selftests/cgroup/run.sh" "$@" >"$memcg_tap" 2>&1
	echo "# exit status $?" >>"$memcg_tap"
fi
exit $status
