#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Test kernels for the VM runner, kept in a cache outside the checkout so a
# fresh clone reuses them.
#
#   kernels.sh prepare NAME   fetch (6.1, 6.12) or build (debug) NAME
#   kernels.sh kdir NAME      directory for "make -C KDIR M=..."
#   kernels.sh image NAME     the bootable kernel image (bzImage)
#   kernels.sh vmlinux NAME   the same kernel uncompressed, for direct (PVH)
#                             boot; saves decompressing it under emulation
#   kernels.sh release NAME   the kernel release string (uname -r)
#   kernels.sh modules NAME   that kernel's lib/modules/<release> directory
#
# NAME is 6.1 (Debian 12's kernel), 6.12 (bookworm-backports) or debug (a
# small checking kernel built from linux-source-6.1 with debug.config).
# Everything but the path asked for goes to stderr.  The Debian kernels are
# only unpacked with dpkg -x, never installed on this machine.
set -euo pipefail
shopt -s nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MEMRESV_CACHE:-$HOME/.cache/memresv}
FRAGMENT=$HERE/debug.config
SOURCE_PKG=linux-source-6.1
SOURCE_TARBALL=/usr/src/linux-source-6.1.tar.xz
# Bump when the way the debug kernel is built changes, to force a rebuild.
DEBUG_RECIPE=4

log() { echo "kernels.sh: $*" >&2; }
die() { echo "kernels.sh: error: $*" >&2; exit 1; }

usage() {
	echo "usage: kernels.sh prepare|kdir|image|vmlinux|release|modules" \
		"6.1|6.12|debug" >&2
	exit 2
}

# Serialise everything that writes to one kernel's cache entry: several
# engineers (and make -j) may prepare the same kernel at once.
lock_kernel() {
	mkdir -p "$CACHE"
	exec {lock_fd}>"$CACHE/$1.lock"
	if ! flock -n "$lock_fd"; then
		log "waiting for another preparation of the $1 kernel"
		flock "$lock_fd"
	fi
}

# A bzImage carries the kernel as one compressed ELF: find it by the
# compressor's magic and keep the first candidate that decompresses to an ELF
# file with a PVH entry point (Xen note 18, XEN_ELFNOTE_PHYS32_ENTRY).
extract_vmlinux() {
	local img=$1 out=$2 kind magic off notes
	for kind in xz zstd gzip; do
		case $kind in
		xz) magic='\xfd7zXZ\x00' ;;
		zstd) magic='\x28\xb5\x2f\xfd' ;;
		gzip) magic='\x1f\x8b\x08' ;;
		esac
		while read -r off; do
			# Trailing data after the stream makes the tools complain.
			tail -c +$((off + 1)) "$img" | "$kind" -dc >"$out.tmp" 2>/dev/null ||
				true
			notes=$(readelf -n "$out.tmp" 2>/dev/null) || continue
			if grep -qE '^[[:space:]]+Xen[[:space:]]+0x[0-9a-f]+[[:space:]].*\(0x00000012\)' \
				<<<"$notes"; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1)
	done
	rm -f "$out.tmp"
	return 1
}

# --- Debian kernels (6.1, 6.12) -------------------------------------------

# The cache entry in use is named by $CACHE/NAME/current (a directory name).
deb_current() {
	local cur
	[[ -f $CACHE/$1/current ]] || return 1
	cur=$CACHE/$1/$(<"$CACHE/$1/current")
	[[ -f $cur/.done ]] || return 1
	echo "$cur"
}

