// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: reading and writing a cgroup's memory interface files.
 *
 * memcg's setters (page_counter_set_max() and friends) are not exported to
 * modules, so limits are written through the group's own memory.* files on
 * a private kern_mount() of cgroup2: the same code path as a write from user
 * space, with the kernel's reclaim and protection semantics on every kernel.
 * Usage is read from the memcg counters, which is cheap and never sleeps.
 *
 * Writes can block in reclaim for milliseconds: callers must not hold
 * memresv_lock across any function here.
 */
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/mount.h>
#include <linux/page_counter.h>
#include <linux/psi_types.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cgfs.h"

static struct vfsmount *cgfs_mnt;

/**
 * memresv_cgfs_init() - mount cgroup2 privately for memresv's own use
 *
 * Return: 0 or a negative errno.
 */
int memresv_cgfs_init(void)
{
	struct file_system_type *type;
	struct vfsmount *mnt;

	/* cgroup2 is built in: get_fs_type() takes no module reference. */
	type = get_fs_type("cgroup2");
	if (!type)
		return -ENODEV;
	mnt = kern_mount(type);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	cgfs_mnt = mnt;
	return 0;
}

/**
 * memresv_cgfs_exit() - drop the private cgroup2 mount
 */
void memresv_cgfs_exit(void)
{
	kern_unmount(cgfs_mnt);
	cgfs_mnt = NULL;
}

static struct file *cgfs_open(struct cgroup *cgrp, const char *name, int flags)
{
	struct file *file;
	char *path;
	int len;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return ERR_PTR(-ENOMEM);
	len = cgroup_path(cgrp, path, PATH_MAX);
	if (len < 0) {
		file = ERR_PTR(len);
		goto out;
	}
	if (len + strlen(name) + 2 > PATH_MAX) {
		file = ERR_PTR(-ENAMETOOLONG);
		goto out;
	}
	strcat(path, "/");
	strcat(path, name);
	/* cgroup_path() starts with '/'; resolve below the mount's root. */
	file = file_open_root_mnt(cgfs_mnt, path + 1, flags, 0);
out:
	kfree(path);
	return file;
}

static int cgfs_write_str(struct cgroup *cgrp, const char *name,
			  const char *buf)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	file = cgfs_open(cgrp, name, O_WRONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, buf, strlen(buf), &pos);
	fput(file);
	return ret < 0 ? ret : 0;
}

