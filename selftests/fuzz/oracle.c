// SPDX-License-Identifier: GPL-2.0
/*
 * What must hold, whatever was sent (see fuzz.h).
 *
 * Every message: a reply carries only attributes the spec lists for the
 * reply of its command, each of its type's length (strings with their
 * NUL), enums within the spec's values, and its figures in the relations
 * the model gives them (minimum <= startup <= maximum, guarantee <= target
 * <= maximum, a running reservation guarantees its minimum, whole pages;
 * capacity = total - reserve, free and reclaimable as the ledger defines
 * them, guaranteed <= capacity unless the host says it is overcommitted).
 * A dump ends without an error.  Events likewise, against the spec's event.
 *
 * Without CAP_SYS_ADMIN in the initial user namespace nothing changes: a
 * change is never acknowledged with success nor answered with a reply,
 * the monitor group cannot be joined, and the settings the coordinator
 * snapshots before and after such a sequence agree.
 *
 * Between sequences: HOST_GET's sums are the sums over the reservations
 * and the holds, and guaranteed <= capacity; and once everything is
 * deleted, every group of the pool holds the values it held before
 * memresv wrote it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fuzz.h"
#include "mrtest.h"

/* Reports printed per process and kind; the rest are counted. */
#define ORACLE_PRINT	3
#define ORACLE_KINDS	64

static const char *kinds[ORACLE_KINDS];
static int printed[ORACLE_KINDS];

/**
 * fz_report() - something that must not happen did
 * @st: where it is counted
 * @fmt: what, one line
 */
