// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: the swap tier stays below systemd-oomd's SwapUsedLimit=.
 *
 * systemd-oomd, where a unit has ManagedOOMSwap=kill, kills the group using
 * the most swap once swap in use passes SwapUsedLimit= (oomd.conf(5), 90%
 * by default) of SwapTotal.  The module's swap tier (paging_limit) defaults
 * to the swap free when the module was loaded, all of it: starts filling
 * their grants would push swap use past the limit, and the kills would
 * begin with groups that use swap by design.  So, while systemd-oomd runs,
 * this part keeps the tier at most
 *
 *	cap = SwapUsedLimit x SwapTotal - swap used by others,
 *	others = swap used now - what the paging groups hold of their grants
 *
 * rounded down to MiB (oomd_tier_cap()), and never below what is granted
 * now (the module refuses that).  It lowers the tier, never raises it:
 * the tier is the administrator's setting, and a cap read at one moment
 * (others' swap use moves) is no reason to give more.  It looks when
 * the agent starts or the module is back (sync), when the host settings
 * change (a `memresv host set --paging-limit` above the cap is lowered
 * again, the log naming SwapUsedLimit= and the numbers), when
 * systemd-oomd starts or restarts (it reads its configuration then), and,
 * while grants kept the tier above the cap, when a start leaves the tier.
 * A bigger tier needs a higher SwapUsedLimit= or more swap.
 *
 * Whether systemd-oomd runs is asked of systemd over the bus the agent
 * already has: the unit systemd-oomd.service and its ActiveState.  That is
 * what systemd knows for certain, does not depend on the daemon's binary or
 * process name, and tells a restart (ActiveEnterTimestampMonotonic moves).
 * Its varlink socket says less: systemd-oomd.socket holds it open whether
 * the daemon runs or not (systemd 252 starts systemd-oomd on demand), and
 * a socket file outlives a daemon that died.  Asked every OOMD_POLL_TICKS
 * seconds, and before every look at a host change, so that a limit set
 * just after systemd-oomd stopped is left alone.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "agent.h"
#include "ipc.h"
#include "oomd_conf.h"

#define OOMD_UNIT	"systemd-oomd.service"
#define OOMD_POLL_TICKS	3
#define MiB		(1ULL << 20)

/**
 * struct oomd_swap - what this part knows
 * @known: @running holds an answer
 * @running: systemd-oomd.service is active
 * @since: when it became active (ActiveEnterTimestampMonotonic)
 * @ticks: ticks since systemd was last asked
 * @own_limit: the paging_limit this agent set last (its own host-changed
 *	notification is not a reason to look again), or 0
 * @short_of_cap: the grants held the tier above the cap: look again when
 *	a start leaves the tier
 * @said_short: the cap last reported out of reach, so it is said once
 *	per change (UINT64_MAX: none)
 */
static struct {
	bool known;
	bool running;
	uint64_t since;
	unsigned int ticks;
	uint64_t own_limit;
	bool short_of_cap;
	uint64_t said_short;
} st = { .said_short = UINT64_MAX };

/*
 * Is systemd-oomd.service active?  Return: 1 or 0, or -errno when systemd
 * could not say.
 */
static int oomd_active(struct agent *a, uint64_t *since)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path;
	char *state = NULL;
	int r;

	*since = 0;
	if (!a->bus)
		return -ENOTCONN;
	r = sd_bus_call_method(a->bus, SD_DEST, SD_PATH, SD_MANAGER,
			       "GetUnit", &error, &reply, "s", OOMD_UNIT);
	if (r < 0) {
		/* Not loaded: not installed, or never started. */
		if (sd_bus_error_has_name(&error,
					  "org.freedesktop.systemd1.NoSuchUnit"))
			r = 0;
		goto out;
	}
	r = sd_bus_message_read(reply, "o", &path);
	if (r < 0)
		goto out;
	r = sd_bus_get_property_string(a->bus, SD_DEST, path, SD_UNIT_IFACE,
				       "ActiveState", &error, &state);
	if (r < 0)
		goto out;
	r = !strcmp(state, "active") || !strcmp(state, "reloading");
	if (r && sd_bus_get_property_trivial(a->bus, SD_DEST, path,
					     SD_UNIT_IFACE,
					     "ActiveEnterTimestampMonotonic",
					     &error, 't', since) < 0)
		*since = 0;
out:
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	free(state);
	return r;
}

