// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the host ledger — total, reserve, capacity and what is promised.
 *
 * Invariant: guaranteed <= capacity.  Every path that raises a guarantee
 * checks it first (memresv_ledger_unguaranteed()), and HOST_SET refuses a
 * reserve that would break it.  Only the RAM under the capacity can move
 * without asking: a balloon inflating in this host, or memory taken
 * offline.  That is not a bug but a state, "overcommitted", which the tick
 * notices and reports (memresv_ledger_check_capacity()) and which refuses
 * every new guarantee until it clears.  A guarantee above a capacity that
 * did not shrink is a memresv bug, and warns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bug.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/swap.h>

#include <linux/memresv.h>

#include "err.h"
#include "ledger.h"

/* The ledger, the table and every reservation's bookkeeping. */
DEFINE_MUTEX(memresv_lock);

/**
 * struct ledger - host-wide figures (memresv_lock)
 * @reserve: memory kept for the host itself
 * @guaranteed: sum of every reservation's guarantee
 * @assigned: sum of every reservation's target
 * @paging_limit: size of the swap tier
 * @paging_used: swap tier granted to reservations that are paging
 * @raised_cap: the capacity when a guarantee last grew
 * @changes: bumped when anything the balancer shares memory by changes,
 *	but demand (settings, state, guarantees, targets, the capacity)
 * @tick_ns: how long the last tick took (balancer pass included)
 * @period_ms: balancer period
 * @paging_max: longest paging phase, in seconds
 * @nr: number of reservations
 * @gen: bumped when a reservation is added or removed (dump consistency)
 * @overcommitted: guaranteed > capacity after the capacity shrank
 */
static struct ledger {
	u64 reserve;
	u64 guaranteed;
	u64 assigned;
	u64 paging_limit;
	u64 paging_used;
	u64 raised_cap;
	u64 changes;
	u64 tick_ns;
	u32 period_ms;
	u32 paging_max;
	u32 nr;
	unsigned int gen;
	bool overcommitted;
} ledger;

static bool verify_ledger;
module_param(verify_ledger, bool, 0644);
MODULE_PARM_DESC(verify_ledger,
		 "recount the ledger from every reservation after each change (testing)");

/**
 * memresv_ledger_init() - the defaults of DESIGN §1
 *
 * reserve = min(max(10% of total, 128 MiB), 4 GiB), rounded up to a page;
 * the swap tier is the swap free at load (total swap is not exported to
 * modules).
 */
void memresv_ledger_init(void)
{
	u64 total = memresv_ledger_total();

	ledger.reserve = PAGE_ALIGN(clamp_t(u64, total / 10, SZ_128M, SZ_4G));
	ledger.paging_limit = (u64)get_nr_swap_pages() << PAGE_SHIFT;
	ledger.period_ms = MEMRESV_PERIOD_DEFAULT;
	ledger.paging_max = MEMRESV_PAGING_MAX_DEFAULT;
	ledger.raised_cap = memresv_ledger_capacity();
}

/**
 * memresv_ledger_total() - physical RAM of the host
 *
 * Return: bytes of RAM the page allocator manages (totalram_pages()); it
 * moves when memory goes offline or a balloon inflates in this host.
 */
u64 memresv_ledger_total(void)
{
	return (u64)totalram_pages() << PAGE_SHIFT;
}

/**
 * memresv_ledger_capacity() - memory all reservations together must fit in
 *
 * Return: total - reserve, or 0 when the reserve exceeds total.
 */
u64 memresv_ledger_capacity(void)
{
	u64 total = memresv_ledger_total();

	return total > ledger.reserve ? total - ledger.reserve : 0;
}

/**
 * memresv_ledger_free() - capacity not assigned to any reservation
 *
 * Caller holds memresv_lock.
 *
 * Return: capacity - assigned, or 0.
 */
u64 memresv_ledger_free(void)
{
	u64 cap = memresv_ledger_capacity();

	lockdep_assert_held(&memresv_lock);
	return cap > ledger.assigned ? cap - ledger.assigned : 0;
}

/**
 * memresv_ledger_unguaranteed() - capacity no guarantee covers yet
 *
 * What may still be promised: every path that raises a guarantee checks
 * the rise against it.  Caller holds memresv_lock.
 *
 * Return: capacity - guaranteed, or 0 (also while overcommitted).
 */
u64 memresv_ledger_unguaranteed(void)
{
	u64 cap = memresv_ledger_capacity();

	lockdep_assert_held(&memresv_lock);
	return cap > ledger.guaranteed ? cap - ledger.guaranteed : 0;
}

