// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: parsing of sizes, numbers, names and cgroup paths.
 *
 * Every parser here is strict: a value is taken whole or refused, so a typo
 * never turns into a reservation of the wrong size.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "parse.h"

/* Decimal places accepted in a size: 10^18 still fits in 64 bits. */
#define SIZE_MAX_DECIMALS	18

static int size_shift(const char *suffix, unsigned int *shift)
{
	static const char units[] = "KMGTP";
	const char *u;

	if (!*suffix) {
		*shift = 0;
		return 0;
	}
	if (!strcasecmp(suffix, "B")) {
		*shift = 0;
		return 0;
	}
	/* strchr() would find the terminator for a NUL or a space. */
	if (!(suffix[0] & ~0x20))
		return -EINVAL;
	u = strchr(units, suffix[0] & ~0x20);
	if (!u)
		return -EINVAL;
	*shift = 10 * (unsigned int)(u - units + 1);
	suffix++;
	/* K, KB and KiB all mean 1024: sizes are powers of 1024 throughout. */
	if (!*suffix || !strcasecmp(suffix, "B") || !strcasecmp(suffix, "iB"))
		return 0;
	return -EINVAL;
}

/**
 * parse_size() - parse a size such as 512M, 1.5G or 4096
 * @s: the text: digits, optionally a decimal point and more digits, then
 *	optionally K, M, G, T or P (powers of 1024, any case, optionally
 *	followed by B or iB), or B for bytes.  P is there so every size
 *	format_size() prints reads back; 4P is already MEMRESV_SIZE_MAX.
 * @out: the size in bytes; a fraction of a byte is rounded up
 *
 * The arithmetic is done in integers, so 1.5G is exactly 1610612736.
 *
 * Return: 0, -EINVAL for text that is not a size, or -ERANGE for a size
 * above MEMRESV_SIZE_MAX.
 */
int parse_size(const char *s, uint64_t *out)
{
	uint64_t whole = 0, frac = 0, scale = 1, bytes;
	unsigned __int128 part;
	unsigned int shift, decimals = 0;
	bool overflow = false;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++decimals > SIZE_MAX_DECIMALS)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
		}
	}
	if (size_shift(p, &shift))
		return -EINVAL;
	if (overflow || whole > (MEMRESV_SIZE_MAX >> shift))
		return -ERANGE;
	bytes = whole << shift;
	/* frac / scale < 1, so the fractional part is below 1 << shift. */
	part = ((unsigned __int128)frac << shift) + scale - 1;
	bytes += (uint64_t)(part / scale);
	if (bytes > MEMRESV_SIZE_MAX)
		return -ERANGE;
	*out = bytes;
	return 0;
}

/**
 * parse_u32() - parse a decimal number within a range
 * @s: the text: decimal digits only
 * @min: smallest value accepted
 * @max: largest value accepted
 * @out: the value
 *
 * Return: 0, -EINVAL for text that is not a number, -ERANGE outside the
 * range.
 */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -ERANGE;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

/**
 * parse_name() - parse one of the names of an enumeration
 * @set: enum name_set
 * @s: the text, e.g. "restart"
 * @out: the value
 *
 * Return: 0 or -EINVAL.
 */
int parse_name(int set, const char *s, uint8_t *out)
{
	int v = value_of((enum name_set)set, s);

	if (v < 0)
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

/* Undo the octal escapes (\040 for a space) of /proc/self/mountinfo. */
static void mountinfo_unescape(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

/**
 * cgroup_mount_find() - find where cgroup2 is mounted
 * @mountinfo: a file in the format of /proc/self/mountinfo
 * @buf: the mount point, without a trailing slash (or "/" itself)
 * @len: size of @buf
 *
 * The first cgroup2 mount listed wins, as in the kernel's own tools.
 *
 * Return: 0, -ENOENT if cgroup2 is not mounted, or another -errno.
 */
int cgroup_mount_find(const char *mountinfo, char *buf, size_t len)
{
	char line[4096 + 256];
	int ret = -ENOENT;
	FILE *f;

	f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char *field, *save = NULL, *mnt = NULL;
		int i;

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8))
			continue;
		*sep = '\0';
		/* id parent major:minor root mount-point ... */
		field = strtok_r(line, " ", &save);
		for (i = 1; field && i < 5; i++)
			field = strtok_r(NULL, " ", &save);
		mnt = field;
		if (!mnt)
			continue;
		mountinfo_unescape(mnt);
		if (strlen(mnt) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, mnt);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/*
 * Join the components of @in with single slashes into @out: empty and "."
 * components are dropped; ".." is refused rather than resolved, because the
 * reservation would land on a group the user did not name.
 */
static int path_components(const char *in, char *out, size_t len,
			   const char **why)
{
	const char *p = in;
	size_t n = 0;

	while (*p) {
		const char *end;
		size_t c;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, "/");
		c = (size_t)(end - p);
		if (c == 2 && p[0] == '.' && p[1] == '.') {
			*why = "'..' is not allowed in a cgroup path";
			return -EINVAL;
		}
		if (!(c == 1 && p[0] == '.')) {
			if (n + (n ? 1 : 0) + c + 1 > len) {
				*why = "cgroup path too long";
				return -EINVAL;
			}
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, c);
			n += c;
		}
		p = end;
	}
	out[n] = '\0';
	return 0;
}

