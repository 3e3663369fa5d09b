#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host unit tests, lint, then the VM suite and the kernel's
# cgroup selftests on each kernel given (default 6.1 6.12 debug).  Every step
# prints TAP; the last line counts the results over all of them:
# "N passed, N failed[, N skipped]", where expected failures (XFAIL, each
# with its documented reason) count as skipped.  A step that fails without a
# TAP line of its own (a crash, a kernel report caught by the runner) counts
# as one failure.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 debug)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0 failed=0 skipped=0 n=0

# Runs one step, streams its output, and adds its TAP results to the tally.
step() {
	local name=$1 out status p f s
	shift
	n=$((n + 1))
	out=$log/$n
	echo "# === $name"
	"$@" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$out" | head -1)
	s=$(grep -E '^ok [0-9]+' "$out" | grep -ciE '# (SKIP|XFAIL)')
	f=$(grep -cE '^not ok [0-9]+' "$out")
	p=$((p - s))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $status"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	return 0
}

# One lint line of TAP: ok when CMD succeeds.
lint_one() {
	local n=$1 name=$2
	shift 2
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
	fi
}

# Lint as TAP: one line per tool.
lint() {
	echo "TAP version 13"
	echo "1..6"
	if make -s -C "$src" checkpatch; then
		echo "ok 1 checkpatch --strict"
	else
		echo "not ok 1 checkpatch --strict"
	fi
	if make -s -C "$src" sparse KERNEL=6.1 >"$log/sparse" 2>&1 &&
	   ! grep -E 'warning:|error:' "$log/sparse"; then
		echo "ok 2 sparse"
	else
		cat "$log/sparse"
		echo "not ok 2 sparse"
	fi
	lint_one 3 "netlink spec valid, generated files match it" \
		make -s -C "$src" nlgen-check
	lint_one 4 "layers: no call up, no cycle" \
		make -s -C "$src" layers KERNEL=6.1
	lint_one 5 "no kernel function over 60 lines" \
		make -s -C "$src" funclen
	lint_one 6 "lock comments asserted, pr_fmt everywhere" \
		make -s -C "$src" lockdep-check
}

# On the debug kernel the kernel's cgroup selftests take about 40 minutes
# a run: only these, about 2 minutes, which leave out the tests that
# allocate hundreds of MiB, make 1000 groups or 100,000 dentries.
debug_memcg_tests=(
	test_memcg_subtree_control test_memcg_current test_memcg_high_sync
	test_memcg_max test_memcg_oom_events test_memcg_oom_group_leaf_events
	test_cgcore_top_down_constraint_enable test_cgcore_top_down_constraint_disable
	test_cgcore_parent_becomes_threaded test_cgcore_invalid_domain
	test_cgcore_populated test_cgcore_proc_migration test_cgcore_destroy
	test_cgcore_lesser_euid_open test_cgcore_lesser_ns_open
	test_kmem_proc_kpagecgroup test_kmem_dead_cgroups
)

# The TAP of the kernel's cgroup selftests, which run in the VM suite's
# guest (run-all.sh --memcg-tap) but are a step of their own.
memcg_replay() {
	local tap=$1 rc
	if [[ ! -f $tap ]] || ! rc=$(sed -n 's/^# exit status \([0-9]*\)$/\1/p' "$tap") ||
		[[ -z $rc ]]; then
		[[ -f $tap ]] && cat "$tap"
		echo "not ok - the cgroup selftests did not finish (see the VM suite's log)"
		return 1
	fi
	cat "$tap"
	return "$rc"
}

"$src/scripts/deps.sh" install || exit 1
step "unit tests" make -s -C "$src" unit
step "lint" lint
for k in "${kernels[@]}"; do
	# The debug kernel runs the same suite several times slower.
	timeout=1200
	[ "$k" = debug ] && timeout=2400
	step "runner self-test on $k" "$src/selftests/vm/test-runner.sh" "$k"
	memcg_tap=$src/build/vm/memcg-selftests-$k.tap
	mkdir -p "$src/build/vm" && rm -f "$memcg_tap"
	memcg_args=(--quick)
	[ "$k" = debug ] && memcg_args+=(--tests "${debug_memcg_tests[*]}")
	step "VM suite on $k" "$src/selftests/vm/run" --kernel "$k" \
		--timeout "$timeout" -- "$src/selftests/memresv/run-all.sh" \
		--memcg-tap "$memcg_tap" "${memcg_args[@]}"
	step "kernel cgroup selftests on $k, memresv busy" \
		memcg_replay "$memcg_tap"
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
