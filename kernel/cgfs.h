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

struct workqueue_struct;

struct cgroup;
struct mem_cgroup;
struct memresv_err;

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
 * struct memresv_cgfs_group - one group whose files memresv writes
 * @cgrp: the group (a reference is held)
 * @memcg: the group's own memory css (a reference is held)
 * @id: the group's cgroup id: files are only ever opened in the directory
 *	with this id, never in a group made later under the same name
 * @have_swap: memory.swap.max exists (swap accounting is on)
 * @saved: what the files held before memresv wrote them
 * @applied: what the files hold as far as memresv wrote them
 *
 * The owner serialises every call that takes a group (its io_lock).
 */
struct memresv_cgfs_group {
	struct cgroup *cgrp;
	struct mem_cgroup *memcg;
	u64 id;
	bool have_swap;
	struct memresv_limits saved;
	struct memresv_limits applied;
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

extern struct workqueue_struct *memresv_wq;

int memresv_cgfs_init(void);
void memresv_cgfs_exit(void);

int memresv_cgfs_take(struct memresv_cgfs_group *g, struct cgroup *cgrp,
		      struct memresv_err *e);
void memresv_cgfs_release(struct memresv_cgfs_group *g);
void memresv_cgfs_resave(struct memresv_cgfs_group *g);
bool memresv_cgfs_gone(const struct memresv_cgfs_group *g);
u64 memresv_cgfs_usage(const struct memresv_cgfs_group *g);
u64 memresv_cgfs_swap_usage(const struct memresv_cgfs_group *g);
void memresv_cgfs_sample(const struct memresv_cgfs_group *g,
			 struct memresv_sample *s);
u64 memresv_cgfs_inactive_file(const struct memresv_cgfs_group *g);
int memresv_cgfs_make_room(struct memresv_cgfs_group *g, u64 max);
int memresv_cgfs_apply(struct memresv_cgfs_group *g,
		       const struct memresv_limits *want);
int memresv_cgfs_restore(struct memresv_cgfs_group *g);
int memresv_cgfs_path(struct cgroup *cgrp, char *buf, size_t len, bool reader);
u64 memresv_cgfs_protection(struct cgroup *cgrp);
int memresv_cgfs_owner(struct cgroup *cgrp);
int memresv_cgfs_conflict(struct memresv_cgfs_group *g, u64 *found, u64 *ours);
void memresv_cgfs_forget_value(struct memresv_cgfs_group *g, int file,
			       u64 found);

#endif /* _MEMRESV_CGFS_H */
