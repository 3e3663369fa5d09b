// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: the generic netlink client (libnl-genl-3).
 *
 * The only file that talks to the kernel.  Every request goes through
 * ipc_transact(): extended ACK is on, so a refusal comes with the kernel's
 * explanation (kept for ipc_strerror()), and a successful ACK may carry a
 * warning, which is printed at once.
 */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include "format.h"
#include "ipc.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* Retries of a dump the kernel flagged as interrupted by a change. */
#define DUMP_RETRIES	5

static struct nl_sock *ipc_sock;
static int ipc_family = -1;
/* The kernel's (or libnl's) explanation of the last failure. */
static char ipc_msg[512];

static int nl_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_DUMP_INTR:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

static int nl_fail(int nlerr)
{
	snprintf(ipc_msg, sizeof(ipc_msg), "netlink: %s", nl_geterror(nlerr));
	return nl_to_errno(nlerr);
}

static int sock_open(struct nl_sock **skp)
{
	struct nl_sock *sk;
	int one = 1, ret, fd;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret) {
		nl_socket_free(sk);
		return nl_fail(ret);
	}
	fd = nl_socket_get_fd(sk);
	/* Both are best effort: old kernels still work, just say less. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*skp = sk;
	return 0;
}

static int ipc_open(void)
{
	int ret;

	if (ipc_sock && ipc_family >= 0)
		return 0;
	if (!ipc_sock) {
		ret = sock_open(&ipc_sock);
		if (ret)
			return ret;
	}
	ipc_family = genl_ctrl_resolve(ipc_sock, MEMRESV_GENL_NAME);
	if (ipc_family < 0) {
		ret = ipc_family;
		ipc_family = -1;
		if (ret == -NLE_OBJ_NOTFOUND)
			return -IPC_ENOMODULE;
		return nl_fail(ret);
	}
	return 0;
}

/**
 * ipc_close() - close the netlink socket, if one is open
 */
void ipc_close(void)
{
	if (ipc_sock)
		nl_socket_free(ipc_sock);
	ipc_sock = NULL;
	ipc_family = -1;
}

/*
 * The TLVs of an NLMSG_ERROR or NLMSG_DONE message: after the (capped)
 * request for an error, after the int status for DONE.  Copies
 * NLMSGERR_ATTR_MSG into @buf; leaves it alone when there is none.
 */
static void extack_msg(const struct nlmsghdr *nlh, size_t off, char *buf,
		       size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t total = nlh->nlmsg_len - NLMSG_HDRLEN;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= total)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(off)),
		      (int)(total - NLMSG_ALIGN(off)), NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], len);
}

static size_t err_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	return off;
}

struct ipc_reply {
	/* Called with each reply message's attributes. */
	int (*parse)(struct nlattr **tb, void *arg);
	/* Or with the message itself, to walk its attributes in place. */
	int (*parse_msg)(const struct nlmsghdr *nlh, void *arg);
	void *arg;
	int maxattr;		/* of the family's attributes; 0: MEMRESV_A_MAX */
	int err;
	bool done;
	bool intr;
};

/*
 * Replies are read into one buffer of 32 KiB, the most the kernel puts in
 * one datagram of a dump, and parsed where they lie: no copy and no
 * allocation per message (libnl's receive loop peeks, then allocates and
 * copies every message).
 */
#define IPC_BUF		32768

static union {
	struct nlmsghdr align;
	char buf[IPC_BUF];
} ipc_buf;

/* A reply message of the family: its attributes to rep->parse. */
static int reply_valid(const struct nlmsghdr *nlh, struct ipc_reply *rep)
{
	struct nlattr *tb[(MEMRESV_A_MAX > CTRL_ATTR_MAX ? MEMRESV_A_MAX :
			   CTRL_ATTR_MAX) + 1];
	int maxattr = rep->maxattr ? rep->maxattr : MEMRESV_A_MAX;
	int ret;

	if (rep->parse_msg)
		return rep->parse_msg(nlh, rep->arg);
	if (!rep->parse)
		return 0;
	ret = genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, maxattr, NULL);
	if (ret)
		return nl_fail(ret);
	return rep->parse(tb, rep->arg);
}

/* NLMSG_ERROR: an error with the kernel's reason, or the ACK. */
static void reply_error(const struct nlmsghdr *nlh, struct ipc_reply *rep)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	char warn[sizeof(ipc_msg)] = "";

	rep->done = true;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		rep->err = -EIO;
		return;
	}
	if (e->error) {
		extack_msg(nlh, err_tlv_offset(nlh), ipc_msg, sizeof(ipc_msg));
		rep->err = e->error;
		return;
	}
	/* Success, but the kernel may still have something to say. */
	extack_msg(nlh, err_tlv_offset(nlh), warn, sizeof(warn));
	if (warn[0])
		fprintf(stderr, "memresv: warning: %s\n", warn);
}

/* NLMSG_DONE: a dump that failed part-way ends with a negative status. */
static void reply_done(const struct nlmsghdr *nlh, struct ipc_reply *rep)
{
	int status = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(status)))
		memcpy(&status, NLMSG_DATA(nlh), sizeof(status));
	if (status < 0) {
		extack_msg(nlh, sizeof(status), ipc_msg, sizeof(ipc_msg));
		rep->err = status;
	}
	rep->done = true;
}

