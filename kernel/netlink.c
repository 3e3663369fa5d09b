// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the generic netlink family "memresv" (uapi/linux/memresv.h,
 * Documentation/netlink/memresv.yaml).
 *
 * The policies, the operations and the family are generated from the spec
 * (nl-gen.h, "make nlgen"); this file is the logic they name.  Validation
 * lives in the per-op policies; handlers check only what a policy cannot
 * express (relations between fields, the live ledger).  Every
 * refusal carries an extended-ACK message, written by the layer that
 * decided (struct memresv_err).  Changes need CAP_SYS_ADMIN in the initial
 * user namespace: writing another group's memory.min or memory.max is
 * cgroup administration, and CAP_NET_ADMIN alone is not enough.  Reads are
 * open to all, with paths relative to the reader's cgroup namespace, and
 * the reservations outside it left out.  The monitor group is for the
 * host's administrators (CAP_SYS_ADMIN) and names groups from the cgroup2
 * root.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "err.h"
#include "host.h"
#include "ledger.h"
#include "netlink.h"
#include "nl-gen.h"
#include "notify.h"
#include "policy.h"
#include "resv.h"

/* Paths for fills and events, which run under memresv_lock. */
static char nl_path[PATH_MAX];

/* The largest reservation message: the path, and room for every number. */
#define NL_RESV_SIZE	(GENL_HDRLEN + nla_total_size(PATH_MAX) + \
			 nla_total_size(MEMRESV_ERR_LEN) + \
			 32 * nla_total_size_64bit(sizeof(u64)))

/* The attribute of each settings bit, to point at the culprit. */
static const u16 nl_set_attr[] = {
	[ilog2(MEMRESV_SET_STARTUP)] = MEMRESV_A_STARTUP,
	[ilog2(MEMRESV_SET_MINIMUM)] = MEMRESV_A_MINIMUM,
	[ilog2(MEMRESV_SET_MAXIMUM)] = MEMRESV_A_MAXIMUM,
	[ilog2(MEMRESV_SET_BUFFER)] = MEMRESV_A_BUFFER,
	[ilog2(MEMRESV_SET_WEIGHT)] = MEMRESV_A_WEIGHT,
	[ilog2(MEMRESV_SET_SWAP_MAX)] = MEMRESV_A_SWAP_MAX,
	[ilog2(MEMRESV_SET_WINDOW)] = MEMRESV_A_STARTUP_WINDOW,
	[ilog2(MEMRESV_SET_PAGING)] = MEMRESV_A_PAGING,
};

static void nl_bad_setting(struct genl_info *info, u32 bit)
{
	const struct nlattr *attr;

	if (!bit)
		return;
	attr = info->attrs[nl_set_attr[ilog2(bit)]];
	if (attr)
		NL_SET_BAD_ATTR(info->extack, attr);
}

#ifdef NL_SET_ERR_MSG_FMT
/* The extack has room for a formatted message: netlink sends the ACK. */
static int nl_answer(struct sk_buff *skb, struct genl_info *info, int err,
		     const struct memresv_err *e)
{
	if (e->msg[0])
		NL_SET_ERR_MSG_FMT(info->extack, "%s", e->msg);
	return err;
}
#else
/*
 * 6.1's extack has no room for a formatted message (NL_SET_ERR_MSG_FMT()
 * came in 6.2), and the text must outlive the handler until the ACK is
 * built.  So the ACK is built here, on a copy of the extack that points at
 * the text on this stack, and -EINTR tells netlink_rcv_skb() that the
 * request has been answered.  The text is the same 80 bytes as on newer
 * kernels.
 */
static int nl_answer(struct sk_buff *skb, struct genl_info *info, int err,
		     const struct memresv_err *e)
{
	struct netlink_ext_ack ack;

	if (!e->msg[0] || (!err && !(info->nlhdr->nlmsg_flags & NLM_F_ACK)))
		return err;
	ack = *info->extack;
	ack._msg = e->msg;
	netlink_ack(skb, info->nlhdr, err, &ack);
	return -EINTR;
}
#endif

