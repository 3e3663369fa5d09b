#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host unit tests, lint, then on each kernel given (default
# 6.1 6.12 debug) the runner's self-test (when the runner changed, see
# vm_selftest), the VM suite and the systemd VM suite.  Every step prints
# TAP; the last line counts the results over all of them: "N passed, N
# failed[, N skipped]".  A step that fails without a TAP line of its own (a
# crash, a kernel report caught by the runner) counts as one failure.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cache=${MEMRESV_CACHE:-$HOME/.cache/memresv}
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
	s=$(grep -E '^ok [0-9]+' "$out" | grep -ciE '# (SKIP|skip)')
	f=$(grep -cE '^not ok [0-9]+' "$out")
	p=$((p - s))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $status"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	return 0
}

# Lint as TAP: one line per tool.
lint() {
	echo "TAP version 13"
	echo "1..2"
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
}

# The runner's self-test boots the guest eight times: it runs only when
# what it tests is not what last passed it on this machine.  That is a hash
# of every file under selftests/vm/ as checked out (committed or not), the
# kernel's release and the host's systemd (the systemd guest runs the
# host's), recorded in the cache after a self-test passed.  A machine with
# an empty cache (a fresh CI machine) always runs it, and so does any run
# after a change to selftests/vm/.  MEMRESV_VM_SELFTEST=always runs it
# anyway.  On the debug kernel it checks the bash guest only: each boot of
# the systemd guest takes minutes there, and the systemd VM suite boots it
# on that kernel anyway, under the same verdict.
vm_selftest_key() { # kernel inits
	{
		echo "$2"
		(cd "$src" && find selftests/vm -type f -print0 | LC_ALL=C sort -z |
			xargs -0 sha256sum)
		"$src/selftests/vm/kernels.sh" release "$1" 2>/dev/null
		dpkg-query -W -f='${Version}\n' systemd 2>/dev/null
	} | sha256sum | cut -c1-16
}
vm_selftest() { # kernel
	local k=$1 key stamp=$cache/vm-selftest-$1.passed status out=$log/vm-selftest-$1
	local inits=()
	[ "$k" != debug ] || inits=(bash)
	key=$(vm_selftest_key "$k" "${inits[*]:-bash systemd}")
	if [ "${MEMRESV_VM_SELFTEST:-}" != always ] && [ -f "$stamp" ] &&
	   [ "$(cat "$stamp")" = "$key" ]; then
		echo "TAP version 13"
		echo "1..1"
		echo "ok 1 runner self-test on $k # SKIP selftests/vm/ passed it" \
			"as it is now ($key)"
		return 0
	fi
	"$src/selftests/vm/test-runner.sh" "$k" "${inits[@]}" | tee "$out"
	status=${PIPESTATUS[0]}
	if [ "$status" -eq 0 ] && ! grep -q '^not ok' "$out"; then
		mkdir -p "$cache" && echo "$key" >"$stamp.$$" && mv "$stamp.$$" "$stamp"
	fi
	return "$status"
}

"$src/scripts/deps.sh" install || exit 1
step "unit tests" make -s -C "$src" unit
step "lint" lint
for k in "${kernels[@]}"; do
	# The debug kernel runs the same suite several times slower.
	timeout=1200
	[ "$k" = debug ] && timeout=2400
	step "runner self-test on $k" vm_selftest "$k"
	step "VM suite on $k" "$src/selftests/vm/run" --kernel "$k" \
		--timeout "$timeout" -- "$src/selftests/memresv/run-all.sh"
	step "systemd VM suite on $k" "$src/selftests/vm/run" --init systemd \
		--kernel "$k" --timeout "$timeout" -- "$src/selftests/systemd/run-all.sh"
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