# Prints "image-package version" for the newest linux-image-amd64 of the
# suite that provides NAME.
deb_resolve() {
	local name=$1 suite meta_ver dep
	case $name in
	6.1) suite='bookworm(-security|-updates)?' ;;
	6.12) suite='bookworm-backports' ;;
	esac
	# (apt's output is captured whole: a reader that stops early would
	# fail the pipeline.)
	local madison show
	madison=$(apt-cache madison linux-image-amd64 2>/dev/null) || return 1
	meta_ver=$(awk -F'|' -v re="^[^ ]+ $suite/" -v pfx="$name." '
		{ for (i = 1; i <= NF; i++) gsub(/^ +| +$/, "", $i) }
		$3 ~ re && index($2, pfx) == 1 && !v { v = $2 }
		END { print v }' <<<"$madison")
	[[ -n $meta_ver ]] || return 1
	show=$(apt-cache show "linux-image-amd64=$meta_ver" 2>/dev/null) || return 1
	dep=$(sed -n 's/^Depends: \(linux-image-[^ ]*\) (= \([^)]*\)).*/\1 \2/p' \
		<<<"$show" | sed -n 1p)
	[[ -n $dep ]] || return 1
	echo "$dep"
}

# Depends: of one exact package version, one package name per line.
deb_depends() {
	local show
	show=$(apt-cache show "$1=$2" 2>/dev/null) || return 0
	sed -n 's/^Depends: //p' <<<"$show" | sed -n 1p | tr ',' '\n' |
		sed 's/^ *//; s/ .*//'
}

deb_fetch() {
	local name=$1 img=$2 ver=$3 abi entry tmp root hdrs common kbuild p
	abi=${img#linux-image-}
	entry=$CACHE/$name/${abi}_$ver
	hdrs=linux-headers-$abi
	common=$(deb_depends "$hdrs" "$ver" | grep -E '^linux-headers-.*-common$' ||
		true)
	kbuild=$(deb_depends "$hdrs" "$ver" | grep -E '^linux-kbuild-' || true)
	[[ -n $common && -n $kbuild ]] ||
		die "cannot find the -common and kbuild packages of $hdrs $ver"

	log "fetching the $name kernel $abi ($ver) into $entry"
	tmp=$(mktemp -d "$CACHE/$name/.fetch.XXXXXX")
	chmod 0755 "$tmp"
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	(
		cd "$tmp"
		# apt drops privileges to _apt for downloads unless told not to;
		# that user cannot write into a private cache directory.
		apt-get -q download -o APT::Sandbox::User=root \
			"$img=$ver" "$hdrs=$ver" "$common=$ver" "$kbuild=$ver"
	) >"$tmp/download.log" 2>&1 || {
		cat "$tmp/download.log" >&2
		die "apt-get download of the $name kernel failed" \
			"(run scripts/deps.sh install, and apt-get update, as root)"
	}
	root=$tmp/root
	mkdir -p "$root"
	for p in "$tmp"/*.deb; do
		dpkg -x "$p" "$root"
	done

	# The arch headers' Makefile includes the -common tree by its absolute
	# /usr/src path; point it at the unpacked copy instead.
	local mk=$root/usr/src/$hdrs/Makefile
	[[ -f $mk ]] || die "$hdrs has no Makefile"
	sed -i "s|/usr/src/|$entry/root/usr/src/|g" "$mk"
	# Debian's postinst would run depmod; modprobe in the guest needs it.
	depmod -b "$root" "$abi" ||
		die "depmod failed for $abi"
	[[ -f $root/boot/vmlinuz-$abi ]] || die "no vmlinuz in $img"
	extract_vmlinux "$root/boot/vmlinuz-$abi" "$tmp/vmlinux" ||
		log "no PVH-bootable kernel inside vmlinuz-$abi; boots will be slower"

	echo "$abi" >"$tmp/release"
	rm -f "$tmp"/*.deb "$tmp/download.log"
	touch "$tmp/.done"
	rm -rf "$entry"
	mv "$tmp" "$entry"
	trap - EXIT
	echo "${entry##*/}" >"$CACHE/$name/current"
}

