#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Ballooning through the guest, end to end (Documentation/libvirt.rst, "The
# balloon"), in the systemd guest with libvirtd after `make install-libvirt`:
# a real Linux guest (Debian's 6.1 kernel, a busybox initramfs with
# virtio_balloon, selftests/systemd/guest/) nested under QEMU/TCG boots with
# memresv metadata; once its balloon answers the agent ends its start-up and
# makes the balloon its actuator, and the balloon takes it down to what it
# uses.  Its workload (guest/hog.c) then grows by GUEST_GROW_MIB: the guest
# is given memory as it grows (the balloon deflates, status ok); it frees
# it: the balloon inflates, the guest's own MemTotal shrinks and QEMU's
# memory.current on the host falls, with no swap and no OOM kill.  Prints
# the two delays of Documentation/libvirt.rst: from the guest's growth to
# its memory arriving, and from its release to the host's memory freed.
#
# The nested guest needs minutes under emulation: it runs on the 6.1 kernel
# only (MEMRESV_KERNEL), unless MEMRESV_BALLOON_TEST=always.  Prints TAP.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
NAME=memresv-bt
GROW=${GUEST_GROW_MIB:-192}
DOMAIN_MIB=384
export GUEST_GROW_MIB=$GROW GUEST_DOMAIN_MIB=$DOMAIN_MIB
VIRSH=(virsh -q -c qemu:///system)
BOOT=/var/lib/libvirt/boot
CONSOLE=/var/log/libvirt/qemu/$NAME.console
tmp=$(mktemp -d)

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	"${VIRSH[@]}" destroy $NAME >/dev/null 2>&1
	"${VIRSH[@]}" undefine $NAME >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "TAP version 13"
[[ $(cat /proc/1/comm) == systemd ]] || skip_all "PID 1 is not systemd (run in selftests/vm/run --init systemd)"
command -v virsh >/dev/null || skip_all "virsh is not installed (scripts/deps.sh install)"
if [[ ${MEMRESV_BALLOON_TEST:-} != always && ${MEMRESV_KERNEL:-6.1} != 6.1 ]]; then
	skip_all "the nested guest takes minutes under emulation: run on 6.1 only (MEMRESV_BALLOON_TEST=always runs it here)"
fi

make -s -C "$src" install-libvirt >"$tmp/install.log" 2>&1 ||
	{ echo "1..1"; echo "not ok 1 make install-libvirt"; sed 's/^/# /' "$tmp/install.log"; exit 1; }
systemctl restart libvirtd.service
guest=$("$src/selftests/systemd/guest/build.sh") ||
	{ echo "1..1"; echo "not ok 1 build the nested guest"; exit 1; }
mkdir -p $BOOT
cp "$guest/vmlinux" $BOOT/$NAME.vmlinux
cp "$guest/initrd" $BOOT/$NAME.initrd
rm -f "$CONSOLE"

cat >"$tmp/$NAME.xml" <<EOF
<domain type='qemu'>
  <name>$NAME</name>
  <metadata>
    <memresv:reservation xmlns:memresv="urn:memresv:1" minimum="96M"/>
  </metadata>
  <memory unit='MiB'>$DOMAIN_MIB</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$BOOT/$NAME.vmlinux</kernel>
    <initrd>$BOOT/$NAME.initrd</initrd>
    <cmdline>console=ttyS0 mitigations=off nokaslr tsc=reliable no_timer_check acpi=noirq</cmdline>
  </os>
  <features><tcg><tb-cache unit='MiB'>64</tb-cache></tcg></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='$CONSOLE'/>
      <target port='0'/>
    </serial>
    <memballoon model='virtio'>
      <stats period='1'/>
    </memballoon>
  </devices>
</domain>
EOF
"${VIRSH[@]}" define "$tmp/$NAME.xml" >/dev/null
if ! err=$("${VIRSH[@]}" start $NAME 2>&1); then
	echo "1..1"
	echo "not ok 1 the balloon guest starts"
	echo "# $err"
	exit 1
fi
pid=$(cat /run/libvirt/qemu/$NAME.pid)
cg=$(sed -n 's|^0::/||p' "/proc/$pid/cgroup" | sed 's|/emulator$||')

# Sample once a second from here on, and judge.
exec python3 - "$cg" "$CONSOLE" "$GROW" "$DOMAIN_MIB" <<'PY'
import json, re, subprocess, sys, time

cg, console, grow = sys.argv[1], sys.argv[2], int(sys.argv[3])
DOMAIN_MIB = int(sys.argv[4])
MiB = 1 << 20
t0 = time.monotonic()
samples, lines = [], []          # (t, reservation), (t, guest line)
marks = {}                       # up, growing, grown, freed -> t
pos = 0
last_raw = ''
results = []

def ok(cond, desc, *detail):
    results.append((bool(cond), desc, detail))

def read_console():
    global pos
    try:
        with open(console, 'rb') as f:
            f.seek(pos)
            data = f.read()
    except OSError:
        return
    global last_raw
    end = data.rfind(b'\n') + 1
    pos += end
    now = time.monotonic() - t0
    for raw in data[:end].decode(errors='replace').splitlines():
        if raw.strip():
            last_raw = raw
        if 'guest:' not in raw:
            continue
        line = raw[raw.index('guest:'):]
        lines.append((now, line))
        for key, pat in (('up', 'guest: up'), ('growing', 'guest: growing'),
                         ('grown', 'guest: grown'), ('freed', 'guest: freed')):
            if line.startswith(pat) and key not in marks:
                marks[key] = now

def sample():
    out = subprocess.run(['memresv', 'show', cg, '-j'], capture_output=True,
                         text=True)
    if out.returncode:
        return None
    r = json.loads(out.stdout)
    samples.append((time.monotonic() - t0, r))
    return r

def cgfile(name):
    try:
        with open(f'/sys/fs/cgroup/{cg}/{name}') as f:
            return f.read()
    except OSError:
        return ''

def guest_view(after=0, before=1e9, key='total'):
    return [int(re.search(key + r'=(\d+)', l).group(1)) for t, l in lines
            if after <= t < before and key + '=' in l]

deadline = 1500
said = 0
while time.monotonic() - t0 < deadline:
    read_console()
    r = sample()
    if r is None:
        break
    if time.monotonic() - t0 - said >= 60:
        said = time.monotonic() - t0
        print(f'# {said:.0f} s: {r["state"]} {r.get("actuator")} target '
              f'{r["target"] >> 20} current {r["current"] >> 20} MiB; '
              f'console: {lines[-1][1] if lines else last_raw[-80:]!r}', flush=True)
    if 'freed' in marks:
        base = [s['current'] for t, s in samples if t <= marks['freed']][-1]
        if r['current'] <= base - 0.75 * grow * MiB or \
           time.monotonic() - t0 > marks['freed'] + 120:
            break
    time.sleep(max(0.0, 1.0 - (time.monotonic() - t0) % 1.0))
read_console()

def first(pred, after=0):
    for t, s in samples:
        if t >= after and pred(s):
            return t
    return None

up = marks.get('up')
ok(up is not None, 'the nested guest boots and loads virtio_balloon',
   f'console: {lines[-3:]}' if lines else 'no console output')
t_bal = first(lambda s: s.get('actuator') == 'balloon' and s['state'] == 'running')
ok(t_bal is not None,
   'once its balloon answers, the agent ends start-up and makes the balloon the actuator',
   f'last: {samples[-1][1] if samples else None}')
tot0 = guest_view(before=(marks.get('growing') or 1e9))
tot_g = guest_view(after=marks.get('growing', 1e9))
# The balloon may have inflated before the guest's first report: measure
# against the domain's memory, what the guest has with the balloon empty.
ok(tot_g and tot_g[0] < DOMAIN_MIB * 3 / 4,
   'the balloon takes the idle guest down: its MemTotal shrinks',
   f'domain {DOMAIN_MIB} MiB; guest MemTotal first {tot0[:1]}, '
   f'when it starts growing {tot_g[:1]} MiB')

grown, freed = marks.get('grown'), marks.get('freed')
size = lambda s: s.get('guest_size', 0)
g0 = [size(s) for t, s in samples if t <= marks.get('growing', 0)]
gmax = max((size(s) for t, s in samples
            if grown and marks['growing'] <= t <= (freed or 1e9)), default=0)
st_hold = [s['status'] for t, s in samples if grown and grown + 5 <= t <= (freed or 1e9)]
ok(grown and freed and g0 and gmax >= g0[-1] + 0.8 * grow * MiB and
   st_hold and st_hold[-1] == 'ok',
   f'the guest grows by {grow} MiB: the balloon deflates to give it the memory, status ok',
   f'balloon size {g0[-1:] and g0[-1] // MiB} -> {gmax // MiB} MiB (guest_size), '
   f'status while holding {st_hold[-3:]}')

# Growth: from each sample of the growth, until the balloon leaves the guest
# what it reported needing then.
lat = []
if grown:
    grow_samples = [(t, s) for t, s in samples
                    if marks['growing'] <= t <= grown and 'guest_demand' in s]
    for t, s in grow_samples:
        tj = first(lambda x: size(x) >= s['guest_demand'], after=t)
        if tj is not None:
            lat.append(tj - t)
lat.sort()

cur_f = [s['current'] for t, s in samples if freed and t <= freed]
t_half = first(lambda s: cur_f and s['current'] <= cur_f[-1] - 0.5 * grow * MiB,
               after=freed or 1e9)
t_most = first(lambda s: cur_f and s['current'] <= cur_f[-1] - 0.75 * grow * MiB,
               after=freed or 1e9)
tot_h = guest_view(after=grown or 1e9, before=freed or 0)
tot_e = guest_view(after=(freed or 1e9) + 1)
ok(t_half is not None and tot_h and tot_e and min(tot_e) <= max(tot_h) - grow / 2,
   'when it frees, the balloon inflates: the guest\'s MemTotal shrinks and QEMU\'s memory.current falls',
   f'memory.current at release {cur_f[-1:] and cur_f[-1] // MiB} MiB, '
   f'last {samples[-1][1]["current"] // MiB} MiB; guest MemTotal {max(tot_h, default=0)} -> '
   f'{min(tot_e, default=0)} MiB')

swap = max(s.get('swap_current', 0) for t, s in samples) if samples else -1
ev = cgfile('memory.events')
oom = int(re.search(r'oom_kill (\d+)', ev).group(1)) if 'oom_kill' in ev else -1
guest_oom = any('Out of memory' in l or 'oom' in l.lower() for t, l in lines)
ok(swap == 0 and oom == 0 and not guest_oom,
   'no swap and no OOM kill, on the host or in the guest',
   f'swap_current max {swap}, oom_kill {oom}, guest OOM {guest_oom}')

print(f'1..{len(results)}')
for i, (good, desc, detail) in enumerate(results, 1):
    print(f'{"ok" if good else "not ok"} {i} {desc}')
    if not good:
        for d in detail:
            print(f'# {d}')
def secs(v):
    return 'n/a' if v is None else f'{v:.0f} s'
print(f'# guest up {secs(up)} after start; balloon actuator at {secs(t_bal)}')
if lat:
    print(f'# growth to memory arriving: median {lat[len(lat) // 2]:.0f} s, '
          f'max {lat[-1]:.0f} s, over {len(lat)} samples (period 1 s)')
if freed:
    print(f'# release to host memory freed: half of it {secs(t_half and t_half - freed)}, '
          f'three quarters {secs(t_most and t_most - freed)}')
print('# samples: t state status actuator target demand guest_size current (MiB)')
for t, s in samples[::5]:
    print(f'#  {t:5.0f} {s["state"]:8} {s["status"]:7} {s.get("actuator", "?"):7} '
          f'{s["target"] // MiB:5} {s.get("guest_demand", 0) // MiB:5} '
          f'{size(s) // MiB:5} {s["current"] // MiB:5}')
sys.exit(0 if all(g for g, _, _ in results) else 1)
PY
