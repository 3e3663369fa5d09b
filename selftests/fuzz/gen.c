// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from the spec's tables (see fuzz.h).
 *
 * A request starts valid: a command of the family, with attributes its
 * policy takes, of the right type and mostly within the checks the spec
 * gives.  What the fuzzer knows beyond the tables is keyed by attribute
 * name and only helps requests get past the first refusals: a cgroup is a
 * group of the pool, a hold key is one the actors share, sizes are around
 * the host's capacity and a start asks for minimum <= startup <= maximum.
 * An attribute the fuzzer knows nothing about is drawn from its type and
 * checks alone, so a command or attribute added to the spec is fuzzed as
 * it is.
 *
 * Then, for mutated requests, the attributes and the message are bent:
 * values out of range, wrong lengths, strings without their NUL or too
 * long, unknown and misplaced attributes, nesting and byte-order flags,
 * duplicates, a nest of garbage; the generic netlink header's version and
 * command; the netlink flags (a dump of a command that has none, no ACK);
 * a message cut short or claiming more than was sent; several messages in
 * one datagram.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fuzz.h"

#define GEN_ATTRS	48
#define GEN_PAYLOAD	(8 * 1024)

/* One attribute before it is laid out. */
struct gen_attr {
	uint16_t type;		/* with NLA_F_* bits */
	uint16_t len;		/* payload */
	uint8_t *data;
};

struct gen_msg {
	struct gen_attr a[GEN_ATTRS];
	int n;
	uint8_t payload[GEN_PAYLOAD];
	size_t used;
};

static uint8_t *gen_room(struct gen_msg *m, size_t len)
{
	uint8_t *p;

	if (m->used + len > sizeof(m->payload))
		return NULL;
	p = m->payload + m->used;
	m->used += len;
	return p;
}

static void gen_put(struct gen_msg *m, uint16_t type, const void *data,
		    size_t len)
{
	uint8_t *p;

	if (m->n >= GEN_ATTRS || len > 0xffff - NLA_HDRLEN)
		return;
	p = gen_room(m, len);
	if (!p)
		return;
	if (len)
		memcpy(p, data, len);
	m->a[m->n++] = (struct gen_attr){ type, len, p };
}

static void gen_put_int(struct gen_msg *m, uint16_t type, uint64_t v,
			size_t width)
{
	uint8_t u8 = v;
	uint16_t u16 = v;
	uint32_t u32 = v;

	switch (width) {
	case 1:
		gen_put(m, type, &u8, 1);
		break;
	case 2:
		gen_put(m, type, &u16, 2);
		break;
	case 4:
		gen_put(m, type, &u32, 4);
		break;
	default:
		gen_put(m, type, &v, 8);
		break;
	}
}

/* The type of attribute @type (NLA_F_* bits and all), if the set has it. */
static uint8_t attr_kind(int type)
{
	type &= NLA_TYPE_MASK;
	if (type < 1 || type > fz_attr_max || !fz_attrs[type].name)
		return FZ_BINARY;
	return fz_attrs[type].kind;
}

static bool fz_in_magic(uint64_t v)
{
	return v >= FZ_MAGIC && v < FZ_MAGIC + FZ_MAGIC_PAGES * 4096ULL;
}

/**
 * fz_gen_size() - a size as requests give them
 * @r: the generator
 *
 * Mostly whole pages around the host's capacity, sometimes not aligned,
 * sometimes at the edges of what the spec takes.  Never one of the chaos
 * actor's recognisable values.
 *
 * Return: bytes.
 */
