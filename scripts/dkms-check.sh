#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-check VERSION KERNEL...: dkms.conf works.  Debian's dkms
# adds, builds and installs memresv/VERSION, as make dkms-source lays it
# out in /usr/src, for each test kernel against its cached headers
# (selftests/vm/kernels.sh kdir) -- all of it in a scratch tree under
# build/dkms (--sourcetree, --dkmstree, --installtree, --no-depmod):
# nothing under this machine's /usr/src, /var/lib/dkms or /lib/modules
# changes.  Prints TAP, one line per kernel.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
version=$1
shift
scratch=$src/build/dkms
log=$scratch/log
opts=(--dkmstree "$scratch/tree" --sourcetree "$scratch/root/usr/src"
	--installtree "$scratch/install")

echo "TAP version 13"
if ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP no dkms (scripts/deps.sh install)"
	exit 0
fi
echo "1..$#"
rm -rf "$scratch"
mkdir -p "$scratch/tree" "$scratch/install"
make -s -C "$src" dkms-source DESTDIR="$scratch/root" >/dev/null
dkms add -m memresv -v "$version" "${opts[@]}" >"$log" 2>&1

n=0 failed=0
for k; do
	n=$((n + 1))
	kdir=$("$src/selftests/vm/kernels.sh" kdir "$k")
	release=$("$src/selftests/vm/kernels.sh" release "$k")
	ko=$scratch/install/$release/updates/dkms/memresv.ko
	mkdir -p "$scratch/install/$release"
	if dkms install -m memresv -v "$version" -k "$release" \
		--kernelsourcedir "$kdir" --no-depmod "${opts[@]}" \
		>>"$log" 2>&1 &&
	   [[ $(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1) == "$release" ]]; then
		echo "ok $n dkms install memresv/$version for $release ($k)"
	else
		failed=$((failed + 1))
		echo "not ok $n dkms install memresv/$version for $release ($k)"
		sed 's/^/# /' "$log" | tail -20
	fi
done
exit $((failed > 0))
