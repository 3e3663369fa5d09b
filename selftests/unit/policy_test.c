// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of the memresv policy core (kernel/policy.c):
 * admission, the reclaim order, the balancer, the status rule and the
 * placement rating.  Hand-computed tables pin the exact numbers and their
 * boundaries; randomized checks (a fixed seed, printed, overridable with
 * MEMRESV_TEST_SEED) hold the results to the properties the model
 * promises, against reference arithmetic done in 128 bits.
 *
 * The rating carries figures only; the sentences that explain it are the
 * memresv tool's (tools/memresv/rating.c), checked here on the same
 * cases, so the exact words `memresv place` prints stay pinned.
 *
 * Builds with the kselftest headers on the include path, next to -Iuapi
 * -Ikernel -Itools/memresv, kernel/policy.c and the tool's rating.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The harness defines a few global functions without prototypes, and its
 * TEST() wrappers take a parameter they do not use.
 */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "policy.h"
#include "rating.h"

#define MiB(x)		((u64)(x) << 20)
#define U64_ALL		(~(u64)0)
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define SEED_DEFAULT	0x6d656d7265737631ULL

#define u128		unsigned __int128

/* ------------------------------------------------------------------ */
/* Small helpers: PRNG, reference arithmetic                          */
/* ------------------------------------------------------------------ */

static u64 rng_state;

static u64 rng_seed(void)
{
	const char *env = getenv("MEMRESV_TEST_SEED");
	u64 seed = env ? strtoull(env, NULL, 0) : SEED_DEFAULT;

	rng_state = seed ? seed : SEED_DEFAULT;
	ksft_print_msg("random seed %#llx (set MEMRESV_TEST_SEED to change)\n",
		       (unsigned long long)rng_state);
	/* Each test runs in a child that may exit without flushing. */
	fflush(stdout);
	return rng_state;
}

/* xorshift64: Marsaglia's 13/7/17 triple. */
static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static u64 rng_below(u64 n)
{
	return n ? rng() % n : 0;
}

/* A size of random magnitude up to @limit, often on a notable value. */
static u64 rng_size(u64 limit)
{
	u64 v;

	switch (rng_below(16)) {
	case 0:
		return 0;
	case 1:
		return limit;
	case 2:
		v = rng_below(8);
		break;
	default:
		v = rng() >> rng_below(64);
		if (rng_below(2))
			v &= ~(MiB(1) - 1);
		break;
	}
	return v % (limit + (limit < U64_ALL));
}

static u64 ref_sub(u64 a, u64 b)
{
	return a > b ? a - b : 0;
}

static u64 ref_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u64 ref_max(u64 a, u64 b)
{
	return a > b ? a : b;
}

static u64 ref_clamp(u64 v, u64 lo, u64 hi)
{
	return ref_max(ref_min(v, hi), lo);
}

/* ceil(v * (100 + pct) / 100), saturated: the status/desired threshold. */
static u64 ref_plus_pct(u64 v, u32 pct)
{
	u128 x = ((u128)v * (100 + (u128)pct) + 99) / 100;

	return x > U64_ALL ? U64_ALL : (u64)x;
}

static int fit_of(enum memresv_fit fit)
{
	return (int)fit;
}

/* ------------------------------------------------------------------ */
/* Admission                                                          */
/* ------------------------------------------------------------------ */

/*
 * The reference host: capacity 16 GiB, 4 GiB guaranteed, 10 GiB assigned,
 * so F = 6 GiB free and R = 6 GiB reclaimable; F + R = 12 GiB is exactly
 * what is left above the guarantees.  The swap tier has 3 GiB left.
 */
static const struct memresv_host_figures ref_host = {
	.capacity = MiB(16384),
	.guaranteed = MiB(4096),
	.assigned = MiB(10240),
	.reclaimable = MiB(6144),
	.paging_limit = MiB(4096),
	.paging_used = MiB(1024),
};

struct admit_case {
	const char *name;
	struct memresv_host_figures host;
	struct memresv_request req;
	enum memresv_fit fit;
	u64 physical;
	u64 grant;
	u64 reclaim;
};

#define REQ(s, m, pg) { .startup = (s), .minimum = (m), \
			.maximum = MiB(65536), .paging_allowed = (pg) }

static const struct admit_case admit_cases[] = {
	{ "free, well inside F", ref_host, REQ(MiB(4096), MiB(1024), false),
	  MEMRESV_FIT_FREE, MiB(4096), 0, 0 },
	{ "free, startup == F", ref_host, REQ(MiB(6144), MiB(1024), false),
	  MEMRESV_FIT_FREE, MiB(6144), 0, 0 },
	{ "reclaim, one byte over F", ref_host,
	  REQ(MiB(6144) + 1, MiB(1024), false),
	  MEMRESV_FIT_RECLAIM, MiB(6144) + 1, 0, 1 },
	{ "reclaim, startup == F + R", ref_host,
	  REQ(MiB(12288), MiB(1024), true),
	  MEMRESV_FIT_RECLAIM, MiB(12288), 0, MiB(6144) },
	{ "paging, one byte over F + R", ref_host,
	  REQ(MiB(12288) + 1, MiB(1024), true),
	  MEMRESV_FIT_PAGING, MiB(12288), 1, MiB(6144) },
	{ "paging, startup == F + R + tier left", ref_host,
	  REQ(MiB(15360), MiB(2048), true),
	  MEMRESV_FIT_PAGING, MiB(12288), MiB(3072), MiB(6144) },
	{ "none, one byte over F + R + tier left", ref_host,
	  REQ(MiB(15360) + 1, MiB(2048), true),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "none, paging not allowed", ref_host,
	  REQ(MiB(12288) + 1, MiB(1024), false),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "paging, minimum == F + R", ref_host,
	  REQ(MiB(14336), MiB(12288), true),
	  MEMRESV_FIT_PAGING, MiB(12288), MiB(2048), MiB(6144) },
	{ "none, minimum one byte over F + R", ref_host,
	  REQ(MiB(14336), MiB(12288) + 1, true),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "none, minimum above startup", ref_host,
	  REQ(MiB(1024), MiB(2048), true),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "paging, physical part only from F (R = 0)",
	  { .capacity = MiB(8192), .guaranteed = MiB(2048),
	    .assigned = MiB(6144), .reclaimable = 0,
	    .paging_limit = MiB(4096) },
	  REQ(MiB(4096), MiB(1024), true),
	  MEMRESV_FIT_PAGING, MiB(2048), MiB(2048), 0 },
	{ "none, tier overdrawn (used > limit)",
	  { .capacity = MiB(16384), .guaranteed = MiB(4096),
	    .assigned = MiB(10240), .reclaimable = MiB(6144),
	    .paging_limit = MiB(1024), .paging_used = MiB(2048) },
	  REQ(MiB(12288) + 1, MiB(1024), true),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "invariant: reclaimable overstated, capped by capacity - guaranteed",
	  { .capacity = MiB(16384), .guaranteed = MiB(4096),
	    .assigned = MiB(10240), .reclaimable = U64_ALL,
	    .paging_limit = MiB(4096) },
	  REQ(MiB(12288) + 1, MiB(1024), false),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "invariant: overstated reclaimable, paging gets only the room",
	  { .capacity = MiB(16384), .guaranteed = MiB(4096),
	    .assigned = MiB(10240), .reclaimable = U64_ALL,
	    .paging_limit = MiB(4096) },
	  REQ(MiB(13312), MiB(1024), true),
	  MEMRESV_FIT_PAGING, MiB(12288), MiB(1024), MiB(6144) },
	{ "invariant: free memory above the room is not free",
	  { .capacity = MiB(16384), .guaranteed = MiB(8192),
	    .assigned = MiB(4096), .reclaimable = 0,
	    .paging_limit = MiB(4096) },
	  REQ(MiB(10240), MiB(1024), false),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "invariant: same, through the tier",
	  { .capacity = MiB(16384), .guaranteed = MiB(8192),
	    .assigned = MiB(4096), .reclaimable = 0,
	    .paging_limit = MiB(4096) },
	  REQ(MiB(10240), MiB(1024), true),
	  MEMRESV_FIT_PAGING, MiB(8192), MiB(2048), 0 },
	{ "invariant: guarantees above capacity refuse everything",
	  { .capacity = MiB(1024), .guaranteed = MiB(2048),
	    .assigned = 0, .reclaimable = MiB(4096),
	    .paging_limit = MiB(4096) },
	  REQ(0, 0, true),
	  MEMRESV_FIT_NONE, 0, 0, 0 },
	{ "extreme: startup == capacity == 2^52",
	  { .capacity = MEMRESV_SIZE_MAX },
	  REQ(MEMRESV_SIZE_MAX, MEMRESV_SIZE_MAX, false),
	  MEMRESV_FIT_FREE, MEMRESV_SIZE_MAX, 0, 0 },
	{ "extreme: all figures U64_MAX",
	  { U64_ALL, 0, 0, U64_ALL, U64_ALL, 0 },
	  REQ(U64_ALL, 1, true),
	  MEMRESV_FIT_FREE, U64_ALL, 0, 0 },
	{ "extreme: U64_MAX startup through an U64_MAX tier",
	  { .capacity = MiB(1), .paging_limit = U64_ALL },
	  REQ(U64_ALL, 1, true),
	  MEMRESV_FIT_PAGING, MiB(1), U64_ALL - MiB(1), 0 },
};

