/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv-fuzz: a generic netlink fuzzer for the memresv family.
 *
 *   fuzz.c     options, the pool of groups, the coordinator: sequences of
 *              steps by several actors at once, and the checks between
 *   actor.c    the actors: processes as root, root in a cgroup namespace,
 *              nobody, CAP_NET_ADMIN alone, root of a user namespace; the
 *              chaos actor (groups removed and made again, workloads,
 *              another writer's values) and the listener
 *   gen.c      requests from the spec's tables, valid and mutated
 *   nlraw.c    a raw generic netlink socket: bytes in, messages out
 *   oracle.c   what must hold: replies and events as the spec says, no
 *              change without CAP_SYS_ADMIN, the ledger recounted, files
 *              given back
 *   spec.h     the family's tables, generated from the spec
 */
#ifndef _MEMRESV_FUZZ_H
#define _MEMRESV_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

struct nlmsghdr;

/* Where the pool lives, below the cgroup2 root. */
#define FZ_TOP		"mrfuzz"
/* Groups of the pool (leaves and parents), and the deep one. */
#define FZ_POOL_MAX	48
/* Hold keys the actors share. */
#define FZ_KEYS		8
/* The largest request the fuzzer builds. */
#define FZ_MSG_MAX	(16 * 1024)

/* Another writer's values (the chaos actor's) are recognisable: this, plus
 * fewer than FZ_MAGIC_PAGES pages. */
#define FZ_MAGIC	(7777ULL << 20)
#define FZ_MAGIC_PAGES	64

/* A pseudo-random generator per actor, seeded by the coordinator. */
struct fz_rand {
	uint64_t s;
};

static inline uint64_t fz_next(struct fz_rand *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static inline uint64_t fz_below(struct fz_rand *r, uint64_t n)
{
	return n ? fz_next(r) % n : 0;
}

/* True with probability pct percent. */
static inline bool fz_chance(struct fz_rand *r, unsigned int pct)
{
	return fz_below(r, 100) < pct;
}

/**
 * struct fz_groups - the groups the actors work on, and their ancestors
 * @path: each group's path below the cgroup2 root
 * @leaf: it holds no groups (a workload may run there, it may be removed
 *	and made again)
 * @named: the actors name it (else it is an ancestor memresv may write,
 *	checked after each clean-up)
 * @n: how many
 * @deep: index of the group whose path is nearly PATH_MAX long
 * @ns_root: the cgroup namespace root of the namespaced actor
 */
struct fz_groups {
	char path[FZ_POOL_MAX][4096];
	bool leaf[FZ_POOL_MAX];
	bool named[FZ_POOL_MAX];
	int n;
	int deep;
	int ns_root;
};

/* In memory the coordinator shares with the actors. */
extern struct fz_groups *fz_poolp;
#define fz_pool (*fz_poolp)
extern uint64_t fz_capacity;
extern char fz_keys[FZ_KEYS][64];

/* What the actors are. */
enum fz_role {
	FZ_ROOT,	/* root, mutated requests */
	FZ_ROOT_VALID,	/* root, requests that mostly get through */
	FZ_ROOT_CGNS,	/* root in a cgroup namespace */
	FZ_NOBODY,	/* uid 65534, no capabilities */
	FZ_NETADMIN,	/* CAP_NET_ADMIN alone */
	FZ_USERNS,	/* root of its own user namespace, nobody outside */
	FZ_CHAOS,	/* groups, workloads, other writers */
	FZ_LISTENER,	/* the monitor group */
	FZ_ROLES,
};

/* Changes need CAP_SYS_ADMIN in the initial user namespace. */
static inline bool fz_role_privileged(enum fz_role r)
{
	return r == FZ_ROOT || r == FZ_ROOT_VALID || r == FZ_ROOT_CGNS ||
	       r == FZ_CHAOS || r == FZ_LISTENER;
}

/**
 * struct fz_stats - what one actor did in one sequence
 * @messages: requests sent (netlink messages, batched or not)
 * @replies: messages received
 * @errors: error ACKs received
 * @reports: what must not happen, and did (oracle.c)
 * @events: notifications checked
 */
struct fz_stats {
	uint64_t messages;
	uint64_t replies;
	uint64_t errors;
	uint64_t reports;
	uint64_t events;
};

/* --- nlraw.c --- */

/**
 * struct fz_sock - a raw generic netlink socket to the family
 * @fd: the socket
 * @family: the family's id
 * @monitor: the monitor group's id
 * @portid: the socket's port
 * @seq: the next sequence number
 */
struct fz_sock {
	int fd;
	uint16_t family;
	uint32_t monitor;
	uint32_t portid;
	uint32_t seq;
};

/* Socket options an actor may open with. */
#define FZ_SO_EXT_ACK	1
#define FZ_SO_CAP_ACK	2
#define FZ_SO_STRICT	4
#define FZ_SO_SMALLBUF	8

int fz_sock_open(struct fz_sock *s, unsigned int opts);
void fz_sock_close(struct fz_sock *s);
int fz_sock_subscribe(struct fz_sock *s);
int fz_send(struct fz_sock *s, const void *buf, size_t len);

/* Takes each message received; @len is the message's whole length. */
typedef void (*fz_msg_fn)(const struct nlmsghdr *nlh, void *arg);
int fz_drain(struct fz_sock *s, fz_msg_fn fn, void *arg, int max_parts);

/* --- gen.c --- */

/**
 * struct fz_req - the requests of one datagram, as sent
 * @n: how many messages
 * @seq: each one's sequence number
 * @cmd: each one's command (as sent, maybe not the family's)
 * @dump: each one asked for a dump
 * @ack: each one asked for an ACK
 * @framed: each one is a well-formed netlink message the kernel will
 *	handle (not truncated, not cut short)
 */
struct fz_req {
	int n;
	uint32_t seq[4];
	uint8_t cmd[4];
	bool dump[4];
	bool ack[4];
	bool framed[4];
};

/**
 * struct fz_gen - an actor's request generator
 * @r: its random numbers
 * @role: who the actor is
 * @mutate: bend requests, not only draw them
 * @paths: the pool's groups as the actor names them
 * @npaths: how many
 * @held: the sizes of the last hold-new per key (startup, minimum,
 *	maximum), for a resv-new that takes the hold over
 */
struct fz_gen {
	struct fz_rand *r;
	enum fz_role role;
	bool mutate;
	const char *const *paths;
	int npaths;
	uint64_t held[FZ_KEYS][3];
};

size_t fz_gen_datagram(struct fz_gen *g, struct fz_sock *s, uint8_t *buf,
		       size_t size, struct fz_req *req);
uint64_t fz_gen_size(struct fz_rand *r);

/* --- oracle.c --- */

void fz_report(struct fz_stats *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fz_check_message(const struct nlmsghdr *nlh, const struct fz_req *req,
		      enum fz_role role, uint16_t family,
		      struct fz_stats *st);
void fz_check_event(const struct nlmsghdr *nlh, uint16_t family,
		    struct fz_stats *st);
int fz_ledger_check(char *why, size_t len);
int fz_settings_snapshot(char **out, size_t *len);
int fz_clean_all(void);
int fz_pristine_check(struct fz_stats *st);
bool fz_is_magic(uint64_t v);

/* --- actor.c --- */

/**
 * struct fz_order - what the coordinator asks an actor for
 * @seed: the sequence's seed for this actor
 * @steps: how many steps (requests, or the chaos actor's actions)
 * @stop: leave
 */
struct fz_order {
	uint64_t seed;
	uint32_t steps;
	uint32_t stop;
};

struct fz_actor {
	enum fz_role role;
	pid_t pid;
	int order;	/* the coordinator writes struct fz_order */
	int result;	/* the actor writes struct fz_stats */
};

int fz_actor_start(struct fz_actor *a, enum fz_role role);
void fz_actor_stop(struct fz_actor *a);
const char *fz_role_name(enum fz_role role);
void fz_hogs_stop(void);

#endif /* _MEMRESV_FUZZ_H */
