// SPDX-License-Identifier: GPL-2.0
/*
 * Smart paging with real workloads and the real swap device: a start that
 * does not fit in physical memory is admitted with part of its startup in
 * the swap tier, its workload runs without an OOM kill, and the tier is
 * given back on ready, at startup_window or at paging_max.
 *
 * The host's capacity is narrowed with its reserve, so that starts of a few
 * tens of MiB do not fit while the VM itself has plenty; the reserve, the
 * tier, paging_max and the period (250 ms here) are restored afterwards.
 * Waits are bounded in periods, with slack for emulation and the debug
 * kernel.  Without a swap device every test skips.
 */
#include <poll.h>
#include <time.h>

#include "kselftest_harness.h"
#include "cg.h"

#define PERIOD_MS	250
#define VERIFY_PARAM	"/sys/module/memresv/parameters/verify_ledger"

static int cg_seq;

/* Is a swap device on?  /proc/swaps has a header line, then one per device. */
static bool swap_on(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int host_set(struct mr_sock *s, int attr, uint64_t v,
		    struct mr_result *res)
{
	struct nl_msg *msg = mr_msg(s, MEMRESV_CMD_HOST_SET, 0);

	if (attr == MEMRESV_A_HOST_PERIOD_MS || attr == MEMRESV_A_HOST_PAGING_MAX)
		nla_put_u32(msg, attr, v);
	else
		nla_put_u64(msg, attr, v);
	return mr_do(s, msg, res);
}

/*
 * Make the host's capacity what the others had guaranteed when the test
 * began (@h0) plus @room: a start then has at most @room physically.
 */
static int narrow(struct mr_sock *s, const struct mr_attrs *h0, uint64_t room)
{
	struct mr_result res;

	return host_set(s, MEMRESV_A_HOST_RESERVE,
			h0->val[MEMRESV_A_HOST_TOTAL] -
			h0->val[MEMRESV_A_HOST_GUARANTEED] - room, &res);
}

#define PAGING_DEFAULT	-1	/* leave MEMRESV_A_PAGING out */
#define WINDOW_DEFAULT	0	/* leave MEMRESV_A_STARTUP_WINDOW out */

/* RESV_NEW; @window in seconds. */
static int add(struct mr_sock *s, const char *cg, uint64_t startup,
	       uint64_t minimum, uint64_t maximum, int paging, bool force,
	       uint32_t window, struct mr_result *res)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_NEW, cg);

	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	if (paging != PAGING_DEFAULT)
		nla_put_u8(msg, MEMRESV_A_PAGING, paging);
	if (force)
		nla_put_flag(msg, MEMRESV_A_FORCE);
	if (window != WINDOW_DEFAULT)
		nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, window);
	return mr_do(s, msg, res);
}

static int simple(struct mr_sock *s, uint8_t cmd, const char *cg,
		  struct mr_result *res)
{
	return mr_do(s, mr_resv_msg(s, cmd, cg), res);
}

static int get(struct mr_sock *s, const char *cg, struct mr_attrs *a)
{
	struct mr_result res;
	int err = simple(s, MEMRESV_CMD_RESV_GET, cg, &res);

	*a = res.last;
	return err;
}

/*
 * The next @event about @cg on the monitor socket, within @ms.  Other
 * events (host changes, status changes, other groups) are passed over.
 */
static int wait_event(struct mr_sock *mon, const char *cg, int event, int ms,
		      struct mr_attrs *out)
{
	struct pollfd pfd = { .fd = mr_fd(mon), .events = POLLIN };
	uint64_t end = now_ms() + ms;
	struct mr_result res;

	while (now_ms() < end) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		memset(&res, 0, sizeof(res));
		mr_recv_one(mon, &res, NULL, NULL);
		if (res.nmsgs && res.last.val[MEMRESV_A_EVENT] == (uint64_t)event &&
		    !strcmp(res.last.cgroup, cg)) {
			*out = res.last;
			return 0;
		}
	}
	return -ETIMEDOUT;
}

/*
 * A workload in @cg that touches @bytes of anonymous memory, says so on
 * *@ack, and touches all of it again each time a byte arrives on *@cmd.
 */