uint64_t fz_gen_size(struct fz_rand *r)
{
	static const uint64_t edges[] = {
		0, 1, 4095, 4096, 4097, 1ULL << 20, (1ULL << 52),
		(1ULL << 52) + 1, (1ULL << 52) - 4095, UINT64_MAX,
		UINT64_MAX - 4095, 1ULL << 63,
	};
	uint64_t cap = fz_capacity ? fz_capacity : 1ULL << 30, v;

	switch (fz_below(r, 10)) {
	case 0:
	case 1:
	case 2:
		v = (1 + fz_below(r, 16384)) * 4096;		/* <= 64 MiB */
		break;
	case 3:
	case 4:
		v = (1 + fz_below(r, 256)) << 20;		/* <= 256 MiB */
		break;
	case 5:
		v = (1 + fz_below(r, cap >> 21)) << 20;		/* <= cap / 2 */
		break;
	case 6:
		v = (1 + fz_below(r, (cap >> 20) * 3 / 2)) << 20; /* <= 1.5 cap */
		break;
	case 7:
		v = fz_below(r, 2) ? cap : cap - cap / 8;
		v = v / 4096 * 4096 + (fz_below(r, 3) - 1) * 4096;
		break;
	case 8:
		v = edges[fz_below(r, sizeof(edges) / sizeof(edges[0]))];
		break;
	default:
		v = fz_below(r, 64ULL << 20);			/* unaligned */
		break;
	}
	if (fz_in_magic(v))
		v += 1ULL << 30;
	return v;
}

/* An integer for an attribute: within its checks mostly, else at or past
 * their edges. */
static uint64_t gen_int(struct fz_rand *r, const struct fz_attr *at)
{
	uint64_t lo = at->min, hi = at->max, v;
	int w = fz_kind_len(at->kind);
	uint64_t tmax = w == 8 ? UINT64_MAX : (1ULL << (8 * w)) - 1;

	if (at->enum_max >= 0 && !at->checked) {
		lo = 0;
		hi = at->enum_max;
	}
	switch (fz_below(r, 10)) {
	case 0:
		v = lo;
		break;
	case 1:
		v = hi;
		break;
	case 2:
		v = fz_chance(r, 50) ? lo - 1 : hi + 1;
		break;
	case 3:
		v = fz_chance(r, 50) ? 0 : tmax;
		break;
	default:
		v = lo + fz_below(r, hi - lo + 1 ? hi - lo + 1 : UINT64_MAX);
		break;
	}
	return v & tmax;
}

/* A string of @len characters from @set, with its NUL. */
static void gen_str(struct fz_rand *r, char *buf, size_t len, const char *set)
{
	size_t n = strlen(set), i;

	for (i = 0; i < len; i++)
		buf[i] = set[fz_below(r, n)];
	buf[len] = '\0';
}

/* Paths that name nothing, or nothing the actor may name. */
static const char *const odd_paths[] = {
	"", "/", ".", "..", "../..", "/sys/fs/cgroup", FZ_TOP "/", FZ_TOP "//",
	FZ_TOP "/../" FZ_TOP, FZ_TOP "/nosuch", "nosuch/at/all",
	FZ_TOP "/g0/memory.max", "\xff\xfe", "init.scope",
};

/*
 * A path of slashes names the root of the reader's cgroup namespace.  For
 * the actor in a cgroup namespace that is a group it lives in: reserved
 * with a small target, the actor would throttle itself.
 */
static const char *gen_not_own_root(const struct fz_gen *g, const char *p)
{
	if (g->role == FZ_ROOT_CGNS && strspn(p, "/") == strlen(p))
		return "nosuch";
	return p;
}

static void gen_cgroup(struct fz_gen *g, struct gen_msg *m, uint16_t type)
{
	static char buf[4200];
	const char *p;
	size_t len;

	if (g->npaths && !fz_chance(g->r, 10)) {
		p = g->paths[fz_below(g->r, g->npaths)];
	} else if (fz_chance(g->r, 50)) {
		p = odd_paths[fz_below(g->r, sizeof(odd_paths) /
				       sizeof(odd_paths[0]))];
	} else {
		/* Long ones: at the policy's limit, and just past it. */
		len = fz_chance(g->r, 50) ? fz_below(g->r, 300) :
		      4094 + fz_below(g->r, 4);
		gen_str(g->r, buf, len, "abc/");
		p = buf;
	}
	p = gen_not_own_root(g, p);
	gen_put(m, type, p, strlen(p) + 1);
}