/**
 * memresv_ledger_figures() - the figures the policy core decides on
 * @fig: filled in, for the whole host
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_figures(struct memresv_host_figures *fig)
{
	lockdep_assert_held(&memresv_lock);
	fig->capacity = memresv_ledger_capacity();
	fig->guaranteed = ledger.guaranteed;
	fig->assigned = ledger.assigned;
	fig->reclaimable = ledger.assigned - ledger.guaranteed;
	fig->paging_limit = ledger.paging_limit;
	fig->paging_used = ledger.paging_used;
}

/**
 * memresv_ledger_info() - the ledger as HOST_GET reports it
 * @info: filled in
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_info(struct memresv_host_info *info)
{
	lockdep_assert_held(&memresv_lock);
	info->total = memresv_ledger_total();
	info->reserve = ledger.reserve;
	info->capacity = memresv_ledger_capacity();
	info->guaranteed = ledger.guaranteed;
	info->assigned = ledger.assigned;
	info->free = memresv_ledger_free();
	info->reclaimable = ledger.assigned - ledger.guaranteed;
	info->paging_limit = ledger.paging_limit;
	info->paging_used = ledger.paging_used;
	info->tick_ns = ledger.tick_ns;
	info->period_ms = ledger.period_ms;
	info->paging_max = ledger.paging_max;
	info->nr = ledger.nr;
	info->overcommitted = ledger.overcommitted;
}

/**
 * memresv_ledger_period_ms() - the balancer period
 *
 * Return: milliseconds.
 */
u32 memresv_ledger_period_ms(void)
{
	return READ_ONCE(ledger.period_ms);
}

/**
 * memresv_ledger_paging_max() - the longest paging phase
 *
 * Return: seconds.
 */
u32 memresv_ledger_paging_max(void)
{
	return READ_ONCE(ledger.paging_max);
}

/**
 * memresv_ledger_nr() - how many reservations the ledger counts
 *
 * Return: the count; caller holds memresv_lock.
 */
u32 memresv_ledger_nr(void)
{
	lockdep_assert_held(&memresv_lock);
	return ledger.nr;
}

/**
 * memresv_ledger_gen() - the table's generation, for dump consistency
 *
 * Return: a number that moves whenever a reservation comes or goes;
 * caller holds memresv_lock.
 */
unsigned int memresv_ledger_gen(void)
{
	lockdep_assert_held(&memresv_lock);
	return ledger.gen;
}

/**
 * memresv_ledger_changes() - the balancer's change count
 *
 * Return: a number that moves whenever an input of the sharing but demand
 * moved; caller holds memresv_lock.
 */
u64 memresv_ledger_changes(void)
{
	lockdep_assert_held(&memresv_lock);
	return ledger.changes;
}

/**
 * memresv_ledger_touch() - something the balancer shares memory by changed
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_touch(void)
{
	lockdep_assert_held(&memresv_lock);
	ledger.changes++;
}

/**
 * memresv_ledger_account() - one reservation's part of the sums moves
 * @old: what it added until now (zeros for a new one)
 * @new: what it adds from now on (zeros for one going away)
 *
 * The caller checked a higher guarantee against
 * memresv_ledger_unguaranteed().  Caller holds memresv_lock.
 */
void memresv_ledger_account(const struct memresv_ledger_entry *old,
			    const struct memresv_ledger_entry *new)
{
	lockdep_assert_held(&memresv_lock);
	if (old->guarantee == new->guarantee && old->target == new->target &&
	    old->grant == new->grant)
		return;
	ledger.guaranteed += new->guarantee - old->guarantee;
	ledger.assigned += new->target - old->target;
	ledger.paging_used += new->grant - old->grant;
	if (new->guarantee > old->guarantee)
		ledger.raised_cap = memresv_ledger_capacity();
	ledger.changes++;
}

/**
 * memresv_ledger_link() - a reservation joined the table
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_link(void)
{
	lockdep_assert_held(&memresv_lock);
	ledger.nr++;
	ledger.gen++;
	ledger.changes++;
}

/**
 * memresv_ledger_unlink() - a reservation left the table
 *
 * Its sums were taken out first (memresv_ledger_account()).  Caller holds
 * memresv_lock.
 */
void memresv_ledger_unlink(void)
{
	lockdep_assert_held(&memresv_lock);
	ledger.nr--;
	ledger.gen++;
	ledger.changes++;
}

