// SPDX-License-Identifier: GPL-2.0
/*
 * Smart paging with real workloads and the real swap device: a start that
 * does not fit in physical memory is admitted with part of its startup in
 * the swap tier, its workload runs without an OOM kill, and the tier is
 * given back on ready, at startup_window or at paging_max.
 *
 * The host's capacity is narrowed with its reserve, so that starts of a few
 * tens of MiB do not fit while the VM itself has plenty; the reserve, the
 * tier, paging_max and the period (250 ms here) are restored afterwards.
 * Waits are bounded in periods, with slack for emulation and the debug
 * kernel.  Without a swap device every test skips.
 */
#include <poll.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mrtest.h"

#define PERIOD_MS	250

static int cg_seq;

/* Is a swap device on?  /proc/swaps has a header line, then one per device. */
static bool swap_on(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

/*
 * Make the host's capacity what the others had guaranteed when the test
 * began (@h0) plus @room: a start then has at most @room physically.
 */
static int narrow(struct mrnl *s, const struct mr_attrs *h0, uint64_t room)
{
	return mr_host_set(s, MEMRESV_A_HOST_RESERVE,
			   h0->val[MEMRESV_A_HOST_TOTAL] -
			   h0->val[MEMRESV_A_HOST_GUARANTEED] - room, NULL);
}

#define PAGING_DEFAULT	-1	/* leave MEMRESV_A_PAGING out */
#define WINDOW_DEFAULT	0	/* leave MEMRESV_A_STARTUP_WINDOW out */

/* RESV_NEW; @window in seconds. */
static int add(struct mrnl *s, const char *cg, uint64_t startup,
	       uint64_t minimum, uint64_t maximum, int paging, bool force,
	       uint32_t window, struct mr_result *res)
{
	struct nl_msg *msg = mr_new_msg(s, cg, startup, minimum, maximum);

	if (paging != PAGING_DEFAULT)
		nla_put_u8(msg, MEMRESV_A_PAGING, paging);
	if (force)
		nla_put_flag(msg, MEMRESV_A_FORCE);
	if (window != WINDOW_DEFAULT)
		nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, window);
	return mr_do(s, msg, res);
}

/* A pass of workload @i of @env in @cg, with what went wrong if it did. */
#define ASSERT_PASS(env, i, cg, ms) do {				\
	int __rc = mr_hog_wait(&(env)->hog[i], (ms));			\
									\
	ASSERT_EQ(1, __rc)						\
		TH_LOG("the workload %s (oom_kill %llu, swap max %llu, swap %llu MiB)", \
		       __rc ? "died" : "did not finish in time",	\
		       (unsigned long long)cg_key(cg, "memory.events", "oom_kill"), \
		       (unsigned long long)cg_key(cg, "memory.swap.events", "max"), \
		       (unsigned long long)(cg_u64(cg, "memory.swap.current") >> 20)); \
} while (0)

#define NGROUPS	3

/* What every test here finds: groups, sockets, and the host as it was. */
struct paging_env {
	struct mrnl *s, *mon;
	struct mr_attrs host;		/* as the test found it */
	char cg[NGROUPS][64];
	struct mr_hog hog[NGROUPS];
	char verify;		/* verify_ledger as it was */
	bool noswap;
};

/* SKIP() in the set-up does not stop the test body: each test asks too. */
#define NEED_SWAP() do {						\
	if (self->e.noswap)						\
		return;							\
} while (0)

static void env_setup(struct __test_metadata *_metadata,
		      struct paging_env *self)
{
	int i;

	for (i = 0; i < NGROUPS; i++)
		self->hog[i] = (struct mr_hog)MR_HOG_INIT;
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	if (!swap_on()) {
		self->noswap = true;
		SKIP(return, "no swap device (/proc/swaps lists none): the swap tier needs one");
	}
	/* Recount the ledger after every change: a drift WARNs. */
	self->verify = mr_ledger_verify('1');
	ASSERT_EQ(0, mr_host(self->s, &self->host));
	self->mon = mr_open();
	ASSERT_NE(NULL, self->mon);
	ASSERT_EQ(0, mr_subscribe(self->mon));
	for (i = 0; i < NGROUPS; i++) {
		snprintf(self->cg[i], sizeof(self->cg[i]), "mrpage-%d-%d-%c",
			 getpid(), cg_seq, 'a' + i);
		ASSERT_EQ(0, cg_create(self->cg[i]));
	}
	cg_seq++;
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, PERIOD_MS,
				 NULL));
}

