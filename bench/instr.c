// SPDX-License-Identifier: GPL-2.0
/*
 * instr: host-side code paths to count instructions of under callgrind
 * (valgrind --tool=callgrind --toggle-collect=FUNCTION): instruction
 * counts do not depend on what else the machine does, so these figures
 * are gated in make bench where times could not be.
 *
 *   instr policy N     one balancer pass of the policy core
 *                      (memresv_policy_balance()) over N entries with
 *                      contended input: mixed weights (1000 - 9000),
 *                      demands that add up to 1.5 times the memory above
 *                      the guarantees, targets where the last pass left
 *                      them; run once before, so the counted pass is a
 *                      pass that follows another, as in the module
 *   instr client FILE  a recorded RESV_GET dump (datagrams as the kernel
 *                      sent them, each a 32-bit length and its bytes)
 *                      through the memresv tool's own receive path,
 *                      ipc_resv_each_read(); the replay's read (the copy
 *                      the kernel would have made) is counted on its own
 *                      (replay_read) and taken off by bench/run.sh
 *
 * Prints the count of entries or messages, which bench/run.sh divides by.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ipc.h"
#include "policy.h"

struct datagram {
	uint32_t len;
	char *buf;
};

static struct datagram *grams;
static size_t ngrams, next;

/* Called through a pointer: the count of its own can be taken off. */
ssize_t replay_read(void *arg, void *buf, size_t len);
ssize_t replay_read(void *arg, void *buf, size_t len)
{
	struct datagram *g;

	(void)arg;
	if (next == ngrams)
		return 0;
	g = &grams[next++];
	if (g->len > len)
		return -EMSGSIZE;
	memcpy(buf, g->buf, g->len);
	return g->len;
}

static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	uint32_t len;

	if (!f)
		bench_die("cannot read %s", path);
	while (fread(&len, sizeof(len), 1, f) == 1) {
		grams = realloc(grams, (ngrams + 1) * sizeof(*grams));
		if (!grams)
			bench_die("out of memory");
		grams[ngrams].len = len;
		grams[ngrams].buf = malloc(len);
		if (!grams[ngrams].buf ||
		    fread(grams[ngrams].buf, len, 1, f) != 1)
			bench_die("%s is cut short", path);
		ngrams++;
	}
	fclose(f);
	if (!ngrams)
		bench_die("%s holds no dump", path);
}

/* What a caller does with each: every value used, the path's length. */
static int take(const struct resv_info *r, void *arg)
{
	uint64_t *sum = arg;

	sum[0]++;
	sum[1] += r->target + r->id + r->cgroup[0];
	return 0;
}

static int client(const char *path)
{
	uint64_t sum[2] = { 0, 0 };
	int ret;

	load(path);
	ret = ipc_resv_each_read(replay_read, NULL, take, sum);
	if (ret)
		bench_die("the replay failed: %d", ret);
	printf("%llu\n", (unsigned long long)sum[0]);
	return 0;
}

#define MiB	(1ULL << 20)

static int policy(int n)
{
	struct memresv_balance_entry *e = calloc(n, sizeof(*e));
	struct memresv_balance_params p = {
		.shrink_step = 32 * MiB,
		.hysteresis = 2 * MiB,
	};
	uint64_t g = 0, d = 0, x = 88172645463325252ULL;
	int i;

	if (!e)
		bench_die("out of memory");
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		e[i] = (struct memresv_balance_entry){
			.guarantee = 64 * 1024,
			.maximum = 64 * MiB,
			.demand = 64 * 1024 + x % (4 * MiB),
			.buffer = 20,
			.weight = 1000 * (1 + i % 9),
			.target = 64 * 1024 + (x >> 32) % (2 * MiB),
		};
		g += e[i].guarantee;
		d += e[i].demand - e[i].guarantee;
	}
	/* The memory above the guarantees is two thirds of the demand. */
	p.capacity = g + d * 2 / 3;
	memresv_policy_balance(e, n, &p);
	for (i = 0; i < n; i++)
		e[i].demand += (i % 3) * 512 * 1024;
	memresv_policy_balance(e, n, &p);
	printf("%d\n", n);
	free(e);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "policy"))
		return policy(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "client"))
		return client(argv[2]);
	bench_die("usage: instr policy N | instr client FILE");
	return 2;
}
