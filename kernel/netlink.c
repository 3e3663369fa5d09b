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
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "err.h"
#include "hold.h"
#include "host.h"
#include "ledger.h"
#include "netlink.h"
#include "nl-gen.h"
#include "notify.h"
#include "policy.h"
#include "prot.h"
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
	[ilog2(MEMRESV_SET_ACTUATOR)] = MEMRESV_A_ACTUATOR,
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
	if (tb[MEMRESV_A_ACTUATOR]) {
		set->actuator = nla_get_u8(tb[MEMRESV_A_ACTUATOR]);
		mask |= MEMRESV_SET_ACTUATOR;
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

/* The actuator, the guest's view and conflicts; memresv_lock held. */
static int nl_put_guest(struct sk_buff *skb, struct memresv_resv *resv)
{
	u8 source = resv->guest_fresh ? MEMRESV_SOURCE_GUEST :
					 MEMRESV_SOURCE_CGROUP;

	lockdep_assert_held(&memresv_lock);
	if (nla_put_u8(skb, MEMRESV_A_ACTUATOR, resv->set.actuator) ||
	    nla_put_u8(skb, MEMRESV_A_DEMAND_SOURCE, source) ||
	    nl_put_u64(skb, MEMRESV_A_HIGH, memresv_resv_high(resv)) ||
	    nla_put_u32(skb, MEMRESV_A_CONFLICTS, resv->conflicts))
		return -EMSGSIZE;
	if (resv->guest_at &&
	    (nl_put_u64(skb, MEMRESV_A_GUEST_DEMAND, resv->guest_demand) ||
	     nl_put_u64(skb, MEMRESV_A_GUEST_SIZE, resv->guest_size)))
		return -EMSGSIZE;
	return 0;
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
	return nl_put_guest(skb, resv);
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

	lockdep_assert_held(&memresv_lock);
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
	    nla_put_u8(skb, MEMRESV_A_HOST_OVERCOMMITTED, h.overcommitted) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_HOLDS, memresv_hold_nr()))
		return -EMSGSIZE;
	return 0;
}

/* A hold's settings and state; memresv_lock held. */
static int nl_put_hold(struct sk_buff *skb, const struct memresv_hold *hold)
{
	lockdep_assert_held(&memresv_lock);
	if (nla_put_string(skb, MEMRESV_A_HOLD_KEY, hold->key) ||
	    nl_put_u64(skb, MEMRESV_A_STARTUP, hold->startup) ||
	    nl_put_u64(skb, MEMRESV_A_MINIMUM, hold->minimum) ||
	    nl_put_u64(skb, MEMRESV_A_MAXIMUM, hold->maximum) ||
	    nla_put_u8(skb, MEMRESV_A_STATE, hold->state) ||
	    nl_put_u64(skb, MEMRESV_A_GUARANTEE, hold->guarantee) ||
	    nl_put_u64(skb, MEMRESV_A_TARGET, hold->guarantee) ||
	    nl_put_u64(skb, MEMRESV_A_PAGING_GRANT, hold->grant) ||
	    nla_put_u32(skb, MEMRESV_A_HOLD_TIMEOUT, hold->timeout) ||
	    nl_put_u64(skb, MEMRESV_A_HOLD_LEFT_MS, memresv_hold_left_ms(hold)))
		return -EMSGSIZE;
	return 0;
}

/* An ancestor's protection, named by @path; memresv_lock held. */
static int nl_put_prot(struct sk_buff *skb, const struct memresv_prot *prot,
		       const char *path)
{
	lockdep_assert_held(&memresv_lock);
	if (nla_put_string(skb, MEMRESV_A_CGROUP, path) ||
	    nl_put_u64(skb, MEMRESV_A_CGROUP_ID, prot->cg.id) ||
	    nl_put_u64(skb, MEMRESV_A_PROT_NEED, prot->need) ||
	    nla_put_u8(skb, MEMRESV_A_PROT_OWNER, prot->owner) ||
	    nl_put_u64(skb, MEMRESV_A_PROT_MIN,
		       memresv_cgfs_protection(prot->cg.cgrp)))
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

/*
 * Reply with @resv as the requester names it, in @msg (taken).  Requests
 * that change something allocate their reply first: a change is never made
 * and then answered with -ENOMEM.
 */
static int nl_reply_resv(struct genl_info *info, struct sk_buff *msg,
			 struct memresv_resv *resv, u8 cmd)
{
	int err;

	mutex_lock(&memresv_lock);
	/* Removed since (a DEL, its group gone): as it stood when it left. */
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

/* Reply with the host ledger, in @msg (taken). */
static int nl_reply_host(struct genl_info *info, struct sk_buff *msg, u8 cmd)
{
	int err;

	mutex_lock(&memresv_lock);
	err = nl_fill_host(msg, info->snd_portid, info->snd_seq, cmd, 0);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* A start's settings: startup, minimum and maximum at least. */
static int nl_get_start(struct genl_info *info, struct memresv_settings *set,
			struct memresv_err *e)
{
	*set = (struct memresv_settings){
		.buffer = MEMRESV_BUFFER_DEFAULT,
		.weight = MEMRESV_WEIGHT_DEFAULT,
		.window = MEMRESV_WINDOW_DEFAULT,
		.paging = MEMRESV_PAGING_RESTART,
	};
	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_STARTUP) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MINIMUM) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MAXIMUM)) {
		memresv_err(e, "startup, minimum and maximum are required");
		return -EINVAL;
	}
	nl_get_settings(info, set);
	return 0;
}

