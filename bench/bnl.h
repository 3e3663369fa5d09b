/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks add to the libnl core they share with the selftests
 * (selftests/memresv/mrnl.h, which says why it stays lean on the timed
 * path): the baseline request, replies as numbers, and shorthands.
 */
#ifndef _MEMRESV_BENCH_BNL_H
#define _MEMRESV_BENCH_BNL_H

#include <stdbool.h>
#include <stdint.h>

#include "mrnl.h"

/* One reply message, every attribute as a number (strings are skipped). */
struct bnl_attrs {
	bool has[MEMRESV_A_MAX + 1];
	uint64_t val[MEMRESV_A_MAX + 1];
};

int bnl_getfamily(struct mrnl *b);

/* What a dump's parse leaves: messages, and a sum that uses every value. */
struct bnl_dump {
	long n;
	uint64_t sum;
};

void bnl_dump_parse(const struct nlmsghdr *nlh, struct nlattr **tb,
		    void *arg);

void bnl_to_attrs(struct nlattr **tb, struct bnl_attrs *a);
int bnl_host(struct mrnl *b, struct bnl_attrs *host);
int bnl_get(struct mrnl *b, const char *cgroup, struct bnl_attrs *a);
int bnl_set_period(struct mrnl *b, uint32_t ms);
int bnl_set_reserve(struct mrnl *b, uint64_t bytes);
int bnl_new(struct mrnl *b, const char *cgroup, uint64_t startup,
	    uint64_t minimum, uint64_t maximum, uint32_t weight);
int bnl_ready(struct mrnl *b, const char *cgroup);
int bnl_del(struct mrnl *b, const char *cgroup);

#endif /* _MEMRESV_BENCH_BNL_H */
