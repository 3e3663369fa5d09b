// SPDX-License-Identifier: GPL-2.0
/*
 * memresv with many reservations: kernel memory per reservation, the
 * balancer pass at 100, 1,000 and 10,000, and the dump rate.
 *
 * bytes_per_reservation: the groups are created first and their memory.*
 * files opened once from user space (so that the dentries and inodes of
 * the files memresv opens exist already), the system settles, and
 * /proc/meminfo's Slab is read; then the reservations are added (RESV_NEW
 * and RESV_READY, the balancer parked at a 60 s period), the system settles
 * again and Slab is read again.  The difference over the number of
 * reservations is what memresv itself keeps per reservation; the caches
 * that grew most (/proc/slabinfo) say what it is.
 *
 * tick_*_ms: MEMRESV_A_HOST_TICK_NS, the wall time of the last tick as
 * the module measures it (the walk of the table, the samples, and the
 * sharing when it runs), in a worker that does nothing else: its CPU time.
 * The period is 1 s; after three periods the last tick's time is read once
 * a second, eleven times; the median (the fastest is reported too: on a
 * busy host it is the better estimate of the cost).  All reservations are
 * running and idle (empty groups), so the sharing does not run.  What a
 * tick costs when it does is measured too (x_tick_share_*): a change of
 * the period runs a tick at once, with a shrink step that differs from
 * the last tick's.
 *
 * dump_10k_per_s: RESV_GET dumps through libnl, every reply parsed into
 * its attributes (genlmsg_parse(), as the memresv tool does), on a socket
 * with libnl's defaults; the median of five.  The same dump is also timed
 * without parsing, and with plain recv() into 32 KiB and 4 KiB buffers, to
 * split the cost between the kernel and the client; the dump handler is
 * traced per skb to split the kernel's part.  One dump is recorded (the
 * file given as the argument) for replay_bench, which times the client's
 * part alone, here and on the host.
 *
 * Then: what one open memory.max costs the kernel (10,000 of them opened
 * from here), the figure behind keeping files open in the module.
 */
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <linux/sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "bench.h"
#include "dump.h"
#include "ftrace.h"
#include "ipc.h"
#include "mrtest.h"
#include "policy.h"

#define PARENT		"memresv-bench-scale"
#define RUNS		5
#define TICKS		11
/* Reservation sizes: room for the memory the groups hold below. */
#define R_MIN		(64 * 1024)
#define R_MAX		(64 * 1024 * 1024)
#define HELD		(32 * 1024)	/* each group holds this much */
#define ACTIVE		100		/* groups whose usage moves (idle) */
#define ACTIVE_MOVE	(3 * 1024 * 1024)
#define ACTIVE_MIN	(4 * 1024 * 1024)	/* their guarantee */
#define COST_S		10		/* each measurement window */

static int nr;
static char (*names)[48];

static const char *const files[] = {
	"memory.min", "memory.high", "memory.max", "memory.swap.max",
};

/* ------------------------------------------------------------------ */
/* Kernel memory                                                      */
/* ------------------------------------------------------------------ */

struct slab_cache {
	char name[64];
	long long bytes;
};

struct mem_snap {
	long long slab, sreclaimable, sunreclaim, percpu, vmalloc;
	struct slab_cache *caches;
	int ncaches;
};

static long long meminfo_kb(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? atoll(p + strlen(key)) : 0;
}

static void snap_take(struct mem_snap *s)
{
	char buf[8192], line[512];
	size_t n;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/proc/meminfo", "r");
	if (!f)
		bench_die("cannot read /proc/meminfo");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	s->slab = meminfo_kb(buf, "\nSlab:") * 1024;
	s->sreclaimable = meminfo_kb(buf, "\nSReclaimable:") * 1024;
	s->sunreclaim = meminfo_kb(buf, "\nSUnreclaim:") * 1024;
	s->percpu = meminfo_kb(buf, "\nPercpu:") * 1024;
	s->vmalloc = meminfo_kb(buf, "\nVmallocUsed:") * 1024;

	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return;
	s->caches = calloc(512, sizeof(*s->caches));
	while (s->caches && s->ncaches < 512 && fgets(line, sizeof(line), f)) {
		struct slab_cache *c = &s->caches[s->ncaches];
		long long active, total, size;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %lld %lld %lld", c->name, &active, &total,
			   &size) != 4)
			continue;
		/* All objects of its slabs, free ones too: what Slab counts. */
		c->bytes = total * size;
		s->ncaches++;
	}
	fclose(f);
}

