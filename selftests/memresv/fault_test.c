// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation failures on every request path: for each of add, set (also
 * one that takes from another reservation's target), del, restart,
 * ready, host set, get and dump, the 1st, then the 2nd, ...
 * allocation the request makes in the kernel fails (failslab, aimed with
 * /proc/thread-self/fail-nth), until one goes through without reaching the
 * failure.  Each time the request either succeeds whole, or fails with
 * ENOMEM (or ENOBUFS from netlink) and changes nothing: the host's
 * settings and sums, every reservation, every hold and the groups' files
 * read as before.  The ledger recounts after each, the module recounts it
 * on every change too (verify_ledger), and the VM runner's kmemleak scan
 * on the debug kernel finds what a failed path leaked.
 *
 * An ENOBUFS on a later read means netlink lost an answer (its ACK could
 * not be allocated): the request may have been done or not, and either
 * state is accepted.
 *
 * Needs CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB with debugfs (the debug
 * kernel); SKIPs elsewhere.  The debug kernel has no FAIL_PAGE_ALLOC:
 * allocations straight from the page allocator are not failed.
 */
#include <poll.h>
#include <stdarg.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "mrtest.h"
#include "rawnl.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
/* More allocations than any request makes: the loop ends before. */
#define MAX_NTH		400
#define SNAP_LEN	16384

static int debugfs_write(const char *file, const char *val)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", FAILSLAB, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* --- what a request may not change when it fails ----------------------- */

struct snap {
	char buf[SNAP_LEN];
	size_t len;
	/* How long the last balancer pass took: another value, another pass. */
	uint64_t tick_ns;
};

static void snap_add(struct snap *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void snap_add(struct snap *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->len >= sizeof(s->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, sizeof(s->buf) - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += n;
}

static void snap_resv(const struct mr_attrs *a, void *arg)
{
	static const int attrs[] = {
		MEMRESV_A_STARTUP, MEMRESV_A_MINIMUM, MEMRESV_A_MAXIMUM,
		MEMRESV_A_BUFFER, MEMRESV_A_WEIGHT, MEMRESV_A_SWAP_MAX,
		MEMRESV_A_STARTUP_WINDOW, MEMRESV_A_PAGING, MEMRESV_A_STATE,
		MEMRESV_A_GUARANTEE, MEMRESV_A_TARGET, MEMRESV_A_PAGING_GRANT,
		MEMRESV_A_ACTUATOR,
	};
	size_t i;

	snap_add(arg, "resv %s %llu", a->cgroup,
		 (unsigned long long)a->val[MEMRESV_A_CGROUP_ID]);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		snap_add(arg, " %llu", (unsigned long long)a->val[attrs[i]]);
	snap_add(arg, "\n");
}

static void snap_hold(const struct mr_attrs *a, void *arg)
{
	snap_add(arg, "hold %s %llu %llu\n", a->hold,
		 (unsigned long long)a->val[MEMRESV_A_STARTUP],
		 (unsigned long long)a->val[MEMRESV_A_GUARANTEE]);
}

static const char *const files[] = {
	"memory.min", "memory.high", "memory.max", "memory.swap.max",
};

/* The host, every reservation and hold, the files of @groups. */
static int take_snap(struct mrnl *s, const char *const *groups, int n,
		     struct snap *out)
{
	static const int host[] = {
		MEMRESV_A_HOST_RESERVE, MEMRESV_A_HOST_PAGING_LIMIT,
		MEMRESV_A_HOST_PERIOD_MS, MEMRESV_A_HOST_PAGING_MAX,
		MEMRESV_A_HOST_CAPACITY, MEMRESV_A_HOST_GUARANTEED,
		MEMRESV_A_HOST_ASSIGNED, MEMRESV_A_HOST_PAGING_USED,
		MEMRESV_A_HOST_RESERVATIONS, MEMRESV_A_HOST_HOLDS,
		MEMRESV_A_HOST_OVERCOMMITTED,
	};
	struct mr_result res;
	struct mr_attrs h;
	size_t i;
	int g;

	out->len = 0;
	out->buf[0] = '\0';
	if (mr_host(s, &h))
		return -EIO;
	out->tick_ns = h.val[MEMRESV_A_HOST_TICK_NS];
	snap_add(out, "host");
	for (i = 0; i < sizeof(host) / sizeof(host[0]); i++)
		snap_add(out, " %llu", (unsigned long long)h.val[host[i]]);
	snap_add(out, "\n");
	if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
		    snap_resv, out) ||
	    mr_send(s, mr_msg(s, MEMRESV_CMD_HOLD_GET, NLM_F_DUMP), &res,
		    snap_hold, out))
		return -EIO;
	for (g = 0; g < n; g++)
		for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			snap_add(out, "%s %s %llu\n", groups[g], files[i],
				 (unsigned long long)cg_u64(groups[g], files[i]));
	return 0;
}

