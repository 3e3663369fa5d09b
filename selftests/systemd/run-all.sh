#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the systemd guest (selftests/vm/run --init systemd): every
# executable selftests/systemd/*_test and *_test.sh.  Exits non-zero when
# any of them failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $(cat /proc/1/comm) != systemd ]]; then
	echo "run-all.sh: PID 1 is not systemd: run me with" \
		"selftests/vm/run --init systemd" >&2
	exit 1
fi
status=0
for t in "$src"/selftests/systemd/*_test "$src"/selftests/systemd/*_test.sh; do
	[[ -x $t ]] || continue
	echo "# --- $(basename "$t")"
	start=$SECONDS
	"$t" || status=1
	echo "# $(basename "$t"): $((SECONDS - start)) s"
done
exit $status
