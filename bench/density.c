// SPDX-License-Identifier: GPL-2.0
/*
 * density: a host-side replay of a synthetic trace of VM starts, restarts
 * and stops through memresv's policy core (kernel/policy.c), under two
 * admission policies on the same trace and host:
 *
 *   minimum  memresv's default: a start that cannot get its startup
 *            physically may take its minimum (and what else is free) from
 *            RAM and the rest from the swap tier (paging allowed);
 *   startup  SCVMM's: startup must fit physically, in free memory or by
 *            shrinking others' targets (fit "free" or "reclaim", no
 *            paging).
 *
 * The trace (fixed seed, so every run replays the same one):
 *
 *   host      capacity 256 GiB, swap tier 32 GiB;
 *   VMs       arrive as a Poisson process over 28 days; each is one of
 *               desktop  60%  startup  2 GiB, minimum 512 MiB, maximum  4 GiB
 *               server   30%  startup  4 GiB, minimum   1 GiB, maximum 16 GiB
 *               database 10%  startup 16 GiB, minimum   4 GiB, maximum 64 GiB
 *             and lives an exponential time of mean 7 days; the arrival
 *             rate offers LOAD (default 1.25) times the capacity in
 *             minimums (LOAD x 256 VMs of 1 GiB mean minimum);
 *   starts    each start-up phase (boot until "ready") lasts uniformly
 *             60-180 s (desktop), 120-300 s (server), 180-600 s (database);
 *   demand    once running, a VM's demand is drawn uniformly between its
 *             minimum and 1.25 x startup (at most maximum) at each start;
 *   restarts  each VM restarts as a Poisson process of mean 7 days, and on
 *             each weekly patch night (days 7, 14, 21 and 28, 02:00) every
 *             running VM restarts at a uniformly random time within two
 *             hours.
 *
 * A start is an arrival or a restart.  An arrival that is refused never
 * runs; a restart that is refused leaves the VM down (it stops).  Every
 * event runs the admission (memresv_policy_admit()) or the bookkeeping the
 * module does (start-up ends: guarantee drops to minimum; reclaim by
 * memresv_policy_reclaim()); the balancer (memresv_policy_balance()) runs
 * every simulated minute on the running VMs.  After every event the
 * ledger is recounted and guaranteed <= capacity and paging_used <= the
 * tier are checked; a violation fails the run.
 *
 * Printed: starts admitted under each policy and their ratio (the
 * density_ratio), VMs lost at restarts, VM-hours, and the paging time.
 * With --sweep, the same for other loads.
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
#define DAY		86400.0
#define DAYS		28
#define CAPACITY	(256 * GiB)
#define TIER		(32 * GiB)
#define SEED		20240611ULL

enum ev_kind { EV_ARRIVE, EV_RESTART, EV_READY, EV_STOP, EV_BALANCE };

enum vm_state { VM_NEW, VM_STARTING, VM_RUNNING, VM_DOWN };

/*
 * The two policies, and two what-ifs that are not memresv's rules, to
 * show where the ratio comes from: "free only" admits a start only in
 * unassigned memory (no reclaim from other VMs' targets); "paging at
 * minimum" is the minimum policy with a paging start taking only its
 * minimum physically, instead of all that is left (F + R).
 */
enum policy { POL_MINIMUM, POL_STARTUP, POL_FREE_ONLY, POL_PAGING_AT_MIN };

static const char *const policy_names[] = {
	"minimum", "startup", "free-only", "pg-at-min",
};

struct vm_class {
	const char *name;
	unsigned int share;	/* percent */
	uint64_t startup, minimum, maximum;
	double boot_min, boot_max;
};

static const struct vm_class classes[] = {
	{ "desktop", 60, 2 * GiB, 512 * MiB, 4 * GiB, 60, 180 },
	{ "server", 30, 4 * GiB, 1 * GiB, 16 * GiB, 120, 300 },
	{ "database", 10, 16 * GiB, 4 * GiB, 64 * GiB, 180, 600 },
};

/* A VM of the trace; the replay state is reset for each policy. */
struct vm {
	const struct vm_class *cls;
	double arrive, stop;
	/* replay */
	enum vm_state state;
	uint64_t guarantee, target, grant, demand;
	double phase_start, up_since;
	uint32_t starts;	/* starts so far: indexes boot[] and demand[] */
};

