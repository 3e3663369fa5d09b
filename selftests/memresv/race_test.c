// SPDX-License-Identifier: GPL-2.0
/*
 * Races, each repeated RACE_ITERS times (default 50, but 10 for the
 * unloading ones and the OOM one; make races runs 1000): the module unloaded during a dump, during a balancer pass and
 * during HOST_SET; a group removed during a set; a group removed and made
 * again under the same name while a write of its old reservation's limits
 * is queued; an OOM kill in a group while its limits change; and two
 * races the fuzzer found (protection lost when an ancestor's entry is
 * made again while the old one is being given back, and a reservation
 * whose "before" values are memresv's own when a delete and an add of the
 * same group overlap, or when a group is reserved as its child leaves).
 *
 * A kernel report (WARN, KASAN, lockdep) fails the VM runner; each test
 * also checks what a user would see: the ledger, the files of the groups,
 * the module loaded or not.  RACE_ONLY=NAME runs only the tests whose name
 * contains NAME (the others are skipped).  Unloading tests load the module
 * again ($MEMRESV_KO, verify_ledger=1).
 */
#include <fcntl.h>
#include <pthread.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "mrtest.h"
#include "rawnl.h"

#define MODULE_DIR	"/sys/module/memresv"

static int race_iters(void)
{
	return mr_rounds("RACE_ITERS", 50);
}

/* RACE_ONLY=NAME: only the tests whose name contains NAME; first in each. */
#define RACE_ONLY() do {						\
	const char *__only = getenv("RACE_ONLY");			\
									\
	if (__only && !strstr(_metadata->name, __only))			\
		SKIP(return, "RACE_ONLY=%s", __only);			\
} while (0)

/*
 * The races that unload the module load it again every iteration, which
 * takes about two seconds under emulation: make check runs 10 of them,
 * unless RACE_ITERS says how many.
 */
static int reload_iters(void)
{
	return getenv("RACE_ITERS") ? race_iters() : 10;
}

static bool mod_loaded(void)
{
	return !access(MODULE_DIR, F_OK);
}

/* Unload; -EAGAIN (-EWOULDBLOCK) while something holds the module. */
static int mod_unload(void)
{
	return syscall(SYS_delete_module, "memresv", O_NONBLOCK) ? -errno : 0;
}

/* Unload, waiting out the references of requests and dumps in flight. */
static int mod_unload_wait(void)
{
	int err, i;

	for (i = 0; i < 2000; i++) {
		err = mod_unload();
		if (err != -EAGAIN && err != -EBUSY)
			return err;
		usleep(5000);
	}
	return err;
}

/* Load as the runner does, with the ledger recounted on every change. */
static int mod_load(void)
{
	const char *ko = getenv("MEMRESV_KO");
	int fd, err = 0;

	if (mod_loaded())
		return 0;
	if (!ko)
		return -ENOENT;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "verify_ledger=1", 0))
		err = -errno;
	close(fd);
	return err;
}

/* The group's files hold what they held before memresv (a new group's). */
static int untouched(const char *cg, char *why, size_t len)
{
	static const struct {
		const char *file;
		uint64_t want;
	} files[] = {
		{ "memory.min", 0 },
		{ "memory.high", UINT64_MAX },
		{ "memory.max", UINT64_MAX },
		{ "memory.swap.max", UINT64_MAX },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		v = cg_u64(cg, files[i].file);
		if (v == 0xdead && i == 3)
			continue;	/* no swap accounting */
		if (v != files[i].want)
			return snprintf(why, len, "%s %s is %llu", cg,
					files[i].file, (unsigned long long)v);
	}
	return 0;
}

#define ASSERT_UNTOUCHED(cg) do {					\
	char __why[256] = "";						\
	ASSERT_EQ(0, untouched((cg), __why, sizeof(__why)))		\
		TH_LOG("%s", __why);					\
} while (0)

static int seq;

FIXTURE(race) {
	struct mrnl *s;
	char top[64];
	uint64_t cap;
	uint32_t period;
	int iters;
};

FIXTURE_SETUP(race)
{
	struct mr_attrs h;

	ASSERT_EQ(0, mod_load());
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	ASSERT_EQ(0, mr_host(self->s, &h));
	self->cap = h.val[MEMRESV_A_HOST_CAPACITY];
	self->period = h.val[MEMRESV_A_HOST_PERIOD_MS];
	self->iters = race_iters();
	snprintf(self->top, sizeof(self->top), "mrr-%d-%d", getpid(), seq++);
	ASSERT_EQ(0, cg_create(self->top));
	ASSERT_EQ(0, cg_write(self->top, "cgroup.subtree_control", "+memory"));
}

