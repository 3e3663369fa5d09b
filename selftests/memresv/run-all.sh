#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (selftests/vm/run): every kselftest binary, then the
# tool's tests.  Exits non-zero when any of them failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
status=0
# Recount the ledger after every change: a drift is a WARN, and the runner
# fails on any WARN.
echo 1 > /sys/module/memresv/parameters/verify_ledger
for t in "$src"/build/selftests/*_test; do
	[ -x "$t" ] || continue
	echo "# --- $(basename "$t")"
	"$t" || status=1
done
for t in "$src"/selftests/memresv/*_test.sh; do
	[ -x "$t" ] || continue
	echo "# --- $(basename "$t")"
	"$t" || status=1
done
exit $status
