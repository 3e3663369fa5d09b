// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: reading and writing a cgroup's memory interface files.
 *
 * memcg's setters (page_counter_set_max() and friends) are not exported to
 * modules, so limits are written through the group's own memory.* files on
 * a private mount of cgroup2: the same code path as a write from user
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
 * A file is found by its path, but a path names whatever group holds it
 * now: after an rmdir and a mkdir of the same name it names a new,
 * unrelated group.  So every open checks that the directory it found is
 * the one memresv admitted (its inode number is the cgroup id, which is
 * never reused), and a group made later under the same name is never
 * written.  A file kept open refers to its group for good: once the group
 * is removed, writes to it fail with ENODEV.
 *
 * Writes can block in reclaim for milliseconds: callers must not hold
 * memresv_lock across any function here that writes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/page_counter.h>
#include <linux/psi_types.h>
#include <linux/sched/task.h>
#include <linux/sched/loadavg.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/xattr.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "err.h"

/*
 * The files are written from here, asynchronously, when a change is a side
 * effect (another reservation's admission, the balancer, an ancestor's
 * protection).  Writes block in reclaim: unbound, and with a rescuer, as
 * shrinking a target is how memory is freed under pressure.
 */
struct workqueue_struct *memresv_wq;

static struct vfsmount *cgfs_mnt;
/*
 * Files are opened as the kernel, not as whoever's request happens to open
 * them: the requester's authority was checked (CAP_SYS_ADMIN), and a file
 * kept open serves every later writer, the workqueue's too.
 */
static const struct cred *cgfs_cred;

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
 * @group: the group it belongs to, or NULL for a free slot
 * @idx: which file
 * @file: the file, opened for writing
 *
 * A group's owner forgets its slots (memresv_cgfs_release()) before the
 * group's memory goes, so @group never names a freed group; two owners of
 * the same cgroup (a reservation and a refused duplicate) have slots of
 * their own.
 */
struct cgfs_slot {
	struct list_head lru;
	const struct memresv_cgfs_group *group;
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

/* The options of cgroup2's hierarchy now, as mount options, into @buf. */
static void cgfs_mount_opts(char *buf, size_t len)
{
	unsigned int flags = READ_ONCE(cgrp_dfl_root.flags);
	int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(cgfs_root_opts); i++) {
		if (!(flags & cgfs_root_opts[i].flag))
			continue;
		if (buf[0])
			strlcat(buf, ",", len);
		strlcat(buf, cgfs_root_opts[i].name, len);
	}
}

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
	struct file_system_type *type;
	struct vfsmount *mnt;
	char opts[128];
	int i;

	cgfs_mount_opts(opts, sizeof(opts));
	/* cgroup2 is built in: get_fs_type() takes no module reference. */
	type = get_fs_type("cgroup2");
	if (!type)
		return -ENODEV;
	memresv_wq = alloc_workqueue("memresv", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!memresv_wq)
		return -ENOMEM;
	cgfs_cred = prepare_kernel_cred(&init_task);
	if (!cgfs_cred)
		goto err_cred;
	/*
	 * kern_mount() takes no options.  This mount is not marked internal,
	 * so closing a file on it takes the mount lock: one more reason to
	 * keep the files memresv writes open.
	 */
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, opts);
	if (IS_ERR(mnt)) {
		put_cred(cgfs_cred);
		destroy_workqueue(memresv_wq);
		return PTR_ERR(mnt);
	}
	cgfs_mnt = mnt;
	for (i = 0; i < CGFS_CACHE_SIZE; i++)
		list_add_tail(&cgfs_slots[i].lru, &cgfs_lru);
	return 0;

err_cred:
	destroy_workqueue(memresv_wq);
	return -ENOMEM;
}

/**
 * memresv_cgfs_exit() - close what is cached, drop the private mount
 *
 * Every group is released by now, and with it every cached file; the
 * workqueue is drained, and the delayed closes of files put by workers are
 * finished before the mount goes.
 */
