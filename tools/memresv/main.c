// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: configure host-wide memory reservations of cgroup v2 groups.
 *
 * The command table and the error conventions every subcommand follows:
 * one line on stderr, "memresv: <what>: <why>", exit 1; a usage error also
 * prints the command's usage and exits 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc.h"
#include "options.h"
#include "subcommands.h"

#ifndef MEMRESV_TOOL_VERSION
#define MEMRESV_TOOL_VERSION	"1.0"
#endif

/**
 * struct usage - one usage line of a command
 * @head: the command and what comes before its options ("add CGROUP")
 * @opts: its options, or NULL
 * @tail: what comes after them, NULL-terminated, or NULL
 */
struct usage {
	const char *head;
	const struct cmd_options *opts;
	const char *const *tail;
};

#define TAIL(...)	((const char *const []){ __VA_ARGS__, NULL })

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	struct usage usage[2];
} commands[] = {
	{ "add", add_main, "Add a reservation to a cgroup",
	  { { .head = "add CGROUP", .opts = &add_options } } },
	{ "set", set_main, "Change settings of a reservation",
	  { { .head = "set CGROUP", .opts = &set_options } } },
	{ "del", del_main, "Remove a reservation",
	  { { .head = "del CGROUP" } } },
	{ "restart", restart_main, "Re-enter the start-up phase",
	  { { .head = "restart CGROUP", .opts = &force_options } } },
	{ "ready", ready_main, "End the start-up phase now",
	  { { .head = "ready CGROUP" } } },
	{ "show", show_main, "Show reservations",
	  { { .head = "show [CGROUP]", .opts = &json_options } } },
	{ "host", host_main, "Show or change the host ledger",
	  { { .head = "host [show]", .opts = &json_options },
	    { .head = "host set", .opts = &host_set_options } } },
	{ "place", place_main, "Rate how well a request fits hosts",
	  { { .head = "place", .opts = &place_options,
	      .tail = TAIL("[HOST.json ...]") } } },
	{ "monitor", monitor_main, "Print notifications as they happen",
	  { { .head = "monitor", .opts = &json_options } } },
	{ "save", save_main, "Print the configuration for restore",
	  { { .head = "save" } } },
	{ "restore", restore_main, "Apply a saved configuration, all or nothing",
	  { { .head = "restore", .opts = &restore_options,
	      .tail = TAIL("[FILE|-]") } } },
	{ "version", version_main, "Print the tool's and the module's version",
	  { { .head = "version" } } },
	{ "help", help_main, "Show this help", { { .head = "help [COMMAND]" } } },
};

#define NCOMMANDS	ARRAY_SIZE(commands)

/* The command @cmd names ("host set" is in the usage of "host"), or -1. */
static int command_index(const char *cmd)
{
	size_t i, len = strcspn(cmd, " ");

	for (i = 0; i < NCOMMANDS; i++)
		if (!strncmp(cmd, commands[i].name, len) &&
		    !commands[i].name[len])
			return (int)i;
	return -1;
}

static void print_usage(FILE *out, const char *cmd)
{
	int c = cmd ? command_index(cmd) : -1;
	size_t i;

	if (c >= 0) {
		for (i = 0; i < ARRAY_SIZE(commands[c].usage); i++) {
			const struct usage *u = &commands[c].usage[i];

			if (u->head)
				options_usage(out, i ? "       memresv " :
					      "Usage: memresv ", u->head,
					      u->opts, u->tail);
		}
		return;
	}
	if (cmd)
		return;
	fprintf(out, "Usage: memresv COMMAND [ARGS]\n\n"
		"Host-wide memory reservations for cgroup v2 groups.\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nSIZE is bytes or a number with K, M, G or T (powers of 1024), e.g. 512M, 1.5G.\n"
		"CGROUP is a path relative to the cgroup2 root or under its mount point.\n"
		"Run 'memresv help COMMAND' for a command's arguments; see memresv(8).\n");
}

