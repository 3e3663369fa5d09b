// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: the field tables of the data model.
 *
 * One row per field: netlink (ipc.c), JSON (json.c), human output
 * (format.c) and the command-line options with their usage (options.c)
 * all walk these tables, so a field has the same name everywhere and a new
 * one is one row.
 */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define FIELD(_obj, _name, _attr, _bit, _type, _member, _min, _max, _unit) \
	.name = _name, .attr = _attr, .bit = _bit, .type = _type,	\
	.offset = offsetof(struct _obj, _member),			\
	.width = sizeof(((struct _obj *)0)->_member),			\
	.min = _min, .max = _max, .unit = _unit

/* A reported field; a settable one adds OPT(option, value, help). */
#define RF(...)		{ FIELD(resv_info, __VA_ARGS__) }
#define HF(...)		{ FIELD(host_info, __VA_ARGS__) }
#define RS(_opt, ...)	{ FIELD(resv_info, __VA_ARGS__), _opt }
#define HS(_opt, ...)	{ FIELD(host_info, __VA_ARGS__), _opt }
#define OPT(_option, _arg, _help) \
	.option = _option, .arg = _arg, .help = _help

/*
 * In the order they are printed and saved; options are offered in the
 * order of their bits.
 */
const struct field resv_fields[] = {
	RF("cgroup", MEMRESV_A_CGROUP, RESV_CGROUP, FIELD_STRING, cgroup,
	   0, 0, NULL),
	RF("id", MEMRESV_A_CGROUP_ID, RESV_ID, FIELD_U64, id, 0, UINT64_MAX,
	   NULL),
	RF("state", MEMRESV_A_STATE, RESV_STATE, FIELD_STATE, state,
	   MEMRESV_STATE_STARTING, MEMRESV_STATE_RUNNING, NULL),
	RF("status", MEMRESV_A_STATUS, RESV_STATUS, FIELD_STATUS, status,
	   MEMRESV_STATUS_OK, MEMRESV_STATUS_WARNING, NULL),
	RS(OPT("paging", NULL, "when the swap tier may be used"),
	   "paging", MEMRESV_A_PAGING, RESV_PAGING, FIELD_PAGING, paging,
	   0, MEMRESV_PAGING_MAX_VAL, NULL),
	RS(OPT("startup", "SIZE", "memory while the workload starts"),
	   "startup", MEMRESV_A_STARTUP, RESV_STARTUP, FIELD_SIZE, startup,
	   1, MEMRESV_SIZE_MAX, NULL),
	RS(OPT("min", "SIZE", "floor after start-up, always protected"),
	   "minimum", MEMRESV_A_MINIMUM, RESV_MINIMUM, FIELD_SIZE, minimum,
	   1, MEMRESV_SIZE_MAX, NULL),
	RS(OPT("max", "SIZE", "hard cap"),
	   "maximum", MEMRESV_A_MAXIMUM, RESV_MAXIMUM, FIELD_SIZE, maximum,
	   1, MEMRESV_SIZE_MAX, NULL),
	RS(OPT("buffer", "PCT", "percent of demand kept spare"),
	   "buffer", MEMRESV_A_BUFFER, RESV_BUFFER, FIELD_U32, buffer,
	   MEMRESV_BUFFER_MIN, MEMRESV_BUFFER_MAX, "%"),
	RS(OPT("weight", "N", "share of memory under contention"),
	   "weight", MEMRESV_A_WEIGHT, RESV_WEIGHT, FIELD_U32, weight,
	   0, MEMRESV_WEIGHT_MAX, NULL),
	RS(OPT("swap-max", "SIZE", "swap the group may always use"),
	   "swap_max", MEMRESV_A_SWAP_MAX, RESV_SWAP_MAX, FIELD_SIZE, swap_max,
	   0, MEMRESV_SIZE_MAX, NULL),
	RS(OPT("startup-window", "SECS", "longest start-up phase, in seconds"),
	   "startup_window", MEMRESV_A_STARTUP_WINDOW, RESV_STARTUP_WINDOW,
	   FIELD_U32, startup_window, MEMRESV_WINDOW_MIN, MEMRESV_WINDOW_MAX,
	   "s"),
	RF("guarantee", MEMRESV_A_GUARANTEE, RESV_GUARANTEE, FIELD_SIZE,
	   guarantee, 0, UINT64_MAX, NULL),
	RF("target", MEMRESV_A_TARGET, RESV_TARGET, FIELD_SIZE, target,
	   0, UINT64_MAX, NULL),
	RF("demand", MEMRESV_A_DEMAND, RESV_DEMAND, FIELD_SIZE, demand,
	   0, UINT64_MAX, NULL),
	RF("current", MEMRESV_A_CURRENT, RESV_CURRENT, FIELD_SIZE, current,
	   0, UINT64_MAX, NULL),
	RF("swap_current", MEMRESV_A_SWAP_CURRENT, RESV_SWAP_CURRENT,
	   FIELD_SIZE, swap_current, 0, UINT64_MAX, NULL),
	RF("paging_grant", MEMRESV_A_PAGING_GRANT, RESV_PAGING_GRANT,
	   FIELD_SIZE, paging_grant, 0, UINT64_MAX, NULL),
	RF("actuator", MEMRESV_A_ACTUATOR, RESV_ACTUATOR, FIELD_ACTUATOR,
	   actuator, 0, MEMRESV_ACTUATOR_MAX_VAL, NULL),
	RF("demand_source", MEMRESV_A_DEMAND_SOURCE, RESV_DEMAND_SOURCE,
	   FIELD_SOURCE, demand_source, 0, MEMRESV_SOURCE_GUEST, NULL),
	RF("high", MEMRESV_A_HIGH, RESV_HIGH, FIELD_SIZE, high, 0, UINT64_MAX,
	   NULL),
	RF("conflicts", MEMRESV_A_CONFLICTS, RESV_CONFLICTS, FIELD_U32,
	   conflicts, 0, UINT32_MAX, NULL),
	RF("guest_demand", MEMRESV_A_GUEST_DEMAND, RESV_GUEST_DEMAND,
	   FIELD_SIZE, guest_demand, 0, UINT64_MAX, NULL),
	RF("guest_size", MEMRESV_A_GUEST_SIZE, RESV_GUEST_SIZE, FIELD_SIZE,
	   guest_size, 0, UINT64_MAX, NULL),
	/* Not part of the JSON contract; shown to humans only. */
	RF(NULL, MEMRESV_A_PHASE_LEFT_MS, RESV_PHASE_LEFT_MS, FIELD_U64,
	   phase_left_ms, 0, UINT64_MAX, "ms"),
};
const size_t resv_nfields = ARRAY_SIZE(resv_fields);

