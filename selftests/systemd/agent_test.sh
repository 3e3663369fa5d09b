#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memresvd raises the MemoryMin= of the systemd units above a reserved
# group through systemd, follows the guarantee down, and gives each unit
# its own value back; what it set survives daemon-reload, a restart of the
# agent, and a MemoryMin= someone else sets; a restarted agent gives back
# what the units had even when the reservation went while it was stopped.
# The reserved group is a child of a Delegate=yes scope in machine.slice,
# where libvirt puts a VM.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=mrt-agent-$$
SCOPE=$NAME.scope
CG=machine.slice/$SCOPE/work
STARTUP=$((160 * MiB)) MINIMUM=$((96 * MiB)) MAXIMUM=$((256 * MiB))
OWN=$((32 * MiB))

plan 9

# Both units' MemoryMin= (as systemd has it) and memory.min, in one line.
mins() {
	echo "machine.slice=$(prop machine.slice MemoryMin)/$(cgfile machine.slice memory.min)" \
		"$SCOPE=$(prop "$SCOPE" MemoryMin)/$(cgfile "machine.slice/$SCOPE" memory.min)"
}

# Do both units have MemoryMin= SLICE and SCOPE, and memory.min to match?
has_mins() { # slice scope
	[[ $(mins) == "machine.slice=$1/$(pages "$1") $SCOPE=$2/$(pages "$2")" ]]
}

install_agent
r=$?
ok $((r == 0 && $(systemctl is-enabled memresv.service memresvd.service |
	grep -c '^enabled') == 2)) \
	"make install-systemd: memresv.service and memresvd.service enabled, the agent running" \
	"$(systemctl status --no-pager memresv.service memresvd.service 2>&1 | tail -20)"

delegated_scope "$NAME" || echo "# the scope did not come up"
old=$(prop machine.slice MemoryMin)
at_exit "systemctl set-property --runtime machine.slice MemoryMin=$old"
at_exit "memresv del $CG"
systemctl set-property --runtime machine.slice MemoryMin=$OWN

# 2. The guarantee (startup, while starting) reaches the root through
# systemd: the slice and the scope carry it as MemoryMin=.
memresv add "$CG" --startup $STARTUP --min $MINIMUM --max $MAXIMUM 2>/dev/null
wait_for 5 has_mins $STARTUP $STARTUP && r=1 || r=0
ok $r "add: machine.slice and the VM's scope get MemoryMin= = startup through systemd" \
	"want $STARTUP on both; $(mins)"

# 3. Start-up over: the guarantee is the minimum; MemoryMin= follows.
memresv ready "$CG" >/dev/null
wait_for 5 has_mins $MINIMUM $MINIMUM && r=1 || r=0
ok $r "ready: MemoryMin= follows the guarantee down to the minimum" \
	"want $MINIMUM on both; $(mins)"

# 4. Runtime properties are systemd's own: a reload keeps them.
systemctl daemon-reload
sleep 1
wait_for 3 has_mins $MINIMUM $MINIMUM && r=1 || r=0
ok $r "daemon-reload: systemd keeps the raised MemoryMin= and writes it again" \
	"want $MINIMUM on both; $(mins)"

# 5. A restarted agent keeps what it set (it remembers the units' own
# values, it does not take the raised ones for them).
systemctl restart memresvd.service
wait_for 10 systemctl is-active -q memresvd.service
sleep 2
has_mins $MINIMUM $MINIMUM && r=1 || r=0
ok $r "the agent restarted: MemoryMin= unchanged" "$(mins)"

# 6. The reservation goes while the agent is stopped: nothing lowers the
# units meanwhile (stopping the agent weakens nothing); started again, it
# gives each unit its own value back, from its state file.
systemctl stop memresvd.service
memresv del "$CG"
sleep 2
[[ $(prop machine.slice MemoryMin) == "$MINIMUM" &&
   $(prop "$SCOPE" MemoryMin) == "$MINIMUM" ]] && r1=1 || r1=0
systemctl start memresvd.service
wait_for 10 has_mins $OWN 0 && r2=1 || r2=0
state=$(grep -c '^unit ' $STATE_DIR/agent.state)
ok $((r1 && r2 && state == 0)) \
	"deleted while the agent was stopped: its restart gives the units their own MemoryMin= back" \
	"while stopped: $r1; after the start: $(mins) (want $OWN and 0)" \
	"units still in $STATE_DIR/agent.state: $state"

# 7. Someone else's MemoryMin= on a raised unit is the unit's own from then
# on, and the need still holds.
memresv add "$CG" --startup $MINIMUM --min $MINIMUM --max $MAXIMUM 2>/dev/null
wait_for 5 has_mins $MINIMUM $MINIMUM
systemctl set-property --runtime machine.slice MemoryMin=$((8 * MiB))
wait_for 5 has_mins $MINIMUM $MINIMUM && r=1 || r=0
ok $r "set-property MemoryMin= on a raised slice: back to the need within a period or two" \
	"want $MINIMUM on both; $(mins)"

# 8. ... and given back when the need goes.
memresv del "$CG"
wait_for 5 has_mins $((8 * MiB)) 0 && r=1 || r=0
ok $r "del: each unit gets its own MemoryMin= back (the one set by hand)" \
	"want $((8 * MiB)) and 0; $(mins)"

# 9. The agent says what it did, in the journal.
log=$(journalctl -b -u memresvd.service --no-pager -o cat 2>/dev/null)
[[ $log == *"machine.slice: MemoryMin="*"to cover the guarantees below it"* &&
   $log == *"machine.slice: MemoryMin="*"again, its own"* ]] && r=1 || r=0
ok $r "the journal says what the agent raised and gave back" \
	"$(tail -5 <<<"$log")"

finish
