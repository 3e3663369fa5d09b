/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv benchmarks: clocks, order statistics and the results file.
 *
 * Every benchmark prints what it does for people and appends its figures
 * to a results file as "key value" lines; bench/run.sh turns those into
 * the table and build/bench.json.  Keys that are not in bench.json (the
 * breakdowns behind each figure) start with "x_".
 */
#ifndef _MEMRESV_BENCH_H
#define _MEMRESV_BENCH_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline void bench_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts))
		;
}

static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of @v (sorted in place), nearest rank. */
static inline uint64_t bench_pct(uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_u64);
	rank = (n * pct + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

static inline double bench_median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static FILE *bench_results;

/* Results go to $MEMRESV_BENCH_OUT, appended, or nowhere. */
static inline void bench_open_results(void)
{
	const char *path = getenv("MEMRESV_BENCH_OUT");

	/* Progress as it happens, also through the VM's console pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (path && *path) {
		bench_results = fopen(path, "a");
		if (!bench_results)
			perror(path);
	}
}

static inline void bench_result(const char *key, double val)
{
	if (bench_results) {
		fprintf(bench_results, "%s %.6g\n", key, val);
		fflush(bench_results);
	}
}

static inline void bench_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

#endif /* _MEMRESV_BENCH_H */
