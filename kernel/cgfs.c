// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: reading and writing a cgroup's memory interface files.
 *
 * memcg's setters (page_counter_set_max() and friends) are not exported to
 * modules, so limits are written through the group's own memory.* files on
 * a private kern_mount() of cgroup2: the same code path as a write from user
 * space, with the kernel's reclaim and protection semantics on every kernel.
 * Reading is not setting: usage, events and the limits a group had before
 * memresv came are read from the memcg's counters, which is cheap and never
 * sleeps.  Only inactive_file comes from memory.stat (its counter is not
 * reachable from a module on every kernel).
 *
 * Opening a cgroup file costs most of a write (the path walk and kernfs's
 * open), so the limit files memresv writes are kept open for the groups
 * changed most recently: a small host-wide cache, least recently used
 * closed first.  Keeping every group's files open would cost each
 * reservation about 900 bytes per file.
 *
 * Writes can block in reclaim for milliseconds: callers must not hold
 * memresv_lock across any function here that writes.
 */
#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/page_counter.h>
#include <linux/psi_types.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "cgfs.h"

static struct vfsmount *cgfs_mnt;

/* The files memresv opens; the first CGFS_CACHED are kept open. */
enum cgfs_file {
	CGFS_MIN,
	CGFS_HIGH,
	CGFS_MAX,
	CGFS_SWAP_MAX,
	CGFS_CACHED,
	CGFS_RECLAIM = CGFS_CACHED,
	CGFS_STAT,
	CGFS_FILES,
};

static const char *const cgfs_names[CGFS_FILES] = {
	[CGFS_MIN] = "memory.min",
	[CGFS_HIGH] = "memory.high",
	[CGFS_MAX] = "memory.max",
	[CGFS_SWAP_MAX] = "memory.swap.max",
	[CGFS_RECLAIM] = "memory.reclaim",
	[CGFS_STAT] = "memory.stat",
};

/* About 900 bytes of kernel memory per open cgroup file. */
#define CGFS_CACHE_SIZE	64

/**
 * struct cgfs_slot - one open file of the cache
 * @lru: in cgfs_lru, most recently used first; free slots last
 * @cgrp: the group, or NULL for a free slot
 * @idx: which file
 * @file: the file, opened for writing
 *
 * Every writer holds a reference on the reservation of @cgrp, which holds
 * the group; the reservation's release forgets the group's slots before
 * the group can go, so @cgrp never names a freed group.
 */
struct cgfs_slot {
	struct list_head lru;
	struct cgroup *cgrp;
	enum cgfs_file idx;
	struct file *file;
};

static struct cgfs_slot cgfs_slots[CGFS_CACHE_SIZE];
static LIST_HEAD(cgfs_lru);
static DEFINE_MUTEX(cgfs_cache_lock);

/* memory.swap.max exists in every group or in none (swapaccount=). */
static int cgfs_swap_files = -1;

/*
 * The hierarchy-wide options of cgroup2 (cgrp_dfl_root.flags), as its mount
 * options name them.  Every new mount of cgroup2 in the initial cgroup
 * namespace applies its options to the whole hierarchy
 * (apply_cgroup_root_flags()): mounted without them, memresv's private
 * mount would turn off the host's nsdelegate and memory_recursiveprot
 * (systemd mounts with both).  The last two flags came with Linux 6.6 and
 * 6.12 and have no name in older headers; older kernels never set their
 * bits.
 */
static const struct {
	unsigned int flag;
	const char *name;
} cgfs_root_opts[] = {
	{ CGRP_ROOT_NS_DELEGATE, "nsdelegate" },
	{ CGRP_ROOT_FAVOR_DYNMODS, "favordynmods" },
	{ CGRP_ROOT_MEMORY_LOCAL_EVENTS, "memory_localevents" },
	{ CGRP_ROOT_MEMORY_RECURSIVE_PROT, "memory_recursiveprot" },
	{ BIT(19), "memory_hugetlb_accounting" },
	{ BIT(20), "pids_localevents" },
};

