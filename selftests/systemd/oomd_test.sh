#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A start on the swap tier is not systemd-oomd's first victim: while it
# pages, memresvd marks its group and every group below it with
# user.oomd_avoid (systemd-oomd ranks such candidates last; it looks at
# leaf groups, so the mark goes on them too, also on one made while it
# pages), and takes the marks back at paging-end, leaving alone a mark
# that was there before.  Prints TAP.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NAME=mrt-oomd-$$
CG=${MEMRESV_CGROUP#"$CGROOT"/}/$NAME

plan 5

marks() {
	local g
	for g in "$CG" "$CG/inner" "$CG/late" "$CG/pre"; do
		echo -n "$g=$(xattr "$g" user.oomd_avoid) "
	done
}

has_marks() { # group inner late pre
	[[ $(xattr "$CG" user.oomd_avoid) == "$1" &&
	   $(xattr "$CG/inner" user.oomd_avoid) == "$2" &&
	   $(xattr "$CG/late" user.oomd_avoid) == "$3" &&
	   $(xattr "$CG/pre" user.oomd_avoid) == "$4" ]]
}

install_agent || echo "# the agent did not start"
mkdir -p "$CGROOT/$CG/inner" "$CGROOT/$CG/pre"
at_exit "rmdir $CGROOT/$CG/inner $CGROOT/$CG/pre $CGROOT/$CG/late $CGROOT/$CG"
setfattr -n user.oomd_avoid -v 1 "$CGROOT/$CG/pre" 2>/dev/null ||
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.oomd_avoid", b"1")' \
		"$CGROOT/$CG/pre"

# A start larger than what is free: admitted on the swap tier.
free=$(memresv host -j | python3 -c 'import json, sys; print(json.load(sys.stdin)["free"])')
startup=$((free / MiB + 64))
at_exit "memresv del $CG"
memresv add "$CG" --startup ${startup}M --min 64M --max ${startup}M \
	--paging always >/dev/null 2>&1
state=$(resv_field "$CG" state)
grant=$(resv_field "$CG" paging_grant)
[[ $state == "starting(paging)" ]] && ((grant > 0)) && r=1 || r=0
ok $r "a start larger than what is free is admitted on the swap tier" \
	"startup ${startup}M, free $free: state ${state:-none}, paging_grant ${grant:-none}"

wait_for 5 has_marks 1 1 "" 1 && r=1 || r=0
ok $r "paging: the group and the group below it marked user.oomd_avoid" "$(marks)"

mkdir "$CGROOT/$CG/late"
wait_for 5 has_marks 1 1 1 1 && r=1 || r=0
ok $r "a group made below it while it pages is marked within a second or two" \
	"$(marks)"

memresv ready "$CG" >/dev/null
wait_for 5 has_marks "" "" "" 1 && r=1 || r=0
ok $r "paging-end: the agent's marks go, the one that was there stays" \
	"$(marks)"

avoid=$(grep -c '^avoid ' $STATE_DIR/agent.state)
((avoid == 0)) && r=1 || r=0
ok $r "the agent's state file holds no mark any more" \
	"$(grep '^avoid ' $STATE_DIR/agent.state)"

finish
