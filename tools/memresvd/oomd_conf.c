// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: systemd-oomd's SwapUsedLimit=, read the way systemd-oomd reads
 * it (oomd.conf(5), systemd 252), and the swap tier that stays under it.
 *
 * The files: /etc/systemd/oomd.conf first, then the drop-ins, every
 * "*.conf" in /etc/systemd/oomd.conf.d, /run/systemd/oomd.conf.d,
 * /usr/local/lib/systemd/oomd.conf.d and /usr/lib/systemd/oomd.conf.d (and
 * /lib/systemd/oomd.conf.d, where /usr is split), taken together and
 * sorted by file name whatever their directory; a name in an earlier
 * directory hides the same name in the later ones (so /etc masks /usr),
 * and an empty file or a link to /dev/null hides it and says nothing.
 * Files starting with a dot are not read.  The last SwapUsedLimit= in the
 * [OOM] section wins; a value that does not parse is ignored (systemd-oomd
 * logs it and keeps what it had).  Nothing set: 90%.
 *
 * The value: "N%" with up to two decimals (50%, 50.5%, 50.25%), "N‰" with
 * up to one (505‰, 505.5‰), "N‱" whole (5050‱); at most 100%.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "oomd_conf.h"

#define MiB		(1ULL << 20)
#define PERMILLE	"\xe2\x80\xb0"	/* ‰ */
#define PERMYRIAD	"\xe2\x80\xb1"	/* ‱ */

/* A whole non-negative decimal number, all of [@s, @end). */
static int parse_whole(const char *s, const char *end, int *v)
{
	long n = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		n = n * 10 + (*s - '0');
		if (n > INT_MAX / 100)
			return -ERANGE;
	}
	*v = (int)n;
	return 0;
}

/* [@s, @end) with at most @places digits after a dot, times 10^@places. */
static int parse_places(const char *s, const char *end, int places)
{
	const char *dot = memchr(s, '.', (size_t)(end - s));
	int v, q = 0, i, err;

	err = parse_whole(s, dot ? dot : end, &v);
	if (err)
		return err;
	if (dot) {
		if (end - dot - 1 < 1 || end - dot - 1 > places)
			return -EINVAL;
		for (i = 1; i <= places; i++) {
			q *= 10;
			if (dot + i < end) {
				if (dot[i] < '0' || dot[i] > '9')
					return -EINVAL;
				q += dot[i] - '0';
			}
		}
	}
	for (i = 0; i < places; i++)
		v *= 10;
	return v + q;
}

static const char *suffix(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && !strcmp(s + n - m, sfx) ? s + n - m : NULL;
}

/**
 * oomd_parse_permyriad() - a SwapUsedLimit= value
 * @s: the value, without surrounding blanks
 *
 * Return: parts per 10000 (0..10000), -EINVAL when it does not parse,
 * -ERANGE above 100%.
 */
int oomd_parse_permyriad(const char *s)
{
	const char *end;
	int v;

	end = suffix(s, PERMYRIAD);
	if (end) {
		int err = parse_whole(s, end, &v);

		if (err)
			return err;
	} else if ((end = suffix(s, PERMILLE))) {
		v = parse_places(s, end, 1);
	} else if ((end = suffix(s, "%"))) {
		v = parse_places(s, end, 2);
	} else {
		return -EINVAL;
	}
	if (v < 0)
		return v;
	return v > 10000 ? -ERANGE : v;
}

static char *strip(char *s)
{
	char *e;

	s += strspn(s, " \t\r\n");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

/*
 * One line (continuations joined): a section header or an assignment.
 * Return: 1 when it set *@permyriad, 0 otherwise.
 */
static int conf_line(char *l, bool *in_oom, int *permyriad)
{
	char *eq, *key, *val;
	int v;

	if (l[0] == '[') {
		*in_oom = !strcmp(l, "[OOM]");
		return 0;
	}
	eq = strchr(l, '=');
	if (!*in_oom || !eq)
		return 0;
	*eq = '\0';
	key = strip(l);
	val = strip(eq + 1);
	if (strcmp(key, "SwapUsedLimit"))
		return 0;
	v = oomd_parse_permyriad(val);
	if (v < 0)
		return 0;
	*permyriad = v;
	return 1;
}

/**
 * oomd_conf_text() - SwapUsedLimit= of one file
 * @text: the file's text (modified)
 * @permyriad: set when the file sets it; left alone otherwise
 *
 * Lines starting with '#' or ';' are comments; a line ending in '\' goes
 * on in the next.
 *
 * Return: 1 when the file set *@permyriad, 0 otherwise.
 */
int oomd_conf_text(char *text, int *permyriad)
{
	char *line, *next, *l, *buf = NULL, *nb;
	size_t blen = 0, len;
	bool in_oom = false;
	int set = 0;

	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		l = strip(line);
		if (*l == '#' || *l == ';' || (!*l && !blen))
			continue;
		len = strlen(l);
		nb = realloc(buf, blen + len + 1);
		if (!nb)
			break;
		buf = nb;
		memcpy(buf + blen, l, len + 1);
		blen += len;
		if (blen && buf[blen - 1] == '\\') {
			buf[blen - 1] = ' ';
			if (next && *next)
				continue;
		}
		set |= conf_line(strip(buf), &in_oom, permyriad);
		blen = 0;
	}
	free(buf);
	return set;
}

