// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: host [show] [-j] and host set.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "subcommands.h"

static int host_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct host_info h;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			return bad_option("host", c, argv);
	}
	if (optind < argc)
		return usage_error("host", "unexpected argument '%s'",
				   argv[optind]);
	ret = ipc_host_get(&h);
	if (ret)
		return fail("host", NULL, ret);
	if (json)
		return json_print(host_to_json(&h), stdout, true) ?
			fail("host", NULL, -ENOMEM) : 0;
	print_fields(stdout, &h, host_fields, host_nfields);
	return 0;
}

static int host_set(int argc, char **argv)
{
	enum { OPT_RESERVE = 256, OPT_PAGING_LIMIT, OPT_PERIOD,
	       OPT_PAGING_MAX };
	static const struct option opts[] = {
		{ "reserve", required_argument, NULL, OPT_RESERVE },
		{ "paging-limit", required_argument, NULL, OPT_PAGING_LIMIT },
		{ "period", required_argument, NULL, OPT_PERIOD },
		{ "paging-max", required_argument, NULL, OPT_PAGING_MAX },
		{ NULL, 0, NULL, 0 },
	};
	struct host_info h = { 0 }, out;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case OPT_RESERVE:
			ret = opt_size("host set", "--reserve", optarg,
				       &h.reserve);
			SET(&h, HOST_RESERVE);
			break;
		case OPT_PAGING_LIMIT:
			ret = opt_size("host set", "--paging-limit", optarg,
				       &h.paging_limit);
			SET(&h, HOST_PAGING_LIMIT);
			break;
		case OPT_PERIOD:
			ret = opt_u32("host set", "--period", optarg,
				      MEMRESV_PERIOD_MIN, MEMRESV_PERIOD_MAX,
				      &h.period_ms);
			SET(&h, HOST_PERIOD_MS);
			break;
		case OPT_PAGING_MAX:
			ret = opt_u32("host set", "--paging-max", optarg,
				      MEMRESV_PAGING_MAX_MIN,
				      MEMRESV_PAGING_MAX_MAX, &h.paging_max);
			SET(&h, HOST_PAGING_MAX);
			break;
		default:
			return bad_option("host", c, argv);
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		return usage_error("host", "unexpected argument '%s'",
				   argv[optind]);
	if (!h.set)
		return usage_error("host", "nothing to set");
	ret = ipc_host_set(&h, &out);
	return ret ? fail("host set", NULL, ret) : 0;
}

/**
 * host_main() - memresv host [show] [-j] | host set [--reserve SIZE] ...
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int host_main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "set"))
		return host_set(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "show"))
		return host_show(argc - 1, argv + 1);
	return host_show(argc, argv);
}
