// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: the generic netlink family "memresv" (uapi/linux/memresv.h,
 * Documentation/netlink/memresv.yaml).
 *
 * Validation lives in the per-op policies; handlers check only what a
 * policy cannot express (relations between fields, the live ledger).  Every
 * refusal carries an extended-ACK message.  Mutations need CAP_NET_ADMIN in
 * the initial user namespace; reads are open to all.
 */
#include <linux/cgroup.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include <linux/memresv.h>

#include "ledger.h"
#include "netlink.h"
#include "policy.h"
#include "resv.h"

enum memresv_nl_groups {
	MEMRESV_NLGRP_MONITOR,
};

static struct genl_family memresv_family;

/* Paths for fills; fills run under memresv_lock. */
static char memresv_nl_path[PATH_MAX];

#define MEMRESV_NL_MSG_LEN	256

struct memresv_nl_msg {
	struct callback_head twork;
	char text[MEMRESV_NL_MSG_LEN];
};

static void memresv_nl_msg_free(struct callback_head *head)
{
	kfree(container_of(head, struct memresv_nl_msg, twork));
}

/**
 * memresv_nl_errmsg() - a formatted extended-ACK message
 * @extack: the request's extack (may be NULL)
 * @fmt: printf format
 *
 * Older kernels have no NL_SET_ERR_MSG_FMT() and newer ones cap it at 80
 * bytes; refusals here carry numbers and names.  The ACK is built in the
 * requesting task before its sendmsg() returns, so the text lives in a
 * buffer freed by task work when that task returns to user space.
 */
void memresv_nl_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...)
{
	struct memresv_nl_msg *msg;
	va_list args;

	if (!extack)
		return;
	if (current->flags & PF_KTHREAD)
		goto fallback;
	msg = kmalloc(sizeof(*msg), GFP_KERNEL);
	if (!msg)
		goto fallback;
	va_start(args, fmt);
	vsnprintf(msg->text, sizeof(msg->text), fmt, args);
	va_end(args);
	init_task_work(&msg->twork, memresv_nl_msg_free);
	if (task_work_add(current, &msg->twork, TWA_RESUME)) {
		kfree(msg);
		goto fallback;
	}
	extack->_msg = msg->text;
	return;
fallback:
	NL_SET_ERR_MSG(extack, "request refused (no memory for the reason)");
}

static struct netlink_range_validation memresv_size_range = {
	.min = 1, .max = MEMRESV_SIZE_MAX,
};

static struct netlink_range_validation memresv_size0_range = {
	.min = 0, .max = MEMRESV_SIZE_MAX,
};

static struct netlink_range_validation memresv_buffer_range = {
	.min = MEMRESV_BUFFER_MIN, .max = MEMRESV_BUFFER_MAX,
};

static struct netlink_range_validation memresv_weight_range = {
	.min = 0, .max = MEMRESV_WEIGHT_MAX,
};

static struct netlink_range_validation memresv_window_range = {
	.min = MEMRESV_WINDOW_MIN, .max = MEMRESV_WINDOW_MAX,
};

static struct netlink_range_validation memresv_period_range = {
	.min = MEMRESV_PERIOD_MIN, .max = MEMRESV_PERIOD_MAX,
};

static struct netlink_range_validation memresv_paging_max_range = {
	.min = MEMRESV_PAGING_MAX_MIN, .max = MEMRESV_PAGING_MAX_MAX,
};

static const struct nla_policy memresv_new_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_CGROUP] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[MEMRESV_A_CGROUP_ID] = { .type = NLA_U64 },
	[MEMRESV_A_STARTUP] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MINIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MAXIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_BUFFER] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_buffer_range),
	[MEMRESV_A_WEIGHT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_weight_range),
	[MEMRESV_A_SWAP_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size0_range),
	[MEMRESV_A_STARTUP_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_window_range),
	[MEMRESV_A_PAGING] = NLA_POLICY_MAX(NLA_U8, MEMRESV_PAGING_MAX_VAL),
	[MEMRESV_A_FORCE] = { .type = NLA_FLAG },
};

static const struct nla_policy memresv_set_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_CGROUP] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[MEMRESV_A_CGROUP_ID] = { .type = NLA_U64 },
	[MEMRESV_A_STARTUP] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MINIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MAXIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_BUFFER] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_buffer_range),
	[MEMRESV_A_WEIGHT] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_weight_range),
	[MEMRESV_A_SWAP_MAX] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size0_range),
	[MEMRESV_A_STARTUP_WINDOW] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_window_range),
	[MEMRESV_A_PAGING] = NLA_POLICY_MAX(NLA_U8, MEMRESV_PAGING_MAX_VAL),
};

