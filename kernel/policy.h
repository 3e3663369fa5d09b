/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv policy core: the admission, balancing and placement arithmetic.
 *
 * Pure C with no kernel dependency: the same source builds into the module,
 * the memresv tool (offline placement over host snapshots) and the host-side
 * unit tests.  Nothing here allocates, locks or sleeps; callers own the data.
 */
#ifndef _MEMRESV_POLICY_H
#define _MEMRESV_POLICY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
typedef __u64 u64;
typedef __u32 u32;
typedef __u8 u8;
#endif

#include <linux/memresv.h>

/**
 * struct memresv_host_figures - the ledger figures a decision is taken on
 * @capacity: total - reserve; all guarantees together must fit in it
 * @guaranteed: sum of the guarantees of the reservations counted here
 * @assigned: sum of their targets
 * @reclaimable: sum of (target - guarantee) of those reservations: what the
 *	balancer may take back from them
 * @paging_limit: size of the swap tier
 * @paging_used: swap tier currently granted
 *
 * For a restart, the caller leaves the restarting reservation out of every
 * sum, as if it had been removed first.
 */
struct memresv_host_figures {
	u64 capacity;
	u64 guaranteed;
	u64 assigned;
	u64 reclaimable;
	u64 paging_limit;
	u64 paging_used;
};

/**
 * struct memresv_request - what a start asks for
 * @startup: memory for the start-up phase
 * @minimum: floor after start-up
 * @maximum: hard cap
 * @paging_allowed: this start may use the swap tier (paging setting and
 *	restart, or --force; never when the setting is "never")
 */
struct memresv_request {
	u64 startup;
	u64 minimum;
	u64 maximum;
	bool paging_allowed;
};

/**
 * struct memresv_admission - the admission decision (DESIGN §1 steps 1-4)
 * @fit: MEMRESV_FIT_NONE refuses; otherwise how the start is covered
 * @physical: the physical part of startup; the guarantee while starting
 * @grant: swap tier granted (startup - physical), 0 unless @fit is PAGING
 * @reclaim: memory to take back from the other reservations' targets
 *	before @physical fits in free memory (0 for FIT_FREE)
 */
struct memresv_admission {
	enum memresv_fit fit;
	u64 physical;
	u64 grant;
	u64 reclaim;
};

void memresv_policy_admit(const struct memresv_host_figures *host,
			  const struct memresv_request *req,
			  struct memresv_admission *adm);

/**
 * struct memresv_share - one reservation as the reclaim plan sees it
 * @guarantee: floor the target may not go below
 * @target: in: current target; out: target after the plan
 * @weight: share under contention; lower weights give back first
 * @demand: the workload's demand; read only by
 *	memresv_policy_reclaim_buffer_first()
 */
struct memresv_share {
	u64 guarantee;
	u64 target;
	u32 weight;
	u64 demand;
};

u64 memresv_policy_reclaim(struct memresv_share *shares, size_t n, u64 need);
u64 memresv_policy_reclaim_buffer_first(struct memresv_share *shares,
					size_t n, u64 need);

/**
 * struct memresv_balance_entry - one reservation as the balancer sees it
 * @guarantee: memory.min; the target never goes below it
 * @maximum: hard cap; the target never goes above it
 * @demand: estimated need of the workload
 * @buffer: percent of demand kept spare on top of demand
 * @weight: share under contention (0 - 10000)
 * @target: in: current target; out: new target
 * @desired: out: clamp(demand * (1 + buffer / 100), guarantee, maximum)
 */
struct memresv_balance_entry {
	u64 guarantee;
	u64 maximum;
	u64 demand;
	u32 buffer;
	u32 weight;
	u64 target;
	u64 desired;
};

/**
 * struct memresv_balance_params - knobs of one balancer pass
 * @capacity: memory the targets share (host capacity)
 * @shrink_step: most a target may shrink in one pass, in bytes
 * @hysteresis: a target shrinks only when it moves down by more than this
 */
struct memresv_balance_params {
	u64 capacity;
	u64 shrink_step;
	u64 hysteresis;
};

void memresv_policy_balance(struct memresv_balance_entry *entries, size_t n,
			    const struct memresv_balance_params *params);

enum memresv_status memresv_policy_status(u64 target, u64 demand, u32 buffer,
					  bool paging);

/**
 * enum memresv_rating_limit - what keeps a request off a host
 * @MEMRESV_LIMIT_NONE: nothing: it fits
 * @MEMRESV_LIMIT_CAPACITY: the host has no capacity for reservations
 * @MEMRESV_LIMIT_OVERCOMMIT: the host's guarantees exceed its capacity
 * @MEMRESV_LIMIT_REQUEST: the request's minimum exceeds its startup
 * @MEMRESV_LIMIT_STARTUP: policy startup, and startup exceeds the memory
 *	physically available
 * @MEMRESV_LIMIT_MINIMUM: minimum exceeds the memory physically available
 * @MEMRESV_LIMIT_TIER: the swap tier cannot cover startup beyond the
 *	memory physically available
 */
enum memresv_rating_limit {
	MEMRESV_LIMIT_NONE,
	MEMRESV_LIMIT_CAPACITY,
	MEMRESV_LIMIT_OVERCOMMIT,
	MEMRESV_LIMIT_REQUEST,
	MEMRESV_LIMIT_STARTUP,
	MEMRESV_LIMIT_MINIMUM,
	MEMRESV_LIMIT_TIER,
};

/**
 * struct memresv_rating - how well a request fits a host, in figures
 * @fit: free, reclaim, paging or none
 * @stars: milli-stars, 0 - 5000 (shown as 0.0 - 5.0)
 * @limit: with fit none, what refused it
 * @free: capacity - assigned (0 if negative)
 * @available: memory physically available to the start: free plus what
 *	may be reclaimed from the others, at most capacity - guaranteed
 * @physical: the physical part of startup (fits other than none)
 * @grant: the part of startup from the swap tier (fit paging)
 * @reclaim: memory taken back from the others first (fit reclaim)
 * @tier_left: the swap tier not granted yet
 *
 * Numbers only: a caller that explains a rating to a person (the memresv
 * tool) turns them into its own words.
 */
struct memresv_rating {
	enum memresv_fit fit;
	u32 stars;
	enum memresv_rating_limit limit;
	u64 free;
	u64 available;
	u64 physical;
	u64 grant;
	u64 reclaim;
	u64 tier_left;
};

void memresv_policy_rate(const struct memresv_host_figures *host,
			 const struct memresv_request *req,
			 enum memresv_place_policy policy,
			 struct memresv_rating *rating);

#endif /* _MEMRESV_POLICY_H */
