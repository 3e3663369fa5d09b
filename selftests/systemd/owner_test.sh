#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memresv never writes a file of a cgroup systemd owns (issue 13, item 2):
# memory.min, memory.high, memory.max and memory.swap.max of every systemd
# unit's cgroup are compared before and after each step of add, set, ready
# and del, on a group in a VM's delegated scope (machine.slice) and on one
# nested in a Delegate=yes service (system.slice).  First with the agent
# stopped, so that what changes is memresv's own doing; then with the agent,
# which raises the units' protection through systemd: each unit's
# memory.min must then be its MemoryMin= as systemd has it, and nothing
# else may change.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=mrt-owner-$$
VM=machine.slice/$NAME.scope/work
# $MEMRESV_CGROUP is the runner's Delegate=yes service: a child of its own
# with memory for its children, and the reserved group below.
MID=${MEMRESV_CGROUP#"$CGROOT"/}/$NAME
NESTED=$MID/leaf
FILES=(memory.min memory.high memory.max memory.swap.max)

plan 4

# Every unit's cgroup that exists, one per line (relative to the root):
# the groups named like units, kept where systemd says the unit of that
# name has that cgroup.
unit_cgroups() {
	local dirs=() names=()
	mapfile -t dirs < <(cd "$CGROOT" && find . -mindepth 1 -type d \
		\( -name '*.slice' -o -name '*.scope' -o -name '*.service' \
		-o -name '*.socket' -o -name '*.mount' -o -name '*.swap' \) |
		sed 's|^\./||')
	((${#dirs[@]})) || return 0
	names=("${dirs[@]##*/}")
	systemctl show -p ControlGroup --value -- "${names[@]}" 2>/dev/null |
		sed -n 's|^/\(..*\)|\1|p' | sort -u |
		while read -r cg; do [[ -d $CGROOT/$cg ]] && echo "$cg"; done
}

# "cgroup file value" for every unit cgroup's memory file (one grep: a
# process per file is slow under emulation).
snapshot() {
	local cg f paths=()
	for cg in "${UNITS[@]}"; do
		for f in "${FILES[@]}"; do
			[[ -e $CGROOT/$cg/$f ]] && paths+=("$CGROOT/$cg/$f")
		done
	done
	grep -H '' "${paths[@]}" 2>/dev/null |
		sed -E "s|^$CGROOT/(.*)/(memory\.[a-z.]+):|\1 \2 |"
}

# The unit files that changed since BEFORE, one "cgroup file: old -> new"
# per line; with the agent, memory.min may be what systemd says MemoryMin=
# is.
changed() { # agent
	local cg f v old unit
	# One awk joins both snapshots: a process per file takes minutes
	# under emulation.
	while read -r cg f old v; do
		[[ $old == - ]] && old=
		if [[ $1 == 1 && $f == memory.min ]]; then
			unit=$(systemctl show -p Id --value "$(basename "$cg")" 2>/dev/null)
			[[ $v == "$(pages "$(prop "$unit" MemoryMin)")" ]] && continue
			echo "$cg $f: $old -> $v (MemoryMin=$(prop "$unit" MemoryMin))"
			continue
		fi
		echo "$cg $f: $old -> $v"
	done < <(snapshot | awk 'NR == FNR { was[$1 " " $2] = $3; next }
		{ k = $1 " " $2 }
		!(k in was) || was[k] != $3 { print $1, $2, (k in was ? was[k] : "-"), $3 }' \
		<(echo "$BEFORE") -)
}

# add, set, ready and del on both groups; after each, what changed.
steps() { # agent
	local what err out=""
	for what in "add $VM --startup 80M --min 48M --max 160M" \
		    "add $NESTED --startup 72M --min 40M --max 144M" \
		    "set $VM --min 64M --startup 96M --max 200M" \
		    "ready $VM" "ready $NESTED" \
		    "set $NESTED --max 100M" \
		    "del $VM" "del $NESTED"; do
		# shellcheck disable=SC2086
		err=$(memresv $what 2>&1 >/dev/null) ||
			out+="memresv $what failed: $err;"
		sleep 2.5
		out+=$(changed "$1" | sed "s|^|after $what: |" | tr '\n' ';')
	done
	echo "$out"
}

install_agent || echo "# the agent did not start"
delegated_scope "$NAME" || echo "# the scope did not come up"
mkdir -p "$CGROOT/$NESTED"
at_exit "rmdir $CGROOT/$NESTED $CGROOT/$MID"
echo +memory >"$CGROOT/$MID/cgroup.subtree_control"
at_exit "memresv del $VM; memresv del $NESTED"
at_exit "systemctl start memresvd.service"
mapfile -t UNITS < <(unit_cgroups)
((${#UNITS[@]} > 5)) && r=1 || r=0
ok $r "systemd's units' cgroups found (ControlGroup=)" "${#UNITS[@]}: ${UNITS[*]}"

# 2. memresv alone: no unit's file changes.
systemctl stop memresvd.service
sleep 1
BEFORE=$(snapshot)
out=$(steps 0)
[[ -z $out ]] && r=1 || r=0
ok $r "add, set, ready, del without the agent: no file of a systemd unit's cgroup written" \
	"${out//;/$'\n'# }"

# 3. With the agent: a unit's memory.min is its MemoryMin=, nothing else
# changes.
systemctl start memresvd.service
wait_for 10 systemctl is-active -q memresvd.service
sleep 2
BEFORE=$(snapshot)
out=$(steps 1)
[[ -z $out ]] && r=1 || r=0
ok $r "with the agent: units' memory.min only through MemoryMin=, nothing else written" \
	"${out//;/$'\n'# }"

# 4. And everything back as it was.
after=$(changed 0)
[[ -z $after ]] && r=1 || r=0
ok $r "after del: every unit's memory files as before" "${after//$'\n'/$'\n'# }"

finish