/* The caches that grew most between @a and @b, into the results. */
static void snap_top(const struct mem_snap *a, const struct mem_snap *b,
		     const char *what)
{
	struct slab_cache top[4] = {};
	int i, j, k;

	for (i = 0; i < b->ncaches; i++) {
		long long before = 0, d;

		for (j = 0; j < a->ncaches; j++)
			if (!strcmp(a->caches[j].name, b->caches[i].name))
				before = a->caches[j].bytes;
		d = b->caches[i].bytes - before;
		for (k = 0; k < 4; k++) {
			if (d <= top[k].bytes)
				continue;
			memmove(&top[k + 1], &top[k], (3 - k) * sizeof(top[0]));
			snprintf(top[k].name, sizeof(top[k].name), "%s",
				 b->caches[i].name);
			top[k].bytes = d;
			break;
		}
	}
	for (k = 0; k < 4 && top[k].bytes > 0; k++) {
		char key[128];

		printf("    slabinfo %-24s +%7.1f bytes per %s\n",
		       top[k].name, (double)top[k].bytes / nr, what);
		snprintf(key, sizeof(key), "x_%s_%.63s", what, top[k].name);
		for (i = 0; key[i]; i++)
			if (!isalnum((unsigned char)key[i]))
				key[i] = '_';
		bench_result(key, (double)top[k].bytes / nr);
	}
}

static void settle(void)
{
	sync();
	mr_sleep_ms(2000);
}

/* ------------------------------------------------------------------ */
/* Balancer pass                                                      */
/* ------------------------------------------------------------------ */

struct tick_read {
	struct mrnl *b;
	bool share;
};

/* One sample of HOST_TICK_NS, in ms (see tick_ms()). */
static double tick_sample(void *arg, int i)
{
	struct tick_read *t = arg;
	struct mr_attrs h;

	if (t->share && mr_host_set(t->b, MEMRESV_A_HOST_PERIOD_MS,
				    i % 2 ? MEMRESV_PERIOD_MAX :
				    MEMRESV_PERIOD_DEFAULT, NULL))
		bench_die("HOST_SET period: %d %s", t->b->err, t->b->extack);
	mr_sleep_ms(t->share ? 300 : MEMRESV_PERIOD_DEFAULT);
	if (mr_host(t->b, &h))
		bench_die("HOST_GET: %d", t->b->err);
	return h.val[MEMRESV_A_HOST_TICK_NS] / 1e6;
}

/*
 * The steady tick (@share false): the period at 1 s for three periods,
 * then the time of the last tick read once a second, TICKS times.  Nothing
 * changes in between, so the sharing does not run: what a host whose
 * groups are idle pays each period.
 *
 * A tick whose sharing runs (@share true): setting the period runs a tick
 * at once, and its shrink step, pro rata to the time since the last tick,
 * differs from the last one's, which makes the policy core run over every
 * running reservation.  The period is set to 1 s and back to 60 s, each
 * followed by 0.3 s and a HOST_GET, TICKS times.
 *
 * Return: the median; *@min gets the fastest.
 */
static double tick_ms(struct mrnl *b, bool share, double *min)
{
	struct tick_read t = { .b = b, .share = share };
	double v[TICKS], ms;

	if (!share) {
		if (mr_host_set(b, MEMRESV_A_HOST_PERIOD_MS,
				MEMRESV_PERIOD_DEFAULT, NULL))
			bench_die("HOST_SET period: %d %s", b->err, b->extack);
		mr_sleep_ms(2 * MEMRESV_PERIOD_DEFAULT + 200);
	}
	ms = mr_sample(tick_sample, &t, TICKS, v);
	mr_host_set(b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_MAX, NULL);
	mr_sleep_ms(500);
	*min = v[0];
	return ms;
}

static void report_tick(struct mrnl *b, int n, const char *key)
{
	double min, ms = tick_ms(b, false, &min), pol = bench_policy_ms(n, RUNS);
	double smin, sms = tick_ms(b, true, &smin);
	char x[64];

	printf("  tick, %5d idle reservations: %8.3f ms, fastest %.3f ms (%.2f us each)\n",
	       n, ms, min, ms * 1e3 / n);
	printf("    with the sharing run:        %8.3f ms, fastest %.3f ms (policy arithmetic alone %.3f ms)\n",
	       sms, smin, pol);
	bench_result(key, ms);
	snprintf(x, sizeof(x), "x_tick_min_%d_ms", n);
	bench_result(x, min);
	snprintf(x, sizeof(x), "x_tick_share_%d_ms", n);
	bench_result(x, sms);
	snprintf(x, sizeof(x), "x_tick_share_min_%d_ms", n);
	bench_result(x, smin);
	snprintf(x, sizeof(x), "x_policy_%d_ms", n);
	bench_result(x, pol);
}

/* ------------------------------------------------------------------ */
/* Dump                                                               */
/* ------------------------------------------------------------------ */

static void dump_count(const struct nlmsghdr *nlh, struct nlattr **tb,
		       void *arg)
{
	((struct bench_dump *)arg)->n++;
}

