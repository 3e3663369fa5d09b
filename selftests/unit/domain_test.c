// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of tools/libvirt/domain.c: the <memresv:reservation>
 * element of a libvirt domain's XML, its defaults from <memory> and
 * <currentMemory>, QEMU's overhead, and the refusals of a malformed
 * element -- what the libvirt hook and the agent both rely on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "../../tools/libvirt/domain.h"

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)

/* A domain of @type with <memory> MEM, <currentMemory> CUR, the element's
 * attributes ATTRS (NULL: no element) and EXTRA inside <domain>. */
static int parse(const char *type, const char *mem, const char *cur,
		 const char *attrs, const char *extra, struct domain_resv *d,
		 char *err)
{
	char xml[4096];

	snprintf(xml, sizeof(xml),
		 "<domain type='%s'><name>web1</name>"
		 "<uuid>6f1a3c2e-0d4b-4e59-a3f7-2b8c9d0e1f2a</uuid>%s%s%s"
		 "<memory unit='KiB'>%s</memory>%s%s%s%s</domain>",
		 type, attrs ? "<metadata><memresv:reservation xmlns:memresv='urn:memresv:1' " : "",
		 attrs ? attrs : "", attrs ? "/></metadata>" : "", mem,
		 cur ? "<currentMemory unit='KiB'>" : "", cur ? cur : "",
		 cur ? "</currentMemory>" : "", extra ? extra : "");
	return domain_parse(xml, strlen(xml), d, err, DOMAIN_ERR_LEN);
}

TEST(no_element_is_left_alone)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];

	ASSERT_EQ(0, parse("kvm", "4194304", NULL, NULL, NULL, &d, err));
	EXPECT_FALSE(d.has_meta);
	EXPECT_STREQ("web1", d.name);
	EXPECT_STREQ("6f1a3c2e-0d4b-4e59-a3f7-2b8c9d0e1f2a", d.uuid);
}

TEST(defaults_from_memory_and_current)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];
	uint64_t o = 128 * MiB + 4 * GiB / 64;

	ASSERT_EQ(0, parse("kvm", "4194304", "2097152", "", NULL, &d, err));
	ASSERT_TRUE(d.has_meta);
	EXPECT_EQ(o, d.overhead);
	EXPECT_EQ(2 * GiB + o, d.resv.startup);
	EXPECT_EQ(1 * GiB + o, d.resv.minimum);
	EXPECT_EQ(4 * GiB + o, d.resv.maximum);
	EXPECT_FALSE(HAS(&d.resv, RESV_BUFFER));
	EXPECT_FALSE(d.memtune);
}

TEST(the_issue_example)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];
	uint64_t o = 128 * MiB + 4 * GiB / 64;

	ASSERT_EQ(0, parse("kvm", "4194304", NULL,
			   "startup='2G' minimum='512M' maximum='4G' buffer='20' weight='5000' paging='restart'",
			   NULL, &d, err));
	EXPECT_EQ(2 * GiB + o, d.resv.startup);
	EXPECT_EQ(512 * MiB + o, d.resv.minimum);
	EXPECT_EQ(4 * GiB + o, d.resv.maximum);
	EXPECT_EQ(20, d.resv.buffer);
	EXPECT_EQ(5000, d.resv.weight);
	EXPECT_EQ(MEMRESV_PAGING_RESTART, d.resv.paging);
	EXPECT_TRUE(HAS(&d.resv, RESV_PAGING));
}

TEST(emulated_domain_counts_its_translation_cache)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];

	ASSERT_EQ(0, parse("qemu", "131072", NULL, "",
			   "<features><tcg><tb-cache unit='MiB'>32</tb-cache></tcg></features>",
			   &d, err));
	EXPECT_TRUE(d.tcg);
	EXPECT_EQ(128 * MiB + 2 * MiB + 32 * MiB, d.overhead);
	ASSERT_EQ(0, parse("qemu", "131072", NULL, "overhead='48M'", NULL,
			   &d, err));
	EXPECT_EQ(48 * MiB, d.overhead);
	EXPECT_EQ(128 * MiB + 48 * MiB, d.resv.maximum);
}

TEST(libvirt_units)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];
	const char *xml =
		"<domain type='kvm'><name>a</name><uuid>6f1a3c2e-0d4b-4e59-a3f7-2b8c9d0e1f2a</uuid>"
		"<metadata><m:reservation xmlns:m='urn:memresv:1' overhead='0'/></metadata>"
		"<memory unit='GiB'>2</memory><currentMemory unit='M'>1536</currentMemory></domain>";

	ASSERT_EQ(0, domain_parse(xml, strlen(xml), &d, err, sizeof(err)));
	EXPECT_EQ(2 * GiB, d.memory);
	EXPECT_EQ(1536 * MiB, d.resv.startup);
	EXPECT_EQ(768 * MiB, d.resv.minimum);
}

/* Each malformed element is refused, and the message names the problem. */
TEST(malformed_elements_are_refused)
{
	static const struct {
		const char *attrs, *extra, *says;
	} cases[] = {
		{ "startup='lots'", NULL, "startup='lots' is not a size" },
		{ "bufer='30'", NULL, "unknown attribute 'bufer'" },
		{ "buffer='3'", NULL, "buffer='3' is not a number from 5 to 2000" },
		{ "weight='10001'", NULL, "weight='10001' is not a number" },
		{ "paging='sometimes'", NULL, "paging='sometimes' is not one of" },
		{ "maximum='8G'", NULL, "maximum (8G) is above the domain's <memory> (4G)" },
		{ "startup='1G' minimum='2G'", NULL, "minimum (2G) is above startup (1G)" },
		{ "minimum='0'", NULL, "minimum must be above 0" },
	};
	char err[DOMAIN_ERR_LEN];
	struct domain_resv d;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(-EINVAL, parse("kvm", "4194304", NULL, cases[i].attrs,
					 cases[i].extra, &d, err));
		EXPECT_NE(NULL, strstr(err, cases[i].says))
			TH_LOG("%s: '%s'", cases[i].attrs, err);
	}
}

TEST(two_elements_are_refused)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];
	const char *xml =
		"<domain type='kvm'><name>a</name><uuid>6f1a3c2e-0d4b-4e59-a3f7-2b8c9d0e1f2a</uuid>"
		"<metadata><m:reservation xmlns:m='urn:memresv:1'/><m:other xmlns:m='urn:memresv:1'/></metadata>"
		"<memory>1048576</memory></domain>";

	EXPECT_EQ(-EINVAL, domain_parse(xml, strlen(xml), &d, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "only one <reservation>"));
}

TEST(memtune_is_noticed)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];

	ASSERT_EQ(0, parse("kvm", "4194304", NULL, "",
			   "<memtune><hard_limit unit='GiB'>5</hard_limit></memtune>",
			   &d, err));
	EXPECT_TRUE(d.memtune);
}

TEST(unreadable_xml)
{
	struct domain_resv d;
	char err[DOMAIN_ERR_LEN];

	EXPECT_EQ(-EINVAL, domain_parse("<domain", 7, &d, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cannot be read"));
}

TEST_HARNESS_MAIN
