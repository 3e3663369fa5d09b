// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: reservations — admission, changes, start-up phase, lifetime.
 *
 * Locking: memresv_lock guards the ledger, the table and every
 * reservation's settings and derived values, and is held only for
 * bookkeeping.  resv->io_lock serialises everything that writes one group's
 * files and is taken before memresv_lock.  Limits are computed under
 * memresv_lock and written after dropping it.
 *
 * Lifetime: the table holds a reference on each reservation, and each
 * reservation a reference on its cgroup and on the cgroup's memory css.  A
 * removed cgroup (or one whose memory controller was disabled) is noticed
 * on the next tick and its reservation released.
 *
 * The table is a red-black tree by cgroup id: lookups are O(log n), walks
 * and dumps go in id order and resume from an id, and it costs a
 * reservation 24 bytes (cgroup ids are sparse, which leaves an xarray's
 * nodes mostly empty).
 */
#include <linux/cgroup.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include <linux/memresv.h>

#include "balancer.h"
#include "cgfs.h"
#include "ledger.h"
#include "netlink.h"
#include "policy.h"
#include "resv.h"

static struct rb_root memresv_resvs = RB_ROOT;
static struct kmem_cache *memresv_resv_cache;
struct workqueue_struct *memresv_wq;
static struct delayed_work memresv_tick_work;
static bool memresv_unloading;

static void memresv_resv_release(struct kref *ref)
{
	struct memresv_resv *resv = container_of(ref, struct memresv_resv, ref);

	memresv_cgfs_forget(resv->cgrp);
	memresv_cgfs_memcg_put(resv->memcg);
	cgroup_put(resv->cgrp);
	mutex_destroy(&resv->io_lock);
	kmem_cache_free(memresv_resv_cache, resv);
}

static int memresv_resv_cmp(const void *key, const struct rb_node *node)
{
	u64 id = *(const u64 *)key;
	u64 other = rb_entry(node, struct memresv_resv, node)->id;

	return id < other ? -1 : id > other;
}

static bool memresv_resv_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memresv_resv, node)->id <
	       rb_entry(b, struct memresv_resv, node)->id;
}

/**
 * memresv_resv_lookup() - the reservation of a cgroup id
 * @id: the cgroup id
 *
 * Caller holds memresv_lock.
 *
 * Return: the reservation, or NULL.
 */
struct memresv_resv *memresv_resv_lookup(u64 id)
{
	struct rb_node *node = rb_find(&id, &memresv_resvs, memresv_resv_cmp);

	lockdep_assert_held(&memresv_lock);
	return node ? rb_entry(node, struct memresv_resv, node) : NULL;
}

/**
 * memresv_resv_from() - the first reservation at or after a cgroup id
 * @id: where to start
 *
 * Caller holds memresv_lock.  Walks and dumps resume from an id this way.
 *
 * Return: the reservation with the lowest id >= @id, or NULL.
 */
struct memresv_resv *memresv_resv_from(u64 id)
{
	struct rb_node *node = memresv_resvs.rb_node;
	struct memresv_resv *resv, *found = NULL;

