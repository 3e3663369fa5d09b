// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: apply a saved configuration, all or nothing.
 *
 * The kernel has no transactions, so restore keeps a journal of what it
 * changed and, on the first failure, undoes it in reverse order: reservations
 * it added are deleted, reservations it changed get their old settings back,
 * and the host settings are put back last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

enum journal_kind {
	JOURNAL_ADDED,
	JOURNAL_CHANGED,
};

struct journal_entry {
	enum journal_kind kind;
	struct resv_info old;		/* JOURNAL_CHANGED: settings before */
	const char *cgroup;
};

static void settings_only(struct resv_info *r)
{
	r->set &= RESV_SETTINGS | (1u << RESV_CGROUP);
}

static void journal_undo(const struct journal_entry *j, size_t n,
		 const struct host_info *old_host, bool host_changed,
		 const struct restore_ops *ops, void *ctx)
{
	char what[CGROUP_PATH_MAX + 8];
	int err;

	while (n--) {
		snprintf(what, sizeof(what), "undo %s", j[n].cgroup);
		if (j[n].kind == JOURNAL_ADDED)
			err = ops->resv_del(ctx, j[n].cgroup);
		else
			err = ops->resv_set(ctx, &j[n].old);
		if (err)
			ops->report(ctx, what, err);
	}
	if (host_changed) {
		err = ops->host_set(ctx, old_host);
		if (err)
			ops->report(ctx, "undo host", err);
	}
}

/**
 * restore_apply() - apply a checked configuration through @ops
 * @cfg: the configuration, as config_from_text() returns it
 * @ops: the kernel operations
 * @ctx: passed to @ops
 *
 * Host settings first (a larger capacity may be what lets the reservations
 * in), then each reservation: changed in place when its cgroup already has
 * one, added otherwise.  Reservations the file does not name are left alone.
 * With @ops->missing, a reservation whose cgroup does not exist is left out
 * rather than failing the whole (on a systemd host most groups are made
 * after boot, by the units that own them).
 *
 * Return: 0 when everything applied; otherwise the first error, after
 * undoing everything applied before it.
 */
int restore_apply(const struct resv_config *cfg, const struct restore_ops *ops,
		  void *ctx)
{
	struct journal_entry *journal = NULL;
	struct host_info old_host = { 0 };
	bool host_changed = false;
	size_t n = 0, i;
	int err = 0;

	if (cfg->nresvs) {
		journal = calloc(cfg->nresvs, sizeof(*journal));
		if (!journal)
			return -ENOMEM;
	}
	if (cfg->host.set & HOST_SETTINGS) {
		err = ops->host_get(ctx, &old_host);
		if (!err) {
			old_host.set &= cfg->host.set & HOST_SETTINGS;
			err = ops->host_set(ctx, &cfg->host);
		}
		if (err) {
			ops->report(ctx, "host", err);
			goto out;
		}
		host_changed = true;
	}
	for (i = 0; i < cfg->nresvs; i++) {
		const struct resv_info *r = &cfg->resvs[i];
		struct journal_entry *j = &journal[n];

		j->cgroup = r->cgroup;
		err = ops->resv_get(ctx, r->cgroup, &j->old);
		if (!err) {
			settings_only(&j->old);
			/* Keep the name the kernel was asked by. */
			snprintf(j->old.cgroup, sizeof(j->old.cgroup), "%s",
				 r->cgroup);
			j->old.set |= 1u << RESV_CGROUP;
			j->kind = JOURNAL_CHANGED;
			err = ops->resv_set(ctx, r);
		} else if (err == -ENOENT) {
			j->kind = JOURNAL_ADDED;
			err = ops->resv_new(ctx, r);
			/* RESV_NEW's ENOENT: no such cgroup. */
			if (err == -ENOENT && ops->missing) {
				ops->missing(ctx, r->cgroup);
				err = 0;
				continue;
			}
		}
		if (err) {
			ops->report(ctx, r->cgroup, err);
			break;
		}
		n++;
	}
	if (err)
		journal_undo(journal, n, &old_host, host_changed, ops, ctx);
out:
	free(journal);
	return err;
}
