// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: reservations — admission, changes, start-up phase, lifetime.
 *
 * Locking (the whole order is in Documentation/design.rst): memresv_lock
 * guards the ledger, the table and every reservation's settings and
 * derived values, and is held only for bookkeeping.  resv->io_lock
 * serialises everything that writes one group's files and is taken before
 * memresv_lock.  Limits are computed under memresv_lock and written after
 * dropping it.  A request takes both with resv_lock(), which refuses a
 * reservation that was removed meanwhile.
 *
 * The guarantee only ever grows through a check against the capacity left
 * (memresv_ledger_unguaranteed()): at admission, and when a change raises
 * the minimum.  While starting, the guarantee is the physical part of
 * startup and never below the minimum, so the end of start-up only lowers
 * it.
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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "err.h"
#include "hold.h"
#include "ledger.h"
#include "notify.h"
#include "policy.h"
#include "prot.h"
#include "resv.h"

static struct rb_root resvs = RB_ROOT;
static struct kmem_cache *resv_cache;
/* memresv_lock */
static bool resv_stopped;

static void resv_release(struct kref *ref)
{
	struct memresv_resv *resv = container_of(ref, struct memresv_resv, ref);

	memresv_cgfs_release(&resv->cg);
	mutex_destroy(&resv->io_lock);
	kmem_cache_free(resv_cache, resv);
}

/**
 * memresv_resv_put() - drop a reference on a reservation
 * @resv: the reservation
 */
void memresv_resv_put(struct memresv_resv *resv)
{
	kref_put(&resv->ref, resv_release);
}

static int resv_cmp(const void *key, const struct rb_node *node)
{
	u64 id = *(const u64 *)key;
	u64 other = rb_entry(node, struct memresv_resv, node)->id;

	return id < other ? -1 : id > other;
}

static bool resv_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memresv_resv, node)->id <
	       rb_entry(b, struct memresv_resv, node)->id;
}

/* The reservation of a cgroup id, or NULL; memresv_lock held. */
static struct memresv_resv *resv_lookup(u64 id)
{
	struct rb_node *node;

	lockdep_assert_held(&memresv_lock);
	node = rb_find(&id, &resvs, resv_cmp);
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
	struct rb_node *node = resvs.rb_node;
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
	struct rb_node *node;

	lockdep_assert_held(&memresv_lock);
	node = rb_next(&resv->node);
	return node ? rb_entry(node, struct memresv_resv, node) : NULL;
}

/**
 * memresv_resv_verify() - check the ledger, recounting it if asked to
 *
 * Caller holds memresv_lock.
 */
void memresv_resv_verify(void)
{
	struct memresv_ledger_sums sums = {};
	struct memresv_resv *resv;

	lockdep_assert_held(&memresv_lock);
	if (!memresv_ledger_recounting()) {
		memresv_ledger_verify(NULL);
		return;
	}
	for (resv = memresv_resv_from(0); resv;
	     resv = memresv_resv_next(resv)) {
		WARN_ON_ONCE(resv->guarantee > resv->target);
		WARN_ON_ONCE(resv->state != MEMRESV_STATE_RUNNING &&
			     resv->guarantee < resv->set.minimum);
		sums.guaranteed += resv->guarantee;
		sums.assigned += resv->target;
		sums.paging_used += resv->grant;
		sums.nr++;
	}
	memresv_hold_count(&sums);
	memresv_ledger_verify(&sums);
}

/*
 * Take @resv's locks, io_lock then memresv_lock.  Return: 0, or -ENOENT
 * (nothing held) when the reservation was removed meanwhile.
 */
static int resv_lock(struct memresv_resv *resv, struct memresv_err *e)
{
	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (!resv->removed)
		return 0;
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
	memresv_err(e, "the reservation was removed");
	return -ENOENT;
}

static void resv_unlock(struct memresv_resv *resv)
{
	mutex_unlock(&memresv_lock);
	mutex_unlock(&resv->io_lock);
}

/* A balloon's backstop in memory.high: this much above the guest's size. */
#define RESV_BACKSTOP_MARGIN	SZ_64M

/**
 * memresv_resv_guest_fresh() - is the guest's last report recent enough?
 * @resv: the reservation; memresv_lock held
 *
 * A report is used for three periods, and at least three seconds; reports
 * that stop arriving age out, and the group's own counters take over.
 *
 * Return: true when the guest's demand and balloon size are current.
 */
bool memresv_resv_guest_fresh(const struct memresv_resv *resv)
{
	unsigned long age = max(3 * msecs_to_jiffies(memresv_ledger_period_ms()),
				3UL * HZ);

	lockdep_assert_held(&memresv_lock);
	return resv->guest_at && time_before(jiffies, resv->guest_at + age);
}

/**
 * memresv_resv_high() - what memory.high holds for a reservation
 * @resv: the reservation; memresv_lock held
 *
 * The target, where the cgroup is the actuator.  Where the guest's balloon
 * is (and the guest reports), a backstop: what the balloon leaves the
 * guest, or the target if that is higher, plus a margin.  When the target
 * falls, the balloon inflates first and the backstop follows the guest's
 * size down; when it rises, the backstop rises with it and the balloon
 * deflates into the room.
 *
 * Return: bytes, page aligned, at most the maximum.
 */
u64 memresv_resv_high(const struct memresv_resv *resv)
{
	u64 high;

	lockdep_assert_held(&memresv_lock);
	if (resv->set.actuator != MEMRESV_ACTUATOR_BALLOON ||
	    !resv->guest_fresh)
		return resv->target;
	high = max(resv->target, PAGE_ALIGN(resv->guest_size)) +
	       RESV_BACKSTOP_MARGIN;
	return min(high, resv->set.maximum);
}

