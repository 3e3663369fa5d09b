// SPDX-License-Identifier: GPL-2.0
/*
 * A raw generic netlink socket to the memresv family (see rawnl.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/memresv.h>

#include "rawnl.h"

/* The attributes of a message, one by one; NULL after the last. */
static const struct nlattr *next_attr(const struct nlattr *a, int *left)
{
	if (*left < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > *left)
		return NULL;
	return a;
}

static const struct nlattr *after(const struct nlattr *a, int *left)
{
	*left -= NLA_ALIGN(a->nla_len);
	return (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
}

/* The monitor group's id in a CTRL_ATTR_MCAST_GROUPS nest, or 0. */
static uint32_t monitor_group(const struct nlattr *groups)
{
	int gleft = groups->nla_len - NLA_HDRLEN, aleft;
	const struct nlattr *g, *a;
	const char *name;
	uint32_t id;

	for (g = (const void *)((const char *)groups + NLA_HDRLEN);
	     next_attr(g, &gleft); g = after(g, &gleft)) {
		id = 0;
		name = NULL;
		aleft = g->nla_len - NLA_HDRLEN;
		for (a = (const void *)((const char *)g + NLA_HDRLEN);
		     next_attr(a, &aleft); a = after(a, &aleft)) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
				memcpy(&id, (const char *)a + NLA_HDRLEN, 4);
			else if ((a->nla_type & NLA_TYPE_MASK) ==
				 CTRL_ATTR_MCAST_GRP_NAME)
				name = (const char *)a + NLA_HDRLEN;
		}
		if (name && !strcmp(name, MEMRESV_MCGRP_MONITOR))
			return id;
	}
	return 0;
}

/**
 * rawnl_open() - a raw socket with the memresv family resolved
 * @r: the socket
 * @read_size: the size of the read that takes the family's description;
 *	netlink sizes a dump's parts by the largest read a socket has made
 *	(up to 32 KiB), so a caller that reads small parts reads small here
 *	too (at least 4096)
 *
 * Return: 0, or -errno (-ENOENT: no family, the module is not loaded).
 */
int rawnl_open(struct rawnl *r, size_t read_size)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	char buf[32768];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	const struct nlattr *a;
	size_t len;
	ssize_t n;
	int left;

	memset(r, 0, sizeof(*r));
	r->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (r->fd < 0)
		return -errno;
	if (bind(r->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(r->fd, (struct sockaddr *)&sa, &salen))
		goto err;
	r->portid = sa.nl_pid;
	len = rawnl_request(r, buf, CTRL_CMD_GETFAMILY, 0);
	nlh->nlmsg_type = GENL_ID_CTRL;
	((struct genlmsghdr *)NLMSG_DATA(nlh))->version = 1;
	len = rawnl_put(buf, len, sizeof(buf), CTRL_ATTR_FAMILY_NAME,
			MEMRESV_GENL_NAME, sizeof(MEMRESV_GENL_NAME));
	if (rawnl_send(r, buf, len))
		goto err;
	if (read_size > sizeof(buf))
		read_size = sizeof(buf);
	n = recv(r->fd, buf, read_size < 4096 ? 4096 : read_size, 0);
	if (n < 0 || !NLMSG_OK(nlh, n) || nlh->nlmsg_type == NLMSG_ERROR) {
		errno = ENOENT;
		goto err;
	}
	left = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (a = (const void *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     next_attr(a, &left); a = after(a, &left)) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			memcpy(&r->family, (const char *)a + NLA_HDRLEN, 2);
		else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS)
			r->monitor = monitor_group(a);
	}
	if (r->family)
		return 0;
	errno = ENOENT;
err:
	n = -errno;
	close(r->fd);
	r->fd = -1;
	return n;
}

/**
 * rawnl_close() - close a socket rawnl_open() opened
 * @r: the socket; closing it twice is harmless
 */
void rawnl_close(struct rawnl *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/**
 * rawnl_request() - the headers of a request to the family
 * @r: the socket (family, sequence number)
 * @buf: where the request is built, room for the headers at least
 * @cmd: MEMRESV_CMD_*
 * @flags: NLM_F_* besides NLM_F_REQUEST
 *
 * Return: the request's length so far.
 */
size_t rawnl_request(struct rawnl *r, void *buf, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = r->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++r->seq;
	g->cmd = cmd;
	g->version = MEMRESV_GENL_VERSION;
	return nlh->nlmsg_len;
}

/**
 * rawnl_put() - an attribute at the end of a request
 * @buf: the request, @len bytes so far, @size bytes of room
 * @len: its length
 * @size: room at @buf
 * @type: the attribute
 * @data: its payload
 * @dlen: the payload's length
 *
 * Return: the request's new length (the old one when there is no room).
 */
size_t rawnl_put(void *buf, size_t len, size_t size, uint16_t type,
		 const void *data, size_t dlen)
{
	struct nlmsghdr *nlh = buf;
	struct nlattr *a = (struct nlattr *)((char *)buf + NLMSG_ALIGN(len));
	size_t total = NLMSG_ALIGN(len) + NLA_ALIGN(NLA_HDRLEN + dlen);

	if (total > size)
		return len;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + dlen;
	if (dlen)
		memcpy((char *)a + NLA_HDRLEN, data, dlen);
	memset((char *)a + NLA_HDRLEN + dlen, 0,
	       NLA_ALIGN(NLA_HDRLEN + dlen) - NLA_HDRLEN - dlen);
	nlh->nlmsg_len = total;
	return total;
}

/**
 * rawnl_send() - one datagram to the kernel
 * @r: the socket
 * @buf: the bytes
 * @len: how many
 *
 * Generic netlink handles a request while the sender waits: when this
 * returns, the answers (and a dump's first part) are queued.
 *
 * Return: 0 or -errno.
 */
int rawnl_send(struct rawnl *r, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(r->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}