static pid_t hog_start(const char *cg, uint64_t bytes, int *cmd, int *ack)
{
	int c[2], a[2];
	char x = 0;
	pid_t pid;

	if (pipe(c))
		return -1;
	if (pipe(a)) {
		close(c[0]);
		close(c[1]);
		return -1;
	}
	pid = fork();
	if (!pid) {
		char *mem;

		close(c[1]);
		close(a[0]);
		if (cg_enter(cg))
			_exit(1);
		mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			_exit(1);
		do {
			for (uint64_t off = 0; off < bytes; off += 4096)
				mem[off]++;
			if (write(a[1], &x, 1) != 1)
				_exit(1);
		} while (read(c[0], &x, 1) == 1);
		_exit(0);
	}
	close(c[0]);
	close(a[1]);
	if (pid < 0) {
		close(c[1]);
		close(a[0]);
		return -1;
	}
	*cmd = c[1];
	*ack = a[0];
	return pid;
}

/* 1: the workload finished a pass within @ms; 0: not yet; -1: it died. */
static int hog_wait(int ack, int ms)
{
	struct pollfd pfd = { .fd = ack, .events = POLLIN };
	char x;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(ack, &x, 1) == 1 ? 1 : -1;
}

/* A pass of workload @i in @cg, with what went wrong if it did. */
#define ASSERT_PASS(i, cg, ms) do {					\
	int __rc = hog_wait(self->ack[i], (ms));			\
									\
	ASSERT_EQ(1, __rc)						\
		TH_LOG("the workload %s (oom_kill %llu, swap max %llu, swap %llu MiB)", \
		       __rc ? "died" : "did not finish in time",	\
		       (unsigned long long)cg_key(cg, "memory.events", "oom_kill"), \
		       (unsigned long long)cg_key(cg, "memory.swap.events", "max"), \
		       (unsigned long long)(cg_u64(cg, "memory.swap.current") >> 20)); \
} while (0)

static bool hog_again(int cmd)
{
	char x = 0;

	return write(cmd, &x, 1) == 1;
}

#define NGROUPS	3

FIXTURE(paging) {
	struct mr_sock *s, *mon;
	struct mr_attrs host;		/* as the test found it */
	char cg[NGROUPS][64];
	pid_t pid[NGROUPS];
	int cmd[NGROUPS], ack[NGROUPS];
	char verify[8];
	bool noswap;
};

/* SKIP() in the set-up does not stop the test body: each test asks too. */
#define NEED_SWAP() do {						\
	if (self->noswap)						\
		return;							\
} while (0)

FIXTURE_SETUP(paging)
{
	char buf[8];
	int i, fd;

	for (i = 0; i < NGROUPS; i++) {
		self->pid[i] = -1;
		self->cmd[i] = -1;
		self->ack[i] = -1;
	}
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	if (!swap_on()) {
		self->noswap = true;
		SKIP(return, "no swap device (/proc/swaps lists none): the swap tier needs one");
	}
	/* Recount the ledger after every change: a drift WARNs. */
	fd = open(VERIFY_PARAM, O_RDWR);
	if (fd >= 0) {
		if (read(fd, buf, 1) == 1)
			self->verify[0] = buf[0];
		if (write(fd, "1", 1) != 1)
			self->verify[0] = 0;
		close(fd);
	}
	ASSERT_EQ(0, mr_host(self->s, &self->host));
	self->mon = mr_open();
	ASSERT_NE(NULL, self->mon);
	ASSERT_EQ(0, mr_subscribe(self->mon));
	for (i = 0; i < NGROUPS; i++) {
		snprintf(self->cg[i], sizeof(self->cg[i]), "mrpage-%d-%d-%c",
			 getpid(), cg_seq, 'a' + i);
		ASSERT_EQ(0, cg_create(self->cg[i]));
	}
	cg_seq++;
	{
		struct mr_result res;

		ASSERT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PERIOD_MS,
				      PERIOD_MS, &res));
	}
}

