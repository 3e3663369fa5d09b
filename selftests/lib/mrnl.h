/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libnl-genl core under the test client (client.c), which the
 * selftests and the benchmarks share: a socket with extended ACKs on and the
 * memresv family resolved, requests built, and one send and receive loop
 * up to the ACK, the error or the end of a dump, with an error callback
 * that keeps the kernel's message.
 *
 * The benchmarks time requests through it, so it stays lean: requests
 * wait for the ACK, as any careful client does, and a reply is parsed
 * with genlmsg_parse(), like the memresv tool parses it, only when the
 * caller takes it; no large per-message structures are cleared and no
 * strings are copied, but for an extended-ACK message the kernel sent.
 */
#ifndef _MEMRESV_TEST_MRNL_H
#define _MEMRESV_TEST_MRNL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/memresv.h>

struct nl_sock;
struct sockaddr_nl;
struct ucred;

/**
 * struct mrnl - a socket talking to the memresv family
 * @sk: the libnl socket
 * @family: the memresv family's id
 * @err: of the last request: 0, the kernel's -errno, -EPROTO for a reply
 *	that did not parse, -EIO or -ENOMEM when the client failed
 * @extack: its extended-ACK message (an error's or a warning), or ""
 * @bad_attr_off: the offset of the attribute the kernel refused
 *	(NLMSGERR_ATTR_OFFS), 0 if none
 * @intr: a message of the dump had NLM_F_DUMP_INTR
 */
struct mrnl {
	struct nl_sock *sk;
	int family;
	int err;
	char extack[512];
	uint32_t bad_attr_off;
	bool intr;
};

/*
 * Takes one reply message: its header and its attributes, @tb indexed by
 * MEMRESV_A_* (NULL where absent).
 */
typedef void (*mrnl_each_fn)(const struct nlmsghdr *nlh, struct nlattr **tb,
			     void *arg);

int mrnl_open(struct mrnl *n);
void mrnl_close(struct mrnl *n);
int mrnl_fd(struct mrnl *n);
void mrnl_set_rcvbuf(struct mrnl *n, int bytes);

struct nl_msg *mrnl_msg(struct mrnl *n, uint8_t cmd, int flags,
			const char *cgroup);
int mrnl_call(struct mrnl *n, struct nl_msg *msg, mrnl_each_fn each,
	      void *arg);
int mrnl_recv(struct mrnl *n, mrnl_each_fn each, void *arg);

/* Reads one datagram into a malloc()ed buffer, as libnl's own read does. */
typedef int (*mrnl_read_fn)(struct nl_sock *sk, struct sockaddr_nl *from,
			    unsigned char **buf, struct ucred **creds);
int mrnl_recv_with(struct mrnl *n, mrnl_read_fn read, mrnl_each_fn each,
		   void *arg);
int mrnl_reply(struct mrnl *n, struct nlmsghdr *nlh, mrnl_each_fn each,
	       void *arg);

/* An integer attribute, whatever its width (u8, u32 or u64). */
static inline uint64_t mrnl_u64(const struct nlattr *attr)
{
	switch (nla_len(attr)) {
	case 8:
		return nla_get_u64(attr);
	case 4:
		return nla_get_u32(attr);
	case 1:
		return nla_get_u8(attr);
	}
	return 0;
}

#endif /* _MEMRESV_TEST_MRNL_H */