/* Sizes are rounded up to whole pages; the effective values go back. */
static u64 nl_get_size(const struct nlattr *attr)
{
	return PAGE_ALIGN(nla_get_u64(attr));
}

static u32 nl_get_settings(struct genl_info *info, struct memresv_settings *set)
{
	struct nlattr **tb = info->attrs;
	u32 mask = 0;

	if (tb[MEMRESV_A_STARTUP]) {
		set->startup = nl_get_size(tb[MEMRESV_A_STARTUP]);
		mask |= MEMRESV_SET_STARTUP;
	}
	if (tb[MEMRESV_A_MINIMUM]) {
		set->minimum = nl_get_size(tb[MEMRESV_A_MINIMUM]);
		mask |= MEMRESV_SET_MINIMUM;
	}
	if (tb[MEMRESV_A_MAXIMUM]) {
		set->maximum = nl_get_size(tb[MEMRESV_A_MAXIMUM]);
		mask |= MEMRESV_SET_MAXIMUM;
	}
	if (tb[MEMRESV_A_BUFFER]) {
		set->buffer = nla_get_u32(tb[MEMRESV_A_BUFFER]);
		mask |= MEMRESV_SET_BUFFER;
	}
	if (tb[MEMRESV_A_WEIGHT]) {
		set->weight = nla_get_u32(tb[MEMRESV_A_WEIGHT]);
		mask |= MEMRESV_SET_WEIGHT;
	}
	if (tb[MEMRESV_A_SWAP_MAX]) {
		set->swap_max = nl_get_size(tb[MEMRESV_A_SWAP_MAX]);
		mask |= MEMRESV_SET_SWAP_MAX;
	}
	if (tb[MEMRESV_A_STARTUP_WINDOW]) {
		set->window = nla_get_u32(tb[MEMRESV_A_STARTUP_WINDOW]);
		mask |= MEMRESV_SET_WINDOW;
	}
	if (tb[MEMRESV_A_PAGING]) {
		set->paging = nla_get_u8(tb[MEMRESV_A_PAGING]);
		mask |= MEMRESV_SET_PAGING;
	}
	return mask;
}

/* cgroup_get_from_path() resolves below the caller's cgroup namespace. */
static struct cgroup *nl_cgroup_by_path(const char *path,
					struct memresv_err *e)
{
	struct cgroup *cgrp = cgroup_get_from_path(path);

	if (IS_ERR_OR_NULL(cgrp)) {
		memresv_err(e, "no cgroup '%s'", path);
		return ERR_PTR(-ENOENT);
	}
	return cgrp;
}

static struct cgroup *nl_cgroup_by_id(u64 id, struct memresv_err *e)
{
	struct cgroup *cgrp = cgroup_get_from_id(id);
	char *buf;
	int err;

	if (IS_ERR_OR_NULL(cgrp))
		goto none;
	/* A group outside the caller's cgroup namespace does not exist. */
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	err = buf ? memresv_cgfs_path(cgrp, buf, PATH_MAX, true) : -ENOMEM;
	kfree(buf);
	if (!err)
		return cgrp;
	cgroup_put(cgrp);
	if (err == -ENOMEM)
		return ERR_PTR(err);
none:
	memresv_err(e, "no cgroup with id %llu", id);
	return ERR_PTR(-ENOENT);
}

/* The group a request names, by path or by id; a reference is returned. */
static struct cgroup *nl_cgroup(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr *path = info->attrs[MEMRESV_A_CGROUP];
	struct nlattr *id = info->attrs[MEMRESV_A_CGROUP_ID];

	if (path && id) {
		NL_SET_BAD_ATTR(info->extack, id);
		memresv_err(e, "name the cgroup by path or by id, not both");
		return ERR_PTR(-EINVAL);
	}
	if (!path && !id) {
		GENL_REQ_ATTR_CHECK(info, MEMRESV_A_CGROUP);
		memresv_err(e, "a cgroup (path or id) is required");
		return ERR_PTR(-EINVAL);
	}
	if (path)
		return nl_cgroup_by_path(nla_data(path), e);
	return nl_cgroup_by_id(nla_get_u64(id), e);
}

