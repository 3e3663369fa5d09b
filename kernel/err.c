// SPDX-License-Identifier: GPL-2.0
/*
 * memresv: saying why a request was refused (err.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "err.h"

/**
 * memresv_err() - say why, if anyone asks
 * @e: where the reason goes, or NULL
 * @fmt: printf format
 *
 * The text is cut at MEMRESV_ERR_LEN - 1 bytes, as NL_SET_ERR_MSG_FMT()
 * cuts it: say the numbers first.
 */
void memresv_err(struct memresv_err *e, const char *fmt, ...)
{
	va_list args;

	if (!e)
		return;
	va_start(args, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, args);
	va_end(args);
}

/**
 * memresv_err_bad() - say why, naming the setting at fault
 * @e: where the reason goes, or NULL
 * @bad: the MEMRESV_SET_* bit of the setting at fault
 * @fmt: printf format
 */
void memresv_err_bad(struct memresv_err *e, u32 bad, const char *fmt, ...)
{
	va_list args;

	if (!e)
		return;
	e->bad = bad;
	va_start(args, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, args);
	va_end(args);
}
