/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup helpers for the memresv selftests: uniquely named groups, their
 * files, workloads that allocate and touch memory inside them, and the
 * ledger invariant checked against a dump.
 */
#ifndef _MEMRESV_SELFTEST_CG_H
#define _MEMRESV_SELFTEST_CG_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nl.h"

#define CG_ROOT	"/sys/fs/cgroup"
#define MiB	(1ULL << 20)

static inline void cg_path(char *buf, size_t len, const char *cg,
			   const char *file)
{
	if (file)
		snprintf(buf, len, CG_ROOT "/%s/%s", cg, file);
	else
		snprintf(buf, len, CG_ROOT "/%s", cg);
}

static inline int cg_write(const char *cg, const char *file, const char *val)
{
	char path[4200];
	int fd, len = strlen(val), ret;

	cg_path(path, sizeof(path), cg, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, len);
	ret = ret == len ? 0 : -errno;
	close(fd);
	return ret;
}

static inline int cg_read(const char *cg, const char *file, char *buf,
			  size_t len)
{
	char path[4200];
	ssize_t n;
	int fd;

	cg_path(path, sizeof(path), cg, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* A single-value file; "max" reads as UINT64_MAX, errors as 0xdead. */
static inline uint64_t cg_u64(const char *cg, const char *file)
{
	char buf[64];

	if (cg_read(cg, file, buf, sizeof(buf)))
		return 0xdead;
	if (!strncmp(buf, "max", 3))
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

/* A "key value" line of a flat-keyed file such as memory.events. */
static inline uint64_t cg_key(const char *cg, const char *file,
			      const char *key)
{
	char buf[4096], *p;
	size_t klen = strlen(key);

	if (cg_read(cg, file, buf, sizeof(buf)))
		return UINT64_MAX;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	return UINT64_MAX;
}

static inline int cg_create(const char *cg)
{
	char path[4200];

	cg_path(path, sizeof(path), cg, NULL);
	return mkdir(path, 0755) ? -errno : 0;
}

/* Kill what runs in @cg and remove it (children first). */
static inline void cg_destroy(const char *cg)
{
	char path[4200], child[4200];
	struct dirent *de;
	DIR *dir;
	int i;

	cg_path(path, sizeof(path), cg, NULL);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", cg, de->d_name);
		cg_destroy(child);
	}
	closedir(dir);
	cg_write(cg, "cgroup.kill", "1");
	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return;
		usleep(20000);
	}
}

static inline uint64_t cg_id(const char *cg)
{
	char path[4200];
	struct stat st;

	cg_path(path, sizeof(path), cg, NULL);
	return stat(path, &st) ? 0 : st.st_ino;
}

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
		char buf[32];
		char *mem;

		close(pfd[0]);
		snprintf(buf, sizeof(buf), "%d", getpid());
		if (cg_write(cg, "cgroup.procs", buf))
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
	char buf[32];
	pid_t pid = fork();

	if (pid)
		return pid;
	snprintf(buf, sizeof(buf), "%d", getpid());
	if (cg_write(cg, "cgroup.procs", buf))
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
