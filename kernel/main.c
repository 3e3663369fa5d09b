// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: host-wide memory reservations for cgroup v2 groups — Hyper-V's
 * Dynamic Memory (startup, minimum, maximum, buffer, weight, smart paging)
 * on the memory controller.
 *
 * Start-up is an ordered ladder unwound in reverse; the netlink family comes
 * last, so nothing reaches the module before it is whole.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include <linux/memresv.h>

#include "cgfs.h"
#include "ledger.h"
#include "netlink.h"
#include "resv.h"

static int __init memresv_init(void)
{
	int err;

	memresv_ledger_init();
	err = memresv_cgfs_init();
	if (err)
		goto err_cgfs;
	err = memresv_resv_init();
	if (err)
		goto err_resv;
	err = memresv_nl_init();
	if (err)
		goto err_nl;
	pr_info("memresv: loaded: capacity %llu MiB, swap tier %llu MiB\n",
		memresv_ledger_capacity() >> 20,
		memresv_ledger.paging_limit >> 20);
	return 0;

err_nl:
	memresv_resv_exit();
	memresv_resv_destroy();
err_resv:
	memresv_cgfs_exit();
err_cgfs:
	return err;
}

/*
 * Reservations go first, while the family is still registered, so that
 * listeners see every "removed (unload)"; new reservations are refused from
 * that point.  Then the family, then the work still queued.
 */
static void __exit memresv_exit(void)
{
	memresv_resv_exit();
	memresv_nl_exit();
	memresv_resv_destroy();
	memresv_cgfs_exit();
}

module_init(memresv_init);
module_exit(memresv_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Host-wide memory reservations for cgroup v2 groups");
MODULE_ALIAS_GENL_FAMILY(MEMRESV_GENL_NAME);
