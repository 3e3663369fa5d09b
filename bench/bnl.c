// SPDX-License-Identifier: GPL-2.0
/*
 * A lean libnl-genl client for the benchmarks (see bnl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "bnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct bnl_ctx {
	struct bnl *b;
	bnl_each_fn each;
	void *arg;
	bool done;
};

int bnl_open(struct bnl *b)
{
	int one = 1;

	memset(b, 0, sizeof(*b));
	b->sk = nl_socket_alloc();
	if (!b->sk)
		return -ENOMEM;
	if (genl_connect(b->sk))
		goto err;
	setsockopt(nl_socket_get_fd(b->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(b->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	b->family = genl_ctrl_resolve(b->sk, MEMRESV_GENL_NAME);
	if (b->family < 0)
		goto err;
	return 0;
err:
	nl_socket_free(b->sk);
	b->sk = NULL;
	return -ENOENT;
}

void bnl_close(struct bnl *b)
{
	if (b->sk)
		nl_socket_free(b->sk);
	b->sk = NULL;
}

void bnl_set_rcvbuf(struct bnl *b, int bytes)
{
	nl_socket_set_buffer_size(b->sk, bytes, 0);
	nl_socket_set_msg_buf_size(b->sk, bytes);
}

int bnl_fd(struct bnl *b)
{
	return nl_socket_get_fd(b->sk);
}

struct nl_msg *bnl_msg(struct bnl *b, uint8_t cmd, int flags,
		       const char *cgroup)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, b->family, 0, flags, cmd,
		    MEMRESV_GENL_VERSION);
	if (cgroup)
		nla_put_string(msg, MEMRESV_A_CGROUP, cgroup);
	return msg;
}

static int bnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct bnl_ctx *ctx = arg;
	struct nlattr *tb[MEMRESV_A_MAX + 1];

	if (!ctx->each)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MEMRESV_A_MAX, NULL))
		return NL_OK;
	ctx->each(tb, ctx->arg);
	return NL_OK;
}

static void bnl_extack(struct bnl *b, struct nlmsghdr *nlh)
{
	struct nlmsgerr *e = nlmsg_data(nlh);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
		      nlh->nlmsg_len - NLMSG_HDRLEN - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(b->extack, sizeof(b->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

static int bnl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct bnl_ctx *ctx = arg;

	ctx->b->err = e->error;
	if (e->error)
		bnl_extack(ctx->b, (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));
	ctx->done = true;
	return NL_STOP;
}

static int bnl_done_cb(struct nl_msg *msg, void *arg)
{
	struct bnl_ctx *ctx = arg;

	ctx->done = true;
	return NL_STOP;
}

/*
 * Send @msg (consumed) and receive up to the ACK, the error or the end of
 * the dump, handing each reply's attributes to @each.  Returns 0 or the
 * kernel's -errno.
 */
int bnl_call(struct bnl *b, struct nl_msg *msg, bnl_each_fn each, void *arg)
{
	struct bnl_ctx ctx = { .b = b, .each = each, .arg = arg };
	struct nl_cb *cb;
	int err;

	b->err = 0;
	b->extack[0] = '\0';
	if (!msg)
		return b->err = -ENOMEM;
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(b->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return b->err = -EIO;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return b->err = -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, bnl_valid_cb, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, bnl_done_cb, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, bnl_done_cb, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, bnl_err_cb, &ctx);
	while (!ctx.done) {
		err = nl_recvmsgs(b->sk, cb);
		if (err < 0 && !ctx.done) {
			if (!b->err)
				b->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return b->err;
}

/*
 * The baseline's netlink part: a bare generic netlink request with ACK,
 * CTRL_CMD_GETFAMILY for memresv (one reply message, then the ACK: the
 * same exchange as a RESV_NEW or RESV_SET).
 */
int bnl_getfamily(struct bnl *b)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, MEMRESV_GENL_NAME);
	return bnl_call(b, msg, NULL, NULL);
}

/* Every attribute of a reply as a number; strings are skipped. */
void bnl_to_attrs(struct nlattr **tb, struct bnl_attrs *a)
{
	int i;

	for (i = 1; i <= MEMRESV_A_MAX; i++) {
		a->has[i] = tb[i];
		if (!tb[i])
			continue;
		switch (nla_len(tb[i])) {
		case 8:
			a->val[i] = nla_get_u64(tb[i]);
			break;
		case 4:
			a->val[i] = nla_get_u32(tb[i]);
			break;
		case 1:
			a->val[i] = nla_get_u8(tb[i]);
			break;
		}
	}
}

static void bnl_keep(struct nlattr **tb, void *arg)
{
	bnl_to_attrs(tb, arg);
}

int bnl_host(struct bnl *b, struct bnl_attrs *host)
{
	memset(host, 0, sizeof(*host));
	return bnl_call(b, bnl_msg(b, MEMRESV_CMD_HOST_GET, 0, NULL),
			bnl_keep, host);
}

int bnl_get(struct bnl *b, const char *cgroup, struct bnl_attrs *a)
{
	memset(a, 0, sizeof(*a));
	return bnl_call(b, bnl_msg(b, MEMRESV_CMD_RESV_GET, 0, cgroup),
			bnl_keep, a);
}

int bnl_set_period(struct bnl *b, uint32_t ms)
{
	struct nl_msg *msg = bnl_msg(b, MEMRESV_CMD_HOST_SET, 0, NULL);

	nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, ms);
	return bnl_call(b, msg, NULL, NULL);
}

int bnl_set_reserve(struct bnl *b, uint64_t bytes)
{
	struct nl_msg *msg = bnl_msg(b, MEMRESV_CMD_HOST_SET, 0, NULL);

	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE, bytes);
	return bnl_call(b, msg, NULL, NULL);
}

int bnl_new(struct bnl *b, const char *cgroup, uint64_t startup,
	    uint64_t minimum, uint64_t maximum, uint32_t weight)
{
	struct nl_msg *msg = bnl_msg(b, MEMRESV_CMD_RESV_NEW, 0, cgroup);

	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	if (weight)
		nla_put_u32(msg, MEMRESV_A_WEIGHT, weight);
	return bnl_call(b, msg, NULL, NULL);
}

int bnl_ready(struct bnl *b, const char *cgroup)
{
	return bnl_call(b, bnl_msg(b, MEMRESV_CMD_RESV_READY, 0, cgroup),
			NULL, NULL);
}

int bnl_del(struct bnl *b, const char *cgroup)
{
	return bnl_call(b, bnl_msg(b, MEMRESV_CMD_RESV_DEL, 0, cgroup),
			NULL, NULL);
}
