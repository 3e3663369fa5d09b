#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The swap tier stays below systemd-oomd's SwapUsedLimit=: with a real
# systemd-oomd (Debian's package of the host's systemd version, fetched
# into the cache by scripts/deps.sh and installed here, in the guest's
# throwaway root), memresvd lowers paging_limit to SwapUsedLimit= x
# SwapTotal less the swap others use, lowers an administrator's larger
# setting again within seconds, follows a new limit when systemd-oomd
# restarts, and leaves the tier alone while systemd-oomd does not run.
# Needs swap in the guest (selftests/vm/run --swap 1G).  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CACHE=${MEMRESV_CACHE:-$HOME/.cache/memresv}
VERSION=$(dpkg-query -W -f='${Version}' systemd 2>/dev/null)
DEB=$(compgen -G "$CACHE/debs/systemd-oomd_${VERSION//:/%3a}_*.deb" | head -n1)
DROPIN_DIR=/etc/systemd/oomd.conf.d
DROPIN=$DROPIN_DIR/50-memresv-test.conf

skip_all() { # reason
	echo "TAP version 13"
	echo "1..0 # SKIP $1"
	exit 0
}

[[ -n $DEB ]] ||
	skip_all "no systemd-oomd $VERSION in $CACHE/debs (scripts/deps.sh install fetches it)"
swap_total=$(awk '/^SwapTotal:/ { print $2 * 1024 }' /proc/meminfo)
((swap_total > 0)) || skip_all "no swap: systemd-oomd needs it (selftests/vm/run --swap 1G)"
if dpkg-query -W -f='${db:Status-Status}' systemd-oomd 2>/dev/null |
	grep -q '^installed'; then
	skip_all "systemd-oomd is installed already: this test installs and removes it"
fi

plan 8

host_field() { # field
	memresv host -j | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# What the agent's rule allows now: PERMYRIAD of SwapTotal less the swap in
# use (nothing pages in this test), rounded down to MiB, in bytes.
cap() { # permyriad
	awk -v p="$1" -v mib=$MiB '
		/^SwapTotal:/ { t = $2 * 1024 }
		/^SwapFree:/ { f = $2 * 1024 }
		END {
			c = int(t * p / 10000) - (t - f)
			if (c < 0) c = 0
			printf "%d\n", int(c / mib) * mib
		}' /proc/meminfo
}

limit_at_most() { # bytes
	(($(host_field paging_limit) <= $1))
}

limit_is() { # bytes
	(($(host_field paging_limit) == $1))
}

# The agent's log lines since the test began.
lowered_lines() {
	journalctl -q -o cat -u memresvd.service --since "@$t0" |
		grep -c 'swap tier lowered' || true
}

oomd_active() {
	systemctl is-active -q systemd-oomd.service
}

t0=$(date +%s)
install_agent || echo "# the agent did not start"
orig=$(host_field paging_limit)
at_exit "memresv host set --paging-limit $orig"
at_exit "rm -rf $DROPIN_DIR"
at_exit "systemctl stop systemd-oomd.socket systemd-oomd.service; dpkg --purge --no-triggers systemd-oomd"

# No systemd-oomd at all: an administrator's tier stays.
memresv host set --paging-limit 900M >/dev/null
sleep 5
limit_is $((900 * MiB)) && r=1 || r=0
ok $r "without systemd-oomd the tier is left as set" \
	"paging_limit $(host_field paging_limit), set 900M"

mkdir -p $DROPIN_DIR
printf '[OOM]\nSwapUsedLimit=50%%\n' >$DROPIN
# Its maintainer scripts start it; the man pages' trigger is not waited for.
out=$(dpkg --no-triggers -i "$DEB" 2>&1) || echo "# dpkg -i: $out"
oomd_active || systemctl start systemd-oomd.service
wait_for 30 oomd_active && r=1 || r=0
ok $r "systemd-oomd $VERSION installed in the guest and running" \
	"$(systemctl status --no-pager systemd-oomd.service 2>&1 | tail -n 5)"

# The agent asks systemd every few seconds.
wait_for 15 limit_at_most "$(cap 5000)" && r=1 || r=0
c=$(cap 5000)
lim=$(host_field paging_limit)
((r && lim + 16 * MiB >= c)) || r=0
ok $r "systemd-oomd running with SwapUsedLimit=50%: the tier is lowered to the cap" \
	"paging_limit $lim, cap $c (SwapTotal $swap_total)"

journalctl -q -o cat -u memresvd.service --since "@$t0" |
	grep -q "swap tier lowered from 900 MiB to .*SwapUsedLimit=50% ($DROPIN)" &&
	r=1 || r=0
ok $r "the agent's log names SwapUsedLimit=, its file and the numbers" \
	"$(journalctl -q -o cat -u memresvd.service --since "@$t0" | tail -n 5)"

# An administrator's larger tier is brought back under the cap.
memresv host set --paging-limit 1000M >/dev/null
wait_for 5 limit_at_most "$(cap 5000)" && r=1 || r=0
ok $r "host set --paging-limit above the cap is lowered within seconds" \
	"paging_limit $(host_field paging_limit), cap $(cap 5000)"

# Once per change, not once a second.
sleep 4
lines=$(lowered_lines)
((lines == 2)) && r=1 || r=0
ok $r "one log line per lowering" "$lines lines: $(journalctl -q -o cat \
	-u memresvd.service --since "@$t0" | grep 'swap tier' | tail -n 4)"

# systemd-oomd reads its configuration when it starts: so does the agent.
printf '[OOM]\nSwapUsedLimit=25%%\n' >$DROPIN
systemctl restart systemd-oomd.service
wait_for 15 limit_at_most "$(cap 2500)" && r=1 || r=0
ok $r "systemd-oomd restarted with SwapUsedLimit=25%: the tier follows" \
	"paging_limit $(host_field paging_limit), cap $(cap 2500)"

# Stopped: the tier is the administrator's again.
systemctl stop systemd-oomd.socket systemd-oomd.service
sleep 4
memresv host set --paging-limit 900M >/dev/null
sleep 5
limit_is $((900 * MiB)) && r=1 || r=0
ok $r "systemd-oomd stopped: the tier is left as set" \
	"paging_limit $(host_field paging_limit), set 900M"

# What the agent said, for the record.
journalctl -q -o cat -u memresvd.service --since "@$t0" |
	grep -E 'swap tier|systemd-oomd (runs|stopped)' | sed 's/^/# /'
finish
