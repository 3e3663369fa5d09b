/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hog: a process that allocates and touches anonymous memory inside a
 * cgroup, the load of every test and benchmark that needs one.
 */
#ifndef _MEMRESV_TEST_HOG_H
#define _MEMRESV_TEST_HOG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * enum mr_hog_mode - how the hog touches its memory
 * @MR_HOG_PASSES: one pass over its memory at start and one more each time
 *	mr_hog_again() asks; mr_hog_wait() waits for a pass.  Between passes
 *	it holds what it touched.
 * @MR_HOG_CHURN: over and over, as fast as it may (it can be throttled at
 *	memory.high and never get all of it); mr_hog_resize() changes how
 *	much, and what it no longer wants is given back.
 */
enum mr_hog_mode {
	MR_HOG_PASSES,
	MR_HOG_CHURN,
};

/**
 * struct mr_hog - a hog; MR_HOG_INIT before mr_hog_start()
 * @pid: the process, or -1
 * @cmd: (passes) the pipe that asks for a pass
 * @ack: (passes) the pipe that says a pass is done
 * @want: (churn) shared with the process: how many bytes it touches
 */
struct mr_hog {
	pid_t pid;
	int cmd, ack;
	uint64_t *want;
};

#define MR_HOG_INIT	{ .pid = -1, .cmd = -1, .ack = -1 }

int mr_hog_start(struct mr_hog *h, const char *cg, enum mr_hog_mode mode,
		 uint64_t bytes, uint64_t span);
int mr_hog_wait(struct mr_hog *h, int ms);
bool mr_hog_again(struct mr_hog *h);
void mr_hog_resize(struct mr_hog *h, uint64_t bytes);
bool mr_hog_alive(const struct mr_hog *h);
void mr_hog_stop(struct mr_hog *h);

#endif /* _MEMRESV_TEST_HOG_H */
