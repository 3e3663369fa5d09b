// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: protection through systemd.
 *
 * memory.min protects a group only as far as every ancestor's protection
 * reaches.  The module keeps, for each ancestor of a reserved group, the
 * sum of the guarantees below it (its need), and writes memory.min of the
 * ancestors nobody else owns.  A systemd unit's cgroup (a slice, a scope, a
 * service) has one writer, systemd, which writes memory.min from the
 * unit's MemoryMin= and writes it again whenever it re-applies the unit:
 * the module only announces the need (PROT_GET, "protection"
 * notifications), and this part asks systemd:
 *
 * - while a unit's need is above its own MemoryMin= (its original), the
 *   unit's MemoryMin= is the need, set as a runtime property
 *   (SetUnitProperties(runtime=true)): systemd writes memory.min, keeps the
 *   value across daemon-reload and set-property, and forgets it at reboot;
 * - when the need falls back to the original or below, MemoryMin= gets the
 *   original back.
 *
 * The module tells a unit's cgroup by its name (a unit's suffix, such as
 * .slice or .scope) or by the extended attribute systemd puts on some,
 * trusted.invocation_id.  A unit's cgroup named otherwise and left unmarked
 * would be taken for one nobody owns, its memory.min written by the module
 * and overwritten by systemd at the next daemon-reload.
 * So every ancestor the module lists is checked here, once per cgroup:
 * one that systemd calls a unit's cgroup gets its MemoryMin= raised
 * through systemd too, whoever the module thinks owns it.
 *
 * The originals are remembered in the state file, so that a restarted
 * agent gives back what the unit had, not what the agent set.  A unit's
 * MemoryMin= changed by someone else while raised (systemctl set-property)
 * becomes its original from then on.  memory.min of a raised unit is
 * looked at every second: a value systemd no longer holds is set again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <systemd/sd-bus.h>

#include "agent.h"
#include "format.h"
#include "ipc.h"

#define SD_UNIT_PREFIX	"/org/freedesktop/systemd1/unit"
#define PAGE		4096ULL

/**
 * struct raised - a unit whose MemoryMin= the agent raised
 * @unit: the unit's name
 * @cgroup: its cgroup, relative to the cgroup2 root
 * @original: its MemoryMin= before, and after
 * @applied: what the agent set
 * @need: the guarantees below it, as the module last said
 * @stale: ticks for which memory.min has not shown @applied
 */
struct raised {
	char *unit;
	char *cgroup;
	uint64_t original;
	uint64_t applied;
	uint64_t need;
	int stale;
};

static struct raised *raised;
static size_t nraised;

/**
 * struct known - what systemd said a cgroup is
 * @id: the cgroup's id
 * @unit: the unit whose own cgroup it is, or NULL when it is no unit's
 * @seen: listed by the module at the last look
 */
struct known {
	uint64_t id;
	char *unit;
	bool seen;
};

static struct known *known;
static size_t nknown;

static struct raised *raised_find(const char *cgroup)
{
	size_t i;

	for (i = 0; i < nraised; i++)
		if (!strcmp(raised[i].cgroup, cgroup))
			return &raised[i];
	return NULL;
}

static struct raised *raised_add(const char *unit, const char *cgroup)
{
	struct raised *v = realloc(raised, (nraised + 1) * sizeof(*v));
	struct raised *r;

	if (!v)
		return NULL;
	raised = v;
	r = &raised[nraised];
	memset(r, 0, sizeof(*r));
	r->unit = strdup(unit);
	r->cgroup = strdup(cgroup);
	if (!r->unit || !r->cgroup) {
		free(r->unit);
		free(r->cgroup);
		return NULL;
	}
	nraised++;
	return r;
}

static void raised_drop(struct agent *a, struct raised *r)
{
	free(r->unit);
	free(r->cgroup);
	*r = raised[--nraised];
	a->state_dirty = true;
}

static const char *size_str(uint64_t v, char *buf, size_t len)
{
	if (v == UINT64_MAX)
		return "infinity";
	return format_size(v, buf, len);
}

