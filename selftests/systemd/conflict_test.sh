#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memresv's limits survive what systemd does, and what others write is
# noticed: after daemon-reload, set-property on an ancestor and the restart
# of an unrelated unit, every limit memresv set (the reserved group's
# memory.min, .high, .max and .swap.max, the ancestors' protection) is in
# force, or back within a period; a value written by hand into a reserved
# group's memory.high or memory.max is reported (a "conflict" event on
# memresv monitor -j, with the file, the value found and memresv's) and
# written back, and show counts it.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=mrt-conflict-$$
SCOPE=$NAME.scope
CG=machine.slice/$SCOPE/work
UNRELATED=mrt-unrelated-$$

plan 7

# What memresv says it keeps in each file, against the files.
limits() {
	local g h m s
	g=$(resv_field "$CG" guarantee)
	h=$(resv_field "$CG" high)
	m=$(resv_field "$CG" maximum)
	s=$(resv_field "$CG" swap_max)
	echo "want min=$(pages "$g") high=$(pages "$h") max=$(pages "$m")" \
		"swap.max=$(pages "$s") ancestors>=$(pages "$g");" \
		"have min=$(cgfile "$CG" memory.min) high=$(cgfile "$CG" memory.high)" \
		"max=$(cgfile "$CG" memory.max) swap.max=$(cgfile "$CG" memory.swap.max)" \
		"ancestors=$(cgfile machine.slice memory.min),$(cgfile "machine.slice/$SCOPE" memory.min)"
}

in_force() {
	local g
	g=$(pages "$(resv_field "$CG" guarantee)") || return 1
	[[ $(cgfile "$CG" memory.min) == "$g" &&
	   $(cgfile "$CG" memory.high) == "$(pages "$(resv_field "$CG" high)")" &&
	   $(cgfile "$CG" memory.max) == "$(pages "$(resv_field "$CG" maximum)")" &&
	   $(cgfile "$CG" memory.swap.max) == "$(pages "$(resv_field "$CG" swap_max)")" ]] &&
	(($(cgfile machine.slice memory.min) >= g &&
	  $(cgfile "machine.slice/$SCOPE" memory.min) >= g))
}

install_agent || echo "# the agent did not start"
delegated_scope "$NAME" || echo "# the scope did not come up"
at_exit "memresv del $CG"
memresv add "$CG" --startup 96M --min 64M --max 192M --swap-max 32M \
	>/dev/null 2>&1
memresv ready "$CG" >/dev/null
wait_for 5 in_force && r=1 || r=0
ok $r "a reservation in a VM's scope: its limits and its ancestors' protection in force" \
	"$(limits)"

# 2. daemon-reload re-applies every unit's cgroup settings.
systemctl daemon-reload
wait_for 3 in_force && r=1 || r=0
ok $r "daemon-reload: every limit in force within a period" "$(limits)"

# 3. set-property of a memory setting re-applies the ancestors' memory files.
at_exit "systemctl set-property --runtime machine.slice MemoryHigh=infinity"
systemctl set-property --runtime machine.slice MemoryHigh=8G
systemctl set-property --runtime "$SCOPE" MemoryMax=4G
wait_for 3 in_force && r=1 || r=0
ok $r "set-property on machine.slice and on the VM's scope: every limit in force within a period" \
	"$(limits)"

# 4. A unit elsewhere restarted.
mkdir -p /run/systemd/system
printf '[Service]\nExecStart=/bin/sleep infinity\n' \
	>/run/systemd/system/$UNRELATED.service
at_exit "rm -f /run/systemd/system/$UNRELATED.service"
at_exit "systemctl stop $UNRELATED.service"
systemctl daemon-reload
systemctl start "$UNRELATED.service"
systemctl restart "$UNRELATED.service"
wait_for 3 in_force && r=1 || r=0
ok $r "an unrelated unit restarted: every limit in force" "$(limits)"

# 5-6. A write by hand to memory.high, then to memory.max: a conflict event
# with the numbers, and memresv's value back within a period.
mon=$(mktemp)
at_exit "rm -f $mon"
memresv monitor -j >"$mon" &
mpid=$!
at_exit "kill $mpid"
sleep 1
conflict() { # file value
	local file=$1 value=$2 ours ev seen
	ours=$(cgfile "$CG" "$file")
	seen=$(wc -l <"$mon")
	echo "$value" >"$CGROOT/$CG/$file"
	wait_for 3 bash -c "tail -n +$((seen + 1)) $mon | grep -q '\"event\":\"conflict\"'"
	ev=$(tail -n +$((seen + 1)) "$mon" | grep -m1 '"event":"conflict"')
	python3 - "$ev" "$file" "$value" "$ours" <<-'PY' && wait_for 3 in_force
		import json, sys
		ev = json.loads(sys.argv[1])
		want = (sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
		got = (ev.get("file"), ev.get("found"), ev.get("ours"))
		sys.exit(0 if got == want and ev.get("cgroup") else 1)
	PY
	r=$?
	ok $((r == 0)) "$file written by hand: a conflict event with the numbers, memresv's value back" \
		"event: ${ev:-none}" "wrote $value over $ours; $(limits)"
}
conflict memory.high $((40 * MiB))
conflict memory.max $((300 * MiB))

# 7. show counts them.
c=$(resv_field "$CG" conflicts)
((c >= 2)) && r=1 || r=0
ok $r "show counts the conflicts" "conflicts: $c"

finish
