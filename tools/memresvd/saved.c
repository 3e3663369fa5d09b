// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: the saved configuration, kept current.
 *
 * memresv.service restores AGENT_SAVED_FILE at boot (memresv restore
 * --skip-missing); this part keeps it what `memresv save` would print,
 * rewritten (atomically) whenever that changes: a reservation added,
 * deleted or changed, the host settings changed.  The module announces
 * additions, removals and host changes; a `memresv set` that leaves the
 * status alone is announced by nothing, so the settings are also compared
 * with the module's once a second.
 *
 * Two things make the file more than a copy of the module's state:
 *
 * - A reservation that left the ledger because its group went (the unit
 *   stopped: the host is shutting down, a container restarts) or because
 *   the module was unloaded stays in the file.  Only `memresv del` takes
 *   it out.  Otherwise every shutdown would empty the file.
 * - A reservation in the file whose group has none (most groups on a
 *   systemd host are made by their units after boot, when memresv.service
 *   has run) is added when its group appears: a group whose cgroup id is
 *   not the one that last had the reservation in this boot (a group that
 *   merely had its reservation deleted keeps its id), tried once per
 *   group.
 *
 * - A module that joins with no reservation and no hold gets the file's
 *   host settings back if its own differ (a restore at boot that failed
 *   leaves the defaults, which would otherwise replace the file's).
 *
 * The file is all the agent needs; the cgroup ids are in the agent's
 * state file (this boot's only).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "ipc.h"
#include "json.h"

/**
 * struct saved - one reservation of the file
 * @r: its cgroup and settings
 * @live_id: the id of the group that had it last in this boot, or 0
 * @tried_id: the id of the group the agent last added it to, or 0
 * @live: the module has it now
 */
struct saved {
	struct resv_info r;
	uint64_t live_id;
	uint64_t tried_id;
	bool live;
};

static struct host_info saved_host;
static struct saved *saved;
static size_t nsaved;
/* The file as last read or written. */
static char *written;
/* The file could not be read: it is left alone. */
static bool disabled;

/* Cgroup ids from the state file, until the file's reservations are read. */
static struct saved *loaded;
static size_t nloaded;

static struct saved *saved_find(const char *cgroup)
{
	size_t i;

	for (i = 0; i < nsaved; i++)
		if (!strcmp(saved[i].r.cgroup, cgroup))
			return &saved[i];
	return NULL;
}

/* The entry of @r's cgroup, made if there is none; NULL without memory. */
static struct saved *saved_get(const struct resv_info *r)
{
	struct saved *s = saved_find(r->cgroup), *v;

	if (s)
		return s;
	v = realloc(saved, (nsaved + 1) * sizeof(*v));
	if (!v) {
		log_err("out of memory");
		return NULL;
	}
	saved = v;
	s = &saved[nsaved++];
	memset(s, 0, sizeof(*s));
	snprintf(s->r.cgroup, sizeof(s->r.cgroup), "%s", r->cgroup);
	return s;
}

static void saved_drop(struct saved *s)
{
	*s = saved[--nsaved];
}

/* The module has @r now: its settings are what the file says. */
static void saved_live(struct agent *a, const struct resv_info *r)
{
	struct saved *s;
	uint32_t keep = RESV_SETTINGS | (1u << RESV_CGROUP);

	if (!HAS(r, RESV_CGROUP))
		return;
	s = saved_get(r);
	if (!s)
		return;
	memcpy(&s->r, r, sizeof(*r));
	s->r.set &= keep;
	s->live = true;
	if (HAS(r, RESV_ID) && s->live_id != r->id) {
		s->live_id = r->id;
		a->state_dirty = true;
	}
}

static bool nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > lb)
		return !strncmp(a, b, lb) && a[lb] == '/';
	return !strncmp(b, a, la) && b[la] == '/';
}

static int by_cgroup(const void *x, const void *y)
{
	return strcmp(((const struct saved *)x)->r.cgroup,
		      ((const struct saved *)y)->r.cgroup);
}

/*
 * A reservation kept for a group that is gone cannot stay beside one the
 * module holds above or below it (the module refuses nested ones, and so
 * would a restore of the file): the one in force wins.
 */