/* The id of one of the actor's groups, or of none. */
static void gen_cgroup_id(struct fz_gen *g, struct gen_msg *m, uint16_t type)
{
	uint64_t id = 0;
	char path[4200];
	struct stat st;

	if (fz_chance(g->r, 85)) {
		int i;

		do
			i = fz_below(g->r, fz_pool.n);
		while (!fz_pool.named[i]);
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s",
			 fz_pool.path[i]);
		if (!stat(path, &st))
			id = st.st_ino;
	} else {
		id = fz_chance(g->r, 50) ? fz_below(g->r, 4) : fz_next(g->r);
	}
	gen_put(m, type, &id, 8);
}

static void gen_key(struct fz_gen *g, struct gen_msg *m, uint16_t type,
		    const struct fz_attr *at)
{
	char buf[200];
	size_t len;

	if (fz_chance(g->r, 90)) {
		const char *k = fz_keys[fz_below(g->r, FZ_KEYS)];

		gen_put(m, type, k, strlen(k) + 1);
		return;
	}
	len = fz_below(g->r, at->max_len + 3);
	gen_str(g->r, buf, len, "0123456789abcdef-");
	gen_put(m, type, buf, len + 1);
}

/* One attribute of @type, by what the fuzzer knows of its name and what
 * the spec says of its type. */
static void gen_attr(struct fz_gen *g, struct gen_msg *m, int type)
{
	const struct fz_attr *at = &fz_attrs[type];
	char buf[300];
	size_t len;

	if (!strcmp(at->name, "cgroup")) {
		gen_cgroup(g, m, type);
		return;
	}
	if (!strcmp(at->name, "cgroup-id")) {
		gen_cgroup_id(g, m, type);
		return;
	}
	if (!strcmp(at->name, "hold-key")) {
		gen_key(g, m, type, at);
		return;
	}
	switch (at->kind) {
	case FZ_FLAG:
		gen_put(m, type, NULL, 0);
		return;
	case FZ_STRING:
	case FZ_BINARY:
		len = fz_below(g->r, at->max_len ? at->max_len + 2 : 200);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		gen_str(g->r, buf, len, "abcdefgh/-_.0123456789");
		gen_put(m, type, buf, len + (at->kind == FZ_STRING));
		return;
	case FZ_PAD:
		gen_put(m, type, NULL, 0);
		return;
	}
	/* Sizes: 64-bit attributes the spec lets reach petabytes. */
	if (at->kind == FZ_U64 && at->checked && at->max >= (1ULL << 40) &&
	    !fz_chance(g->r, 10)) {
		gen_put_int(m, type, fz_gen_size(g->r), 8);
		return;
	}
	gen_put_int(m, type, gen_int(g->r, at), fz_kind_len(at->kind));
}

/* Re-draw minimum, startup and maximum in order, where all three are. */
static void gen_order(struct fz_gen *g, struct gen_msg *m)
{
	int smin = fz_attr_by_name("minimum"), sup = fz_attr_by_name("startup");
	int smax = fz_attr_by_name("maximum");
	uint64_t v[3], t;
	struct gen_attr *a[3] = {};
	int i, j;

	for (i = 0; i < m->n; i++) {
		if (m->a[i].type == smin)
			a[0] = &m->a[i];
		else if (m->a[i].type == sup)
			a[1] = &m->a[i];
		else if (m->a[i].type == smax)
			a[2] = &m->a[i];
	}
	if (!a[0] || !a[1] || !a[2])
		return;
	for (i = 0; i < 3; i++) {
		do
			v[i] = (1 + fz_below(g->r, 64)) << 20;
		while (fz_chance(g->r, 30) &&
		       (v[i] = fz_gen_size(g->r)) > fz_capacity * 2);
	}
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (v[j] < v[i]) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
			}
	for (i = 0; i < 3; i++)
		if (a[i]->len == 8)
			memcpy(a[i]->data, &v[i], 8);
}

