#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_vs_systemctl_ratio (issue 17, Documentation/performance.rst): the
# same change, a group's memory.max, made by `systemctl set-property
# --runtime` on a service and by `memresv set --max` on a reservation,
# each timed from the shell that starts it until it exits, less the time
# to start /bin/true in the same run.  Runs inside the systemd guest
# (selftests/vm/run --init systemd); bench/run.sh starts it.
#
#   bench/systemctl_bench.sh OUT   appends "key value" lines to OUT
#
# The three commands alternate, ITERS (15) times each, so whatever else
# the machine does slows them alike; each figure is a median.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=${1:?usage: systemctl_bench.sh OUT}
memresv=$src/build/memresv
iters=${MEMRESV_BENCH_ITERS:-15}
unit=memresv-bench-ctl
scope=memresv-bench-cli
cgroot=/sys/fs/cgroup
cg=machine.slice/$scope.scope/work
MiB=$((1024 * 1024))

die() {
	echo "systemctl_bench: $*" >&2
	exit 1
}

[[ $(cat /proc/1/comm) == systemd ]] ||
	die "PID 1 is not systemd: run me in selftests/vm/run --init systemd"
[[ -x $memresv ]] || die "$memresv is not built"

cleanup() {
	"$memresv" del "$cg" >/dev/null 2>&1 || true
	systemctl stop "$unit.service" "$scope.scope" >/dev/null 2>&1 || true
	systemctl set-property --runtime machine.slice MemoryMin=0 \
		>/dev/null 2>&1 || true
}
trap cleanup EXIT

# The service systemctl changes, and a delegated scope in machine.slice
# (as libvirt makes one for a VM) whose child "work" memresv reserves.
systemd-run -q --unit="$unit.service" -p Type=exec sleep infinity
systemd-run --scope -q -p Delegate=yes -p Slice=machine.slice \
	--unit="$scope" -- bash -c '
		cg=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
		mkdir "$cg/ctl" && echo $$ >"$cg/ctl/cgroup.procs" &&
		echo +memory >"$cg/cgroup.subtree_control" &&
		mkdir "$cg/work" && exec sleep infinity' \
	</dev/null >/dev/null 2>&1 &
for ((i = 0; i < 150; i++)); do
	[[ -d $cgroot/$cg ]] && break
	sleep 0.2
done
[[ -d $cgroot/$cg ]] || die "the scope did not come up"
# Its ancestors protect its guarantee, as the agent (memresvd) has them
# do on a host; otherwise every request comes back with a warning.
systemctl set-property --runtime machine.slice MemoryMin=64M
systemctl set-property --runtime "$scope.scope" MemoryMin=64M
"$memresv" add "$cg" --startup 64M --min 32M --max 256M >/dev/null ||
	die "memresv add $cg failed"
"$memresv" ready "$cg" >/dev/null


t_true=() t_cli=() t_ctl=()
for ((i = 0; i < iters; i++)); do
	max=$(((256 + 64 * (i % 2)) * MiB))
	t0=${EPOCHREALTIME/./}
	/bin/true
	t1=${EPOCHREALTIME/./}
	"$memresv" set "$cg" --max "$max" >/dev/null
	t2=${EPOCHREALTIME/./}
	systemctl set-property --runtime "$unit.service" "MemoryMax=$max"
	t3=${EPOCHREALTIME/./}
	t_true+=($((t1 - t0)))
	t_cli+=($((t2 - t1)))
	t_ctl+=($((t3 - t2)))
	# The change is made, not only asked for.
	[[ $(cat "$cgroot/$cg/memory.max") == "$max" ]] ||
		die "memresv set did not change $cg/memory.max"
	[[ $(cat "$cgroot/system.slice/$unit.service/memory.max") == "$max" ]] ||
		die "systemctl set-property did not change memory.max"
done

median() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
		print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

mt=$(median "${t_true[@]}")
mc=$(median "${t_cli[@]}")
ms=$(median "${t_ctl[@]}")
ratio=$(awk -v t="$mt" -v c="$mc" -v s="$ms" 'BEGIN {
	printf "%.3f", (c - t > 0) ? (s - t) / (c - t) : 0 }')
printf '  medians of %d: /bin/true %.1f ms, memresv set %.1f ms, systemctl set-property --runtime %.1f ms\n' \
	"$iters" "$(awk -v v="$mt" 'BEGIN { print v / 1000 }')" \
	"$(awk -v v="$mc" 'BEGIN { print v / 1000 }')" \
	"$(awk -v v="$ms" 'BEGIN { print v / 1000 }')"
echo "  cli_vs_systemctl_ratio $ratio"
{
	echo "cli_vs_systemctl_ratio $ratio"
	echo "x_true_ms $(awk -v v="$mt" 'BEGIN { print v / 1000 }')"
	echo "x_memresv_set_ms $(awk -v v="$mc" 'BEGIN { print v / 1000 }')"
	echo "x_systemctl_set_ms $(awk -v v="$ms" 'BEGIN { print v / 1000 }')"
} >>"$out"
