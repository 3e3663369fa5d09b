/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the cgroup interface files a reservation owns.
 *
 * Everything memresv does to a cgroup goes through here: limits are written
 * to the group's own memory.* files on a private cgroup2 mount, so reclaim
 * and protection keep the kernel's semantics.  Should memresv go upstream,
 * this is the one file that changes (to memcg's own setters).
 */
#ifndef _MEMRESV_CGFS_H
#define _MEMRESV_CGFS_H

#include <linux/types.h>

struct cgroup;
struct mem_cgroup;

/* "max" in a memory.* file. */
#define MEMRESV_CGFS_MAX	U64_MAX

/**
 * struct memresv_limits - the values memresv owns in one cgroup
 * @min: memory.min (the guarantee)
 * @high: memory.high (the target)
 * @max: memory.max (the maximum, or the physical part while paging)
 * @swap_max: memory.swap.max (swap_max, plus the grant while paging)
 */
struct memresv_limits {
	u64 min;
	u64 high;
	u64 max;
	u64 swap_max;
};

/**
 * struct memresv_cgfs_saved - what the files held before memresv took them
 * @limits: values to put back on delete and unload
 * @have_swap: memory.swap.max exists (swap accounting is on)
 */
struct memresv_cgfs_saved {
	struct memresv_limits limits;
	bool have_swap;
};

/**
 * struct memresv_sample - what the balancer reads of a group in use
 * @high_events: the "high" count of memory.events (throttled at memory.high)
 * @pressure: PSI memory "some" over 10 s, in percent
 */
struct memresv_sample {
	unsigned long high_events;
	u32 pressure;
};

int memresv_cgfs_init(void);
void memresv_cgfs_exit(void);

struct mem_cgroup *memresv_cgfs_memcg_get(struct cgroup *cgrp);
void memresv_cgfs_memcg_put(struct mem_cgroup *memcg);
bool memresv_cgfs_memcg_gone(struct mem_cgroup *memcg);
u64 memresv_cgfs_usage(struct mem_cgroup *memcg);
u64 memresv_cgfs_swap_usage(struct mem_cgroup *memcg);
u64 memresv_cgfs_protection(struct cgroup *cgrp);
void memresv_cgfs_sample(struct cgroup *cgrp, struct mem_cgroup *memcg,
			 struct memresv_sample *s);
u64 memresv_cgfs_inactive_file(struct cgroup *cgrp);
int memresv_cgfs_make_room(struct cgroup *cgrp, struct mem_cgroup *memcg,
			   u64 max, struct memresv_limits *applied);
int memresv_cgfs_save(struct cgroup *cgrp, struct mem_cgroup *memcg,
		      struct memresv_cgfs_saved *saved);
int memresv_cgfs_apply(struct cgroup *cgrp, struct mem_cgroup *memcg,
		       const struct memresv_limits *want,
		       struct memresv_limits *applied, bool have_swap);
int memresv_cgfs_restore(struct cgroup *cgrp, struct mem_cgroup *memcg,
			 const struct memresv_cgfs_saved *saved,
			 struct memresv_limits *applied);
void memresv_cgfs_forget(struct cgroup *cgrp);

#endif /* _MEMRESV_CGFS_H */
