// SPDX-License-Identifier: GPL-2.0
/*
 * memresv and libvirt: a domain's reservation from its XML, and the domain's
 * cgroup.  Shared by the hook and the agent (domain.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "domain.h"
#include "parse.h"

#define MiB			((uint64_t)1024 * 1024)
#define GiB			(1024 * MiB)
/*
 * QEMU's own memory besides the guest's RAM: its code, heap, device
 * emulation, I/O buffers, and page tables and dirty bitmaps that grow with
 * the guest (Documentation/libvirt.rst, "QEMU's overhead").
 */
#define OVERHEAD_BASE		(128 * MiB)
#define OVERHEAD_SHIFT		6	/* 1/64 of <memory> */
/* QEMU's default translation cache: 1 GiB, at most 1/8 of the host's RAM. */
#define TCG_CACHE_MAX		GiB

static void say(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static const char *prop(xmlNode *n, const char *name, char *buf, size_t len)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (!v)
		return NULL;
	snprintf(buf, len, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !n->ns &&
		    !strcmp((const char *)n->name, name))
			return n;
	return NULL;
}

static void text_of(xmlNode *n, char *buf, size_t len)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = (char *)v, *e;

	buf[0] = '\0';
	if (!v)
		return;
	while (isspace((unsigned char)*s))
		s++;
	snprintf(buf, len, "%s", s);
	for (e = buf + strlen(buf); e > buf && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	xmlFree(v);
}

/* libvirt's scaled integers: <memory unit='KiB'>N</memory>. */
static int libvirt_size(xmlNode *n, uint64_t *out, char *err, size_t errlen)
{
	static const struct {
		const char *unit;
		uint64_t scale;
	} units[] = {
		{ "b", 1 }, { "bytes", 1 },
		{ "KB", 1000 }, { "k", 1024 }, { "KiB", 1024 },
		{ "MB", 1000000 }, { "M", MiB }, { "MiB", MiB },
		{ "GB", 1000000000 }, { "G", GiB }, { "GiB", GiB },
		{ "TB", 1000000000000ULL }, { "T", 1024 * GiB },
		{ "TiB", 1024 * GiB },
	};
	char unit[16], text[32], *end;
	unsigned long long v;
	uint64_t scale = 0;
	size_t i;

	if (!prop(n, "unit", unit, sizeof(unit)))
		snprintf(unit, sizeof(unit), "KiB");
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(units[i].unit, unit))
			scale = units[i].scale;
	text_of(n, text, sizeof(text));
	errno = 0;
	v = strtoull(text, &end, 10);
	if (!scale || !text[0] || *end || errno || v > UINT64_MAX / scale) {
		say(err, errlen, "<%s unit='%s'>%s</%s> is not a size",
		    (const char *)n->name, unit, text, (const char *)n->name);
		return -EINVAL;
	}
	*out = v * scale;
	return 0;
}

/**
 * domain_default_overhead() - what QEMU uses besides the guest's RAM
 * @memory: the domain's <memory>, bytes
 * @tcg: the domain is emulated (type='qemu')
 * @tb_cache: its <tcg><tb-cache> in bytes, or 0 for QEMU's default
 *
 * 128 MiB plus 1/64 of <memory>, rounded up to a MiB; an emulated domain
 * adds its translation cache (QEMU's default: 1 GiB, at most an eighth of
 * the host's RAM).
 *
 * Return: bytes.
 */
uint64_t domain_default_overhead(uint64_t memory, bool tcg, uint64_t tb_cache)
{
	uint64_t o = OVERHEAD_BASE + (memory >> OVERHEAD_SHIFT);
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	if (tcg) {
		if (!tb_cache) {
			tb_cache = TCG_CACHE_MAX;
			if (pages > 0 && psize > 0 &&
			    (uint64_t)pages * (uint64_t)psize / 8 < tb_cache)
				tb_cache = (uint64_t)pages * (uint64_t)psize / 8;
		}
		o += tb_cache;
	}
	return (o + MiB - 1) / MiB * MiB;
}

static xmlNode *find_meta(xmlNode *root, int *count)
{
	xmlNode *meta = child(root, "metadata"), *n, *found = NULL;

	*count = 0;
	for (n = meta ? meta->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href ||
		    strcmp((const char *)n->ns->href, MEMRESV_XML_NS))
			continue;
		(*count)++;
		if (!found)
			found = n;
	}
	return found;
}

/* A size attribute, in the memresv tool's syntax (512M, 1.5G). */
static int attr_size(xmlNode *m, const char *name, uint64_t *out, bool *has,
		     char *err, size_t errlen)
{
	char v[64];

	*has = prop(m, name, v, sizeof(v)) != NULL;
	if (!*has)
		return 0;
	if (parse_size(v, out)) {
		say(err, errlen, "%s='%s' is not a size (bytes, or with K, M, G, T: 512M, 1.5G)",
		    name, v);
		return -EINVAL;
	}
	return 0;
}

