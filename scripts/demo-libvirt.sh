#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VM's life under libvirt with memresv, run inside the systemd test VM by
# "make demo" after scripts/demo.sh:
#
#   selftests/vm/run --init systemd --kernel $(KERNEL) -- scripts/demo-libvirt.sh
#
# It installs memresv's libvirt hook and agent the way an administrator
# does (make install-libvirt), then follows small emulated domains, started
# paused so that no guest code runs: admission and the reservation at
# start, a refused start with memresv's reason, a malformed setting, a
# reboot that re-enters start-up, and the reservation gone with the domain.
# (The balloon needs a booted guest, minutes under emulation: see
# selftests/systemd/balloon-e2e.sh.)
set -euo pipefail
exec 2>&1

src=$(cd "$(dirname "$0")/.." && pwd)
VIRSH=(virsh -q -c qemu:///system)
tmp=$(mktemp -d)

cleanup() {
	local d
	for d in demo-web demo-big demo-bad; do
		"${VIRSH[@]}" destroy $d >/dev/null 2>&1 || true
		"${VIRSH[@]}" undefine $d >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck source=scripts/demo-lib.sh
. "$(dirname "$0")/demo-lib.sh"

domain() { # name mem_mib attrs
	cat >"$tmp/$1.xml" <<-XML
		<domain type='qemu'>
		  <name>$1</name>
		  <metadata>
		    <memresv:reservation xmlns:memresv="urn:memresv:1" $3/>
		  </metadata>
		  <memory unit='MiB'>$2</memory>
		  <vcpu>1</vcpu>
		  <os><type arch='x86_64' machine='pc'>hvm</type></os>
		  <features><tcg><tb-cache unit='MiB'>32</tb-cache></tcg></features>
		  <devices>
		    <emulator>/usr/bin/qemu-system-x86_64</emulator>
		    <memballoon model='virtio'><stats period='1'/></memballoon>
		  </devices>
		</domain>
	XML
	"${VIRSH[@]}" define "$tmp/$1.xml" >/dev/null
}

step "Install the hook and the agent, as on a real host: make install-libvirt"
run make -s -C "$src" install-libvirt | tail -3
systemctl restart libvirtd.service
run ls -l /etc/libvirt/hooks/qemu.d/
run systemctl --no-pager --lines=0 status memresvd.service | head -3

step "A domain asks for a reservation in its XML (sizes are the guest's)"
domain demo-web 256 'startup="192M" minimum="96M" buffer="25" weight="6000"'
run grep -A2 '<metadata>' "$tmp/demo-web.xml"

step "virsh start: admitted at prepare (a hold), reserved once QEMU runs"
run "${VIRSH[@]}" start --paused demo-web
cg=$(sed -n 's|^0::/||p' "/proc/$(cat /run/libvirt/qemu/demo-web.pid)/cgroup" |
	sed 's|/emulator$||')
run memresv show "$cg"
echo "(each size is the guest's plus QEMU's overhead: 128 MiB + <memory>/64 + the 32 MiB translation cache)"
run memresv host

step "A reboot of the guest re-enters start-up (the agent restarts the reservation)"
run memresv ready "$cg" | head -2
run memresv show "$cg" -j | grep '"state"'
run "${VIRSH[@]}" reset demo-web
for _ in $(seq 20); do
	memresv show "$cg" -j | grep -q '"state": "starting"' && break
	sleep 1
done
run memresv show "$cg" -j | grep '"state"'

step "A start that does not fit is refused before QEMU runs, with the numbers"
domain demo-big 2048 'startup="2G"'
fails "${VIRSH[@]}" start --paused demo-big

step "A malformed setting fails the start and says which"
domain demo-bad 256 'startup="96M" minimum="128M"'
fails "${VIRSH[@]}" start --paused demo-bad

step "virsh destroy: the reservation goes with the domain"
run "${VIRSH[@]}" destroy demo-web
sleep 1
run memresv show