static void del_under(const struct mr_attrs *a, void *arg)
{
	struct mrnl *s = ((struct mrnl **)arg)[0];
	const char *top = ((const char **)arg)[1];
	struct nl_msg *msg;

	if (strncmp(a->cgroup, top, strlen(top)))
		return;
	msg = mr_msg(s, MEMRESV_CMD_RESV_DEL, 0);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, a->val[MEMRESV_A_CGROUP_ID]);
	mr_do(s, msg, NULL);
}

FIXTURE_TEARDOWN(race)
{
	struct mr_result res;
	struct mrnl *d;
	void *arg[2];

	if (!self->s)
		return;
	/* The module stays loaded for the tests that follow. */
	mod_load();
	mr_close(self->s);
	self->s = mr_open();
	d = mr_open();
	if (self->s && d) {
		arg[0] = d;
		arg[1] = self->top;
		mr_send(self->s, mr_msg(self->s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP),
			&res, del_under, arg);
		mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, self->period, NULL);
	}
	mr_close(d);
	cg_destroy(self->top);
	mr_close(self->s);
}

static void name(char *buf, size_t len, const char *top, const char *leaf)
{
	snprintf(buf, len, "%s/%s", top, leaf);
}

static int count_id(struct mrnl *s, uint64_t id);

/* Wait until cgroup @id has no reservation (the tick releases removed
 * groups within a period). */
static bool released(struct mrnl *s, uint64_t id)
{
	return MR_WAIT(100, 50, count_id(s, id) == 0) < 100;
}

/*
 * Found by the fuzzer.  Deleting the last reservation under a parent gives
 * the parent's memory.min back from a work item; an add under the same
 * parent right after makes the parent's entry again and saves its files
 * as they are then, which may still be memresv's own raised value.  The
 * parent then keeps memresv's value for good once everything is deleted,
 * and in between the old entry's write-back can take the protection the
 * new one needs.
 */
TEST_F_TIMEOUT(race, protection_comes_back_after_delete_and_add, 1800)
{
	char p[128], a[160], b[160];
	struct mr_result res;
	uint64_t min;
	int i;

	RACE_ONLY();
	name(p, sizeof(p), self->top, "p");
	name(a, sizeof(a), p, "a");
	name(b, sizeof(b), p, "b");
	ASSERT_EQ(0, cg_create(p));
	ASSERT_EQ(0, cg_write(p, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(a));
	ASSERT_EQ(0, cg_create(b));
	for (i = 0; i < self->iters * 4; i++) {
		ASSERT_EQ(0, mr_new(self->s, a, 16 * MiB, 16 * MiB, 32 * MiB, &res))
			TH_LOG("%s", res.extack);
		ASSERT_EQ(0, mr_del(self->s, a));
		ASSERT_EQ(0, mr_new(self->s, b, 16 * MiB, 16 * MiB, 32 * MiB, &res))
			TH_LOG("%s", res.extack);
		/* The add waited for the ancestors' files: covered now. */
		min = cg_u64(p, "memory.min");
		EXPECT_EQ(NULL, strstr(res.extack, "capped"))
			TH_LOG("iteration %d: %s", i, res.extack);
		EXPECT_LE(16 * MiB, min) TH_LOG("iteration %d", i);
		ASSERT_EQ(0, mr_del(self->s, b));
		if (min < 16 * MiB || strstr(res.extack, "capped"))
			break;
	}
	/* Nothing reserved below: the parent's memory.min as it was. */
	MR_WAIT(40, 50, cg_u64(p, "memory.min") == 0);
	EXPECT_EQ(0, cg_u64(p, "memory.min")) TH_LOG("after %d iterations", i);
	EXPECT_EQ(0, cg_u64(self->top, "memory.min"));
	ASSERT_LEDGER(self->s);
}

struct overlap {
	const char *cg;
	int iters;
	int added;
	int stop;
};

/* Dumps hold memresv_lock while they fill: the others wait for it. */
static void *dumper(void *arg)
{
	struct overlap *o = arg;
	struct mrnl *s = mr_open();
	struct mr_result res;

	while (s && !__atomic_load_n(&o->stop, __ATOMIC_RELAXED))
		mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
			NULL, NULL);
	mr_close(s);
	return NULL;
}

