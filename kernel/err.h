/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: why a request was refused.
 *
 * The layers below netlink say why they refuse in a struct memresv_err,
 * which lives on the netlink handler's stack for the whole request; netlink
 * turns it into the extended ACK (NL_SET_ERR_MSG_FMT() has the same 80-byte
 * room).  The core never sees a netlink_ext_ack, and the text is formatted
 * where the decision is taken, with the numbers it was taken on.
 */
#ifndef _MEMRESV_ERR_H
#define _MEMRESV_ERR_H

#include <linux/kernel.h>
#include <linux/types.h>

/* NETLINK_MAX_FMTMSG_LEN where the kernel has it. */
#define MEMRESV_ERR_LEN		80

/**
 * struct memresv_err - the reason for a refusal
 * @bad: the MEMRESV_SET_* bit of the setting at fault, or 0
 * @msg: what to tell the requester, empty for none
 */
struct memresv_err {
	u32 bad;
	char msg[MEMRESV_ERR_LEN];
};

__printf(2, 3)
void memresv_err(struct memresv_err *e, const char *fmt, ...);
__printf(3, 4)
void memresv_err_bad(struct memresv_err *e, u32 bad, const char *fmt, ...);

#endif /* _MEMRESV_ERR_H */
