// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: protection up to the root.
 *
 * memory.min protects a group only as far as every ancestor's protection
 * reaches: the kernel caps a child's effective protection by its parent's
 * (effective_protection(), with or without memory_recursiveprot).  A
 * guarantee under an ancestor whose memory.min is 0, such as a systemd
 * slice, protects nothing.  So memresv keeps, for every ancestor of a
 * reserved group below the root, the sum of the guarantees below it, and
 * has that ancestor's memory.min cover it:
 *
 * - an ancestor nobody else claims, memresv writes: memory.min becomes the
 *   larger of what it held before and the sum, and goes back to what it
 *   held before once no guarantee is left below it;
 * - an ancestor that is a systemd unit (cgfs: memresv_cgfs_owner()) is
 *   never written: systemd is its one writer.  Its need is announced
 *   (MEMRESV_EVENT_PROTECTION, and PROT_GET) for the agent, which raises the
 *   unit's MemoryMin= through systemd and lowers it again.
 *
 * The entries form chains up to the root, each holding a reference on its
 * parent's; a reservation holds one on its parent's entry from admission to
 * unlink.  The table, the sums and the references are under memresv_lock;
 * the writes happen in one work item, outside it, in the order the sums
 * moved.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "err.h"
#include "ledger.h"
#include "notify.h"
#include "prot.h"

static struct rb_root prots = RB_ROOT;
/* Entries whose need moved, and entries nobody refers to any more. */
static LIST_HEAD(prot_dirty);
static LIST_HEAD(prot_dead);
/*
 * Entries released whose files are not given back yet, and entries
 * released so far: a new entry reads its group's files only once no entry
 * is dying, and links only if none died meanwhile.
 */
static unsigned int prot_dying;
static unsigned long prot_deaths;
static void prot_work_fn(struct work_struct *work);
static DECLARE_WORK(prot_work, prot_work_fn);

static int prot_cmp(const void *key, const struct rb_node *node)
{
	u64 id = *(const u64 *)key;
	u64 other = rb_entry(node, struct memresv_prot, node)->cg.id;

	return id < other ? -1 : id > other;
}

static bool prot_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memresv_prot, node)->cg.id <
	       rb_entry(b, struct memresv_prot, node)->cg.id;
}

static struct memresv_prot *prot_lookup(u64 id)
{
	struct rb_node *node;

	lockdep_assert_held(&memresv_lock);
	node = rb_find(&id, &prots, prot_cmp);
	return node ? rb_entry(node, struct memresv_prot, node) : NULL;
}

/* memresv_lock held: nobody refers to @ref's entry; the work buries it. */
static void prot_release(struct kref *ref)
{
	struct memresv_prot *prot = container_of(ref, struct memresv_prot, ref);

	lockdep_assert_held(&memresv_lock);
	rb_erase(&prot->node, &prots);
	if (prot->queued)
		list_del(&prot->dirty);
	list_add_tail(&prot->dirty, &prot_dead);
	prot->queued = true;
	prot_dying++;
	prot_deaths++;
	queue_work(memresv_wq, &prot_work);
}

/**
 * memresv_prot_put() - drop a reference on an entry
 * @prot: the entry, or NULL
 *
 * Caller holds memresv_lock.
 */
void memresv_prot_put(struct memresv_prot *prot)
{
	lockdep_assert_held(&memresv_lock);
	if (prot)
		kref_put(&prot->ref, prot_release);
}

/* A new entry for @cgrp, its files saved and its owner known; no lock. */
static struct memresv_prot *prot_alloc(struct cgroup *cgrp,
				       struct memresv_err *e)
{
	struct memresv_prot *prot;
	int err, owner;

	prot = kzalloc(sizeof(*prot), GFP_KERNEL_ACCOUNT);
	if (!prot)
		return ERR_PTR(-ENOMEM);
	err = memresv_cgfs_take(&prot->cg, cgrp, e);
	if (err) {
		kfree(prot);
		return ERR_PTR(err);
	}
	owner = memresv_cgfs_owner(cgrp);
	if (owner < 0) {
		memresv_err(e, "cannot tell who owns an ancestor: error %d",
			    owner);
		memresv_cgfs_release(&prot->cg);
		kfree(prot);
		return ERR_PTR(owner);
	}
	prot->owner = owner;
	kref_init(&prot->ref);
	INIT_LIST_HEAD(&prot->dirty);
	return prot;
}

/*
 * The entry of @pos with a reference, if its chain is whole; otherwise
 * NULL, and in *@missing the highest ancestor (from @pos up) without one.
 */
