/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: reservations.
 */
#ifndef _MEMRESV_RESV_H
#define _MEMRESV_RESV_H

#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "cgfs.h"

struct cgroup;
struct memresv_err;
struct memresv_prot;

#define MEMRESV_SET_STARTUP	BIT(0)
#define MEMRESV_SET_MINIMUM	BIT(1)
#define MEMRESV_SET_MAXIMUM	BIT(2)
#define MEMRESV_SET_BUFFER	BIT(3)
#define MEMRESV_SET_WEIGHT	BIT(4)
#define MEMRESV_SET_SWAP_MAX	BIT(5)
#define MEMRESV_SET_WINDOW	BIT(6)
#define MEMRESV_SET_PAGING	BIT(7)
#define MEMRESV_SET_ACTUATOR	BIT(8)

/**
 * struct memresv_settings - what an administrator sets on a reservation
 * @startup: memory for the start-up phase (bytes, page aligned)
 * @minimum: floor after start-up
 * @maximum: hard cap
 * @swap_max: swap the group may always use
 * @buffer: percent of demand kept spare
 * @weight: share under contention
 * @window: longest start-up phase, seconds
 * @paging: enum memresv_paging
 * @actuator: enum memresv_actuator
 */
struct memresv_settings {
	u64 startup;
	u64 minimum;
	u64 maximum;
	u64 swap_max;
	u32 buffer;
	u32 weight;
	u32 window;
	u8 paging;
	u8 actuator;
};

/**
 * struct memresv_resv - one reservation
 * @ref: held by the reservation table and by whoever works on it
 * @state: enum memresv_state (memresv_lock)
 * @status: enum memresv_status (memresv_lock)
 * @removed: out of the table; files restored or gone (memresv_lock)
 * @retry: the last write of the limits failed; the tick tries again
 * @guest_fresh: the guest's last report is recent enough to use (tick)
 * @idle: its last sample found its demand and usage still: the balancer
 *	samples it in its turn, not every period (tick)
 * @pressure: PSI memory pressure at the last balancer pass, percent
 * @node: in the table, by @id (memresv_lock)
 * @id: cgroup id, the key of the table
 * @set: settings (memresv_lock)
 * @guarantee: memory.min (memresv_lock); while starting, the physical part
 *	of startup, never below minimum
 * @target: memory.high (memresv_lock)
 * @demand: the balancer's estimate of need (memresv_lock)
 * @grant: swap tier held while paging (memresv_lock)
 * @usage: memory.current at the last balancer pass (memresv_lock)
 * @high_events: memory.events "high" at the last balancer pass
 * @grown_at: jiffies when the balancer last raised the target
 * @inactive_file: inactive_file of memory.stat when last read
 * @stat_usage: memory.current when memory.stat was last read
 * @stat_time: jiffies when memory.stat was last read
 * @phase_start: jiffies when the start-up phase began (memresv_lock)
 * @guest_demand: what the guest last reported it needs (memresv_lock)
 * @guest_size: what the balloon last left the guest (memresv_lock)
 * @guest_at: jiffies of that report, 0 for none (memresv_lock)
 * @conflicts: files found changed by another writer (memresv_lock)
 * @prot: the entry of the group's parent for protection up to the root,
 *	or NULL below the root (memresv_lock)
 * @io_lock: serialises file I/O and whole changes of this reservation;
 *	taken before memresv_lock, never inside it
 * @cg: the group and its files; cg.cgrp and cg.memcg never change, the
 *	saved and applied values are under @io_lock
 * @apply_work: asynchronous application of the limits
 */
struct memresv_resv {
	struct kref ref;
	u8 state;
	u8 status;
	bool removed;
	bool retry;
	bool guest_fresh;
	bool idle;
	u8 pressure;
	struct rb_node node;
	u64 id;
	struct memresv_settings set;
	u64 guarantee;
	u64 target;
	u64 demand;
	u64 grant;
	u64 usage;
	unsigned long high_events;
	unsigned long grown_at;
	u64 inactive_file;
	u64 stat_usage;
	unsigned long stat_time;
	unsigned long phase_start;
	u64 guest_demand;
	u64 guest_size;
	unsigned long guest_at;
	u32 conflicts;
	struct memresv_prot *prot;
	/* serialises writes to this group's files */
	struct mutex io_lock;
	struct memresv_cgfs_group cg;
	struct work_struct apply_work;
};

int memresv_resv_init(void);
void memresv_resv_stop(void);
void memresv_resv_exit(void);

struct memresv_resv *memresv_resv_from(u64 id);
struct memresv_resv *memresv_resv_next(const struct memresv_resv *resv);
struct memresv_resv *memresv_resv_get(struct cgroup *cgrp,
				      struct memresv_err *e);
void memresv_resv_put(struct memresv_resv *resv);

int memresv_resv_new(struct cgroup *cgrp, const struct memresv_settings *set,
		     bool force, const char *hold, struct memresv_err *e,
		     struct memresv_resv **out);
int memresv_resv_hold(const char *key, const struct memresv_settings *set,
		      bool force, u32 timeout, struct memresv_err *e);
int memresv_resv_report(struct memresv_resv *resv, u64 demand, u64 size,
			struct memresv_err *e);
bool memresv_resv_guest_fresh(const struct memresv_resv *resv);
u64 memresv_resv_high(const struct memresv_resv *resv);
int memresv_resv_set(struct memresv_resv *resv,
		     const struct memresv_settings *upd, u32 mask,
		     struct memresv_err *e);
int memresv_resv_del(struct memresv_resv *resv, struct memresv_err *e);
int memresv_resv_restart(struct memresv_resv *resv, bool force,
			 struct memresv_err *e);
int memresv_resv_ready(struct memresv_resv *resv, struct memresv_err *e);

u64 memresv_resv_phase_left_ms(const struct memresv_resv *resv);
void memresv_resv_queue_apply(struct memresv_resv *resv);
void memresv_resv_retarget(struct memresv_resv *resv, u64 target);
void memresv_resv_fit_capacity(void);
bool memresv_resv_tick_one(struct memresv_resv *resv);
void memresv_resv_verify(void);

#endif /* _MEMRESV_RESV_H */
