// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: place -- rate how well a request fits this host or a list
 * of host snapshots.  Both are the same path: figures (this host's from
 * HOST_GET, or a snapshot's from its file) rated by rating_rate().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "format.h"
#include "ipc.h"
#include "json.h"
#include "options.h"
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

struct place_flags {
	uint8_t policy;
	bool json;
};

static int place_extra(const char *cmd, int c, const char *arg, void *ctx)
{
	struct place_flags *pf = ctx;

	if (c == 'j') {
		pf->json = true;
		return 0;
	}
	return opt_name(cmd, "--policy", NAMES_POLICY, arg, &pf->policy);
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
	struct place_flags pf = { .policy = MEMRESV_POLICY_MINIMUM };
	struct place_result *res = NULL, one;
	struct resv_info r = { 0 };
	struct place_request req;
	char err[JSON_ERR_LEN];
	bool json;
	size_t n, i;
	int ret;

	ret = options_parse("place", &place_options, argc, argv, &r,
			    place_extra, &pf);
	if (!ret)
		ret = options_required("place", &place_options, &r);
	if (ret)
		return ret;
	req = (struct place_request){
		.startup = r.startup, .minimum = r.minimum,
		.maximum = r.maximum, .policy = pf.policy,
	};
	json = pf.json;
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

		for (i = 0; arr && i < n; i++)
			json_array_push(&arr, place_to_json(&res[i]));
		ret = json_print(arr, stdout, true);
	} else {
		ret = print_ranked(res, n);
	}
	free(res);
	return ret ? fail("place", NULL, ret) : 0;
}