	lockdep_assert_held(&memresv_lock);
	while (node) {
		resv = rb_entry(node, struct memresv_resv, node);
		if (resv->id >= id) {
			found = resv;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/**
 * memresv_resv_next() - the reservation after another, by id
 * @resv: a reservation in the table
 *
 * Caller holds memresv_lock.
 *
 * Return: the next reservation, or NULL after the last.
 */
struct memresv_resv *memresv_resv_next(const struct memresv_resv *resv)
{
	struct rb_node *node = rb_next(&resv->node);

	return node ? rb_entry(node, struct memresv_resv, node) : NULL;
}

/**
 * memresv_resv_put() - drop a reference on a reservation
 * @resv: the reservation
 */
void memresv_resv_put(struct memresv_resv *resv)
{
	kref_put(&resv->ref, memresv_resv_release);
}

/**
 * memresv_resv_path() - a group's path as memresv names it
 * @cgrp: the group
 * @buf: room for the path
 * @len: size of @buf
 *
 * Return: the path relative to the cgroup2 root (no leading '/'), in @buf.
 */
char *memresv_resv_path(struct cgroup *cgrp, char *buf, size_t len)
{
	if (cgroup_path(cgrp, buf, len) < 0)
		strscpy(buf, "?", len);
	return buf[0] == '/' && buf[1] ? buf + 1 : buf;
}

/* What the files should hold now; memresv_lock held. */
static void memresv_resv_limits(const struct memresv_resv *resv,
				struct memresv_limits *lim)
{
	lim->min = resv->guarantee;
	lim->high = resv->target;
	lim->max = resv->set.maximum;
	lim->swap_max = resv->set.swap_max;
	if (resv->state == MEMRESV_STATE_PAGING) {
		/*
		 * Startup = the physical part in RAM plus the grant in swap.
		 * Swap room is startup, not just the grant: a page read back
		 * from swap keeps its slot (counted in memory and in swap at
		 * once) until the kernel frees it, so a workload that touches
		 * its startup again would hit a grant-sized limit and be
		 * OOM-killed.  The tier still reserves only the grant.
		 */
		lim->max = resv->guarantee;
		lim->swap_max += resv->guarantee + resv->grant;
	}
}

/* Bring the files in line with the ledger; io_lock held. */
static int memresv_resv_apply(struct memresv_resv *resv)
{
	struct memresv_limits want;
	int err;

	lockdep_assert_held(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		mutex_unlock(&memresv_lock);
		return 0;
	}
	memresv_resv_limits(resv, &want);
	mutex_unlock(&memresv_lock);
	err = memresv_cgfs_apply(resv->cgrp, resv->memcg, &want,
				 &resv->applied, resv->saved.have_swap);
	/* The tick tries again (e.g. usage not yet under a lower maximum). */
	WRITE_ONCE(resv->retry, err && err != -ENOENT && err != -ENODEV);
	return err;
}

static void memresv_resv_apply_work(struct work_struct *work)
{
	struct memresv_resv *resv =
		container_of(work, struct memresv_resv, apply_work);
	int err;

	mutex_lock(&resv->io_lock);
	err = memresv_resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	if (err && err != -ENOENT && err != -ENODEV)
		pr_warn_ratelimited("memresv: cgroup %llu: cannot apply limits: %d\n",
				    resv->id, err);
	memresv_resv_put(resv);
}

/**
 * memresv_resv_queue_apply() - write a reservation's limits asynchronously
 * @resv: the reservation; the caller holds a reference
 *
 * Used where the limits changed as a side effect (another reservation's
 * admission, the tick): the files are written from the unbound workqueue.
 */
void memresv_resv_queue_apply(struct memresv_resv *resv)
{
	kref_get(&resv->ref);
	if (!queue_work(memresv_wq, &resv->apply_work))
		memresv_resv_put(resv);
}

/**
 * memresv_resv_phase_left_ms() - time left in the start-up (or paging) phase
 * @resv: the reservation; memresv_lock held
 *
 * Return: milliseconds until the phase ends on its own, 0 when running.
 */
u64 memresv_resv_phase_left_ms(const struct memresv_resv *resv)
{
	unsigned long end, secs = resv->set.window;

	if (resv->state == MEMRESV_STATE_RUNNING)
		return 0;
	if (resv->state == MEMRESV_STATE_PAGING)
		secs = min_t(unsigned long, secs, memresv_ledger.paging_max);
	end = resv->phase_start + secs * HZ;
	return time_before(jiffies, end) ? jiffies_to_msecs(end - jiffies) : 0;
}

/*
 * Targets are whole pages (memory.high holds no less), so a target within a
 * page of demand plus buffer covers it.
 */
static void memresv_resv_status(struct memresv_resv *resv)
{
	resv->status = memresv_policy_status(resv->target + PAGE_SIZE - 1,
					     resv->demand,
					     resv->set.buffer,
					     resv->state == MEMRESV_STATE_PAGING);
}

/**
 * memresv_resv_account() - change guarantee, target and grant
 * @resv: the reservation
 * @guarantee: new guarantee
 * @target: new target
 * @grant: new swap tier grant
 *
 * Keeps the ledger's sums and the status in step.  Caller holds
 * memresv_lock.
 */
void memresv_resv_account(struct memresv_resv *resv, u64 guarantee,
			  u64 target, u64 grant)
{
	if (guarantee != resv->guarantee || target != resv->target ||
	    grant != resv->grant)
		memresv_ledger_touch();
	memresv_ledger.guaranteed += guarantee - resv->guarantee;
	memresv_ledger.assigned += target - resv->target;
	memresv_ledger.paging_used += grant - resv->grant;
	resv->guarantee = guarantee;
	resv->target = target;
	resv->grant = grant;
	memresv_resv_status(resv);
}

/**
 * memresv_resv_retarget() - a new target, or a new demand for the same one
 * @resv: the reservation
 * @target: its target from now on
 *
 * Keeps the ledger and the status in step, queues the write of a target
 * that moved, and announces a status that changed.  Caller holds
 * memresv_lock.
 */
void memresv_resv_retarget(struct memresv_resv *resv, u64 target)
{
	u8 status = resv->status;

	if (target != resv->target) {
		memresv_resv_account(resv, resv->guarantee, target, resv->grant);
		memresv_resv_queue_apply(resv);
	} else {
		memresv_resv_status(resv);
	}
	if (resv->status != status)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_CHANGED,
				       MEMRESV_REASON_NONE);
}

/*
 * Take @need bytes back from the targets of the reservations but @skip,
 * lowest weight first (memresv_policy_reclaim()), and write the lower
 * targets asynchronously.  memresv_lock held.
 */
static int memresv_resv_reclaim(u64 need, struct memresv_resv *skip)
{
	struct memresv_share *shares;
	struct memresv_resv *resv;
	size_t n = 0;

	if (!need)
		return 0;
	shares = kvmalloc_array(memresv_ledger.nr, sizeof(*shares), GFP_KERNEL);
	if (!shares)
		return -ENOMEM;
	for (resv = memresv_resv_from(0); resv;
	     resv = memresv_resv_next(resv)) {
		if (resv == skip)
			continue;
		shares[n].guarantee = resv->guarantee;
		shares[n].target = resv->target;
		shares[n].weight = resv->set.weight;
		n++;
	}
	memresv_policy_reclaim(shares, n, need);
	n = 0;
	for (resv = memresv_resv_from(0); resv;
	     resv = memresv_resv_next(resv)) {
		if (resv == skip)
			continue;
		if (shares[n].target != resv->target)
			memresv_resv_retarget(resv, shares[n].target);
		n++;
	}
	kvfree(shares);
	return 0;
}

/**
 * memresv_resv_fit_capacity() - shrink targets after the capacity shrank
 *
 * Caller holds memresv_lock; guaranteed <= capacity already holds.
 */
void memresv_resv_fit_capacity(void)
{
	u64 cap = memresv_ledger_capacity();

	lockdep_assert_held(&memresv_lock);
	if (memresv_ledger.assigned > cap &&
	    memresv_resv_reclaim(memresv_ledger.assigned - cap, NULL))
		pr_warn("memresv: no memory to shrink targets to the capacity\n");
}

/**
 * memresv_resv_cgroup() - resolve the group a request names
 * @path: path relative to the cgroup2 root, or NULL
 * @id: cgroup id, used when @path is NULL
 * @extack: for the reason of a refusal
 *
 * Return: the group with a reference held, or an ERR_PTR.
 */
struct cgroup *memresv_resv_cgroup(const char *path, u64 id,
				   struct netlink_ext_ack *extack)
{
	struct cgroup *cgrp;

	cgrp = path ? cgroup_get_from_path(path) : cgroup_get_from_id(id);
	if (IS_ERR_OR_NULL(cgrp)) {
		if (path)
			memresv_nl_errmsg(extack, "no cgroup '%s'", path);
		else
			memresv_nl_errmsg(extack, "no cgroup with id %llu", id);
		return ERR_PTR(-ENOENT);
	}
	return cgrp;
}

/**
 * memresv_resv_get() - the reservation of a group
 * @cgrp: the group
 * @extack: for the reason of a refusal
 *
 * Return: the reservation with a reference held, or ERR_PTR(-ENOENT).
 */
struct memresv_resv *memresv_resv_get(struct cgroup *cgrp,
				      struct netlink_ext_ack *extack)
{
	struct memresv_resv *resv;

	mutex_lock(&memresv_lock);
	resv = memresv_resv_lookup(cgroup_id(cgrp));
	if (resv)
		kref_get(&resv->ref);
	mutex_unlock(&memresv_lock);
	if (!resv) {
		NL_SET_ERR_MSG(extack, "the cgroup has no reservation");
		return ERR_PTR(-ENOENT);
	}
	return resv;
}

/*
 * A reservation on an ancestor or a descendant of @cgrp; memresv_lock.
 * Walks the group's own ancestry and subtree, not the whole table: a
 * typical group is a leaf, so this stays cheap with many reservations.
 */
static struct memresv_resv *memresv_resv_nested(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *css;
	struct memresv_resv *resv = NULL;
	struct cgroup *pos;

	for (pos = cgroup_parent(cgrp); pos; pos = cgroup_parent(pos)) {
		resv = memresv_resv_lookup(cgroup_id(pos));
		if (resv)
			return resv;
	}
	rcu_read_lock();
	css_for_each_descendant_pre(css, &cgrp->self) {
		if (css == &cgrp->self)
			continue;
		resv = memresv_resv_lookup(cgroup_id(css->cgroup));
		if (resv)
			break;
	}
	rcu_read_unlock();
	return resv;
}

/**
 * memresv_resv_check_sizes() - minimum <= startup <= maximum
 * @startup: startup size
 * @minimum: minimum size
 * @maximum: maximum size
 * @extack: for the reason of a refusal
 * @bad: set to the MEMRESV_SET_* bit of the size at fault
 *
 * Reservations and placement queries are checked alike.
 *
 * Return: 0 or -EINVAL.
 */
int memresv_resv_check_sizes(u64 startup, u64 minimum, u64 maximum,
			     struct netlink_ext_ack *extack, u32 *bad)
{
	if (minimum > startup) {
		*bad = MEMRESV_SET_STARTUP;
		NL_SET_ERR_MSG(extack, "startup is below minimum");
		return -EINVAL;
	}
	if (startup > maximum) {
		*bad = MEMRESV_SET_MAXIMUM;
		NL_SET_ERR_MSG(extack, "maximum is below startup");
		return -EINVAL;
	}
	return 0;
}

/* The settings as a whole; @bad names the setting at fault. */
static int memresv_resv_validate(const struct memresv_settings *set,
				 const struct memresv_resv *resv,
				 struct netlink_ext_ack *extack, u32 *bad)
{
	int err;

	err = memresv_resv_check_sizes(set->startup, set->minimum, set->maximum,
				       extack, bad);
	if (err)
		return err;
	if (set->swap_max && !resv->saved.have_swap) {
		*bad = MEMRESV_SET_SWAP_MAX;
		NL_SET_ERR_MSG(extack,
			       "swap accounting is off: swap_max must be 0");
		return -EOPNOTSUPP;
	}
	return 0;
}

static void memresv_resv_refused(struct cgroup *cgrp,
				 const struct memresv_request *req,
				 const struct memresv_host_figures *fig,
				 struct netlink_ext_ack *extack)
{
	u64 free = fig->capacity > fig->assigned ?
		   fig->capacity - fig->assigned : 0;
	u64 tier = fig->paging_limit > fig->paging_used ?
		   fig->paging_limit - fig->paging_used : 0;
	char msg[200];

	snprintf(msg, sizeof(msg),
		 "startup %llu MiB does not fit: %llu MiB free, %llu MiB reclaimable, %llu MiB of the swap tier left%s",
		 req->startup >> 20, free >> 20, fig->reclaimable >> 20,
		 tier >> 20, req->paging_allowed ? "" :
		 " (paging not allowed for this start)");
	memresv_nl_errmsg(extack, "%s", msg);
	memresv_nl_notify_msg(cgrp, NULL, MEMRESV_EVENT_ADMISSION_REFUSED, msg);
}

/*
 * Admit @resv (left out of the figures) for a start; memresv_lock held.
 * On success the ledger carries its new guarantee, target and grant.
 */
static int memresv_resv_admit(struct memresv_resv *resv, bool paging_allowed,
			      bool counted, struct netlink_ext_ack *extack)
{
	struct memresv_host_figures fig;
	struct memresv_admission adm;
	struct memresv_request req = {
		.startup = resv->set.startup,
		.minimum = resv->set.minimum,
		.maximum = resv->set.maximum,
		.paging_allowed = paging_allowed,
	};
	int err;

	memresv_ledger_figures(&fig, counted ? resv : NULL);
	memresv_policy_admit(&fig, &req, &adm);
	if (adm.fit == MEMRESV_FIT_NONE) {
		memresv_resv_refused(resv->cgrp, &req, &fig, extack);
		return -ENOMEM;
	}
	if (adm.grant && ((u64)get_nr_swap_pages() << PAGE_SHIFT) < adm.grant) {
		memresv_nl_errmsg(extack,
				  "paging needs %llu MiB of swap, the host has %llu MiB free",
				  adm.grant >> 20,
				  ((u64)get_nr_swap_pages() << PAGE_SHIFT) >> 20);
		return -ENOMEM;
	}
	err = memresv_resv_reclaim(adm.reclaim, resv);
	if (err)
		return err;
	memresv_resv_account(resv, adm.physical, adm.physical, adm.grant);
	memresv_ledger_touch();
	resv->state = adm.grant ? MEMRESV_STATE_PAGING : MEMRESV_STATE_STARTING;
	resv->phase_start = jiffies;
	memresv_resv_status(resv);
	return 0;
}

/*
 * memory.min protects a group only as far as each ancestor's protection
 * reaches: the kernel caps a child's effective protection by its parent's,
 * with or without memory_recursiveprot.  Warn when an ancestor below the
 * root has less memory.min than this guarantee.
 */
static void memresv_resv_check_protection(struct memresv_resv *resv,
					  struct netlink_ext_ack *extack)
{
	struct cgroup *pos;
	char path[128], msg[240];
	u64 guarantee, min;

	mutex_lock(&memresv_lock);
	guarantee = resv->guarantee;
	mutex_unlock(&memresv_lock);
	for (pos = cgroup_parent(resv->cgrp); pos && cgroup_parent(pos);
	     pos = cgroup_parent(pos)) {
		min = memresv_cgfs_protection(pos);
		if (min >= guarantee)
			continue;
		snprintf(msg, sizeof(msg),
			 "memory.min of ancestor '%s' is %llu MiB, below the %llu MiB guarantee: the protection is capped there",
			 memresv_resv_path(pos, path, sizeof(path)),
			 min >> 20, guarantee >> 20);
		memresv_nl_errmsg(extack, "%s", msg);
		mutex_lock(&memresv_lock);
		if (!resv->removed)
			memresv_nl_notify_msg(resv->cgrp, resv,
					      MEMRESV_EVENT_WARNING, msg);
		mutex_unlock(&memresv_lock);
		return;
	}
}

/* Out of the table and the ledger; memresv_lock held. */
static void memresv_resv_unlink(struct memresv_resv *resv, u8 reason)
{
	lockdep_assert_held(&memresv_lock);
	memresv_resv_account(resv, 0, 0, 0);
	memresv_ledger_touch();
	rb_erase(&resv->node, &memresv_resvs);
	resv->removed = true;
	memresv_ledger.nr--;
	memresv_ledger.gen++;
	if (reason != MEMRESV_REASON_NONE)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_REMOVED, reason);
	memresv_ledger_verify();
}

/**
 * memresv_resv_new() - admit a reservation on a group (RESV_NEW)
 * @cgrp: the group
 * @set: validated settings, sizes page aligned
 * @force: this start may use the swap tier unless paging is "never"
 * @extack: for the reason of a refusal
 * @bad: set to the MEMRESV_SET_* bit of a setting at fault
 * @out: the new reservation, with a reference for the caller
 *
 * Return: 0 or a negative errno; on error nothing changed.
 */
int memresv_resv_new(struct cgroup *cgrp, const struct memresv_settings *set,
		     bool force, struct netlink_ext_ack *extack, u32 *bad,
		     struct memresv_resv **out)
{
	struct memresv_resv *resv, *other;
	struct memresv_sample sample;
	struct mem_cgroup *memcg;
	bool paging;
	char path[128];
	int err;

