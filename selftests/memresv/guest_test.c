// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own view (RESV_REPORT), as an agent reports a VM's balloon
 * statistics: its demand drives the balancer while reports keep coming
 * and ages out when they stop; with the balloon as actuator memory.high is
 * a backstop above what the balloon leaves the guest.  Each test makes its
 * own uniquely named cgroups and removes them, whatever happens.
 */
#include "kselftest_harness.h"
#include "mrtest.h"

#define BACKSTOP_MARGIN	(64 * MiB)

static int seq;

static int report(struct mrnl *s, const char *cg, uint64_t demand,
		  uint64_t size, struct mr_result *res)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_REPORT, cg);

	nla_put_u64(msg, MEMRESV_A_GUEST_DEMAND, demand);
	if (size)
		nla_put_u64(msg, MEMRESV_A_GUEST_SIZE, size);
	return mr_do(s, msg, res);
}

static int set_actuator(struct mrnl *s, const char *cg, uint8_t actuator)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, cg);
	struct mr_result res;

	nla_put_u8(msg, MEMRESV_A_ACTUATOR, actuator);
	return mr_do(s, msg, &res);
}

FIXTURE(guest) {
	struct mrnl *s;
	char cg[64];
};

FIXTURE_SETUP(guest)
{
	struct mr_result res;

	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	snprintf(self->cg, sizeof(self->cg), "mrg-%d-%d", getpid(), seq++);
	ASSERT_EQ(0, cg_create(self->cg));
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 200, &res));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 64 * MiB, 1024 * MiB,
			    &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_ready(self->s, self->cg));
}

FIXTURE_TEARDOWN(guest)
{
	struct mr_result res;

	mr_del(self->s, self->cg);
	cg_destroy(self->cg);
	mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 1000, &res);
	mr_close(self->s);
}

/* Wait until @cg's target reaches at least @want; the last GET in @a. */
static bool target_reaches(struct mrnl *s, const char *cg, uint64_t want,
			   int ms, struct mr_attrs *a)
{
	uint64_t end = mr_now_ms() + ms;

	do {
		if (!mr_get(s, cg, a) && a->val[MEMRESV_A_TARGET] >= want)
			return true;
		mr_sleep_ms(100);
	} while (mr_now_ms() < end);
	return false;
}

/* The guest's demand drives the target, and ages out when reports stop. */
TEST_F(guest, demand_from_the_guest)
{
	struct mr_result res;
	struct mr_attrs a;
	int i;

	/* The group itself uses nothing: only the guest's word moves it. */
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, report(self->s, self->cg, 300 * MiB, 0, &res))
			TH_LOG("%s", res.extack);
		mr_sleep_ms(150);
	}
	EXPECT_EQ(MEMRESV_SOURCE_GUEST, res.last.val[MEMRESV_A_DEMAND_SOURCE]);
	EXPECT_EQ(300 * MiB, res.last.val[MEMRESV_A_GUEST_DEMAND]);
	ASSERT_TRUE(target_reaches(self->s, self->cg, 300 * MiB, 3000, &a))
		TH_LOG("target %llu", (unsigned long long)a.val[MEMRESV_A_TARGET]);
	EXPECT_EQ(300 * MiB, a.val[MEMRESV_A_DEMAND]);
	/* Three seconds without a report: the group's own counters again. */
	mr_sleep_ms(3500);
	ASSERT_EQ(0, mr_get(self->s, self->cg, &a));
	EXPECT_EQ(MEMRESV_SOURCE_CGROUP, a.val[MEMRESV_A_DEMAND_SOURCE]);
	EXPECT_LT(a.val[MEMRESV_A_DEMAND], 300 * MiB);
}

/*
 * With the balloon as actuator, memory.high is a backstop above what the
 * balloon leaves the guest; without reports, it is the target again.
 */
TEST_F(guest, balloon_backstop)
{
	struct mr_result res;
	struct mr_attrs a;
	uint64_t target;

	ASSERT_EQ(0, set_actuator(self->s, self->cg, MEMRESV_ACTUATOR_BALLOON));
	ASSERT_EQ(0, report(self->s, self->cg, 100 * MiB, 400 * MiB, &res));
	EXPECT_EQ(MEMRESV_ACTUATOR_BALLOON, res.last.val[MEMRESV_A_ACTUATOR]);
	target = res.last.val[MEMRESV_A_TARGET];
	EXPECT_EQ(400 * MiB + BACKSTOP_MARGIN, res.last.val[MEMRESV_A_HIGH]);
	mr_sleep_ms(300);
	EXPECT_EQ(400 * MiB + BACKSTOP_MARGIN, cg_u64(self->cg, "memory.high"));
	/* The balloon inflated: the backstop follows it down. */
	ASSERT_EQ(0, report(self->s, self->cg, 100 * MiB, 200 * MiB, &res));
	mr_sleep_ms(300);
	EXPECT_EQ(200 * MiB + BACKSTOP_MARGIN, cg_u64(self->cg, "memory.high"));
	/* No more reports: memory.high is the target, as for a container. */
	mr_sleep_ms(3500);
	ASSERT_EQ(0, mr_get(self->s, self->cg, &a));
	target = a.val[MEMRESV_A_TARGET];
	EXPECT_EQ(target, a.val[MEMRESV_A_HIGH]);
	EXPECT_EQ(target, cg_u64(self->cg, "memory.high"));
}

/* Bad reports: a clear error, nothing changed. */
TEST_F(guest, bad_reports)
{
	struct mr_result res;
	struct nl_msg *msg;
	struct mr_attrs a;

	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_REPORT, self->cg);
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	EXPECT_NE(0, res.extack[0]);
	EXPECT_EQ(-ENOENT, report(self->s, "mrg-no-such-group", MiB, 0, &res));
	EXPECT_EQ(-ERANGE, report(self->s, self->cg, 1ULL << 60, 0, &res));
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u8(msg, MEMRESV_A_ACTUATOR, 7);
	EXPECT_EQ(-ERANGE, mr_do(self->s, msg, &res));
	ASSERT_EQ(0, mr_get(self->s, self->cg, &a));
	EXPECT_EQ(MEMRESV_SOURCE_CGROUP, a.val[MEMRESV_A_DEMAND_SOURCE]);
	EXPECT_EQ(MEMRESV_ACTUATOR_CGROUP, a.val[MEMRESV_A_ACTUATOR]);
	EXPECT_FALSE(a.has[MEMRESV_A_GUEST_DEMAND]);
}

TEST_HARNESS_MAIN