void fz_report(struct fz_stats *st, const char *fmt, ...)
{
	va_list ap;
	int k;

	st->reports++;
	for (k = 0; k < ORACLE_KINDS && kinds[k] && kinds[k] != fmt; k++)
		;
	if (k < ORACLE_KINDS)
		kinds[k] = fmt;
	if (k == ORACLE_KINDS || printed[k]++ >= ORACLE_PRINT)
		return;
	fprintf(stderr, "# fuzz: report (pid %d): ", getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool fz_is_magic(uint64_t v)
{
	return v >= FZ_MAGIC && v < FZ_MAGIC + FZ_MAGIC_PAGES * 4096ULL;
}

/* A message's attributes, checked against the spec while they are read. */
struct oracle_msg {
	bool has[1024];
	uint64_t val[1024];
	int n;
};

static int attr_id(const char *name)
{
	static int cache[64];
	static const char *names[64];
	int i;

	for (i = 0; i < 64 && names[i]; i++)
		if (names[i] == name)
			return cache[i];
	if (i == 64)
		return fz_attr_by_name(name);
	names[i] = name;
	cache[i] = fz_attr_by_name(name);
	return cache[i];
}

#define HAS(m, name)	((m)->has[attr_id(name)])
#define VAL(m, name)	((m)->val[attr_id(name)])

/*
 * Read the attributes of a family message, each checked against @allowed
 * and its type.  Return: false when the message is not even well formed.
 */
static bool oracle_parse(const struct nlmsghdr *nlh, const uint16_t *allowed,
			 const char *what, struct oracle_msg *m,
			 struct fz_stats *st)
{
	int left = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	const struct nlattr *a;
	const struct fz_attr *at;
	const char *p;
	size_t plen;
	int t;

	memset(m->has, 0, sizeof(m->has));
	m->n = 0;
	if (left < 0) {
		fz_report(st, "%s: message of %u bytes has no generic header",
			  what, nlh->nlmsg_len);
		return false;
	}
	for (a = (const void *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     left >= NLA_HDRLEN; left -= NLA_ALIGN(a->nla_len),
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		if (a->nla_len < NLA_HDRLEN || a->nla_len > left) {
			fz_report(st, "%s: attribute %d of length %u runs past the message",
				  what, a->nla_type, a->nla_len);
			return false;
		}
		t = a->nla_type & NLA_TYPE_MASK;
		p = (const char *)a + NLA_HDRLEN;
		plen = a->nla_len - NLA_HDRLEN;
		if (t < 1 || t > fz_attr_max || !fz_attrs[t].name) {
			fz_report(st, "%s: attribute %d is not in the spec",
				  what, t);
			continue;
		}
		at = &fz_attrs[t];
		if (at->kind == FZ_PAD)
			continue;
		if (!fz_list_has(allowed, t))
			fz_report(st, "%s: attribute %s is not in the spec's reply",
				  what, at->name);
		if (m->has[t])
			fz_report(st, "%s: attribute %s twice", what, at->name);
		m->has[t] = true;
		m->n++;
		if (at->kind == FZ_STRING) {
			if (!plen || p[plen - 1] != '\0')
				fz_report(st, "%s: string %s without its NUL",
					  what, at->name);
			continue;
		}
		if (at->kind == FZ_FLAG) {
			if (plen)
				fz_report(st, "%s: flag %s with a payload",
					  what, at->name);
			continue;
		}
		if (plen != fz_kind_len(at->kind)) {
			fz_report(st, "%s: %s has %zu bytes, not %zu", what,
				  at->name, plen, fz_kind_len(at->kind));
			continue;
		}
		m->val[t] = 0;
		memcpy(&m->val[t], p, plen);
		if (at->enum_max >= 0 &&
		    (m->val[t] < (uint64_t)at->enum_min ||
		     m->val[t] > (uint64_t)at->enum_max))
			fz_report(st, "%s: %s is %llu, not one of the spec's", what,
				  at->name, (unsigned long long)m->val[t]);
	}
	return true;
}

/* The figures of a reservation (or a hold) in their relations. */
static void oracle_resv(const struct oracle_msg *m, const char *what,
			struct fz_stats *st)
{
	uint64_t mn = VAL(m, "minimum"), su = VAL(m, "startup");
	uint64_t mx = VAL(m, "maximum"), g = VAL(m, "guarantee");
	uint64_t t = VAL(m, "target"), grant = VAL(m, "paging-grant");
	uint64_t state = VAL(m, "state");
	bool hold = HAS(m, "hold-key");
	const char *names[] = { "startup", "minimum", "maximum", "swap-max",
				"guarantee", "target", "paging-grant" };
	size_t i;

	if (!HAS(m, "state") || !HAS(m, "guarantee") || !HAS(m, "maximum"))
		return;
	if (mn > su || su > mx)
		fz_report(st, "%s: minimum %llu, startup %llu, maximum %llu out of order",
			  what, (unsigned long long)mn, (unsigned long long)su,
			  (unsigned long long)mx);
	if (g > t || t > mx)
		fz_report(st, "%s: guarantee %llu, target %llu, maximum %llu out of order",
			  what, (unsigned long long)g, (unsigned long long)t,
			  (unsigned long long)mx);
	if (state == MEMRESV_STATE_RUNNING && g != mn)
		fz_report(st, "%s: running with guarantee %llu, not its minimum %llu",
			  what, (unsigned long long)g, (unsigned long long)mn);
	if (state != MEMRESV_STATE_RUNNING && g < mn)
		fz_report(st, "%s: starting with guarantee %llu below its minimum %llu",
			  what, (unsigned long long)g, (unsigned long long)mn);
	if ((state == MEMRESV_STATE_PAGING) != (grant > 0))
		fz_report(st, "%s: state %llu with a paging grant of %llu",
			  what, (unsigned long long)state,
			  (unsigned long long)grant);
	if (hold && (g != t || state == MEMRESV_STATE_RUNNING))
		fz_report(st, "%s: a hold with guarantee %llu, target %llu, state %llu",
			  what, (unsigned long long)g, (unsigned long long)t,
			  (unsigned long long)state);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (HAS(m, names[i]) && VAL(m, names[i]) % 4096)
			fz_report(st, "%s: %s %llu is not whole pages", what,
				  names[i],
				  (unsigned long long)VAL(m, names[i]));
}

/* The host ledger's figures in their relations. */
static void oracle_host(const struct oracle_msg *m, const char *what,
			struct fz_stats *st)
{
	uint64_t total = VAL(m, "host-total"), reserve = VAL(m, "host-reserve");
	uint64_t cap = VAL(m, "host-capacity");
	uint64_t g = VAL(m, "host-guaranteed"), a = VAL(m, "host-assigned");
	uint64_t free = VAL(m, "host-free");

	if (!HAS(m, "host-total") || !HAS(m, "host-reserve"))
		return;
	if (cap != (total > reserve ? total - reserve : 0))
		fz_report(st, "%s: capacity %llu is not total %llu - reserve %llu",
			  what, (unsigned long long)cap,
			  (unsigned long long)total,
			  (unsigned long long)reserve);
	if (free != (cap > a ? cap - a : 0))
		fz_report(st, "%s: free %llu is not capacity %llu - assigned %llu",
			  what, (unsigned long long)free,
			  (unsigned long long)cap, (unsigned long long)a);
	if (a < g || VAL(m, "host-reclaimable") != a - g)
		fz_report(st, "%s: reclaimable %llu is not assigned %llu - guaranteed %llu",
			  what,
			  (unsigned long long)VAL(m, "host-reclaimable"),
			  (unsigned long long)a, (unsigned long long)g);
	if (g > cap && !VAL(m, "host-overcommitted"))
		fz_report(st, "%s: guaranteed %llu > capacity %llu, not overcommitted",
			  what, (unsigned long long)g, (unsigned long long)cap);
	if (VAL(m, "host-paging-used") > VAL(m, "host-paging-limit"))
		fz_report(st, "%s: paging used %llu > limit %llu", what,
			  (unsigned long long)VAL(m, "host-paging-used"),
			  (unsigned long long)VAL(m, "host-paging-limit"));
}

static int req_index(const struct fz_req *req, uint32_t seq)
{
	int i;

	for (i = 0; req && i < req->n; i++)
		if (req->seq[i] == seq)
			return i;
	return -1;
}

/* An ACK or an error: a change acknowledged to whom may not make it. */
static void oracle_ack(const struct nlmsghdr *nlh, const struct fz_req *req,
		       enum fz_role role, struct fz_stats *st)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct fz_cmd *c;
	int i = req_index(req, nlh->nlmsg_seq);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		fz_report(st, "an error message of %u bytes", nlh->nlmsg_len);
		return;
	}
	if (e->error > 0 || e->error < -4095)
		fz_report(st, "an error message with error %d", e->error);
	if (e->error)
		st->errors++;
	if (e->error || i < 0 || fz_role_privileged(role))
		return;
	c = fz_cmd_by_number(req->cmd[i]);
	if (c && c->admin)
		fz_report(st, "%s succeeded without CAP_SYS_ADMIN (%s)",
			  c->name, fz_role_name(role));
}

/**
 * fz_check_message() - one message received in answer to requests
 * @nlh: the message
 * @req: the requests of the datagram it answers, or NULL
 * @role: who asked
 * @family: the family's id
 * @st: where reports are counted
 */
void fz_check_message(const struct nlmsghdr *nlh, const struct fz_req *req,
		      enum fz_role role, uint16_t family, struct fz_stats *st)
{
	static struct oracle_msg m;
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	const struct fz_cmd *c;
	char what[64];
	int i, err;

	st->replies++;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		oracle_ack(nlh, req, role, st);
		return;
	}
	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
			memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
			if (err < 0)
				fz_report(st, "a dump ended with error %d (%s)",
					  err, strerror(-err));
		}
		return;
	}
	if (nlh->nlmsg_type != family) {
		fz_report(st, "a message of type %u in answer", nlh->nlmsg_type);
		return;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		fz_report(st, "a reply of %u bytes", nlh->nlmsg_len);
		return;
	}
	c = fz_cmd_by_number(gh->cmd);
	i = req_index(req, nlh->nlmsg_seq);
	if (!c || c->event) {
		fz_report(st, "a reply with command %u", gh->cmd);
		return;
	}
	if (i >= 0 && req->cmd[i] != gh->cmd)
		fz_report(st, "a reply of %s to a request of command %u",
			  c->name, req->cmd[i]);
	if (!fz_role_privileged(role) && c->admin)
		fz_report(st, "a reply of %s without CAP_SYS_ADMIN (%s)",
			  c->name, fz_role_name(role));
	snprintf(what, sizeof(what), "%s %s", c->name,
		 nlh->nlmsg_flags & NLM_F_MULTI ? "dump" : "reply");
	if (!oracle_parse(nlh, nlh->nlmsg_flags & NLM_F_MULTI ? c->dump_reply :
			  c->do_reply, what, &m, st))
		return;
	oracle_resv(&m, what, st);
	oracle_host(&m, what, st);
}

