#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The memresv tool against the real module, inside the test VM
# (selftests/vm/run; run-all.sh runs it).  Each test uses its own cgroups
# under a parent made here and removed at the end, whatever happens.
# Prints TAP; exits non-zero when a test failed.
set -uo pipefail

MEMRESV=${MEMRESV:-memresv}
CGROOT=/sys/fs/cgroup
PARENT=memresv-cli-$$
WORK=$(mktemp -d /dev/shm/memresv-cli.XXXXXX 2>/dev/null || mktemp -d)
NTESTS=22

n=0
failed=0
out= err= rc=

cleanup() {
	local d
	for d in "$CGROOT/$PARENT"/*/; do
		[[ -d $d ]] || continue
		"$MEMRESV" del "$PARENT/$(basename "$d")" >/dev/null 2>&1
		rmdir "$d" 2>/dev/null
	done
	rmdir "$CGROOT/$PARENT" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $1"
	shift
	local l
	for l in "$@"; do
		echo "# $l"
	done
	[[ -n $out ]] && sed 's/^/# stdout: /' <<<"$out"
	[[ -n $err ]] && sed 's/^/# stderr: /' <<<"$err"
	return 0
}

skip() {
	n=$((n + 1))
	echo "ok $n $1 # SKIP $2"
}

# run CMD...: sets $out, $err and $rc.
run() {
	out=$("$@" 2>"$WORK/stderr")
	rc=$?
	err=$(cat "$WORK/stderr")
}

# A value from JSON on stdin: jget EXPR (Python, the object is "j").
jget() {
	python3 -c 'import json, sys; j = json.load(sys.stdin); print('"$1"')'
}

mkcg() {
	mkdir -p "$CGROOT/$PARENT/$1"
}

echo "TAP version 13"
if ! "$MEMRESV" version 2>/dev/null | grep -q 'family memresv version 1'; then
	echo "1..0 # SKIP the memresv module is not loaded"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 is needed to read the JSON output"
	exit 0
fi
echo "1..$NTESTS"

mkdir -p "$CGROOT/$PARENT" &&
	echo +memory >"$CGROOT/$PARENT/cgroup.subtree_control" || {
	echo "Bail out! cannot make $CGROOT/$PARENT with the memory controller"
	exit 1
}
mkcg a
mkcg b
mkcg c
A=$PARENT/a B=$PARENT/b C=$PARENT/c

# 1
run "$MEMRESV" version
if [[ $rc == 0 && $out == *"memresv "[0-9]* ]]; then
	ok "version prints the tool's and the module's version"
else
	not_ok "version prints the tool's and the module's version"
fi

# 2: a group under a unit's cgroup (named like one, so systemd's: memresv
# never writes it) whose memory.min is 0: the guarantee is capped, and the
# kernel says so in the ACK of a successful add.
mkdir -p "$CGROOT/$PARENT/w.slice/vm" &&
	echo +memory >"$CGROOT/$PARENT/w.slice/cgroup.subtree_control"
run "$MEMRESV" add "$PARENT/w.slice/vm" --startup 16M --min 8M --max 32M
if [[ $rc == 0 && $err == "memresv: warning: "*memory.min*w.slice* &&
      $(wc -l <<<"$err") == 1 ]]; then
	ok "a warning in the kernel's ACK is printed, exit 0"
else
	not_ok "a warning in the kernel's ACK is printed, exit 0" "rc=$rc" "$err"
fi
"$MEMRESV" del "$PARENT/w.slice/vm" >/dev/null 2>&1
rmdir "$CGROOT/$PARENT/w.slice/vm" "$CGROOT/$PARENT/w.slice"
# Protect the parent so later commands never wait for memresv to raise it.
echo max >"$CGROOT/$PARENT/memory.min"

# 3: an absolute path under the mount names the same group.
run "$MEMRESV" add "$CGROOT//$A/" --startup 64M --min 32M --max 128M
if [[ $rc == 0 && -z $err ]]; then
	run "$MEMRESV" show "$A" -j
	if [[ $rc == 0 ]] &&
	   [[ $(jget 'j["cgroup"], j["state"], j["startup"], j["minimum"], j["maximum"], j["paging"]' <<<"$out") == \
	      "$A starting 67108864 33554432 134217728 restart" ]]; then
		ok "add by absolute path; show -j reports it exactly"
	else
		not_ok "add by absolute path; show -j reports it exactly"
	fi
else
	not_ok "add by absolute path; show -j reports it exactly"
fi

# 4
run "$MEMRESV" show
if [[ $rc == 0 && $(head -1 <<<"$out") == CGROUP* ]] &&
   grep -Eq "^$A +starting +ok +32M +64M +128M +64M " <<<"$out"; then
	ok "show prints an aligned table with human sizes"
else
	not_ok "show prints an aligned table with human sizes"
fi

# 5
run "$MEMRESV" show "$A"
if [[ $rc == 0 ]] && grep -qx "startup: 64M" <<<"$out" &&
   grep -qx "cgroup: $A" <<<"$out" && grep -q "^phase_left: " <<<"$out"; then
	ok "show CGROUP prints key: value lines"
else
	not_ok "show CGROUP prints key: value lines"
fi

# 6
run "$MEMRESV" set "$A" --max 256M --weight 7000 --paging never
if [[ $rc == 0 ]] &&
   [[ $("$MEMRESV" show "$A" -j | jget 'j["maximum"], j["weight"], j["paging"]') == \
      "268435456 7000 never" ]]; then
	ok "set changes only the fields given"
else
	not_ok "set changes only the fields given"
fi

# 7: the kernel's refusal, one line, exit 1.
run "$MEMRESV" add "$A" --startup 64M --min 32M --max 128M
if [[ $rc == 1 && $(wc -l <<<"$err") == 1 && $err == "memresv: add: $A: "?* ]]; then
	ok "a refused add reports the kernel's reason on one line, exit 1"
else
	not_ok "a refused add reports the kernel's reason on one line, exit 1" \
		"rc=$rc"
fi

# 8
run "$MEMRESV" add "$B" --startup 64M --min 12Q --max 128M
if [[ $rc == 2 && $err == *"memresv: add: invalid size '12Q' for --min"* ]]; then
	ok "a bad size is quoted, exit 2"
else
	not_ok "a bad size is quoted, exit 2" "rc=$rc"
fi

# 9
run "$MEMRESV" add "$PARENT/a/../b" --startup 64M --min 32M --max 128M
rc2=$rc
run "$MEMRESV" show "$CGROOT"
if [[ $rc2 == 2 && $rc == 2 && $err == *"root"* ]]; then
	ok "'..' and the cgroup2 root are refused before the kernel sees them"
else
	not_ok "'..' and the cgroup2 root are refused before the kernel sees them" \
		"rc=$rc2,$rc"
fi

# 10: a snapshot rates offline exactly as the module rates the live host.
agree=0
for try in 1 2 3 4 5; do
	"$MEMRESV" host -j >"$WORK/h1.json" || break
	live=$("$MEMRESV" place --startup 300M --min 100M --max 1G -j) || break
	"$MEMRESV" host -j >"$WORK/h2.json" || break
	cmp -s "$WORK/h1.json" "$WORK/h2.json" || continue
	offline=$("$MEMRESV" place --startup 300M --min 100M --max 1G -j \
		"$WORK/h1.json") || break
	a=$(jget 'j["fit"], j["stars"], j["reason"]' <<<"$live")
	b=$(jget 'j[0]["fit"], j[0]["stars"], j[0]["reason"]' <<<"$offline")
	[[ $a == "$b" ]] && agree=1
	break
done
if ((agree)); then
	ok "place over a host -j snapshot agrees with the module's rating"
else
	out="live: ${live:-} offline: ${offline:-}" err=
	not_ok "place over a host -j snapshot agrees with the module's rating"
fi

# 11: ranking over files, best first.
python3 - "$WORK" <<'EOF'
import json, sys
w = sys.argv[1]
G = 1 << 30
def host(name, capacity, guaranteed, assigned, reclaimable, paging_limit):
    json.dump({"capacity": capacity, "guaranteed": guaranteed,
               "assigned": assigned, "reclaimable": reclaimable,
               "paging_limit": paging_limit, "paging_used": 0,
               "hostname": name}, open(f"{w}/{name}.json", "w"))
host("busy", 16 * G, 6 * G, 14 * G, 8 * G, 0)
host("idle", 16 * G, 0, 0, 0, 0)
host("none", 16 * G, 16 * G, 16 * G, 0, 0)
EOF
run "$MEMRESV" place --startup 4G --min 1G --max 8G -j \
	"$WORK/none.json" "$WORK/busy.json" "$WORK/idle.json"
if [[ $rc == 0 ]] &&
   [[ $(jget '" ".join(h["host"].rsplit("/", 1)[1] + ":" + h["fit"] for h in j)' <<<"$out") == \
      "idle.json:free busy.json:reclaim none.json:none" ]]; then
	ok "place over files ranks the hosts best first"
else
	not_ok "place over files ranks the hosts best first"
fi

# 12
run "$MEMRESV" ready "$A"
if [[ $rc == 0 && $("$MEMRESV" show "$A" -j | jget 'j["state"]') == running ]]; then
	ok "ready ends the start-up phase"
else
	not_ok "ready ends the start-up phase"
fi

# 13
run "$MEMRESV" restart "$A"
if [[ $rc == 0 && $("$MEMRESV" show "$A" -j | jget 'j["state"]') == starting ]]; then
	ok "restart re-enters the start-up phase"
else
	not_ok "restart re-enters the start-up phase"
fi

# 14: monitor -j sees add and del as JSON lines, and SIGINT ends it with 0.
"$MEMRESV" monitor -j >"$WORK/mon" 2>"$WORK/mon.err" &
mon=$!
sleep 1
"$MEMRESV" add "$B" --startup 16M --min 8M --max 32M
"$MEMRESV" del "$B"
for i in $(seq 50); do
	grep -q '"removed"' "$WORK/mon" && break
	sleep 0.1
done
kill -INT "$mon" 2>/dev/null
wait "$mon"
mrc=$?
if [[ $mrc == 0 ]] &&
   python3 - "$WORK/mon" "$B" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
mine = [e for e in ev if e.get("cgroup") == sys.argv[2]]
added = [e for e in mine if e["event"] == "added"]
removed = [e for e in mine if e["event"] == "removed"]
sys.exit(not (added and removed and removed[-1].get("reason") == "deleted"
              and added[0]["startup"] == 16 << 20))
EOF
then
	ok "monitor -j prints added and removed (deleted); SIGINT exits 0"
else
	out=$(cat "$WORK/mon") err=$(cat "$WORK/mon.err")
	not_ok "monitor -j prints added and removed (deleted); SIGINT exits 0" \
		"monitor exit status $mrc"
fi

# 15
"$MEMRESV" monitor >"$WORK/mon2" 2>&1 &
mon=$!
sleep 1
"$MEMRESV" add "$B" --startup 16M --min 8M --max 32M
"$MEMRESV" del "$B"
for i in $(seq 50); do
	grep -q "removed $B (deleted)" "$WORK/mon2" && break
	sleep 0.1
done
kill -TERM "$mon" 2>/dev/null
wait "$mon"
mrc=$?
out=$(cat "$WORK/mon2") err=
if [[ $mrc == 0 ]] &&
   grep -Eq "^[0-9:.]+ added $B state=starting status=[a-z]+ guarantee=16M" <<<"$out" &&
   grep -Eq "^[0-9:.]+ removed $B \(deleted\)" <<<"$out"; then
	ok "monitor prints one line per event; SIGTERM exits 0"
else
	not_ok "monitor prints one line per event; SIGTERM exits 0" \
		"monitor exit status $mrc"
fi

# 16: save, delete, restore brings the same settings back.
"$MEMRESV" add "$B" --startup 48M --min 16M --max 96M --buffer 50 \
	--swap-max 8M --startup-window 30 >/dev/null
run "$MEMRESV" save
echo "$out" >"$WORK/saved.json"
before=$("$MEMRESV" show -j | jget 'sorted((r["cgroup"], r["startup"], r["minimum"], r["maximum"], r["buffer"], r["weight"], r["swap_max"], r["startup_window"], r["paging"]) for r in j if r["cgroup"].startswith("'"$PARENT"'/"))')
"$MEMRESV" del "$A" && "$MEMRESV" del "$B"
run "$MEMRESV" restore "$WORK/saved.json"
after=$("$MEMRESV" show -j | jget 'sorted((r["cgroup"], r["startup"], r["minimum"], r["maximum"], r["buffer"], r["weight"], r["swap_max"], r["startup_window"], r["paging"]) for r in j if r["cgroup"].startswith("'"$PARENT"'/"))')
if [[ $rc == 0 && -n $before && $before == "$after" && $before == *"$B"* ]]; then
	ok "save then restore gives back the same reservations"
else
	not_ok "save then restore gives back the same reservations" \
		"before: $before" "after: $after"
fi

# 17: restore from standard input.
"$MEMRESV" del "$B"
run "$MEMRESV" restore <"$WORK/saved.json"
if [[ $rc == 0 ]] && "$MEMRESV" show "$B" >/dev/null 2>&1; then
	ok "restore reads standard input"
else
	not_ok "restore reads standard input"
fi

# 18: a failure undoes everything restore applied, in reverse.
reserve0=$("$MEMRESV" host -j | jget 'j["reserve"]')
"$MEMRESV" del "$B"
python3 - "$WORK/bad.json" "$A" "$B" "$C" "$reserve0" <<'EOF'
import json, sys
path, a, b, c, reserve = sys.argv[1:6]
M = 1 << 20
json.dump({"host": {"reserve": int(reserve) + 4 * M},
           "reservations": [
               {"cgroup": a, "startup": 40 * M, "minimum": 20 * M,
                "maximum": 80 * M, "weight": 1234},
               {"cgroup": b, "startup": 40 * M, "minimum": 20 * M,
                "maximum": 80 * M},
               # More than any test VM has: admission refuses it.
               {"cgroup": c, "startup": 1 << 50, "minimum": 1 << 50,
                "maximum": 1 << 50}]}, open(path, "w"))
EOF
a_before=$("$MEMRESV" show "$A" -j | jget 'j["startup"], j["weight"]')
run "$MEMRESV" restore "$WORK/bad.json"
a_after=$("$MEMRESV" show "$A" -j | jget 'j["startup"], j["weight"]')
reserve1=$("$MEMRESV" host -j | jget 'j["reserve"]')
if [[ $rc == 1 && $err == "memresv: restore: $C: "?* &&
      $(wc -l <<<"$err") == 1 ]] &&
   ! "$MEMRESV" show "$B" >/dev/null 2>&1 && ! "$MEMRESV" show "$C" >/dev/null 2>&1 &&
   [[ $a_before == "$a_after" && $reserve0 == "$reserve1" ]]; then
	ok "a failing restore undoes what it applied"
else
	not_ok "a failing restore undoes what it applied" \
		"rc=$rc a: $a_before -> $a_after reserve: $reserve0 -> $reserve1"
fi

# 19: an invalid file changes nothing.
echo '{"reservations": [{"cgroup": "'"$B"'", "startup": 1, "minimum": 1, "maximum": 1, "colour": 1}]}' \
	>"$WORK/invalid.json"
run "$MEMRESV" restore "$WORK/invalid.json"
if [[ $rc == 1 && $err == *"unknown key 'colour'"* ]] &&
   ! "$MEMRESV" show "$B" >/dev/null 2>&1; then
	ok "an invalid restore file is refused before anything is applied"
else
	not_ok "an invalid restore file is refused before anything is applied"
fi

# 20: reads are open to all, changes need CAP_SYS_ADMIN.
if command -v setpriv >/dev/null; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups
		--inh-caps=-all --bounding-set=-all)
	run "${nobody[@]}" "$MEMRESV" show "$A"
	rc_show=$rc
	run "${nobody[@]}" "$MEMRESV" set "$A" --weight 1
	if [[ $rc_show == 0 && $rc == 1 && $err == *"CAP_SYS_ADMIN"* ]]; then
		ok "an unprivileged user can read but not change"
	else
		not_ok "an unprivileged user can read but not change" \
			"show rc=$rc_show set rc=$rc"
	fi
else
	skip "an unprivileged user can read but not change" "no setpriv"
fi

# 21: host set round trip.
period0=$("$MEMRESV" host -j | jget 'j["period_ms"]')
run "$MEMRESV" host set --period 250
period1=$("$MEMRESV" host -j | jget 'j["period_ms"]')
"$MEMRESV" host set --period "$period0"
if [[ $rc == 0 && $period1 == 250 ]]; then
	ok "host set changes the balancer period"
else
	not_ok "host set changes the balancer period" "period $period1"
fi

# 22
"$MEMRESV" del "$A"
run "$MEMRESV" show "$A"
rc2=$rc
run "$MEMRESV" del "$A"
if [[ $rc2 == 1 && $rc == 1 && $err == "memresv: del: $A: "?* ]]; then
	ok "del removes the reservation; a second del fails"
else
	not_ok "del removes the reservation; a second del fails" "rc=$rc2,$rc"
fi

((n == NTESTS)) || echo "# planned $NTESTS tests, ran $n"
exit $((failed > 0))
