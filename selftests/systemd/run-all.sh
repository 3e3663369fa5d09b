#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the systemd guest (selftests/vm/run --init systemd): every
# executable selftests/systemd/*_test and *_test.sh, or only those named
# (run-all.sh owner_test.sh conflict_test.sh).  Exits non-zero when any of
# them failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
if [[ $(cat /proc/1/comm) != systemd ]]; then
	echo "run-all.sh: PID 1 is not systemd: run me with" \
		"selftests/vm/run --init systemd" >&2
	exit 1
fi
status=0
tests=("$src"/selftests/systemd/*_test "$src"/selftests/systemd/*_test.sh)
if (($#)); then
	tests=()
	for t in "$@"; do
		if [[ ! -x $src/selftests/systemd/$t ]]; then
			echo "run-all.sh: no test $t in selftests/systemd" >&2
			exit 1
		fi
		tests+=("$src/selftests/systemd/$t")
	done
fi
for t in "${tests[@]}"; do
	[[ -x $t ]] || continue
	echo "# --- $(basename "$t")"
	start=$SECONDS
	"$t" || status=1
	echo "# $(basename "$t"): $((SECONDS - start)) s"
done
exit $status