FIXTURE_TEARDOWN(paging)
{
	struct mr_result res;
	struct nl_msg *msg;
	int i, fd;

	for (i = 0; i < NGROUPS && !self->noswap; i++) {
		cg_stop(self->pid[i]);
		if (self->cmd[i] >= 0)
			close(self->cmd[i]);
		if (self->ack[i] >= 0)
			close(self->ack[i]);
		mr_del(self->s, self->cg[i]);
		cg_destroy(self->cg[i]);
	}
	if (!self->noswap) {
		msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
		nla_put_u64(msg, MEMRESV_A_HOST_RESERVE,
			    self->host.val[MEMRESV_A_HOST_RESERVE]);
		nla_put_u64(msg, MEMRESV_A_HOST_PAGING_LIMIT,
			    self->host.val[MEMRESV_A_HOST_PAGING_LIMIT]);
		nla_put_u32(msg, MEMRESV_A_HOST_PAGING_MAX,
			    self->host.val[MEMRESV_A_HOST_PAGING_MAX]);
		nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS,
			    self->host.val[MEMRESV_A_HOST_PERIOD_MS]);
		/* No EXPECT here: a failed ASSERT leaves the harness armed. */
		if (mr_do(self->s, msg, &res))
			TH_LOG("host settings not restored: %s", res.extack);
	}
	if (self->verify[0]) {
		fd = open(VERIFY_PARAM, O_WRONLY);
		if (fd >= 0) {
			if (write(fd, self->verify, 1) != 1)
				TH_LOG("verify_ledger not restored");
			close(fd);
		}
	}
	mr_close(self->mon);
	mr_close(self->s);
}

/*
 * A restart whose startup exceeds what the host can give physically is
 * admitted with paging: g = F + R in RAM, startup - g from the tier.  A new
 * reservation gets the tier only with FORCE (or paging "always"), and
 * paging "never" refuses it whatever the request says.
 */