/* What the files should hold now; memresv_lock held. */
static void resv_limits(const struct memresv_resv *resv,
			struct memresv_limits *lim)
{
	lockdep_assert_held(&memresv_lock);
	lim->min = resv->guarantee;
	lim->high = memresv_resv_high(resv);
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
static int resv_apply(struct memresv_resv *resv)
{
	struct memresv_limits want;
	int err;

	lockdep_assert_held(&resv->io_lock);
	mutex_lock(&memresv_lock);
	if (resv->removed) {
		mutex_unlock(&memresv_lock);
		return 0;
	}
	resv_limits(resv, &want);
	mutex_unlock(&memresv_lock);
	err = memresv_cgfs_apply(&resv->cg, &want);
	/* The tick tries again (e.g. usage not yet under a lower maximum). */
	WRITE_ONCE(resv->retry, err && !memresv_cgfs_gone(&resv->cg));
	return err;
}

static void resv_apply_work(struct work_struct *work)
{
	struct memresv_resv *resv =
		container_of(work, struct memresv_resv, apply_work);
	int err;

	mutex_lock(&resv->io_lock);
	err = resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	if (READ_ONCE(resv->retry))
		pr_warn_ratelimited("cgroup %llu: cannot apply limits: %d\n",
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

	lockdep_assert_held(&memresv_lock);
	if (resv->state == MEMRESV_STATE_RUNNING)
		return 0;
	if (resv->state == MEMRESV_STATE_PAGING)
		secs = min_t(unsigned long, secs, memresv_ledger_paging_max());
	end = resv->phase_start + secs * HZ;
	return time_before(jiffies, end) ? jiffies_to_msecs(end - jiffies) : 0;
}

/*
 * Targets are whole pages (memory.high holds no less), so a target within a
 * page of demand plus buffer covers it.  memresv_lock held.
 */
static void resv_status(struct memresv_resv *resv)
{
	lockdep_assert_held(&memresv_lock);
	resv->status = memresv_policy_status(resv->target + PAGE_SIZE - 1,
					     resv->demand, resv->set.buffer,
					     resv->state == MEMRESV_STATE_PAGING);
}

/* @resv's share of the ledger and of its ancestors' needs becomes @new. */
static void resv_ledger_move(const struct memresv_resv *resv,
			     const struct memresv_ledger_entry *new)
{
	struct memresv_ledger_entry old = {
		resv->guarantee, resv->target, resv->grant,
	};

	memresv_ledger_account(&old, new);
	memresv_prot_move(resv->prot, resv->guarantee, new->guarantee);
}

/* New guarantee, target and grant, with the ledger and status in step. */
static void resv_account(struct memresv_resv *resv, u64 guarantee,
			 u64 target, u64 grant)
{
	struct memresv_ledger_entry new = { guarantee, target, grant };

	resv_ledger_move(resv, &new);
	resv->guarantee = guarantee;
	resv->target = target;
	resv->grant = grant;
	resv_status(resv);
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

	lockdep_assert_held(&memresv_lock);
	if (target != resv->target) {
		resv_account(resv, resv->guarantee, target, resv->grant);
		memresv_resv_queue_apply(resv);
	} else {
		resv_status(resv);
	}
	if (resv->status != status)
		memresv_notify_resv(resv, MEMRESV_EVENT_CHANGED,
				    MEMRESV_REASON_NONE);
}

/*
 * The targets one admission took from the other reservations, so that an
 * admission undone gives them back (resv_give_back()).
 */
struct resv_taken {
	size_t n;
	struct {
		u64 id;
		u64 before;
		u64 after;
	} v[];
};

/*
 * Take @need bytes back from the targets of the reservations but @skip,
 * lowest weight first (memresv_policy_reclaim()), and write the lower
 * targets asynchronously.  With @taken, what was taken from whom is
 * noted there (*@taken is then the caller's to free; NULL when nothing
 * was taken).  memresv_lock held.
 */
static int resv_reclaim(u64 need, struct memresv_resv *skip,
			struct resv_taken **taken)
{
	struct memresv_share *shares;
	struct memresv_resv *resv;
	struct resv_taken *t = NULL;
	size_t n = 0;

	lockdep_assert_held(&memresv_lock);
	if (!need)
		return 0;
	shares = kvmalloc_array(memresv_ledger_nr(), sizeof(*shares),
				GFP_KERNEL);
	if (!shares)
		return -ENOMEM;
	if (taken) {
		t = kvzalloc(struct_size(t, v, memresv_ledger_nr()),
			     GFP_KERNEL);
		if (!t) {
			kvfree(shares);
			return -ENOMEM;
		}
		*taken = t;
	}
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
		if (shares[n].target != resv->target) {
			if (t) {
				t->v[t->n].id = resv->id;
				t->v[t->n].before = resv->target;
				t->v[t->n].after = shares[n].target;
				t->n++;
			}
			memresv_resv_retarget(resv, shares[n].target);
		}
		n++;
	}
	kvfree(shares);
	return 0;
}

/*
 * An admission was undone: the targets it took go back to whoever still
 * has the target it left them (the balancer may have moved it since),
 * within their maximum and the capacity.  memresv_lock held; the files
 * follow asynchronously (resv_given_back()).
 */
static void resv_give_back(struct resv_taken *taken)
{
	struct memresv_resv *resv;
	size_t i;

	lockdep_assert_held(&memresv_lock);
	if (!taken)
		return;
	for (i = 0; i < taken->n; i++) {
		resv = resv_lookup(taken->v[i].id);
		if (resv && resv->target == taken->v[i].after)
			memresv_resv_retarget(resv, min(taken->v[i].before,
							resv->set.maximum));
	}
	memresv_resv_fit_capacity();
}

/*
 * Wait until the files of the reservations an undone admission gave back
 * to say so, so that the refused request returns with every file as it
 * was; then free @taken.  No lock held (the writes take them).
 */
static void resv_given_back(struct resv_taken *taken)
{
	struct memresv_resv *resv;
	size_t i;

	if (!taken)
		return;
	for (i = 0; i < taken->n; i++) {
		mutex_lock(&memresv_lock);
		resv = resv_lookup(taken->v[i].id);
		if (resv)
			kref_get(&resv->ref);
		mutex_unlock(&memresv_lock);
		if (!resv)
			continue;
		flush_work(&resv->apply_work);
		memresv_resv_put(resv);
	}
	kvfree(taken);
}

/**
 * memresv_resv_fit_capacity() - shrink targets after the capacity shrank
 *
 * Caller holds memresv_lock; guaranteed <= capacity already holds.
 */
void memresv_resv_fit_capacity(void)
{
	struct memresv_host_figures fig;

	lockdep_assert_held(&memresv_lock);
	memresv_ledger_figures(&fig);
	if (fig.assigned > fig.capacity &&
	    resv_reclaim(fig.assigned - fig.capacity, NULL, NULL))
		pr_warn("no memory to shrink targets to the capacity\n");
}

/**
 * memresv_resv_get() - the reservation of a group
 * @cgrp: the group
 * @e: why not
 *
 * Return: the reservation with a reference held, or ERR_PTR(-ENOENT).
 */
struct memresv_resv *memresv_resv_get(struct cgroup *cgrp,
				      struct memresv_err *e)
{
	struct memresv_resv *resv;

