// SPDX-License-Identifier: GPL-2.0
/*
 * memresv-fuzz: random sequences of requests, valid and bent, from several
 * actors at once, over a pool of groups that workloads use and that are
 * removed and made again; the ledger recounted after each sequence.
 *
 *   memresv-fuzz [--messages N] [--seconds S] [--seed S]
 *
 * Runs as root in the VM (selftests/vm/run), with the module loaded; it
 * turns the module's verify_ledger on, so that every change is recounted
 * in the kernel too (a drift WARNs, and the runner fails on it).  Ends when
 * N messages were sent (default 20000) or S seconds passed, whichever is
 * first, with the line
 *
 *   # fuzz-result messages=N sequences=M reports=K seconds=T seed=S
 *
 * and exits 1 when K > 0.  selftests/fuzz/run.sh (make fuzz) adds the
 * kernel's own reports from the VM's log.  See Documentation/testing.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "fuzz.h"
#include "mrtest.h"

#define VERIFY_PARAM	"/sys/module/memresv/parameters/verify_ledger"
/* A sequence that takes longer than this has hung. */
#define SEQ_TIMEOUT_MS	(600 * 1000)
/* Everything deleted, and the files checked, every this many sequences. */
#define CLEAN_EVERY	16

struct fz_groups *fz_poolp;
uint64_t fz_capacity;
char fz_keys[FZ_KEYS][64];

static struct fz_actor actors[FZ_ROLES];

static int pool_add(const char *path, bool leaf, bool named)
{
	int i = fz_pool.n;

	if (i >= FZ_POOL_MAX)
		return -ENOSPC;
	snprintf(fz_pool.path[i], sizeof(fz_pool.path[i]), "%s", path);
	fz_pool.leaf[i] = leaf;
	fz_pool.named[i] = named;
	fz_pool.n++;
	if (cg_create(path) && errno != EEXIST && cg_id(path) == 0)
		return -EIO;
	return i;
}

static int enable_memory(const char *path)
{
	return cg_write(path, "cgroup.subtree_control", "+memory");
}

/*
 * The pool: leaves, a parent with three leaves (protection up to the root,
 * nesting), the cgroup namespace of one actor, and a group whose path is
 * nearly PATH_MAX long.
 */
static int pool_setup_outer(void)
{
	char p[4096];
	int i;

	cg_destroy(FZ_TOP);
	if (pool_add(FZ_TOP, false, false) < 0 || enable_memory(FZ_TOP))
		return -EIO;
	for (i = 0; i < 8; i++) {
		snprintf(p, sizeof(p), "%s/g%d", FZ_TOP, i);
		if (pool_add(p, true, true) < 0)
			return -EIO;
	}
	snprintf(p, sizeof(p), "%s/p", FZ_TOP);
	if (pool_add(p, false, true) < 0 || enable_memory(p))
		return -EIO;
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/p/%c", FZ_TOP, 'a' + i);
		if (pool_add(p, true, true) < 0)
			return -EIO;
	}
	/* Its children come once the namespaced actor lives in ns/me. */
	snprintf(p, sizeof(p), "%s/ns", FZ_TOP);
	fz_pool.ns_root = pool_add(p, false, false);
	snprintf(p, sizeof(p), "%s/ns/me", FZ_TOP);
	if (fz_pool.ns_root < 0 || cg_create(p))
		return -EIO;
	return 0;
}

static int pool_setup_inner(void)
{
	char p[4096], comp[251];
	size_t len;
	int i;

	snprintf(p, sizeof(p), "%s/ns", FZ_TOP);
	if (enable_memory(p))
		return -EIO;
	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/ns/c%d", FZ_TOP, i);
		if (pool_add(p, true, true) < 0)
			return -EIO;
	}
	memset(comp, 'd', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	snprintf(p, sizeof(p), "%s/d", FZ_TOP);
	if (pool_add(p, false, false) < 0 || enable_memory(p))
		return -EIO;
	for (;;) {
		len = strlen(p);
		snprintf(p + len, sizeof(p) - len, "/%s", comp);
		if (strlen(p) + sizeof(comp) + 20 >= 4000)
			break;
		if (pool_add(p, false, false) < 0 || enable_memory(p))
			return -EIO;
	}
	fz_pool.deep = pool_add(p, true, true);
	return fz_pool.deep < 0 ? -EIO : 0;
}

static void pool_teardown(void)
{
	int i;

	for (i = fz_pool.n - 1; i >= 0; i--)
		cg_destroy(fz_pool.path[i]);
	cg_destroy(FZ_TOP);
}

static void keys_setup(void)
{
	int i;

	for (i = 0; i < FZ_KEYS - 1; i++)
		snprintf(fz_keys[i], sizeof(fz_keys[i]), "fz-key-%d", i);
	/* The longest key the spec takes. */
	memset(fz_keys[i], 'k', MEMRESV_HOLD_KEY_LEN - 1);
	fz_keys[i][MEMRESV_HOLD_KEY_LEN - 1] = '\0';
}

static char verify_was;

