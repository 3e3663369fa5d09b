// SPDX-License-Identifier: GPL-2.0
/*
 * density: how many VMs one host sustains at a stated service level, under
 * SCVMM's placement as deployed and under memresv's, all on the same
 * balancer.  A host-side replay through memresv's policy core
 * (kernel/policy.c, linked in): every start is decided by
 * memresv_policy_admit(), memory is taken back from running VMs by
 * memresv_policy_reclaim() (or the buffer-first option), and the targets
 * follow demand by memresv_policy_balance(); the bookkeeping around them
 * is the module's (a start holds its physical part as guarantee and
 * target; at ready the guarantee drops to the minimum and the target
 * stays for the balancer; a restart is decided with the VM left out).
 *
 * The host: capacity 256 GiB (4 GiB more kept for the host itself), a
 * swap tier of 32 GiB.
 *
 * The VMs (each one's parameters drawn from the seed and its index, so
 * the first N of a seed are the same VMs whatever N is):
 *
 *   class     share  minimum  startup  maximum  boot (start-up phase)
 *   desktop   60 %   1 GiB    4 GiB    8 GiB    60 - 180 s
 *   server    30 %   2 GiB    8 GiB    16 GiB   120 - 300 s
 *   database  10 %   8 GiB    24 GiB   64 GiB   180 - 600 s
 *
 *   minimum is the VM's idle working set, startup its boot peak: while it
 *   boots a VM's working set is its startup.  Once up, its working set is
 *   level + swing x sin(daily), a level drawn between minimum and startup
 *   (20 - 50 % of the way), a daily swing of 30 - 80 % of (level -
 *   minimum), peaking at 14:00 +- 2 h (the trough is at night, when patch
 *   nights are).
 *
 * The trace: a warm-up day (VMs arrive over its first half; not counted),
 * then 14 days measured.  Every VM reboots at random (a Poisson process of
 * mean 7 days), and on the two patch nights (02:00 of measured days 7 and
 * 14) every VM restarts at a uniformly random moment of the first hour.
 * A start that does not fit is tried again every minute.
 *
 * The working sets move every 5 simulated minutes, and the balancer passes
 * then (the module passes every second, but a pass whose inputs did not
 * move changes nothing), and a second apart (the module's period) after
 * any start or ready until a pass moves nothing; a pass shrinks a target
 * by at most max(32 MiB, capacity / 64) a second.
 *
 * Policies, on the same trace and balancer:
 *
 *   scvmm        SCVMM as deployed: startup must fit in the host's
 *                available memory, capacity - sum(assigned); no reclaim
 *                from other VMs, no paging (fit "free" only);
 *   startup      memresv, policy startup: free, or reclaim from the
 *                others' targets (the module's order: lowest weight
 *                first, each down to its guarantee);
 *   minimum      memresv, policy minimum: also smart paging (the physical
 *                part F + R, the rest from the swap tier);
 *   minimum-buf  minimum, reclaiming every other VM's buffer (target above
 *                its working set) before anyone's working set
 *                (memresv_policy_reclaim_buffer_first()).
 *
 * The service level, over the measured days: no OOM kill (the working
 * sets of the running VMs and the physical parts of the starting ones
 * exceed the host's RAM at a pass); starved VM-time at most 0.1 % (a
 * running VM whose target is below its working set, or a VM waiting to
 * start after a reboot that is not a patch night's); every patch-night
 * restart admitted within 2 hours of its request; paging only during
 * start-up.  The metric is the largest VM count at which every seed meets
 * it, found by bisection.  After every event the ledger is recounted and
 * guaranteed <= capacity and paging_used <= the tier are checked; a
 * violation fails the run.
 *
 * Keys: vms_at_slo_ratio (memresv's best policy / scvmm),
 * patch_night_lost (memresv's best, at its own count, all seeds) and
 * patch_night_lost_scvmm (scvmm at that same count).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "mrtest.h"
#include "policy.h"

#define GiB		(1ULL << 30)
#define MiB		(1ULL << 20)
#define MINUTE		60.0
#define HOUR		3600.0
#define DAY		86400.0
#define WARMUP		DAY
#define MEASURED	(14 * DAY)
#define END		(WARMUP + MEASURED)
#define CAPACITY	(256 * GiB)
#define RAM		(CAPACITY + 4 * GiB)
#define TIER		(32 * GiB)
#define PERIOD		1.0		/* the module's balancer period, s */
#define STEP		(5 * MINUTE)	/* the working sets move this often */
#define SHRINK		(CAPACITY / 64)	/* per period */
#define SEEDS		5
#define SEED		20261202ULL
#define MAX_VMS		400
#define SLO_STARVED	0.001
#define SLO_PATCH_WAIT	(2 * HOUR)

