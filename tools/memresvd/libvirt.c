// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: the libvirt part.  For every running domain whose XML has
 * <memresv:reservation> (tools/libvirt/domain.c), once the libvirt hook
 * has reserved its group:
 *
 * - Restart: a reboot of the guest (libvirt's reboot event) re-enters
 *   start-up through RESV_RESTART, so a restart may use the swap tier as
 *   in Hyper-V.
 * - The guest's view: the balloon's statistics (period 1 s) every balancer
 *   period become a RESV_REPORT: demand = what the guest uses (available
 *   - usable, so not its page cache) + GUEST_MARGIN, size = what the
 *   balloon leaves it (actual), both plus QEMU's overhead (the hook's
 *   rule).  The reply's target, less the overhead, is the balloon's new
 *   size when it moved by more than a hysteresis.
 * - Start-up ends when the guest's balloon first answers (RESV_READY), as
 *   Hyper-V ends it when the guest's Dynamic Memory driver is up.
 * - The actuator: balloon once the statistics arrive, cgroup (memory.high
 *   is the target) when they stop or the balloon does not follow.
 *
 * libvirt's events arrive on a thread of their own that runs libvirt's
 * event loop; it only queues what happened.  Everything else, and every
 * netlink request, happens in the agent's tick, on the main thread.
 *
 * The agent connects to libvirt only while the hook has reserved some
 * domain (its notes in MEMRESV_LIBVIRT_RUN_DIR), so that it never starts a
 * socket-activated libvirtd on a host that does not use it.  Nothing here
 * needs remembering across a restart of the agent: the domains, their
 * groups and the reservations are read afresh.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "agent.h"
#include "domain.h"
#include "ipc.h"

#define LIBVIRT_URI		"qemu:///system"
#define MiB			((uint64_t)1024 * 1024)
/* What the guest needs on top of what it uses: its free-page watermarks. */
#define GUEST_MARGIN		(32 * MiB)
/* Smallest balloon move worth asking for (or 1/64 of <memory>). */
#define BALLOON_HYST		(16 * MiB)
/* The balloon has this long to move half-way to a new size. */
#define FOLLOW_SECS		30
/* Statistics older than this mean the guest's balloon driver is gone. */
#define STALE_SECS		10
/* The domain list is read again at least this often. */
#define REFRESH_SECS		5
#define RECONNECT_SECS		5
#define MAX_PENDING		64

enum balloon_state {
	BALLOON_UNKNOWN,	/* no statistics yet */
	BALLOON_WORKS,		/* statistics arrive: actuator balloon */
	BALLOON_STUCK,		/* it did not follow: actuator cgroup */
	BALLOON_NONE,		/* no balloon device */
};

/**
 * struct vm - a running domain with a reservation
 * @d: what its XML asks for (the overhead, the sizes)
 * @cgroup: its libvirt group
 * @dom: libvirt's handle
 * @seen: in the latest listing
 * @balloon: enum balloon_state
 * @period_set: the statistics period was set
 * @ready_sent: start-up was ended for this boot of the guest
 * @last_update: the statistics' own timestamp, last seen
 * @fresh_at: when @last_update last moved (monotonic seconds)
 * @asked_kib: the balloon size last asked for, 0 if none
 * @asked_from_kib: the balloon's size then
 * @asked_at: when
 */
struct vm {
	struct domain_resv d;
	char cgroup[CGROUP_PATH_MAX];
	virDomainPtr dom;
	bool seen;
	enum balloon_state balloon;
	bool period_set;
	bool ready_sent;
	uint64_t last_update;
	time_t fresh_at;
	uint64_t asked_kib;
	uint64_t asked_from_kib;
	time_t asked_at;
};

static virConnectPtr conn;
static int reboot_cb = -1, lifecycle_cb = -1;
static struct vm **vms;
static size_t nvms;
static time_t refreshed_at, tried_at;
static unsigned int period_ticks = 1, tick_count;

/* What libvirt's event thread hands to the tick; under pending_lock. */
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static char pending_reboot[MAX_PENDING][VIR_UUID_STRING_BUFLEN];
static size_t npending;
static bool pending_refresh, conn_lost;

static pthread_t loop_thread;
static bool loop_running;
static volatile bool loop_stop;

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static const char *virt_err(void)
{
	const char *m = virGetLastErrorMessage();

	return m ? m : "unknown libvirt error";
}

/* libvirt prints every error on stderr unless told otherwise. */
static void quiet(void *arg, virErrorPtr e)
{
	(void)arg;
	(void)e;
}

