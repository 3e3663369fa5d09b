#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest's half of twoboot.sh (not a test of its own: run-all.sh runs
# only *_test.sh).  "first": install memresv (make install-systemd enables
# memresv.service and memresvd.service), make a group that exists at boot
# (a tmpfiles.d line, as an administrator would for groups outside
# systemd) and a unit whose delegated child is made after boot, reserve
# both, change a host setting, and wait until the agent has saved it all.
# "second": wait for the reservations to be back, say which part of the
# boot put each back, and how long the boot took.  Both write what
# `memresv save` prints to OUT/<phase>.json.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

phase=$1
out=$2
TOP=memresv-twoboot
UNIT=memresv-twoboot-ctr.service
WORK=system.slice/$UNIT/work

normal() {
	python3 -c '
import json, sys
c = json.load(sys.stdin)
c["reservations"].sort(key=lambda r: r["cgroup"])
print(json.dumps(c, indent=1, sort_keys=True))'
}

saved_is_save() {
	[[ $(normal <$STATE_DIR/memresv.conf) == "$(memresv save | normal)" ]]
}

first() {
	install_agent || { echo "memresvd did not start"; return 1; }
	cat >/etc/tmpfiles.d/$TOP.conf <<-EOF
		# A group outside systemd, made at every boot; memresv reserves it.
		d /sys/fs/cgroup/$TOP 0755 - - -
	EOF
	systemd-tmpfiles --create /etc/tmpfiles.d/$TOP.conf
	cat >/etc/systemd/system/$UNIT <<-EOF
		[Unit]
		Description=memresv two-boot test: a unit with a delegated child
		After=memresvd.service

		[Service]
		Delegate=yes
		ExecStart=/bin/bash -c 'cg=/sys/fs/cgroup\$\$(cut -d: -f3 /proc/self/cgroup); mkdir -p \$\$cg/ctl; echo \$\$\$\$ >\$\$cg/ctl/cgroup.procs; echo +memory >\$\$cg/cgroup.subtree_control; mkdir -p \$\$cg/work; exec sleep infinity'

		[Install]
		WantedBy=multi-user.target
	EOF
	systemctl daemon-reload
	systemctl enable --now $UNIT || return 1
	wait_for 20 test -d $CGROOT/$WORK || { echo "$WORK not made"; return 1; }
	memresv host set --reserve 300M >/dev/null &&
		memresv add $TOP --startup 64M --min 32M --max 128M \
			>/dev/null 2>&1 &&
		memresv add $WORK --startup 48M --min 48M --max 96M \
			--weight 7000 >/dev/null 2>&1 || return 1
	wait_for 10 saved_is_save || {
		echo "the saved file is not what memresv save prints"
		return 1
	}
	memresv save | normal >"$out/first.json"
}

# Seconds since boot at which a unit became active.
active_at() { # unit
	local us
	us=$(systemctl show -p ActiveEnterTimestampMonotonic --value "$1")
	awk -v us="${us:-0}" 'BEGIN { printf "%.1f", us / 1e6 }'
}

second() {
	echo "# the command started at $(cut -d' ' -f1 /proc/uptime) s of uptime;" \
		"memresv.service active at $(active_at memresv.service) s," \
		"memresvd.service at $(active_at memresvd.service) s," \
		"multi-user.target at $(active_at multi-user.target) s"
	wait_for 30 bash -c "memresv show $TOP >/dev/null 2>&1 &&
		memresv show $WORK >/dev/null 2>&1"
	memresv save | normal >"$out/second.json"
	systemctl is-active memresv.service memresvd.service >"$out/units"
	journalctl -b -o cat -u memresv.service -u memresvd.service \
		--no-pager >"$out/journal"
}

case $phase in
first) first ;;
second) second ;;
*)
	echo "usage: twoboot-guest.sh first|second OUT" >&2
	exit 2
	;;
esac