/**
 * memresv_cgfs_init() - mount cgroup2 privately for memresv's own use
 *
 * The mount carries the options the hierarchy has now, so that making it
 * changes none of them.
 *
 * Return: 0 or a negative errno.
 */
int memresv_cgfs_init(void)
{
	unsigned int flags = READ_ONCE(cgrp_dfl_root.flags);
	struct file_system_type *type;
	struct vfsmount *mnt;
	char opts[128] = "";
	int i;

	for (i = 0; i < ARRAY_SIZE(cgfs_root_opts); i++) {
		if (!(flags & cgfs_root_opts[i].flag))
			continue;
		if (opts[0])
			strlcat(opts, ",", sizeof(opts));
		strlcat(opts, cgfs_root_opts[i].name, sizeof(opts));
	}
	/* cgroup2 is built in: get_fs_type() takes no module reference. */
	type = get_fs_type("cgroup2");
	if (!type)
		return -ENODEV;
	/*
	 * kern_mount() takes no options.  This mount is not marked internal,
	 * so closing a file on it takes the mount lock: one more reason to
	 * keep the files memresv writes open.
	 */
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, opts);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	cgfs_mnt = mnt;
	for (i = 0; i < CGFS_CACHE_SIZE; i++)
		list_add_tail(&cgfs_slots[i].lru, &cgfs_lru);
	return 0;
}

/**
 * memresv_cgfs_exit() - close what is cached, drop the private mount
 *
 * Every reservation is gone by now, and with it every cached file; the
 * delayed closes of files put by workers are finished before the mount
 * goes.
 */
void memresv_cgfs_exit(void)
{
	struct cgfs_slot *slot;

	list_for_each_entry(slot, &cgfs_lru, lru) {
		if (WARN_ON_ONCE(slot->file))
			fput(slot->file);
	}
	INIT_LIST_HEAD(&cgfs_lru);
	flush_delayed_fput();
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

/* cgfs_cache_lock held. */
static struct cgfs_slot *cgfs_cache_find(struct cgroup *cgrp,
					 enum cgfs_file idx)
{
	struct cgfs_slot *slot;

	list_for_each_entry(slot, &cgfs_lru, lru) {
		if (!slot->cgrp)
			break;		/* free slots come last */
		if (slot->cgrp == cgrp && slot->idx == idx)
			return slot;
	}
	return NULL;
}

/*
 * One of the limit files of @cgrp, open for writing: from the cache, or
 * opened now and cached in place of the least recently used.  The caller
 * puts the file.
 */
static struct file *cgfs_cached_open(struct cgroup *cgrp, enum cgfs_file idx)
{
	struct file *file, *old = NULL;
	struct cgfs_slot *slot;

	mutex_lock(&cgfs_cache_lock);
	slot = cgfs_cache_find(cgrp, idx);
	if (slot) {
		list_move(&slot->lru, &cgfs_lru);
		file = get_file(slot->file);
		mutex_unlock(&cgfs_cache_lock);
		return file;
	}
	mutex_unlock(&cgfs_cache_lock);

	file = cgfs_open(cgrp, cgfs_names[idx], O_WRONLY);
	if (IS_ERR(file))
		return file;

	mutex_lock(&cgfs_cache_lock);
	/* Another writer may have cached it meanwhile: keep theirs. */
	if (!cgfs_cache_find(cgrp, idx)) {
		slot = list_last_entry(&cgfs_lru, struct cgfs_slot, lru);
		old = slot->file;
		slot->cgrp = cgrp;
		slot->idx = idx;
		slot->file = get_file(file);
		list_move(&slot->lru, &cgfs_lru);
	}
	mutex_unlock(&cgfs_cache_lock);
	if (old)
		fput(old);
	return file;
}

/**
 * memresv_cgfs_forget() - close the files kept open for a group
 * @cgrp: the group, whose reservation is being freed
 *
 * May be called with memresv_lock held (it nests outside the cache's lock).
 */
void memresv_cgfs_forget(struct cgroup *cgrp)
{
	struct file *files[CGFS_CACHED];
	struct cgfs_slot *slot, *tmp;
	int n = 0;

	mutex_lock(&cgfs_cache_lock);
	list_for_each_entry_safe(slot, tmp, &cgfs_lru, lru) {
		if (slot->cgrp != cgrp)
			continue;
		/* (group, file) is cached at most once. */
		files[n++] = slot->file;
		slot->cgrp = NULL;
		slot->file = NULL;
		list_move_tail(&slot->lru, &cgfs_lru);
		if (n == CGFS_CACHED)
			break;
	}
	mutex_unlock(&cgfs_cache_lock);
	while (n--)
		fput(files[n]);
}

static int cgfs_write_str(struct cgroup *cgrp, enum cgfs_file idx,
			  const char *buf)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	if (idx < CGFS_CACHED)
		file = cgfs_cached_open(cgrp, idx);
	else
		file = cgfs_open(cgrp, cgfs_names[idx], O_WRONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, buf, strlen(buf), &pos);
	fput(file);
	return ret < 0 ? ret : 0;
}