/* The messages of one datagram of @len bytes, in place. */
static void reply_datagram(const char *buf, size_t len, uint32_t seq,
			   struct ipc_reply *rep)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	for (; NLMSG_OK(nlh, left) && !rep->done && !rep->err;
	     nlh = NLMSG_NEXT(nlh, left)) {
		/* Not an answer to this request (a late one to an older). */
		if (seq && nlh->nlmsg_seq != seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			rep->intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
			reply_error(nlh, rep);
			break;
		case NLMSG_DONE:
			reply_done(nlh, rep);
			break;
		case NLMSG_OVERRUN:
			rep->err = -EOVERFLOW;
			break;
		default:
			rep->err = reply_valid(nlh, rep);
			/* One reply, then the ACK; a dump goes on to DONE. */
			break;
		}
	}
}

static ssize_t sock_read(void *arg, void *buf, size_t len)
{
	struct msghdr mh = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	ssize_t n;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	do {
		n = recvmsg(*(int *)arg, &mh, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The kernel never sends more than IPC_BUF in one datagram. */
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	return n;
}

/* Read datagrams from @read until the ACK, an error or the end of a dump. */
static int reply_read(ipc_read_fn read, void *arg, uint32_t seq,
		      struct ipc_reply *rep)
{
	ssize_t n;

	while (!rep->done && !rep->err) {
		n = read(arg, ipc_buf.buf, sizeof(ipc_buf.buf));
		if (n < 0) {
			snprintf(ipc_msg, sizeof(ipc_msg), "netlink: %s",
				 strerror((int)-n));
			rep->err = (int)n;
		} else if (!n) {
			snprintf(ipc_msg, sizeof(ipc_msg),
				 "netlink: the reply ended early");
			rep->err = -EIO;
		} else {
			reply_datagram(ipc_buf.buf, (size_t)n, seq, rep);
		}
	}
	return rep->err;
}

/*
 * Send @msg (freed here) and receive until the kernel's ACK, error or end
 * of dump.  Returns 0 or a negative errno.
 */
static int ipc_transact(struct nl_msg *msg, struct ipc_reply *rep)
{
	uint32_t seq;
	int ret, fd;

	ipc_msg[0] = '\0';
	rep->err = 0;
	rep->done = false;
	rep->intr = false;
	ret = nl_send_auto(ipc_sock, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0)
		return rep->err = nl_fail(ret);
	fd = nl_socket_get_fd(ipc_sock);
	return reply_read(sock_read, &fd, seq, rep);
}

static int msg_new(struct nl_msg **msgp, uint8_t cmd, int flags)
{
	struct nl_msg *msg;
	int ret;

	ret = ipc_open();
	if (ret)
		return ret;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, ipc_family, 0, flags,
			 cmd, MEMRESV_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*msgp = msg;
	return 0;
}

static int put_fields(struct nl_msg *msg, const void *obj,
		      const struct field *fields, size_t n, uint32_t mask)
{
	uint32_t set = *(const uint32_t *)obj & mask;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		uint64_t v;

		if (!((set >> f->bit) & 1u))
			continue;
		if (f->type == FIELD_STRING) {
			ret = nla_put_string(msg, f->attr,
					     (const char *)obj + f->offset);
		} else {
			v = field_get(obj, f);
			if (f->width == sizeof(uint8_t))
				ret = nla_put_u8(msg, f->attr, (uint8_t)v);
			else if (f->width == sizeof(uint32_t))
				ret = nla_put_u32(msg, f->attr, (uint32_t)v);
			else
				ret = nla_put_u64(msg, f->attr, v);
		}
		if (ret)
			return -EMSGSIZE;
	}
	return 0;
}

static void get_fields(struct nlattr **tb, void *obj,
		       const struct field *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];
		struct nlattr *a = tb[f->attr];

		if (!a)
			continue;
		if (f->type == FIELD_STRING) {
			/* The string only: no fill of the rest of the room. */
			size_t len = strnlen(nla_data(a), (size_t)nla_len(a));

			if (len >= CGROUP_PATH_MAX)
				len = CGROUP_PATH_MAX - 1;
			memcpy((char *)obj + f->offset, nla_data(a), len);
			((char *)obj + f->offset)[len] = '\0';
			*(uint32_t *)obj |= 1u << f->bit;
			continue;
		}
		/* A newer module may widen nothing: skip what does not fit. */
		if ((size_t)nla_len(a) < f->width)
			continue;
		if (f->width == sizeof(uint8_t))
			field_put(obj, f, nla_get_u8(a));
		else if (f->width == sizeof(uint32_t))
			field_put(obj, f, nla_get_u32(a));
		else
			field_put(obj, f, nla_get_u64(a));
	}
}

/* A reservation emptied: all but the path's room, which is a string. */
static void resv_clear(struct resv_info *r)
{
	r->set = 0;
	r->cgroup[0] = '\0';
	memset(&r->id, 0, sizeof(*r) - offsetof(struct resv_info, id));
}

