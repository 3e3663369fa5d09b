// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: the event loop.
 *
 * One poll over four descriptors: the module's monitor group (its
 * notifications), the system bus (sd-bus), a one-second timer and the stop
 * signals.  Every notification goes to every part; the timer ticks them,
 * looks for the module when it is not there, and reconnects the bus.
 * When notifications were lost, or the module came back, each part reads
 * the state afresh: nothing is lost that the module or systemd still know,
 * and what only the agent knows is in its state file.
 *
 * The agent never holds the module back: if it dies or stops, the module
 * goes on enforcing everything it enforces alone, and systemd keeps the
 * MemoryMin= values the agent set (runtime properties last until the next
 * boot); a restarted agent picks up where it left off.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "agent.h"
#include "ipc.h"

#define MEMRESVD_VERSION	"1"
#define BUS_TIMEOUT_USEC	(5ULL * 1000 * 1000)

static const struct agent_part *const parts[] = {
	&systemd_part,
	&oomd_part,
	&saved_part,
	/* After saved: the saved host settings come back first. */
	&oomd_swap_part,
	&libvirt_part,
};

#define NPARTS	(sizeof(parts) / sizeof(parts[0]))

/* The module went (an unload was announced): look again at the next tick. */
static bool module_check;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: memresvd [--once] [--state-dir DIR] [-v|--verbose]\n"
		"       memresvd --help | --version\n\n"
		"The memresv agent: raises systemd units' MemoryMin= to cover the\n"
		"guarantees below them, marks paging groups for systemd-oomd and\n"
		"keeps %s/%s current for memresv.service.\n\n"
		"  --once            bring everything in line once, then exit\n"
		"  --state-dir DIR   where %s and %s live\n"
		"                    (default %s)\n"
		"  -v, --verbose     log debug messages too\n",
		AGENT_STATE_DIR, AGENT_SAVED_FILE, AGENT_SAVED_FILE,
		AGENT_STATE_FILE, AGENT_STATE_DIR);
}

/* Return: -1 to go on, or the exit status. */
static int parse_args(struct agent *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->once = true;
			break;
		case 's':
			if (!*optarg || optarg[0] != '/') {
				fprintf(stderr, "memresvd: --state-dir '%s': not an absolute path\n",
					optarg);
				return 1;
			}
			a->state_dir = optarg;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("memresvd %s (netlink family %s version %d)\n",
			       MEMRESVD_VERSION, MEMRESV_GENL_NAME,
			       MEMRESV_GENL_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "memresvd: option '%s' needs a value (see memresvd --help)\n",
				argv[optind - 1]);
			return 1;
		default:
			fprintf(stderr, "memresvd: unknown option '%s' (see memresvd --help)\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "memresvd: unexpected argument '%s' (see memresvd --help)\n",
			argv[optind]);
		return 1;
	}
	return -1;
}

static void read_boot_id(struct agent *a)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	if (!f || !fgets(a->boot_id, sizeof(a->boot_id), f))
		snprintf(a->boot_id, sizeof(a->boot_id), "unknown");
	a->boot_id[strcspn(a->boot_id, "\n")] = '\0';
	if (f)
		fclose(f);
}

/* The state file's lines, each to the part whose key starts it. */
static void state_load(struct agent *a)
{
	char *text, *line, *next, *rest;
	size_t len, i;
	bool ours = false;
	int err;

	err = agent_read_file(a, AGENT_STATE_FILE, &text, &len);
	if (err) {
		if (err != -ENOENT)
			log_warning("cannot read %s/%s: %s; starting afresh",
				    a->state_dir, AGENT_STATE_FILE,
				    strerror(-err));
		return;
	}
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line || *line == '#')
			continue;
		rest = strchr(line, ' ');
		if (!rest)
			continue;
		*rest++ = '\0';
		if (!strcmp(line, "boot")) {
			ours = !strcmp(rest, a->boot_id);
			if (!ours)
				log_info("%s/%s is from another boot: nothing in it holds now",
					 a->state_dir, AGENT_STATE_FILE);
			continue;
		}
		for (i = 0; ours && i < NPARTS; i++)
			if (parts[i]->key && !strcmp(parts[i]->key, line))
				parts[i]->load(a, rest);
	}
	free(text);
}

