/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the generic netlink family "memresv".
 */
#ifndef _MEMRESV_NETLINK_H
#define _MEMRESV_NETLINK_H

int memresv_nl_init(void);
void memresv_nl_exit(void);

#endif /* _MEMRESV_NETLINK_H */
