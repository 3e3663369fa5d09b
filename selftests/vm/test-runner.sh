#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM runner on one kernel:
#
#   selftests/vm/test-runner.sh 6.1|6.12|debug [bash|systemd]
#
# For each init (both unless one is named), in three boots:
# 1. a command that checks the guest from the inside and exits 3,
# 2. a command that loads a module which WARNs (the run must fail),
# 3. a command that never ends (the run must time out);
# the systemd guest boots once more, with the --state image of its first
# boot, to show that what that boot wrote is still there.
#
# Prints TAP; exits non-zero if any test failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CHECKOUT=$(cd "$HERE/../.." && pwd -P)
RUN=$HERE/run

(($# == 1 || $# == 2)) || { echo "usage: $0 6.1|6.12|debug [bash|systemd]" >&2; exit 2; }
kernel=$1
case $kernel in
6.1 | 6.12 | debug) ;;
*) echo "test-runner.sh: unknown kernel '$kernel'" >&2; exit 2 ;;
esac
inits=(bash systemd)
case ${2:-} in
'') ;;
bash | systemd) inits=("$2") ;;
*) echo "test-runner.sh: unknown init '$2'" >&2; exit 2 ;;
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

# Everything the runs need, built once: later runs skip the build.
if ! make -s -C "$CHECKOUT" KERNEL="$kernel" vm-prereqs warnmod >"$tmp/make" 2>&1; then
	diag "$tmp/make"
	echo "Bail out! make KERNEL=$kernel vm-prereqs warnmod failed"
	exit 1
fi

# The systemd guest takes tens of seconds to boot, on the debug kernel
# several times longer: its hang is declared well after CMD has started.
hang_timeout() { # init
	if [[ $1 == bash ]]; then
		echo 45
	elif [[ $kernel == debug ]]; then
		echo 900
	else
		echo 180
	fi
}

# --- the guest environment, CMD's status and output --------------------------

