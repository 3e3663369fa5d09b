// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: add, set, del, restart, ready and show.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "parse.h"
#include "subcommands.h"

enum {
	OPT_STARTUP = 256,
	OPT_MIN,
	OPT_MAX,
	OPT_BUFFER,
	OPT_WEIGHT,
	OPT_SWAP_MAX,
	OPT_WINDOW,
	OPT_PAGING,
	OPT_FORCE,
};

static const struct option settings_opts[] = {
	{ "startup", required_argument, NULL, OPT_STARTUP },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "buffer", required_argument, NULL, OPT_BUFFER },
	{ "weight", required_argument, NULL, OPT_WEIGHT },
	{ "swap-max", required_argument, NULL, OPT_SWAP_MAX },
	{ "startup-window", required_argument, NULL, OPT_WINDOW },
	{ "paging", required_argument, NULL, OPT_PAGING },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ NULL, 0, NULL, 0 },
};

/*
 * Parse "CGROUP --option VALUE ..." for add and set into @r.  Options may
 * come before or after CGROUP.  Returns 0 or an exit status.
 */
static int parse_settings(const char *cmd, int argc, char **argv,
			  struct resv_info *r, bool allow_force, bool *force)
{
	int c, ret = 0;

	memset(r, 0, sizeof(*r));
	while ((c = getopt_long(argc, argv, ":", settings_opts, NULL)) != -1) {
		switch (c) {
		case OPT_STARTUP:
			ret = opt_size(cmd, "--startup", optarg, &r->startup);
			SET(r, RESV_STARTUP);
			break;
		case OPT_MIN:
			ret = opt_size(cmd, "--min", optarg, &r->minimum);
			SET(r, RESV_MINIMUM);
			break;
		case OPT_MAX:
			ret = opt_size(cmd, "--max", optarg, &r->maximum);
			SET(r, RESV_MAXIMUM);
			break;
		case OPT_BUFFER:
			ret = opt_u32(cmd, "--buffer", optarg,
				      MEMRESV_BUFFER_MIN, MEMRESV_BUFFER_MAX,
				      &r->buffer);
			SET(r, RESV_BUFFER);
			break;
		case OPT_WEIGHT:
			ret = opt_u32(cmd, "--weight", optarg, 0,
				      MEMRESV_WEIGHT_MAX, &r->weight);
			SET(r, RESV_WEIGHT);
			break;
		case OPT_SWAP_MAX:
			ret = opt_size(cmd, "--swap-max", optarg, &r->swap_max);
			SET(r, RESV_SWAP_MAX);
			break;
		case OPT_WINDOW:
			ret = opt_u32(cmd, "--startup-window", optarg,
				      MEMRESV_WINDOW_MIN, MEMRESV_WINDOW_MAX,
				      &r->startup_window);
			SET(r, RESV_STARTUP_WINDOW);
			break;
		case OPT_PAGING:
			if (parse_name(NAMES_PAGING, optarg, &r->paging))
				ret = usage_error(cmd, "invalid value '%s' for --paging (never, restart or always)",
						  optarg);
			SET(r, RESV_PAGING);
			break;
		case OPT_FORCE:
			if (!allow_force)
				return usage_error(cmd, "unknown option '%s'",
						   argv[optind - 1]);
			*force = true;
			break;
		default:
			return bad_option(cmd, c, argv);
		}
		if (ret)
			return ret;
	}
	if (optind >= argc)
		return usage_error(cmd, "CGROUP is missing");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[optind + 1]);
	ret = opt_cgroup(cmd, argv[optind], r->cgroup, sizeof(r->cgroup));
	if (ret)
		return ret;
	SET(r, RESV_CGROUP);
	return 0;
}

/**
 * add_main() - memresv add CGROUP --startup SIZE --min SIZE --max SIZE ...
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int add_main(int argc, char **argv)
{
	struct resv_info r, out;
	bool force = false;
	int ret;

	ret = parse_settings("add", argc, argv, &r, true, &force);
	if (ret)
		return ret;
	if (!HAS(&r, RESV_STARTUP) || !HAS(&r, RESV_MINIMUM) ||
	    !HAS(&r, RESV_MAXIMUM))
		return usage_error("add", "--startup, --min and --max are required");
	ret = ipc_resv_new(&r, force, &out);
	if (ret)
		return fail("add", r.cgroup, ret);
	return 0;
}

/**
 * set_main() - memresv set CGROUP [--startup SIZE] ...
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int set_main(int argc, char **argv)
{
	struct resv_info r, out;
	int ret;

	ret = parse_settings("set", argc, argv, &r, false, NULL);
	if (ret)
		return ret;
	if (!(r.set & RESV_SETTINGS))
		return usage_error("set", "nothing to set");
	ret = ipc_resv_set(&r, &out);
	if (ret)
		return fail("set", r.cgroup, ret);
	return 0;
}

/* Parse "CGROUP [--force]" for del, restart and ready. */
static int parse_cgroup_only(const char *cmd, int argc, char **argv,
			     char *cgroup, size_t len, bool *force)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f' && force)
			*force = true;
		else if (c == 'f')
			return usage_error(cmd, "unknown option '%s'",
					   argv[optind - 1]);
		else
			return bad_option(cmd, c, argv);
	}
	if (optind >= argc)
		return usage_error(cmd, "CGROUP is missing");
	if (optind + 1 < argc)
		return usage_error(cmd, "unexpected argument '%s'",
				   argv[optind + 1]);
	return opt_cgroup(cmd, argv[optind], cgroup, len);
}

