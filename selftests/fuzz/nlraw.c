// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's socket (see fuzz.h), on the test library's raw one
 * (rawnl.h): no libnl here, the fuzzer sends bytes that no library would
 * build and reads whatever comes back without trusting it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fuzz.h"
#include "rawnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/* Receive buffers: whole parts, or the small reader's 4 KiB. */
#define FZ_RECV_BIG	(64 * 1024)
#define FZ_RECV_SMALL	4096

static uint8_t fz_rbuf[FZ_RECV_BIG];
static int fz_rsize = FZ_RECV_BIG;

/**
 * fz_sock_open() - a socket to the family, with some options
 * @s: the socket
 * @opts: FZ_SO_* bits
 *
 * Return: 0, or -errno (-ENOENT: no family, the module is not loaded).
 */
int fz_sock_open(struct fz_sock *s, unsigned int opts)
{
	int one = 1, zero = 0, err, rcvbuf = 16 * 1024;
	struct rawnl r;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	err = rawnl_open(&r, opts & FZ_SO_SMALLBUF ? FZ_RECV_SMALL :
			 FZ_RECV_BIG);
	if (err)
		return err;
	s->fd = r.fd;
	s->family = r.family;
	s->monitor = r.monitor;
	s->portid = r.portid;
	s->seq = r.seq;
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK,
		   opts & FZ_SO_EXT_ACK ? &one : &zero, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK,
		   opts & FZ_SO_CAP_ACK ? &one : &zero, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK,
		   opts & FZ_SO_STRICT ? &one : &zero, sizeof(one));
	if (opts & FZ_SO_SMALLBUF)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	fz_rsize = opts & FZ_SO_SMALLBUF ? FZ_RECV_SMALL : FZ_RECV_BIG;
	return 0;
}

void fz_sock_close(struct fz_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/**
 * fz_sock_subscribe() - join the monitor group
 * @s: the socket
 *
 * Return: 0, or -errno (-EPERM without CAP_SYS_ADMIN).
 */
int fz_sock_subscribe(struct fz_sock *s)
{
	int grp = s->monitor;

	if (!grp)
		return -ENOENT;
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)))
		return -errno;
	return 0;
}

/**
 * fz_send() - one datagram to the kernel
 * @s: the socket
 * @buf: the bytes
 * @len: how many
 *
 * Generic netlink handles a request while the sender waits: when this
 * returns, the replies (and a dump's first part) are queued.
 *
 * Return: 0 or -errno.
 */
int fz_send(struct fz_sock *s, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(s->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/**
 * fz_drain() - read what is queued, and what reading makes come
 * @s: the socket
 * @fn: takes each message
 * @arg: for @fn
 * @max_parts: stop after this many datagrams (a dump left half read)
 *
 * Each read of a dump's part makes the kernel queue the next, so reading
 * until nothing is left reads a dump to its end.
 *
 * Return: datagrams read, or -errno of a read that failed for another
 * reason than an empty queue.
 */
int fz_drain(struct fz_sock *s, fz_msg_fn fn, void *arg, int max_parts)
{
	struct nlmsghdr *nlh;
	int parts = 0, left;
	ssize_t len;

	while (parts < max_parts) {
		len = recv(s->fd, fz_rbuf, fz_rsize, MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return parts;
			/* ENOBUFS: a reply or a part was dropped; go on. */
			if (errno == ENOBUFS)
				continue;
			return -errno;
		}
		parts++;
		left = len;
		for (nlh = (struct nlmsghdr *)fz_rbuf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			fn(nlh, arg);
	}
	return parts;
}
