/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Clocks, waits and the one timing loop of the selftests and benchmarks.
 */
#ifndef _MEMRESV_TEST_TIMING_H
#define _MEMRESV_TEST_TIMING_H

#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

uint64_t mr_now_ns(void);
uint64_t mr_now_ms(void);
void mr_sleep_ms(unsigned int ms);
int mr_rounds(const char *name, int dflt);

uint64_t mr_pct(uint64_t *v, size_t n, unsigned int pct);
double mr_median(double *v, size_t n);

/* One sample of a measurement: run @i of the loop. */
typedef double (*mr_sample_fn)(void *arg, int i);
double mr_sample(mr_sample_fn one, void *arg, int n, double *v);

/*
 * Evaluate @cond up to @tries times, @ms apart, until it holds; the number
 * of waits it took (@tries when it never held).  A test's bound in
 * periods is a bound on this number.
 */
#define MR_WAIT(tries, ms, cond) ({					\
	int __n;							\
									\
	for (__n = 0; __n < (tries) && !(cond); __n++)			\
		usleep((ms) * 1000);					\
	__n;								\
})

#endif /* _MEMRESV_TEST_TIMING_H */
