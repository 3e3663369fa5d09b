// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: JSON built and read with json-c, never pasted together.
 *
 * Sizes are integers in bytes; enumerations are their names.  Readers are
 * strict where the data is applied to the kernel (restore: unknown keys and
 * bad values are errors) and lenient where it is only rated (place: a host
 * snapshot may carry keys of its own, such as a host name).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "format.h"
#include "parse.h"

static int json_add(json_object *obj, const char *key, json_object *val)
{
	if (!val)
		return -ENOMEM;
	if (json_object_object_add(obj, key, val)) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

static json_object *field_to_json(const void *obj, const struct field *f)
{
	const char *name;
	uint64_t v;

	if (f->type == FIELD_STRING)
		return json_object_new_string((const char *)obj + f->offset);
	v = field_get(obj, f);
	if (field_names(f) < 0)
		return json_object_new_uint64(v);
	name = name_of((enum name_set)field_names(f), (unsigned int)v);
	/* A value from a newer module than this tool knows: keep it visible. */
	return name ? json_object_new_string(name) : json_object_new_uint64(v);
}

static json_object *fields_to_json(const void *obj, const struct field *fields,
				   size_t n, uint32_t mask)
{
	uint32_t set = *(const uint32_t *)obj & mask;
	json_object *j = json_object_new_object();
	size_t i;

	if (!j)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];

		if (!f->name || !((set >> f->bit) & 1u))
			continue;
		if (json_add(j, f->name, field_to_json(obj, f))) {
			json_object_put(j);
			return NULL;
		}
	}
	return j;
}

/**
 * json_array_push() - append an object to an array being built
 * @arr: the array; on failure it is put and becomes NULL, and later
 *	pushes do nothing, so a loop can push and check once at the end
 * @o: the object (NULL when building it failed); the array takes it
 */
void json_array_push(json_object **arr, json_object *o)
{
	if (*arr && o && !json_object_array_add(*arr, o))
		return;
	json_object_put(o);
	json_object_put(*arr);
	*arr = NULL;
}

/**
 * resv_to_json() - a reservation as a JSON object
 * @r: the reservation; only its set fields are written
 *
 * Return: a new object (the caller puts it), or NULL without memory.
 */
json_object *resv_to_json(const struct resv_info *r)
{
	return fields_to_json(r, resv_fields, resv_nfields, UINT32_MAX);
}

/**
 * host_to_json() - the host ledger as a JSON object, a valid HOST.json
 * @h: the ledger; only its set fields are written
 *
 * Return: a new object, or NULL without memory.
 */
json_object *host_to_json(const struct host_info *h)
{
	return fields_to_json(h, host_fields, host_nfields, UINT32_MAX);
}

/**
 * place_to_json() - a placement rating as a JSON object
 * @p: the rating; @p->name, when set, is written as "host"
 *
 * Stars are written as a number with the exact decimal text of the
 * milli-stars, e.g. 4.25, never a binary approximation.
 *
 * Return: a new object, or NULL without memory.
 */
json_object *place_to_json(const struct place_result *p)
{
	json_object *j = json_object_new_object();
	const char *fit = name_of(NAMES_FIT, p->fit);
	char stars[16];

	if (!j)
		return NULL;
	format_stars(p->stars, stars, sizeof(stars));
	if ((p->name && json_add(j, "host", json_object_new_string(p->name))) ||
	    json_add(j, "fit", fit ? json_object_new_string(fit) :
				     json_object_new_int(p->fit)) ||
	    json_add(j, "stars", json_object_new_double_s(p->stars / 1000.0,
							  stars)) ||
	    json_add(j, "reason", json_object_new_string(p->reason))) {
		json_object_put(j);
		return NULL;
	}
	return j;
}

/* The numbers of a conflict, a warning, a hold or a protection event. */
static int detail_to_json(json_object *j, const struct event_info *e)
{
	const struct event_detail *d = &e->detail;
	const char *name;

	switch (e->event) {
	case MEMRESV_EVENT_ADMISSION_REFUSED:
		return json_add(j, "paging_allowed",
				json_object_new_boolean(d->paging_allowed));
	case MEMRESV_EVENT_WARNING:
		return json_add(j, "ancestor",
				json_object_new_string(d->ancestor)) ||
		       json_add(j, "ancestor_min",
				json_object_new_uint64(d->ancestor_min));
	case MEMRESV_EVENT_CONFLICT:
		name = name_of(NAMES_FILE, d->file);
		return json_add(j, "file", json_object_new_string(name ?: "?")) ||
		       json_add(j, "found", json_object_new_uint64(d->found)) ||
		       json_add(j, "ours", json_object_new_uint64(d->ours));
	case MEMRESV_EVENT_PROTECTION:
		name = name_of(NAMES_OWNER, d->prot_owner);
		return json_add(j, "need", json_object_new_uint64(d->prot_need)) ||
		       json_add(j, "owner", json_object_new_string(name ?: "?")) ||
		       json_add(j, "min", json_object_new_uint64(d->prot_min));
	case MEMRESV_EVENT_HOLD_ADDED:
	case MEMRESV_EVENT_HOLD_REMOVED:
		return json_add(j, "hold", json_object_new_string(d->hold_key));
	default:
		return 0;
	}
}

