/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: command-line options and usage texts from the field tables.
 */
#ifndef MEMRESV_OPTIONS_H
#define MEMRESV_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* getopt_long() values of field options: OPT_FIELD + the field's bit. */
#define OPT_FIELD	1024

/**
 * struct cmd_options - the options of one command
 * @fields: resv_fields or host_fields
 * @nfields: rows in @fields
 * @offer: the fields offered as options (a mask of their bits)
 * @required: of those, the ones the command cannot do without
 * @extra: the command's other options (a flag, -j), NULL-terminated, with
 *	values below OPT_FIELD; NULL for none
 * @shortopts: getopt's short options after the leading ':' ("j"), or ""
 * @extra_usage: how @extra shows in the usage, NULL-terminated
 */
struct cmd_options {
	const struct field *fields;
	const size_t *nfields;
	uint32_t offer;
	uint32_t required;
	const struct option *extra;
	const char *shortopts;
	const char *const *extra_usage;
};

extern const struct cmd_options no_options;
extern const struct cmd_options json_options;
extern const struct cmd_options force_options;
extern const struct cmd_options restore_options;
extern const struct cmd_options add_options;
extern const struct cmd_options set_options;
extern const struct cmd_options host_set_options;
extern const struct cmd_options place_options;

typedef int (*extra_fn)(const char *cmd, int c, const char *arg, void *ctx);

int options_parse(const char *cmd, const struct cmd_options *co, int argc,
		  char **argv, void *obj, extra_fn extra, void *ctx);
int options_required(const char *cmd, const struct cmd_options *co,
		     const void *obj);
int options_flag(const char *cmd, const struct cmd_options *co, int argc,
		 char **argv, bool *flag);
void options_usage(FILE *out, const char *first, const char *head,
		   const struct cmd_options *co, const char *const *tail);
void options_help(FILE *out, const struct cmd_options *co);

int options_args(const char *cmd, int argc, char **argv, int max);
int options_cgroup(const char *cmd, int argc, char **argv, char *out,
		   size_t len);
int opt_size(const char *cmd, const char *opt, const char *arg,
	     uint64_t *out);
int opt_u32(const char *cmd, const char *opt, const char *arg, uint32_t min,
	    uint32_t max, uint32_t *out);
int opt_name(const char *cmd, const char *opt, enum name_set set,
	     const char *arg, uint8_t *out);
int opt_cgroup(const char *cmd, const char *arg, char *out, size_t len);

#endif /* MEMRESV_OPTIONS_H */
