#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nested guest of selftests/systemd/balloon-e2e.sh, built into the
# cache: a small kernel from Debian's linux-source-6.1 (tinyconfig plus
# guest.config: serial console, initramfs, virtio_pci and virtio_balloon
# built in; booted directly from its vmlinux) and a busybox initramfs whose
# init runs the workload (hog.c) with its output on the serial console.
# Debian's own 6.1 kernel boots too (GUEST_KERNEL=debian: its vmlinux from
# the test kernel cache and its virtio modules), but its hundreds of
# initcalls take many minutes under QEMU/TCG inside the TCG test VM.
#
#   build.sh        build what is missing; print the directory that holds
#                   vmlinux and initrd
#
# The directories' names are hashes of everything that goes in, so a change
# builds anew.  The kernel takes some minutes on two cores, once; the
# initramfs a few seconds.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../../.." && pwd)
CACHE=${MEMRESV_CACHE:-$HOME/.cache/memresv}
kernels=$src/selftests/vm/kernels.sh
GUEST_KERNEL=${GUEST_KERNEL:-tiny}
SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
BUSYBOX=/bin/busybox
GROW_MIB=${GUEST_GROW_MIB:-192}
DOMAIN_MIB=${GUEST_DOMAIN_MIB:-384}

die() { echo "guest/build.sh: $*" >&2; exit 1; }
log() { echo "guest/build.sh: $*" >&2; }

# The small kernel: $CACHE/balloon-guest/kernel-HASH/vmlinux.
tiny_kernel() {
	local key dir src sym
	[[ -f $SOURCE_TARBALL ]] ||
		die "$SOURCE_TARBALL is missing (apt-get install linux-source-6.1)"
	key=$( (cat "$here/guest.config"; stat -c %s "$SOURCE_TARBALL") |
		sha256sum | cut -c1-16)
	dir=$CACHE/balloon-guest/kernel-$key
	if [[ -f $dir/vmlinux ]]; then
		echo "$dir/vmlinux"
		return
	fi
	mkdir -p "$CACHE/balloon-guest"
	exec {klock}>"$CACHE/balloon-guest/kernel.lock"
	flock "$klock"
	if [[ ! -f $dir/vmlinux ]]; then
		log "building the guest kernel into $dir (some minutes, once)"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		tar -xJf "$SOURCE_TARBALL" -C "$dir.tmp"
		src=$(echo "$dir.tmp"/linux-source-*)
		make -s -C "$src" tinyconfig >"$dir.tmp/build.log" 2>&1
		cat "$here/guest.config" >>"$src/.config"
		make -s -C "$src" olddefconfig >>"$dir.tmp/build.log" 2>&1
		for sym in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=y$/\1/p' "$here/guest.config"); do
			grep -q "^$sym=y$" "$src/.config" ||
				die "$sym=y did not stick in the guest kernel's .config"
		done
		make -C "$src" -j"$(nproc)" vmlinux >>"$dir.tmp/build.log" 2>&1 ||
			die "the guest kernel did not build: $dir.tmp/build.log"
		cp "$src/vmlinux" "$dir.tmp/vmlinux.new"
		cp "$src/.config" "$dir.tmp/config"
		rm -rf "$src"
		mv "$dir.tmp/vmlinux.new" "$dir.tmp/vmlinux"
		rm -rf "$dir" && mv "$dir.tmp" "$dir"
	fi
	exec {klock}>&-
	echo "$dir/vmlinux"
}

[[ -x $BUSYBOX ]] || die "$BUSYBOX is missing (apt-get install busybox-static)"
case $GUEST_KERNEL in
tiny)
	vmlinux=$(tiny_kernel)
	moddir=
	# Built in: nothing to load.
	MODULES=()
	;;
debian)
	vmlinux=$("$kernels" vmlinux 6.1)
	moddir=$("$kernels" modules 6.1)
	# virtio_pci finds the device, virtio_balloon drives it.
	MODULES=(virtio_pci virtio_balloon)
	;;
*) die "GUEST_KERNEL is tiny or debian, not '$GUEST_KERNEL'" ;;
esac
key=$( (cat "$here/hog.c" "$here/build.sh"; echo "$vmlinux $GROW_MIB $DOMAIN_MIB";
	"$BUSYBOX" 2>&1 | sed -n 1p) | sha256sum | cut -c1-16)
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
for m in ${MODULES[@]+"${MODULES[@]}"}; do
	add_module "$m"
done

cat >"$root/init" <<-INIT
	#!/bin/sh
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	for m in ${load[*]+${load[*]}}; do
		insmod /lib/modules/\$m.ko || echo "guest: insmod \$m failed"
	done
	echo "guest: up, balloon driver loaded"
	exec /bin/hog $GROW_MIB 20 240 $DOMAIN_MIB
INIT
chmod +x "$root/init"

mkdir -p "$out.tmp"
cp "$vmlinux" "$out.tmp/vmlinux"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out.tmp/initrd"
touch "$out.tmp/done"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"