void memresv_cgfs_exit(void)
{
	struct cgfs_slot *slot;

	destroy_workqueue(memresv_wq);
	list_for_each_entry(slot, &cgfs_lru, lru) {
		if (WARN_ON_ONCE(slot->file))
			fput(slot->file);
	}
	INIT_LIST_HEAD(&cgfs_lru);
	flush_delayed_fput();
	kern_unmount(cgfs_mnt);
	cgfs_mnt = NULL;
	put_cred(cgfs_cred);
}

/* Is @dentry (@name: a file in it, else itself) the group with id @id? */
static bool cgfs_in_group(struct dentry *dentry, u64 id, const char *name)
{
	struct dentry *dir = name ? dget_parent(dentry) : dget(dentry);
	bool same = d_inode(dir)->i_ino == (ino_t)id;

	dput(dir);
	return same;
}

/*
 * Open a file of the group @cgrp with id @id, or with a NULL @name the
 * group's directory.  Return: the file, or ERR_PTR(-ENOENT) when the path
 * now leads to another group (ours was removed).
 */
static struct file *cgfs_open_in(struct cgroup *cgrp, u64 id,
				 const char *name, int flags)
{
	const struct cred *old;
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
	if (name && len + strlen(name) + 2 > PATH_MAX) {
		file = ERR_PTR(-ENAMETOOLONG);
		goto out;
	}
	if (name) {
		strcat(path, "/");
		strcat(path, name);
	}
	/* cgroup_path() starts with '/'; resolve below the mount's root. */
	old = override_creds(cgfs_cred);
	file = file_open_root_mnt(cgfs_mnt, path[1] ? path + 1 : ".", flags, 0);
	revert_creds(old);
	if (!IS_ERR(file) && !cgfs_in_group(file->f_path.dentry, id, name)) {
		fput(file);
		file = ERR_PTR(-ENOENT);
	}
out:
	kfree(path);
	return file;
}

static struct file *cgfs_open(const struct memresv_cgfs_group *g,
			      enum cgfs_file idx, int flags)
{
	return cgfs_open_in(g->cgrp, g->id, cgfs_names[idx], flags);
}

/* cgfs_cache_lock held. */
static struct cgfs_slot *cgfs_cache_find(const struct memresv_cgfs_group *g,
					 enum cgfs_file idx)
{
	struct cgfs_slot *slot;

	lockdep_assert_held(&cgfs_cache_lock);
	list_for_each_entry(slot, &cgfs_lru, lru) {
		if (!slot->group)
			break;		/* free slots come last */
		if (slot->group == g && slot->idx == idx)
			return slot;
	}
	return NULL;
}

/*
 * One of the limit files of @g, open for writing: from the cache, or
 * opened now and cached in place of the least recently used.  The caller
 * puts the file.
 */
static struct file *cgfs_cached_open(const struct memresv_cgfs_group *g,
				     enum cgfs_file idx)
{
	struct file *file, *old = NULL;
	struct cgfs_slot *slot;

	mutex_lock(&cgfs_cache_lock);
	slot = cgfs_cache_find(g, idx);
	if (slot) {
		list_move(&slot->lru, &cgfs_lru);
		file = get_file(slot->file);
		mutex_unlock(&cgfs_cache_lock);
		return file;
	}
	mutex_unlock(&cgfs_cache_lock);

	file = cgfs_open(g, idx, O_WRONLY);
	if (IS_ERR(file))
		return file;

	mutex_lock(&cgfs_cache_lock);
	/* Another writer may have cached it meanwhile: keep theirs. */
	if (!cgfs_cache_find(g, idx)) {
		slot = list_last_entry(&cgfs_lru, struct cgfs_slot, lru);
		old = slot->file;
		slot->group = g;
		slot->idx = idx;
		slot->file = get_file(file);
		list_move(&slot->lru, &cgfs_lru);
	}
	mutex_unlock(&cgfs_cache_lock);
	if (old)
		fput(old);
	return file;
}

/* Close the files kept open for @g. */
static void cgfs_forget(const struct memresv_cgfs_group *g)
{
	struct file *files[CGFS_CACHED];
	struct cgfs_slot *slot, *tmp;
	int n = 0;

	mutex_lock(&cgfs_cache_lock);
	list_for_each_entry_safe(slot, tmp, &cgfs_lru, lru) {
		if (slot->group != g)
			continue;
		/* (group, file) is cached at most once. */
		files[n++] = slot->file;
		slot->group = NULL;
		slot->file = NULL;
		list_move_tail(&slot->lru, &cgfs_lru);
		if (n == CGFS_CACHED)
			break;
	}
	mutex_unlock(&cgfs_cache_lock);
	while (n--)
		fput(files[n]);
}

