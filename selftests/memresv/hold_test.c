// SPDX-License-Identifier: GPL-2.0
/*
 * Holds: memory admitted for a start before its cgroup exists (a libvirt
 * domain between its prepare hook and its QEMU process), counted like a
 * starting reservation, taken over whole by the reservation that names
 * it, given back at its timeout.  Each test makes its own uniquely named
 * cgroups and keys and removes them, whatever happens.
 */
#include <linux/capability.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int seq;

static int hold_new(struct mrnl *s, const char *key, uint64_t startup,
		    uint64_t minimum, uint64_t maximum, uint32_t timeout,
		    struct mr_result *res)
{
	struct nl_msg *msg = mr_msg(s, MEMRESV_CMD_HOLD_NEW, 0);

	nla_put_string(msg, MEMRESV_A_HOLD_KEY, key);
	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	if (timeout)
		nla_put_u32(msg, MEMRESV_A_HOLD_TIMEOUT, timeout);
	return mr_do(s, msg, res);
}

static int hold_cmd(struct mrnl *s, uint8_t cmd, const char *key,
		    struct mr_result *res)
{
	struct nl_msg *msg = mr_msg(s, cmd, 0);

	nla_put_string(msg, MEMRESV_A_HOLD_KEY, key);
	return mr_do(s, msg, res);
}

static int bind_new(struct mrnl *s, const char *cg, const char *key,
		    uint64_t startup, uint64_t minimum, uint64_t maximum,
		    struct mr_result *res)
{
	struct nl_msg *msg = mr_new_msg(s, cg, startup, minimum, maximum);

	nla_put_string(msg, MEMRESV_A_HOLD_KEY, key);
	return mr_do(s, msg, res);
}

FIXTURE(hold) {
	struct mrnl *s, *mon;
	char cg[64], key[64], key2[64];
	uint64_t free;
};

FIXTURE_SETUP(hold)
{
	struct mr_attrs h;

	self->s = mr_open();
	self->mon = mr_open();
	ASSERT_NE(NULL, self->s);
	ASSERT_NE(NULL, self->mon);
	ASSERT_EQ(0, mr_subscribe(self->mon));
	snprintf(self->cg, sizeof(self->cg), "mrh-%d-%d", getpid(), seq);
	snprintf(self->key, sizeof(self->key), "key-%d-%d", getpid(), seq++);
	snprintf(self->key2, sizeof(self->key2), "key-%d-%d", getpid(), seq++);
	ASSERT_EQ(0, cg_create(self->cg));
	ASSERT_EQ(0, mr_host(self->s, &h));
	self->free = h.val[MEMRESV_A_HOST_FREE] / 4096 * 4096;
}

FIXTURE_TEARDOWN(hold)
{
	struct mr_result res;

	hold_cmd(self->s, MEMRESV_CMD_HOLD_DEL, self->key, &res);
	hold_cmd(self->s, MEMRESV_CMD_HOLD_DEL, self->key2, &res);
	mr_del(self->s, self->cg);
	cg_destroy(self->cg);
	mr_close(self->mon);
	mr_close(self->s);
}

/* A hold is counted like a starting reservation and shown. */
TEST_F(hold, counts_like_a_start)
{
	struct mr_attrs h0, h, ev;
	struct mr_result res;

	ASSERT_EQ(0, mr_host(self->s, &h0));
	ASSERT_EQ(0, hold_new(self->s, self->key, 64 * MiB, 32 * MiB, 128 * MiB,
			      0, &res)) TH_LOG("%s", res.extack);
	EXPECT_STREQ(self->key, res.last.hold);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(MEMRESV_HOLD_TIMEOUT_DEFAULT, res.last.val[MEMRESV_A_HOLD_TIMEOUT]);
	EXPECT_GT(res.last.val[MEMRESV_A_HOLD_LEFT_MS], 0);
	ASSERT_EQ(0, mr_wait_event(self->mon, NULL, MEMRESV_EVENT_HOLD_ADDED,
				   2000, &ev));
	EXPECT_STREQ(self->key, ev.hold);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED] + 64 * MiB,
		  h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_HOLDS] + 1, h.val[MEMRESV_A_HOST_HOLDS]);
	ASSERT_EQ(0, hold_cmd(self->s, MEMRESV_CMD_HOLD_GET, self->key, &res));
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_STARTUP]);
	ASSERT_LEDGER(self->s);
	/* The same key twice is refused, the first hold stays. */
	EXPECT_EQ(-EEXIST, hold_new(self->s, self->key, 64 * MiB, 32 * MiB,
				    128 * MiB, 0, &res));
	ASSERT_EQ(0, hold_cmd(self->s, MEMRESV_CMD_HOLD_DEL, self->key, &res));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(-ENOENT, hold_cmd(self->s, MEMRESV_CMD_HOLD_GET, self->key, &res));
	EXPECT_EQ(-ENOENT, hold_cmd(self->s, MEMRESV_CMD_HOLD_DEL, self->key, &res));
	ASSERT_LEDGER(self->s);
}