	mutex_lock(&memresv_lock);
	resv = resv_lookup(cgroup_id(cgrp));
	if (resv)
		kref_get(&resv->ref);
	mutex_unlock(&memresv_lock);
	if (!resv) {
		memresv_err(e, "the cgroup has no reservation");
		return ERR_PTR(-ENOENT);
	}
	return resv;
}

/*
 * A reservation on an ancestor or a descendant of @cgrp; memresv_lock.
 * Walks the group's own ancestry and subtree, not the whole table: a
 * typical group is a leaf, so this stays cheap with many reservations.
 */
static struct memresv_resv *resv_nested(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *css;
	struct memresv_resv *resv = NULL;
	struct cgroup *pos;

	lockdep_assert_held(&memresv_lock);
	for (pos = cgroup_parent(cgrp); pos; pos = cgroup_parent(pos)) {
		resv = resv_lookup(cgroup_id(pos));
		if (resv)
			return resv;
	}
	rcu_read_lock();
	css_for_each_descendant_pre(css, &cgrp->self) {
		if (css == &cgrp->self)
			continue;
		resv = resv_lookup(cgroup_id(css->cgroup));
		if (resv)
			break;
	}
	rcu_read_unlock();
	return resv;
}

/* @cgrp's path as the requester names it, for a message. */
static const char *resv_path(struct cgroup *cgrp, char *buf, size_t len)
{
	if (memresv_cgfs_path(cgrp, buf, len, true))
		strscpy(buf, "?", len);
	return buf;
}

/* minimum <= startup <= maximum, for reservations and holds alike. */
static int resv_check_sizes(const struct memresv_settings *set,
			    struct memresv_err *e)
{
	if (set->minimum > set->startup) {
		memresv_err_bad(e, MEMRESV_SET_STARTUP,
				"startup is below minimum");
		return -EINVAL;
	}
	if (set->startup > set->maximum) {
		memresv_err_bad(e, MEMRESV_SET_MAXIMUM,
				"maximum is below startup");
		return -EINVAL;
	}
	return 0;
}

/* The settings as a whole: the sizes, and swap where there is none. */
static int resv_validate(const struct memresv_settings *set,
			 const struct memresv_resv *resv,
			 struct memresv_err *e)
{
	int err = resv_check_sizes(set, e);

	if (err)
		return err;
	if (set->swap_max && !resv->cg.have_swap) {
		memresv_err_bad(e, MEMRESV_SET_SWAP_MAX,
				"swap accounting is off: swap_max must be 0");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The figures an admission of @resv decides on; memresv_lock held. */
static void resv_figures(const struct memresv_resv *resv, bool counted,
			 struct memresv_host_figures *fig)
{
	lockdep_assert_held(&memresv_lock);
	memresv_ledger_figures(fig);
	if (!counted)
		return;
	/* A restart: as if the reservation had been removed first. */
	fig->guaranteed -= resv->guarantee;
	fig->assigned -= resv->target;
	fig->reclaimable -= resv->target - resv->guarantee;
	fig->paging_used -= resv->grant;
}

/**
 * struct resv_start - one start to admit, and who asks
 * @req: what it asks for
 * @cgrp: the group, for a reservation
 * @key: the key, for a hold
 */
struct resv_start {
	struct memresv_request req;
	struct cgroup *cgrp;
	const char *key;
};

static int resv_refused(const struct resv_start *start,
			const struct memresv_host_figures *fig,
			struct memresv_err *e)
{
	const struct memresv_request *req = &start->req;
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_ADMISSION_REFUSED,
		.cgrp = start->cgrp,
		.key = start->key,
		.fig = fig,
		.req = req,
	};
	u64 free = fig->capacity > fig->assigned ?
		   fig->capacity - fig->assigned : 0;
	u64 tier = fig->paging_limit > fig->paging_used ?
		   fig->paging_limit - fig->paging_used : 0;

	memresv_err(e, "startup %llu MiB does not fit: free %llu, reclaimable %llu, %s%llu MiB",
		    req->startup >> 20, free >> 20, fig->reclaimable >> 20,
		    req->paging_allowed ? "tier " : "no paging, tier ",
		    tier >> 20);
	memresv_notify(&ev);
	return -ENOMEM;
}

/*
 * Decide on a start, with @fig the ledger without it, and make room for
 * it in the others' targets (but @skip's); memresv_lock held.
 */
static int resv_decide(const struct resv_start *start,
		       const struct memresv_host_figures *fig,
		       struct memresv_resv *skip, struct resv_taken **taken,
		       struct memresv_admission *adm, struct memresv_err *e)
{
	u64 swap = (u64)get_nr_swap_pages() << PAGE_SHIFT;

	lockdep_assert_held(&memresv_lock);
	memresv_policy_admit(fig, &start->req, adm);
	/* While overcommitted nothing more can be promised. */
	if (adm->fit == MEMRESV_FIT_NONE ||
	    fig->guaranteed + adm->physical > fig->capacity)
		return resv_refused(start, fig, e);
	if (adm->grant > swap) {
		memresv_err(e, "paging needs %llu MiB of swap, the host has %llu MiB free",
			    adm->grant >> 20, swap >> 20);
		return -ENOMEM;
	}
	return resv_reclaim(adm->reclaim, skip, taken);
}

/*
 * Admit @resv for a start (@counted: it is in the ledger already, a
 * restart); memresv_lock held.  On success the ledger carries its new
 * guarantee, target and grant, and @taken (if not NULL) what the others
 * gave up for it.
 */
static int resv_admit(struct memresv_resv *resv, bool paging_allowed,
		      bool counted, struct resv_taken **taken,
		      struct memresv_err *e)
{
	struct resv_start start = {
		.req = {
			.startup = resv->set.startup,
			.minimum = resv->set.minimum,
			.maximum = resv->set.maximum,
			.paging_allowed = paging_allowed,
		},
		.cgrp = resv->cg.cgrp,
	};
	struct memresv_host_figures fig;
	struct memresv_admission adm;
	int err;

