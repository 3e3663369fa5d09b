// SPDX-License-Identifier: GPL-2.0
/*
 * The balancer with real workloads: how long a burst waits for its
 * target, and a recorded run of two workloads for the plot.
 *
 * reaction_periods: a running reservation (startup 64 MiB, minimum
 * 32 MiB, maximum 1 GiB, buffer 20%) whose group is idle and whose target
 * has settled at its minimum; a workload in it then allocates and keeps
 * touching a burst of 192 MiB, at a random point of the period.  Measured
 * is the time from the start of the burst until RESV_GET (polled every
 * 10 ms) first shows a target of at least burst x (1 + buffer), 230 MiB,
 * in periods (the default, 1 s); the median of five bursts.  Passes are
 * not counted as periods: the balancer looks again at a group it has just
 * grown a quarter of a period later.  They are printed, with each pass's
 * decision, from the memresv_tick and memresv_balance trace events
 * (stamped with the monotonic clock, trace_clock "mono", so that they
 * compare with the start of the burst).
 *
 * The recorded run: host capacity narrowed to 512 MiB; reservations A
 * (weight 3000) and B (weight 1000), each startup 64 MiB, minimum 32 MiB,
 * maximum 768 MiB; the period 500 ms.  A grows to 320 MiB, B then grows
 * to 320 MiB too (together more than the capacity), A shrinks to 64 MiB,
 * B shrinks to 96 MiB.  Every period both are read with RESV_GET and a
 * line goes to build/bench/balancer.csv.
 */
#include "bench.h"
#include "mrtest.h"

#define TRACE		"/sys/kernel/tracing/"
#define BURSTS		5
#define HOG_SPAN	(1024 * MiB)

static int trace_write(const char *file, const char *val)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), TRACE "%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return ret;
}

/* The time stamp of a trace line ("... [001] .....  1234.567890: ev: ..."). */
static uint64_t trace_stamp(char *line, const char *event)
{
	char *p = strstr(line, event);

	if (!p)
		return 0;
	*p = '\0';
	p = strrchr(line, ':');
	if (!p)
		return 0;
	*p = '\0';
	p = strrchr(line, ' ');
	return p ? (uint64_t)(strtod(p + 1, NULL) * 1e9) : 0;
}

/*
 * Balancer passes stamped in (t0, t1], from the memresv_tick events; the
 * decisions about cgroup @id in that time (memresv_balance) are printed.
 */
static int passes_between(uint64_t t0, uint64_t t1, uint64_t id)
{
	char line[512], copy[512], want[48], *p;
	unsigned long long usage, demand, from, to;
	int n = 0;
	FILE *f = fopen(TRACE "trace", "r");
	uint64_t ns;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "cgroup=%llu ", (unsigned long long)id);
	while (fgets(line, sizeof(line), f)) {
		memcpy(copy, line, sizeof(copy));
		ns = trace_stamp(line, "memresv_tick:");
		if (ns > t0 && ns <= t1)
			n++;
		p = strstr(copy, want);
		if (!p)
			continue;
		memcpy(line, copy, sizeof(line));
		ns = trace_stamp(line, "memresv_balance:");
		if (ns <= t0 || ns > t1)
			continue;
		if (sscanf(p, "cgroup=%*u usage=%llu demand=%llu desired=%*u target=%llu->%llu",
			   &usage, &demand, &from, &to) == 4)
			printf("    pass %d at %.2f s: usage %llu MiB, demand %llu MiB, target %llu -> %llu MiB\n",
			       n + 1, (ns - t0) / 1e9, usage >> 20,
			       demand >> 20, from >> 20, to >> 20);
	}
	fclose(f);
	return n;
}

static const char *react_cg = "memresv-bench-react";

/*
 * One burst; returns the time until the target covered it, in periods
 * (the default period, 1 s).
 */