/* libnl, parsed or only counted; returns messages per second. */
static double dump_libnl(bool parse, long *msgs)
{
	struct bench_dump d = {};
	struct mrnl b;
	uint64_t t0, t1;

	if (mrnl_open(&b))
		bench_die("cannot open a netlink socket");
	t0 = mr_now_ns();
	if (mrnl_call(&b, mrnl_msg(&b, MEMRESV_CMD_RESV_GET, NLM_F_DUMP, NULL),
		      parse ? bench_dump_parse : dump_count, &d))
		bench_die("dump: %d", b.err);
	t1 = mr_now_ns();
	mrnl_close(&b);
	*msgs = d.n;
	return d.n / ((t1 - t0) / 1e9);
}

/*
 * recv() into a @size buffer, walking only the message headers, on a
 * plain socket: the kernel sizes a dump's skbs after the largest read the
 * socket has seen, and libnl's own reads (resolving the family) are 16 KiB
 * or more, which a 4 KiB read would truncate.
 */
static double dump_raw_cmd(int family, uint8_t cmd, uint8_t version,
			   size_t size, long *msgs, long *bytes, FILE *record)
{
	struct {
		struct nlmsghdr nlh;
		struct genlmsghdr g;
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = family,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.g = {
			.cmd = cmd,
			.version = version,
		},
	};
	char *buf = malloc(size);
	struct nlmsghdr *nlh;
	uint64_t t0, t1;
	long n = 0, total = 0;
	bool done = false;
	ssize_t len;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (!buf || fd < 0)
		bench_die("cannot open a netlink socket");
	t0 = mr_now_ns();
	if (send(fd, &req, sizeof(req), 0) != sizeof(req))
		bench_die("cannot send the dump request");
	while (!done) {
		len = recv(fd, buf, size, 0);
		if (len < 0)
			bench_die("recv: %s", strerror(errno));
		total += len;
		if (record) {
			uint32_t l = len;

			if (fwrite(&l, sizeof(l), 1, record) != 1 ||
			    fwrite(buf, len, 1, record) != 1)
				bench_die("cannot record the dump");
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR)
				done = true;
			else
				n++;
		}
	}
	t1 = mr_now_ns();
	close(fd);
	free(buf);
	*msgs = n;
	*bytes = total;
	return n / ((t1 - t0) / 1e9);
}

static double dump_raw(int family, size_t size, long *msgs, long *bytes,
		       FILE *record)
{
	return dump_raw_cmd(family, MEMRESV_CMD_RESV_GET, MEMRESV_GENL_VERSION,
			    size, msgs, bytes, record);
}

static int tool_take(const struct resv_info *r, void *arg)
{
	long *n = arg;

	(*n)++;
	return r->cgroup[0] ? 0 : -EINVAL;
}

/*
 * The memresv tool's own client (tools/memresv/ipc.c, ipc_resv_each()):
 * reservations per second.  Also the same through ipc_resv_list(), which
 * keeps all of them (as `memresv show` does), into *@list_rate.
 */
static double dump_tool(long *msgs, double *list_rate)
{
	struct resv_info *list;
	uint64_t t0, t1, t2;
	size_t n;
	int ret;

	*msgs = 0;
	t0 = mr_now_ns();
	ret = ipc_resv_each(tool_take, msgs);
	t1 = mr_now_ns();
	if (ret)
		bench_die("the tool's dump: %s", ipc_strerror(ret));
	ret = ipc_resv_list(&list, &n);
	t2 = mr_now_ns();
	if (ret)
		bench_die("the tool's list: %s", ipc_strerror(ret));
	free(list);
	*list_rate = n / ((t2 - t1) / 1e9);
	return *msgs / ((t1 - t0) / 1e9);
}

static int ctrl_one(struct nlattr **tb, void *arg)
{
	long *n = arg;

	/* As little as a parse can be: the family's name found. */
	if (tb[CTRL_ATTR_FAMILY_NAME])
		(*n)++;
	return 0;
}

/*
 * The floor: the same receive path on the kernel's most trivial dump, the
 * generic netlink controller's list of families (CTRL_CMD_GETFAMILY),
 * repeated until it gave @nr messages.  Each dump is a request of its own
 * for a few dozen messages, so the cost of a request (a GETFAMILY with
 * one reply, @req_us) is taken off each before dividing by its messages.
 * Return: messages per second; *@per_dump: messages a dump.
 */
static double dump_floor(double req_us, long *per_dump)
{
	long n = 0, dumps = 0;
	uint64_t t0, t1;
	double us;
	int ret;

	t0 = mr_now_ns();
	while (n < nr) {
		ret = ipc_dump(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			       CTRL_ATTR_MAX, ctrl_one, &n);
		if (ret)
			bench_die("the controller's dump: %s",
				  ipc_strerror(ret));
		dumps++;
	}
	t1 = mr_now_ns();
	*per_dump = n / dumps;
	us = (t1 - t0) / 1e3 - dumps * req_us;
	if (us <= 0)
		us = (t1 - t0) / 1e3;
	return n / (us / 1e6);
}