/* The reservation a request names; a reference is returned. */
static struct memresv_resv *nl_resv(struct genl_info *info,
				    struct memresv_err *e)
{
	struct memresv_resv *resv;
	struct cgroup *cgrp;

	cgrp = nl_cgroup(info, e);
	if (IS_ERR(cgrp))
		return ERR_CAST(cgrp);
	resv = memresv_resv_get(cgrp, e);
	cgroup_put(cgrp);
	return resv;
}

static int nl_put_u64(struct sk_buff *skb, int attr, u64 val)
{
	return nla_put_u64_64bit(skb, attr, val, MEMRESV_A_PAD);
}

/* A reservation's settings and state; memresv_lock held. */
static int nl_put_resv(struct sk_buff *skb, struct memresv_resv *resv)
{
	const struct memresv_settings *set = &resv->set;

	lockdep_assert_held(&memresv_lock);
	if (nl_put_u64(skb, MEMRESV_A_CGROUP_ID, resv->id) ||
	    nl_put_u64(skb, MEMRESV_A_STARTUP, set->startup) ||
	    nl_put_u64(skb, MEMRESV_A_MINIMUM, set->minimum) ||
	    nl_put_u64(skb, MEMRESV_A_MAXIMUM, set->maximum) ||
	    nla_put_u32(skb, MEMRESV_A_BUFFER, set->buffer) ||
	    nla_put_u32(skb, MEMRESV_A_WEIGHT, set->weight) ||
	    nl_put_u64(skb, MEMRESV_A_SWAP_MAX, set->swap_max) ||
	    nla_put_u32(skb, MEMRESV_A_STARTUP_WINDOW, set->window) ||
	    nla_put_u8(skb, MEMRESV_A_PAGING, set->paging) ||
	    nla_put_u8(skb, MEMRESV_A_STATE, resv->state) ||
	    nla_put_u8(skb, MEMRESV_A_STATUS, resv->status) ||
	    nl_put_u64(skb, MEMRESV_A_GUARANTEE, resv->guarantee) ||
	    nl_put_u64(skb, MEMRESV_A_TARGET, resv->target) ||
	    nl_put_u64(skb, MEMRESV_A_DEMAND, resv->demand) ||
	    nl_put_u64(skb, MEMRESV_A_CURRENT,
		       memresv_cgfs_usage(&resv->cg)) ||
	    nl_put_u64(skb, MEMRESV_A_SWAP_CURRENT,
		       memresv_cgfs_swap_usage(&resv->cg)) ||
	    nl_put_u64(skb, MEMRESV_A_PAGING_GRANT, resv->grant))
		return -EMSGSIZE;
	if (resv->state != MEMRESV_STATE_RUNNING &&
	    nl_put_u64(skb, MEMRESV_A_PHASE_LEFT_MS,
		       memresv_resv_phase_left_ms(resv)))
		return -EMSGSIZE;
	return 0;
}

/*
 * One fill for replies, dumps and notifications: a message about @resv,
 * named by @path; memresv_lock held.
 */
