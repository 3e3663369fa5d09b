// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of the memresv tool's non-netlink parts
 * (tools/memresv: TOOL_LIB_SRCS): sizes, numbers, cgroup paths, human
 * output, JSON in both directions, restore-file validation, the restore
 * journal's undo, and offline placement over host snapshots.
 *
 * Builds with the kselftest headers on the include path, -Iuapi -Ikernel,
 * json-c, $(TOOL_LIB_SRCS) and kernel/policy.c; no kernel module needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "policy.h"
#include "../../tools/memresv/format.h"
#include "../../tools/memresv/json.h"
#include "../../tools/memresv/model.h"
#include "../../tools/memresv/parse.h"
#include "../../tools/memresv/rating.h"
#include "../../tools/memresv/journal.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define KiB		(1ULL << 10)
#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define TiB		(1ULL << 40)

/* A scratch file holding @text; the caller unlinks @path. */
static void write_file(struct __test_metadata *_metadata, char *path,
		       const char *text)
{
	int fd = mkstemp(path);
	size_t len = strlen(text);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)len, write(fd, text, len));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Sizes and numbers                                                  */
/* ------------------------------------------------------------------ */

TEST(size_valid)
{
	static const struct {
		const char *in;
		uint64_t want;
	} cases[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "4096", 4096 },
		{ "007", 7 },
		{ "1B", 1 },
		{ "1b", 1 },
		{ "1K", KiB },
		{ "1k", KiB },
		{ "1KB", KiB },
		{ "1KiB", KiB },
		{ "1kib", KiB },
		{ "512M", 512 * MiB },
		{ "512m", 512 * MiB },
		{ "512MiB", 512 * MiB },
		{ "1G", GiB },
		{ "1GB", GiB },
		{ "1gib", GiB },
		{ "2T", 2 * TiB },
		{ "2tb", 2 * TiB },
		{ "1P", 1024 * TiB },
		{ "4p", MEMRESV_SIZE_MAX },
		/* Decimals are exact, in integer arithmetic. */
		{ "1.5G", 1610612736ULL },
		{ "0.5K", 512 },
		{ "1.25M", 1310720 },
		{ "0.1T", 109951162778ULL },	/* 109951162777.6, rounded up */
		{ "1.1K", 1127 },		/* 1126.4, rounded up */
		{ "1.5", 2 },			/* a fraction of a byte rounds up */
		{ "0.0G", 0 },
		{ "3.000000000000000000G", 3 * GiB },	/* 18 decimals */
		{ "0.000000000000000001T", 1 },
		/* The upper bound itself. */
		{ "4096T", MEMRESV_SIZE_MAX },
		{ "4194304G", MEMRESV_SIZE_MAX },
		{ "4503599627370496", MEMRESV_SIZE_MAX },
		{ "4095.999999999999999T", MEMRESV_SIZE_MAX },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		uint64_t got = 0xdead;

		ASSERT_EQ(0, parse_size(cases[i].in, &got))
			TH_LOG("size '%s'", cases[i].in);
		EXPECT_EQ(cases[i].want, got) TH_LOG("size '%s'", cases[i].in);
	}
}

TEST(size_invalid)
{
	static const char * const bad[] = {
		"", "-1", "+1", "-0", " 1", "1 ", "12Q", "1.", ".5", "1..5",
		"1.5.G", "G", "K1", "1GG", "1iB", "1Gi", "1KiBB", "0x10",
		"1e3", "1,5G", "1_000", "1E", "1X", "1 G", "1.0000000000000000001G",
		"\t1", "1\n", "one",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		uint64_t got = 0xdead;

		EXPECT_EQ(-EINVAL, parse_size(bad[i], &got))
			TH_LOG("size '%s'", bad[i]);
		EXPECT_EQ(0xdeadULL, got) TH_LOG("size '%s'", bad[i]);
	}
}

TEST(size_overflow)
{
	static const char * const big[] = {
		"4503599627370497",		/* MEMRESV_SIZE_MAX + 1 */
		"4097T",
		"4194305G",
		"4096.000000000000001T",
		"4096.1T",
		"18446744073709551615",		/* UINT64_MAX */
		"18446744073709551616",		/* UINT64_MAX + 1 */
		"99999999999999999999999999999",
		"16777216T",			/* 2^64: wraps if shifted blindly */
		"17179869184G",
		"4.5P",
		"5P",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(big); i++) {
		uint64_t got = 0xdead;

		EXPECT_EQ(-ERANGE, parse_size(big[i], &got))
			TH_LOG("size '%s'", big[i]);
		EXPECT_EQ(0xdeadULL, got) TH_LOG("size '%s'", big[i]);
	}
}

