#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM runner on one kernel, in three boots:
#
#   selftests/vm/test-runner.sh 6.1|6.12|debug
#
# 1. a command that checks the guest from the inside and exits 3,
# 2. a command that loads a module which WARNs (the run must fail),
# 3. a command that never ends (the run must time out).
#
# Prints TAP; exits non-zero if any test failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CHECKOUT=$(cd "$HERE/../.." && pwd -P)
RUN=$HERE/run

(($# == 1)) || { echo "usage: $0 6.1|6.12|debug" >&2; exit 2; }
kernel=$1
case $kernel in
6.1 | 6.12 | debug) ;;
*) echo "test-runner.sh: unknown kernel '$kernel'" >&2; exit 2 ;;
esac

n=0
failed=0
ok() { # cond desc [directive]
	n=$((n + 1))
	if [[ $1 == 1 ]]; then
		echo "ok $n - $2${3:+ # $3}"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
# Shows what a failed check was looking at.
diag() {
	sed 's/^/# /' "$@"
}
has() { grep -qF -- "$1" "$2" && echo 1 || echo 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memresv-vm-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "1..18"

# Everything the three runs need, built once: later runs skip the build.
if ! make -s -C "$CHECKOUT" KERNEL="$kernel" vm-prereqs warnmod >"$tmp/make" 2>&1; then
	diag "$tmp/make"
	echo "Bail out! make KERNEL=$kernel vm-prereqs warnmod failed"
	exit 1
fi

# --- 1: the guest environment, CMD's status and output ----------------------

# Each line the guest prints is "check NAME yes|no [detail]".
guest_checks=$(
	cat <<'EOF'
check() { if eval "$2"; then echo "check $1 yes"; else echo "check $1 no $3"; fi; }
check cgroup2 'grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts' "$(cat /proc/mounts)"
check memory 'grep -qw memory /sys/fs/cgroup/cgroup.subtree_control' \
	"$(cat /sys/fs/cgroup/cgroup.subtree_control)"
kib=$(awk 'NR == 2 { print $3 }' /proc/swaps)
check swap '[ -n "$kib" ] && [ $((131072 - kib)) -ge 0 ] && [ $((131072 - kib)) -le 4 ]' \
	"swap: ${kib:-none} KiB"
check module 'grep -q "^memresv " /proc/modules' "$(cat /proc/modules)"
check path '[ "$(command -v memresv)" = "$PWD/build/memresv" ]' "PATH=$PATH"
check env '[ "$MEMRESV_KERNEL" = "$EXPECT_KERNEL" ] && [ "$MEMRESV_KO" = "$PWD/build/mod/$EXPECT_KERNEL/memresv.ko" ]' \
	"MEMRESV_KERNEL=$MEMRESV_KERNEL MEMRESV_KO=$MEMRESV_KO"
check cwd '[ "$PWD" = "$EXPECT_CHECKOUT" ] && [ "$(id -u)" = 0 ]' "cwd $PWD uid $(id -u)"
check debugfs_tracefs 'grep -q " /sys/kernel/debug debugfs " /proc/mounts &&
	grep -q " /sys/kernel/tracing tracefs " /proc/mounts'
check panic_on_warn '[ "$(cat /proc/sys/kernel/panic_on_warn)" = 1 ]'
check modules_dir '[ -f "/lib/modules/$(uname -r)/modules.builtin" ]' \
	"$(ls "/lib/modules/$(uname -r)" 2>&1 | head -n 3)"
check writable 'echo x >"$PWD/build/.vm-test" && rm "$PWD/build/.vm-test" &&
	! touch /usr/.vm-test 2>/dev/null'
check userland 'bash -c true && python3 -c "import json"'
echo "to-stdout"
echo "to-stderr" >&2
exit 3
EOF
)
rc=0
"$RUN" --kernel "$kernel" --swap 128M --no-build -- \
	env EXPECT_KERNEL="$kernel" EXPECT_CHECKOUT="$CHECKOUT" sh -c "$guest_checks" \
	>"$tmp/out1" 2>"$tmp/err1" || rc=$?

[[ $rc == 3 ]] && r=1 || r=0
ok "$r" "run -- CMD exits with CMD's status (3, got $rc)"
((r)) || diag "$tmp/err1"

r=$(($(has to-stdout "$tmp/out1") && ! $(has to-stdout "$tmp/err1")))
ok "$r" "CMD's stdout arrives on the runner's stdout"
r=$(($(has to-stderr "$tmp/err1") && ! $(has to-stderr "$tmp/out1")))
ok "$r" "CMD's stderr arrives on the runner's stderr"

guest_check() { # name desc
	local line
	line=$(grep "^check $1 " "$tmp/out1" || true)
	if [[ $line == "check $1 yes" ]]; then
		ok 1 "$2"
	elif [[ $1 == path && ! -x $CHECKOUT/build/memresv ]]; then
		ok 1 "$2" "SKIP memresv tool not built"
	else
		ok 0 "$2"
		echo "# ${line:-no answer from the guest}"
	fi
}
guest_check cgroup2 "guest: cgroup2 is mounted at /sys/fs/cgroup"
guest_check memory "guest: +memory is in the root's cgroup.subtree_control"
guest_check swap "guest: swap of the requested size (--swap 128M) is on"
guest_check module "guest: memresv.ko is loaded"
guest_check path "guest: memresv is found on PATH"
guest_check env "guest: MEMRESV_KERNEL and MEMRESV_KO are exported"
guest_check cwd "guest: CMD runs as root in the checkout"
guest_check debugfs_tracefs "guest: debugfs and tracefs are mounted"
guest_check panic_on_warn "guest: panic_on_warn is set"
guest_check modules_dir "guest: /lib/modules/\$(uname -r) is the guest kernel's"
guest_check writable "guest: the checkout is writable, the host's root is not"
guest_check userland "guest: the host's bash and python3 run"

# --- 2: a WARN fails the run, whatever CMD's status ---------------------------

warnko=$CHECKOUT/build/warnmod/$kernel/memresv_warn.ko
rc=0
"$RUN" --kernel "$kernel" --no-build -- insmod "$warnko" \
	>"$tmp/out2" 2>"$tmp/err2" || rc=$?
r=$((rc != 0 && $(has 'WARNING:' "$tmp/err2") && $(has memresv_warn_init "$tmp/err2")))
ok "$r" "a WARN in the guest fails the run and its report is printed"
((r)) || diag "$tmp/out2" "$tmp/err2"
log=$(sed -n 's/^memresv-vm: serial log: //p' "$tmp/err2")
[[ -n $log && -f $log ]] && r=1 || r=0
ok "$r" "the serial log of the failed run is kept"
[[ -n $log ]] && rm -f "$log"

# --- 3: a guest that does not finish is killed ------------------------------

rc=0
"$RUN" --kernel "$kernel" --no-build --swap 0 --timeout 45 -- sleep 3600 \
	>"$tmp/out3" 2>"$tmp/err3" || rc=$?
r=$((rc != 0 && $(has 'guest hung after' "$tmp/err3")))
ok "$r" "a guest that runs past --timeout is killed and reported"
((r)) || diag "$tmp/err3"
log=$(sed -n 's/^memresv-vm: serial log: //p' "$tmp/err3")
[[ -n $log ]] && rm -f "$log"

if ((failed)); then
	echo "# $failed of $n failed on the $kernel kernel"
	exit 1
fi
echo "# all $n passed on the $kernel kernel"