	lockdep_assert_held(&memresv_lock);
	resv_figures(resv, counted, &fig);
	err = resv_decide(&start, &fig, resv, taken, &adm, e);
	if (err)
		return err;
	resv->state = adm.grant ? MEMRESV_STATE_PAGING : MEMRESV_STATE_STARTING;
	resv->phase_start = jiffies;
	resv_account(resv, adm.physical, adm.physical, adm.grant);
	return 0;
}

/* May a start with these settings use the swap tier? */
static bool resv_may_page(const struct memresv_settings *set, bool force)
{
	return set->paging == MEMRESV_PAGING_ALWAYS ||
	       (force && set->paging != MEMRESV_PAGING_NEVER);
}

/**
 * memresv_resv_hold() - admit a start whose cgroup is not there yet
 * @key: who holds it (libvirt: the domain's UUID)
 * @set: the settings the reservation will have; sizes page aligned
 * @force: this start may use the swap tier unless paging is "never"
 * @timeout: seconds until the hold is given back unless a reservation
 *	takes it (memresv_resv_new() with @key)
 * @e: why not
 *
 * The same admission as a reservation's, counted in the ledger like a
 * starting reservation, so that two starts that together do not fit
 * cannot both be admitted.
 *
 * Return: 0, -EEXIST, -ENOMEM (does not fit), -ESHUTDOWN.
 */
int memresv_resv_hold(const char *key, const struct memresv_settings *set,
		      bool force, u32 timeout, struct memresv_err *e)
{
	struct resv_start start = {
		.req = {
			.startup = set->startup,
			.minimum = set->minimum,
			.maximum = set->maximum,
			.paging_allowed = resv_may_page(set, force),
		},
		.key = key,
	};
	struct memresv_host_figures fig;
	struct memresv_admission adm;
	struct memresv_hold *hold;
	int err;

	err = resv_check_sizes(set, e);
	if (err)
		return err;
	hold = kzalloc(sizeof(*hold), GFP_KERNEL_ACCOUNT);
	if (!hold)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	err = -ESHUTDOWN;
	if (resv_stopped) {
		memresv_err(e, "memresv is being unloaded");
		goto out;
	}
	err = -EEXIST;
	if (memresv_hold_find(key)) {
		memresv_err(e, "'%s' holds memory already", key);
		goto out;
	}
	memresv_ledger_figures(&fig);
	err = resv_decide(&start, &fig, NULL, NULL, &adm, e);
	if (err)
		goto out;
	strscpy(hold->key, key, sizeof(hold->key));
	hold->startup = set->startup;
	hold->minimum = set->minimum;
	hold->maximum = set->maximum;
	hold->state = adm.grant ? MEMRESV_STATE_PAGING : MEMRESV_STATE_STARTING;
	hold->guarantee = adm.physical;
	hold->grant = adm.grant;
	hold->timeout = timeout;
	memresv_hold_link(hold);
	hold = NULL;
	memresv_resv_verify();
out:
	mutex_unlock(&memresv_lock);
	kfree(hold);
	return err;
}

/*
 * Take over the admission of the hold @key; memresv_lock held.  The
 * settings must ask for what was held.
 */
static int resv_bind(struct memresv_resv *resv, const char *key,
		     struct memresv_err *e)
{
	struct memresv_hold *hold = memresv_hold_find(key);
	u64 guarantee, grant;
	u8 state;

	lockdep_assert_held(&memresv_lock);
	if (!hold) {
		memresv_err(e, "no hold '%s' (given back at its timeout?)", key);
		return -ENOENT;
	}
	if (hold->startup != resv->set.startup ||
	    hold->minimum != resv->set.minimum ||
	    hold->maximum != resv->set.maximum) {
		memresv_err_bad(e, MEMRESV_SET_STARTUP,
				"the hold is for %llu/%llu/%llu MiB",
				hold->startup >> 20, hold->minimum >> 20,
				hold->maximum >> 20);
		return -EINVAL;
	}
	guarantee = hold->guarantee;
	grant = hold->grant;
	state = hold->state;
	memresv_hold_unlink(hold, MEMRESV_REASON_BOUND);
	resv->state = state;
	resv->phase_start = jiffies;
	resv_account(resv, guarantee, guarantee, grant);
	return 0;
}

/*
 * memory.min protects a group only as far as each ancestor's protection
 * reaches.  memresv raises the ancestors it may write (prot.c) before this
 * looks; warn when one below the root still has less memory.min than the
 * guarantees below it (a systemd unit whose MemoryMin the agent has not
 * raised yet, or a write that failed).
 */
static void resv_check_protection(struct memresv_resv *resv,
				  struct memresv_err *e)
{
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_WARNING,
		.resv = resv,
	};
	char path[MEMRESV_ERR_LEN];
	struct memresv_prot *prot;
	const char *name;

	memresv_prot_sync();
	mutex_lock(&memresv_lock);
	for (prot = resv->prot; prot && !resv->removed; prot = prot->parent) {
		ev.ancestor_min = memresv_cgfs_protection(prot->cg.cgrp);
		if (ev.ancestor_min >= prot->need)
			continue;
		resv_path(prot->cg.cgrp, path, sizeof(path));
		name = strrchr(path, '/');
		memresv_err(e, "guarantee %llu MiB capped by memory.min %llu MiB of %s",
			    resv->guarantee >> 20, ev.ancestor_min >> 20,
			    name ? name + 1 : path);
		ev.ancestor = prot->cg.cgrp;
		memresv_notify(&ev);
		break;
	}
	mutex_unlock(&memresv_lock);
}

/*
 * Out of the table and the ledger; memresv_lock held.  The reservation
 * keeps the figures it had: a request that succeeded just before, and the
 * "removed" event, report it as it stood when it left.  Nothing accounts a
 * removed reservation again (resv_lock() and the table refuse it).
 */
static void resv_unlink(struct memresv_resv *resv, u8 reason)
{
	struct memresv_ledger_entry none = {};

	lockdep_assert_held(&memresv_lock);
	resv_ledger_move(resv, &none);
	memresv_prot_put(resv->prot);
	resv->prot = NULL;
	rb_erase(&resv->node, &resvs);
	resv->removed = true;
	memresv_ledger_unlink();
	if (reason != MEMRESV_REASON_NONE)
		memresv_notify_resv(resv, MEMRESV_EVENT_REMOVED, reason);
	memresv_resv_verify();
}

/* Drop a reservation that never joined the table. */
static void resv_discard(struct memresv_resv *resv)
{
	mutex_lock(&memresv_lock);
	memresv_prot_put(resv->prot);
	resv->prot = NULL;
	mutex_unlock(&memresv_lock);
	memresv_resv_put(resv);
}

/*
 * A systemd unit's own group has one writer, systemd, which re-applies
 * the unit's memory settings whenever it re-applies the unit.  memresv
 * refuses it and names what to reserve instead.
 */
static int resv_check_owner(struct cgroup *cgrp, struct memresv_err *e)
{
	char path[MEMRESV_ERR_LEN];
	const char *unit;
	int owner;

	owner = memresv_cgfs_owner(cgrp);
	if (owner < 0) {
		memresv_err(e, "cannot read the cgroup's attributes: error %d",
			    owner);
		return owner;
	}
	if (owner != MEMRESV_OWNER_SYSTEMD)
		return 0;
	/* The advice first: a long unit name is what gets cut. */
	unit = strrchr(resv_path(cgrp, path, sizeof(path)), '/');
	memresv_err(e, "systemd owns it: reserve a delegated child of %s",
		    unit ? unit + 1 : path);
	return -EBUSY;
}

/* A new reservation of @cgrp, its files saved; nothing in the ledger. */
static struct memresv_resv *resv_alloc(struct cgroup *cgrp,
				       const struct memresv_settings *set,
				       unsigned long *deaths,
				       struct memresv_err *e)
{
	struct memresv_sample sample;
	struct memresv_resv *resv;
	int err;