deb_prepare() {
	local name=$1 want img ver cur d
	mkdir -p "$CACHE/$name"
	lock_kernel "$name"
	if ! want=$(deb_resolve "$name"); then
		if cur=$(deb_current "$name"); then
			log "apt knows no $name kernel; using the cached ${cur##*/}"
			return 0
		fi
		die "apt knows no linux-image-amd64 $name package" \
			"(run scripts/deps.sh install, which adds bookworm-backports" \
			"and runs apt-get update)"
	fi
	read -r img ver <<<"$want"
	if [[ -f $CACHE/$name/${img#linux-image-}_$ver/.done ]]; then
		echo "${img#linux-image-}_$ver" >"$CACHE/$name/current"
	else
		deb_fetch "$name" "$img" "$ver"
	fi
	# Older point releases are no longer what Debian ships: drop them.
	cur=$(<"$CACHE/$name/current")
	for d in "$CACHE/$name"/*_*; do
		[[ -d $d && ${d##*/} != "$cur" ]] || continue
		log "removing the superseded $name kernel ${d##*/}"
		rm -rf "$d"
	done
}

deb_ensure() {
	deb_current "$1" >/dev/null || deb_prepare "$1"
}

# Cache entries made before vmlinux extraction existed get it on first use.
deb_vmlinux() {
	local cur
	cur=$(deb_current "$1")
	if [[ ! -f $cur/vmlinux && ! -f $cur/.no-vmlinux ]]; then
		lock_kernel "$1"
		[[ -f $cur/vmlinux ]] ||
			extract_vmlinux "$cur/root/boot/vmlinuz-$(<"$cur/release")" \
				"$cur/vmlinux" || touch "$cur/.no-vmlinux"
	fi
	[[ -f $cur/vmlinux ]] || return 1
	echo "$cur/vmlinux"
}

deb_kdir() {
	local cur rel
	cur=$(deb_current "$1")
	rel=$(<"$cur/release")
	echo "$cur/root/usr/src/linux-headers-$rel"
}

# --- Debug kernel ---------------------------------------------------------

# Each configuration gets its own tree, $CACHE/debug/<hash>: checkouts at
# different commits share the cache without rebuilding over each other, and
# a module built for one configuration is never booted on another.  A new
# configuration starts from a copy of the newest tree, so its build is
# incremental.  The least recently used trees beyond DEBUG_KEEP go.
DEBUG_TOP=$CACHE/debug
DEBUG_KEEP=3

source_version() {
	dpkg-query -W -f='${Version}' "$SOURCE_PKG" 2>/dev/null ||
		die "$SOURCE_PKG is not installed (run scripts/deps.sh install)"
}

debug_hash() {
	{
		echo "recipe $DEBUG_RECIPE"
		echo "source $(source_version)"
		cat "$FRAGMENT"
	} | sha256sum | cut -d' ' -f1
}

debug_set_dir() {
	DEBUG_HASH=$(debug_hash)
	DEBUG_ID=${DEBUG_HASH:0:16}
	DEBUG_DIR=$DEBUG_TOP/$DEBUG_ID
	DEBUG_SRC=$DEBUG_DIR/linux
	DEBUG_MODROOT=$DEBUG_DIR/modroot
}

debug_ready() {
	[[ -f $DEBUG_DIR/.built ]]
}

# Every CONFIG_ line of the fragment must be in the final .config as
# written; "is not set" lines must not have become y or m.
debug_check_config() {
	local line sym bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$DEBUG_SRC/.config" || {
				log "not in the debug .config: $line"
				bad=1
			}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -qE "^$sym=" "$DEBUG_SRC/.config"; then
				log "set in the debug .config: $sym (wanted off)"
				bad=1
			fi
			;;
		esac
	done <"$FRAGMENT"
	((bad == 0)) || die "debug.config did not take effect (a dependency" \
		"is missing); see $DEBUG_SRC/.config"
}