static double getfamily_us(void)
{
	uint64_t v[200];
	struct mrnl b;
	int i;

	if (mrnl_open(&b))
		bench_die("cannot open a netlink socket");
	for (i = 0; i < 200; i++) {
		uint64_t t0 = mr_now_ns();

		if (mr_getfamily(&b))
			bench_die("CTRL_CMD_GETFAMILY: %d", b.err);
		v[i] = mr_now_ns() - t0;
	}
	mrnl_close(&b);
	return mr_pct(v, 200, 50) / 1e3;
}

/*
 * @record: where to keep one dump as read into 32 KiB (each datagram as a
 * 32-bit length and its bytes), for replay_bench, or NULL.
 */
static void report_dump(int family, const char *record)
{
	double full[RUNS], count[RUNS], raw[RUNS], raw4[RUNS], tool[RUNS];
	double tlist[RUNS];
	double floor[RUNS], req_us = getfamily_us(), fb;
	long msgs = 0, bytes = 0, m, per_dump = 0, cm, cb;
	FILE *f;
	int i;

	if (record) {
		f = fopen(record, "w");
		if (!f)
			bench_die("cannot write %s", record);
		dump_raw(family, 32768, &m, &bytes, f);
		if (fclose(f) || m != nr)
			bench_die("recording the dump failed");
	}
	for (i = 0; i < RUNS; i++) {
		tool[i] = dump_tool(&m, &tlist[i]);
		if (m != nr)
			bench_die("the tool's dump returned %ld, not %d", m, nr);
		floor[i] = dump_floor(req_us, &per_dump);
		full[i] = dump_libnl(true, &msgs);
		if (msgs != nr)
			bench_die("dump returned %ld reservations, not %d", msgs, nr);
		count[i] = dump_libnl(false, &m);
		raw4[i] = dump_raw(family, 4096, &m, &bytes, NULL);
		/* A datagram larger than 4 KiB loses its tail: say so. */
		if (m != nr)
			printf("  (dump into 4 KiB read %ld of %d)\n", m, nr);
		raw[i] = dump_raw(family, 32768, &m, &bytes, NULL);
		if (m != nr)
			bench_die("dump into 32 KiB returned %ld, not %d", m, nr);
	}
	dump_raw_cmd(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 32768, &cm, &cb, NULL);
	fb = cm ? (double)cb / cm : 0;
	printf("  dump of %d: %9.0f /s through the memresv tool's client\n", nr,
	       mr_median(tool, RUNS));
	printf("              %9.0f /s the same, kept as a list (memresv show)\n",
	       mr_median(tlist, RUNS));
	printf("              %9.0f /s the same client on the controller's dump (%ld messages a dump, %.0f bytes each; a request %.1f us)\n",
	       mr_median(floor, RUNS), per_dump, fb, req_us);
	printf("  dump_floor_ratio %.3f\n",
	       mr_median(tool, RUNS) / mr_median(floor, RUNS));
	printf("              %9.0f /s through libnl, parsed\n",
	       mr_median(full, RUNS));
	printf("              %9.0f /s through libnl, not parsed\n",
	       mr_median(count, RUNS));
	printf("              %9.0f /s recv() into 32 KiB, %ld bytes a message\n",
	       mr_median(raw, RUNS), m ? bytes / m : 0);
	printf("              %9.0f /s recv() into 4 KiB\n",
	       mr_median(raw4, RUNS));
	bench_result("dump_10k_per_s", mr_median(tool, RUNS));
	bench_result("dump_floor_ratio",
		     mr_median(tool, RUNS) / mr_median(floor, RUNS));
	bench_result("x_dump_floor_per_s", mr_median(floor, RUNS));
	bench_result("x_dump_tool_list_per_s", mr_median(tlist, RUNS));
	bench_result("x_dump_floor_msg_bytes", fb);
	bench_result("x_dump_floor_msgs_per_dump", per_dump);
	bench_result("x_dump_libnl_per_s", mr_median(full, RUNS));
	bench_result("x_dump_noparse_per_s", mr_median(count, RUNS));
	bench_result("x_dump_raw32k_per_s", mr_median(raw, RUNS));
	bench_result("x_dump_raw4k_per_s", mr_median(raw4, RUNS));
	bench_result("x_dump_msg_bytes", m ? (double)bytes / m : 0);
}

/* ------------------------------------------------------------------ */
/* Where the time goes (function_graph; optional)                     */
/* ------------------------------------------------------------------ */

#define NFNS(a)	((int)ARRAY_SIZE(a))

/*
 * The dump handler's own time per call (one call fills one skb) against
 * the whole dump: what is left is the netlink machinery per skb and the
 * copy to user space.  Only per-skb functions are traced (a few hundred
 * calls).
 */
