// SPDX-License-Identifier: GPL-2.0
/*
 * memresv lifetime: module unload with live reservations, reload under
 * load, dumps of many reservations (resume and interruption), and
 * concurrent changes racing cgroup removal.
 */
#include <poll.h>
#include <pthread.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int run(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	return system(cmd);
}

static int reload(void)
{
	const char *ko = getenv("MEMRESV_KO");

	/* As the runner loads it, with the ledger recounted on every change. */
	return run("insmod %s verify_ledger=1", ko);
}

struct count_arg {
	const char *prefix;
	int n;
	uint64_t last_id;
	bool ordered;
};

static void count_prefix(const struct mr_attrs *a, void *arg)
{
	struct count_arg *c = arg;

	if (strncmp(a->cgroup, c->prefix, strlen(c->prefix)))
		return;
	c->n++;
	if (a->val[MEMRESV_A_CGROUP_ID] <= c->last_id)
		c->ordered = false;
	c->last_id = a->val[MEMRESV_A_CGROUP_ID];
}

/* Reservations under @prefix, from a dump; -1 when the dump failed. */
static int count_under(struct mrnl *s, const char *prefix)
{
	struct count_arg cnt = { .prefix = prefix, .ordered = true };
	struct mr_result res;

	if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
		    count_prefix, &cnt))
		return -1;
	return cnt.n;
}

/*
 * The tests that unload the module.  Their own limit: the harness's
 * default 30 s is less than three reloads under load on the debug kernel,
 * and a test killed between rmmod and insmod leaves every later test
 * without the module.
 */
FIXTURE(module) {
	int unused;
};

FIXTURE_SETUP(module)
{
}

FIXTURE_TEARDOWN(module)
{
}

