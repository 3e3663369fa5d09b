/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: human output.
 */
#ifndef MEMRESV_FORMAT_H
#define MEMRESV_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define SIZE_STR_LEN	24

char *format_size(uint64_t bytes, char *buf, size_t len);
char *format_stars(uint32_t milli, char *buf, size_t len);
char *format_field(const void *obj, const struct field *f, char *buf,
		   size_t len);
void print_fields(FILE *out, const void *obj, const struct field *fields,
		  size_t n);
void event_explain(const struct event_info *ev, char *buf, size_t len);

/**
 * struct table - rows of text printed in aligned columns
 * @ncols: number of columns
 * @heads: column headings
 * @right: per column: align right (numbers) instead of left
 * @cells: @nrows * @ncols strings, row by row
 * @nrows: rows added so far
 */
struct table {
	size_t ncols;
	const char * const *heads;
	const bool *right;
	char **cells;
	size_t nrows;
};

void table_init(struct table *t, size_t ncols, const char * const *heads,
		const bool *right);
int table_add(struct table *t, const char * const *row);
void table_print(const struct table *t, FILE *out);
void table_free(struct table *t);

#endif /* MEMRESV_FORMAT_H */
