// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: files under the state directory, and cgroups by their path.
 *
 * A file the agent writes is written whole to a temporary file beside it,
 * synced and renamed over the old one, so that a crash or a power cut
 * leaves the old file or the new one, never half of either.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent.h"

static int state_path(const struct agent *a, const char *name, char *buf,
		      size_t len)
{
	int n = snprintf(buf, len, "%s/%s", a->state_dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/**
 * agent_write_file() - replace a file of the state directory atomically
 * @a: the agent
 * @name: the file's name in @a->state_dir
 * @text: what it holds from now on
 * @len: its length
 *
 * Makes the state directory if there is none.
 *
 * Return: 0 or a negative errno.
 */
int agent_write_file(const struct agent *a, const char *name,
		     const char *text, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	ssize_t n;
	size_t off = 0;
	int fd, err;

	err = state_path(a, name, path, sizeof(path));
	if (err)
		return err;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (mkdir(a->state_dir, 0755) && errno != EEXIST)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
fail:
	err = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err;
}

/**
 * agent_read_file() - read a file of the state directory
 * @a: the agent
 * @name: the file's name in @a->state_dir
 * @text: its contents, NUL-terminated (the caller frees them)
 * @len: their length
 *
 * Return: 0, -ENOENT when there is no such file, or another negative errno.
 */
int agent_read_file(const struct agent *a, const char *name, char **text,
		    size_t *len)
{
	char path[PATH_MAX];
	size_t cap = 4096, n = 0;
	char *buf, *grown;
	ssize_t got;
	int fd, err;

	err = state_path(a, name, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (n + 1 >= cap) {
			grown = realloc(buf, cap * 2);
			if (!grown) {
				err = -ENOMEM;
				goto fail;
			}
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			goto fail;
		}
		if (!got)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}

/**
 * agent_cgroup_path() - the file system path of a cgroup, or of one of its
 *	files
 * @cgroup: the cgroup's path relative to the cgroup2 root
 * @file: a file in it, or NULL for its directory
 * @buf: where the path goes
 * @len: room in @buf
 *
 * Return: 0 or -ENAMETOOLONG.
 */
int agent_cgroup_path(const char *cgroup, const char *file, char *buf,
		      size_t len)
{
	int n = snprintf(buf, len, "%s/%s%s%s", AGENT_CGROOT, cgroup,
			 file ? "/" : "", file ? file : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/**
 * agent_cgroup_id() - the id of the cgroup at a path now
 * @cgroup: the path relative to the cgroup2 root
 *
 * A cgroup's id is the inode number of its directory: a group removed and
 * made again under the same name has a new one.
 *
 * Return: the id, or 0 when there is no such cgroup.
 */
uint64_t agent_cgroup_id(const char *cgroup)
{
	char path[PATH_MAX];
	struct stat st;

	if (agent_cgroup_path(cgroup, NULL, path, sizeof(path)) ||
	    stat(path, &st) || !S_ISDIR(st.st_mode))
		return 0;
	return st.st_ino;
}

/**
 * agent_cgroup_read_u64() - a cgroup file that holds one number or "max"
 * @cgroup: the path relative to the cgroup2 root
 * @file: the file ("memory.min")
 * @val: the number; UINT64_MAX for "max"
 *
 * Return: 0 or a negative errno.
 */
int agent_cgroup_read_u64(const char *cgroup, const char *file,
			  uint64_t *val)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd;

	if (agent_cgroup_path(cgroup, file, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	if (!strncmp(buf, "max", 3)) {
		*val = UINT64_MAX;
		return 0;
	}
	return sscanf(buf, "%" SCNu64, val) == 1 ? 0 : -EINVAL;
}
