/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: parsing of command-line values.
 */
#ifndef MEMRESV_PARSE_H
#define MEMRESV_PARSE_H

#include <stddef.h>
#include <stdint.h>

int parse_size(const char *s, uint64_t *out);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_name(int set, const char *s, uint8_t *out);
int cgroup_mount_find(const char *mountinfo, char *buf, size_t len);
int cgroup_normalize(const char *in, const char *mount, char *out, size_t len,
		     const char **why);
int cgroup_resolve(const char *in, char *out, size_t len, const char **why);
int cgroup_relative_check(const char *path, const char **why);

#endif /* MEMRESV_PARSE_H */