	if (!cgroup_parent(cgrp)) {
		NL_SET_ERR_MSG(extack, "the root cgroup cannot be reserved");
		return -EINVAL;
	}
	memcg = memresv_cgfs_memcg_get(cgrp);
	if (!memcg) {
		NL_SET_ERR_MSG(extack,
			       "the memory controller is not enabled for this cgroup (add +memory to its parent's cgroup.subtree_control)");
		return -EOPNOTSUPP;
	}
	resv = kmem_cache_zalloc(memresv_resv_cache, GFP_KERNEL);
	if (!resv) {
		memresv_cgfs_memcg_put(memcg);
		return -ENOMEM;
	}
	kref_init(&resv->ref);
	cgroup_get(cgrp);
	resv->cgrp = cgrp;
	resv->memcg = memcg;
	resv->id = cgroup_id(cgrp);
	resv->set = *set;
	mutex_init(&resv->io_lock);
	INIT_WORK(&resv->apply_work, memresv_resv_apply_work);

	err = memresv_cgfs_save(cgrp, memcg, &resv->saved);
	if (err) {
		memresv_nl_errmsg(extack, "cannot read the cgroup's memory files: error %d",
				  err);
		goto put;
	}
	resv->applied = resv->saved.limits;
	/* Throttling and usage from before the reservation are not news. */
	memresv_cgfs_sample(cgrp, memcg, &sample);
	resv->high_events = sample.high_events;
	resv->usage = memresv_cgfs_usage(memcg);
	resv->grown_at = jiffies;
	err = memresv_resv_validate(set, resv, extack, bad);
	if (err)
		goto put;

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (memresv_unloading) {
		NL_SET_ERR_MSG(extack, "memresv is being unloaded");
		err = -ESHUTDOWN;
		goto unlock;
	}
	if (memresv_resv_lookup(resv->id)) {
		NL_SET_ERR_MSG(extack, "the cgroup already has a reservation");
		err = -EEXIST;
		goto unlock;
	}
	other = memresv_resv_nested(cgrp);
	if (other) {
		memresv_nl_errmsg(extack,
				  "cgroup '%s' is reserved already: reservations cannot nest",
				  memresv_resv_path(other->cgrp, path, sizeof(path)));
		err = -EBUSY;
		goto unlock;
	}
	paging = set->paging == MEMRESV_PAGING_ALWAYS ||
		 (force && set->paging != MEMRESV_PAGING_NEVER);
	err = memresv_resv_admit(resv, paging, false, extack);
	if (err)
		goto unlock;
	rb_add(&resv->node, &memresv_resvs, memresv_resv_less);
	kref_get(&resv->ref);		/* the table's */
	memresv_ledger.nr++;
	memresv_ledger.gen++;
	memresv_ledger_verify();
	mutex_unlock(&memresv_lock);

