#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VM's reservation follows its life under libvirt (Documentation/libvirt.rst),
# checked in the systemd guest (selftests/vm/run --init systemd; run-all.sh
# runs it) with Debian's libvirtd and QEMU, after `make install-libvirt`:
# a tiny domain started paused gets its reservation on its libvirt group
# with the values of its <memresv:reservation>; a reset of the guest puts
# it back in start-up; restarting libvirtd keeps it (and re-makes one the
# module lost); `virsh destroy` removes it; a start that does not fit is
# refused with memresv's reason; of two concurrent starts that together do
# not fit exactly one is admitted; a malformed element, or <memtune> beside
# it, fails the start with a clear message; a domain without the element
# is left alone.  Prints TAP; exits non-zero when a test failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=selftests/systemd/lib.sh
. "$src/selftests/systemd/lib.sh"
MiB=$((1024 * 1024))
PFX=memresv-lt
VIRSH=(virsh -q -c qemu:///system)
tmp=$(mktemp -d)

# shellcheck disable=SC2317 # run at exit
remove_domains() {
	local d
	for d in $("${VIRSH[@]}" list --all --name 2>/dev/null | grep "^$PFX"); do
		"${VIRSH[@]}" destroy "$d" >/dev/null 2>&1
		"${VIRSH[@]}" undefine "$d" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
at_exit remove_domains

# A domain: name, <memory> in MiB, the metadata element's attributes (or
# "none"), and more XML for <domain>.
domain_xml() { # name mem_mib attrs [extra]
	local meta=""
	[[ $3 != none ]] &&
		meta="<metadata><memresv:reservation xmlns:memresv=\"urn:memresv:1\" $3/></metadata>"
	cat <<-EOF
		<domain type='qemu'>
		  <name>$1</name>
		  $meta
		  <memory unit='MiB'>$2</memory>
		  <vcpu>1</vcpu>
		  <os><type arch='x86_64' machine='pc'>hvm</type></os>
		  <features><tcg><tb-cache unit='MiB'>32</tb-cache></tcg></features>
		  ${4:-}
		  <devices>
		    <emulator>/usr/bin/qemu-system-x86_64</emulator>
		    <memballoon model='virtio'/>
		  </devices>
		</domain>
	EOF
}

define() { # name mem_mib attrs [extra]
	domain_xml "$@" >"$tmp/$1.xml"
	"${VIRSH[@]}" define "$tmp/$1.xml" >/dev/null
}

# The libvirt group of a running domain, from QEMU's pid.
group_of() { # name
	local pid
	pid=$(cat "/run/libvirt/qemu/$1.pid" 2>/dev/null) || return 1
	sed -n 's|^0::/||p' "/proc/$pid/cgroup" | sed 's|/emulator$||'
}

# One field of a reservation (memresv show -j), or nothing.
field() { # cgroup name
	memresv show "$1" -j 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null
}

host_field() { # name
	memresv host -j | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

libvirt_resvs() {
	memresv show -j | python3 -c '
import json, sys
print(sum(1 for r in json.load(sys.stdin) if ".scope/libvirt" in r["cgroup"]))'
}

plan 14
if ! command -v virsh >/dev/null || [[ ! -x /usr/bin/qemu-system-x86_64 ]]; then
	for i in $(seq 14); do
		skip "libvirt test $i" "virsh or qemu-system-x86_64 is not installed (scripts/deps.sh install)"
	done
	finish
fi

# 1: the same target an administrator runs installs and starts everything.
out=$(make -s -C "$src" install-libvirt 2>&1)
st=$?
wait_for 20 systemctl is-active -q memresvd.service
ok "$([[ $st == 0 && -x /etc/libvirt/hooks/qemu.d/memresv ]] &&
	systemctl is-active --quiet memresvd.service && echo 1)" \
	"make install-libvirt installs the hook and starts the agent" \
	"status $st: $out" "memresvd: $(systemctl is-active memresvd.service)"
# libvirtd reads its hooks when it starts: make sure it starts after.
systemctl restart libvirtd.service

# 2, 3: a tiny domain, started paused, gets its reservation on the right
# group with its metadata's values (sizes the guest's plus the overhead).
define $PFX-tiny 128 'startup="96M" minimum="48M" buffer="30" weight="7000" overhead="64M"'
err=$("${VIRSH[@]}" start --paused $PFX-tiny 2>&1)
st=$?
cg=$(group_of $PFX-tiny)
id=$("${VIRSH[@]}" domid $PFX-tiny 2>/dev/null)
want="machine.slice/machine-$(systemd-escape "qemu-$id-$PFX-tiny").scope/libvirt"
ok "$([[ $st == 0 && $cg == "$want" && $(field "$cg" cgroup) == "$cg" ]] && echo 1)" \
	"a domain with metadata started paused is reserved on its libvirt group" \
	"start: $st $err" "group: '$cg', expected '$want'" \
	"reservations: $(memresv show 2>&1)"
got="$(field "$cg" startup) $(field "$cg" minimum) $(field "$cg" maximum) $(field "$cg" buffer) $(field "$cg" weight)"
exp="$(((96 + 64) * MiB)) $(((48 + 64) * MiB)) $(((128 + 64) * MiB)) 30 7000"
ok "$([[ $got == "$exp" && $(host_field holds) == 0 ]] && echo 1)" \
	"its startup, minimum, maximum, buffer and weight are the metadata's (plus overhead); its hold was taken over" \
	"got '$got', expected '$exp'; holds $(host_field holds)"

# 4: a reset of the guest (libvirt's reboot event) re-enters start-up.
memresv ready "$cg" >/dev/null 2>&1
"${VIRSH[@]}" reset $PFX-tiny >/dev/null 2>&1
restarted() { [[ $(field "$cg" state) == starting ]]; }
wait_for 20 restarted
ok "$(restarted && echo 1)" \
	"a reboot of the domain puts its reservation back in start-up (the agent's RESV_RESTART)" \
	"state $(field "$cg" state)" "$(journalctl -u memresvd -q --no-pager | tail -5)"

# 5, 6: restarting libvirtd keeps the reservation; one the module lost
# is made again when libvirtd reconnects to the domain.
idb=$(field "$cg" id)
systemctl restart libvirtd.service
"${VIRSH[@]}" domid $PFX-tiny >/dev/null 2>&1
ok "$([[ -n $idb && $(field "$cg" id) == "$idb" && $(field "$cg" startup) == $(((96 + 64) * MiB)) ]] && echo 1)" \
	"restarting libvirtd keeps the domain's reservation"
memresv del "$cg"
systemctl restart libvirtd.service
"${VIRSH[@]}" domid $PFX-tiny >/dev/null 2>&1
back() { [[ $(field "$cg" minimum) == $(((48 + 64) * MiB)) ]]; }
wait_for 20 back
ok "$(back && echo 1)" \
	"a reservation the module lost is made again when libvirtd reconnects" \
	"$(memresv show 2>&1)"

# 7: virsh destroy removes it.
"${VIRSH[@]}" destroy $PFX-tiny >/dev/null
gone() { [[ $(libvirt_resvs) == 0 ]]; }
wait_for 10 gone
ok "$(gone && [[ $(host_field holds) == 0 ]] && echo 1)" \
	"virsh destroy removes the reservation" "$(memresv show 2>&1)"

# 8: a start that does not fit is refused with memresv's reason.
cap=$(($(host_field capacity) / MiB))
define $PFX-big $((cap + 256)) 'overhead="16M"'
err=$("${VIRSH[@]}" start --paused $PFX-big 2>&1)
st=$?
ok "$([[ $st != 0 && $err == *"memresv refuses the start"*"does not fit"* &&
	$("${VIRSH[@]}" domstate $PFX-big) == "shut off" && $(host_field holds) == 0 ]] && echo 1)" \
	"a start that does not fit is refused, and virsh start says why" \
	"status $st: $err"