/*
 * How likely a request of @c carries attribute @t: a group by path or by
 * id (one of them, mostly), the key of a hold for the hold commands, the
 * rest as they come.
 */
static unsigned int gen_odds(struct fz_gen *g, const struct fz_cmd *c,
			     int t, int name)
{
	if (t == fz_attr_by_name("cgroup"))
		return name < 75 || name >= 90 ? 100 : 0;
	if (t == fz_attr_by_name("cgroup-id"))
		return name >= 75 && name < 95 ? 100 : 0;
	if (t == fz_attr_by_name("hold-key"))
		return strncmp(c->name, "hold-", 5) ? 15 : 95;
	return g->role == FZ_ROOT_VALID ? 70 : 55;
}

static struct gen_attr *gen_find(struct gen_msg *m, int type)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->a[i].type == type)
			return &m->a[i];
	return NULL;
}

/*
 * A hold is taken over by a resv-new that asks for what was held: the
 * generator remembers the sizes of each key's last hold-new, and a
 * resv-new naming the key mostly asks for them.
 */
static void gen_hold_sizes(struct fz_gen *g, struct gen_msg *m,
			   const struct fz_cmd *c)
{
	const char *names[3] = { "startup", "minimum", "maximum" };
	struct gen_attr *key = gen_find(m, fz_attr_by_name("hold-key"));
	bool take = fz_chance(g->r, 80);
	struct gen_attr *a;
	int k, i;

	if (!key || !key->len)
		return;
	for (k = 0; k < FZ_KEYS; k++)
		if (strlen(fz_keys[k]) + 1 == key->len &&
		    !memcmp(fz_keys[k], key->data, key->len))
			break;
	if (k == FZ_KEYS)
		return;
	for (i = 0; i < 3; i++) {
		a = gen_find(m, fz_attr_by_name(names[i]));
		if (!a || a->len != 8)
			return;
		if (!strcmp(c->name, "hold-new"))
			memcpy(&g->held[k][i], a->data, 8);
		else if (g->held[k][i] && take)
			memcpy(a->data, &g->held[k][i], 8);
	}
}

/* The attributes of a request for @c. */
static void gen_request(struct fz_gen *g, struct gen_msg *m,
			const struct fz_cmd *c, bool dump)
{
	int name = fz_below(g->r, 100);
	const uint16_t *t;

	/* A dump takes no attributes, mostly. */
	if (dump && !fz_chance(g->r, 10))
		return;
	for (t = c->request; *t; t++)
		if (fz_chance(g->r, gen_odds(g, c, *t, name)))
			gen_attr(g, m, *t);
	if (!g->mutate || fz_chance(g->r, 60))
		gen_order(g, m);
	gen_hold_sizes(g, m, c);
}