	err = memresv_resv_apply(resv);
	if (err) {
		bool linked;

		/*
		 * The tick may have released it meanwhile (the group went
		 * away); otherwise it leaves unannounced, files restored.
		 */
		mutex_lock(&memresv_lock);
		linked = !resv->removed;
		if (linked)
			memresv_resv_unlink(resv, MEMRESV_REASON_NONE);
		mutex_unlock(&memresv_lock);
		memresv_cgfs_restore(cgrp, memcg, &resv->saved, &resv->applied);
		mutex_unlock(&resv->io_lock);
		if (err == -EBUSY)
			memresv_nl_errmsg(extack,
					  "maximum %llu MiB is below the cgroup's usage of %llu MiB, which could not be reclaimed",
					  set->maximum >> 20,
					  memresv_cgfs_usage(memcg) >> 20);
		else
			memresv_nl_errmsg(extack,
					  "cannot write the cgroup's memory files: error %d",
					  err);
		if (linked)
			memresv_resv_put(resv);	/* the table's */
		goto put;
	}
	mutex_lock(&memresv_lock);
	memresv_nl_notify_resv(resv, MEMRESV_EVENT_ADDED, MEMRESV_REASON_NONE);
	if (resv->state == MEMRESV_STATE_PAGING)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_PAGING_START,
				       MEMRESV_REASON_NONE);
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
	memresv_resv_check_protection(resv, extack);
	*out = resv;
	return 0;

unlock:
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
put:
	memresv_resv_put(resv);
	return err;
}