/* A setting the module ranges itself: the tool's field table says how. */
static int attr_field(xmlNode *m, const char *name, const char *field,
		      struct resv_info *r, char *err, size_t errlen)
{
	const struct field *f = field_by_name(resv_fields, resv_nfields, field);
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;
	char v[64];
	int ret;

	if (!f || !prop(m, name, v, sizeof(v)))
		return 0;
	switch (f->type) {
	case FIELD_SIZE:
		ret = parse_size(v, &v64);
		if (!ret && (v64 < f->min || v64 > f->max))
			ret = -ERANGE;
		break;
	case FIELD_U32:
		ret = parse_u32(v, (uint32_t)f->min, (uint32_t)f->max, &v32);
		v64 = v32;
		break;
	default:
		ret = parse_name(field_names(f), v, &v8);
		v64 = v8;
		break;
	}
	if (ret) {
		char names[128];

		if (f->type == FIELD_SIZE)
			say(err, errlen, "%s='%s' is not a size (bytes, or with K, M, G, T: 512M, 1.5G)",
			    name, v);
		else if (f->type == FIELD_U32)
			say(err, errlen, "%s='%s' is not a number from %" PRIu64 " to %" PRIu64,
			    name, v, f->min, f->max);
		else
			say(err, errlen, "%s='%s' is not one of %s", name, v,
			    names_list((enum name_set)field_names(f), ", ",
				       " or ", names, sizeof(names)));
		return -EINVAL;
	}
	field_put(r, f, v64);
	return 0;
}

static int check_attrs(xmlNode *m, char *err, size_t errlen)
{
	static const char *const known[] = {
		"startup", "minimum", "maximum", "buffer", "weight", "paging",
		"swap-max", "startup-window", "overhead",
	};
	xmlAttr *a;
	size_t i;

	for (a = m->properties; a; a = a->next) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (!strcmp((const char *)a->name, known[i]))
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			say(err, errlen, "unknown attribute '%s' (known: startup, minimum, maximum, buffer, weight, paging, swap-max, startup-window, overhead)",
			    (const char *)a->name);
			return -EINVAL;
		}
	}
	return 0;
}

static char *human(uint64_t b, char *buf, size_t len)
{
	if (b % GiB == 0)
		snprintf(buf, len, "%" PRIu64 "G", b / GiB);
	else if (b % MiB == 0)
		snprintf(buf, len, "%" PRIu64 "M", b / MiB);
	else
		snprintf(buf, len, "%" PRIu64 "K", (b + 1023) / 1024);
	return buf;
}

/* The element's sizes, its defaults, and the reservation on the group. */
static int meta_parse(xmlNode *m, struct domain_resv *d, uint64_t tb_cache,
		      char *err, size_t errlen)
{
	bool has_s, has_min, has_max, has_o;
	char a[32], b[32];
	struct resv_info *r = &d->resv;
	int ret;

	ret = check_attrs(m, err, errlen);
	if (!ret)
		ret = attr_size(m, "startup", &d->guest_startup, &has_s, err,
				errlen);
	if (!ret)
		ret = attr_size(m, "minimum", &d->guest_minimum, &has_min,
				err, errlen);
	if (!ret)
		ret = attr_size(m, "maximum", &d->guest_maximum, &has_max,
				err, errlen);
	if (!ret)
		ret = attr_size(m, "overhead", &d->overhead, &has_o, err,
				errlen);
	if (!ret)
		ret = attr_field(m, "buffer", "buffer", r, err, errlen);
	if (!ret)
		ret = attr_field(m, "weight", "weight", r, err, errlen);
	if (!ret)
		ret = attr_field(m, "paging", "paging", r, err, errlen);
	if (!ret)
		ret = attr_field(m, "swap-max", "swap_max", r, err, errlen);
	if (!ret)
		ret = attr_field(m, "startup-window", "startup_window", r, err,
				 errlen);
	if (ret)
		return ret;

	if (!has_o)
		d->overhead = domain_default_overhead(d->memory, d->tcg,
						      tb_cache);
	if (!has_max)
		d->guest_maximum = d->memory;
	if (!has_s)
		d->guest_startup = d->current < d->guest_maximum ?
				   d->current : d->guest_maximum;
	if (!has_min)
		d->guest_minimum = d->current / 2 < d->guest_startup ?
				   d->current / 2 : d->guest_startup;
	if (d->guest_maximum > d->memory) {
		say(err, errlen, "maximum (%s) is above the domain's <memory> (%s): the guest can never have it; raise <memory> or lower maximum",
		    human(d->guest_maximum, a, sizeof(a)),
		    human(d->memory, b, sizeof(b)));
		return -EINVAL;
	}
	if (!d->guest_minimum) {
		say(err, errlen, "minimum must be above 0");
		return -EINVAL;
	}
	if (d->guest_minimum > d->guest_startup) {
		say(err, errlen, "minimum (%s) is above startup (%s)",
		    human(d->guest_minimum, a, sizeof(a)),
		    human(d->guest_startup, b, sizeof(b)));
		return -EINVAL;
	}
	if (d->guest_startup > d->guest_maximum) {
		say(err, errlen, "startup (%s) is above maximum (%s)",
		    human(d->guest_startup, a, sizeof(a)),
		    human(d->guest_maximum, b, sizeof(b)));
		return -EINVAL;
	}
	r->startup = d->guest_startup + d->overhead;
	r->minimum = d->guest_minimum + d->overhead;
	r->maximum = d->guest_maximum + d->overhead;
	r->set |= RESV_REQUEST;
	return 0;
}

