/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: holds — memory admitted for a start before its cgroup exists.
 */
#ifndef _MEMRESV_HOLD_H
#define _MEMRESV_HOLD_H

#include <linux/list.h>
#include <linux/types.h>

#include <linux/memresv.h>

struct memresv_ledger_sums;

/**
 * struct memresv_hold - an admission waiting for its cgroup (memresv_lock)
 * @node: in the list of holds
 * @key: who holds it (for libvirt, the domain's UUID)
 * @startup: what the start asked for
 * @minimum: its minimum
 * @maximum: its maximum
 * @state: MEMRESV_STATE_STARTING, or _PAGING with a grant of the tier
 * @guarantee: the physical part admitted, counted as guaranteed
 * @grant: the swap tier granted
 * @timeout: seconds it waits for its cgroup
 * @expires: jiffies when it is given back
 *
 * The ledger counts a hold like a starting reservation: its guarantee is
 * its target.  Holds live under memresv_lock only, so whoever looks one up
 * under the lock may use it until it drops the lock.
 */
struct memresv_hold {
	struct list_head node;
	char key[MEMRESV_HOLD_KEY_LEN];
	u64 startup;
	u64 minimum;
	u64 maximum;
	u8 state;
	u64 guarantee;
	u64 grant;
	u32 timeout;
	unsigned long expires;
};

struct memresv_hold *memresv_hold_find(const char *key);
struct memresv_hold *memresv_hold_first(void);
struct memresv_hold *memresv_hold_next(const struct memresv_hold *hold);
void memresv_hold_link(struct memresv_hold *hold);
void memresv_hold_unlink(struct memresv_hold *hold, u8 reason);
u64 memresv_hold_left_ms(const struct memresv_hold *hold);
void memresv_hold_expire(void);
void memresv_hold_count(struct memresv_ledger_sums *sums);
u32 memresv_hold_nr(void);
void memresv_hold_stop(void);

#endif /* _MEMRESV_HOLD_H */
