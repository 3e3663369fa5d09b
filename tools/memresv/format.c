// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: human sizes, key: value lines and aligned tables.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

/**
 * format_size() - a size as a human reads it: 0, 512B, 512M, 1.5G
 * @bytes: the size
 * @buf: where to write it
 * @len: size of @buf; SIZE_STR_LEN is always enough
 *
 * The unit is the largest power of 1024 not above @bytes.  An exact multiple
 * is printed without decimals; anything else with one, rounded to nearest,
 * so "1.0G" says "about 1G" while "1G" means exactly 1 GiB.  The suffixes
 * are the ones parse_size() reads back.
 *
 * Return: @buf.
 */
char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;
	uint64_t unit, whole, tenths;

	while (u + 1 < sizeof(units) - 1 && bytes >> (10 * (u + 1)))
		u++;
	if (!u) {
		snprintf(buf, len, bytes ? "%lluB" : "0",
			 (unsigned long long)bytes);
		return buf;
	}
	unit = 1ULL << (10 * u);
	whole = bytes >> (10 * u);
	if (!(bytes & (unit - 1))) {
		snprintf(buf, len, "%llu%c", (unsigned long long)whole,
			 units[u]);
		return buf;
	}
	/* Round to tenths without overflowing: the remainder is below unit. */
	tenths = (unsigned long long)(((unsigned __int128)(bytes & (unit - 1)) *
				       10 + unit / 2) >> (10 * u));
	if (tenths == 10) {
		whole++;
		tenths = 0;
		if (whole == 1024 && units[u + 1]) {
			whole = 1;
			u++;
		}
	}
	snprintf(buf, len, "%llu.%llu%c", (unsigned long long)whole,
		 (unsigned long long)tenths, units[u]);
	return buf;
}

/**
 * format_stars() - milli-stars as a decimal number with at least one decimal
 * @milli: 0 - MEMRESV_STARS_MAX
 * @buf: where to write it ("4.25", "5.0")
 * @len: size of @buf
 *
 * Exact, with no floating point: the JSON output uses the same text.
 *
 * Return: @buf.
 */
char *format_stars(uint32_t milli, char *buf, size_t len)
{
	unsigned int frac = milli % 1000;

	if (frac % 100 == 0)
		snprintf(buf, len, "%u.%u", milli / 1000, frac / 100);
	else if (frac % 10 == 0)
		snprintf(buf, len, "%u.%02u", milli / 1000, frac / 10);
	else
		snprintf(buf, len, "%u.%03u", milli / 1000, frac);
	return buf;
}

/**
 * format_field() - one field of an object as a human reads it
 * @obj: a struct resv_info or struct host_info
 * @f: a row of the matching field table
 * @buf: where to write it
 * @len: size of @buf
 *
 * Return: @buf.
 */
char *format_field(const void *obj, const struct field *f, char *buf,
		   size_t len)
{
	uint64_t v;
	const char *name;

	if (f->type == FIELD_STRING) {
		snprintf(buf, len, "%s", (const char *)obj + f->offset);
		return buf;
	}
	v = field_get(obj, f);
	if (f->type == FIELD_SIZE)
		return format_size(v, buf, len);
	if (field_names(f) < 0) {
		snprintf(buf, len, "%llu%s", (unsigned long long)v,
			 f->unit ? f->unit : "");
		return buf;
	}
	name = name_of((enum name_set)field_names(f), (unsigned int)v);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "unknown(%llu)", (unsigned long long)v);
	return buf;
}

/**
 * print_fields() - print every set field of an object as "key: value" lines
 * @out: where to print
 * @obj: a struct resv_info or struct host_info
 * @fields: the matching field table
 * @n: rows in @fields
 */
void print_fields(FILE *out, const void *obj, const struct field *fields,
		  size_t n)
{
	uint32_t set = *(const uint32_t *)obj;
	char buf[CGROUP_PATH_MAX + 32];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];

		if (!((set >> f->bit) & 1u))
			continue;
		format_field(obj, f, buf, sizeof(buf));
		if (f->name)
			fprintf(out, "%s: %s\n", f->name, buf);
	}
}

/**
 * table_init() - start an empty table
 * @t: the table
 * @ncols: number of columns
 * @heads: @ncols headings; must outlive @t
 * @right: @ncols flags: right-align that column; must outlive @t
 */
void table_init(struct table *t, size_t ncols, const char * const *heads,
		const bool *right)
{
	t->ncols = ncols;
	t->heads = heads;
	t->right = right;
	t->cells = NULL;
	t->nrows = 0;
}

/**
 * table_add() - append a row
 * @t: the table
 * @row: @t->ncols strings, copied
 *
 * Return: 0 or -ENOMEM.
 */