static int nl_resv_new(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr *hold = info->attrs[MEMRESV_A_HOLD_KEY];
	struct memresv_settings set;
	struct memresv_resv *resv;
	struct sk_buff *msg;
	struct cgroup *cgrp;
	int err;

	err = nl_get_start(info, &set, e);
	if (err)
		return err;
	cgrp = nl_cgroup(info, e);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? memresv_resv_new(cgrp, &set,
				     nla_get_flag(info->attrs[MEMRESV_A_FORCE]),
				     hold ? nla_data(hold) : NULL, e, &resv) :
		    -ENOMEM;
	cgroup_put(cgrp);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	err = nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_NEW);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_set(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_settings set = {};
	struct memresv_resv *resv;
	struct sk_buff *msg;
	u32 mask;
	int err;

	if (info->attrs[MEMRESV_A_FORCE] || info->attrs[MEMRESV_A_HOLD_KEY]) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[MEMRESV_A_FORCE] ?:
				info->attrs[MEMRESV_A_HOLD_KEY]);
		memresv_err(e, "force and hold are for a start: add or restart");
		return -EINVAL;
	}
	mask = nl_get_settings(info, &set);
	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? memresv_resv_set(resv, &set, mask, e) : -ENOMEM;
	if (!err)
		err = nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_SET);
	else
		nlmsg_free(msg);
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
	struct sk_buff *msg;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? memresv_resv_restart(resv,
					 nla_get_flag(info->attrs[MEMRESV_A_FORCE]),
					 e) : -ENOMEM;
	if (!err)
		err = nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_RESTART);
	else
		nlmsg_free(msg);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_ready(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	struct sk_buff *msg;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? memresv_resv_ready(resv, e) : -ENOMEM;
	if (!err)
		err = nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_READY);
	else
		nlmsg_free(msg);
	memresv_resv_put(resv);
	return err;
}

static int nl_resv_get(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_resv *resv;
	struct sk_buff *msg;
	int err;

	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_GET) :
		    -ENOMEM;
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

static int nl_resv_report(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr **tb = info->attrs;
	struct memresv_resv *resv;
	struct sk_buff *msg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_GUEST_DEMAND)) {
		memresv_err(e, "the guest's demand is required");
		return -EINVAL;
	}
	resv = nl_resv(info, e);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	msg = genlmsg_new(NL_RESV_SIZE, GFP_KERNEL);
	err = msg ? memresv_resv_report(resv,
					nla_get_u64(tb[MEMRESV_A_GUEST_DEMAND]),
					tb[MEMRESV_A_GUEST_SIZE] ?
					nla_get_u64(tb[MEMRESV_A_GUEST_SIZE]) : 0,
					e) : -ENOMEM;
	/* The reply carries the target the agent moves the balloon to. */
	if (!err)
		err = nl_reply_resv(info, msg, resv, MEMRESV_CMD_RESV_REPORT);
	else
		nlmsg_free(msg);
	memresv_resv_put(resv);
	return err;
}

/* Holds are host-wide: only readers that see the whole tree see them. */
static bool nl_sees_holds(void)
{
	return !cgroup_parent(current->nsproxy->cgroup_ns->root_cset->dfl_cgrp);
}

