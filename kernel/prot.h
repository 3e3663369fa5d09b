/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: protection up to the root — ancestors' memory.min.
 */
#ifndef _MEMRESV_PROT_H
#define _MEMRESV_PROT_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include "cgfs.h"

struct cgroup;
struct memresv_err;

/**
 * struct memresv_prot - an ancestor of reserved groups (memresv_lock)
 * @node: in the table, by @cg.id
 * @ref: one for each reservation and each entry of a child below it
 * @parent: the entry of the ancestor's parent, or NULL below the root
 * @cg: the ancestor and its files; cg.saved.min is put back at the end
 * @need: the sum of the guarantees of the reservations below it
 * @owner: enum memresv_owner: who may write its memory.min
 * @dirty: on the list of entries whose @need the work has not seen yet
 * @queued: on that list
 */
struct memresv_prot {
	struct rb_node node;
	struct kref ref;
	struct memresv_prot *parent;
	struct memresv_cgfs_group cg;
	u64 need;
	u8 owner;
	struct list_head dirty;
	bool queued;
};

struct memresv_prot *memresv_prot_get(struct cgroup *cgrp,
				      struct memresv_err *e);
void memresv_prot_put(struct memresv_prot *prot);
void memresv_prot_move(struct memresv_prot *prot, u64 from, u64 to);
void memresv_prot_sync(void);
unsigned long memresv_prot_settled(void);
unsigned long memresv_prot_deaths(void);
struct memresv_prot *memresv_prot_from(u64 id);
struct memresv_prot *memresv_prot_next(const struct memresv_prot *prot);
void memresv_prot_exit(void);

#endif /* _MEMRESV_PROT_H */