/* <memory>, <currentMemory>, the type, the translation cache, <memtune>. */
static int domain_sizes(xmlNode *root, struct domain_resv *d,
			uint64_t *tb_cache, char *err, size_t errlen)
{
	xmlNode *n, *mt, *f;
	char buf[32];
	int ret;

	n = child(root, "memory");
	if (!n) {
		say(err, errlen, "the domain has no <memory>");
		return -EINVAL;
	}
	ret = libvirt_size(n, &d->memory, err, errlen);
	if (ret)
		return ret;
	d->current = d->memory;
	n = child(root, "currentMemory");
	if (n) {
		ret = libvirt_size(n, &d->current, err, errlen);
		if (ret)
			return ret;
	}
	d->tcg = prop(root, "type", buf, sizeof(buf)) && !strcmp(buf, "qemu");
	*tb_cache = 0;
	f = child(child(child(root, "features"), "tcg"), "tb-cache");
	if (f) {
		ret = libvirt_size(f, tb_cache, err, errlen);
		if (ret)
			return ret;
	}
	mt = child(root, "memtune");
	d->memtune = mt && (child(mt, "hard_limit") || child(mt, "soft_limit") ||
			    child(mt, "swap_hard_limit") ||
			    child(mt, "min_guarantee"));
	return 0;
}

/**
 * domain_parse() - read a domain's XML and the reservation it asks for
 * @xml: the domain XML (as libvirt gives it to hooks, or virDomainGetXMLDesc)
 * @len: its length
 * @d: the domain and its reservation
 * @err: why not, one line without the domain's name
 * @errlen: room in @err
 *
 * A domain without <memresv:reservation> is not an error: @d->has_meta is
 * false and only its name, UUID and id are filled in.
 *
 * Return: 0, or -EINVAL with @err saying what is wrong.
 */
int domain_parse(const char *xml, size_t len, struct domain_resv *d,
		 char *err, size_t errlen)
{
	xmlDoc *doc;
	xmlNode *root, *n, *m;
	uint64_t tb_cache;
	char buf[32];
	int ret = 0, count;

	memset(d, 0, sizeof(*d));
	d->id = -1;
	err[0] = '\0';
	doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || strcmp((const char *)root->name, "domain")) {
		say(err, errlen, "the domain XML cannot be read");
		ret = -EINVAL;
		goto out;
	}
	n = child(root, "name");
	if (n)
		text_of(n, d->name, sizeof(d->name));
	n = child(root, "uuid");
	if (n)
		text_of(n, d->uuid, sizeof(d->uuid));
	if (prop(root, "id", buf, sizeof(buf)))
		d->id = atoi(buf);
	m = find_meta(root, &count);
	if (!m)
		goto out;
	d->has_meta = true;
	if (count > 1 || strcmp((const char *)m->name, MEMRESV_XML_ELEMENT)) {
		say(err, errlen, "<metadata> holds %s in namespace %s: only one <%s> element is allowed",
		    count > 1 ? "several elements" : (const char *)m->name,
		    MEMRESV_XML_NS, MEMRESV_XML_ELEMENT);
		ret = -EINVAL;
		goto out;
	}
	if (!d->uuid[0]) {
		say(err, errlen, "the domain has no <uuid>");
		ret = -EINVAL;
		goto out;
	}
	ret = domain_sizes(root, d, &tb_cache, err, errlen);
	if (!ret)
		ret = meta_parse(m, d, tb_cache, err, errlen);
out:
	if (doc)
		xmlFreeDoc(doc);
	return ret;
}

/**
 * domain_group_of_pid() - the libvirt group a domain's QEMU process runs in
 * @pid: QEMU's pid
 * @cgroup: the group, relative to the cgroup2 root
 *	(machine.slice/machine-qemu\x2dN\x2dNAME.scope/libvirt)
 * @len: room in @cgroup
 * @err: why not
 * @errlen: room in @err
 *
 * QEMU runs in the scope's libvirt/emulator (its vCPU threads in
 * libvirt/vcpuN): the reservation covers all of it, so it goes on
 * libvirt, the child that libvirt owns (the scope is machined's).
 *
 * Return: 0 or a negative errno.
 */
