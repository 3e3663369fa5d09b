// SPDX-License-Identifier: GPL-2.0
/*
 * memresv tool: rate a request against a host's figures, and say why.
 *
 * One code path for this host and for snapshots: `memresv place` reads this
 * host's figures with HOST_GET, or a snapshot that `memresv host -j` wrote,
 * and rates them with memresv_policy_rate() from kernel/policy.c, the
 * function admission is built on.  The policy core gives figures only; the
 * sentences that explain them to a person are here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "json.h"
#include "rating.h"

/* Sizes in the explanation, in MiB rounded down. */
#define MIB(bytes)	((unsigned long long)((bytes) >> 20))

/**
 * rating_explain() - one sentence that explains a rating
 * @h: the host figures that were rated
 * @req: the request that was rated
 * @rt: the rating, from memresv_policy_rate()
 * @buf: where to write the sentence
 * @len: size of @buf
 *
 * Sizes are in MiB, rounded down.
 *
 * Return: @buf.
 */
char *rating_explain(const struct host_info *h,
		     const struct place_request *req,
		     const struct memresv_rating *rt, char *buf, size_t len)
{
	switch (rt->fit) {
	case MEMRESV_FIT_FREE:
		snprintf(buf, len, "startup %llu MiB fits in %llu MiB free",
			 MIB(req->startup), MIB(rt->free));
		return buf;
	case MEMRESV_FIT_RECLAIM:
		snprintf(buf, len, "startup %llu MiB fits once %llu MiB is reclaimed from other reservations",
			 MIB(req->startup), MIB(rt->reclaim));
		return buf;
	case MEMRESV_FIT_PAGING:
		snprintf(buf, len, "minimum %llu MiB guaranteed, %llu MiB physical, %llu MiB from the swap tier",
			 MIB(req->minimum), MIB(rt->physical), MIB(rt->grant));
		return buf;
	default:
		break;
	}
	switch (rt->limit) {
	case MEMRESV_LIMIT_CAPACITY:
		snprintf(buf, len, "host has no capacity for reservations");
		break;
	case MEMRESV_LIMIT_OVERCOMMIT:
		snprintf(buf, len, "host overcommitted: %llu MiB guaranteed exceeds its %llu MiB capacity",
			 MIB(h->guaranteed), MIB(h->capacity));
		break;
	case MEMRESV_LIMIT_REQUEST:
		snprintf(buf, len, "minimum %llu MiB exceeds startup %llu MiB",
			 MIB(req->minimum), MIB(req->startup));
		break;
	case MEMRESV_LIMIT_STARTUP:
		snprintf(buf, len, "startup %llu MiB exceeds the %llu MiB physically available; SCVMM policy rates 0",
			 MIB(req->startup), MIB(rt->available));
		break;
	case MEMRESV_LIMIT_MINIMUM:
		snprintf(buf, len, "minimum %llu MiB exceeds the %llu MiB physically available",
			 MIB(req->minimum), MIB(rt->available));
		break;
	default:
		snprintf(buf, len, "startup %llu MiB needs %llu MiB from the swap tier, which has %llu MiB left",
			 MIB(req->startup), MIB(req->startup - rt->available),
			 MIB(rt->tier_left));
		break;
	}
	return buf;
}

/**
 * rating_rate() - rate a request against one host's figures
 * @h: the host; needs the HOST_RATING fields
 * @req: the request
 * @res: fit, stars and reason; @res->host becomes a copy of @h, and
 *	@res->name NULL (the caller names a snapshot)
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
	rating_explain(h, req, &rating, res->reason, sizeof(res->reason));
	res->host = *h;
	res->name = NULL;
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