/* The file at @path, read into a string; NULL when it is not there. */
static char *read_text(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");
	ssize_t got;

	if (!f)
		return NULL;
	got = getdelim(&text, &len, '\0', f);
	fclose(f);
	if (got < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* One file's SwapUsedLimit=, named in @from when it sets it. */
static void conf_file(const char *path, int *permyriad, char *from,
		      size_t fromlen, size_t rootlen)
{
	char *text = read_text(path);

	if (text && oomd_conf_text(text, permyriad) && from)
		snprintf(from, fromlen, "%s", path + rootlen);
	free(text);
}

struct dropin {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
};

static int dropin_cmp(const void *x, const void *y)
{
	const struct dropin *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/* The drop-ins of @dir not hidden by a directory before it. */
static void dropins_add(const char *root, const char *dir,
			struct dropin **v, size_t *n)
{
	char path[PATH_MAX];
	struct dropin *nv;
	struct dirent *de;
	const char *dot;
	size_t i;
	DIR *d;

	if ((size_t)snprintf(path, sizeof(path), "%s%s", root, dir) >=
	    sizeof(path))
		return;
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		dot = strrchr(de->d_name, '.');
		if (de->d_name[0] == '.' || !dot || strcmp(dot, ".conf"))
			continue;
		for (i = 0; i < *n; i++)
			if (!strcmp((*v)[i].name, de->d_name))
				break;
		if (i < *n)
			continue;
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv)
			break;
		*v = nv;
		snprintf(nv[*n].name, sizeof(nv[*n].name), "%s", de->d_name);
		if ((size_t)snprintf(nv[*n].path, sizeof(nv[*n].path),
				     "%s/%s", path, de->d_name) >=
		    sizeof(nv[*n].path))
			continue;
		(*n)++;
	}
	closedir(d);
}

/**
 * oomd_swap_limit() - SwapUsedLimit= as systemd-oomd reads it
 * @root: prefix of every path ("" for the host; a directory for tests)
 * @from: set to the file that set it, or "the default"; may be NULL
 * @fromlen: size of @from
 *
 * Return: parts per 10000.
 */
int oomd_swap_limit(const char *root, char *from, size_t fromlen)
{
	static const char *const dirs[] = OOMD_DROPIN_DIRS;
	int permyriad = OOMD_SWAP_LIMIT_DEFAULT;
	size_t rootlen = strlen(root), n = 0, i;
	struct dropin *v = NULL;
	char path[PATH_MAX];
	struct stat st;

	if (from)
		snprintf(from, fromlen, "the default");
	if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
			     OOMD_CONF_FILE) < sizeof(path))
		conf_file(path, &permyriad, from, fromlen, rootlen);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		dropins_add(root, dirs[i], &v, &n);
	qsort(v, n, sizeof(*v), dropin_cmp);
	for (i = 0; i < n; i++) {
		/* Masked: empty, or a link to /dev/null; and not a file. */
		if (stat(v[i].path, &st) || !S_ISREG(st.st_mode) ||
		    !st.st_size)
			continue;
		conf_file(v[i].path, &permyriad, from, fromlen, rootlen);
	}
	free(v);
	return permyriad;
}

/**
 * oomd_tier_cap() - the largest swap tier under SwapUsedLimit=
 * @permyriad: SwapUsedLimit=, parts per 10000
 * @swap_total: SwapTotal of /proc/meminfo, bytes
 * @swap_free: SwapFree, bytes
 * @tier_swap: swap held now by the groups paging on the tier (their
 *	memory.swap.current), bytes
 * @paging_used: the tier's grants, bytes
 *
 * systemd-oomd acts once swap in use passes @permyriad of @swap_total.
 * The tier's groups may fill their grants, and everything else goes on
 * using what it uses: the tier gets what the limit leaves over the swap
 * of everyone else, which is the swap in use less what the tier's groups
 * hold of their grants.  (Counting the grants instead of what is held
 * would take swap the tier has granted but not used as someone else's
 * gap, and let tier and others together pass the limit when the grants
 * fill.)
 *
 * Return: bytes, rounded down to MiB.
 */
uint64_t oomd_tier_cap(int permyriad, uint64_t swap_total,
		       uint64_t swap_free, uint64_t tier_swap,
		       uint64_t paging_used)
{
	uint64_t used, mine, others, allowed;

	if (permyriad < 0)
		permyriad = 0;
	if (permyriad > 10000)
		permyriad = 10000;
	used = swap_total > swap_free ? swap_total - swap_free : 0;
	mine = tier_swap < paging_used ? tier_swap : paging_used;
	others = used > mine ? used - mine : 0;
	allowed = swap_total / 10000 * (uint64_t)permyriad +
		  swap_total % 10000 * (uint64_t)permyriad / 10000;
	if (allowed <= others)
		return 0;
	return (allowed - others) & ~(MiB - 1);
}

/**
 * oomd_tier_target() - the tier's size under a cap
 * @limit: the tier's size now (paging_limit), bytes
 * @cap: oomd_tier_cap()
 * @paging_used: granted now: the module refuses a smaller tier
 *
 * Lowers, never raises.
 *
 * Return: the size to set, @limit when it stays.
 */
uint64_t oomd_tier_target(uint64_t limit, uint64_t cap, uint64_t paging_used)
{
	uint64_t t = cap < paging_used ? paging_used : cap;

	return t < limit ? t : limit;
}