static const struct nla_policy memresv_id_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_CGROUP] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[MEMRESV_A_CGROUP_ID] = { .type = NLA_U64 },
};

static const struct nla_policy memresv_restart_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_CGROUP] = { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[MEMRESV_A_CGROUP_ID] = { .type = NLA_U64 },
	[MEMRESV_A_FORCE] = { .type = NLA_FLAG },
};

static const struct nla_policy memresv_host_set_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_HOST_RESERVE] = NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size0_range),
	[MEMRESV_A_HOST_PAGING_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size0_range),
	[MEMRESV_A_HOST_PERIOD_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_period_range),
	[MEMRESV_A_HOST_PAGING_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32, &memresv_paging_max_range),
};

static const struct nla_policy memresv_place_policy[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_STARTUP] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MINIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_MAXIMUM] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &memresv_size_range),
	[MEMRESV_A_PLACE_POLICY] = NLA_POLICY_MAX(NLA_U8, MEMRESV_POLICY_MAX_VAL),
};

static const struct nla_policy memresv_empty_policy[MEMRESV_A_MAX + 1] = {
};

/* The attribute of each settings bit, to point at the culprit. */
static const u16 memresv_nl_set_attr[] = {
	[ilog2(MEMRESV_SET_STARTUP)] = MEMRESV_A_STARTUP,
	[ilog2(MEMRESV_SET_MINIMUM)] = MEMRESV_A_MINIMUM,
	[ilog2(MEMRESV_SET_MAXIMUM)] = MEMRESV_A_MAXIMUM,
	[ilog2(MEMRESV_SET_BUFFER)] = MEMRESV_A_BUFFER,
	[ilog2(MEMRESV_SET_WEIGHT)] = MEMRESV_A_WEIGHT,
	[ilog2(MEMRESV_SET_SWAP_MAX)] = MEMRESV_A_SWAP_MAX,
	[ilog2(MEMRESV_SET_WINDOW)] = MEMRESV_A_STARTUP_WINDOW,
	[ilog2(MEMRESV_SET_PAGING)] = MEMRESV_A_PAGING,
};

static void memresv_nl_bad_setting(struct genl_info *info, u32 bit)
{
	const struct nlattr *attr;

	if (!bit)
		return;
	attr = info->attrs[memresv_nl_set_attr[ilog2(bit)]];
	if (attr)
		NL_SET_BAD_ATTR(info->extack, attr);
}

/* Sizes are rounded up to whole pages; the effective values go back. */
static u64 memresv_nl_get_size(const struct nlattr *attr)
{
	return PAGE_ALIGN(nla_get_u64(attr));
}

static u32 memresv_nl_get_settings(struct genl_info *info,
				   struct memresv_settings *set)
{
	struct nlattr **tb = info->attrs;
	u32 mask = 0;