/**
 * event_to_json() - a notification as one JSON object
 * @e: the event
 *
 * "event" and, where there is one, "reason" and "message" come first, then
 * the reservation's fields (or the host's for host-changed).
 *
 * Return: a new object, or NULL without memory.
 */
json_object *event_to_json(const struct event_info *e)
{
	const char *ev = name_of(NAMES_EVENT, e->event);
	const char *why = e->reason ? name_of(NAMES_REASON, e->reason) : NULL;
	json_object *j = json_object_new_object(), *body = NULL;

	if (!j)
		return NULL;
	if (json_add(j, "event", ev ? json_object_new_string(ev) :
				      json_object_new_int(e->event)))
		goto fail;
	if (e->reason && json_add(j, "reason", why ?
				  json_object_new_string(why) :
				  json_object_new_int(e->reason)))
		goto fail;
	if (e->message[0] &&
	    json_add(j, "message", json_object_new_string(e->message)))
		goto fail;
	if (detail_to_json(j, e))
		goto fail;
	if (e->has_resv)
		body = resv_to_json(&e->resv);
	else if (e->has_host)
		body = host_to_json(&e->host);
	if (body) {
		json_object_object_foreach(body, key, val) {
			if (json_add(j, key, json_object_get(val)))
				goto fail;
		}
		json_object_put(body);
	} else if (e->has_resv || e->has_host) {
		goto fail;
	}
	return j;
fail:
	json_object_put(body);
	json_object_put(j);
	return NULL;
}

/**
 * config_to_json() - the configuration as save prints it
 * @cfg: the host settings and every reservation's settings
 *
 * Return: a new object {"host": {...}, "reservations": [...]}, or NULL.
 */
json_object *config_to_json(const struct resv_config *cfg)
{
	json_object *j = json_object_new_object(), *arr;
	size_t i;

	if (!j)
		return NULL;
	if (json_add(j, "host", fields_to_json(&cfg->host, host_fields,
					       host_nfields, HOST_SETTINGS)))
		goto fail;
	arr = json_object_new_array();
	if (json_add(j, "reservations", arr))
		goto fail;
	for (i = 0; i < cfg->nresvs; i++) {
		json_object *r = fields_to_json(&cfg->resvs[i], resv_fields,
						resv_nfields,
						RESV_SETTINGS |
						(1u << RESV_CGROUP));

		if (!r || json_object_array_add(arr, r)) {
			json_object_put(r);
			goto fail;
		}
	}
	return j;
fail:
	json_object_put(j);
	return NULL;
}

static int field_from_json(void *obj, const struct field *f, json_object *v,
			   size_t strmax, char *err, size_t errlen)
{
	int64_t i64;
	uint64_t u;
	int e;

	if (f->type == FIELD_STRING) {
		const char *s;

		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "'%s' must be a string", f->name);
			return -EINVAL;
		}
		s = json_object_get_string(v);
		if (strlen(s) >= strmax) {
			snprintf(err, errlen, "'%s' is too long", f->name);
			return -EINVAL;
		}
		strcpy((char *)obj + f->offset, s);
		*(uint32_t *)obj |= 1u << f->bit;
		return 0;
	}
	if (field_names(f) >= 0) {
		const char *s = json_object_get_string(v);

		e = json_object_is_type(v, json_type_string) ?
			value_of((enum name_set)field_names(f), s) : -1;
		if (e < 0) {
			snprintf(err, errlen, "'%s' has an unknown value '%s'",
				 f->name, s ? s : "null");
			return -EINVAL;
		}
		field_put(obj, f, (uint64_t)e);
		return 0;
	}
	if (!json_object_is_type(v, json_type_int)) {
		snprintf(err, errlen, "'%s' must be an integer", f->name);
		return -EINVAL;
	}
	i64 = json_object_get_int64(v);
	if (i64 < 0) {
		snprintf(err, errlen, "'%s' must not be negative", f->name);
		return -EINVAL;
	}
	u = json_object_get_uint64(v);
	if (u < f->min || u > f->max ||
	    (f->width < sizeof(uint64_t) && u >> (8 * f->width))) {
		snprintf(err, errlen, "'%s' must be between %llu and %llu",
			 f->name, (unsigned long long)f->min,
			 (unsigned long long)f->max);
		return -ERANGE;
	}
	field_put(obj, f, u);
	return 0;
}

