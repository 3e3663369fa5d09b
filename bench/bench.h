/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv benchmarks: the results file.  Clocks, order statistics and the
 * timing loop are the test library's (selftests/lib/timing.h), shared with
 * the selftests.
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

#include "timing.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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

double bench_policy_ms(int n, int runs);

#endif /* _MEMRESV_BENCH_H */
