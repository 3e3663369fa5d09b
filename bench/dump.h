/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parse that dump_10k_per_s counts, live (scale_bench) or replayed
 * (replay_bench): each dumped reservation taken apart as a client would.
 */
#ifndef _MEMRESV_BENCH_DUMP_H
#define _MEMRESV_BENCH_DUMP_H

#include <string.h>

#include "client.h"

/* What a dump's parse leaves: messages, and a sum that uses every value. */
struct bench_dump {
	long n;
	uint64_t sum;
};

/*
 * Every attribute as a number, and the cgroup's path as a string (its
 * length, not a copy): an mrnl_each_fn with a struct bench_dump.
 */
static inline void bench_dump_parse(const struct nlmsghdr *nlh,
				    struct nlattr **tb, void *arg)
{
	struct bench_dump *d = arg;
	struct mr_attrs a;

	mr_attrs_take(nlh, tb, &a, false);
	if (tb[MEMRESV_A_CGROUP])
		d->sum += strlen(nla_get_string(tb[MEMRESV_A_CGROUP]));
	d->sum += a.val[MEMRESV_A_TARGET] + a.val[MEMRESV_A_CGROUP_ID];
	d->n++;
}

#endif /* _MEMRESV_BENCH_DUMP_H */