/*
 * Guarantee and target under @set, from the state; memresv_lock held.
 * Raising a guarantee goes through the invariant and, where free memory is
 * short, takes the difference back from the others.
 */
static int memresv_resv_settle(struct memresv_resv *resv,
			       const struct memresv_settings *set,
			       struct netlink_ext_ack *extack, u32 *bad)
{
	u64 guarantee, target, free, cap = memresv_ledger_capacity();
	u8 status;
	int err;

	if (resv->state == MEMRESV_STATE_RUNNING)
		guarantee = set->minimum;
	else
		guarantee = min(resv->guarantee, set->maximum);
	target = clamp(resv->target, guarantee, set->maximum);

	if (guarantee > resv->guarantee &&
	    memresv_ledger.guaranteed - resv->guarantee + guarantee > cap) {
		*bad = MEMRESV_SET_MINIMUM;
		memresv_nl_errmsg(extack,
				  "minimum %llu MiB cannot be guaranteed: %llu MiB of the capacity is not guaranteed yet",
				  guarantee >> 20,
				  (cap - memresv_ledger.guaranteed +
				   resv->guarantee) >> 20);
		return -ENOMEM;
	}
	if (target > resv->target) {
		free = memresv_ledger_free();
		if (target - resv->target > free) {
			err = memresv_resv_reclaim(target - resv->target - free,
						   resv);
			if (err)
				return err;
		}
	}
	status = resv->status;
	resv->set = *set;
	memresv_ledger_touch();
	memresv_resv_account(resv, guarantee, target, resv->grant);
	if (resv->status != status)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_CHANGED,
				       MEMRESV_REASON_NONE);
	memresv_ledger_verify();
	return 0;
}

