/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * memresv: host-wide memory reservations for cgroup v2 groups.
 *
 * The generic netlink contract shared by the module, the memresv tool and
 * the selftests.  Documentation/netlink/memresv.yaml describes the same
 * family; keep the two in step.
 *
 * All attributes live in one flat attribute space.  Sizes are in bytes
 * (u64, padded with MEMRESV_A_PAD), times in the unit their name gives.
 */
#ifndef _UAPI_LINUX_MEMRESV_H
#define _UAPI_LINUX_MEMRESV_H

#include <linux/const.h>

#define MEMRESV_GENL_NAME		"memresv"
#define MEMRESV_GENL_VERSION		1
#define MEMRESV_MCGRP_MONITOR		"monitor"

/* Limits enforced by the family's policies. */
#define MEMRESV_SIZE_MAX		_BITULL(52)	/* 4 PiB */
#define MEMRESV_BUFFER_MIN		5
#define MEMRESV_BUFFER_MAX		2000
#define MEMRESV_BUFFER_DEFAULT		20
#define MEMRESV_WEIGHT_MAX		10000
#define MEMRESV_WEIGHT_DEFAULT		5000
#define MEMRESV_WINDOW_MIN		1		/* seconds */
#define MEMRESV_WINDOW_MAX		3600
#define MEMRESV_WINDOW_DEFAULT		120
#define MEMRESV_PERIOD_MIN		100		/* milliseconds */
#define MEMRESV_PERIOD_MAX		60000
#define MEMRESV_PERIOD_DEFAULT		1000
#define MEMRESV_PAGING_MAX_MIN		1		/* seconds */
#define MEMRESV_PAGING_MAX_MAX		86400
#define MEMRESV_PAGING_MAX_DEFAULT	600
#define MEMRESV_STARS_MAX		5000		/* milli-stars */
#define MEMRESV_HOLD_KEY_LEN		64		/* with its NUL */
#define MEMRESV_HOLD_TIMEOUT_MIN	1		/* seconds */
#define MEMRESV_HOLD_TIMEOUT_MAX	3600
#define MEMRESV_HOLD_TIMEOUT_DEFAULT	120

enum memresv_cmd {
	MEMRESV_CMD_UNSPEC,
	MEMRESV_CMD_RESV_NEW,		/* admit a reservation; replies with it */
	MEMRESV_CMD_RESV_SET,		/* change fields; replies with it */
	MEMRESV_CMD_RESV_DEL,		/* remove; restores the cgroup files */
	MEMRESV_CMD_RESV_GET,		/* one (do) or all (dump) */
	MEMRESV_CMD_RESV_RESTART,	/* re-enter start-up through admission */
	MEMRESV_CMD_RESV_READY,		/* end the start-up phase now */
	MEMRESV_CMD_HOST_GET,		/* the host ledger */
	MEMRESV_CMD_HOST_SET,		/* reserve, period, paging settings */
	MEMRESV_CMD_EVENT,		/* notification on the monitor group */
	MEMRESV_CMD_RESV_REPORT,	/* the guest's own view, from the agent */
	MEMRESV_CMD_HOLD_NEW,		/* admit a start before its cgroup is
					 * there; RESV_NEW with the key binds it
					 */
	MEMRESV_CMD_HOLD_DEL,		/* give a hold back */
	MEMRESV_CMD_HOLD_GET,		/* one (do) or all (dump) */
	MEMRESV_CMD_PROT_GET,		/* dump: ancestors' protection */

	__MEMRESV_CMD_MAX,
	MEMRESV_CMD_MAX = __MEMRESV_CMD_MAX - 1
};

enum memresv_state {
	MEMRESV_STATE_STARTING = 1,
	MEMRESV_STATE_PAGING,		/* starting, part of startup in swap */
	MEMRESV_STATE_RUNNING,
};

enum memresv_status {
	MEMRESV_STATUS_OK = 1,		/* target >= demand plus buffer */
	MEMRESV_STATUS_LOW,		/* demand <= target < demand plus buffer */
	MEMRESV_STATUS_WARNING,		/* target < demand, or paging */
};

enum memresv_paging {
	MEMRESV_PAGING_NEVER,
	MEMRESV_PAGING_RESTART,		/* only when restarting (default) */
	MEMRESV_PAGING_ALWAYS,

	__MEMRESV_PAGING_CNT,
	MEMRESV_PAGING_MAX_VAL = __MEMRESV_PAGING_CNT - 1
};