enum policy { POL_SCVMM, POL_STARTUP, POL_MINIMUM, POL_MINIMUM_BUF, NPOL };

static const char *const policy_names[] = {
	"scvmm", "startup", "minimum", "minimum-buf",
};

enum ev_kind { EV_READY, EV_ARRIVE, EV_REBOOT, EV_PATCH, EV_RETRY,
	       EV_PASS, EV_FAST };

enum vm_state { VM_OUT, VM_WAITING, VM_STARTING, VM_RUNNING };

struct vm_class {
	const char *name;
	unsigned int share;	/* percent */
	uint64_t minimum, startup, maximum;
	double boot_min, boot_max;
};

static const struct vm_class classes[] = {
	{ "desktop", 60, 1 * GiB, 4 * GiB, 8 * GiB, 60, 180 },
	{ "server", 30, 2 * GiB, 8 * GiB, 16 * GiB, 120, 300 },
	{ "database", 10, 8 * GiB, 24 * GiB, 64 * GiB, 180, 600 },
};

struct vm {
	const struct vm_class *cls;
	/* the workload */
	double level, swing, peak;	/* bytes, bytes, seconds of the day */
	uint64_t rng;			/* boot times, reboots */
	uint64_t ws;			/* working set now, when up */
	/* the replay */
	enum vm_state state;
	bool patch;			/* waiting for a patch-night start */
	double wait_since;
	uint64_t guarantee, target, grant;
	uint32_t epoch;			/* which start a READY ends */
};

struct event {
	double at;
	enum ev_kind kind;
	int vm;
	uint32_t epoch;
};

struct result {
	long starts, paging_starts, oom, patch_restarts, patch_lost;
	double vm_s, starved_s, patch_wait_max;
	long checks;
	bool admitted_all;	/* every VM in by the end of the warm-up */
};

static struct vm vms[MAX_VMS];
static int nvms;

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, so the trace is the same everywhere.   */
/* ------------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unif(uint64_t *state)
{
	return (rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_exp(uint64_t *state, double mean)
{
	return -mean * log(1.0 - rng_unif(state));
}

/* VM @i of @seed: the same VM whatever the count. */
static void vm_make(struct vm *vm, uint64_t seed, int i)
{
	uint64_t st = seed * 0x100000001b3ULL + (uint64_t)i * 0x9e3779b97f4aULL;
	unsigned int pick = rng_next(&st) % 100, acc = 0;
	size_t c;
	double span;

	for (c = 0; c < ARRAY_SIZE(classes) - 1; c++) {
		acc += classes[c].share;
		if (pick < acc)
			break;
	}
	memset(vm, 0, sizeof(*vm));
	vm->cls = &classes[c];
	span = (double)(vm->cls->startup - vm->cls->minimum);
	vm->level = vm->cls->minimum + span * (0.2 + 0.3 * rng_unif(&st));
	vm->swing = (vm->level - vm->cls->minimum) * (0.3 + 0.5 * rng_unif(&st));
	vm->peak = 14 * HOUR + (rng_unif(&st) - 0.5) * 4 * HOUR;
	vm->rng = rng_next(&st);
}

/* The working set of a VM that is up, at @t. */
static uint64_t vm_ws(const struct vm *vm, double t)
{
	double ph = 2 * M_PI * (t - vm->peak) / DAY;

	return (uint64_t)(vm->level + vm->swing * cos(ph)) & ~4095ULL;
}