/**
 * memresv_resv_set() - change a reservation's settings (RESV_SET)
 * @resv: the reservation
 * @upd: the new values of the settings in @mask
 * @mask: MEMRESV_SET_* bits
 * @extack: for the reason of a refusal
 * @bad: set to the MEMRESV_SET_* bit of a setting at fault
 *
 * All or nothing.  A lower maximum is tried against usage first (pressure
 * through memory.high and memory.reclaim): -EBUSY, not an OOM kill, when
 * usage does not come down.  startup applies from the next start.
 *
 * Return: 0 or a negative errno.
 */
int memresv_resv_set(struct memresv_resv *resv,
		     const struct memresv_settings *upd, u32 mask,
		     struct netlink_ext_ack *extack, u32 *bad)
{
	struct memresv_settings set, old;
	struct memresv_limits want;
	int err;

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		NL_SET_ERR_MSG(extack, "the reservation was removed");
		err = -ENOENT;
		goto unlock;
	}
	old = resv->set;
	set = old;
	if (mask & MEMRESV_SET_STARTUP)
		set.startup = upd->startup;
	if (mask & MEMRESV_SET_MINIMUM)
		set.minimum = upd->minimum;
	if (mask & MEMRESV_SET_MAXIMUM)
		set.maximum = upd->maximum;
	if (mask & MEMRESV_SET_BUFFER)
		set.buffer = upd->buffer;
	if (mask & MEMRESV_SET_WEIGHT)
		set.weight = upd->weight;
	if (mask & MEMRESV_SET_SWAP_MAX)
		set.swap_max = upd->swap_max;
	if (mask & MEMRESV_SET_WINDOW)
		set.window = upd->window;
	if (mask & MEMRESV_SET_PAGING)
		set.paging = upd->paging;
	err = memresv_resv_validate(&set, resv, extack, bad);
	if (err)
		goto unlock;
	memresv_resv_limits(resv, &want);
	mutex_unlock(&memresv_lock);

	/* Make room under a lower maximum before committing anything. */
	if (set.maximum < want.max) {
		err = memresv_cgfs_make_room(resv->cgrp, resv->memcg,
					     set.maximum, &resv->applied);
		if (err) {
			*bad = MEMRESV_SET_MAXIMUM;
			memresv_nl_errmsg(extack,
					  "maximum %llu MiB is below the cgroup's usage of %llu MiB, which could not be reclaimed",
					  set.maximum >> 20,
					  memresv_cgfs_usage(resv->memcg) >> 20);
			mutex_unlock(&resv->io_lock);
			return err;
		}
	}

	mutex_lock(&memresv_lock);
	err = resv->removed ? -ENOENT : memresv_resv_settle(resv, &set, extack, bad);
	mutex_unlock(&memresv_lock);
	if (err)
		goto restore;
	err = memresv_resv_apply(resv);
	if (err) {
		/* Usage grew back in between: keep the old settings. */
		mutex_lock(&memresv_lock);
		if (!resv->removed && memresv_resv_settle(resv, &old, NULL, bad))
			pr_warn("memresv: cgroup %llu: cannot roll back settings\n",
				resv->id);
		mutex_unlock(&memresv_lock);
		memresv_nl_errmsg(extack,
				  "cannot write the cgroup's memory files: error %d",
				  err);
		*bad = 0;
		goto restore;
	}
	mutex_unlock(&resv->io_lock);
	memresv_resv_check_protection(resv, extack);
	return 0;

