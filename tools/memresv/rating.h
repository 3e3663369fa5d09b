/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: offline placement over host snapshots.
 */
#ifndef MEMRESV_RATING_H
#define MEMRESV_RATING_H

#include <stddef.h>

#include "model.h"

void rating_rate(const struct host_info *h, const struct place_request *req,
		 struct place_result *res);
int rating_load_host(const char *path, struct host_info *h, char *err,
		     size_t errlen);
void rating_rank(struct place_result *res, size_t n);

#endif /* MEMRESV_RATING_H */
