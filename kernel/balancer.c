// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the tick and the balancer — once a period, running reservations'
 * targets follow their demand (Hyper-V's Dynamic Memory).
 *
 * Demand comes from the guest where an agent reports it (a VM's balloon
 * statistics, RESV_REPORT), while the reports keep coming.  Otherwise it
 * is estimated from the group itself: memory.current less the
 * inactive file cache (what the kernel reclaims first), raised by the PSI
 * memory pressure of the group, and at least doubled when the group was
 * throttled at its target (memory.events "high" moved) — a group pressing
 * against memory.high cannot show how much more it wants, so the target
 * grows geometrically until it stops pressing.  While usage is rising the
 * estimate does not fall, and covers the usage the group reaches by the
 * next pass at its current rate; for a period after its target grew by
 * more than an eighth it does not fall either.  The sharing itself is the
 * policy core's (memresv_policy_balance()): demand first, then buffer, by
 * weight; targets grow at once and shrink at a bounded rate.
 *
 * One walk of the table does the whole tick under memresv_lock: removed
 * groups and phase ends (memresv_resv_tick_one()), then a sample of a
 * running group from its memcg counters, which never sleeps.  The cost
 * follows activity, not population: a period's tick visits the groups
 * still starting, those whose demand or usage moved at their last sample
 * (they stay active until a sample finds them still), those the guest
 * reports for, and those whose target has just grown; the idle ones get
 * their turn round-robin, BAL_IDLE_VISITS a period, so each is still
 * looked at every n / BAL_IDLE_VISITS periods (on every tick while there
 * are no more than that).  An idle group that starts to use memory meets
 * its memory.high and is throttled there until its turn.  The sharing
 * runs only when one of its inputs moved: a demand, or anything that bumps
 * memresv_ledger_changes() (a setting, a state, a guarantee, a target, the
 * capacity).  With the same inputs the policy gives the same targets, so a
 * host whose groups are idle pays for the walk alone.
 *
 * For a period after the balancer raised a group's target by more than an
 * eighth, ticks come every quarter of a period instead of every period: a
 * burst gets each doubling of its target in a fraction of a period, while
 * a group that drifts up does not keep the tick fast.  These follow-ups
 * sample only the groups whose target has just grown (and those still
 * starting), and the idle ones' turns pro rata.  Shrinking is limited per
 * unit of time, so the extra passes take memory back no faster.
 *
 * memory.stat (for inactive_file) is read outside the lock, and only for
 * groups whose usage moved since it was last read, or every 30 s.
 *
 * Reservations still starting keep the memory they were admitted with; the
 * balancer shares what they leave.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <linux/memresv.h>

#include "balancer.h"
#include "cgfs.h"
#include "hold.h"
#include "ledger.h"
#include "notify.h"
#include "policy.h"
#include "resv.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Moves of a target within this are not made. */
#define BAL_HYSTERESIS	SZ_2M
/* memory.stat is read again after usage moved by this much (or 1/32). */
#define BAL_STAT_MOVE	SZ_2M
#define BAL_STAT_AGE	(30 * HZ)
/* memory.stat reads per tick; the rest wait for the next. */
#define BAL_STAT_BATCH	64
/* Idle running groups sampled a period, in turn. */
#define BAL_IDLE_VISITS	1024

/**
 * struct balancer - the balancer's state between passes
 * @entries: the running reservations as the policy core sees them
 * @resvs: the reservation of each entry
 * @size: room in @entries and @resvs
 * @seen: memresv_ledger_changes() when the sharing last ran
 * @step: the shrink step the sharing last ran with
 * @last: jiffies of the last pass
 * @cursor: the id of the last idle group sampled in its turn; 0: from the
 *	first
 * @stale: reservations whose memory.stat is read after the pass
 * @stale_val: what was read for each of @stale
 * @stale_usage: memory.current just before each read
 * @tick: the tick's work item
 * @stopped: the module is going; nothing re-arms @tick (memresv_lock)
 *
 * The tick is one work item, never run twice at once: it alone uses this.
 */
struct balancer {
	struct memresv_balance_entry *entries;
	struct memresv_resv **resvs;
	size_t size;
	u64 seen;
	u64 step;
	unsigned long last;
	u64 cursor;
	struct memresv_resv *stale[BAL_STAT_BATCH];
	u64 stale_val[BAL_STAT_BATCH];
	u64 stale_usage[BAL_STAT_BATCH];
	struct delayed_work tick;
	bool stopped;
};

static struct balancer bal = {
	.seen = U64_MAX,
};

/**
 * bal_demand() - the demand estimate of one group in use
 * @resv: the reservation, with the last pass's usage and demand
 * @usage: memory.current now
 * @s: the rest of this pass's sample
 * @pressed: the group was throttled at its target since the last pass
 *
 * Return: bytes the workload needs, by the rule in the file comment.
 */
static u64 bal_demand(const struct memresv_resv *resv, u64 usage,
		      const struct memresv_sample *s, bool pressed)
{
	u64 ws = usage > resv->inactive_file ? usage - resv->inactive_file : 0;
	u64 demand = ws + div_u64(ws * s->pressure, 100);

	if (pressed)
		demand = max(demand, 2 * usage);
	/*
	 * Still growing: not the moment to take memory away, and the next
	 * pass will likely find it grown by as much again.
	 */
	if (usage > resv->usage + BAL_HYSTERESIS)
		demand = max3(demand, resv->demand, 2 * usage - resv->usage);
	return demand;
}

/* Is memory.stat of @resv due for a read?  memresv_lock held. */
static bool bal_stat_due(const struct memresv_resv *resv)
{
	u64 move = max_t(u64, BAL_STAT_MOVE, resv->stat_usage / 32);
	u64 usage = resv->usage;

	lockdep_assert_held(&memresv_lock);
	if (!usage)
		return false;
	return usage > resv->stat_usage + move ||
	       usage + move < resv->stat_usage ||
	       time_after(jiffies, resv->stat_time + BAL_STAT_AGE);
}

/*
 * Sample one running reservation and update its demand; memresv_lock held.
 * An idle group costs one counter read.  Return: true when the demand
 * moved; *@hot when its target grew within the last period and can grow
 * further.
 */
static bool bal_sample(struct memresv_resv *resv, unsigned long period,
		       bool *hot)
{
	u64 usage = memresv_cgfs_usage(&resv->cg), demand = 0;
	struct memresv_sample s;
	bool pressed, held;

	lockdep_assert_held(&memresv_lock);
	if (resv->guest_fresh) {
		/* The guest knows better: what it uses, not its cache. */
		demand = resv->guest_demand;
	} else if (usage) {
		memresv_cgfs_sample(&resv->cg, &s);
		pressed = s.high_events != resv->high_events;
		demand = bal_demand(resv, usage, &s, pressed);
		/* A target that has just grown is not taken back at once. */
		held = time_before(jiffies, resv->grown_at + period);
		if (held)
			demand = max(demand, resv->demand);
		if (held && resv->target < resv->set.maximum)
			*hot = true;
		resv->high_events = s.high_events;
		resv->pressure = s.pressure;
	} else {
		/* Nothing charged: nothing cached either. */
		resv->inactive_file = 0;
		resv->stat_usage = 0;
		resv->pressure = 0;
	}
	resv->idle = !resv->guest_fresh && demand == resv->demand &&
		     usage <= resv->usage + BAL_HYSTERESIS &&
		     usage + BAL_HYSTERESIS >= resv->usage;
	resv->usage = usage;
	if (demand == resv->demand)
		return false;
	resv->demand = demand;
	/* The same target: only the status follows the new demand. */
	memresv_resv_retarget(resv, resv->target);
	return true;
}

/* Room for @n entries in the balancer's arrays; memresv_lock held. */
static int bal_reserve(size_t n)
{
	struct memresv_balance_entry *entries;
	struct memresv_resv **resvs;
	size_t size;

	lockdep_assert_held(&memresv_lock);
	if (n <= bal.size)
		return 0;
	size = max_t(size_t, n + n / 2, 64);
	entries = kvmalloc_array(size, sizeof(*entries), GFP_KERNEL);
	resvs = kvmalloc_array(size, sizeof(*resvs), GFP_KERNEL);
	if (!entries || !resvs) {
		kvfree(entries);
		kvfree(resvs);
		return -ENOMEM;
	}
	kvfree(bal.entries);
	kvfree(bal.resvs);
	bal.entries = entries;
	bal.resvs = resvs;
	bal.size = size;
	return 0;
}

/*
 * The running reservations as the policy core sees them, in bal.entries.
 * Return: how many; *@running: the sum of their targets.
 */
static size_t bal_collect(u64 *running)
{
	struct memresv_resv *resv;
	size_t n = 0;

	*running = 0;
	for (resv = memresv_resv_from(0); resv;
	     resv = memresv_resv_next(resv)) {
		if (resv->state != MEMRESV_STATE_RUNNING)
			continue;
		bal.resvs[n] = resv;
		bal.entries[n++] = (struct memresv_balance_entry){
			.guarantee = resv->guarantee,
			.maximum = resv->set.maximum,
			.demand = resv->demand,
			.buffer = resv->set.buffer,
			.weight = resv->set.weight,
			.target = resv->target,
		};
		*running += resv->target;
	}
	return n;
}

/*
 * Share the memory the running reservations may use by the policy core,
 * and queue the writes of the targets that moved; memresv_lock held.
 * Return: how many targets moved; *@hot when a target grew by more than
 * an eighth.
 */
static u32 bal_share(u64 step, bool *hot)
{
	struct memresv_balance_params params = {
		.shrink_step = step,
		.hysteresis = BAL_HYSTERESIS,
	};
	struct memresv_host_figures fig;
	struct memresv_balance_entry *e;
	struct memresv_resv *resv;
	u64 running, others, target;
	size_t n, i;
	u32 changed = 0;

	lockdep_assert_held(&memresv_lock);
	if (bal_reserve(memresv_ledger_nr())) {
		pr_warn_ratelimited("no memory for a balancer pass\n");
		return 0;
	}
	/* Our own target changes below must bring the next pass here again. */
	bal.seen = memresv_ledger_changes();
	bal.step = step;
	n = bal_collect(&running);
	/* What the running ones share: all but the starting ones' targets. */
	memresv_ledger_figures(&fig);
	others = fig.assigned - running;
	params.capacity = fig.capacity > others ? fig.capacity - others : 0;
	memresv_policy_balance(bal.entries, n, &params);

	for (i = 0; i < n; i++) {
		resv = bal.resvs[i];
		e = &bal.entries[i];
		/*
		 * memory.high holds whole pages; rounding down keeps the sum
		 * within capacity and, guarantees being whole pages, the
		 * target at or above its guarantee.
		 */
		target = round_down(e->target, PAGE_SIZE);
		if (target == resv->target)
			continue;
		trace_memresv_balance(resv->id, resv->usage, resv->demand,
				      e->desired, resv->target, target,
				      resv->pressure);
		/* A burst, not a drift: follow it closely for a period. */
		if (target > resv->target + resv->target / 8) {
			resv->grown_at = jiffies;
			*hot = true;
		}
		changed++;
		memresv_resv_retarget(resv, target);
	}
	memresv_resv_verify();
	return changed;
}

/* Read memory.stat of the groups collected by the pass; no lock held. */
static void bal_refresh(size_t n)
{
	struct memresv_resv *resv;
	size_t i;

	for (i = 0; i < n; i++) {
		resv = bal.stale[i];
		bal.stale_usage[i] = memresv_cgfs_usage(&resv->cg);
		bal.stale_val[i] = memresv_cgfs_inactive_file(&resv->cg);
	}
	mutex_lock(&memresv_lock);
	for (i = 0; i < n; i++) {
		resv = bal.stale[i];
		resv->inactive_file = bal.stale_val[i];
		resv->stat_usage = bal.stale_usage[i];
		resv->stat_time = jiffies;
	}
	mutex_unlock(&memresv_lock);
	for (i = 0; i < n; i++)
		memresv_resv_put(bal.stale[i]);
}

/*
 * Is @resv sampled by this tick?  @full: a tick a period after the last,
 * not a follow-up; *@idle: idle groups still to visit in their turn.
 */
static bool bal_visit(const struct memresv_resv *resv, unsigned long period,
		      bool full, size_t *idle)
{
	if (resv->state != MEMRESV_STATE_RUNNING || READ_ONCE(resv->retry) ||
	    time_before(jiffies, resv->grown_at + period))
		return true;
	if (full && (!resv->idle || resv->guest_fresh))
		return true;
	if (!*idle || resv->id <= bal.cursor)
		return false;
	(*idle)--;
	bal.cursor = resv->id;
	return true;
}

/* The walk of the table under memresv_lock. */
static u32 bal_pass(unsigned long period, unsigned long elapsed, bool *hot,
		    size_t *nstale)
{
	struct memresv_resv *resv, *next;
	size_t idle = max_t(size_t, BAL_IDLE_VISITS * elapsed / period, 1);
	bool moved = false;
	u64 step;

	lockdep_assert_held(&memresv_lock);
	if (memresv_ledger_check_capacity())
		memresv_notify_host(MEMRESV_EVENT_OVERCOMMIT);
	memresv_hold_expire();
	for (resv = memresv_resv_from(0); resv; resv = next) {
		/* The tick may take this one out of the table. */
		next = memresv_resv_next(resv);
		if (!bal_visit(resv, period, elapsed >= period, &idle))
			continue;
		/* Ready again after a restart: followed until found still. */
		if (resv->state != MEMRESV_STATE_RUNNING)
			resv->idle = false;
		if (!memresv_resv_tick_one(resv))
			continue;
		if (bal_sample(resv, period, hot))
			moved = true;
		if (*nstale < BAL_STAT_BATCH && bal_stat_due(resv)) {
			kref_get(&resv->ref);
			bal.stale[(*nstale)++] = resv;
		}
	}
	/* The turns reached the end of the table: the next from the first. */
	if (idle)
		bal.cursor = 0;
	/* At most max(32 MiB, capacity/64) a period, pro rata for short ones. */
	step = div_u64(max_t(u64, SZ_32M, memresv_ledger_capacity() / 64) *
		       elapsed, period);
	if (moved || memresv_ledger_changes() != bal.seen || step != bal.step)
		return bal_share(step, hot);
	return 0;
}

/*
 * One tick: the table's upkeep and a balancer pass.  Return: jiffies until
 * the next tick: the period, or a quarter of it for a period after a target
 * grew by more than an eighth.
 */
static unsigned long bal_tick(void)
{
	unsigned long period, elapsed, now;
	u64 start = ktime_get_ns(), ns;
	size_t nstale = 0;
	bool hot = false;
	u32 changed;

	mutex_lock(&memresv_lock);
	now = jiffies;
	period = max(msecs_to_jiffies(memresv_ledger_period_ms()), 1UL);
	elapsed = clamp(now - bal.last, 1UL, period);
	bal.last = now;
	changed = bal_pass(period, elapsed, &hot, &nstale);
	ns = ktime_get_ns() - start;
	memresv_ledger_tick_done(ns);
	trace_memresv_tick(memresv_ledger_nr(), changed, ns);
	mutex_unlock(&memresv_lock);

	if (nstale)
		bal_refresh(nstale);
	return hot ? max(period / 4, 1UL) : period;
}

static void bal_tick_fn(struct work_struct *work)
{
	unsigned long delay = bal_tick();

	mutex_lock(&memresv_lock);
	if (!bal.stopped)
		queue_delayed_work(memresv_wq, &bal.tick, delay);
	mutex_unlock(&memresv_lock);
}

/**
 * memresv_balancer_kick() - run the tick now (the period changed)
 *
 * Caller holds memresv_lock.  Once the balancer is stopped, nothing
 * re-arms the tick.
 */
void memresv_balancer_kick(void)
{
	lockdep_assert_held(&memresv_lock);
	if (!bal.stopped)
		mod_delayed_work(memresv_wq, &bal.tick, 0);
}

/**
 * memresv_balancer_init() - arm the first tick
 */
void memresv_balancer_init(void)
{
	INIT_DELAYED_WORK(&bal.tick, bal_tick_fn);
	queue_delayed_work(memresv_wq, &bal.tick,
			   msecs_to_jiffies(memresv_ledger_period_ms()));
}

/**
 * memresv_balancer_exit() - stop the tick for good, free the arrays
 *
 * The stop is recorded under memresv_lock, so neither the tick itself nor
 * a HOST_SET that changes the period can arm it again after the cancel.
 */
void memresv_balancer_exit(void)
{
	mutex_lock(&memresv_lock);
	bal.stopped = true;
	mutex_unlock(&memresv_lock);
	cancel_delayed_work_sync(&bal.tick);
	kvfree(bal.entries);
	kvfree(bal.resvs);
	bal.entries = NULL;
	bal.resvs = NULL;
	bal.size = 0;
}