/* Two starts that together do not fit: exactly one is admitted. */
TEST_F(hold, two_that_do_not_fit_together)
{
	uint64_t most = self->free / 4 * 3 / 4096 * 4096;
	struct mr_result res;
	struct mr_attrs ev;

	ASSERT_EQ(0, hold_new(self->s, self->key, most, most, most, 0, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOMEM, hold_new(self->s, self->key2, most, most, most, 0,
				    &res));
	EXPECT_NE(NULL, strstr(res.extack, "does not fit")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_wait_event(self->mon, NULL,
				   MEMRESV_EVENT_ADMISSION_REFUSED, 2000, &ev));
	EXPECT_STREQ(self->key2, ev.hold);
	EXPECT_EQ(most, ev.val[MEMRESV_A_STARTUP]);
	EXPECT_TRUE(ev.has[MEMRESV_A_HOST_FREE]);
	/* Nor does a reservation get admitted beside it. */
	EXPECT_EQ(-ENOMEM, mr_new(self->s, self->cg, most, most, most, &res));
	ASSERT_LEDGER(self->s);
}

/* The reservation that names the hold takes its admission over. */
TEST_F(hold, reservation_takes_it_over)
{
	struct mr_attrs h0, h, ev;
	struct mr_result res;

	ASSERT_EQ(0, hold_new(self->s, self->key, 64 * MiB, 32 * MiB, 128 * MiB,
			      0, &res));
	ASSERT_EQ(0, mr_host(self->s, &h0));
	/* Other sizes than the hold's are refused; the hold stays. */
	EXPECT_EQ(-EINVAL, bind_new(self->s, self->cg, self->key, 96 * MiB,
				    32 * MiB, 128 * MiB, &res));
	EXPECT_EQ(0, hold_cmd(self->s, MEMRESV_CMD_HOLD_GET, self->key, &res));
	ASSERT_EQ(0, bind_new(self->s, self->cg, self->key, 64 * MiB, 32 * MiB,
			      128 * MiB, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(64 * MiB, cg_u64(self->cg, "memory.min"));
	ASSERT_EQ(0, mr_wait_event(self->mon, NULL, MEMRESV_EVENT_HOLD_REMOVED,
				   2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_BOUND, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(-ENOENT, hold_cmd(self->s, MEMRESV_CMD_HOLD_GET, self->key, &res));
	/* Nothing more is promised than the hold was. */
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_RESERVATIONS] + 1,
		  h.val[MEMRESV_A_HOST_RESERVATIONS]);
	/* A key nobody holds binds nothing. */
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	EXPECT_EQ(-ENOENT, bind_new(self->s, self->cg, self->key, 64 * MiB,
				    32 * MiB, 128 * MiB, &res));
	EXPECT_EQ(-ENOENT, mr_get(self->s, self->cg, &h));
	ASSERT_LEDGER(self->s);
}

/* A hold nobody takes is given back at its timeout. */
TEST_F(hold, expires)
{
	struct mr_attrs h0, h, ev;
	struct mr_result res;

	ASSERT_EQ(0, mr_host(self->s, &h0));
	ASSERT_EQ(0, hold_new(self->s, self->key, 64 * MiB, 32 * MiB, 128 * MiB,
			      1, &res));
	ASSERT_EQ(0, mr_wait_event(self->mon, NULL, MEMRESV_EVENT_HOLD_REMOVED,
				   5000, &ev));
	EXPECT_EQ(MEMRESV_REASON_EXPIRED, ev.val[MEMRESV_A_REASON]);
	EXPECT_STREQ(self->key, ev.hold);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(-ENOENT, hold_cmd(self->s, MEMRESV_CMD_HOLD_GET, self->key, &res));
	ASSERT_LEDGER(self->s);
}

/* Bad requests: a clear error, nothing held. */
TEST_F(hold, bad_requests)
{
	struct mr_attrs h0, h;
	struct mr_result res;
	struct nl_msg *msg;
	char longkey[MEMRESV_HOLD_KEY_LEN + 8];

	ASSERT_EQ(0, mr_host(self->s, &h0));
	EXPECT_EQ(-EINVAL, hold_new(self->s, self->key, 32 * MiB, 64 * MiB,
				    128 * MiB, 0, &res));
	EXPECT_NE(0, res.extack[0]);
	EXPECT_EQ(-ERANGE, hold_new(self->s, self->key, 64 * MiB, 32 * MiB,
				    128 * MiB, MEMRESV_HOLD_TIMEOUT_MAX + 1, &res));
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	EXPECT_EQ(-EINVAL, hold_new(self->s, longkey, 64 * MiB, 32 * MiB,
				    128 * MiB, 0, &res));
	msg = mr_msg(self->s, MEMRESV_CMD_HOLD_NEW, 0);
	nla_put_u64(msg, MEMRESV_A_STARTUP, 64 * MiB);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, 32 * MiB);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 128 * MiB);
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	EXPECT_NE(NULL, strstr(res.extack, "key")) TH_LOG("%s", res.extack);
	/* hold-key is for a start, not for a change. */
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_string(msg, MEMRESV_A_HOLD_KEY, self->key);
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(h0.val[MEMRESV_A_HOST_HOLDS], h.val[MEMRESV_A_HOST_HOLDS]);
}

/* Holds are for the host's administrators. */
TEST_F(hold, net_admin_alone_cannot_hold)
{
	int status;
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (!pid) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2] = {};
		struct mr_result res;
		struct mrnl *s;

		data[0].effective = data[0].permitted = 1u << CAP_NET_ADMIN;
		if (syscall(SYS_capset, &hdr, data))
			_exit(90);
		s = mr_open();
		if (!s)
			_exit(91);
		_exit(hold_new(s, self->key, 64 * MiB, 32 * MiB, 128 * MiB, 0,
			       &res) == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
