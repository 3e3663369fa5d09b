#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short run of the netlink fuzzer (selftests/fuzz/) inside the test VM;
# run-all.sh runs it on every kernel of make check.  10000 messages (about
# half a minute on 6.1 under emulation), or 60 s on a slower kernel,
# whichever comes first; FUZZ_MESSAGES, FUZZ_SECONDS and FUZZ_SEED change
# that.  The seed is printed: memresv-fuzz --seed S replays the same
# requests (the actors' interleaving may differ).  A kernel report fails the
# run through the VM runner; the fuzzer's own checks fail this test.
# Prints TAP.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$src/build/fuzz/memresv-fuzz
messages=${FUZZ_MESSAGES:-10000}
seconds=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

echo "TAP version 13"
echo "1..1"
if [[ ! -x $fuzz ]]; then
	echo "ok 1 fuzz # SKIP $fuzz is not built (make selftests-build)"
	exit 0
fi
rc=0
out=$("$fuzz" --messages "$messages" --seconds "$seconds" --seed "$seed" 2>&1) ||
	rc=$?
sed 's/^/# /; s/^# # /# /' <<<"$out"
result=$(grep '^# fuzz-result ' <<<"$out" | tail -n1 || true)
if ((rc == 0)) && [[ -n $result ]]; then
	echo "ok 1 fuzz: ${result#\# fuzz-result }"
else
	echo "not ok 1 fuzz: status $rc, seed $seed${result:+: ${result#\# fuzz-result }}"
	exit 1
fi
