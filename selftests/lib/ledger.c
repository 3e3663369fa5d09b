// SPDX-License-Identifier: GPL-2.0
/*
 * The ledger check (see ledger.h): the module's, from a RESV_GET dump and
 * HOST_GET, and any other ledger's (the density replay keeps one).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ledger.h"

#define VERIFY_PARAM	"/sys/module/memresv/parameters/verify_ledger"

/* Tries at a dump that no change interrupted. */
#define LEDGER_TRIES	5

/**
 * mr_ledger_add() - count one reservation into a ledger's sums
 * @l: the sums
 * @guarantee: its guarantee
 * @target: its target
 * @grant: its paging grant
 */
void mr_ledger_add(struct mr_ledger *l, uint64_t guarantee, uint64_t target,
		   uint64_t grant)
{
	l->guaranteed += guarantee;
	l->assigned += target;
	l->paging_used += grant;
	l->n++;
}

/**
 * mr_ledger_compare() - the sums recounted against the sums kept
 * @counted: recounted over the reservations
 * @kept: what the ledger holds
 * @capacity: what all guarantees together must fit in
 * @why: what broke, one line
 * @len: size of @why
 *
 * Return: 0 when they agree and the guarantees fit, else the length of
 * the line in @why.
 */
int mr_ledger_compare(const struct mr_ledger *counted,
		      const struct mr_ledger *kept, uint64_t capacity,
		      char *why, size_t len)
{
	if (kept->guaranteed > capacity)
		return snprintf(why, len, "guaranteed %llu > capacity %llu",
				(unsigned long long)kept->guaranteed,
				(unsigned long long)capacity);
	if (memcmp(counted, kept, sizeof(*kept)))
		return snprintf(why, len,
				"recounted %llu/%llu/%llu/%llu differ from the ledger's %llu/%llu/%llu/%llu (guaranteed/assigned/paging/n)",
				(unsigned long long)counted->guaranteed,
				(unsigned long long)counted->assigned,
				(unsigned long long)counted->paging_used,
				(unsigned long long)counted->n,
				(unsigned long long)kept->guaranteed,
				(unsigned long long)kept->assigned,
				(unsigned long long)kept->paging_used,
				(unsigned long long)kept->n);
	return 0;
}

static void ledger_count(const struct mr_attrs *a, void *arg)
{
	mr_ledger_add(arg, a->val[MEMRESV_A_GUARANTEE],
		      a->val[MEMRESV_A_TARGET], a->val[MEMRESV_A_PAGING_GRANT]);
}

/* A hold counts like a starting reservation, but not as one. */
static void hold_count(const struct mr_attrs *a, void *arg)
{
	struct mr_ledger *l = arg;

	mr_ledger_add(l, a->val[MEMRESV_A_GUARANTEE], a->val[MEMRESV_A_TARGET],
		      a->val[MEMRESV_A_PAGING_GRANT]);
	l->n--;
}

/* The sums over a RESV_GET dump and a HOLD_GET dump. */
static int ledger_recount(struct mrnl *s, struct mr_ledger *counted,
			  struct mr_result *res)
{
	int err;

	memset(counted, 0, sizeof(*counted));
	err = mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), res,
		      ledger_count, counted);
	if (err || res->intr)
		return err;
	return mr_send(s, mr_msg(s, MEMRESV_CMD_HOLD_GET, NLM_F_DUMP), res,
		       hold_count, counted);
}

/**
 * mr_ledger_check() - the module's ledger invariant, from user space
 * @s: a socket
 * @why: what broke, one line
 * @len: size of @why
 *
 * HOST_GET's guaranteed, assigned, paging_used and reservations are the
 * sums over a RESV_GET dump and the holds, and guaranteed <= capacity.  A dump that
 * something changed under is taken again; on a host too busy to hold still
 * only the invariant is checked.
 *
 * Return: 0, or the length of the line in @why.
 */
int mr_ledger_check(struct mrnl *s, char *why, size_t len)
{
	struct mr_ledger counted, kept;
	struct mr_attrs h1, h2;
	struct mr_result res;
	int tries;

	for (tries = 0; tries < LEDGER_TRIES; tries++) {
		if (mr_host(s, &h1))
			return snprintf(why, len, "HOST_GET failed");
		if (ledger_recount(s, &counted, &res))
			return snprintf(why, len, "dump failed: %d", res.err);
		if (mr_host(s, &h2))
			return snprintf(why, len, "HOST_GET failed");
		/* Something moved in between: look again. */
		if (!res.intr && !memcmp(h1.val, h2.val, sizeof(h1.val)))
			break;
	}
	kept = (struct mr_ledger){
		.guaranteed = h2.val[MEMRESV_A_HOST_GUARANTEED],
		.assigned = h2.val[MEMRESV_A_HOST_ASSIGNED],
		.paging_used = h2.val[MEMRESV_A_HOST_PAGING_USED],
		.n = h2.val[MEMRESV_A_HOST_RESERVATIONS],
	};
	if (tries == LEDGER_TRIES)
		counted = kept;	/* busy host: sums cannot be compared */
	return mr_ledger_compare(&counted, &kept,
				 h2.val[MEMRESV_A_HOST_CAPACITY], why, len);
}

/**
 * mr_ledger_verify() - turn the module's own recount of the ledger on or off
 * @on: '1' to recount after every change (a drift WARNs), '0' not to
 *
 * The recount is O(n) per change: tests that fill the table with
 * thousands turn it off while they do.
 *
 * Return: the setting before ('0' or '1'), or 0 when there is none to
 * change (no module, or one without the parameter).
 */
char mr_ledger_verify(char on)
{
	char was = 0;
	int fd = open(VERIFY_PARAM, O_RDWR);

	if (fd < 0)
		return 0;
	if (read(fd, &was, 1) != 1 || pwrite(fd, &on, 1, 0) != 1)
		was = 0;
	close(fd);
	return was;
}