/* The working sets move every STEP of the trace. */
static void vm_ws_update(struct vm *v, int n, double t)
{
	int i;

	for (i = 0; i < n; i++)
		v[i].ws = vm_ws(&v[i], t);
}

/* ------------------------------------------------------------------ */
/* The event queue                                                    */
/* ------------------------------------------------------------------ */

struct heap {
	struct event *e;
	int n, cap;
};

static bool ev_before(const struct event *a, const struct event *b)
{
	return a->at < b->at || (a->at == b->at && a->kind < b->kind);
}

static void heap_push(struct heap *h, struct event e)
{
	int i;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->e = realloc(h->e, h->cap * sizeof(*h->e));
		if (!h->e)
			bench_die("out of memory");
	}
	for (i = h->n++; i && ev_before(&e, &h->e[(i - 1) / 2]); i = (i - 1) / 2)
		h->e[i] = h->e[(i - 1) / 2];
	h->e[i] = e;
}

static struct event heap_pop(struct heap *h)
{
	struct event top = h->e[0], last = h->e[--h->n];
	int i = 0, c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && ev_before(&h->e[c + 1], &h->e[c]))
			c++;
		if (!ev_before(&h->e[c], &last))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	h->e[i] = last;
	return top;
}

/* ------------------------------------------------------------------ */
/* The replay                                                         */
/* ------------------------------------------------------------------ */

static struct mr_ledger led;
static struct heap heap;
static bool fast_armed;

static void push(double at, enum ev_kind kind, int vm, uint32_t epoch)
{
	if (at < END)
		heap_push(&heap, (struct event){ at, kind, vm, epoch });
}

static void account(struct vm *vm, uint64_t g, uint64_t t, uint64_t grant)
{
	led.guaranteed += g - vm->guarantee;
	led.assigned += t - vm->target;
	led.paging_used += grant - vm->grant;
	vm->guarantee = g;
	vm->target = t;
	vm->grant = grant;
}

/* Recount the ledger and check the invariants: after every event. */
static void check(struct result *r, double now)
{
	struct mr_ledger counted = { 0 }, kept = led;
	char why[256];
	int i;

	for (i = 0; i < nvms; i++) {
		const struct vm *vm = &vms[i];

		if (vm->state != VM_STARTING && vm->state != VM_RUNNING)
			continue;
		mr_ledger_add(&counted, vm->guarantee, vm->target, vm->grant);
		if (vm->state == VM_RUNNING && vm->grant)
			bench_die("paging after start-up at %.0f s", now);
	}
	kept.n = counted.n;
	if (mr_ledger_compare(&counted, &kept, CAPACITY, why, sizeof(why)))
		bench_die("ledger at %.0f s: %s", now, why);
	if (led.paging_used > TIER)
		bench_die("swap tier overdrawn at %.0f s", now);
	r->checks++;
}

/* Take @need back from the running VMs' targets. */
static void reclaim(enum policy pol, uint64_t need)
{
	struct memresv_share sh[MAX_VMS];
	int idx[MAX_VMS], i, n = 0;

	if (!need)
		return;
	for (i = 0; i < nvms; i++) {
		const struct vm *o = &vms[i];

		if (o->state != VM_STARTING && o->state != VM_RUNNING)
			continue;
		idx[n] = i;
		sh[n++] = (struct memresv_share){
			.guarantee = o->guarantee, .target = o->target,
			.weight = MEMRESV_WEIGHT_DEFAULT,
			.demand = o->state == VM_RUNNING ? o->ws : o->target,
		};
	}
	if (pol == POL_MINIMUM_BUF)
		memresv_policy_reclaim_buffer_first(sh, n, need);
	else
		memresv_policy_reclaim(sh, n, need);
	for (i = 0; i < n; i++)
		account(&vms[idx[i]], vms[idx[i]].guarantee, sh[i].target,
			vms[idx[i]].grant);
}

static void arm_fast(double now)
{
	if (!fast_armed) {
		fast_armed = true;
		push(now + PERIOD, EV_FAST, -1, 0);
	}
}