static double reaction(struct mrnl *b, bool traced)
{
	const uint64_t burst = 192 * MiB, want = burst + burst / 5;
	struct mr_hog h = MR_HOG_INIT;
	struct mr_attrs a;
	uint64_t t0, t1;
	int i, passes;

	if (mr_new(b, react_cg, 64 * MiB, 32 * MiB, 1024 * MiB, NULL) ||
	    mr_ready(b, react_cg))
		bench_die("RESV_NEW/READY %s: %d %s", react_cg, b->err,
			  b->extack);
	if (mr_hog_start(&h, react_cg, MR_HOG_CHURN, 0, HOG_SPAN))
		bench_die("cannot start a workload in %s", react_cg);
	/* Idle until the target has come down to the minimum. */
	for (i = 0; i < 100; i++) {
		mr_get(b, react_cg, &a);
		if (a.val[MEMRESV_A_TARGET] <= 32 * MiB)
			break;
		mr_sleep_ms(100);
	}
	/* Start at a random point of the period. */
	mr_sleep_ms(rand() % 1000);
	if (traced)
		trace_write("trace", "");
	t0 = mr_now_ns();
	mr_hog_resize(&h, burst);
	for (i = 0; i < 6000; i++) {
		mr_get(b, react_cg, &a);
		if (a.val[MEMRESV_A_TARGET] >= want)
			break;
		mr_sleep_ms(10);
	}
	t1 = mr_now_ns();
	passes = traced ? passes_between(t0, t1, a.val[MEMRESV_A_CGROUP_ID]) : -1;
	if (a.val[MEMRESV_A_TARGET] < want)
		bench_die("the target never reached %llu MiB",
			  (unsigned long long)(want >> 20));
	printf("  burst of %llu MiB: target %llu MiB after %.2f s (%.2f periods), %d balancer passes\n",
	       (unsigned long long)(burst >> 20),
	       (unsigned long long)(a.val[MEMRESV_A_TARGET] >> 20),
	       (t1 - t0) / 1e9, (t1 - t0) / (MEMRESV_PERIOD_DEFAULT * 1e6),
	       passes);
	mr_hog_stop(&h);
	if (mr_del(b, react_cg))
		bench_die("RESV_DEL %s: %d %s", react_cg, b->err, b->extack);
	return (t1 - t0) / (MEMRESV_PERIOD_DEFAULT * 1e6);
}