/**
 * memresv_ledger_tick_done() - record how long a tick took
 * @ns: its duration
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_tick_done(u64 ns)
{
	lockdep_assert_held(&memresv_lock);
	ledger.tick_ns = ns;
}

/**
 * memresv_ledger_check_capacity() - notice a capacity that moved under us
 *
 * The RAM behind the capacity can shrink without memresv's say.  Caller
 * holds memresv_lock.
 *
 * Return: true when the host entered or left the overcommitted state.
 */
bool memresv_ledger_check_capacity(void)
{
	bool over = ledger.guaranteed > memresv_ledger_capacity();

	lockdep_assert_held(&memresv_lock);
	if (over == ledger.overcommitted)
		return false;
	ledger.overcommitted = over;
	ledger.changes++;
	if (over)
		pr_warn("overcommitted: %llu MiB guaranteed, capacity now %llu MiB\n",
			ledger.guaranteed >> 20, memresv_ledger_capacity() >> 20);
	else
		pr_info("no longer overcommitted\n");
	return true;
}

/**
 * memresv_ledger_recounting() - should callers recount the sums?
 *
 * Return: the verify_ledger parameter (for tests).
 */
bool memresv_ledger_recounting(void)
{
	return READ_ONCE(verify_ledger);
}

/**
 * memresv_ledger_verify() - check the invariant, and the sums if recounted
 * @sums: the sums recounted from every reservation, or NULL
 *
 * A failure is a memresv bug: it warns once.  A guarantee above the
 * capacity is a bug only if the capacity did not shrink since the last
 * guarantee grew; otherwise the tick reports the host overcommitted.
 * Caller holds memresv_lock.
 */
void memresv_ledger_verify(const struct memresv_ledger_sums *sums)
{
	u64 cap = memresv_ledger_capacity();

	lockdep_assert_held(&memresv_lock);
	WARN_ON_ONCE(ledger.guaranteed > cap && cap >= ledger.raised_cap);
	if (!sums)
		return;
	WARN_ON_ONCE(sums->guaranteed != ledger.guaranteed);
	WARN_ON_ONCE(sums->assigned != ledger.assigned);
	WARN_ON_ONCE(sums->paging_used != ledger.paging_used);
	WARN_ON_ONCE(sums->nr != ledger.nr);
}

/**
 * memresv_ledger_host_check() - may a HOST_SET request apply?
 * @upd: the new values
 * @e: why not
 *
 * A larger reserve is refused when the guarantees would no longer fit, a
 * smaller tier when more of it is granted.  Caller holds memresv_lock.
 *
 * Return: 0, -ERANGE or -EBUSY.
 */
int memresv_ledger_host_check(const struct memresv_host_update *upd,
			      struct memresv_err *e)
{
	u64 total = memresv_ledger_total();

	lockdep_assert_held(&memresv_lock);
	if (upd->mask & MEMRESV_HOST_RESERVE) {
		if (upd->reserve > total) {
			memresv_err(e, "reserve %llu MiB exceeds total memory %llu MiB",
				    upd->reserve >> 20, total >> 20);
			return -ERANGE;
		}
		if (total - upd->reserve < ledger.guaranteed) {
			memresv_err(e, "capacity would be %llu MiB, below the %llu MiB guaranteed",
				    (total - upd->reserve) >> 20,
				    ledger.guaranteed >> 20);
			return -EBUSY;
		}
	}
	if ((upd->mask & MEMRESV_HOST_PAGING_LIMIT) &&
	    upd->paging_limit < ledger.paging_used) {
		memresv_err(e, "paging limit %llu MiB is below the %llu MiB granted",
			    upd->paging_limit >> 20, ledger.paging_used >> 20);
		return -EBUSY;
	}
	return 0;
}

/**
 * memresv_ledger_host_apply() - apply a checked HOST_SET request
 * @upd: the new values, accepted by memresv_ledger_host_check()
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_host_apply(const struct memresv_host_update *upd)
{
	lockdep_assert_held(&memresv_lock);
	if (upd->mask & MEMRESV_HOST_RESERVE) {
		ledger.reserve = upd->reserve;
		ledger.raised_cap = memresv_ledger_capacity();
		ledger.changes++;
	}
	if (upd->mask & MEMRESV_HOST_PAGING_LIMIT)
		ledger.paging_limit = upd->paging_limit;
	if (upd->mask & MEMRESV_HOST_PERIOD)
		WRITE_ONCE(ledger.period_ms, upd->period_ms);
	if (upd->mask & MEMRESV_HOST_PAGING_MAX)
		WRITE_ONCE(ledger.paging_max, upd->paging_max);
}
