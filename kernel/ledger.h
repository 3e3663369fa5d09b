/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the host ledger.
 *
 * The figures are private to ledger.c; the layers above read and change
 * them through the functions below, under memresv_lock, which guards the
 * ledger together with every reservation's settings and derived values.
 * memresv_lock is never held across cgroup file I/O (see cgfs.c).
 */
#ifndef _MEMRESV_LEDGER_H
#define _MEMRESV_LEDGER_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "policy.h"

struct memresv_err;

extern struct mutex memresv_lock;

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

/**
 * struct memresv_host_info - the ledger as HOST_GET reports it
 * @total: physical RAM
 * @reserve: memory kept for the host
 * @capacity: total - reserve
 * @guaranteed: sum of the guarantees
 * @assigned: sum of the targets
 * @free: capacity - assigned
 * @reclaimable: assigned - guaranteed: what the balancer may take back
 * @paging_limit: size of the swap tier
 * @paging_used: swap tier granted
 * @tick_ns: how long the last tick took
 * @period_ms: balancer period
 * @paging_max: longest paging phase, seconds
 * @nr: number of reservations
 * @overcommitted: guaranteed is above a capacity that shrank under it
 */
struct memresv_host_info {
	u64 total;
	u64 reserve;
	u64 capacity;
	u64 guaranteed;
	u64 assigned;
	u64 free;
	u64 reclaimable;
	u64 paging_limit;
	u64 paging_used;
	u64 tick_ns;
	u32 period_ms;
	u32 paging_max;
	u32 nr;
	bool overcommitted;
};

/**
 * struct memresv_ledger_entry - what one reservation adds to the sums
 * @guarantee: its guarantee (memory.min)
 * @target: its target (memory.high)
 * @grant: the swap tier it holds
 */
struct memresv_ledger_entry {
	u64 guarantee;
	u64 target;
	u64 grant;
};

/**
 * struct memresv_ledger_sums - the sums, recounted from every reservation
 * @guaranteed: sum of the guarantees
 * @assigned: sum of the targets
 * @paging_used: sum of the grants
 * @nr: how many were counted
 */
struct memresv_ledger_sums {
	u64 guaranteed;
	u64 assigned;
	u64 paging_used;
	u32 nr;
};

void memresv_ledger_init(void);

u64 memresv_ledger_total(void);
u64 memresv_ledger_capacity(void);
u64 memresv_ledger_free(void);
u64 memresv_ledger_unguaranteed(void);
void memresv_ledger_figures(struct memresv_host_figures *fig);
void memresv_ledger_info(struct memresv_host_info *info);
u32 memresv_ledger_period_ms(void);
u32 memresv_ledger_paging_max(void);
u32 memresv_ledger_nr(void);
unsigned int memresv_ledger_gen(void);
u64 memresv_ledger_changes(void);

void memresv_ledger_touch(void);
void memresv_ledger_account(const struct memresv_ledger_entry *old,
			    const struct memresv_ledger_entry *new);
void memresv_ledger_link(void);
void memresv_ledger_unlink(void);
void memresv_ledger_tick_done(u64 ns);
bool memresv_ledger_check_capacity(void);

bool memresv_ledger_recounting(void);
void memresv_ledger_verify(const struct memresv_ledger_sums *sums);

int memresv_ledger_host_check(const struct memresv_host_update *upd,
			      struct memresv_err *e);
void memresv_ledger_host_apply(const struct memresv_host_update *upd);

#endif /* _MEMRESV_LEDGER_H */
