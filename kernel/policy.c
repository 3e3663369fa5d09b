// SPDX-License-Identifier: GPL-2.0
/*
 * memresv policy core: admission, the reclaim order, the balancer, the
 * status rule and the placement rating.  Documentation/policy.rst explains
 * the rules with worked examples.
 *
 * Everything here is pure integer arithmetic on caller-owned data: no
 * allocation, no locking, no floating point, and no 64-bit division except
 * through mr_div(), so the same source builds into the module, the memresv
 * tool and the host-side unit tests.  Every function is total: any u64
 * input gives a defined result; intermediate values saturate instead of
 * wrapping, and no product is formed that could overflow.
 */
#ifdef __KERNEL__
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#endif

#include "policy.h"

#define MR_U64_MAX		(~(u64)0)
#define MR_LOW32		0xffffffffULL

/* Milli-star caps of the rating; a usable fit never rates below MR_FLOOR. */
#define MR_CAP_FREE		MEMRESV_STARS_MAX
#define MR_CAP_RECLAIM		3000
#define MR_CAP_PAGING		1500
#define MR_FLOOR		100

static u64 mr_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 mr_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

/* a - b, or 0 when b is larger. */
static u64 mr_sub(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

/* a + b, saturating at U64_MAX. */
static u64 mr_add(u64 a, u64 b)
{
	return a > MR_U64_MAX - b ? MR_U64_MAX : a + b;
}

/* v limited to [lo, hi]; lo wins when the bounds cross. */
static u64 mr_clamp(u64 v, u64 lo, u64 hi)
{
	return mr_max(mr_min(v, hi), lo);
}

/* a / b for u64 in both worlds; a zero divisor gives 0. */
static u64 mr_div(u64 a, u64 b)
{
	if (!b)
		return 0;
#ifdef __KERNEL__
	return div64_u64(a, b);
#else
	return a / b;
#endif
}

/* *p = a * b; true, and *p undefined, when the product needs 128 bits. */
static bool mr_mul_overflows(u64 a, u64 b, u64 *p)
{
#ifdef __KERNEL__
	return check_mul_overflow(a, b, p);
#else
	return __builtin_mul_overflow(a, b, p);
#endif
}

/*
 * *q = a * b / c, exact for every u64 input: the product is formed in 128
 * bits (two u64 halves) and divided by shift-and-subtract when it does not
 * fit in 64.  Rounds down, or up when @round_up.  Returns false, with *q
 * = U64_MAX, when the quotient does not fit; c == 0 gives 0.
 */
static bool mr_mul_div_fits(u64 a, u64 b, u64 c, bool round_up, u64 *q)
{
	u64 ll, lh, hl, hh, mid, lo, hi, rem;
	bool carry;
	int bit;

	*q = 0;
	if (!c)
		return true;

	/* Most products fit in 64 bits: the pool times a weight does. */
	if (!mr_mul_overflows(a, b, &lo)) {
		*q = mr_div(lo, c);
		rem = lo - *q * c;
		goto round;
	}

	ll = (a & MR_LOW32) * (b & MR_LOW32);
	lh = (a & MR_LOW32) * (b >> 32);
	hl = (a >> 32) * (b & MR_LOW32);
	hh = (a >> 32) * (b >> 32);
	mid = (ll >> 32) + (lh & MR_LOW32) + (hl & MR_LOW32);
	lo = (ll & MR_LOW32) | (mid << 32);
	hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	if (hi >= c) {
		*q = MR_U64_MAX;
		return false;
	}

	if (!hi) {
		*q = mr_div(lo, c);
		rem = lo - *q * c;
	} else {
		/* Invariant: rem < c; a bit shifted out of rem means >= c. */
		rem = hi;
		for (bit = 63; bit >= 0; bit--) {
			carry = rem >> 63;
			rem = (rem << 1) | ((lo >> bit) & 1);
			*q <<= 1;
			if (carry || rem >= c) {
				rem -= c;
				*q |= 1;
			}
		}
	}

round:
	if (round_up && rem) {
		if (*q == MR_U64_MAX)
			return false;
		(*q)++;
	}
	return true;
}

/* a * b / c rounded down, saturating at U64_MAX; c == 0 gives 0. */
static u64 mr_mul_div(u64 a, u64 b, u64 c)
{
	u64 q;

	mr_mul_div_fits(a, b, c, false, &q);
	return q;
}

/*
 * *out = v * (1 + pct / 100), rounded up so that "target >= it" is exact.
 * Returns false, with *out = U64_MAX, when it does not fit in a u64.
 */
static bool mr_plus_pct(u64 v, u32 pct, u64 *out)
{
	return mr_mul_div_fits(v, 100 + (u64)pct, 100, true, out);
}

/* ------------------------------------------------------------------ */
/* Admission                                                          */
/* ------------------------------------------------------------------ */

/**
 * memresv_policy_admit() - decide whether and how a start fits the host
 * @host: the ledger figures, without the reservation being (re)started
 * @req: what the start asks for
 * @adm: out: the decision
 *
 * With F = capacity - assigned (0 if negative) and R = reclaimable:
 * startup <= F fits in free memory; startup <= F + R fits once R is taken
 * back from the other reservations; otherwise, if @req allows paging,
 * minimum <= F + R and the swap tier has startup - (F + R) left, the start
 * gets F + R physically and the rest from the tier.  Anything else is
 * refused (MEMRESV_FIT_NONE, all sizes 0).
 *
 * The physical part is further limited to capacity - guaranteed, so that
 * guaranteed + physical <= capacity holds on every path even when the
 * figures disagree with each other; a request whose minimum exceeds its
 * startup is refused.
 */
void memresv_policy_admit(const struct memresv_host_figures *host,
			  const struct memresv_request *req,
			  struct memresv_admission *adm)
{
	u64 unassigned = mr_sub(host->capacity, host->assigned);
	u64 room = mr_sub(host->capacity, host->guaranteed);
	u64 phys = mr_min(mr_add(unassigned, host->reclaimable), room);
	u64 tier = mr_sub(host->paging_limit, host->paging_used);

	adm->fit = MEMRESV_FIT_NONE;
	adm->physical = 0;
	adm->grant = 0;
	adm->reclaim = 0;

	if (req->minimum > req->startup)
		return;

	if (req->startup <= unassigned && req->startup <= room) {
		adm->fit = MEMRESV_FIT_FREE;
		adm->physical = req->startup;
	} else if (req->startup <= phys) {
		adm->fit = MEMRESV_FIT_RECLAIM;
		adm->physical = req->startup;
		adm->reclaim = req->startup - unassigned;
	} else if (req->paging_allowed && req->minimum <= phys &&
		   req->startup - phys <= tier) {
		adm->fit = MEMRESV_FIT_PAGING;
		adm->physical = phys;
		adm->grant = req->startup - phys;
		adm->reclaim = mr_sub(phys, unassigned);
	}

	/* The invariant, checked on its own rather than trusted to the above. */
	if (adm->fit != MEMRESV_FIT_NONE &&
	    (host->guaranteed > host->capacity ||
	     adm->physical > host->capacity - host->guaranteed ||
	     adm->physical < req->minimum)) {
		adm->fit = MEMRESV_FIT_NONE;
		adm->physical = 0;
		adm->grant = 0;
		adm->reclaim = 0;
	}
}

/*
 * Take up to @need from @shares, lowest weight first, each entry down to
 * its floor (its guarantee, or max(guarantee, demand) when @keep_demand)
 * before the next is touched; among equal weights the one furthest above
 * its floor first, then array order.  Return: the bytes taken.
 */
static u64 mr_reclaim_to(struct memresv_share *shares, size_t n, u64 need,
			 bool keep_demand)
{
	struct memresv_share *best;
	u64 found = 0, excess, best_excess, take, floor;
	size_t i;

	/* Each round drains one entry or meets the need: at most n rounds. */
	while (found < need) {
		best = NULL;
		best_excess = 0;
		for (i = 0; i < n; i++) {
			floor = shares[i].guarantee;
			if (keep_demand)
				floor = mr_max(floor, shares[i].demand);
			excess = mr_sub(shares[i].target, floor);
			if (!excess)
				continue;
			if (!best || shares[i].weight < best->weight ||
			    (shares[i].weight == best->weight &&
			     excess > best_excess)) {
				best = &shares[i];
				best_excess = excess;
			}
		}
		if (!best)
			break;
		take = mr_min(best_excess, need - found);
		best->target -= take;
		found += take;
	}
	return found;
}

/**
 * memresv_policy_reclaim() - plan which targets shrink to free memory
 * @shares: the other reservations; each @target is lowered in place
 * @n: number of entries in @shares
 * @need: bytes to free
 *
 * Takes from the lowest weight first, each down to its guarantee before
 * the next is touched.  Among equal weights the one furthest above its
 * guarantee gives first; remaining ties go in array order.  A target is
 * never lowered below its guarantee (nor raised when already below it).
 * The module's reclaim order; @demand is not read.
 *
 * Return: the bytes freed, @need or less when the others cannot give more.
 */
u64 memresv_policy_reclaim(struct memresv_share *shares, size_t n, u64 need)
{
	return mr_reclaim_to(shares, n, need, false);
}

/**
 * memresv_policy_reclaim_buffer_first() - reclaim buffers before working sets
 * @shares: the other reservations, with their @demand; each @target is
 *	lowered in place
 * @n: number of entries in @shares
 * @need: bytes to free
 *
 * Two rounds of the order of memresv_policy_reclaim(): first every
 * target down to max(guarantee, demand) -- the buffers, memory no
 * workload is using -- and only when that is not enough, down to the
 * guarantees, into working sets.  A target taken below its demand starves
 * its workload until the balancer gives it back; this order starves
 * nobody while the buffers suffice.  The same total is found as by
 * memresv_policy_reclaim().  An option, not the module's default.
 *
 * Return: the bytes freed, @need or less when the others cannot give more.
 */
u64 memresv_policy_reclaim_buffer_first(struct memresv_share *shares,
					size_t n, u64 need)
{
	u64 found = mr_reclaim_to(shares, n, need, true);

	return found + mr_reclaim_to(shares, n, need - found, false);
}

/* ------------------------------------------------------------------ */
/* Balancer                                                           */
/* ------------------------------------------------------------------ */

/*
 * Water-filling needs no scratch memory but the entries' @desired.  A fill hands a pool to
 * entries in proportion to their weight, each capped at what it wants, the
 * leftover of the capped ones going to the rest.  Its outcome is described
 * by one level: the pool left for the entries still unsatisfied and their
 * total weight.  Entry i then gets min(want_i, pool * w_i / wsum), which
 * any entry can compute on its own, so nothing has to be stored per entry.
 *
 * Weight 0 takes part only when every positive weight is satisfied; then
 * the weight-0 entries fill what is left with equal weights.
 */
enum mr_pass {
	MR_PASS_DEMAND,		/* clamp(demand) above the guarantee */
	MR_PASS_BUFFER,		/* the rest of desired */
	MR_PASS_GROW,		/* growth from the current target */
	MR_PASSES
};

struct mr_level {
	u64 pool;		/* left for the entries still unsatisfied */
	u64 wsum;		/* their total weight; 0: all satisfied */
};

struct mr_fill {
	struct mr_level pos;	/* weight > 0 */
	struct mr_level zero;	/* weight 0, each counting 1 */
};

struct mr_balance {
	struct memresv_balance_entry *entries;
	size_t n;
	const struct memresv_balance_params *params;
	struct mr_fill fill[MR_PASSES];
	bool over;		/* current targets exceed capacity */
};

static bool mr_in_phase(const struct memresv_balance_entry *e, bool zero)
{
	return zero ? !e->weight : !!e->weight;
}

static u64 mr_level_take(const struct mr_level *level, u64 want, u64 weight)
{
	if (!level->wsum)
		return want;
	return mr_min(want, mr_mul_div(level->pool, weight, level->wsum));
}

static u64 mr_fill_take(const struct mr_fill *fill, u64 want, u32 weight)
{
	if (!want)
		return 0;
	if (weight)
		return mr_level_take(&fill->pos, want, weight);
	if (fill->pos.wsum)
		return 0;
	return mr_level_take(&fill->zero, want, 1);
}

/* A maximum below the guarantee gives way: memory.min is the promise. */
static u64 mr_top(const struct memresv_balance_entry *e)
{
	return mr_max(e->maximum, e->guarantee);
}

static u64 mr_desired(const struct memresv_balance_entry *e)
{
	u64 want;

	mr_plus_pct(e->demand, e->buffer, &want);
	return mr_clamp(want, e->guarantee, mr_top(e));
}

/* The current target brought inside [guarantee, maximum]. */
static u64 mr_base(const struct memresv_balance_entry *e)
{
	return mr_clamp(e->target, e->guarantee, mr_top(e));
}

static u64 mr_demand_want(const struct memresv_balance_entry *e)
{
	return mr_clamp(e->demand, e->guarantee, mr_top(e)) - e->guarantee;
}

/* guarantee + demand share + buffer share: the target without limits. */
static u64 mr_ideal(const struct mr_balance *b,
		    const struct memresv_balance_entry *e)
{
	u64 got = mr_fill_take(&b->fill[MR_PASS_DEMAND], mr_demand_want(e),
			       e->weight);

	got += mr_fill_take(&b->fill[MR_PASS_BUFFER],
			    mr_desired(e) - e->guarantee - got, e->weight);
	return e->guarantee + got;
}

/*
 * Growth an entry whose ideal is @ideal asks for: none when over.  The
 * hysteresis does not hold growth back: a target below its ideal leaves
 * the workload short while memory is free, and growth follows only new
 * highs of the demand, so it cannot flap.
 */
static u64 mr_grow_want(const struct mr_balance *b,
			const struct memresv_balance_entry *e, u64 ideal)
{
	u64 base = mr_base(e);

	if (b->over || ideal <= base)
		return 0;
	return ideal - base;
}

/* What an entry wants of the buffer fill, the demand fill solved. */
static u64 mr_buffer_want(const struct mr_balance *b,
			  const struct memresv_balance_entry *e)
{
	u64 got = mr_fill_take(&b->fill[MR_PASS_DEMAND], mr_demand_want(e),
			       e->weight);

	return mr_desired(e) - e->guarantee - got;
}

/*
 * Find the level of one phase of a fill, each entry's want of it in its
 * @desired (the caller put it there; see memresv_policy_balance()).
 * Round k marks satisfied every entry whose want fits its share at level
 * k; the next level is the pool less those wants, shared by the others.
 * The pool per unit of weight never falls from one round to the next (a
 * satisfied entry took no more than its share), so the satisfied set only
 * grows and the rounds stop after at most n + 1, when it no longer
 * changes.
 */
static void mr_level_solve(const struct mr_balance *b, bool zero, u64 pool,
			   struct mr_level *level)
{
	const struct memresv_balance_entry *e;
	u64 want, weight, taken, wleft;
	size_t i, round;

	level->pool = pool;
	level->wsum = 0;
	for (i = 0; i < b->n; i++) {
		e = &b->entries[i];
		if (mr_in_phase(e, zero) && e->desired)
			level->wsum += zero ? 1 : e->weight;
	}

	for (round = 0; round <= b->n && level->wsum; round++) {
		taken = 0;
		wleft = 0;
		for (i = 0; i < b->n; i++) {
			e = &b->entries[i];
			if (!mr_in_phase(e, zero))
				continue;
			want = e->desired;
			if (!want)
				continue;
			weight = zero ? 1 : e->weight;
			if (want <= mr_mul_div(level->pool, weight,
					       level->wsum))
				taken = mr_add(taken, want);
			else
				wleft += weight;
		}
		if (wleft == level->wsum)
			break;
		level->pool = mr_sub(pool, taken);
		level->wsum = wleft;
	}
}

static void mr_fill_solve(struct mr_balance *b, enum mr_pass pass, u64 pool)
{
	struct mr_fill *fill = &b->fill[pass];

	fill->zero.pool = 0;
	fill->zero.wsum = 0;
	mr_level_solve(b, false, pool, &fill->pos);
	if (!fill->pos.wsum)
		mr_level_solve(b, true, fill->pos.pool, &fill->zero);
}

/*
 * New target of an entry that does not grow: it shrinks toward its ideal
 * by at most shrink_step (0: no limit), and keeps its target when the move
 * would be within the hysteresis, unless the targets exceed capacity.
 */
static u64 mr_settle(const struct mr_balance *b,
		     const struct memresv_balance_entry *e, u64 ideal)
{
	const struct memresv_balance_params *p = b->params;
	u64 base = mr_base(e), next;

	if (ideal >= base)
		return base;
	next = ideal;
	if (p->shrink_step)
		next = mr_max(ideal, mr_sub(base, p->shrink_step));
	if (!b->over && base - next <= p->hysteresis)
		return base;
	return next;
}

/*
 * What the entries that do not grow hold once they have moved, each
 * grower counted at its current target; each entry's growth want into its
 * @desired, for the growth fill.
 */
static u64 mr_fixed(struct mr_balance *b)
{
	struct memresv_balance_entry *e;
	u64 fixed = 0, ideal;
	size_t i;

	for (i = 0; i < b->n; i++) {
		e = &b->entries[i];
		ideal = mr_ideal(b, e);
		e->desired = mr_grow_want(b, e, ideal);
		if (e->desired)
			fixed = mr_add(fixed, mr_base(e));
		else
			fixed = mr_add(fixed, mr_settle(b, e, ideal));
	}
	return fixed;
}

/**
 * memresv_policy_balance() - compute the targets of one balancer pass
 * @entries: the reservations; @target is read and rewritten, @desired set
 * @n: number of entries
 * @params: capacity and rate limits
 *
 * The ideal target is the guarantee plus two weighted water-fills of
 * capacity - sum(guarantee): first each entry's demand above its
 * guarantee, then the rest of its desired size (demand plus buffer,
 * clamped to [guarantee, maximum]).  The new target moves toward the ideal
 * under rate limits: it shrinks by at most @params->shrink_step per pass
 * (0 means no limit), it grows only into memory that is free after the
 * shrinking entries have moved, shared by weight, and a shrink of
 * @params->hysteresis or less is not made.  When the current targets sum
 * above capacity nothing grows and the hysteresis does not hold back a
 * shrink.  A current target outside [guarantee, maximum] is first brought
 * inside it.  If the guarantees alone exceed capacity, every target is set
 * to its guarantee.
 *
 * Hence: guarantee <= target <= maximum (a maximum below the guarantee
 * counts as equal to it), sum(target) <= capacity whenever the guarantees
 * and the current targets fit, and target <= max(desired, current target).
 */
void memresv_policy_balance(struct memresv_balance_entry *entries, size_t n,
			    const struct memresv_balance_params *params)
{
	struct mr_balance b = {
		.entries = entries,
		.n = n,
		.params = params,
	};
	u64 cap = params->capacity, sum_g = 0, sum_base = 0;
	u64 used = 0, pool, grow, next;
	size_t i;

	for (i = 0; i < n; i++) {
		sum_g = mr_add(sum_g, entries[i].guarantee);
		sum_base = mr_add(sum_base, mr_base(&entries[i]));
	}

	if (sum_g > cap) {
		for (i = 0; i < n; i++) {
			entries[i].desired = mr_desired(&entries[i]);
			entries[i].target = entries[i].guarantee;
		}
		return;
	}

	/*
	 * @desired, an output set last, holds each entry's want of the fill
	 * being solved meanwhile: each is computed once, not once a round.
	 */
	pool = cap - sum_g;
	for (i = 0; i < n; i++)
		entries[i].desired = mr_demand_want(&entries[i]);
	mr_fill_solve(&b, MR_PASS_DEMAND, pool);
	for (i = 0; i < n; i++) {
		used = mr_add(used, mr_fill_take(&b.fill[MR_PASS_DEMAND],
						 entries[i].desired,
						 entries[i].weight));
		entries[i].desired = mr_buffer_want(&b, &entries[i]);
	}
	mr_fill_solve(&b, MR_PASS_BUFFER, mr_sub(pool, used));

	/* Growers share what the others leave once they have moved. */
	b.over = sum_base > cap;
	mr_fill_solve(&b, MR_PASS_GROW, mr_sub(cap, mr_fixed(&b)));

	/* Each result depends only on its own entry and the fills. */
	for (i = 0; i < n; i++) {
		grow = mr_fill_take(&b.fill[MR_PASS_GROW], entries[i].desired,
				    entries[i].weight);
		if (grow)
			next = mr_base(&entries[i]) + grow;
		else
			next = mr_settle(&b, &entries[i],
					 mr_ideal(&b, &entries[i]));
		entries[i].desired = mr_desired(&entries[i]);
		entries[i].target = next;
	}
}

/**
 * memresv_policy_status() - classify a reservation's target against demand
 * @target: its current target
 * @demand: its estimated demand
 * @buffer: percent of demand to keep spare
 * @paging: it is in the paging state
 *
 * Return: MEMRESV_STATUS_WARNING when paging or target < demand,
 * MEMRESV_STATUS_OK when target >= demand * (1 + buffer / 100), else
 * MEMRESV_STATUS_LOW.
 */
enum memresv_status memresv_policy_status(u64 target, u64 demand, u32 buffer,
					  bool paging)
{
	u64 full;

	if (paging || target < demand)
		return MEMRESV_STATUS_WARNING;
	if (mr_plus_pct(demand, buffer, &full) && target >= full)
		return MEMRESV_STATUS_OK;
	return MEMRESV_STATUS_LOW;
}

/* ------------------------------------------------------------------ */
/* Placement rating                                                   */
/* ------------------------------------------------------------------ */

/* What refuses a request that fits nowhere (fit none). */
static enum memresv_rating_limit
mr_limit(const struct memresv_host_figures *host,
	 const struct memresv_request *req, enum memresv_place_policy policy,
	 u64 available)
{
	if (!host->capacity)
		return MEMRESV_LIMIT_CAPACITY;
	if (host->guaranteed > host->capacity)
		return MEMRESV_LIMIT_OVERCOMMIT;
	if (req->minimum > req->startup)
		return MEMRESV_LIMIT_REQUEST;
	if (policy == MEMRESV_POLICY_STARTUP)
		return MEMRESV_LIMIT_STARTUP;
	if (req->minimum > available)
		return MEMRESV_LIMIT_MINIMUM;
	return MEMRESV_LIMIT_TIER;
}

/**
 * memresv_policy_rate() - rate how well a request fits a host (what-if)
 * @host: the host's ledger figures
 * @req: the request; its @paging_allowed is ignored
 * @policy: MEMRESV_POLICY_STARTUP rates on startup alone, as SCVMM does;
 *	MEMRESV_POLICY_MINIMUM also accepts a fit through the swap tier
 * @rating: out: fit, milli-stars, and the figures that explain them (what
 *	refused a request that fits nowhere, what was free and available,
 *	the physical part, the grant, the reclaim, the tier left)
 *
 * The fit is the admission decision, with paging allowed only under
 * MEMRESV_POLICY_MINIMUM.  Milli-stars are 5000 * (1 - used / capacity),
 * where used is the memory committed after placement: assigned + startup
 * for a free fit; max(assigned, guaranteed + startup) for a reclaim fit
 * (the others keep their targets until the balancer takes them back); and
 * max(assigned, guaranteed + minimum) for a paging fit (the host is full
 * while the start pages, so it is rated on what it keeps once the
 * reservation falls back to its minimum).  The result is capped at 5000,
 * 3000 and 1500 for the free, reclaim and paging fits and raised to at
 * least 100, so a usable fit never looks like a refusal.  No fit, or a
 * host with no capacity, rates 0.
 */
void memresv_policy_rate(const struct memresv_host_figures *host,
			 const struct memresv_request *req,
			 enum memresv_place_policy policy,
			 struct memresv_rating *rating)
{
	struct memresv_request what = *req;
	struct memresv_admission adm;
	u64 used, stars;
	u32 cap;

	what.paging_allowed = policy != MEMRESV_POLICY_STARTUP;
	*rating = (struct memresv_rating){
		.fit = MEMRESV_FIT_NONE,
		.free = mr_sub(host->capacity, host->assigned),
		.available = mr_min(mr_add(mr_sub(host->capacity,
						  host->assigned),
					   host->reclaimable),
				    mr_sub(host->capacity, host->guaranteed)),
		.tier_left = mr_sub(host->paging_limit, host->paging_used),
	};

	if (host->capacity)
		memresv_policy_admit(host, &what, &adm);
	else
		adm.fit = MEMRESV_FIT_NONE;

	switch (adm.fit) {
	case MEMRESV_FIT_FREE:
		used = mr_add(host->assigned, req->startup);
		cap = MR_CAP_FREE;
		break;
	case MEMRESV_FIT_RECLAIM:
		used = mr_max(host->assigned,
			      mr_add(host->guaranteed, adm.physical));
		cap = MR_CAP_RECLAIM;
		break;
	case MEMRESV_FIT_PAGING:
		used = mr_max(host->assigned,
			      mr_add(host->guaranteed, req->minimum));
		cap = MR_CAP_PAGING;
		break;
	default:
		rating->limit = mr_limit(host, req, policy, rating->available);
		return;
	}

	stars = mr_mul_div(mr_sub(host->capacity, used), MEMRESV_STARS_MAX,
			   host->capacity);
	rating->fit = adm.fit;
	rating->stars = (u32)mr_max(mr_min(stars, cap), MR_FLOOR);
	rating->physical = adm.physical;
	rating->grant = adm.grant;
	rating->reclaim = adm.reclaim;
}