int table_add(struct table *t, const char * const *row)
{
	char **cells;
	size_t i;

	cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	t->cells = cells;
	cells += t->nrows * t->ncols;
	for (i = 0; i < t->ncols; i++) {
		cells[i] = strdup(row[i] ? row[i] : "");
		if (!cells[i]) {
			while (i--)
				free(cells[i]);
			return -ENOMEM;
		}
	}
	t->nrows++;
	return 0;
}

/**
 * table_print() - print the headings and rows in aligned columns
 * @t: the table
 * @out: where to print
 *
 * Columns are separated by two spaces; the last column is not padded, so
 * lines carry no trailing blanks.
 */
void table_print(const struct table *t, FILE *out)
{
	size_t *width, r, c;

	width = calloc(t->ncols, sizeof(*width));
	if (!width)
		return;
	for (c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->heads[c]);
		for (r = 0; r < t->nrows; r++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > width[c])
				width[c] = l;
		}
	}
	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = r ? t->cells[(r - 1) * t->ncols + c] :
					    t->heads[c];
			int w = (int)width[c];

			if (c + 1 == t->ncols && !t->right[c])
				fprintf(out, "%s", s);
			else if (t->right[c])
				fprintf(out, "%*s", w, s);
			else
				fprintf(out, "%-*s", w, s);
			fputs(c + 1 == t->ncols ? "\n" : "  ", out);
		}
	}
	free(width);
}

/**
 * table_free() - free the rows of a table
 * @t: the table; empty afterwards
 */
void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

/* A limit as its file shows it: "max" or a size. */
static char *format_limit(uint64_t bytes, char *buf, size_t len)
{
	if (bytes == UINT64_MAX) {
		snprintf(buf, len, "max");
		return buf;
	}
	return format_size(bytes, buf, len);
}

static void explain_refusal(const struct event_info *ev, char *buf,
			    size_t len)
{
	const struct host_info *h = &ev->host;
	char st[SIZE_STR_LEN], fr[SIZE_STR_LEN], re[SIZE_STR_LEN];
	char tier[SIZE_STR_LEN];
	uint64_t left = h->paging_limit > h->paging_used ?
			h->paging_limit - h->paging_used : 0;

	snprintf(buf, len, "startup %s does not fit: free %s, reclaimable %s, %s%s",
		 format_size(ev->resv.startup, st, sizeof(st)),
		 format_size(h->free, fr, sizeof(fr)),
		 format_size(h->reclaimable, re, sizeof(re)),
		 ev->detail.paging_allowed ? "swap tier left " :
					     "no paging (swap tier left ",
		 format_size(left, tier, sizeof(tier)));
	if (!ev->detail.paging_allowed && strlen(buf) + 2 < len)
		strcat(buf, ")");
}

/**
 * event_explain() - what an event means, for people
 * @ev: the event, its numbers parsed
 * @buf: where the sentence goes; empty when there is nothing to add
 * @len: size of @buf
 *
 * The kernel sends numbers; the sentences are the tool's.
 */
void event_explain(const struct event_info *ev, char *buf, size_t len)
{
	const struct event_detail *d = &ev->detail;
	char a[SIZE_STR_LEN], b[SIZE_STR_LEN];
	const char *name;

	buf[0] = '\0';
	switch (ev->event) {
	case MEMRESV_EVENT_ADMISSION_REFUSED:
		explain_refusal(ev, buf, len);
		break;
	case MEMRESV_EVENT_WARNING:
		snprintf(buf, len, "guarantee %s capped by memory.min %s of '%s'",
			 format_size(ev->resv.guarantee, a, sizeof(a)),
			 format_limit(d->ancestor_min, b, sizeof(b)),
			 d->ancestor);
		break;
	case MEMRESV_EVENT_CONFLICT:
		name = name_of(NAMES_FILE, d->file);
		snprintf(buf, len, "%s held %s, set by another writer; memresv wrote %s back",
			 name ? name : "a memory file",
			 format_limit(d->found, a, sizeof(a)),
			 format_limit(d->ours, b, sizeof(b)));
		break;
	case MEMRESV_EVENT_PROTECTION:
		name = name_of(NAMES_OWNER, d->prot_owner);
		snprintf(buf, len, "the guarantees below need memory.min %s; it has %s (written by %s)",
			 format_size(d->prot_need, a, sizeof(a)),
			 format_limit(d->prot_min, b, sizeof(b)),
			 name ? name : "?");
		break;
	case MEMRESV_EVENT_OVERCOMMIT:
		if (ev->host.overcommitted)
			snprintf(buf, len, "overcommitted: %s guaranteed, capacity %s",
				 format_size(ev->host.guaranteed, a, sizeof(a)),
				 format_size(ev->host.capacity, b, sizeof(b)));
		else
			snprintf(buf, len, "no longer overcommitted");
		break;
	case MEMRESV_EVENT_HOLD_ADDED:
	case MEMRESV_EVENT_HOLD_REMOVED:
		snprintf(buf, len, "hold %s", d->hold_key);
		break;
	}
}