static void state_save(struct agent *a)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;
	int err;

	a->state_dirty = false;
	f = open_memstream(&text, &len);
	if (!f) {
		log_err("cannot write the state: out of memory");
		return;
	}
	fprintf(f, "# memresvd: what it must remember across a restart (this boot only)\n");
	fprintf(f, "boot %s\n", a->boot_id);
	for (i = 0; i < NPARTS; i++)
		if (parts[i]->save)
			parts[i]->save(a, f);
	if (fclose(f)) {
		free(text);
		log_err("cannot write the state: out of memory");
		return;
	}
	err = agent_write_file(a, AGENT_STATE_FILE, text, len);
	if (err) {
		log_err("cannot write %s/%s: %s", a->state_dir,
			AGENT_STATE_FILE, strerror(-err));
		a->state_dirty = true;
	}
	free(text);
}

static void sync_parts(struct agent *a)
{
	size_t i;

	for (i = 0; i < NPARTS; i++)
		if (parts[i]->sync)
			parts[i]->sync(a);
}

static int dispatch(const struct event_info *ev, void *arg)
{
	struct agent *a = arg;
	size_t i;

	if (ev->event == MEMRESV_EVENT_REMOVED &&
	    ev->reason == MEMRESV_REASON_UNLOAD)
		module_check = true;
	for (i = 0; i < NPARTS; i++)
		if (parts[i]->event)
			parts[i]->event(a, ev);
	return 0;
}

/*
 * (Re)join the module: a fresh netlink socket (a reloaded module has a new
 * family id) and the monitor, then every part reads the state afresh.
 * Subscribing comes first, so that nothing between the reading and the
 * first notification is missed.
 */
static int module_open(struct agent *a, int *mon_fd)
{
	bool had = a->module;
	int err;

	ipc_monitor_close();
	ipc_close();
	*mon_fd = -1;
	a->module = false;
	err = ipc_monitor_open(mon_fd);
	if (!err) {
		a->module = true;
		log_info("joined the memresv module's monitor group");
	} else if (err == -IPC_ENOMODULE) {
		if (had)
			log_notice("the memresv module is gone; waiting for it");
	} else if (err != -EPERM) {
		log_warning("cannot join the memresv module's monitor group: %s",
			    ipc_strerror(err));
	}
	if (a->module || had)
		sync_parts(a);
	return err;
}

/* Milliseconds until sd-bus wants to be called, or -1. */
static int bus_timeout_ms(sd_bus *bus)
{
	struct timespec ts;
	uint64_t when, now;

	if (sd_bus_get_timeout(bus, &when) < 0 || when == UINT64_MAX)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (when <= now)
		return 0;
	return (int)((when - now + 999) / 1000);
}

static void bus_open(struct agent *a)
{
	static bool said;
	sd_bus *bus;
	int err;

	err = sd_bus_open_system(&bus);
	if (err < 0) {
		if (!said)
			log_warning("cannot connect to the system bus: %s; systemd units are left alone until it is there",
				    strerror(-err));
		said = true;
		return;
	}
	if (said)
		log_info("connected to the system bus");
	said = false;
	sd_bus_set_method_call_timeout(bus, BUS_TIMEOUT_USEC);
	a->bus = bus;
}

static void bus_close(struct agent *a)
{
	if (a->bus)
		sd_bus_flush_close_unref(a->bus);
	a->bus = NULL;
}

/* Whatever the bus has to say; a lost connection is made again next tick. */
static void bus_process(struct agent *a)
{
	int r;

	do {
		r = sd_bus_process(a->bus, NULL);
	} while (r > 0);
	if (r < 0) {
		log_warning("lost the system bus: %s", strerror(-r));
		bus_close(a);
	}
}

static void tick(struct agent *a, int *mon_fd)
{
	size_t i;

	if (!a->bus) {
		bus_open(a);
		if (a->bus && a->module)
			sync_parts(a);
	}
	if (module_check || !a->module) {
		module_check = false;
		module_open(a, mon_fd);
	}
	if (!a->module)
		return;
	for (i = 0; i < NPARTS; i++)
		if (parts[i]->tick)
			parts[i]->tick(a);
}

