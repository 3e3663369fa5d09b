/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: the undo journal behind restore -- a saved configuration
 * is applied all or nothing.
 */
#ifndef MEMRESV_JOURNAL_H
#define MEMRESV_JOURNAL_H

#include "model.h"

/**
 * struct restore_ops - how restore reaches the kernel
 * @host_get: read the ledger
 * @host_set: apply the set fields of a host object
 * @resv_get: read one reservation; -ENOENT when the cgroup has none
 * @resv_new: add a reservation
 * @resv_set: change the set fields of a reservation
 * @resv_del: remove a reservation
 * @report: tell the user a step failed: @what is a cgroup path, "host",
 *	or either prefixed with "undo "; called before the next step so
 *	the kernel's message for this failure is still at hand
 * @missing: NULL, or called instead of @report when a reservation cannot
 *	be added because its cgroup does not exist (yet): it is left out
 *	and restore goes on (restore --skip-missing)
 *
 * Each returns 0 or a negative errno.  Kept apart from netlink so the
 * undo logic is tested on the host with a fake kernel.
 */
struct restore_ops {
	int (*host_get)(void *ctx, struct host_info *h);
	int (*host_set)(void *ctx, const struct host_info *h);
	int (*resv_get)(void *ctx, const char *cgroup, struct resv_info *r);
	int (*resv_new)(void *ctx, const struct resv_info *r);
	int (*resv_set)(void *ctx, const struct resv_info *r);
	int (*resv_del)(void *ctx, const char *cgroup);
	void (*report)(void *ctx, const char *what, int err);
	void (*missing)(void *ctx, const char *cgroup);
};

int restore_apply(const struct resv_config *cfg, const struct restore_ops *ops,
		  void *ctx);

#endif /* MEMRESV_JOURNAL_H */