static void profile_dump(int family)
{
	static const size_t sizes[] = { 4096, 32768 };
	struct ft_fn fns[] = {
		{ .name = "memresv_nl_resv_dump" },
		{ .name = "netlink_dump" },
	};
	long m, bytes;
	uint64_t t0;
	double ms;
	size_t i;
	char key[64];

	for (i = 0; i < 2; i++) {
		if (!ft_start(fns, NFNS(fns)))
			return;
		t0 = mr_now_ns();
		dump_raw(family, sizes[i], &m, &bytes, NULL);
		ms = (mr_now_ns() - t0) / 1e6;
		ft_collect(fns, NFNS(fns));
		printf("  one dump into %zu bytes, traced: %.1f ms in all\n",
		       sizes[i], ms);
		snprintf(key, sizeof(key), "dump%zuk", sizes[i] / 1024);
		ft_report(key, fns, NFNS(fns));
		snprintf(key, sizeof(key), "x_ft_dump%zuk_total_ms",
			 sizes[i] / 1024);
		bench_result(key, ms);
	}
}

/*
 * What keeping one cgroup file open costs the kernel: memory.max of every
 * group opened for writing from here, as a module keeping it open would
 * hold it (a struct file, kernfs' open file and its seq_file).
 */
static void open_file_cost(void)
{
	struct rlimit rl = { nr + 64, nr + 64 };
	struct mem_snap a, b;
	char path[512];
	int *fds, i;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return;
	fds = calloc(nr, sizeof(*fds));
	if (!fds)
		return;
	settle();
	snap_take(&a);
	for (i = 0; i < nr; i++) {
		cg_path(path, sizeof(path), names[i], "memory.max");
		fds[i] = open(path, O_WRONLY);
	}
	settle();
	snap_take(&b);
	for (i = 0; i < nr; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	printf("  an open memory.max: Slab %+.1f bytes\n",
	       (double)(b.slab - a.slab) / nr);
	bench_result("x_open_file_bytes", (double)(b.slab - a.slab) / nr);
	snap_top(&a, &b, "open_file");
}


/* ------------------------------------------------------------------ */
/* The balancer's cost                                                */
/* ------------------------------------------------------------------ */

/* CPU time of the workqueue workers (kworker threads), per thread. */
struct kw {
	int pid;
	uint64_t ns;
};

static int kw_snap(struct kw *v, int max)
{
	char path[64], comm[32];
	unsigned long long ns;
	struct dirent *de;
	int n = 0, pid;
	DIR *d = opendir("/proc");
	FILE *f;

	if (!d)
		bench_die("cannot read /proc");
	while ((de = readdir(d)) && n < max) {
		pid = atoi(de->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) || strncmp(comm, "kworker", 7)) {
			fclose(f);
			continue;
		}
		fclose(f);
		/* The first field: time on the CPU, in ns. */
		snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			v[n++] = (struct kw){ pid, ns };
		fclose(f);
	}
	closedir(d);
	return n;
}

/* The workers' CPU between two snapshots (new workers count in full). */
static uint64_t kw_delta(const struct kw *a, int na, const struct kw *b,
			 int nb)
{
	uint64_t sum = 0;
	int i, j;

	for (i = 0; i < nb; i++) {
		uint64_t before = 0;

		for (j = 0; j < na; j++)
			if (a[j].pid == b[i].pid)
				before = a[j].ns;
		if (b[i].ns > before)
			sum += b[i].ns - before;
	}
	return sum;
}

/*
 * A process started straight into group @i (clone3() with
 * CLONE_INTO_CGROUP): moving one process from group to group takes the
 * cgroup core's write lock each time, an RCU grace period under this
 * emulation, and would make the load, not the balancer, what is measured.
 * Return: as fork().
 */
static pid_t spawn_in(int i)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	char path[4200];
	pid_t pid;
	int fd;

	cg_path(path, sizeof(path), names[i], NULL);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		bench_die("cannot open %s: %s", path, strerror(errno));
	args.cgroup = fd;
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0)
		bench_die("clone3 into %s: %s", names[i], strerror(errno));
	if (pid)
		close(fd);
	return pid;
}

/* Where the groups' held memory lives: files of a tmpfs. */
#define HOLD_DIR	"/dev/shm/memresv-bench-hold"

/*
 * HELD bytes in each of the groups [0, n): a file of tmpfs written from
 * the group, charged to it and kept once the writer is gone.  One child
 * goes from group to group, before the groups have reservations: a charge
 * takes 64 pages at once from the group's counter (the rest is cached per
 * CPU), which is over a memory.high of a few pages, and the writer would
 * be throttled for seconds in every group.
 */
static void hold_memory(int n)
{
	static char buf[HELD];
	char path[64];
	int i, fd, st;
	pid_t pid;

	memset(buf, 1, sizeof(buf));
	if (mkdir(HOLD_DIR, 0700) && errno != EEXIST)
		bench_die("cannot make " HOLD_DIR ": %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (!pid) {
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), HOLD_DIR "/%05d", i);
			if (cg_enter(names[i]))
				_exit(1);
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0 || write(fd, buf, HELD) != HELD)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		bench_die("the groups could not be filled");
}

