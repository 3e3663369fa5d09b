// SPDX-License-Identifier: GPL-2.0
/*
 * Look-ups in the tables generated from the spec (see spec.h).
 */
#include <stddef.h>
#include <string.h>

#include "spec.h"

/**
 * fz_cmd_by_number() - the operation of a command number
 * @cmd: the number
 *
 * Return: the operation, or NULL when the family has none of that number.
 */
const struct fz_cmd *fz_cmd_by_number(uint8_t cmd)
{
	int i;

	for (i = 0; i < fz_ncmds; i++)
		if (fz_cmds[i].cmd == cmd)
			return &fz_cmds[i];
	return NULL;
}

/**
 * fz_attr_by_name() - an attribute's number from its name in the spec
 * @name: the name
 *
 * Return: the number, or -1 when the spec has no such attribute.
 */
int fz_attr_by_name(const char *name)
{
	int i;

	for (i = 1; i <= fz_attr_max; i++)
		if (fz_attrs[i].name && !strcmp(fz_attrs[i].name, name))
			return i;
	return -1;
}

/**
 * fz_list_has() - is an attribute in a 0-terminated list?
 * @list: the list
 * @attr: the attribute
 *
 * Return: true when it is.
 */
bool fz_list_has(const uint16_t *list, int attr)
{
	for (; *list; list++)
		if (*list == attr)
			return true;
	return false;
}

/**
 * fz_kind_len() - the payload length of an integer kind
 * @kind: FZ_U8 .. FZ_S64
 *
 * Return: its length in bytes, 0 for a kind that is not an integer.
 */
size_t fz_kind_len(uint8_t kind)
{
	switch (kind) {
	case FZ_U8:
		return 1;
	case FZ_U16:
		return 2;
	case FZ_U32:
	case FZ_S32:
		return 4;
	case FZ_U64:
	case FZ_S64:
		return 8;
	}
	return 0;
}
