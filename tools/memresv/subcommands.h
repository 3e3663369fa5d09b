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

#endif /* MEMRESV_SUBCOMMANDS_H */