static void *add_del(void *arg)
{
	struct overlap *o = arg;
	struct mrnl *s = mr_open();
	int i;

	for (i = 0; s && i < o->iters; i++) {
		if (!mr_new(s, o->cg, 16 * MiB, 8 * MiB, 32 * MiB, NULL))
			__atomic_add_fetch(&o->added, 1, __ATOMIC_RELAXED);
		mr_del(s, o->cg);
	}
	mr_close(s);
	return NULL;
}

/*
 * Found by the fuzzer.  A delete writes the files back before it takes the
 * reservation out of the table; an add of the same group meanwhile saves
 * the files as it finds them, memresv's values, as what they held before,
 * and is admitted as soon as the delete is done.  Its delete then "gives
 * back" memresv's values, and the group keeps them for good.
 */
TEST_F_TIMEOUT(race, delete_and_add_of_one_group_give_its_files_back, 1800)
{
	struct overlap o = { .iters = self->iters * 4 };
	pthread_t t[3], d;
	char g[128];
	int i;

	RACE_ONLY();
	name(g, sizeof(g), self->top, "g");
	ASSERT_EQ(0, cg_create(g));
	o.cg = g;
	ASSERT_EQ(0, pthread_create(&d, NULL, dumper, &o));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, add_del, &o));
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	o.stop = 1;
	pthread_join(d, NULL);
	EXPECT_LT(0, o.added);
	EXPECT_EQ(-ENOENT, mr_get(self->s, g, NULL));
	ASSERT_UNTOUCHED(g);
	ASSERT_LEDGER(self->s);
}

/* A reservation of @cg: startup, minimum and maximum in MiB, at once. */
static int add(struct mrnl *s, const char *cg, uint64_t startup,
	       uint64_t minimum, uint64_t maximum)
{
	struct mr_result res;

	return mr_new(s, cg, startup * MiB, minimum * MiB, maximum * MiB, &res);
}

/*
 * A reservation made on a group while its last reserved child leaves saves
 * the group's files as it finds them.  Its memory.min may still hold the
 * protection memresv kept on it as the child's ancestor: kept as "before",
 * the delete would then give memresv's own value back for good.
 */
TEST_F_TIMEOUT(race, parent_reserved_while_its_child_leaves, 1800)
{
	struct overlap o = { .iters = self->iters * 4 };
	char p[128], c[160];
	int i, parent = 0;
	pthread_t t;

	RACE_ONLY();
	name(p, sizeof(p), self->top, "p");
	name(c, sizeof(c), p, "c");
	ASSERT_EQ(0, cg_create(p));
	ASSERT_EQ(0, cg_write(p, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(c));
	o.cg = c;
	ASSERT_EQ(0, pthread_create(&t, NULL, add_del, &o));
	for (i = 0; i < o.iters; i++) {
		if (!add(self->s, p, 16, 16, 32)) {
			parent++;
			ASSERT_EQ(0, mr_del(self->s, p));
		}
	}
	pthread_join(t, NULL);
	TH_LOG("the parent reserved %d times, the child %d times", parent,
	       o.added);
	/* Nothing reserved: both groups' files as they were. */
	MR_WAIT(40, 50, cg_u64(p, "memory.min") == 0);
	ASSERT_UNTOUCHED(p);
	ASSERT_UNTOUCHED(c);
	EXPECT_EQ(0, cg_u64(self->top, "memory.min"));
	ASSERT_LEDGER(self->s);
}

/* What a change may answer in a race, and nothing else. */
static bool expected(int err)
{
	switch (err) {
	case 0:
	case -ENOENT:	/* the group, or its reservation, went */
	case -ENODEV:	/* its files went */
	case -EBUSY:	/* usage above a lower maximum */
	case -ENOMEM:	/* does not fit */
	case -EOPNOTSUPP:	/* the memory controller went with the group */
		return true;
	}
	return false;
}

struct setter {
	const char *cg;
	int stop;
	int bad;
	int sets;
	int pause_us;	/* at most this long between two changes */
	int floor_mib;	/* maximum from here ... */
	int span_mib;	/* ... to here plus this */
	bool pin;	/* startup = minimum = maximum */
};

/* RESV_SET of @cg until told to stop: limits up and down. */
static void *set_loop(void *arg)
{
	struct setter *st = arg;
	struct mrnl *s = mr_open();
	unsigned int seed = (uintptr_t)&s;
	struct nl_msg *msg;
	int err;

	while (s && !__atomic_load_n(&st->stop, __ATOMIC_RELAXED)) {
		uint64_t max = (st->floor_mib +
				rand_r(&seed) % (st->span_mib + 1)) * MiB;

		msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, st->cg);
		nla_put_u64(msg, MEMRESV_A_MAXIMUM, max);
		nla_put_u64(msg, MEMRESV_A_MINIMUM,
			    st->pin ? max : (4 + rand_r(&seed) % 12) * MiB);
		if (st->pin)
			nla_put_u64(msg, MEMRESV_A_STARTUP, max);
		nla_put_u32(msg, MEMRESV_A_WEIGHT, rand_r(&seed) % 10000);
		err = mr_do(s, msg, NULL);
		if (!expected(err))
			st->bad = err;
		st->sets++;
		if (st->pause_us)
			usleep(rand_r(&seed) % st->pause_us);
	}
	mr_close(s);
	return NULL;
}

