// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: HOST_SET, in one place.
 *
 * A host setting touches every layer: the ledger holds it, a smaller
 * capacity shrinks the reservations' targets, a new period re-arms the
 * balancer's tick.  This is the one function that does all of it, as a
 * whole or not at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>

#include <linux/memresv.h>

#include "balancer.h"
#include "err.h"
#include "host.h"
#include "ledger.h"
#include "notify.h"
#include "resv.h"

/**
 * memresv_host_set() - apply a HOST_SET request as a whole, or nothing
 * @upd: the new values
 * @e: why not
 *
 * A larger reserve is refused when the guarantees would no longer fit;
 * targets above the new capacity are taken back (lowest weight first); a
 * new period takes effect with a tick now.
 *
 * Return: 0 or a negative errno.
 */
int memresv_host_set(const struct memresv_host_update *upd,
		     struct memresv_err *e)
{
	int err;

	mutex_lock(&memresv_lock);
	err = memresv_ledger_host_check(upd, e);
	if (err)
		goto out;
	memresv_ledger_host_apply(upd);
	if (upd->mask & MEMRESV_HOST_RESERVE)
		memresv_resv_fit_capacity();
	if (upd->mask & MEMRESV_HOST_PERIOD)
		memresv_balancer_kick();
	memresv_resv_verify();
	memresv_notify_host(MEMRESV_EVENT_HOST_CHANGED);
out:
	mutex_unlock(&memresv_lock);
	return err;
}