TEST(admit_table)
{
	const struct admit_case *c;
	struct memresv_admission adm;
	size_t i;

	for (i = 0; i < ARRAY_LEN(admit_cases); i++) {
		c = &admit_cases[i];
		memset(&adm, 0xa5, sizeof(adm));
		memresv_policy_admit(&c->host, &c->req, &adm);
		EXPECT_EQ(fit_of(c->fit), fit_of(adm.fit))
			TH_LOG("%s: fit", c->name);
		EXPECT_EQ(c->physical, adm.physical)
			TH_LOG("%s: physical", c->name);
		EXPECT_EQ(c->grant, adm.grant)
			TH_LOG("%s: grant", c->name);
		EXPECT_EQ(c->reclaim, adm.reclaim)
			TH_LOG("%s: reclaim", c->name);
	}
}

/*
 * Reference admission, written from DESIGN §1 in 128-bit arithmetic.
 * Returns the fit; *phys gets the physical part.
 */
static enum memresv_fit ref_admit(const struct memresv_host_figures *h,
				  const struct memresv_request *r, u64 *phys)
{
	u128 f = h->capacity > h->assigned ? h->capacity - h->assigned : 0;
	u128 room = h->capacity > h->guaranteed ?
		    h->capacity - h->guaranteed : 0;
	u128 fr = f + h->reclaimable;
	u128 tier = h->paging_limit > h->paging_used ?
		    h->paging_limit - h->paging_used : 0;

	if (fr > room)
		fr = room;
	*phys = 0;
	if (h->guaranteed > h->capacity || r->minimum > r->startup)
		return MEMRESV_FIT_NONE;
	*phys = r->startup;
	if (r->startup <= f && r->startup <= room)
		return MEMRESV_FIT_FREE;
	if (r->startup <= fr)
		return MEMRESV_FIT_RECLAIM;
	*phys = (u64)fr;
	if (r->paging_allowed && r->minimum <= fr && r->startup - fr <= tier)
		return MEMRESV_FIT_PAGING;
	*phys = 0;
	return MEMRESV_FIT_NONE;
}

static void random_host(struct memresv_host_figures *h)
{
	u64 limit = rng_below(8) ? MEMRESV_SIZE_MAX : U64_ALL;

	h->capacity = rng_size(limit);
	if (rng_below(4)) {
		/* A consistent ledger: guaranteed <= assigned <= capacity. */
		h->assigned = rng_size(h->capacity);
		h->guaranteed = rng_size(h->assigned);
		h->reclaimable = h->assigned - h->guaranteed;
	} else {
		h->assigned = rng_size(limit);
		h->guaranteed = rng_size(limit);
		h->reclaimable = rng_size(limit);
	}
	h->paging_limit = rng_size(limit);
	h->paging_used = rng_below(4) ? rng_size(h->paging_limit) :
					rng_size(limit);
}

static void random_request(struct memresv_request *r, u64 limit)
{
	r->startup = rng_size(limit);
	r->minimum = rng_below(8) ? rng_size(r->startup) : rng_size(limit);
	r->maximum = r->startup + rng_size(limit - r->startup);
	r->paging_allowed = rng_below(2);
}

TEST(admit_random_properties)
{
	struct memresv_host_figures h;
	struct memresv_request r;
	struct memresv_admission adm;
	u64 f, tier, phys;
	u64 counts[4] = { 0 };
	int iter;

	rng_seed();
	for (iter = 0; iter < 200000; iter++) {
		random_host(&h);
		random_request(&r, rng_below(2) ? h.capacity : U64_ALL);
		memresv_policy_admit(&h, &r, &adm);
		counts[adm.fit & 3]++;
		f = ref_sub(h.capacity, h.assigned);
		tier = ref_sub(h.paging_limit, h.paging_used);

		ASSERT_EQ(fit_of(ref_admit(&h, &r, &phys)), fit_of(adm.fit))
			TH_LOG("iter %d: cap %llu g %llu a %llu r %llu s %llu m %llu",
			       iter, (unsigned long long)h.capacity,
			       (unsigned long long)h.guaranteed,
			       (unsigned long long)h.assigned,
			       (unsigned long long)h.reclaimable,
			       (unsigned long long)r.startup,
			       (unsigned long long)r.minimum);
		ASSERT_EQ(phys, adm.physical) TH_LOG("iter %d", iter);

		if (adm.fit == MEMRESV_FIT_NONE) {
			ASSERT_EQ(0ULL, adm.physical + adm.grant + adm.reclaim);
			continue;
		}
		/* The guarantee invariant, in 128 bits. */
		ASSERT_LE((u128)h.guaranteed + adm.physical, (u128)h.capacity)
			TH_LOG("iter %d", iter);
		ASSERT_LE(r.minimum, adm.physical) TH_LOG("iter %d", iter);
		ASSERT_LE(adm.grant, tier) TH_LOG("iter %d", iter);
		ASSERT_EQ((u128)r.startup, (u128)adm.physical + adm.grant)
			TH_LOG("iter %d", iter);
		ASSERT_EQ(adm.reclaim, ref_sub(adm.physical, f))
			TH_LOG("iter %d", iter);
		ASSERT_EQ(adm.fit == MEMRESV_FIT_PAGING, adm.grant > 0)
			TH_LOG("iter %d", iter);
		if (adm.fit == MEMRESV_FIT_PAGING)
			ASSERT_TRUE(r.paging_allowed);
		if (adm.fit == MEMRESV_FIT_FREE)
			ASSERT_EQ(0ULL, adm.reclaim);
		if (adm.fit == MEMRESV_FIT_RECLAIM) {
			ASSERT_LT(0ULL, adm.reclaim);
			ASSERT_LE(adm.reclaim, h.reclaimable);
		}
	}
	/* The generator must reach every outcome, or the test proves little. */
	ksft_print_msg("admit: none %llu free %llu reclaim %llu paging %llu\n",
		       (unsigned long long)counts[0],
		       (unsigned long long)counts[1],
		       (unsigned long long)counts[2],
		       (unsigned long long)counts[3]);
	ASSERT_LT(1000ULL, counts[MEMRESV_FIT_NONE]);
	ASSERT_LT(1000ULL, counts[MEMRESV_FIT_FREE]);
	ASSERT_LT(1000ULL, counts[MEMRESV_FIT_RECLAIM]);
	ASSERT_LT(1000ULL, counts[MEMRESV_FIT_PAGING]);
}

