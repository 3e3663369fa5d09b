#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host unit tests, lint, the DKMS build, then on each kernel
# given (default 6.1 6.12 debug) the VM suite with the kernel's cgroup
# selftests and the systemd VM suite; on the first kernel the runner's
# self-test (when the runner changed, see vm_selftest), the balloon with a
# real nested guest, and two boots of the systemd VM.  The VMs run two at
# a time on a machine with two cores or more (MEMRESV_CHECK_JOBS=1 runs
# them one by one); their output is printed whole, step by step, in order.
# Every step prints TAP; the last line counts the results over all of them:
# "N passed, N failed[, N skipped]", where expected failures (XFAIL, each
# with its documented reason) count as skipped.  A step that fails without
# a TAP line of its own (a crash, a kernel report caught by the runner)
# counts as one failure.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cache=${MEMRESV_CACHE:-$HOME/.cache/memresv}
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 debug)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0 failed=0 skipped=0 n=0

# Adds the TAP results of a step's output to the tally; a step that
# failed without a "not ok" line of its own counts as one failure.
count() { # name file status
	local name=$1 out=$2 status=$3 p f s
	p=$(grep -cE '^ok [0-9]+' "$out" | head -1)
	s=$(grep -E '^ok [0-9]+' "$out" | grep -ciE '# (SKIP|XFAIL)')
	f=$(grep -cE '^not ok [0-9]+' "$out")
	p=$((p - s))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $status"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# Runs one step, streams its output, and adds its TAP results to the tally.
step() {
	local name=$1 out status
	shift
	n=$((n + 1))
	out=$log/$n
	echo "# === $name"
	"$@" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	count "$name" "$out" "$status"
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

# The systemd suite's tests on the debug kernel (see below).
debug_systemd_tests=(host_test.sh)

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

# The runner's self-test boots the guest eight times: it runs only when
# what it tests is not what last passed it.  That is a hash of every file
# under selftests/vm/ as checked out (committed or not), the kernel's
# release and the host's systemd (the systemd guest runs the host's).  A
# self-test that passed records it twice: in the cache, for this machine,
# and in selftests/vm/selftest.passed, which is committed with the runner
# it vouches for, so that a fresh clone (a CI machine) runs the self-test
# only when the runner changed since.  MEMRESV_VM_SELFTEST=always runs it
# anyway.
selftest_passed=$src/selftests/vm/selftest.passed
vm_selftest_key() { # kernel
	{
		(cd "$src" && find selftests/vm -type f ! -name selftest.passed \
			-print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
		"$src/selftests/vm/kernels.sh" release "$1" 2>/dev/null
		dpkg-query -W -f='${Version}\n' systemd 2>/dev/null
	} | sha256sum | cut -c1-16
}
vm_selftest_known() { # kernel key
	local stamp=$cache/vm-selftest-$1.passed
	{ [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$2" ]; } ||
		grep -qx "$1 $2" "$selftest_passed" 2>/dev/null
}
vm_selftest_record() { # kernel key
	local stamp=$cache/vm-selftest-$1.passed
	mkdir -p "$cache" && echo "$2" >"$stamp.$$" && mv "$stamp.$$" "$stamp"
	{
		grep -v "^$1 " "$selftest_passed" 2>/dev/null
		echo "$1 $2"
	} | LC_ALL=C sort >"$selftest_passed.$$" &&
		mv "$selftest_passed.$$" "$selftest_passed"
}
vm_selftest() { # kernel
	local k=$1 key status out=$log/vm-selftest-$1
	key=$(vm_selftest_key "$k")
	if [ "${MEMRESV_VM_SELFTEST:-}" != always ] && vm_selftest_known "$k" "$key"; then
		echo "TAP version 13"
		echo "1..1"
		echo "ok 1 runner self-test on $k # SKIP selftests/vm/ passed it" \
			"as it is now ($key)"
		return 0
	fi
	"$src/selftests/vm/test-runner.sh" "$k" | tee "$out"
	status=${PIPESTATUS[0]}
	if [ "$status" -eq 0 ] && ! grep -q '^not ok' "$out"; then
		vm_selftest_record "$k" "$key"
	fi
	return "$status"
}

# The VM steps, each a command line, in the order their output is printed;
# groups of steps that must run one after the other (a suite, then the
# replay of what it left).  Up to $jobs groups run at once, each VM on a
# core of its own; the output of every step is printed whole, in order.
vsteps=() vnames=() vgroups=()
vstep() { # name command...
	local name=$1
	shift
	vnames+=("$name")
	vsteps+=("$(printf '%q ' "$@")")
	group+=" $((${#vsteps[@]} - 1))"
}
endgroup() {
	vgroups+=("$group")
	group=
}

# A group: its steps one after the other, each into its own file.
run_group() { # indices...
	local i status start
	for i in "$@"; do
		start=$SECONDS
		eval "${vsteps[i]}" >"$log/v$i" 2>&1
		status=$?
		echo "# ${vnames[i]}: $((SECONDS - start)) s" >>"$log/v$i"
		echo "$status" >"$log/v$i.rc.tmp" && mv "$log/v$i.rc.tmp" "$log/v$i.rc"
	done
}

# Prints a finished step's output and adds its TAP results to the tally.
tally() { # name file status
	echo "# === $1"
	cat "$2"
	count "$@"
}

run_vm_steps() {
	local next=0 g=0 total=${#vsteps[@]} running
	while [ "$next" -lt "$total" ]; do
		running=$(jobs -rp | wc -l)
		if [ "$g" -lt "${#vgroups[@]}" ] && [ "$running" -lt "$jobs" ]; then
			# shellcheck disable=SC2086 # a list of indices
			run_group ${vgroups[g]} &
			g=$((g + 1))
			continue
		fi
		if [ -f "$log/v$next.rc" ]; then
			tally "${vnames[next]}" "$log/v$next" "$(cat "$log/v$next.rc")"
			next=$((next + 1))
			continue
		fi
		sleep 2
	done
	wait
}

"$src/scripts/deps.sh" install || exit 1
step "unit tests" make -s -C "$src" unit
step "lint" lint
step "dkms" make -s -C "$src" dkms-check
# Everything the VMs use, built once before they run side by side.
for k in "${kernels[@]}"; do
	step "build for $k" make -s -C "$src" KERNEL="$k" vm-prereqs
done

jobs=${MEMRESV_CHECK_JOBS:-$(nproc)}
[ "$jobs" -ge 1 ] || jobs=1
[ "$jobs" -le 2 ] || jobs=2
# A hang's limit: twice what a run takes on two busy cores; the debug
# kernel runs the same suite several times slower.
hang_limit() { # kernel
	if [ "$1" = debug ]; then echo 4800; else echo 1800; fi
}

# The VM suite on @k, then the replay of the cgroup selftests it ran.
vm_suite() { # kernel
	local k=$1 memcg_tap memcg_args=(--quick)
	memcg_tap=$src/build/vm/memcg-selftests-$k.tap
	mkdir -p "$src/build/vm" && rm -f "$memcg_tap"
	[ "$k" = debug ] && memcg_args+=(--tests "${debug_memcg_tests[*]}")
	vstep "VM suite on $k" "$src/selftests/vm/run" --kernel "$k" \
		--no-build --timeout "$(hang_limit "$k")" -- \
		"$src/selftests/memresv/run-all.sh" \
		--memcg-tap "$memcg_tap" "${memcg_args[@]}"
	vstep "kernel cgroup selftests on $k, memresv busy" \
		memcg_replay "$memcg_tap"
	endgroup
}

# The systemd VM suite on @k.  The protection test makes the guest swap.
# Under the debug kernel systemd and every process it starts run about 16
# times slower (the whole suite would take hours): there the module loads,
# serves and unloads under systemd with the facts it relies on checked;
# its kernel paths for a systemd host (unit xattrs, the refusal,
# protection up to the root) are the VM suite's owner_test there, and the
# rest is the agent's user space, which 6.1 and 6.12 test.
systemd_suite() { # kernel
	local k=$1 name="systemd VM suite on $1" sd_tests=()
	if [ "$k" = debug ]; then
		sd_tests=("${debug_systemd_tests[@]}")
		name="$name (${sd_tests[*]})"
	fi
	vstep "$name" "$src/selftests/vm/run" --init systemd \
		--kernel "$k" --no-build --swap 1G --timeout "$(hang_limit "$k")" -- \
		"$src/selftests/systemd/run-all.sh" "${sd_tests[@]}"
	endgroup
}

# The longest first, so that the lanes end together (on a quiet 2-core
# machine: the debug kernel's VM suite 15 minutes, the systemd suites 7 to
# 10, the other VM suites 4, the debug kernel's systemd step 3, the balloon
# 2, two boots 1).  On the first kernel given also: the runner's
# self-test (when the runner changed), the balloon with a real nested
# guest and two boots of the systemd guest (what is saved comes back).
group=
others=$(printf '%s\n' "${kernels[@]}" | grep -vx debug)
has_debug=$(printf '%s\n' "${kernels[@]}" | grep -x debug)
[ -n "$has_debug" ] && vm_suite debug
for k in $others; do
	systemd_suite "$k"
done
first=${kernels[0]}
vstep "runner self-test on $first" vm_selftest "$first"
endgroup
for k in $others; do
	vm_suite "$k"
done
[ -n "$has_debug" ] && systemd_suite debug
vstep "balloon end to end on $first" "$src/selftests/vm/run" --init systemd \
	--kernel "$first" --no-build --timeout 1500 -- \
	env MEMRESV_BALLOON_TEST=always "$src/selftests/systemd/balloon-e2e.sh"
endgroup
vstep "two boots of the systemd VM on $first" \
	"$src/selftests/systemd/twoboot.sh" "$first"
endgroup
run_vm_steps

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