static int fields_from_json(json_object *obj, void *out,
			    const struct field *fields, size_t n,
			    uint32_t allowed, bool strict, size_t strmax,
			    char *err, size_t errlen)
{
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(err, errlen, "expected an object");
		return -EINVAL;
	}
	json_object_object_foreach(obj, key, val) {
		const struct field *f = field_by_name(fields, n, key);
		int ret;

		if (!f || !((allowed >> f->bit) & 1u)) {
			if (!strict)
				continue;
			snprintf(err, errlen, f ? "'%s' is not a setting" :
				 "unknown key '%s'", key);
			return -EINVAL;
		}
		ret = field_from_json(out, f, val, strmax, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * resv_from_json() - read a reservation object
 * @obj: the object
 * @r: filled with the fields found (zeroed first)
 * @allowed: mask of enum resv_bit the object may carry; any other key is
 *	an error
 * @err: on error, what is wrong
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int resv_from_json(json_object *obj, struct resv_info *r, uint32_t allowed,
		   char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	return fields_from_json(obj, r, resv_fields, resv_nfields, allowed,
				true, sizeof(r->cgroup), err, errlen);
}

/**
 * host_from_json() - read a host object
 * @obj: the object
 * @h: filled with the fields found (zeroed first)
 * @allowed: mask of enum host_bit the object may carry
 * @strict: keys outside @allowed are errors, not ignored
 * @err: on error, what is wrong
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int host_from_json(json_object *obj, struct host_info *h, uint32_t allowed,
		   bool strict, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	return fields_from_json(obj, h, host_fields, host_nfields, allowed,
				strict, 0, err, errlen);
}

/**
 * json_parse_text() - parse one JSON value that fills the whole text
 * @text: the text
 * @len: its length
 * @err: on error, what is wrong and where
 * @errlen: size of @err
 *
 * Return: the value (the caller puts it), or NULL.
 */
json_object *json_parse_text(const char *text, size_t len, char *err,
			     size_t errlen)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *obj;
	size_t off, i;

	if (!tok) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	if (len > INT32_MAX) {
		json_tokener_free(tok);
		snprintf(err, errlen, "file too large");
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!obj && jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		snprintf(err, errlen, "invalid JSON at byte %zu: %s", off,
			 json_tokener_error_desc(jerr));
		return NULL;
	}
	for (i = off; i < len; i++) {
		if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' &&
		    text[i] != '\r') {
			json_object_put(obj);
			snprintf(err, errlen,
				 "invalid JSON at byte %zu: trailing data", i);
			return NULL;
		}
	}
	return obj;
}

/* Is @a an ancestor of @b (a proper prefix ending at a component)? */
static bool cgroup_is_ancestor(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && b[n] == '/';
}

static int config_check_resv(const struct resv_info *r, char *err,
			     size_t errlen)
{
	const char *why;

	if (!HAS(r, RESV_CGROUP)) {
		snprintf(err, errlen, "'cgroup' is missing");
		return -EINVAL;
	}
	if (cgroup_relative_check(r->cgroup, &why)) {
		snprintf(err, errlen, "%.200s: %s", r->cgroup, why);
		return -EINVAL;
	}
	if (!HAS(r, RESV_STARTUP) || !HAS(r, RESV_MINIMUM) ||
	    !HAS(r, RESV_MAXIMUM)) {
		snprintf(err, errlen, "%.200s: 'startup', 'minimum' and 'maximum' are required",
			 r->cgroup);
		return -EINVAL;
	}
	if (r->minimum > r->startup || r->startup > r->maximum) {
		snprintf(err, errlen, "%.200s: need minimum <= startup <= maximum",
			 r->cgroup);
		return -EINVAL;
	}
	return 0;
}