/* ------------------------------------------------------------------ */
/* Reclaim order                                                      */
/* ------------------------------------------------------------------ */

struct reclaim_case {
	const char *name;
	u64 need;
	u64 found;
	u64 after[4];		/* targets after the plan */
};

/*
 * Four reservations: A (weight 100, 2000 above its guarantee), B (weight
 * 50, 2000 above), C (weight 200, 4000 above), D (weight 10, at its
 * guarantee: nothing to give).
 */
static const struct memresv_share reclaim_base[4] = {
	{ .guarantee = 1000, .target = 3000, .weight = 100 },
	{ .guarantee = 500, .target = 2500, .weight = 50 },
	{ .guarantee = 0, .target = 4000, .weight = 200 },
	{ .guarantee = 100, .target = 100, .weight = 10 },
};

static const struct reclaim_case reclaim_cases[] = {
	{ "nothing needed", 0, 0, { 3000, 2500, 4000, 100 } },
	{ "lowest weight with excess gives first", 1500, 1500,
	  { 3000, 1000, 4000, 100 } },
	{ "drained down to its guarantee, then the next weight", 2500, 2500,
	  { 2500, 500, 4000, 100 } },
	{ "exactly everything above the guarantees", 8000, 8000,
	  { 1000, 500, 0, 100 } },
	{ "partial: never below a guarantee", 10000, 8000,
	  { 1000, 500, 0, 100 } },
	{ "U64_MAX need", U64_ALL, 8000, { 1000, 500, 0, 100 } },
};

TEST(reclaim_order_by_weight)
{
	struct memresv_share s[4];
	const struct reclaim_case *c;
	size_t i, j;
	u64 found;

	for (i = 0; i < ARRAY_LEN(reclaim_cases); i++) {
		c = &reclaim_cases[i];
		memcpy(s, reclaim_base, sizeof(s));
		found = memresv_policy_reclaim(s, 4, c->need);
		EXPECT_EQ(c->found, found) TH_LOG("%s", c->name);
		for (j = 0; j < 4; j++) {
			EXPECT_EQ(c->after[j], s[j].target)
				TH_LOG("%s: entry %zu", c->name, j);
			EXPECT_EQ(reclaim_base[j].guarantee, s[j].guarantee);
			EXPECT_EQ(reclaim_base[j].weight, s[j].weight);
		}
	}
}

TEST(reclaim_ties_and_odd_input)
{
	struct memresv_share s[] = {
		{ .guarantee = 0, .target = 1000, .weight = 5 },
		{ .guarantee = 0, .target = 3000, .weight = 5 },
		{ .guarantee = 0, .target = 3000, .weight = 5 },
		{ .guarantee = 2000, .target = 500, .weight = 0 },
	};

	/* Equal weights: most above its guarantee first, then array order. */
	EXPECT_EQ(3500ULL, memresv_policy_reclaim(s, 4, 3500));
	EXPECT_EQ(1000ULL, s[0].target);
	EXPECT_EQ(0ULL, s[1].target);
	EXPECT_EQ(2500ULL, s[2].target);
	/* A target already below its guarantee is neither taken nor raised. */
	EXPECT_EQ(500ULL, s[3].target);

	EXPECT_EQ(0ULL, memresv_policy_reclaim(NULL, 0, 100));
}

/*
 * The buffer-first order (an option): A, B and C of reclaim_base with
 * demands 2000, 2400 and 1000, so their buffers (target - max(guarantee,
 * demand)) are 1000, 100 and 3000, and D has none.
 */
static const u64 reclaim_demand[4] = { 2000, 2400, 1000, 0 };

static const struct reclaim_case reclaim_buffer_cases[] = {
	{ "nothing needed", 0, 0, { 3000, 2500, 4000, 100 } },
	{ "buffers first, lowest weight first: B's 100, then A's", 600, 600,
	  { 2500, 2400, 4000, 100 } },
	{ "every buffer before any working set", 4100, 4100,
	  { 2000, 2400, 1000, 100 } },
	{ "then working sets, by weight", 5000, 5000,
	  { 2000, 1500, 1000, 100 } },
	{ "as much in all as the weight order", 10000, 8000,
	  { 1000, 500, 0, 100 } },
	{ "U64_MAX need", U64_ALL, 8000, { 1000, 500, 0, 100 } },
};

TEST(reclaim_buffer_first)
{
	struct memresv_share s[4], w[4];
	const struct reclaim_case *c;
	size_t i, j;
	u64 found;

	for (i = 0; i < ARRAY_LEN(reclaim_buffer_cases); i++) {
		c = &reclaim_buffer_cases[i];
		memcpy(s, reclaim_base, sizeof(s));
		for (j = 0; j < 4; j++)
			s[j].demand = reclaim_demand[j];
		memcpy(w, s, sizeof(w));
		found = memresv_policy_reclaim_buffer_first(s, 4, c->need);
		EXPECT_EQ(c->found, found) TH_LOG("%s", c->name);
		/* The same total as the module's order. */
		EXPECT_EQ(memresv_policy_reclaim(w, 4, c->need), found)
			TH_LOG("%s: total", c->name);
		for (j = 0; j < 4; j++) {
			EXPECT_EQ(c->after[j], s[j].target)
				TH_LOG("%s: entry %zu", c->name, j);
			EXPECT_EQ(reclaim_demand[j], s[j].demand);
		}
	}
}

TEST(reclaim_buffer_first_starves_no_one_while_buffers_last)
{
	struct memresv_share s[8], before[8];
	u64 buffers, need, found, seed = rng_seed();
	size_t i, round;

	for (round = 0; round < 2000; round++) {
		buffers = 0;
		for (i = 0; i < 8; i++) {
			s[i].guarantee = rng() % MiB(4);
			s[i].demand = rng() % MiB(8);
			s[i].target = s[i].guarantee + rng() % MiB(8);
			s[i].weight = rng() % 4;
			if (s[i].target > s[i].demand &&
			    s[i].target > s[i].guarantee)
				buffers += s[i].target -
					   (s[i].demand > s[i].guarantee ?
					    s[i].demand : s[i].guarantee);
		}
		need = rng() % (buffers + MiB(1));
		memcpy(before, s, sizeof(s));
		found = memresv_policy_reclaim_buffer_first(s, 8, need);
		for (i = 0; i < 8; i++) {
			ASSERT_LE(s[i].guarantee, s[i].target);
			/* Only a target above its demand gave anything. */
			if (need <= buffers && s[i].target < before[i].target)
				ASSERT_LE(s[i].demand, s[i].target)
					TH_LOG("seed %#llx round %zu",
					       (unsigned long long)seed, round);
		}
		if (need <= buffers)
			ASSERT_EQ(need, found);
	}
}