	err = resv_check_owner(cgrp, e);
	if (err)
		return ERR_PTR(err);
	resv = kmem_cache_zalloc(resv_cache, GFP_KERNEL_ACCOUNT);
	if (!resv)
		return ERR_PTR(-ENOMEM);
	/*
	 * The protection memresv kept on this group as the ancestor of one
	 * reserved until just now may still be being given back (a work
	 * item): what memory.min holds meanwhile is not the group's own.
	 */
	*deaths = memresv_prot_settled();
	err = memresv_cgfs_take(&resv->cg, cgrp, e);
	if (err) {
		kmem_cache_free(resv_cache, resv);
		return ERR_PTR(err);
	}
	kref_init(&resv->ref);
	resv->id = resv->cg.id;
	resv->set = *set;
	mutex_init(&resv->io_lock);
	INIT_WORK(&resv->apply_work, resv_apply_work);
	/* Throttling and usage from before the reservation are not news. */
	memresv_cgfs_sample(&resv->cg, &sample);
	resv->high_events = sample.high_events;
	resv->usage = memresv_cgfs_usage(&resv->cg);
	resv->grown_at = jiffies;
	resv->prot = memresv_prot_get(cgrp, e);
	err = IS_ERR(resv->prot) ? PTR_ERR(resv->prot) : 0;
	if (err)
		resv->prot = NULL;
	else
		err = resv_validate(set, resv, e);
	if (err) {
		resv_discard(resv);
		return ERR_PTR(err);
	}
	return resv;
}

/*
 * The group's last reserved descendant left while @resv saved its files
 * (@deaths entries released then, more now): the protection memresv kept
 * on the group may have been in memory.min.  Save the files again once it
 * is given back.  Both locks held; memresv_lock is dropped meanwhile.
 */
static void resv_resave(struct memresv_resv *resv, unsigned long deaths)
{
	lockdep_assert_held(&resv->io_lock);
	lockdep_assert_held(&memresv_lock);
	while (memresv_prot_deaths() != deaths) {
		mutex_unlock(&memresv_lock);
		deaths = memresv_prot_settled();
		memresv_cgfs_resave(&resv->cg);
		mutex_lock(&memresv_lock);
	}
}

/*
 * Admit @resv, or bind it to a hold, and link it; both locks held.  What
 * the admission took from the others is in *@taken.
 */
static int resv_insert(struct memresv_resv *resv, bool force,
		       const char *hold, struct resv_taken **taken,
		       struct memresv_err *e)
{
	struct memresv_resv *other;
	char path[MEMRESV_ERR_LEN];
	int err;

	lockdep_assert_held(&resv->io_lock);
	lockdep_assert_held(&memresv_lock);
	if (resv_stopped) {
		memresv_err(e, "memresv is being unloaded");
		return -ESHUTDOWN;
	}
	if (memresv_cgfs_gone(&resv->cg)) {
		memresv_err(e, "the cgroup was removed");
		return -ENOENT;
	}
	if (resv_lookup(resv->id)) {
		memresv_err(e, "the cgroup already has a reservation");
		return -EEXIST;
	}
	other = resv_nested(resv->cg.cgrp);
	if (other) {
		memresv_err(e, "reservations cannot nest: '%s' is reserved",
			    resv_path(other->cg.cgrp, path, sizeof(path)));
		return -EBUSY;
	}
	if (hold)
		err = resv_bind(resv, hold, e);
	else
		err = resv_admit(resv, resv_may_page(&resv->set, force), false,
				 taken, e);
	if (err)
		return err;
	rb_add(&resv->node, &resvs, resv_less);
	kref_get(&resv->ref);		/* the table's */
	memresv_ledger_link();
	memresv_resv_verify();
	return 0;
}

/*
 * The files of a just-linked @resv could not be written: undo, and give
 * the others back what its admission @taken from them.
 */
static int resv_undo_new(struct memresv_resv *resv, int err,
			 struct resv_taken *taken, struct memresv_err *e)
{
	bool linked;

	lockdep_assert_held(&resv->io_lock);
	mutex_lock(&memresv_lock);
	/* The tick may have released it meanwhile (the group went away). */
	linked = !resv->removed;
	if (linked)
		resv_unlink(resv, MEMRESV_REASON_NONE);
	resv_give_back(taken);
	mutex_unlock(&memresv_lock);
	memresv_cgfs_restore(&resv->cg);
	if (err == -EBUSY)
		memresv_err_bad(e, MEMRESV_SET_MAXIMUM,
				"maximum %llu MiB is below the usage of %llu MiB, which reclaim kept",
				resv->set.maximum >> 20,
				memresv_cgfs_usage(&resv->cg) >> 20);
	else
		memresv_err(e, "cannot write the cgroup's memory files: error %d",
			    err);
	if (linked)
		memresv_resv_put(resv);	/* the table's */
	return err;
}

/**
 * memresv_resv_new() - admit a reservation on a group (RESV_NEW)
 * @cgrp: the group
 * @set: validated settings, sizes page aligned
 * @force: this start may use the swap tier unless paging is "never"
 * @hold: the key of a hold whose admission the reservation takes over
 *	(memresv_resv_hold()), or NULL to be admitted now
 * @e: why not
 * @out: the new reservation, with a reference for the caller
 *
 * Return: 0 or a negative errno; on error nothing changed, but a hold
 * taken over is gone.  -ENOENT when the group went away meanwhile.
 */
int memresv_resv_new(struct cgroup *cgrp, const struct memresv_settings *set,
		     bool force, const char *hold, struct memresv_err *e,
		     struct memresv_resv **out)
{
	struct resv_taken *taken = NULL;
	struct memresv_resv *resv;
	unsigned long deaths;
	int err;

	if (!cgroup_parent(cgrp)) {
		memresv_err(e, "the root cgroup cannot be reserved");
		return -EINVAL;
	}
	resv = resv_alloc(cgrp, set, &deaths, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);