restore:
	memresv_resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	return err;
unlock:
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
	return err;
}

/**
 * memresv_resv_del() - remove a reservation and give the files back (RESV_DEL)
 * @resv: the reservation
 * @extack: for the reason of a refusal
 *
 * Return: 0; -EBUSY when the saved memory.max is below what the group uses
 * now and reclaim cannot get it under (the reservation stays).
 */
int memresv_resv_del(struct memresv_resv *resv, struct netlink_ext_ack *extack)
{
	u64 saved_max = resv->saved.limits.max;
	int err;

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		mutex_unlock(&memresv_lock);
		mutex_unlock(&resv->io_lock);
		NL_SET_ERR_MSG(extack, "the reservation was removed");
		return -ENOENT;
	}
	mutex_unlock(&memresv_lock);

	err = memresv_cgfs_restore(resv->cgrp, resv->memcg, &resv->saved,
				   &resv->applied);
	if (err == -EBUSY) {
		memresv_resv_apply(resv);
		mutex_unlock(&resv->io_lock);
		memresv_nl_errmsg(extack,
				  "cannot give back memory.max of %llu MiB: the cgroup uses %llu MiB and reclaim could not get it under",
				  saved_max >> 20,
				  memresv_cgfs_usage(resv->memcg) >> 20);
		return -EBUSY;
	}
	/* Other errors: the group is going away; its files with it. */
	mutex_lock(&memresv_lock);
	if (!resv->removed) {
		memresv_resv_unlink(resv, MEMRESV_REASON_DELETED);
		memresv_resv_put(resv);	/* the table's; the caller has one */
	}
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
	return 0;
}

/* End the start-up phase: guarantee drops to minimum; memresv_lock held. */
static void memresv_resv_end_startup(struct memresv_resv *resv, u8 reason)
{
	bool paging = resv->state == MEMRESV_STATE_PAGING;

	resv->state = MEMRESV_STATE_RUNNING;
	memresv_ledger_touch();
	memresv_resv_account(resv, resv->set.minimum,
			     max(resv->target, resv->set.minimum), 0);
	if (paging)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_PAGING_END, reason);
	memresv_nl_notify_resv(resv, MEMRESV_EVENT_CHANGED, reason);
	memresv_ledger_verify();
}

/**
 * memresv_resv_restart() - re-enter start-up through admission (RESV_RESTART)
 * @resv: the reservation
 * @force: SCVMM's override; on a restart the paging setting already allows
 *	the tier unless it is "never"
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -ENOMEM (nothing changed) when startup cannot be admitted.
 */
int memresv_resv_restart(struct memresv_resv *resv, bool force,
			 struct netlink_ext_ack *extack)
{
	bool was_paging;
	int err;

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		NL_SET_ERR_MSG(extack, "the reservation was removed");
		err = -ENOENT;
		goto unlock;
	}
	was_paging = resv->state == MEMRESV_STATE_PAGING;
	err = memresv_resv_admit(resv, resv->set.paging != MEMRESV_PAGING_NEVER,
				 true, extack);
	if (err)
		goto unlock;
	if (was_paging)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_PAGING_END,
				       MEMRESV_REASON_RESTART);
	memresv_nl_notify_resv(resv, MEMRESV_EVENT_CHANGED,
			       MEMRESV_REASON_RESTART);
	if (resv->state == MEMRESV_STATE_PAGING)
		memresv_nl_notify_resv(resv, MEMRESV_EVENT_PAGING_START,
				       MEMRESV_REASON_RESTART);
	memresv_ledger_verify();
	mutex_unlock(&memresv_lock);

	/*
	 * While paging, memory.max drops to the physical part; should usage
	 * not reclaim under it yet, the admission stands, the other limits
	 * are in place and the tick retries memory.max every period.
	 */
	err = memresv_resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	if (err) {
		memresv_nl_errmsg(extack,
				  "restarted, but the limits are not all in place yet: error %d",
				  err);
		err = 0;
	}
	memresv_resv_check_protection(resv, extack);
	return err;

unlock:
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
	return err;
}

/**
 * memresv_resv_ready() - end the start-up phase now (RESV_READY)
 * @resv: the reservation
 * @extack: for the reason of a refusal
 *
 * Return: 0, or -EALREADY when the reservation is running already.
 */