static void *event_loop(void *arg)
{
	(void)arg;
	while (!loop_stop)
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

/* Wakes libvirt's loop every second, so that it sees loop_stop. */
static void loop_wake(int timer, void *arg)
{
	(void)timer;
	(void)arg;
}

static void on_reboot(virConnectPtr c, virDomainPtr dom, void *arg)
{
	(void)c;
	(void)arg;
	pthread_mutex_lock(&pending_lock);
	if (npending < MAX_PENDING &&
	    !virDomainGetUUIDString(dom, pending_reboot[npending]))
		npending++;
	pthread_mutex_unlock(&pending_lock);
}

static int on_lifecycle(virConnectPtr c, virDomainPtr dom, int event,
			int detail, void *arg)
{
	(void)c;
	(void)dom;
	(void)event;
	(void)detail;
	(void)arg;
	pthread_mutex_lock(&pending_lock);
	pending_refresh = true;
	pthread_mutex_unlock(&pending_lock);
	return 0;
}

static void on_close(virConnectPtr c, int reason, void *arg)
{
	(void)c;
	(void)reason;
	(void)arg;
	pthread_mutex_lock(&pending_lock);
	conn_lost = true;
	pthread_mutex_unlock(&pending_lock);
}

static void vm_free(struct vm *vm)
{
	if (vm->dom)
		virDomainFree(vm->dom);
	free(vm);
}

static void vms_clear(void)
{
	size_t i;

	for (i = 0; i < nvms; i++)
		vm_free(vms[i]);
	nvms = 0;
}

static void disconnect(void)
{
	vms_clear();
	if (!conn)
		return;
	if (reboot_cb >= 0)
		virConnectDomainEventDeregisterAny(conn, reboot_cb);
	if (lifecycle_cb >= 0)
		virConnectDomainEventDeregisterAny(conn, lifecycle_cb);
	virConnectUnregisterCloseCallback(conn, on_close);
	virConnectClose(conn);
	conn = NULL;
	reboot_cb = lifecycle_cb = -1;
}

/* The hook has reserved a domain: there is something to do. */
static bool libvirt_wanted(void)
{
	DIR *dir = opendir(MEMRESV_LIBVIRT_RUN_DIR);
	struct dirent *de;
	bool any = false;

	if (!dir)
		return false;
	while (!any && (de = readdir(dir)))
		any = de->d_name[0] != '.' && !strstr(de->d_name, ".tmp");
	closedir(dir);
	return any;
}

static void connect_libvirt(void)
{
	if (conn || now_s() - tried_at < RECONNECT_SECS || !libvirt_wanted())
		return;
	tried_at = now_s();
	conn = virConnectOpen(LIBVIRT_URI);
	if (!conn) {
		log_warning("libvirt: cannot connect to %s: %s; trying again in %d s",
			    LIBVIRT_URI, virt_err(), RECONNECT_SECS);
		return;
	}
	pthread_mutex_lock(&pending_lock);
	conn_lost = false;
	pending_refresh = true;
	pthread_mutex_unlock(&pending_lock);
	virConnectRegisterCloseCallback(conn, on_close, NULL, NULL);
	reboot_cb = virConnectDomainEventRegisterAny(conn, NULL,
			VIR_DOMAIN_EVENT_ID_REBOOT,
			VIR_DOMAIN_EVENT_CALLBACK(on_reboot), NULL, NULL);
	lifecycle_cb = virConnectDomainEventRegisterAny(conn, NULL,
			VIR_DOMAIN_EVENT_ID_LIFECYCLE,
			VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), NULL, NULL);
	if (reboot_cb < 0)
		log_warning("libvirt: cannot listen for reboots: %s; restarts keep their reservation's phase",
			    virt_err());
	log_info("libvirt: connected to %s", LIBVIRT_URI);
}

static struct vm *vm_by_uuid(const char *uuid)
{
	size_t i;

	for (i = 0; i < nvms; i++)
		if (!strcmp(vms[i]->d.uuid, uuid))
			return vms[i];
	return NULL;
}

/* A running domain not seen before: is it ours, and where is its group? */
static struct vm *vm_new(virDomainPtr dom)
{
	char why[DOMAIN_ERR_LEN];
	struct resv_info cur;
	struct vm *vm;
	char *xml;
	int err;

