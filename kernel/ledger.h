/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the host ledger.
 *
 * One ledger for the host, under memresv_lock together with every
 * reservation's settings and derived values.  memresv_lock is never held
 * across cgroup file I/O (see cgfs.c).
 */
#ifndef _MEMRESV_LEDGER_H
#define _MEMRESV_LEDGER_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "policy.h"

struct netlink_ext_ack;
struct memresv_resv;

/**
 * struct memresv_ledger - host-wide figures (memresv_lock)
 * @reserve: memory kept for the host itself
 * @guaranteed: sum of every reservation's guarantee; never above capacity
 * @assigned: sum of every reservation's target
 * @paging_limit: size of the swap tier
 * @paging_used: swap tier granted to reservations that are paging
 * @period_ms: balancer period
 * @paging_max: longest paging phase, in seconds
 * @nr: number of reservations
 * @gen: bumped when a reservation is added or removed (dump consistency)
 * @changes: bumped when anything the balancer shares memory by changes,
 *	but demand (settings, state, guarantees, targets, the capacity)
 * @tick_ns: how long the last tick took (balancer pass included)
 */
struct memresv_ledger {
	u64 reserve;
	u64 guaranteed;
	u64 assigned;
	u64 paging_limit;
	u64 paging_used;
	u32 period_ms;
	u32 paging_max;
	u32 nr;
	unsigned int gen;
	u64 changes;
	u64 tick_ns;
};

#define MEMRESV_HOST_RESERVE		BIT(0)
#define MEMRESV_HOST_PAGING_LIMIT	BIT(1)
#define MEMRESV_HOST_PERIOD		BIT(2)
#define MEMRESV_HOST_PAGING_MAX		BIT(3)

/**
 * struct memresv_host_update - a HOST_SET request
 * @reserve: new reserve, if MEMRESV_HOST_RESERVE is in @mask
 * @paging_limit: new tier size, if MEMRESV_HOST_PAGING_LIMIT
 * @period_ms: new balancer period, if MEMRESV_HOST_PERIOD
 * @paging_max: new paging_max in seconds, if MEMRESV_HOST_PAGING_MAX
 * @mask: which fields are set
 */
struct memresv_host_update {
	u64 reserve;
	u64 paging_limit;
	u32 period_ms;
	u32 paging_max;
	u32 mask;
};

extern struct mutex memresv_lock;
extern struct memresv_ledger memresv_ledger;

/* Something the balancer shares memory by changed; memresv_lock held. */
static inline void memresv_ledger_touch(void)
{
	memresv_ledger.changes++;
}

void memresv_ledger_init(void);
u64 memresv_ledger_total(void);
u64 memresv_ledger_capacity(void);
u64 memresv_ledger_free(void);
u64 memresv_ledger_reclaimable(const struct memresv_resv *skip);
void memresv_ledger_figures(struct memresv_host_figures *fig,
			    const struct memresv_resv *skip);
void memresv_ledger_verify(void);
int memresv_ledger_set(const struct memresv_host_update *upd,
		       struct netlink_ext_ack *extack);

#endif /* _MEMRESV_LEDGER_H */