TEST(reclaim_random_properties)
{
	struct memresv_share s[12], before[12];
	u64 need, found, sum_excess, taken;
	size_t n, i, j;
	int iter;

	rng_seed();
	for (iter = 0; iter < 20000; iter++) {
		n = rng_below(ARRAY_LEN(s) + 1);
		sum_excess = 0;
		for (i = 0; i < n; i++) {
			s[i].guarantee = rng_size(MEMRESV_SIZE_MAX);
			s[i].target = rng_below(8) ?
				s[i].guarantee + rng_size(MEMRESV_SIZE_MAX) :
				rng_size(MEMRESV_SIZE_MAX);
			s[i].weight = rng_below(4) ? rng_below(4) * 2500 :
						     rng_below(10001);
			sum_excess += ref_sub(s[i].target, s[i].guarantee);
		}
		memcpy(before, s, sizeof(s));
		need = rng_below(2) ? rng_size(sum_excess) : rng_size(U64_ALL);
		found = memresv_policy_reclaim(s, n, need);

		ASSERT_EQ(ref_min(need, sum_excess), found) TH_LOG("iter %d", iter);
		taken = 0;
		for (i = 0; i < n; i++) {
			ASSERT_LE(s[i].target, before[i].target);
			if (s[i].target < before[i].target)
				ASSERT_LE(s[i].guarantee, s[i].target)
					TH_LOG("iter %d: below guarantee", iter);
			taken += before[i].target - s[i].target;
		}
		ASSERT_EQ(found, taken);
		/* Lower weights are drained before a higher weight gives. */
		for (i = 0; i < n; i++) {
			if (s[i].target == before[i].target)
				continue;
			for (j = 0; j < n; j++)
				if (s[j].weight < s[i].weight)
					ASSERT_LE(s[j].target, s[j].guarantee)
						TH_LOG("iter %d: %zu gave before %zu",
						       iter, i, j);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Status                                                             */
/* ------------------------------------------------------------------ */

struct status_case {
	u64 target;
	u64 demand;
	u32 buffer;
	bool paging;
	enum memresv_status status;
};

static const struct status_case status_cases[] = {
	{ 1200, 1000, 20, false, MEMRESV_STATUS_OK },
	{ 5000, 1000, 20, false, MEMRESV_STATUS_OK },
	{ 1199, 1000, 20, false, MEMRESV_STATUS_LOW },
	{ 1000, 1000, 20, false, MEMRESV_STATUS_LOW },
	{ 999, 1000, 20, false, MEMRESV_STATUS_WARNING },
	{ 5000, 1000, 20, true, MEMRESV_STATUS_WARNING },
	{ 0, 0, 20, false, MEMRESV_STATUS_OK },
	{ 0, 0, 20, true, MEMRESV_STATUS_WARNING },
	/* 1001 * 1.05 = 1051.05: 1051 is still short of it. */
	{ 1051, 1001, 5, false, MEMRESV_STATUS_LOW },
	{ 1052, 1001, 5, false, MEMRESV_STATUS_OK },
	{ 21 * MEMRESV_SIZE_MAX, MEMRESV_SIZE_MAX, 2000, false,
	  MEMRESV_STATUS_OK },
	{ 21 * MEMRESV_SIZE_MAX - 1, MEMRESV_SIZE_MAX, 2000, false,
	  MEMRESV_STATUS_LOW },
	{ U64_ALL, U64_ALL, 2000, false, MEMRESV_STATUS_LOW },
	{ U64_ALL - 1, U64_ALL, 0xffffffff, false, MEMRESV_STATUS_WARNING },
	{ U64_ALL / 2, U64_ALL / 4, 0xffffffff, false, MEMRESV_STATUS_LOW },
};

TEST(status_table)
{
	const struct status_case *c;
	size_t i;

	for (i = 0; i < ARRAY_LEN(status_cases); i++) {
		c = &status_cases[i];
		EXPECT_EQ((int)c->status,
			  (int)memresv_policy_status(c->target, c->demand,
						     c->buffer, c->paging))
			TH_LOG("case %zu: target %llu demand %llu buffer %u",
			       i, (unsigned long long)c->target,
			       (unsigned long long)c->demand, c->buffer);
	}
}

TEST(status_random_against_reference)
{
	u64 target, demand;
	u32 buffer;
	int want, iter;

	rng_seed();
	for (iter = 0; iter < 100000; iter++) {
		demand = rng_size(U64_ALL);
		buffer = rng_below(8) ? MEMRESV_BUFFER_MIN +
			 rng_below(MEMRESV_BUFFER_MAX) : (u32)rng();
		target = rng_below(2) ? rng_size(U64_ALL) :
			 ref_plus_pct(demand, buffer) - rng_below(3);
		if (target < demand)
			want = MEMRESV_STATUS_WARNING;
		else if ((u128)target * 100 >=
			 (u128)demand * (100 + (u128)buffer))
			want = MEMRESV_STATUS_OK;
		else
			want = MEMRESV_STATUS_LOW;
		ASSERT_EQ(want, (int)memresv_policy_status(target, demand,
							   buffer, false))
			TH_LOG("iter %d", iter);
	}
}

/* ------------------------------------------------------------------ */
/* Placement rating                                                   */
/* ------------------------------------------------------------------ */

/*
 * The seed's case: SCVMM rates a host 0 when its physical memory cannot
 * give startup, even though minimum fits and the rest could be paged.
 * Host: capacity 8 GiB, 2 GiB guaranteed, 6 GiB assigned (F = 2 GiB,
 * R = 4 GiB, 4 GiB physically available), 4 GiB of swap tier left.
 * Request: startup 6 GiB, minimum 2 GiB.
 */
static const struct memresv_host_figures seed_host = {
	.capacity = MiB(8192),
	.guaranteed = MiB(2048),
	.assigned = MiB(6144),
	.reclaimable = MiB(2048) + MiB(2048),
	.paging_limit = MiB(4096),
};

static const char scvmm_zero[] =
	"startup 6144 MiB exceeds the 4096 MiB physically available; SCVMM policy rates 0";

/* The sentence memresv place prints for a rating. */
static const char *explain(const struct memresv_host_figures *fig,
			   const struct memresv_request *req,
			   const struct memresv_rating *rt, char *buf,
			   size_t len)
{
	const struct host_info h = {
		.capacity = fig->capacity,
		.guaranteed = fig->guaranteed,
		.assigned = fig->assigned,
		.reclaimable = fig->reclaimable,
		.paging_limit = fig->paging_limit,
		.paging_used = fig->paging_used,
	};
	const struct place_request preq = {
		.startup = req->startup,
		.minimum = req->minimum,
		.maximum = req->maximum,
	};

	return rating_explain(&h, &preq, rt, buf, len);
}

TEST(rate_seed_case)
{
	struct memresv_request req = REQ(MiB(6144), MiB(2048), false);
	struct memresv_host_figures host = seed_host;
	struct memresv_rating rt;
	char why[PLACE_REASON_MAX];

	host.reclaimable = MiB(4096) - MiB(2048);	/* assigned - guaranteed */
	memresv_policy_rate(&host, &req, MEMRESV_POLICY_STARTUP, &rt);
	EXPECT_EQ(fit_of(MEMRESV_FIT_NONE), fit_of(rt.fit));
	EXPECT_EQ(0U, rt.stars);
	EXPECT_EQ(MEMRESV_LIMIT_STARTUP, rt.limit);
	EXPECT_EQ(MiB(4096), rt.available);
	EXPECT_STREQ(scvmm_zero, explain(&host, &req, &rt, why, sizeof(why)));

	/*
	 * Policy minimum: 4096 MiB physical, 2048 MiB from the tier.  Rated
	 * on max(assigned, guaranteed + minimum) = 6144 MiB used of 8192:
	 * 5000 * 2048 / 8192 = 1250, under the paging cap of 1500.
	 */
	req.paging_allowed = false;	/* ignored by the rating */
	memresv_policy_rate(&host, &req, MEMRESV_POLICY_MINIMUM, &rt);
	EXPECT_EQ(fit_of(MEMRESV_FIT_PAGING), fit_of(rt.fit));
	EXPECT_EQ(1250U, rt.stars);
	EXPECT_EQ(MiB(4096), rt.physical);
	EXPECT_EQ(MiB(2048), rt.grant);
	EXPECT_STREQ("minimum 2048 MiB guaranteed, 4096 MiB physical, 2048 MiB from the swap tier",
		     explain(&host, &req, &rt, why, sizeof(why)));
}

struct rate_case {
	const char *name;
	struct memresv_host_figures host;
	u64 startup;
	u64 minimum;
	enum memresv_place_policy policy;
	enum memresv_fit fit;
	u32 stars;
	const char *reason;
};

#define HOST(c, g, a, r, pl, pu) { .capacity = MiB(c), .guaranteed = MiB(g), \
	.assigned = MiB(a), .reclaimable = MiB(r), .paging_limit = MiB(pl), \
	.paging_used = MiB(pu) }

static const struct rate_case rate_cases[] = {
	{ "free: 5000 * (1 - (2000 + 3000) / 10000)",
	  HOST(10000, 1000, 2000, 1000, 0, 0), MiB(3000), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_FREE, 2500,
	  "startup 3000 MiB fits in 8000 MiB free" },
	{ "free on an empty host: full 5 stars",
	  HOST(10000, 0, 0, 0, 0, 0), 0, 0,
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_FREE, 5000,
	  "startup 0 MiB fits in 10000 MiB free" },
	{ "free, startup == F: used == capacity, raised to the floor",
	  HOST(10000, 1000, 2000, 1000, 0, 0), MiB(8000), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_FREE, 100,
	  "startup 8000 MiB fits in 8000 MiB free" },
	{ "free, just under the floor: 5000 * 10 / 10000 = 5 -> 100",
	  HOST(10000, 1000, 2000, 1000, 0, 0), MiB(7990), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_FREE, 100, NULL },
	{ "free, just over the floor: 5000 * 210 / 10000 = 105",
	  HOST(10000, 1000, 2000, 1000, 0, 0), MiB(7790), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_FREE, 105, NULL },
	{ "reclaim: rated on max(assigned, guaranteed + startup) = 9000",
	  HOST(10000, 1000, 9000, 8000, 0, 0), MiB(2000), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_RECLAIM, 500,
	  "startup 2000 MiB fits once 1000 MiB is reclaimed from other reservations" },
	{ "reclaim: guaranteed + startup dominates (6000 -> 2000)",
	  HOST(10000, 0, 5000, 5000, 0, 0), MiB(6000), MiB(1000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_RECLAIM, 2000, NULL },
	{ "reclaim, startup == F + R: full host, floor",
	  HOST(10000, 1000, 10000, 9000, 0, 0), MiB(9000), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_RECLAIM, 100, NULL },
	{ "reclaim cap: 5000 * 5000 / 10000 = 2500 stays under 3000",
	  HOST(10000, 0, 5000, 5000, 0, 0), MiB(5001), MiB(1),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_RECLAIM, 2499, NULL },
	{ "paging cap: 5000 * 8000 / 10000 = 4000 capped at 1500",
	  HOST(10000, 1000, 1000, 0, 8192, 0), MiB(12000), MiB(1000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_PAGING, 1500,
	  "minimum 1000 MiB guaranteed, 9000 MiB physical, 3000 MiB from the swap tier" },
	{ "paging, startup == F + R + tier: still a fit",
	  HOST(10000, 1000, 1000, 0, 3000, 0), MiB(12000), MiB(1000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_PAGING, 1500, NULL },
	{ "paging, one MiB over the tier: none",
	  HOST(10000, 1000, 1000, 0, 3000, 0), MiB(12001), MiB(1000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_NONE, 0,
	  "startup 12001 MiB needs 3001 MiB from the swap tier, which has 3000 MiB left" },
	{ "paging needs minimum physically",
	  HOST(10000, 1000, 1000, 0, 8192, 0), MiB(12000), MiB(9001),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_NONE, 0,
	  "minimum 9001 MiB exceeds the 9000 MiB physically available" },
	{ "paging on a full host: floor, never 0",
	  HOST(10000, 9000, 10000, 1000, 8192, 0), MiB(2000), MiB(1000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_PAGING, 100, NULL },
	{ "startup policy never pages",
	  HOST(10000, 1000, 1000, 0, 8192, 0), MiB(12000), MiB(1000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_NONE, 0,
	  "startup 12000 MiB exceeds the 9000 MiB physically available; SCVMM policy rates 0" },
	{ "startup policy, startup == F + R: a reclaim fit",
	  HOST(10000, 1000, 5000, 4000, 0, 0), MiB(9000), MiB(9000),
	  MEMRESV_POLICY_STARTUP, MEMRESV_FIT_RECLAIM, 100, NULL },
	{ "capacity 0",
	  HOST(0, 0, 0, 0, 8192, 0), 0, 0,
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_NONE, 0,
	  "host has no capacity for reservations" },
	{ "guarantees above capacity",
	  HOST(1024, 2048, 0, 0, 8192, 0), MiB(1), MiB(1),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_NONE, 0,
	  "host overcommitted: 2048 MiB guaranteed exceeds its 1024 MiB capacity" },
	{ "minimum above startup",
	  HOST(10000, 0, 0, 0, 0, 0), MiB(1000), MiB(2000),
	  MEMRESV_POLICY_MINIMUM, MEMRESV_FIT_NONE, 0,
	  "minimum 2000 MiB exceeds startup 1000 MiB" },
};

TEST(rate_table)
{
	struct memresv_request req = { .maximum = MiB(65536) };
	const struct rate_case *c;
	struct memresv_rating rt;
	char why[PLACE_REASON_MAX];
	size_t i;

	for (i = 0; i < ARRAY_LEN(rate_cases); i++) {
		c = &rate_cases[i];
		req.startup = c->startup;
		req.minimum = c->minimum;
		memset(&rt, 0xa5, sizeof(rt));
		memresv_policy_rate(&c->host, &req, c->policy, &rt);
		EXPECT_EQ(fit_of(c->fit), fit_of(rt.fit))
			TH_LOG("%s: fit", c->name);
		EXPECT_EQ(c->stars, rt.stars) TH_LOG("%s: stars", c->name);
		explain(&c->host, &req, &rt, why, sizeof(why));
		if (c->reason)
			EXPECT_STREQ(c->reason, why)
				TH_LOG("%s: reason", c->name);
	}
}

TEST(rate_random_properties)
{
	static const u32 caps[4] = { 0, 5000, 3000, 1500 };
	struct memresv_host_figures h;
	struct memresv_request r, as;
	struct memresv_admission adm;
	struct memresv_rating rt;
	enum memresv_place_policy pol;
	char why[PLACE_REASON_MAX];
	u64 used, phys, avail;
	u128 stars;
	int iter;

	rng_seed();
	for (iter = 0; iter < 100000; iter++) {
		random_host(&h);
		random_request(&r, rng_below(2) ? h.capacity : U64_ALL);
		pol = rng_below(2) ? MEMRESV_POLICY_STARTUP :
				     MEMRESV_POLICY_MINIMUM;
		memresv_policy_rate(&h, &r, pol, &rt);

		/* The fit is admission's, paging only under policy minimum. */
		as = r;
		as.paging_allowed = pol == MEMRESV_POLICY_MINIMUM;
		memresv_policy_admit(&h, &as, &adm);
		if (!h.capacity)
			adm.fit = MEMRESV_FIT_NONE;
		ASSERT_EQ(fit_of(adm.fit), fit_of(rt.fit)) TH_LOG("iter %d", iter);
		ASSERT_EQ(fit_of(ref_admit(&h, &as, &phys)) && h.capacity ?
			  fit_of(ref_admit(&h, &as, &phys)) : 0, fit_of(rt.fit));
		ASSERT_LT(0UL, strlen(explain(&h, &r, &rt, why, sizeof(why))));

		/* The figures that explain it. */
		stars = (u128)ref_sub(h.capacity, h.assigned) + h.reclaimable;
		avail = ref_min(stars > U64_ALL ? U64_ALL : (u64)stars,
				ref_sub(h.capacity, h.guaranteed));
		ASSERT_EQ(ref_sub(h.capacity, h.assigned), rt.free);
		ASSERT_EQ(avail, rt.available) TH_LOG("iter %d", iter);
		ASSERT_EQ(ref_sub(h.paging_limit, h.paging_used), rt.tier_left);
		if (rt.fit == MEMRESV_FIT_NONE) {
			ASSERT_EQ(0U, rt.stars) TH_LOG("iter %d", iter);
			ASSERT_NE(MEMRESV_LIMIT_NONE, rt.limit);
			continue;
		}
		ASSERT_EQ(MEMRESV_LIMIT_NONE, rt.limit);
		ASSERT_EQ(adm.physical, rt.physical);
		ASSERT_EQ(adm.grant, rt.grant);
		ASSERT_EQ(adm.reclaim, rt.reclaim);
		if (rt.fit == MEMRESV_FIT_FREE)
			used = h.assigned + r.startup;
		else if (rt.fit == MEMRESV_FIT_RECLAIM)
			used = ref_max(h.assigned, h.guaranteed + r.startup);
		else
			used = ref_max(h.assigned, h.guaranteed + r.minimum);
		stars = used < h.capacity ?
			(u128)(h.capacity - used) * 5000 / h.capacity : 0;
		if (stars > caps[rt.fit])
			stars = caps[rt.fit];
		if (stars < 100)
			stars = 100;
		ASSERT_EQ((u32)stars, rt.stars) TH_LOG("iter %d", iter);
		ASSERT_NE(fit_of(MEMRESV_FIT_PAGING),
			  pol == MEMRESV_POLICY_STARTUP ? fit_of(rt.fit) : -1);
	}
}

/* ------------------------------------------------------------------ */
/* Balancer                                                           */
/* ------------------------------------------------------------------ */

#define ENT(g, mx, d, buf, w, t) { .guarantee = (g), .maximum = (mx), \
	.demand = (d), .buffer = (buf), .weight = (w), .target = (t) }

static void balance(struct memresv_balance_entry *e, size_t n, u64 capacity,
		    u64 shrink_step, u64 hysteresis)
{
	const struct memresv_balance_params p = {
		.capacity = capacity,
		.shrink_step = shrink_step,
		.hysteresis = hysteresis,
	};

	memresv_policy_balance(e, n, &p);
}

TEST(balance_contended_3_to_1)
{
	/* 2000 above the guarantees; both want 2000 for demand: 3:1. */
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 3000, 20, 300, 1000),
		ENT(1000, 10000, 3000, 20, 100, 1000),
	};

	balance(e, 2, 4000, 0, 0);
	EXPECT_EQ(2500ULL, e[0].target);
	EXPECT_EQ(1500ULL, e[1].target);
	EXPECT_EQ(3600ULL, e[0].desired);
	EXPECT_EQ(3600ULL, e[1].desired);
}

TEST(balance_leftover_of_a_capped_entry_goes_to_the_rest)
{
	/* A's demand share (1500) exceeds its want (200): B gets the rest. */
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 1200, 20, 300, 1000),
		ENT(1000, 10000, 3000, 20, 100, 1000),
	};

	balance(e, 2, 4000, 0, 0);
	/* Demand comes before buffer: A's buffer waits while B is short. */
	EXPECT_EQ(1200ULL, e[0].target);
	EXPECT_EQ(2800ULL, e[1].target);
}

TEST(balance_buffer_pass_by_weight)
{
	/* Demand (1000 each) fits; the last 1000 is shared 3:1 as buffer. */
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 2000, 100, 300, 1000),
		ENT(1000, 10000, 2000, 100, 100, 1000),
	};

	balance(e, 2, 5000, 0, 0);
	EXPECT_EQ(2750ULL, e[0].target);
	EXPECT_EQ(2250ULL, e[1].target);
	EXPECT_EQ(4000ULL, e[0].desired);
}

TEST(balance_uncontended_and_maximum)
{
	struct memresv_balance_entry e[] = {
		ENT(1000, 100000, 2000, 20, 5000, 1000),
		ENT(500, 100000, 1000, 50, 5000, 500),
		ENT(1000, 1500, 5000, 20, 5000, 1000),	/* capped by maximum */
		ENT(1000, 100000, 0, 20, 5000, 1000),	/* no demand */
	};

	balance(e, 4, 100000, 0, 0);
	EXPECT_EQ(2400ULL, e[0].target);
	EXPECT_EQ(1500ULL, e[1].target);
	EXPECT_EQ(1500ULL, e[2].target);
	EXPECT_EQ(1500ULL, e[2].desired);
	EXPECT_EQ(1000ULL, e[3].target);
	EXPECT_EQ(1000ULL, e[3].desired);
}

TEST(balance_shrink_rate)
{
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 1000, 20, 100, 5000),
	};
	static const u64 steps[] = { 4000, 3000, 2000, 1200, 1200 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(steps); i++) {
		balance(e, 1, 10000, 1000, 0);
		EXPECT_EQ(steps[i], e[0].target) TH_LOG("pass %zu", i);
	}
	/* Step 0 means no limit: straight to desired. */
	e[0].target = 5000;
	balance(e, 1, 10000, 0, 0);
	EXPECT_EQ(1200ULL, e[0].target);
}