/*
 * Where each attribute of a reservation goes in struct resv_info: the
 * rows of resv_fields[] by attribute, reduced to what the walk below
 * needs; built on first use.  width 0: not a field of it.
 */
struct resv_slot {
	uint32_t bit;		/* its bit in resv_info.set */
	uint16_t offset;
	uint8_t width;		/* 1, 4 or 8; 0xff for the path */
};

#define SLOT_STRING	0xff

static struct resv_slot resv_slots[MEMRESV_A_MAX + 1];
static bool resv_slots_ready;

static void resv_slots_init(void)
{
	size_t i;

	for (i = 0; i < resv_nfields; i++) {
		const struct field *f = &resv_fields[i];
		struct resv_slot *s;

		if (f->attr <= 0 || f->attr > MEMRESV_A_MAX)
			continue;
		s = &resv_slots[f->attr];
		s->bit = 1u << f->bit;
		s->offset = (uint16_t)f->offset;
		s->width = f->type == FIELD_STRING ? SLOT_STRING :
			   (uint8_t)f->width;
	}
	resv_slots_ready = true;
}

/*
 * A reservation message into @r, its attributes walked where they lie:
 * no table of every attribute to clear and fill first (genlmsg_parse()),
 * no second pass over every field (get_fields()), the same result.
 * Unknown attributes, and values narrower than their field, are skipped.
 */
static void parse_resv_msg(const struct nlmsghdr *nlh, struct resv_info *r)
{
	const char *p, *end;

	if (!resv_slots_ready)
		resv_slots_init();
	resv_clear(r);
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	end = (const char *)nlh + nlh->nlmsg_len;
	while (end - p >= (ptrdiff_t)NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		const char *data = p + NLA_HDRLEN;
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		size_t alen = a->nla_len, len = alen - NLA_HDRLEN;
		const struct resv_slot *s;
		char *to;

		if (alen < NLA_HDRLEN || alen > (size_t)(end - p))
			break;
		p += NLA_ALIGN(alen);
		if (type > MEMRESV_A_MAX)
			continue;
		s = &resv_slots[type];
		to = (char *)r + s->offset;
		if (s->width == sizeof(uint64_t) && len >= sizeof(uint64_t)) {
			/* As nla_get_u64() & co. read them. */
			memcpy(to, data, sizeof(uint64_t));
		} else if (s->width == sizeof(uint32_t) &&
			   len >= sizeof(uint32_t)) {
			memcpy(to, data, sizeof(uint32_t));
		} else if (s->width == sizeof(uint8_t) && len) {
			*to = *data;
		} else if (s->width == SLOT_STRING) {
			len = strnlen(data, len);
			if (len >= CGROUP_PATH_MAX)
				len = CGROUP_PATH_MAX - 1;
			memcpy(to, data, len);
			to[len] = '\0';
		} else {
			continue;
		}
		r->set |= s->bit;
	}
}

/* A reply with one reservation, into the caller's struct. */
static int parse_resv(const struct nlmsghdr *nlh, void *arg)
{
	parse_resv_msg(nlh, arg);
	return 0;
}

/* Each reservation of a dump into one struct, handed to the caller. */
struct resv_each {
	ipc_resv_fn fn;
	void *arg;
	struct resv_info r;
};

static int parse_resv_each(const struct nlmsghdr *nlh, void *arg)
{
	struct resv_each *e = arg;

	parse_resv_msg(nlh, &e->r);
	return e->fn(&e->r, e->arg);
}

static int parse_host(struct nlattr **tb, void *arg)
{
	struct host_info *h = arg;

	memset(h, 0, sizeof(*h));
	get_fields(tb, h, host_fields, host_nfields);
	return 0;
}

/*
 * What a request carries besides a reservation's fields: the hold it names
 * (HOLD_NEW, HOLD_DEL, RESV_NEW taking a hold over), a hold's timeout, the
 * guest's report (RESV_REPORT).  Zero members are not sent.
 */
struct resv_extra {
	const char *hold_key;
	uint32_t hold_timeout;
	bool report;
	uint64_t guest_demand;
	uint64_t guest_size;
};

static int put_extra(struct nl_msg *msg, const struct resv_extra *x)
{
	if (!x)
		return 0;
	if (x->hold_key && nla_put_string(msg, MEMRESV_A_HOLD_KEY, x->hold_key))
		return -EMSGSIZE;
	if (x->hold_timeout &&
	    nla_put_u32(msg, MEMRESV_A_HOLD_TIMEOUT, x->hold_timeout))
		return -EMSGSIZE;
	if (x->report &&
	    (nla_put_u64(msg, MEMRESV_A_GUEST_DEMAND, x->guest_demand) ||
	     (x->guest_size &&
	      nla_put_u64(msg, MEMRESV_A_GUEST_SIZE, x->guest_size))))
		return -EMSGSIZE;
	return 0;
}

/* One request that is answered with one reservation (or just an ACK). */
static int resv_request_x(uint8_t cmd, const struct resv_info *in,
			  uint32_t mask, bool force,
			  const struct resv_extra *extra,
			  struct resv_info *out)
{
	struct ipc_reply rep = { .parse_msg = out ? parse_resv : NULL,
				 .arg = out };
	struct nl_msg *msg;
	int ret;

