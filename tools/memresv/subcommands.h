/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: the subcommands and the helpers they share (main.c).
 */
#ifndef MEMRESV_SUBCOMMANDS_H
#define MEMRESV_SUBCOMMANDS_H

#include <stdint.h>

#define EXIT_USAGE	2

int add_main(int argc, char **argv);
int set_main(int argc, char **argv);
int del_main(int argc, char **argv);
int restart_main(int argc, char **argv);
int ready_main(int argc, char **argv);
int show_main(int argc, char **argv);
int host_main(int argc, char **argv);
int place_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int save_main(int argc, char **argv);
int restore_main(int argc, char **argv);
int version_main(int argc, char **argv);
int help_main(int argc, char **argv);

int fail(const char *what, const char *obj, int err);
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bad_option(const char *cmd, int c, char **argv);
int opt_size(const char *cmd, const char *opt, const char *arg,
	     uint64_t *out);
int opt_u32(const char *cmd, const char *opt, const char *arg, uint32_t min,
	    uint32_t max, uint32_t *out);
int opt_cgroup(const char *cmd, const char *arg, char *out, size_t len);

#endif /* MEMRESV_SUBCOMMANDS_H */
