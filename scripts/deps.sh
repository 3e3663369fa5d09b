#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what memresv needs to build and test, from Debian 12's archive.
#
#   scripts/deps.sh install   install what is missing (quick no-op when
#                             everything is there)
#   scripts/deps.sh check     exit 1 and say what is missing, change nothing
#
# The 6.12 test kernel comes from bookworm-backports: the suite is added to
# APT's sources when no source names it.  Services are installed for the
# systemd test guest, not for this machine: where systemd is not running
# (a container, a CI sandbox) their packages are told not to start them.
set -euo pipefail

PACKAGES=(
	# module, tool and agent builds (the agent talks to systemd with sd-bus)
	gcc libc6-dev make pkg-config libnl-3-dev libnl-genl-3-dev libjson-c-dev
	libsystemd-dev
	# the libvirt hook (libxml2) and the agent's libvirt part
	libvirt-dev libxml2-dev
	# make dkms-check builds the module with Debian's dkms
	dkms
	sparse python3 python3-yaml rsync
	# the debug test kernel (and pahole for the 6.12 headers' BTF step)
	linux-source-6.1 bc bison flex libelf-dev libssl-dev xz-utils dwarves
	# the VM runner (zstd unpacks the 6.12 kernel for direct boot)
	qemu-system-x86 busybox-static kmod cpio zstd
	# its systemd guest boots the host's own systemd, dbus, machined and
	# libvirt; e2fsprogs makes the --state image and the ext4 of the
	# kernel's cgroup selftests
	systemd dbus systemd-container libvirt-daemon-system libvirt-clients
	e2fsprogs
	gnuplot-nox # the benchmarks' plot (make bench)
	valgrind # the benchmarks' instruction counts (make bench)
)
BACKPORTS_LIST=/etc/apt/sources.list.d/memresv-backports.list
BACKPORTS_LINE="deb http://deb.debian.org/debian bookworm-backports main"

# Packages for the systemd guest only, kept as .deb files in the cache and
# installed inside the guest (its root is a throwaway overlay): on this
# machine they would run.  systemd-oomd (oomd_swap_test.sh) must be the
# host's systemd version.
DEB_DIR=${MEMRESV_CACHE:-$HOME/.cache/memresv}/debs
GUEST_DEBS=(systemd-oomd)

msg() { echo "memresv: $*" >&2; }

# PACKAGE=VERSION of each guest package whose .deb is not in DEB_DIR.
missing_debs() {
	local ver p
	ver=$(dpkg-query -W -f='${Version}' systemd 2>/dev/null) || return 0
	for p in "${GUEST_DEBS[@]}"; do
		compgen -G "$DEB_DIR/${p}_${ver//:/%3a}_*.deb" >/dev/null ||
			echo "$p=$ver"
	done
}

missing_packages() {
	local installed p
	# One query for all: unknown packages only make dpkg-query complain.
	installed=" $(dpkg-query -W -f='${db:Status-Status}:${Package} ' \
		"${PACKAGES[@]}" 2>/dev/null || true) "
	for p in "${PACKAGES[@]}"; do
		[[ $installed == *" installed:$p "* ]] || echo "$p"
	done
}

have_backports_source() {
	grep -qsE '^[^#]*bookworm-backports' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# The source may be configured while apt has never fetched its index.
have_backports_index() {
	compgen -G '/var/lib/apt/lists/*_dists_bookworm-backports_main_binary-amd64_Packages*' \
		>/dev/null
}

self=$(realpath "${BASH_SOURCE[0]}")
case ${1:-} in
install | check) mode=$1 ;;
*)
	echo "usage: scripts/deps.sh install|check" >&2
	exit 2
	;;
esac

mapfile -t missing < <(missing_packages)
mapfile -t debs < <(missing_debs)
need_source=0
need_index=0
have_backports_source || need_source=1
((need_source)) || have_backports_index || need_index=1

if ((${#missing[@]} == 0 && ${#debs[@]} == 0 && need_source == 0 &&
	need_index == 0)); then
	exit 0
fi

install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $mode == check ]]; then
	((${#missing[@]})) && msg "missing packages: ${missing[*]}"
	((${#debs[@]})) && msg "missing in $DEB_DIR: ${debs[*]}"
	((need_source)) && msg "no APT source for bookworm-backports"
	((need_index)) &&
		msg "APT has no index of bookworm-backports yet (apt-get update)"
	exit 1
fi

if ((EUID != 0)); then
	if ((need_source == 0 && need_index == 0)); then
		msg "run as root: sudo DEBIAN_FRONTEND=noninteractive ${install_cmd[*]}"
	else
		msg "run as root: sudo $self install"
	fi
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ((need_source)); then
	msg "adding bookworm-backports to APT's sources ($BACKPORTS_LIST)"
	echo "$BACKPORTS_LINE" >"$BACKPORTS_LIST"
fi
msg "apt-get update"
apt-get update -q >/dev/null || {
	msg "apt-get update failed"
	exit 1
}
if ((${#missing[@]})); then
	# Without systemd, maintainer scripts start services through
	# invoke-rc.d, which asks policy-rc.d first: 101 means "not now".
	policy=/usr/sbin/policy-rc.d
	if [[ ! -d /run/systemd/system && ! -e $policy ]]; then
		printf '#!/bin/sh\n# scripts/deps.sh: no service starts here\nexit 101\n' \
			>"$policy"
		chmod 0755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	msg "installing: ${missing[*]}"
	"${install_cmd[@]}" || {
		msg "apt-get install failed: ${install_cmd[*]}"
		exit 1
	}
fi
mapfile -t debs < <(missing_debs)
if ((${#debs[@]})); then
	msg "downloading for the systemd guest into $DEB_DIR: ${debs[*]}"
	mkdir -p "$DEB_DIR"
	(cd "$DEB_DIR" && apt-get download -q "${debs[@]}" >/dev/null) || {
		msg "apt-get download failed: ${debs[*]}"
		exit 1
	}
fi
