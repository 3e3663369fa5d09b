// SPDX-License-Identifier: GPL-2.0
/*
 * The balancer's arithmetic alone, timed: scale_bench times it in the VM
 * next to the module's own pass, density on the host, and the two give the
 * emulation's slowdown for plain computation.
 */
#include <stdlib.h>

#include "bench.h"
#include "policy.h"

#define MiB	(1ULL << 20)

struct pass {
	struct memresv_balance_entry *e;
	int n;
};

/* One pass over @n idle entries, in ms. */
static double one_pass(void *arg, int run)
{
	const struct memresv_balance_params p = {
		.capacity = 1ULL << 31,
		.shrink_step = 32 * MiB,
		.hysteresis = 2 * MiB,
	};
	struct pass *ps = arg;
	uint64_t t0;
	int i;

	for (i = 0; i < ps->n; i++)
		ps->e[i] = (struct memresv_balance_entry){
			.guarantee = 4096, .maximum = 4096,
			.buffer = 20, .weight = 5000, .target = 4096,
		};
	t0 = mr_now_ns();
	memresv_policy_balance(ps->e, ps->n, &p);
	return (mr_now_ns() - t0) / 1e6;
}

/**
 * bench_policy_ms() - the policy core's balancer pass over idle entries
 * @n: how many entries
 * @runs: how many passes to time (at most 64)
 *
 * Return: the fastest pass, in ms.
 */
double bench_policy_ms(int n, int runs)
{
	struct pass ps = { .e = calloc(n, sizeof(*ps.e)), .n = n };
	double v[64];

	if (!ps.e)
		bench_die("out of memory");
	if (runs > 64)
		runs = 64;
	mr_sample(one_pass, &ps, runs, v);
	free(ps.e);
	return v[0];
}