static void env_teardown(struct __test_metadata *_metadata,
			 struct paging_env *self)
{
	struct mr_result res;
	struct nl_msg *msg;
	int i;

	for (i = 0; i < NGROUPS && !self->noswap; i++) {
		mr_hog_stop(&self->hog[i]);
		mr_del(self->s, self->cg[i]);
		cg_destroy(self->cg[i]);
	}
	if (!self->noswap) {
		msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
		nla_put_u64(msg, MEMRESV_A_HOST_RESERVE,
			    self->host.val[MEMRESV_A_HOST_RESERVE]);
		nla_put_u64(msg, MEMRESV_A_HOST_PAGING_LIMIT,
			    self->host.val[MEMRESV_A_HOST_PAGING_LIMIT]);
		nla_put_u32(msg, MEMRESV_A_HOST_PAGING_MAX,
			    self->host.val[MEMRESV_A_HOST_PAGING_MAX]);
		nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS,
			    self->host.val[MEMRESV_A_HOST_PERIOD_MS]);
		/* No EXPECT here: a failed ASSERT leaves the harness armed. */
		if (mr_do(self->s, msg, &res))
			TH_LOG("host settings not restored: %s", res.extack);
	}
	if (self->verify)
		mr_ledger_verify(self->verify);
	mr_close(self->mon);
	mr_close(self->s);
}

/* A fixture whose tests find a struct paging_env set up, as self->e. */
#define PAGING_FIXTURE(name)						\
	FIXTURE(name) {							\
		struct paging_env e;					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		env_setup(_metadata, &self->e);				\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		env_teardown(_metadata, &self->e);			\
	}

PAGING_FIXTURE(paging)

/*
 * A start of @st in the first group with only @g of the host free (paging
 * "always"), and a workload in it that touches @touch once: the start of
 * the tests of a workload that runs partly from swap.
 */
