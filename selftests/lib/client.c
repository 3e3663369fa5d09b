// SPDX-License-Identifier: GPL-2.0
/*
 * The memresv test client (see client.h): replies kept whole, every
 * attribute as a number or a string, and the requests the selftests and
 * the benchmarks make, each written once.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "client.h"
#include "timing.h"

struct mr_ctx {
	struct mr_result *res;
	mr_each_fn each;
	void *arg;
};

/**
 * mr_attrs_take() - a reply message's attributes as numbers and strings
 * @nlh: the message
 * @tb: its attributes, indexed by MEMRESV_A_*
 * @a: filled; only its numbers are cleared first, not its strings' room
 * @strings: copy the strings too (cgroup, ancestor, hold key)
 */
void mr_attrs_take(const struct nlmsghdr *nlh, struct nlattr **tb,
		   struct mr_attrs *a, bool strings)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	int i;

	memset(a->has, 0, sizeof(a->has));
	memset(a->val, 0, sizeof(a->val));
	a->cgroup[0] = '\0';
	a->ancestor[0] = '\0';
	a->hold[0] = '\0';
	a->cmd = g->cmd;
	a->flags = nlh->nlmsg_flags;
	for (i = 1; i <= MEMRESV_A_MAX; i++) {
		if (!tb[i])
			continue;
		a->has[i] = true;
		if (i == MEMRESV_A_CGROUP && strings)
			snprintf(a->cgroup, sizeof(a->cgroup), "%s",
				 nla_get_string(tb[i]));
		else if (i == MEMRESV_A_ANCESTOR && strings)
			snprintf(a->ancestor, sizeof(a->ancestor), "%s",
				 nla_get_string(tb[i]));
		else if (i == MEMRESV_A_HOLD_KEY && strings)
			snprintf(a->hold, sizeof(a->hold), "%s",
				 nla_get_string(tb[i]));
		else if (i != MEMRESV_A_CGROUP && i != MEMRESV_A_ANCESTOR &&
			 i != MEMRESV_A_HOLD_KEY)
			a->val[i] = mrnl_u64(tb[i]);
	}
}

struct mrnl *mr_open(void)
{
	struct mrnl *s = calloc(1, sizeof(*s));

	if (s && mrnl_open(s)) {
		free(s);
		return NULL;
	}
	return s;
}

void mr_close(struct mrnl *s)
{
	if (!s)
		return;
	mrnl_close(s);
	free(s);
}

struct nl_msg *mr_msg(struct mrnl *s, uint8_t cmd, int flags)
{
	return mrnl_msg(s, cmd, flags, NULL);
}

struct nl_msg *mr_resv_msg(struct mrnl *s, uint8_t cmd, const char *cgroup)
{
	return mrnl_msg(s, cmd, 0, cgroup);
}

/* A reply into res->last, counted, then handed to the test's callback. */
static void mr_keep(const struct nlmsghdr *nlh, struct nlattr **tb,
		    void *arg)
{
	struct mr_ctx *ctx = arg;

	mr_attrs_take(nlh, tb, &ctx->res->last, true);
	ctx->res->nmsgs++;
	if (ctx->each)
		ctx->each(&ctx->res->last, ctx->arg);
}

/* One reply into the caller's struct mr_attrs. */
static void mr_keep_one(const struct nlmsghdr *nlh, struct nlattr **tb,
			void *arg)
{
	mr_attrs_take(nlh, tb, arg, true);
}

/* How the request went, as the core saw it, into @res. */
static void mr_outcome(const struct mrnl *n, struct mr_result *res)
{
	if (n->err)
		res->err = n->err;
	if (n->extack[0])
		snprintf(res->extack, sizeof(res->extack), "%s", n->extack);
	if (n->bad_attr_off)
		res->bad_attr_off = n->bad_attr_off;
	if (n->intr)
		res->intr = true;
}

/**
 * mr_send() - send a request and collect its replies
 * @s: the socket
 * @msg: the request (consumed)
 * @res: the outcome and the last reply
 * @each: called with every reply message, or NULL
 * @arg: for @each
 *
 * Return: res->err.
 */
int mr_send(struct mrnl *s, struct nl_msg *msg, struct mr_result *res,
	    mr_each_fn each, void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };

	memset(res, 0, sizeof(*res));
	mrnl_call(s, msg, mr_keep, &ctx);
	mr_outcome(s, res);
	return res->err;
}

/**
 * mr_do() - send a request and wait for its end
 * @s: the socket
 * @msg: the request (consumed)
 * @res: the outcome and the last reply; NULL: the reply is not taken,
 *	which is the core's lean path (s->err and s->extack still tell)
 *
 * Return: 0 or the kernel's -errno.
 */
int mr_do(struct mrnl *s, struct nl_msg *msg, struct mr_result *res)
{
	if (!res)
		return mrnl_call(s, msg, NULL, NULL);
	return mr_send(s, msg, res, NULL, NULL);
}

int mr_send_raw(struct mrnl *s, struct nl_msg *msg)
{
	int err = nl_send_auto(s->sk, msg);

	nlmsg_free(msg);
	return err < 0 ? -EIO : 0;
}

/*
 * Receive what one recvmsg() brings: a part of a dump, or notifications
 * (sequence number 0, so the sequence check is off here).
 */
int mr_recv_one(struct mrnl *s, struct mr_result *res, mr_each_fn each,
		void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	int ret = mrnl_recv(s, mr_keep, &ctx);

	mr_outcome(s, res);
	return ret;
}