static int nl_fill_resv(struct sk_buff *skb, struct memresv_resv *resv,
			const char *path, u32 portid, u32 seq, int flags,
			u8 cmd, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(skb, MEMRESV_A_CGROUP, path) ||
	    nl_put_resv(skb, resv)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int nl_put_host(struct sk_buff *skb)
{
	struct memresv_host_info h;

	memresv_ledger_info(&h);
	if (nl_put_u64(skb, MEMRESV_A_HOST_TOTAL, h.total) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_RESERVE, h.reserve) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_CAPACITY, h.capacity) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_GUARANTEED, h.guaranteed) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_ASSIGNED, h.assigned) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_FREE, h.free) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_PAGING_LIMIT, h.paging_limit) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_PAGING_USED, h.paging_used) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_PERIOD_MS, h.period_ms) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_PAGING_MAX, h.paging_max) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_RESERVATIONS, h.nr) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_RECLAIMABLE, h.reclaimable) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_TICK_NS, h.tick_ns) ||
	    nla_put_u8(skb, MEMRESV_A_HOST_OVERCOMMITTED, h.overcommitted))
		return -EMSGSIZE;
	return 0;
}

/* The host ledger in a message of its own; memresv_lock held. */
static int nl_fill_host(struct sk_buff *skb, u32 portid, u32 seq, u8 cmd,
			u8 event)
{
	void *hdr;

	lockdep_assert_held(&memresv_lock);
	hdr = genlmsg_put(skb, portid, seq, &nl_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nl_put_host(skb) ||
	    (event && nla_put_u8(skb, MEMRESV_A_EVENT, event))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Reply with @resv as the requester names it. */
static int nl_reply_resv(struct genl_info *info, struct memresv_resv *resv,
			 u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	err = memresv_cgfs_path(resv->cg.cgrp, nl_path, sizeof(nl_path), true);
	if (!err)
		err = nl_fill_resv(msg, resv, nl_path, info->snd_portid,
				   info->snd_seq, 0, cmd, NULL);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int nl_reply_host(struct genl_info *info, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	err = nl_fill_host(msg, info->snd_portid, info->snd_seq, cmd, 0);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int nl_resv_new(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_settings set = {
		.buffer = MEMRESV_BUFFER_DEFAULT,
		.weight = MEMRESV_WEIGHT_DEFAULT,
		.window = MEMRESV_WINDOW_DEFAULT,
		.paging = MEMRESV_PAGING_RESTART,
	};
	struct memresv_resv *resv;
	struct cgroup *cgrp;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_STARTUP) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MINIMUM) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MAXIMUM)) {
		memresv_err(e, "startup, minimum and maximum are required");
		return -EINVAL;
	}
	nl_get_settings(info, &set);
	cgrp = nl_cgroup(info, e);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	err = memresv_resv_new(cgrp, &set,
			       nla_get_flag(info->attrs[MEMRESV_A_FORCE]), e,
			       &resv);
	cgroup_put(cgrp);
	if (err)
		return err;
	err = nl_reply_resv(info, resv, MEMRESV_CMD_RESV_NEW);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_set(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_settings set = {};
	struct memresv_resv *resv;
	u32 mask;
	int err;

	if (info->attrs[MEMRESV_A_FORCE]) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[MEMRESV_A_FORCE]);
		memresv_err(e, "force is for a start: add or restart");
		return -EINVAL;
	}
	mask = nl_get_settings(info, &set);
	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_set(resv, &set, mask, e);
	if (!err)
		err = nl_reply_resv(info, resv, MEMRESV_CMD_RESV_SET);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_del(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_del(resv, e);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_restart(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_restart(resv,
				   nla_get_flag(info->attrs[MEMRESV_A_FORCE]),
				   e);
	if (!err)
		err = nl_reply_resv(info, resv, MEMRESV_CMD_RESV_RESTART);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_ready(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_ready(resv, e);
	if (!err)
		err = nl_reply_resv(info, resv, MEMRESV_CMD_RESV_READY);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_get(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = nl_reply_resv(info, resv, MEMRESV_CMD_RESV_GET);
	memresv_resv_put(resv);
	return err;
}

/**
 * struct nl_dump - where a RESV_GET dump goes on (in cb->ctx)
 * @next: the cgroup id to resume from: a stable key, whatever comes or goes
 * @done: the last part was sent
 */
struct nl_dump {
	u64 next;
	bool done;
};

/* Every entry fits an empty part, whatever its path. */
static int nl_resv_dump_start(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct nl_dump) > sizeof(cb->ctx));
	cb->min_dump_alloc = NLMSG_HDRLEN + NL_RESV_SIZE;
	return 0;
}

/*
 * Parts are flagged NLM_F_DUMP_INTR when reservations came or went in
 * between; reservations outside the reader's cgroup namespace are left out.
 */
static int nl_resv_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_dump *ctx = (struct nl_dump *)cb->ctx;
	struct memresv_resv *resv;
	int err = 0;

	if (ctx->done)
		return 0;
	mutex_lock(&memresv_lock);
	cb->seq = memresv_ledger_gen();
	for (resv = memresv_resv_from(ctx->next); resv;
	     resv = memresv_resv_next(resv)) {
		if (memresv_cgfs_path(resv->cg.cgrp, nl_path, sizeof(nl_path),
				      true))
			continue;
		err = nl_fill_resv(skb, resv, nl_path,
				   NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   MEMRESV_CMD_RESV_GET, cb);
		if (err) {
			/* Resume at the reservation that did not fit. */
			ctx->next = resv->id;
			break;
		}
	}
	mutex_unlock(&memresv_lock);
	if (err)
		return skb->len ? skb->len : err;
	ctx->done = true;
	return skb->len;
}

