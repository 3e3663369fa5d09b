/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup helpers for the memresv selftests: workloads that allocate and
 * touch memory inside a group, and the ledger invariant checked against a
 * dump.  The groups' files are read and written through cgfile.h.
 */
#ifndef _MEMRESV_SELFTEST_CG_H
#define _MEMRESV_SELFTEST_CG_H

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "cgfile.h"
#include "nl.h"

/*
 * A workload in @cg that allocates and touches @bytes of anonymous memory,
 * then waits to be killed.  Returns its pid once the memory is touched, or
 * -1 when it died first (e.g. OOM-killed).
 */
static inline pid_t cg_run_hog(const char *cg, uint64_t bytes)
{
	int pfd[2];
	char c = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		char *mem;

		close(pfd[0]);
		if (cg_enter(cg))
			_exit(1);
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			_exit(1);
		for (uint64_t off = 0; off < bytes; off += 4096)
			mem[off] = 1;
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1) {
		close(pfd[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(pfd[0]);
	return pid;
}

/*
 * A workload in @cg that keeps touching @bytes of anonymous memory, page by
 * page, for as long as it lives; returns at once (it may be throttled at
 * memory.high and never get all of it).
 */
static inline pid_t cg_spawn_hog(const char *cg, uint64_t bytes)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (cg_enter(cg))
		_exit(1);
	{
		char *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem == MAP_FAILED)
			_exit(1);
		for (;;)
			for (uint64_t off = 0; off < bytes; off += 4096)
				mem[off]++;
	}
}

static inline void cg_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

struct ledger_sum {
	uint64_t guarantee, target, grant;
	int n;
};

static inline void ledger_add(const struct mr_attrs *a, void *arg)
{
	struct ledger_sum *sum = arg;

	sum->guarantee += a->val[MEMRESV_A_GUARANTEE];
	sum->target += a->val[MEMRESV_A_TARGET];
	sum->grant += a->val[MEMRESV_A_PAGING_GRANT];
	sum->n++;
}

/*
 * The ledger invariant, from user space: the host's sums are the sums over
 * a dump, and guaranteed <= capacity.  Returns 0 or a line saying what
 * broke, in @why.
 */
static inline int ledger_check(struct mr_sock *s, char *why, size_t len)
{
	struct ledger_sum sum = {};
	struct mr_attrs h1, h2;
	struct mr_result res;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		memset(&sum, 0, sizeof(sum));
		if (mr_host(s, &h1))
			return snprintf(why, len, "HOST_GET failed");
		if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
			    ledger_add, &sum))
			return snprintf(why, len, "dump failed: %d", res.err);
		if (mr_host(s, &h2))
			return snprintf(why, len, "HOST_GET failed");
		/* Something moved in between: look again. */
		if (!res.intr && !memcmp(h1.val, h2.val, sizeof(h1.val)))
			break;
	}
	if (h2.val[MEMRESV_A_HOST_GUARANTEED] > h2.val[MEMRESV_A_HOST_CAPACITY])
		return snprintf(why, len, "guaranteed %llu > capacity %llu",
				(unsigned long long)h2.val[MEMRESV_A_HOST_GUARANTEED],
				(unsigned long long)h2.val[MEMRESV_A_HOST_CAPACITY]);
	if (tries == 5)
		return 0;	/* busy host: sums cannot be compared */
	if (sum.guarantee != h2.val[MEMRESV_A_HOST_GUARANTEED] ||
	    sum.target != h2.val[MEMRESV_A_HOST_ASSIGNED] ||
	    sum.grant != h2.val[MEMRESV_A_HOST_PAGING_USED] ||
	    (uint64_t)sum.n != h2.val[MEMRESV_A_HOST_RESERVATIONS])
		return snprintf(why, len,
				"dump sums %llu/%llu/%d differ from host %llu/%llu/%llu",
				(unsigned long long)sum.guarantee,
				(unsigned long long)sum.target, sum.n,
				(unsigned long long)h2.val[MEMRESV_A_HOST_GUARANTEED],
				(unsigned long long)h2.val[MEMRESV_A_HOST_ASSIGNED],
				(unsigned long long)h2.val[MEMRESV_A_HOST_RESERVATIONS]);
	return 0;
}

#define ASSERT_LEDGER(s) do {						\
	char __why[256] = "";						\
	ASSERT_EQ(0, ledger_check((s), __why, sizeof(__why)))		\
		TH_LOG("ledger invariant: %s", __why);			\
} while (0)

#endif /* _MEMRESV_SELFTEST_CG_H */