/*
 * One datagram, walked by hand: libnl's receive loop reads a multipart dump
 * to its end, and a test of dump interruption must act between two parts.
 * Returns 1 when the datagram ended the dump, 0 when more follows, or a
 * negative errno.
 */
int mr_recv_datagram(struct mrnl *s, struct mr_result *res,
		     mr_each_fn each, void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	size_t size = 1 << 17;
	char *buf = malloc(size);
	struct nlmsghdr *nlh;
	int done = 0;
	ssize_t len;

	if (!buf)
		return -ENOMEM;
	len = recv(mrnl_fd(s), buf, size, 0);
	if (len < 0) {
		free(buf);
		return -errno;
	}
	for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			res->intr = true;
		if (nlh->nlmsg_type == NLMSG_DONE) {
			done = 1;
			continue;
		}
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			res->err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
			done = 1;
			continue;
		}
		if (mrnl_reply(s, nlh, mr_keep, &ctx))
			res->err = -EPROTO;
	}
	free(buf);
	return done;
}

int mr_subscribe(struct mrnl *s)
{
	int grp = genl_ctrl_resolve_grp(s->sk, MEMRESV_GENL_NAME,
					MEMRESV_MCGRP_MONITOR);

	if (grp < 0)
		return grp;
	nl_socket_disable_seq_check(s->sk);
	return nl_socket_add_membership(s->sk, grp);
}

/**
 * mr_wait_event() - the next notification of a kind, within a time
 * @mon: a socket that mr_subscribe() joined to the monitor group
 * @cgroup: the group it must be about, or NULL for any
 * @event: MEMRESV_EVENT_*
 * @ms: how long to wait at most
 * @out: the event
 *
 * Other events are passed over.
 *
 * Return: 0, or -ETIMEDOUT.
 */
int mr_wait_event(struct mrnl *mon, const char *cgroup, int event, int ms,
		  struct mr_attrs *out)
{
	struct pollfd pfd = { .fd = mrnl_fd(mon), .events = POLLIN };
	uint64_t end = mr_now_ms() + ms;
	struct mr_result res;

	while (mr_now_ms() < end) {
		if (poll(&pfd, 1, 100) != 1)
			continue;
		memset(&res, 0, sizeof(res));
		mr_recv_one(mon, &res, NULL, NULL);
		if (res.nmsgs &&
		    res.last.val[MEMRESV_A_EVENT] == (uint64_t)event &&
		    (!cgroup || !strcmp(res.last.cgroup, cgroup))) {
			*out = res.last;
			return 0;
		}
	}
	return -ETIMEDOUT;
}

int mr_host(struct mrnl *s, struct mr_attrs *host)
{
	return mrnl_call(s, mr_msg(s, MEMRESV_CMD_HOST_GET, 0),
			 host ? mr_keep_one : NULL, host);
}

/* One host setting; the period and paging_max are u32, the rest u64. */
int mr_host_set(struct mrnl *s, int attr, uint64_t val,
		struct mr_result *res)
{
	struct nl_msg *msg = mr_msg(s, MEMRESV_CMD_HOST_SET, 0);

	if (attr == MEMRESV_A_HOST_PERIOD_MS ||
	    attr == MEMRESV_A_HOST_PAGING_MAX)
		nla_put_u32(msg, attr, (uint32_t)val);
	else
		nla_put_u64(msg, attr, val);
	return mr_do(s, msg, res);
}

int mr_get(struct mrnl *s, const char *cgroup, struct mr_attrs *a)
{
	return mrnl_call(s, mr_resv_msg(s, MEMRESV_CMD_RESV_GET, cgroup),
			 a ? mr_keep_one : NULL, a);
}

/* A request that names only a cgroup: RESV_DEL, READY, RESTART, GET. */
int mr_cmd(struct mrnl *s, uint8_t cmd, const char *cgroup,
	   struct mr_result *res)
{
	return mr_do(s, mr_resv_msg(s, cmd, cgroup), res);
}

struct nl_msg *mr_new_msg(struct mrnl *s, const char *cgroup,
			  uint64_t startup, uint64_t minimum,
			  uint64_t maximum)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_NEW, cgroup);

	if (msg) {
		nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
		nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
		nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	}
	return msg;
}

int mr_new(struct mrnl *s, const char *cgroup, uint64_t startup,
	   uint64_t minimum, uint64_t maximum, struct mr_result *res)
{
	return mr_do(s, mr_new_msg(s, cgroup, startup, minimum, maximum), res);
}

int mr_del(struct mrnl *s, const char *cgroup)
{
	return mr_cmd(s, MEMRESV_CMD_RESV_DEL, cgroup, NULL);
}

int mr_ready(struct mrnl *s, const char *cgroup)
{
	return mr_cmd(s, MEMRESV_CMD_RESV_READY, cgroup, NULL);
}

/*
 * The benchmarks' baseline request: a bare generic netlink request with
 * ACK, CTRL_CMD_GETFAMILY for memresv (one reply message, then the ACK: the
 * same exchange as a RESV_NEW or RESV_SET).
 */
int mr_getfamily(struct mrnl *s)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg) {
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
			    CTRL_CMD_GETFAMILY, 1);
		nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, MEMRESV_GENL_NAME);
	}
	return mrnl_call(s, msg, NULL, NULL);
}
