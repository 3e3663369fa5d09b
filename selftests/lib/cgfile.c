// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup files by hand (see cgfile.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgfile.h"

void cg_path(char *buf, size_t len, const char *cg,
			   const char *file)
{
	if (file)
		snprintf(buf, len, CG_ROOT "/%s/%s", cg, file);
	else
		snprintf(buf, len, CG_ROOT "/%s", cg);
}

int cg_write(const char *cg, const char *file, const char *val)
{
	char path[4200];
	size_t len = strlen(val);
	int fd, ret;

	cg_path(path, sizeof(path), cg, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, len) == (ssize_t)len ? 0 : -errno;
	close(fd);
	return ret;
}

int cg_read(const char *cg, const char *file, char *buf,
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

/*
 * A single-value file; "max" reads as UINT64_MAX, an error as 0xdead (a
 * value no check expects, where 0 or "max" would pass some).
 */
uint64_t cg_u64(const char *cg, const char *file)
{
	char buf[64];

	if (cg_read(cg, file, buf, sizeof(buf)))
		return 0xdead;
	if (!strncmp(buf, "max", 3))
		return UINT64_MAX;
	return strtoull(buf, NULL, 10);
}

/*
 * A "key value" line of a flat-keyed file such as memory.events or
 * memory.stat; UINT64_MAX when the file or the key is not there.
 */
uint64_t cg_key(const char *cg, const char *file,
			      const char *key)
{
	char buf[8192], *p;
	size_t klen = strlen(key);

	if (cg_read(cg, file, buf, sizeof(buf)))
		return UINT64_MAX;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtoull(p + klen + 1, NULL, 10);
	return UINT64_MAX;
}

int cg_create(const char *cg)
{
	char path[4200];

	cg_path(path, sizeof(path), cg, NULL);
	return mkdir(path, 0755) ? -errno : 0;
}

/* Move the calling process into @cg. */
int cg_enter(const char *cg)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	return cg_write(cg, "cgroup.procs", pid);
}

/*
 * Remove an empty group.  A group whose last process was just killed stays
 * busy until that process is reaped, so EBUSY is retried for two seconds.
 */
int cg_rmdir(const char *cg)
{
	char path[4200];
	int i;

	cg_path(path, sizeof(path), cg, NULL);
	for (i = 0; i < 100; i++) {
		if (!rmdir(path) || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		usleep(20000);
	}
	return -EBUSY;
}

/* Kill what runs in @cg and remove it (children first). */
void cg_destroy(const char *cg)
{
	char path[4200], child[4200];
	struct dirent *de;
	DIR *dir;

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
	cg_rmdir(cg);
}

uint64_t cg_id(const char *cg)
{
	char path[4200];
	struct stat st;

	cg_path(path, sizeof(path), cg, NULL);
	return stat(path, &st) ? 0 : st.st_ino;
}
