/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresvd: systemd-oomd's SwapUsedLimit= and the swap tier it leaves room
 * for.  Pure functions (files and numbers in, numbers out), so that the
 * host's unit tests (selftests/unit/oomd_conf_test.c) can run them.
 */
#ifndef MEMRESVD_OOMD_CONF_H
#define MEMRESVD_OOMD_CONF_H

#include <stddef.h>
#include <stdint.h>

/* systemd-oomd's SwapUsedLimit= when nothing sets it: 90%. */
#define OOMD_SWAP_LIMIT_DEFAULT	9000

/* Where systemd-oomd reads it, highest precedence first. */
#define OOMD_CONF_FILE		"/etc/systemd/oomd.conf"
#define OOMD_DROPIN_DIRS	{ "/etc/systemd/oomd.conf.d", \
				  "/run/systemd/oomd.conf.d", \
				  "/usr/local/lib/systemd/oomd.conf.d", \
				  "/usr/lib/systemd/oomd.conf.d", \
				  "/lib/systemd/oomd.conf.d" }

int oomd_parse_permyriad(const char *s);
int oomd_conf_text(char *text, int *permyriad);
int oomd_swap_limit(const char *root, char *from, size_t fromlen);
uint64_t oomd_tier_cap(int permyriad, uint64_t swap_total,
		       uint64_t swap_free, uint64_t tier_swap,
		       uint64_t paging_used);
uint64_t oomd_tier_target(uint64_t limit, uint64_t cap, uint64_t paging_used);

#endif /* MEMRESVD_OOMD_CONF_H */
