// SPDX-License-Identifier: GPL-2.0
/*
 * The client's part of a dump, without the kernel: a RESV_GET dump that
 * scale_bench recorded (each datagram as a 32-bit length and its bytes) is
 * fed to libnl's receive loop in place of the socket's reads
 * (mrnl_recv_with()), and every message parsed as dump_10k_per_s parses
 * it (bench_dump_parse(), dump.h).  Reservations per second, the fastest of RUNS.
 *
 * Run in the VM it is the most any dump can reach there through libnl,
 * however little the kernel took; run on the host it tells how much
 * emulation slows this very code.
 *
 *   replay_bench FILE WHERE     WHERE names the result (x_dump_client_WHERE_per_s)
 */
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <errno.h>

#include "bench.h"
#include "ipc.h"
#include "dump.h"
#include "mrtest.h"

#define RUNS	9

struct datagram {
	uint32_t len;
	unsigned char *buf;
};

static struct datagram *grams;
static size_t ngrams, next;

static int replay_read(struct nl_sock *sk, struct sockaddr_nl *from,
		       unsigned char **buf, struct ucred **creds)
{
	struct datagram *g;

	if (next == ngrams)
		return 0;
	g = &grams[next++];
	*buf = malloc(g->len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, g->buf, g->len);
	memset(from, 0, sizeof(*from));
	from->nl_family = AF_NETLINK;
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

struct replay {
	struct mrnl n;
	struct bench_dump d;
};

/* One replay of the whole dump: reservations per second. */
static double replay_once(void *arg, int run)
{
	struct replay *rp = arg;
	uint64_t t0;

	memset(&rp->d, 0, sizeof(rp->d));
	next = 0;
	t0 = mr_now_ns();
	if (mrnl_recv_with(&rp->n, replay_read, bench_dump_parse, &rp->d))
		bench_die("the replay failed: %d", rp->n.err);
	return rp->d.n / ((mr_now_ns() - t0) / 1e9);
}

/* The memresv tool's receive path: one 32 KiB buffer, parsed in place. */
static ssize_t tool_read(void *arg, void *buf, size_t len)
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

static int tool_take(const struct resv_info *r, void *arg)
{
	size_t *n = arg;

	(*n)++;
	return r->cgroup[0] ? 0 : -EINVAL;
}

static double tool_once(void *arg, int run)
{
	uint64_t t0;
	size_t *n = arg;

	next = 0;
	*n = 0;
	t0 = mr_now_ns();
	if (ipc_resv_each_read(tool_read, NULL, tool_take, n))
		bench_die("the replay through the tool failed");
	return *n / ((mr_now_ns() - t0) / 1e9);
}

int main(int argc, char **argv)
{
	struct replay rp = {};
	double v[RUNS];
	char key[64];
	size_t tn = 0;

	if (argc != 3)
		bench_die("usage: replay_bench FILE WHERE");
	bench_open_results();
	load(argv[1]);
	rp.n.sk = nl_socket_alloc();
	if (!rp.n.sk)
		bench_die("out of memory");
	mr_sample(replay_once, &rp, RUNS, v);
	nl_socket_free(rp.n.sk);
	printf("  dump replayed through libnl and parsed (%s, no kernel): %9.0f /s, %ld messages in %zu reads\n",
	       argv[2], v[RUNS - 1], rp.d.n, ngrams);
	snprintf(key, sizeof(key), "x_dump_libnl_client_%s_per_s", argv[2]);
	bench_result(key, v[RUNS - 1]);
	mr_sample(tool_once, &tn, RUNS, v);
	printf("  dump replayed through the memresv tool's client (%s, no kernel): %9.0f /s, %zu messages\n",
	       argv[2], v[RUNS - 1], tn);
	snprintf(key, sizeof(key), "x_dump_client_%s_per_s", argv[2]);
	bench_result(key, v[RUNS - 1]);
	return 0;
}
