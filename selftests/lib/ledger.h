/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ledger check: the host's sums recounted from the reservations, and
 * the invariant guaranteed <= capacity.
 */
#ifndef _MEMRESV_TEST_LEDGER_H
#define _MEMRESV_TEST_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "client.h"

/**
 * struct mr_ledger - the sums of a ledger
 * @guaranteed: sum of the guarantees
 * @assigned: sum of the targets
 * @paging_used: sum of the paging grants
 * @n: how many reservations
 */
struct mr_ledger {
	uint64_t guaranteed, assigned, paging_used, n;
};

void mr_ledger_add(struct mr_ledger *l, uint64_t guarantee, uint64_t target,
		   uint64_t grant);
int mr_ledger_compare(const struct mr_ledger *counted,
		      const struct mr_ledger *kept, uint64_t capacity,
		      char *why, size_t len);
int mr_ledger_check(struct mrnl *s, char *why, size_t len);
char mr_ledger_verify(char on);

#endif /* _MEMRESV_TEST_LEDGER_H */
