// SPDX-License-Identifier: GPL-2.0
/*
 * What a request through memresv costs against doing its work by hand.
 *
 * add_del: one RESV_NEW + RESV_DEL pair over libnl, against its baseline:
 * one bare generic netlink request with ACK (CTRL_CMD_GETFAMILY) plus the
 * cgroup file writes the pair makes the module do, done from user space in
 * the same order with the same values (kernel/cgfs.c):
 *
 *   RESV_NEW  writes memory.max (maximum), memory.high (target = startup),
 *             memory.min (guarantee = startup) and memory.swap.max
 *             (swap_max = 0);
 *   RESV_DEL  writes memory.swap.max, memory.max, memory.high and
 *             memory.min back ("max", "max", "max", "0").
 *
 * Each write by hand is open + write + close.  What the files held before
 * (to restore on delete) the module reads from the page counters, not the
 * files, so the baseline reads nothing either.
 *
 * set: RESV_SET changing maximum (memresv writes memory.max only) against
 * a GETFAMILY with ACK plus open + write + close of memory.max, over 128
 * groups in turn (set_ratio: more groups than the module keeps files
 * open for, as when an agent adjusts many VMs), and on one group
 * (x_set_ratio_1group, where the module's file stays open).  Also
 * timed, to tell what keeping the file open would save and what caching
 * its path would: a write to memory.max kept open, an O_PATH open + close
 * (the path walk), and an openat() from the group's directory.
 *
 * MEMRESV_BENCH_PROFILE=1 adds a function_graph profile of 200 requests.
 *
 * memresv and baseline iterations alternate, so that whatever else the
 * machine does slows both alike; p50 over MEMRESV_BENCH_ITERS (default
 * 2000) iterations after 100 of warm-up.
 */
#include <signal.h>

#include "bench.h"
#include "mrtest.h"
#include "ftrace.h"

#define CG		"memresv-bench-ops"
#define STARTUP		(64 * MiB)
#define MINIMUM		(32 * MiB)
#define MAXIMUM		(256 * MiB)
#define MAXIMUM2	(320 * MiB)
#define WARMUP		100
/* Groups the rotating set goes through: more than the module's 64 files. */
#define ROT		128
#define ROT_PARENT	"memresv-bench-rot"
#define ROT_STARTUP	(4 * MiB)	/* 128 of them fit the test VM */

static char new_max[24], new_high[24], new_min[24];

static void by_hand(const char *file, const char *val)
{
	if (cg_write(CG, file, val))
		bench_die("writing %s of %s by hand failed", file, CG);
}

/* What RESV_NEW makes the module do to the files. */
static void new_by_hand(void)
{
	by_hand("memory.max", new_max);
	by_hand("memory.high", new_high);
	by_hand("memory.min", new_min);
	by_hand("memory.swap.max", "0");
}

/* What RESV_DEL makes the module do: put back what was there. */
static void del_by_hand(void)
{
	by_hand("memory.swap.max", "max");
	by_hand("memory.max", "max");
	by_hand("memory.high", "max");
	by_hand("memory.min", "0");
}

/* The mirror is only fair if memresv really writes these values. */
static void check_mirror(struct mrnl *b)
{
	if (mr_new(b, CG, STARTUP, MINIMUM, MAXIMUM, NULL))
		bench_die("RESV_NEW %s: %d %s", CG, b->err, b->extack);
	if (cg_u64(CG, "memory.max") != MAXIMUM ||
	    cg_u64(CG, "memory.high") != STARTUP ||
	    cg_u64(CG, "memory.min") != STARTUP ||
	    cg_u64(CG, "memory.swap.max") != 0)
		bench_die("RESV_NEW wrote other values than the baseline mirrors");
	if (mr_del(b, CG))
		bench_die("RESV_DEL %s: %d %s", CG, b->err, b->extack);
	if (cg_u64(CG, "memory.max") != UINT64_MAX ||
	    cg_u64(CG, "memory.high") != UINT64_MAX ||
	    cg_u64(CG, "memory.min") != 0 ||
	    cg_u64(CG, "memory.swap.max") != UINT64_MAX)
		bench_die("RESV_DEL restored other values than the baseline mirrors");
}

