// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: place -- rate how well a request fits this host or a list
 * of host snapshots.  Both are the same path: figures (this host's from
 * HOST_GET, or a snapshot's from its file) rated by rating_rate().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "parse.h"
#include "rating.h"
#include "subcommands.h"

static void print_one(const struct place_result *p)
{
	const char *fit = name_of(NAMES_FIT, p->fit);
	char stars[16];

	printf("fit: %s\n", fit ? fit : "unknown");
	printf("stars: %s\n", format_stars(p->stars, stars, sizeof(stars)));
	printf("reason: %s\n", p->reason);
}

static int print_ranked(const struct place_result *res, size_t n)
{
	static const char * const heads[] = {
		"RANK", "HOST", "STARS", "FIT", "FREE", "REASON",
	};
	static const bool right[] = { true, false, true, false, true, false };
	char rank[24], stars[16], freebuf[SIZE_STR_LEN];
	const char *row[6];
	struct table t;
	size_t i;
	int ret = 0;

	table_init(&t, 6, heads, right);
	for (i = 0; i < n && !ret; i++) {
		const struct host_info *h = &res[i].host;
		const char *fit = name_of(NAMES_FIT, res[i].fit);

		snprintf(rank, sizeof(rank), "%zu", i + 1);
		row[0] = rank;
		row[1] = res[i].name;
		row[2] = format_stars(res[i].stars, stars, sizeof(stars));
		row[3] = fit ? fit : "unknown";
		row[4] = format_size(h->capacity > h->assigned ?
				     h->capacity - h->assigned : 0,
				     freebuf, sizeof(freebuf));
		row[5] = res[i].reason;
		ret = table_add(&t, row);
	}
	if (!ret)
		table_print(&t, stdout);
	table_free(&t);
	return ret;
}

/**
 * place_main() - memresv place --startup SIZE --min SIZE --max SIZE ...
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int place_main(int argc, char **argv)
{
	enum { OPT_STARTUP = 256, OPT_MIN, OPT_MAX, OPT_POLICY };
	static const struct option opts[] = {
		{ "startup", required_argument, NULL, OPT_STARTUP },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct place_request req = { .policy = MEMRESV_POLICY_MINIMUM };
	struct place_result *res = NULL, one;
	unsigned int have = 0;
	char err[JSON_ERR_LEN];
	bool json = false;
	size_t n, i;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, ":j", opts, NULL)) != -1) {
		switch (c) {
		case OPT_STARTUP:
			ret = opt_size("place", "--startup", optarg,
				       &req.startup);
			break;
		case OPT_MIN:
			ret = opt_size("place", "--min", optarg, &req.minimum);
			break;
		case OPT_MAX:
			ret = opt_size("place", "--max", optarg, &req.maximum);
			break;
		case OPT_POLICY:
			if (parse_name(NAMES_POLICY, optarg, &req.policy))
				ret = usage_error("place", "invalid value '%s' for --policy (minimum or startup)",
						  optarg);
			break;
		case 'j':
			json = true;
			break;
		default:
			return bad_option("place", c, argv);
		}
		if (ret)
			return ret;
		if (c >= OPT_STARTUP && c <= OPT_MAX)
			have |= 1u << (c - OPT_STARTUP);
	}
	if (have != 7)
		return usage_error("place", "--startup, --min and --max are required");
	if (req.minimum > req.startup || req.startup > req.maximum)
		return usage_error("place", "need --min <= --startup <= --max");

	if (optind == argc) {
		struct host_info h;

		ret = ipc_host_get(&h);
		if (ret)
			return fail("place", NULL, ret);
		rating_rate(&h, &req, &one);
		if (json)
			return json_print(place_to_json(&one), stdout, true) ?
				fail("place", NULL, -ENOMEM) : 0;
		print_one(&one);
		return 0;
	}

	n = (size_t)(argc - optind);
	res = calloc(n, sizeof(*res));
	if (!res)
		return fail("place", NULL, -ENOMEM);
	for (i = 0; i < n; i++) {
		struct host_info h;
		const char *file = argv[optind + (int)i];

		if (rating_load_host(file, &h, err, sizeof(err))) {
			fprintf(stderr, "memresv: place: %s: %s\n", file, err);
			free(res);
			return 1;
		}
		rating_rate(&h, &req, &res[i]);
		res[i].name = file;
	}
	rating_rank(res, n);
	if (json) {
		json_object *arr = json_object_new_array();

		for (i = 0; arr && i < n; i++) {
			json_object *o = place_to_json(&res[i]);

			if (!o || json_object_array_add(arr, o)) {
				json_object_put(o);
				json_object_put(arr);
				arr = NULL;
			}
		}
		ret = json_print(arr, stdout, true);
	} else {
		ret = print_ranked(res, n);
	}
	free(res);
	return ret ? fail("place", NULL, ret) : 0;
}