	mutex_lock(&resv->io_lock);
	mutex_lock(&memresv_lock);
	resv_resave(resv, deaths);
	err = resv_insert(resv, force, hold, &taken, e);
	mutex_unlock(&memresv_lock);
	if (err) {
		mutex_unlock(&resv->io_lock);
		resv_discard(resv);
		return err;
	}
	err = resv_apply(resv);
	if (err) {
		err = resv_undo_new(resv, err, taken, e);
		mutex_unlock(&resv->io_lock);
		memresv_resv_put(resv);
		resv_given_back(taken);
		return err;
	}
	kvfree(taken);
	mutex_lock(&memresv_lock);
	/* The tick released it if the group went away meanwhile. */
	if (resv->removed) {
		resv_unlock(resv);
		memresv_resv_put(resv);
		memresv_err(e, "the cgroup was removed");
		return -ENOENT;
	}
	memresv_notify_resv(resv, MEMRESV_EVENT_ADDED, MEMRESV_REASON_NONE);
	if (resv->state == MEMRESV_STATE_PAGING)
		memresv_notify_resv(resv, MEMRESV_EVENT_PAGING_START,
				    MEMRESV_REASON_NONE);
	resv_unlock(resv);
	resv_check_protection(resv, e);
	*out = resv;
	return 0;
}

/* @upd's fields named in @mask over @resv's settings. */
static void resv_merge(const struct memresv_resv *resv,
		       const struct memresv_settings *upd, u32 mask,
		       struct memresv_settings *set)
{
	*set = resv->set;
	if (mask & MEMRESV_SET_STARTUP)
		set->startup = upd->startup;
	if (mask & MEMRESV_SET_MINIMUM)
		set->minimum = upd->minimum;
	if (mask & MEMRESV_SET_MAXIMUM)
		set->maximum = upd->maximum;
	if (mask & MEMRESV_SET_BUFFER)
		set->buffer = upd->buffer;
	if (mask & MEMRESV_SET_WEIGHT)
		set->weight = upd->weight;
	if (mask & MEMRESV_SET_SWAP_MAX)
		set->swap_max = upd->swap_max;
	if (mask & MEMRESV_SET_WINDOW)
		set->window = upd->window;
	if (mask & MEMRESV_SET_PAGING)
		set->paging = upd->paging;
	if (mask & MEMRESV_SET_ACTUATOR)
		set->actuator = upd->actuator;
}

/*
 * The guarantee under @set.  Running: the minimum.  Starting: the
 * physical part admitted, raised to a higher minimum (the phase must end
 * on a guarantee the ledger has already checked) and capped by a lower
 * maximum.
 */
static u64 resv_guarantee(const struct memresv_resv *resv,
			  const struct memresv_settings *set)
{
	if (resv->state == MEMRESV_STATE_RUNNING)
		return set->minimum;
	return min(max(resv->guarantee, set->minimum), set->maximum);
}

/*
 * Guarantee and target under @set; memresv_lock held.  A higher guarantee
 * is checked against the capacity left; a higher target takes what free
 * memory lacks back from the others (noted in @taken, if not NULL, as by
 * resv_reclaim()).
 */
static int resv_settle(struct memresv_resv *resv,
		       const struct memresv_settings *set,
		       struct resv_taken **taken, struct memresv_err *e)
{
	u64 guarantee = resv_guarantee(resv, set), target, free, room;
	u8 status = resv->status;
	int err;

	lockdep_assert_held(&memresv_lock);
	target = clamp(resv->target, guarantee, set->maximum);
	room = memresv_ledger_unguaranteed();
	if (guarantee > resv->guarantee && guarantee - resv->guarantee > room) {
		memresv_err_bad(e, MEMRESV_SET_MINIMUM,
				"minimum %llu MiB cannot be guaranteed: %llu MiB of capacity left",
				set->minimum >> 20,
				(room + resv->guarantee) >> 20);
		return -ENOMEM;
	}
	if (target > resv->target) {
		free = memresv_ledger_free();
		if (target - resv->target > free) {
			err = resv_reclaim(target - resv->target - free, resv,
					   taken);
			if (err)
				return err;
		}
	}
	resv->set = *set;
	memresv_ledger_touch();
	resv_account(resv, guarantee, target, resv->grant);
	if (resv->status != status)
		memresv_notify_resv(resv, MEMRESV_EVENT_CHANGED,
				    MEMRESV_REASON_NONE);
	memresv_resv_verify();
	return 0;
}

/*
 * A commit whose files could not be written: @old back, with the
 * guarantee and target the reservation had before (@was) where those are
 * lower, and what the commit @taken from the others given back.
 * memresv_lock held.
 */
static void resv_roll_back(struct memresv_resv *resv,
			   const struct memresv_settings *old,
			   const struct memresv_ledger_entry *was,
			   struct resv_taken *taken)
{
	u64 target;

	lockdep_assert_held(&memresv_lock);
	if (!resv->removed) {
		if (resv_settle(resv, old, NULL, NULL))
			pr_warn("cgroup %llu: cannot roll back settings\n",
				resv->id);
		/* A start's guarantee is not recomputed from @old. */
		if (resv->guarantee > was->guarantee)
			resv_account(resv, was->guarantee, resv->target,
				     resv->grant);
		target = clamp(was->target, resv->guarantee, resv->set.maximum);
		if (target < resv->target)
			memresv_resv_retarget(resv, target);
	}
	resv_give_back(taken);
}

/*
 * Commit @set after the files made room for it; io_lock held, returns
 * with it held.  A write that fails (usage grew back) rolls back to @old;
 * what was given back to the others is then in *@taken, for
 * resv_given_back() once io_lock is released.
 */
static int resv_commit(struct memresv_resv *resv,
		       const struct memresv_settings *set,
		       const struct memresv_settings *old,
		       struct resv_taken **taken, struct memresv_err *e)
{
	struct memresv_ledger_entry was;
	int err;

	lockdep_assert_held(&resv->io_lock);
	mutex_lock(&memresv_lock);
	was.guarantee = resv->guarantee;
	was.target = resv->target;
	err = resv->removed ? -ENOENT : resv_settle(resv, set, taken, e);
	mutex_unlock(&memresv_lock);
	if (err)
		return err;
	err = resv_apply(resv);
	if (!err) {
		kvfree(*taken);
		*taken = NULL;
		return 0;
	}
	mutex_lock(&memresv_lock);
	resv_roll_back(resv, old, &was, *taken);
	mutex_unlock(&memresv_lock);
	memresv_err_bad(e, 0, "cannot write the cgroup's memory files: error %d",
			err);
	return err;
}

/**
 * memresv_resv_set() - change a reservation's settings (RESV_SET)
 * @resv: the reservation
 * @upd: the new values of the settings in @mask
 * @mask: MEMRESV_SET_* bits
 * @e: why not
 *
 * All or nothing.  A lower maximum is tried against usage first (pressure
 * through memory.high and memory.reclaim): -EBUSY, not an OOM kill, when
 * usage does not come down.  A higher minimum is checked against the
 * capacity left, also while starting.  startup applies from the next
 * start.  A set whose files cannot be written gives back what it took:
 * its own guarantee and target, and the targets of others it lowered.
 *
 * Return: 0 or a negative errno.
 */
int memresv_resv_set(struct memresv_resv *resv,
		     const struct memresv_settings *upd, u32 mask,
		     struct memresv_err *e)
{
	struct resv_taken *taken = NULL;
	struct memresv_settings set, old;
	struct memresv_limits want;
	int err;