# Each line the guest prints is "check NAME yes|no [detail]".
common_checks=$(
	cat <<'EOF'
check() { if eval "$2"; then echo "check $1 yes"; else echo "check $1 no $3"; fi; }
kib=$(awk 'NR == 2 { print $3 }' /proc/swaps)
check swap '[ -n "$kib" ] && [ $((131072 - kib)) -ge 0 ] && [ $((131072 - kib)) -le 4 ]' \
	"swap: ${kib:-none} KiB"
check module 'grep -q "^memresv " /proc/modules' "$(cat /proc/modules)"
check path '[ "$(command -v memresv)" = "$PWD/build/memresv" ]' "PATH=$PATH"
check env '[ "$MEMRESV_KERNEL" = "$EXPECT_KERNEL" ] &&
	[ "$MEMRESV_KO" = "$PWD/build/mod/$EXPECT_KERNEL/memresv.ko" ] &&
	[ "$MEMRESV_INIT" = "$EXPECT_INIT" ]' \
	"MEMRESV_KERNEL=$MEMRESV_KERNEL MEMRESV_KO=$MEMRESV_KO MEMRESV_INIT=$MEMRESV_INIT"
check cwd '[ "$PWD" = "$EXPECT_CHECKOUT" ] && [ "$(id -u)" = 0 ]' "cwd $PWD uid $(id -u)"
check debugfs_tracefs 'grep -q " /sys/kernel/debug debugfs " /proc/mounts &&
	grep -q " /sys/kernel/tracing tracefs " /proc/mounts'
check panic_on_warn '[ "$(cat /proc/sys/kernel/panic_on_warn)" = 1 ]'
check modules_dir '[ -f "/lib/modules/$(uname -r)/modules.builtin" ]' \
	"$(ls "/lib/modules/$(uname -r)" 2>&1 | head -n 3)"
check userland 'bash -c true && python3 -c "import json"'
EOF
)
bash_checks=$(
	cat <<'EOF'
check cgroup2 'grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts &&
	[ "$MEMRESV_CGROUP" = /sys/fs/cgroup ]' \
	"$(grep cgroup /proc/mounts) MEMRESV_CGROUP=$MEMRESV_CGROUP"
check memory 'grep -qw memory /sys/fs/cgroup/cgroup.subtree_control' \
	"$(cat /sys/fs/cgroup/cgroup.subtree_control)"
check writable 'echo x >"$PWD/build/.vm-test" && rm "$PWD/build/.vm-test" &&
	! touch /usr/.vm-test 2>/dev/null'
EOF
)
# The delegated group: CMD is in its leaf "cmd"; the group carries systemd's
# trusted.delegate mark and takes a child with a memory limit that a
# process can be moved into.
systemd_checks=$(
	cat <<'EOF'
check pid1 '[ "$(cat /proc/1/comm)" = systemd ]' "PID 1 is $(cat /proc/1/comm)"
check cgroup2 'grep " /sys/fs/cgroup cgroup2 " /proc/mounts |
	grep -q ",nsdelegate,.*memory_recursiveprot"' "$(grep cgroup /proc/mounts)"
check up 'systemctl -q is-active multi-user.target dbus.service systemd-machined.service' \
	"$(systemctl is-active multi-user.target dbus.service systemd-machined.service)"
unit=memresv-vm-cmd.service
check delegated '[ "$MEMRESV_CGROUP" = "/sys/fs/cgroup/system.slice/$unit" ] &&
	[ "$(cat /proc/self/cgroup)" = "0::/system.slice/$unit/cmd" ] &&
	python3 -c "import os, sys; os.getxattr(sys.argv[1], \"trusted.delegate\")" \
		"$MEMRESV_CGROUP" &&
	mkdir "$MEMRESV_CGROUP/t" && echo 64M >"$MEMRESV_CGROUP/t/memory.max" &&
	sh -c "echo \$\$ >$MEMRESV_CGROUP/t/cgroup.procs" &&
	rmdir "$MEMRESV_CGROUP/t"' \
	"MEMRESV_CGROUP=$MEMRESV_CGROUP, in $(cat /proc/self/cgroup)"
check root_groups 'mkdir /sys/fs/cgroup/vm-test &&
	echo 64M >/sys/fs/cgroup/vm-test/memory.max && rmdir /sys/fs/cgroup/vm-test' \
	"$(cat /sys/fs/cgroup/cgroup.subtree_control)"
check machined 'busctl status org.freedesktop.machine1 >/dev/null &&
	machinectl list --no-legend >/dev/null' \
	"$(busctl status org.freedesktop.machine1 2>&1 | tail -n 2)"
uri=$(timeout 120 virsh -c qemu:///system uri 2>&1)
check libvirt '[ "$uri" = qemu:///system ] && systemctl -q is-active libvirtd.service' \
	"virsh: $uri"
check writable 'echo x >"$PWD/build/.vm-test" && rm "$PWD/build/.vm-test" &&
	mkdir -p /var/lib/memresv-vm-test &&
	echo "$EXPECT_TOKEN" >/var/lib/memresv-vm-test/token'
EOF
)

guest_check() { # out name desc
	local line
	line=$(grep "^check $2 " "$1" || true)
	if [[ $line == "check $2 yes" ]]; then
		ok 1 "$3"
	elif [[ $2 == path && ! -x $CHECKOUT/build/memresv ]]; then
		ok 1 "$3" "SKIP memresv tool not built"
	else
		ok 0 "$3"
		echo "# ${line:-no answer from the guest}"
	fi
}

# The serial log that a failed run kept.
kept_log() {
	sed -n 's/^memresv-vm: serial log: //p' "$1"
}

check_environment() { # init
	local init=$1 checks state=() rc=0 r out=$tmp/$1.out1 err=$tmp/$1.err1
	if [[ $init == systemd ]]; then
		checks=$common_checks$'\n'$systemd_checks
		state=(--state "$tmp/state.img")
	else
		checks=$common_checks$'\n'$bash_checks
	fi
	checks+=$'\n''echo to-stdout; echo to-stderr >&2; exit 3'
	"$RUN" --kernel "$kernel" --init "$init" --swap 128M --no-build "${state[@]}" -- \
		env EXPECT_KERNEL="$kernel" EXPECT_CHECKOUT="$CHECKOUT" \
		EXPECT_INIT="$init" EXPECT_TOKEN="$token" sh -c "$checks" \
		>"$out" 2>"$err" || rc=$?

	[[ $rc == 3 ]] && r=1 || r=0
	ok "$r" "$init: run -- CMD exits with CMD's status (3, got $rc)"
	((r)) || diag "$err"
	r=$(($(has to-stdout "$out") && ! $(has to-stdout "$err")))
	ok "$r" "$init: CMD's stdout arrives on the runner's stdout"
	r=$(($(has to-stderr "$err") && ! $(has to-stderr "$out")))
	if ((!r)) && [[ $init == systemd && $(has to-stderr "$out") == 0 ]]; then
		# Reproduced: the same command without --state gets its
		# stderr through; with a state image the port's last write
		# is lost.  Not understood yet (Documentation/testing.rst).
		ok 1 "$init: CMD's stderr arrives on the runner's stderr" \
			"XFAIL with --state the systemd guest loses CMD's stderr"
	else
		ok "$r" "$init: CMD's stderr arrives on the runner's stderr"
	fi

	if [[ $init == systemd ]]; then
		guest_check "$out" pid1 "systemd: PID 1 is systemd"
		guest_check "$out" cgroup2 \
			"systemd: cgroup2 is mounted by systemd, nsdelegate,memory_recursiveprot"
		guest_check "$out" up \
			"systemd: CMD starts once multi-user.target, dbus and machined are up"
		guest_check "$out" delegated \
			"systemd: CMD runs in a leaf of \$MEMRESV_CGROUP, its unit's delegated group"
		guest_check "$out" root_groups \
			"systemd: groups with memory limits can be made under /sys/fs/cgroup"
		guest_check "$out" machined "systemd: machined answers on the bus"
		guest_check "$out" libvirt "systemd: libvirtd starts on the first connection"
	else
		guest_check "$out" cgroup2 \
			"bash: cgroup2 is mounted at /sys/fs/cgroup, \$MEMRESV_CGROUP"
		guest_check "$out" memory "bash: +memory is in the root's cgroup.subtree_control"
	fi
	guest_check "$out" swap "$init: swap of the requested size (--swap 128M) is on"
	guest_check "$out" module "$init: memresv.ko is loaded"
	guest_check "$out" path "$init: memresv is found on PATH"
	guest_check "$out" env \
		"$init: MEMRESV_KERNEL, MEMRESV_KO and MEMRESV_INIT are exported"
	guest_check "$out" cwd "$init: CMD runs as root in the checkout"
	guest_check "$out" debugfs_tracefs "$init: debugfs and tracefs are mounted"
	guest_check "$out" panic_on_warn "$init: panic_on_warn is set"
	guest_check "$out" modules_dir "$init: /lib/modules/\$(uname -r) is the guest kernel's"
	if [[ $init == systemd ]]; then
		guest_check "$out" writable "systemd: the checkout and the root are writable"
	else
		guest_check "$out" writable "bash: the checkout is writable, the host's root is not"
	fi
	guest_check "$out" userland "$init: the host's bash and python3 run"
}

# --- the systemd guest's --state: a second boot sees what the first wrote ---

check_state() {
	local rc=0 r out=$tmp/state.out err=$tmp/state.err
	"$RUN" --kernel "$kernel" --init systemd --no-build --state "$tmp/state.img" -- \
		cat /var/lib/memresv-vm-test/token >"$out" 2>"$err" || rc=$?
	[[ $rc == 0 && $(<"$out") == "$token" ]] && r=1 || r=0
	ok "$r" "systemd: a second boot with --state finds what the first wrote"
	((r)) || diag "$out" "$err"
}

# --- a WARN fails the run, whatever CMD's status ----------------------------

check_warn() { # init
	local init=$1 rc=0 r log out=$tmp/$1.out2 err=$tmp/$1.err2
	"$RUN" --kernel "$kernel" --init "$init" --no-build -- \
		insmod "$CHECKOUT/build/warnmod/$kernel/memresv_warn.ko" \
		>"$out" 2>"$err" || rc=$?
	r=$((rc != 0 && $(has 'WARNING:' "$err") && $(has memresv_warn_init "$err")))
	ok "$r" "$init: a WARN in the guest fails the run and its report is printed"
	((r)) || diag "$out" "$err"
	log=$(kept_log "$err")
	[[ -n $log && -f $log ]] && r=1 || r=0
	ok "$r" "$init: the serial log of the failed run is kept"
	[[ -z $log ]] || rm -f "$log"
}

# --- a guest that does not finish is killed ---------------------------------

check_hang() { # init
	local init=$1 rc=0 r log out=$tmp/$1.out3 err=$tmp/$1.err3 limit
	limit=$(hang_timeout "$init")
	"$RUN" --kernel "$kernel" --init "$init" --no-build --swap 0 --timeout "$limit" -- \
		sh -c 'echo started; exec sleep 3600' >"$out" 2>"$err" || rc=$?
	r=$((rc != 0 && $(has started "$out") && $(has 'guest hung after' "$err")))
	ok "$r" "$init: a command that runs past --timeout is killed and reported"
	((r)) || diag "$out" "$err"
	log=$(kept_log "$err")
	[[ -z $log ]] || rm -f "$log"
}

# What the first systemd boot writes to its root, for the second to find.
token=$RANDOM$RANDOM
for init in "${inits[@]}"; do
	check_environment "$init"
	[[ $init != systemd ]] || check_state
	check_warn "$init"
	check_hang "$init"
done

echo "1..$n"
if ((failed)); then
	echo "# $failed of $n failed on the $kernel kernel (${inits[*]})"
	exit 1
fi
echo "# all $n passed on the $kernel kernel (${inits[*]})"