static int set_max_of(struct mrnl *b, const char *cg, uint64_t max)
{
	struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_RESV_SET, 0, cg);

	nla_put_u64(msg, MEMRESV_A_MAXIMUM, max);
	return mrnl_call(b, msg, NULL, NULL);
}

static int set_max(struct mrnl *b, uint64_t max)
{
	return set_max_of(b, CG, max);
}

#define US(ns)	((ns) / 1e3)
#define PROFILED	200

/* Where a request's kernel time goes (function_graph; optional). */
static void profile(struct mrnl *b)
{
	struct ft_fn fns[] = {
		{ .name = "memresv_nl_resv_new" },
		{ .name = "memresv_nl_resv_del" },
		{ .name = "memresv_nl_resv_set" },
		{ .name = "memresv_nl_cgroup" },
		{ .name = "memresv_cgfs_save" },
		{ .name = "memresv_resv_apply" },
		{ .name = "memresv_cgfs_restore" },
		{ .name = "memresv_cgfs_forget" },
		{ .name = "cgfs_open" },
		{ .name = "cgfs_cached_open" },
		{ .name = "cgfs_write_str" },
		{ .name = "memresv_nl_reply_resv" },
		{ .name = "memresv_resv_put" },
	};
	int i, n = ARRAY_SIZE(fns);

	if (!getenv("MEMRESV_BENCH_PROFILE") || !ft_start(fns, n))
		return;
	for (i = 0; i < PROFILED; i++) {
		if (mr_new(b, CG, STARTUP, MINIMUM, MAXIMUM, NULL) ||
		    set_max(b, MAXIMUM2) || mr_del(b, CG))
			bench_die("request failed while traced: %d %s", b->err,
				  b->extack);
	}
	ft_collect(fns, n);
	printf("  %d NEW + SET + DEL, traced:\n", PROFILED);
	ft_report("req", fns, n);
}

/* What the timed steps work on. */
struct ops {
	struct mrnl b;
	char maxs[2][24];	/* memory.max values, alternating */
	char path[512];		/* the group's memory.max */
	int fd;			/* memory.max, kept open */
	int dirfd;		/* the group's directory */
	char rot[ROT][48];	/* the groups of the rotating set */
};

/*
 * One timed step of an iteration; @i alternates what changes.  A step that
 * fails ends the benchmark.
 */
struct step {
	void (*fn)(struct ops *o, int i);
	uint64_t *ns;		/* its time in each counted iteration */
};

static void step_new(struct ops *o, int i)
{
	if (mr_new(&o->b, CG, STARTUP, MINIMUM, MAXIMUM, NULL))
		bench_die("RESV_NEW: %d %s", o->b.err, o->b.extack);
}

static void step_del(struct ops *o, int i)
{
	if (mr_del(&o->b, CG))
		bench_die("RESV_DEL: %d %s", o->b.err, o->b.extack);
}

static void step_getfamily(struct ops *o, int i)
{
	if (mr_getfamily(&o->b))
		bench_die("CTRL_CMD_GETFAMILY: %d", o->b.err);
}

static void step_new_by_hand(struct ops *o, int i)
{
	new_by_hand();
}

static void step_del_by_hand(struct ops *o, int i)
{
	del_by_hand();
}

static void step_set(struct ops *o, int i)
{
	if (set_max(&o->b, i & 1 ? MAXIMUM : MAXIMUM2))
		bench_die("RESV_SET: %d %s", o->b.err, o->b.extack);
}

/* The set's baseline: the request, and the write by hand. */
static void step_set_by_hand(struct ops *o, int i)
{
	step_getfamily(o, i);
	by_hand("memory.max", o->maxs[i & 1]);
}

/*
 * RESV_SET of maximum over ROT groups in turn, as an administrator or an
 * agent changing many groups does: the module's cache of open files
 * (64) then misses.  Each group's value alternates from one visit to the
 * next.
 */
