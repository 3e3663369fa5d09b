// SPDX-License-Identifier: GPL-2.0
/*
 * The libnl-genl core of the test client the selftests and the benchmarks
 * share (see mrnl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "mrnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* One request (or one read) in flight. */
struct mrnl_ctx {
	struct mrnl *n;
	mrnl_each_fn each;
	void *arg;
	bool done;
};

/**
 * mrnl_open() - open a socket to the memresv family
 * @n: the socket to set up
 *
 * Extended ACKs are turned on, and capped: an error does not echo the
 * request back.
 *
 * Return: 0, -ENOMEM, or -ENOENT when there is no memresv family (the
 * module is not loaded).
 */
int mrnl_open(struct mrnl *n)
{
	int one = 1;

	memset(n, 0, sizeof(*n));
	n->sk = nl_socket_alloc();
	if (!n->sk)
		return -ENOMEM;
	if (genl_connect(n->sk))
		goto err;
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(n->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	n->family = genl_ctrl_resolve(n->sk, MEMRESV_GENL_NAME);
	if (n->family < 0)
		goto err;
	return 0;
err:
	nl_socket_free(n->sk);
	n->sk = NULL;
	return -ENOENT;
}

/**
 * mrnl_close() - close a socket mrnl_open() opened
 * @n: the socket; closing it twice is harmless
 */
void mrnl_close(struct mrnl *n)
{
	if (n->sk)
		nl_socket_free(n->sk);
	n->sk = NULL;
}

/**
 * mrnl_fd() - the socket's file descriptor, to poll() on
 * @n: the socket
 *
 * Return: the file descriptor.
 */
int mrnl_fd(struct mrnl *n)
{
	return nl_socket_get_fd(n->sk);
}

/**
 * mrnl_set_rcvbuf() - size the socket's receive buffer and libnl's reads
 * @n: the socket
 * @bytes: the size of both
 */
void mrnl_set_rcvbuf(struct mrnl *n, int bytes)
{
	nl_socket_set_buffer_size(n->sk, bytes, 0);
	nl_socket_set_msg_buf_size(n->sk, bytes);
}

/**
 * mrnl_msg() - a memresv request, to fill and hand to mrnl_call()
 * @n: the socket
 * @cmd: MEMRESV_CMD_*
 * @flags: netlink flags (NLM_F_DUMP), or 0
 * @cgroup: the MEMRESV_A_CGROUP attribute, or NULL for none
 *
 * Return: the message, or NULL when out of memory.
 */
struct nl_msg *mrnl_msg(struct mrnl *n, uint8_t cmd, int flags,
			const char *cgroup)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, n->family, 0, flags, cmd,
		    MEMRESV_GENL_VERSION);
	if (cgroup)
		nla_put_string(msg, MEMRESV_A_CGROUP, cgroup);
	return msg;
}

static void mrnl_reset(struct mrnl *n)
{
	n->err = 0;
	n->extack[0] = '\0';
	n->bad_attr_off = 0;
	n->intr = false;
}

/**
 * mrnl_reply() - hand one reply message to a caller's callback
 * @n: the socket it came from
 * @nlh: the message
 * @each: the callback, or NULL: the message is then not parsed
 * @arg: for @each
 *
 * mrnl_call() and mrnl_recv() use it for every message; a client that
 * walks a datagram by hand uses it for the messages that are not an ACK,
 * an error or the end of a dump.
 *
 * Return: 0, or -EPROTO (also in n->err) when the message did not parse.
 */
int mrnl_reply(struct mrnl *n, struct nlmsghdr *nlh, mrnl_each_fn each,
	       void *arg)
{
	struct nlattr *tb[MEMRESV_A_MAX + 1];

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		n->intr = true;
	if (!each)
		return 0;
	if (genlmsg_parse(nlh, 0, tb, MEMRESV_A_MAX, NULL)) {
		if (!n->err)
			n->err = -EPROTO;
		return -EPROTO;
	}
	each(nlh, tb, arg);
	return 0;
}

static int mrnl_valid_cb(struct nl_msg *msg, void *arg)
{
	struct mrnl_ctx *ctx = arg;

	mrnl_reply(ctx->n, nlmsg_hdr(msg), ctx->each, ctx->arg);
	return NL_OK;
}

/* The extended-ACK TLVs after struct nlmsgerr (errors and warnings). */
static void mrnl_extack(struct mrnl *n, struct nlmsghdr *nlh)
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
		snprintf(n->extack, sizeof(n->extack), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS])
		n->bad_attr_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

static int mrnl_err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct mrnl_ctx *ctx = arg;

	ctx->n->err = e->error;
	mrnl_extack(ctx->n, (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));
	ctx->done = true;
	return NL_STOP;
}

