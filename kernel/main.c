// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: host-wide memory reservations for cgroup v2 groups — Hyper-V's
 * Dynamic Memory (startup, minimum, maximum, buffer, weight, smart paging)
 * on the memory controller.
 *
 * Start-up is an ordered ladder unwound in reverse; the netlink family comes
 * last, so nothing reaches the module before it is whole.  Each subsystem
 * has one init and one exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include <linux/memresv.h>

#include "balancer.h"
#include "cgfs.h"
#include "ledger.h"
#include "netlink.h"
#include "prot.h"
#include "resv.h"

static int __init memresv_init(void)
{
	struct memresv_host_info info;
	int err;

	memresv_ledger_init();
	err = memresv_cgfs_init();
	if (err)
		goto err_cgfs;
	err = memresv_resv_init();
	if (err)
		goto err_resv;
	memresv_balancer_init();
	err = memresv_nl_init();
	if (err)
		goto err_nl;
	mutex_lock(&memresv_lock);
	memresv_ledger_info(&info);
	mutex_unlock(&memresv_lock);
	pr_info("loaded: capacity %llu MiB, swap tier %llu MiB\n",
		info.capacity >> 20, info.paging_limit >> 20);
	return 0;

err_nl:
	memresv_balancer_exit();
	memresv_resv_exit();
err_resv:
	memresv_cgfs_exit();
err_cgfs:
	return err;
}

/*
 * Reservations go first, while the family is still registered, so that
 * listeners see every "removed (unload)"; new reservations are refused from
 * that point.  Unregistering the family waits for requests in flight and
 * lets no new one in; only then is the tick stopped (a HOST_SET could
 * re-arm it until then); the ancestors' files go back, and then the work
 * still queued drains.
 */
static void __exit memresv_exit(void)
{
	memresv_resv_stop();
	memresv_nl_exit();
	memresv_balancer_exit();
	memresv_prot_exit();
	memresv_resv_exit();
	memresv_cgfs_exit();
}

module_init(memresv_init);
module_exit(memresv_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Host-wide memory reservations for cgroup v2 groups");
MODULE_ALIAS_GENL_FAMILY(MEMRESV_GENL_NAME);