enum memresv_event {
	MEMRESV_EVENT_ADDED = 1,
	MEMRESV_EVENT_CHANGED,		/* state or status changed */
	MEMRESV_EVENT_REMOVED,
	MEMRESV_EVENT_PAGING_START,
	MEMRESV_EVENT_PAGING_END,
	MEMRESV_EVENT_ADMISSION_REFUSED,
	MEMRESV_EVENT_HOST_CHANGED,
	MEMRESV_EVENT_WARNING,		/* an ancestor's memory.min caps the
					 * guarantee (MEMRESV_A_ANCESTOR*)
					 */
	MEMRESV_EVENT_OVERCOMMIT,	/* the host entered or left the
					 * overcommitted state: its RAM shrank
					 * below what is guaranteed
					 */
	MEMRESV_EVENT_CONFLICT,		/* another writer changed a file of a
					 * reserved group (MEMRESV_A_CONFLICT_*)
					 */
	MEMRESV_EVENT_HOLD_ADDED,
	MEMRESV_EVENT_HOLD_REMOVED,	/* reason: bound, expired, deleted,
					 * unload
					 */
	MEMRESV_EVENT_PROTECTION,	/* what an ancestor owned by systemd
					 * needs as memory.min changed
					 */
};

enum memresv_reason {
	MEMRESV_REASON_NONE,
	MEMRESV_REASON_DELETED,		/* removed: RESV_DEL */
	MEMRESV_REASON_CGROUP_GONE,	/* removed: cgroup or its memcg gone */
	MEMRESV_REASON_UNLOAD,		/* removed: module unload */
	MEMRESV_REASON_READY,		/* start-up/paging ended: RESV_READY */
	MEMRESV_REASON_WINDOW,		/* ended: startup_window elapsed */
	MEMRESV_REASON_PAGING_MAX,	/* paging ended: paging_max elapsed */
	MEMRESV_REASON_RESTART,		/* ended: restart re-entered start-up */
	MEMRESV_REASON_BOUND,		/* hold removed: a reservation took it */
	MEMRESV_REASON_EXPIRED,		/* hold removed: its timeout passed */
};

/* What moves a reservation's memory: its cgroup, or a guest's balloon. */
enum memresv_actuator {
	MEMRESV_ACTUATOR_CGROUP,	/* memory.high is the target */
	MEMRESV_ACTUATOR_BALLOON,	/* the agent moves the guest's balloon;
					 * memory.high is a backstop above it
					 */

	__MEMRESV_ACTUATOR_CNT,
	MEMRESV_ACTUATOR_MAX_VAL = __MEMRESV_ACTUATOR_CNT - 1
};

/* Where a reservation's demand estimate comes from. */
enum memresv_source {
	MEMRESV_SOURCE_CGROUP,		/* the group's counters and pressure */
	MEMRESV_SOURCE_GUEST,		/* the guest's own reports */
};

/* Who writes an ancestor's memory.min for the guarantees below it. */
enum memresv_owner {
	MEMRESV_OWNER_MEMRESV = 1,	/* memresv writes the file */
	MEMRESV_OWNER_SYSTEMD,		/* a systemd unit: its MemoryMin= is
					 * raised through systemd (the agent)
					 */
};

/* A memory.* file memresv owns in a reserved group. */
enum memresv_file {
	MEMRESV_FILE_MIN = 1,
	MEMRESV_FILE_HIGH,
	MEMRESV_FILE_MAX,
	MEMRESV_FILE_SWAP_MAX,
};

enum memresv_fit {
	MEMRESV_FIT_NONE,
	MEMRESV_FIT_FREE,		/* fits in free memory */
	MEMRESV_FIT_RECLAIM,		/* fits by shrinking others' targets */
	MEMRESV_FIT_PAGING,		/* fits only through the swap tier */
};

enum memresv_place_policy {
	MEMRESV_POLICY_MINIMUM,		/* default: minimum physical + tier */
	MEMRESV_POLICY_STARTUP,		/* SCVMM: startup must fit physically */

	__MEMRESV_POLICY_CNT,
	MEMRESV_POLICY_MAX_VAL = __MEMRESV_POLICY_CNT - 1
};

enum memresv_attr {
	MEMRESV_A_UNSPEC,
	MEMRESV_A_PAD,

	/* reservation: identity */
	MEMRESV_A_CGROUP,		/* string: path relative to cgroup2 root */
	MEMRESV_A_CGROUP_ID,		/* u64: cgroup id (inode number) */

	/* reservation: settings */
	MEMRESV_A_STARTUP,		/* u64 bytes */
	MEMRESV_A_MINIMUM,		/* u64 bytes */
	MEMRESV_A_MAXIMUM,		/* u64 bytes */
	MEMRESV_A_BUFFER,		/* u32 percent */
	MEMRESV_A_WEIGHT,		/* u32 */
	MEMRESV_A_SWAP_MAX,		/* u64 bytes */
	MEMRESV_A_STARTUP_WINDOW,	/* u32 seconds */
	MEMRESV_A_PAGING,		/* u8 enum memresv_paging */
	MEMRESV_A_FORCE,		/* flag: RESV_NEW/RESTART may page */

