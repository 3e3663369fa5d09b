// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of tools/memresvd/oomd_conf.c: systemd-oomd's
 * SwapUsedLimit= read from oomd.conf and its drop-ins with systemd's
 * precedence and value syntax, and the swap tier the agent leaves under it.
 * The files live under a temporary root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "../../tools/memresvd/oomd_conf.h"

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)

TEST(values)
{
	EXPECT_EQ(5000, oomd_parse_permyriad("50%"));
	EXPECT_EQ(5050, oomd_parse_permyriad("50.5%"));
	EXPECT_EQ(5025, oomd_parse_permyriad("50.25%"));
	EXPECT_EQ(10000, oomd_parse_permyriad("100%"));
	EXPECT_EQ(0, oomd_parse_permyriad("0%"));
	EXPECT_EQ(5055, oomd_parse_permyriad("505.5\xe2\x80\xb0"));
	EXPECT_EQ(5050, oomd_parse_permyriad("505\xe2\x80\xb0"));
	EXPECT_EQ(5050, oomd_parse_permyriad("5050\xe2\x80\xb1"));
	EXPECT_EQ(-ERANGE, oomd_parse_permyriad("100.01%"));
	EXPECT_EQ(-ERANGE, oomd_parse_permyriad("10001\xe2\x80\xb1"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("50"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad(""));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("%"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("50.123%"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("50.%"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("-5%"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("5x%"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("50.5\xe2\x80\xb1"));
	EXPECT_EQ(-EINVAL, oomd_parse_permyriad("50.55\xe2\x80\xb0"));
}

static int text(const char *s, int start)
{
	char *t = strdup(s);
	int v = start;

	oomd_conf_text(t, &v);
	free(t);
	return v;
}

TEST(one_file)
{
	EXPECT_EQ(5000, text("[OOM]\nSwapUsedLimit=50%\n", -1));
	EXPECT_EQ(6000, text("[OOM]\n  SwapUsedLimit = 60% \n", -1));
	/* The last one wins; a bad value is ignored. */
	EXPECT_EQ(7000, text("[OOM]\nSwapUsedLimit=50%\nSwapUsedLimit=70%\n"
			     "SwapUsedLimit=lots\n", -1));
	/* Only in [OOM]; comments; names are case-sensitive. */
	EXPECT_EQ(-1, text("SwapUsedLimit=50%\n", -1));
	EXPECT_EQ(-1, text("[Other]\nSwapUsedLimit=50%\n", -1));
	EXPECT_EQ(-1, text("[OOM]\n#SwapUsedLimit=50%\n;SwapUsedLimit=5%\n",
			   -1));
	EXPECT_EQ(-1, text("[OOM]\nswapusedlimit=50%\n", -1));
	EXPECT_EQ(-1, text("[oom]\nSwapUsedLimit=50%\n", -1));
	EXPECT_EQ(4000, text("[Other]\n[OOM]\nSwapUsedLimit=40%", -1));
	/* A line going on in the next. */
	EXPECT_EQ(3000, text("[OOM]\nSwapUsedLimit=\\\n30%\n", -1));
	/* The packaged file: everything commented out. */
	EXPECT_EQ(9000, text("[OOM]\n#SwapUsedLimit=90%\n"
			     "#DefaultMemoryPressureLimit=60%\n", 9000));
}

FIXTURE(root)
{
	char dir[64];
};

FIXTURE_SETUP(root)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/oomd_conf_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(root)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/* Write @content to @root/@path, making its directories. */
static void put(const char *root, const char *path, const char *content)
{
	char full[512], cmd[640];
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", full);
	if (system(cmd))
		return;
	f = fopen(full, "w");
	if (!f)
		return;
	fputs(content, f);
	fclose(f);
}

static int limit(const char *root, char *from)
{
	return oomd_swap_limit(root, from, 256);
}

TEST_F(root, nothing_is_the_default)
{
	char from[256];

	EXPECT_EQ(9000, limit(self->dir, from));
	EXPECT_STREQ("the default", from);
}

TEST_F(root, main_file_then_dropins_by_name)
{
	char from[256];

	put(self->dir, "/etc/systemd/oomd.conf", "[OOM]\nSwapUsedLimit=80%\n");
	EXPECT_EQ(8000, limit(self->dir, from));
	EXPECT_STREQ("/etc/systemd/oomd.conf", from);

	/* A drop-in beats the main file, whatever its directory. */
	put(self->dir, "/usr/lib/systemd/oomd.conf.d/10-vendor.conf",
	    "[OOM]\nSwapUsedLimit=70%\n");
	EXPECT_EQ(7000, limit(self->dir, from));
	EXPECT_STREQ("/usr/lib/systemd/oomd.conf.d/10-vendor.conf", from);

	/* Sorted by name across directories: 20 in /run beats 10 in /usr,
	 * and 05 in /etc comes before both. */
	put(self->dir, "/run/systemd/oomd.conf.d/20-run.conf",
	    "[OOM]\nSwapUsedLimit=60%\n");
	put(self->dir, "/etc/systemd/oomd.conf.d/05-early.conf",
	    "[OOM]\nSwapUsedLimit=10%\n");
	EXPECT_EQ(6000, limit(self->dir, from));
	EXPECT_STREQ("/run/systemd/oomd.conf.d/20-run.conf", from);

	/* A drop-in that says nothing of it changes nothing. */
	put(self->dir, "/usr/local/lib/systemd/oomd.conf.d/30-other.conf",
	    "[OOM]\nDefaultMemoryPressureLimit=50%\n");
	EXPECT_EQ(6000, limit(self->dir, NULL));

	/* Not a *.conf, or hidden: not read. */
	put(self->dir, "/etc/systemd/oomd.conf.d/99-x.conf.bak",
	    "[OOM]\nSwapUsedLimit=1%\n");
	put(self->dir, "/etc/systemd/oomd.conf.d/.99-x.conf",
	    "[OOM]\nSwapUsedLimit=1%\n");
	EXPECT_EQ(6000, limit(self->dir, NULL));
}

TEST_F(root, etc_masks_the_same_name)
{
	char from[256], path[256];

	put(self->dir, "/usr/lib/systemd/oomd.conf.d/50-vendor.conf",
	    "[OOM]\nSwapUsedLimit=40%\n");
	EXPECT_EQ(4000, limit(self->dir, from));

	/* The same name in /etc replaces the vendor's file. */
	put(self->dir, "/etc/systemd/oomd.conf.d/50-vendor.conf",
	    "[OOM]\nSwapUsedLimit=55.5%\n");
	EXPECT_EQ(5550, limit(self->dir, from));
	EXPECT_STREQ("/etc/systemd/oomd.conf.d/50-vendor.conf", from);

	/* An empty one masks it: back to the default. */
	put(self->dir, "/etc/systemd/oomd.conf.d/50-vendor.conf", "");
	EXPECT_EQ(9000, limit(self->dir, from));

	/* So does a link to /dev/null. */
	snprintf(path, sizeof(path),
		 "%s/etc/systemd/oomd.conf.d/50-vendor.conf", self->dir);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, symlink("/dev/null", path));
	EXPECT_EQ(9000, limit(self->dir, from));
	EXPECT_STREQ("the default", from);
}

TEST(cap)
{
	/* 50% of 1 GiB, nothing in use: 512 MiB. */
	EXPECT_EQ(512 * MiB, oomd_tier_cap(5000, GiB, GiB, 0, 0));
	/* 100 MiB used by others: 412 MiB. */
	EXPECT_EQ(412 * MiB, oomd_tier_cap(5000, GiB, GiB - 100 * MiB, 0, 0));
	/* The tier's own swap is not someone else's: 100 MiB used, 60 of
	 * it by groups paging on a tier that granted 80. */
	EXPECT_EQ(472 * MiB, oomd_tier_cap(5000, GiB, GiB - 100 * MiB,
					    60 * MiB, 80 * MiB));
	/* ... but no more than the grants count as the tier's. */
	EXPECT_EQ(432 * MiB, oomd_tier_cap(5000, GiB, GiB - 100 * MiB,
					    90 * MiB, 20 * MiB));
	/* Granted and unused is not room for others. */
	EXPECT_EQ(412 * MiB, oomd_tier_cap(5000, GiB, GiB - 100 * MiB,
					    0, 80 * MiB));
	/* Rounded down to MiB. */
	EXPECT_EQ(511 * MiB, oomd_tier_cap(5000, GiB, GiB - 1, 0, 0));
	/* 90% of 3 GiB + 1000 bytes. */
	EXPECT_EQ(2764 * MiB, oomd_tier_cap(9000, 3 * GiB + 1000,
					     3 * GiB + 1000, 0, 0));
	/* Others past the limit already, or no swap: nothing. */
	EXPECT_EQ(0, oomd_tier_cap(5000, GiB, 100 * MiB, 0, 0));
	EXPECT_EQ(0, oomd_tier_cap(5000, 0, 0, 0, 0));
	EXPECT_EQ(0, oomd_tier_cap(0, GiB, GiB, 0, 0));
	EXPECT_EQ(GiB, oomd_tier_cap(10000, GiB, GiB, 0, 0));
}

TEST(target_lowers_never_raises)
{
	EXPECT_EQ(512 * MiB, oomd_tier_target(GiB, 512 * MiB, 0));
	EXPECT_EQ(256 * MiB, oomd_tier_target(256 * MiB, 512 * MiB, 0));
	/* Never below what is granted now. */
	EXPECT_EQ(300 * MiB, oomd_tier_target(GiB, 200 * MiB, 300 * MiB));
	EXPECT_EQ(250 * MiB, oomd_tier_target(250 * MiB, 200 * MiB,
					      250 * MiB));
	EXPECT_EQ(0, oomd_tier_target(0, 512 * MiB, 0));
}

TEST_HARNESS_MAIN