TEST(balance_growth_waits_for_shrinking_entries)
{
	/*
	 * Ideal: A 1200, B 4800 (sum 6000).  A may only shrink by 1000 per
	 * pass, so B grows into what A has given up, never past capacity.
	 */
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 1000, 20, 100, 5000),
		ENT(1000, 10000, 4000, 20, 100, 1000),
	};
	static const u64 a[] = { 4000, 3000, 2000, 1200, 1200 };
	static const u64 b[] = { 2000, 3000, 4000, 4800, 4800 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(a); i++) {
		balance(e, 2, 6000, 1000, 0);
		EXPECT_EQ(a[i], e[0].target) TH_LOG("pass %zu", i);
		EXPECT_EQ(b[i], e[1].target) TH_LOG("pass %zu", i);
	}
}

TEST(balance_hysteresis)
{
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 2000, 20, 100, 2300),
	};

	/*
	 * desired 2400: a shrink of exactly the hysteresis is not made, one
	 * of a unit more is.
	 */
	e[0].target = 2500;
	balance(e, 1, 10000, 0, 100);
	EXPECT_EQ(2500ULL, e[0].target);
	e[0].target = 2501;
	balance(e, 1, 10000, 0, 100);
	EXPECT_EQ(2400ULL, e[0].target);
	/*
	 * Growth is never held back: a target short of its desired size by
	 * the hysteresis or less grows to it (the status would say "low"
	 * for as long as it stayed).
	 */
	e[0].target = 2300;
	balance(e, 1, 10000, 0, 100);
	EXPECT_EQ(2400ULL, e[0].target);
	e[0].target = 2399;
	balance(e, 1, 10000, 0, 100);
	EXPECT_EQ(2400ULL, e[0].target);
	/* Also when free memory cuts the growth down to less than that. */
	e[0].target = 2300;
	balance(e, 1, 2350, 0, 100);
	EXPECT_EQ(2350ULL, e[0].target);
	/* The demand falls back a little: the target stays (no flapping). */
	e[0].demand = 1950;
	balance(e, 1, 10000, 0, 100);
	EXPECT_EQ(2350ULL, e[0].target);
}