static int cgfs_write(struct cgroup *cgrp, enum cgfs_file idx, u64 val)
{
	char buf[24];

	if (val == MEMRESV_CGFS_MAX)
		strscpy(buf, "max", sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%llu", val);
	return cgfs_write_str(cgrp, idx, buf);
}

/* A page counter's limit in bytes, as its file shows it ("max" or bytes). */
static u64 cgfs_limit(unsigned long pages)
{
	return pages >= PAGE_COUNTER_MAX ? MEMRESV_CGFS_MAX :
	       (u64)pages << PAGE_SHIFT;
}

/**
 * memresv_cgfs_memcg_get() - the memory css of a group, if it has its own
 * @cgrp: the group
 *
 * Return: the group's memcg with a reference held, or NULL when the memory
 * controller is not enabled on @cgrp (its parent does not list "memory" in
 * cgroup.subtree_control), so that it has no memory.* files.
 */
struct mem_cgroup *memresv_cgfs_memcg_get(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *css;

	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (!css)
		return NULL;
	if (css->cgroup != cgrp) {
		css_put(css);
		return NULL;
	}
	return mem_cgroup_from_css(css);
}

/**
 * memresv_cgfs_memcg_put() - drop what memresv_cgfs_memcg_get() took
 * @memcg: the memcg
 */
void memresv_cgfs_memcg_put(struct mem_cgroup *memcg)
{
	css_put(&memcg->css);
}

/**
 * memresv_cgfs_memcg_gone() - has the memcg been taken offline?
 * @memcg: a memcg held by memresv
 *
 * Return: true when the group was removed or its memory controller was
 * disabled: its memory.* files are gone, and its charges went to the
 * parent.
 */
bool memresv_cgfs_memcg_gone(struct mem_cgroup *memcg)
{
	return !(READ_ONCE(memcg->css.flags) & CSS_ONLINE);
}

/**
 * memresv_cgfs_usage() - memory.current, from the memcg counter
 * @memcg: the group's memcg
 *
 * Return: bytes charged to the group.
 */
u64 memresv_cgfs_usage(struct mem_cgroup *memcg)
{
	return (u64)page_counter_read(&memcg->memory) << PAGE_SHIFT;
}

/**
 * memresv_cgfs_swap_usage() - memory.swap.current, from the memcg counter
 * @memcg: the group's memcg
 *
 * Return: bytes of swap charged to the group.
 */
u64 memresv_cgfs_swap_usage(struct mem_cgroup *memcg)
{
	return (u64)page_counter_read(&memcg->swap) << PAGE_SHIFT;
}

/**
 * memresv_cgfs_protection() - memory.min of any group, from its counter
 * @cgrp: the group
 *
 * Return: the group's memory.min in bytes; MEMRESV_CGFS_MAX when it has no
 * memory controller of its own (nothing is capped there).
 */
u64 memresv_cgfs_protection(struct cgroup *cgrp)
{
	struct mem_cgroup *memcg = memresv_cgfs_memcg_get(cgrp);
	u64 min;

	if (!memcg)
		return MEMRESV_CGFS_MAX;
	min = cgfs_limit(READ_ONCE(memcg->memory.min));
	memresv_cgfs_memcg_put(memcg);
	return min;
}

/**
 * memresv_cgfs_sample() - what the balancer needs of a group in use
 * @cgrp: the group
 * @memcg: its memcg
 * @s: filled in
 *
 * Counters only: never sleeps, so the balancer samples under its lock.
 * Usage is read on its own first (memresv_cgfs_usage()): an idle group
 * needs nothing more, and every other counter is further memory to touch.
 */
void memresv_cgfs_sample(struct cgroup *cgrp, struct mem_cgroup *memcg,
			 struct memresv_sample *s)
{
	struct psi_group *psi __maybe_unused;

	s->high_events = atomic_long_read(&memcg->memory_events[MEMCG_HIGH]);
	s->pressure = 0;
#ifdef CONFIG_PSI
	/* NULL when PSI is off (psi=0); the averages move every 2 s. */
	psi = READ_ONCE(cgrp->psi);
	if (psi)
		s->pressure = min_t(unsigned long,
				    READ_ONCE(psi->avg[PSI_MEM_SOME][0]) >> FSHIFT,
				    100);
#endif
}

/**
 * memresv_cgfs_inactive_file() - inactive_file of a group's memory.stat
 * @cgrp: the group
 *
 * The cache the kernel reclaims first.  memory.stat is formatted whole for
 * one value: the balancer reads it only when usage moved.  May sleep.
 *
 * Return: bytes, 0 when the file cannot be read.
 */
u64 memresv_cgfs_inactive_file(struct cgroup *cgrp)
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
	file = cgfs_open(cgrp, cgfs_names[CGFS_STAT], O_RDONLY);
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

/*
 * Swap accounting is chosen at boot: probe the first group memresv takes
 * for memory.swap.max and remember the answer.
 */
static int cgfs_have_swap(struct cgroup *cgrp, bool *have)
{
	int known = READ_ONCE(cgfs_swap_files);
	struct file *file;

	if (known < 0) {
		file = cgfs_open(cgrp, cgfs_names[CGFS_SWAP_MAX], O_RDONLY);
		if (IS_ERR(file) && PTR_ERR(file) != -ENOENT)
			return PTR_ERR(file);
		known = !IS_ERR(file);
		if (known)
			fput(file);
		WRITE_ONCE(cgfs_swap_files, known);
	}
	*have = known;
	return 0;
}

/**
 * memresv_cgfs_save() - remember what the files hold before memresv writes
 * @cgrp: the group
 * @memcg: its memcg
 * @saved: filled with the current values
 *
 * The values come from the page counters the files show.
 *
 * Return: 0 or a negative errno.
 */
int memresv_cgfs_save(struct cgroup *cgrp, struct mem_cgroup *memcg,
		      struct memresv_cgfs_saved *saved)
{
	struct memresv_limits *l = &saved->limits;

	l->min = cgfs_limit(READ_ONCE(memcg->memory.min));
	l->high = cgfs_limit(READ_ONCE(memcg->memory.high));
	l->max = cgfs_limit(READ_ONCE(memcg->memory.max));
	l->swap_max = cgfs_limit(READ_ONCE(memcg->swap.max));
	return cgfs_have_swap(cgrp, &saved->have_swap);
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
 * @memcg: its memcg
 * @max: the new maximum
 * @applied: what the files hold; memory.high may be left at @max
 *
 * Return: 0 when usage is at or below @max; -EBUSY when reclaim could not
 * get it there (memory.high is put back).
 */
int memresv_cgfs_make_room(struct cgroup *cgrp, struct mem_cgroup *memcg,
			   u64 max, struct memresv_limits *applied)
{
	char buf[24];
	u64 usage;
	int err;

	usage = memresv_cgfs_usage(memcg);
	if (usage <= max)
		return 0;
	err = cgfs_write(cgrp, CGFS_HIGH, max);
	if (err)
		return err;
	usage = memresv_cgfs_usage(memcg);
	if (usage > max) {
		snprintf(buf, sizeof(buf), "%llu", usage - max);
		/* -EAGAIN: could not reclaim all of it; judged below. */
		cgfs_write_str(cgrp, CGFS_RECLAIM, buf);
		usage = memresv_cgfs_usage(memcg);
	}
	if (usage > max) {
		cgfs_write(cgrp, CGFS_HIGH, applied->high);
		return -EBUSY;
	}
	applied->high = max;
	return 0;
}

static int cgfs_lower_max(struct cgroup *cgrp, struct mem_cgroup *memcg,
			  u64 max, struct memresv_limits *applied)
{
	int err;

	err = memresv_cgfs_make_room(cgrp, memcg, max, applied);
	if (err)
		return err;
	err = cgfs_write(cgrp, CGFS_MAX, max);
	if (!err)
		applied->max = max;
	return err;
}

static int cgfs_update(struct cgroup *cgrp, enum cgfs_file idx, u64 want,
		       u64 *applied)
{
	int err;

	if (*applied == want)
		return 0;
	err = cgfs_write(cgrp, idx, want);
	if (!err)
		*applied = want;
	return err;
}

/**
 * memresv_cgfs_apply() - bring the files to @want, writing only what changed
 * @cgrp: the group
 * @memcg: its memcg
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
int memresv_cgfs_apply(struct cgroup *cgrp, struct mem_cgroup *memcg,
		       const struct memresv_limits *want,
		       struct memresv_limits *applied, bool have_swap)
{
	int err, busy;

	if (have_swap && want->swap_max > applied->swap_max) {
		err = cgfs_update(cgrp, CGFS_SWAP_MAX, want->swap_max,
				  &applied->swap_max);
		if (err)
			return err;
	}
	if (want->max < applied->max)
		busy = cgfs_lower_max(cgrp, memcg, want->max, applied);
	else
		busy = cgfs_update(cgrp, CGFS_MAX, want->max, &applied->max);
	if (busy && busy != -EBUSY)
		return busy;
	/* A maximum that cannot come down yet does not hold up the rest. */
	err = cgfs_update(cgrp, CGFS_HIGH, want->high, &applied->high);
	if (err)
		return err;
	err = cgfs_update(cgrp, CGFS_MIN, want->min, &applied->min);
	if (err)
		return err;
	if (have_swap)
		err = cgfs_update(cgrp, CGFS_SWAP_MAX, want->swap_max,
				  &applied->swap_max);
	return err ? err : busy;
}

/**
 * memresv_cgfs_restore() - put back what the files held before memresv
 * @cgrp: the group
 * @memcg: its memcg
 * @saved: the values memresv_cgfs_save() found
 * @applied: what the files hold now; updated
 *
 * When usage no longer fits under the saved memory.max, everything else is
 * restored and memory.max keeps its current value rather than OOM-kill.
 *
 * Return: 0, -EBUSY when memory.max could not be restored, or another
 * negative errno.
 */
int memresv_cgfs_restore(struct cgroup *cgrp, struct mem_cgroup *memcg,
			 const struct memresv_cgfs_saved *saved,
			 struct memresv_limits *applied)
{
	return memresv_cgfs_apply(cgrp, memcg, &saved->limits, applied,
				  saved->have_swap);
}
