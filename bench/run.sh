#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memresv benchmarks (Documentation/performance.rst); "make bench" runs this.
#
#   bench/run.sh          on the host: the density replay here, then one
#                         boot of the 6.1 VM for everything that needs the
#                         module; prints the table, writes build/bench.json
#                         and, with gnuplot, build/bench/perf-balancer.png
#   bench/run.sh guest    inside the VM (the host side calls it)
#
# MEMRESV_BENCH_DOC=1 also copies the plot to Documentation/perf-balancer.png.
# MEMRESV_BENCH_ITERS and MEMRESV_BENCH_N shrink a run while developing.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
out=$src/build/bench
results=$out/results.txt
json=$src/build/bench.json

# The keys of build/bench.json, in order, with their goals.
keys=(add_del_ratio set_ratio dump_10k_per_s tick_10k_ms tick_1k_ms
	tick_100_ms reaction_periods bytes_per_reservation density_ratio)
declare -A goal=(
	[add_del_ratio]="<= 1.25" [set_ratio]="<= 1.0"
	[dump_10k_per_s]=">= 200000" [tick_10k_ms]="<= 10"
	[tick_1k_ms]="" [tick_100_ms]="" [reaction_periods]="<= 2"
	[bytes_per_reservation]="<= 1024" [density_ratio]=">= 1.5"
)
declare -A what=(
	[add_del_ratio]="RESV_NEW + RESV_DEL / GETFAMILY + the same file I/O"
	[set_ratio]="RESV_SET maximum / GETFAMILY + write memory.max"
	[dump_10k_per_s]="reservations dumped per second, parsed"
	[tick_10k_ms]="balancer pass, 10,000 idle reservations"
	[tick_1k_ms]="balancer pass, 1,000 idle reservations"
	[tick_100_ms]="balancer pass, 100 idle reservations"
	[reaction_periods]="periods from a burst to demand x 1.2"
	[bytes_per_reservation]="slab per reservation"
	[density_ratio]="starts admitted, minimum / startup policy"
)

guest() {
	export MEMRESV_BENCH_OUT=$results
	echo "=== requests against the same work by hand"
	"$out/ops_bench"
	echo "=== the balancer with workloads"
	"$out/react_bench" "$out/balancer.csv"
	echo "=== many reservations"
	"$out/scale_bench" "$out/dump.bin"
	"$out/replay_bench" "$out/dump.bin" vm
}

# "ok" or "MISSED" for a value against its goal ("" when there is none).
verdict() {
	local v=$1 g=$2
	[[ -z $g ]] && return
	awk -v v="$v" -v op="${g%% *}" -v lim="${g#* }" 'BEGIN {
		ok = op == "<=" ? v <= lim : v >= lim
		print ok ? "ok" : "MISSED"
	}'
}

report() {
	local k v first=1
	declare -A val=()

	while read -r k v; do
		val[$k]=$v
	done <"$results"
	for k in "${keys[@]}"; do
		[[ -n ${val[$k]:-} ]] || {
			echo "bench: no result for $k (see the output above)" >&2
			exit 1
		}
	done

	printf '\n%-23s %12s %10s %-7s %s\n' key value goal "" measures
	for k in "${keys[@]}"; do
		printf '%-23s %12s %10s %-7s %s\n' "$k" "${val[$k]}" \
			"${goal[$k]:-—}" "$(verdict "${val[$k]}" "${goal[$k]}")" \
			"${what[$k]}"
	done

	{
		echo "{"
		for k in "${keys[@]}"; do
			((first)) || echo ","
			first=0
			printf '  "%s": %s' "$k" "${val[$k]}"
		done
		printf '\n}\n'
	} >"$json.tmp"
	mv "$json.tmp" "$json"
	echo
	echo "written $json; every figure, breakdowns included, in $results"
}

plot() {
	local png=$out/perf-balancer.png

	[[ -s $out/balancer.csv ]] || return 0
	if ! command -v gnuplot >/dev/null; then
		echo "bench: no gnuplot: $out/balancer.csv is not drawn" >&2
		return 0
	fi
	gnuplot -e "csv='$out/balancer.csv'; png='$png'" \
		"$src/bench/perf-balancer.gp"
	echo "drawn $png"
	if [[ ${MEMRESV_BENCH_DOC:-0} == 1 ]]; then
		cp "$png" "$src/Documentation/perf-balancer.png"
		echo "copied to Documentation/perf-balancer.png"
	fi
}

if [[ ${1:-} == guest ]]; then
	guest
	exit
fi

cd "$src"
"$src/scripts/deps.sh" install
mkdir -p "$out"
rm -f "$results" "$out/balancer.csv" "$out/dump.bin"
start=$SECONDS
echo "=== density: trace replay through the policy core (host)"
MEMRESV_BENCH_OUT=$results "$out/density"
# The VM sees only what the command line gives it of the environment.
selftests/vm/run --kernel 6.1 --timeout 900 -- env \
	${MEMRESV_BENCH_ITERS:+MEMRESV_BENCH_ITERS=$MEMRESV_BENCH_ITERS} \
	${MEMRESV_BENCH_N:+MEMRESV_BENCH_N=$MEMRESV_BENCH_N} \
	"$src/bench/run.sh" guest
echo "=== the dump's client part, natively on the host"
MEMRESV_BENCH_OUT=$results "$out/replay_bench" "$out/dump.bin" host
report
plot
echo "make bench took $((SECONDS - start)) s"
