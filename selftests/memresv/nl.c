// SPDX-License-Identifier: GPL-2.0
/*
 * A small libnl-genl client for the memresv selftests, on the core they
 * share with the benchmarks (mrnl.c): each reply is kept whole, every
 * attribute as a number or a string, for the tests to look at.
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

#include "mrnl.h"
#include "nl.h"

struct mr_sock {
	struct mrnl nl;
};

struct mr_ctx {
	struct mr_result *res;
	mr_each_fn each;
	void *arg;
};

struct mr_sock *mr_open(void)
{
	struct mr_sock *s = calloc(1, sizeof(*s));

	if (s && mrnl_open(&s->nl)) {
		free(s);
		return NULL;
	}
	return s;
}

void mr_close(struct mr_sock *s)
{
	if (!s)
		return;
	mrnl_close(&s->nl);
	free(s);
}

int mr_family_id(struct mr_sock *s)
{
	return s->nl.family;
}

int mr_fd(struct mr_sock *s)
{
	return mrnl_fd(&s->nl);
}

void mr_set_rcvbuf(struct mr_sock *s, int bytes)
{
	mrnl_set_rcvbuf(&s->nl, bytes);
}

struct nl_msg *mr_msg(struct mr_sock *s, uint8_t cmd, int flags)
{
	return mrnl_msg(&s->nl, cmd, flags, NULL);
}

/* A reply into res->last, counted, then handed to the test's callback. */
static void mr_keep(const struct nlmsghdr *nlh, struct nlattr **tb,
		    void *arg)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	struct mr_ctx *ctx = arg;
	struct mr_attrs *a = &ctx->res->last;
	int i;

	memset(a, 0, sizeof(*a));
	a->cmd = g->cmd;
	a->flags = nlh->nlmsg_flags;
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
		else
			a->val[i] = mrnl_u64(tb[i]);
	}
	ctx->res->nmsgs++;
	if (ctx->each)
		ctx->each(a, ctx->arg);
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

int mr_send_raw(struct mr_sock *s, struct nl_msg *msg)
{
	int err = nl_send_auto(s->nl.sk, msg);

	nlmsg_free(msg);
	return err < 0 ? -EIO : 0;
}

/*
 * Receive what one recvmsg() brings: a part of a dump, or notifications
 * (sequence number 0, so the sequence check is off here).
 */
int mr_recv_one(struct mr_sock *s, struct mr_result *res, mr_each_fn each,
		void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	int ret = mrnl_recv(&s->nl, mr_keep, &ctx);

	mr_outcome(&s->nl, res);
	return ret;
}

/*
 * Send @msg (consumed) and collect the replies up to the ACK, the error or
 * the end of the dump.  Returns res->err.
 */
int mr_send(struct mr_sock *s, struct nl_msg *msg, struct mr_result *res,
	    mr_each_fn each, void *arg)
{
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };

	memset(res, 0, sizeof(*res));
	mrnl_call(&s->nl, msg, mr_keep, &ctx);
	mr_outcome(&s->nl, res);
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
	struct mr_ctx ctx = { .res = res, .each = each, .arg = arg };
	size_t size = 1 << 17;
	char *buf = malloc(size);
	struct nlmsghdr *nlh;
	int done = 0;
	ssize_t len;

	if (!buf)
		return -ENOMEM;
	len = recv(mrnl_fd(&s->nl), buf, size, 0);
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
		if (mrnl_reply(&s->nl, nlh, mr_keep, &ctx))
			res->err = -EPROTO;
	}
	free(buf);
	return done;
}

int mr_subscribe(struct mr_sock *s)
{
	int grp = genl_ctrl_resolve_grp(s->nl.sk, MEMRESV_GENL_NAME,
					MEMRESV_MCGRP_MONITOR);

	if (grp < 0)
		return grp;
	nl_socket_disable_seq_check(s->nl.sk);
	return nl_socket_add_membership(s->nl.sk, grp);
}

struct nl_msg *mr_resv_msg(struct mr_sock *s, uint8_t cmd, const char *cgroup)
{
	return mrnl_msg(&s->nl, cmd, 0, cgroup);
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
