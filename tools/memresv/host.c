// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: host [show] [-j] and host set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
#include "subcommands.h"

static int host_show(int argc, char **argv)
{
	struct host_info h;
	bool json = false;
	int ret;

	ret = options_flag("host", &json_options, argc, argv, &json) ?:
	      options_args("host", argc, argv, 0);
	if (ret)
		return ret;
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
	struct host_info h = { 0 }, out;
	int ret;

	ret = options_parse("host set", &host_set_options, argc, argv, &h,
			    NULL, NULL) ?:
	      options_args("host set", argc, argv, 0);
	if (ret)
		return ret;
	if (!h.set)
		return usage_error("host set", "nothing to set");
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