	if (tb[MEMRESV_A_STARTUP]) {
		set->startup = memresv_nl_get_size(tb[MEMRESV_A_STARTUP]);
		mask |= MEMRESV_SET_STARTUP;
	}
	if (tb[MEMRESV_A_MINIMUM]) {
		set->minimum = memresv_nl_get_size(tb[MEMRESV_A_MINIMUM]);
		mask |= MEMRESV_SET_MINIMUM;
	}
	if (tb[MEMRESV_A_MAXIMUM]) {
		set->maximum = memresv_nl_get_size(tb[MEMRESV_A_MAXIMUM]);
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
		set->swap_max = memresv_nl_get_size(tb[MEMRESV_A_SWAP_MAX]);
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

/* The group a request names, by path or by id; a reference is returned. */
static struct cgroup *memresv_nl_cgroup(struct genl_info *info)
{
	struct nlattr *path = info->attrs[MEMRESV_A_CGROUP];
	struct nlattr *id = info->attrs[MEMRESV_A_CGROUP_ID];

	if (path && id) {
		NL_SET_BAD_ATTR(info->extack, id);
		NL_SET_ERR_MSG(info->extack,
			       "name the cgroup by path or by id, not both");
		return ERR_PTR(-EINVAL);
	}
	if (!path && !id) {
		GENL_REQ_ATTR_CHECK(info, MEMRESV_A_CGROUP);
		NL_SET_ERR_MSG(info->extack, "a cgroup (path or id) is required");
		return ERR_PTR(-EINVAL);
	}
	return memresv_resv_cgroup(path ? nla_data(path) : NULL,
				   id ? nla_get_u64(id) : 0, info->extack);
}

/* The reservation a request names; a reference is returned. */
static struct memresv_resv *memresv_nl_resv(struct genl_info *info)
{
	struct memresv_resv *resv;
	struct cgroup *cgrp;

	cgrp = memresv_nl_cgroup(info);
	if (IS_ERR(cgrp))
		return ERR_CAST(cgrp);
	resv = memresv_resv_get(cgrp, info->extack);
	cgroup_put(cgrp);
	return resv;
}

static int memresv_nl_put_u64(struct sk_buff *skb, int attr, u64 val)
{
	return nla_put_u64_64bit(skb, attr, val, MEMRESV_A_PAD);
}

/* One fill for replies, dumps and notifications; memresv_lock held. */
static int memresv_nl_fill_resv(struct sk_buff *skb, struct memresv_resv *resv,
				u32 portid, u32 seq, int flags, u8 cmd,
				u8 event, u8 reason,
				struct netlink_callback *cb)
{
	const struct memresv_settings *set = &resv->set;
	void *hdr;

	lockdep_assert_held(&memresv_lock);
	hdr = genlmsg_put(skb, portid, seq, &memresv_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	/* Paths are relative to the cgroup2 root, as the tool takes them. */
	if (nla_put_string(skb, MEMRESV_A_CGROUP,
			   memresv_resv_path(resv->cgrp, memresv_nl_path,
					     sizeof(memresv_nl_path))) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_CGROUP_ID, resv->id) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_STARTUP, set->startup) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_MINIMUM, set->minimum) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_MAXIMUM, set->maximum) ||
	    nla_put_u32(skb, MEMRESV_A_BUFFER, set->buffer) ||
	    nla_put_u32(skb, MEMRESV_A_WEIGHT, set->weight) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_SWAP_MAX, set->swap_max) ||
	    nla_put_u32(skb, MEMRESV_A_STARTUP_WINDOW, set->window) ||
	    nla_put_u8(skb, MEMRESV_A_PAGING, set->paging) ||
	    nla_put_u8(skb, MEMRESV_A_STATE, resv->state) ||
	    nla_put_u8(skb, MEMRESV_A_STATUS, resv->status) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_GUARANTEE, resv->guarantee) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_TARGET, resv->target) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_DEMAND, resv->demand) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_CURRENT,
			       memresv_cgfs_usage(resv->memcg)) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_SWAP_CURRENT,
			       memresv_cgfs_swap_usage(resv->memcg)) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_PAGING_GRANT, resv->grant))
		goto cancel;
	if (resv->state != MEMRESV_STATE_RUNNING &&
	    memresv_nl_put_u64(skb, MEMRESV_A_PHASE_LEFT_MS,
			       memresv_resv_phase_left_ms(resv)))
		goto cancel;
	if (event && (nla_put_u8(skb, MEMRESV_A_EVENT, event) ||
		      nla_put_u8(skb, MEMRESV_A_REASON, reason)))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int memresv_nl_fill_host(struct sk_buff *skb, u32 portid, u32 seq,
				u8 cmd)
{
	struct memresv_ledger *l = &memresv_ledger;
	void *hdr;

	lockdep_assert_held(&memresv_lock);
	hdr = genlmsg_put(skb, portid, seq, &memresv_family, 0, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (memresv_nl_put_u64(skb, MEMRESV_A_HOST_TOTAL,
			       memresv_ledger_total()) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_RESERVE, l->reserve) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_CAPACITY,
			       memresv_ledger_capacity()) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_GUARANTEED, l->guaranteed) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_ASSIGNED, l->assigned) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_FREE,
			       memresv_ledger_free()) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_PAGING_LIMIT,
			       l->paging_limit) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_PAGING_USED,
			       l->paging_used) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_PERIOD_MS, l->period_ms) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_PAGING_MAX, l->paging_max) ||
	    nla_put_u32(skb, MEMRESV_A_HOST_RESERVATIONS, l->nr) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_RECLAIMABLE,
			       memresv_ledger_reclaimable(NULL)) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_HOST_TICK_NS, l->tick_ns))
		goto cancel;
	if (cmd == MEMRESV_CMD_EVENT &&
	    nla_put_u8(skb, MEMRESV_A_EVENT, MEMRESV_EVENT_HOST_CHANGED))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int memresv_nl_reply_resv(struct genl_info *info,
				 struct memresv_resv *resv, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	err = memresv_nl_fill_resv(msg, resv, info->snd_portid, info->snd_seq,
				   0, cmd, 0, 0, NULL);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int memresv_nl_reply_host(struct genl_info *info, u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	err = memresv_nl_fill_host(msg, info->snd_portid, info->snd_seq, cmd);
	mutex_unlock(&memresv_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int memresv_nl_resv_new(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_settings set = {
		.buffer = MEMRESV_BUFFER_DEFAULT,
		.weight = MEMRESV_WEIGHT_DEFAULT,
		.window = MEMRESV_WINDOW_DEFAULT,
		.paging = MEMRESV_PAGING_RESTART,
	};
	struct memresv_resv *resv;
	struct cgroup *cgrp;
	u32 bad = 0;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_STARTUP) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MINIMUM) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MAXIMUM)) {
		NL_SET_ERR_MSG(info->extack,
			       "startup, minimum and maximum are required");
		return -EINVAL;
	}
	memresv_nl_get_settings(info, &set);
	cgrp = memresv_nl_cgroup(info);
	if (IS_ERR(cgrp))
		return PTR_ERR(cgrp);
	err = memresv_resv_new(cgrp, &set, nla_get_flag(info->attrs[MEMRESV_A_FORCE]),
			       info->extack, &bad, &resv);
	cgroup_put(cgrp);
	if (err) {
		memresv_nl_bad_setting(info, bad);
		return err;
	}
	err = memresv_nl_reply_resv(info, resv, MEMRESV_CMD_RESV_NEW);
	memresv_resv_put(resv);
	return err;
}

