// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: groups on the swap tier are not systemd-oomd's first victims.
 *
 * While a start rides on the swap tier (paging-start .. paging-end), its
 * group uses swap by design, and systemd-oomd, which kills the group that
 * uses the most swap once swap runs low (ManagedOOMSwap=kill), would pick
 * it first.  systemd-oomd ranks a candidate last when its cgroup carries
 * the extended attribute user.oomd_avoid ("1"; what ManagedOOMPreference=
 * avoid sets on a unit's cgroup), and honours it only on cgroups owned by
 * root (or by the owner of the monitored unit's cgroup).  Its candidates
 * are leaf groups (and groups with memory.oom.group set), and it reads the
 * attribute of the candidate itself, not of its ancestors: so the mark
 * goes on the paging group and on every group below it (a VM's libvirt
 * group has emulator and vcpu children), and new groups below it are
 * marked within a second.  At paging-end the marks this agent set go
 * again; a mark that was there before is left alone.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "agent.h"
#include "ipc.h"

#define AVOID_XATTR	"user.oomd_avoid"

struct path_set {
	char **v;
	size_t n;
};

/* Groups paging now, and the groups this agent marked. */
static struct path_set paging, marks;

static bool set_has(const struct path_set *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], path))
			return true;
	return false;
}

static int set_add(struct path_set *s, const char *path)
{
	char **v;

	if (set_has(s, path))
		return 0;
	v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n] = strdup(path);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

static void set_del_at(struct path_set *s, size_t i)
{
	free(s->v[i]);
	s->v[i] = s->v[--s->n];
}

static void set_del(struct path_set *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], path)) {
			set_del_at(s, i);
			return;
		}
}

static void set_free(struct path_set *s)
{
	while (s->n)
		set_del_at(s, s->n - 1);
	free(s->v);
	s->v = NULL;
}

/* Is @path @top or below it? */
static bool below(const char *path, const char *top)
{
	size_t len = strlen(top);

	return !strncmp(path, top, len) && (!path[len] || path[len] == '/');
}

/* Mark @cgroup if nobody did; then every group below it. */
static void mark_tree(struct agent *a, const char *cgroup, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	ssize_t got;
	DIR *dir;

	if (depth > 32 || agent_cgroup_path(cgroup, NULL, path, sizeof(path)))
		return;
	got = getxattr(path, AVOID_XATTR, NULL, 0);
	if (got < 0 && errno == ENODATA) {
		if (setxattr(path, AVOID_XATTR, "1", 1, XATTR_CREATE) == 0) {
			set_add(&marks, cgroup);
			a->state_dirty = true;
			log_debug("/%s: marked %s for systemd-oomd", cgroup,
				  AVOID_XATTR);
		} else if (errno != ENOENT && errno != EEXIST) {
			log_warning("/%s: cannot set %s: %s", cgroup,
				    AVOID_XATTR, strerror(errno));
		}
	}
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", cgroup,
				     de->d_name) >= sizeof(sub))
			continue;
		mark_tree(a, sub, depth + 1);
	}
	closedir(dir);
}

/* Take back the marks this agent set on @cgroup and below it. */
static void unmark_tree(struct agent *a, const char *cgroup)
{
	char path[PATH_MAX];
	size_t i;

	for (i = marks.n; i-- > 0;) {
		if (!below(marks.v[i], cgroup))
			continue;
		if (!agent_cgroup_path(marks.v[i], NULL, path, sizeof(path)) &&
		    removexattr(path, AVOID_XATTR) && errno != ENOENT &&
		    errno != ENODATA)
			log_warning("/%s: cannot remove %s: %s", marks.v[i],
				    AVOID_XATTR, strerror(errno));
		set_del_at(&marks, i);
		a->state_dirty = true;
	}
}

static void paging_start(struct agent *a, const char *cgroup)
{
	if (!set_has(&paging, cgroup)) {
		log_info("/%s: on the swap tier: marked for systemd-oomd to spare (%s)",
			 cgroup, AVOID_XATTR);
		if (set_add(&paging, cgroup))
			log_err("out of memory");
	}
	mark_tree(a, cgroup, 0);
}

static void paging_end(struct agent *a, const char *cgroup)
{
	if (set_has(&paging, cgroup))
		log_info("/%s: off the swap tier: %s taken back", cgroup,
			 AVOID_XATTR);
	set_del(&paging, cgroup);
	unmark_tree(a, cgroup);
}

static void oomd_event(struct agent *a, const struct event_info *ev)
{
	const char *cgroup = ev->resv.cgroup;

	if (!ev->has_resv || !HAS(&ev->resv, RESV_CGROUP))
		return;
	switch (ev->event) {
	case MEMRESV_EVENT_PAGING_START:
		paging_start(a, cgroup);
		break;
	case MEMRESV_EVENT_PAGING_END:
	case MEMRESV_EVENT_REMOVED:
		paging_end(a, cgroup);
		break;
	}
}

static void oomd_sync(struct agent *a)
{
	struct resv_info *list = NULL;
	size_t n = 0, i, j;
	int err;

	if (a->module) {
		err = ipc_resv_list(&list, &n);
		if (err) {
			log_warning("cannot list the reservations: %s",
				    ipc_strerror(err));
			return;
		}
	}
	set_free(&paging);
	for (i = 0; i < n; i++)
		if (HAS(&list[i], RESV_STATE) &&
		    list[i].state == MEMRESV_STATE_PAGING)
			paging_start(a, list[i].cgroup);
	/* Marks left by a start that ended while nobody looked. */
	for (i = marks.n; i-- > 0;) {
		char *top;

		for (j = 0; j < paging.n; j++)
			if (below(marks.v[i], paging.v[j]))
				break;
		if (j < paging.n)
			continue;
		/* unmark_tree() frees the entry, and maybe others. */
		top = strdup(marks.v[i]);
		if (top)
			unmark_tree(a, top);
		free(top);
		if (i > marks.n)
			i = marks.n;
	}
	free(list);
}

/* Groups made below a paging group since the last look. */
static void oomd_tick(struct agent *a)
{
	size_t i;

	for (i = 0; i < paging.n; i++)
		mark_tree(a, paging.v[i], 0);
}

static void oomd_load(struct agent *a, const char *rest)
{
	set_add(&marks, rest);
}

static void oomd_save(struct agent *a, FILE *f)
{
	size_t i;

	for (i = 0; i < marks.n; i++)
		fprintf(f, "avoid %s\n", marks.v[i]);
}

/* Marks stay while the start pages: a restarted agent takes them back. */
static void oomd_exit(struct agent *a)
{
	set_free(&paging);
	set_free(&marks);
}

const struct agent_part oomd_part = {
	.name = "oomd",
	.key = "avoid",
	.load = oomd_load,
	.save = oomd_save,
	.sync = oomd_sync,
	.event = oomd_event,
	.tick = oomd_tick,
	.exit = oomd_exit,
};
