#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the systemd VM suite's tests share (sourced): TAP, clean-up, the
# agent installed and running, delegated scopes, groups that hold memory,
# cgroup files and extended attributes, waiting for a condition.

CGROOT=/sys/fs/cgroup
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MEMHOG=$SRC/build/selftests/memhog
STATE_DIR=/var/lib/memresv

n=0
failed=0
planned=0
cleanups=()

# TAP header; skips the whole test when PID 1 is not systemd.
plan() { # count
	planned=$1
	echo "TAP version 13"
	if [[ $(cat /proc/1/comm) != systemd ]]; then
		echo "1..0 # SKIP PID 1 is not systemd"
		exit 0
	fi
	echo "1..$planned"
}

ok() { # cond desc [detail...]
	n=$((n + 1))
	if [[ $1 == 1 ]]; then
		echo "ok $n $2"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n $2"
	shift 2
	local l
	for l in "$@"; do
		echo "# $l"
	done
}

skip() { # desc reason
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# The exit status of a test: non-zero when one failed or some did not run.
finish() {
	((n == planned)) || echo "# planned $planned tests, ran $n"
	exit $((failed > 0 || n != planned))
}

# Commands run at exit, last added first, whatever happened.
at_exit() { # command...
	cleanups+=("$*")
}

run_cleanups() {
	local i
	for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do
		eval "${cleanups[i]}" >/dev/null 2>&1 || true
	done
}
trap run_cleanups EXIT

# Poll CMD every 0.2 s until it succeeds or SECS pass.
wait_for() { # secs cmd...
	local end=$((SECONDS + $1))
	shift
	while ! "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.2
	done
}

cgfile() { # cgroup file
	cat "$CGROOT/$1/$2" 2>/dev/null
}

# An extended attribute of a cgroup, or nothing when it has none.
xattr() { # cgroup name
	python3 - "$CGROOT/$1" "$2" <<-'PY'
		import os, sys
		try:
		    print(os.getxattr(sys.argv[1], sys.argv[2]).decode())
		except OSError:
		    pass
	PY
}

prop() { # unit property
	systemctl show -p "$2" --value "$1"
}

# The tool, the agent and the units, installed and running (make
# install-systemd: the guest's root is writable; the module is the one the
# runner loaded, which is what memresv.service looks for first).
install_agent() {
	if ! cmp -s "$SRC/build/memresvd" /usr/local/sbin/memresvd ||
	   ! systemctl is-active -q memresvd.service; then
		make -s -C "$SRC" install-systemd >/dev/null || return 1
	fi
	wait_for 20 systemctl is-active -q memresvd.service
}

# A Delegate=yes scope in machine.slice, as machined and libvirt make one
# for a VM: its process parks in the leaf "ctl" so that the scope can hand
# the memory controller to its children, and the empty child "work" is made
# for the test.  The scope goes at exit.
delegated_scope() { # name
	local name=$1 cg=machine.slice/$1.scope
	systemd-run --scope -q -p Delegate=yes -p Slice=machine.slice \
		--unit="$name" -- bash -c '
			cg=/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)
			mkdir "$cg/ctl" && echo $$ >"$cg/ctl/cgroup.procs" &&
			echo +memory >"$cg/cgroup.subtree_control" &&
			mkdir "$cg/work" && exec sleep infinity' \
		</dev/null >/dev/null 2>&1 &
	at_exit "systemctl stop $name.scope"
	wait_for 30 test -d "$CGROOT/$cg/work"
}

# A process that holds SIZE of memory in a cgroup, started there (through
# a shell that moves itself first); HELD_PID is its id, HELD_OUT its output.
# Waits until it touched its memory PASSES times (default 1; 0: it goes on
# touching it until killed, and this waits for the first pass).
hold_memory() { # cgroup size [passes]
	local cg=$1 size=$2 passes=${3:-1} want=done
	((passes)) || want=ready
	HELD_OUT=$(mktemp)
	bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3" "$4"' _ \
		"$CGROOT/$cg" "$MEMHOG" "$size" "$passes" >"$HELD_OUT" 2>&1 &
	HELD_PID=$!
	at_exit "kill $HELD_PID; rm -f $HELD_OUT"
	wait_for 600 grep -q "^$want" "$HELD_OUT" && return 0
	echo "# memhog $size in $cg: $(cat "$HELD_OUT")"
	return 1
}

# A reservation's field, from memresv show -j.
resv_field() { # cgroup field
	memresv show "$1" -j 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# The page-rounded form of a size, as memory.* files show it.
pages() { # bytes
	echo $(($1 / 4096 * 4096))
}

MiB=$((1024 * 1024))
