/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup files by hand, as an administrator's tool would do it: open, read
 * or write, close.  The selftests check what memresv did to a group through
 * them, and the benchmarks use them as the baselines memresv is measured
 * against, so they do nothing more than that.  Plain C: no test harness,
 * no netlink.
 */
#ifndef _MEMRESV_TEST_CGFILE_H
#define _MEMRESV_TEST_CGFILE_H

#include <stddef.h>
#include <stdint.h>

#define CG_ROOT	"/sys/fs/cgroup"
#define MiB	(1ULL << 20)

void cg_path(char *buf, size_t len, const char *cg, const char *file);
int cg_write(const char *cg, const char *file, const char *val);
int cg_read(const char *cg, const char *file, char *buf, size_t len);
uint64_t cg_u64(const char *cg, const char *file);
uint64_t cg_key(const char *cg, const char *file, const char *key);
int cg_create(const char *cg);
int cg_enter(const char *cg);
int cg_rmdir(const char *cg);
void cg_destroy(const char *cg);
uint64_t cg_id(const char *cg);

#endif /* _MEMRESV_TEST_CGFILE_H */