static int read_monitor(struct agent *a, int *mon_fd)
{
	int err = ipc_monitor_read(dispatch, a);

	if (!err)
		return 0;
	if (err == -ENOBUFS) {
		log_warning("notifications were lost (a burst overran the socket); reading the state afresh");
		sync_parts(a);
		return 0;
	}
	log_warning("reading the monitor group: %s; joining it again",
		    ipc_strerror(err));
	module_open(a, mon_fd);
	return 0;
}

static int make_fds(int *sig_fd, int *timer_fd)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = 1 },
		.it_value = { .tv_sec = 1 },
	};
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	*sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	*timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (*sig_fd < 0 || *timer_fd < 0 ||
	    timerfd_settime(*timer_fd, 0, &its, NULL))
		return -errno;
	return 0;
}

/* Return: the signal that asks the agent to stop, or 0. */
static int read_signal(int sig_fd)
{
	struct signalfd_siginfo si;

	if (read(sig_fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: nothing to reload; the state is read afresh every second");
		return 0;
	}
	return (int)si.ssi_signo;
}

static int loop(struct agent *a, int *mon_fd, int sig_fd, int timer_fd)
{
	struct pollfd pfd[4];
	uint64_t expired;
	int timeout, r, sig;

	for (;;) {
		if (a->state_dirty)
			state_save(a);
		pfd[0] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = timer_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = *mon_fd, .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = -1 };
		timeout = -1;
		if (a->bus) {
			pfd[3].fd = sd_bus_get_fd(a->bus);
			pfd[3].events = (short)sd_bus_get_events(a->bus);
			timeout = bus_timeout_ms(a->bus);
		}
		r = poll(pfd, 4, timeout);
		if (r < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			sig = read_signal(sig_fd);
			if (sig) {
				log_info("%s: stopping; the module and systemd keep what they hold",
					 strsignal(sig));
				return 0;
			}
		}
		if (pfd[2].fd >= 0 && pfd[2].revents)
			read_monitor(a, mon_fd);
		if (a->bus)
			bus_process(a);
		if ((pfd[1].revents & POLLIN) &&
		    read(timer_fd, &expired, sizeof(expired)) > 0)
			tick(a, mon_fd);
	}
}

int main(int argc, char **argv)
{
	struct agent a = { .state_dir = AGENT_STATE_DIR };
	int status, mon_fd = -1, sig_fd, timer_fd, err;
	size_t inited;

	status = parse_args(&a, argc, argv);
	if (status >= 0)
		return status;
	agent_log_init(a.verbose);
	read_boot_id(&a);
	err = make_fds(&sig_fd, &timer_fd);
	if (err) {
		log_err("cannot set up the event loop: %s", strerror(-err));
		return 1;
	}
	state_load(&a);
	bus_open(&a);
	for (inited = 0; inited < NPARTS; inited++) {
		if (!parts[inited]->init)
			continue;
		err = parts[inited]->init(&a);
		if (err) {
			log_err("%s: cannot start: %s", parts[inited]->name,
				strerror(-err));
			status = 1;
			goto out;
		}
	}
	if (module_open(&a, &mon_fd) == -EPERM) {
		log_err("the module's monitor group needs CAP_SYS_ADMIN: run memresvd as root");
		status = 1;
		goto out;
	}
	if (!a.module)
		log_notice("the memresv module is not loaded; waiting for it (modprobe memresv)");
	if (a.once) {
		tick(&a, &mon_fd);
		status = 0;
		goto out;
	}
	sd_notify(0, "READY=1\nSTATUS=watching the memresv module");
	status = loop(&a, &mon_fd, sig_fd, timer_fd);
	sd_notify(0, "STOPPING=1");
out:
	while (inited--)
		if (parts[inited]->exit)
			parts[inited]->exit(&a);
	if (a.state_dirty)
		state_save(&a);
	ipc_monitor_close();
	ipc_close();
	bus_close(&a);
	return status;
}