static void step_set_rot(struct ops *o, int i)
{
	if (set_max_of(&o->b, o->rot[i % ROT], (i / ROT) & 1 ? MAXIMUM :
		       MAXIMUM2))
		bench_die("RESV_SET %s: %d %s", o->rot[i % ROT], o->b.err,
			  o->b.extack);
}

static void step_set_rot_by_hand(struct ops *o, int i)
{
	step_getfamily(o, i);
	if (cg_write(o->rot[i % ROT], "memory.max", o->maxs[(i / ROT) & 1]))
		bench_die("writing memory.max of %s by hand failed",
			  o->rot[i % ROT]);
}

static void rot_setup(struct ops *o)
{
	int i, err = cg_create(ROT_PARENT);

	if ((err && err != -EEXIST) ||
	    cg_write(ROT_PARENT, "cgroup.subtree_control", "+memory"))
		bench_die("cannot create %s with the memory controller",
			  ROT_PARENT);
	for (i = 0; i < ROT; i++) {
		snprintf(o->rot[i], sizeof(o->rot[i]), ROT_PARENT "/g%03d", i);
		err = cg_create(o->rot[i]);
		if ((err && err != -EEXIST) ||
		    mr_new(&o->b, o->rot[i], ROT_STARTUP, ROT_STARTUP, MAXIMUM,
			   NULL))
			bench_die("cannot reserve %s: %d %s", o->rot[i],
				  o->b.err, o->b.extack);
	}
}

static void rot_teardown(struct ops *o)
{
	int i;

	for (i = 0; i < ROT; i++) {
		mr_del(&o->b, o->rot[i]);
		cg_rmdir(o->rot[i]);
	}
	cg_rmdir(ROT_PARENT);
}

/* What a module keeping the file open would pay instead. */
static void step_write_open(struct ops *o, int i)
{
	const char *val = o->maxs[i & 1];

	if (pwrite(o->fd, val, strlen(val), 0) != (ssize_t)strlen(val))
		bench_die("write to an open memory.max failed");
}

static void step_write_file(struct ops *o, int i)
{
	by_hand("memory.max", o->maxs[i & 1]);
}

static void step_host_get(struct ops *o, int i)
{
	struct mr_attrs host;

	if (mr_host(&o->b, &host))
		bench_die("HOST_GET: %d", o->b.err);
}

/* The path walk alone. */
static void step_walk(struct ops *o, int i)
{
	int f = open(o->path, O_PATH);

	if (f >= 0)
		close(f);
}

/* The open of a file whose walk is short. */
static void step_openat(struct ops *o, int i)
{
	const char *val = o->maxs[i & 1];
	int f = openat(o->dirfd, "memory.max", O_WRONLY);

	if (f < 0 || write(f, val, strlen(val)) != (ssize_t)strlen(val))
		bench_die("openat + write of memory.max failed");
	close(f);
}

/*
 * The timing loop: @total iterations of the @n steps in order, each step
 * timed on its own; the first WARMUP iterations are not counted.
 */
static void time_steps(struct ops *o, const struct step *steps, int n,
		       int total)
{
	uint64_t t0;
	int i, j;

	for (i = 0; i < total; i++) {
		for (j = 0; j < n; j++) {
			t0 = mr_now_ns();
			steps[j].fn(o, i);
			if (i >= WARMUP)
				steps[j].ns[i - WARMUP] = mr_now_ns() - t0;
		}
	}
}

static uint64_t *times(int n)
{
	uint64_t *v = calloc(n, sizeof(*v));

	if (!v)
		bench_die("out of memory");
	return v;
}