static struct memresv_prot *prot_find(struct cgroup *pos,
				      struct cgroup **missing)
{
	struct memresv_prot *prot = prot_lookup(cgroup_id(pos));

	if (prot) {
		kref_get(&prot->ref);
		return prot;
	}
	*missing = pos;
	for (pos = cgroup_parent(pos); cgroup_parent(pos);
	     pos = cgroup_parent(pos)) {
		if (prot_lookup(cgroup_id(pos)))
			break;
		*missing = pos;
	}
	return NULL;
}

/* Link @prot below its parent's entry, unless @cgrp got one meanwhile. */
static bool prot_link(struct memresv_prot *prot, struct cgroup *cgrp)
{
	struct cgroup *parent = cgroup_parent(cgrp);

	lockdep_assert_held(&memresv_lock);
	if (prot_lookup(cgroup_id(cgrp)))
		return false;
	if (cgroup_parent(parent)) {
		prot->parent = prot_lookup(cgroup_id(parent));
		kref_get(&prot->parent->ref);
	}
	rb_add(&prot->node, &prots, prot_less);
	return true;
}

/**
 * memresv_prot_get() - the entries above a group about to be reserved
 * @cgrp: the group
 * @e: why not
 *
 * Makes the entries that are missing, from the top down, reading each new
 * ancestor's files outside memresv_lock.
 *
 * Return: the entry of @cgrp's parent with a reference, NULL when the
 * parent is the root (nothing above to protect), or an ERR_PTR.
 */
struct memresv_prot *memresv_prot_get(struct cgroup *cgrp,
				      struct memresv_err *e)
{
	struct cgroup *parent = cgroup_parent(cgrp), *missing = NULL;
	struct memresv_prot *prot, *made, *keep = NULL;
	unsigned long deaths;
	unsigned int dying;
	bool linked;

	if (!parent || !cgroup_parent(parent))
		return NULL;
	/*
	 * One missing level a round, from the top down.  A new entry's first
	 * reference is kept until the level below has linked (and holds one
	 * of its own) or the chain is done.
	 */
	for (;;) {
		mutex_lock(&memresv_lock);
		prot = prot_find(parent, &missing);
		if (prot)
			memresv_prot_put(keep);
		dying = prot_dying;
		deaths = prot_deaths;
		mutex_unlock(&memresv_lock);
		if (prot)
			return prot;
		/*
		 * An entry released for the same group may not have given its
		 * memory.min back yet: what it wrote is not what to save.
		 */
		if (dying) {
			memresv_prot_sync();
			continue;
		}
		made = prot_alloc(missing, e);
		mutex_lock(&memresv_lock);
		/* One that died meanwhile may be the parent's, or @missing's. */
		linked = !IS_ERR(made) && deaths == prot_deaths &&
			 prot_link(made, missing);
		if (linked || IS_ERR(made)) {
			memresv_prot_put(keep);
			keep = linked ? made : NULL;
		}
		mutex_unlock(&memresv_lock);
		if (IS_ERR(made))
			return made;
		if (!linked) {
			memresv_cgfs_release(&made->cg);
			kfree(made);
		}
	}
}

/**
 * memresv_prot_move() - a guarantee below @prot moved
 * @prot: the entry of the reserved group's parent, or NULL
 * @from: the old guarantee
 * @to: the new one
 *
 * Caller holds memresv_lock.
 */
void memresv_prot_move(struct memresv_prot *prot, u64 from, u64 to)
{
	lockdep_assert_held(&memresv_lock);
	if (!prot || from == to)
		return;
	for (; prot; prot = prot->parent) {
		prot->need += to - from;
		if (!prot->queued) {
			list_add_tail(&prot->dirty, &prot_dirty);
			prot->queued = true;
		}
	}
	queue_work(memresv_wq, &prot_work);
}

/* Tell the agent what a systemd unit should have; memresv_lock held. */
static void prot_announce(struct memresv_prot *prot)
{
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_PROTECTION,
		.prot = prot,
	};

	lockdep_assert_held(&memresv_lock);
	memresv_notify(&ev);
}

/*
 * memory.min of @prot's ancestor to cover @need.  Only the work item, which
 * never runs twice at once, writes an ancestor's files.
 */
static void prot_write(struct memresv_prot *prot, u64 need)
{
	struct memresv_limits want = prot->cg.saved;
	int err;

	want.min = max(want.min, need);
	err = memresv_cgfs_apply(&prot->cg, &want);
	if (err && !memresv_cgfs_gone(&prot->cg))
		pr_warn_ratelimited("cgroup %llu: cannot write memory.min: %d\n",
				    prot->cg.id, err);
}