int memresv_resv_ready(struct memresv_resv *resv,
		       struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		NL_SET_ERR_MSG(extack, "the reservation was removed");
		err = -ENOENT;
	} else if (resv->state == MEMRESV_STATE_RUNNING) {
		NL_SET_ERR_MSG(extack, "the reservation is running already");
		err = -EALREADY;
	} else {
		memresv_resv_end_startup(resv, MEMRESV_REASON_READY);
	}
	mutex_unlock(&memresv_lock);
	if (!err)
		err = memresv_resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	return err;
}

/**
 * memresv_resv_tick_one() - a reservation's part of the tick
 * @resv: a reservation in the table; memresv_lock held
 *
 * A group whose cgroup was removed, or whose memory controller was
 * disabled, loses its reservation (cgroup-gone); start-up ends at
 * startup_window, paging at paging_max, whichever first; limits that could
 * not be written are tried again.
 *
 * Return: true when @resv is running (and still in the table): the
 * balancer samples it.
 */
bool memresv_resv_tick_one(struct memresv_resv *resv)
{
	lockdep_assert_held(&memresv_lock);
	/* rmdir takes the memory css offline too, a moment after the group. */
	if (memresv_cgfs_memcg_gone(resv->memcg)) {
		memresv_resv_unlink(resv, MEMRESV_REASON_CGROUP_GONE);
		memresv_resv_put(resv);
		return false;
	}
	if (READ_ONCE(resv->retry))
		memresv_resv_queue_apply(resv);
	if (resv->state == MEMRESV_STATE_RUNNING)
		return true;
	if (memresv_resv_phase_left_ms(resv))
		return false;
	memresv_resv_end_startup(resv, resv->state == MEMRESV_STATE_PAGING &&
				 memresv_ledger.paging_max < resv->set.window ?
				 MEMRESV_REASON_PAGING_MAX : MEMRESV_REASON_WINDOW);
	memresv_resv_queue_apply(resv);
	return false;
}

static void memresv_tick_fn(struct work_struct *work)
{
	unsigned long delay = memresv_balancer_tick();

	queue_delayed_work(memresv_wq, &memresv_tick_work, delay);
}

/**
 * memresv_resv_kick() - run the tick now (the period changed)
 */
void memresv_resv_kick(void)
{
	mod_delayed_work(memresv_wq, &memresv_tick_work, 0);
}

/**
 * memresv_resv_init() - the reservation cache, the workqueue and the tick
 *
 * Return: 0 or -ENOMEM.
 */
int memresv_resv_init(void)
{
	memresv_resv_cache = KMEM_CACHE(memresv_resv, 0);
	if (!memresv_resv_cache)
		return -ENOMEM;
	/* Writes block in reclaim: unbound, and usable under memory pressure. */
	memresv_wq = alloc_workqueue("memresv", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!memresv_wq) {
		kmem_cache_destroy(memresv_resv_cache);
		return -ENOMEM;
	}
	INIT_DELAYED_WORK(&memresv_tick_work, memresv_tick_fn);
	queue_delayed_work(memresv_wq, &memresv_tick_work,
			   msecs_to_jiffies(memresv_ledger.period_ms));
	return 0;
}

/**
 * memresv_resv_exit() - give every group back its files, stop the tick
 *
 * New reservations are refused from here on; the netlink family is still
 * registered so that listeners see each "removed (unload)".
 */
void memresv_resv_exit(void)
{
	struct memresv_resv *resv;
	char path[128];

	mutex_lock(&memresv_lock);
	memresv_unloading = true;
	mutex_unlock(&memresv_lock);
	cancel_delayed_work_sync(&memresv_tick_work);

	for (;;) {
		/*
		 * Requests may still run: take each reference under the lock,
		 * and start again from the first entry left in the table.
		 */
		mutex_lock(&memresv_lock);
		resv = memresv_resv_from(0);
		if (resv)
			kref_get(&resv->ref);
		mutex_unlock(&memresv_lock);
		if (!resv)
			break;
		mutex_lock(&resv->io_lock);
		mutex_lock(&memresv_lock);
		if (resv->removed) {
			mutex_unlock(&memresv_lock);
			goto next;
		}
		memresv_resv_unlink(resv, MEMRESV_REASON_UNLOAD);
		memresv_resv_put(resv);	/* the table's */
		mutex_unlock(&memresv_lock);
		if (memresv_cgfs_restore(resv->cgrp, resv->memcg, &resv->saved,
					 &resv->applied) == -EBUSY)
			pr_warn("memresv: %s: memory.max left at %llu: usage is above the value it had before\n",
				memresv_resv_path(resv->cgrp, path, sizeof(path)),
				resv->applied.max);
next:
		mutex_unlock(&resv->io_lock);
		memresv_resv_put(resv);
	}
}

/**
 * memresv_resv_destroy() - after the family is gone: drain the workqueue
 */
void memresv_resv_destroy(void)
{
	destroy_workqueue(memresv_wq);
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&memresv_resvs));
	memresv_balancer_exit();
	kmem_cache_destroy(memresv_resv_cache);
}