/* The D-Bus interface that carries a unit's cgroup settings. */
static const char *unit_iface(const char *unit)
{
	static const char *const types[][2] = {
		{ ".slice", "org.freedesktop.systemd1.Slice" },
		{ ".scope", "org.freedesktop.systemd1.Scope" },
		{ ".service", "org.freedesktop.systemd1.Service" },
		{ ".socket", "org.freedesktop.systemd1.Socket" },
		{ ".mount", "org.freedesktop.systemd1.Mount" },
		{ ".swap", "org.freedesktop.systemd1.Swap" },
	};
	const char *dot = strrchr(unit, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return NULL;
}

static int unit_property_u64(struct agent *a, const char *unit,
			     const char *name, uint64_t *val)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	const char *iface = unit_iface(unit);
	char *path = NULL;
	int r;

	if (!iface)
		return -EOPNOTSUPP;
	r = sd_bus_path_encode(SD_UNIT_PREFIX, unit, &path);
	if (r < 0)
		return r;
	r = sd_bus_get_property_trivial(a->bus, SD_DEST, path, iface, name,
					&error, 't', val);
	if (r < 0)
		log_warning("%s: cannot read %s: %s", unit, name,
			    error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	free(path);
	return r < 0 ? r : 0;
}

static int unit_property_str(struct agent *a, const char *path,
			     const char *iface, const char *name, char **val);

/* Is @unit loaded and active (or on its way there)? */
static bool unit_active(struct agent *a, const char *unit)
{
	char *path = NULL, *state = NULL;
	bool active;

	if (sd_bus_path_encode(SD_UNIT_PREFIX, unit, &path) < 0)
		return false;
	active = !unit_property_str(a, path, SD_UNIT_IFACE,
				    "ActiveState", &state) &&
		 (!strcmp(state, "active") || !strcmp(state, "reloading") ||
		  !strcmp(state, "activating"));
	free(state);
	free(path);
	return active;
}

static int unit_property_str(struct agent *a, const char *path,
			     const char *iface, const char *name, char **val)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_get_property_string(a->bus, SD_DEST, path, iface, name,
				       &error, val);
	sd_bus_error_free(&error);
	return r < 0 ? r : 0;
}

/*
 * The unit whose cgroup @cgroup is.  systemd answers GetUnitByControlGroup
 * with the closest unit above a group that is none's own, so the answer is
 * checked against the unit's ControlGroup.
 */
static int unit_of_cgroup(struct agent *a, const char *cgroup, char **unit,
			  bool quiet)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	char *id = NULL, *cg = NULL, *want = NULL;
	const char *path, *iface;
	int r;

	if (asprintf(&want, "/%s", cgroup) < 0)
		return -ENOMEM;
	r = sd_bus_call_method(a->bus, SD_DEST, SD_PATH, SD_MANAGER,
			       "GetUnitByControlGroup", &error, &reply, "s",
			       want);
	if (r < 0) {
		if (!quiet)
			log_warning("/%s: systemd knows no unit of it: %s",
				    cgroup, error.message ? error.message :
				    strerror(-r));
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		r = unit_property_str(a, path, SD_UNIT_IFACE,
				      "Id", &id);
	iface = id ? unit_iface(id) : NULL;
	if (r >= 0 && iface)
		r = unit_property_str(a, path, iface, "ControlGroup", &cg);
	if (r < 0 || !iface || !cg || strcmp(cg, want)) {
		if (!quiet)
			log_warning("/%s: not the cgroup of a unit systemd can give a MemoryMin= (%s)",
				    cgroup, id ? id : "no unit");
		r = -ENOENT;
		goto out;
	}
	*unit = id;
	id = NULL;
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	free(id);
	free(cg);
	free(want);
	return r;
}

/*
 * The unit whose own cgroup @cgroup (id @id) is, or NULL: systemd is asked
 * once per cgroup.  @owner is what the module thinks.
 */
static const char *unit_known(struct agent *a, const char *cgroup,
			      uint64_t id, uint8_t owner)
{
	struct known *k, *v;
	char *unit = NULL;
	size_t i;
	int err;

	for (i = 0; i < nknown; i++)
		if (known[i].id == id) {
			known[i].seen = true;
			return known[i].unit;
		}
	err = unit_of_cgroup(a, cgroup, &unit, owner != MEMRESV_OWNER_SYSTEMD);
	/* No answer (the bus, systemd busy): asked again next time. */
	if (err && (err != -ENOENT || owner == MEMRESV_OWNER_SYSTEMD))
		return NULL;
	v = realloc(known, (nknown + 1) * sizeof(*v));
	if (!v) {
		free(unit);
		return NULL;
	}
	known = v;
	k = &known[nknown++];
	k->id = id;
	k->unit = unit;
	k->seen = true;
	if (unit && owner != MEMRESV_OWNER_SYSTEMD)
		log_notice("/%s: the cgroup of %s, which systemd left unmarked (no trusted.invocation_id): its MemoryMin= follows the need too",
			   cgroup, unit);
	return unit;
}

