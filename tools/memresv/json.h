/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: JSON output and input (json-c).
 */
#ifndef MEMRESV_JSON_H
#define MEMRESV_JSON_H

#include <stdio.h>
#include <json-c/json.h>

#include "model.h"

#define JSON_ERR_LEN	256

void json_array_push(json_object **arr, json_object *o);
json_object *resv_to_json(const struct resv_info *r);
json_object *host_to_json(const struct host_info *h);
json_object *place_to_json(const struct place_result *p);
json_object *event_to_json(const struct event_info *e);
json_object *config_to_json(const struct resv_config *cfg);

int resv_from_json(json_object *obj, struct resv_info *r, uint32_t allowed,
		   char *err, size_t errlen);
int host_from_json(json_object *obj, struct host_info *h, uint32_t allowed,
		   bool strict, char *err, size_t errlen);
json_object *json_parse_text(const char *text, size_t len, char *err,
			     size_t errlen);
int config_from_text(const char *text, size_t len, struct resv_config *cfg,
		     char *err, size_t errlen);
void config_free(struct resv_config *cfg);

int json_print(json_object *obj, FILE *out, bool pretty);
int json_read_file(const char *path, char **text, size_t *len);

#endif /* MEMRESV_JSON_H */