/*
 * The state a request starts from, once what the last one set going (an
 * ancestor's memory.min written by a work item, a balancer pass it asked
 * for) is done: two looks 50 ms apart agree.
 */
static int settled_snap(struct mrnl *s, const char *const *groups, int n,
			struct snap *out)
{
	static struct snap again;
	int i;

	if (take_snap(s, groups, n, out))
		return -EIO;
	for (i = 0; i < 100; i++) {
		usleep(50 * 1000);
		if (take_snap(s, groups, n, &again))
			return -EIO;
		if (again.len == out->len && !strcmp(again.buf, out->buf))
			return 0;
		*out = again;
	}
	return -EAGAIN;
}

/* --- one request, raw, with the n-th allocation failing ----------------- */

/**
 * struct outcome - how a faulted request went
 * @err: the first error: of the send, of an ACK or a dump's end, 0 if none
 * @lost: a read said ENOBUFS: netlink dropped an answer
 * @replies: reply messages
 * @done: the ACK, or the dump's end, arrived
 * @reached: the failure was injected (the request made n allocations)
 */
struct outcome {
	int err;
	bool lost;
	int replies;
	bool done;
	bool reached;
};

/* Answers to @seq until the ACK or the dump's end, or @ms of silence. */
static void collect(struct rawnl *r, uint32_t seq, int ms, struct outcome *o)
{
	static char buf[65536];
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	struct nlmsghdr *nlh;
	ssize_t n;
	int e;

	while (!o->done && poll(&pfd, 1, ms) == 1) {
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				o->lost = true;
			else if (errno != EAGAIN && errno != EINTR)
				o->err = o->err ?: -errno;
			continue;
		}
		for (nlh = (void *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
				o->err = o->err ?: e;
				o->done = true;
				break;
			}
			o->replies++;
		}
	}
}

/*
 * Send @req with the @nth allocation of this thread failing, and read its
 * answers with the failure still armed (a dump's later parts are made in
 * the reads).  Only system calls run between arming and disarming.
 */
static void faulted(struct rawnl *r, int nth_fd, int nth, void *req,
		    size_t len, struct outcome *o)
{
	uint32_t seq = ((struct nlmsghdr *)req)->nlmsg_seq;
	char v[16];
	int n;

	memset(o, 0, sizeof(*o));
	n = snprintf(v, sizeof(v), "%d", nth);
	if (pwrite(nth_fd, v, n, 0) != n) {
		o->err = -errno;
		return;
	}
	o->err = rawnl_send(r, req, len);
	if (!o->err)
		collect(r, seq, 3000, o);
	n = pread(nth_fd, v, sizeof(v) - 1, 0);
	v[n > 0 ? n : 0] = '\0';
	o->reached = atoi(v) == 0;
	if (pwrite(nth_fd, "0", 1, 0) != 1)
		o->err = o->err ?: -errno;
	/* What the failure kept from coming, unfaulted now. */
	if (!o->done)
		collect(r, seq, 1000, o);
}

/* --- the paths -------------------------------------------------------- */