	err = resv_lock(resv, e);
	if (err)
		return err;
	old = resv->set;
	resv_merge(resv, upd, mask, &set);
	err = resv_validate(&set, resv, e);
	if (err) {
		resv_unlock(resv);
		return err;
	}
	resv_limits(resv, &want);
	mutex_unlock(&memresv_lock);

	/* Make room under a lower maximum before committing anything. */
	if (set.maximum < want.max) {
		err = memresv_cgfs_make_room(&resv->cg, set.maximum);
		if (err) {
			memresv_err_bad(e, MEMRESV_SET_MAXIMUM,
					"maximum %llu MiB is below the usage of %llu MiB, which reclaim kept",
					set.maximum >> 20,
					memresv_cgfs_usage(&resv->cg) >> 20);
			mutex_unlock(&resv->io_lock);
			return err;
		}
	}
	err = resv_commit(resv, &set, &old, &taken, e);
	if (err)
		resv_apply(resv);	/* memory.high back to the target */
	mutex_unlock(&resv->io_lock);
	resv_given_back(taken);
	if (!err)
		resv_check_protection(resv, e);
	return err;
}

/*
 * The files could not all be given back: -EBUSY (memory.max) or another
 * error of a group that is still there.  memresv's values go back in, and
 * the reservation stays.  io_lock held.
 */
static int resv_del_failed(struct memresv_resv *resv, int err,
			   struct memresv_err *e)
{
	u64 saved_max = resv->cg.saved.max;

	lockdep_assert_held(&resv->io_lock);
	resv_apply(resv);
	if (err == -EBUSY)
		memresv_err(e, "memory.max of %llu MiB cannot come back: usage is %llu MiB",
			    saved_max >> 20,
			    memresv_cgfs_usage(&resv->cg) >> 20);
	else
		memresv_err(e, "cannot give back the cgroup's memory files: error %d",
			    err);
	return err;
}

/**
 * memresv_resv_del() - remove a reservation and give the files back (RESV_DEL)
 * @resv: the reservation
 * @e: why not
 *
 * Return: 0; -EBUSY when the saved memory.max is below what the group uses
 * now and reclaim cannot get it under, another negative errno when a file
 * of a group that still exists could not be written (the reservation
 * stays, with memresv's values).
 */
int memresv_resv_del(struct memresv_resv *resv, struct memresv_err *e)
{
	int err;

	err = resv_lock(resv, e);
	if (err)
		return err;
	mutex_unlock(&memresv_lock);

	err = memresv_cgfs_restore(&resv->cg);
	/* A group being removed takes its files with it: nothing to give. */
	if (err && !memresv_cgfs_gone(&resv->cg)) {
		err = resv_del_failed(resv, err, e);
		mutex_unlock(&resv->io_lock);
		return err;
	}
	mutex_lock(&memresv_lock);
	if (!resv->removed) {
		resv_unlink(resv, MEMRESV_REASON_DELETED);
		memresv_resv_put(resv);	/* the table's; the caller has one */
	}
	resv_unlock(resv);
	return 0;
}

/*
 * End the start-up phase: the guarantee drops to the minimum, never below
 * it while starting, so this only lowers it; memresv_lock held.
 */
static void resv_end_startup(struct memresv_resv *resv, u8 reason)
{
	bool paging = resv->state == MEMRESV_STATE_PAGING;

	lockdep_assert_held(&memresv_lock);
	resv->state = MEMRESV_STATE_RUNNING;
	memresv_ledger_touch();
	resv_account(resv, resv->set.minimum,
		     max(resv->target, resv->set.minimum), 0);
	if (paging)
		memresv_notify_resv(resv, MEMRESV_EVENT_PAGING_END, reason);
	memresv_notify_resv(resv, MEMRESV_EVENT_CHANGED, reason);
	memresv_resv_verify();
}

/* The events of a restart that was admitted; memresv_lock held. */
static void resv_restarted(struct memresv_resv *resv, bool was_paging)
{
	lockdep_assert_held(&memresv_lock);
	if (was_paging)
		memresv_notify_resv(resv, MEMRESV_EVENT_PAGING_END,
				    MEMRESV_REASON_RESTART);
	memresv_notify_resv(resv, MEMRESV_EVENT_CHANGED,
			    MEMRESV_REASON_RESTART);
	if (resv->state == MEMRESV_STATE_PAGING)
		memresv_notify_resv(resv, MEMRESV_EVENT_PAGING_START,
				    MEMRESV_REASON_RESTART);
	memresv_resv_verify();
}

/**
 * memresv_resv_restart() - re-enter start-up through admission (RESV_RESTART)
 * @resv: the reservation
 * @force: SCVMM's override; on a restart the paging setting already allows
 *	the tier unless it is "never"
 * @e: why not
 *
 * Return: 0, or -ENOMEM (nothing changed) when startup cannot be admitted.
 */
int memresv_resv_restart(struct memresv_resv *resv, bool force,
			 struct memresv_err *e)
{
	bool was_paging;
	int err;

	err = resv_lock(resv, e);
	if (err)
		return err;
	was_paging = resv->state == MEMRESV_STATE_PAGING;
	err = resv_admit(resv, resv->set.paging != MEMRESV_PAGING_NEVER,
			 true, NULL, e);
	if (err) {
		resv_unlock(resv);
		return err;
	}
	resv_restarted(resv, was_paging);
	mutex_unlock(&memresv_lock);

	/*
	 * While paging, memory.max drops to the physical part; should usage
	 * not reclaim under it yet, the admission stands, the other limits
	 * are in place and the tick retries memory.max every period.
	 */
	err = resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	if (err)
		memresv_err(e, "restarted; limits not all in place yet: error %d",
			    err);
	resv_check_protection(resv, e);
	return 0;
}

/**
 * memresv_resv_ready() - end the start-up phase now (RESV_READY)
 * @resv: the reservation
 * @e: why not
 *
 * Return: 0, or -EALREADY when the reservation is running already.
 */
int memresv_resv_ready(struct memresv_resv *resv, struct memresv_err *e)
{
	int err;

	err = resv_lock(resv, e);
	if (err)
		return err;
	if (resv->state == MEMRESV_STATE_RUNNING) {
		resv_unlock(resv);
		memresv_err(e, "the reservation is running already");
		return -EALREADY;
	}
	resv_end_startup(resv, MEMRESV_REASON_READY);
	mutex_unlock(&memresv_lock);
	/*
	 * The phase is over and what it held may be admitted elsewhere at
	 * once: as with a restart, a write that fails is retried by the tick
	 * and the request succeeds, with a warning.
	 */
	err = resv_apply(resv);
	mutex_unlock(&resv->io_lock);
	if (err)
		memresv_err(e, "ready; limits not all in place yet: error %d",
			    err);
	return 0;
}

/*
 * Another writer's value in one of the group's files: say so, and write
 * memresv's back (Documentation/admin-guide.rst: memresv is the one writer
 * of a reserved group's memory.min, .high, .max and .swap.max).  Every
 * write of memresv's own is done under the reservation's I/O mutex: look
 * only when nobody has it (a trylock may take it out of order).
 * memresv_lock held.
 */
static void resv_conflict(struct memresv_resv *resv)
{
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_CONFLICT,
		.resv = resv,
	};