struct event {
	double at;
	enum ev_kind kind;
	int vm;
	uint32_t start;		/* EV_READY: which start it ends */
};

/* The trace: VMs and their events (EV_READY is added by the replay). */
static struct vm *vms;
static int nvms;
static struct event *trace;
static int ntrace;

/* Per VM, per start: boot time and running demand, drawn up front. */
#define MAX_STARTS	64
static double (*boot)[MAX_STARTS];
static double (*demandf)[MAX_STARTS];

/* ------------------------------------------------------------------ */
/* Random numbers: splitmix64, so the trace is the same everywhere.   */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unif(void)
{
	return (rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_exp(double mean)
{
	return -mean * log(1.0 - rng_unif());
}

/* ------------------------------------------------------------------ */
/* The trace                                                          */
/* ------------------------------------------------------------------ */

static void trace_add(double at, enum ev_kind kind, int vm)
{
	static int cap;

	if (ntrace == cap) {
		cap = cap ? 2 * cap : 4096;
		trace = realloc(trace, cap * sizeof(*trace));
		if (!trace)
			bench_die("out of memory");
	}
	trace[ntrace++] = (struct event){ .at = at, .kind = kind, .vm = vm };
}

static void trace_make(double load)
{
	const double end = DAYS * DAY, life = 7 * DAY;
	double mean_min = 0, rate, t;
	size_t i;
	int v, k, s;

	rng_state = SEED;
	for (i = 0; i < ARRAY_SIZE(classes); i++)
		mean_min += classes[i].share / 100.0 * classes[i].minimum;
	/* Little's law: offered VMs = rate x life = load x capacity / mean. */
	rate = load * CAPACITY / mean_min / life;

	nvms = 0;
	ntrace = 0;
	free(vms);
	vms = NULL;
	for (t = rng_exp(1 / rate); t < end; t += rng_exp(1 / rate))
		nvms++;
	vms = calloc(nvms, sizeof(*vms));
	boot = realloc(boot, nvms * sizeof(*boot));
	demandf = realloc(demandf, nvms * sizeof(*demandf));
	if (!vms || !boot || !demandf)
		bench_die("out of memory");

	rng_state = SEED;
	t = 0;
	for (v = 0; v < nvms; v++) {
		unsigned int pick = rng_next() % 100, acc = 0;
		struct vm *vm = &vms[v];

		t += rng_exp(1 / rate);
		for (i = 0; i < ARRAY_SIZE(classes); i++) {
			acc += classes[i].share;
			if (pick < acc)
				break;
		}
		vm->cls = &classes[i];
		vm->arrive = t;
		vm->stop = t + rng_exp(life);
		for (s = 0; s < MAX_STARTS; s++) {
			boot[v][s] = vm->cls->boot_min + rng_unif() *
				     (vm->cls->boot_max - vm->cls->boot_min);
			demandf[v][s] = rng_unif();
		}
		trace_add(vm->arrive, EV_ARRIVE, v);
		if (vm->stop < end)
			trace_add(vm->stop, EV_STOP, v);
		for (t = vm->arrive + rng_exp(life); t < vm->stop && t < end;
		     t += rng_exp(life))
			trace_add(t, EV_RESTART, v);
		t = vm->arrive;
		/* Patch nights: every VM up then restarts within two hours. */
		for (k = 1; k * 7 <= DAYS; k++) {
			double at = k * 7 * DAY - DAY + 2 * 3600 +
				    rng_unif() * 2 * 3600;

			if (at > vm->arrive && at < vm->stop && at < end)
				trace_add(at, EV_RESTART, v);
		}
	}
	for (t = 60; t < end; t += 60)
		trace_add(t, EV_BALANCE, -1);
}

/* ------------------------------------------------------------------ */
/* The replay                                                         */
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

struct result {
	long arrivals, arrivals_ok, restarts, restarts_ok, lost;
	long paging_starts, checks;
	double vm_hours, paging_s, paging_max_s;
	uint64_t tier_peak;
};

/* The replay's ledger; its count is that of active[]. */
static struct mr_ledger led;
static int *active;		/* VMs in the ledger */
static int nactive;

static void account(struct vm *vm, uint64_t g, uint64_t t, uint64_t grant)
{
	led.guaranteed += g - vm->guarantee;
	led.assigned += t - vm->target;
	led.paging_used += grant - vm->grant;
	vm->guarantee = g;
	vm->target = t;
	vm->grant = grant;
}

/* Recount the ledger and check the invariant: after every event. */
static void check(struct result *r, double now)
{
	struct mr_ledger counted = { 0 };
	char why[256];
	int i;

	for (i = 0; i < nactive; i++)
		mr_ledger_add(&counted, vms[active[i]].guarantee,
			      vms[active[i]].target, vms[active[i]].grant);
	led.n = (uint64_t)nactive;
	if (mr_ledger_compare(&counted, &led, CAPACITY, why, sizeof(why)))
		bench_die("ledger at %.0f s: %s", now, why);
	if (led.paging_used > TIER)
		bench_die("swap tier overdrawn at %.0f s", now);
	r->checks++;
}

static void leave(struct vm *vm, int v, struct result *r, double now)
{
	int i;

	if (vm->state == VM_STARTING && vm->grant) {
		r->paging_s += now - vm->phase_start;
		if (now - vm->phase_start > r->paging_max_s)
			r->paging_max_s = now - vm->phase_start;
	}
	if (vm->state == VM_STARTING || vm->state == VM_RUNNING)
		r->vm_hours += (now - vm->up_since) / 3600;
	account(vm, 0, 0, 0);
	for (i = 0; i < nactive; i++) {
		if (active[i] == v) {
			active[i] = active[--nactive];
			break;
		}
	}
}

/* Take @need back from the others' targets, as the module does. */
static void reclaim(uint64_t need, int skip)
{
	struct memresv_share *sh;
	int i, n = 0;

	if (!need)
		return;
	sh = calloc(nactive, sizeof(*sh));
	if (!sh)
		bench_die("out of memory");
	for (i = 0; i < nactive; i++) {
		struct vm *o = &vms[active[i]];

		if (active[i] == skip)
			continue;
		sh[n++] = (struct memresv_share){
			.guarantee = o->guarantee, .target = o->target,
			.weight = MEMRESV_WEIGHT_DEFAULT,
		};
	}
	memresv_policy_reclaim(sh, n, need);
	for (i = 0, n = 0; i < nactive; i++) {
		struct vm *o = &vms[active[i]];

		if (active[i] == skip)
			continue;
		account(o, o->guarantee, sh[n++].target, o->grant);
	}
	free(sh);
}

/* A start (arrival or restart) of @v through the policy core. */
static bool start(int v, enum policy pol, struct result *r, struct heap *h,
		  double now)
{
	struct vm *vm = &vms[v];
	struct memresv_host_figures fig = {
		.capacity = CAPACITY,
		/* A restart is decided as if the VM had been removed first. */
		.guaranteed = led.guaranteed - vm->guarantee,
		.assigned = led.assigned - vm->target,
		.paging_limit = TIER,
		.paging_used = led.paging_used - vm->grant,
	};
	struct memresv_request req = {
		.startup = vm->cls->startup,
		.minimum = vm->cls->minimum,
		.maximum = vm->cls->maximum,
		.paging_allowed = pol == POL_MINIMUM || pol == POL_PAGING_AT_MIN,
	};
	struct memresv_admission adm;
	uint32_t s;

	fig.reclaimable = fig.assigned - fig.guaranteed;
	memresv_policy_admit(&fig, &req, &adm);
	if (adm.fit == MEMRESV_FIT_NONE)
		return false;
	if (!req.paging_allowed && adm.fit == MEMRESV_FIT_PAGING)
		bench_die("paging fit without paging");
	if (pol == POL_FREE_ONLY && adm.fit != MEMRESV_FIT_FREE)
		return false;
	if (pol == POL_PAGING_AT_MIN && adm.fit == MEMRESV_FIT_PAGING) {
		uint64_t unassigned = CAPACITY - fig.assigned;

		adm.physical = req.minimum;
		adm.grant = req.startup - req.minimum;
		adm.reclaim = req.minimum > unassigned ?
			      req.minimum - unassigned : 0;
		if (fig.paging_used + adm.grant > TIER)
			return false;
	}
	if (vm->state == VM_STARTING && vm->grant) {
		r->paging_s += now - vm->phase_start;
		if (now - vm->phase_start > r->paging_max_s)
			r->paging_max_s = now - vm->phase_start;
	}
	reclaim(adm.reclaim, v);
	account(vm, adm.physical, adm.physical, adm.grant);
	if (vm->state == VM_NEW) {
		active[nactive++] = v;
		vm->up_since = now;
	}
	vm->state = VM_STARTING;
	vm->phase_start = now;
	s = vm->starts++ % MAX_STARTS;
	vm->demand = vm->cls->minimum +
		     (uint64_t)(demandf[v][s] *
				(vm->cls->startup * 5 / 4 - vm->cls->minimum));
	if (vm->demand > vm->cls->maximum)
		vm->demand = vm->cls->maximum;
	if (adm.grant) {
		r->paging_starts++;
		if (led.paging_used > r->tier_peak)
			r->tier_peak = led.paging_used;
	}
	/* The start-up phase; paging ends with it (boot < paging_max). */
	heap_push(h, (struct event){ .at = now + boot[v][s], .kind = EV_READY,
				     .vm = v, .start = vm->starts });
	return true;
}

static void balance(void)
{
	struct memresv_balance_entry *e = calloc(nactive, sizeof(*e));
	struct memresv_balance_params p = {
		.shrink_step = CAPACITY / 64 > 32 * MiB ? CAPACITY / 64 : 32 * MiB,
		.hysteresis = 2 * MiB,
	};
	uint64_t others = 0;
	int i, n = 0;

	if (!e)
		bench_die("out of memory");
	for (i = 0; i < nactive; i++) {
		struct vm *vm = &vms[active[i]];

		if (vm->state != VM_RUNNING) {
			others += vm->target;
			continue;
		}
		e[n++] = (struct memresv_balance_entry){
			.guarantee = vm->guarantee, .maximum = vm->cls->maximum,
			.demand = vm->demand, .buffer = MEMRESV_BUFFER_DEFAULT,
			.weight = MEMRESV_WEIGHT_DEFAULT, .target = vm->target,
		};
	}
	p.capacity = others < CAPACITY ? CAPACITY - others : 0;
	memresv_policy_balance(e, n, &p);
	for (i = 0, n = 0; i < nactive; i++) {
		struct vm *vm = &vms[active[i]];

		if (vm->state == VM_RUNNING) {
			account(vm, vm->guarantee, e[n].target / 4096 * 4096,
				vm->grant);
			n++;
		}
	}
	free(e);
}

static void replay(enum policy pol, struct result *r)
{
	struct heap h = {};
	int i;

	memset(r, 0, sizeof(*r));
	memset(&led, 0, sizeof(led));
	nactive = 0;
	active = realloc(active, nvms * sizeof(*active));
	if (!active)
		bench_die("out of memory");
	for (i = 0; i < nvms; i++) {
		vms[i].state = VM_NEW;
		vms[i].guarantee = vms[i].target = vms[i].grant = 0;
		vms[i].starts = 0;
	}
	for (i = 0; i < ntrace; i++)
		heap_push(&h, trace[i]);

	while (h.n) {
		struct event e = heap_pop(&h);
		struct vm *vm = e.vm >= 0 ? &vms[e.vm] : NULL;

		switch (e.kind) {
		case EV_ARRIVE:
			r->arrivals++;
			if (start(e.vm, pol, r, &h, e.at))
				r->arrivals_ok++;
			else
				vm->state = VM_DOWN;
			break;
		case EV_RESTART:
			if (vm->state != VM_RUNNING)
				break;
			r->restarts++;
			if (start(e.vm, pol, r, &h, e.at)) {
				r->restarts_ok++;
			} else {
				r->lost++;
				leave(vm, e.vm, r, e.at);
				vm->state = VM_DOWN;
			}
			break;
		case EV_READY:
			if (vm->state != VM_STARTING || e.start != vm->starts)
				break;
			if (vm->grant) {
				r->paging_s += e.at - vm->phase_start;
				if (e.at - vm->phase_start > r->paging_max_s)
					r->paging_max_s = e.at - vm->phase_start;
			}
			vm->state = VM_RUNNING;
			account(vm, vm->cls->minimum,
				vm->target > vm->cls->minimum ?
				vm->target : vm->cls->minimum, 0);
			break;
		case EV_STOP:
			if (vm->state == VM_STARTING || vm->state == VM_RUNNING) {
				leave(vm, e.vm, r, e.at);
				vm->state = VM_DOWN;
			}
			break;
		case EV_BALANCE:
			balance();
			break;
		}
		check(r, e.at);
	}
	for (i = 0; i < nvms; i++)
		if (vms[i].state == VM_STARTING || vms[i].state == VM_RUNNING)
			leave(&vms[i], i, r, DAYS * DAY);
	free(h.e);
}

static long starts(const struct result *r)
{
	return r->arrivals_ok + r->restarts_ok;
}

static void run(double load, struct result *res)
{
	int p;

	trace_make(load);
	for (p = 0; p <= POL_PAGING_AT_MIN; p++)
		replay(p, &res[p]);
}

static void print(double load, const struct result *res)
{
	int p;

	printf("density: %d VMs offered over %d days (load %.2f), %d events\n",
	       nvms, DAYS, load, ntrace);
	printf("  %-9s %8s %8s %8s %8s %5s %9s %7s %9s %7s\n", "policy",
	       "arrivals", "admitted", "restarts", "admitted", "lost",
	       "VM-hours", "paging", "paging s", "longest");
	for (p = 0; p <= POL_PAGING_AT_MIN; p++)
		printf("  %-9s %8ld %8ld %8ld %8ld %5ld %9.0f %7ld %9.0f %7.0f\n",
		       policy_names[p], res[p].arrivals, res[p].arrivals_ok,
		       res[p].restarts, res[p].restarts_ok, res[p].lost,
		       res[p].vm_hours, res[p].paging_starts, res[p].paging_s,
		       res[p].paging_max_s);
	printf("  starts admitted, minimum / startup: %.3f (VM-hours %.3f); invariant checked after each of %ld events\n",
	       (double)starts(&res[POL_MINIMUM]) / starts(&res[POL_STARTUP]),
	       res[POL_MINIMUM].vm_hours / res[POL_STARTUP].vm_hours,
	       res[POL_MINIMUM].checks);
	printf("  what-ifs: minimum / free-only %.3f, paging-at-minimum / startup %.3f\n",
	       (double)starts(&res[POL_MINIMUM]) / starts(&res[POL_FREE_ONLY]),
	       (double)starts(&res[POL_PAGING_AT_MIN]) /
	       starts(&res[POL_STARTUP]));
}

int main(int argc, char **argv)
{
	static const double loads[] = { 0.75, 1.0, 1.25, 1.5, 2.0 };
	const char *env = getenv("LOAD");
	double load = env ? atof(env) : 1.25;
	struct result res[POL_PAGING_AT_MIN + 1];
	const struct result *m = &res[POL_MINIMUM], *st = &res[POL_STARTUP];
	int i;

	bench_open_results();
	bench_result("x_host_policy_10000_ms", bench_policy_ms(10000, 5));
	run(load, res);
	print(load, res);
	bench_result("density_ratio", (double)starts(m) / starts(st));
	bench_result("x_density_vm_hours_ratio", m->vm_hours / st->vm_hours);
	bench_result("x_density_free_only_ratio",
		     (double)starts(m) / starts(&res[POL_FREE_ONLY]));
	bench_result("x_density_paging_at_min_ratio",
		     (double)starts(&res[POL_PAGING_AT_MIN]) / starts(st));
	bench_result("x_density_paging_starts", m->paging_starts);
	bench_result("x_density_paging_s", m->paging_s);
	bench_result("x_density_paging_mean_s",
		     m->paging_starts ? m->paging_s / m->paging_starts : 0);
	bench_result("x_density_paging_longest_s", m->paging_max_s);
	bench_result("x_density_lost_minimum", m->lost);
	bench_result("x_density_lost_startup", st->lost);
	bench_result("x_density_tier_peak_gib", m->tier_peak / (double)GiB);

	if (argc < 2 || strcmp(argv[1], "--sweep"))
		return 0;
	printf("  load  minimum/startup  VM-hours  free-only  pg-at-min  lost min/startup  paging starts\n");
	for (i = 0; i < (int)ARRAY_SIZE(loads); i++) {
		run(loads[i], res);
		printf("  %4.2f  %15.3f  %8.3f  %9.3f  %9.3f  %7ld / %-7ld  %13ld\n",
		       loads[i], (double)starts(m) / starts(st),
		       m->vm_hours / st->vm_hours,
		       (double)starts(m) / starts(&res[POL_FREE_ONLY]),
		       (double)starts(&res[POL_PAGING_AT_MIN]) / starts(st),
		       m->lost, st->lost, m->paging_starts);
	}
	return 0;
}