TEST(balance_weight_zero)
{
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 2500, 20, 100, 1000),
		ENT(1000, 10000, 2000, 20, 0, 1000),
	};
	struct memresv_balance_entry z[] = {
		ENT(500, 10000, 2000, 20, 0, 500),
		ENT(500, 10000, 2000, 20, 0, 500),
	};

	/* The positive weight's demand (1500) first, the 500 left to Z. */
	balance(e, 2, 4000, 0, 0);
	EXPECT_EQ(2500ULL, e[0].target);
	EXPECT_EQ(1500ULL, e[1].target);

	/* Not enough for the positive weight: weight 0 gets nothing. */
	e[0].target = 1000;
	e[1].target = 1000;
	balance(e, 2, 3000, 0, 0);
	EXPECT_EQ(2000ULL, e[0].target);
	EXPECT_EQ(1000ULL, e[1].target);

	/* Only weight 0: shared equally, then capped by desired (2400). */
	balance(z, 2, 3000, 0, 0);
	EXPECT_EQ(1500ULL, z[0].target);
	EXPECT_EQ(1500ULL, z[1].target);
	z[0].target = 500;
	z[1].target = 500;
	balance(z, 2, 100000, 0, 0);
	EXPECT_EQ(2400ULL, z[0].target);
	EXPECT_EQ(2400ULL, z[1].target);
}

