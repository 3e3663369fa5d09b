// SPDX-License-Identifier: GPL-2.0
/*
 * A small libnl-genl client for the memresv selftests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct mr_sock {
	struct nl_sock *sk;
	int family;
};

struct mr_ctx {
	struct mr_result *res;
	mr_each_fn each;
	void *arg;
	bool done;
};

static const bool mr_is_string[MEMRESV_A_MAX + 1] = {
	[MEMRESV_A_CGROUP] = true,
	[MEMRESV_A_MESSAGE] = true,
	[MEMRESV_A_PLACE_REASON] = true,
};

struct mr_sock *mr_open(void)
{
	struct mr_sock *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s)
		return NULL;
	s->sk = nl_socket_alloc();
	if (!s->sk || genl_connect(s->sk))
		goto err;
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(s->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	s->family = genl_ctrl_resolve(s->sk, MEMRESV_GENL_NAME);
	if (s->family < 0)
		goto err;
	return s;
err:
	if (s->sk)
		nl_socket_free(s->sk);
	free(s);
	return NULL;
}

void mr_close(struct mr_sock *s)
{
	if (!s)
		return;
	nl_socket_free(s->sk);
	free(s);
}

int mr_family_id(struct mr_sock *s)
{
	return s->family;
}

int mr_fd(struct mr_sock *s)
{
	return nl_socket_get_fd(s->sk);
}

void mr_set_rcvbuf(struct mr_sock *s, int bytes)
{
	nl_socket_set_buffer_size(s->sk, bytes, 0);
	nl_socket_set_msg_buf_size(s->sk, bytes);
}

struct nl_msg *mr_msg(struct mr_sock *s, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg)
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, s->family, 0,
			    flags, cmd, MEMRESV_GENL_VERSION);
	return msg;
}

static void mr_parse(struct nl_msg *msg, struct mr_attrs *a)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[MEMRESV_A_MAX + 1];
	int i;

	memset(a, 0, sizeof(*a));
	a->cmd = g->cmd;
	a->flags = nlh->nlmsg_flags;
	if (genlmsg_parse(nlh, 0, tb, MEMRESV_A_MAX, NULL))
		return;
	for (i = 1; i <= MEMRESV_A_MAX; i++) {
		if (!tb[i])
			continue;
		a->has[i] = true;
		if (i == MEMRESV_A_CGROUP)
			snprintf(a->cgroup, sizeof(a->cgroup), "%s",
				 nla_get_string(tb[i]));
		else if (i == MEMRESV_A_MESSAGE)
			snprintf(a->message, sizeof(a->message), "%s",
				 nla_get_string(tb[i]));
		else if (i == MEMRESV_A_PLACE_REASON)
			snprintf(a->reason, sizeof(a->reason), "%s",
				 nla_get_string(tb[i]));
		else if (mr_is_string[i])
			continue;
		else if (nla_len(tb[i]) == 8)
			a->val[i] = nla_get_u64(tb[i]);
		else if (nla_len(tb[i]) == 4)
			a->val[i] = nla_get_u32(tb[i]);
		else if (nla_len(tb[i]) == 1)
			a->val[i] = nla_get_u8(tb[i]);
	}
}

static int mr_valid_cb(struct nl_msg *msg, void *arg)
{
	struct mr_ctx *ctx = arg;

	mr_parse(msg, &ctx->res->last);
	if (ctx->res->last.flags & NLM_F_DUMP_INTR)
		ctx->res->intr = true;
	ctx->res->nmsgs++;
	if (ctx->each)
		ctx->each(&ctx->res->last, ctx->arg);
	return NL_OK;
}

/* The extended-ACK TLVs after struct nlmsgerr (errors and warnings). */
static void mr_extack(struct nlmsghdr *nlh, struct mr_result *res)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int ack_len = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + ack_len),
		      nlh->nlmsg_len - NLMSG_HDRLEN - ack_len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(res->extack, sizeof(res->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		res->bad_attr_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int mr_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct mr_ctx *ctx = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	ctx->res->err = e->error;
	mr_extack(nlh, ctx->res);
	ctx->done = true;
	return NL_STOP;
}

static int mr_ack_cb(struct nl_msg *msg, void *arg)
{
	struct mr_ctx *ctx = arg;

	mr_extack(nlmsg_hdr(msg), ctx->res);
	ctx->done = true;
	return NL_STOP;
}

static int mr_finish_cb(struct nl_msg *msg, void *arg)
{
	struct mr_ctx *ctx = arg;

	ctx->done = true;
	return NL_STOP;
}

static struct nl_cb *mr_cb(struct mr_ctx *ctx)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mr_valid_cb, ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, mr_ack_cb, ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, mr_finish_cb, ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, mr_err_cb, ctx);
	return cb;
}

