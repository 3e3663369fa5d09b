// SPDX-License-Identifier: GPL-2.0
/*
 * Clocks, order statistics and the one timing loop (see timing.h).
 */
#include <stdlib.h>
#include <time.h>

#include "timing.h"

uint64_t mr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t mr_now_ms(void)
{
	return mr_now_ns() / 1000000;
}

void mr_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts))
		;
}

/**
 * mr_rounds() - how many rounds a test runs
 * @name: the environment variable that may say (RACE_ITERS, ...)
 * @dflt: the count when it is unset, or not a positive number
 *
 * Return: the count.
 */
int mr_rounds(const char *name, int dflt)
{
	const char *v = getenv(name);
	int n = v ? atoi(v) : 0;

	return n > 0 ? n : dflt;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/**
 * mr_pct() - a percentile, nearest rank
 * @v: the values; sorted in place
 * @n: how many
 * @pct: which percentile, 0 - 100
 *
 * Return: the value, or 0 for none.
 */
uint64_t mr_pct(uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	rank = (n * pct + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

/**
 * mr_median() - the median
 * @v: the values; sorted in place, so v[0] is the smallest afterwards
 * @n: how many
 *
 * Return: the median, or 0 for none.
 */
double mr_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * mr_sample() - take a measurement several times
 * @one: takes one sample (it times or reads what it measures)
 * @arg: for @one
 * @n: how many samples
 * @v: @n samples, sorted afterwards: v[0] the smallest, v[n - 1] the largest
 *
 * Return: the median.
 */
double mr_sample(mr_sample_fn one, void *arg, int n, double *v)
{
	int i;

	for (i = 0; i < n; i++)
		v[i] = one(arg, i);
	return mr_median(v, (size_t)n);
}