struct ctx {
	struct mrnl *s;
	struct rawnl raw;
	char top[64];
	char g[96], h[96], k[96];
	uint64_t reserve;
	uint32_t period;
};

static int has_state(struct mrnl *s, const char *cg, int state)
{
	struct mr_attrs a;
	int err = mr_get(s, cg, &a);

	if (err)
		return err;
	return a.val[MEMRESV_A_STATE] == state ? 1 : 0;
}

/* RESV_SET of @cg's sizes; a size of 0 is left as it is. */
static int set_sizes(struct ctx *c, const char *cg, uint64_t startup,
		     uint64_t min, uint64_t max)
{
	struct nl_msg *msg = mr_resv_msg(c->s, MEMRESV_CMD_RESV_SET, cg);

	if (startup)
		nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	if (min)
		nla_put_u64(msg, MEMRESV_A_MINIMUM, min);
	if (max)
		nla_put_u64(msg, MEMRESV_A_MAXIMUM, max);
	return mr_do(c->s, msg, NULL);
}

/* @cg reserved (32M start, 16M minimum, 64M maximum), in @state. */
static int ensure(struct ctx *c, const char *cg, int state)
{
	struct nl_msg *msg;
	struct mr_attrs a;
	int err = mr_get(c->s, cg, &a);

	if (err == -ENOENT) {
		msg = mr_new_msg(c->s, cg, 32 * MiB, 16 * MiB, 64 * MiB);
		nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, 3600);
		err = mr_do(c->s, msg, NULL);
		if (err)
			return err;
		err = mr_get(c->s, cg, &a);
	}
	if (err)
		return err;
	if (a.val[MEMRESV_A_MAXIMUM] != 64 * MiB ||
	    a.val[MEMRESV_A_MINIMUM] != 16 * MiB ||
	    a.val[MEMRESV_A_STARTUP] != 32 * MiB) {
		err = set_sizes(c, cg, 32 * MiB, 16 * MiB, 64 * MiB);
		if (err)
			return err;
	}
	if (a.val[MEMRESV_A_STATE] == state)
		return 0;
	if (state == MEMRESV_STATE_RUNNING)
		return mr_ready(c->s, cg);
	return mr_cmd(c->s, MEMRESV_CMD_RESV_RESTART, cg, NULL);
}

static int gone(struct ctx *c, const char *cg)
{
	int err = mr_del(c->s, cg);

	return err == -ENOENT ? 0 : err;
}

static size_t req_resv(struct ctx *c, void *buf, uint8_t cmd, uint16_t flags)
{
	size_t len = rawnl_request(&c->raw, buf, cmd, NLM_F_ACK | flags);

	return rawnl_put(buf, len, 4096, MEMRESV_A_CGROUP, c->g,
			 strlen(c->g) + 1);
}

static size_t put_u64(void *buf, size_t len, uint16_t type, uint64_t v)
{
	return rawnl_put(buf, len, 4096, type, &v, sizeof(v));
}

/**
 * struct path - one request path
 * @name: for the log
 * @before: bring everything to the state the request starts from
 * @request: build the request
 * @done: after a success: what it did is there (0) or not
 */
struct path {
	const char *name;
	int (*before)(struct ctx *c);
	size_t (*request)(struct ctx *c, void *buf);
	int (*done)(struct ctx *c);
};

/* h always holds a running reservation: admissions see another. */
static int base(struct ctx *c)
{
	int err = ensure(c, c->h, MEMRESV_STATE_RUNNING);

	if (!err)
		err = gone(c, c->k);
	if (!err)
		err = mr_host_set(c->s, MEMRESV_A_HOST_RESERVE, c->reserve,
				  NULL);
	return err;
}

static int before_none(struct ctx *c)
{
	return base(c) ?: gone(c, c->g);
}

static int before_running(struct ctx *c)
{
	return base(c) ?: ensure(c, c->g, MEMRESV_STATE_RUNNING);
}

