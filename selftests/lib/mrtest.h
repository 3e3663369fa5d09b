/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memresv test helper library (build/libmrtest.a), shared by the
 * selftests and the benchmarks:
 *
 *   mrnl.h     the libnl core: socket, requests, one receive loop
 *   client.h   the requests, replies as numbers and strings
 *   cgfile.h   cgroup files by hand
 *   hog.h      the load: a process touching memory inside a group
 *   ledger.h   the ledger check
 *   timing.h   clocks, waits, the timing loop
 *
 * Included after kselftest_harness.h, it adds ASSERT_LEDGER().
 */
#ifndef _MEMRESV_TEST_MRTEST_H
#define _MEMRESV_TEST_MRTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgfile.h"
#include "client.h"
#include "hog.h"
#include "ledger.h"
#include "timing.h"

#ifdef TH_LOG
#define ASSERT_LEDGER(s) do {						\
	char __why[256] = "";						\
	ASSERT_EQ(0, mr_ledger_check((s), __why, sizeof(__why)))	\
		TH_LOG("ledger invariant: %s", __why);			\
} while (0)
#endif

#endif /* _MEMRESV_TEST_MRTEST_H */
