/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup files by hand, as an administrator's tool would do it: open,
 * read or write, close.  These are the baselines memresv is measured
 * against, so they do nothing more than that.
 */
#ifndef _MEMRESV_BENCH_CGX_H
#define _MEMRESV_BENCH_CGX_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CGX_ROOT	"/sys/fs/cgroup"
#define MiB		(1ULL << 20)

static inline void cgx_path(char *buf, size_t len, const char *cg,
			    const char *file)
{
	if (file)
		snprintf(buf, len, CGX_ROOT "/%s/%s", cg, file);
	else
		snprintf(buf, len, CGX_ROOT "/%s", cg);
}

static inline int cgx_write(const char *cg, const char *file, const char *val)
{
	char path[512];
	size_t len = strlen(val);
	int fd, ret;

	cgx_path(path, sizeof(path), cg, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, len) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return ret;
}

static inline int cgx_read(const char *cg, const char *file, char *buf,
			   size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	cgx_path(path, sizeof(path), cg, file);
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

/* A single-value file; "max" reads as UINT64_MAX, an error as 0. */
static inline uint64_t cgx_u64(const char *cg, const char *file)
{
	char buf[64];

	if (cgx_read(cg, file, buf, sizeof(buf)))
		return 0;
	if (!strncmp(buf, "max", 3))
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

/* A "key value" line of a flat-keyed file such as memory.stat. */
static inline uint64_t cgx_key(const char *cg, const char *file,
			       const char *key)
{
	char buf[8192], *p;
	size_t klen = strlen(key);

	if (cgx_read(cg, file, buf, sizeof(buf)))
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	return 0;
}

static inline int cgx_mkdir(const char *cg)
{
	char path[512];

	cgx_path(path, sizeof(path), cg, NULL);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Remove an empty group, waiting for its last process to be reaped. */
static inline int cgx_rmdir(const char *cg)
{
	char path[512];
	int i;

	cgx_path(path, sizeof(path), cg, NULL);
	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		usleep(20000);
	}
	return -EBUSY;
}

#endif /* _MEMRESV_BENCH_CGX_H */