static int memresv_nl_resv_set(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_settings set = {};
	struct memresv_resv *resv;
	u32 mask, bad = 0;
	int err;

	mask = memresv_nl_get_settings(info, &set);
	resv = memresv_nl_resv(info);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_set(resv, &set, mask, info->extack, &bad);
	if (err)
		memresv_nl_bad_setting(info, bad);
	else
		err = memresv_nl_reply_resv(info, resv, MEMRESV_CMD_RESV_SET);
	memresv_resv_put(resv);
	return err;
}

static int memresv_nl_resv_del(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_resv *resv;
	int err;

	resv = memresv_nl_resv(info);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_del(resv, info->extack);
	memresv_resv_put(resv);
	return err;
}

static int memresv_nl_resv_restart(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_resv *resv;
	int err;

	resv = memresv_nl_resv(info);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_restart(resv,
				   nla_get_flag(info->attrs[MEMRESV_A_FORCE]),
				   info->extack);
	if (!err)
		err = memresv_nl_reply_resv(info, resv,
					    MEMRESV_CMD_RESV_RESTART);
	memresv_resv_put(resv);
	return err;
}

static int memresv_nl_resv_ready(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_resv *resv;
	int err;

	resv = memresv_nl_resv(info);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_resv_ready(resv, info->extack);
	if (!err)
		err = memresv_nl_reply_resv(info, resv, MEMRESV_CMD_RESV_READY);
	memresv_resv_put(resv);
	return err;
}

static int memresv_nl_resv_get(struct sk_buff *skb, struct genl_info *info)
{
	struct memresv_resv *resv;
	int err;

	resv = memresv_nl_resv(info);
	if (IS_ERR(resv))
		return PTR_ERR(resv);
	err = memresv_nl_reply_resv(info, resv, MEMRESV_CMD_RESV_GET);
	memresv_resv_put(resv);
	return err;
}

/*
 * Dumps resume from the next cgroup id (cb->args[0]), a stable key, and are
 * flagged NLM_F_DUMP_INTR when reservations came or went in between.
 */
static int memresv_nl_resv_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct memresv_resv *resv;
	int err = 0;

	if (cb->args[0] == ULONG_MAX)
		return 0;
	mutex_lock(&memresv_lock);
	cb->seq = memresv_ledger.gen;
	for (resv = memresv_resv_from(cb->args[0]); resv;
	     resv = memresv_resv_next(resv)) {
		err = memresv_nl_fill_resv(skb, resv,
					   NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   MEMRESV_CMD_RESV_GET, 0, 0, cb);
		if (err) {
			/* Resume at the reservation that did not fit. */
			cb->args[0] = resv->id;
			break;
		}
	}
	mutex_unlock(&memresv_lock);
	if (err)
		return skb->len ? skb->len : err;
	cb->args[0] = ULONG_MAX;
	return skb->len;
}

