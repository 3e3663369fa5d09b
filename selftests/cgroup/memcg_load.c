// SPDX-License-Identifier: GPL-2.0
/*
 * A workload for the groups memresv reserves while the kernel's cgroup
 * selftests run (selftests/cgroup/run.sh): it swings between LOW and HIGH
 * bytes of anonymous memory every PERIOD milliseconds, so that its demand
 * keeps moving and the balancer keeps retargeting, until it is killed.
 *
 *   memcg_load LOW HIGH PERIOD_MS
 *
 * It starts in whatever cgroup it was started in.  Memory above LOW is
 * given back with MADV_DONTNEED and faulted in again on the next swing;
 * the memory below LOW is only read, so the load costs little CPU (the VM
 * runs under emulation, on one host thread).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096UL

static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	return *end ? 0 : (unsigned long)v;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	unsigned long low, high, period;
	volatile unsigned char *mem;
	unsigned long off, sum = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: memcg_load LOW HIGH PERIOD_MS\n");
		return 2;
	}
	low = parse_size(argv[1]) & ~(PAGE - 1);
	high = parse_size(argv[2]) & ~(PAGE - 1);
	period = strtoul(argv[3], NULL, 10);
	if (!high || low > high || !period) {
		fprintf(stderr, "memcg_load: bad sizes or period: %s %s %s\n",
			argv[1], argv[2], argv[3]);
		return 2;
	}
	mem = mmap(NULL, high, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "memcg_load: mmap %lu bytes: %s\n", high,
			strerror(errno));
		return 1;
	}
	for (off = 0; off < low; off += PAGE)
		mem[off] = 1;
	for (;;) {
		for (off = 0; off < low; off += PAGE)
			sum += mem[off];
		for (off = low; off < high; off += PAGE)
			mem[off] = 1;
		sleep_ms(period);
		if (high > low)
			madvise((void *)(mem + low), high - low, MADV_DONTNEED);
		sleep_ms(period);
	}
	return sum == 0;
}