static void release_memory(int n)
{
	char path[64];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), HOLD_DIR "/%05d", i);
		unlink(path);
	}
	rmdir(HOLD_DIR);
}

/*
 * A process in each of the groups [0, @n) whose usage moves: once a
 * second it allocates ACTIVE_MOVE, or frees what it allocated; they start
 * spread over the second.  The pids go to @pids.
 */
static void move_memory(int n, pid_t *pids)
{
	char *chunk = NULL;
	int i;

	for (i = 0; i < n; i++) {
		pids[i] = spawn_in(i);
		if (pids[i])
			continue;
		mr_sleep_ms(1000 * i / n);
		for (;;) {
			uint64_t t0 = mr_now_ms();

			if (chunk) {
				munmap(chunk, ACTIVE_MOVE);
				chunk = NULL;
			} else {
				chunk = mmap(NULL, ACTIVE_MOVE,
					     PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (chunk == MAP_FAILED)
					_exit(1);
				memset(chunk, 1, ACTIVE_MOVE);
			}
			if (mr_now_ms() - t0 < 1000)
				mr_sleep_ms(1000 - (mr_now_ms() - t0));
		}
	}
}

/*
 * A child that reports every group's demand (RESV_REPORT, as the agent
 * does for a VM from its balloon statistics) in turn, as fast as it can,
 * each time another value: every group is active, and the demands add up
 * to more than the capacity.  *@count: reports sent.
 */
static pid_t report_demand(volatile uint64_t *count)
{
	pid_t pid = fork();
	struct mrnl b;
	uint64_t k;
	int i;

	if (pid < 0)
		bench_die("fork");
	if (pid)
		return pid;
	if (mrnl_open(&b))
		_exit(1);
	for (k = 0;; k++) {
		for (i = 0; i < nr; i++) {
			struct nl_msg *msg = mrnl_msg(&b,
						      MEMRESV_CMD_RESV_REPORT,
						      0, names[i]);
			uint64_t d = 128 * 1024 +
				     ((i * 7 + k * 13) % 17) * 16 * 1024;

			nla_put_u64(msg, MEMRESV_A_GUEST_DEMAND, d);
			if (mrnl_call(&b, msg, NULL, NULL))
				_exit(1);
			(*count)++;
		}
	}
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

struct cost {
	double cpu_pct;		/* the workers' CPU, % of one CPU */
	double set_p99_us;	/* RESV_SET while it ran, if @sets */
	double set_p50_us;
	double tick_ms;		/* HOST_TICK_NS at the end */
};

/*
 * COST_S seconds with the balancer at @period_ms: the workers' CPU a second
 * of wall time, and with @sets, RESV_SET of maximum on the groups in turn,
 * 10 ms apart, timed.
 */
static void cost_window(struct mrnl *b, unsigned int period_ms, bool sets,
			struct cost *c)
{
	static struct kw a[4096], z[4096];
	static uint64_t lat[8192];
	uint64_t t0, end;
	struct mr_attrs h;
	int na, nz, n = 0;

	if (mr_host_set(b, MEMRESV_A_HOST_PERIOD_MS, period_ms, NULL))
		bench_die("HOST_SET period: %d %s", b->err, b->extack);
	mr_sleep_ms(3000);
	na = kw_snap(a, 4096);
	t0 = mr_now_ns();
	end = t0 + COST_S * 1000000000ULL;
	while (mr_now_ns() < end) {
		if (!sets) {
			mr_sleep_ms(100);
			continue;
		}
		uint64_t s0 = mr_now_ns();
		struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_RESV_SET, 0,
					      names[n % nr]);

		nla_put_u64(msg, MEMRESV_A_MAXIMUM,
			    (n / nr) & 1 ? R_MAX : R_MAX + 16 * 1024 * 1024);
		if (mrnl_call(b, msg, NULL, NULL))
			bench_die("RESV_SET: %d %s", b->err, b->extack);
		if (n < 8192)
			lat[n] = mr_now_ns() - s0;
		n++;
		mr_sleep_ms(10);
	}
	nz = kw_snap(z, 4096);
	c->cpu_pct = 100.0 * kw_delta(a, na, z, nz) / (mr_now_ns() - t0);
	if (sets && n) {
		if (n > 8192)
			n = 8192;
		c->set_p99_us = mr_pct(lat, n, 99) / 1e3;
		c->set_p50_us = mr_pct(lat, n, 50) / 1e3;
	}
	c->tick_ms = 0;
	if (!mr_host(b, &h))
		c->tick_ms = h.val[MEMRESV_A_HOST_TICK_NS] / 1e6;
}

/*
 * The balancer's cost as the workers' CPU per second of wall time: what
 * the kworkers ran with the balancer at its default period, less what
 * they ran in a window with it parked (a 60 s period) under the same load.
 */
static void report_cost(struct mrnl *b)
{
	struct cost park, run, bpark, brun;
	volatile uint64_t *count;
	int i, nactive = nr < ACTIVE ? nr : ACTIVE;
	pid_t movers[ACTIVE], reporter;
	uint64_t c0;
	double idle, busy, rate;

	count = mmap(NULL, sizeof(*count), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (count == MAP_FAILED)
		bench_die("mmap");
	/*
	 * Room for what the active groups hold at their peak, so that their
	 * usage moves below memory.high and they are not throttled.
	 */
	for (i = 0; i < nactive; i++) {
		struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_RESV_SET, 0,
					      names[i]);

		nla_put_u64(msg, MEMRESV_A_STARTUP, ACTIVE_MIN);
		nla_put_u64(msg, MEMRESV_A_MINIMUM, ACTIVE_MIN);
		if (mrnl_call(b, msg, NULL, NULL))
			bench_die("RESV_SET minimum of %s: %d %s", names[i],
				  b->err, b->extack);
	}
	move_memory(nactive, movers);
	cost_window(b, MEMRESV_PERIOD_MAX, false, &park);
	printf("  parked: workers %.2f %%\n", park.cpu_pct);
	cost_window(b, MEMRESV_PERIOD_DEFAULT, false, &run);
	for (i = 0; i < nactive; i++)
		stop_child(movers[i]);
	idle = run.cpu_pct - park.cpu_pct;
	printf("  balancer, %d reservations holding memory, %d active: workers %.2f %% of a CPU (parked %.2f %%): %.2f %%; last tick %.1f ms\n",
	       nr, nactive, run.cpu_pct, park.cpu_pct, idle,
	       run.tick_ms);

	*count = 0;
	reporter = report_demand(count);
	cost_window(b, MEMRESV_PERIOD_MAX, true, &bpark);
	c0 = *count;
	cost_window(b, MEMRESV_PERIOD_DEFAULT, true, &brun);
	rate = (*count - c0) / (COST_S + 3.0);
	stop_child(reporter);
	busy = brun.cpu_pct - bpark.cpu_pct;
	printf("  balancer, all %d active (reports %.0f /s, demand > capacity, weights 1000-9000): workers %.2f %% (parked %.2f %%): %.2f %%; last tick %.1f ms\n",
	       nr, rate, brun.cpu_pct, bpark.cpu_pct, busy, brun.tick_ms);
	printf("  RESV_SET p99 %.0f us while it runs, %.0f us parked (p50 %.0f / %.0f): %.2f\n",
	       brun.set_p99_us, bpark.set_p99_us, brun.set_p50_us,
	       bpark.set_p50_us, brun.set_p99_us / bpark.set_p99_us);
	mr_host_set(b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_MAX, NULL);

	bench_result("balancer_cpu_pct_10k_idle", idle);
	bench_result("balancer_cpu_pct_10k_busy", busy);
	bench_result("set_p99_ratio_busy", brun.set_p99_us / bpark.set_p99_us);
	bench_result("x_cost_idle_run_pct", run.cpu_pct);
	bench_result("x_cost_idle_parked_pct", park.cpu_pct);
	bench_result("x_cost_idle_tick_ms", run.tick_ms);
	bench_result("x_cost_busy_run_pct", brun.cpu_pct);
	bench_result("x_cost_busy_parked_pct", bpark.cpu_pct);
	bench_result("x_cost_busy_tick_ms", brun.tick_ms);
	bench_result("x_cost_busy_reports_per_s", rate);
	bench_result("x_set_busy_p99_us", brun.set_p99_us);
	bench_result("x_set_parked_p99_us", bpark.set_p99_us);
	bench_result("x_set_busy_p50_us", brun.set_p50_us);
	bench_result("x_set_parked_p50_us", bpark.set_p50_us);
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *env = getenv("MEMRESV_BENCH_N");
	struct mem_snap s0, s1, s2;
	char buf[64], why[256];
	uint64_t t0;
	struct mrnl b;
	int i, j, err;

	bench_open_results();
	nr = env ? atoi(env) : 10000;
	names = calloc(nr, sizeof(*names));
	if (!names)
		bench_die("out of memory");
	if (mrnl_open(&b))
		bench_die("cannot talk to the memresv family (module loaded?)");
	mr_ledger_verify('0');
	mr_host_set(&b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_MAX, NULL);

	t0 = mr_now_ns();
	err = cg_create(PARENT);
	if ((err && err != -EEXIST) ||
	    cg_write(PARENT, "cgroup.subtree_control", "+memory"))
		bench_die("cannot create %s with the memory controller", PARENT);
	for (i = 0; i < nr; i++) {
		snprintf(names[i], sizeof(names[i]), PARENT "/g%05d", i);
		err = cg_create(names[i]);
		if (err && err != -EEXIST)
			bench_die("cannot create %s", names[i]);
		for (j = 0; j < 4; j++)
			cg_read(names[i], files[j], buf, sizeof(buf));
	}
	printf("scale: %d groups created and their files opened in %.1f s\n", nr,
	       (mr_now_ns() - t0) / 1e9);
	/* Groups that hold memory, as a host's do (the tick samples them). */
	t0 = mr_now_ns();
	hold_memory(nr);
	printf("  each holds %d KiB (%.1f s)\n", HELD / 1024,
	       (mr_now_ns() - t0) / 1e9);

	settle();
	snap_take(&s0);
	t0 = mr_now_ns();
	/*
	 * The first 1,000 become running at once; the others stay starting
	 * (the balancer walks past them) until all are in, which splits a
	 * pass into its walk of the table and its work per running one.
	 */
	for (i = 0; i < nr; i++) {
		struct nl_msg *msg = mr_new_msg(&b, names[i], R_MIN, R_MIN,
						R_MAX);

		/* Mixed weights, for the sharing under contention. */
		nla_put_u32(msg, MEMRESV_A_WEIGHT, 1000 * (1 + i % 9));
		if (mr_do(&b, msg, NULL))
			bench_die("RESV_NEW %s: %d %s", names[i], b.err, b.extack);
		if (i < 1000 && mr_ready(&b, names[i]))
			bench_die("RESV_READY %s: %d %s", names[i], b.err,
				  b.extack);
		if (i + 1 == 100 || i + 1 == 1000) {
			uint64_t t = mr_now_ns();

			report_tick(&b, i + 1, i + 1 == 100 ? "tick_100_ms" :
				    "tick_1k_ms");
			t0 += mr_now_ns() - t;
		}
	}
	if (nr > 1000) {
		double min, ms = tick_ms(&b, false, &min);

		printf("  tick, 1000 running and %d starting: %.3f ms, fastest %.3f ms\n",
		       nr - 1000, ms, min);
		bench_result("x_tick_1k_running_9k_starting_ms", ms);
	}
	for (i = 1000; i < nr; i++)
		if (mr_ready(&b, names[i]))
			bench_die("RESV_READY %s: %d %s", names[i], b.err,
				  b.extack);
	printf("  %d reservations added (NEW + READY) in %.1f s\n", nr,
	       (mr_now_ns() - t0) / 1e9);
	if (mr_ledger_check(&b, why, sizeof(why)))
		bench_die("ledger with %d reservations: %s", nr, why);
	settle();
	snap_take(&s1);
	printf("  kernel memory: Slab %+.1f bytes per reservation (unreclaimable %+.1f, reclaimable %+.1f; percpu %+.1f, vmalloc %+.1f)\n",
	       (double)(s1.slab - s0.slab) / nr,
	       (double)(s1.sunreclaim - s0.sunreclaim) / nr,
	       (double)(s1.sreclaimable - s0.sreclaimable) / nr,
	       (double)(s1.percpu - s0.percpu) / nr,
	       (double)(s1.vmalloc - s0.vmalloc) / nr);
	bench_result("bytes_per_reservation", (double)(s1.slab - s0.slab) / nr);
	bench_result("x_sunreclaim_per_resv",
		     (double)(s1.sunreclaim - s0.sunreclaim) / nr);
	bench_result("x_sreclaimable_per_resv",
		     (double)(s1.sreclaimable - s0.sreclaimable) / nr);
	snap_top(&s0, &s1, "reservation");

	t0 = mr_now_ns();
	report_tick(&b, nr, "tick_10k_ms");
	report_dump(b.family, argc > 1 ? argv[1] : NULL);
	printf("  (passes and dumps took %.1f s)\n", (mr_now_ns() - t0) / 1e9);
	profile_dump(b.family);
	report_cost(&b);

	t0 = mr_now_ns();
	for (i = 0; i < nr; i++)
		if (mr_del(&b, names[i]))
			bench_die("RESV_DEL %s: %d %s", names[i], b.err, b.extack);
	printf("  %d reservations deleted in %.1f s\n", nr,
	       (mr_now_ns() - t0) / 1e9);
	settle();
	snap_take(&s2);
	printf("  after deleting them: Slab %+.1f bytes per reservation against before\n",
	       (double)(s2.slab - s0.slab) / nr);
	bench_result("x_slab_after_del_per_resv", (double)(s2.slab - s0.slab) / nr);
	snap_top(&s0, &s2, "deleted");
	open_file_cost();

	release_memory(nr);
	t0 = mr_now_ns();
	for (i = 0; i < nr; i++)
		cg_rmdir(names[i]);
	cg_rmdir(PARENT);
	printf("  %d groups removed in %.1f s\n", nr,
	       (mr_now_ns() - t0) / 1e9);
	mr_host_set(&b, MEMRESV_A_HOST_PERIOD_MS, MEMRESV_PERIOD_DEFAULT, NULL);
	mrnl_close(&b);
	return 0;
}
