// SPDX-License-Identifier: GPL-2.0
/*
 * The balloon test's workload, PID 1's child in the nested guest
 * (selftests/systemd/balloon-e2e.sh): it waits until the host has
 * ballooned the guest down (its MemTotal is below three quarters of the
 * domain's DOMAIN MiB and held still for SETTLE_SECS, or WAIT seconds
 * passed), grows to GROW MiB in 8 MiB steps,
 * taking a step only while the guest has room for it (MemAvailable above
 * the step plus a margin, so growth waits for the balloon instead of
 * meeting the guest's OOM killer), holds it HOLD seconds, frees it all and
 * idles.  Once a second it prints the guest's view on the console:
 *
 *	guest: t=SECS phase=PHASE total=MiB avail=MiB held=MiB
 *
 * Usage: hog GROW_MIB HOLD_SECS WAIT_SECS DOMAIN_MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#define STEP_MIB	8
#define MARGIN_MIB	24
#define MAX_STEPS	512
/* A balloon that moved no page for this long has reached its target. */
#define SETTLE_SECS	15

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void meminfo(long *total, long *avail)
{
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	*total = *avail = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "MemTotal: %ld kB", total);
		sscanf(line, "MemAvailable: %ld kB", avail);
	}
	fclose(f);
	*total /= 1024;
	*avail /= 1024;
}

static void say(const char *phase, long held)
{
	static double last;
	long total, avail;

	if (now() - last < 1.0)
		return;
	last = now();
	meminfo(&total, &avail);
	printf("guest: t=%.0f phase=%s total=%ld avail=%ld held=%ld\n",
	       now(), phase, total, avail, held);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static void *steps[MAX_STEPS];
	long grow, hold, wait, domain, total, avail, held = 0, seen = 0;
	size_t len = STEP_MIB << 20;
	double t0, moved;
	int n = 0, i;

	if (argc != 5)
		return 2;
	grow = atol(argv[1]);
	hold = atol(argv[2]);
	wait = atol(argv[3]);
	domain = atol(argv[4]);
	/* The balloon may have inflated at boot, before this first look. */
	t0 = moved = now();
	do {
		say("wait", 0);
		usleep(200000);
		meminfo(&total, &avail);
		if (total != seen) {
			seen = total;
			moved = now();
		}
	} while ((total > domain * 3 / 4 || now() - moved < SETTLE_SECS) &&
		 now() - t0 < wait);
	printf("guest: growing to %ld MiB\n", grow);
	while (held < grow && n < MAX_STEPS) {
		say("grow", held);
		meminfo(&total, &avail);
		if (avail < STEP_MIB + MARGIN_MIB) {
			usleep(100000);
			continue;
		}
		steps[n] = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (steps[n] == MAP_FAILED)
			return 1;
		memset(steps[n++], 0x5a, len);
		held += STEP_MIB;
	}
	printf("guest: grown to %ld MiB\n", held);
	t0 = now();
	while (now() - t0 < hold) {
		say("hold", held);
		usleep(200000);
	}
	for (i = 0; i < n; i++)
		munmap(steps[i], len);
	held = 0;
	printf("guest: freed\n");
	for (;;) {
		say("idle", 0);
		usleep(200000);
	}
}
