// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: monitor -- print notifications until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
#include "subcommands.h"

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static void print_kv(const void *obj, const struct field *fields, size_t n,
		     const unsigned int *bits, size_t nbits)
{
	char buf[SIZE_STR_LEN + 16];
	size_t i;

	for (i = 0; i < nbits; i++) {
		const struct field *f = field_by_bit(fields, n, bits[i]);

		if (f && ((*(const uint32_t *)obj >> f->bit) & 1u))
			printf(" %s=%s", f->name,
			       format_field(obj, f, buf, sizeof(buf)));
	}
}

static int print_event(const struct event_info *ev, void *arg)
{
	static const unsigned int resv_bits[] = {
		RESV_STATE, RESV_STATUS, RESV_GUARANTEE, RESV_TARGET,
		RESV_DEMAND, RESV_CURRENT, RESV_SWAP_CURRENT,
		RESV_PAGING_GRANT,
	};
	static const unsigned int host_bits[] = {
		HOST_CAPACITY, HOST_GUARANTEED, HOST_ASSIGNED, HOST_FREE,
		HOST_PAGING_USED,
	};
	const bool *json = arg;
	const char *name, *why;
	struct timeval tv;
	struct tm tm;

	if (*json) {
		if (json_print(event_to_json(ev), stdout, false))
			return -ENOMEM;
		return fflush(stdout) ? -errno : 0;
	}
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	name = name_of(NAMES_EVENT, ev->event);
	printf("%02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	       (long)tv.tv_usec / 1000);
	if (name)
		printf("%s", name);
	else
		printf("event(%u)", ev->event);
	if (ev->has_resv && HAS(&ev->resv, RESV_CGROUP))
		printf(" %s", ev->resv.cgroup);
	if (ev->reason) {
		why = name_of(NAMES_REASON, ev->reason);
		if (why)
			printf(" (%s)", why);
		else
			printf(" (reason %u)", ev->reason);
	}
	if (ev->has_resv)
		print_kv(&ev->resv, resv_fields, resv_nfields, resv_bits,
			 ARRAY_SIZE(resv_bits));
	else if (ev->has_host)
		print_kv(&ev->host, host_fields, host_nfields, host_bits,
			 ARRAY_SIZE(host_bits));
	if (ev->message[0])
		printf(": %s", ev->message);
	putchar('\n');
	return fflush(stdout) ? -errno : 0;
}

/**
 * monitor_main() - memresv monitor [-j|--json]
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status: 0 when stopped by SIGINT or SIGTERM.
 */
int monitor_main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t block, waitmask;
	bool json = false;
	int ret;

	ret = options_flag("monitor", &json_options, argc, argv, &json) ?:
	      options_args("monitor", argc, argv, 0);
	if (ret)
		return ret;

	/*
	 * Block the stop signals except while waiting for the socket, so
	 * one arriving while an event is printed is not lost.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);

	ret = ipc_monitor(print_event, &json, &waitmask, &monitor_stop);
	if (ret == -EPIPE)
		return 0;
	return ret ? fail("monitor", NULL, ret) : 0;
}
