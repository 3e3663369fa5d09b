/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: events, from the layer that sees them to whoever listens.
 *
 * The core (ledger, reservations, balancer) never calls up into netlink:
 * it describes what happened in a struct memresv_notice and hands it to
 * memresv_notify(), which passes it to the one sink netlink registered, if
 * any.  Events are raised under memresv_lock, so a sink sees one
 * consistent state and the sink itself can never go away under an event.
 */
#ifndef _MEMRESV_NOTIFY_H
#define _MEMRESV_NOTIFY_H

#include <linux/types.h>

struct cgroup;
struct memresv_hold;
struct memresv_prot;
struct memresv_resv;
struct memresv_host_figures;
struct memresv_request;

/**
 * struct memresv_notice - something listeners are told about
 * @event: enum memresv_event
 * @reason: enum memresv_reason, or MEMRESV_REASON_NONE
 * @resv: the reservation it is about, or NULL
 * @hold: the hold it is about, or NULL
 * @prot: the ancestor whose protection it is about, or NULL
 * @cgrp: the group, for an event without a reservation (admission refused)
 * @key: admission refused for a hold: its key
 * @fig: admission refused: the ledger figures the decision was taken on
 * @req: admission refused: what the start asked for
 * @ancestor: warning: the ancestor whose protection caps the guarantee
 * @ancestor_min: warning: that ancestor's memory.min
 * @file: conflict: which file (enum memresv_file)
 * @found: conflict: what it held
 * @ours: conflict: what memresv had written, and writes back
 */
struct memresv_notice {
	u8 event;
	u8 reason;
	struct memresv_resv *resv;
	struct memresv_hold *hold;
	struct memresv_prot *prot;
	struct cgroup *cgrp;
	const char *key;
	const struct memresv_host_figures *fig;
	const struct memresv_request *req;
	struct cgroup *ancestor;
	u64 ancestor_min;
	u8 file;
	u64 found;
	u64 ours;
};

typedef void (*memresv_notify_fn)(const struct memresv_notice *ev);

void memresv_notify(const struct memresv_notice *ev);
void memresv_notify_resv(struct memresv_resv *resv, u8 event, u8 reason);
void memresv_notify_host(u8 event);
void memresv_notify_set(memresv_notify_fn fn);

#endif /* _MEMRESV_NOTIFY_H */