static int before_starting(struct ctx *c)
{
	return base(c) ?: ensure(c, c->g, MEMRESV_STATE_STARTING);
}

static int before_three(struct ctx *c)
{
	return before_running(c) ?: ensure(c, c->k, MEMRESV_STATE_RUNNING);
}

/*
 * g running with a target of 32 MiB at most (a maximum lowered and raised
 * again leaves it down); h's target 32 MiB above its guarantee (a minimum
 * raised and lowered again leaves it up), and only 4 MiB free: a target
 * of g's that grows by more takes the rest from h.
 */
static int before_taking(struct ctx *c)
{
	struct mr_attrs host;
	int err = before_running(c) ?: set_sizes(c, c->g, 0, 0, 32 * MiB) ?:
		  set_sizes(c, c->g, 0, 0, 64 * MiB) ?:
		  set_sizes(c, c->h, 48 * MiB, 48 * MiB, 0) ?:
		  set_sizes(c, c->h, 0, 16 * MiB, 0) ?: mr_host(c->s, &host);

	if (err)
		return err;
	return mr_host_set(c->s, MEMRESV_A_HOST_RESERVE,
			   c->reserve + host.val[MEMRESV_A_HOST_FREE] - 4 * MiB,
			   NULL);
}

static size_t add_req(struct ctx *c, void *buf)
{
	size_t len = req_resv(c, buf, MEMRESV_CMD_RESV_NEW, 0);
	uint32_t window = 3600;

	len = put_u64(buf, len, MEMRESV_A_STARTUP, 32 * MiB);
	len = put_u64(buf, len, MEMRESV_A_MINIMUM, 16 * MiB);
	len = put_u64(buf, len, MEMRESV_A_MAXIMUM, 64 * MiB);
	return rawnl_put(buf, len, 4096, MEMRESV_A_STARTUP_WINDOW, &window,
			 sizeof(window));
}

static int add_done(struct ctx *c)
{
	return has_state(c->s, c->g, MEMRESV_STATE_STARTING) == 1 ? 0 : -1;
}

static size_t set_req(struct ctx *c, void *buf)
{
	size_t len = req_resv(c, buf, MEMRESV_CMD_RESV_SET, 0);

	len = put_u64(buf, len, MEMRESV_A_MINIMUM, 24 * MiB);
	return put_u64(buf, len, MEMRESV_A_MAXIMUM, 48 * MiB);
}

static int set_done(struct ctx *c)
{
	struct mr_attrs a;

	if (mr_get(c->s, c->g, &a) || a.val[MEMRESV_A_MAXIMUM] != 48 * MiB ||
	    a.val[MEMRESV_A_MINIMUM] != 24 * MiB)
		return -1;
	return cg_u64(c->g, "memory.max") == 48 * MiB &&
	       cg_u64(c->g, "memory.min") == 24 * MiB ? 0 : -1;
}

static size_t set_taking_req(struct ctx *c, void *buf)
{
	size_t len = req_resv(c, buf, MEMRESV_CMD_RESV_SET, 0);

	len = put_u64(buf, len, MEMRESV_A_STARTUP, 48 * MiB);
	return put_u64(buf, len, MEMRESV_A_MINIMUM, 48 * MiB);
}

static int set_taking_done(struct ctx *c)
{
	struct mr_attrs a;

	if (mr_get(c->s, c->g, &a) || a.val[MEMRESV_A_MINIMUM] != 48 * MiB)
		return -1;
	if (cg_u64(c->g, "memory.min") != 48 * MiB)
		return -1;
	/* It took from h: what the path is here to test. */
	if (mr_get(c->s, c->h, &a) || a.val[MEMRESV_A_TARGET] >= 48 * MiB)
		return -1;
	return 0;
}

static size_t del_req(struct ctx *c, void *buf)
{
	return req_resv(c, buf, MEMRESV_CMD_RESV_DEL, 0);
}

