/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernel's time goes, from the kernel's own function_graph
 * tracer: the time of each call of a few chosen functions, summed.
 *
 * Only the functions named are traced, so a traced function's time holds
 * the time of the traced functions it calls and the tracer's own cost for
 * them (a few microseconds a call under emulation).  The cost of a near
 * empty function (memresv_resv_put(), say) is that overhead: the figures
 * are shares, not exact times.  Everything here is optional: without
 * tracefs the profile is skipped, and so is a function that cannot be
 * traced.
 *
 * Trace few calls: under emulation, function_graph on a function called
 * 10,000 times in one balancer pass kept the pass running for minutes (a
 * soft lockup report, which fails the VM run).
 */
#ifndef _MEMRESV_BENCH_FTRACE_H
#define _MEMRESV_BENCH_FTRACE_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define FT_DIR	"/sys/kernel/tracing/"

struct ft_fn {
	const char *name;
	long calls;
	double us;
};

static inline int ft_write(const char *file, const char *val, int flags)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), FT_DIR "%s", file);
	fd = open(path, O_WRONLY | flags);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static inline void ft_off(void)
{
	ft_write("tracing_on", "0", 0);
	ft_write("current_tracer", "nop", 0);
	ft_write("set_ftrace_filter", "", O_TRUNC);
}

/* Trace @fns with function_graph from now on; false when not possible. */
static inline bool ft_start(struct ft_fn *fns, int n)
{
	int i;

	if (access(FT_DIR "set_ftrace_filter", W_OK))
		return false;
	ft_off();
	ft_write("trace", "", O_TRUNC);
	ft_write("buffer_size_kb", "8192", 0);
	for (i = 0; i < n; i++) {
		fns[i].calls = 0;
		fns[i].us = 0;
		/* A function inlined or not traceable on this kernel: skip it. */
		if (ft_write("set_ftrace_filter", fns[i].name, O_APPEND))
			fprintf(stderr, "bench: cannot trace %s\n", fns[i].name);
	}
	ft_write("options/funcgraph-tail", "1", 0);
	ft_write("options/funcgraph-irqs", "0", 0);
	if (ft_write("current_tracer", "function_graph", 0)) {
		ft_off();
		return false;
	}
	ft_write("tracing_on", "1", 0);
	return true;
}

/* The duration on a function_graph line ("+ 12.345 us |"), or -1. */
static inline double ft_duration(const char *line, const char *bar)
{
	const char *p;

	for (p = line; p < bar; p++) {
		char *end;
		double v;

		if (*p < '0' || *p > '9')
			continue;
		v = strtod(p, &end);
		if (end < bar && !strncmp(end, " us", 3))
			return v;
		p = end;
	}
	return -1;
}

/* Stop tracing and add up each function's calls and time. */
static inline void ft_collect(struct ft_fn *fns, int n)
{
	char line[512], name[128];
	FILE *f;
	int i;

	ft_write("tracing_on", "0", 0);
	f = fopen(FT_DIR "trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *bar = strchr(line, '|'), *p, *q;
		double us;

		if (!bar)
			continue;
		us = ft_duration(line, bar);
		if (us < 0)
			continue;
		for (p = bar + 1; *p == ' '; p++)
			;
		if (*p == '}') {
			p = strstr(p, "/* ");
			if (!p)
				continue;
			p += 3;
			q = strstr(p, " */");
		} else {
			q = strstr(p, "();");
		}
		if (!q || q - p >= (long)sizeof(name))
			continue;
		memcpy(name, p, q - p);
		name[q - p] = '\0';
		/* A module's functions print as "name [module]". */
		p = strchr(name, ' ');
		if (p)
			*p = '\0';
		for (i = 0; i < n; i++) {
			if (strcmp(name, fns[i].name))
				continue;
			fns[i].calls++;
			fns[i].us += us;
		}
	}
	if (f)
		fclose(f);
	ft_off();
	ft_write("buffer_size_kb", "1408", 0);
}

static inline void ft_report(const char *prefix, struct ft_fn *fns, int n)
{
	char key[160];
	int i;

	for (i = 0; i < n; i++) {
		if (!fns[i].calls)
			continue;
		printf("    traced %-30s %6ld calls %10.1f us (%.2f us a call)\n",
		       fns[i].name, fns[i].calls, fns[i].us,
		       fns[i].us / fns[i].calls);
		snprintf(key, sizeof(key), "x_ft_%s_%s_us", prefix, fns[i].name);
		bench_result(key, fns[i].us / fns[i].calls);
	}
}

#endif /* _MEMRESV_BENCH_FTRACE_H */
