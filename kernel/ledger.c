// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the host ledger — total, reserve, capacity and what is promised.
 *
 * Invariant: guaranteed <= capacity, on every path.  Every change to a
 * guarantee or to the reserve is checked against it under memresv_lock.
 */
#include <linux/bug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/swap.h>

#include "ledger.h"
#include "netlink.h"
#include "resv.h"

/* The ledger, the table and every reservation's bookkeeping. */
DEFINE_MUTEX(memresv_lock);
struct memresv_ledger memresv_ledger;

static bool verify_ledger;
module_param(verify_ledger, bool, 0644);
MODULE_PARM_DESC(verify_ledger,
		 "recount the ledger from every reservation after each change (testing)");

/**
 * memresv_ledger_total() - physical RAM of the host
 *
 * Return: bytes of RAM the page allocator manages (totalram_pages()).
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

	return total > memresv_ledger.reserve ?
		total - memresv_ledger.reserve : 0;
}

/**
 * memresv_ledger_free() - capacity not assigned to any reservation
 *
 * Return: capacity - assigned, or 0.
 */
u64 memresv_ledger_free(void)
{
	u64 cap = memresv_ledger_capacity();

	return cap > memresv_ledger.assigned ?
		cap - memresv_ledger.assigned : 0;
}

/**
 * memresv_ledger_reclaimable() - memory the balancer may take back
 * @skip: a reservation to leave out, or NULL
 *
 * Caller holds memresv_lock.
 *
 * Return: sum of (target - guarantee) over the reservations but @skip.
 */
u64 memresv_ledger_reclaimable(const struct memresv_resv *skip)
{
	u64 sum = memresv_ledger.assigned - memresv_ledger.guaranteed;

	lockdep_assert_held(&memresv_lock);
	if (skip)
		sum -= skip->target - skip->guarantee;
	return sum;
}

/**
 * memresv_ledger_figures() - the figures the policy core decides on
 * @fig: filled in
 * @skip: a reservation to count as if it were gone (restart), or NULL
 *
 * Caller holds memresv_lock.
 */
void memresv_ledger_figures(struct memresv_host_figures *fig,
			    const struct memresv_resv *skip)
{
	lockdep_assert_held(&memresv_lock);
	fig->capacity = memresv_ledger_capacity();
	fig->guaranteed = memresv_ledger.guaranteed;
	fig->assigned = memresv_ledger.assigned;
	fig->reclaimable = memresv_ledger_reclaimable(skip);
	fig->paging_limit = memresv_ledger.paging_limit;
	fig->paging_used = memresv_ledger.paging_used;
	if (skip) {
		fig->guaranteed -= skip->guarantee;
		fig->assigned -= skip->target;
		fig->paging_used -= skip->grant;
	}
}

/**
 * memresv_ledger_verify() - check the ledger's invariant
 *
 * guaranteed <= capacity is checked always; with the verify_ledger
 * parameter the sums are recounted from every reservation (O(n), for
 * tests).  Caller holds memresv_lock.  A failure is a memresv bug: it warns
 * once.
 */
void memresv_ledger_verify(void)
{
	u64 guaranteed = 0, assigned = 0, paging = 0;
	struct memresv_resv *resv;
	u32 nr = 0;

	lockdep_assert_held(&memresv_lock);
	WARN_ON_ONCE(memresv_ledger.guaranteed > memresv_ledger_capacity());
	if (!READ_ONCE(verify_ledger))
		return;
	for (resv = memresv_resv_from(0); resv;
	     resv = memresv_resv_next(resv)) {
		WARN_ON_ONCE(resv->guarantee > resv->target);
		guaranteed += resv->guarantee;
		assigned += resv->target;
		paging += resv->grant;
		nr++;
	}
	WARN_ON_ONCE(guaranteed != memresv_ledger.guaranteed);
	WARN_ON_ONCE(assigned != memresv_ledger.assigned);
	WARN_ON_ONCE(paging != memresv_ledger.paging_used);
	WARN_ON_ONCE(nr != memresv_ledger.nr);
}

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

	/* Page aligned, like every size a request brings. */
	memresv_ledger.reserve = PAGE_ALIGN(clamp_t(u64, total / 10, SZ_128M,
						    SZ_4G));
	memresv_ledger.paging_limit = (u64)get_nr_swap_pages() << PAGE_SHIFT;
	memresv_ledger.period_ms = MEMRESV_PERIOD_DEFAULT;
	memresv_ledger.paging_max = MEMRESV_PAGING_MAX_DEFAULT;
}

/**
 * memresv_ledger_set() - apply a HOST_SET request as a whole, or nothing
 * @upd: the new values
 * @extack: for the reason of a refusal
 *
 * A larger reserve is refused when the guarantees would no longer fit;
 * targets above the new capacity are taken back (lowest weight first).
 *
 * Return: 0 or a negative errno with @extack set.
 */
int memresv_ledger_set(const struct memresv_host_update *upd,
		       struct netlink_ext_ack *extack)
{
	u64 total = memresv_ledger_total();
	int err = 0;

	mutex_lock(&memresv_lock);
	if (upd->mask & MEMRESV_HOST_RESERVE) {
		u64 cap = total > upd->reserve ? total - upd->reserve : 0;

		if (upd->reserve > total) {
			memresv_nl_errmsg(extack,
					  "reserve %llu MiB exceeds total memory %llu MiB",
					  upd->reserve >> 20, total >> 20);
			err = -ERANGE;
			goto out;
		}
		if (cap < memresv_ledger.guaranteed) {
			memresv_nl_errmsg(extack,
					  "capacity would be %llu MiB, below the %llu MiB guaranteed",
					  cap >> 20,
					  memresv_ledger.guaranteed >> 20);
			err = -EBUSY;
			goto out;
		}
	}
	if ((upd->mask & MEMRESV_HOST_PAGING_LIMIT) &&
	    upd->paging_limit < memresv_ledger.paging_used) {
		memresv_nl_errmsg(extack,
				  "paging limit %llu MiB is below the %llu MiB granted now",
				  upd->paging_limit >> 20,
				  memresv_ledger.paging_used >> 20);
		err = -EBUSY;
		goto out;
	}

	if (upd->mask & MEMRESV_HOST_RESERVE) {
		memresv_ledger.reserve = upd->reserve;
		memresv_ledger_touch();
		memresv_resv_fit_capacity();
	}
	if (upd->mask & MEMRESV_HOST_PAGING_LIMIT)
		memresv_ledger.paging_limit = upd->paging_limit;
	if (upd->mask & MEMRESV_HOST_PERIOD)
		memresv_ledger.period_ms = upd->period_ms;
	if (upd->mask & MEMRESV_HOST_PAGING_MAX)
		memresv_ledger.paging_max = upd->paging_max;
	memresv_ledger_verify();
	memresv_nl_notify_host();
out:
	mutex_unlock(&memresv_lock);
	return err;
}