static int del_done(struct ctx *c)
{
	if (mr_get(c->s, c->g, NULL) != -ENOENT)
		return -1;
	return cg_u64(c->g, "memory.min") == 0 &&
	       cg_u64(c->g, "memory.max") == UINT64_MAX ? 0 : -1;
}

static size_t restart_req(struct ctx *c, void *buf)
{
	return req_resv(c, buf, MEMRESV_CMD_RESV_RESTART, 0);
}

static size_t ready_req(struct ctx *c, void *buf)
{
	return req_resv(c, buf, MEMRESV_CMD_RESV_READY, 0);
}

static int ready_done(struct ctx *c)
{
	return has_state(c->s, c->g, MEMRESV_STATE_RUNNING) == 1 ? 0 : -1;
}

static size_t host_req(struct ctx *c, void *buf)
{
	size_t len = rawnl_request(&c->raw, buf, MEMRESV_CMD_HOST_SET,
				   NLM_F_ACK);

	return put_u64(buf, len, MEMRESV_A_HOST_RESERVE,
		       c->reserve + 64 * MiB);
}

static int host_done(struct ctx *c)
{
	struct mr_attrs h;

	return !mr_host(c->s, &h) &&
	       h.val[MEMRESV_A_HOST_RESERVE] == c->reserve + 64 * MiB ? 0 : -1;
}

static size_t get_req(struct ctx *c, void *buf)
{
	return req_resv(c, buf, MEMRESV_CMD_RESV_GET, 0);
}

static size_t dump_req(struct ctx *c, void *buf)
{
	return rawnl_request(&c->raw, buf, MEMRESV_CMD_RESV_GET,
			     NLM_F_ACK | NLM_F_DUMP);
}

static int nothing(struct ctx *c)
{
	return 0;
}

static const struct path paths[] = {
	{ "add", before_none, add_req, add_done },
	{ "set", before_running, set_req, set_done },
	{ "set taking from another", before_taking, set_taking_req,
	  set_taking_done },
	{ "del", before_running, del_req, del_done },
	{ "restart", before_running, restart_req, add_done },
	{ "ready", before_starting, ready_req, ready_done },
	{ "host set", before_running, host_req, host_done },
	{ "get", before_running, get_req, nothing },
	{ "dump", before_three, dump_req, nothing },
};

FIXTURE(fault) {
	struct ctx c;
	int nth_fd;
};

FIXTURE_SETUP(fault)
{
	struct mr_attrs h;

	self->nth_fd = -1;
	if (access(FAILSLAB, F_OK) || access(FAIL_NTH, F_OK))
		SKIP(return, "no fault injection in this kernel (CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB, debugfs)");
	self->nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth_fd);
	/* Sleeping allocations too (memresv's are), and no stack dumps. */
	ASSERT_EQ(0, debugfs_write("ignore-gfp-wait", "N"));
	ASSERT_EQ(0, debugfs_write("verbose", "0"));
	self->c.s = mr_open();
	ASSERT_NE(NULL, self->c.s);
	ASSERT_EQ(0, rawnl_open(&self->c.raw, 65536));
	ASSERT_EQ(0, mr_host(self->c.s, &h));
	self->c.reserve = h.val[MEMRESV_A_HOST_RESERVE];
	self->c.period = h.val[MEMRESV_A_HOST_PERIOD_MS];
	/* No balancer pass between two looks: targets stay put. */
	ASSERT_EQ(0, mr_host_set(self->c.s, MEMRESV_A_HOST_PERIOD_MS, 60000,
				 NULL));
	mr_ledger_verify('1');
	snprintf(self->c.top, sizeof(self->c.top), "mrfault-%d", getpid());
	snprintf(self->c.g, sizeof(self->c.g), "%s/g", self->c.top);
	snprintf(self->c.h, sizeof(self->c.h), "%s/h", self->c.top);
	snprintf(self->c.k, sizeof(self->c.k), "%s/k", self->c.top);
	ASSERT_EQ(0, cg_create(self->c.top));
	ASSERT_EQ(0, cg_write(self->c.top, "cgroup.subtree_control",
			      "+memory"));
	ASSERT_EQ(0, cg_create(self->c.g));
	ASSERT_EQ(0, cg_create(self->c.h));
	ASSERT_EQ(0, cg_create(self->c.k));
}

