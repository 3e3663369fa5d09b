// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: holds.
 *
 * A VM's startup memory must be found before the VM runs, but its cgroup
 * only exists once the VM is being started.  A hold carries an admission
 * across that gap: made under a key (libvirt's domain UUID) by the same
 * admission as a reservation's, counted in the ledger like a starting
 * reservation, and taken over whole by the reservation that names its key
 * (memresv_resv_new()), so that two starts that together do not fit cannot
 * both be admitted.  A hold nobody takes is given back at its timeout.
 *
 * Holds are few and short-lived: a list under memresv_lock.  Admission and
 * binding are the reservations' (resv.c); this file keeps the list and the
 * holds' part of the ledger.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hold.h"
#include "ledger.h"
#include "notify.h"

static LIST_HEAD(holds);
static u32 holds_nr;

/**
 * memresv_hold_find() - the hold of a key
 * @key: the key
 *
 * Caller holds memresv_lock.
 *
 * Return: the hold, or NULL.
 */
struct memresv_hold *memresv_hold_find(const char *key)
{
	struct memresv_hold *hold;

	lockdep_assert_held(&memresv_lock);
	list_for_each_entry(hold, &holds, node)
		if (!strcmp(hold->key, key))
			return hold;
	return NULL;
}

/**
 * memresv_hold_first() - the oldest hold, for a walk
 *
 * Caller holds memresv_lock.
 *
 * Return: the hold, or NULL.
 */
struct memresv_hold *memresv_hold_first(void)
{
	lockdep_assert_held(&memresv_lock);
	return list_first_entry_or_null(&holds, struct memresv_hold, node);
}

/**
 * memresv_hold_next() - the hold after another
 * @hold: a hold in the list
 *
 * Caller holds memresv_lock.
 *
 * Return: the next hold, or NULL.
 */
struct memresv_hold *memresv_hold_next(const struct memresv_hold *hold)
{
	lockdep_assert_held(&memresv_lock);
	if (list_is_last(&hold->node, &holds))
		return NULL;
	return list_entry(hold->node.next, struct memresv_hold, node);
}

/**
 * memresv_hold_link() - an admitted hold joins the ledger
 * @hold: filled in by the admission; the list owns it from now on
 *
 * Caller holds memresv_lock.
 */
void memresv_hold_link(struct memresv_hold *hold)
{
	struct memresv_ledger_entry none = {};
	struct memresv_ledger_entry its = {
		hold->guarantee, hold->guarantee, hold->grant,
	};
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_HOLD_ADDED,
		.hold = hold,
	};

	lockdep_assert_held(&memresv_lock);
	hold->expires = jiffies + hold->timeout * HZ;
	memresv_ledger_account(&none, &its);
	list_add_tail(&hold->node, &holds);
	holds_nr++;
	memresv_notify(&ev);
}

/**
 * memresv_hold_unlink() - a hold leaves the ledger, and is freed
 * @hold: the hold
 * @reason: MEMRESV_REASON_BOUND, _EXPIRED, _DELETED or _UNLOAD
 *
 * Caller holds memresv_lock.
 */
void memresv_hold_unlink(struct memresv_hold *hold, u8 reason)
{
	struct memresv_ledger_entry none = {};
	struct memresv_ledger_entry its = {
		hold->guarantee, hold->guarantee, hold->grant,
	};
	struct memresv_notice ev = {
		.event = MEMRESV_EVENT_HOLD_REMOVED,
		.reason = reason,
		.hold = hold,
	};

	lockdep_assert_held(&memresv_lock);
	memresv_ledger_account(&its, &none);
	list_del(&hold->node);
	holds_nr--;
	memresv_notify(&ev);
	kfree(hold);
}

/**
 * memresv_hold_left_ms() - time until a hold is given back
 * @hold: the hold
 *
 * Return: milliseconds, 0 once it is due.
 */
u64 memresv_hold_left_ms(const struct memresv_hold *hold)
{
	return time_before(jiffies, hold->expires) ?
	       jiffies_to_msecs(hold->expires - jiffies) : 0;
}

/**
 * memresv_hold_expire() - give back the holds whose timeout passed
 *
 * Caller holds memresv_lock (the tick).
 */
void memresv_hold_expire(void)
{
	struct memresv_hold *hold, *tmp;

	lockdep_assert_held(&memresv_lock);
	list_for_each_entry_safe(hold, tmp, &holds, node)
		if (!memresv_hold_left_ms(hold))
			memresv_hold_unlink(hold, MEMRESV_REASON_EXPIRED);
}

/**
 * memresv_hold_count() - add the holds to recounted sums
 * @sums: the sums so far
 *
 * Caller holds memresv_lock.
 */
void memresv_hold_count(struct memresv_ledger_sums *sums)
{
	struct memresv_hold *hold;

	lockdep_assert_held(&memresv_lock);
	list_for_each_entry(hold, &holds, node) {
		sums->guaranteed += hold->guarantee;
		sums->assigned += hold->guarantee;
		sums->paging_used += hold->grant;
	}
}

/**
 * memresv_hold_nr() - how many holds wait
 *
 * Return: the count; caller holds memresv_lock.
 */
u32 memresv_hold_nr(void)
{
	lockdep_assert_held(&memresv_lock);
	return holds_nr;
}

/**
 * memresv_hold_stop() - give every hold back (module unload)
 */
void memresv_hold_stop(void)
{
	struct memresv_hold *hold, *tmp;

	mutex_lock(&memresv_lock);
	list_for_each_entry_safe(hold, tmp, &holds, node)
		memresv_hold_unlink(hold, MEMRESV_REASON_UNLOAD);
	mutex_unlock(&memresv_lock);
}