static void start_paging(struct __test_metadata *_metadata,
			 struct paging_env *e, uint64_t st, uint64_t min,
			 uint64_t g, uint64_t touch, struct mr_attrs *r)
{
	const char *a = e->cg[0];
	struct mr_result res;

	ASSERT_EQ(0, narrow(e->s, &e->host, g));
	ASSERT_EQ(0, add(e->s, a, st, min, 256 * MiB, MEMRESV_PAGING_ALWAYS,
			 false, WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	*r = res.last;
	ASSERT_EQ(MEMRESV_STATE_PAGING, r->val[MEMRESV_A_STATE]);
	ASSERT_EQ(0, mr_hog_start(&e->hog[0], a, MR_HOG_PASSES, touch, 0));
	ASSERT_PASS(e, 0, a, 240000);
}

/* A reservation admitted with paging: @g in RAM, @grant from the tier. */
static void expect_paging(struct __test_metadata *_metadata,
			  const struct mr_attrs *r, const char *cg, uint64_t g,
			  uint64_t grant)
{
	EXPECT_EQ(MEMRESV_STATE_PAGING, r->val[MEMRESV_A_STATE]);
	EXPECT_EQ(g, r->val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(grant, r->val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(g, cg_u64(cg, "memory.max"));
	/* swap_max 0; room for all of startup (see resv.c) */
	EXPECT_EQ(g + grant, cg_u64(cg, "memory.swap.max"));
}

/*
 * A restart whose startup exceeds what the host can give physically is
 * admitted with paging: g = F + R in RAM, startup - g from the tier.  A new
 * reservation gets the tier only with FORCE (or paging "always"), and
 * paging "never" refuses it whatever the request says.
 */
TEST_F_TIMEOUT(paging, restart_pages_when_startup_does_not_fit, 120)
{
	const uint64_t st = 128 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB, grant = st - g;
	const char *a = self->e.cg[0], *b = self->e.cg[1];
	struct mr_attrs h0, h, r, ev;
	struct mr_result res;
	struct nl_msg *msg;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, st));
	ASSERT_EQ(0, add(self->e.s, a, st, min, max, PAGING_DEFAULT, false,
			 WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, res.last.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, a, &res));

	/* Now only g is left for it: another start took the rest. */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, g));
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_RESTART, a, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	expect_paging(_metadata, &r, a, g, grant);
	EXPECT_EQ(MEMRESV_STATUS_WARNING, r.val[MEMRESV_A_STATUS]);
	EXPECT_EQ(g, r.val[MEMRESV_A_TARGET]);
	EXPECT_TRUE(r.has[MEMRESV_A_PHASE_LEFT_MS]);
	EXPECT_EQ(g, cg_u64(a, "memory.min"));
	EXPECT_EQ(g, cg_u64(a, "memory.high"));
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED] + grant,
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_LE(h.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_CAPACITY]);
	ASSERT_EQ(0, mr_wait_event(self->e.mon, a, MEMRESV_EVENT_PAGING_START, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_RESTART, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(grant, ev.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_LEDGER(self->e.s);

	/* paging "never": a restart that does not fit is refused, no change. */
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, a, &res));
	msg = mr_resv_msg(self->e.s, MEMRESV_CMD_RESV_SET, a);
	nla_put_u8(msg, MEMRESV_A_PAGING, MEMRESV_PAGING_NEVER);
	ASSERT_EQ(0, mr_do(self->e.s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, mr_cmd(self->e.s, MEMRESV_CMD_RESV_RESTART, a, &res));
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_get(self->e.s, a, &r));
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(max, cg_u64(a, "memory.max"));
	ASSERT_EQ(0, mr_del(self->e.s, a));

	/* A new reservation with the same request: paging "restart" refuses. */
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	EXPECT_EQ(-ENOMEM, add(self->e.s, b, st, min, max, PAGING_DEFAULT, false,
			       WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "does not fit")) TH_LOG("%s", res.extack);
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_ASSIGNED], h.val[MEMRESV_A_HOST_ASSIGNED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_RESERVATIONS], h.val[MEMRESV_A_HOST_RESERVATIONS]);
	EXPECT_EQ(-ENOENT, mr_get(self->e.s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));
	EXPECT_EQ(0, cg_u64(b, "memory.min"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.swap.max"));

	/* FORCE: SCVMM's override lets this one start use the tier. */
	ASSERT_EQ(0, add(self->e.s, b, st, min, max, PAGING_DEFAULT, true,
			 WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	expect_paging(_metadata, &r, b, g, grant);
	EXPECT_EQ(MEMRESV_PAGING_RESTART, r.val[MEMRESV_A_PAGING]);
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED] + grant,
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_EQ(0, mr_wait_event(self->e.mon, b, MEMRESV_EVENT_PAGING_START, 2000, &ev));
	ASSERT_LEDGER(self->e.s);
	ASSERT_EQ(0, mr_del(self->e.s, b));
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* paging "never" wins over FORCE. */
	EXPECT_EQ(-ENOMEM, add(self->e.s, b, st, min, max, MEMRESV_PAGING_NEVER,
			       true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOENT, mr_get(self->e.s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));

	/* paging "always" needs no FORCE. */
	ASSERT_EQ(0, add(self->e.s, b, st, min, max, MEMRESV_PAGING_ALWAYS, false,
			 WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(grant, res.last.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_LEDGER(self->e.s);
}

/*
 * A workload touching nearly all of its startup, g of it in RAM, completes
 * without an OOM kill while the rest sits in swap.
 */
TEST_F_TIMEOUT(paging, workload_runs_partly_from_swap, 300)
{
	const uint64_t st = 64 * MiB, g = 32 * MiB, touch = 60 * MiB;
	const char *a = self->e.cg[0];
	uint64_t t0, first, cur, swp;
	struct mr_attrs r;

	NEED_SWAP();
	t0 = mr_now_ms();
	start_paging(_metadata, &self->e, st, 16 * MiB, g, touch, &r);
	first = mr_now_ms() - t0;
	EXPECT_EQ(st - g, r.val[MEMRESV_A_PAGING_GRANT]);
	cur = cg_u64(a, "memory.current");
	swp = cg_u64(a, "memory.swap.current");
	TH_LOG("touched %llu MiB in %llu ms: %llu MiB in RAM, %llu MiB in swap",
	       (unsigned long long)(touch >> 20), (unsigned long long)first,
	       (unsigned long long)(cur >> 20), (unsigned long long)(swp >> 20));
	EXPECT_LE(cur, g);
	EXPECT_GT(swp, 0);
	/* Every page is in RAM, in swap, or both (the swap cache). */
	EXPECT_GE(cur + swp, touch);
	EXPECT_LE(swp, cg_u64(a, "memory.swap.max"));
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_TRUE(mr_hog_alive(&self->e.hog[0]));

	/* The reservation reports what sits in swap. */
	ASSERT_EQ(0, mr_get(self->e.s, a, &r));
	EXPECT_EQ(MEMRESV_STATE_PAGING, r.val[MEMRESV_A_STATE]);
	EXPECT_GT(r.val[MEMRESV_A_SWAP_CURRENT], 0);

	ASSERT_LEDGER(self->e.s);
}

/*
 * While paging the group holds startup = g in RAM plus the grant in swap,
 * so a workload may touch nearly all of it again and again, as a guest
 * does with the memory it booted with.
 *
 * A page read back from swap stays in the swap cache, charged to memory and
 * to swap at once, until the kernel frees its slot.  With memory.swap.max =
 * swap_max + grant a second pass over 60 of 64 MiB (g = 32 MiB) brought
 * both counters to their limits on 6.12 and the memcg OOM-killed the
 * workload inside its startup; memresv now gives the group swap room for
 * all of startup while paging (the tier still reserves only the grant).
 */
TEST_F_TIMEOUT(paging, workload_touches_its_startup_again, 600)
{
	const uint64_t st = 64 * MiB, g = 32 * MiB, touch = 60 * MiB;
	const char *a = self->e.cg[0];
	struct mr_attrs r;
	uint64_t t0;

	NEED_SWAP();
	start_paging(_metadata, &self->e, st, 16 * MiB, g, touch, &r);
	/*
	 * Once more: one pass shows it, and the debug kernel takes minutes
	 * over each when the swap device is contended.
	 */
	t0 = mr_now_ms();
	ASSERT_TRUE(mr_hog_again(&self->e.hog[0]));
	ASSERT_PASS(&self->e, 0, a, 400000);
	TH_LOG("touched %llu MiB again in %llu ms",
	       (unsigned long long)(touch >> 20),
	       (unsigned long long)(mr_now_ms() - t0));
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_TRUE(mr_hog_alive(&self->e.hog[0]));
	ASSERT_LEDGER(self->e.s);
}

/*
 * RESV_READY ends paging at once: the grant goes back to the tier, the
 * files to the reservation's own settings, a paging-end (ready) goes out.
 * What the group holds in swap is reported and drains as the workload
 * touches its memory again.
 */
TEST_F_TIMEOUT(paging, ready_ends_paging_and_swap_drains, 300)
{
	const uint64_t st = 48 * MiB, min = 16 * MiB, max = 256 * MiB;
	const uint64_t g = 24 * MiB, touch = 44 * MiB;
	const char *a = self->e.cg[0];
	struct mr_attrs h0, h, r, ev;
	uint64_t swp0, swp, t0;
	struct mr_result res;

	NEED_SWAP();
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	start_paging(_metadata, &self->e, st, min, g, touch, &r);
	swp0 = cg_u64(a, "memory.swap.current");
	ASSERT_GT(swp0, 0);

	/*
	 * The host has memory again (another start finished): once running,
	 * the balancer can give the workload what it touches.
	 */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, max));
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, a, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(min, r.val[MEMRESV_A_GUARANTEE]);
	EXPECT_FALSE(r.has[MEMRESV_A_PHASE_LEFT_MS]);
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED],
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(0, cg_u64(a, "memory.swap.max"));
	EXPECT_EQ(max, cg_u64(a, "memory.max"));
	EXPECT_EQ(min, cg_u64(a, "memory.min"));
	ASSERT_EQ(0, mr_wait_event(self->e.mon, a, MEMRESV_EVENT_PAGING_END, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_READY, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(0, ev.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(MEMRESV_STATE_RUNNING, ev.val[MEMRESV_A_STATE]);

	/* Right after, the pages in swap are still there, and reported. */
	ASSERT_EQ(0, mr_get(self->e.s, a, &r));
	EXPECT_GT(r.val[MEMRESV_A_SWAP_CURRENT], 0);
	TH_LOG("at ready: %llu KiB in swap, %llu KiB reported",
	       (unsigned long long)(swp0 >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_SWAP_CURRENT] >> 10));
	ASSERT_LEDGER(self->e.s);

	/* Touched again, they come back in and leave swap. */
	t0 = mr_now_ms();
	ASSERT_TRUE(mr_hog_again(&self->e.hog[0]));
	ASSERT_PASS(&self->e, 0, a, 240000);
	MR_WAIT(40, PERIOD_MS,
		(swp = cg_u64(a, "memory.swap.current")) <= swp0 / 8);
	ASSERT_EQ(0, mr_get(self->e.s, a, &r));
	TH_LOG("touched again in %llu ms: %llu KiB left in swap (%llu reported), target %llu MiB",
	       (unsigned long long)(mr_now_ms() - t0),
	       (unsigned long long)(swp >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_SWAP_CURRENT] >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_TARGET] >> 20));
	EXPECT_LE(swp, swp0 / 8);
	EXPECT_LE(r.val[MEMRESV_A_SWAP_CURRENT], swp0 / 8);
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_TRUE(mr_hog_alive(&self->e.hog[0]));
	ASSERT_LEDGER(self->e.s);
}

/* The checks after the phase ended on its own (the tick). */
static void expect_ended(struct __test_metadata *_metadata, struct mrnl *s,
			 const char *cg, uint64_t min, uint64_t max)
{
	struct mr_attrs r;

	ASSERT_EQ(0, mr_get(s, cg, &r));
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(min, r.val[MEMRESV_A_GUARANTEE]);
	/* The tick writes the files from the workqueue. */
	MR_WAIT(20, PERIOD_MS, cg_u64(cg, "memory.max") == max &&
			       !cg_u64(cg, "memory.swap.max"));
	EXPECT_EQ(max, cg_u64(cg, "memory.max"));
	EXPECT_EQ(0, cg_u64(cg, "memory.swap.max"));
	EXPECT_EQ(min, cg_u64(cg, "memory.min"));
}

/*
 * The paging phase ends on its own, at startup_window or at paging_max,
 * whichever comes first: 2 s here either way, with the other one far.
 */
PAGING_FIXTURE(phase_end)

FIXTURE_VARIANT(phase_end) {
	uint32_t window;	/* startup_window, s */
	uint32_t paging_max;	/* the host's paging_max, s; 0: as it is */
	int reason;		/* of the paging-end event */
};

/* startup_window (2 s) ends paging: reason window. */
FIXTURE_VARIANT_ADD(phase_end, window) {
	.window = 2,
	.reason = MEMRESV_REASON_WINDOW,
};

/* paging_max (2 s) cuts a long window (60 s): reason paging-max. */
FIXTURE_VARIANT_ADD(phase_end, paging_max) {
	.window = 60,
	.paging_max = 2,
	.reason = MEMRESV_REASON_PAGING_MAX,
};

TEST_F_TIMEOUT(phase_end, ends_paging, 60)
{
	const uint64_t st = 128 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB;
	const char *a = self->e.cg[0];
	struct mr_attrs h0, h, ev;
	struct mr_result res;
	uint64_t t0, took;

	NEED_SWAP();
	if (variant->paging_max)
		ASSERT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_MAX,
					 variant->paging_max, &res));
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, g));
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	if (variant->paging_max)
		EXPECT_EQ(variant->paging_max,
			  h0.val[MEMRESV_A_HOST_PAGING_MAX]);
	t0 = mr_now_ms();
	ASSERT_EQ(0, add(self->e.s, a, st, min, max, MEMRESV_PAGING_ALWAYS,
			 false, variant->window, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_LE(res.last.val[MEMRESV_A_PHASE_LEFT_MS], 2000);
	ASSERT_EQ(0, mr_wait_event(self->e.mon, a, MEMRESV_EVENT_PAGING_END,
				   2000 + 40 * PERIOD_MS, &ev));
	took = mr_now_ms() - t0;
	TH_LOG("paging ended %llu ms after admission (window %u s, paging_max %u s, period %d ms)",
	       (unsigned long long)took, variant->window,
	       (unsigned int)h0.val[MEMRESV_A_HOST_PAGING_MAX], PERIOD_MS);
	EXPECT_EQ(variant->reason, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(MEMRESV_STATE_RUNNING, ev.val[MEMRESV_A_STATE]);
	EXPECT_GE(took, 1900);
	EXPECT_LE(took, 2000 + 8 * PERIOD_MS);
	expect_ended(_metadata, self->e.s, a, min, max);
	ASSERT_EQ(0, mr_host(self->e.s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED],
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->e.s);
}

/* paging_used never exceeds paging_limit. */
static void expect_tier_holds(struct __test_metadata *_metadata,
			      struct mrnl *s, struct mr_attrs *h)
{
	ASSERT_EQ(0, mr_host(s, h));
	EXPECT_LE(h->val[MEMRESV_A_HOST_PAGING_USED],
		  h->val[MEMRESV_A_HOST_PAGING_LIMIT]);
}

/*
 * Two starts competing for a small tier (96 MiB): the first gets its
 * grant, the second is refused while the tier has not enough left and
 * admitted when it asks for what is left; the tier cannot be shrunk below
 * what is granted.
 */
TEST_F_TIMEOUT(paging, two_starts_share_a_small_tier, 60)
{
	const uint64_t limit = 96 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB;
	const char *a = self->e.cg[0], *b = self->e.cg[1], *c = self->e.cg[2];
	struct mr_attrs h0, h, r;
	struct mr_result res;

	NEED_SWAP();
	ASSERT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, limit, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, g));
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	ASSERT_EQ(0, h0.val[MEMRESV_A_HOST_PAGING_USED]);

	/* The first: g in RAM, 64 MiB of the 96 from the tier. */
	ASSERT_EQ(0, add(self->e.s, a, 128 * MiB, min, max, MEMRESV_PAGING_ALWAYS,
			 false, WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(64 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/*
	 * Room for another g in RAM; the second asks 64 MiB of the tier too,
	 * with 32 left: refused, and nothing changes.
	 */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, 2 * g));
	ASSERT_EQ(0, mr_host(self->e.s, &h0));
	EXPECT_EQ(-ENOMEM, add(self->e.s, b, 128 * MiB, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 32 MiB"))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOENT, mr_get(self->e.s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.swap.max"));
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_RESERVATIONS], h.val[MEMRESV_A_HOST_RESERVATIONS]);

	/* Asking for what is left fits: the tier is exactly used up. */
	ASSERT_EQ(0, add(self->e.s, b, 96 * MiB, min, max, MEMRESV_PAGING_ALWAYS,
			 false, WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(32 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(96 * MiB, cg_u64(b, "memory.swap.max"));
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->e.s);

	/* With the tier used up, a third start has none of it. */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, 3 * g));
	EXPECT_EQ(-ENOMEM, add(self->e.s, c, 96 * MiB, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* The tier cannot shrink below what is granted. */
	EXPECT_EQ(-EBUSY, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT,
				   limit - 32 * MiB, &res));
	EXPECT_NE(NULL, strstr(res.extack, "granted")) TH_LOG("%s", res.extack);
	EXPECT_EQ(-EBUSY, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, 0, &res));
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_LIMIT]);
	EXPECT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, limit, &res));

	/* Once the first is ready its grant is back, and the tier may shrink. */
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, a, &res));
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(32 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, 32 * MiB, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, add(self->e.s, c, max, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, b, &res));

	/* paging_limit 0 turns the tier off. */
	ASSERT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, 0, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, add(self->e.s, c, max, min, max,
			       MEMRESV_PAGING_ALWAYS, true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(0, h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->e.s);
}

