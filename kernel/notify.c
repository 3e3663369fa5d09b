// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the one event sink, registered by netlink.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/mutex.h>

#include "ledger.h"
#include "notify.h"

/* memresv_lock */
static memresv_notify_fn notify_sink;

/**
 * memresv_notify() - tell the listeners
 * @ev: what happened
 *
 * Caller holds memresv_lock.
 */
void memresv_notify(const struct memresv_notice *ev)
{
	lockdep_assert_held(&memresv_lock);
	if (notify_sink)
		notify_sink(ev);
}

/**
 * memresv_notify_resv() - an event that is about a reservation alone
 * @resv: the reservation
 * @event: enum memresv_event
 * @reason: enum memresv_reason
 *
 * Caller holds memresv_lock.
 */
void memresv_notify_resv(struct memresv_resv *resv, u8 event, u8 reason)
{
	struct memresv_notice ev = {
		.event = event,
		.reason = reason,
		.resv = resv,
	};

	lockdep_assert_held(&memresv_lock);
	memresv_notify(&ev);
}

/**
 * memresv_notify_host() - an event about the host ledger
 * @event: enum memresv_event
 *
 * Caller holds memresv_lock.
 */
void memresv_notify_host(u8 event)
{
	struct memresv_notice ev = { .event = event };

	lockdep_assert_held(&memresv_lock);
	memresv_notify(&ev);
}

/**
 * memresv_notify_set() - register the sink, or take it away with NULL
 * @fn: the sink
 */
void memresv_notify_set(memresv_notify_fn fn)
{
	mutex_lock(&memresv_lock);
	notify_sink = fn;
	mutex_unlock(&memresv_lock);
}
