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
#include "parse.h"
#include "subcommands.h"

#ifndef MEMRESV_TOOL_VERSION
#define MEMRESV_TOOL_VERSION	"1.0"
#endif

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
	const char *usage;
} commands[] = {
	{ "add", add_main, "Add a reservation to a cgroup",
	  "add CGROUP --startup SIZE --min SIZE --max SIZE [--buffer PCT]\n"
	  "            [--weight N] [--swap-max SIZE] [--startup-window SECS]\n"
	  "            [--paging never|restart|always] [--force]" },
	{ "set", set_main, "Change settings of a reservation",
	  "set CGROUP [--startup SIZE] [--min SIZE] [--max SIZE] [--buffer PCT]\n"
	  "            [--weight N] [--swap-max SIZE] [--startup-window SECS]\n"
	  "            [--paging never|restart|always]" },
	{ "del", del_main, "Remove a reservation", "del CGROUP" },
	{ "restart", restart_main, "Re-enter the start-up phase",
	  "restart CGROUP [--force]" },
	{ "ready", ready_main, "End the start-up phase now", "ready CGROUP" },
	{ "show", show_main, "Show reservations", "show [CGROUP] [-j|--json]" },
	{ "host", host_main, "Show or change the host ledger",
	  "host [show] [-j|--json]\n"
	  "       memresv host set [--reserve SIZE] [--paging-limit SIZE] [--period MS]\n"
	  "            [--paging-max SECS]" },
	{ "place", place_main, "Rate how well a request fits hosts",
	  "place --startup SIZE --min SIZE --max SIZE [--policy minimum|startup]\n"
	  "            [-j|--json] [HOST.json ...]" },
	{ "monitor", monitor_main, "Print notifications as they happen",
	  "monitor [-j|--json]" },
	{ "save", save_main, "Print the configuration for restore", "save" },
	{ "restore", restore_main, "Apply a saved configuration, all or nothing",
	  "restore [FILE|-]" },
	{ "version", version_main, "Print the tool's and the module's version",
	  "version" },
	{ "help", help_main, "Show this help", "help [COMMAND]" },
};

#define NCOMMANDS	ARRAY_SIZE(commands)

static void print_usage(FILE *out, const char *cmd)
{
	size_t i, len = cmd ? strcspn(cmd, " ") : 0;

	for (i = 0; i < NCOMMANDS; i++) {
		/* "host set" is in the usage of "host". */
		if (cmd && (strncmp(cmd, commands[i].name, len) ||
			    commands[i].name[len]))
			continue;
		if (cmd) {
			fprintf(out, "Usage: memresv %s\n", commands[i].usage);
			return;
		}
	}
	fprintf(out, "Usage: memresv COMMAND [ARGS]\n\n"
		"Host-wide memory reservations for cgroup v2 groups.\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\nSIZE is bytes or a number with K, M, G or T (powers of 1024), e.g. 512M, 1.5G.\n"
		"CGROUP is a path relative to the cgroup2 root or under its mount point.\n"
		"Run 'memresv help COMMAND' for a command's arguments; see memresv(8).\n");
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
 * opt_size() - parse the SIZE value of an option
 * @cmd: the command, for the message
 * @opt: the option, e.g. "--min"
 * @arg: the value
 * @out: the size in bytes
 *
 * Return: 0, or EXIT_USAGE after quoting the offending token.
 */
int opt_size(const char *cmd, const char *opt, const char *arg,
	     uint64_t *out)
{
	int ret = parse_size(arg, out);

	if (ret == -ERANGE)
		return usage_error(cmd, "size '%s' for %s is above the limit of 4096T",
				   arg, opt);
	if (ret)
		return usage_error(cmd, "invalid size '%s' for %s", arg, opt);
	return 0;
}

/**
 * opt_u32() - parse the number value of an option
 * @cmd: the command, for the message
 * @opt: the option, e.g. "--weight"
 * @arg: the value
 * @min: smallest value accepted
 * @max: largest value accepted
 * @out: the value
 *
 * Return: 0, or EXIT_USAGE after quoting the offending token.
 */
int opt_u32(const char *cmd, const char *opt, const char *arg, uint32_t min,
	    uint32_t max, uint32_t *out)
{
	int ret = parse_u32(arg, min, max, out);

	if (ret == -ERANGE)
		return usage_error(cmd, "%s '%s' is out of range (%u - %u)",
				   opt, arg, min, max);
	if (ret)
		return usage_error(cmd, "invalid number '%s' for %s", arg, opt);
	return 0;
}

/**
 * opt_cgroup() - turn a CGROUP argument into the kernel's name
 * @cmd: the command, for the message
 * @arg: the argument
 * @out: the path relative to the cgroup2 root
 * @len: size of @out
 *
 * Return: 0, or EXIT_USAGE after saying why the path was refused.
 */
int opt_cgroup(const char *cmd, const char *arg, char *out, size_t len)
{
	const char *why;

	if (cgroup_resolve(arg, out, len, &why))
		return usage_error(cmd, "invalid cgroup '%s': %s", arg, why);
	return 0;
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
		print_usage(stdout, argv[1]);
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
			print_usage(stdout, commands[i].name);
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