int mr_send_raw(struct mr_sock *s, struct nl_msg *msg)
{
	int err = nl_send_auto(s->sk, msg);

	nlmsg_free(msg);
	return err < 0 ? -EIO : 0;
}

static int mr_any_seq_cb(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

/*
 * Receive what one recvmsg() brings: a part of a dump, or notifications
 * (sequence number 0, so the sequence check is off here).
 */
int mr_recv_one(struct mr_sock *s, struct mr_result *res, mr_each_fn each,
		void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	struct nl_cb *cb = mr_cb(&ctx);
	int err;

	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mr_any_seq_cb, NULL);
	err = nl_recvmsgs(s->sk, cb);
	nl_cb_put(cb);
	if (err < 0 && err != -NLE_INTR && !res->err)
		return -EIO;
	return ctx.done ? 1 : 0;
}

/*
 * Send @msg (consumed) and collect the replies up to the ACK, the error or
 * the end of the dump.  Returns res->err.
 */
int mr_send(struct mr_sock *s, struct nl_msg *msg, struct mr_result *res,
	    mr_each_fn each, void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	struct nl_cb *cb;
	int err;

	memset(res, 0, sizeof(*res));
	/* A dump ends with NLMSG_DONE; anything else is acknowledged. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(s->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return res->err = -EIO;
	cb = mr_cb(&ctx);
	while (!ctx.done) {
		err = nl_recvmsgs(s->sk, cb);
		if (err < 0 && !ctx.done) {
			if (!res->err)
				res->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return res->err;
}

/*
 * One datagram, walked by hand: libnl's receive loop reads a multipart dump
 * to its end, and a test of dump interruption must act between two parts.
 * Returns 1 when the datagram ended the dump, 0 when more follows, or a
 * negative errno.
 */
int mr_recv_datagram(struct mr_sock *s, struct mr_result *res,
		     mr_each_fn each, void *arg)
{
	size_t size = 1 << 17;
	char *buf = malloc(size);
	struct nlmsghdr *nlh;
	int done = 0;
	ssize_t len;

	if (!buf)
		return -ENOMEM;
	len = recv(nl_socket_get_fd(s->sk), buf, size, 0);
	if (len < 0) {
		free(buf);
		return -errno;
	}
	for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		struct nl_msg *msg;

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
		msg = nlmsg_convert(nlh);
		if (!msg)
			continue;
		mr_parse(msg, &res->last);
		res->nmsgs++;
		if (each)
			each(&res->last, arg);
		nlmsg_free(msg);
	}
	free(buf);
	return done;
}

int mr_subscribe(struct mr_sock *s)
{
	int grp = genl_ctrl_resolve_grp(s->sk, MEMRESV_GENL_NAME,
					MEMRESV_MCGRP_MONITOR);

	if (grp < 0)
		return grp;
	nl_socket_disable_seq_check(s->sk);
	return nl_socket_add_membership(s->sk, grp);
}

struct nl_msg *mr_resv_msg(struct mr_sock *s, uint8_t cmd, const char *cgroup)
{
	struct nl_msg *msg = mr_msg(s, cmd, 0);

	if (msg && cgroup)
		nla_put_string(msg, MEMRESV_A_CGROUP, cgroup);
	return msg;
}

int mr_do(struct mr_sock *s, struct nl_msg *msg, struct mr_result *res)
{
	return mr_send(s, msg, res, NULL, NULL);
}

int mr_host(struct mr_sock *s, struct mr_attrs *host)
{
	struct mr_result res;
	int err = mr_do(s, mr_msg(s, MEMRESV_CMD_HOST_GET, 0), &res);

	*host = res.last;
	return err;
}

int mr_new(struct mr_sock *s, const char *cgroup, uint64_t startup,
	   uint64_t minimum, uint64_t maximum, struct mr_result *res)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_NEW, cgroup);

	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	return mr_do(s, msg, res);
}

int mr_del(struct mr_sock *s, const char *cgroup)
{
	struct mr_result res;

	return mr_do(s, mr_resv_msg(s, MEMRESV_CMD_RESV_DEL, cgroup), &res);
}