TEST_F_TIMEOUT(module, unload_gives_every_cgroup_back, 300)
{
	char a[64], b[64];
	struct mrnl *s, *mon;
	struct mr_result res;
	struct mr_attrs ev;
	int removed = 0, i;

	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set (run under selftests/vm/run)");
	snprintf(a, sizeof(a), "mrunload-%d-a", getpid());
	snprintf(b, sizeof(b), "mrunload-%d-b", getpid());
	ASSERT_EQ(0, cg_create(a));
	ASSERT_EQ(0, cg_create(b));
	ASSERT_EQ(0, cg_write(a, "memory.max", "314572800"));
	ASSERT_EQ(0, cg_write(a, "memory.low", "1048576"));
	s = mr_open();
	mon = mr_open();
	ASSERT_NE(NULL, s);
	ASSERT_NE(NULL, mon);
	ASSERT_EQ(0, mr_subscribe(mon));
	ASSERT_EQ(0, mr_new(s, a, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	ASSERT_EQ(0, mr_new(s, b, 32 * MiB, 16 * MiB, 64 * MiB, &res));
	mr_close(s);

	ASSERT_EQ(0, run("rmmod %s", "memresv"));
	EXPECT_EQ(314572800, cg_u64(a, "memory.max"));
	EXPECT_EQ(UINT64_MAX, cg_u64(a, "memory.high"));
	EXPECT_EQ(0, cg_u64(a, "memory.min"));
	EXPECT_EQ(1048576, cg_u64(a, "memory.low"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));
	EXPECT_EQ(0, cg_u64(b, "memory.min"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.swap.max"));
	/* Listeners were told, before the family went away. */
	for (i = 0; i < 4 && removed < 2; i++) {
		struct pollfd pfd = { .fd = mrnl_fd(mon), .events = POLLIN };

		if (poll(&pfd, 1, 500) != 1)
			continue;
		memset(&res, 0, sizeof(res));
		mr_recv_one(mon, &res, NULL, NULL);
		ev = res.last;
		if (ev.val[MEMRESV_A_EVENT] == MEMRESV_EVENT_REMOVED &&
		    ev.val[MEMRESV_A_REASON] == MEMRESV_REASON_UNLOAD)
			removed++;
	}
	EXPECT_EQ(2, removed);
	mr_close(mon);
	EXPECT_EQ(NULL, mr_open());

	ASSERT_EQ(0, reload());
	s = mr_open();
	ASSERT_NE(NULL, s);
	EXPECT_EQ(-ENOENT, mr_del(s, a));
	mr_close(s);
	cg_destroy(a);
	cg_destroy(b);
}

/* Clients hammering the family while it comes and goes must never crash. */
TEST_F_TIMEOUT(module, reload_under_load, 300)
{
	const char *tool = "build/memresv";
	pid_t nl_pid, cli_pid;
	int status, i;

	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set (run under selftests/vm/run)");
	nl_pid = fork();
	ASSERT_GE(nl_pid, 0);
	if (!nl_pid) {
		time_t end = time(NULL) + 6;

		while (time(NULL) < end) {
			struct mrnl *s = mr_open();
			struct mr_attrs h;

			if (s) {
				mr_host(s, &h);
				mr_close(s);
			}
		}
		_exit(0);
	}
	cli_pid = -1;
	if (!access(tool, X_OK)) {
		cli_pid = fork();
		ASSERT_GE(cli_pid, 0);
		if (!cli_pid) {
			time_t end = time(NULL) + 6;

			while (time(NULL) < end) {
				status = system("build/memresv host >/dev/null 2>&1");
				/* 0, or 1 when the module is away: never a crash. */
				if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 3; i++) {
		usleep(300000);
		ASSERT_EQ(0, run("rmmod %s", "memresv"));
		usleep(300000);
		ASSERT_EQ(0, reload());
	}
	ASSERT_EQ(nl_pid, waitpid(nl_pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	if (cli_pid > 0) {
		ASSERT_EQ(cli_pid, waitpid(cli_pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("memresv host crashed or failed while reloading");
	}
}

/*
 * Setting the period runs a pass at once; the balancer is parked (60 s
 * period) around it so that filling the table is not slowed by passes.
 */
static void log_tick(struct __test_metadata *_metadata, struct mrnl *s,
		     int n)
{
	struct mr_attrs h;

	mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 1000, NULL);
	usleep(500000);
	if (!mr_host(s, &h))
		TH_LOG("balancer pass with %d idle reservations: %.3f ms", n,
		       h.val[MEMRESV_A_HOST_TICK_NS] / 1e6);
	mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 60000, NULL);
}

/*
 * 10,000 on the distribution kernels; 500 on the debug kernel, whose job
 * is to catch KASAN, lockdep and kmemleak reports on the same paths, and
 * which is many times slower.  MEMRESV_DUMP_N overrides.
 */
static int dump_n(void)
{
	const char *n = getenv("MEMRESV_DUMP_N");
	const char *kernel = getenv("MEMRESV_KERNEL");

	if (n)
		return atoi(n);
	return kernel && !strcmp(kernel, "debug") ? 500 : 10000;
}

FIXTURE(dump) {
};

FIXTURE_SETUP(dump)
{
}

FIXTURE_TEARDOWN(dump)
{
}

/*
 * 10,000 reservations: the dump is complete, in id order, resumable, and
 * flagged when reservations change in between.  Setting up 10,000 groups
 * takes a while under emulation.
 */
TEST_F_TIMEOUT(dump, many, 900)
{
	int n = dump_n(), i, made = 0;
	char parent[64], cg[96];
	struct count_arg cnt;
	struct mrnl *s, *s2, *s3;
	struct mr_result res;
	uint64_t t0;
	bool done = false;
	long page = sysconf(_SC_PAGESIZE);

	snprintf(parent, sizeof(parent), "mrdump-%d", getpid());
	ASSERT_EQ(0, cg_create(parent));
	ASSERT_EQ(0, cg_write(parent, "cgroup.subtree_control", "+memory"));
	s = mr_open();
	s2 = mr_open();
	ASSERT_NE(NULL, s);
	ASSERT_NE(NULL, s2);
	/* The full recount is O(n) per change: off while filling the table. */
	mr_ledger_verify('0');
	mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 60000, NULL);
	for (i = 0; i < n; i++) {
		snprintf(cg, sizeof(cg), "%s/g%05d", parent, i);
		if (cg_create(cg))
			break;
		if (mr_new(s, cg, page, page, page, &res))
			break;
		if (mr_cmd(s, MEMRESV_CMD_RESV_READY, cg, &res))
			break;
		made++;
		if (made == 100 || made == 1000)
			log_tick(_metadata, s, made);
	}
	ASSERT_EQ(n, made) TH_LOG("stopped at %d: %s", made, res.extack);
	log_tick(_metadata, s, made);

	cnt = (struct count_arg){ .prefix = parent, .ordered = true };
	t0 = mr_now_ns();
	ASSERT_EQ(0, mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
			     count_prefix, &cnt));
	t0 = mr_now_ns() - t0;
	EXPECT_EQ(n, cnt.n);
	EXPECT_TRUE(cnt.ordered);
	EXPECT_FALSE(res.intr);
	EXPECT_GT(res.nmsgs, 1);
	TH_LOG("dumped %d reservations in %.1f ms", n, t0 / 1e6);
	ASSERT_LEDGER(s);

	/*
	 * A reservation removed between two parts flags the dump.  The parts
	 * are read by hand, on a socket of their own (libnl's sequence
	 * bookkeeping does not see them).
	 */
	memset(&res, 0, sizeof(res));
	cnt = (struct count_arg){ .prefix = parent, .ordered = true };
	s3 = mr_open();
	ASSERT_NE(NULL, s3);
	ASSERT_EQ(0, mr_send_raw(s3, mr_msg(s3, MEMRESV_CMD_RESV_GET, NLM_F_DUMP)));
	ASSERT_EQ(0, mr_recv_datagram(s3, &res, count_prefix, &cnt));
	EXPECT_LT(cnt.n, n);
	EXPECT_FALSE(res.intr);
	snprintf(cg, sizeof(cg), "%s/g%05d", parent, n - 1);
	ASSERT_EQ(0, mr_del(s2, cg));
	for (i = 0; i < 100000 && !done; i++) {
		int r = mr_recv_datagram(s3, &res, count_prefix, &cnt);

		ASSERT_GE(r, 0);
		done = r > 0;
	}
	EXPECT_TRUE(done);
	EXPECT_TRUE(res.intr);
	EXPECT_EQ(0, res.err);
	mr_close(s3);

	for (i = 0; i < n; i++) {
		snprintf(cg, sizeof(cg), "%s/g%05d", parent, i);
		mr_del(s, cg);
	}
	mr_ledger_verify('1');
	mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 1000, NULL);
	ASSERT_LEDGER(s);
	mr_close(s);
	mr_close(s2);
	cg_destroy(parent);
}

/*
 * memresv keeps the limit files of the groups it changed last open (64
 * files for the host).  Changing many more groups than that, round after
 * round, every write still lands in its own group; a group removed while
 * its files are open is released, and a new group made in its place gets
 * its own writes; every group gets its files back on delete.
 */
FIXTURE(cache) {
};

FIXTURE_SETUP(cache)
{
}

FIXTURE_TEARDOWN(cache)
{
}

TEST_F_TIMEOUT(cache, limit_files_stay_right_past_the_cache, 600)
{
	const int n = 100, rounds = 3;
	char parent[64], cg[96];
	struct mr_result res;
	struct mrnl *s;
	struct nl_msg *msg;
	uint64_t max;
	int i, r;

	snprintf(parent, sizeof(parent), "mrcache-%d", getpid());
	ASSERT_EQ(0, cg_create(parent));
	ASSERT_EQ(0, cg_write(parent, "cgroup.subtree_control", "+memory"));
	s = mr_open();
	ASSERT_NE(NULL, s);
	for (i = 0; i < n; i++) {
		snprintf(cg, sizeof(cg), "%s/g%03d", parent, i);
		ASSERT_EQ(0, cg_create(cg));
		ASSERT_EQ(0, mr_new(s, cg, MiB, MiB, (64 + i) * MiB, &res))
			TH_LOG("%s: %s", cg, res.extack);
	}
	for (r = 1; r <= rounds; r++) {
		for (i = 0; i < n; i++) {
			snprintf(cg, sizeof(cg), "%s/g%03d", parent, i);
			msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, cg);
			nla_put_u64(msg, MEMRESV_A_MAXIMUM, (64 + i + r * n) * MiB);
			ASSERT_EQ(0, mr_do(s, msg, &res)) TH_LOG("%s", res.extack);
		}
		for (i = 0; i < n; i++) {
			snprintf(cg, sizeof(cg), "%s/g%03d", parent, i);
			max = cg_u64(cg, "memory.max");
			ASSERT_EQ((64 + i + r * n) * MiB, max)
				TH_LOG("round %d: %s has memory.max %llu MiB", r, cg,
				       (unsigned long long)(max >> 20));
		}
	}

	/* g000 was written last but one round ago; g099 a moment ago. */
	snprintf(cg, sizeof(cg), "%s/g%03d", parent, n - 1);
	cg_destroy(cg);
	MR_WAIT(50, 100, mr_cmd(s, MEMRESV_CMD_RESV_GET, cg, &res) == -ENOENT);
	ASSERT_EQ(-ENOENT, res.err) TH_LOG("the removed group kept its reservation");
	ASSERT_EQ(0, cg_create(cg));
	ASSERT_EQ(0, mr_new(s, cg, MiB, MiB, 77 * MiB, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(77 * MiB, cg_u64(cg, "memory.max"));
	msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, cg);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 78 * MiB);
	ASSERT_EQ(0, mr_do(s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(78 * MiB, cg_u64(cg, "memory.max"));

	for (i = 0; i < n; i++) {
		snprintf(cg, sizeof(cg), "%s/g%03d", parent, i);
		ASSERT_EQ(0, mr_del(s, cg));
		EXPECT_EQ(UINT64_MAX, cg_u64(cg, "memory.max")) TH_LOG("%s", cg);
		EXPECT_EQ(UINT64_MAX, cg_u64(cg, "memory.high")) TH_LOG("%s", cg);
		EXPECT_EQ(0, cg_u64(cg, "memory.min")) TH_LOG("%s", cg);
	}
	ASSERT_LEDGER(s);
	mr_close(s);
	cg_destroy(parent);
}

#define RACE_GROUPS	8
#define RACE_THREADS	4
#define RACE_ITERS	300	/* a third of it on the debug kernel */

struct race {
	char parent[64];
	volatile int stop;
	int bad_errno;
	int iters;
};

static void race_name(struct race *r, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s/g%d", r->parent, i);
}

static void *race_ops(void *arg)
{
	struct race *r = arg;
	struct mrnl *s = mr_open();
	unsigned int seed = (unsigned int)(uintptr_t)&s;
	struct mr_result res;
	struct nl_msg *msg;
	char cg[128];
	int i, err;

	if (!s) {
		r->bad_errno = -1;
		return NULL;
	}
	for (i = 0; i < r->iters; i++) {
		race_name(r, rand_r(&seed) % RACE_GROUPS, cg, sizeof(cg));
		switch (rand_r(&seed) % 6) {
		case 0:
		case 1:
			err = mr_new(s, cg, 8 * MiB, 4 * MiB, 16 * MiB, &res);
			break;
		case 2:
			msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, cg);
			nla_put_u64(msg, MEMRESV_A_MAXIMUM, (8 + rand_r(&seed) % 16) * MiB);
			nla_put_u32(msg, MEMRESV_A_WEIGHT, rand_r(&seed) % 10000);
			err = mr_do(s, msg, &res);
			break;
		case 3:
			err = mr_del(s, cg);
			break;
		case 4:
			err = mr_cmd(s, MEMRESV_CMD_RESV_READY, cg, &res);
			break;
		default:
			err = mr_cmd(s, MEMRESV_CMD_RESV_RESTART, cg, &res);
			break;
		}
		switch (err) {
		case 0: case -ENOENT: case -EEXIST: case -EALREADY:
		case -EBUSY: case -ENOMEM: case -ENODEV: case -EOPNOTSUPP:
		case -EINVAL:	/* SET below startup: max is random */
			break;
		default:
			r->bad_errno = err;
		}
	}
	mr_close(s);
	return NULL;
}

static void *race_rmdir(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 7;
	char cg[128], path[256];

	while (!r->stop) {
		race_name(r, rand_r(&seed) % RACE_GROUPS, cg, sizeof(cg));
		cg_path(path, sizeof(path), cg, NULL);
		if (!rmdir(path))
			mkdir(path, 0755);
		usleep(2000);
	}
	return NULL;
}

FIXTURE(race) {
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

TEST_F_TIMEOUT(race, changes_race_cgroup_removal, 600)
{
	const char *kernel = getenv("MEMRESV_KERNEL");
	pthread_t ops[RACE_THREADS], rm;
	struct race r = {};
	struct mrnl *s;
	char cg[128];
	int i;

	r.iters = kernel && !strcmp(kernel, "debug") ? RACE_ITERS / 3 : RACE_ITERS;

	snprintf(r.parent, sizeof(r.parent), "mrrace-%d", getpid());
	ASSERT_EQ(0, cg_create(r.parent));
	ASSERT_EQ(0, cg_write(r.parent, "cgroup.subtree_control", "+memory"));
	for (i = 0; i < RACE_GROUPS; i++) {
		race_name(&r, i, cg, sizeof(cg));
		ASSERT_EQ(0, cg_create(cg));
	}
	ASSERT_EQ(0, pthread_create(&rm, NULL, race_rmdir, &r));
	for (i = 0; i < RACE_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&ops[i], NULL, race_ops, &r));
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(ops[i], NULL);
	r.stop = 1;
	pthread_join(rm, NULL);
	EXPECT_EQ(0, r.bad_errno);

	s = mr_open();
	ASSERT_NE(NULL, s);
	ASSERT_LEDGER(s);
	for (i = 0; i < RACE_GROUPS; i++) {
		race_name(&r, i, cg, sizeof(cg));
		mr_del(s, cg);
	}
	cg_destroy(r.parent);
	/*
	 * Reservations of groups removed during the race go on the next
	 * tick: wait for them, so that the next test finds the host as this
	 * one found it.
	 */
	i = MR_WAIT(100, 100, !count_under(s, r.parent));
	EXPECT_LT(i, 100) TH_LOG("reservations of removed groups were not released");
	ASSERT_LEDGER(s);
	mr_close(s);
}

TEST_HARNESS_MAIN
