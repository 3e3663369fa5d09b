/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The family as the fuzzer sees it: tables generated from the netlink spec
 * at build time (fuzzgen.py writes build/fuzz/fuzz-spec.c).  Nothing here
 * names a command or an attribute: what the fuzzer knows of the family
 * beyond these tables is in gen.c, by attribute name, and only to make
 * requests that get past the first checks.
 */
#ifndef _MEMRESV_FUZZ_SPEC_H
#define _MEMRESV_FUZZ_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An attribute's type in the spec. */
enum fz_kind {
	FZ_PAD,
	FZ_FLAG,
	FZ_U8,
	FZ_U16,
	FZ_U32,
	FZ_U64,
	FZ_S32,
	FZ_S64,
	FZ_STRING,
	FZ_BINARY,
};

/**
 * struct fz_attr - one attribute of the family's attribute set
 * @name: its name in the spec, NULL for an id the set does not use
 * @kind: its type
 * @checked: the spec gives it a min or a max
 * @min: the smallest value the policy takes (the type's, unchecked)
 * @max: the largest
 * @max_len: a string's longest length without its NUL, 0 if unchecked
 * @enum_min: the first value of its enum
 * @enum_max: the last value of its enum, -1 when it names none
 */
struct fz_attr {
	const char *name;
	uint8_t kind;
	bool checked;
	uint64_t min;
	uint64_t max;
	uint32_t max_len;
	int enum_min;
	int enum_max;
};

/**
 * struct fz_cmd - one operation of the family
 * @name: its name in the spec
 * @cmd: its command number
 * @has_do: it has a do (a request handled at once)
 * @has_dump: it has a dump
 * @admin: admin-perm: a change, for CAP_SYS_ADMIN in the initial user
 *	namespace alone
 * @event: a notification, not a request
 * @request: the attributes its request takes, 0-terminated
 * @do_reply: the attributes a do's reply may carry, 0-terminated
 * @dump_reply: the attributes a dump's messages may carry
 * @event_attrs: the attributes an event may carry
 */
struct fz_cmd {
	const char *name;
	uint8_t cmd;
	bool has_do;
	bool has_dump;
	bool admin;
	bool event;
	const uint16_t *request;
	const uint16_t *do_reply;
	const uint16_t *dump_reply;
	const uint16_t *event_attrs;
};

extern const struct fz_attr fz_attrs[];
extern const struct fz_cmd fz_cmds[];
extern const int fz_ncmds;
extern const char *const fz_mcgrps[];
extern const char fz_family_name[];
extern const int fz_family_version;
extern const int fz_attr_max;

const struct fz_cmd *fz_cmd_by_number(uint8_t cmd);
int fz_attr_by_name(const char *name);
bool fz_list_has(const uint16_t *list, int attr);
size_t fz_kind_len(uint8_t kind);

#endif /* _MEMRESV_FUZZ_SPEC_H */