TEST(balance_guarantees_above_capacity)
{
	struct memresv_balance_entry e[] = {
		ENT(800, 10000, 5000, 20, 100, 900),
		ENT(800, 10000, 5000, 20, 100, 700),
	};

	balance(e, 2, 1000, 100, 0);
	EXPECT_EQ(800ULL, e[0].target);
	EXPECT_EQ(800ULL, e[1].target);
	EXPECT_EQ(6000ULL, e[0].desired);
}

TEST(balance_targets_above_capacity_shrink_and_nobody_grows)
{
	/*
	 * The current targets (7000) exceed capacity (6000), e.g. after the
	 * reserve grew.  A shrinks by its step even though the step is
	 * within the hysteresis; B would like to grow but may not.
	 */
	struct memresv_balance_entry e[] = {
		ENT(1000, 10000, 1000, 20, 100, 4000),
		ENT(1000, 10000, 4000, 20, 100, 3000),
	};

	balance(e, 2, 6000, 500, 1000);
	EXPECT_EQ(3500ULL, e[0].target);
	EXPECT_EQ(3000ULL, e[1].target);
	balance(e, 2, 6000, 500, 1000);
	EXPECT_EQ(3000ULL, e[0].target);
	EXPECT_EQ(3000ULL, e[1].target);
	/* Back within capacity: the hysteresis holds A, B may grow again. */
	balance(e, 2, 6000, 500, 1000);
	EXPECT_EQ(3000ULL, e[0].target);
	EXPECT_EQ(3000ULL, e[1].target);
	balance(e, 2, 6000, 2000, 1000);
	EXPECT_EQ(1200ULL, e[0].target);
	EXPECT_EQ(4800ULL, e[1].target);
}

TEST(balance_target_outside_bounds_is_brought_inside)
{
	struct memresv_balance_entry e[] = {
		ENT(1000, 2000, 800, 20, 100, 500),	/* below guarantee */
		ENT(1000, 2000, 1500, 20, 100, 9000),	/* above maximum */
		ENT(3000, 2000, 1500, 20, 100, 9000),	/* maximum < guarantee */
	};

	balance(e, 3, 100000, 10, 1000);
	EXPECT_EQ(1000ULL, e[0].target);
	EXPECT_EQ(2000ULL, e[1].target);
	EXPECT_EQ(3000ULL, e[2].target);
	EXPECT_EQ(3000ULL, e[2].desired);
}

TEST(balance_extremes)
{
	struct memresv_balance_entry e[] = {
		ENT(0, MEMRESV_SIZE_MAX, MEMRESV_SIZE_MAX, 2000, 10000, 0),
		ENT(0, MEMRESV_SIZE_MAX, MEMRESV_SIZE_MAX, 2000, 1, 0),
		ENT(0, MEMRESV_SIZE_MAX, MEMRESV_SIZE_MAX, 2000, 0, 0),
	};
	struct memresv_balance_entry u[] = {
		ENT(0, U64_ALL, U64_ALL, 0xffffffff, 0xffffffff, U64_ALL),
		ENT(0, U64_ALL, U64_ALL, 0xffffffff, 0xffffffff, 0),
	};

	balance(e, 3, MEMRESV_SIZE_MAX, 0, 0);
	/* 2^52 * 10000 / 10001 and 2^52 / 10001, exact. */
	EXPECT_EQ((u64)((u128)MEMRESV_SIZE_MAX * 10000 / 10001), e[0].target);
	EXPECT_EQ((u64)((u128)MEMRESV_SIZE_MAX / 10001), e[1].target);
	EXPECT_EQ(0ULL, e[2].target);
	EXPECT_EQ(MEMRESV_SIZE_MAX, e[0].desired);
	EXPECT_GE(MEMRESV_SIZE_MAX, e[0].target + e[1].target + e[2].target);

	balance(u, 2, U64_ALL, 1, 0);
	/* The ideal is half each: u[0] shrinks by 1, u[1] takes that 1. */
	EXPECT_EQ(U64_ALL - 1, u[0].target);
	EXPECT_EQ(1ULL, u[1].target);
	EXPECT_EQ(U64_ALL, u[0].desired);

	balance(NULL, 0, 1000, 0, 0);
}

/*
 * Reference water-fill over arrays, the textbook way: share the pool by
 * weight among the unsatisfied, satisfy whoever wants no more than its
 * share, repeat; weight 0 only once every positive weight is satisfied.
 */
static u64 ref_fill(const u64 *want, const u32 *w, size_t n, u64 pool,
		    u64 *got)
{
	bool done[16] = { false };
	u64 used = 0, wsum, share, p;
	bool zero = false, any;
	size_t i;

	for (i = 0; i < n; i++)
		got[i] = 0;
	for (;;) {
		wsum = 0;
		for (i = 0; i < n; i++)
			if (!done[i] && want[i] && !w[i] == zero)
				wsum += zero ? 1 : w[i];
		if (!wsum) {
			if (zero)
				break;
			zero = true;
			continue;
		}
		p = pool - used;
		any = false;
		for (i = 0; i < n; i++) {
			if (done[i] || !want[i] || !w[i] != zero)
				continue;
			share = (u64)((u128)p * (zero ? 1 : w[i]) / wsum);
			if (want[i] <= share) {
				got[i] = want[i];
				used += want[i];
				done[i] = true;
				any = true;
			}
		}
		if (any)
			continue;
		for (i = 0; i < n; i++)
			if (!done[i] && want[i] && !w[i] == zero)
				got[i] = (u64)((u128)p * (zero ? 1 : w[i]) /
					       wsum);
		break;
	}
	for (i = 0, used = 0; i < n; i++)
		used += got[i];
	return used;
}

static void random_entries(struct memresv_balance_entry *e, size_t n,
			   u64 *capacity)
{
	u64 limit = rng_below(4) ? MEMRESV_SIZE_MAX : rng_size(MiB(65536));
	u64 sum_g = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i && !rng_below(4)) {
			/* A clone with another weight: same wants. */
			e[i] = e[rng_below(i)];
			e[i].weight = rng_below(10001);
		} else {
			e[i].guarantee = rng_size(limit / 8);
			e[i].maximum = rng_below(16) ? e[i].guarantee +
				       rng_size(limit) : rng_size(limit);
			e[i].demand = rng_size(limit);
			e[i].buffer = MEMRESV_BUFFER_MIN +
				      rng_below(MEMRESV_BUFFER_MAX);
			e[i].weight = rng_below(4) ? rng_below(5) * 2500 :
						     rng_below(10001);
		}
		sum_g += e[i].guarantee;
	}
	*capacity = rng_below(16) ? sum_g + rng_size(limit) : rng_size(limit);
}