static void record(struct mrnl *b, uint64_t total, const char *csv)
{
	static const struct {
		double at;	/* seconds */
		int who;	/* 0: A, 1: B */
		uint64_t want;
	} script[] = {
		{ 3, 0, 320 * MiB },
		{ 15, 1, 320 * MiB },
		{ 30, 0, 64 * MiB },
		{ 42, 1, 96 * MiB },
	};
	const char *cg[2] = { "memresv-bench-a", "memresv-bench-b" };
	const double end = 54, period = 0.5;
	struct mr_hog h[2] = { MR_HOG_INIT, MR_HOG_INIT };
	struct mr_attrs a[2];
	uint64_t t0, next, oom_kills;
	size_t step = 0;
	double t;
	FILE *f;
	int i, err;

	f = fopen(csv, "w");
	if (!f)
		bench_die("cannot write %s", csv);
	for (i = 0; i < 2; i++) {
		err = cg_create(cg[i]);
		if (err && err != -EEXIST)
			bench_die("cannot create %s", cg[i]);
	}
	if (mr_host_set(b, MEMRESV_A_HOST_RESERVE, total - 512 * MiB, NULL))
		bench_die("HOST_SET reserve: %d %s", b->err, b->extack);
	mr_host_set(b, MEMRESV_A_HOST_PERIOD_MS, 500, NULL);
	for (i = 0; i < 2; i++) {
		struct nl_msg *msg = mr_new_msg(b, cg[i], 64 * MiB, 32 * MiB,
						768 * MiB);

		nla_put_u32(msg, MEMRESV_A_WEIGHT, i ? 1000 : 3000);
		if (mr_do(b, msg, NULL) || mr_ready(b, cg[i]))
			bench_die("RESV_NEW/READY %s: %d %s", cg[i], b->err,
				  b->extack);
		if (mr_hog_start(&h[i], cg[i], MR_HOG_CHURN, 0, HOG_SPAN))
			bench_die("cannot start a workload in %s", cg[i]);
	}
	fprintf(f, "# seconds, then for A and B: target, usage, demand (MiB); capacity 512 MiB\n");
	fprintf(f, "# t,a_target,a_usage,a_demand,b_target,b_usage,b_demand\n");
	printf("  recording A and B for %.0f s\n", end);
	t0 = mr_now_ns();
	for (next = t0; ; next += (uint64_t)(period * 1e9)) {
		uint64_t now = mr_now_ns();

		if (next > now)
			mr_sleep_ms((next - now) / 1000000);
		t = (mr_now_ns() - t0) / 1e9;
		if (t > end)
			break;
		while (step < ARRAY_SIZE(script) &&
		       script[step].at <= t) {
			mr_hog_resize(&h[script[step].who], script[step].want);
			step++;
		}
		for (i = 0; i < 2; i++)
			mr_get(b, cg[i], &a[i]);
		fprintf(f, "%.2f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f\n", t,
			a[0].val[MEMRESV_A_TARGET] / (double)MiB,
			a[0].val[MEMRESV_A_CURRENT] / (double)MiB,
			a[0].val[MEMRESV_A_DEMAND] / (double)MiB,
			a[1].val[MEMRESV_A_TARGET] / (double)MiB,
			a[1].val[MEMRESV_A_CURRENT] / (double)MiB,
			a[1].val[MEMRESV_A_DEMAND] / (double)MiB);
	}
	fclose(f);
	for (i = 0; i < 2; i++) {
		oom_kills = cg_key(cg[i], "memory.events", "oom_kill");
		if (oom_kills && oom_kills != UINT64_MAX)
			printf("  warning: %s had an OOM kill\n", cg[i]);
		mr_hog_stop(&h[i]);
		mr_del(b, cg[i]);
		cg_rmdir(cg[i]);
	}
	printf("  written %s\n", csv);
}

int main(int argc, char **argv)
{
	const char *csv = argc > 1 ? argv[1] : "build/bench/balancer.csv";
	struct mr_attrs host;
	double v[BURSTS];
	bool traced;
	struct mrnl b;
	int i, err;

	bench_open_results();
	srand(1);
	if (mrnl_open(&b) || mr_host(&b, &host))
		bench_die("cannot talk to the memresv family (module loaded?)");
	err = cg_create(react_cg);
	if (err && err != -EEXIST)
		bench_die("cannot create %s", react_cg);
	mr_host_set(&b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_DEFAULT, NULL);

	traced = !trace_write("trace_clock", "mono") &&
		 !trace_write("events/memresv/memresv_tick/enable", "1");
	if (traced)
		trace_write("events/memresv/memresv_balance/enable", "1");
	printf("reaction: time from a burst to target >= burst x 1.2, in periods%s\n",
	       traced ? " (balancer passes from trace events)" : "");
	for (i = 0; i < BURSTS; i++)
		v[i] = reaction(&b, traced);
	if (traced) {
		trace_write("events/memresv/memresv_balance/enable", "0");
		trace_write("events/memresv/memresv_tick/enable", "0");
		trace_write("trace_clock", "local");
	}
	bench_result("reaction_periods", mr_median(v, BURSTS));
	cg_rmdir(react_cg);

	record(&b, host.val[MEMRESV_A_HOST_TOTAL], csv);
	mr_host_set(&b, MEMRESV_A_HOST_RESERVE, host.val[MEMRESV_A_HOST_RESERVE], NULL);
	mr_host_set(&b, MEMRESV_A_HOST_PERIOD_MS, host.val[MEMRESV_A_HOST_PERIOD_MS], NULL);
	mrnl_close(&b);
	return 0;
}