/* An ACK may carry a warning. */
static int mrnl_ack_cb(struct nl_msg *msg, void *arg)
{
	struct mrnl_ctx *ctx = arg;

	mrnl_extack(ctx->n, nlmsg_hdr(msg));
	ctx->done = true;
	return NL_STOP;
}

static int mrnl_finish_cb(struct nl_msg *msg, void *arg)
{
	struct mrnl_ctx *ctx = arg;

	if (nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->n->intr = true;
	ctx->done = true;
	return NL_STOP;
}

static struct nl_cb *mrnl_cb(struct mrnl_ctx *ctx)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, mrnl_valid_cb, ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, mrnl_ack_cb, ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, mrnl_finish_cb, ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, mrnl_err_cb, ctx);
	return cb;
}

/* Read until the ACK, the error or the end of a dump; puts @cb. */
static int mrnl_recv_until_done(struct mrnl *n, struct nl_cb *cb,
				struct mrnl_ctx *ctx)
{
	int err;

	while (!ctx->done) {
		err = nl_recvmsgs(n->sk, cb);
		if (err < 0 && !ctx->done) {
			if (!n->err)
				n->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return n->err;
}

/**
 * mrnl_call() - send a request and receive its replies
 * @n: the socket
 * @msg: the request, from mrnl_msg(); consumed (NULL fails with -ENOMEM)
 * @each: takes each reply message, parsed; NULL: replies are not parsed
 * @arg: for @each
 *
 * A request other than a dump asks for an ACK, and the replies are read
 * up to the ACK, the error or the end of the dump.  How it went is in
 * n->err, n->extack, n->bad_attr_off and n->intr.
 *
 * Return: n->err: 0 or -errno.
 */
int mrnl_call(struct mrnl *n, struct nl_msg *msg, mrnl_each_fn each,
	      void *arg)
{
	struct mrnl_ctx ctx = { .n = n, .each = each, .arg = arg };
	struct nl_cb *cb;
	int err;

	mrnl_reset(n);
	if (!msg)
		return n->err = -ENOMEM;
	/* A dump ends with NLMSG_DONE; anything else is acknowledged. */
	if (!(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP))
		nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(n->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return n->err = -EIO;
	cb = mrnl_cb(&ctx);
	if (!cb)
		return n->err = -ENOMEM;
	return mrnl_recv_until_done(n, cb, &ctx);
}

static int mrnl_any_seq_cb(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

/**
 * mrnl_recv_with() - receive replies through the caller's read function
 * @n: the socket, whose libnl state is used but which is not read from
 * @read: returns the next datagram, as libnl's own read would
 * @each: takes each reply message, parsed; NULL: messages are not parsed
 * @arg: for @each
 *
 * The same receive loop and callbacks as mrnl_call(), up to the ACK, the
 * error or the end of a dump, with the sequence check off: the benchmarks
 * replay a recorded dump through it, which times the client's part of a
 * dump without the kernel's.
 *
 * Return: n->err: 0 or -errno.
 */
int mrnl_recv_with(struct mrnl *n, mrnl_read_fn read, mrnl_each_fn each,
		   void *arg)
{
	struct mrnl_ctx ctx = { .n = n, .each = each, .arg = arg };
	struct nl_cb *cb;

	mrnl_reset(n);
	cb = mrnl_cb(&ctx);
	if (!cb)
		return n->err = -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mrnl_any_seq_cb, NULL);
	nl_cb_overwrite_recv(cb, read);
	return mrnl_recv_until_done(n, cb, &ctx);
}

/**
 * mrnl_recv() - receive what one read brings
 * @n: the socket
 * @each: takes each message, parsed; NULL: messages are not parsed
 * @arg: for @each
 *
 * A part of a dump, or notifications, whose sequence number is 0: the
 * sequence check is off here.  How it went is in n->err, n->extack,
 * n->bad_attr_off and n->intr.
 *
 * Return: 1 when the read ended a request (its ACK, its error, the end of
 * the dump), 0 when more may follow, or -EIO or -ENOMEM when the client
 * failed.
 */
int mrnl_recv(struct mrnl *n, mrnl_each_fn each, void *arg)
{
	struct mrnl_ctx ctx = { .n = n, .each = each, .arg = arg };
	struct nl_cb *cb;
	int err;

	mrnl_reset(n);
	cb = mrnl_cb(&ctx);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, mrnl_any_seq_cb, NULL);
	err = nl_recvmsgs(n->sk, cb);
	nl_cb_put(cb);
	if (err < 0 && err != -NLE_INTR && !n->err)
		return -EIO;
	return ctx.done;
}