/**
 * fz_check_event() - one notification of the monitor group
 * @nlh: the message
 * @family: the family's id
 * @st: where reports are counted
 */
void fz_check_event(const struct nlmsghdr *nlh, uint16_t family,
		    struct fz_stats *st)
{
	static struct oracle_msg m;
	const struct genlmsghdr *gh = NLMSG_DATA(nlh);
	const struct fz_cmd *c;

	if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE)
		return;
	st->events++;
	if (nlh->nlmsg_type != family ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		fz_report(st, "a notification of type %u, %u bytes",
			  nlh->nlmsg_type, nlh->nlmsg_len);
		return;
	}
	c = fz_cmd_by_number(gh->cmd);
	if (!c || !c->event) {
		fz_report(st, "a notification with command %u", gh->cmd);
		return;
	}
	if (!oracle_parse(nlh, c->event_attrs, "event", &m, st))
		return;
	if (!HAS(&m, "event"))
		fz_report(st, "a notification without its event");
	/* A reservation removed shows its figures as it left the ledger. */
	oracle_resv(&m, "event", st);
	oracle_host(&m, "event", st);
}

/* --- between sequences: the coordinator, as root, with libmrtest --- */

static struct mrnl *oracle_sock(void)
{
	static struct mrnl *s;

	if (!s)
		s = mr_open();
	return s;
}