const struct field host_fields[] = {
	HF("total", MEMRESV_A_HOST_TOTAL, HOST_TOTAL, FIELD_SIZE, total,
	   0, UINT64_MAX, NULL),
	HS(OPT("reserve", "SIZE", "memory kept for the host itself"),
	   "reserve", MEMRESV_A_HOST_RESERVE, HOST_RESERVE, FIELD_SIZE,
	   reserve, 0, MEMRESV_SIZE_MAX, NULL),
	HF("capacity", MEMRESV_A_HOST_CAPACITY, HOST_CAPACITY, FIELD_SIZE,
	   capacity, 0, UINT64_MAX, NULL),
	HF("guaranteed", MEMRESV_A_HOST_GUARANTEED, HOST_GUARANTEED,
	   FIELD_SIZE, guaranteed, 0, UINT64_MAX, NULL),
	HF("assigned", MEMRESV_A_HOST_ASSIGNED, HOST_ASSIGNED, FIELD_SIZE,
	   assigned, 0, UINT64_MAX, NULL),
	HF("free", MEMRESV_A_HOST_FREE, HOST_FREE, FIELD_SIZE, free,
	   0, UINT64_MAX, NULL),
	HF("reclaimable", MEMRESV_A_HOST_RECLAIMABLE, HOST_RECLAIMABLE,
	   FIELD_SIZE, reclaimable, 0, UINT64_MAX, NULL),
	HS(OPT("paging-limit", "SIZE", "size of the swap tier; 0 turns it off"),
	   "paging_limit", MEMRESV_A_HOST_PAGING_LIMIT, HOST_PAGING_LIMIT,
	   FIELD_SIZE, paging_limit, 0, MEMRESV_SIZE_MAX, NULL),
	HF("paging_used", MEMRESV_A_HOST_PAGING_USED, HOST_PAGING_USED,
	   FIELD_SIZE, paging_used, 0, UINT64_MAX, NULL),
	HS(OPT("period", "MS", "balancer period, in milliseconds"),
	   "period_ms", MEMRESV_A_HOST_PERIOD_MS, HOST_PERIOD_MS, FIELD_U32,
	   period_ms, MEMRESV_PERIOD_MIN, MEMRESV_PERIOD_MAX, "ms"),
	HS(OPT("paging-max", "SECS", "longest a paging phase may last, in seconds"),
	   "paging_max", MEMRESV_A_HOST_PAGING_MAX, HOST_PAGING_MAX, FIELD_U32,
	   paging_max, MEMRESV_PAGING_MAX_MIN, MEMRESV_PAGING_MAX_MAX, "s"),
	HF("reservations", MEMRESV_A_HOST_RESERVATIONS, HOST_RESERVATIONS,
	   FIELD_U32, reservations, 0, UINT32_MAX, NULL),
	HF("overcommitted", MEMRESV_A_HOST_OVERCOMMITTED, HOST_OVERCOMMITTED,
	   FIELD_U32, overcommitted, 0, 1, NULL),
	HF("holds", MEMRESV_A_HOST_HOLDS, HOST_HOLDS, FIELD_U32, holds, 0,
	   UINT32_MAX, NULL),
};
const size_t host_nfields = ARRAY_SIZE(host_fields);

