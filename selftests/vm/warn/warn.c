// SPDX-License-Identifier: GPL-2.0
/*
 * memresv_warn: a module whose only job is to WARN when it is loaded.  The
 * VM runner's self-test loads it to prove that a kernel report fails a run
 * even when the command itself succeeds.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init memresv_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit memresv_warn_exit(void)
{
}

module_init(memresv_warn_init);
module_exit(memresv_warn_exit);

MODULE_DESCRIPTION("memresv VM runner self-test: WARN on load");
MODULE_LICENSE("GPL");