	ret = msg_new(&msg, cmd, NLM_F_ACK);
	if (ret)
		return ret;
	ret = put_fields(msg, in, resv_fields, resv_nfields,
			 mask | (1u << RESV_CGROUP));
	if (!ret && force && nla_put_flag(msg, MEMRESV_A_FORCE))
		ret = -EMSGSIZE;
	if (!ret)
		ret = put_extra(msg, extra);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	if (out)
		memset(out, 0, sizeof(*out));
	return ipc_transact(msg, &rep);
}

static int resv_request(uint8_t cmd, const struct resv_info *in, uint32_t mask,
			bool force, struct resv_info *out)
{
	return resv_request_x(cmd, in, mask, force, NULL, out);
}

static void resv_named(struct resv_info *r, const char *cgroup)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", cgroup);
	SET(r, RESV_CGROUP);
}

/**
 * ipc_resv_new() - add a reservation (RESV_NEW)
 * @in: cgroup and settings; startup, minimum and maximum must be set
 * @force: let this start use the swap tier unless paging is "never"
 * @out: the reservation as admitted
 *
 * Return: 0 or a negative errno; ipc_strerror() explains it.
 */
int ipc_resv_new(const struct resv_info *in, bool force,
		 struct resv_info *out)
{
	return resv_request(MEMRESV_CMD_RESV_NEW, in, RESV_SETTINGS, force,
			    out);
}

/**
 * ipc_resv_set() - change the set fields of a reservation (RESV_SET)
 * @in: cgroup and the settings to change
 * @out: the reservation afterwards
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_set(const struct resv_info *in, struct resv_info *out)
{
	return resv_request(MEMRESV_CMD_RESV_SET, in, RESV_SETTINGS, false,
			    out);
}

/**
 * ipc_resv_del() - remove a reservation (RESV_DEL)
 * @cgroup: the cgroup path
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_del(const char *cgroup)
{
	struct resv_info r;

	resv_named(&r, cgroup);
	return resv_request(MEMRESV_CMD_RESV_DEL, &r, 0, false, NULL);
}

/**
 * ipc_resv_restart() - re-enter the start-up phase (RESV_RESTART)
 * @cgroup: the cgroup path
 * @force: let this start use the swap tier unless paging is "never"
 * @out: the reservation afterwards
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_restart(const char *cgroup, bool force, struct resv_info *out)
{
	struct resv_info r;

	resv_named(&r, cgroup);
	return resv_request(MEMRESV_CMD_RESV_RESTART, &r, 0, force, out);
}

/**
 * ipc_resv_ready() - end the start-up phase now (RESV_READY)
 * @cgroup: the cgroup path
 * @out: the reservation afterwards
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_ready(const char *cgroup, struct resv_info *out)
{
	struct resv_info r;

	resv_named(&r, cgroup);
	return resv_request(MEMRESV_CMD_RESV_READY, &r, 0, false, out);
}

/**
 * ipc_resv_get() - read one reservation (RESV_GET)
 * @cgroup: the cgroup path
 * @out: the reservation
 *
 * Return: 0 or a negative errno (-ENOENT: the cgroup has no reservation).
 */
int ipc_resv_get(const char *cgroup, struct resv_info *out)
{
	struct resv_info r;

	resv_named(&r, cgroup);
	return resv_request(MEMRESV_CMD_RESV_GET, &r, 0, false, out);
}

/**
 * ipc_resv_new_held() - add a reservation that takes a hold's admission over
 *	(RESV_NEW with HOLD_KEY)
 * @in: cgroup and settings; startup, minimum and maximum must be the hold's
 * @key: the hold
 * @out: the reservation as admitted
 *
 * Return: 0 or a negative errno (-ENOENT: no such hold, it expired).
 */
int ipc_resv_new_held(const struct resv_info *in, const char *key,
		      struct resv_info *out)
{
	struct resv_extra x = { .hold_key = key };

	return resv_request_x(MEMRESV_CMD_RESV_NEW, in,
			      RESV_SETTINGS | (1u << RESV_ACTUATOR), false, &x,
			      out);
}

/**
 * ipc_resv_actuator() - say what moves a reservation's memory (RESV_SET)
 * @cgroup: the cgroup path
 * @actuator: enum memresv_actuator
 * @out: the reservation afterwards, or NULL
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_actuator(const char *cgroup, uint8_t actuator,
		      struct resv_info *out)
{
	struct resv_info r;

	resv_named(&r, cgroup);
	r.actuator = actuator;
	SET(&r, RESV_ACTUATOR);
	return resv_request(MEMRESV_CMD_RESV_SET, &r, 1u << RESV_ACTUATOR,
			    false, out);
}

/**
 * ipc_resv_report() - what the guest itself says (RESV_REPORT)
 * @cgroup: the cgroup path
 * @demand: what the guest needs, as its group counts it, bytes
 * @size: what its balloon leaves it, as its group counts it, or 0
 * @out: the reservation, whose target the balloon should follow
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_report(const char *cgroup, uint64_t demand, uint64_t size,
		    struct resv_info *out)
{
	struct resv_extra x = {
		.report = true, .guest_demand = demand, .guest_size = size,
	};
	struct resv_info r;

	resv_named(&r, cgroup);
	return resv_request_x(MEMRESV_CMD_RESV_REPORT, &r, 0, false, &x, out);
}

/**
 * ipc_hold_new() - admit a start before its cgroup exists (HOLD_NEW)
 * @key: the hold's key (for libvirt, the domain's UUID)
 * @in: startup, minimum, maximum and optionally paging
 * @timeout: seconds until a hold nobody took is given back; 0: the default
 * @force: let this start use the swap tier unless paging is "never"
 * @out: the hold (sizes, state, guarantee), or NULL
 *
 * Return: 0 or a negative errno (-ENOMEM: does not fit, -EEXIST: the key
 * holds already).
 */
