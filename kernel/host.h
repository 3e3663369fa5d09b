/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: host-wide settings, applied across the layers below.
 */
#ifndef _MEMRESV_HOST_H
#define _MEMRESV_HOST_H

struct memresv_err;
struct memresv_host_update;

int memresv_host_set(const struct memresv_host_update *upd,
		     struct memresv_err *e);

#endif /* _MEMRESV_HOST_H */