/* Bend one attribute, or add one that does not belong. */
static void gen_mutate_attr(struct fz_gen *g, struct gen_msg *m)
{
	struct fz_rand *r = g->r;
	struct gen_attr *a = m->n ? &m->a[fz_below(r, m->n)] : NULL;
	uint8_t junk[64];
	uint64_t v;
	size_t i;
	int type;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = fz_next(r);
	switch (fz_below(r, 12)) {
	case 0:		/* a length the type does not have */
		if (!a)
			break;
		i = (uint16_t[]){ 0, 1, 2, 3, 4, 5, 7, 9, 12,
				  16 }[fz_below(r, 10)];
		a->data = gen_room(m, i);
		if (a->data)
			memcpy(a->data, junk, i);
		a->len = a->data ? i : 0;
		break;
	case 1:		/* any value */
		if (a && a->len >= 8) {
			v = fz_chance(r, 50) ? fz_next(r) : UINT64_MAX;
			memcpy(a->data, &v, 8);
		} else if (a && a->len) {
			memcpy(a->data, junk, a->len > 64 ? 64 : a->len);
		}
		break;
	case 2:		/* a string without its NUL */
		if (a && a->len && attr_kind(a->type) == FZ_STRING)
			a->data[a->len - 1] = 'x';
		break;
	case 3:		/* a NUL in the middle */
		if (a && a->len > 2)
			a->data[fz_below(r, a->len - 1)] = '\0';
		break;
	case 4:		/* nesting and byte-order flags */
		if (a)
			a->type |= fz_chance(r, 50) ? NLA_F_NESTED :
						      NLA_F_NET_BYTEORDER;
		break;
	case 5:		/* an attribute the set does not have */
		type = (int[]){ 0, fz_attr_max + 1, fz_attr_max + 7, 0x3fff,
				255 }[fz_below(r, 5)];
		gen_put(m, type, junk, fz_below(r, 16));
		break;
	case 6:		/* one of the set that this command does not take */
		type = 1 + fz_below(r, fz_attr_max);
		gen_attr(g, m, type);
		break;
	case 7:		/* the same attribute twice */
		if (a)
			gen_put(m, a->type, a->data, a->len);
		break;
	case 8:		/* a nest of garbage */
		type = 1 + fz_below(r, fz_attr_max);
		gen_put(m, type | NLA_F_NESTED, junk,
			4 * fz_below(r, 16));
		break;
	case 9:		/* a padding attribute */
		gen_put(m, fz_attr_by_name("pad"), junk, fz_below(r, 12));
		break;
	case 10:	/* one left out */
		if (a)
			*a = m->a[--m->n];
		break;
	default:	/* a value at the edge of its checks */
		if (a) {
			int t = a->type & NLA_TYPE_MASK;

			if (t > 0 && t <= fz_attr_max &&
			    fz_kind_len(attr_kind(t)) == a->len) {
				v = fz_chance(r, 50) ? fz_attrs[t].min - 1 :
						       fz_attrs[t].max + 1;
				memcpy(a->data, &v, a->len);
			}
		}
		break;
	}
}

/* Lay @m out after the headers at @buf; returns the bytes used. */
static size_t gen_layout(const struct gen_msg *m, uint8_t *buf, size_t size)
{
	size_t off = 0, alen;
	struct nlattr *nla;
	int i;

	for (i = 0; i < m->n; i++) {
		alen = NLA_HDRLEN + m->a[i].len;
		if (off + NLA_ALIGN(alen) > size)
			break;
		nla = (struct nlattr *)(buf + off);
		nla->nla_type = m->a[i].type;
		nla->nla_len = alen;
		if (m->a[i].len)
			memcpy(buf + off + NLA_HDRLEN, m->a[i].data,
			       m->a[i].len);
		memset(buf + off + alen, 0, NLA_ALIGN(alen) - alen);
		off += NLA_ALIGN(alen);
	}
	return off;
}

/* The command of the next request: one of the family's, or not. */
static const struct fz_cmd *gen_pick_cmd(struct fz_gen *g)
{
	const struct fz_cmd *c;

	do
		c = &fz_cmds[fz_below(g->r, fz_ncmds)];
	while (c->event || (!c->has_do && !c->has_dump));
	return c;
}