# 9: two starts that together do not fit: exactly one is admitted.
free=$(($(host_field free) / MiB))
each=$((free * 6 / 10 - 16))
for d in c1 c2; do
	define $PFX-$d $each "minimum=\"$((each / 2))M\" overhead=\"16M\""
done
"${VIRSH[@]}" start --paused $PFX-c1 >"$tmp/c1.out" 2>&1 &
p1=$!
"${VIRSH[@]}" start --paused $PFX-c2 >"$tmp/c2.out" 2>&1 &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
ok "$( (( (s1 == 0) + (s2 == 0) == 1 )) && [[ $(libvirt_resvs) == 1 ]] &&
	grep -q "memresv refuses the start" "$tmp/c1.out" "$tmp/c2.out" && echo 1)" \
	"of two concurrent starts that together do not fit, exactly one is admitted" \
	"each ${each}M of ${free}M free; c1: $s1 $(cat "$tmp/c1.out")" \
	"c2: $s2 $(cat "$tmp/c2.out")"
"${VIRSH[@]}" destroy $PFX-c1 >/dev/null 2>&1
"${VIRSH[@]}" destroy $PFX-c2 >/dev/null 2>&1

# 10, 11: a malformed element fails the start with a clear message.
define $PFX-bad 128 'startup="lots"'
err=$("${VIRSH[@]}" start --paused $PFX-bad 2>&1)
st=$?
ok "$([[ $st != 0 && $err == *"memresv: domain '$PFX-bad'"*"startup='lots' is not a size"* ]] && echo 1)" \
	"a malformed size fails the start and says which attribute" "status $st: $err"
