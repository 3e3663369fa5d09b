#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nested guest of selftests/systemd/balloon_test.sh, built into the
# cache: Debian 12's 6.1 kernel (the test kernel's uncompressed vmlinux,
# booted directly) and a busybox initramfs with virtio_balloon and its
# dependencies, and the workload (hog.c), whose init loads the modules and
# runs the workload with its output on the serial console.
#
#   build.sh        build what is missing; print the directory that holds
#                   vmlinux and initrd
#
# The directory's name is a hash of everything that goes in, so a change
# builds anew; building takes a few seconds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../../.." && pwd)
CACHE=${MEMRESV_CACHE:-$HOME/.cache/memresv}
kernels=$src/selftests/vm/kernels.sh
# virtio_pci finds the device, virtio_balloon drives it.
MODULES=(virtio_pci virtio_balloon)
BUSYBOX=/bin/busybox
GROW_MIB=${GUEST_GROW_MIB:-192}

die() { echo "guest/build.sh: $*" >&2; exit 1; }

[[ -x $BUSYBOX ]] || die "$BUSYBOX is missing (apt-get install busybox-static)"
vmlinux=$("$kernels" vmlinux 6.1)
moddir=$("$kernels" modules 6.1)
key=$( (cat "$here/hog.c" "$here/build.sh"; echo "$vmlinux $GROW_MIB";
	"$BUSYBOX" 2>&1 | head -1) | sha256sum | cut -c1-16)
out=$CACHE/balloon-guest/$key
if [[ -f $out/done ]]; then
	echo "$out"
	exit 0
fi
mkdir -p "$CACHE/balloon-guest"
exec {lock}>"$CACHE/balloon-guest.lock"
flock "$lock"
if [[ -f $out/done ]]; then
	echo "$out"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp "$BUSYBOX" "$root/bin/busybox"
for a in sh mount insmod sleep cat echo poweroff; do
	ln -s busybox "$root/bin/$a"
done
gcc -static -O2 -Wall -Wextra -o "$root/bin/hog" "$here/hog.c"

# The modules and what they need, in the order to load them: each after
# the modules it depends on (modules.dep lists them after the colon).
load=()
add_module() { # name
	local line path dep
	line=$(grep -E "/$1\\.ko(\\.[a-z]+)?:" "$moddir/modules.dep") ||
		die "no $1 in $moddir/modules.dep"
	path=${line%%:*}
	for dep in ${line#*:}; do
		add_module "$(basename "${dep%%.ko*}")"
	done
	[[ " ${load[*]} " == *" $1 "* ]] && return
	case $path in
	*.ko) cp "$moddir/$path" "$root/lib/modules/$1.ko" ;;
	*.ko.xz) xz -dc "$moddir/$path" >"$root/lib/modules/$1.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" >"$root/lib/modules/$1.ko" ;;
	*) die "cannot unpack $path" ;;
	esac
	load+=("$1")
}
for m in "${MODULES[@]}"; do
	add_module "$m"
done

cat >"$root/init" <<-INIT
	#!/bin/sh
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	for m in ${load[*]}; do
		insmod /lib/modules/\$m.ko || echo "guest: insmod \$m failed"
	done
	echo "guest: up, balloon driver loaded"
	exec /bin/hog $GROW_MIB 20 240
INIT
chmod +x "$root/init"

mkdir -p "$out.tmp"
cp "$vmlinux" "$out.tmp/vmlinux"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out.tmp/initrd"
touch "$out.tmp/done"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