/* A group removed while its limits change: the set stops, the tick
 * releases the reservation, the ledger is whole. */
TEST_F_TIMEOUT(race, rmdir_during_set, 3600)
{
	struct setter st = { .floor_mib = 16, .span_mib = 48 };
	struct mr_hog hog = MR_HOG_INIT;
	unsigned int seed = 1;
	pthread_t t;
	char g[128];
	uint64_t id;
	int i;

	RACE_ONLY();
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 100, NULL));
	name(g, sizeof(g), self->top, "g");
	st.cg = g;
	for (i = 0; i < self->iters; i++) {
		ASSERT_EQ(0, cg_create(g));
		ASSERT_EQ(0, mr_hog_start(&hog, g, MR_HOG_PASSES, 8 * MiB, 0));
		ASSERT_EQ(1, mr_hog_wait(&hog, 10000));
		ASSERT_EQ(0, add(self->s, g, 16, 8, 64));
		id = cg_id(g);
		st.stop = 0;
		ASSERT_EQ(0, pthread_create(&t, NULL, set_loop, &st));
		usleep(rand_r(&seed) % 4000);
		mr_hog_stop(&hog);
		ASSERT_EQ(0, cg_rmdir(g));
		st.stop = 1;
		pthread_join(t, NULL);
		ASSERT_EQ(0, st.bad) TH_LOG("iteration %d", i);
		ASSERT_TRUE(released(self->s, id)) TH_LOG("iteration %d", i);
		if (i % 10 == 0)
			ASSERT_LEDGER(self->s);
	}
	TH_LOG("%d sets", st.sets);
	ASSERT_LEDGER(self->s);
}

/*
 * The same name, another group: a write of the old reservation's limits
 * queued by another admission (retarget) while the group is removed and
 * made again must never reach the new group.  Every fourth iteration the
 * old group's files are pushed out of memresv's cache of open files first,
 * so that the write opens them by path.
 */
TEST_F_TIMEOUT(race, rmdir_mkdir_during_retarget, 3600)
{
	uint64_t half = self->cap / 2 / (4 * 1024) * (4 * 1024), id;
	unsigned int seed = 2;
	char v[128], w[128], f[160];
	struct mr_result res;
	int i, k, status;
	pid_t pid;

	RACE_ONLY();
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 100, NULL));
	name(v, sizeof(v), self->top, "v");
	name(w, sizeof(w), self->top, "w");
	ASSERT_EQ(0, cg_create(v));
	ASSERT_EQ(0, cg_create(w));
	for (k = 0; k < 20; k++) {
		snprintf(f, sizeof(f), "%s/f%d", self->top, k);
		ASSERT_EQ(0, cg_create(f));
	}
	for (i = 0; i < self->iters; i++) {
		ASSERT_EQ(0, mr_new(self->s, v, half, 16 * MiB, half, &res))
			TH_LOG("%s", res.extack);
		ASSERT_EQ(0, mr_ready(self->s, v));
		id = cg_id(v);
		for (k = 0; i % 4 == 0 && k < 20; k++) {
			snprintf(f, sizeof(f), "%s/f%d", self->top, k);
			ASSERT_EQ(0, add(self->s, f, 4, 4, 8));
			ASSERT_EQ(0, mr_del(self->s, f));
		}
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			usleep(rand_r(&seed) % 3000);
			_exit(cg_rmdir(v) || cg_create(v) ? 1 : 0);
		}
		seed++;
		/* W takes a quarter of V's target back: V's write is queued. */
		ASSERT_EQ(0, mr_new(self->s, w, half + half / 4, 16 * MiB,
				    half + half / 4, &res)) TH_LOG("%s", res.extack);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, status);
		ASSERT_TRUE(released(self->s, id)) TH_LOG("iteration %d", i);
		ASSERT_UNTOUCHED(v);
		ASSERT_EQ(0, mr_del(self->s, w));
		if (i % 10 == 0)
			ASSERT_LEDGER(self->s);
	}
	ASSERT_LEDGER(self->s);
}

