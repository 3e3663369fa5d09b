// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: add, set, del, restart, ready and show.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
#include "subcommands.h"

static int add_extra(const char *cmd, int c, const char *arg, void *force)
{
	*(bool *)force = true;
	return 0;
}

/*
 * Parse "CGROUP --option VALUE ..." for add and set into @r.  Options may
 * come before or after CGROUP.  Returns 0 or an exit status.
 */
static int parse_settings(const char *cmd, const struct cmd_options *co,
			  int argc, char **argv, struct resv_info *r,
			  bool *force)
{
	int ret;

	memset(r, 0, sizeof(*r));
	ret = options_parse(cmd, co, argc, argv, r, force ? add_extra : NULL,
			    force);
	if (!ret)
		ret = options_cgroup(cmd, argc, argv, r->cgroup,
				     sizeof(r->cgroup));
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

	ret = parse_settings("add", &add_options, argc, argv, &r, &force);
	if (!ret)
		ret = options_required("add", &add_options, &r);
	if (ret)
		return ret;
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

	ret = parse_settings("set", &set_options, argc, argv, &r, NULL);
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
	int ret;

	ret = options_flag(cmd, force ? &force_options : &no_options, argc,
			   argv, force);
	return ret ?: options_cgroup(cmd, argc, argv, cgroup, len);
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

/* Admissions waiting for their cgroup (a VM about to start), if any. */
static int print_holds(void)
{
	static const char * const heads[] = {
		"HOLD", "STATE", "MIN", "STARTUP", "MAX", "GUARANTEE", "LEFT",
	};
	static const bool right[] = {
		false, false, true, true, true, true, true,
	};
	static const unsigned int sizes[] = {
		RESV_MINIMUM, RESV_STARTUP, RESV_MAXIMUM, RESV_GUARANTEE,
	};
	char cells[4][SIZE_STR_LEN], state[32], left[32];
	struct hold_info *v = NULL;
	const char *row[7];
	struct table t;
	size_t n = 0, i, k;
	int ret;

	ret = ipc_hold_list(&v, &n);
	if (ret || !n) {
		free(v);
		return ret;
	}
	table_init(&t, 7, heads, right);
	for (i = 0; i < n && !ret; i++) {
		const struct resv_info *r = &v[i].r;

		row[0] = v[i].key;
		row[1] = HAS(r, RESV_STATE) ?
			format_field(r, field_by_bit(resv_fields, resv_nfields,
						     RESV_STATE),
				     state, sizeof(state)) : "-";
		for (k = 0; k < 4; k++)
			row[2 + k] = size_cell(r, sizes[k], cells[k]);
		snprintf(left, sizeof(left), "%llus",
			 (unsigned long long)((v[i].left_ms + 999) / 1000));
		row[6] = left;
		ret = table_add(&t, row);
	}
	if (!ret) {
		printf("\n");
		table_print(&t, stdout);
	}
	table_free(&t);
	free(v);
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
	char cgroup[CGROUP_PATH_MAX];
	struct resv_info *list = NULL, one;
	bool json = false;
	json_object *arr;
	size_t n = 0, i;
	int ret;

	ret = options_flag("show", &json_options, argc, argv, &json) ?:
	      options_args("show", argc, argv, 1);
	if (ret)
		return ret;
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
		for (i = 0; arr && i < n; i++)
			json_array_push(&arr, resv_to_json(&list[i]));
		ret = json_print(arr, stdout, true);
	} else {
		ret = print_table(list, n) ?: print_holds();
	}
	free(list);
	return ret ? fail("show", NULL, ret) : 0;
}