/**
 * del_main() - memresv del CGROUP
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int del_main(int argc, char **argv)
{
	char cgroup[CGROUP_PATH_MAX];
	int ret;

	ret = parse_cgroup_only("del", argc, argv, cgroup, sizeof(cgroup),
				NULL);
	if (ret)
		return ret;
	ret = ipc_resv_del(cgroup);
	return ret ? fail("del", cgroup, ret) : 0;
}

/**
 * restart_main() - memresv restart CGROUP [--force]
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int restart_main(int argc, char **argv)
{
	char cgroup[CGROUP_PATH_MAX];
	struct resv_info out;
	bool force = false;
	int ret;

	ret = parse_cgroup_only("restart", argc, argv, cgroup, sizeof(cgroup),
				&force);
	if (ret)
		return ret;
	ret = ipc_resv_restart(cgroup, force, &out);
	return ret ? fail("restart", cgroup, ret) : 0;
}

/**
 * ready_main() - memresv ready CGROUP
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int ready_main(int argc, char **argv)
{
	char cgroup[CGROUP_PATH_MAX];
	struct resv_info out;
	int ret;

	ret = parse_cgroup_only("ready", argc, argv, cgroup, sizeof(cgroup),
				NULL);
	if (ret)
		return ret;
	ret = ipc_resv_ready(cgroup, &out);
	return ret ? fail("ready", cgroup, ret) : 0;
}

static const char *size_cell(const struct resv_info *r, unsigned int bit,
			     char *buf)
{
	const struct field *f = field_by_bit(resv_fields, resv_nfields, bit);

	if (!HAS(r, bit))
		return "-";
	return format_field(r, f, buf, SIZE_STR_LEN);
}

static int print_table(const struct resv_info *v, size_t n)
{
	static const char * const heads[] = {
		"CGROUP", "STATE", "STATUS", "MIN", "STARTUP", "MAX",
		"GUARANTEE", "TARGET", "CURRENT", "SWAP",
	};
	static const bool right[] = {
		false, false, false, true, true, true, true, true, true, true,
	};
	static const unsigned int sizes[] = {
		RESV_MINIMUM, RESV_STARTUP, RESV_MAXIMUM, RESV_GUARANTEE,
		RESV_TARGET, RESV_CURRENT, RESV_SWAP_CURRENT,
	};
	char cells[7][SIZE_STR_LEN], state[32], status[32];
	const char *row[10];
	struct table t;
	size_t i, k;
	int ret = 0;

	table_init(&t, 10, heads, right);
	for (i = 0; i < n && !ret; i++) {
		const struct resv_info *r = &v[i];

		row[0] = r->cgroup;
		row[1] = HAS(r, RESV_STATE) ?
			format_field(r, field_by_bit(resv_fields, resv_nfields,
						     RESV_STATE),
				     state, sizeof(state)) : "-";
		row[2] = HAS(r, RESV_STATUS) ?
			format_field(r, field_by_bit(resv_fields, resv_nfields,
						     RESV_STATUS),
				     status, sizeof(status)) : "-";
		for (k = 0; k < 7; k++)
			row[3 + k] = size_cell(r, sizes[k], cells[k]);
		ret = table_add(&t, row);
	}
	if (!ret && n)
		table_print(&t, stdout);
	table_free(&t);
	return ret;
}

static void print_resv(const struct resv_info *r)
{
	print_fields(stdout, r, resv_fields, resv_nfields);
	if (HAS(r, RESV_PHASE_LEFT_MS))
		printf("phase_left: %llu.%llus\n",
		       (unsigned long long)(r->phase_left_ms / 1000),
		       (unsigned long long)(r->phase_left_ms % 1000 / 100));
}

/**
 * show_main() - memresv show [CGROUP] [-j|--json]
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int show_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char cgroup[CGROUP_PATH_MAX];
	struct resv_info *list = NULL, one;
	bool json = false;
	json_object *arr;
	size_t n = 0, i;
	int c, ret;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			return bad_option("show", c, argv);
	}
	if (optind + 1 < argc)
		return usage_error("show", "unexpected argument '%s'",
				   argv[optind + 1]);
	if (optind < argc) {
		ret = opt_cgroup("show", argv[optind], cgroup, sizeof(cgroup));
		if (ret)
			return ret;
		ret = ipc_resv_get(cgroup, &one);
		if (ret)
			return fail("show", cgroup, ret);
		if (json)
			return json_print(resv_to_json(&one), stdout, true) ?
				fail("show", NULL, -ENOMEM) : 0;
		print_resv(&one);
		return 0;
	}

	ret = ipc_resv_list(&list, &n);
	if (ret)
		return fail("show", NULL, ret);
	if (json) {
		arr = json_object_new_array();
		for (i = 0; arr && i < n; i++) {
			json_object *o = resv_to_json(&list[i]);

			if (!o || json_object_array_add(arr, o)) {
				json_object_put(o);
				json_object_put(arr);
				arr = NULL;
			}
		}
		ret = json_print(arr, stdout, true);
	} else {
		ret = print_table(list, n);
	}
	free(list);
	return ret ? fail("show", NULL, ret) : 0;
}
