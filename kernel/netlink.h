/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the generic netlink family "memresv".
 */
#ifndef _MEMRESV_NETLINK_H
#define _MEMRESV_NETLINK_H

#include <linux/compiler.h>
#include <linux/types.h>

struct cgroup;
struct netlink_ext_ack;
struct memresv_resv;

int memresv_nl_init(void);
void memresv_nl_exit(void);

__printf(2, 3)
void memresv_nl_errmsg(struct netlink_ext_ack *extack, const char *fmt, ...);

void memresv_nl_notify_resv(struct memresv_resv *resv, u8 event, u8 reason);
void memresv_nl_notify_msg(struct cgroup *cgrp, struct memresv_resv *resv,
			   u8 event, const char *msg);
void memresv_nl_notify_host(void);

#endif /* _MEMRESV_NETLINK_H */