	xml = virDomainGetXMLDesc(dom, 0);
	if (!xml)
		return NULL;
	vm = calloc(1, sizeof(*vm));
	if (!vm) {
		free(xml);
		return NULL;
	}
	err = domain_parse(xml, strlen(xml), &vm->d, why, sizeof(why));
	free(xml);
	if (err || !vm->d.has_meta)
		goto skip;
	if (domain_note_read(vm->d.uuid, vm->cgroup, sizeof(vm->cgroup)) &&
	    domain_group_find(vm->d.name, vm->cgroup, sizeof(vm->cgroup), why,
			      sizeof(why)))
		goto skip;
	/* Not reserved (yet): the hook is still at it, or it failed. */
	if (ipc_resv_get(vm->cgroup, &cur))
		goto skip;
	vm->dom = dom;
	virDomainRef(dom);
	log_info("libvirt: domain '%s' (%s): watching its balloon",
		 vm->d.name, vm->cgroup);
	return vm;
skip:
	free(vm);
	return NULL;
}

/* The running domains with a reservation, read afresh. */
static void refresh(void)
{
	virDomainPtr *doms = NULL;
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct vm *vm, **nv;
	int n, i;
	size_t j, k;

	refreshed_at = now_s();
	n = virConnectListAllDomains(conn, &doms,
				     VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		log_warning("libvirt: cannot list the domains: %s", virt_err());
		return;
	}
	for (j = 0; j < nvms; j++)
		vms[j]->seen = false;
	for (i = 0; i < n; i++) {
		if (!virDomainGetUUIDString(doms[i], uuid)) {
			vm = vm_by_uuid(uuid);
			if (vm) {
				vm->seen = true;
			} else {
				vm = vm_new(doms[i]);
				nv = vm ? realloc(vms, (nvms + 1) * sizeof(*vms))
					: NULL;
				if (nv) {
					vms = nv;
					vm->seen = true;
					vms[nvms++] = vm;
				} else if (vm) {
					vm_free(vm);
				}
			}
		}
		virDomainFree(doms[i]);
	}
	free(doms);
	for (j = k = 0; j < nvms; j++) {
		if (vms[j]->seen) {
			vms[k++] = vms[j];
		} else {
			log_info("libvirt: domain '%s' is gone",
				 vms[j]->d.name);
			vm_free(vms[j]);
		}
	}
	nvms = k;
}

static void vm_drop(struct vm *vm)
{
	size_t i;

	for (i = 0; i < nvms; i++) {
		if (vms[i] == vm) {
			vms[i] = vms[--nvms];
			vm_free(vm);
			return;
		}
	}
}

static void set_actuator(struct vm *vm, enum balloon_state to,
			 const char *why)
{
	uint8_t act = to == BALLOON_WORKS ? MEMRESV_ACTUATOR_BALLOON :
					    MEMRESV_ACTUATOR_CGROUP;
	bool was = vm->balloon == BALLOON_WORKS;
	int err;

	vm->balloon = to;
	if (was == (to == BALLOON_WORKS))
		return;
	err = ipc_resv_actuator(vm->cgroup, act, NULL);
	if (err)
		log_warning("libvirt: domain '%s': cannot set the actuator: %s",
			    vm->d.name, ipc_strerror(err));
	else
		log_info("libvirt: domain '%s': actuator %s (%s)", vm->d.name,
			 act == MEMRESV_ACTUATOR_BALLOON ? "balloon" : "cgroup",
			 why);
}

/* A reboot of the guest: start-up again, through admission. */
static void vm_restart(struct vm *vm)
{
	struct resv_info r;
	int err;

	err = ipc_resv_restart(vm->cgroup, false, &r);
	if (err)
		log_warning("libvirt: domain '%s' rebooted; its reservation could not restart: %s",
			    vm->d.name, ipc_strerror(err));
	else
		log_info("libvirt: domain '%s' rebooted: its reservation is %s again",
			 vm->d.name,
			 r.state == MEMRESV_STATE_PAGING ? "starting (paging)" :
							 "starting");
	/* Its balloon driver must come up again before it answers. */
	vm->ready_sent = false;
	vm->asked_kib = 0;
	vm->fresh_at = 0;
	if (vm->balloon != BALLOON_NONE)
		set_actuator(vm, BALLOON_UNKNOWN, "the guest rebooted");
}

struct guest_stats {
	uint64_t actual, available, usable, last_update;
	bool has_actual, has_view;
};