TEST(balance_ideal_random_properties)
{
	struct memresv_balance_entry e[16];
	u64 want[16], got1[16], got2[16], w2[16], ideal[16];
	u32 w[16];
	u64 cap, sum_g, sum_t, top, dem, pool;
	size_t n, i, j;
	int iter, short_demand, short_any;

	rng_seed();
	for (iter = 0; iter < 20000; iter++) {
		n = 1 + rng_below(ARRAY_LEN(e));
		random_entries(e, n, &cap);
		sum_g = 0;
		for (i = 0; i < n; i++) {
			e[i].target = e[i].guarantee;
			sum_g += e[i].guarantee;
		}
		balance(e, n, cap, 0, 0);

		if (sum_g > cap) {
			for (i = 0; i < n; i++)
				ASSERT_EQ(e[i].guarantee, e[i].target);
			continue;
		}

		/* The reference: two water-fills, demand then buffer. */
		for (i = 0; i < n; i++) {
			top = ref_max(e[i].maximum, e[i].guarantee);
			w[i] = e[i].weight;
			want[i] = ref_clamp(e[i].demand, e[i].guarantee, top) -
				  e[i].guarantee;
		}
		pool = cap - sum_g;
		pool -= ref_fill(want, w, n, pool, got1);
		for (i = 0; i < n; i++)
			w2[i] = e[i].desired - e[i].guarantee - got1[i];
		ref_fill(w2, w, n, pool, got2);

		sum_t = 0;
		short_demand = 0;
		short_any = 0;
		for (i = 0; i < n; i++) {
			top = ref_max(e[i].maximum, e[i].guarantee);
			ideal[i] = e[i].guarantee + got1[i] + got2[i];
			ASSERT_EQ(ref_clamp(ref_plus_pct(e[i].demand,
							 e[i].buffer),
					    e[i].guarantee, top), e[i].desired)
				TH_LOG("iter %d entry %zu", iter, i);
			ASSERT_EQ(ideal[i], e[i].target)
				TH_LOG("iter %d entry %zu: cap %llu", iter, i,
				       (unsigned long long)cap);
			ASSERT_LE(e[i].guarantee, e[i].target);
			ASSERT_LE(e[i].target, e[i].desired);
			sum_t += e[i].target;
			dem = ref_clamp(e[i].demand, e[i].guarantee, top);
			if (e[i].target < dem && e[i].weight)
				short_demand = 1;
			if (e[i].target < e[i].desired)
				short_any = 1;
		}
		ASSERT_LE(sum_t, cap) TH_LOG("iter %d", iter);
		/* Work-conserving: only rounding crumbs stay unassigned. */
		if (short_any)
			ASSERT_LE(cap - sum_t, (u64)n) TH_LOG("iter %d", iter);

		for (i = 0; i < n; i++) {
			top = ref_max(e[i].maximum, e[i].guarantee);
			dem = ref_clamp(e[i].demand, e[i].guarantee, top);
			/* Demand before buffer, positive weights before 0. */
			if (short_demand) {
				ASSERT_LE(e[i].target, dem + n)
					TH_LOG("iter %d entry %zu", iter, i);
				if (!e[i].weight)
					ASSERT_EQ(e[i].guarantee, e[i].target);
			}
			/* Same wants: a larger weight never gets less. */
			for (j = 0; j < n; j++)
				if (e[j].guarantee == e[i].guarantee &&
				    e[j].maximum == e[i].maximum &&
				    e[j].demand == e[i].demand &&
				    e[j].buffer == e[i].buffer &&
				    e[j].weight > e[i].weight)
					ASSERT_LE(e[i].target, e[j].target)
						TH_LOG("iter %d: %zu vs %zu",
						       iter, i, j);
		}
	}
}

TEST(balance_rate_limited_random_properties)
{
	struct memresv_balance_entry e[16], id[16];
	u64 cur[16], base[16];
	u64 cap, sum_g, sum_base, sum_t, top, step, hyst, room;
	size_t n, i;
	int iter, over, valid;

	rng_seed();
	for (iter = 0; iter < 20000; iter++) {
		n = 1 + rng_below(ARRAY_LEN(e));
		random_entries(e, n, &cap);
		step = rng_below(4) ? rng_size(cap) : 0;
		hyst = rng_below(2) ? rng_size(cap / 16) : 0;

		/* Current targets: mostly valid and fitting, sometimes not. */
		sum_g = 0;
		for (i = 0; i < n; i++)
			sum_g += e[i].guarantee;
		room = ref_sub(cap, sum_g);
		valid = rng_below(4) != 0;
		sum_base = 0;
		for (i = 0; i < n; i++) {
			top = ref_max(e[i].maximum, e[i].guarantee);
			if (valid) {
				cur[i] = e[i].guarantee +
					 rng_size(ref_min(top - e[i].guarantee,
							  room));
				room -= cur[i] - e[i].guarantee;
			} else {
				cur[i] = rng_size(top + rng_size(top));
			}
			e[i].target = cur[i];
			base[i] = ref_clamp(cur[i], e[i].guarantee, top);
			sum_base += base[i];
			id[i] = e[i];
			id[i].target = e[i].guarantee;
		}
		balance(id, n, cap, 0, 0);	/* the ideal targets */
		balance(e, n, cap, step, hyst);
		over = sum_base > cap;

		sum_t = 0;
		for (i = 0; i < n; i++) {
			top = ref_max(e[i].maximum, e[i].guarantee);
			sum_t += e[i].target;
			ASSERT_LE(e[i].guarantee, e[i].target) TH_LOG("iter %d", iter);
			ASSERT_LE(e[i].target, top) TH_LOG("iter %d", iter);
			if (sum_g > cap) {
				ASSERT_EQ(e[i].guarantee, e[i].target);
				continue;
			}
			/* Never above max(desired, previous target). */
			ASSERT_LE(e[i].target, ref_max(e[i].desired, base[i]))
				TH_LOG("iter %d entry %zu", iter, i);
			/* Moves toward the ideal, never past it. */
			if (e[i].target > base[i])
				ASSERT_LE(e[i].target, id[i].target)
					TH_LOG("iter %d entry %zu", iter, i);
			if (e[i].target < base[i]) {
				ASSERT_GE(e[i].target, id[i].target)
					TH_LOG("iter %d entry %zu", iter, i);
				if (step)
					ASSERT_LE(base[i] - e[i].target, step)
						TH_LOG("iter %d entry %zu",
						       iter, i);
			}
			/* Hysteresis: no small shrink, except when over. */
			if (e[i].target < base[i] && !over)
				ASSERT_LT(hyst, base[i] - e[i].target)
					TH_LOG("iter %d entry %zu", iter, i);
			if (over)
				ASSERT_LE(e[i].target, base[i])
					TH_LOG("iter %d entry %zu: grew while over",
					       iter, i);
		}
		if (sum_g > cap)
			continue;
		if (valid)
			ASSERT_LE(sum_t, cap) TH_LOG("iter %d", iter);
		/* Over capacity the sum only falls; otherwise it stays within. */
		ASSERT_LE(sum_t, over ? sum_base : ref_max(cap, sum_base))
			TH_LOG("iter %d", iter);
	}
}

TEST(balance_converges)
{
	struct memresv_balance_entry e[16], id[16];
	u64 cap;
	size_t n, i;
	int iter, pass;

	/* From any valid start, repeated passes reach the ideal. */
	rng_seed();
	for (iter = 0; iter < 2000; iter++) {
		n = 1 + rng_below(ARRAY_LEN(e));
		random_entries(e, n, &cap);
		for (i = 0; i < n; i++) {
			e[i].target = e[i].guarantee;
			id[i] = e[i];
		}
		balance(id, n, cap, 0, 0);
		for (i = 0; i < n; i++)
			e[i].target = id[i].target;
		/* Move the demands, so the old targets are wrong. */
		for (i = 0; i < n; i++) {
			e[i].demand = rng_size(e[i].demand * 2 + 1);
			id[i] = e[i];
			id[i].target = id[i].guarantee;
		}
		balance(id, n, cap, 0, 0);
		for (pass = 0; pass < 64; pass++)
			balance(e, n, cap, cap / 8 + 1, 0);
		for (i = 0; i < n; i++)
			ASSERT_EQ(id[i].target, e[i].target)
				TH_LOG("iter %d entry %zu", iter, i);
	}
}

TEST_HARNESS_MAIN
