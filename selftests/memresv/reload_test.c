// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading memresv while it works: the groups it gives back are the ones
 * it admitted, and nothing it started outlives it (a re-armed tick, the
 * text of a refusal).  Every test unloads and loads the module again
 * ($MEMRESV_KO, with verify_ledger on as run-all.sh has it); a problem
 * shows as a kernel report, which fails the VM runner.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int cg_seq;

/* rmmod, then insmod; 0 when both worked. */
static int reload(void)
{
	const char *ko = getenv("MEMRESV_KO");
	char cmd[512];

	if (!ko)
		return -1;
	if (system("rmmod memresv"))
		return -2;
	snprintf(cmd, sizeof(cmd), "insmod '%s' verify_ledger=1", ko);
	return system(cmd) ? -3 : 0;
}

/* A child that sends requests of @kind until it is killed. */
static pid_t spam(int kind)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	for (uint32_t i = 0;; i++) {
		struct mrnl *s = mr_open();
		struct mr_result res;
		int n;

		if (!s) {
			usleep(1000);	/* the module is being loaded again */
			continue;
		}
		for (n = 0; n < 100; n++) {
			if (kind == 0)
				mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS,
					    100 + (i + n) % 2 * 100, NULL);
			else
				mr_do(s, mr_resv_msg(s, MEMRESV_CMD_RESV_GET,
						     "no/such/group/at/all"), &res);
		}
		mr_close(s);
	}
}

/* Module loads and unloads are slow under emulation: minutes, not 30 s. */
FIXTURE(reload) {
};

FIXTURE_SETUP(reload)
{
}

FIXTURE_TEARDOWN(reload)
{
}

TEST_F_TIMEOUT(reload, unload_writes_only_the_admitted_group, 600)
{
	char cg[64], other[40][64];
	struct mr_result res;
	struct mrnl *s;
	int i;

	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set: not in the VM runner");
	s = mr_open();
	ASSERT_NE(NULL, s);
	/* No tick notices the removal before the unload does. */
	ASSERT_EQ(0, mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 60000, NULL));
	snprintf(cg, sizeof(cg), "mrl-%d-%d", getpid(), cg_seq++);
	ASSERT_EQ(0, cg_create(cg));
	ASSERT_EQ(0, cg_write(cg, "memory.high", "524288000"));
	ASSERT_EQ(0, cg_write(cg, "memory.min", "7340032"));
	ASSERT_EQ(0, mr_new(s, cg, 16 * MiB, 16 * MiB, 32 * MiB, &res))
		TH_LOG("%s", res.extack);
	/* Enough other groups written that memresv's open files of cg close. */
	for (i = 0; i < 40; i++) {
		snprintf(other[i], sizeof(other[i]), "mrl-%d-%d", getpid(), cg_seq++);
		ASSERT_EQ(0, cg_create(other[i]));
		ASSERT_EQ(0, mr_new(s, other[i], MiB, MiB, 2 * MiB, &res))
			TH_LOG("%s", res.extack);
	}
	mr_close(s);
	/* The same name, another group. */
	ASSERT_EQ(0, cg_rmdir(cg));
	ASSERT_EQ(0, cg_create(cg));
	ASSERT_EQ(0, reload());
	EXPECT_EQ(0, cg_u64(cg, "memory.min"));
	EXPECT_EQ(UINT64_MAX, cg_u64(cg, "memory.high"));
	for (i = 0; i < 40; i++) {
		EXPECT_EQ(UINT64_MAX, cg_u64(other[i], "memory.max"));
		cg_destroy(other[i]);
	}
	cg_destroy(cg);
}

/*
 * Requests of @kind keep coming while the module goes, RELOAD_ITERS times
 * (20 unless it says; run-all.sh has fewer on the debug kernel).
 */
static void unload_under(struct __test_metadata *_metadata, int kind)
{
	int i, n = mr_rounds("RELOAD_ITERS", 20);
	pid_t pid;

	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set: not in the VM runner");
	for (i = 0; i < n; i++) {
		pid = spam(kind);
		ASSERT_GT(pid, 0);
		usleep(20000 + i % 7 * 10000);
		EXPECT_EQ(0, reload()) TH_LOG("iteration %d", i);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* A tick that outlived its module would have fired by now. */
	usleep(300 * 1000);
}

/* HOST_SET of a new period re-arms the tick; never after the unload. */
TEST_F_TIMEOUT(reload, unload_while_the_period_changes, 600)
{
	unload_under(_metadata, 0);
}

/* Refusals with numbers in them leave nothing behind across an unload. */
TEST_F_TIMEOUT(reload, unload_while_requests_are_refused, 600)
{
	unload_under(_metadata, 1);
}

TEST_HARNESS_MAIN
