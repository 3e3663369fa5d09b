// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: save and restore, the commands that print a configuration
 * and apply one (through the undo journal, journal.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "json.h"
#include "journal.h"
#include "options.h"
#include "subcommands.h"

/**
 * save_main() - memresv save: print the configuration as JSON
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int save_main(int argc, char **argv)
{
	struct resv_config cfg = { 0 };
	int ret;

	ret = options_flag("save", &no_options, argc, argv, NULL) ?:
	      options_args("save", argc, argv, 0);
	if (ret)
		return ret;
	ret = ipc_host_get(&cfg.host);
	if (ret)
		return fail("save", NULL, ret);
	ret = ipc_resv_list(&cfg.resvs, &cfg.nresvs);
	if (ret)
		return fail("save", NULL, ret);
	ret = json_print(config_to_json(&cfg), stdout, true);
	free(cfg.resvs);
	return ret ? fail("save", NULL, ret) : 0;
}

static int op_host_get(void *ctx, struct host_info *h)
{
	(void)ctx;
	return ipc_host_get(h);
}

static int op_host_set(void *ctx, const struct host_info *h)
{
	(void)ctx;
	return ipc_host_set(h, NULL);
}

static int op_resv_get(void *ctx, const char *cgroup, struct resv_info *r)
{
	(void)ctx;
	return ipc_resv_get(cgroup, r);
}

static int op_resv_new(void *ctx, const struct resv_info *r)
{
	struct resv_info out;

	(void)ctx;
	return ipc_resv_new(r, false, &out);
}

static int op_resv_set(void *ctx, const struct resv_info *r)
{
	struct resv_info out;

	(void)ctx;
	return ipc_resv_set(r, &out);
}

static int op_resv_del(void *ctx, const char *cgroup)
{
	(void)ctx;
	return ipc_resv_del(cgroup);
}

static void op_report(void *ctx, const char *what, int err)
{
	bool *module_missing = ctx;

	/* Say a missing module once, not once per undo step. */
	if (err == -IPC_ENOMODULE) {
		if (!*module_missing)
			fail("restore", NULL, err);
		*module_missing = true;
		return;
	}
	fail("restore", what, err);
}

static void op_missing(void *ctx, const char *cgroup)
{
	(void)ctx;
	fprintf(stderr, "memresv: restore: %s: no such cgroup yet, left out\n",
		cgroup);
}

static const struct restore_ops ipc_restore_ops = {
	.host_get = op_host_get,
	.host_set = op_host_set,
	.resv_get = op_resv_get,
	.resv_new = op_resv_new,
	.resv_set = op_resv_set,
	.resv_del = op_resv_del,
	.report = op_report,
};

static const struct restore_ops ipc_restore_skip_ops = {
	.host_get = op_host_get,
	.host_set = op_host_set,
	.resv_get = op_resv_get,
	.resv_new = op_resv_new,
	.resv_set = op_resv_set,
	.resv_del = op_resv_del,
	.report = op_report,
	.missing = op_missing,
};

/**
 * restore_main() - memresv restore [--skip-missing] [FILE|-]: apply what
 *	save printed
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status: 1 when nothing (after undo) was changed.
 */
int restore_main(int argc, char **argv)
{
	struct resv_config cfg;
	char err[JSON_ERR_LEN];
	bool module_missing = false, skip_missing = false;
	const char *file = "-";
	size_t len;
	char *text;
	int ret;

	ret = options_flag("restore", &restore_options, argc, argv,
			   &skip_missing) ?:
	      options_args("restore", argc, argv, 1);
	if (ret)
		return ret;
	if (optind < argc)
		file = argv[optind];
	ret = json_read_file(file, &text, &len);
	if (ret) {
		fprintf(stderr, "memresv: restore: %s: %s\n",
			strcmp(file, "-") ? file : "standard input",
			strerror(-ret));
		return 1;
	}
	ret = config_from_text(text, len, &cfg, err, sizeof(err));
	free(text);
	if (ret) {
		fprintf(stderr, "memresv: restore: %s: %s\n",
			strcmp(file, "-") ? file : "standard input", err);
		return 1;
	}
	ret = restore_apply(&cfg, skip_missing ? &ipc_restore_skip_ops :
			    &ipc_restore_ops, &module_missing);
	config_free(&cfg);
	return ret ? 1 : 0;
}