static int read_stats(struct vm *vm, struct guest_stats *gs)
{
	virDomainMemoryStatStruct st[VIR_DOMAIN_MEMORY_STAT_NR];
	int n, i, have = 0;

	memset(gs, 0, sizeof(*gs));
	n = virDomainMemoryStats(vm->dom, st, VIR_DOMAIN_MEMORY_STAT_NR, 0);
	if (n < 0)
		return -EIO;
	for (i = 0; i < n; i++) {
		switch (st[i].tag) {
		case VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON:
			gs->actual = st[i].val;
			gs->has_actual = true;
			break;
		case VIR_DOMAIN_MEMORY_STAT_AVAILABLE:
			gs->available = st[i].val;
			have |= 1;
			break;
		case VIR_DOMAIN_MEMORY_STAT_USABLE:
			gs->usable = st[i].val;
			have |= 2;
			break;
		case VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE:
			gs->last_update = st[i].val;
			break;
		default:
			break;
		}
	}
	gs->has_view = have == 3 && gs->available >= gs->usable;
	return 0;
}

/* The balloon to the reply's target, less QEMU's overhead. */
static void move_balloon(struct vm *vm, const struct resv_info *r,
			 const struct guest_stats *gs)
{
	uint64_t want, hyst, max_kib = vm->d.memory / 1024;
	time_t now = now_s();

	if (!HAS(r, RESV_TARGET) || r->target <= vm->d.overhead)
		return;
	want = (r->target - vm->d.overhead) / 1024;
	if (want > max_kib)
		want = max_kib;
	hyst = BALLOON_HYST;
	if (vm->d.memory / 64 > hyst)
		hyst = vm->d.memory / 64;
	hyst /= 1024;
	/* Did it follow the last request, at least half-way? */
	if (vm->asked_kib && now - vm->asked_at >= FOLLOW_SECS) {
		uint64_t dist = vm->asked_kib > vm->asked_from_kib ?
				vm->asked_kib - vm->asked_from_kib :
				vm->asked_from_kib - vm->asked_kib;
		uint64_t left = vm->asked_kib > gs->actual ?
				vm->asked_kib - gs->actual :
				gs->actual - vm->asked_kib;

		if (left > hyst && left * 2 > dist &&
		    vm->balloon == BALLOON_WORKS)
			set_actuator(vm, BALLOON_STUCK,
				     "the balloon does not follow");
		vm->asked_kib = 0;
	}
	if ((want > gs->actual ? want - gs->actual : gs->actual - want) <= hyst)
		return;
	if (want == vm->asked_kib)
		return;
	if (virDomainSetMemoryFlags(vm->dom, (unsigned long)want,
				    VIR_DOMAIN_AFFECT_LIVE) < 0) {
		log_warning("libvirt: domain '%s': cannot set the balloon to %" PRIu64 " MiB: %s",
			    vm->d.name, want / 1024, virt_err());
		return;
	}
	log_debug("libvirt: domain '%s': balloon %" PRIu64 " -> %" PRIu64 " MiB (target %" PRIu64 " MiB)",
		  vm->d.name, gs->actual / 1024, want / 1024,
		  r->target / MiB);
	vm->asked_kib = want;
	vm->asked_from_kib = gs->actual;
	vm->asked_at = now;
}

/* One period of a domain: its statistics in, its balloon out. */
static void vm_period(struct vm *vm)
{
	struct guest_stats gs;
	struct resv_info r;
	uint64_t demand, size, o = vm->d.overhead;
	time_t now = now_s();
	int err;

	if (!vm->period_set) {
		vm->period_set = true;
		if (virDomainSetMemoryStatsPeriod(vm->dom, 1,
						  VIR_DOMAIN_AFFECT_LIVE) < 0) {
			log_notice("libvirt: domain '%s': no balloon statistics (%s); memory.high stays its actuator",
				   vm->d.name, virt_err());
			vm->balloon = BALLOON_NONE;
		}
	}
	if (vm->balloon == BALLOON_NONE || read_stats(vm, &gs))
		return;
	if (gs.last_update && gs.last_update != vm->last_update) {
		vm->last_update = gs.last_update;
		vm->fresh_at = now;
	}
	if (!gs.has_view || !gs.has_actual || !vm->fresh_at ||
	    now - vm->fresh_at > STALE_SECS) {
		if (vm->balloon == BALLOON_WORKS && vm->fresh_at &&
		    now - vm->fresh_at > STALE_SECS)
			set_actuator(vm, BALLOON_UNKNOWN,
				     "the guest's balloon statistics stopped");
		return;
	}
	demand = (gs.available - gs.usable) * 1024 + GUEST_MARGIN + o;
	size = gs.actual * 1024 + o;
	err = ipc_resv_report(vm->cgroup, demand, size, &r);
	if (err == -ENOENT) {
		log_info("libvirt: domain '%s': its reservation is gone",
			 vm->d.name);
		vm_drop(vm);
		return;
	}
	if (err) {
		log_warning("libvirt: domain '%s': report: %s", vm->d.name,
			    ipc_strerror(err));
		return;
	}
	if (!vm->ready_sent) {
		vm->ready_sent = true;
		if (r.state != MEMRESV_STATE_RUNNING &&
		    !ipc_resv_ready(vm->cgroup, &r))
			log_info("libvirt: domain '%s': its balloon answers: start-up ends",
				 vm->d.name);
	}
	if (vm->balloon == BALLOON_UNKNOWN)
		set_actuator(vm, BALLOON_WORKS, "the guest's balloon answers");
	else if (vm->balloon == BALLOON_STUCK && vm->asked_kib &&
		 gs.actual == vm->asked_kib)
		set_actuator(vm, BALLOON_WORKS, "the balloon follows again");
	move_balloon(vm, &r, &gs);
}

