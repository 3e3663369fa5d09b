// SPDX-License-Identifier: GPL-2.0
/*
 * The actors (see fuzz.h): one process each, so that each can have its
 * own credentials, namespaces and children.  An actor waits for an order
 * (a seed and a number of steps), carries it out and answers with what it
 * did and what it found.
 *
 * The unprivileged ones open one socket before they give their rights up
 * and keep it: a request is refused by the rights of who sends it, not of
 * who opened the socket, and both must be checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "fuzz.h"
#include "mrtest.h"

static const char *const role_names[FZ_ROLES] = {
	[FZ_ROOT] = "root",
	[FZ_ROOT_VALID] = "root-valid",
	[FZ_ROOT_CGNS] = "root-cgns",
	[FZ_NOBODY] = "nobody",
	[FZ_NETADMIN] = "net-admin",
	[FZ_USERNS] = "userns-root",
	[FZ_CHAOS] = "chaos",
	[FZ_LISTENER] = "listener",
};

const char *fz_role_name(enum fz_role role)
{
	return role < FZ_ROLES ? role_names[role] : "?";
}

/* The actor's own state (each actor is a process of its own). */
static enum fz_role actor_role;
static struct fz_sock actor_sock = { .fd = -1 };
static struct fz_sock actor_presock = { .fd = -1 };
static const char *actor_paths[FZ_POOL_MAX + 4];
static int actor_npaths;
static uint8_t actor_buf[FZ_MSG_MAX];

/* Keep only @keep (a CAP_* number, or -1 for none) of the capabilities. */
static int caps_only(int keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	if (keep >= 0) {
		data[keep / 32].effective = 1u << (keep % 32);
		data[keep / 32].permitted = 1u << (keep % 32);
	}
	return syscall(SYS_capset, &hdr, data);
}

static int to_nobody(void)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -errno;
	return 0;
}

/* Rights and namespaces of the role; 0 or -errno. */
static int actor_become(enum fz_role role)
{
	switch (role) {
	case FZ_NOBODY:
		return to_nobody();
	case FZ_NETADMIN:
		return caps_only(CAP_NET_ADMIN) ? -errno : 0;
	case FZ_USERNS:
		/* Every capability, in a user namespace of its own. */
		if (to_nobody())
			return -errno;
		if (unshare(CLONE_NEWUSER))
			fprintf(stderr, "# fuzz: no user namespace (%s): %s runs as nobody\n",
				strerror(errno), role_names[role]);
		return 0;
	case FZ_ROOT_CGNS: {
		char ns[64], me[64];

		/*
		 * The namespace's root is ns, which has no processes of its
		 * own once its children have the memory controller: enter it,
		 * unshare, and live in ns/me.
		 */
		snprintf(ns, sizeof(ns), "%s/ns", FZ_TOP);
		snprintf(me, sizeof(me), "%s/ns/me", FZ_TOP);
		if (cg_enter(ns) || unshare(CLONE_NEWCGROUP) || cg_enter(me))
			return -errno ?: -EIO;
		return 0;
	}
	default:
		return 0;
	}
}

/* How the actor names the pool: from its cgroup namespace's root. */
static void actor_name_pool(enum fz_role role)
{
	static char rel[FZ_POOL_MAX][64];
	char pfx[64];
	size_t plen;
	int i;

	snprintf(pfx, sizeof(pfx), "%s/ns/", FZ_TOP);
	plen = strlen(pfx);
	actor_npaths = 0;
	for (i = 0; i < fz_pool.n; i++) {
		if (!fz_pool.named[i])
			continue;
		if (role != FZ_ROOT_CGNS) {
			actor_paths[actor_npaths++] = fz_pool.path[i];
			continue;
		}
		/* Its own groups by their names, the others as they are. */
		if (!strncmp(fz_pool.path[i], pfx, plen)) {
			snprintf(rel[i], sizeof(rel[i]), "%s",
				 fz_pool.path[i] + plen);
			actor_paths[actor_npaths++] = rel[i];
		} else if (i % 4 == 0) {
			actor_paths[actor_npaths++] = fz_pool.path[i];
		}
	}
}

/* A socket with options drawn at random. */
static void actor_reopen(struct fz_rand *r, struct fz_stats *st)
{
	unsigned int opts = fz_next(r) & (FZ_SO_EXT_ACK | FZ_SO_CAP_ACK |
					 FZ_SO_STRICT | FZ_SO_SMALLBUF);
	int err;

	fz_sock_close(&actor_sock);
	/* Mostly the options a careful client sets. */
	if (fz_chance(r, 60))
		opts = FZ_SO_EXT_ACK | FZ_SO_CAP_ACK;
	err = fz_sock_open(&actor_sock, opts);
	if (err)
		fz_report(st, "%s: cannot open a socket to the family: %s",
			  role_names[actor_role], strerror(-err));
}

struct actor_ctx {
	const struct fz_req *req;
	struct fz_stats *st;
	uint16_t family;
};

