#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/systemd/twoboot.sh [KERNEL]: memresv comes back at boot (issue
# 13, item 6).  Runs on the host: boots the systemd guest twice on one
# --state image.  The first boot installs memresv, reserves a group that
# exists at boot and the delegated child of a unit, changes a host setting,
# and lets memresvd save it all; the second boot must have the same
# reservations and host settings (what `memresv save` prints), the first
# put back by memresv.service, the second by memresvd when its unit made
# the group.  make check runs it (selftests/check.sh).  Prints TAP.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
out=$src/build/twoboot-$kernel
img=$out/root.img
guest=$src/selftests/systemd/twoboot-guest.sh
# ok(), n and failed
# shellcheck source=selftests/systemd/lib.sh
. "$src/selftests/systemd/lib.sh"

boot() { # phase
	"$src/selftests/vm/run" --init systemd --kernel "$kernel" --no-build \
		--state "$img" -- "$guest" "$1" "$out" 2>&1
}

echo "TAP version 13"
echo "1..4"
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" KERNEL="$kernel" vm-prereqs >/dev/null || {
	echo "Bail out! make vm-prereqs failed"
	exit 1
}

start=$SECONDS
log=$(boot first)
r=$?
ok $((r == 0 && $(test -s "$out/first.json" && echo 1 || echo 0))) \
	"first boot: memresv installed, two groups reserved, the agent saved them" \
	"${log//$'\n'/$'\n'# }"
first_s=$((SECONDS - start))

start=$SECONDS
log=$(boot second)
r=$?
second_s=$((SECONDS - start))
units=$(tr '\n' ' ' <"$out/units" 2>/dev/null)
ok $((r == 0)) "second boot: memresv.service and memresvd.service ran ($units)" \
	"${log//$'\n'/$'\n'# }"
grep '^# ' <<<"$log"

same=$(diff "$out/first.json" "$out/second.json" 2>&1)
r=$?
ok $((r == 0)) "second boot: the same reservations and host settings as saved" \
	"${same//$'\n'/$'\n'# }"

# memresv.service restores what exists at boot; the agent the rest, when
# its unit makes the group.
j=$(cat "$out/journal" 2>/dev/null)
[[ $j == *"system.slice/memresv-twoboot-ctr.service/work: no such cgroup yet, left out"* &&
   $j == *"/system.slice/memresv-twoboot-ctr.service/work: its group appeared"* &&
   $j != *"/memresv-twoboot: its group appeared"* ]] && r=1 || r=0
ok $r "memresv.service restored the group that exists at boot, memresvd the one made later" \
	"${j//$'\n'/$'\n'# }"
echo "# boots: first $first_s s, second $second_s s (wall, with the tests)"

((failed == 0)) && rm -rf "$out"
exit $((failed > 0))