/**
 * fz_ledger_check() - the ledger recounted from user space
 * @why: what broke, one line
 * @len: size of @why
 *
 * mr_ledger_check(): HOST_GET's guaranteed, assigned, paging_used and
 * reservations are the sums over a RESV_GET dump and a HOLD_GET dump, and
 * guaranteed <= capacity; and the host is not overcommitted, for nothing
 * here takes memory offline.
 *
 * Return: 0, or -1 (why says).
 */
int fz_ledger_check(char *why, size_t len)
{
	struct mrnl *s = oracle_sock();
	struct mr_attrs h;

	if (!s)
		return snprintf(why, len, "no socket"), -1;
	if (mr_ledger_check(s, why, len))
		return -1;
	if (mr_host(s, &h))
		return snprintf(why, len, "HOST_GET failed"), -1;
	if (h.val[MEMRESV_A_HOST_OVERCOMMITTED])
		return snprintf(why, len, "overcommitted, with all its memory online"), -1;
	return 0;
}

/* --- the settings no unprivileged request may change --- */

struct snap_ctx {
	char *buf;
	size_t len, size;
};

static void snap_add(struct snap_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void snap_add(struct snap_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->size - c->len < 512) {
		c->size = c->size * 2 + 4096;
		c->buf = realloc(c->buf, c->size);
		if (!c->buf)
			exit(2);
	}
	va_start(ap, fmt);
	n = vsnprintf(c->buf + c->len, c->size - c->len, fmt, ap);
	va_end(ap);
	c->len += n;
}

static void snap_resv(const struct mr_attrs *a, void *arg)
{
	snap_add(arg, "resv %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n",
		 (unsigned long long)a->val[MEMRESV_A_CGROUP_ID],
		 (unsigned long long)a->val[MEMRESV_A_STARTUP],
		 (unsigned long long)a->val[MEMRESV_A_MINIMUM],
		 (unsigned long long)a->val[MEMRESV_A_MAXIMUM],
		 (unsigned long long)a->val[MEMRESV_A_BUFFER],
		 (unsigned long long)a->val[MEMRESV_A_WEIGHT],
		 (unsigned long long)a->val[MEMRESV_A_SWAP_MAX],
		 (unsigned long long)a->val[MEMRESV_A_STARTUP_WINDOW],
		 (unsigned long long)a->val[MEMRESV_A_PAGING],
		 (unsigned long long)a->val[MEMRESV_A_ACTUATOR]);
}