static void actor_take(const struct nlmsghdr *nlh, void *arg)
{
	struct actor_ctx *c = arg;

	fz_check_message(nlh, c->req, actor_role, c->family, c->st);
}

/* The monitor group is for CAP_SYS_ADMIN alone. */
static void actor_try_monitor(struct fz_rand *r, struct fz_stats *st)
{
	struct fz_sock s;
	int err;

	if (fz_sock_open(&s, FZ_SO_EXT_ACK))
		return;
	err = fz_sock_subscribe(&s);
	if (!err && !fz_role_privileged(actor_role))
		fz_report(st, "%s joined the monitor group",
			  role_names[actor_role]);
	if (err && fz_role_privileged(actor_role))
		fz_report(st, "%s cannot join the monitor group: %s",
			  role_names[actor_role], strerror(-err));
	fz_sock_close(&s);
}

/* One step: a datagram of requests, and what comes back. */
static void actor_step(struct fz_gen *g, struct fz_stats *st)
{
	struct fz_rand *r = g->r;
	struct fz_sock *s = &actor_sock;
	struct actor_ctx ctx = { .st = st };
	struct fz_req req;
	size_t len;

	if (actor_sock.fd < 0 || fz_chance(r, 2))
		actor_reopen(r, st);
	if (actor_presock.fd >= 0 && fz_chance(r, 25))
		s = &actor_presock;
	if (s->fd < 0)
		return;
	if (fz_chance(r, 1))
		actor_try_monitor(r, st);
	len = fz_gen_datagram(g, s, actor_buf, sizeof(actor_buf), &req);
	if (!len)
		return;
	fz_send(s, actor_buf, len);
	st->messages += req.n;
	ctx.req = &req;
	ctx.family = s->family;
	/* Now and then a dump is left half read, and the socket goes on. */
	fz_drain(s, actor_take, &ctx, fz_chance(r, 3) ? 1 : 1 << 20);
}

static void actor_fuzz(const struct fz_order *o, struct fz_stats *st)
{
	static struct fz_gen g;
	static struct fz_rand r;
	uint32_t i;

	actor_name_pool(actor_role);
	/* The holds' sizes are remembered from one sequence to the next. */
	r.s = o->seed | 1;
	g.r = &r;
	g.role = actor_role;
	g.mutate = actor_role != FZ_ROOT_VALID || fz_chance(&r, 10);
	g.paths = actor_paths;
	g.npaths = actor_npaths;
	for (i = 0; i < o->steps; i++)
		actor_step(&g, st);
}

/* --- the chaos actor: groups, workloads, another writer --- */

static struct mr_hog chaos_hogs[FZ_POOL_MAX];

/*
 * A workload: one that holds what it touched and touches it all again when
 * asked, so that usage moves without burning the emulated CPUs.
 */
static void chaos_hog(struct fz_rand *r, int i)
{
	uint64_t bytes = (4 + fz_below(r, 44)) << 20;

	if (!mr_hog_alive(&chaos_hogs[i])) {
		mr_hog_stop(&chaos_hogs[i]);
		mr_hog_start(&chaos_hogs[i], fz_pool.path[i], MR_HOG_PASSES,
			     bytes, 0);
	} else if (fz_chance(r, 30)) {
		mr_hog_stop(&chaos_hogs[i]);
	} else {
		mr_hog_again(&chaos_hogs[i]);
	}
}

/* The same name, another group. */
static void chaos_remake(int i)
{
	mr_hog_stop(&chaos_hogs[i]);
	cg_rmdir(fz_pool.path[i]);
	cg_create(fz_pool.path[i]);
}

/* Another writer changes a file memresv may own: a value it recognises. */
static void chaos_write(struct fz_rand *r, int i)
{
	static const char *const files[] = {
		"memory.min", "memory.high", "memory.max", "memory.swap.max",
	};
	char val[32];

	snprintf(val, sizeof(val), "%llu",
		 (unsigned long long)(FZ_MAGIC +
				      fz_below(r, FZ_MAGIC_PAGES) * 4096));
	cg_write(fz_pool.path[i], files[fz_below(r, 4)], val);
}

/* The memory controller taken from a parent's children, and given back. */
static void chaos_controller(struct fz_rand *r)
{
	char parent[64];

	snprintf(parent, sizeof(parent), "%s/p", FZ_TOP);
	cg_write(parent, "cgroup.subtree_control", "-memory");
	usleep(fz_below(r, 20000));
	cg_write(parent, "cgroup.subtree_control", "+memory");
}

static void actor_chaos(const struct fz_order *o, struct fz_stats *st)
{
	struct fz_rand r = { o->seed | 1 };
	uint32_t k;
	int i;

	for (k = 0; k < o->steps; k++) {
		/* A leaf of the pool, never the deep one's ancestors. */
		do
			i = fz_below(&r, fz_pool.n);
		while (!fz_pool.leaf[i] || !fz_pool.named[i]);
		switch (fz_below(&r, 10)) {
		case 0:
		case 1:
		case 2:
			chaos_remake(i);
			break;
		case 3:
		case 4:
		case 5:
			chaos_hog(&r, i);
			break;
		case 6:
		case 7:
			chaos_write(&r, i);
			break;
		case 8:
			chaos_controller(&r);
			break;
		default:
			break;
		}
		usleep(fz_below(&r, 5000));
	}
}