TEST_F_TIMEOUT(paging, restart_pages_when_startup_does_not_fit, 120)
{
	const uint64_t st = 128 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB, grant = st - g;
	const char *a = self->cg[0], *b = self->cg[1];
	struct mr_attrs h0, h, r, ev;
	struct mr_result res;
	struct nl_msg *msg;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, st));
	ASSERT_EQ(0, add(self->s, a, st, min, max, PAGING_DEFAULT, false,
			 WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, res.last.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, a, &res));

	/* Now only g is left for it: another start took the rest. */
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_RESTART, a, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	EXPECT_EQ(MEMRESV_STATE_PAGING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(MEMRESV_STATUS_WARNING, r.val[MEMRESV_A_STATUS]);
	EXPECT_EQ(g, r.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(g, r.val[MEMRESV_A_TARGET]);
	EXPECT_EQ(grant, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_TRUE(r.has[MEMRESV_A_PHASE_LEFT_MS]);
	EXPECT_EQ(g, cg_u64(a, "memory.max"));
	EXPECT_EQ(g, cg_u64(a, "memory.min"));
	EXPECT_EQ(g, cg_u64(a, "memory.high"));
	/* swap_max 0; room for all of startup (see resv.c) */
	EXPECT_EQ(g + grant, cg_u64(a, "memory.swap.max"));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED] + grant,
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_LE(h.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_CAPACITY]);
	ASSERT_EQ(0, wait_event(self->mon, a, MEMRESV_EVENT_PAGING_START, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_RESTART, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(grant, ev.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_LEDGER(self->s);

	/* paging "never": a restart that does not fit is refused, no change. */
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, a, &res));
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, a);
	nla_put_u8(msg, MEMRESV_A_PAGING, MEMRESV_PAGING_NEVER);
	ASSERT_EQ(0, mr_do(self->s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, simple(self->s, MEMRESV_CMD_RESV_RESTART, a, &res));
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, get(self->s, a, &r));
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(max, cg_u64(a, "memory.max"));
	ASSERT_EQ(0, mr_del(self->s, a));

	/* A new reservation with the same request: paging "restart" refuses. */
	ASSERT_EQ(0, mr_host(self->s, &h0));
	EXPECT_EQ(-ENOMEM, add(self->s, b, st, min, max, PAGING_DEFAULT, false,
			       WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "does not fit")) TH_LOG("%s", res.extack);
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_ASSIGNED], h.val[MEMRESV_A_HOST_ASSIGNED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_RESERVATIONS], h.val[MEMRESV_A_HOST_RESERVATIONS]);
	EXPECT_EQ(-ENOENT, get(self->s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));
	EXPECT_EQ(0, cg_u64(b, "memory.min"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.swap.max"));

	/* FORCE: SCVMM's override lets this one start use the tier. */
	ASSERT_EQ(0, add(self->s, b, st, min, max, PAGING_DEFAULT, true,
			 WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	EXPECT_EQ(MEMRESV_STATE_PAGING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(g, r.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(grant, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(MEMRESV_PAGING_RESTART, r.val[MEMRESV_A_PAGING]);
	EXPECT_EQ(g, cg_u64(b, "memory.max"));
	EXPECT_EQ(g + grant, cg_u64(b, "memory.swap.max"));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED] + grant,
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_EQ(0, wait_event(self->mon, b, MEMRESV_EVENT_PAGING_START, 2000, &ev));
	ASSERT_LEDGER(self->s);
	ASSERT_EQ(0, mr_del(self->s, b));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* paging "never" wins over FORCE. */
	EXPECT_EQ(-ENOMEM, add(self->s, b, st, min, max, MEMRESV_PAGING_NEVER,
			       true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "no paging")) TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOENT, get(self->s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));

	/* paging "always" needs no FORCE. */
	ASSERT_EQ(0, add(self->s, b, st, min, max, MEMRESV_PAGING_ALWAYS, false,
			 WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(grant, res.last.val[MEMRESV_A_PAGING_GRANT]);
	ASSERT_LEDGER(self->s);
}

/*
 * A workload touching nearly all of its startup, g of it in RAM, completes
 * without an OOM kill while the rest sits in swap.
 */
TEST_F_TIMEOUT(paging, workload_runs_partly_from_swap, 300)
{
	const uint64_t st = 64 * MiB, g = 32 * MiB, touch = 60 * MiB;
	const char *a = self->cg[0];
	uint64_t t0, first, cur, swp;
	struct mr_result res;
	struct mr_attrs r;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, add(self->s, a, st, 16 * MiB, 256 * MiB,
			 MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(st - g, res.last.val[MEMRESV_A_PAGING_GRANT]);

	t0 = now_ms();
	self->pid[0] = hog_start(a, touch, &self->cmd[0], &self->ack[0]);
	ASSERT_GT(self->pid[0], 0);
	ASSERT_PASS(0, a, 240000);
	first = now_ms() - t0;
	cur = cg_u64(a, "memory.current");
	swp = cg_u64(a, "memory.swap.current");
	TH_LOG("touched %llu MiB in %llu ms: %llu MiB in RAM, %llu MiB in swap",
	       (unsigned long long)(touch >> 20), (unsigned long long)first,
	       (unsigned long long)(cur >> 20), (unsigned long long)(swp >> 20));
	EXPECT_LE(cur, g);
	EXPECT_GT(swp, 0);
	/* Every page is in RAM, in swap, or both (the swap cache). */
	EXPECT_GE(cur + swp, touch);
	EXPECT_LE(swp, cg_u64(a, "memory.swap.max"));
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_EQ(0, kill(self->pid[0], 0));

	/* The reservation reports what sits in swap. */
	ASSERT_EQ(0, get(self->s, a, &r));
	EXPECT_EQ(MEMRESV_STATE_PAGING, r.val[MEMRESV_A_STATE]);
	EXPECT_GT(r.val[MEMRESV_A_SWAP_CURRENT], 0);

	ASSERT_LEDGER(self->s);
}

/*
 * While paging the group holds startup = g in RAM plus the grant in swap,
 * so a workload may touch nearly all of it again and again, as a guest
 * does with the memory it booted with.
 *
 * A page read back from swap stays in the swap cache, charged to memory and
 * to swap at once, until the kernel frees its slot.  With memory.swap.max =
 * swap_max + grant a second pass over 60 of 64 MiB (g = 32 MiB) brought
 * both counters to their limits on 6.12 and the memcg OOM-killed the
 * workload inside its startup; memresv now gives the group swap room for
 * all of startup while paging (the tier still reserves only the grant).
 */
TEST_F_TIMEOUT(paging, workload_touches_its_startup_again, 600)
{
	const uint64_t st = 64 * MiB, g = 32 * MiB, touch = 60 * MiB;
	const char *a = self->cg[0];
	struct mr_result res;
	uint64_t t0;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, add(self->s, a, st, 16 * MiB, 256 * MiB,
			 MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	self->pid[0] = hog_start(a, touch, &self->cmd[0], &self->ack[0]);
	ASSERT_GT(self->pid[0], 0);
	ASSERT_PASS(0, a, 240000);
	/*
	 * Once more: one pass shows it, and the debug kernel takes minutes
	 * over each when the swap device is contended.
	 */
	t0 = now_ms();
	ASSERT_TRUE(hog_again(self->cmd[0]));
	ASSERT_PASS(0, a, 400000);
	TH_LOG("touched %llu MiB again in %llu ms",
	       (unsigned long long)(touch >> 20),
	       (unsigned long long)(now_ms() - t0));
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_EQ(0, kill(self->pid[0], 0));
	ASSERT_LEDGER(self->s);
}

/*
 * RESV_READY ends paging at once: the grant goes back to the tier, the
 * files to the reservation's own settings, a paging-end (ready) goes out.
 * What the group holds in swap is reported and drains as the workload
 * touches its memory again.
 */
TEST_F_TIMEOUT(paging, ready_ends_paging_and_swap_drains, 300)
{
	const uint64_t st = 48 * MiB, min = 16 * MiB, max = 256 * MiB;
	const uint64_t g = 24 * MiB, touch = 44 * MiB;
	const char *a = self->cg[0];
	struct mr_attrs h0, h, r, ev;
	uint64_t swp0, swp, t0;
	struct mr_result res;
	int i;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	ASSERT_EQ(0, add(self->s, a, st, min, max, MEMRESV_PAGING_ALWAYS, false,
			 WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	self->pid[0] = hog_start(a, touch, &self->cmd[0], &self->ack[0]);
	ASSERT_GT(self->pid[0], 0);
	ASSERT_PASS(0, a, 240000);
	swp0 = cg_u64(a, "memory.swap.current");
	ASSERT_GT(swp0, 0);

	/*
	 * The host has memory again (another start finished): once running,
	 * the balancer can give the workload what it touches.
	 */
	ASSERT_EQ(0, narrow(self->s, &self->host, max));
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, a, &res))
		TH_LOG("%s", res.extack);
	r = res.last;
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(min, r.val[MEMRESV_A_GUARANTEE]);
	EXPECT_FALSE(r.has[MEMRESV_A_PHASE_LEFT_MS]);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED],
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(0, cg_u64(a, "memory.swap.max"));
	EXPECT_EQ(max, cg_u64(a, "memory.max"));
	EXPECT_EQ(min, cg_u64(a, "memory.min"));
	ASSERT_EQ(0, wait_event(self->mon, a, MEMRESV_EVENT_PAGING_END, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_READY, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(0, ev.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(MEMRESV_STATE_RUNNING, ev.val[MEMRESV_A_STATE]);

	/* Right after, the pages in swap are still there, and reported. */
	ASSERT_EQ(0, get(self->s, a, &r));
	EXPECT_GT(r.val[MEMRESV_A_SWAP_CURRENT], 0);
	TH_LOG("at ready: %llu KiB in swap, %llu KiB reported",
	       (unsigned long long)(swp0 >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_SWAP_CURRENT] >> 10));
	ASSERT_LEDGER(self->s);

	/* Touched again, they come back in and leave swap. */
	t0 = now_ms();
	ASSERT_TRUE(hog_again(self->cmd[0]));
	ASSERT_PASS(0, a, 240000);
	for (i = 0; i < 40; i++) {
		swp = cg_u64(a, "memory.swap.current");
		if (swp <= swp0 / 8)
			break;
		usleep(PERIOD_MS * 1000);
	}
	ASSERT_EQ(0, get(self->s, a, &r));
	TH_LOG("touched again in %llu ms: %llu KiB left in swap (%llu reported), target %llu MiB",
	       (unsigned long long)(now_ms() - t0),
	       (unsigned long long)(swp >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_SWAP_CURRENT] >> 10),
	       (unsigned long long)(r.val[MEMRESV_A_TARGET] >> 20));
	EXPECT_LE(swp, swp0 / 8);
	EXPECT_LE(r.val[MEMRESV_A_SWAP_CURRENT], swp0 / 8);
	EXPECT_EQ(0, cg_key(a, "memory.events", "oom_kill"));
	EXPECT_EQ(0, kill(self->pid[0], 0));
	ASSERT_LEDGER(self->s);
}

/* The checks after the phase ended on its own (the tick). */
static void expect_ended(struct __test_metadata *_metadata, struct mr_sock *s,
			 const char *cg, uint64_t min, uint64_t max)
{
	struct mr_attrs r;
	int i;

	ASSERT_EQ(0, get(s, cg, &r));
	EXPECT_EQ(MEMRESV_STATE_RUNNING, r.val[MEMRESV_A_STATE]);
	EXPECT_EQ(0, r.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(min, r.val[MEMRESV_A_GUARANTEE]);
	/* The tick writes the files from the workqueue. */
	for (i = 0; i < 20; i++) {
		if (cg_u64(cg, "memory.max") == max &&
		    cg_u64(cg, "memory.swap.max") == 0)
			break;
		usleep(PERIOD_MS * 1000);
	}
	EXPECT_EQ(max, cg_u64(cg, "memory.max"));
	EXPECT_EQ(0, cg_u64(cg, "memory.swap.max"));
	EXPECT_EQ(min, cg_u64(cg, "memory.min"));
}

/* startup_window (2 s here) ends paging: reason window. */
TEST_F_TIMEOUT(paging, window_ends_paging, 60)
{
	const uint64_t st = 128 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB;
	const char *a = self->cg[0];
	struct mr_attrs h0, h, ev;
	struct mr_result res;
	uint64_t t0, took;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	t0 = now_ms();
	ASSERT_EQ(0, add(self->s, a, st, min, max, MEMRESV_PAGING_ALWAYS, false,
			 2, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_LE(res.last.val[MEMRESV_A_PHASE_LEFT_MS], 2000);
	ASSERT_EQ(0, wait_event(self->mon, a, MEMRESV_EVENT_PAGING_END,
				2000 + 40 * PERIOD_MS, &ev));
	took = now_ms() - t0;
	TH_LOG("paging ended %llu ms after admission (window 2000 ms, period %d ms)",
	       (unsigned long long)took, PERIOD_MS);
	EXPECT_EQ(MEMRESV_REASON_WINDOW, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(MEMRESV_STATE_RUNNING, ev.val[MEMRESV_A_STATE]);
	EXPECT_GE(took, 1900);
	EXPECT_LE(took, 2000 + 8 * PERIOD_MS);
	expect_ended(_metadata, self->s, a, min, max);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED],
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->s);
}

/* paging_max (2 s here) cuts a long window (60 s): reason paging-max. */
TEST_F_TIMEOUT(paging, paging_max_cuts_a_long_window, 60)
{
	const uint64_t st = 128 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB;
	const char *a = self->cg[0];
	struct mr_attrs h0, h, ev;
	struct mr_result res;
	uint64_t t0, took;

	NEED_SWAP();
	ASSERT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_MAX, 2, &res));
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	EXPECT_EQ(2, h0.val[MEMRESV_A_HOST_PAGING_MAX]);
	t0 = now_ms();
	ASSERT_EQ(0, add(self->s, a, st, min, max, MEMRESV_PAGING_ALWAYS, false,
			 60, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_LE(res.last.val[MEMRESV_A_PHASE_LEFT_MS], 2000);
	ASSERT_EQ(0, wait_event(self->mon, a, MEMRESV_EVENT_PAGING_END,
				2000 + 40 * PERIOD_MS, &ev));
	took = now_ms() - t0;
	TH_LOG("paging ended %llu ms after admission (paging_max 2000 ms, period %d ms)",
	       (unsigned long long)took, PERIOD_MS);
	EXPECT_EQ(MEMRESV_REASON_PAGING_MAX, ev.val[MEMRESV_A_REASON]);
	EXPECT_GE(took, 1900);
	EXPECT_LE(took, 2000 + 8 * PERIOD_MS);
	expect_ended(_metadata, self->s, a, min, max);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED],
		  h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->s);
}

/* paging_used never exceeds paging_limit. */
static void expect_tier_holds(struct __test_metadata *_metadata,
			      struct mr_sock *s, struct mr_attrs *h)
{
	ASSERT_EQ(0, mr_host(s, h));
	EXPECT_LE(h->val[MEMRESV_A_HOST_PAGING_USED],
		  h->val[MEMRESV_A_HOST_PAGING_LIMIT]);
}

/*
 * Two starts competing for a small tier (96 MiB): the first gets its
 * grant, the second is refused while the tier has not enough left and
 * admitted when it asks for what is left; the tier cannot be shrunk below
 * what is granted.
 */
TEST_F_TIMEOUT(paging, two_starts_share_a_small_tier, 60)
{
	const uint64_t limit = 96 * MiB, min = 32 * MiB, max = 256 * MiB;
	const uint64_t g = 64 * MiB;
	const char *a = self->cg[0], *b = self->cg[1], *c = self->cg[2];
	struct mr_attrs h0, h, r;
	struct mr_result res;

	NEED_SWAP();
	ASSERT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, limit, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, narrow(self->s, &self->host, g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	ASSERT_EQ(0, h0.val[MEMRESV_A_HOST_PAGING_USED]);

	/* The first: g in RAM, 64 MiB of the 96 from the tier. */
	ASSERT_EQ(0, add(self->s, a, 128 * MiB, min, max, MEMRESV_PAGING_ALWAYS,
			 false, WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(64 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/*
	 * Room for another g in RAM; the second asks 64 MiB of the tier too,
	 * with 32 left: refused, and nothing changes.
	 */
	ASSERT_EQ(0, narrow(self->s, &self->host, 2 * g));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	EXPECT_EQ(-ENOMEM, add(self->s, b, 128 * MiB, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 32 MiB"))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOENT, get(self->s, b, &r));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.max"));
	EXPECT_EQ(UINT64_MAX, cg_u64(b, "memory.swap.max"));
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_PAGING_USED], h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_RESERVATIONS], h.val[MEMRESV_A_HOST_RESERVATIONS]);

	/* Asking for what is left fits: the tier is exactly used up. */
	ASSERT_EQ(0, add(self->s, b, 96 * MiB, min, max, MEMRESV_PAGING_ALWAYS,
			 false, WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(32 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	EXPECT_EQ(96 * MiB, cg_u64(b, "memory.swap.max"));
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->s);

	/* With the tier used up, a third start has none of it. */
	ASSERT_EQ(0, narrow(self->s, &self->host, 3 * g));
	EXPECT_EQ(-ENOMEM, add(self->s, c, 96 * MiB, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* The tier cannot shrink below what is granted. */
	EXPECT_EQ(-EBUSY, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT,
				   limit - 32 * MiB, &res));
	EXPECT_NE(NULL, strstr(res.extack, "granted")) TH_LOG("%s", res.extack);
	EXPECT_EQ(-EBUSY, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, 0, &res));
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(limit, h.val[MEMRESV_A_HOST_PAGING_LIMIT]);
	EXPECT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, limit, &res));

	/* Once the first is ready its grant is back, and the tier may shrink. */
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, a, &res));
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(32 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);
	EXPECT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, 32 * MiB, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, add(self->s, c, max, min, max,
			       MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, b, &res));

	/* paging_limit 0 turns the tier off. */
	ASSERT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, 0, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, add(self->s, c, max, min, max,
			       MEMRESV_PAGING_ALWAYS, true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(0, h.val[MEMRESV_A_HOST_PAGING_USED]);
	ASSERT_LEDGER(self->s);
}

/*
 * An exhausted tier never costs a running reservation its workload: the
 * start that takes the last of the tier, and the start refused for want
 * of it, leave a running workload in another group alive, and so does the
 * paging workload itself.
 */
TEST_F_TIMEOUT(paging, exhausted_tier_never_oom_kills, 300)
{
	const uint64_t min = 24 * MiB, max = 256 * MiB, run = 20 * MiB;
	const char *r = self->cg[0], *p = self->cg[1], *q = self->cg[2];
	struct mr_attrs h, a;
	struct mr_result res;
	int i;

	NEED_SWAP();
	ASSERT_EQ(0, narrow(self->s, &self->host, 64 * MiB));
	/* A running reservation whose workload keeps touching its memory. */
	ASSERT_EQ(0, add(self->s, r, 32 * MiB, min, max, PAGING_DEFAULT, false,
			 WINDOW_DEFAULT, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, r, &res));
	self->pid[0] = cg_spawn_hog(r, run);
	ASSERT_GT(self->pid[0], 0);
	for (i = 0; i < 200 && cg_u64(r, "memory.current") < run; i++)
		usleep(PERIOD_MS * 1000 / 5);
	ASSERT_GE(cg_u64(r, "memory.current"), run);

	/* A start takes all the room left (40 MiB) and the whole tier. */
	ASSERT_EQ(0, host_set(self->s, MEMRESV_A_HOST_PAGING_LIMIT, 16 * MiB, &res));
	ASSERT_EQ(0, add(self->s, p, 56 * MiB, 8 * MiB, max,
			 MEMRESV_PAGING_ALWAYS, false, WINDOW_DEFAULT, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_PAGING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(40 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(16 * MiB, res.last.val[MEMRESV_A_PAGING_GRANT]);
	expect_tier_holds(_metadata, self->s, &h);
	EXPECT_EQ(16 * MiB, h.val[MEMRESV_A_HOST_PAGING_USED]);

	/* RAM for another start, but no tier: refused. */
	ASSERT_EQ(0, narrow(self->s, &self->host, 80 * MiB));
	EXPECT_EQ(-ENOMEM, add(self->s, q, 32 * MiB, 8 * MiB, max,
			       PAGING_DEFAULT, true, WINDOW_DEFAULT, &res));
	EXPECT_NE(NULL, strstr(res.extack, "tier 0 MiB"))
		TH_LOG("%s", res.extack);

	/* The paging start's workload fills its startup, 12 MiB in swap. */
	self->pid[1] = hog_start(p, 52 * MiB, &self->cmd[1], &self->ack[1]);
	ASSERT_GT(self->pid[1], 0);
	ASSERT_PASS(1, p, 240000);
	EXPECT_GT(cg_u64(p, "memory.swap.current"), 0);

	/*
	 * The phase ends with its pages still in swap; once the host has
	 * room again they come back.  Nobody is killed on the way.
	 */
	ASSERT_EQ(0, narrow(self->s, &self->host, max));
	ASSERT_EQ(0, simple(self->s, MEMRESV_CMD_RESV_READY, p, &res));
	ASSERT_TRUE(hog_again(self->cmd[1]));
	ASSERT_PASS(1, p, 240000);
	for (i = 0; i < 8; i++) {
		usleep(PERIOD_MS * 1000);
		expect_tier_holds(_metadata, self->s, &h);
	}
	ASSERT_EQ(0, get(self->s, r, &a));
	TH_LOG("running group: %llu MiB in RAM, target %llu MiB",
	       (unsigned long long)(cg_u64(r, "memory.current") >> 20),
	       (unsigned long long)(a.val[MEMRESV_A_TARGET] >> 20));
	EXPECT_EQ(0, kill(self->pid[0], 0)) TH_LOG("the running workload died");
	EXPECT_EQ(0, kill(self->pid[1], 0)) TH_LOG("the paging workload died");
	EXPECT_EQ(0, cg_key(r, "memory.events", "oom_kill"));
	EXPECT_EQ(0, cg_key(p, "memory.events", "oom_kill"));
	EXPECT_EQ(0, cg_key(r, "memory.events", "oom"));
	EXPECT_GE(a.val[MEMRESV_A_TARGET], min);
	ASSERT_LEDGER(self->s);
}

TEST_HARNESS_MAIN