# memblock skips kmemleak tracking for KASAN's shadow "due to high volume"
# when asked to (arm64 asks); x86's kasan_init in 6.1 does not, so every
# kmemleak scan reads the whole shadow, an eighth of the guest's memory:
# about 10 s per GiB under emulation, per scan.  The shadow holds no
# pointers to scan for.  Fail loudly if the source no longer looks as
# expected rather than build a kernel with slow scans.
debug_patch_source() {
	local f=$DEBUG_SRC/arch/x86/mm/kasan_init_64.c
	grep -q MEMBLOCK_ALLOC_NOLEAKTRACE "$f" && return 0
	sed -i 's/__pa(MAX_DMA_ADDRESS), MEMBLOCK_ALLOC_ACCESSIBLE, nid);/__pa(MAX_DMA_ADDRESS), MEMBLOCK_ALLOC_NOLEAKTRACE, nid);/' "$f"
	grep -q MEMBLOCK_ALLOC_NOLEAKTRACE "$f" ||
		die "cannot keep kmemleak off KASAN's shadow: $f is not as expected"
}

debug_make() {
	make -C "$DEBUG_SRC" ARCH=x86_64 "$@" >>"$DEBUG_DIR/build.log" 2>&1 || {
		tail -n 40 "$DEBUG_DIR/build.log" >&2
		die "make $* failed for the debug kernel (log: $DEBUG_DIR/build.log)"
	}
}

# The newest built tree of the same source, to start a new one from (the
# single tree of older versions of this script, $CACHE/debug/linux, too).
debug_seed() {
	local srcver=$1 d tree best='' best_time=-1 t
	for d in "$DEBUG_TOP"/*/ "$DEBUG_TOP"; do
		d=${d%/}
		if [[ $d == "$DEBUG_TOP" ]]; then
			tree=$d/linux
			[[ -f $tree/.memresv-built ]] || continue
		else
			tree=$d/linux
			[[ $d != "$DEBUG_DIR" && -f $d/.built ]] || continue
		fi
		[[ $(cat "$tree/.memresv-source" 2>/dev/null) == "$srcver" ]] || continue
		t=$(stat -c %Y "$d/.used" 2>/dev/null || echo 0)
		((t > best_time)) || continue
		best=$tree best_time=$t
	done
	[[ -n $best ]] && echo "$best"
}

# Least recently used trees beyond DEBUG_KEEP, and failed builds, go;
# a tree whose lock is held is in use.
debug_prune() {
	local d fd n=0
	while read -r _ d; do
		[[ $d != "$DEBUG_DIR" ]] || continue
		if [[ -f $d/.built ]]; then
			n=$((n + 1))
			((n >= DEBUG_KEEP)) || continue
		fi
		exec {fd}>"$CACHE/debug-${d##*/}.lock"
		if flock -n "$fd"; then
			log "removing the unused debug kernel tree $d"
			rm -rf "$d" "$CACHE/debug-${d##*/}.lock"
		fi
		exec {fd}>&-
	done < <(for d in "$DEBUG_TOP"/*/linux; do
		d=${d%/linux}
		echo "$(stat -c %Y "$d/.used" 2>/dev/null || echo 0) $d"
	done | sort -rn)
}

debug_prepare() {
	local srcver start seed seed_fd seed_id
	mkdir -p "$DEBUG_DIR"
	lock_kernel "debug-$DEBUG_ID"
	debug_ready && return 0
	[[ -f $SOURCE_TARBALL ]] ||
		die "$SOURCE_TARBALL is missing (run scripts/deps.sh install)"
	start=$SECONDS
	srcver=$(source_version)
	: >"$DEBUG_DIR/build.log"
	log "building the debug kernel $DEBUG_ID (log: $DEBUG_DIR/build.log)"

	if [[ ! -f $DEBUG_SRC/.memresv-source ]]; then
		rm -rf "$DEBUG_SRC" "$DEBUG_DIR/.unpack"
		mkdir -p "$DEBUG_DIR/.unpack"
		if seed=$(debug_seed "$srcver"); then
			log "starting from a copy of $seed"
			# Not while someone builds in it.
			if [[ $seed == "$DEBUG_TOP/linux" ]]; then
				exec {seed_fd}>"$CACHE/debug.lock"
			else
				seed_id=${seed%/linux}
				exec {seed_fd}>"$CACHE/debug-${seed_id##*/}.lock"
			fi
			flock "$seed_fd"
			cp -a "$seed" "$DEBUG_DIR/.unpack/linux-source-6.1"
			exec {seed_fd}>&-
			rm -f "$DEBUG_DIR/.unpack/linux-source-6.1/.memresv-config" \
				"$DEBUG_DIR/.unpack/linux-source-6.1/.memresv-built"
		else
			log "unpacking $SOURCE_PKG $srcver"
			tar -xJf "$SOURCE_TARBALL" -C "$DEBUG_DIR/.unpack"
			echo "$srcver" >"$DEBUG_DIR/.unpack/linux-source-6.1/.memresv-source"
		fi
		mv "$DEBUG_DIR/.unpack/linux-source-6.1" "$DEBUG_SRC"
		rmdir "$DEBUG_DIR/.unpack"
	fi

	debug_patch_source
	if [[ ! -f $DEBUG_SRC/.memresv-config ]]; then
		debug_make tinyconfig
		cat "$FRAGMENT" >>"$DEBUG_SRC/.config"
		debug_make olddefconfig
		debug_check_config
		echo "$DEBUG_HASH" >"$DEBUG_SRC/.memresv-config"
	fi

	debug_make -j"$(nproc)" bzImage modules
	debug_make modules_prepare
	[[ -s $DEBUG_SRC/Module.symvers ]] ||
		die "the debug kernel build left no Module.symvers"
	rm -rf "$DEBUG_MODROOT"
	debug_make INSTALL_MOD_PATH="$DEBUG_MODROOT" modules_install
	make -s -C "$DEBUG_SRC" ARCH=x86_64 kernelrelease >"$DEBUG_DIR/release"
	touch "$DEBUG_DIR/.used" "$DEBUG_DIR/.built"
	log "debug kernel $DEBUG_ID ($(<"$DEBUG_DIR/release")) built in" \
		"$((SECONDS - start)) s"
	debug_prune
}

