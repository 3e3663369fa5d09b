// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the balancer — once a period, running reservations' targets
 * follow their demand (Hyper-V's Dynamic Memory).
 *
 * Demand is estimated from the group itself: memory.current less the
 * inactive file cache (what the kernel reclaims first), raised by the PSI
 * memory pressure of the group, and at least doubled when the group was
 * throttled at its target (memory.events "high" moved) — a group pressing
 * against memory.high cannot show how much more it wants, so the target
 * grows geometrically until it stops pressing.  The sharing itself is the
 * policy core's (memresv_policy_balance()): demand first, then buffer, by
 * weight; targets grow at once and shrink at a bounded rate.
 *
 * Reservations still starting keep the memory they were admitted with; the
 * balancer shares what they leave.
 */
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <linux/memresv.h>

#include "balancer.h"
#include "cgfs.h"
#include "ledger.h"
#include "netlink.h"
#include "policy.h"
#include "resv.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* A period's sample of one running reservation. */
struct memresv_bal_item {
	struct memresv_resv *resv;
	struct memresv_sample sample;
};

/**
 * memresv_balancer_demand() - the demand estimate of one group
 * @s: this period's sample
 * @pressed: the group was throttled at its target during the period
 *
 * Return: bytes the workload needs, by the rule in the file comment.
 */
static u64 memresv_balancer_demand(const struct memresv_sample *s,
				   bool pressed)
{
	u64 ws = s->usage > s->inactive_file ? s->usage - s->inactive_file : 0;
	u64 demand = ws + div_u64(ws * s->pressure, 100);

	if (pressed)
		demand = max(demand, 2 * s->usage);
	return demand;
}

/* Sample the running reservations without memresv_lock (reads may sleep). */
static size_t memresv_balancer_collect(struct memresv_bal_item **out)
{
	struct memresv_bal_item *items;
	struct memresv_resv *resv;
	unsigned long id;
	size_t n = 0, i;

	mutex_lock(&memresv_lock);
	items = memresv_ledger.nr ?
		kvmalloc_array(memresv_ledger.nr, sizeof(*items), GFP_KERNEL) :
		NULL;
	if (items) {
		xa_for_each(&memresv_resvs, id, resv) {
			if (resv->state != MEMRESV_STATE_RUNNING)
				continue;
			kref_get(&resv->ref);
			items[n++].resv = resv;
		}
	}
	mutex_unlock(&memresv_lock);
	for (i = 0; i < n; i++)
		memresv_cgfs_sample(items[i].resv->cgrp, &items[i].sample);
	*out = items;
	return n;
}

/**
 * memresv_balancer_run() - one balancer pass
 *
 * Called from the tick, in process context, with no lock held.
 */
void memresv_balancer_run(void)
{
	struct memresv_balance_params params;
	struct memresv_balance_entry *entries;
	struct memresv_bal_item *items = NULL;
	u64 start = ktime_get_ns(), others = 0;
	u32 changed = 0;
	size_t n, i, k = 0;

	n = memresv_balancer_collect(&items);
	entries = n ? kvmalloc_array(n, sizeof(*entries), GFP_KERNEL) : NULL;

	mutex_lock(&memresv_lock);
	if (!entries) {
		/* Nothing running, or no memory for this pass: skip it. */
		for (i = 0; i < n; i++)
			memresv_resv_put(items[i].resv);
		n = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct memresv_resv *resv = items[i].resv;
		struct memresv_sample *s = &items[i].sample;
		bool pressed;

		/* Gone or restarted since it was sampled: leave it out. */
		if (resv->removed || resv->state != MEMRESV_STATE_RUNNING) {
			memresv_resv_put(resv);
			continue;
		}
		pressed = s->high_events != resv->high_events;
		resv->high_events = s->high_events;
		resv->demand = memresv_balancer_demand(s, pressed);
		items[k] = items[i];
		entries[k++] = (struct memresv_balance_entry){
			.guarantee = resv->guarantee,
			.maximum = resv->set.maximum,
			.demand = resv->demand,
			.buffer = resv->set.buffer,
			.weight = resv->set.weight,
			.target = resv->target,
		};
		others += resv->target;
	}
	/* What the running ones share: all but the starting ones' targets. */
	others = memresv_ledger.assigned - others;
	params.capacity = memresv_ledger_capacity() > others ?
			  memresv_ledger_capacity() - others : 0;
	params.shrink_step = max_t(u64, SZ_32M, params.capacity / 64);
	params.hysteresis = SZ_2M;
	n = k;
	memresv_policy_balance(entries, n, &params);

	for (i = 0; i < n; i++) {
		struct memresv_resv *resv = items[i].resv;
		u8 status = resv->status;

		/*
		 * memory.high holds whole pages; rounding down keeps the sum
		 * within capacity and, guarantees being whole pages, the
		 * target at or above its guarantee.
		 */
		entries[i].target = round_down(entries[i].target, PAGE_SIZE);
		if (entries[i].target != resv->target) {
			trace_memresv_balance(resv->id, items[i].sample.usage,
					      resv->demand, entries[i].desired,
					      resv->target, entries[i].target,
					      items[i].sample.pressure);
			memresv_resv_queue_apply(resv);
			changed++;
		}
		/* Also with the same target: the new demand moves the status. */
		memresv_resv_account(resv, resv->guarantee, entries[i].target,
				     resv->grant);
		if (resv->status != status)
			memresv_nl_notify_resv(resv, MEMRESV_EVENT_CHANGED,
					       MEMRESV_REASON_NONE);
	}
	memresv_ledger_verify();
out:
	memresv_ledger.tick_ns = ktime_get_ns() - start;
	trace_memresv_tick(memresv_ledger.nr, changed, memresv_ledger.tick_ns);
	mutex_unlock(&memresv_lock);
	for (i = 0; i < n; i++)
		memresv_resv_put(items[i].resv);
	kvfree(entries);
	kvfree(items);
}