/**
 * cgroup_normalize() - turn a user's cgroup argument into the kernel's name
 * @in: a path relative to the cgroup2 root ("vms/web1") or an absolute path
 *	under the cgroup2 mount ("/sys/fs/cgroup/vms/web1")
 * @mount: where cgroup2 is mounted; NULL if it is not (then only relative
 *	paths are accepted)
 * @out: the path relative to the cgroup2 root, components separated by one
 *	slash, no leading or trailing slash
 * @len: size of @out
 * @why: on error, why the path was refused
 *
 * Return: 0 or -EINVAL.
 */
int cgroup_normalize(const char *in, const char *mount, char *out, size_t len,
		     const char **why)
{
	char abs[CGROUP_PATH_MAX], mnt[CGROUP_PATH_MAX];
	size_t ml;

	if (!*in) {
		*why = "empty cgroup path";
		return -EINVAL;
	}
	if (*in != '/') {
		if (path_components(in, out, len, why))
			return -EINVAL;
		if (!*out) {
			*why = "empty cgroup path";
			return -EINVAL;
		}
		return 0;
	}
	if (!mount) {
		*why = "cgroup2 is not mounted";
		return -EINVAL;
	}
	if (path_components(in, abs, sizeof(abs), why) ||
	    path_components(mount, mnt, sizeof(mnt), why))
		return -EINVAL;
	ml = strlen(mnt);
	if (ml && (strncmp(abs, mnt, ml) || (abs[ml] && abs[ml] != '/'))) {
		*why = "not under the cgroup2 mount";
		return -EINVAL;
	}
	if (ml)
		ml += abs[ml] == '/';
	if (!abs[ml]) {
		*why = "the cgroup2 root cannot have a reservation";
		return -EINVAL;
	}
	if (strlen(abs + ml) + 1 > len) {
		*why = "cgroup path too long";
		return -EINVAL;
	}
	strcpy(out, abs + ml);
	return 0;
}

/**
 * cgroup_resolve() - cgroup_normalize() against this system's cgroup2 mount
 * @in: the user's argument
 * @out: the path relative to the cgroup2 root
 * @len: size of @out
 * @why: on error, why the path was refused
 *
 * Return: 0 or -EINVAL.
 */
int cgroup_resolve(const char *in, char *out, size_t len, const char **why)
{
	static char msg[PATH_MAX + 64];
	char mount[PATH_MAX];
	bool have = false;
	int ret;

	if (*in == '/')
		have = !cgroup_mount_find("/proc/self/mountinfo", mount,
					  sizeof(mount));
	ret = cgroup_normalize(in, have ? mount : NULL, out, len, why);
	if (ret && have && !strcmp(*why, "not under the cgroup2 mount")) {
		snprintf(msg, sizeof(msg), "%s %s", *why, mount);
		*why = msg;
	}
	return ret;
}

/**
 * cgroup_relative_check() - check a path is already in the kernel's form
 * @path: a path from a restore file
 * @why: on error, why it was refused
 *
 * Saved configurations hold paths exactly as the kernel reported them;
 * anything else was edited by hand and is refused rather than guessed at.
 *
 * Return: 0 or -EINVAL.
 */
int cgroup_relative_check(const char *path, const char **why)
{
	char norm[CGROUP_PATH_MAX];

	if (*path == '/') {
		*why = "cgroup path must be relative to the cgroup2 root";
		return -EINVAL;
	}
	if (cgroup_normalize(path, NULL, norm, sizeof(norm), why))
		return -EINVAL;
	if (strcmp(norm, path)) {
		*why = "cgroup path is not in normal form";
		return -EINVAL;
	}
	return 0;
}
