// SPDX-License-Identifier: GPL-2.0
/*
 * memresvd: messages.  Under systemd, standard error is a stream to the
 * journal (systemd says so in $JOURNAL_STREAM, the device and inode of
 * that stream): each line then starts with its priority, "<3>" for an
 * error, which journald takes off and keeps as the entry's priority.
 * Anywhere else a line is "memresvd: message".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "agent.h"

static bool log_journal;
static bool log_verbose;

/* Is standard error the stream $JOURNAL_STREAM names? */
static bool stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

/**
 * agent_log_init() - decide where messages go
 * @verbose: print debug messages too
 */
void agent_log_init(bool verbose)
{
	log_journal = stderr_is_journal();
	log_verbose = verbose;
}

/**
 * agent_log() - one message, one line
 * @level: its priority (syslog's numbers)
 * @fmt: printf format
 */
void agent_log(enum agent_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == AGENT_DEBUG && !log_verbose)
		return;
	if (log_journal)
		fprintf(stderr, "<%d>", level);
	else
		fputs("memresvd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