/**
 * field_get() - read a numeric field of an object
 * @obj: a struct resv_info or struct host_info
 * @f: a row of the matching field table (not a FIELD_STRING)
 *
 * Return: the value, widened to 64 bits.
 */
uint64_t field_get(const void *obj, const struct field *f)
{
	const char *p = (const char *)obj + f->offset;
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;

	switch (f->width) {
	case sizeof(v8):
		memcpy(&v8, p, sizeof(v8));
		return v8;
	case sizeof(v32):
		memcpy(&v32, p, sizeof(v32));
		return v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return v64;
	}
}

/**
 * field_put() - store a numeric field of an object and mark it set
 * @obj: a struct resv_info or struct host_info
 * @f: a row of the matching field table (not a FIELD_STRING)
 * @val: the value; truncated to the member's width
 */
void field_put(void *obj, const struct field *f, uint64_t val)
{
	char *p = (char *)obj + f->offset;
	uint32_t *set = obj;	/* @set is the first member of both */
	uint32_t v32 = (uint32_t)val;
	uint8_t v8 = (uint8_t)val;

	switch (f->width) {
	case sizeof(v8):
		memcpy(p, &v8, sizeof(v8));
		break;
	case sizeof(v32):
		memcpy(p, &v32, sizeof(v32));
		break;
	default:
		memcpy(p, &val, sizeof(val));
		break;
	}
	*set |= 1u << f->bit;
}

/**
 * field_by_name() - look a field up by its JSON name
 * @fields: resv_fields or host_fields
 * @n: number of rows in @fields
 * @name: the name
 *
 * Return: the row, or NULL if no field has that name.
 */
const struct field *field_by_name(const struct field *fields, size_t n,
				  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fields[i].name && !strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

/**
 * field_by_bit() - look a field up by its bit in the set mask
 * @fields: resv_fields or host_fields
 * @n: number of rows in @fields
 * @bit: enum resv_bit or enum host_bit
 *
 * Return: the row, or NULL.
 */
const struct field *field_by_bit(const struct field *fields, size_t n,
				 unsigned int bit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fields[i].bit == bit)
			return &fields[i];
	return NULL;
}

static const char * const state_names[] = {
	[MEMRESV_STATE_STARTING] = "starting",
	[MEMRESV_STATE_PAGING] = "starting(paging)",
	[MEMRESV_STATE_RUNNING] = "running",
};

static const char * const status_names[] = {
	[MEMRESV_STATUS_OK] = "ok",
	[MEMRESV_STATUS_LOW] = "low",
	[MEMRESV_STATUS_WARNING] = "warning",
};

static const char * const paging_names[] = {
	[MEMRESV_PAGING_NEVER] = "never",
	[MEMRESV_PAGING_RESTART] = "restart",
	[MEMRESV_PAGING_ALWAYS] = "always",
};

static const char * const event_names[] = {
	[MEMRESV_EVENT_ADDED] = "added",
	[MEMRESV_EVENT_CHANGED] = "changed",
	[MEMRESV_EVENT_REMOVED] = "removed",
	[MEMRESV_EVENT_PAGING_START] = "paging-start",
	[MEMRESV_EVENT_PAGING_END] = "paging-end",
	[MEMRESV_EVENT_ADMISSION_REFUSED] = "admission-refused",
	[MEMRESV_EVENT_HOST_CHANGED] = "host-changed",
	[MEMRESV_EVENT_WARNING] = "warning",
	[MEMRESV_EVENT_OVERCOMMIT] = "overcommit",
	[MEMRESV_EVENT_CONFLICT] = "conflict",
	[MEMRESV_EVENT_HOLD_ADDED] = "hold-added",
	[MEMRESV_EVENT_HOLD_REMOVED] = "hold-removed",
	[MEMRESV_EVENT_PROTECTION] = "protection",
};

static const char * const reason_names[] = {
	[MEMRESV_REASON_DELETED] = "deleted",
	[MEMRESV_REASON_CGROUP_GONE] = "cgroup-gone",
	[MEMRESV_REASON_UNLOAD] = "unload",
	[MEMRESV_REASON_READY] = "ready",
	[MEMRESV_REASON_WINDOW] = "window",
	[MEMRESV_REASON_PAGING_MAX] = "paging-max",
	[MEMRESV_REASON_RESTART] = "restart",
	[MEMRESV_REASON_BOUND] = "bound",
	[MEMRESV_REASON_EXPIRED] = "expired",
};