static void drop_nested(void)
{
	size_t i, j;

	for (i = nsaved; i-- > 0;) {
		if (saved[i].live)
			continue;
		for (j = 0; j < nsaved; j++)
			if (saved[j].live &&
			    nested(saved[i].r.cgroup, saved[j].r.cgroup))
				break;
		if (j == nsaved)
			continue;
		log_notice("/%s: its saved reservation is dropped: /%s has one now",
			   saved[i].r.cgroup, saved[j].r.cgroup);
		saved_drop(&saved[i]);
	}
}

/* The file, when what it should say is not what it says. */
static void saved_write(struct agent *a)
{
	struct resv_config cfg = { .host = saved_host };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;
	int err;

	if (disabled)
		return;
	drop_nested();
	qsort(saved, nsaved, sizeof(*saved), by_cgroup);
	cfg.nresvs = nsaved;
	cfg.resvs = calloc(nsaved + 1, sizeof(*cfg.resvs));
	f = cfg.resvs ? open_memstream(&text, &len) : NULL;
	if (!f) {
		free(cfg.resvs);
		log_err("cannot write %s: out of memory", AGENT_SAVED_FILE);
		return;
	}
	for (i = 0; i < nsaved; i++)
		cfg.resvs[i] = saved[i].r;
	err = json_print(config_to_json(&cfg), f, true);
	free(cfg.resvs);
	if (fclose(f) || err) {
		free(text);
		log_err("cannot write %s: out of memory", AGENT_SAVED_FILE);
		return;
	}
	if (written && !strcmp(text, written)) {
		free(text);
		return;
	}
	err = agent_write_file(a, AGENT_SAVED_FILE, text, len);
	if (err) {
		log_err("cannot write %s/%s: %s", a->state_dir,
			AGENT_SAVED_FILE, strerror(-err));
		free(text);
		return;
	}
	log_info("saved %zu reservation%s to %s/%s", nsaved,
		 nsaved == 1 ? "" : "s", a->state_dir, AGENT_SAVED_FILE);
	free(written);
	written = text;
}

/* The module's settings, host and reservations, over the file's. */
static int saved_read_module(struct agent *a)
{
	struct resv_info *list = NULL;
	struct host_info host;
	size_t n = 0, i;
	int err;

	err = ipc_host_get(&host);
	if (!err)
		err = ipc_resv_list(&list, &n);
	if (err) {
		log_warning("cannot read the module's settings: %s",
			    ipc_strerror(err));
		return err;
	}
	saved_host = host;
	saved_host.set &= HOST_SETTINGS;
	for (i = 0; i < nsaved; i++)
		saved[i].live = false;
	for (i = 0; i < n; i++)
		saved_live(a, &list[i]);
	free(list);
	return 0;
}

/* Groups that appeared for reservations of the file. */
static void saved_apply(struct agent *a)
{
	struct resv_info out;
	uint64_t id;
	size_t i;
	int err;

	for (i = 0; i < nsaved; i++) {
		struct saved *s = &saved[i];

		if (s->live)
			continue;
		id = agent_cgroup_id(s->r.cgroup);
		if (!id || id == s->live_id || id == s->tried_id)
			continue;
		s->tried_id = id;
		a->state_dirty = true;
		err = ipc_resv_new(&s->r, false, &out);
		if (err) {
			log_warning("/%s: cannot add its saved reservation: %s",
				    s->r.cgroup, ipc_strerror(err));
			continue;
		}
		log_info("/%s: its group appeared: the saved reservation is in force",
			 s->r.cgroup);
		saved_live(a, &out);
	}
}

static int saved_init(struct agent *a)
{
	struct resv_config cfg;
	char err[JSON_ERR_LEN];
	struct saved *s;
	size_t len, i;
	char *text;
	int ret;

	ret = agent_read_file(a, AGENT_SAVED_FILE, &text, &len);
	if (ret == -ENOENT)
		goto ids;
	if (ret) {
		log_err("cannot read %s/%s: %s; it is left alone",
			a->state_dir, AGENT_SAVED_FILE, strerror(-ret));
		disabled = true;
		goto ids;
	}
	ret = config_from_text(text, len, &cfg, err, sizeof(err));
	if (ret) {
		log_err("%s/%s: %s; it is left alone until it is fixed and memresvd restarted",
			a->state_dir, AGENT_SAVED_FILE, err);
		disabled = true;
		free(text);
		goto ids;
	}
	written = text;
	saved_host = cfg.host;
	saved_host.set &= HOST_SETTINGS;
	for (i = 0; i < cfg.nresvs; i++) {
		s = saved_get(&cfg.resvs[i]);
		if (s)
			s->r = cfg.resvs[i];
	}
	config_free(&cfg);
ids:
	for (i = 0; i < nloaded; i++) {
		s = saved_find(loaded[i].r.cgroup);
		if (s) {
			s->live_id = loaded[i].live_id;
			s->tried_id = loaded[i].tried_id;
		}
	}
	free(loaded);
	loaded = NULL;
	nloaded = 0;
	return 0;
}