static int cgfs_write_str(const struct memresv_cgfs_group *g,
			  enum cgfs_file idx, const char *buf)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	if (idx < CGFS_CACHED)
		file = cgfs_cached_open(g, idx);
	else
		file = cgfs_open(g, idx, O_WRONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, buf, strlen(buf), &pos);
	fput(file);
	return ret < 0 ? ret : 0;
}

static int cgfs_write(const struct memresv_cgfs_group *g, enum cgfs_file idx,
		      u64 val)
{
	char buf[24];

	if (val == MEMRESV_CGFS_MAX)
		strscpy(buf, "max", sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%llu", val);
	return cgfs_write_str(g, idx, buf);
}

/* A page counter's limit in bytes, as its file shows it ("max" or bytes). */
static u64 cgfs_limit(unsigned long pages)
{
	return pages >= PAGE_COUNTER_MAX ? MEMRESV_CGFS_MAX :
	       (u64)pages << PAGE_SHIFT;
}

/*
 * The memory css of a group, if it has its own: NULL when the memory
 * controller is not enabled on @cgrp (its parent does not list "memory" in
 * cgroup.subtree_control), so that it has no memory.* files.
 */
static struct mem_cgroup *cgfs_memcg_get(struct cgroup *cgrp)
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

/*
 * Swap accounting is chosen at boot: probe the first group memresv takes
 * for memory.swap.max and remember the answer.
 */
static int cgfs_have_swap(const struct memresv_cgfs_group *g, bool *have)
{
	int known = READ_ONCE(cgfs_swap_files);
	struct file *file;

	if (known < 0) {
		file = cgfs_open(g, CGFS_SWAP_MAX, O_RDONLY);
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
 * memresv_cgfs_resave() - save what a group's files hold now, again
 * @g: a group memresv_cgfs_take() filled in, not written since
 *
 * For a caller that learns the values it saved were not the group's own
 * (memresv's protection on it was still being given back).  Reads the
 * page counters only: may be called with memresv_lock held.
 */
void memresv_cgfs_resave(struct memresv_cgfs_group *g)
{
	struct memresv_limits *l = &g->saved;
	struct mem_cgroup *memcg = g->memcg;

	l->min = cgfs_limit(READ_ONCE(memcg->memory.min));
	l->high = cgfs_limit(READ_ONCE(memcg->memory.high));
	l->max = cgfs_limit(READ_ONCE(memcg->memory.max));
	l->swap_max = cgfs_limit(READ_ONCE(memcg->swap.max));
	g->applied = *l;
}

/**
 * memresv_cgfs_take() - start writing a group's files
 * @g: filled in
 * @cgrp: the group
 * @e: why not
 *
 * Takes references on the group and on its memory css, and saves what the
 * files hold now (from the page counters the files show) for
 * memresv_cgfs_restore().
 *
 * Return: 0; -EOPNOTSUPP when the group has no memory controller of its
 * own; another negative errno.  On error nothing is held.
 */
int memresv_cgfs_take(struct memresv_cgfs_group *g, struct cgroup *cgrp,
		      struct memresv_err *e)
{
	struct mem_cgroup *memcg;
	int err;

	memcg = cgfs_memcg_get(cgrp);
	if (!memcg) {
		memresv_err(e, "the memory controller is not enabled in the cgroup's parent");
		return -EOPNOTSUPP;
	}
	cgroup_get(cgrp);
	g->cgrp = cgrp;
	g->memcg = memcg;
	g->id = cgroup_id(cgrp);
	memresv_cgfs_resave(g);
	err = cgfs_have_swap(g, &g->have_swap);
	if (err) {
		memresv_err(e, "cannot read the cgroup's memory files: error %d",
			    err);
		memresv_cgfs_release(g);
	}
	return err;
}

/**
 * memresv_cgfs_release() - done with a group: close its files, drop it
 * @g: a group memresv_cgfs_take() filled in
 *
 * May be called with memresv_lock held (it nests outside the cache's lock).
 */
void memresv_cgfs_release(struct memresv_cgfs_group *g)
{
	cgfs_forget(g);
	css_put(&g->memcg->css);
	cgroup_put(g->cgrp);
	g->memcg = NULL;
	g->cgrp = NULL;
}

/**
 * memresv_cgfs_gone() - has the group's memory css been taken offline?
 * @g: the group
 *
 * Return: true when the group was removed or its memory controller was
 * disabled: its memory.* files are gone, and its charges went to the
 * parent.
 */
bool memresv_cgfs_gone(const struct memresv_cgfs_group *g)
{
	return !(READ_ONCE(g->memcg->css.flags) & CSS_ONLINE);
}

/**
 * memresv_cgfs_usage() - memory.current, from the memcg counter
 * @g: the group
 *
 * Return: bytes charged to the group.
 */
u64 memresv_cgfs_usage(const struct memresv_cgfs_group *g)
{
	return (u64)page_counter_read(&g->memcg->memory) << PAGE_SHIFT;
}

/**
 * memresv_cgfs_swap_usage() - memory.swap.current, from the memcg counter
 * @g: the group
 *
 * Return: bytes of swap charged to the group.
 */
u64 memresv_cgfs_swap_usage(const struct memresv_cgfs_group *g)
{
	return (u64)page_counter_read(&g->memcg->swap) << PAGE_SHIFT;
}

/**
 * memresv_cgfs_path() - a group's path as memresv names it
 * @cgrp: the group
 * @buf: room for the path
 * @len: size of @buf
 * @reader: for the current task: below the root of its cgroup namespace
 *	(where its /sys/fs/cgroup starts); otherwise below the cgroup2 root
 *
 * Paths have no leading '/'; the root itself is "".
 *
 * Return: 0; -ENOENT when @reader and the group is outside the task's
 * cgroup namespace (the task cannot see it); -ENAMETOOLONG.
 */
int memresv_cgfs_path(struct cgroup *cgrp, char *buf, size_t len, bool reader)
{
	int ret;

	if (reader)
		ret = cgroup_path_ns(cgrp, buf, len,
				     current->nsproxy->cgroup_ns);
	else
		ret = cgroup_path(cgrp, buf, len);
	if (ret < 0)
		return ret;
	if (ret >= len)
		return -ENAMETOOLONG;
	if (!strncmp(buf, "/..", 3))
		return -ENOENT;
	memmove(buf, buf + 1, ret);	/* with its NUL */
	return 0;
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
	struct mem_cgroup *memcg = cgfs_memcg_get(cgrp);
	u64 min;

	if (!memcg)
		return MEMRESV_CGFS_MAX;
	min = cgfs_limit(READ_ONCE(memcg->memory.min));
	css_put(&memcg->css);
	return min;
}

/**
 * memresv_cgfs_sample() - what the balancer needs of a group in use
 * @g: the group
 * @s: filled in
 *
 * Counters only: never sleeps, so the balancer samples under its lock.
 * Usage is read on its own first (memresv_cgfs_usage()): an idle group
 * needs nothing more, and every other counter is further memory to touch.
 */
void memresv_cgfs_sample(const struct memresv_cgfs_group *g,
			 struct memresv_sample *s)
{
	struct psi_group *psi __maybe_unused;

	s->high_events = atomic_long_read(&g->memcg->memory_events[MEMCG_HIGH]);
	s->pressure = 0;
#ifdef CONFIG_PSI
	/* NULL when PSI is off (psi=0); the averages move every 2 s. */
	psi = READ_ONCE(g->cgrp->psi);
	if (psi)
		s->pressure = min_t(unsigned long,
				    READ_ONCE(psi->avg[PSI_MEM_SOME][0]) >> FSHIFT,
				    100);
#endif
}

/**
 * memresv_cgfs_inactive_file() - inactive_file of a group's memory.stat
 * @g: the group
 *
 * The cache the kernel reclaims first.  memory.stat is formatted whole for
 * one value: the balancer reads it only when usage moved.  May sleep.
 *
 * Return: bytes, 0 when the file cannot be read.
 */
u64 memresv_cgfs_inactive_file(const struct memresv_cgfs_group *g)
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
	file = cgfs_open(g, CGFS_STAT, O_RDONLY);
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

/* The unit types systemd makes cgroups for; each names its cgroup. */
static const char *const cgfs_unit_types[] = {
	".slice", ".scope", ".service", ".socket", ".mount", ".swap",
};

static bool cgfs_unit_name(const char *name)
{
	size_t len = strlen(name), n;
	int i;

	for (i = 0; i < ARRAY_SIZE(cgfs_unit_types); i++) {
		n = strlen(cgfs_unit_types[i]);
		if (len > n && !strcmp(name + len - n, cgfs_unit_types[i]))
			return true;
	}
	return false;
}

/**
 * memresv_cgfs_owner() - who writes a group's memory files
 * @cgrp: the group
 *
 * systemd re-applies a unit's memory settings to the unit's cgroup
 * whenever it re-applies the unit (daemon-reload, set-property, restart):
 * that cgroup has one writer, and it is systemd.  systemd names each unit's
 * cgroup after the unit (machine.slice, foo.service, a VM's
 * machine-qemu\x2d1\x2dvm.scope), and marks some of them with the extended
 * attribute trusted.invocation_id (systemd 252 leaves it off slices and
 * delegated scopes, so the mark alone is not enough).  Delegated groups
 * below a unit and groups an administrator made outside systemd carry
 * neither a unit's name nor the mark.
 *
 * Return: MEMRESV_OWNER_SYSTEMD, MEMRESV_OWNER_MEMRESV (nobody else
 * claims it), or a negative errno.
 */
int memresv_cgfs_owner(struct cgroup *cgrp)
{
	struct dentry *dentry;
	struct file *dir;
	ssize_t ret;

	if (cgfs_unit_name(cgrp->kn->name))
		return MEMRESV_OWNER_SYSTEMD;
	dir = cgfs_open_in(cgrp, cgroup_id(cgrp), NULL, O_PATH | O_DIRECTORY);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	dentry = dir->f_path.dentry;
	ret = __vfs_getxattr(dentry, d_inode(dentry), "trusted.invocation_id",
			     NULL, 0);
	fput(dir);
	if (ret >= 0)
		return MEMRESV_OWNER_SYSTEMD;
	return ret == -ENODATA || ret == -EOPNOTSUPP ? MEMRESV_OWNER_MEMRESV : ret;
}

/**
 * memresv_cgfs_conflict() - did someone else write one of @g's files?
 * @g: the group; its owner serialises this with its own writes, so
 *	none of memresv's is under way
 * @found: the value the file holds now
 * @ours: the value memresv wrote there
 *
 * The page counters show what the files hold.  Never sleeps.
 *
 * Return: the first file that differs (enum memresv_file), or 0.
 */
int memresv_cgfs_conflict(struct memresv_cgfs_group *g, u64 *found, u64 *ours)
{
	const struct memresv_limits *a = &g->applied;
	struct mem_cgroup *memcg = g->memcg;
	u64 now[] = {
		cgfs_limit(READ_ONCE(memcg->memory.min)),
		cgfs_limit(READ_ONCE(memcg->memory.high)),
		cgfs_limit(READ_ONCE(memcg->memory.max)),
		cgfs_limit(READ_ONCE(memcg->swap.max)),
	};
	u64 want[] = { a->min, a->high, a->max, a->swap_max };
	int i, n = g->have_swap ? 4 : 3;

	for (i = 0; i < n; i++) {
		if (now[i] == want[i])
			continue;
		*found = now[i];
		*ours = want[i];
		return MEMRESV_FILE_MIN + i;
	}
	return 0;
}

/**
 * memresv_cgfs_forget_value() - make the next apply write a file again
 * @g: the group, serialised by its owner
 * @file: enum memresv_file
 * @found: what the file holds now
 */
void memresv_cgfs_forget_value(struct memresv_cgfs_group *g, int file,
			       u64 found)
{
	u64 *applied[] = {
		&g->applied.min, &g->applied.high, &g->applied.max,
		&g->applied.swap_max,
	};

	*applied[file - MEMRESV_FILE_MIN] = found;
}

/**
 * memresv_cgfs_make_room() - get usage under a maximum about to be set
 * @g: the group
 * @max: the new maximum
 *
 * Lowering memory.max below usage makes the kernel reclaim and, failing
 * that, OOM-kill.  memresv never lets a limit change kill a workload: it
 * raises pressure first (memory.high, memory.reclaim) and gives up when
 * usage does not come down.  memory.high may be left at @max.
 *
 * Return: 0 when usage is at or below @max; -EBUSY when reclaim could not
 * get it there (memory.high is put back); another negative errno.
 */
int memresv_cgfs_make_room(struct memresv_cgfs_group *g, u64 max)
{
	char buf[24];
	u64 usage;
	int err;

	usage = memresv_cgfs_usage(g);
	if (usage <= max)
		return 0;
	err = cgfs_write(g, CGFS_HIGH, max);
	if (err)
		return err;
	usage = memresv_cgfs_usage(g);
	if (usage > max) {
		snprintf(buf, sizeof(buf), "%llu", usage - max);
		/* -EAGAIN: could not reclaim all of it; judged below. */
		cgfs_write_str(g, CGFS_RECLAIM, buf);
		usage = memresv_cgfs_usage(g);
	}
	if (usage > max) {
		cgfs_write(g, CGFS_HIGH, g->applied.high);
		return -EBUSY;
	}
	g->applied.high = max;
	return 0;
}

static int cgfs_lower_max(struct memresv_cgfs_group *g, u64 max)
{
	int err;

	err = memresv_cgfs_make_room(g, max);
	if (err)
		return err;
	err = cgfs_write(g, CGFS_MAX, max);
	if (!err)
		g->applied.max = max;
	return err;
}

static int cgfs_update(struct memresv_cgfs_group *g, enum cgfs_file idx,
		       u64 want, u64 *applied)
{
	int err;

	if (*applied == want)
		return 0;
	err = cgfs_write(g, idx, want);
	if (!err)
		*applied = want;
	return err;
}

/**
 * memresv_cgfs_apply() - bring the files to @want, writing only what changed
 * @g: the group; @g->applied is updated with every successful write
 * @want: the values memresv wants
 *
 * Swap room is raised first and taken away last, and memory.max is lowered
 * only when usage can be reclaimed below it, so no step OOM-kills.
 *
 * Return: 0; -EBUSY when usage cannot be brought under a lower maximum (the
 * old maximum stays, everything else is written); another negative errno
 * when a write failed (-ENOENT, -ENODEV: the group is being removed).
 */
int memresv_cgfs_apply(struct memresv_cgfs_group *g,
		       const struct memresv_limits *want)
{
	struct memresv_limits *applied = &g->applied;
	int err, busy;

	if (g->have_swap && want->swap_max > applied->swap_max) {
		err = cgfs_update(g, CGFS_SWAP_MAX, want->swap_max,
				  &applied->swap_max);
		if (err)
			return err;
	}
	if (want->max < applied->max)
		busy = cgfs_lower_max(g, want->max);
	else
		busy = cgfs_update(g, CGFS_MAX, want->max, &applied->max);
	if (busy && busy != -EBUSY)
		return busy;
	/* A maximum that cannot come down yet does not hold up the rest. */
	err = cgfs_update(g, CGFS_HIGH, want->high, &applied->high);
	if (err)
		return err;
	err = cgfs_update(g, CGFS_MIN, want->min, &applied->min);
	if (err)
		return err;
	if (g->have_swap)
		err = cgfs_update(g, CGFS_SWAP_MAX, want->swap_max,
				  &applied->swap_max);
	return err ? err : busy;
}

/**
 * memresv_cgfs_restore() - put back what the files held before memresv
 * @g: the group
 *
 * When usage no longer fits under the saved memory.max, everything else is
 * restored and memory.max keeps its current value rather than OOM-kill.
 *
 * Return: 0, -EBUSY when memory.max could not be restored, or another
 * negative errno.
 */
int memresv_cgfs_restore(struct memresv_cgfs_group *g)
{
	struct memresv_limits saved = g->saved;

	return memresv_cgfs_apply(g, &saved);
}