static int nl_host_get(struct genl_info *info, struct memresv_err *e)
{
	return nl_reply_host(info, MEMRESV_CMD_HOST_GET);
}

static int nl_host_set(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr **tb = info->attrs;
	struct memresv_host_update upd = {};
	int err;

	if (tb[MEMRESV_A_HOST_RESERVE]) {
		upd.reserve = nl_get_size(tb[MEMRESV_A_HOST_RESERVE]);
		upd.mask |= MEMRESV_HOST_RESERVE;
	}
	if (tb[MEMRESV_A_HOST_PAGING_LIMIT]) {
		upd.paging_limit = nl_get_size(tb[MEMRESV_A_HOST_PAGING_LIMIT]);
		upd.mask |= MEMRESV_HOST_PAGING_LIMIT;
	}
	if (tb[MEMRESV_A_HOST_PERIOD_MS]) {
		upd.period_ms = nla_get_u32(tb[MEMRESV_A_HOST_PERIOD_MS]);
		upd.mask |= MEMRESV_HOST_PERIOD;
	}
	if (tb[MEMRESV_A_HOST_PAGING_MAX]) {
		upd.paging_max = nla_get_u32(tb[MEMRESV_A_HOST_PAGING_MAX]);
		upd.mask |= MEMRESV_HOST_PAGING_MAX;
	}
	if (!upd.mask) {
		memresv_err(e, "nothing to set");
		return -EINVAL;
	}
	err = memresv_host_set(&upd, e);
	if (err)
		return err;
	return nl_reply_host(info, MEMRESV_CMD_HOST_SET);
}

/*
 * Every command goes through here: the privilege check (admin-perm in the
 * spec, .change in nl_cmds), the handler, and the reason of a refusal (or
 * the warning of a success) into the ACK.
 */
static int nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct nl_cmd *cmd = &nl_cmds[info->genlhdr->cmd];
	struct memresv_err e = {};
	int err;

	if (cmd->change && !netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack,
			       "changes need CAP_SYS_ADMIN in the initial user namespace");
		return -EPERM;
	}
	err = cmd->doit(info, &e);
	if (err)
		nl_bad_setting(info, e.bad);
	return nl_answer(skb, info, err, &e);
}