FIXTURE_TEARDOWN(fault)
{
	if (self->nth_fd < 0)
		return;
	close(self->nth_fd);
	debugfs_write("ignore-gfp-wait", "Y");
	if (self->c.s) {
		gone(&self->c, self->c.g);
		gone(&self->c, self->c.h);
		gone(&self->c, self->c.k);
		mr_host_set(self->c.s, MEMRESV_A_HOST_RESERVE, self->c.reserve,
			    NULL);
		mr_host_set(self->c.s, MEMRESV_A_HOST_PERIOD_MS,
			    self->c.period, NULL);
		mr_close(self->c.s);
	}
	rawnl_close(&self->c.raw);
	cg_destroy(self->c.top);
}

TEST_F_TIMEOUT(fault, every_allocation_of_every_path, 7200)
{
	const char *groups[] = { self->c.top, self->c.g, self->c.h,
				 self->c.k };
	static struct snap was, now;
	static char req[4096];
	struct outcome o;
	size_t p, len;
	int nth, failed, whole, lost, again = 0;

	/* A SKIP in the set-up does not keep 6.1's harness from coming here. */
	if (self->nth_fd < 0)
		SKIP(return, "no fault injection in this kernel");
	for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
		const struct path *path = &paths[p];

		failed = whole = lost = 0;
		for (nth = 1; nth <= MAX_NTH; nth++) {
			ASSERT_EQ(0, path->before(&self->c))
				TH_LOG("%s: cannot set up for allocation %d",
				       path->name, nth);
			ASSERT_EQ(0, settled_snap(self->c.s, groups, 4, &was));
			len = path->request(&self->c, req);
			faulted(&self->c.raw, self->nth_fd, nth, req, len, &o);
			if (!o.reached) {
				/* It made fewer than nth allocations. */
				ASSERT_EQ(0, o.err)
					TH_LOG("%s without a failure: error %d",
					       path->name, o.err);
				ASSERT_EQ(0, path->done(&self->c))
					TH_LOG("%s did not do its work", path->name);
				break;
			}
			if (!o.err && o.done) {
				whole++;
				EXPECT_EQ(0, path->done(&self->c))
					TH_LOG("%s, allocation %d failed: acknowledged, not done",
					       path->name, nth);
			} else if (o.lost && !o.done) {
				/* Its ACK was lost: done or not, both are fine. */
				lost++;
			} else {
				failed++;
				EXPECT_TRUE(o.err == -ENOMEM || o.err == -ENOBUFS)
					TH_LOG("%s, allocation %d failed: error %d (%s), not ENOMEM",
					       path->name, nth, o.err,
					       o.done ? "answered" : "no answer");
				ASSERT_EQ(0, take_snap(self->c.s, groups, 4,
						       &now));
				/*
				 * A balancer pass in between moves idle
				 * targets down (one a minute, the period
				 * set above): that allocation again.
				 */
				if (strcmp(was.buf, now.buf) &&
				    was.tick_ns != now.tick_ns && again++ < 5) {
					TH_LOG("%s, allocation %d: a balancer pass ran meanwhile, again",
					       path->name, nth);
					nth--;
					failed--;
					continue;
				}
				EXPECT_STREQ(was.buf, now.buf)
					TH_LOG("%s, allocation %d failed with %d, but changed something",
					       path->name, nth, o.err);
			}
			ASSERT_LEDGER(self->c.s);
		}
		EXPECT_GE(MAX_NTH, nth)
			TH_LOG("%s never got through", path->name);
		TH_LOG("%s: %d allocations failed in turn: %d refused, %d done anyway, %d answers lost",
		       path->name, nth - 1, failed, whole, lost);
	}
}

TEST_HARNESS_MAIN