int ipc_hold_new(const char *key, const struct resv_info *in,
		 uint32_t timeout, bool force, struct resv_info *out)
{
	struct resv_extra x = { .hold_key = key, .hold_timeout = timeout };
	struct resv_info r = *in;

	r.set &= ~(1u << RESV_CGROUP);
	return resv_request_x(MEMRESV_CMD_HOLD_NEW, &r,
			      RESV_REQUEST | (1u << RESV_PAGING), force, &x,
			      out);
}

/**
 * ipc_hold_del() - give a hold back (HOLD_DEL)
 * @key: the hold's key
 *
 * Return: 0 or a negative errno (-ENOENT: no such hold).
 */
int ipc_hold_del(const char *key)
{
	struct resv_extra x = { .hold_key = key };
	struct resv_info r = { 0 };

	return resv_request_x(MEMRESV_CMD_HOLD_DEL, &r, 0, false, &x, NULL);
}

struct hold_list {
	struct hold_info *v;
	size_t n, cap;
};

static int parse_hold_list(struct nlattr **tb, void *arg)
{
	struct hold_list *l = arg;
	struct hold_info *h;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct hold_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	h = &l->v[l->n++];
	memset(h, 0, sizeof(*h));
	get_fields(tb, &h->r, resv_fields, resv_nfields);
	if (tb[MEMRESV_A_HOLD_KEY])
		nla_strlcpy(h->key, tb[MEMRESV_A_HOLD_KEY], sizeof(h->key));
	if (tb[MEMRESV_A_HOLD_LEFT_MS] &&
	    nla_len(tb[MEMRESV_A_HOLD_LEFT_MS]) >= (int)sizeof(uint64_t))
		h->left_ms = nla_get_u64(tb[MEMRESV_A_HOLD_LEFT_MS]);
	return 0;
}

/**
 * ipc_hold_list() - every hold (HOLD_GET dump)
 * @list: the holds (the caller frees it)
 * @n: how many
 *
 * Holds are host-wide: a reader inside a cgroup namespace sees none.
 *
 * Return: 0 or a negative errno.
 */
int ipc_hold_list(struct hold_info **list, size_t *n)
{
	struct hold_list l = { 0 };
	struct ipc_reply rep = { .parse = parse_hold_list, .arg = &l };
	struct nl_msg *msg;
	int ret;

	ret = msg_new(&msg, MEMRESV_CMD_HOLD_GET, NLM_F_DUMP);
	if (!ret)
		ret = ipc_transact(msg, &rep);
	if (ret) {
		free(l.v);
		return ret;
	}
	*list = l.v;
	*n = l.n;
	return 0;
}

struct resv_list {
	struct resv_info *v;
	size_t n, cap;
};

struct prot_list {
	struct prot_info *v;
	size_t n, cap;
};

static int parse_resv_list(const struct nlmsghdr *nlh, void *arg)
{
	struct resv_list *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct resv_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	return parse_resv(nlh, &l->v[l->n++]);
}

/*
 * Dump @cmd into @rep until one pass runs without the kernel flagging it
 * interrupted (what it lists changed meanwhile); *@count, the parser's
 * count, starts again at 0 for each pass.  Return: 0 or a negative errno,
 * -EAGAIN (ipc_msg says it of @what) when it never held still.
 */
static int dump_still(uint8_t cmd, struct ipc_reply *rep, size_t *count,
		      const char *what)
{
	struct nl_msg *msg;
	int tries, ret = 0;

	for (tries = 0; tries < DUMP_RETRIES; tries++) {
		*count = 0;
		ret = msg_new(&msg, cmd, NLM_F_DUMP);
		if (ret)
			return ret;
		ret = ipc_transact(msg, rep);
		if (ret || !rep->intr)
			return ret;
		ret = -EAGAIN;
		snprintf(ipc_msg, sizeof(ipc_msg),
			 "%s kept changing during the listing; try again", what);
	}
	return ret;
}

/**
 * ipc_resv_list() - read every reservation (RESV_GET dump)
 * @list: the reservations, in the kernel's order (the caller frees it)
 * @n: how many
 *
 * A dump the kernel flags as interrupted (reservations changed while it
 * ran) is repeated, so the list is one consistent snapshot.
 *
 * Return: 0 or a negative errno (-EAGAIN when it never held still).
 */