static int memresv_nl_host_get(struct sk_buff *skb, struct genl_info *info)
{
	return memresv_nl_reply_host(info, MEMRESV_CMD_HOST_GET);
}

static int memresv_nl_host_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct memresv_host_update upd = {};
	int err;

	if (tb[MEMRESV_A_HOST_RESERVE]) {
		upd.reserve = PAGE_ALIGN(nla_get_u64(tb[MEMRESV_A_HOST_RESERVE]));
		upd.mask |= MEMRESV_HOST_RESERVE;
	}
	if (tb[MEMRESV_A_HOST_PAGING_LIMIT]) {
		upd.paging_limit =
			PAGE_ALIGN(nla_get_u64(tb[MEMRESV_A_HOST_PAGING_LIMIT]));
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
		NL_SET_ERR_MSG(info->extack, "nothing to set");
		return -EINVAL;
	}
	err = memresv_ledger_set(&upd, info->extack);
	if (err)
		return err;
	if (upd.mask & MEMRESV_HOST_PERIOD)
		memresv_resv_kick();
	return memresv_nl_reply_host(info, MEMRESV_CMD_HOST_SET);
}

static int memresv_nl_place(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct memresv_host_figures fig;
	struct memresv_rating rating;
	struct memresv_request req;
	enum memresv_place_policy policy = MEMRESV_POLICY_MINIMUM;
	struct sk_buff *msg;
	u32 bad = 0;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, MEMRESV_A_STARTUP) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MINIMUM) ||
	    GENL_REQ_ATTR_CHECK(info, MEMRESV_A_MAXIMUM)) {
		NL_SET_ERR_MSG(info->extack,
			       "startup, minimum and maximum are required");
		return -EINVAL;
	}
	req.startup = memresv_nl_get_size(tb[MEMRESV_A_STARTUP]);
	req.minimum = memresv_nl_get_size(tb[MEMRESV_A_MINIMUM]);
	req.maximum = memresv_nl_get_size(tb[MEMRESV_A_MAXIMUM]);
	req.paging_allowed = true;
	err = memresv_resv_check_sizes(req.startup, req.minimum, req.maximum,
				       info->extack, &bad);
	if (err) {
		memresv_nl_bad_setting(info, bad);
		return err;
	}
	if (tb[MEMRESV_A_PLACE_POLICY])
		policy = nla_get_u8(tb[MEMRESV_A_PLACE_POLICY]);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&memresv_lock);
	memresv_ledger_figures(&fig, NULL);
	memresv_policy_rate(&fig, &req, policy, &rating);
	err = memresv_nl_fill_host(msg, info->snd_portid, info->snd_seq,
				   MEMRESV_CMD_PLACE);
	mutex_unlock(&memresv_lock);
	if (err)
		goto free;
	/* Append the rating to the host snapshot it was made on. */
	err = -EMSGSIZE;
	if (nla_put_u8(msg, MEMRESV_A_PLACE_POLICY, policy) ||
	    nla_put_u8(msg, MEMRESV_A_PLACE_FIT, rating.fit) ||
	    nla_put_u32(msg, MEMRESV_A_PLACE_STARS, rating.stars))
		goto free;
	nlmsg_end(msg, nlmsg_hdr(msg));
	return genlmsg_reply(msg, info);
free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops memresv_nl_ops[] = {
	{
		.cmd = MEMRESV_CMD_RESV_NEW,
		.doit = memresv_nl_resv_new,
		.policy = memresv_new_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_RESV_SET,
		.doit = memresv_nl_resv_set,
		.policy = memresv_set_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_RESV_DEL,
		.doit = memresv_nl_resv_del,
		.policy = memresv_id_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_RESV_GET,
		.doit = memresv_nl_resv_get,
		.dumpit = memresv_nl_resv_dump,
		.policy = memresv_id_policy,
		.maxattr = MEMRESV_A_MAX,
	},
	{
		.cmd = MEMRESV_CMD_RESV_RESTART,
		.doit = memresv_nl_resv_restart,
		.policy = memresv_restart_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_RESV_READY,
		.doit = memresv_nl_resv_ready,
		.policy = memresv_id_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_HOST_GET,
		.doit = memresv_nl_host_get,
		.policy = memresv_empty_policy,
		.maxattr = MEMRESV_A_MAX,
	},
	{
		.cmd = MEMRESV_CMD_HOST_SET,
		.doit = memresv_nl_host_set,
		.policy = memresv_host_set_policy,
		.maxattr = MEMRESV_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = MEMRESV_CMD_PLACE,
		.doit = memresv_nl_place,
		.policy = memresv_place_policy,
		.maxattr = MEMRESV_A_MAX,
	},
};