static const char * const actuator_names[] = {
	[MEMRESV_ACTUATOR_CGROUP] = "cgroup",
	[MEMRESV_ACTUATOR_BALLOON] = "balloon",
};

static const char * const source_names[] = {
	[MEMRESV_SOURCE_CGROUP] = "cgroup",
	[MEMRESV_SOURCE_GUEST] = "guest",
};

static const char * const file_names[] = {
	[MEMRESV_FILE_MIN] = "memory.min",
	[MEMRESV_FILE_HIGH] = "memory.high",
	[MEMRESV_FILE_MAX] = "memory.max",
	[MEMRESV_FILE_SWAP_MAX] = "memory.swap.max",
};

static const char * const owner_names[] = {
	[MEMRESV_OWNER_MEMRESV] = "memresv",
	[MEMRESV_OWNER_SYSTEMD] = "systemd",
};

static const char * const fit_names[] = {
	[MEMRESV_FIT_NONE] = "none",
	[MEMRESV_FIT_FREE] = "free",
	[MEMRESV_FIT_RECLAIM] = "reclaim",
	[MEMRESV_FIT_PAGING] = "paging",
};

static const char * const policy_names[] = {
	[MEMRESV_POLICY_MINIMUM] = "minimum",
	[MEMRESV_POLICY_STARTUP] = "startup",
};

static const struct {
	const char * const *names;
	unsigned int n;
} name_sets[] = {
	[NAMES_STATE] = { state_names, ARRAY_SIZE(state_names) },
	[NAMES_STATUS] = { status_names, ARRAY_SIZE(status_names) },
	[NAMES_PAGING] = { paging_names, ARRAY_SIZE(paging_names) },
	[NAMES_EVENT] = { event_names, ARRAY_SIZE(event_names) },
	[NAMES_REASON] = { reason_names, ARRAY_SIZE(reason_names) },
	[NAMES_FIT] = { fit_names, ARRAY_SIZE(fit_names) },
	[NAMES_POLICY] = { policy_names, ARRAY_SIZE(policy_names) },
	[NAMES_ACTUATOR] = { actuator_names, ARRAY_SIZE(actuator_names) },
	[NAMES_SOURCE] = { source_names, ARRAY_SIZE(source_names) },
	[NAMES_FILE] = { file_names, ARRAY_SIZE(file_names) },
	[NAMES_OWNER] = { owner_names, ARRAY_SIZE(owner_names) },
};

/**
 * name_of() - the user-visible name of an enumeration value
 * @set: which enumeration
 * @val: the value
 *
 * Return: the name, or NULL for a value this tool does not know (a newer
 * module may report one).
 */
const char *name_of(enum name_set set, unsigned int val)
{
	if (val >= name_sets[set].n)
		return NULL;
	return name_sets[set].names[val];
}

/**
 * value_of() - the enumeration value a user-visible name stands for
 * @set: which enumeration
 * @name: the name, exactly as name_of() gives it
 *
 * Return: the value, or -1 if @name is not one of the set.
 */
int value_of(enum name_set set, const char *name)
{
	unsigned int i;

	for (i = 0; i < name_sets[set].n; i++)
		if (name_sets[set].names[i] && !strcmp(name_sets[set].names[i], name))
			return (int)i;
	return -1;
}

/**
 * field_names() - the names an enumeration field takes
 * @f: a row of a field table
 *
 * Return: its enum name_set, or -1 for a field that is not an enumeration.
 */
int field_names(const struct field *f)
{
	switch (f->type) {
	case FIELD_PAGING:
		return NAMES_PAGING;
	case FIELD_STATE:
		return NAMES_STATE;
	case FIELD_STATUS:
		return NAMES_STATUS;
	case FIELD_ACTUATOR:
		return NAMES_ACTUATOR;
	case FIELD_SOURCE:
		return NAMES_SOURCE;
	default:
		return -1;
	}
}

/**
 * names_list() - the names of an enumeration, joined
 * @set: which enumeration
 * @sep: between two names ("|", ", ")
 * @last: between the last two names (" or "), or NULL for @sep
 * @buf: where to write the list
 * @len: size of @buf
 *
 * Return: @buf, e.g. "never|restart|always" or "never, restart or always".
 */
char *names_list(enum name_set set, const char *sep, const char *last,
		 char *buf, size_t len)
{
	unsigned int i, n = name_sets[set].n;
	size_t off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		const char *name = name_sets[set].names[i];

		if (!name)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					!off ? "" : i + 1 == n && last ? last : sep,
					name);
	}
	return buf;
}