/* A start of @v through the policy core; false when it does not fit. */
static bool start(int v, enum policy pol, struct result *r, double now)
{
	struct vm *vm = &vms[v];
	struct memresv_host_figures fig = {
		.capacity = CAPACITY,
		.guaranteed = led.guaranteed,
		.assigned = led.assigned,
		.reclaimable = led.assigned - led.guaranteed,
		.paging_limit = TIER,
		.paging_used = led.paging_used,
	};
	struct memresv_request req = {
		.startup = vm->cls->startup,
		.minimum = vm->cls->minimum,
		.maximum = vm->cls->maximum,
		.paging_allowed = pol == POL_MINIMUM || pol == POL_MINIMUM_BUF,
	};
	struct memresv_admission adm;
	double boot;

	memresv_policy_admit(&fig, &req, &adm);
	if (adm.fit == MEMRESV_FIT_NONE)
		return false;
	if (pol == POL_SCVMM && adm.fit != MEMRESV_FIT_FREE)
		return false;
	reclaim(pol, adm.reclaim);
	vm->state = VM_STARTING;
	account(vm, adm.physical, adm.physical, adm.grant);
	boot = vm->cls->boot_min +
	       rng_unif(&vm->rng) * (vm->cls->boot_max - vm->cls->boot_min);
	push(now + boot, EV_READY, v, ++vm->epoch);
	if (adm.grant)
		r->paging_starts++;
	if (now >= WARMUP)
		r->starts++;
	arm_fast(now);
	return true;
}

/* The VM goes down and asks to start again at once. */
static void request(int v, enum policy pol, struct result *r, double now,
		    bool patch)
{
	struct vm *vm = &vms[v];

	if (vm->state == VM_WAITING) {
		/* Already waiting: a patch night's deadline still applies. */
		if (patch && !vm->patch) {
			vm->patch = true;
			vm->wait_since = now;
			if (now >= WARMUP)
				r->patch_restarts++;
		}
		return;
	}
	account(vm, 0, 0, 0);
	vm->epoch++;
	vm->state = VM_WAITING;
	vm->patch = patch;
	vm->wait_since = now;
	if (patch && now >= WARMUP)
		r->patch_restarts++;
	if (!start(v, pol, r, now))
		push(now + MINUTE, EV_RETRY, v, vm->epoch);
}

/* One balancer pass; true when a target moved. */
static bool balance(double elapsed)
{
	struct memresv_balance_entry e[MAX_VMS];
	struct memresv_balance_params p = { .hysteresis = 2 * MiB };
	uint64_t others = 0, step;
	int idx[MAX_VMS], i, n = 0;
	bool moved = false;

	step = (uint64_t)(SHRINK * (elapsed / PERIOD));
	p.shrink_step = step > 32 * MiB ? step : 32 * MiB;
	for (i = 0; i < nvms; i++) {
		struct vm *vm = &vms[i];

		if (vm->state == VM_STARTING)
			others += vm->target;
		if (vm->state != VM_RUNNING)
			continue;
		idx[n] = i;
		e[n++] = (struct memresv_balance_entry){
			.guarantee = vm->guarantee, .maximum = vm->cls->maximum,
			.demand = vm->ws,
			.buffer = MEMRESV_BUFFER_DEFAULT,
			.weight = MEMRESV_WEIGHT_DEFAULT, .target = vm->target,
		};
	}
	p.capacity = others < CAPACITY ? CAPACITY - others : 0;
	memresv_policy_balance(e, n, &p);
	for (i = 0; i < n; i++) {
		struct vm *vm = &vms[idx[i]];
		uint64_t t = e[i].target / 4096 * 4096;

		if (t != vm->target)
			moved = true;
		account(vm, vm->guarantee, t, vm->grant);
	}
	return moved;
}

/* Service accounting over [from, to) with the state as it is now. */
static void measure(struct result *r, double from, double to)
{
	uint64_t resident = 0;
	int i;

	if (from < WARMUP)
		from = WARMUP;
	if (to <= from)
		return;
	for (i = 0; i < nvms; i++) {
		const struct vm *vm = &vms[i];
		uint64_t ws;

		r->vm_s += to - from;
		switch (vm->state) {
		case VM_RUNNING:
			ws = vm->ws;
			resident += ws;
			if (vm->target < ws)
				r->starved_s += to - from;
			break;
		case VM_STARTING:
			resident += vm->target;	/* the rest is in swap */
			break;
		case VM_WAITING:
			if (!vm->patch)
				r->starved_s += to - from;
			break;
		default:
			break;
		}
	}
	if (resident > RAM)
		r->oom++;
}