static const struct genl_multicast_group memresv_nl_mcgrps[] = {
	[MEMRESV_NLGRP_MONITOR] = { .name = MEMRESV_MCGRP_MONITOR },
};

static struct genl_family memresv_family __ro_after_init = {
	.name = MEMRESV_GENL_NAME,
	.version = MEMRESV_GENL_VERSION,
	.maxattr = MEMRESV_A_MAX,
	.module = THIS_MODULE,
	.ops = memresv_nl_ops,
	.n_ops = ARRAY_SIZE(memresv_nl_ops),
	.mcgrps = memresv_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(memresv_nl_mcgrps),
	/* Handlers block in reclaim: do not serialise every family on them. */
	.parallel_ops = true,
};

static struct sk_buff *memresv_nl_event_new(void)
{
	if (!genl_has_listeners(&memresv_family, &init_net,
				MEMRESV_NLGRP_MONITOR))
		return NULL;
	return genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
}

static void memresv_nl_event_send(struct sk_buff *skb, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&memresv_family, skb, 0, MEMRESV_NLGRP_MONITOR,
			  GFP_KERNEL);
}

/**
 * memresv_nl_notify_resv() - tell the monitor group about a reservation
 * @resv: the reservation
 * @event: enum memresv_event
 * @reason: enum memresv_reason
 *
 * Caller holds memresv_lock, so the message is one consistent snapshot.
 */
void memresv_nl_notify_resv(struct memresv_resv *resv, u8 event, u8 reason)
{
	struct sk_buff *skb = memresv_nl_event_new();

	if (!skb)
		return;
	memresv_nl_event_send(skb, memresv_nl_fill_resv(skb, resv, 0, 0, 0,
							MEMRESV_CMD_EVENT, event,
							reason, NULL));
}

/**
 * memresv_nl_notify_msg() - a notification with a message
 * @cgrp: the group it is about
 * @resv: its reservation, or NULL (admission refused)
 * @event: enum memresv_event
 * @msg: what happened, for people
 *
 * Caller holds memresv_lock.
 */
void memresv_nl_notify_msg(struct cgroup *cgrp, struct memresv_resv *resv,
			   u8 event, const char *msg)
{
	struct sk_buff *skb = memresv_nl_event_new();
	void *hdr;
	int err = -EMSGSIZE;

	if (!skb)
		return;
	if (resv) {
		err = memresv_nl_fill_resv(skb, resv, 0, 0, 0,
					   MEMRESV_CMD_EVENT, event, 0, NULL);
		if (err)
			goto out;
		err = -EMSGSIZE;
		if (nla_put_string(skb, MEMRESV_A_MESSAGE, msg))
			goto out;
		nlmsg_end(skb, nlmsg_hdr(skb));
		err = 0;
		goto out;
	}
	hdr = genlmsg_put(skb, 0, 0, &memresv_family, 0, MEMRESV_CMD_EVENT);
	if (!hdr)
		goto out;
	if (nla_put_u8(skb, MEMRESV_A_EVENT, event) ||
	    nla_put_string(skb, MEMRESV_A_CGROUP,
			   memresv_resv_path(cgrp, memresv_nl_path,
					     sizeof(memresv_nl_path))) ||
	    memresv_nl_put_u64(skb, MEMRESV_A_CGROUP_ID, cgroup_id(cgrp)) ||
	    nla_put_string(skb, MEMRESV_A_MESSAGE, msg)) {
		genlmsg_cancel(skb, hdr);
		goto out;
	}
	genlmsg_end(skb, hdr);
	err = 0;
out:
	memresv_nl_event_send(skb, err);
}

/**
 * memresv_nl_notify_host() - tell the monitor group the host settings moved
 *
 * Caller holds memresv_lock.
 */
void memresv_nl_notify_host(void)
{
	struct sk_buff *skb = memresv_nl_event_new();

	if (skb)
		memresv_nl_event_send(skb, memresv_nl_fill_host(skb, 0, 0,
								MEMRESV_CMD_EVENT));
}

/**
 * memresv_nl_init() - register the family; done last at module load
 *
 * Return: 0 or a negative errno.
 */
int memresv_nl_init(void)
{
	return genl_register_family(&memresv_family);
}

/**
 * memresv_nl_exit() - unregister the family
 */
void memresv_nl_exit(void)
{
	genl_unregister_family(&memresv_family);
}
