// SPDX-License-Identifier: GPL-2.0
/*
 * What the benchmarks add to the libnl core they share with the selftests
 * (see bnl.h).
 */
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "bnl.h"

/*
 * The baseline's netlink part: a bare generic netlink request with ACK,
 * CTRL_CMD_GETFAMILY for memresv (one reply message, then the ACK: the
 * same exchange as a RESV_NEW or RESV_SET).
 */
int bnl_getfamily(struct mrnl *b)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, MEMRESV_GENL_NAME);
	return mrnl_call(b, msg, NULL, NULL);
}

/* Every attribute of a reply as a number; strings are skipped. */
void bnl_to_attrs(struct nlattr **tb, struct bnl_attrs *a)
{
	int i;

	for (i = 1; i <= MEMRESV_A_MAX; i++) {
		a->has[i] = tb[i];
		if (tb[i])
			a->val[i] = mrnl_u64(tb[i]);
	}
}

/**
 * bnl_dump_parse() - take a dumped reservation apart, as a client would
 * @nlh: the message
 * @tb: its attributes
 * @arg: a struct bnl_dump
 *
 * Every attribute as a number, and the cgroup's path as a string: the
 * parse that dump_10k_per_s counts, live or replayed.
 */
void bnl_dump_parse(const struct nlmsghdr *nlh, struct nlattr **tb,
		    void *arg)
{
	struct bnl_dump *d = arg;
	struct bnl_attrs a;

	bnl_to_attrs(tb, &a);
	if (tb[MEMRESV_A_CGROUP])
		d->sum += strlen(nla_get_string(tb[MEMRESV_A_CGROUP]));
	d->sum += a.val[MEMRESV_A_TARGET] + a.val[MEMRESV_A_CGROUP_ID];
	d->n++;
}

static void bnl_keep(const struct nlmsghdr *nlh, struct nlattr **tb,
		     void *arg)
{
	bnl_to_attrs(tb, arg);
}

int bnl_host(struct mrnl *b, struct bnl_attrs *host)
{
	memset(host, 0, sizeof(*host));
	return mrnl_call(b, mrnl_msg(b, MEMRESV_CMD_HOST_GET, 0, NULL),
			 bnl_keep, host);
}

int bnl_get(struct mrnl *b, const char *cgroup, struct bnl_attrs *a)
{
	memset(a, 0, sizeof(*a));
	return mrnl_call(b, mrnl_msg(b, MEMRESV_CMD_RESV_GET, 0, cgroup),
			 bnl_keep, a);
}

int bnl_set_period(struct mrnl *b, uint32_t ms)
{
	struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_HOST_SET, 0, NULL);

	nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, ms);
	return mrnl_call(b, msg, NULL, NULL);
}

int bnl_set_reserve(struct mrnl *b, uint64_t bytes)
{
	struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_HOST_SET, 0, NULL);

	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE, bytes);
	return mrnl_call(b, msg, NULL, NULL);
}

int bnl_new(struct mrnl *b, const char *cgroup, uint64_t startup,
	    uint64_t minimum, uint64_t maximum, uint32_t weight)
{
	struct nl_msg *msg = mrnl_msg(b, MEMRESV_CMD_RESV_NEW, 0, cgroup);

	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	if (weight)
		nla_put_u32(msg, MEMRESV_A_WEIGHT, weight);
	return mrnl_call(b, msg, NULL, NULL);
}

int bnl_ready(struct mrnl *b, const char *cgroup)
{
	return mrnl_call(b, mrnl_msg(b, MEMRESV_CMD_RESV_READY, 0, cgroup),
			 NULL, NULL);
}

int bnl_del(struct mrnl *b, const char *cgroup)
{
	return mrnl_call(b, mrnl_msg(b, MEMRESV_CMD_RESV_DEL, 0, cgroup),
			 NULL, NULL);
}