/* A command's usage and what each of its settings does. */
static void print_help(FILE *out, const char *cmd)
{
	int c = command_index(cmd);
	size_t i;

	print_usage(out, cmd);
	for (i = 0; c >= 0 && i < ARRAY_SIZE(commands[c].usage); i++) {
		const struct cmd_options *co = commands[c].usage[i].opts;

		if (co && co->fields)
			options_help(out, co);
	}
}

/**
 * fail() - report a failed operation
 * @what: the command, e.g. "add"
 * @obj: what it acted on (a cgroup path), or NULL
 * @err: the negative errno an ipc_*() call returned
 *
 * Return: 1, the exit status of a failed command.
 */
int fail(const char *what, const char *obj, int err)
{
	if (err == -IPC_ENOMODULE)
		fprintf(stderr, "memresv: %s\n", ipc_strerror(err));
	else if (obj)
		fprintf(stderr, "memresv: %s: %s: %s\n", what, obj,
			ipc_strerror(err));
	else
		fprintf(stderr, "memresv: %s: %s\n", what, ipc_strerror(err));
	return 1;
}

/**
 * usage_error() - report a usage error and print the command's usage
 * @cmd: the command
 * @fmt: printf format of what is wrong
 *
 * Return: EXIT_USAGE.
 */
int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memresv: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, cmd);
	return EXIT_USAGE;
}

/**
 * bad_option() - report what getopt_long() refused
 * @cmd: the command
 * @c: what getopt_long() returned: '?' or ':'
 * @argv: the arguments it was parsing
 *
 * Return: EXIT_USAGE.
 */
int bad_option(const char *cmd, int c, char **argv)
{
	const char *tok = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", tok);
	if (optopt && optopt < 256 && (tok[0] != '-' || tok[1] != '-'))
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", tok);
}

/**
 * version_main() - the version command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int version_main(int argc, char **argv)
{
	unsigned int v;
	int ret;

	if (argc > 1)
		return usage_error("version", "unexpected argument '%s'",
				   argv[1]);
	printf("memresv %s\n", MEMRESV_TOOL_VERSION);
	ret = ipc_family_version(&v);
	if (!ret)
		printf("module: netlink family %s version %u\n",
		       MEMRESV_GENL_NAME, v);
	else if (ret == -IPC_ENOMODULE)
		printf("module: not loaded\n");
	else
		return fail("version", NULL, ret);
	return 0;
}

/**
 * help_main() - the help command
 * @argc: argument count
 * @argv: arguments: optionally a command
 *
 * Return: exit status.
 */
int help_main(int argc, char **argv)
{
	size_t i;

	if (argc > 2)
		return usage_error("help", "unexpected argument '%s'", argv[2]);
	if (argc == 2) {
		for (i = 0; i < NCOMMANDS; i++)
			if (!strcmp(argv[1], commands[i].name))
				break;
		if (i == NCOMMANDS)
			return usage_error("help", "unknown command '%s'",
					   argv[1]);
		print_help(stdout, argv[1]);
		return 0;
	}
	print_usage(stdout, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc < 2) {
		print_usage(stderr, NULL);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return help_main(1, argv + 1);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return version_main(1, argv + 1);
	for (i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		/* "memresv CMD --help" is help, not an unknown option. */
		if (argc == 3 && (!strcmp(argv[2], "--help") ||
				  !strcmp(argv[2], "-h"))) {
			print_help(stdout, commands[i].name);
			return 0;
		}
		opterr = 0;
		optind = 1;
		ret = commands[i].fn(argc - 1, argv + 1);
		ipc_close();
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "memresv: %s: cannot write output: %s\n",
				commands[i].name, strerror(errno));
			return 1;
		}
		return ret;
	}
	fprintf(stderr, "memresv: unknown command '%s'\n", argv[1]);
	print_usage(stderr, NULL);
	return EXIT_USAGE;
}
