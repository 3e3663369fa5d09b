#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The saved configuration that memresv.service restores at boot
# (/var/lib/memresv/memresv.conf) is kept current by memresvd: what
# `memresv save` prints after add and set, the reservation kept while its
# group is gone (a VM's scope stopped, the host shutting down) and put back
# in force when the group is made again, taken out by del only, and not
# brought back by an agent restart after a del.  memresv restore
# --skip-missing leaves out groups that do not exist yet.  A module that
# comes back empty (a restore at boot that failed) gets the saved host
# settings back from the agent.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=mrt-saved-$$
CG=machine.slice/$NAME.scope/work
OTHER=${MEMRESV_CGROUP#"$CGROOT"/}/$NAME
SAVED=$STATE_DIR/memresv.conf

plan 8

# A configuration with its reservations sorted, for comparison.
normal() {
	python3 -c '
import json, sys
c = json.load(sys.stdin)
c["reservations"].sort(key=lambda r: r["cgroup"])
print(json.dumps(c, sort_keys=True))'
}

saved_is_save() {
	[[ $(normal <"$SAVED") == "$(memresv save | normal)" ]]
}

# The saved settings of a group, or nothing.
saved_of() { # cgroup
	python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["reservations"]:
    if r["cgroup"] == sys.argv[2]:
        print(r["startup"], r["minimum"], r["maximum"])' "$SAVED" "$1"
}

install_agent || echo "# the agent did not start"
# The reservations of earlier tests whose groups went stay in the saved
# file by design (a libvirt domain's, say): start from no file, which the
# agent writes afresh from the module.
systemctl stop memresvd.service
rm -f "$SAVED"
systemctl start memresvd.service
wait_for 10 systemctl is-active -q memresvd.service
delegated_scope "$NAME" || echo "# the scope did not come up"
at_exit "memresv del $CG"

# 1-2. add and set: the file is what save prints.
memresv add "$CG" --startup 64M --min 32M --max 128M >/dev/null 2>&1
wait_for 5 saved_is_save && [[ -n $(saved_of "$CG") ]] && r=1 || r=0
ok $r "add: the saved file is what memresv save prints" \
	"saved: $(normal <"$SAVED")" "save: $(memresv save | normal)"
memresv set "$CG" --max 96M >/dev/null 2>&1
# The agent compares once a second; a guest sharing its cores with another
# under emulation gets far less than a second of CPU a second.
wait_for 15 saved_is_save && r=1 || r=0
ok $r "set (no event announces it): the saved file follows within a few periods" \
	"saved: $(saved_of "$CG")"

# 3. The group goes with its scope: the reservation leaves the ledger
# (cgroup-gone) but stays in the file.
systemctl stop "$NAME.scope"
wait_for 10 bash -c "! memresv show $CG >/dev/null 2>&1"
sleep 2
[[ $(saved_of "$CG") == "$((64 * MiB)) $((32 * MiB)) $((96 * MiB))" ]] && r=1 || r=0
ok $r "its group gone: the reservation stays in the saved file" \
	"saved: $(saved_of "$CG"); in the module: $(memresv show "$CG" 2>&1)"

# 4. The scope started again: the saved reservation is back in force.
delegated_scope "$NAME" || echo "# the scope did not come up again"
wait_for 5 bash -c "memresv show $CG >/dev/null 2>&1" &&
	[[ $(resv_field "$CG" maximum) == $((96 * MiB)) ]] && r=1 || r=0
ok $r "the group made again: the agent puts the saved reservation back in force" \
	"$(memresv show "$CG" 2>&1)" \
	"$(journalctl -b -u memresvd.service --no-pager -o cat | tail -3)"

# 5. del takes it out, and an agent restart does not bring it back.
memresv del "$CG"
wait_for 5 bash -c "[[ -z \$(python3 -c 'import json; print([r for r in json.load(open(\"$SAVED\"))[\"reservations\"] if r[\"cgroup\"] == \"$CG\"] or \"\")') ]]" &&
	r1=1 || r1=0
systemctl restart memresvd.service
wait_for 10 systemctl is-active -q memresvd.service
sleep 3
! memresv show "$CG" >/dev/null 2>&1 && r2=1 || r2=0
ok $((r1 && r2)) "del: out of the saved file; an agent restart does not add it again" \
	"out of the file: $r1; not added again: $r2"

# 6-7. restore --skip-missing: a group that does not exist is left out, the
# rest applied; without it, nothing is.
mkdir -p "$CGROOT/$OTHER"
at_exit "rmdir $CGROOT/$OTHER"
at_exit "memresv del $OTHER"
cfg=$(mktemp)
at_exit "rm -f $cfg"
cat >"$cfg" <<-EOF
	{"reservations": [
	 {"cgroup": "$OTHER", "startup": $((48 * MiB)), "minimum": $((32 * MiB)), "maximum": $((64 * MiB))},
	 {"cgroup": "machine.slice/$NAME-none.scope/work", "startup": $((48 * MiB)), "minimum": $((32 * MiB)), "maximum": $((64 * MiB))}]}
EOF
err=$(memresv restore "$cfg" 2>&1)
s1=$?
! memresv show "$OTHER" >/dev/null 2>&1 && ((s1 == 1)) && r=1 || r=0
ok $r "restore of a file naming a group that does not exist: refused, nothing applied" \
	"status $s1: $err"
err=$(memresv restore --skip-missing "$cfg" 2>&1)
s2=$?
memresv show "$OTHER" >/dev/null 2>&1 && ((s2 == 0)) &&
	[[ $err == *"$NAME-none.scope/work: no such cgroup yet, left out"* ]] && r=1 || r=0
ok $r "restore --skip-missing: that group left out with a note, the rest applied" \
	"status $s2: $err"

host_period() {
	memresv host -j | python3 -c 'import json, sys; print(json.load(sys.stdin)["period_ms"])'
}

# 8. The module reloaded with nothing in it, as after a boot whose restore
# failed: the agent puts the file's host settings back instead of saving
# the module's defaults over them.
memresv del "$OTHER" >/dev/null 2>&1
old_period=$(host_period)
at_exit "memresv host set --period $old_period"
memresv host set --period 1700 >/dev/null
if ! wait_for 5 saved_is_save; then
	ok 0 "the saved host settings come back to a module reloaded empty" \
		"the saved file did not take the new period"
elif [[ -z ${MEMRESV_KO:-} ]]; then
	skip "the saved host settings come back to a module reloaded empty" \
		"no module file to load again (MEMRESV_KO)"
else
	systemctl stop memresvd.service
	rmmod memresv && insmod "$MEMRESV_KO"
	loaded=$(host_period)
	systemctl start memresvd.service
	wait_for 10 bash -c '[[ $(memresv host -j | grep -o "\"period_ms\": *[0-9]*") == *1700 ]]' &&
		saved_is_save && ((loaded != 1700)) && r=1 || r=0
	ok $r "the saved host settings come back to a module reloaded empty" \
		"period after the reload $loaded, now $(host_period), saved: $(normal <"$SAVED")"
fi

finish