static void take_pending(void)
{
	char uuids[MAX_PENDING][VIR_UUID_STRING_BUFLEN];
	bool lost, again;
	size_t n, i;
	struct vm *vm;

	pthread_mutex_lock(&pending_lock);
	n = npending;
	memcpy(uuids, pending_reboot, n * sizeof(uuids[0]));
	npending = 0;
	lost = conn_lost;
	conn_lost = false;
	again = pending_refresh;
	pending_refresh = false;
	pthread_mutex_unlock(&pending_lock);

	if (lost) {
		log_notice("libvirt: the connection to libvirtd closed; connecting again");
		disconnect();
		tried_at = 0;
		return;
	}
	if (again || now_s() - refreshed_at >= REFRESH_SECS)
		refresh();
	for (i = 0; i < n; i++) {
		vm = vm_by_uuid(uuids[i]);
		if (vm)
			vm_restart(vm);
	}
}

static int libvirt_init(struct agent *a)
{
	(void)a;
	virSetErrorFunc(NULL, quiet);
	if (virEventRegisterDefaultImpl() < 0) {
		log_err("libvirt: cannot set up libvirt's event loop: %s",
			virt_err());
		return -ENOMEM;
	}
	virEventAddTimeout(1000, loop_wake, NULL, NULL);
	if (pthread_create(&loop_thread, NULL, event_loop, NULL))
		return -EAGAIN;
	loop_running = true;
	return 0;
}

static void libvirt_sync(struct agent *a)
{
	(void)a;
	vms_clear();
	refreshed_at = 0;
}

static void libvirt_event(struct agent *a, const struct event_info *ev)
{
	struct host_info *h;
	size_t i;

	(void)a;
	if (ev->event == MEMRESV_EVENT_HOST_CHANGED && ev->has_host) {
		h = (struct host_info *)&ev->host;
		if (HAS(h, HOST_PERIOD_MS))
			period_ticks = h->period_ms / 1000 ? h->period_ms / 1000 : 1;
		return;
	}
	if (!ev->has_resv || !strstr(ev->resv.cgroup, ".scope/libvirt"))
		return;
	if (ev->event == MEMRESV_EVENT_REMOVED) {
		for (i = 0; i < nvms; i++)
			if (!strcmp(vms[i]->cgroup, ev->resv.cgroup)) {
				vm_drop(vms[i]);
				break;
			}
	} else if (ev->event == MEMRESV_EVENT_ADDED) {
		pthread_mutex_lock(&pending_lock);
		pending_refresh = true;
		pthread_mutex_unlock(&pending_lock);
	}
}

static void libvirt_tick(struct agent *a)
{
	size_t i;

	(void)a;
	connect_libvirt();
	if (!conn)
		return;
	take_pending();
	if (!conn || ++tick_count % period_ticks)
		return;
	/* vm_period() may drop the domain it looks at: walk backwards. */
	for (i = nvms; i-- > 0;)
		vm_period(vms[i]);
}

static void libvirt_exit(struct agent *a)
{
	(void)a;
	disconnect();
	free(vms);
	vms = NULL;
	if (loop_running) {
		loop_stop = true;
		pthread_join(loop_thread, NULL);
		loop_running = false;
	}
}

const struct agent_part libvirt_part = {
	.name = "libvirt",
	.init = libvirt_init,
	.sync = libvirt_sync,
	.event = libvirt_event,
	.tick = libvirt_tick,
	.exit = libvirt_exit,
};