	/* reservation: derived, read-only */
	MEMRESV_A_STATE,		/* u8 enum memresv_state */
	MEMRESV_A_STATUS,		/* u8 enum memresv_status */
	MEMRESV_A_GUARANTEE,		/* u64 bytes: memory.min */
	MEMRESV_A_TARGET,		/* u64 bytes: memory.high */
	MEMRESV_A_DEMAND,		/* u64 bytes */
	MEMRESV_A_CURRENT,		/* u64 bytes: memory.current */
	MEMRESV_A_SWAP_CURRENT,		/* u64 bytes: memory.swap.current */
	MEMRESV_A_PAGING_GRANT,		/* u64 bytes of the swap tier held */
	MEMRESV_A_PHASE_LEFT_MS,	/* u64: time left in start-up/paging */

	/* host ledger */
	MEMRESV_A_HOST_TOTAL,		/* u64 bytes */
	MEMRESV_A_HOST_RESERVE,		/* u64 bytes, settable */
	MEMRESV_A_HOST_CAPACITY,	/* u64 bytes */
	MEMRESV_A_HOST_GUARANTEED,	/* u64 bytes */
	MEMRESV_A_HOST_ASSIGNED,	/* u64 bytes */
	MEMRESV_A_HOST_FREE,		/* u64 bytes */
	MEMRESV_A_HOST_PAGING_LIMIT,	/* u64 bytes, settable */
	MEMRESV_A_HOST_PAGING_USED,	/* u64 bytes */
	MEMRESV_A_HOST_PERIOD_MS,	/* u32, settable */
	MEMRESV_A_HOST_PAGING_MAX,	/* u32 seconds, settable */
	MEMRESV_A_HOST_RESERVATIONS,	/* u32 */
	MEMRESV_A_HOST_RECLAIMABLE,	/* u64: sum of (target - guarantee) */
	MEMRESV_A_HOST_TICK_NS,		/* u64: time the last balancer pass took */

	/* notifications */
	MEMRESV_A_EVENT,		/* u8 enum memresv_event */
	MEMRESV_A_REASON,		/* u8 enum memresv_reason */

	/* host ledger, continued */
	MEMRESV_A_HOST_OVERCOMMITTED,	/* u8: guaranteed > a capacity that
					 * shrank; admissions are refused
					 */
	MEMRESV_A_HOST_HOLDS,		/* u32: holds waiting for a cgroup */

	/* admission refused: the host figures above, and */
	MEMRESV_A_PAGING_ALLOWED,	/* flag: the start could use the tier */

	/* warning: the ancestor that caps a guarantee */
	MEMRESV_A_ANCESTOR,		/* string: its path */
	MEMRESV_A_ANCESTOR_ID,		/* u64: its cgroup id */
	MEMRESV_A_ANCESTOR_MIN,		/* u64 bytes: its memory.min */

	/* conflicts: another writer changed a reserved group's file */
	MEMRESV_A_CONFLICT_FILE,	/* u8 enum memresv_file */
	MEMRESV_A_CONFLICT_FOUND,	/* u64 bytes (U64_MAX: "max") */
	MEMRESV_A_CONFLICT_OURS,	/* u64 bytes memresv wrote back */
	MEMRESV_A_CONFLICTS,		/* u32: conflicts found so far */

	/* holds */
	MEMRESV_A_HOLD_KEY,		/* string: who holds it (libvirt: the
					 * domain's UUID)
					 */
	MEMRESV_A_HOLD_TIMEOUT,		/* u32 seconds until it is given back */
	MEMRESV_A_HOLD_LEFT_MS,		/* u64 */

	/* the guest (RESV_REPORT, RESV_SET, replies) */
	MEMRESV_A_ACTUATOR,		/* u8 enum memresv_actuator */
	MEMRESV_A_GUEST_DEMAND,		/* u64 bytes the guest needs, as its
					 * group counts them (overhead in)
					 */
	MEMRESV_A_GUEST_SIZE,		/* u64 bytes the balloon leaves the
					 * guest, as its group counts them
					 */
	MEMRESV_A_DEMAND_SOURCE,	/* u8 enum memresv_source */
	MEMRESV_A_HIGH,			/* u64 bytes memresv keeps in
					 * memory.high (the target, or the
					 * balloon's backstop)
					 */

	/* ancestors' protection (PROT_GET, protection events) */
	MEMRESV_A_PROT_NEED,		/* u64: sum of the guarantees below */
	MEMRESV_A_PROT_OWNER,		/* u8 enum memresv_owner */
	MEMRESV_A_PROT_MIN,		/* u64: its memory.min now */

	__MEMRESV_A_MAX,
	MEMRESV_A_MAX = __MEMRESV_A_MAX - 1
};

#endif /* _UAPI_LINUX_MEMRESV_H */