/**
 * config_from_text() - read and check a whole configuration, as restore
 *	takes it
 * @text: JSON text {"host": {...}, "reservations": [{...}, ...]}
 * @len: its length
 * @cfg: the configuration (the caller frees it with config_free())
 * @err: on error, what is wrong
 * @errlen: size of @err
 *
 * Everything is checked here, before anything is applied: syntax, keys,
 * types, the ranges the kernel enforces, minimum <= startup <= maximum,
 * cgroup paths in the kernel's form, no cgroup twice, no reservation on an
 * ancestor of another.
 *
 * Return: 0 or a negative errno; @cfg is empty on error.
 */
int config_from_text(const char *text, size_t len, struct resv_config *cfg,
		     char *err, size_t errlen)
{
	char why[JSON_ERR_LEN];
	json_object *root, *arr = NULL;
	size_t i, j, n;
	int ret = -EINVAL;

	memset(cfg, 0, sizeof(*cfg));
	root = json_parse_text(text, len, err, errlen);
	if (!root)
		return -EINVAL;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "expected an object with \"host\" and \"reservations\"");
		goto out;
	}
	json_object_object_foreach(root, key, val) {
		if (!strcmp(key, "host")) {
			if (host_from_json(val, &cfg->host, HOST_SETTINGS,
					   true, why, sizeof(why))) {
				snprintf(err, errlen, "host: %s", why);
				goto out;
			}
		} else if (!strcmp(key, "reservations")) {
			if (!json_object_is_type(val, json_type_array)) {
				snprintf(err, errlen, "reservations: expected an array");
				goto out;
			}
			arr = val;
		} else {
			snprintf(err, errlen, "unknown key '%s'", key);
			goto out;
		}
	}
	n = arr ? json_object_array_length(arr) : 0;
	if (n) {
		cfg->resvs = calloc(n, sizeof(*cfg->resvs));
		if (!cfg->resvs) {
			snprintf(err, errlen, "%s", strerror(ENOMEM));
			ret = -ENOMEM;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		struct resv_info *r = &cfg->resvs[i];

		cfg->nresvs++;
		if (resv_from_json(json_object_array_get_idx(arr, i), r,
				   RESV_SETTINGS | (1u << RESV_CGROUP),
				   why, sizeof(why)) ||
		    config_check_resv(r, why, sizeof(why))) {
			snprintf(err, errlen, "reservations[%zu]: %s", i, why);
			goto out;
		}
		for (j = 0; j < i; j++) {
			const char *a = cfg->resvs[j].cgroup;

			if (!strcmp(a, r->cgroup)) {
				snprintf(err, errlen, "reservations[%zu]: %.200s: listed twice",
					 i, r->cgroup);
				goto out;
			}
			if (cgroup_is_ancestor(a, r->cgroup) ||
			    cgroup_is_ancestor(r->cgroup, a)) {
				snprintf(err, errlen, "reservations[%zu]: %.100s: nested in or around %.100s",
					 i, r->cgroup, a);
				goto out;
			}
		}
	}
	ret = 0;
out:
	json_object_put(root);
	if (ret)
		config_free(cfg);
	return ret;
}

/**
 * config_free() - free what config_from_text() allocated
 * @cfg: the configuration; empty afterwards
 */
void config_free(struct resv_config *cfg)
{
	free(cfg->resvs);
	memset(cfg, 0, sizeof(*cfg));
}

/**
 * json_print() - print a JSON value and a newline, then release it
 * @obj: the value; put (freed) here, also on error
 * @out: where to print
 * @pretty: indented over several lines; otherwise one line (monitor)
 *
 * Return: 0, or -ENOMEM when @obj is NULL (building it failed) or the
 * output cannot be written.
 */
int json_print(json_object *obj, FILE *out, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;
	int ret = 0;

	if (!obj)
		return -ENOMEM;
	flags |= pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			  JSON_C_TO_STRING_PLAIN;
	s = json_object_to_json_string_ext(obj, flags);
	if (!s || fprintf(out, "%s\n", s) < 0)
		ret = s ? -EIO : -ENOMEM;
	json_object_put(obj);
	return ret;
}

/**
 * json_read_file() - read a whole file (or standard input) into memory
 * @path: the file; "-" is standard input
 * @text: the contents, NUL-terminated (the caller frees it)
 * @len: the length, without the NUL
 *
 * Return: 0 or a negative errno.
 */
int json_read_file(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t cap = 0, n = 0;
	char *buf = NULL;
	int ret = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				ret = -ENOMEM;
				break;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got)
			continue;
		if (ferror(f))
			ret = -EIO;
		break;
	}
	if (f != stdin)
		fclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
