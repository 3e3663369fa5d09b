#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The facts about a systemd host that memresv relies on, checked in the
# systemd guest (selftests/vm/run --init systemd; run-all.sh runs it):
# systemd mounts cgroup2 with memory_recursiveprot, a scope can be put in
# machine.slice as machined and libvirt do, a unit's cgroup carries its
# invocation id (trusted.invocation_id) and a delegated one says so
# (trusted.delegate).  If one of these changes, memresv's way of telling
# systemd's groups from others changes with it.  Prints TAP; exits non-zero
# when a test failed.
set -uo pipefail

UNIT=memresv-host-test-$$
NTESTS=5

# plan(), ok(), finish(), xattr(), prop()
# shellcheck source=selftests/systemd/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	systemctl stop "$UNIT-plain.service" "$UNIT-delegated.service" 2>/dev/null
	systemctl reset-failed "$UNIT-plain.service" "$UNIT-delegated.service" 2>/dev/null
}
trap cleanup EXIT

plan $NTESTS

# 1. The mount: memory_recursiveprot lets a guarantee (memory.min) reach a
# group through ancestors that leave their own protection unset.
opts=$(awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { print $4 }' /proc/mounts)
[[ ,$opts, == *,nsdelegate,* && ,$opts, == *,memory_recursiveprot,* ]] && r=1 || r=0
ok "$r" "cgroup2 is mounted by systemd with nsdelegate and memory_recursiveprot" \
	"mount options: ${opts:-cgroup2 not mounted at $CGROOT}"

# 2. machine.slice: where machined and libvirt put a VM's scope.
cg=$(systemd-run -q --scope -p Slice=machine.slice --unit="$UNIT.scope" \
	cat /proc/self/cgroup 2>&1)
[[ $cg == "0::/machine.slice/$UNIT.scope" ]] && r=1 || r=0
ok "$r" "systemd-run --scope -p Slice=machine.slice runs in machine.slice" \
	"/proc/self/cgroup of the scope: $cg"

# 3. A unit's own cgroup: systemd says where it is (ControlGroup), its
# process is there, and the group carries the unit's invocation id, which is
# how a group is known to be systemd's.
systemd-run -q --unit="$UNIT-plain.service" -p Type=exec sleep 600 2>&1
plain=$(prop "$UNIT-plain.service" ControlGroup)
pid=$(prop "$UNIT-plain.service" MainPID)
[[ -n $plain && $pid != 0 && $(cat "/proc/$pid/cgroup" 2>&1) == "0::$plain" ]] &&
	r=1 || r=0
ok "$r" "systemd reports a unit's cgroup (ControlGroup), where its process runs" \
	"ControlGroup=$plain MainPID=$pid" \
	"/proc/$pid/cgroup: $(cat "/proc/$pid/cgroup" 2>&1)"
id=$(prop "$UNIT-plain.service" InvocationID)
got=$(xattr "$plain" trusted.invocation_id)
[[ -n $id && $got == "$id" ]] && r=1 || r=0
ok "$r" "a unit's cgroup carries trusted.invocation_id, the unit's InvocationID" \
	"InvocationID=$id trusted.invocation_id=${got:-(none)}"

# 4. Delegation: trusted.delegate marks the group whose children are the
# unit's to manage (and only that group: a plain unit has none).
systemd-run -q --unit="$UNIT-delegated.service" -p Type=exec -p Delegate=yes \
	sleep 600 2>&1
delegated=$(prop "$UNIT-delegated.service" ControlGroup)
got=$(xattr "$delegated" trusted.delegate)
plain_mark=$(xattr "$plain" trusted.delegate)
[[ -n $delegated && $got == 1 && -z $plain_mark ]] && r=1 || r=0
ok "$r" "a Delegate=yes unit's cgroup carries trusted.delegate, a plain one does not" \
	"$delegated: trusted.delegate=${got:-(none)}" \
	"$plain: trusted.delegate=${plain_mark:-(none)}"

finish