/* One message at @buf; returns its length as sent. */
static size_t gen_message(struct fz_gen *g, struct fz_sock *s, uint8_t *buf,
			  size_t size, struct fz_req *req)
{
	static struct gen_msg m;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	const struct fz_cmd *c = gen_pick_cmd(g);
	struct fz_rand *r = g->r;
	bool dump = c->has_dump && (!c->has_do || fz_chance(r, 30));
	size_t len, k = req->n;
	bool cut = false;
	int i, bends;

	if (size < NLMSG_LENGTH(GENL_HDRLEN) + 64)
		return 0;
	m.n = 0;
	m.used = 0;
	gen_request(g, &m, c, dump);
	bends = g->mutate && fz_chance(r, 60) ? 1 + fz_below(r, 3) : 0;
	for (i = 0; i < bends; i++)
		gen_mutate_attr(g, &m);

	memset(buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	len = gen_layout(&m, buf + NLMSG_LENGTH(GENL_HDRLEN),
			 size - NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + len;
	nlh->nlmsg_type = s->family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (!fz_chance(r, 10))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (dump)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	nlh->nlmsg_seq = ++s->seq;
	nlh->nlmsg_pid = fz_chance(r, 95) ? 0 : fz_next(r);
	gh->cmd = c->cmd;
	gh->version = fz_family_version;

	req->seq[k] = nlh->nlmsg_seq;
	req->framed[k] = true;
	if (g->mutate && fz_chance(r, 25)) {
		switch (fz_below(r, 8)) {
		case 0:		/* any command number */
			gh->cmd = fz_next(r);
			break;
		case 1:		/* any version, any reserved field */
			gh->version = fz_next(r);
			gh->reserved = fz_next(r);
			break;
		case 2:		/* a dump, or not */
			nlh->nlmsg_flags ^= NLM_F_DUMP;
			break;
		case 3:		/* other flags */
			nlh->nlmsg_flags |= (NLM_F_ECHO | NLM_F_EXCL |
					     NLM_F_CREATE | NLM_F_APPEND |
					     NLM_F_ATOMIC | NLM_F_MATCH) &
					    fz_next(r);
			break;
		case 4:		/* cut short, inside an attribute */
			if (len > 4) {
				nlh->nlmsg_len -= 1 + fz_below(r, len - 1);
				req->framed[k] = false;
				cut = true;
			}
			break;
		case 5:		/* claims more than it has */
			nlh->nlmsg_len += 4 + fz_below(r, 64);
			req->framed[k] = false;
			break;
		case 6:		/* no room for the generic header */
			nlh->nlmsg_len = NLMSG_HDRLEN + fz_below(r, GENL_HDRLEN);
			req->framed[k] = false;
			cut = true;
			break;
		default:	/* attributes that run past the message */
			if (len >= NLA_HDRLEN) {
				struct nlattr *a = (void *)(buf +
					NLMSG_LENGTH(GENL_HDRLEN));

				a->nla_len += 4 + fz_below(r, 256);
			}
			break;
		}
	}
	req->cmd[k] = gh->cmd;
	req->dump[k] = nlh->nlmsg_flags & NLM_F_DUMP;
	req->ack[k] = nlh->nlmsg_flags & NLM_F_ACK;
	req->n++;
	len = NLMSG_LENGTH(GENL_HDRLEN) + len;
	/*
	 * A message cut short ends the datagram where its header says: bytes
	 * after it would be read as another message, of any family.
	 */
	if (cut)
		return nlh->nlmsg_len;
	return req->framed[k] ? NLMSG_ALIGN(nlh->nlmsg_len) : len;
}

/**
 * fz_gen_datagram() - the next datagram of requests
 * @g: the actor's generator
 * @s: the socket it goes to (family, sequence numbers)
 * @buf: where to build it
 * @size: room at @buf
 * @req: what was sent, for the checks of the replies
 *
 * Mostly one message; now and then up to four in one datagram (netlink
 * handles them in turn).  A message cut short ends the datagram.
 *
 * Return: the datagram's length.
 */
size_t fz_gen_datagram(struct fz_gen *g, struct fz_sock *s, uint8_t *buf,
		       size_t size, struct fz_req *req)
{
	int want = g->mutate && fz_chance(g->r, 8) ? 2 + fz_below(g->r, 3) : 1;
	size_t off = 0, len;

	memset(req, 0, sizeof(*req));
	while (req->n < want) {
		len = gen_message(g, s, buf + off, size - off, req);
		if (!len)
			break;
		off += len;
		if (!req->framed[req->n - 1])
			break;
	}
	return off;
}