int main(int argc, char **argv)
{
	const char *env = getenv("MEMRESV_BENCH_ITERS");
	int iters = env ? atoi(env) : 2000, total, k, err;
	uint64_t *pair, *nnew, *ndel, *base1, *base2, *gf, *gf2, *fnew, *fdel;
	uint64_t *set, *sbase, *sfile, *sopen, *hget, *walk, *at, *rset, *rbase;
	uint64_t p_pair, p_base1, p_base2, p_set, p_sbase, p_rset, p_rbase;
	char dirpath[512];
	struct ops o;

	bench_open_results();
	if (iters < 10)
		iters = 10;
	total = iters + WARMUP;
	snprintf(new_max, sizeof(new_max), "%llu", (unsigned long long)MAXIMUM);
	snprintf(new_high, sizeof(new_high), "%llu", (unsigned long long)STARTUP);
	snprintf(new_min, sizeof(new_min), "%llu", (unsigned long long)STARTUP);
	snprintf(o.maxs[0], sizeof(o.maxs[0]), "%llu",
		 (unsigned long long)MAXIMUM2);
	snprintf(o.maxs[1], sizeof(o.maxs[1]), "%llu",
		 (unsigned long long)MAXIMUM);

	if (mrnl_open(&o.b))
		bench_die("cannot talk to the memresv family (module loaded?)");
	err = cg_create(CG);
	if (err && err != -EEXIST)
		bench_die("cannot create cgroup %s", CG);
	if (access(CG_ROOT "/" CG "/memory.swap.max", F_OK))
		bench_die("%s has no memory.swap.max: swap accounting is off", CG);
	/* Park the balancer: a pass in the middle would be noise. */
	mr_host_set(&o.b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_MAX, NULL);
	check_mirror(&o.b);

	pair = times(iters);
	nnew = times(iters);
	ndel = times(iters);
	base1 = times(iters);
	base2 = times(iters);
	gf = times(iters);
	gf2 = times(iters);
	fnew = times(iters);
	fdel = times(iters);
	set = times(iters);
	sbase = times(iters);
	sfile = times(iters);
	sopen = times(iters);
	hget = times(iters);
	walk = times(iters);
	at = times(iters);
	rset = times(iters);
	rbase = times(iters);

	printf("add_del: %d RESV_NEW + RESV_DEL pairs and as many baselines\n",
	       iters);
	time_steps(&o, (const struct step []){
			{ step_new, nnew }, { step_del, ndel },
			{ step_getfamily, gf }, { step_new_by_hand, fnew },
			{ step_getfamily, gf2 }, { step_del_by_hand, fdel },
		   }, 6, total);
	for (k = 0; k < iters; k++) {
		pair[k] = nnew[k] + ndel[k];
		base1[k] = gf[k] + fnew[k] + fdel[k];
		base2[k] = gf[k] + fnew[k] + gf2[k] + fdel[k];
	}

	printf("set: %d RESV_SET of maximum and as many baselines\n", iters);
	step_new(&o, 0);
	cg_path(o.path, sizeof(o.path), CG, "memory.max");
	o.fd = open(o.path, O_WRONLY);
	if (o.fd < 0)
		bench_die("cannot open %s", o.path);
	cg_path(dirpath, sizeof(dirpath), CG, NULL);
	o.dirfd = open(dirpath, O_RDONLY | O_DIRECTORY);
	if (o.dirfd < 0)
		bench_die("cannot open %s", dirpath);
	time_steps(&o, (const struct step []){
			{ step_set, set }, { step_set_by_hand, sbase },
			{ step_write_open, sopen }, { step_write_file, sfile },
			{ step_host_get, hget }, { step_walk, walk },
			{ step_openat, at },
		   }, 7, total);
	close(o.fd);
	close(o.dirfd);
	step_del(&o, 0);

	printf("set over %d groups in turn: %d RESV_SET and as many baselines\n",
	       ROT, iters);
	rot_setup(&o);
	time_steps(&o, (const struct step []){
			{ step_set_rot, rset }, { step_set_rot_by_hand, rbase },
		   }, 2, total);
	rot_teardown(&o);
	p_rset = mr_pct(rset, iters, 50);
	p_rbase = mr_pct(rbase, iters, 50);

	p_pair = mr_pct(pair, iters, 50);
	p_base1 = mr_pct(base1, iters, 50);
	p_base2 = mr_pct(base2, iters, 50);
	p_set = mr_pct(set, iters, 50);
	p_sbase = mr_pct(sbase, iters, 50);

	printf("  p50 RESV_NEW + RESV_DEL       %9.1f us (p90 %.1f)\n",
	       US(p_pair), US(mr_pct(pair, iters, 90)));
	printf("    RESV_NEW alone              %9.1f us\n",
	       US(mr_pct(nnew, iters, 50)));
	printf("    RESV_DEL alone              %9.1f us\n",
	       US(mr_pct(ndel, iters, 50)));
	printf("  p50 baseline (1 GETFAMILY)    %9.1f us (p90 %.1f)\n",
	       US(p_base1), US(mr_pct(base1, iters, 90)));
	printf("    GETFAMILY with ACK          %9.1f us\n",
	       US(mr_pct(gf, iters, 50)));
	printf("    NEW's 4 writes by hand      %9.1f us\n",
	       US(mr_pct(fnew, iters, 50)));
	printf("    DEL's 4 writes              %9.1f us\n",
	       US(mr_pct(fdel, iters, 50)));
	printf("  p50 baseline (2 GETFAMILY)    %9.1f us\n", US(p_base2));
	printf("  add_del_ratio                 %9.3f (%.3f against 2 requests)\n",
	       (double)p_pair / p_base1, (double)p_pair / p_base2);
	printf("  p50 RESV_SET maximum          %9.1f us (p90 %.1f)\n",
	       US(p_set), US(mr_pct(set, iters, 90)));
	printf("  p50 GETFAMILY + memory.max    %9.1f us\n", US(p_sbase));
	printf("    open+write+close memory.max %9.1f us\n",
	       US(mr_pct(sfile, iters, 50)));
	printf("    write to it kept open       %9.1f us\n",
	       US(mr_pct(sopen, iters, 50)));
	printf("    open(O_PATH)+close: the walk %9.1f us\n",
	       US(mr_pct(walk, iters, 50)));
	printf("    openat(group dir)+write+close %8.1f us\n",
	       US(mr_pct(at, iters, 50)));
	printf("    HOST_GET with ACK           %9.1f us\n",
	       US(mr_pct(hget, iters, 50)));
	printf("  one group: RESV_SET / baseline %8.3f\n",
	       (double)p_set / p_sbase);
	printf("  p50 RESV_SET, %d groups in turn %7.1f us (p90 %.1f)\n", ROT,
	       US(p_rset), US(mr_pct(rset, iters, 90)));
	printf("  p50 GETFAMILY + their memory.max %6.1f us\n", US(p_rbase));
	printf("  set_ratio (%d groups)         %9.3f\n", ROT,
	       (double)p_rset / p_rbase);

	bench_result("add_del_ratio", (double)p_pair / p_base1);
	bench_result("set_ratio", (double)p_rset / p_rbase);
	bench_result("x_set_ratio_1group", (double)p_set / p_sbase);
	bench_result("x_set_rot_us", US(p_rset));
	bench_result("x_set_rot_base_us", US(p_rbase));
	bench_result("x_add_del_ratio_2req", (double)p_pair / p_base2);
	bench_result("x_add_del_us", US(p_pair));
	bench_result("x_new_us", US(mr_pct(nnew, iters, 50)));
	bench_result("x_del_us", US(mr_pct(ndel, iters, 50)));
	bench_result("x_add_del_base_us", US(p_base1));
	bench_result("x_add_del_base2_us", US(p_base2));
	bench_result("x_getfamily_us", US(mr_pct(gf, iters, 50)));
	bench_result("x_new_files_us", US(mr_pct(fnew, iters, 50)));
	bench_result("x_del_files_us", US(mr_pct(fdel, iters, 50)));
	bench_result("x_set_us", US(p_set));
	bench_result("x_set_base_us", US(p_sbase));
	bench_result("x_file_write_us", US(mr_pct(sfile, iters, 50)));
	bench_result("x_file_write_open_us", US(mr_pct(sopen, iters, 50)));
	bench_result("x_host_get_us", US(mr_pct(hget, iters, 50)));
	bench_result("x_open_path_us", US(mr_pct(walk, iters, 50)));
	bench_result("x_openat_write_us", US(mr_pct(at, iters, 50)));
	bench_result("x_iterations", iters);

	profile(&o.b);
	mr_host_set(&o.b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_DEFAULT, NULL);
	mrnl_close(&o.b);
	cg_rmdir(CG);
	(void)argc;
	(void)argv;
	return 0;
}