static int set_verify(char on)
{
	FILE *f = fopen(VERIFY_PARAM, "r+");
	int c;

	if (!f)
		return -errno;
	c = fgetc(f);
	verify_was = c == 'Y' || c == '1' ? '1' : '0';
	rewind(f);
	fputc(on, f);
	fclose(f);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void add_stats(struct fz_stats *to, const struct fz_stats *st)
{
	to->messages += st->messages;
	to->replies += st->replies;
	to->errors += st->errors;
	to->reports += st->reports;
	to->events += st->events;
}

/* Wait for @a's answer to an order; false when it died or hung. */
static bool collect(struct fz_actor *a, struct fz_stats *total,
		    uint64_t deadline)
{
	struct pollfd pfd = { .fd = a->result, .events = POLLIN };
	struct fz_stats st;
	uint64_t now = now_ms();
	int ms = deadline > now ? deadline - now : 0;

	if (poll(&pfd, 1, ms) != 1) {
		fprintf(stderr, "# fuzz: the %s actor did not finish within %d s\n",
			fz_role_name(a->role), SEQ_TIMEOUT_MS / 1000);
		return false;
	}
	if (read(a->result, &st, sizeof(st)) != sizeof(st)) {
		int status = 0;

		waitpid(a->pid, &status, 0);
		a->pid = -1;
		fprintf(stderr, "# fuzz: the %s actor died (%s %d)\n",
			fz_role_name(a->role),
			WIFSIGNALED(status) ? "signal" : "status",
			WIFSIGNALED(status) ? WTERMSIG(status) :
					      WEXITSTATUS(status));
		return false;
	}
	add_stats(total, &st);
	return true;
}

/*
 * The unprivileged may change nothing: every line of the settings after
 * (the host's, each reservation's, each hold's) was there before.
 */
static void compare_settings(const char *before, const char *after,
			     struct fz_stats *st)
{
	const char *line, *end;
	char buf[512];
	size_t len;

	for (line = after; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		len = end - line + 1;
		if (len >= sizeof(buf))
			continue;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (!strstr(before, buf)) {
			buf[len - 1] = '\0';
			fz_report(st, "changed without CAP_SYS_ADMIN: '%s'",
				  buf);
		}
	}
}

/*
 * A reservation missing after is one whose group went (the tick noticed
 * a removal of an earlier sequence); a hold missing after timed out.
 */
static void compare_gone(const char *before, const char *after,
			 struct fz_stats *st)
{
	const char *line;
	unsigned long long id;
	char key[40];
	int i;

	for (line = before; (line = strstr(line, "resv ")); line++) {
		if (sscanf(line, "resv %llu ", &id) != 1)
			continue;
		snprintf(key, sizeof(key), "resv %llu ", id);
		if (strstr(after, key))
			continue;
		for (i = 0; i < fz_pool.n; i++)
			if (cg_id(fz_pool.path[i]) == id)
				fz_report(st, "the reservation of %s went without CAP_SYS_ADMIN",
					  fz_pool.path[i]);
	}
}

/* What one sequence does: which actors, how many steps each. */
static int plan(struct fz_rand *r, bool *unpriv_only, uint32_t *steps)
{
	static const enum fz_role unpriv[] = { FZ_NOBODY, FZ_NETADMIN,
					       FZ_USERNS };
	int role, n = 0;

	memset(steps, 0, FZ_ROLES * sizeof(*steps));
	*unpriv_only = fz_chance(r, 15);
	if (*unpriv_only) {
		for (role = 0; role < 3; role++)
			if (fz_chance(r, 60) || (!n && role == 2)) {
				steps[unpriv[role]] = 4 + fz_below(r, 44);
				n++;
			}
		return n;
	}
	for (role = 0; role < FZ_CHAOS; role++)
		if (fz_chance(r, role == FZ_ROOT_VALID ? 70 : 45)) {
			steps[role] = 4 + fz_below(r, 44);
			n++;
		}
	if (!steps[FZ_ROOT] && !steps[FZ_ROOT_VALID]) {
		steps[FZ_ROOT_VALID] = 4 + fz_below(r, 44);
		n++;
	}
	if (fz_chance(r, 60))
		steps[FZ_CHAOS] = 2 + fz_below(r, 10);
	return n;
}

/* One sequence, and the checks after it.  Return: false to stop. */
static bool sequence(struct fz_rand *r, struct fz_stats *total)
{
	struct fz_order o = {};
	uint32_t steps[FZ_ROLES];
	char *before = NULL, *after = NULL, why[512];
	bool unpriv_only, ok = true;
	uint64_t deadline;
	size_t len;
	int role, err;

	plan(r, &unpriv_only, steps);
	if (unpriv_only && fz_settings_snapshot(&before, &len))
		before = NULL;
	for (role = 0; role < FZ_LISTENER; role++) {
		if (!steps[role])
			continue;
		o.seed = fz_next(r);
		o.steps = steps[role];
		if (write(actors[role].order, &o, sizeof(o)) != sizeof(o))
			return false;
	}
	deadline = now_ms() + SEQ_TIMEOUT_MS;
	for (role = 0; role < FZ_LISTENER; role++)
		if (steps[role] && !collect(&actors[role], total, deadline))
			ok = false;
	/* The listener says what it saw meanwhile. */
	o.steps = 0;
	if (write(actors[FZ_LISTENER].order, &o, sizeof(o)) != sizeof(o) ||
	    !collect(&actors[FZ_LISTENER], total, deadline))
		ok = false;
	if (!ok) {
		total->reports++;
		return false;
	}
	if (before && !fz_settings_snapshot(&after, &len)) {
		compare_settings(before, after, total);
		compare_gone(before, after, total);
	}
	free(before);
	free(after);
	err = fz_ledger_check(why, sizeof(why));
	if (err < 0)
		fz_report(total, "ledger: %s", why);
	return true;
}

/* Everything deleted, every file as it was before memresv. */
static void clean_and_check(struct fz_stats *total)
{
	int err = fz_clean_all();

	if (err)
		fz_report(total, "cleaning up failed: %s", strerror(-err));
	fz_pristine_check(total);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: memresv-fuzz [--messages N] [--seconds S] [--seed S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "messages", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	uint64_t max_messages = 20000, max_seconds = 0, seed = 0;
	uint64_t start, last = 0, sequences = 0;
	struct fz_stats total = {};
	struct fz_rand r;
	struct mr_attrs host;
	struct mrnl *s;
	int c, role;

	while ((c = getopt_long(argc, argv, "m:s:S:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			max_messages = strtoull(optarg, NULL, 0);
			break;
		case 's':
			max_seconds = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (!seed)
		seed = (uint64_t)time(NULL) * 2654435761u ^ getpid();
	r.s = seed | 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	s = mr_open();
	if (!s || mr_host(s, &host)) {
		fprintf(stderr, "memresv-fuzz: the memresv family is not there (is the module loaded?)\n");
		return 2;
	}
	fz_capacity = host.val[MEMRESV_A_HOST_CAPACITY];
	/* Shared: the actors see the pool as it is made and remade. */
	fz_poolp = mmap(NULL, sizeof(*fz_poolp), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fz_poolp == MAP_FAILED)
		return 2;
	if (set_verify('1'))
		fprintf(stderr, "# fuzz: cannot turn verify_ledger on: the kernel does not recount\n");
	keys_setup();
	if (pool_setup_outer()) {
		fprintf(stderr, "memresv-fuzz: cannot make the pool under %s: %s\n",
			FZ_TOP, strerror(errno));
		return 2;
	}
	printf("# fuzz: seed %llu, up to %llu messages%s\n",
	       (unsigned long long)seed, (unsigned long long)max_messages,
	       max_seconds ? " or the time given" : "");
	for (role = 0; role < FZ_ROLES; role++) {
		if (fz_actor_start(&actors[role], role)) {
			fprintf(stderr, "memresv-fuzz: the %s actor did not start\n",
				fz_role_name(role));
			return 2;
		}
		if (role == FZ_ROOT_CGNS && pool_setup_inner()) {
			fprintf(stderr, "memresv-fuzz: cannot finish the pool\n");
			return 2;
		}
	}

	start = now_ms();
	while (total.messages < max_messages &&
	       (!max_seconds || now_ms() - start < max_seconds * 1000)) {
		if (!sequence(&r, &total))
			break;
		sequences++;
		if (sequences % CLEAN_EVERY == 0)
			clean_and_check(&total);
		if (now_ms() - last >= 30000) {
			last = now_ms();
			printf("# fuzz: %llu messages, %llu sequences, %llu reports, %llu events, %llu s\n",
			       (unsigned long long)total.messages,
			       (unsigned long long)sequences,
			       (unsigned long long)total.reports,
			       (unsigned long long)total.events,
			       (unsigned long long)(last - start) / 1000);
		}
	}
	clean_and_check(&total);
	for (role = 0; role < FZ_ROLES; role++)
		fz_actor_stop(&actors[role]);
	/* The host's settings as they were, for whatever runs next. */
	mr_host_set(s, MEMRESV_A_HOST_RESERVE,
		    host.val[MEMRESV_A_HOST_RESERVE], NULL);
	mr_host_set(s, MEMRESV_A_HOST_PAGING_LIMIT,
		    host.val[MEMRESV_A_HOST_PAGING_LIMIT], NULL);
	mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS,
		    host.val[MEMRESV_A_HOST_PERIOD_MS], NULL);
	mr_host_set(s, MEMRESV_A_HOST_PAGING_MAX,
		    host.val[MEMRESV_A_HOST_PAGING_MAX], NULL);
	pool_teardown();
	set_verify(verify_was);
	printf("# fuzz-result messages=%llu sequences=%llu reports=%llu seconds=%llu seed=%llu\n",
	       (unsigned long long)total.messages,
	       (unsigned long long)sequences,
	       (unsigned long long)total.reports,
	       (unsigned long long)(now_ms() - start) / 1000,
	       (unsigned long long)seed);
	mr_close(s);
	return total.reports ? 1 : 0;
}