static void replay(enum policy pol, uint64_t seed, int n, struct result *r)
{
	double last = 0, last_pass = 0, t;
	int i, k;

	memset(r, 0, sizeof(*r));
	memset(&led, 0, sizeof(led));
	heap.n = 0;
	fast_armed = false;
	nvms = n;
	for (i = 0; i < n; i++) {
		struct vm *vm = &vms[i];

		vm_make(vm, seed, i);
		vm->ws = vm_ws(vm, 0);
		push(WARMUP / 2 * i / n, EV_ARRIVE, i, 0);
		for (t = rng_exp(&vm->rng, 7 * DAY); t < END;
		     t += rng_exp(&vm->rng, 7 * DAY))
			push(t, EV_REBOOT, i, 0);
		for (k = 1; k <= 2; k++)
			push(WARMUP + (7 * k - 1) * DAY + 2 * HOUR +
			     rng_unif(&vm->rng) * HOUR, EV_PATCH, i, 0);
	}
	for (t = STEP; t < END; t += STEP)
		push(t, EV_PASS, -1, 0);

	while (heap.n) {
		struct event e = heap_pop(&heap);
		struct vm *vm = e.vm >= 0 ? &vms[e.vm] : NULL;

		measure(r, last, e.at);
		last = e.at;
		switch (e.kind) {
		case EV_ARRIVE:
			vm->state = VM_WAITING;
			vm->wait_since = e.at;
			if (!start(e.vm, pol, r, e.at))
				push(e.at + MINUTE, EV_RETRY, e.vm, vm->epoch);
			break;
		case EV_REBOOT:
		case EV_PATCH:
			if (vm->state == VM_OUT)
				break;
			request(e.vm, pol, r, e.at, e.kind == EV_PATCH);
			break;
		case EV_RETRY:
			if (vm->state != VM_WAITING || e.epoch != vm->epoch)
				break;
			if (start(e.vm, pol, r, e.at)) {
				if (vm->patch && e.at >= WARMUP &&
				    e.at - vm->wait_since > r->patch_wait_max)
					r->patch_wait_max = e.at - vm->wait_since;
				if (vm->patch && e.at >= WARMUP &&
				    e.at - vm->wait_since > SLO_PATCH_WAIT)
					r->patch_lost++;
			} else {
				push(e.at + MINUTE, EV_RETRY, e.vm, vm->epoch);
			}
			break;
		case EV_READY:
			if (vm->state != VM_STARTING || e.epoch != vm->epoch)
				break;
			vm->state = VM_RUNNING;
			vm->patch = false;
			account(vm, vm->cls->minimum,
				vm->target > vm->cls->minimum ?
				vm->target : vm->cls->minimum, 0);
			arm_fast(e.at);
			break;
		case EV_PASS:
			vm_ws_update(vms, nvms, e.at);
			balance(e.at - last_pass);
			last_pass = e.at;
			break;
		case EV_FAST:
			fast_armed = false;
			if (balance(e.at - last_pass))
				arm_fast(e.at);
			last_pass = e.at;
			break;
		}
		check(r, e.at);
	}
	measure(r, last, END);
	r->admitted_all = true;
	for (i = 0; i < n; i++) {
		/* Still waiting for a patch night's start at the end: lost. */
		if (vms[i].state == VM_WAITING && vms[i].patch &&
		    END - vms[i].wait_since > SLO_PATCH_WAIT)
			r->patch_lost++;
		if (vms[i].state == VM_WAITING && !vms[i].patch &&
		    vms[i].wait_since < WARMUP)
			r->admitted_all = false;
	}
}

static bool slo_met(const struct result *r)
{
	return r->admitted_all && !r->oom && !r->patch_lost &&
	       r->starved_s <= SLO_STARVED * r->vm_s;
}