/* One entry whose need moved.  Return: false when there was none. */
static bool prot_one(void)
{
	struct memresv_prot *prot;
	u64 need;

	mutex_lock(&memresv_lock);
	prot = list_first_entry_or_null(&prot_dirty, struct memresv_prot,
					dirty);
	if (!prot) {
		mutex_unlock(&memresv_lock);
		return false;
	}
	list_del_init(&prot->dirty);
	prot->queued = false;
	if (prot->owner == MEMRESV_OWNER_SYSTEMD) {
		prot_announce(prot);
		mutex_unlock(&memresv_lock);
		return true;
	}
	need = prot->need;
	kref_get(&prot->ref);
	mutex_unlock(&memresv_lock);
	prot_write(prot, need);
	mutex_lock(&memresv_lock);
	memresv_prot_put(prot);
	mutex_unlock(&memresv_lock);
	return true;
}

/* One entry nobody refers to: files back, then freed. */
static bool prot_bury_one(void)
{
	struct memresv_prot *prot;

	mutex_lock(&memresv_lock);
	prot = list_first_entry_or_null(&prot_dead, struct memresv_prot, dirty);
	if (prot) {
		list_del(&prot->dirty);
		prot->need = 0;
		if (prot->owner == MEMRESV_OWNER_SYSTEMD)
			prot_announce(prot);
	}
	mutex_unlock(&memresv_lock);
	if (!prot)
		return false;
	if (prot->owner == MEMRESV_OWNER_MEMRESV)
		prot_write(prot, 0);
	memresv_cgfs_release(&prot->cg);
	mutex_lock(&memresv_lock);
	prot_dying--;
	memresv_prot_put(prot->parent);
	mutex_unlock(&memresv_lock);
	kfree(prot);
	return true;
}

static void prot_work_fn(struct work_struct *work)
{
	while (prot_one())
		;
	while (prot_bury_one())
		;
}

/**
 * memresv_prot_sync() - wait until the ancestors' files cover the needs
 *
 * A request that changed a guarantee waits for this before it looks at
 * what still caps it.  No lock held.
 */
void memresv_prot_sync(void)
{
	flush_work(&prot_work);
}

/**
 * memresv_prot_settled() - wait until no entry is dying
 *
 * An entry released gives its group's memory.min back in the work item;
 * until then, what the file holds is memresv's, not the group's own.  A
 * caller that saves a group's files waits for this first, then checks with
 * memresv_prot_deaths() that no entry died before it used what it saved.
 * No lock held.
 *
 * Return: the number of entries released so far.
 */
unsigned long memresv_prot_settled(void)
{
	unsigned long deaths;
	unsigned int dying;

	for (;;) {
		mutex_lock(&memresv_lock);
		dying = prot_dying;
		deaths = prot_deaths;
		mutex_unlock(&memresv_lock);
		if (!dying)
			return deaths;
		memresv_prot_sync();
	}
}

/**
 * memresv_prot_deaths() - the number of entries released so far
 *
 * Caller holds memresv_lock.
 *
 * Return: as memresv_prot_settled(), without waiting.
 */
unsigned long memresv_prot_deaths(void)
{
	lockdep_assert_held(&memresv_lock);
	return prot_deaths;
}

/**
 * memresv_prot_from() - the first entry at or after a cgroup id
 * @id: where to start
 *
 * Caller holds memresv_lock.  PROT_GET dumps resume from an id this way.
 *
 * Return: the entry with the lowest id >= @id, or NULL.
 */
struct memresv_prot *memresv_prot_from(u64 id)
{
	struct rb_node *node = prots.rb_node;
	struct memresv_prot *prot, *found = NULL;

	lockdep_assert_held(&memresv_lock);
	while (node) {
		prot = rb_entry(node, struct memresv_prot, node);
		if (prot->cg.id >= id) {
			found = prot;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/**
 * memresv_prot_next() - the entry after another, by id
 * @prot: an entry in the table
 *
 * Caller holds memresv_lock.
 *
 * Return: the next entry, or NULL.
 */
struct memresv_prot *memresv_prot_next(const struct memresv_prot *prot)
{
	struct rb_node *node;

	lockdep_assert_held(&memresv_lock);
	node = rb_next(&prot->node);
	return node ? rb_entry(node, struct memresv_prot, node) : NULL;
}

/**
 * memresv_prot_exit() - after every reservation is gone
 *
 * Their entries were released with them: the work gives the ancestors'
 * files back and frees the entries.
 */
void memresv_prot_exit(void)
{
	flush_work(&prot_work);
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&prots));
}