static void snap_hold(const struct mr_attrs *a, void *arg)
{
	snap_add(arg, "hold %s %llu %llu %llu %llu\n", a->hold,
		 (unsigned long long)a->val[MEMRESV_A_STARTUP],
		 (unsigned long long)a->val[MEMRESV_A_MINIMUM],
		 (unsigned long long)a->val[MEMRESV_A_MAXIMUM],
		 (unsigned long long)a->val[MEMRESV_A_HOLD_TIMEOUT]);
}

/**
 * fz_settings_snapshot() - what only a change can change, as text
 * @out: a malloc()ed text, one line per reservation and hold, and the
 *	host's settings
 * @len: its length
 *
 * Return: 0 or -errno.
 */
int fz_settings_snapshot(char **out, size_t *len)
{
	struct mrnl *s = oracle_sock();
	struct snap_ctx c = {};
	struct mr_result res;
	struct mr_attrs h;

	if (!s || mr_host(s, &h))
		return -EIO;
	snap_add(&c, "host %llu %llu %llu %llu\n",
		 (unsigned long long)h.val[MEMRESV_A_HOST_RESERVE],
		 (unsigned long long)h.val[MEMRESV_A_HOST_PAGING_LIMIT],
		 (unsigned long long)h.val[MEMRESV_A_HOST_PERIOD_MS],
		 (unsigned long long)h.val[MEMRESV_A_HOST_PAGING_MAX]);
	if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
		    snap_resv, &c) ||
	    mr_send(s, mr_msg(s, MEMRESV_CMD_HOLD_GET, NLM_F_DUMP), &res,
		    snap_hold, &c)) {
		free(c.buf);
		return res.err ?: -EIO;
	}
	*out = c.buf;
	*len = c.len;
	return 0;
}

/* --- everything deleted, every file given back --- */

static void del_resv(const struct mr_attrs *a, void *arg)
{
	uint64_t *ids = arg;

	if (ids[0] < 4095)
		ids[++ids[0]] = a->val[MEMRESV_A_CGROUP_ID];
}

static void del_hold(const struct mr_attrs *a, void *arg)
{
	char (*keys)[64] = arg;
	int i;

	for (i = 0; i < 256 && keys[i][0]; i++)
		;
	if (i < 255)
		snprintf(keys[i], 64, "%s", a->hold);
}

/**
 * fz_clean_all() - delete every reservation and every hold
 *
 * A reservation whose group was removed stays in the table until the next
 * balancer pass notices (cgroup-gone), and a request can no longer name
 * it: with the shortest period, that takes a moment, not up to a minute.
 *
 * Return: 0, or the first error of a deletion that should have worked
 * (-ETIMEDOUT when a reservation of a removed group was never reaped).
 */
int fz_clean_all(void)
{
	static uint64_t ids[4096];
	static char keys[256][64];
	struct mrnl *s = oracle_sock();
	struct mr_result res;
	struct nl_msg *msg;
	int err = 0, e, round;
	uint64_t i;

	if (!s)
		return -EIO;
	e = mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 100, &res);
	if (e)
		return e;
	for (round = 0;; round++) {
		ids[0] = 0;
		if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP),
			    &res, del_resv, ids))
			return res.err;
		if (!ids[0])
			break;
		if (round == 100) {
			fprintf(stderr, "# fuzz: %llu reservations of removed groups still there after 10 s\n",
				(unsigned long long)ids[0]);
			return -ETIMEDOUT;
		}
		if (round)
			usleep(100 * 1000);
		for (i = 1; i <= ids[0]; i++) {
			msg = mr_msg(s, MEMRESV_CMD_RESV_DEL, 0);
			nla_put_u64(msg, MEMRESV_A_CGROUP_ID, ids[i]);
			e = mr_do(s, msg, &res);
			/* ENOENT: its group went, the next pass takes it. */
			if (e && e != -ENOENT) {
				fprintf(stderr, "# fuzz: delete of cgroup %llu: %s (%s)\n",
					(unsigned long long)ids[i],
					strerror(-e), res.extack);
				return e;
			}
		}
	}
	memset(keys, 0, sizeof(keys));
	if (mr_send(s, mr_msg(s, MEMRESV_CMD_HOLD_GET, NLM_F_DUMP), &res,
		    del_hold, keys))
		return res.err;
	for (i = 0; i < 256 && keys[i][0]; i++) {
		msg = mr_msg(s, MEMRESV_CMD_HOLD_DEL, 0);
		nla_put_string(msg, MEMRESV_A_HOLD_KEY, keys[i]);
		e = mr_do(s, msg, &res);
		if (e && e != -ENOENT)
			err = err ?: e;
	}
	return err;
}