/* Forget the cgroups the module no longer lists. */
static void known_prune(void)
{
	size_t i;

	for (i = nknown; i-- > 0;) {
		if (known[i].seen) {
			known[i].seen = false;
			continue;
		}
		free(known[i].unit);
		known[i] = known[--nknown];
	}
}

/* MemoryMin= of @unit from now on, as a runtime property. */
static int unit_set_min(struct agent *a, const char *unit, uint64_t val)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_call_method(a->bus, SD_DEST, SD_PATH, SD_MANAGER,
			       "SetUnitProperties", &error, NULL, "sba(sv)",
			       unit, 1, 1, "MemoryMin", "t", val);
	if (r < 0 && !sd_bus_error_has_name(&error,
				"org.freedesktop.systemd1.NoSuchUnit"))
		log_warning("%s: cannot set MemoryMin=%" PRIu64 ": %s", unit,
			    val, error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	return r < 0 ? r : 0;
}

/* A unit not raised yet whose need may be above its own MemoryMin=. */
static void raise_new(struct agent *a, const char *unit, const char *cgroup,
		      uint64_t need)
{
	char s1[SIZE_STR_LEN], s2[SIZE_STR_LEN];
	uint64_t original;
	struct raised *r;

	if (unit_property_u64(a, unit, "MemoryMin", &original))
		return;
	if (need <= original) {
		log_debug("%s: MemoryMin=%s covers the %s below it", unit,
			  size_str(original, s1, sizeof(s1)),
			  size_str(need, s2, sizeof(s2)));
		return;
	}
	r = raised_add(unit, cgroup);
	if (!r) {
		log_err("%s: out of memory", unit);
		return;
	}
	r->original = original;
	r->applied = original;
	r->need = need;
	/* Remembered before it is set: a crash in between loses nothing. */
	a->state_dirty = true;
	if (unit_set_min(a, unit, need))
		return;
	r->applied = need;
	log_info("%s: MemoryMin=%s to cover the guarantees below it (its own: %s)",
		 unit, size_str(need, s1, sizeof(s1)),
		 size_str(original, s2, sizeof(s2)));
}

/*
 * @r's MemoryMin= as systemd holds it now: a value the agent did not set
 * is the unit's own from now on.  Return: 1 when it was changed so, 0
 * when it is what the agent set, or a negative errno when the unit cannot
 * be read (gone, most likely).
 */
static int raised_refresh(struct agent *a, struct raised *r)
{
	char s1[SIZE_STR_LEN], s2[SIZE_STR_LEN];
	uint64_t now;
	int err;

	/* A unit on its way out (a scope stopped) has lost its settings. */
	if (!unit_active(a, r->unit))
		return -ENOENT;
	err = unit_property_u64(a, r->unit, "MemoryMin", &now);
	if (err || now == r->applied)
		return err;
	log_notice("%s: MemoryMin= changed to %s by someone else; the unit's own from now on (was %s)",
		   r->unit, size_str(now, s1, sizeof(s1)),
		   size_str(r->original, s2, sizeof(s2)));
	r->original = now;
	r->applied = now;
	a->state_dirty = true;
	return 1;
}

/* MemoryMin= of a raised unit for its need now, or the original back. */
static void raised_update(struct agent *a, struct raised *r)
{
	char s1[SIZE_STR_LEN], s2[SIZE_STR_LEN];
	uint64_t want;

	if (raised_refresh(a, r)) {
		if (!r->need) {
			log_debug("%s: gone; nothing to give back", r->unit);
			raised_drop(a, r);
		}
		return;
	}
	want = r->need > r->original ? r->need : r->original;
	if (want != r->applied) {
		if (unit_set_min(a, r->unit, want))
			return;
		if (want == r->original)
			log_info("%s: MemoryMin=%s again, its own (the guarantees below it need %s)",
				 r->unit, size_str(want, s1, sizeof(s1)),
				 size_str(r->need, s2, sizeof(s2)));
		else
			log_info("%s: MemoryMin=%s to cover the guarantees below it",
				 r->unit, size_str(want, s1, sizeof(s1)));
		r->applied = want;
		a->state_dirty = true;
	}
	if (r->applied == r->original)
		raised_drop(a, r);
}

static void prot_need(struct agent *a, const struct prot_info *p)
{
	struct raised *r;
	const char *unit;

	if (!a->bus)
		return;
	r = raised_find(p->cgroup);
	if (!r) {
		if (!p->need)
			return;
		unit = unit_known(a, p->cgroup, p->id, p->owner);
		if (unit)
			raise_new(a, unit, p->cgroup, p->need);
		return;
	}
	if (r->need != p->need)
		a->state_dirty = true;
	r->need = p->need;
	raised_update(a, r);
}