int ipc_resv_list(struct resv_info **list, size_t *n)
{
	struct resv_list l = { 0 };
	struct ipc_reply rep = { .parse_msg = parse_resv_list, .arg = &l };
	int ret;

	ret = dump_still(MEMRESV_CMD_RESV_GET, &rep, &l.n, "reservations");
	if (ret) {
		free(l.v);
		return ret;
	}
	*list = l.v;
	*n = l.n;
	return 0;
}

/**
 * ipc_resv_each() - every reservation (RESV_GET dump), one at a time
 * @fn: called with each reservation, in the kernel's order; the struct is
 *	reused for the next: copy what is kept.  A non-zero return (a
 *	negative errno) ends the dump with it.
 * @arg: for @fn
 *
 * No list is built: each message is parsed where it lies in the receive
 * buffer, into one struct.  A dump the kernel flags as interrupted ends
 * with -EAGAIN after every reservation was handed over (they do not form
 * one snapshot).
 *
 * Return: 0 or a negative errno.
 */
int ipc_resv_each(ipc_resv_fn fn, void *arg)
{
	struct resv_each *e = malloc(sizeof(*e));
	struct ipc_reply rep = { .parse_msg = parse_resv_each, .arg = e };
	struct nl_msg *msg;
	int ret;

	if (!e)
		return -ENOMEM;
	e->fn = fn;
	e->arg = arg;
	ret = msg_new(&msg, MEMRESV_CMD_RESV_GET, NLM_F_DUMP);
	if (!ret)
		ret = ipc_transact(msg, &rep);
	if (!ret && rep.intr) {
		ret = -EAGAIN;
		snprintf(ipc_msg, sizeof(ipc_msg),
			 "reservations changed during the listing; try again");
	}
	free(e);
	return ret;
}

/**
 * ipc_resv_each_read() - ipc_resv_each() on replies from elsewhere
 * @read: returns the next datagram as the kernel sent it (bytes, 0 at the
 *	end, or a negative errno)
 * @rarg: for @read
 * @fn: as for ipc_resv_each()
 * @arg: for @fn
 *
 * The receive path of ipc_resv_each() fed from @read instead of the
 * socket: the benchmarks replay a recorded dump through it.  Messages of
 * any sequence number are taken.
 *
 * Return: 0, -EAGAIN when the dump was flagged interrupted, or a negative
 * errno.
 */
int ipc_resv_each_read(ipc_read_fn read, void *rarg, ipc_resv_fn fn,
		       void *arg)
{
	struct resv_each *e = malloc(sizeof(*e));
	struct ipc_reply rep = { .parse_msg = parse_resv_each, .arg = e };
	int ret;

	if (!e)
		return -ENOMEM;
	e->fn = fn;
	e->arg = arg;
	ret = reply_read(read, rarg, 0, &rep);
	if (!ret && rep.intr)
		ret = -EAGAIN;
	free(e);
	return ret;
}

/**
 * ipc_dump() - any generic netlink dump through the receive path above
 * @family: the family's id (GENL_ID_CTRL for the controller)
 * @cmd: the dump's command
 * @version: the family's version
 * @maxattr: the family's highest attribute
 * @fn: called with each message's attributes
 * @arg: for @fn
 *
 * For the benchmarks: the same receive path on a dump other than
 * memresv's (the controller's list of families).
 *
 * Return: 0 or a negative errno.
 */
int ipc_dump(int family, uint8_t cmd, uint8_t version, int maxattr,
	     int (*fn)(struct nlattr **tb, void *arg), void *arg)
{
	struct ipc_reply rep = { .parse = fn, .arg = arg, .maxattr = maxattr };
	struct nl_msg *msg;
	int ret;

	if (maxattr > (MEMRESV_A_MAX > CTRL_ATTR_MAX ? MEMRESV_A_MAX :
		       CTRL_ATTR_MAX))
		return -EINVAL;
	ret = ipc_open();
	if (ret)
		return ret;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
			 NLM_F_DUMP, cmd, version)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return ipc_transact(msg, &rep);
}

/**
 * ipc_host_get() - read the host ledger (HOST_GET)
 * @out: the ledger
 *
 * Return: 0 or a negative errno.
 */
int ipc_host_get(struct host_info *out)
{
	struct ipc_reply rep = { .parse = parse_host, .arg = out };
	struct nl_msg *msg;
	int ret;

	ret = msg_new(&msg, MEMRESV_CMD_HOST_GET, NLM_F_ACK);
	if (ret)
		return ret;
	memset(out, 0, sizeof(*out));
	return ipc_transact(msg, &rep);
}

/**
 * ipc_host_set() - change host settings (HOST_SET)
 * @in: the settings to change (its set HOST_SETTINGS fields)
 * @out: the ledger afterwards, or NULL
 *
 * Return: 0 or a negative errno.
 */
int ipc_host_set(const struct host_info *in, struct host_info *out)
{
	struct host_info scratch;
	struct ipc_reply rep = { .parse = parse_host,
				 .arg = out ? out : &scratch };
	struct nl_msg *msg;
	int ret;

	ret = msg_new(&msg, MEMRESV_CMD_HOST_SET, NLM_F_ACK);
	if (ret)
		return ret;
	ret = put_fields(msg, in, host_fields, host_nfields, HOST_SETTINGS);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return ipc_transact(msg, &rep);
}

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) >= (int)sizeof(uint64_t) ? nla_get_u64(a) : 0;
}