/* What each file holds where memresv never wrote, and how it reads. */
static const struct {
	const char *file;
	uint64_t pristine;
} oracle_files[] = {
	{ "memory.min", 0 },
	{ "memory.high", UINT64_MAX },
	{ "memory.max", UINT64_MAX },
	{ "memory.swap.max", UINT64_MAX },
};

/* The first file of @cg not as it was before memresv, or -1. */
static int oracle_dirty(const char *cg, bool leaf, uint64_t *found)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < sizeof(oracle_files) / sizeof(oracle_files[0]); i++) {
		v = cg_u64(cg, oracle_files[i].file);
		/* Gone meanwhile, or no swap accounting. */
		if (v == 0xdead)
			continue;
		if (v == oracle_files[i].pristine)
			continue;
		/* Another writer's value, in a leaf: the chaos actor's. */
		if (leaf && fz_is_magic(v))
			continue;
		*found = v;
		return i;
	}
	return -1;
}

static void prot_line(const struct mr_attrs *a, void *arg)
{
	fprintf(stderr, "# fuzz:   prot-get: %s need %llu owner %llu min %llu\n",
		a->cgroup, (unsigned long long)a->val[MEMRESV_A_PROT_NEED],
		(unsigned long long)a->val[MEMRESV_A_PROT_OWNER],
		(unsigned long long)a->val[MEMRESV_A_PROT_MIN]);
}

/* What memresv still keeps above the reserved groups, for a report. */
static void prot_show(void)
{
	struct mrnl *s = oracle_sock();
	struct mr_result res;

	if (s)
		mr_send(s, mr_msg(s, MEMRESV_CMD_PROT_GET, NLM_F_DUMP), &res,
			prot_line, NULL);
}

/**
 * fz_pristine_check() - every group holds what it held before memresv
 * @st: where reports are counted
 *
 * Called with no reservation and no hold left.  Ancestors' memory.min is
 * written back by a work item: it has a few seconds.  The chaos actor's
 * own values are then cleared, for the next check.
 *
 * Return: the number of groups that were not given back.
 */
int fz_pristine_check(struct fz_stats *st)
{
	uint64_t found = 0;
	int i, f = -1, tries, bad = 0;
	size_t k;

	for (i = 0; i < fz_pool.n; i++) {
		for (tries = 0; tries < 60; tries++) {
			f = oracle_dirty(fz_pool.path[i], fz_pool.leaf[i],
					 &found);
			if (f < 0)
				break;
			usleep(50 * 1000);
		}
		if (f >= 0) {
			bad++;
			fz_report(st, "%s: %s is %llu with no reservation left",
				  i == fz_pool.deep ? "(the deep group)" :
				  fz_pool.path[i], oracle_files[f].file,
				  (unsigned long long)found);
			if (!fz_pool.leaf[i])
				prot_show();
			/* Report it once. */
			cg_write(fz_pool.path[i], oracle_files[f].file,
				 oracle_files[f].pristine ? "max" : "0");
		}
		if (!fz_pool.leaf[i])
			continue;
		for (k = 0; k < sizeof(oracle_files) / sizeof(oracle_files[0]);
		     k++)
			if (fz_is_magic(cg_u64(fz_pool.path[i],
					       oracle_files[k].file)))
				cg_write(fz_pool.path[i], oracle_files[k].file,
					 oracle_files[k].pristine ? "max" : "0");
	}
	return bad;
}