static void systemd_sync(struct agent *a)
{
	struct prot_info *list = NULL;
	size_t n = 0, i, j;
	int err;

	if (!a->bus)
		return;
	if (a->module) {
		err = ipc_prot_list(&list, &n);
		if (err) {
			log_warning("cannot list the protected ancestors: %s",
				    ipc_strerror(err));
			return;
		}
	}
	/*
	 * Units raised for a need that is gone get their own value back.
	 * Downwards: raised_update() may move the last entry into this one.
	 */
	for (i = nraised; i-- > 0;) {
		for (j = 0; j < n; j++)
			if (!strcmp(list[j].cgroup, raised[i].cgroup))
				break;
		if (j == n) {
			raised[i].need = 0;
			raised_update(a, &raised[i]);
		}
	}
	for (i = 0; i < n; i++)
		prot_need(a, &list[i]);
	if (a->module)
		known_prune();
	free(list);
}

static void systemd_event(struct agent *a, const struct event_info *ev)
{
	struct prot_info p = {
		.id = ev->resv.id,
		.need = ev->detail.prot_need,
		.owner = ev->detail.prot_owner,
	};

	if (ev->event != MEMRESV_EVENT_PROTECTION ||
	    !HAS(&ev->resv, RESV_CGROUP))
		return;
	snprintf(p.cgroup, sizeof(p.cgroup), "%s", ev->resv.cgroup);
	prot_need(a, &p);
}

/*
 * Does memory.min of each raised unit show what the agent set?  systemd
 * writes it a moment after SetUnitProperties returns, so a difference is
 * looked into only when it lasts: a MemoryMin= someone else set is taken
 * as the unit's own, a file written behind systemd's back is set again
 * through systemd.
 */
static void systemd_tick(struct agent *a)
{
	uint64_t min;
	size_t i;
	int err;

	if (!a->bus)
		return;
	/*
	 * The module announces the needs of the ancestors it takes for
	 * systemd's, not of those it writes itself: the list is read again.
	 */
	systemd_sync(a);
	/* Downwards: raised_update() may move the last entry into this one. */
	for (i = nraised; i-- > 0;) {
		struct raised *r = &raised[i];

		if (agent_cgroup_read_u64(r->cgroup, "memory.min", &min))
			continue;
		if (min == (r->applied == UINT64_MAX ? UINT64_MAX :
			    r->applied & ~(PAGE - 1))) {
			r->stale = 0;
			continue;
		}
		if (++r->stale < 2)
			continue;
		r->stale = 0;
		err = raised_refresh(a, r);
		if (err > 0)
			raised_update(a, r);
		if (err)
			continue;
		log_notice("%s: memory.min holds %" PRIu64 ", not MemoryMin=%" PRIu64 ": asking systemd to write it again",
			   r->unit, min, r->applied);
		unit_set_min(a, r->unit, r->applied);
	}
}

/* "unit ORIGINAL APPLIED NEED UNIT-NAME CGROUP" */
static void systemd_load(struct agent *a, const char *rest)
{
	uint64_t original, applied, need;
	char unit[256];
	struct raised *r;
	int off = 0;

	if (sscanf(rest, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %255s %n",
		   &original, &applied, &need, unit, &off) != 4 || !off ||
	    !rest[off])
		return;
	r = raised_add(unit, rest + off);
	if (!r)
		return;
	r->original = original;
	r->applied = applied;
	r->need = need;
}

static void systemd_save(struct agent *a, FILE *f)
{
	size_t i;

	for (i = 0; i < nraised; i++)
		fprintf(f, "unit %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %s\n",
			raised[i].original, raised[i].applied, raised[i].need,
			raised[i].unit, raised[i].cgroup);
}

/*
 * Raised units stay raised: the guarantees below them still hold when the
 * agent stops, and a restarted agent gives the originals back when they
 * no longer do.
 */
static void systemd_exit(struct agent *a)
{
	size_t i;

	for (i = 0; i < nraised; i++) {
		free(raised[i].unit);
		free(raised[i].cgroup);
	}
	free(raised);
	raised = NULL;
	nraised = 0;
	for (i = 0; i < nknown; i++)
		free(known[i].unit);
	free(known);
	known = NULL;
	nknown = 0;
}

const struct agent_part systemd_part = {
	.name = "systemd",
	.key = "unit",
	.load = systemd_load,
	.save = systemd_save,
	.sync = systemd_sync,
	.event = systemd_event,
	.tick = systemd_tick,
	.exit = systemd_exit,
};
