// SPDX-License-Identifier: GPL-2.0
/*
 * The memresv tool's field tables against the documents that describe them:
 * every setting a user can give has a command-line option with a value and
 * a help line, and that option appears, with the same value, in the man page
 * and in the bash completion.  A new field is one row of the table; this
 * test says which document still needs its line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "model.h"

#ifndef MEMRESV_SRC
#define MEMRESV_SRC	"."
#endif

static char *slurp(const char *name)
{
	char path[4096];
	size_t len = 0, got;
	char *buf = NULL, *nb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tools/memresv/%s", MEMRESV_SRC, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	do {
		nb = realloc(buf, len + 4097);
		if (!nb) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nb;
		got = fread(buf + len, 1, 4096, f);
		len += got;
	} while (got);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* "swap-max" as troff writes it: "swap\-max". */
static void troff(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 3 < len; in++) {
		if (*in == '-')
			out[n++] = '\\';
		out[n++] = *in;
	}
	out[n] = '\0';
}

/* The value an option takes in usage texts: its arg, or its names. */
static const char *value_of_option(const struct field *f, char *buf,
				   size_t len)
{
	if (f->arg)
		return f->arg;
	return names_list((enum name_set)field_names(f), "|", NULL, buf, len);
}

static void check_table(struct __test_metadata *_metadata,
			const struct field *fields, size_t n, uint32_t settings,
			const char *man, const char *completion)
{
	char opt[64], want[192], val[64], words[128];
	const char *v;
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		bool settable = (settings >> f->bit) & 1u;

		EXPECT_EQ(settable, f->option != NULL)
			TH_LOG("%s: a setting needs an option, and only a setting has one",
			       f->name);
		if (!f->option)
			continue;
		EXPECT_TRUE(f->help && *f->help) TH_LOG("--%s: no help", f->option);
		EXPECT_TRUE(f->arg || field_names(f) >= 0)
			TH_LOG("--%s: no value in the usage", f->option);
		for (j = 0; j < i; j++)
			EXPECT_FALSE(fields[j].option &&
				     !strcmp(fields[j].option, f->option))
				TH_LOG("--%s twice", f->option);

		/* .BI \-\-swap\-max " SIZE" (or .BR for a list of names) */
		troff(f->option, opt, sizeof(opt));
		v = value_of_option(f, val, sizeof(val));
		snprintf(want, sizeof(want), " \\-\\-%s \" %s\"\n", opt, v);
		EXPECT_NE(NULL, strstr(man, want))
			TH_LOG("memresv.8 has no line for --%s %s", f->option, v);

		snprintf(want, sizeof(want), "--%s", f->option);
		EXPECT_NE(NULL, strstr(completion, want))
			TH_LOG("the bash completion does not offer --%s",
			       f->option);
		if (field_names(f) >= 0) {
			names_list((enum name_set)field_names(f), " ", NULL,
				   words, sizeof(words));
			EXPECT_NE(NULL, strstr(completion, words))
				TH_LOG("the bash completion does not offer %s",
				       words);
		}
	}
}

TEST(settings_have_options_in_man_page_and_completion)
{
	char *man = slurp("memresv.8");
	char *completion = slurp("memresv.bash-completion");

	ASSERT_NE(NULL, man) TH_LOG("memresv.8 not found under %s", MEMRESV_SRC);
	ASSERT_NE(NULL, completion);
	check_table(_metadata, resv_fields, resv_nfields, RESV_SETTINGS, man,
		    completion);
	check_table(_metadata, host_fields, host_nfields, HOST_SETTINGS, man,
		    completion);
	free(man);
	free(completion);
}

TEST_HARNESS_MAIN