define $PFX-bad2 128 'startup="96M" minimum="112M"'
err=$("${VIRSH[@]}" start --paused $PFX-bad2 2>&1)
st=$?
ok "$([[ $st != 0 && $err == *"minimum (112M) is above startup (96M)"* &&
	$(host_field holds) == 0 ]] && echo 1)" \
	"minimum above startup fails the start with the numbers" "status $st: $err"

# 12: <memtune> beside the element is refused (two writers on one file).
define $PFX-mt 128 'overhead="16M"' \
	"<memtune><hard_limit unit='MiB'>256</hard_limit></memtune>"
err=$("${VIRSH[@]}" start --paused $PFX-mt 2>&1)
st=$?
ok "$([[ $st != 0 && $err == *"<memtune>"*"remove <memtune>"* ]] && echo 1)" \
	"a domain with <memtune> limits and memresv metadata is refused" "status $st: $err"

# 13: the hold between prepare and started shows in memresv show, and
# release gives it back (the hook run by hand as libvirtd runs it).
define $PFX-held 128 'startup="96M" minimum="48M" overhead="16M"'
uuid=$("${VIRSH[@]}" domuuid $PFX-held)
"${VIRSH[@]}" dumpxml $PFX-held >"$tmp/held.xml"
hook=/etc/libvirt/hooks/qemu.d/memresv
"$hook" $PFX-held prepare begin - <"$tmp/held.xml"
st=$?
shown=$(memresv show)
holds=$(host_field holds)
"$hook" $PFX-held release end - <"$tmp/held.xml"
ok "$([[ $st == 0 && $holds == 1 && $shown == *"$uuid"*"112M"* &&
	$(host_field holds) == 0 ]] && echo 1)" \
	"prepare holds the start's memory under the domain's UUID (memresv show lists it); release gives it back" \
	"prepare: $st, holds $holds, then $(host_field holds)" "$shown"

# 14: a domain without the element is left alone.
define $PFX-plain 128 none
err=$("${VIRSH[@]}" start --paused $PFX-plain 2>&1)
st=$?
ok "$([[ $st == 0 && $(libvirt_resvs) == 0 ]] && echo 1)" \
	"a domain without memresv metadata starts and is left alone" "status $st: $err"
"${VIRSH[@]}" destroy $PFX-plain >/dev/null 2>&1

finish
