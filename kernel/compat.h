/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: what differs between the kernels memresv builds for (6.1 and
 * 6.12), in one place.
 */
#ifndef _MEMRESV_COMPAT_H
#define _MEMRESV_COMPAT_H

#include <net/netlink.h>

/*
 * Policies point at their range tables through const pointers on the
 * kernels that have formatted extended-ACK messages (6.2 on); 6.1 takes
 * them writable.  The feature, not a version number, tells which.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define MEMRESV_NL_RANGE_CONST	const
#else
#define MEMRESV_NL_RANGE_CONST
#endif

#endif /* _MEMRESV_COMPAT_H */
