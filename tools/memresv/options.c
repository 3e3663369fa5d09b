// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: command-line options and usage texts from the field tables.
 *
 * The options of add, set, host set and place are the rows of the field
 * tables (model.c) that carry an option: the row gives the option's name,
 * its value, its range and its help, so a new setting is one row there and
 * shows up in parsing, usage and help alike.  Parse errors quote the
 * offending token and exit with status 2.
 */
#include <errno.h>
#include <string.h>

#include "options.h"
#include "parse.h"
#include "subcommands.h"

/* Usage lines wrap past this column, counted from the command's name. */
#define USAGE_WIDTH	70
#define USAGE_INDENT	"            "

static const struct option force_opt[] = {
	{ "force", no_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};

static const struct option json_opt[] = {
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

static const struct option skip_missing_opt[] = {
	{ "skip-missing", no_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static const struct option place_opts[] = {
	{ "policy", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

const struct cmd_options no_options = {
	.shortopts = "",
};

const struct cmd_options json_options = {
	.extra = json_opt, .shortopts = "j",
	.extra_usage = (const char *const []){ "[-j|--json]", NULL },
};

const struct cmd_options force_options = {
	.extra = force_opt, .shortopts = "",
	.extra_usage = (const char *const []){ "[--force]", NULL },
};

const struct cmd_options restore_options = {
	.extra = skip_missing_opt, .shortopts = "",
	.extra_usage = (const char *const []){ "[--skip-missing]", NULL },
};

const struct cmd_options add_options = {
	.fields = resv_fields, .nfields = &resv_nfields,
	.offer = RESV_SETTINGS, .required = RESV_REQUEST,
	.extra = force_opt, .shortopts = "",
	.extra_usage = (const char *const []){ "[--force]", NULL },
};

const struct cmd_options set_options = {
	.fields = resv_fields, .nfields = &resv_nfields,
	.offer = RESV_SETTINGS, .shortopts = "",
};

const struct cmd_options host_set_options = {
	.fields = host_fields, .nfields = &host_nfields,
	.offer = HOST_SETTINGS, .shortopts = "",
};

const struct cmd_options place_options = {
	.fields = resv_fields, .nfields = &resv_nfields,
	.offer = RESV_REQUEST, .required = RESV_REQUEST,
	.extra = place_opts, .shortopts = "j",
	.extra_usage = (const char *const []){
		"[--policy minimum|startup]", "[-j|--json]", NULL },
};

/* The field of bit @bit that @co offers as an option, or NULL. */
static const struct field *offered(const struct cmd_options *co,
				   unsigned int bit)
{
	const struct field *f;

	if (!co->fields || bit >= 32 || !((co->offer >> bit) & 1u))
		return NULL;
	f = field_by_bit(co->fields, *co->nfields, bit);
	return f && f->option ? f : NULL;
}

/* The field options in the order of their bits, then the extras. */
static size_t options_table(const struct cmd_options *co,
			    struct option *opts, size_t max)
{
	const struct option *e;
	unsigned int bit;
	size_t n = 0;

	for (bit = 0; bit < 32 && n + 1 < max; bit++) {
		const struct field *f = offered(co, bit);

		if (!f)
			continue;
		opts[n++] = (struct option){ f->option, required_argument,
					     NULL, OPT_FIELD + (int)bit };
	}
	for (e = co->extra; e && e->name && n + 1 < max; e++)
		opts[n++] = *e;
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return n;
}

/* Store the value of a field's option in @obj, or explain why not. */
static int option_value(const char *cmd, const struct field *f,
			const char *arg, void *obj)
{
	char opt[64];
	uint64_t v64;
	uint32_t v32;
	uint8_t v8;
	int ret;

	snprintf(opt, sizeof(opt), "--%s", f->option);
	if (field_names(f) >= 0) {
		ret = opt_name(cmd, opt, (enum name_set)field_names(f), arg,
			       &v8);
		v64 = v8;
	} else if (f->type == FIELD_SIZE) {
		ret = opt_size(cmd, opt, arg, &v64);
	} else {
		ret = opt_u32(cmd, opt, arg, (uint32_t)f->min,
			      (uint32_t)f->max, &v32);
		v64 = v32;
	}
	if (!ret)
		field_put(obj, f, v64);
	return ret;
}

/* "--startup, --min and --max are required", from @co->required. */
static int missing_required(const char *cmd, const struct cmd_options *co)
{
	char list[256] = "";
	unsigned int bit, left = (unsigned int)__builtin_popcount(co->required);
	size_t off = 0;

	for (bit = 0; bit < 32; bit++) {
		const struct field *f;

		if (!((co->required >> bit) & 1u))
			continue;
		f = field_by_bit(co->fields, *co->nfields, bit);
		off += (size_t)snprintf(list + off, sizeof(list) - off,
					"%s--%s", !off ? "" : left == 1 ?
					" and " : ", ", f->option);
		left--;
	}
	return usage_error(cmd, "%s %s required", list,
			   __builtin_popcount(co->required) > 1 ? "are" : "is");
}

/**
 * options_parse() - parse a command's options into an object
 * @cmd: the command, for messages ("add", "host set")
 * @co: its options
 * @argc: argument count
 * @argv: arguments; options may come before or after the others, which
 *	start at optind afterwards
 * @obj: a struct resv_info or struct host_info (as @co->fields), zeroed
 *	by the caller; each option given sets its field.  NULL when @co has
 *	no fields.
 * @extra: called for an option of @co->extra with getopt's value and its
 *	argument; returns 0 or an exit status.  NULL when there are none.
 * @ctx: for @extra
 *
 * Return: 0, or EXIT_USAGE after saying what is wrong (an unknown option,
 * a value that does not parse).  Whether the required options were all
 * given is options_required()'s to say.
 */
int options_parse(const char *cmd, const struct cmd_options *co, int argc,
		  char **argv, void *obj, extra_fn extra, void *ctx)
{
	struct option opts[40];
	char shortopts[16];
	int c, ret;

	options_table(co, opts, sizeof(opts) / sizeof(opts[0]));
	snprintf(shortopts, sizeof(shortopts), ":%s", co->shortopts);
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		const struct field *f = c >= OPT_FIELD ?
			offered(co, (unsigned int)(c - OPT_FIELD)) : NULL;

		if (f)
			ret = option_value(cmd, f, optarg, obj);
		else if (c == '?' || c == ':' || !extra)
			ret = bad_option(cmd, c, argv);
		else
			ret = extra(cmd, c, optarg, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * options_required() - check that the options a command needs were given
 * @cmd: the command
 * @co: its options
 * @obj: what options_parse() filled
 *
 * Return: 0, or EXIT_USAGE after naming them.
 */
int options_required(const char *cmd, const struct cmd_options *co,
		     const void *obj)
{
	if ((*(const uint32_t *)obj & co->required) == co->required)
		return 0;
	return missing_required(cmd, co);
}

static int set_flag(const char *cmd, int c, const char *arg, void *flag)
{
	*(bool *)flag = true;
	return 0;
}

/**
 * options_flag() - parse the options of a command that takes one flag
 * @cmd: the command
 * @co: no_options, json_options, force_options or restore_options
 * @argc: argument count
 * @argv: arguments; the others start at optind afterwards
 * @flag: set when the flag is given; NULL with no_options
 *
 * Return: 0, or EXIT_USAGE after saying what is wrong.
 */
int options_flag(const char *cmd, const struct cmd_options *co, int argc,
		 char **argv, bool *flag)
{
	return options_parse(cmd, co, argc, argv, NULL, set_flag, flag);
}

/* One token of a usage line: wrapped when the line would grow too long. */
static void usage_token(FILE *out, size_t *col, const char *tok)
{
	size_t len = strlen(tok);

	if (*col + 1 + len > USAGE_WIDTH) {
		fprintf(out, "\n%s%s", USAGE_INDENT, tok);
		*col = strlen(USAGE_INDENT) + len;
		return;
	}
	fprintf(out, " %s", tok);
	*col += 1 + len;
}

/* "--min SIZE", or "[--min SIZE]" when optional, or "--paging a|b|c". */
static void option_text(const struct cmd_options *co, const struct field *f,
			char *buf, size_t len)
{
	bool optional = !((co->required >> f->bit) & 1u);
	char names[64];
	const char *arg = f->arg;

	if (!arg)
		arg = names_list((enum name_set)field_names(f), "|", NULL,
				 names, sizeof(names));
	snprintf(buf, len, "%s--%s %s%s", optional ? "[" : "", f->option, arg,
		 optional ? "]" : "");
}

/**
 * options_usage() - print one usage line of a command, wrapped
 * @out: where to print
 * @first: what starts the line ("Usage: memresv ", or the indent of a
 *	second line)
 * @head: the command and what precedes its options ("add CGROUP")
 * @co: its options, or NULL for none
 * @tail: what follows the options, NULL-terminated, or NULL
 */
void options_usage(FILE *out, const char *first, const char *head,
		   const struct cmd_options *co, const char *const *tail)
{
	const char *const *t;
	char tok[128];
	size_t col = strlen(head);
	unsigned int bit;

	fprintf(out, "%s%s", first, head);
	for (bit = 0; co && bit < 32; bit++) {
		const struct field *f = offered(co, bit);

		if (!f)
			continue;
		option_text(co, f, tok, sizeof(tok));
		usage_token(out, &col, tok);
	}
	for (t = co ? co->extra_usage : NULL; t && *t; t++)
		usage_token(out, &col, *t);
	for (t = tail; t && *t; t++)
		usage_token(out, &col, *t);
	fputc('\n', out);
}

/**
 * options_help() - print what each field option of a command sets
 * @out: where to print
 * @co: the command's options
 */
void options_help(FILE *out, const struct cmd_options *co)
{
	char tok[128], range[64], names[64];
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		const struct field *f = offered(co, bit);

		if (!f)
			continue;
		range[0] = '\0';
		if (f->type == FIELD_U32)
			snprintf(range, sizeof(range), " (%llu - %llu)",
				 (unsigned long long)f->min,
				 (unsigned long long)f->max);
		snprintf(tok, sizeof(tok), "--%s %s", f->option,
			 f->arg ? f->arg :
			 names_list((enum name_set)field_names(f), "|", NULL,
				    names, sizeof(names)));
		fprintf(out, "  %-24s %s%s\n", tok, f->help, range);
	}
}

/**
 * options_args() - refuse arguments beyond what a command takes
 * @cmd: the command
 * @argc: argument count
 * @argv: arguments; its options parsed, the others start at optind
 * @max: how many other arguments the command takes at most
 *
 * Return: 0, or EXIT_USAGE after quoting the first one too many.
 */
int options_args(const char *cmd, int argc, char **argv, int max)
{
	if (argc - optind <= max)
		return 0;
	return usage_error(cmd, "unexpected argument '%s'",
			   argv[optind + max]);
}

/**
 * options_cgroup() - the one CGROUP argument of a command
 * @cmd: the command
 * @argc: argument count
 * @argv: arguments; its options parsed, CGROUP at optind
 * @out: the path relative to the cgroup2 root
 * @len: size of @out
 *
 * Return: 0, or EXIT_USAGE after saying what is wrong.
 */
int options_cgroup(const char *cmd, int argc, char **argv, char *out,
		   size_t len)
{
	if (optind >= argc)
		return usage_error(cmd, "CGROUP is missing");
	return options_args(cmd, argc, argv, 1) ?:
	       opt_cgroup(cmd, argv[optind], out, len);
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
 * opt_name() - parse the value of an option that takes one of some names
 * @cmd: the command, for the message
 * @opt: the option, e.g. "--paging"
 * @set: the names it takes
 * @arg: the value
 * @out: the value's number
 *
 * Return: 0, or EXIT_USAGE after quoting the offending token and listing
 * the names.
 */
int opt_name(const char *cmd, const char *opt, enum name_set set,
	     const char *arg, uint8_t *out)
{
	char names[128];

	if (!parse_name(set, arg, out))
		return 0;
	return usage_error(cmd, "invalid value '%s' for %s (%s)", arg, opt,
			   names_list(set, ", ", " or ", names, sizeof(names)));
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
