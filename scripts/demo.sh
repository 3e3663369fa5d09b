#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A tour of memresv, run inside the test VM by "make demo":
#
#   selftests/vm/run --kernel $(KERNEL) -- scripts/demo.sh
#
# It expects what the runner sets up: cgroup2 at /sys/fs/cgroup with the
# memory controller enabled for children, swap, the module loaded and the
# memresv tool on PATH.  Every step prints a heading, the command it runs
# and what came back.
set -euo pipefail

# One stream, so that errors appear where they happen.
exec 2>&1

CG=/sys/fs/cgroup
DEMO=$CG/demo
hog_pid=

cleanup() {
	if [[ -n $hog_pid ]]; then
		kill "$hog_pid" 2>/dev/null || true
		wait "$hog_pid" 2>/dev/null || true
	fi
	memresv del demo/web >/dev/null 2>&1 || true
	memresv del demo/db >/dev/null 2>&1 || true
	if [[ -n ${old_reserve:-} ]]; then
		memresv host set --reserve "$old_reserve" >/dev/null 2>&1 || true
	fi
	if [[ -d $DEMO ]]; then
		rmdir "$DEMO/web" "$DEMO/db" "$DEMO" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# shellcheck source=scripts/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"

# Shows the memory files memresv owns in a group.
files() {
	local f
	for f in memory.min memory.high memory.max memory.swap.max; do
		printf '  %-16s %s\n' "$f" "$(cat "$1/$f")"
	done
}

step "The host ledger: what this machine can promise"
run memresv host

step "Two cgroups, demo/web and demo/db, with the memory controller"
run mkdir -p "$DEMO/web" "$DEMO/db"
printf '# echo +memory > %s/cgroup.subtree_control\n' "$DEMO"
echo "+memory" >"$DEMO/cgroup.subtree_control"
# A child's memory.min protects only as far as its parents are protected;
# memresv warns when an ancestor's memory.min is below the guarantee.
printf '# echo 512M > %s/memory.min\n' "$DEMO"
echo 512M >"$DEMO/memory.min"
echo "demo/web before memresv:"
files "$DEMO/web"

step "Reserve memory for demo/web: startup 256M, minimum 128M, maximum 512M"
run memresv add demo/web --startup 256M --min 128M --max 512M

step "What memresv wrote into demo/web's own cgroup files"
echo "memory.min = guarantee (startup while starting), memory.high = target,"
echo "memory.max = maximum, memory.swap.max = swap_max (0 by default):"
files "$DEMO/web"

step "The reservations"
run memresv show

step "A request the host cannot honour is refused, with the numbers"
status=0
run memresv add demo/db --startup 64G --min 1G --max 64G || status=$?
echo "(exit status $status)"

step "A workload in demo/web touches 100M of anonymous memory"
ready=$(mktemp)
# The subshell moves itself into the group, then becomes the workload, so
# every page it touches is charged to demo/web.
(
	echo "$BASHPID" >"$DEMO/web/cgroup.procs"
	exec python3 -c '
import sys, time
hog = bytearray(b"\x01" * (100 << 20))
open(sys.argv[1], "w").write("ready")
time.sleep(3600)
' "$ready"
) &
hog_pid=$!
for _ in $(seq 300); do
	[[ -s $ready ]] && break
	sleep 0.1
done
rm -f "$ready"
[[ -d /proc/$hog_pid ]] || { echo "the workload did not start"; exit 1; }
echo "pid $hog_pid uses $(($(cat "$DEMO/web/memory.current") >> 20)) MiB"

step "Lowering the maximum below that usage is refused, never an OOM kill"
echo "(memory.swap.max is 0: reclaim cannot move the 100M anywhere, so the"
echo " module puts memory.high back and answers EBUSY)"
status=0
run memresv set demo/web --min 64M --startup 96M --max 96M || status=$?
echo "(exit status $status)"
if kill -0 "$hog_pid" 2>/dev/null; then
	echo "pid $hog_pid is still alive; memory.max is still $(cat "$DEMO/web/memory.max")"
else
	echo "pid $hog_pid is gone"
	exit 1
fi
echo "demo/web's memory.events:"
grep -E '^oom(_kill)? ' "$DEMO/web/memory.events" | sed 's/^/  /'

step "The workload has started: end its start-up phase"
run memresv ready demo/web
echo "The guarantee drops from startup to minimum:"
files "$DEMO/web"

step "The balancer: the target follows demand plus buffer, not startup"
echo "Every period the balancer re-estimates demand; the target (memory.high)"
echo "shrinks toward it by a bounded step, never below the minimum."
run memresv show
sleep 5
printf '# (5 s later)\n'
run memresv show

step "The reservation as JSON"
run memresv show demo/web -j

step "Stop the workload and delete the reservation: the files get their old values"
kill "$hog_pid"
wait "$hog_pid" 2>/dev/null || true
hog_pid=
run memresv del demo/web
files "$DEMO/web"

step "Smart paging: demo/db restarts while the host is nearly full"
total=$(memresv host -j | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')
old_reserve=$(memresv host -j | python3 -c 'import json, sys; print(json.load(sys.stdin)["reserve"])')
echo "(the host is made small: 256M of capacity, so that a 384M start does not fit)"
run memresv host set --reserve $((total - (256 << 20)))
run memresv add demo/db --startup 128M --min 64M --max 512M
run memresv ready demo/db
echo "Its next start needs 384M; the host has 256M to give.  SCVMM's rule"
echo "(startup must fit) rates such a start 0 stars; memresv's rates it usable"
echo "through the swap tier (rated as a new start, next to demo/db's own 128M):"
run memresv set demo/db --startup 384M
run memresv place --startup 384M --min 64M --max 512M --policy startup
run memresv place --startup 384M --min 64M --max 512M
run memresv restart demo/db
run memresv show demo/db
echo "memory.max holds the physical part; memory.swap.max lets the rest go to swap:"
files "$DEMO/db"

step "The restarting workload touches 320M once: part of it rides on swap, no OOM kill"
ready=$(mktemp)
(
	echo "$BASHPID" >"$DEMO/db/cgroup.procs"
	exec python3 -c '
import mmap, sys, time
buf = mmap.mmap(-1, 320 << 20)
for off in range(0, len(buf), 4096):
	buf[off] = 1
open(sys.argv[1], "w").write("ready")
time.sleep(3600)
' "$ready"
) &
hog_pid=$!
for _ in $(seq 600); do
	[[ -s $ready ]] && break
	sleep 0.1
done
rm -f "$ready"
[[ -d /proc/$hog_pid ]] || { echo "the workload did not make it"; exit 1; }
echo "pid $hog_pid holds 320M: $(($(cat "$DEMO/db/memory.current") >> 20)) MiB in memory," \
	"$(($(cat "$DEMO/db/memory.swap.current") >> 20)) MiB in swap"
grep -E '^oom_kill ' "$DEMO/db/memory.events" | sed 's/^/  /'

step "Start-up is over: the swap tier is given back"
run memresv ready demo/db
run memresv host
files "$DEMO/db"
echo "(what is still in swap is read back as the workload touches it; memresv"
echo " reports it as swap_current until it is gone)"
run memresv show
kill "$hog_pid"
wait "$hog_pid" 2>/dev/null || true
hog_pid=
run memresv del demo/db
run memresv host set --reserve "$old_reserve"

step "The host ledger as JSON (a snapshot for memresv place)"
run memresv host -j

step "Clean up"
run rmdir "$DEMO/web" "$DEMO/db" "$DEMO"
echo "done"