	lockdep_assert_held(&memresv_lock);
	if (!mutex_trylock(&resv->io_lock))
		return;
	ev.file = memresv_cgfs_conflict(&resv->cg, &ev.found, &ev.ours);
	if (ev.file)
		memresv_cgfs_forget_value(&resv->cg, ev.file, ev.found);
	mutex_unlock(&resv->io_lock);
	if (!ev.file)
		return;
	resv->conflicts++;
	memresv_notify(&ev);
	memresv_resv_queue_apply(resv);
}

/* The guest's reports came or stopped: the backstop follows; memresv_lock. */
static void resv_guest_age(struct memresv_resv *resv)
{
	bool fresh = memresv_resv_guest_fresh(resv);

	if (fresh == resv->guest_fresh)
		return;
	resv->guest_fresh = fresh;
	if (resv->set.actuator == MEMRESV_ACTUATOR_BALLOON)
		memresv_resv_queue_apply(resv);
}

/**
 * memresv_resv_report() - what the guest itself says (RESV_REPORT)
 * @resv: the reservation
 * @demand: what the guest needs, as its group counts it
 * @size: what the balloon leaves the guest, as its group counts it, or 0
 *	when the agent does not know
 * @e: why not
 *
 * The balancer takes the guest's demand over its own estimate while the
 * reports keep coming (memresv_resv_guest_fresh()); with the balloon as
 * actuator, memory.high follows the guest's size as a backstop.
 *
 * Return: 0 or -ENOENT.
 */
int memresv_resv_report(struct memresv_resv *resv, u64 demand, u64 size,
			struct memresv_err *e)
{
	u64 high;

	mutex_lock(&memresv_lock);
	if (resv->removed) {
		mutex_unlock(&memresv_lock);
		memresv_err(e, "the reservation was removed");
		return -ENOENT;
	}
	high = memresv_resv_high(resv);
	resv->guest_demand = demand;
	resv->guest_size = size;
	resv->guest_at = jiffies;
	resv->guest_fresh = true;
	if (memresv_resv_high(resv) != high)
		memresv_resv_queue_apply(resv);
	mutex_unlock(&memresv_lock);
	return 0;
}

/**
 * memresv_resv_tick_one() - a reservation's part of the tick
 * @resv: a reservation in the table; memresv_lock held
 *
 * A group whose cgroup was removed, or whose memory controller was
 * disabled, loses its reservation (cgroup-gone); start-up ends at
 * startup_window, paging at paging_max, whichever first; limits that could
 * not be written are tried again, and another writer's values replaced.
 *
 * Return: true when @resv is running (and still in the table): the
 * balancer samples it.
 */
bool memresv_resv_tick_one(struct memresv_resv *resv)
{
	u8 reason;

	lockdep_assert_held(&memresv_lock);
	/* rmdir takes the memory css offline too, a moment after the group. */
	if (memresv_cgfs_gone(&resv->cg)) {
		resv_unlink(resv, MEMRESV_REASON_CGROUP_GONE);
		memresv_resv_put(resv);
		return false;
	}
	if (READ_ONCE(resv->retry))
		memresv_resv_queue_apply(resv);
	else
		resv_conflict(resv);
	resv_guest_age(resv);
	if (resv->state == MEMRESV_STATE_RUNNING)
		return true;
	if (memresv_resv_phase_left_ms(resv))
		return false;
	reason = resv->state == MEMRESV_STATE_PAGING &&
		 memresv_ledger_paging_max() < resv->set.window ?
		 MEMRESV_REASON_PAGING_MAX : MEMRESV_REASON_WINDOW;
	resv_end_startup(resv, reason);
	memresv_resv_queue_apply(resv);
	return false;
}

/**
 * memresv_resv_init() - the reservation cache and the workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int memresv_resv_init(void)
{
	resv_cache = KMEM_CACHE(memresv_resv, SLAB_ACCOUNT);
	return resv_cache ? 0 : -ENOMEM;
}

/* Take the first reservation left in the table; NULL once it is empty. */
static struct memresv_resv *resv_first(void)
{
	struct memresv_resv *resv;

	mutex_lock(&memresv_lock);
	resv = memresv_resv_from(0);
	if (resv)
		kref_get(&resv->ref);
	mutex_unlock(&memresv_lock);
	return resv;
}

/**
 * memresv_resv_stop() - give every group back its files (module unload)
 *
 * New reservations are refused from here on; the netlink family is still
 * registered so that listeners see each "removed (unload)".  Requests may
 * still run: each reservation is taken under the lock, and the walk starts
 * again from the first one left.
 */
void memresv_resv_stop(void)
{
	struct memresv_resv *resv;
	int err;

	mutex_lock(&memresv_lock);
	resv_stopped = true;
	mutex_unlock(&memresv_lock);
	memresv_hold_stop();
	while ((resv = resv_first())) {
		if (resv_lock(resv, NULL))
			goto next;
		resv_unlink(resv, MEMRESV_REASON_UNLOAD);
		memresv_resv_put(resv);	/* the table's */
		mutex_unlock(&memresv_lock);
		err = memresv_cgfs_restore(&resv->cg);
		if (err && !memresv_cgfs_gone(&resv->cg))
			pr_warn("cgroup %llu: memory files not all given back: %d (memory.max is %llu)\n",
				resv->id, err, resv->cg.applied.max);
		mutex_unlock(&resv->io_lock);
next:
		memresv_resv_put(resv);
	}
}

/**
 * memresv_resv_exit() - after the family and the tick are gone
 *
 * Any apply_work still queued drains first; it finds its reservation
 * removed and writes nothing.
 */
void memresv_resv_exit(void)
{
	flush_workqueue(memresv_wq);
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&resvs));
	kmem_cache_destroy(resv_cache);
}