static int cgfs_write(struct cgroup *cgrp, const char *name, u64 val)
{
	char buf[24];

	if (val == MEMRESV_CGFS_MAX)
		strscpy(buf, "max", sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%llu", val);
	return cgfs_write_str(cgrp, name, buf);
}

/**
 * memresv_cgfs_read() - read a single-value memory file ("max" or a number)
 * @cgrp: the group
 * @name: file name, e.g. "memory.max"
 * @val: the value; MEMRESV_CGFS_MAX for "max"
 *
 * Return: 0 or a negative errno (-ENOENT when the file does not exist).
 */
int memresv_cgfs_read(struct cgroup *cgrp, const char *name, u64 *val)
{
	struct file *file;
	loff_t pos = 0;
	char buf[32];
	ssize_t len;

	file = cgfs_open(cgrp, name, O_RDONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	len = kernel_read(file, buf, sizeof(buf) - 1, &pos);
	fput(file);
	if (len < 0)
		return len;
	buf[len] = '\0';
	strim(buf);
	if (!strcmp(buf, "max")) {
		*val = MEMRESV_CGFS_MAX;
		return 0;
	}
	return kstrtou64(buf, 10, val);
}

/**
 * memresv_cgfs_has_memory() - is the memory controller enabled on @cgrp?
 * @cgrp: the group
 *
 * Return: true when @cgrp has its own memory css (its parent lists "memory"
 * in cgroup.subtree_control), so its memory.* files exist.
 */
bool memresv_cgfs_has_memory(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *css;
	bool own;

	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return false;
	own = css->cgroup == cgrp;
	css_put(css);
	return own;
}

static u64 cgfs_counter(struct cgroup *cgrp, bool swap)
{
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
	u64 pages;

	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return 0;
	memcg = mem_cgroup_from_css(css);
	pages = page_counter_read(swap ? &memcg->swap : &memcg->memory);
	css_put(css);
	return pages << PAGE_SHIFT;
}

/**
 * memresv_cgfs_usage() - memory.current of @cgrp, from the memcg counter
 * @cgrp: the group
 *
 * Return: bytes charged to the group.
 */
u64 memresv_cgfs_usage(struct cgroup *cgrp)
{
	return cgfs_counter(cgrp, false);
}

/**
 * memresv_cgfs_swap_usage() - memory.swap.current of @cgrp
 * @cgrp: the group
 *
 * Return: bytes of swap charged to the group.
 */
u64 memresv_cgfs_swap_usage(struct cgroup *cgrp)
{
	return cgfs_counter(cgrp, true);
}

/* inactive_file of memory.stat: the cache the kernel would reclaim first. */
static u64 cgfs_inactive_file(struct cgroup *cgrp)
{
	static const char key[] = "\ninactive_file ";
	struct file *file;
	loff_t pos = 0;
	u64 val = 0;
	ssize_t len;
	char *buf, *p;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return 0;
	file = cgfs_open(cgrp, "memory.stat", O_RDONLY);
	if (IS_ERR(file))
		goto out;
	len = kernel_read(file, buf, PAGE_SIZE - 1, &pos);
	fput(file);
	if (len <= 0)
		goto out;
	buf[len] = '\0';
	p = strstr(buf, key);
	if (p) {
		p += sizeof(key) - 1;
		p[strcspn(p, "\n")] = '\0';
		if (kstrtou64(p, 10, &val))
			val = 0;
	}
out:
	kfree(buf);
	return val;
}

/**
 * memresv_cgfs_sample() - what the balancer needs to estimate demand
 * @cgrp: the group
 * @s: filled in
 *
 * Counters are read directly; memory.stat only for a group that uses
 * memory, so idle groups cost no file I/O.  May sleep.
 */
void memresv_cgfs_sample(struct cgroup *cgrp, struct memresv_sample *s)
{
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;
	struct psi_group *psi __maybe_unused;

	memset(s, 0, sizeof(*s));
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return;
	memcg = mem_cgroup_from_css(css);
	s->usage = (u64)page_counter_read(&memcg->memory) << PAGE_SHIFT;
	s->swap = (u64)page_counter_read(&memcg->swap) << PAGE_SHIFT;
	s->high_events = atomic_long_read(&memcg->memory_events[MEMCG_HIGH]);
	css_put(css);
#ifdef CONFIG_PSI
	/* NULL when PSI is off (psi=0); the averages move every 2 s. */
	psi = READ_ONCE(cgrp->psi);
	if (psi)
		s->pressure = min_t(unsigned long,
				    READ_ONCE(psi->avg[PSI_MEM_SOME][0]) >> FSHIFT,
				    100);
#endif
	if (s->usage)
		s->inactive_file = cgfs_inactive_file(cgrp);
}

/**
 * memresv_cgfs_save() - remember what the files hold before memresv writes
 * @cgrp: the group
 * @saved: filled with the current values
 *
 * Return: 0, -ENOENT when the memory controller is not enabled on @cgrp, or
 * another negative errno.
 */
int memresv_cgfs_save(struct cgroup *cgrp, struct memresv_cgfs_saved *saved)
{
	struct memresv_limits *l = &saved->limits;
	int err;

	err = memresv_cgfs_read(cgrp, "memory.min", &l->min);
	if (!err)
		err = memresv_cgfs_read(cgrp, "memory.high", &l->high);
	if (!err)
		err = memresv_cgfs_read(cgrp, "memory.max", &l->max);
	if (err)
		return err;
	/* memory.swap.max is missing when swap accounting is off. */
	err = memresv_cgfs_read(cgrp, "memory.swap.max", &l->swap_max);
	saved->have_swap = !err;
	if (err == -ENOENT)
		err = 0;
	return err;
}

/*
 * Lowering memory.max below usage makes the kernel reclaim and, failing
 * that, OOM-kill.  memresv never lets a limit change kill a workload: raise
 * pressure first (memory.high, memory.reclaim) and give up with -EBUSY when
 * usage does not come down below the new maximum.
 */
/**
 * memresv_cgfs_make_room() - get usage under a maximum about to be set
 * @cgrp: the group
 * @max: the new maximum
 * @applied: what the files hold; memory.high may be left at @max
 *
 * Return: 0 when usage is at or below @max; -EBUSY when reclaim could not
 * get it there (memory.high is put back).
 */
int memresv_cgfs_make_room(struct cgroup *cgrp, u64 max,
			   struct memresv_limits *applied)
{
	char buf[24];
	u64 usage;
	int err;

	usage = memresv_cgfs_usage(cgrp);
	if (usage <= max)
		return 0;
	err = cgfs_write(cgrp, "memory.high", max);
	if (err)
		return err;
	usage = memresv_cgfs_usage(cgrp);
	if (usage > max) {
		snprintf(buf, sizeof(buf), "%llu", usage - max);
		/* -EAGAIN: could not reclaim all of it; judged below. */
		cgfs_write_str(cgrp, "memory.reclaim", buf);
		usage = memresv_cgfs_usage(cgrp);
	}
	if (usage > max) {
		cgfs_write(cgrp, "memory.high", applied->high);
		return -EBUSY;
	}
	applied->high = max;
	return 0;
}

static int cgfs_lower_max(struct cgroup *cgrp, u64 max,
			  struct memresv_limits *applied)
{
	int err;

	err = memresv_cgfs_make_room(cgrp, max, applied);
	if (err)
		return err;
	err = cgfs_write(cgrp, "memory.max", max);
	if (!err)
		applied->max = max;
	return err;
}

static int cgfs_update(struct cgroup *cgrp, const char *name, u64 want,
		       u64 *applied)
{
	int err;

	if (*applied == want)
		return 0;
	err = cgfs_write(cgrp, name, want);
	if (!err)
		*applied = want;
	return err;
}

/**
 * memresv_cgfs_apply() - bring the files to @want, writing only what changed
 * @cgrp: the group
 * @want: the values memresv wants
 * @applied: what the files hold now (as far as memresv wrote them); updated
 *	with every successful write
 * @have_swap: memory.swap.max exists
 *
 * Swap room is raised first and taken away last, and memory.max is lowered
 * only when usage can be reclaimed below it, so no step OOM-kills.
 *
 * Return: 0; -EBUSY when usage cannot be brought under a lower maximum (the
 * old maximum stays, everything else is written); another negative errno
 * when a write failed (-ENOENT, -ENODEV: the group is being removed).
 */
int memresv_cgfs_apply(struct cgroup *cgrp, const struct memresv_limits *want,
		       struct memresv_limits *applied, bool have_swap)
{
	int err, busy;

	if (have_swap && want->swap_max > applied->swap_max) {
		err = cgfs_update(cgrp, "memory.swap.max", want->swap_max,
				  &applied->swap_max);
		if (err)
			return err;
	}
	if (want->max < applied->max)
		busy = cgfs_lower_max(cgrp, want->max, applied);
	else
		busy = cgfs_update(cgrp, "memory.max", want->max, &applied->max);
	if (busy && busy != -EBUSY)
		return busy;
	/* A maximum that cannot come down yet does not hold up the rest. */
	err = cgfs_update(cgrp, "memory.high", want->high, &applied->high);
	if (err)
		return err;
	err = cgfs_update(cgrp, "memory.min", want->min, &applied->min);
	if (err)
		return err;
	if (have_swap)
		err = cgfs_update(cgrp, "memory.swap.max", want->swap_max,
				  &applied->swap_max);
	return err ? err : busy;
}

/**
 * memresv_cgfs_restore() - put back what the files held before memresv
 * @cgrp: the group
 * @saved: the values memresv_cgfs_save() found
 * @applied: what the files hold now; updated
 *
 * When usage no longer fits under the saved memory.max, everything else is
 * restored and memory.max keeps its current value rather than OOM-kill.
 *
 * Return: 0, -EBUSY when memory.max could not be restored, or another
 * negative errno.
 */
int memresv_cgfs_restore(struct cgroup *cgrp,
			 const struct memresv_cgfs_saved *saved,
			 struct memresv_limits *applied)
{
	return memresv_cgfs_apply(cgrp, &saved->limits, applied,
				  saved->have_swap);
}
