/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small libnl-genl client for the memresv selftests: the kernel contract
 * is tested through it, apart from the memresv tool.
 */
#ifndef _MEMRESV_SELFTEST_NL_H
#define _MEMRESV_SELFTEST_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/memresv.h>

/* One parsed reply message: every attribute as a number or a string. */
struct mr_attrs {
	bool has[MEMRESV_A_MAX + 1];
	uint64_t val[MEMRESV_A_MAX + 1];
	char cgroup[4096];
	char message[512];
	char reason[256];
	uint8_t cmd;
	uint16_t flags;
};

/* The outcome of one request. */
struct mr_result {
	int err;		/* 0 or -errno from the kernel */
	char extack[512];	/* extended-ACK message (error or warning) */
	uint32_t bad_attr_off;	/* NLMSGERR_ATTR_OFFS, 0 if none */
	bool intr;		/* a dump message had NLM_F_DUMP_INTR */
	int nmsgs;		/* reply messages */
	struct mr_attrs last;	/* the last reply message */
};

struct mr_sock;

typedef void (*mr_each_fn)(const struct mr_attrs *a, void *arg);

struct mr_sock *mr_open(void);
void mr_close(struct mr_sock *s);
int mr_family_id(struct mr_sock *s);
struct nl_msg *mr_msg(struct mr_sock *s, uint8_t cmd, int flags);
int mr_send(struct mr_sock *s, struct nl_msg *msg, struct mr_result *res,
	    mr_each_fn each, void *arg);
int mr_send_raw(struct mr_sock *s, struct nl_msg *msg);
int mr_recv_one(struct mr_sock *s, struct mr_result *res, mr_each_fn each,
		void *arg);
int mr_recv_datagram(struct mr_sock *s, struct mr_result *res,
		     mr_each_fn each, void *arg);
int mr_subscribe(struct mr_sock *s);
int mr_fd(struct mr_sock *s);
void mr_set_rcvbuf(struct mr_sock *s, int bytes);

/* Shorthands. */
struct nl_msg *mr_resv_msg(struct mr_sock *s, uint8_t cmd, const char *cgroup);
int mr_do(struct mr_sock *s, struct nl_msg *msg, struct mr_result *res);
int mr_host(struct mr_sock *s, struct mr_attrs *host);
int mr_new(struct mr_sock *s, const char *cgroup, uint64_t startup,
	   uint64_t minimum, uint64_t maximum, struct mr_result *res);
int mr_del(struct mr_sock *s, const char *cgroup);

#endif /* _MEMRESV_SELFTEST_NL_H */
