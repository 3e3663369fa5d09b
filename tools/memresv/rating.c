// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: rate a request against host snapshots without a kernel.
 *
 * The rating is memresv_policy_rate() from kernel/policy.c, the function the
 * module's PLACE command calls, so a snapshot taken with `memresv host -j`
 * rates exactly as the live host did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "json.h"
#include "rating.h"

/**
 * rating_rate() - rate a request against one host's figures
 * @h: the host; needs the HOST_RATING fields
 * @req: the request
 * @res: fit, stars and reason; @res->host becomes a copy of @h
 */
void rating_rate(const struct host_info *h, const struct place_request *req,
		 struct place_result *res)
{
	struct memresv_host_figures fig = {
		.capacity = h->capacity,
		.guaranteed = h->guaranteed,
		.assigned = h->assigned,
		.reclaimable = h->reclaimable,
		.paging_limit = h->paging_limit,
		.paging_used = h->paging_used,
	};
	/*
	 * A what-if asks whether the host could start the request at all;
	 * a paging fit is reported (with fewer stars) and the user decides
	 * whether to add it with --paging always or --force.
	 */
	struct memresv_request mreq = {
		.startup = req->startup,
		.minimum = req->minimum,
		.maximum = req->maximum,
		.paging_allowed = true,
	};
	struct memresv_rating rating;

	memset(&rating, 0, sizeof(rating));
	memresv_policy_rate(&fig, &mreq, (enum memresv_place_policy)req->policy,
			    &rating);
	res->fit = (uint8_t)rating.fit;
	res->stars = rating.stars;
	snprintf(res->reason, sizeof(res->reason), "%s", rating.reason);
	res->host = *h;
}

/**
 * rating_load_host() - read a host snapshot (HOST.json)
 * @path: the file, as `memresv host -j` writes it; "-" is standard input
 * @h: the figures
 * @err: on error, what is wrong
 * @errlen: size of @err
 *
 * Keys other than the ledger's are ignored, so a snapshot may be annotated;
 * the fields the rating needs must all be there.
 *
 * Return: 0 or a negative errno.
 */
int rating_load_host(const char *path, struct host_info *h, char *err,
		     size_t errlen)
{
	char why[JSON_ERR_LEN];
	json_object *obj;
	size_t len, i;
	char *text;
	int ret;

	ret = json_read_file(path, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	obj = json_parse_text(text, len, err, errlen);
	free(text);
	if (!obj)
		return -EINVAL;
	ret = host_from_json(obj, h, UINT32_MAX, false, why, sizeof(why));
	json_object_put(obj);
	if (ret) {
		snprintf(err, errlen, "%s", why);
		return ret;
	}
	for (i = 0; i < host_nfields; i++) {
		const struct field *f = &host_fields[i];

		if (((HOST_RATING >> f->bit) & 1u) && !HAS(h, f->bit)) {
			snprintf(err, errlen, "'%s' is missing", f->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int fit_rank(uint8_t fit)
{
	switch (fit) {
	case MEMRESV_FIT_FREE:
		return 3;
	case MEMRESV_FIT_RECLAIM:
		return 2;
	case MEMRESV_FIT_PAGING:
		return 1;
	default:
		return 0;
	}
}

/* Better first: more stars, then a better fit, then more free memory. */
static int rating_cmp(const struct place_result *a,
		      const struct place_result *b)
{
	uint64_t fa, fb;

	if (a->stars != b->stars)
		return a->stars > b->stars ? -1 : 1;
	if (fit_rank(a->fit) != fit_rank(b->fit))
		return fit_rank(a->fit) > fit_rank(b->fit) ? -1 : 1;
	fa = a->host.capacity > a->host.assigned ?
		a->host.capacity - a->host.assigned : 0;
	fb = b->host.capacity > b->host.assigned ?
		b->host.capacity - b->host.assigned : 0;
	if (fa != fb)
		return fa > fb ? -1 : 1;
	return 0;
}

/**
 * rating_rank() - order ratings best first
 * @res: the ratings
 * @n: how many
 *
 * Stable: hosts that rate the same keep the order they were given in.
 */
void rating_rank(struct place_result *res, size_t n)
{
	size_t i, j;

	/* Insertion sort: stable, and a scheduler's host list is short. */
	for (i = 1; i < n; i++) {
		struct place_result cur = res[i];

		for (j = i; j > 0 && rating_cmp(&cur, &res[j - 1]) < 0; j--)
			res[j] = res[j - 1];
		res[j] = cur;
	}
}