debug_ensure() {
	debug_ready || debug_prepare
	touch "$DEBUG_DIR/.used"
}

# --- Verbs ----------------------------------------------------------------

(($# == 2)) || usage
verb=$1
name=$2
case $name in
6.1 | 6.12) kind=deb ;;
debug) kind=debug ;;
*) echo "kernels.sh: unknown kernel '$name' (6.1, 6.12 or debug)" >&2; exit 2 ;;
esac

if [[ $kind == debug ]]; then
	debug_set_dir
fi

case $verb in
prepare)
	"${kind}_prepare" "$name"
	;;
kdir)
	"${kind}_ensure" "$name"
	if [[ $kind == deb ]]; then deb_kdir "$name"; else echo "$DEBUG_SRC"; fi
	;;
image)
	"${kind}_ensure" "$name"
	if [[ $kind == deb ]]; then
		cur=$(deb_current "$name")
		echo "$cur/root/boot/vmlinuz-$(<"$cur/release")"
	else
		echo "$DEBUG_SRC/arch/x86/boot/bzImage"
	fi
	;;
vmlinux)
	"${kind}_ensure" "$name"
	if [[ $kind == deb ]]; then
		deb_vmlinux "$name" || die "no PVH-bootable vmlinux for $name"
	else
		# Its PVH entry code would run KASAN-instrumented code (memcmp)
		# before KASAN has shadow memory; and gzip unpacks in ~2 s.
		die "the debug kernel boots from its bzImage (KASAN breaks PVH entry)"
	fi
	;;
release)
	"${kind}_ensure" "$name"
	if [[ $kind == deb ]]; then
		cat "$(deb_current "$name")/release"
	else
		cat "$DEBUG_DIR/release"
	fi
	;;
modules)
	"${kind}_ensure" "$name"
	if [[ $kind == deb ]]; then
		cur=$(deb_current "$name")
		echo "$cur/root/lib/modules/$(<"$cur/release")"
	else
		echo "$DEBUG_MODROOT/lib/modules/$(<"$DEBUG_DIR/release")"
	fi
	;;
*)
	usage
	;;
esac