/* SwapTotal and SwapFree of /proc/meminfo, bytes. */
static int meminfo_swap(uint64_t *total, uint64_t *free_)
{
	unsigned long long kb;
	char line[128];
	int found = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -errno;
	while (found != 3 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SwapTotal: %llu kB", &kb) == 1) {
			*total = kb << 10;
			found |= 1;
		} else if (sscanf(line, "SwapFree: %llu kB", &kb) == 1) {
			*free_ = kb << 10;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : -ENODATA;
}

/* What the groups paging on the tier hold in swap now, bytes. */
static uint64_t tier_swap(void)
{
	struct resv_info *list = NULL;
	uint64_t sum = 0;
	size_t n = 0, i;

	if (ipc_resv_list(&list, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (HAS(&list[i], RESV_STATE) &&
		    list[i].state == MEMRESV_STATE_PAGING &&
		    HAS(&list[i], RESV_SWAP_CURRENT))
			sum += list[i].swap_current;
	free(list);
	return sum;
}

static unsigned long long mib(uint64_t bytes)
{
	return (unsigned long long)(bytes / MiB);
}

/* "50%", "50.5%", "50.25%" */
static const char *pct(int permyriad, char *buf, size_t len)
{
	if (permyriad % 100 == 0)
		snprintf(buf, len, "%d%%", permyriad / 100);
	else if (permyriad % 10 == 0)
		snprintf(buf, len, "%d.%d%%", permyriad / 100,
			 permyriad % 100 / 10);
	else
		snprintf(buf, len, "%d.%02d%%", permyriad / 100,
			 permyriad % 100);
	return buf;
}

/* Bring the tier under the cap, if systemd-oomd runs. */
static void tier_check(struct agent *a)
{
	struct host_info h, set = { .set = 1u << HOST_PAGING_LIMIT }, out;
	uint64_t total = 0, free_ = 0, mine, cap, target, used, others;
	char from[PATH_MAX], p[16];
	int permyriad, err;

	st.short_of_cap = false;
	if (!a->module || !st.running)
		return;
	err = ipc_host_get(&h);
	if (err) {
		log_warning("cannot read the host settings: %s",
			    ipc_strerror(err));
		return;
	}
	err = meminfo_swap(&total, &free_);
	if (err) {
		log_warning("cannot read the swap figures of /proc/meminfo: %s",
			    strerror(-err));
		return;
	}
	mine = tier_swap();
	permyriad = oomd_swap_limit("", from, sizeof(from));
	cap = oomd_tier_cap(permyriad, total, free_, mine, h.paging_used);
	target = oomd_tier_target(h.paging_limit, cap, h.paging_used);
	used = total > free_ ? total - free_ : 0;
	mine = mine < h.paging_used ? mine : h.paging_used;
	others = used > mine ? used - mine : 0;
	pct(permyriad, p, sizeof(p));
	log_debug("swap tier %llu MiB, cap %llu MiB: SwapUsedLimit=%s (%s) of %llu MiB swap, %llu MiB used by others",
		  mib(h.paging_limit), mib(cap), p, from, mib(total),
		  mib(others));
	if (cap < h.paging_used && h.paging_limit > cap) {
		st.short_of_cap = true;
		if (target == h.paging_limit && st.said_short != cap)
			log_notice("swap tier %llu MiB stays above the %llu MiB that systemd-oomd's SwapUsedLimit=%s (%s) leaves: %llu MiB is granted now; it is lowered as the grants end",
				   mib(h.paging_limit), mib(cap), p, from,
				   mib(h.paging_used));
		st.said_short = cap;
	} else {
		st.said_short = UINT64_MAX;
	}
	if (target == h.paging_limit)
		return;
	set.paging_limit = target;
	err = ipc_host_set(&set, &out);
	if (err) {
		log_warning("cannot lower the swap tier to %llu MiB: %s",
			    mib(target), ipc_strerror(err));
		return;
	}
	st.own_limit = target;
	log_notice("swap tier lowered from %llu MiB to %llu MiB: systemd-oomd's SwapUsedLimit=%s (%s) of %llu MiB swap is %llu MiB, %llu MiB of it used by others%s; for a bigger tier raise SwapUsedLimit= or add swap",
		   mib(h.paging_limit), mib(target), p, from, mib(total),
		   mib(total / 10000 * (uint64_t)permyriad +
		       total % 10000 * (uint64_t)permyriad / 10000),
		   mib(others),
		   target > cap ? " (no lower than what is granted now)" : "");
}

/* Ask systemd whether systemd-oomd runs; look at the tier when it started. */
static void oomd_poll(struct agent *a, bool look)
{
	uint64_t since;
	char from[PATH_MAX], p[16];
	int r = oomd_active(a, &since);

	st.ticks = 0;
	if (r < 0) {
		if (r != -ENOTCONN && st.known)
			log_debug("cannot ask systemd about %s: %s", OOMD_UNIT,
				  strerror(-r));
		if (look)
			tier_check(a);
		return;
	}
	if (r && (!st.known || !st.running || since != st.since)) {
		pct(oomd_swap_limit("", from, sizeof(from)), p, sizeof(p));
		log_info("systemd-oomd runs: the swap tier is kept below its SwapUsedLimit=%s (%s)",
			 p, from);
		look = true;
	} else if (!r && st.known && st.running) {
		log_info("systemd-oomd stopped: the swap tier is left as it is");
	}
	st.known = true;
	st.running = r;
	st.since = since;
	if (look)
		tier_check(a);
}

static void oomd_swap_sync(struct agent *a)
{
	oomd_poll(a, true);
}

static void oomd_swap_event(struct agent *a, const struct event_info *ev)
{
	switch (ev->event) {
	case MEMRESV_EVENT_HOST_CHANGED:
		/* The notification of the agent's own setting. */
		if (ev->has_host && st.own_limit &&
		    ev->host.paging_limit == st.own_limit) {
			st.own_limit = 0;
			return;
		}
		st.own_limit = 0;
		oomd_poll(a, true);
		break;
	case MEMRESV_EVENT_PAGING_END:
	case MEMRESV_EVENT_REMOVED:
		if (st.short_of_cap)
			tier_check(a);
		break;
	}
}

static void oomd_swap_tick(struct agent *a)
{
	if (++st.ticks >= OOMD_POLL_TICKS)
		oomd_poll(a, false);
}

const struct agent_part oomd_swap_part = {
	.name = "oomd-swap",
	.sync = oomd_swap_sync,
	.event = oomd_swap_event,
	.tick = oomd_swap_tick,
};