static int nl_fill_hold(struct sk_buff *skb, const struct memresv_hold *hold,
			u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nl_put_hold(skb, hold)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Reply with the hold of @key, as it is now, in @msg (taken). */
static int nl_reply_hold(struct genl_info *info, struct sk_buff *msg,
			 const char *key, u8 cmd, struct memresv_err *e)
{
	const struct memresv_hold *hold;
	int err = -ENOENT;

	mutex_lock(&memresv_lock);
	hold = nl_sees_holds() ? memresv_hold_find(key) : NULL;
	if (hold)
		err = nl_fill_hold(msg, hold, info->snd_portid, info->snd_seq,
				   0, cmd);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			memresv_err(e, "no hold '%s'", key);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int nl_hold_new(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr **tb = info->attrs;
	struct memresv_settings set;
	u32 timeout = MEMRESV_HOLD_TIMEOUT_DEFAULT;
	struct sk_buff *msg;
	const char *key;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_HOLD_KEY)) {
		memresv_err(e, "a hold needs a key");
		return -EINVAL;
	}
	err = nl_get_start(info, &set, e);
	if (err)
		return err;
	if (tb[MEMRESV_A_HOLD_TIMEOUT])
		timeout = nla_get_u32(tb[MEMRESV_A_HOLD_TIMEOUT]);
	key = nla_data(tb[MEMRESV_A_HOLD_KEY]);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? memresv_resv_hold(key, &set,
				      nla_get_flag(tb[MEMRESV_A_FORCE]),
				      timeout, e) : -ENOMEM;
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return nl_reply_hold(info, msg, key, MEMRESV_CMD_HOLD_NEW, e);
}

static int nl_hold_del(struct genl_info *info, struct memresv_err *e)
{
	struct memresv_hold *hold;
	const char *key;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_HOLD_KEY)) {
		memresv_err(e, "which hold? (a key)");
		return -EINVAL;
	}
	key = nla_data(info->attrs[MEMRESV_A_HOLD_KEY]);
	mutex_lock(&memresv_lock);
	hold = memresv_hold_find(key);
	if (hold) {
		memresv_hold_unlink(hold, MEMRESV_REASON_DELETED);
		memresv_resv_verify();
	}
	mutex_unlock(&memresv_lock);
	if (!hold) {
		memresv_err(e, "no hold '%s'", key);
		return -ENOENT;
	}
	return 0;
}

static int nl_hold_get(struct genl_info *info, struct memresv_err *e)
{
	struct sk_buff *msg;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_HOLD_KEY)) {
		memresv_err(e, "which hold? (a key, or a dump)");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return nl_reply_hold(info, msg,
			     nla_data(info->attrs[MEMRESV_A_HOLD_KEY]),
			     MEMRESV_CMD_HOLD_GET, e);
}

/*
 * Holds are few: one part.  A dump too large for it would say so
 * (-EMSGSIZE) rather than end short.
 */
static int nl_hold_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_dump *ctx = (struct nl_dump *)cb->ctx;
	const struct memresv_hold *hold;
	int err = 0;

	if (ctx->done || !nl_sees_holds())
		return 0;
	mutex_lock(&memresv_lock);
	for (hold = memresv_hold_first(); hold && !err;
	     hold = memresv_hold_next(hold))
		err = nl_fill_hold(skb, hold, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   MEMRESV_CMD_HOLD_GET);
	mutex_unlock(&memresv_lock);
	ctx->done = true;
	return err ?: skb->len;
}

/* The ancestors memresv protects, with the needs below them. */
static int nl_prot_get_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nl_dump *ctx = (struct nl_dump *)cb->ctx;
	struct memresv_prot *prot;
	void *hdr;
	int err = 0;

	if (ctx->done)
		return 0;
	mutex_lock(&memresv_lock);
	for (prot = memresv_prot_from(ctx->next); prot;
	     prot = memresv_prot_next(prot)) {
		if (memresv_cgfs_path(prot->cg.cgrp, nl_path, sizeof(nl_path),
				      true))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nl_family,
				  NLM_F_MULTI, MEMRESV_CMD_PROT_GET);
		err = hdr ? nl_put_prot(skb, prot, nl_path) : -EMSGSIZE;
		if (err) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			ctx->next = prot->cg.id;
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&memresv_lock);
	if (err)
		return skb->len ? skb->len : err;
	ctx->done = true;
	return skb->len;
}

static int nl_host_get(struct genl_info *info, struct memresv_err *e)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	return msg ? nl_reply_host(info, msg, MEMRESV_CMD_HOST_GET) : -ENOMEM;
}