/*
 * A process in @cg that asks for @bytes over and over, each time in one
 * system call (a read from /dev/zero): memory.high throttles a task only
 * on its way back to user space, so it reaches memory.max, and the OOM
 * killer, at once, even on the debug kernel.
 */
static pid_t oom_hog(const char *cg, size_t bytes)
{
	char pid[32];
	pid_t child;
	char *p;
	int fd;

	child = fork();
	if (child)
		return child;
	snprintf(pid, sizeof(pid), "%d", getpid());
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (cg_write(cg, "cgroup.procs", pid) || p == MAP_FAILED || fd < 0)
		_exit(1);
	for (;;) {
		if (read(fd, p, bytes) < 0)
			_exit(1);
		madvise(p, bytes, MADV_DONTNEED);
	}
}

static bool exited(pid_t pid)
{
	siginfo_t info = {};

	return waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) ||
	       info.si_pid;
}

/*
 * A workload that outgrows its maximum is OOM-killed by the kernel, as
 * it would be without memresv, while the limits keep changing: nothing
 * else breaks, and every change is answered.
 */
TEST_F_TIMEOUT(race, oom_while_limits_change, 3600)
{
	/*
	 * With a target below the maximum, memory.high throttles a workload
	 * for as long as it presses, and it may take minutes to reach its
	 * maximum: startup, minimum and maximum are one value, so that the
	 * target is the maximum, and it changes a few milliseconds apart
	 * (a maximum refused for being below usage presses the group through
	 * memory.high while reclaim is tried).
	 */
	struct setter st = {
		.floor_mib = 32, .span_mib = 16, .pause_us = 20000, .pin = true,
	};
	/* make check runs 10. */
	int iters = getenv("RACE_ITERS") ? self->iters : 10;
	uint64_t kills;
	pthread_t t;
	char g[128];
	pid_t pid;
	int i;

	RACE_ONLY();
	/* Targets follow the workload up to the maximum within a second. */
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 100, NULL));
	name(g, sizeof(g), self->top, "g");
	ASSERT_EQ(0, cg_create(g));
	/* No swap for the group: past memory.max the kernel can only kill. */
	ASSERT_EQ(0, add(self->s, g, 32, 32, 32));
	ASSERT_EQ(0, mr_ready(self->s, g));
	st.cg = g;
	ASSERT_EQ(0, pthread_create(&t, NULL, set_loop, &st));
	/*
	 * On the debug kernel fewer than half the hogs die within their ten
	 * s: past @iters, up to ten rounds until one has been killed.
	 */
	for (i = 0; i < iters ||
		    (i < 10 && !cg_key(g, "memory.events", "oom_kill")); i++) {
		pid = oom_hog(g, 96 * MiB);
		ASSERT_LT(0, pid);
		/* Killed within a moment; one still alive after ten s goes. */
		MR_WAIT(200, 50, exited(pid));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	st.stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(0, st.bad);
	kills = cg_key(g, "memory.events", "oom_kill");
	EXPECT_LE(1, kills) TH_LOG("no OOM kill to race with");
	TH_LOG("%d sets, %llu OOM kills in %d rounds", st.sets,
	       (unsigned long long)kills, i);
	ASSERT_EQ(0, mr_del(self->s, g));
	ASSERT_UNTOUCHED(g);
	ASSERT_LEDGER(self->s);
}

static void count_one_id(const struct mr_attrs *a, void *arg)
{
	uint64_t *c = arg;

	if (a->val[MEMRESV_A_CGROUP_ID] == c[0])
		c[1]++;
}

/* How many reservations the dump has of cgroup id @id (0 or 1). */
static int count_id(struct mrnl *s, uint64_t id)
{
	uint64_t c[2] = { id, 0 };
	struct mr_result res;

	if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
		    count_one_id, c))
		return -1;
	return c[1];
}

