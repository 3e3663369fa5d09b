/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: placement ratings of this host's or snapshots' figures,
 * explained and ranked.
 */
#ifndef MEMRESV_RATING_H
#define MEMRESV_RATING_H

#include <stddef.h>

#include "model.h"
#include "policy.h"

char *rating_explain(const struct host_info *h,
		     const struct place_request *req,
		     const struct memresv_rating *rt, char *buf, size_t len);
void rating_rate(const struct host_info *h, const struct place_request *req,
		 struct place_result *res);
int rating_load_host(const char *path, struct host_info *h, char *err,
		     size_t errlen);
void rating_rank(struct place_result *res, size_t n);

#endif /* MEMRESV_RATING_H */