/*
 * An exhausted tier never costs a running reservation its workload: the
 * start that takes the last of the tier, and the start refused for want
 * of it, leave a running workload in another group alive, and so does the
 * paging workload itself.
 */
TEST_F_TIMEOUT(paging, exhausted_tier_never_oom_kills, 300)
{
	const uint64_t min = 24 * MiB, max = 256 * MiB, run = 20 * MiB;
	const char *r = self->e.cg[0], *p = self->e.cg[1], *q = self->e.cg[2];
	struct mr_attrs h, a;
	struct mr_result res;
	int i;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, 64 * MiB));
	/* A running reservation whose workload keeps touching its memory. */
	ASSERT_EQ(0, add(self->e.s, r, 32 * MiB, min, max, PAGING_DEFAULT, false,
			 WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, r, &res));
	ASSERT_EQ(0, mr_hog_start(&self->e.hog[0], r, MR_HOG_CHURN, run, 0));
	MR_WAIT(200, PERIOD_MS / 5, cg_u64(r, "memory.current") >= run);
	ASSERT_GE(cg_u64(r, "memory.current"), run);

	/* A start takes all the room left (40 MiB) and the whole tier. */
	ASSERT_EQ(0, mr_host_set(self->e.s, MEMRESV_A_HOST_PAGING_LIMIT, 16 * MiB, &res));
	ASSERT_EQ(0, add(self->e.s, p, 56 * MiB, 8 * MiB, max,
			 MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(40 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(16 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	expect_tier_holds(_metadata, self->e.s, &h);
	EXPECT_EQ(16 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* RAM for another start, but no tier: refused. */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, 80 * MiB));
	EXPECT_EQ(-ENOMEM, add(self->e.s, q, 32 * MiB, 8 * MiB, max,
			       PAGING_DEFAULT, true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);

	/* The paging start's workload fills its startup, 12 MiB in swap. */
	ASSERT_EQ(0, mr_hog_start(&self->e.hog[1], p, MR_HOG_PASSES, 52 * MiB, 0));
	ASSERT_PASS(&self->e, 1, p, 240000);
	EXPECT_GT(cg_u64(p, "memory.swap.current"), 0);

	/*
	 * The phase ends with its pages still in swap; once the host has
	 * room again they come back.  Nobody is killed on the way.
	 */
	ASSERT_EQ(0, narrow(self->e.s, &self->e.host, max));
	ASSERT_EQ(0, mr_cmd(self->e.s, MEMRESV_CMD_RESV_READY, p, &res));
	ASSERT_TRUE(mr_hog_again(&self->e.hog[1]));
	ASSERT_PASS(&self->e, 1, p, 240000);
	for (i = 0; i < 8; i++) {
		usleep(PERIOD_MS * 1000);
		expect_tier_holds(_metadata, self->e.s, &h);
	}
	ASSERT_EQ(0, mr_get(self->e.s, r, &a));
	TH_LOG("running group: %llu MiB in RAM, target %llu MiB",
	       (unsigned long long)(cg_u64(r, "memory.current") >> 20),
	       (unsigned long long)(a.val[MEMRESV_A_TARGET] >> 20));
	EXPECT_TRUE(mr_hog_alive(&self->e.hog[0])) TH_LOG("the running workload died");
	EXPECT_TRUE(mr_hog_alive(&self->e.hog[1])) TH_LOG("the paging workload died");
	EXPECT_EQ(0, cg_key(r, "memory.events", "oom_kill"));
	EXPECT_EQ(0, cg_key(p, "memory.events", "oom_kill"));
	EXPECT_EQ(0, cg_key(r, "memory.events", "oom"));
	EXPECT_GE(a.val[MEMRESV_A_TARGET], min);
	ASSERT_LEDGER(self->e.s);
}

TEST_HARNESS_MAIN
