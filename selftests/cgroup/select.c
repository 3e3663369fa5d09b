// SPDX-License-Identifier: GPL-2.0
/*
 * One of the kernel's cgroup selftest programs (tools/testing/selftests/
 * cgroup/test_*.c, named by KSFT_PROGRAM at build time), unchanged, with a
 * way to run only some of its tests: the upstream programs of 6.1 run all
 * of theirs, and on the debug kernel under emulation some take minutes.
 *
 * With MEMCG_TESTS set to a list of test names (separated by spaces), the
 * others are not run and are reported as skipped by the program's own
 * main(); without it (or with it empty), the program is exactly the
 * upstream one.
 */
#define main ksft_cgroup_main
#include KSFT_PROGRAM
#undef main

static int not_selected(const char *root)
{
	return KSFT_SKIP;
}

static bool selected(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *list = getenv("MEMCG_TESTS");
	size_t i;

	if (list && !*list)
		list = NULL;
	for (i = 0; list && i < ARRAY_SIZE(tests); i++)
		if (!selected(list, tests[i].name))
			tests[i].fn = not_selected;
	return ksft_cgroup_main(argc, argv);
}