int domain_group_of_pid(long pid, char *cgroup, size_t len, char *err,
			size_t errlen)
{
	char path[64], line[4096], dir[4200], *p, *c;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	f = fopen(path, "re");
	if (!f) {
		say(err, errlen, "QEMU (pid %ld) is not running", pid);
		return -ESRCH;
	}
	p = NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::/", 4)) {
			p = line + 4;
			p[strcspn(p, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	if (!p) {
		say(err, errlen, "QEMU (pid %ld) is in no cgroup v2 group", pid);
		return -ENOENT;
	}
	/* .../NAME.scope/libvirt[/emulator] */
	for (c = strstr(p, ".scope/libvirt"); c;
	     c = strstr(c + 1, ".scope/libvirt")) {
		char *end = c + strlen(".scope/libvirt");

		if (*end == '\0' || *end == '/') {
			*end = '\0';
			snprintf(cgroup, len, "%s", p);
			return 0;
		}
	}
	/* A scope without libvirt's child: libvirt puts QEMU there later. */
	if (strlen(p) > 6 && !strcmp(p + strlen(p) - 6, ".scope")) {
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s/libvirt", p);
		if (!stat(dir, &st) && S_ISDIR(st.st_mode)) {
			snprintf(cgroup, len, "%s/libvirt", p);
			return 0;
		}
	}
	say(err, errlen, "QEMU (pid %ld) runs in /%s, not in a machine scope's libvirt group",
	    pid, p);
	return -ENOENT;
}

/**
 * domain_group_find() - the libvirt group of a running domain, by name
 * @name: the domain's name
 * @cgroup: the group, relative to the cgroup2 root
 * @len: room in @cgroup
 * @err: why not
 * @errlen: room in @err
 *
 * From QEMU's pid, which libvirt keeps in /run/libvirt/qemu/NAME.pid.
 *
 * Return: 0 or a negative errno.
 */
int domain_group_find(const char *name, char *cgroup, size_t len, char *err,
		      size_t errlen)
{
	char path[DOMAIN_NAME_LEN + 32];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/run/libvirt/qemu/%s.pid", name);
	f = fopen(path, "re");
	if (!f || fscanf(f, "%ld", &pid) != 1 || pid <= 0) {
		if (f)
			fclose(f);
		say(err, errlen, "cannot read QEMU's pid from %s", path);
		return -ENOENT;
	}
	fclose(f);
	return domain_group_of_pid(pid, cgroup, len, err, errlen);
}

static int mkdirs(const char *dir)
{
	char buf[256], *p;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool uuid_ok(const char *uuid)
{
	return uuid[0] && strlen(uuid) < DOMAIN_UUID_LEN &&
	       strspn(uuid, "0123456789abcdefABCDEF-") == strlen(uuid);
}

/**
 * domain_note_write() - note which group holds a domain's reservation
 * @uuid: the domain's UUID
 * @cgroup: its group
 *
 * The hook writes it when it reserves, the agent and the hook's later
 * calls read it; it lives in /run, as long as the domains do.
 *
 * Return: 0 or a negative errno.
 */
int domain_note_write(const char *uuid, const char *cgroup)
{
	char path[128], tmp[140];
	FILE *f;
	int err;

	if (!uuid_ok(uuid))
		return -EINVAL;
	err = mkdirs(MEMRESV_LIBVIRT_RUN_DIR);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", MEMRESV_LIBVIRT_RUN_DIR, uuid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%s\n", cgroup);
	if (fclose(f) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

/**
 * domain_note_read() - the group domain_note_write() noted for a domain
 * @uuid: the domain's UUID
 * @cgroup: the group
 * @len: room in @cgroup
 *
 * Return: 0 or a negative errno (-ENOENT: no note).
 */
int domain_note_read(const char *uuid, char *cgroup, size_t len)
{
	char path[128];
	FILE *f;

	if (!uuid_ok(uuid))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", MEMRESV_LIBVIRT_RUN_DIR, uuid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (!fgets(cgroup, (int)len, f)) {
		fclose(f);
		return -ENOENT;
	}
	fclose(f);
	cgroup[strcspn(cgroup, "\n")] = '\0';
	return cgroup[0] ? 0 : -ENOENT;
}

/**
 * domain_note_remove() - forget the note of a domain that went
 * @uuid: the domain's UUID
 */
void domain_note_remove(const char *uuid)
{
	char path[128];

	if (!uuid_ok(uuid))
		return;
	snprintf(path, sizeof(path), "%s/%s", MEMRESV_LIBVIRT_RUN_DIR, uuid);
	unlink(path);
}