/*
 * Does @pol meet the service level with @n VMs on every seed?  Stops at
 * the first seed that does not, unless @all; @sum adds up the seeds run.
 */
static bool sustains(enum policy pol, int n, struct result *sum, bool all)
{
	struct result r;
	bool ok = true;
	int s;

	memset(sum, 0, sizeof(*sum));
	for (s = 0; s < SEEDS; s++) {
		replay(pol, SEED + s, n, &r);
		sum->starts += r.starts;
		sum->paging_starts += r.paging_starts;
		sum->oom += r.oom;
		sum->patch_restarts += r.patch_restarts;
		sum->patch_lost += r.patch_lost;
		sum->vm_s += r.vm_s;
		sum->starved_s += r.starved_s;
		sum->checks += r.checks;
		if (r.patch_wait_max > sum->patch_wait_max)
			sum->patch_wait_max = r.patch_wait_max;
		if (!slo_met(&r)) {
			ok = false;
			if (!all)
				break;
		}
	}
	return ok;
}

/* The largest count that meets the service level, by bisection. */
static int bisect(enum policy pol)
{
	struct result sum;
	int lo = 1, hi = MAX_VMS, mid;

	if (!sustains(pol, lo, &sum, false))
		return 0;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (sustains(pol, mid, &sum, false))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void print_row(enum policy pol, int n)
{
	struct result sum;
	bool ok = sustains(pol, n, &sum, true);

	printf("  %-11s %4d  %-4s %7.3f %% %5ld %7ld %4ld/%-4ld %8.0f %7ld\n",
	       policy_names[pol], n, ok ? "met" : "not",
	       sum.vm_s ? 100 * sum.starved_s / sum.vm_s : 0, sum.oom,
	       sum.starts, sum.patch_lost, sum.patch_restarts,
	       sum.patch_wait_max, sum.paging_starts);
}

int main(int argc, char **argv)
{
	int best[NPOL], top = POL_STARTUP, p;
	struct result at_best, at_scvmm;
	char key[64];

	bench_open_results();
	bench_result("x_host_policy_10000_ms", bench_policy_ms(10000, 5));
	printf("density: VMs a 256 GiB host sustains at the service level (%d seeds, bisection)\n",
	       SEEDS);
	for (p = 0; p < NPOL; p++) {
		best[p] = bisect(p);
		snprintf(key, sizeof(key), "x_vms_at_slo_%s", policy_names[p]);
		for (char *c = key; *c; c++)
			if (*c == '-')
				*c = '_';
		bench_result(key, best[p]);
		if (p != POL_SCVMM && best[p] > best[top])
			top = p;
	}
	printf("  %-11s %4s  %-4s %9s %5s %7s %9s %8s %7s\n", "policy", "VMs",
	       "SLO", "starved", "OOM", "starts", "lost/pn", "pn wait", "paging");
	for (p = 0; p < NPOL; p++) {
		print_row(p, best[p]);
		print_row(p, best[p] + 1);
	}
	printf("  scvmm at memresv's count:\n");
	print_row(POL_SCVMM, best[top]);
	sustains(top, best[top], &at_best, true);
	sustains(POL_SCVMM, best[top], &at_scvmm, true);
	printf("  best memresv policy: %s, %d VMs against %d (%.3f); at %d VMs patch-night restarts lost: %ld (memresv), %ld (scvmm)\n",
	       policy_names[top], best[top], best[POL_SCVMM],
	       (double)best[top] / best[POL_SCVMM], best[top],
	       at_best.patch_lost, at_scvmm.patch_lost);
	bench_result("vms_at_slo_ratio", (double)best[top] / best[POL_SCVMM]);
	bench_result("patch_night_lost", at_best.patch_lost);
	bench_result("patch_night_lost_scvmm", at_scvmm.patch_lost);
	bench_result("x_vms_at_slo_best", best[top]);
	bench_result("x_density_scvmm_starved_pct_at_best",
		     at_scvmm.vm_s ? 100 * at_scvmm.starved_s / at_scvmm.vm_s : 0);
	bench_result("x_density_invariant_checks", at_best.checks);
	(void)argc;
	(void)argv;
	return 0;
}
