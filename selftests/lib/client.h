/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memresv test client: what the selftests and the benchmarks say to
 * the module, on the libnl core (mrnl.h).  The selftests test the kernel
 * contract through it, apart from the memresv tool; the benchmarks time
 * requests through it, so a request whose reply nobody takes (a NULL
 * result) stays on the core's lean path: nothing is parsed or copied.
 */
#ifndef _MEMRESV_TEST_CLIENT_H
#define _MEMRESV_TEST_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "mrnl.h"

/* One parsed reply message: every attribute as a number or a string. */
struct mr_attrs {
	bool has[MEMRESV_A_MAX + 1];
	uint64_t val[MEMRESV_A_MAX + 1];
	char cgroup[4096];
	char ancestor[4096];
	char hold[MEMRESV_HOLD_KEY_LEN];
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

typedef void (*mr_each_fn)(const struct mr_attrs *a, void *arg);

void mr_attrs_take(const struct nlmsghdr *nlh, struct nlattr **tb,
		   struct mr_attrs *a, bool strings);

struct mrnl *mr_open(void);
void mr_close(struct mrnl *s);
struct nl_msg *mr_msg(struct mrnl *s, uint8_t cmd, int flags);
struct nl_msg *mr_resv_msg(struct mrnl *s, uint8_t cmd, const char *cgroup);
int mr_send(struct mrnl *s, struct nl_msg *msg, struct mr_result *res,
	    mr_each_fn each, void *arg);
int mr_do(struct mrnl *s, struct nl_msg *msg, struct mr_result *res);
int mr_send_raw(struct mrnl *s, struct nl_msg *msg);
int mr_recv_one(struct mrnl *s, struct mr_result *res, mr_each_fn each,
		void *arg);
int mr_recv_datagram(struct mrnl *s, struct mr_result *res,
		     mr_each_fn each, void *arg);
int mr_subscribe(struct mrnl *s);
int mr_wait_event(struct mrnl *mon, const char *cgroup, int event, int ms,
		  struct mr_attrs *out);

/* Shorthands; a NULL @res or @a: the reply is not taken. */
int mr_host(struct mrnl *s, struct mr_attrs *host);
int mr_host_set(struct mrnl *s, int attr, uint64_t val,
		struct mr_result *res);
int mr_get(struct mrnl *s, const char *cgroup, struct mr_attrs *a);
int mr_cmd(struct mrnl *s, uint8_t cmd, const char *cgroup,
	   struct mr_result *res);
struct nl_msg *mr_new_msg(struct mrnl *s, const char *cgroup,
			  uint64_t startup, uint64_t minimum,
			  uint64_t maximum);
int mr_new(struct mrnl *s, const char *cgroup, uint64_t startup,
	   uint64_t minimum, uint64_t maximum, struct mr_result *res);
int mr_del(struct mrnl *s, const char *cgroup);
int mr_ready(struct mrnl *s, const char *cgroup);
int mr_getfamily(struct mrnl *s);

#endif /* _MEMRESV_TEST_CLIENT_H */