static void make_groups(struct __test_metadata *_metadata, const char *top,
			int n)
{
	char g[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(g, sizeof(g), "%s/g%d", top, i);
		if (cg_id(g))
			continue;
		ASSERT_EQ(0, cg_create(g));
	}
}

/* Reservations on @n groups of @top, every other one running. */
static void reserve_groups(struct __test_metadata *_metadata, struct mrnl *s,
			   const char *top, int n)
{
	char g[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(g, sizeof(g), "%s/g%d", top, i);
		ASSERT_EQ(0, add(s, g, 4 + i % 8, 2 + i % 2, 64));
		if (i % 2)
			ASSERT_EQ(0, mr_ready(s, g));
	}
}

static void assert_given_back(struct __test_metadata *_metadata,
			      const char *top, int n)
{
	char g[128];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(g, sizeof(g), "%s/g%d", top, i);
		ASSERT_UNTOUCHED(g);
	}
}

/*
 * A dump read in parts of at most 8 KiB (about 30 reservations), on a
 * socket of its own: netlink sizes a dump's parts by the largest read the
 * socket has seen, makes the next part as one is read, and gives the
 * module reference back as soon as it has made the end of the dump, even
 * before that is read.
 */
struct raw_dump {
	struct rawnl r;
	char buf[8192];
};

static int raw_open(struct raw_dump *d)
{
	return rawnl_open(&d->r, sizeof(d->buf));
}

static int raw_dump_start(struct raw_dump *d)
{
	size_t len = rawnl_request(&d->r, d->buf, MEMRESV_CMD_RESV_GET,
				   NLM_F_DUMP);

	return rawnl_send(&d->r, d->buf, len);
}

/* One part: 1 when it ended the dump, 0 when more follows, or -errno. */
static int raw_dump_part(struct raw_dump *d, int *entries)
{
	struct nlmsghdr *nlh;
	int len = recv(d->r.fd, d->buf, sizeof(d->buf), 0);

	if (len < 0)
		return -errno;
	for (nlh = (struct nlmsghdr *)d->buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: 1;
		(*entries)++;
	}
	return 0;
}

/* Dumps, one after the other, until killed. */
static pid_t dump_forever(void)
{
	struct mr_result res;
	struct mrnl *s;
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		s = mr_open();
		if (!s) {
			usleep(1000);
			continue;
		}
		mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
			NULL, NULL);
		mr_close(s);
	}
}

/*
 * A dump in progress holds a reference on the module: unloading fails
 * with EBUSY (EAGAIN) until it ends, and nothing breaks.  Every fifth
 * iteration the module does go, between two of another process's dumps.
 */
TEST_F_TIMEOUT(race, unload_during_dump, 36000)
{
	struct raw_dump d;
	int i, ret, entries, busy = 0, unloaded = 0;
	pid_t pid;

	RACE_ONLY();
	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set: not in the VM runner");
	make_groups(_metadata, self->top, 60);
	reserve_groups(_metadata, self->s, self->top, 60);
	for (i = 0; i < self->iters; i++) {
		ASSERT_EQ(0, raw_open(&d));
		ASSERT_EQ(0, raw_dump_start(&d));
		entries = 0;
		/*
		 * One part read: reading it made the next, and the dump's end
		 * is made only when that one is read.
		 */
		ASSERT_EQ(0, raw_dump_part(&d, &entries));
		ret = mod_unload();
		EXPECT_TRUE(ret == -EAGAIN || ret == -EBUSY)
			TH_LOG("unload during a dump: %d", ret);
		ASSERT_TRUE(mod_loaded());
		busy++;
		while ((ret = raw_dump_part(&d, &entries)) == 0)
			;
		ASSERT_EQ(1, ret);
		ASSERT_LE(60, entries);
		rawnl_close(&d.r);
		if (i % 5 != 4)
			continue;
		/* Gone between two dumps of another process, and back. */
		pid = dump_forever();
		usleep(i * 7919 % 20000);
		mr_close(self->s);
		self->s = NULL;
		ASSERT_EQ(0, mod_unload_wait());
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		unloaded++;
		assert_given_back(_metadata, self->top, 60);
		ASSERT_EQ(0, mod_load());
		self->s = mr_open();
		ASSERT_NE(NULL, self->s);
		reserve_groups(_metadata, self->s, self->top, 60);
	}
	TH_LOG("%d unloads refused during a dump, %d done between dumps",
	       busy, unloaded);
	ASSERT_LEDGER(self->s);
}

