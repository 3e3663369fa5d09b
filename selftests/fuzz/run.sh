#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: boot the VM once, fuzz the family, and end with one line
#
#   fuzz: N messages, M sequences, K reports
#
# where K counts the kernel's reports in the VM's log (the strings
# selftests/vm/run fails on: WARNING, BUG, KASAN, lockdep, kmemleak, ...)
# plus what the fuzzer's own checks found (a ledger that does not recount,
# a reply against the spec, a change without CAP_SYS_ADMIN, a file not
# given back).  A run that failed for another reason (the guest hung or
# died, the module did not unload) counts as one report more.  Exits 1
# when K > 0.
#
#   selftests/fuzz/run.sh [--kernel 6.1|6.12|debug] [--messages N] [--seed S]
#                         [--seconds T]
#
# --seconds ends the run after T seconds of fuzzing even if fewer than N
# messages were sent (the line says how many were).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.1
messages=100000
seed=
seconds=

die() { echo "fuzz: error: $*" >&2; exit 2; }

while (($#)); do
	case $1 in
	--kernel) kernel=${2:?}; shift ;;
	--messages) messages=${2:?}; shift ;;
	--seed) seed=${2:?}; shift ;;
	--seconds) seconds=${2:?}; shift ;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done
[[ $messages =~ ^[1-9][0-9]*$ ]] || die "--messages wants a number, not '$messages'"
[[ -z $seconds || $seconds =~ ^[1-9][0-9]*$ ]] ||
	die "--seconds wants a number, not '$seconds'"

# The runner's own list of what a kernel report looks like.
re=$(sed -n "s/^REPORT_RE+*='\(.*\)'\$/\1/p" "$src/selftests/vm/run" | tr -d '\n')
[[ -n $re ]] || die "cannot read REPORT_RE from selftests/vm/run"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/serial.log
out=$work/out

# About 1 ms a message on 6.1 under emulation, several times that on the
# debug kernel: the limit only catches a guest that hangs.
per=4
[[ $kernel == debug ]] && per=40
timeout=$((600 + messages * per / 1000))
if [[ -n $seconds ]] && ((timeout > seconds + 900)); then
	timeout=$((seconds + 900))
fi

start=$SECONDS
rc=0
"$src/selftests/vm/run" --kernel "$kernel" --mem 2G --swap 512M \
	--timeout "$timeout" --log "$log" -- \
	"$src/build/fuzz/memresv-fuzz" --messages "$messages" \
	${seed:+--seed "$seed"} ${seconds:+--seconds "$seconds"} |
	tee "$out" || rc=$?
elapsed=$((SECONDS - start))

n=0 m=0 k=0
if line=$(grep '^# fuzz-result ' "$out" | tail -n1) && [[ -n $line ]]; then
	n=$(sed -n 's/.* messages=\([0-9]*\).*/\1/p' <<<"$line")
	m=$(sed -n 's/.* sequences=\([0-9]*\).*/\1/p' <<<"$line")
	k=$(sed -n 's/.* reports=\([0-9]*\).*/\1/p' <<<"$line")
elif line=$(grep -E '^# fuzz: [0-9]+ messages' "$out" | tail -n1) &&
	[[ -n $line ]]; then
	# The guest died on its way: how far it got.
	read -r _ _ n _ m _ k _ <<<"$line"
fi

# One report is one line of the runner's list; a panic that only ends
# what an earlier report began is not another.
kernel_reports=0
if [[ -f $log ]]; then
	kernel_reports=$(awk -v re="$re" '
		$0 ~ re && !($0 ~ /Kernel panic/ && n) { n++ }
		END { print n + 0 }' "$log")
fi
k=$((k + kernel_reports))
if ((rc != 0 && k == 0)); then
	echo "# fuzz: the run failed (status $rc) without a report of its own" >&2
	k=1
fi
echo "# fuzz: $kernel kernel, $elapsed s in all, $kernel_reports in the kernel's log"
echo "fuzz: $n messages, $m sequences, $k reports"
((k == 0))