/* What an admission-refused event says, in words and numbers. */
static int nl_put_refusal(struct sk_buff *skb, const struct memresv_notice *ev)
{
	const struct memresv_host_figures *fig = ev->fig;
	u64 free = fig->capacity > fig->assigned ?
		   fig->capacity - fig->assigned : 0;
	u64 tier = fig->paging_limit > fig->paging_used ?
		   fig->paging_limit - fig->paging_used : 0;
	struct memresv_err msg = {};

	memresv_err(&msg, "startup %llu MiB does not fit: free %llu, reclaimable %llu, %s%llu MiB",
		    ev->req->startup >> 20, free >> 20, fig->reclaimable >> 20,
		    ev->req->paging_allowed ? "tier " : "no paging, tier ",
		    tier >> 20);
	if (nl_put_u64(skb, MEMRESV_A_CGROUP_ID, cgroup_id(ev->cgrp)) ||
	    nl_put_u64(skb, MEMRESV_A_STARTUP, ev->req->startup) ||
	    nl_put_u64(skb, MEMRESV_A_MINIMUM, ev->req->minimum) ||
	    nl_put_u64(skb, MEMRESV_A_MAXIMUM, ev->req->maximum) ||
	    nla_put_string(skb, MEMRESV_A_MESSAGE, msg.msg))
		return -EMSGSIZE;
	return 0;
}

/* What a warning event says; the ancestor's path is in nl_path. */
static int nl_put_warning(struct sk_buff *skb, const struct memresv_notice *ev)
{
	struct memresv_err msg = {};

	memresv_err(&msg, "guarantee %llu MiB capped by memory.min %llu MiB of '%s'",
		    ev->resv->guarantee >> 20, ev->ancestor_min >> 20, nl_path);
	return nla_put_string(skb, MEMRESV_A_MESSAGE, msg.msg);
}

/* The body of an event's message; memresv_lock held. */
static int nl_put_event(struct sk_buff *skb, const struct memresv_notice *ev)
{
	struct cgroup *cgrp = ev->resv ? ev->resv->cg.cgrp : ev->cgrp;
	int err = 0;

	if (!cgrp)
		return nl_put_host(skb);
	/* Listeners are host administrators: paths from the cgroup2 root. */
	if (memresv_cgfs_path(cgrp, nl_path, sizeof(nl_path), false) ||
	    nla_put_string(skb, MEMRESV_A_CGROUP, nl_path))
		return -EMSGSIZE;
	if (ev->resv)
		err = nl_put_resv(skb, ev->resv);
	if (!err && ev->event == MEMRESV_EVENT_ADMISSION_REFUSED)
		err = nl_put_refusal(skb, ev);
	if (!err && ev->ancestor) {
		err = memresv_cgfs_path(ev->ancestor, nl_path, sizeof(nl_path),
					false);
		if (!err)
			err = nl_put_warning(skb, ev);
	}
	return err;
}

/* The monitor group's sink for every event of the core. */
static void nl_event(const struct memresv_notice *ev)
{
	struct sk_buff *skb;
	void *hdr;

	lockdep_assert_held(&memresv_lock);
	if (!genl_has_listeners(&nl_family, &init_net, NLGRP_MONITOR))
		return;
	skb = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &nl_family, 0, MEMRESV_CMD_EVENT);
	if (!hdr ||
	    nla_put_u8(skb, MEMRESV_A_EVENT, ev->event) ||
	    (ev->reason && nla_put_u8(skb, MEMRESV_A_REASON, ev->reason)) ||
	    nl_put_event(skb, ev)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&nl_family, skb, 0, NLGRP_MONITOR, GFP_KERNEL);
}

/**
 * memresv_nl_init() - register the family; done last at module load
 *
 * Return: 0 or a negative errno.
 */
int memresv_nl_init(void)
{
	int err;

	err = genl_register_family(&nl_family);
	if (!err)
		memresv_notify_set(nl_event);
	return err;
}

/**
 * memresv_nl_exit() - stop the events, unregister the family
 *
 * Unregistering waits for the requests in flight and lets no new one in.
 */
void memresv_nl_exit(void)
{
	memresv_notify_set(NULL);
	genl_unregister_family(&nl_family);
}