static int nl_host_set(struct genl_info *info, struct memresv_err *e)
{
	struct nlattr **tb = info->attrs;
	struct memresv_host_update upd = {};
	struct sk_buff *msg;
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
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? memresv_host_set(&upd, e) : -ENOMEM;
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return nl_reply_host(info, msg, MEMRESV_CMD_HOST_SET);
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

/* An admission refused: what the start asked for and the figures. */
static int nl_put_refusal(struct sk_buff *skb, const struct memresv_notice *ev)
{
	const struct memresv_host_figures *fig = ev->fig;
	u64 free = fig->capacity > fig->assigned ?
		   fig->capacity - fig->assigned : 0;

	if (nl_put_u64(skb, MEMRESV_A_STARTUP, ev->req->startup) ||
	    nl_put_u64(skb, MEMRESV_A_MINIMUM, ev->req->minimum) ||
	    nl_put_u64(skb, MEMRESV_A_MAXIMUM, ev->req->maximum) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_CAPACITY, fig->capacity) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_GUARANTEED, fig->guaranteed) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_ASSIGNED, fig->assigned) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_FREE, free) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_RECLAIMABLE, fig->reclaimable) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_PAGING_LIMIT, fig->paging_limit) ||
	    nl_put_u64(skb, MEMRESV_A_HOST_PAGING_USED, fig->paging_used) ||
	    (ev->req->paging_allowed &&
	     nla_put_flag(skb, MEMRESV_A_PAGING_ALLOWED)))
		return -EMSGSIZE;
	return 0;
}

/* The ancestor that caps a guarantee (ancestor's path in nl_path). */
static int nl_put_warning(struct sk_buff *skb, const struct memresv_notice *ev)
{
	if (nla_put_string(skb, MEMRESV_A_ANCESTOR, nl_path) ||
	    nl_put_u64(skb, MEMRESV_A_ANCESTOR_ID, cgroup_id(ev->ancestor)) ||
	    nl_put_u64(skb, MEMRESV_A_ANCESTOR_MIN, ev->ancestor_min))
		return -EMSGSIZE;
	return 0;
}

static int nl_put_conflict(struct sk_buff *skb, const struct memresv_notice *ev)
{
	if (nla_put_u8(skb, MEMRESV_A_CONFLICT_FILE, ev->file) ||
	    nl_put_u64(skb, MEMRESV_A_CONFLICT_FOUND, ev->found) ||
	    nl_put_u64(skb, MEMRESV_A_CONFLICT_OURS, ev->ours))
		return -EMSGSIZE;
	return 0;
}

/* An event about a group: its reservation, or an admission refused. */
static int nl_put_group_event(struct sk_buff *skb,
			      const struct memresv_notice *ev)
{
	struct cgroup *cgrp = ev->resv ? ev->resv->cg.cgrp : ev->cgrp;
	int err;

	/* Listeners are host administrators: paths from the cgroup2 root. */
	if (memresv_cgfs_path(cgrp, nl_path, sizeof(nl_path), false) ||
	    nla_put_string(skb, MEMRESV_A_CGROUP, nl_path))
		return -EMSGSIZE;
	/* A reservation's attributes carry its cgroup-id: only once. */
	if (ev->resv)
		err = nl_put_resv(skb, ev->resv);
	else if (nl_put_u64(skb, MEMRESV_A_CGROUP_ID, cgroup_id(cgrp)))
		err = -EMSGSIZE;
	else
		err = 0;
	if (!err && ev->event == MEMRESV_EVENT_ADMISSION_REFUSED)
		err = nl_put_refusal(skb, ev);
	if (!err && ev->event == MEMRESV_EVENT_CONFLICT)
		err = nl_put_conflict(skb, ev);
	if (!err && ev->ancestor) {
		err = memresv_cgfs_path(ev->ancestor, nl_path, sizeof(nl_path),
					false);
		if (!err)
			err = nl_put_warning(skb, ev);
	}
	return err;
}

/* The body of an event's message; memresv_lock held. */
static int nl_put_event(struct sk_buff *skb, const struct memresv_notice *ev)
{
	int err;

	lockdep_assert_held(&memresv_lock);
	if (ev->resv || ev->cgrp)
		return nl_put_group_event(skb, ev);
	if (ev->hold)
		return nl_put_hold(skb, ev->hold);
	if (ev->key) {
		if (nla_put_string(skb, MEMRESV_A_HOLD_KEY, ev->key))
			return -EMSGSIZE;
		return nl_put_refusal(skb, ev);
	}
	if (ev->prot) {
		err = memresv_cgfs_path(ev->prot->cg.cgrp, nl_path,
					sizeof(nl_path), false);
		return err ? err : nl_put_prot(skb, ev->prot, nl_path);
	}
	return nl_put_host(skb);
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