/**
 * fz_hogs_stop() - the chaos actor's workloads go (at its end)
 */
void fz_hogs_stop(void)
{
	int i;

	for (i = 0; i < FZ_POOL_MAX; i++)
		mr_hog_stop(&chaos_hogs[i]);
}

/* --- the listener: every event checked, one socket never read --- */

static void listener_take(const struct nlmsghdr *nlh, void *arg)
{
	struct actor_ctx *c = arg;

	fz_check_event(nlh, c->family, c->st);
}

static void __attribute__((noreturn)) actor_listen(int order, int result)
{
	struct fz_sock lazy = { .fd = -1 };
	struct fz_stats st = {};
	struct actor_ctx ctx = { .st = &st };
	struct pollfd pfd[2];
	struct fz_order o;
	int err;

	err = fz_sock_open(&actor_sock, FZ_SO_EXT_ACK);
	if (!err)
		err = fz_sock_subscribe(&actor_sock);
	if (err)
		fz_report(&st, "the listener cannot join the monitor group: %s",
			  strerror(-err));
	/* A listener that never reads: its queue overflows, and stays so. */
	if (!fz_sock_open(&lazy, FZ_SO_EXT_ACK))
		fz_sock_subscribe(&lazy);
	ctx.family = actor_sock.family;
	pfd[0] = (struct pollfd){ .fd = order, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = actor_sock.fd, .events = POLLIN };
	for (;;) {
		if (poll(pfd, actor_sock.fd >= 0 ? 2 : 1, 1000) < 0 &&
		    errno != EINTR)
			_exit(3);
		if (pfd[1].revents)
			fz_drain(&actor_sock, listener_take, &ctx, 1 << 20);
		if (!(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		if (read(order, &o, sizeof(o)) != sizeof(o) || o.stop)
			_exit(0);
		fz_drain(&actor_sock, listener_take, &ctx, 1 << 20);
		if (write(result, &st, sizeof(st)) != sizeof(st))
			_exit(3);
		memset(&st, 0, sizeof(st));
	}
}

/* --- the process --- */

static void __attribute__((noreturn)) actor_main(enum fz_role role, int order,
						 int result, int ready)
{
	struct fz_stats st = {};
	struct fz_order o;
	int err;

	actor_role = role;
	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (role != FZ_CHAOS && role != FZ_LISTENER &&
	    !fz_role_privileged(role))
		fz_sock_open(&actor_presock, FZ_SO_EXT_ACK | FZ_SO_CAP_ACK);
	err = actor_become(role);
	if (err) {
		fprintf(stderr, "# fuzz: %s: cannot take its role: %s\n",
			role_names[role], strerror(-err));
		_exit(2);
	}
	if (write(ready, "r", 1) != 1)
		_exit(2);
	close(ready);
	if (role == FZ_LISTENER)
		actor_listen(order, result);
	for (;;) {
		if (read(order, &o, sizeof(o)) != sizeof(o) || o.stop)
			break;
		memset(&st, 0, sizeof(st));
		if (role == FZ_CHAOS)
			actor_chaos(&o, &st);
		else
			actor_fuzz(&o, &st);
		if (write(result, &st, sizeof(st)) != sizeof(st))
			break;
	}
	if (role == FZ_CHAOS)
		fz_hogs_stop();
	_exit(0);
}

/**
 * fz_actor_start() - an actor in a process of its own
 * @a: filled in
 * @role: what it is
 *
 * Returns once the actor has its rights and namespaces.
 *
 * Return: 0 or -errno.
 */
int fz_actor_start(struct fz_actor *a, enum fz_role role)
{
	int order[2], result[2], ready[2];
	char c;

	if (pipe(order) || pipe(result) || pipe(ready))
		return -errno;
	a->role = role;
	a->pid = fork();
	if (a->pid < 0)
		return -errno;
	if (!a->pid) {
		close(order[1]);
		close(result[0]);
		close(ready[0]);
		actor_main(role, order[0], result[1], ready[1]);
	}
	close(order[0]);
	close(result[1]);
	close(ready[1]);
	a->order = order[1];
	a->result = result[0];
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		return -EIO;
	}
	close(ready[0]);
	return 0;
}

/**
 * fz_actor_stop() - tell an actor to go, and reap it
 * @a: the actor
 */
void fz_actor_stop(struct fz_actor *a)
{
	struct fz_order o = { .stop = 1 };

	if (a->pid <= 0)
		return;
	if (write(a->order, &o, sizeof(o)) != sizeof(o))
		kill(a->pid, SIGKILL);
	waitpid(a->pid, NULL, 0);
	close(a->order);
	close(a->result);
	a->pid = -1;
}
