// SPDX-License-Identifier: GPL-2.0
/*
 * The hog (see hog.h): one process for every load the selftests and the
 * benchmarks put on a group, in the group from its first allocation on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "cgfile.h"
#include "hog.h"

static uint64_t hog_want(const uint64_t *want)
{
	return __atomic_load_n(want, __ATOMIC_RELAXED);
}

static void __attribute__((noreturn))
hog_main(const char *cg, enum mr_hog_mode mode, uint64_t span,
	 const uint64_t *want, int cmd, int ack)
{
	uint64_t have = 0, w, off;
	char *mem, x = 0;

	if (cg_enter(cg))
		_exit(1);
	mem = mmap(NULL, span, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		_exit(1);
	for (;;) {
		w = hog_want(want);
		if (w > span)
			w = span;
		if (w < have)
			madvise(mem + w, have - w, MADV_DONTNEED);
		have = w;
		for (off = 0; off < w; off += 4096) {
			mem[off]++;
			if (mode == MR_HOG_CHURN && hog_want(want) < w)
				break;
		}
		if (mode == MR_HOG_CHURN) {
			if (!w)
				usleep(10000);
			continue;
		}
		if (write(ack, &x, 1) != 1)
			_exit(1);
		if (read(cmd, &x, 1) != 1)
			_exit(0);
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/**
 * mr_hog_start() - start a hog in a group
 * @h: the hog, MR_HOG_INIT
 * @cg: the group, relative to the cgroup2 root
 * @mode: how it touches its memory
 * @bytes: how much it touches (to start with)
 * @span: the most it may ever touch (mr_hog_resize()); 0: @bytes
 *
 * Returns at once: with MR_HOG_PASSES, mr_hog_wait() waits for the first
 * pass.
 *
 * Return: 0, or -errno when no process could be started.
 */
int mr_hog_start(struct mr_hog *h, const char *cg, enum mr_hog_mode mode,
		 uint64_t bytes, uint64_t span)
{
	int c[2] = { -1, -1 }, a[2] = { -1, -1 };

	h->want = mmap(NULL, sizeof(*h->want), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h->want == MAP_FAILED) {
		h->want = NULL;
		return -ENOMEM;
	}
	*h->want = bytes;
	if (mode == MR_HOG_PASSES && (pipe(c) || pipe(a))) {
		close_fd(&c[0]);
		close_fd(&c[1]);
		mr_hog_stop(h);
		return -EMFILE;
	}
	h->pid = fork();
	if (!h->pid) {
		close_fd(&c[1]);
		close_fd(&a[0]);
		hog_main(cg, mode, span ? span : bytes, h->want, c[0], a[1]);
	}
	close_fd(&c[0]);
	close_fd(&a[1]);
	h->cmd = c[1];
	h->ack = a[0];
	if (h->pid < 0) {
		mr_hog_stop(h);
		return -EAGAIN;
	}
	return 0;
}

/**
 * mr_hog_wait() - wait for a pass of a MR_HOG_PASSES hog
 * @h: the hog
 * @ms: how long at most; negative: as long as it takes
 *
 * Return: 1 when a pass is done, 0 when none was within @ms, -1 when the
 * hog died (an OOM kill, say).
 */
int mr_hog_wait(struct mr_hog *h, int ms)
{
	struct pollfd pfd = { .fd = h->ack, .events = POLLIN };
	char x;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(h->ack, &x, 1) == 1 ? 1 : -1;
}

/**
 * mr_hog_again() - ask a MR_HOG_PASSES hog for one more pass
 * @h: the hog
 *
 * Return: whether it was asked (false when it is gone).
 */
bool mr_hog_again(struct mr_hog *h)
{
	char x = 0;

	return write(h->cmd, &x, 1) == 1;
}

/**
 * mr_hog_resize() - change how much a MR_HOG_CHURN hog touches
 * @h: the hog
 * @bytes: how much, up to its span; what it touched beyond is given back
 */
void mr_hog_resize(struct mr_hog *h, uint64_t bytes)
{
	__atomic_store_n(h->want, bytes, __ATOMIC_RELAXED);
}

/**
 * mr_hog_alive() - is the hog still running?
 * @h: the hog
 *
 * A hog that was killed (by the OOM killer, say) stays a zombie until
 * mr_hog_stop() reaps it, and kill(pid, 0) still finds a zombie: ask
 * whether it exited instead, leaving it to be reaped.
 *
 * Return: true while its process runs.
 */
bool mr_hog_alive(const struct mr_hog *h)
{
	siginfo_t info = {};

	if (h->pid <= 0)
		return false;
	if (waitid(P_PID, h->pid, &info, WEXITED | WNOHANG | WNOWAIT))
		return false;
	return info.si_pid == 0;
}

/**
 * mr_hog_stop() - kill the hog and reap it
 * @h: the hog; MR_HOG_INIT afterwards, so stopping it twice is harmless
 */
void mr_hog_stop(struct mr_hog *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
	}
	close_fd(&h->cmd);
	close_fd(&h->ack);
	if (h->want)
		munmap(h->want, sizeof(*h->want));
	*h = (struct mr_hog)MR_HOG_INIT;
}