TEST(u32_ranges)
{
	static const struct {
		const char *in;
		uint32_t min, max;
		int ret;
		uint32_t want;
	} cases[] = {
		{ "0", 0, MEMRESV_WEIGHT_MAX, 0, 0 },
		{ "10000", 0, MEMRESV_WEIGHT_MAX, 0, 10000 },
		{ "10001", 0, MEMRESV_WEIGHT_MAX, -ERANGE, 0 },
		{ "4", MEMRESV_BUFFER_MIN, MEMRESV_BUFFER_MAX, -ERANGE, 0 },
		{ "5", MEMRESV_BUFFER_MIN, MEMRESV_BUFFER_MAX, 0, 5 },
		{ "2000", MEMRESV_BUFFER_MIN, MEMRESV_BUFFER_MAX, 0, 2000 },
		{ "4294967295", 0, UINT32_MAX, 0, UINT32_MAX },
		{ "4294967296", 0, UINT32_MAX, -ERANGE, 0 },
		{ "99999999999999999999", 0, UINT32_MAX, -ERANGE, 0 },
		{ "", 0, 10, -EINVAL, 0 },
		{ "-1", 0, 10, -EINVAL, 0 },
		{ "1x", 0, 10, -EINVAL, 0 },
		{ "1.0", 0, 10, -EINVAL, 0 },
		{ " 1", 0, 10, -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		uint32_t got = 0;

		EXPECT_EQ(cases[i].ret, parse_u32(cases[i].in, cases[i].min,
						  cases[i].max, &got))
			TH_LOG("number '%s'", cases[i].in);
		if (!cases[i].ret)
			EXPECT_EQ(cases[i].want, got)
				TH_LOG("number '%s'", cases[i].in);
	}
}

TEST(enum_names)
{
	uint8_t v;

	EXPECT_STREQ("starting", name_of(NAMES_STATE, MEMRESV_STATE_STARTING));
	EXPECT_STREQ("starting(paging)",
		     name_of(NAMES_STATE, MEMRESV_STATE_PAGING));
	EXPECT_STREQ("running", name_of(NAMES_STATE, MEMRESV_STATE_RUNNING));
	EXPECT_STREQ("warning", name_of(NAMES_STATUS, MEMRESV_STATUS_WARNING));
	EXPECT_STREQ("admission-refused",
		     name_of(NAMES_EVENT, MEMRESV_EVENT_ADMISSION_REFUSED));
	EXPECT_STREQ("host-changed",
		     name_of(NAMES_EVENT, MEMRESV_EVENT_HOST_CHANGED));
	EXPECT_STREQ("cgroup-gone",
		     name_of(NAMES_REASON, MEMRESV_REASON_CGROUP_GONE));
	EXPECT_STREQ("paging-max",
		     name_of(NAMES_REASON, MEMRESV_REASON_PAGING_MAX));
	EXPECT_EQ(NULL, name_of(NAMES_STATE, 0));
	EXPECT_EQ(NULL, name_of(NAMES_STATE, 200));
	EXPECT_EQ(NULL, name_of(NAMES_REASON, MEMRESV_REASON_NONE));

	ASSERT_EQ(0, parse_name(NAMES_PAGING, "never", &v));
	EXPECT_EQ(MEMRESV_PAGING_NEVER, v);
	ASSERT_EQ(0, parse_name(NAMES_PAGING, "always", &v));
	EXPECT_EQ(MEMRESV_PAGING_ALWAYS, v);
	ASSERT_EQ(0, parse_name(NAMES_POLICY, "startup", &v));
	EXPECT_EQ(MEMRESV_POLICY_STARTUP, v);
	EXPECT_EQ(-EINVAL, parse_name(NAMES_PAGING, "Always", &v));
	EXPECT_EQ(-EINVAL, parse_name(NAMES_PAGING, "", &v));
	EXPECT_EQ(-EINVAL, parse_name(NAMES_POLICY, "maximum", &v));
}

/* ------------------------------------------------------------------ */
/* cgroup paths                                                       */
/* ------------------------------------------------------------------ */

TEST(cgroup_paths)
{
	static const struct {
		const char *in;
		const char *mount;
		const char *want;	/* NULL: refused */
		const char *why;	/* part of the reason when refused */
	} cases[] = {
		{ "vms/web1", "/sys/fs/cgroup", "vms/web1", NULL },
		{ "vms/web1/", "/sys/fs/cgroup", "vms/web1", NULL },
		{ "vms//web1", "/sys/fs/cgroup", "vms/web1", NULL },
		{ "./vms/./web1", "/sys/fs/cgroup", "vms/web1", NULL },
		{ "a", NULL, "a", NULL },
		{ "/sys/fs/cgroup/vms/web1", "/sys/fs/cgroup", "vms/web1", NULL },
		{ "/sys/fs/cgroup//vms///web1/", "/sys/fs/cgroup", "vms/web1",
		  NULL },
		{ "//sys//fs/cgroup/vms", "/sys/fs/cgroup", "vms", NULL },
		{ "/sys/fs/cgroup/vms", "/sys/fs/cgroup/", "vms", NULL },
		{ "/sys/fs/cgroup/unified/a.slice", "/sys/fs/cgroup/unified",
		  "a.slice", NULL },
		{ "/cg/with space/x", "/cg/with space", "x", NULL },
		{ "//a//b/", "/", "a/b", NULL },
		{ "/a", "/", "a", NULL },
		{ "//a//b/", "/sys/fs/cgroup", NULL, "not under" },
		{ "/sys/fs/cgroup/", "/sys/fs/cgroup", NULL, "root" },
		{ "/sys/fs/cgroup", "/sys/fs/cgroup", NULL, "root" },
		{ "/sys/fs/cgroup//", "/sys/fs/cgroup", NULL, "root" },
		{ "/sys/fs/cgroup/.", "/sys/fs/cgroup", NULL, "root" },
		{ "/", "/", NULL, "root" },
		{ "/sys/fs/cgroupx/a", "/sys/fs/cgroup", NULL, "not under" },
		{ "/sys/fs", "/sys/fs/cgroup", NULL, "not under" },
		{ "/etc/passwd", "/sys/fs/cgroup", NULL, "not under" },
		{ "/sys/fs/cgroup/a", NULL, NULL, "not mounted" },
		{ "a/../b", "/sys/fs/cgroup", NULL, ".." },
		{ "..", "/sys/fs/cgroup", NULL, ".." },
		{ "/sys/fs/cgroup/../cgroup/a", "/sys/fs/cgroup", NULL, ".." },
		{ "a/..", "/sys/fs/cgroup", NULL, ".." },
		{ "", "/sys/fs/cgroup", NULL, "empty" },
		{ ".", "/sys/fs/cgroup", NULL, "empty" },
		{ "./", "/sys/fs/cgroup", NULL, "empty" },
	};
	char out[CGROUP_PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const char *why = NULL;
		int ret;

		ret = cgroup_normalize(cases[i].in, cases[i].mount, out,
				       sizeof(out), &why);
		if (cases[i].want) {
			ASSERT_EQ(0, ret) TH_LOG("'%s': %s", cases[i].in, why);
			EXPECT_STREQ(cases[i].want, out)
				TH_LOG("'%s'", cases[i].in);
		} else {
			ASSERT_EQ(-EINVAL, ret)
				TH_LOG("'%s' gave '%s'", cases[i].in, out);
			ASSERT_NE(NULL, why);
			EXPECT_NE(NULL, strstr(why, cases[i].why))
				TH_LOG("'%s': %s", cases[i].in, why);
		}
	}
}

TEST(cgroup_path_too_long)
{
	char in[64], out[8];
	const char *why = NULL;

	snprintf(in, sizeof(in), "abc/defgh");
	EXPECT_EQ(-EINVAL, cgroup_normalize(in, NULL, out, sizeof(out), &why));
	EXPECT_NE(NULL, strstr(why, "too long"));
	EXPECT_EQ(0, cgroup_normalize("abc/def", NULL, out, sizeof(out), &why));
	EXPECT_STREQ("abc/def", out);
}

TEST(cgroup_mountinfo)
{
	char path[] = "/tmp/memresv-cli-mountinfo-XXXXXX";
	char mount[256];

	write_file(_metadata, path,
		   "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		   "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		   "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
		   "41 31 0:38 / /srv/cg\\040two rw shared:9 - cgroup2 cgroup2 rw\n"
		   "42 31 0:38 / /other rw - cgroup2 cgroup2 rw\n");
	EXPECT_EQ(0, cgroup_mount_find(path, mount, sizeof(mount)));
	EXPECT_STREQ("/srv/cg two", mount);
	EXPECT_EQ(-ENAMETOOLONG, cgroup_mount_find(path, mount, 4));
	unlink(path);

	strcpy(path, "/tmp/memresv-cli-mountinfo-XXXXXX");
	write_file(_metadata, path,
		   "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw\n");
	EXPECT_EQ(-ENOENT, cgroup_mount_find(path, mount, sizeof(mount)));
	unlink(path);
	EXPECT_EQ(-ENOENT, cgroup_mount_find(path, mount, sizeof(mount)));
}

TEST(cgroup_saved_form)
{
	static const struct {
		const char *in;
		bool ok;
	} cases[] = {
		{ "vms/web1", true },
		{ "a", true },
		{ "/vms/web1", false },
		{ "vms//web1", false },
		{ "vms/web1/", false },
		{ "./vms", false },
		{ "vms/../x", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		const char *why;

		EXPECT_EQ(cases[i].ok ? 0 : -EINVAL,
			  cgroup_relative_check(cases[i].in, &why))
			TH_LOG("saved cgroup '%s'", cases[i].in);
	}
}

/* ------------------------------------------------------------------ */
/* Human output                                                       */
/* ------------------------------------------------------------------ */

TEST(human_sizes)
{
	static const struct {
		uint64_t in;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 1, "1B" },
		{ 1023, "1023B" },
		{ KiB, "1K" },
		{ 1536, "1.5K" },
		{ 4096, "4K" },
		{ 512 * MiB, "512M" },
		{ 1610612736ULL, "1.5G" },
		{ GiB, "1G" },
		{ GiB + 1, "1.0G" },		/* not exact: a decimal says so */
		{ GiB + 52 * MiB, "1.1G" },	/* 1.0508, rounded to nearest */
		{ GiB + 51 * MiB, "1.0G" },
		{ 1023 * MiB + 1000 * KiB, "1.0G" },	/* 1023.98M rounds up */
		{ 1023 * KiB, "1023K" },
		{ 10 * TiB, "10T" },
		{ MEMRESV_SIZE_MAX, "4P" },
		{ UINT64_MAX, "16.0E" },
	};
	char buf[SIZE_STR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		EXPECT_STREQ(cases[i].want,
			     format_size(cases[i].in, buf, sizeof(buf)))
			TH_LOG("size %llu", (unsigned long long)cases[i].in);
	}
}

TEST(human_sizes_read_back)
{
	/* Exact sizes print as text parse_size() turns into the same bytes. */
	static const uint64_t exact[] = {
		1, 1023, KiB, 1536, 3 * MiB, 1610612736ULL, 7 * TiB,
		MEMRESV_SIZE_MAX,
	};
	char buf[SIZE_STR_LEN];
	uint64_t back;
	size_t i;

	for (i = 0; i < ARRAY_LEN(exact); i++) {
		format_size(exact[i], buf, sizeof(buf));
		ASSERT_EQ(0, parse_size(buf, &back)) TH_LOG("'%s'", buf);
		EXPECT_EQ(exact[i], back) TH_LOG("'%s'", buf);
	}
}

TEST(human_stars)
{
	char buf[16];

	EXPECT_STREQ("0.0", format_stars(0, buf, sizeof(buf)));
	EXPECT_STREQ("5.0", format_stars(5000, buf, sizeof(buf)));
	EXPECT_STREQ("4.25", format_stars(4250, buf, sizeof(buf)));
	EXPECT_STREQ("4.2", format_stars(4200, buf, sizeof(buf)));
	EXPECT_STREQ("0.001", format_stars(1, buf, sizeof(buf)));
	EXPECT_STREQ("1.234", format_stars(1234, buf, sizeof(buf)));
}

TEST(table_alignment)
{
	static const char * const heads[] = { "NAME", "SIZE", "NOTE" };
	static const bool right[] = { false, true, false };
	const char *r1[] = { "vms/web1", "1.5G", "ok" };
	const char *r2[] = { "a", "512M", "" };
	char *text = NULL;
	size_t len = 0;
	struct table t;
	FILE *f;

	table_init(&t, 3, heads, right);
	ASSERT_EQ(0, table_add(&t, r1));
	ASSERT_EQ(0, table_add(&t, r2));
	f = open_memstream(&text, &len);
	ASSERT_NE(NULL, f);
	table_print(&t, f);
	fclose(f);
	table_free(&t);
	EXPECT_STREQ("NAME      SIZE  NOTE\n"
		     "vms/web1  1.5G  ok\n"
		     "a         512M  \n", text);
	free(text);
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

static void full_resv(struct resv_info *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->cgroup, "vms/web1");
	r->id = 1234567;
	r->startup = 2 * GiB;
	r->minimum = 512 * MiB;
	r->maximum = 4 * GiB;
	r->buffer = 20;
	r->weight = 5000;
	r->swap_max = 0;
	r->startup_window = 120;
	r->paging = MEMRESV_PAGING_RESTART;
	r->state = MEMRESV_STATE_PAGING;
	r->status = MEMRESV_STATUS_WARNING;
	r->guarantee = 1536 * MiB;
	r->target = 1536 * MiB;
	r->demand = 1800 * MiB;
	r->current = 1400 * MiB;
	r->swap_current = 100 * MiB;
	r->paging_grant = 512 * MiB;
	r->set = (1u << RESV_NBITS) - 1;
	r->set &= ~(1u << RESV_PHASE_LEFT_MS);
}

static void full_host(struct host_info *h)
{
	memset(h, 0, sizeof(*h));
	h->total = 16 * GiB;
	h->reserve = 1638 * MiB;
	h->capacity = h->total - h->reserve;
	h->guaranteed = 3 * GiB;
	h->assigned = 5 * GiB;
	h->free = h->capacity - h->assigned;
	h->paging_limit = 4 * GiB;
	h->paging_used = 0;
	h->period_ms = 1000;
	h->paging_max = 600;
	h->reservations = 3;
	h->reclaimable = 2 * GiB;
	h->set = (1u << HOST_NBITS) - 1;
}

/* The keys of a JSON object, sorted, comma-separated. */
static void json_keys(json_object *obj, char *buf, size_t len)
{
	const char *keys[64];
	size_t n = 0, i, j;

	json_object_object_foreach(obj, key, val) {
		(void)val;
		keys[n++] = key;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(buf, keys[i], len - strlen(buf) - 1);
		if (i + 1 < n)
			strncat(buf, ",", len - strlen(buf) - 1);
	}
}

TEST(json_resv_names)
{
	struct resv_info r;
	json_object *obj;
	char keys[1024];

	full_resv(&r);
	obj = resv_to_json(&r);
	ASSERT_NE(NULL, obj);
	json_keys(obj, keys, sizeof(keys));
	EXPECT_STREQ("actuator,buffer,cgroup,conflicts,current,demand,"
		     "demand_source,guarantee,guest_demand,guest_size,high,id,"
		     "maximum,minimum,paging,paging_grant,startup,"
		     "startup_window,state,status,swap_current,swap_max,"
		     "target,weight", keys);
	EXPECT_STREQ("starting(paging)",
		     json_object_get_string(json_object_object_get(obj, "state")));
	EXPECT_STREQ("restart",
		     json_object_get_string(json_object_object_get(obj, "paging")));
	EXPECT_TRUE(json_object_is_type(json_object_object_get(obj, "startup"),
					json_type_int));
	EXPECT_EQ(2 * GiB, json_object_get_uint64(json_object_object_get(obj,
									 "startup")));
	json_object_put(obj);

	/* Unset fields are left out, not written as zero. */
	memset(&r, 0, sizeof(r));
	strcpy(r.cgroup, "a");
	r.set = 1u << RESV_CGROUP | 1u << RESV_SWAP_MAX;
	obj = resv_to_json(&r);
	json_keys(obj, keys, sizeof(keys));
	EXPECT_STREQ("cgroup,swap_max", keys);
	json_object_put(obj);
}

TEST(json_resv_round_trip)
{
	struct resv_info r, back;
	char err[JSON_ERR_LEN] = "";
	json_object *obj, *parsed;
	const char *text;

	full_resv(&r);
	obj = resv_to_json(&r);
	ASSERT_NE(NULL, obj);
	text = json_object_to_json_string(obj);
	parsed = json_parse_text(text, strlen(text), err, sizeof(err));
	ASSERT_NE(NULL, parsed) TH_LOG("%s", err);
	ASSERT_EQ(0, resv_from_json(parsed, &back, UINT32_MAX, err,
				    sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(r.set, back.set);
	EXPECT_EQ(0, memcmp(&r, &back, sizeof(r)));
	json_object_put(parsed);
	json_object_put(obj);
}

TEST(json_host_round_trip)
{
	struct host_info h, back;
	char err[JSON_ERR_LEN] = "", keys[1024];
	json_object *obj, *parsed;
	const char *text;

	full_host(&h);
	obj = host_to_json(&h);
	ASSERT_NE(NULL, obj);
	json_keys(obj, keys, sizeof(keys));
	EXPECT_STREQ("assigned,capacity,free,guaranteed,holds,overcommitted,"
		     "paging_limit,paging_max,paging_used,period_ms,reclaimable,"
		     "reservations,reserve,total", keys);
	text = json_object_to_json_string(obj);
	parsed = json_parse_text(text, strlen(text), err, sizeof(err));
	ASSERT_NE(NULL, parsed) TH_LOG("%s", err);
	ASSERT_EQ(0, host_from_json(parsed, &back, UINT32_MAX, true, err,
				    sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, memcmp(&h, &back, sizeof(h)));
	json_object_put(parsed);
	json_object_put(obj);
}

TEST(json_place_and_event)
{
	struct place_result p = { .fit = MEMRESV_FIT_RECLAIM, .stars = 2750 };
	struct event_info ev;
	char keys[1024];
	json_object *obj;
	const char *text;

	strcpy(p.reason, "fits once 1 GiB is reclaimed");
	p.name = "hostA.json";
	obj = place_to_json(&p);
	ASSERT_NE(NULL, obj);
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	EXPECT_STREQ("{\"host\":\"hostA.json\",\"fit\":\"reclaim\",\"stars\":2.75,"
		     "\"reason\":\"fits once 1 GiB is reclaimed\"}", text);
	json_object_put(obj);

	p.name = NULL;
	p.stars = 5000;
	obj = place_to_json(&p);
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	EXPECT_NE(NULL, strstr(text, "\"stars\":5.0,"));
	EXPECT_EQ(NULL, strstr(text, "\"host\""));
	json_object_put(obj);

	memset(&ev, 0, sizeof(ev));
	ev.event = MEMRESV_EVENT_REMOVED;
	ev.reason = MEMRESV_REASON_CGROUP_GONE;
	ev.has_resv = true;
	full_resv(&ev.resv);
	obj = event_to_json(&ev);
	ASSERT_NE(NULL, obj);
	EXPECT_STREQ("removed", json_object_get_string(
			     json_object_object_get(obj, "event")));
	EXPECT_STREQ("cgroup-gone", json_object_get_string(
			     json_object_object_get(obj, "reason")));
	EXPECT_STREQ("vms/web1", json_object_get_string(
			     json_object_object_get(obj, "cgroup")));
	EXPECT_EQ(NULL, json_object_object_get(obj, "message"));
	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	EXPECT_EQ(NULL, strchr(text, '\n'));	/* one line per event */
	json_object_put(obj);

	memset(&ev, 0, sizeof(ev));
	ev.event = MEMRESV_EVENT_HOST_CHANGED;
	ev.has_host = true;
	full_host(&ev.host);
	obj = event_to_json(&ev);
	json_keys(obj, keys, sizeof(keys));
	EXPECT_STREQ("assigned,capacity,event,free,guaranteed,holds,"
		     "overcommitted,paging_limit,paging_max,paging_used,"
		     "period_ms,reclaimable,reservations,reserve,total", keys);
	json_object_put(obj);

	memset(&ev, 0, sizeof(ev));
	ev.event = MEMRESV_EVENT_WARNING;
	strcpy(ev.message, "memory.min has no effect");
	obj = event_to_json(&ev);
	EXPECT_STREQ("memory.min has no effect", json_object_get_string(
			     json_object_object_get(obj, "message")));
	EXPECT_EQ(NULL, json_object_object_get(obj, "reason"));
	json_object_put(obj);
}

/* ------------------------------------------------------------------ */
/* save / restore                                                     */
/* ------------------------------------------------------------------ */

TEST(config_round_trip)
{
	struct resv_info resvs[2];
	struct resv_config cfg = { .resvs = resvs, .nresvs = 2 }, back;
	char err[JSON_ERR_LEN] = "", keys[1024];
	json_object *obj;
	const char *text;

	full_host(&cfg.host);
	full_resv(&resvs[0]);
	full_resv(&resvs[1]);
	strcpy(resvs[1].cgroup, "vms/db");
	resvs[1].paging = MEMRESV_PAGING_NEVER;
	obj = config_to_json(&cfg);
	ASSERT_NE(NULL, obj);
	/* Only settings are saved: the derived fields change on their own. */
	json_keys(json_object_object_get(obj, "host"), keys, sizeof(keys));
	EXPECT_STREQ("paging_limit,paging_max,period_ms,reserve", keys);
	json_keys(json_object_array_get_idx(json_object_object_get(obj,
						"reservations"), 0),
		  keys, sizeof(keys));
	EXPECT_STREQ("buffer,cgroup,maximum,minimum,paging,startup,"
		     "startup_window,swap_max,weight", keys);

	text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY);
	ASSERT_EQ(0, config_from_text(text, strlen(text), &back, err,
				      sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(2U, back.nresvs);
	EXPECT_EQ(HOST_SETTINGS, back.host.set);
	EXPECT_EQ(cfg.host.reserve, back.host.reserve);
	EXPECT_EQ(cfg.host.period_ms, back.host.period_ms);
	EXPECT_STREQ("vms/db", back.resvs[1].cgroup);
	EXPECT_EQ(MEMRESV_PAGING_NEVER, back.resvs[1].paging);
	EXPECT_EQ(RESV_SETTINGS | 1u << RESV_CGROUP, back.resvs[0].set);
	EXPECT_EQ(2 * GiB, back.resvs[0].startup);
	config_free(&back);
	json_object_put(obj);
}

TEST(config_validation)
{
#define R(extra) "{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 2048, " \
		 "\"minimum\": 1024, \"maximum\": 4096" extra "}]}"
	static const struct {
		const char *text;
		const char *err;	/* NULL: accepted */
	} cases[] = {
		{ "{}", NULL },
		{ "{\"host\": {}, \"reservations\": []}", NULL },
		{ R(""), NULL },
		{ R(", \"paging\": \"always\", \"buffer\": 5, \"weight\": 0"),
		  NULL },
		{ "{\"host\": {\"reserve\": 0, \"period_ms\": 100, "
		  "\"paging_max\": 86400, \"paging_limit\": 4503599627370496}}",
		  NULL },
		{ "", "invalid JSON" },
		{ "{", "invalid JSON" },
		{ "{\"host\": {}} x", "trailing data" },
		{ "[]", "expected an object" },
		{ "{\"hosts\": {}}", "unknown key 'hosts'" },
		{ "{\"reservations\": {}}", "expected an array" },
		{ "{\"reservations\": [1]}", "reservations[0]: expected an object" },
		{ "{\"host\": {\"total\": 1}}", "host: 'total' is not a setting" },
		{ "{\"host\": {\"colour\": 1}}", "host: unknown key 'colour'" },
		{ "{\"host\": {\"period_ms\": 99}}", "'period_ms' must be between 100 and 60000" },
		{ "{\"host\": {\"paging_max\": 0}}", "'paging_max' must be between" },
		{ "{\"host\": {\"reserve\": -1}}", "'reserve' must not be negative" },
		{ "{\"host\": {\"reserve\": \"1G\"}}", "'reserve' must be an integer" },
		{ "{\"host\": {\"reserve\": 1.5}}", "'reserve' must be an integer" },
		{ "{\"host\": {\"reserve\": 4503599627370497}}", "'reserve' must be between" },
		{ R(", \"target\": 1"), "reservations[0]: 'target' is not a setting" },
		{ R(", \"size\": 1"), "reservations[0]: unknown key 'size'" },
		{ R(", \"buffer\": 4"), "'buffer' must be between 5 and 2000" },
		{ R(", \"buffer\": 2001"), "'buffer' must be between 5 and 2000" },
		{ R(", \"weight\": 10001"), "'weight' must be between 0 and 10000" },
		{ R(", \"startup_window\": 0"), "'startup_window' must be between 1 and 3600" },
		{ R(", \"weight\": 4294967296"), "'weight' must be between" },
		{ R(", \"paging\": \"sometimes\""), "'paging' has an unknown value 'sometimes'" },
		{ R(", \"paging\": 1"), "'paging' has an unknown value" },
		{ R(", \"swap_max\": null"), "'swap_max' must be an integer" },
		{ "{\"reservations\": [{\"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "'cgroup' is missing" },
		{ "{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 2, \"minimum\": 1}]}",
		  "a: 'startup', 'minimum' and 'maximum' are required" },
		{ "{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 2, \"minimum\": 0, \"maximum\": 3}]}",
		  "'minimum' must be between 1" },
		{ "{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 1, \"minimum\": 2, \"maximum\": 3}]}",
		  "a: need minimum <= startup <= maximum" },
		{ "{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 4, \"minimum\": 2, \"maximum\": 3}]}",
		  "a: need minimum <= startup <= maximum" },
		{ "{\"reservations\": [{\"cgroup\": \"/a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "must be relative" },
		{ "{\"reservations\": [{\"cgroup\": \"a/../b\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "'..' is not allowed" },
		{ "{\"reservations\": [{\"cgroup\": \"a//b\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "not in normal form" },
		{ "{\"reservations\": [{\"cgroup\": \"\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "empty cgroup path" },
		{ "{\"reservations\": [{\"cgroup\": 7, \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "'cgroup' must be a string" },
		{ "{\"reservations\": ["
		  "{\"cgroup\": \"a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3},"
		  "{\"cgroup\": \"a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "reservations[1]: a: listed twice" },
		{ "{\"reservations\": ["
		  "{\"cgroup\": \"vms\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3},"
		  "{\"cgroup\": \"vms/a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "reservations[1]: vms/a: nested in or around vms" },
		{ "{\"reservations\": ["
		  "{\"cgroup\": \"vms/a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3},"
		  "{\"cgroup\": \"vms\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  "nested in or around" },
		/* Siblings sharing a prefix are not nested. */
		{ "{\"reservations\": ["
		  "{\"cgroup\": \"vms/a\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3},"
		  "{\"cgroup\": \"vms/ab\", \"startup\": 2, \"minimum\": 1, \"maximum\": 3}]}",
		  NULL },
	};
#undef R
	struct resv_config cfg;
	char err[JSON_ERR_LEN];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int ret;

		err[0] = '\0';
		ret = config_from_text(cases[i].text, strlen(cases[i].text),
				       &cfg, err, sizeof(err));
		if (!cases[i].err) {
			EXPECT_EQ(0, ret)
				TH_LOG("%s: %s", cases[i].text, err);
			config_free(&cfg);
			continue;
		}
		EXPECT_NE(0, ret) TH_LOG("%s", cases[i].text);
		EXPECT_NE(NULL, strstr(err, cases[i].err))
			TH_LOG("%s: got '%s', want '%s'", cases[i].text, err,
			       cases[i].err);
		EXPECT_EQ(NULL, cfg.resvs);
		EXPECT_EQ(0U, cfg.nresvs);
	}
}

/* A fake kernel for restore_apply(): a log of calls and a failure to inject. */
struct fake_kernel {
	char log[2048];
	struct host_info host;
	struct resv_info existing;	/* one reservation that is there */
	const char *fail_new;		/* RESV_NEW of this cgroup fails */
	const char *fail_set;		/* RESV_SET of this cgroup fails */
	int reports;
};

static void fk_log(struct fake_kernel *fk, const char *fmt, const char *arg,
		   uint64_t v)
{
	size_t n = strlen(fk->log);

	snprintf(fk->log + n, sizeof(fk->log) - n, fmt, arg,
		 (unsigned long long)v);
}

static int fk_host_get(void *ctx, struct host_info *h)
{
	*h = ((struct fake_kernel *)ctx)->host;
	fk_log(ctx, "host_get%s;", "", 0);
	return 0;
}

static int fk_host_set(void *ctx, const struct host_info *h)
{
	fk_log(ctx, "host_set%s(%llu);", "", h->reserve);
	((struct fake_kernel *)ctx)->host.reserve = h->reserve;
	return 0;
}

static int fk_resv_get(void *ctx, const char *cgroup, struct resv_info *r)
{
	struct fake_kernel *fk = ctx;

	fk_log(fk, "get(%s);", cgroup, 0);
	if (strcmp(cgroup, fk->existing.cgroup))
		return -ENOENT;
	*r = fk->existing;
	return 0;
}

static int fk_resv_new(void *ctx, const struct resv_info *r)
{
	struct fake_kernel *fk = ctx;

	fk_log(fk, "new(%s,%llu);", r->cgroup, r->startup);
	return fk->fail_new && !strcmp(fk->fail_new, r->cgroup) ? -ENOMEM : 0;
}

static int fk_resv_set(void *ctx, const struct resv_info *r)
{
	struct fake_kernel *fk = ctx;

	fk_log(fk, "set(%s,%llu);", r->cgroup, r->startup);
	return fk->fail_set && !strcmp(fk->fail_set, r->cgroup) ? -EBUSY : 0;
}

static int fk_resv_del(void *ctx, const char *cgroup)
{
	fk_log(ctx, "del(%s);", cgroup, 0);
	return 0;
}

static void fk_report(void *ctx, const char *what, int err)
{
	struct fake_kernel *fk = ctx;

	fk->reports++;
	fk_log(fk, "REPORT(%s:%llu);", what, (uint64_t)-err);
}

static const struct restore_ops fk_ops = {
	.host_get = fk_host_get,
	.host_set = fk_host_set,
	.resv_get = fk_resv_get,
	.resv_new = fk_resv_new,
	.resv_set = fk_resv_set,
	.resv_del = fk_resv_del,
	.report = fk_report,
};

static const char restore_file[] =
	"{\"host\": {\"reserve\": 2048},"
	" \"reservations\": ["
	"  {\"cgroup\": \"a\", \"startup\": 20, \"minimum\": 10, \"maximum\": 30},"
	"  {\"cgroup\": \"b\", \"startup\": 21, \"minimum\": 10, \"maximum\": 30},"
	"  {\"cgroup\": \"c\", \"startup\": 22, \"minimum\": 10, \"maximum\": 30}]}";

static void fk_init(struct fake_kernel *fk)
{
	memset(fk, 0, sizeof(*fk));
	fk->host.reserve = 1024;
	fk->host.total = 99;
	fk->host.set = (1u << HOST_RESERVE) | (1u << HOST_TOTAL);
	strcpy(fk->existing.cgroup, "b");
	fk->existing.startup = 7;
	fk->existing.target = 5;
	fk->existing.set = RESV_SETTINGS | (1u << RESV_CGROUP) |
			   (1u << RESV_TARGET);
}

TEST(restore_applies_in_order)
{
	struct fake_kernel fk;
	struct resv_config cfg;
	char err[JSON_ERR_LEN];

	ASSERT_EQ(0, config_from_text(restore_file, strlen(restore_file), &cfg,
				      err, sizeof(err))) TH_LOG("%s", err);
	fk_init(&fk);
	EXPECT_EQ(0, restore_apply(&cfg, &fk_ops, &fk));
	EXPECT_STREQ("host_get;host_set(2048);"
		     "get(a);new(a,20);get(b);set(b,21);get(c);new(c,22);",
		     fk.log);
	EXPECT_EQ(0, fk.reports);
	config_free(&cfg);
}

TEST(restore_undoes_on_failure)
{
	struct fake_kernel fk;
	struct resv_config cfg;
	char err[JSON_ERR_LEN];

	ASSERT_EQ(0, config_from_text(restore_file, strlen(restore_file), &cfg,
				      err, sizeof(err))) TH_LOG("%s", err);

	/* c fails: b gets its old settings back, a goes, the host reverts. */
	fk_init(&fk);
	fk.fail_new = "c";
	EXPECT_EQ(-ENOMEM, restore_apply(&cfg, &fk_ops, &fk));
	EXPECT_STREQ("host_get;host_set(2048);"
		     "get(a);new(a,20);get(b);set(b,21);get(c);new(c,22);"
		     "REPORT(c:12);set(b,7);del(a);host_set(1024);", fk.log);
	EXPECT_EQ(1, fk.reports);
	EXPECT_EQ(1024U, fk.host.reserve);

	/* The first step fails: only the host is put back. */
	fk_init(&fk);
	fk.fail_new = "a";
	EXPECT_EQ(-ENOMEM, restore_apply(&cfg, &fk_ops, &fk));
	EXPECT_STREQ("host_get;host_set(2048);get(a);new(a,20);"
		     "REPORT(a:12);host_set(1024);", fk.log);

	/* A failed change of an existing reservation is not undone itself. */
	fk_init(&fk);
	fk.fail_set = "b";
	EXPECT_EQ(-EBUSY, restore_apply(&cfg, &fk_ops, &fk));
	EXPECT_STREQ("host_get;host_set(2048);get(a);new(a,20);get(b);"
		     "set(b,21);REPORT(b:16);del(a);host_set(1024);", fk.log);
	config_free(&cfg);
}

TEST(restore_without_host_settings)
{
	static const char text[] =
		"{\"reservations\": [{\"cgroup\": \"a\", \"startup\": 2,"
		" \"minimum\": 1, \"maximum\": 3}]}";
	struct fake_kernel fk;
	struct resv_config cfg;
	char err[JSON_ERR_LEN];

	ASSERT_EQ(0, config_from_text(text, strlen(text), &cfg, err,
				      sizeof(err))) TH_LOG("%s", err);
	fk_init(&fk);
	fk.fail_new = "a";
	EXPECT_EQ(-ENOMEM, restore_apply(&cfg, &fk_ops, &fk));
	EXPECT_STREQ("get(a);new(a,2);REPORT(a:12);", fk.log);
	config_free(&cfg);
}

static void fk_missing(void *ctx, const char *cgroup)
{
	fk_log(ctx, "MISSING(%s);", cgroup, 0);
}

static int fk_resv_new_nocg(void *ctx, const struct resv_info *r)
{
	fk_log(ctx, "new(%s,%llu);", r->cgroup, r->startup);
	return strcmp(r->cgroup, "c") ? 0 : -ENOENT;
}

TEST(restore_skips_missing_cgroups)
{
	struct restore_ops ops = fk_ops;
	struct fake_kernel fk;
	struct resv_config cfg;
	char err[JSON_ERR_LEN];

	ASSERT_EQ(0, config_from_text(restore_file, strlen(restore_file), &cfg,
				      err, sizeof(err))) TH_LOG("%s", err);
	/* Without --skip-missing a missing group fails it all. */
	fk_init(&fk);
	ops.resv_new = fk_resv_new_nocg;
	EXPECT_EQ(-ENOENT, restore_apply(&cfg, &ops, &fk));
	EXPECT_EQ(1, fk.reports);
	/* With it, that group is left out and the rest applies. */
	fk_init(&fk);
	ops.missing = fk_missing;
	EXPECT_EQ(0, restore_apply(&cfg, &ops, &fk));
	EXPECT_STREQ("host_get;host_set(2048);"
		     "get(a);new(a,20);get(b);set(b,21);get(c);new(c,22);"
		     "MISSING(c);", fk.log);
	EXPECT_EQ(0, fk.reports);
	config_free(&cfg);
}

/* ------------------------------------------------------------------ */
/* Offline place                                                      */
/* ------------------------------------------------------------------ */

TEST(place_snapshot_matches_policy)
{
	char path[] = "/tmp/memresv-cli-host-XXXXXX";
	struct place_request req = {
		.startup = 6 * GiB, .minimum = 2 * GiB, .maximum = 8 * GiB,
		.policy = MEMRESV_POLICY_MINIMUM,
	};
	struct memresv_host_figures fig;
	struct memresv_request mreq = {
		.startup = req.startup, .minimum = req.minimum,
		.maximum = req.maximum, .paging_allowed = true,
	};
	struct memresv_rating want;
	struct place_result got;
	struct host_info h, snap;
	char err[JSON_ERR_LEN] = "", why[PLACE_REASON_MAX];
	json_object *obj;
	int policy;

	/* The snapshot is what `memresv host -j` prints. */
	full_host(&h);
	obj = host_to_json(&h);
	ASSERT_NE(NULL, obj);
	json_object_object_add(obj, "hostname", json_object_new_string("n1"));
	write_file(_metadata, path, json_object_to_json_string_ext(obj,
					JSON_C_TO_STRING_PRETTY));
	json_object_put(obj);
	ASSERT_EQ(0, rating_load_host(path, &snap, err, sizeof(err)))
		TH_LOG("%s", err);
	unlink(path);
	EXPECT_EQ(0, memcmp(&h, &snap, sizeof(h)));

	fig.capacity = h.capacity;
	fig.guaranteed = h.guaranteed;
	fig.assigned = h.assigned;
	fig.reclaimable = h.reclaimable;
	fig.paging_limit = h.paging_limit;
	fig.paging_used = h.paging_used;
	for (policy = 0; policy <= MEMRESV_POLICY_MAX_VAL; policy++) {
		uint64_t startup;

		for (startup = 2 * GiB; startup <= 16 * GiB; startup += GiB) {
			req.policy = (uint8_t)policy;
			req.startup = mreq.startup = startup;
			req.maximum = mreq.maximum = startup;
			memset(&want, 0, sizeof(want));
			memresv_policy_rate(&fig, &mreq,
					    (enum memresv_place_policy)policy,
					    &want);
			rating_rate(&snap, &req, &got);
			EXPECT_EQ(want.fit, got.fit)
				TH_LOG("policy %d startup %llu", policy,
				       (unsigned long long)startup);
			EXPECT_EQ(want.stars, got.stars)
				TH_LOG("policy %d startup %llu", policy,
				       (unsigned long long)startup);
			EXPECT_STREQ(rating_explain(&snap, &req, &want, why,
						    sizeof(why)), got.reason);
		}
	}
}

TEST(place_snapshot_errors)
{
	static const struct {
		const char *text;
		const char *err;
	} cases[] = {
		{ "{\"capacity\": 1, \"guaranteed\": 0, \"assigned\": 0,"
		  " \"paging_limit\": 0, \"paging_used\": 0}",
		  "'reclaimable' is missing" },
		{ "{\"guaranteed\": 0, \"assigned\": 0, \"reclaimable\": 0,"
		  " \"paging_limit\": 0, \"paging_used\": 0}",
		  "'capacity' is missing" },
		{ "{\"capacity\": -5}", "'capacity' must not be negative" },
		{ "{\"capacity\": \"8G\"}", "'capacity' must be an integer" },
		{ "not json", "invalid JSON" },
		{ "[]", "expected an object" },
	};
	char path[64], err[JSON_ERR_LEN];
	struct host_info h;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		strcpy(path, "/tmp/memresv-cli-host-XXXXXX");
		write_file(_metadata, path, cases[i].text);
		err[0] = '\0';
		EXPECT_NE(0, rating_load_host(path, &h, err, sizeof(err)))
			TH_LOG("snapshot %s", cases[i].text);
		EXPECT_NE(NULL, strstr(err, cases[i].err))
			TH_LOG("snapshot %s: got '%s'", cases[i].text, err);
		unlink(path);
	}
	EXPECT_EQ(-ENOENT, rating_load_host("/nonexistent/memresv/host.json",
					    &h, err, sizeof(err)));
}

TEST(place_ranking)
{
	struct place_request req = {
		.startup = 4 * GiB, .minimum = 1 * GiB, .maximum = 8 * GiB,
		.policy = MEMRESV_POLICY_MINIMUM,
	};
	static const struct {
		const char *name;
		uint64_t capacity, guaranteed, assigned, reclaimable;
		uint64_t paging_limit;
	} hosts[] = {
		/* full: fits only by paging */
		{ "full", 16 * GiB, 14 * GiB, 15 * GiB, 1 * GiB, 8 * GiB },
		/* busy: fits by reclaiming */
		{ "busy", 16 * GiB, 6 * GiB, 14 * GiB, 8 * GiB, 0 },
		/* idle: fits in free memory */
		{ "idle", 16 * GiB, 0, 0, 0, 0 },
		/* none: cannot start it at all */
		{ "none", 16 * GiB, 16 * GiB, 16 * GiB, 0, 0 },
		/* idle2: same as idle, listed later: keeps its place */
		{ "idle2", 16 * GiB, 0, 0, 0, 0 },
	};
	struct place_result res[ARRAY_LEN(hosts)];
	size_t i;

	for (i = 0; i < ARRAY_LEN(hosts); i++) {
		struct host_info h = { 0 };

		h.capacity = hosts[i].capacity;
		h.guaranteed = hosts[i].guaranteed;
		h.assigned = hosts[i].assigned;
		h.reclaimable = hosts[i].reclaimable;
		h.paging_limit = hosts[i].paging_limit;
		h.set = HOST_RATING;
		rating_rate(&h, &req, &res[i]);
		res[i].name = hosts[i].name;
	}
	EXPECT_EQ(MEMRESV_FIT_PAGING, res[0].fit);
	EXPECT_EQ(MEMRESV_FIT_RECLAIM, res[1].fit);
	EXPECT_EQ(MEMRESV_FIT_FREE, res[2].fit);
	EXPECT_EQ(MEMRESV_FIT_NONE, res[3].fit);
	EXPECT_EQ(0U, res[3].stars);
	rating_rank(res, ARRAY_LEN(res));
	EXPECT_STREQ("idle", res[0].name);
	EXPECT_STREQ("idle2", res[1].name);
	EXPECT_STREQ("busy", res[2].name);
	EXPECT_STREQ("full", res[3].name);
	EXPECT_STREQ("none", res[4].name);
	for (i = 1; i < ARRAY_LEN(res); i++)
		EXPECT_GE(res[i - 1].stars, res[i].stars);
}

TEST_HARNESS_MAIN