static uint8_t get_u8(struct nlattr *a)
{
	return a && nla_len(a) >= (int)sizeof(uint8_t) ? nla_get_u8(a) : 0;
}

/* What events carry besides a reservation or the host. */
static void get_detail(struct nlattr **tb, struct event_detail *d)
{
	d->paging_allowed = tb[MEMRESV_A_PAGING_ALLOWED];
	if (tb[MEMRESV_A_ANCESTOR])
		nla_strlcpy(d->ancestor, tb[MEMRESV_A_ANCESTOR],
			    sizeof(d->ancestor));
	d->ancestor_min = get_u64(tb[MEMRESV_A_ANCESTOR_MIN]);
	d->file = get_u8(tb[MEMRESV_A_CONFLICT_FILE]);
	d->found = get_u64(tb[MEMRESV_A_CONFLICT_FOUND]);
	d->ours = get_u64(tb[MEMRESV_A_CONFLICT_OURS]);
	if (tb[MEMRESV_A_HOLD_KEY])
		nla_strlcpy(d->hold_key, tb[MEMRESV_A_HOLD_KEY],
			    sizeof(d->hold_key));
	d->prot_need = get_u64(tb[MEMRESV_A_PROT_NEED]);
	d->prot_owner = get_u8(tb[MEMRESV_A_PROT_OWNER]);
	d->prot_min = get_u64(tb[MEMRESV_A_PROT_MIN]);
}

struct monitor_ctx {
	ipc_event_fn fn;
	void *arg;
	int err;
};