/*
 * A module just joined with nothing in it (freshly loaded, or a boot whose
 * restore failed: restore is all or nothing) has its default host
 * settings; the file's are put back rather than overwritten by those.
 */
static void saved_host_back(void)
{
	struct host_info host, out;
	int err;

	if (disabled || !written || !saved_host.set || ipc_host_get(&host) ||
	    host.reservations || host.holds)
		return;
	if (host.reserve == saved_host.reserve &&
	    host.paging_limit == saved_host.paging_limit &&
	    host.period_ms == saved_host.period_ms &&
	    host.paging_max == saved_host.paging_max)
		return;
	err = ipc_host_set(&saved_host, &out);
	if (err)
		log_warning("cannot put back the saved host settings: %s",
			    ipc_strerror(err));
	else
		log_info("the module had no reservations: the saved host settings are back");
}

static void saved_sync(struct agent *a)
{
	static bool joined;
	size_t i;

	if (!a->module) {
		for (i = 0; i < nsaved; i++)
			saved[i].live = false;
		joined = false;
		return;
	}
	if (!joined)
		saved_host_back();
	joined = true;
	if (saved_read_module(a))
		return;
	saved_apply(a);
	saved_write(a);
}

static void saved_event(struct agent *a, const struct event_info *ev)
{
	struct saved *s;

	switch (ev->event) {
	case MEMRESV_EVENT_ADDED:
	case MEMRESV_EVENT_CHANGED:
		saved_live(a, &ev->resv);
		break;
	case MEMRESV_EVENT_REMOVED:
		s = saved_find(ev->resv.cgroup);
		if (!s)
			return;
		if (ev->reason == MEMRESV_REASON_DELETED) {
			saved_drop(s);
			a->state_dirty = true;
			break;
		}
		s->live = false;
		/* Back in force when the module is back. */
		if (ev->reason == MEMRESV_REASON_UNLOAD) {
			s->live_id = 0;
			s->tried_id = 0;
			a->state_dirty = true;
		}
		break;
	case MEMRESV_EVENT_HOST_CHANGED:
		if (!ev->has_host)
			return;
		saved_host = ev->host;
		saved_host.set &= HOST_SETTINGS;
		break;
	default:
		return;
	}
	saved_write(a);
}

static void saved_tick(struct agent *a)
{
	if (saved_read_module(a))
		return;
	saved_apply(a);
	saved_write(a);
}

/* "seen LIVE-ID TRIED-ID CGROUP" */
static void saved_load(struct agent *a, const char *rest)
{
	uint64_t live_id, tried_id;
	struct saved *v;
	int off = 0;

	if (sscanf(rest, "%" SCNu64 " %" SCNu64 " %n", &live_id, &tried_id,
		   &off) != 2 || !off || !rest[off])
		return;
	v = realloc(loaded, (nloaded + 1) * sizeof(*v));
	if (!v)
		return;
	loaded = v;
	memset(&loaded[nloaded], 0, sizeof(*loaded));
	snprintf(loaded[nloaded].r.cgroup, sizeof(loaded[nloaded].r.cgroup),
		 "%s", rest + off);
	loaded[nloaded].live_id = live_id;
	loaded[nloaded].tried_id = tried_id;
	nloaded++;
}

static void saved_save(struct agent *a, FILE *f)
{
	size_t i;

	for (i = 0; i < nsaved; i++)
		if (saved[i].live_id || saved[i].tried_id)
			fprintf(f, "seen %" PRIu64 " %" PRIu64 " %s\n",
				saved[i].live_id, saved[i].tried_id,
				saved[i].r.cgroup);
}

static void saved_exit(struct agent *a)
{
	free(saved);
	saved = NULL;
	nsaved = 0;
	free(written);
	written = NULL;
	free(loaded);
	loaded = NULL;
}

const struct agent_part saved_part = {
	.name = "saved configuration",
	.key = "seen",
	.load = saved_load,
	.save = saved_save,
	.init = saved_init,
	.sync = saved_sync,
	.event = saved_event,
	.tick = saved_tick,
	.exit = saved_exit,
};