/*
 * The module goes while the balancer works: period 100 ms, reservations
 * running and starting, workloads moving.  Every group gets its files
 * back and no tick outlives the module.
 */
TEST_F_TIMEOUT(race, unload_during_balancer_pass, 36000)
{
	struct mr_hog hogs[4];
	unsigned int seed = 3;
	uint64_t t0, t1, t2, t3;
	char g[128];
	int i, k, n = reload_iters();

	RACE_ONLY();
	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set: not in the VM runner");
	make_groups(_metadata, self->top, 32);
	for (k = 0; k < 4; k++) {
		hogs[k] = (struct mr_hog)MR_HOG_INIT;
		snprintf(g, sizeof(g), "%s/g%d", self->top, 2 * k + 1);
		ASSERT_EQ(0, mr_hog_start(&hogs[k], g, MR_HOG_PASSES,
					  (4 + 4 * k) * MiB, 0));
	}
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mod_load());
		mr_close(self->s);
		self->s = mr_open();
		ASSERT_NE(NULL, self->s);
		ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS,
					 100, NULL));
		t0 = mr_now_ms();
		reserve_groups(_metadata, self->s, self->top, 32);
		t1 = mr_now_ms();
		/* Usage moves: the balancer has work. */
		for (k = 0; k < 4; k++)
			mr_hog_again(&hogs[k]);
		usleep(rand_r(&seed) % 300000);
		t2 = mr_now_ms();
		mr_close(self->s);
		self->s = NULL;
		ASSERT_EQ(0, mod_unload_wait()) TH_LOG("iteration %d", i);
		t3 = mr_now_ms();
		assert_given_back(_metadata, self->top, 32);
		if (!i)
			TH_LOG("reserve %llu ms, wait %llu ms, unload %llu ms",
			       (unsigned long long)(t1 - t0),
			       (unsigned long long)(t2 - t1),
			       (unsigned long long)(t3 - t2));
	}
	for (k = 0; k < 4; k++)
		mr_hog_stop(&hogs[k]);
	/* A tick that outlived its module would fire by now. */
	usleep(300 * 1000);
	ASSERT_EQ(0, mod_load());
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
}

/* HOST_SET of every setting, over and over, until killed. */
static pid_t host_set_forever(void)
{
	struct mrnl *s;
	uint32_t i = 0;
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		s = mr_open();
		if (!s) {
			usleep(1000);
			continue;
		}
		for (; mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS,
				   i % 3 ? 100 + i % 7 * 50 : 60000, NULL) !=
		       -ENOENT && i % 100 != 99; i++) {
			mr_host_set(s, MEMRESV_A_HOST_PAGING_MAX, 1 + i % 600,
				    NULL);
			mr_host_set(s, MEMRESV_A_HOST_RESERVE,
				    (128 + i % 64) * MiB, NULL);
		}
		i++;
		mr_close(s);
	}
}

/* The module goes while HOST_SET re-arms the tick: it never fires after. */
TEST_F_TIMEOUT(race, unload_during_host_set, 36000)
{
	struct mr_attrs h;
	int i, n = reload_iters();
	pid_t pid;

	RACE_ONLY();
	if (!getenv("MEMRESV_KO"))
		SKIP(return, "MEMRESV_KO is not set: not in the VM runner");
	ASSERT_EQ(0, mr_host(self->s, &h));
	make_groups(_metadata, self->top, 8);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, mod_load());
		mr_close(self->s);
		self->s = mr_open();
		ASSERT_NE(NULL, self->s);
		reserve_groups(_metadata, self->s, self->top, 8);
		pid = host_set_forever();
		usleep(i * 7919 % 50000);
		mr_close(self->s);
		self->s = NULL;
		ASSERT_EQ(0, mod_unload_wait()) TH_LOG("iteration %d", i);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		assert_given_back(_metadata, self->top, 8);
	}
	usleep(300 * 1000);
	ASSERT_EQ(0, mod_load());
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	/* The reserve as the other tests expect it. */
	mr_host_set(self->s, MEMRESV_A_HOST_RESERVE,
		    h.val[MEMRESV_A_HOST_RESERVE], NULL);
}

TEST_HARNESS_MAIN