/* The monitor's own socket: notifications arrive there, not on ipc_sock. */
static struct nl_sock *mon_sock;
static struct nl_cb *mon_cb;
static struct monitor_ctx mon_ctx;

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct monitor_ctx *m = arg;
	struct nlattr *tb[MEMRESV_A_MAX + 1];
	struct event_info *ev;
	int ret;

	if (genlmsg_hdr(nlmsg_hdr(msg))->cmd != MEMRESV_CMD_EVENT)
		return NL_SKIP;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, MEMRESV_A_MAX, NULL) ||
	    !tb[MEMRESV_A_EVENT])
		return NL_SKIP;
	ev = calloc(1, sizeof(*ev));
	if (!ev) {
		m->err = -ENOMEM;
		return NL_STOP;
	}
	ev->event = nla_get_u8(tb[MEMRESV_A_EVENT]);
	if (tb[MEMRESV_A_REASON])
		ev->reason = nla_get_u8(tb[MEMRESV_A_REASON]);
	get_fields(tb, &ev->resv, resv_fields, resv_nfields);
	get_fields(tb, &ev->host, host_fields, host_nfields);
	get_detail(tb, &ev->detail);
	ev->has_resv = ev->resv.set != 0;
	ev->has_host = !ev->has_resv && ev->host.set != 0;
	event_explain(ev, ev->message, sizeof(ev->message));
	ret = m->fn(ev, m->arg);
	free(ev);
	if (ret) {
		m->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/**
 * ipc_monitor_close() - leave the "monitor" group, if ipc_monitor_open()
 *	joined it
 */
void ipc_monitor_close(void)
{
	if (mon_cb)
		nl_cb_put(mon_cb);
	if (mon_sock)
		nl_socket_free(mon_sock);
	mon_cb = NULL;
	mon_sock = NULL;
}

/**
 * ipc_monitor_open() - join the "monitor" group on a socket of its own
 * @fd: the socket, to poll for POLLIN; ipc_monitor_read() reads it
 *
 * For callers with an event loop of their own (the agent); ipc_monitor()
 * is the loop for those without.  Needs CAP_SYS_ADMIN.
 *
 * Return: 0 or a negative errno.
 */
int ipc_monitor_open(int *fd)
{
	int grp, ret;

	ipc_monitor_close();
	ret = ipc_open();
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(ipc_sock, MEMRESV_GENL_NAME,
				    MEMRESV_MCGRP_MONITOR);
	if (grp < 0) {
		/* Resolved before, gone now: the module went meanwhile. */
		ipc_close();
		return grp == -NLE_OBJ_NOTFOUND ? -IPC_ENOMODULE :
						  nl_fail(grp);
	}
	ret = sock_open(&mon_sock);
	if (ret)
		return ret;
	/* Bursts (a module unload removes every reservation) fit. */
	nl_socket_set_buffer_size(mon_sock, 1 << 20, 0);
	ret = nl_socket_add_membership(mon_sock, grp);
	if (!ret)
		ret = nl_socket_set_nonblocking(mon_sock);
	if (ret) {
		ret = nl_fail(ret);
		goto fail;
	}
	mon_cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!mon_cb) {
		ret = -ENOMEM;
		goto fail;
	}
	/* Notifications are not answers: they carry no sequence number. */
	nl_cb_set(mon_cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(mon_cb, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &mon_ctx);
	*fd = nl_socket_get_fd(mon_sock);
	return 0;
fail:
	ipc_monitor_close();
	return ret;
}

/**
 * ipc_monitor_read() - hand every notification waiting on the socket to @fn
 * @fn: called with each event; a non-zero return stops the reading and is
 *	returned
 * @arg: passed to @fn
 *
 * Never blocks.
 *
 * Return: 0 when nothing is left to read; -ENOBUFS when the socket
 * overflowed and events were lost (the caller reads the state afresh);
 * what @fn returned; or another negative errno.
 */
int ipc_monitor_read(ipc_event_fn fn, void *arg)
{
	int ret;

	if (!mon_sock)
		return -EBADF;
	mon_ctx = (struct monitor_ctx){ .fn = fn, .arg = arg };
	for (;;) {
		ret = nl_recvmsgs(mon_sock, mon_cb);
		if (mon_ctx.err)
			return mon_ctx.err;
		if (ret == -NLE_AGAIN)
			return 0;
		/* libnl says ENOBUFS (the socket overflowed) as NLE_NOMEM. */
		if (ret == -NLE_NOMEM)
			return -ENOBUFS;
		if (ret < 0 && ret != -NLE_INTR)
			return nl_fail(ret);
	}
}

/**
 * ipc_monitor() - print notifications of the "monitor" group until stopped
 * @fn: called with each event; a non-zero return stops the monitor
 * @arg: passed to @fn
 * @waitmask: signal mask while waiting; the caller blocks its stop signals
 *	and unblocks them here, so a signal cannot slip in between the check
 *	of @stop and the wait
 * @stop: set by the caller's signal handler
 *
 * Return: 0 when stopped, or a negative errno.
 */
int ipc_monitor(ipc_event_fn fn, void *arg, const sigset_t *waitmask,
		const volatile sig_atomic_t *stop)
{
	struct pollfd pfd = { .events = POLLIN };
	int ret;

	ret = ipc_monitor_open(&pfd.fd);
	if (ret)
		return ret;
	while (!*stop) {
		ret = ppoll(&pfd, 1, NULL, waitmask);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		ret = ipc_monitor_read(fn, arg);
		if (ret == -ENOBUFS && !*stop) {
			fprintf(stderr, "memresv: monitor: events were lost (receive buffer overrun)\n");
			continue;
		}
		if (ret)
			goto out;
	}
	ret = 0;
out:
	ipc_monitor_close();
	return ret;
}

static int parse_prot(struct nlattr **tb, void *arg)
{
	struct prot_list *l = arg;
	struct prot_info *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct prot_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	if (tb[MEMRESV_A_CGROUP])
		nla_strlcpy(p->cgroup, tb[MEMRESV_A_CGROUP],
			    sizeof(p->cgroup));
	p->id = get_u64(tb[MEMRESV_A_CGROUP_ID]);
	p->need = get_u64(tb[MEMRESV_A_PROT_NEED]);
	p->owner = get_u8(tb[MEMRESV_A_PROT_OWNER]);
	p->min = get_u64(tb[MEMRESV_A_PROT_MIN]);
	return 0;
}

/**
 * ipc_prot_list() - the ancestors of reserved groups (PROT_GET dump)
 * @list: their protection, in cgroup-id order (the caller frees it)
 * @n: how many
 *
 * Return: 0 or a negative errno.
 */
int ipc_prot_list(struct prot_info **list, size_t *n)
{
	struct prot_list l = { 0 };
	struct ipc_reply rep = { .parse = parse_prot, .arg = &l };
	int ret;

	ret = dump_still(MEMRESV_CMD_PROT_GET, &rep, &l.n, "protection");
	if (ret) {
		free(l.v);
		return ret;
	}
	*list = l.v;
	*n = l.n;
	return 0;
}

/**
 * ipc_family_version() - the version of the module's netlink family
 * @version: MEMRESV_GENL_VERSION of the module that is loaded
 *
 * Return: 0, -IPC_ENOMODULE, or another negative errno.
 */
int ipc_family_version(unsigned int *version)
{
	struct nl_cache *cache = NULL;
	struct genl_family *fam;
	int ret;

	ret = ipc_open();
	if (ret)
		return ret;
	ret = genl_ctrl_alloc_cache(ipc_sock, &cache);
	if (ret)
		return nl_fail(ret);
	fam = genl_ctrl_search_by_name(cache, MEMRESV_GENL_NAME);
	if (fam) {
		*version = (unsigned int)genl_family_get_version(fam);
		genl_family_put(fam);
	} else {
		ret = -IPC_ENOMODULE;
	}
	nl_cache_free(cache);
	return ret;
}

/**
 * ipc_strerror() - explain the error the last ipc_*() call returned
 * @err: that negative errno
 *
 * Return: the kernel's extended-ACK message when it sent one, otherwise a
 * description of @err.
 */
const char *ipc_strerror(int err)
{
	if (err == -IPC_ENOMODULE)
		return "the memresv module is not loaded (load it with: modprobe memresv)";
	if (ipc_msg[0])
		return ipc_msg;
	if (err == -EPERM)
		return "Operation not permitted (CAP_SYS_ADMIN is needed)";
	return strerror(-err);
}
