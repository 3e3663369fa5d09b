/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lean libnl-genl client for the benchmarks.
 *
 * Requests wait for the kernel's ACK, as any careful client does, and
 * replies are parsed with genlmsg_parse() like the memresv tool parses
 * them; nothing else runs on the timed path (no large per-message
 * structures are cleared, no strings are copied unless asked for).
 */
#ifndef _MEMRESV_BENCH_BNL_H
#define _MEMRESV_BENCH_BNL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include <linux/memresv.h>

struct nl_sock;

struct bnl {
	struct nl_sock *sk;
	int family;		/* the memresv family's id */
	int err;		/* of the last request: 0 or -errno */
	char extack[256];	/* its extended-ACK message, if any */
};

/* One reply message, every attribute as a number (strings by pointer). */
struct bnl_attrs {
	bool has[MEMRESV_A_MAX + 1];
	uint64_t val[MEMRESV_A_MAX + 1];
};

typedef void (*bnl_each_fn)(struct nlattr **tb, void *arg);

int bnl_open(struct bnl *b);
void bnl_close(struct bnl *b);
void bnl_set_rcvbuf(struct bnl *b, int bytes);
int bnl_fd(struct bnl *b);

struct nl_msg *bnl_msg(struct bnl *b, uint8_t cmd, int flags,
		       const char *cgroup);
int bnl_call(struct bnl *b, struct nl_msg *msg, bnl_each_fn each, void *arg);
int bnl_getfamily(struct bnl *b);

void bnl_to_attrs(struct nlattr **tb, struct bnl_attrs *a);
int bnl_host(struct bnl *b, struct bnl_attrs *host);
int bnl_get(struct bnl *b, const char *cgroup, struct bnl_attrs *a);
int bnl_set_period(struct bnl *b, uint32_t ms);
int bnl_set_reserve(struct bnl *b, uint64_t bytes);
int bnl_new(struct bnl *b, const char *cgroup, uint64_t startup,
	    uint64_t minimum, uint64_t maximum, uint32_t weight);
int bnl_ready(struct bnl *b, const char *cgroup);
int bnl_del(struct bnl *b, const char *cgroup);

#endif /* _MEMRESV_BENCH_BNL_H */
