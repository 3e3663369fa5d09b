// SPDX-License-Identifier: GPL-2.0
/*
 * The memresv netlink contract: host ledger, reservations and their cgroup
 * files, validation, permissions, lifetime.  Each test makes its own
 * uniquely named cgroups and removes them, whatever happens.
 */
#include <poll.h>
#include <sys/utsname.h>
#include <time.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int cg_seq;

static uint64_t meminfo_kb(const char *key)
{
	char line[256];
	unsigned long long v;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':' &&
		    sscanf(line + klen + 1, "%llu", &v) == 1) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	return 0;
}

TEST(family_resolves)
{
	struct mrnl *s = mr_open();

	ASSERT_NE(NULL, s) TH_LOG("generic netlink family 'memresv' not found");
	EXPECT_GT(s->family, 0);
	mr_close(s);
}

TEST(host_ledger_matches_meminfo)
{
	struct mrnl *s = mr_open();
	uint64_t total, reserve, expect, page = sysconf(_SC_PAGESIZE);
	struct mr_attrs h;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, mr_host(s, &h));
	total = h.val[MEMRESV_A_HOST_TOTAL];
	EXPECT_EQ(meminfo_kb("MemTotal") * 1024, total);
	reserve = h.val[MEMRESV_A_HOST_RESERVE];
	EXPECT_EQ(total - reserve, h.val[MEMRESV_A_HOST_CAPACITY]);
	/* The default: min(max(10% of total, 128 MiB), 4 GiB), in pages. */
	expect = total / 10;
	if (expect < 128 * MiB)
		expect = 128 * MiB;
	if (expect > 4096 * MiB)
		expect = 4096 * MiB;
	expect = (expect + page - 1) / page * page;
	EXPECT_EQ(expect, reserve);
	EXPECT_EQ(0, h.val[MEMRESV_A_HOST_CAPACITY] % page);
	EXPECT_EQ(h.val[MEMRESV_A_HOST_CAPACITY] - h.val[MEMRESV_A_HOST_ASSIGNED],
		  h.val[MEMRESV_A_HOST_FREE]);
	EXPECT_EQ(1000, h.val[MEMRESV_A_HOST_PERIOD_MS]);
	EXPECT_EQ(600, h.val[MEMRESV_A_HOST_PAGING_MAX]);
	ASSERT_LEDGER(s);
	mr_close(s);
}

TEST(unknown_attribute_refused)
{
	struct mrnl *s = mr_open();
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_NE(NULL, s);
	msg = mr_msg(s, MEMRESV_CMD_HOST_GET, 0);
	nla_put_u64(msg, MEMRESV_A_STARTUP, 4096);
	EXPECT_EQ(-EINVAL, mr_do(s, msg, &res));
	EXPECT_NE(0, res.bad_attr_off);
	EXPECT_NE(0, res.extack[0]);
	/* An attribute beyond the family's maximum. */
	msg = mr_msg(s, MEMRESV_CMD_HOST_GET, 0);
	nla_put_u32(msg, MEMRESV_A_MAX + 1, 1);
	EXPECT_EQ(-EINVAL, mr_do(s, msg, &res));
	mr_close(s);
}

TEST(unknown_command_refused)
{
	struct mrnl *s = mr_open();
	struct mr_result res;

	ASSERT_NE(NULL, s);
	EXPECT_EQ(-EOPNOTSUPP, mr_do(s, mr_msg(s, 200, 0), &res));
	EXPECT_EQ(-EOPNOTSUPP, mr_do(s, mr_msg(s, MEMRESV_CMD_EVENT, 0), &res));
	mr_close(s);
}

FIXTURE(resv) {
	struct mrnl *s;
	char cg[64];
};

FIXTURE_SETUP(resv)
{
	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	snprintf(self->cg, sizeof(self->cg), "mrtest-%d-%d", getpid(), cg_seq++);
	ASSERT_EQ(0, cg_create(self->cg));
}

FIXTURE_TEARDOWN(resv)
{
	mr_del(self->s, self->cg);
	cg_destroy(self->cg);
	mr_close(self->s);
}

TEST_F(resv, new_writes_cgroup_files)
{
	struct mr_result res;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(64 * MiB, cg_u64(self->cg, "memory.min"));
	EXPECT_EQ(64 * MiB, cg_u64(self->cg, "memory.high"));
	EXPECT_EQ(128 * MiB, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(0, cg_u64(self->cg, "memory.swap.max"));
	/* The reply reports the reservation with both names of the group. */
	EXPECT_STREQ(self->cg, res.last.cgroup);
	EXPECT_EQ(cg_id(self->cg), res.last.val[MEMRESV_A_CGROUP_ID]);
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_TARGET]);
	EXPECT_EQ(MEMRESV_BUFFER_DEFAULT, res.last.val[MEMRESV_A_BUFFER]);
	EXPECT_EQ(MEMRESV_WEIGHT_DEFAULT, res.last.val[MEMRESV_A_WEIGHT]);
	EXPECT_EQ(MEMRESV_WINDOW_DEFAULT, res.last.val[MEMRESV_A_STARTUP_WINDOW]);
	EXPECT_EQ(MEMRESV_PAGING_RESTART, res.last.val[MEMRESV_A_PAGING]);
	EXPECT_TRUE(res.last.has[MEMRESV_A_PHASE_LEFT_MS]);
	ASSERT_LEDGER(self->s);
}

TEST_F(resv, sizes_round_up_to_pages)
{
	long page = sysconf(_SC_PAGESIZE);
	struct mr_result res;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB + 1, 32 * MiB + 1,
			    128 * MiB + 1, &res));
	EXPECT_EQ(64 * MiB + page, res.last.val[MEMRESV_A_STARTUP]);
	EXPECT_EQ(32 * MiB + page, res.last.val[MEMRESV_A_MINIMUM]);
	EXPECT_EQ(128 * MiB + page, res.last.val[MEMRESV_A_MAXIMUM]);
	EXPECT_EQ(64 * MiB + page, cg_u64(self->cg, "memory.min"));
}

TEST_F(resv, del_restores_files_exactly)
{
	struct mr_result res;

	ASSERT_EQ(0, cg_write(self->cg, "memory.max", "536870912"));
	ASSERT_EQ(0, cg_write(self->cg, "memory.high", "419430400"));
	ASSERT_EQ(0, cg_write(self->cg, "memory.min", "1048576"));
	ASSERT_EQ(0, cg_write(self->cg, "memory.swap.max", "10485760"));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	EXPECT_EQ(128 * MiB, cg_u64(self->cg, "memory.max"));
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	EXPECT_EQ(536870912, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(419430400, cg_u64(self->cg, "memory.high"));
	EXPECT_EQ(1048576, cg_u64(self->cg, "memory.min"));
	EXPECT_EQ(10485760, cg_u64(self->cg, "memory.swap.max"));
	EXPECT_EQ(-ENOENT, mr_cmd(self->s, MEMRESV_CMD_RESV_GET, self->cg, &res));
	EXPECT_EQ(-ENOENT, mr_del(self->s, self->cg));
	ASSERT_LEDGER(self->s);
}

/*
 * Every policy range: refused with ERANGE (EINVAL for a malformed
 * attribute), the culprit named, nothing changed.
 */
TEST_F(resv, policy_ranges_refused)
{
	static const struct {
		int attr, width;
		uint64_t val;
		int err;
	} bad[] = {
		{ MEMRESV_A_BUFFER, 4, MEMRESV_BUFFER_MIN - 1, -ERANGE },
		{ MEMRESV_A_BUFFER, 4, MEMRESV_BUFFER_MAX + 1, -ERANGE },
		{ MEMRESV_A_WEIGHT, 4, MEMRESV_WEIGHT_MAX + 1, -ERANGE },
		{ MEMRESV_A_STARTUP_WINDOW, 4, MEMRESV_WINDOW_MIN - 1, -ERANGE },
		{ MEMRESV_A_STARTUP_WINDOW, 4, MEMRESV_WINDOW_MAX + 1, -ERANGE },
		{ MEMRESV_A_PAGING, 1, MEMRESV_PAGING_MAX_VAL + 1, -ERANGE },
		{ MEMRESV_A_SWAP_MAX, 8, MEMRESV_SIZE_MAX + 1, -ERANGE },
		{ MEMRESV_A_STARTUP, 8, 0, -ERANGE },
		{ MEMRESV_A_MINIMUM, 8, 0, -ERANGE },
		{ MEMRESV_A_MAXIMUM, 8, MEMRESV_SIZE_MAX + 1, -ERANGE },
		{ MEMRESV_A_BUFFER, 8, 20, -EINVAL },	/* wrong width */
	};
	struct mr_attrs before, after;
	struct mr_result res;
	unsigned int i;

	ASSERT_EQ(0, mr_host(self->s, &before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nl_msg *msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_NEW,
						 self->cg);

		if (bad[i].attr != MEMRESV_A_STARTUP)
			nla_put_u64(msg, MEMRESV_A_STARTUP, 64 * MiB);
		if (bad[i].attr != MEMRESV_A_MINIMUM)
			nla_put_u64(msg, MEMRESV_A_MINIMUM, 32 * MiB);
		if (bad[i].attr != MEMRESV_A_MAXIMUM)
			nla_put_u64(msg, MEMRESV_A_MAXIMUM, 128 * MiB);
		if (bad[i].width == 8)
			nla_put_u64(msg, bad[i].attr, bad[i].val);
		else if (bad[i].width == 4)
			nla_put_u32(msg, bad[i].attr, bad[i].val);
		else
			nla_put_u8(msg, bad[i].attr, bad[i].val);
		EXPECT_EQ(bad[i].err, mr_do(self->s, msg, &res))
			TH_LOG("attr %d value %llu", bad[i].attr,
			       (unsigned long long)bad[i].val);
		EXPECT_NE(0, res.bad_attr_off) TH_LOG("attr %d", bad[i].attr);
		EXPECT_NE(0, res.extack[0]) TH_LOG("attr %d", bad[i].attr);
	}
	EXPECT_EQ(-ENOENT, mr_cmd(self->s, MEMRESV_CMD_RESV_GET, self->cg, &res));
	EXPECT_EQ(UINT64_MAX, cg_u64(self->cg, "memory.max"));
	ASSERT_EQ(0, mr_host(self->s, &after));
	EXPECT_EQ(before.val[MEMRESV_A_HOST_GUARANTEED],
		  after.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_EQ(before.val[MEMRESV_A_HOST_RESERVATIONS],
		  after.val[MEMRESV_A_HOST_RESERVATIONS]);
}

/*
 * The host's figures before and after a refused request: the same, but for
 * the last balancer pass's cost, which any tick in between changes.
 */
static bool host_same(struct mr_attrs *before, struct mr_attrs *after)
{
	before->val[MEMRESV_A_HOST_TICK_NS] = 0;
	after->val[MEMRESV_A_HOST_TICK_NS] = 0;
	return !memcmp(before->val, after->val, sizeof(before->val));
}

TEST_F(resv, validation_refused_without_change)
{
	char child[128], nomem[128];
	struct mr_attrs before, after;
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_EQ(0, mr_host(self->s, &before));
	/* minimum <= startup <= maximum */
	EXPECT_EQ(-EINVAL, mr_do(self->s, mr_new_msg(self->s, self->cg, 16 * MiB,
						  32 * MiB, 64 * MiB), &res));
	EXPECT_NE(0, res.bad_attr_off);
	EXPECT_NE(NULL, strstr(res.extack, "startup"));
	EXPECT_EQ(-EINVAL, mr_do(self->s, mr_new_msg(self->s, self->cg, 64 * MiB,
						  32 * MiB, 48 * MiB), &res));
	EXPECT_NE(NULL, strstr(res.extack, "maximum"));
	/* Missing sizes. */
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_NEW, self->cg);
	nla_put_u64(msg, MEMRESV_A_STARTUP, 64 * MiB);
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	EXPECT_NE(0, res.extack[0]);
	/* No cgroup, both names, the root, a missing group. */
	EXPECT_EQ(-EINVAL, mr_do(self->s, mr_new_msg(self->s, NULL, 64 * MiB,
						  32 * MiB, 64 * MiB), &res));
	msg = mr_new_msg(self->s, self->cg, 64 * MiB, 32 * MiB, 64 * MiB);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, cg_id(self->cg));
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	EXPECT_EQ(-EINVAL, mr_do(self->s, mr_new_msg(self->s, "/", 64 * MiB,
						  32 * MiB, 64 * MiB), &res));
	EXPECT_NE(NULL, strstr(res.extack, "root"));
	EXPECT_EQ(-ENOENT, mr_do(self->s, mr_new_msg(self->s, "mrtest-no-such-group",
						  64 * MiB, 32 * MiB, 64 * MiB), &res));
	EXPECT_EQ(-ENOENT, mr_do(self->s, mr_new_msg(self->s, "../etc",
						  64 * MiB, 32 * MiB, 64 * MiB), &res));
	/* A child without the memory controller. */
	snprintf(nomem, sizeof(nomem), "%s/nomem", self->cg);
	ASSERT_EQ(0, cg_create(nomem));
	EXPECT_EQ(-EOPNOTSUPP, mr_do(self->s, mr_new_msg(self->s, nomem, 64 * MiB,
						      32 * MiB, 64 * MiB), &res));
	EXPECT_NE(NULL, strstr(res.extack, "memory controller"));
	ASSERT_EQ(0, mr_host(self->s, &after));
	EXPECT_TRUE(host_same(&before, &after));

	/* Duplicates and nesting, both ways. */
	ASSERT_EQ(0, cg_write(self->cg, "cgroup.subtree_control", "+memory"));
	snprintf(child, sizeof(child), "%s/child", self->cg);
	ASSERT_EQ(0, cg_create(child));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	EXPECT_EQ(-EEXIST, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB,
				  128 * MiB, &res));
	EXPECT_EQ(-EBUSY, mr_new(self->s, child, 16 * MiB, 16 * MiB, 16 * MiB, &res));
	EXPECT_NE(NULL, strstr(res.extack, self->cg)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	ASSERT_EQ(0, mr_new(self->s, child, 16 * MiB, 16 * MiB, 16 * MiB, &res));
	EXPECT_EQ(-EBUSY, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB,
				 128 * MiB, &res));
	EXPECT_EQ(0, mr_del(self->s, child));
	ASSERT_LEDGER(self->s);
}

TEST_F(resv, named_by_id)
{
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	msg = mr_msg(self->s, MEMRESV_CMD_RESV_GET, 0);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, cg_id(self->cg));
	ASSERT_EQ(0, mr_do(self->s, msg, &res));
	EXPECT_STREQ(self->cg, res.last.cgroup);
	msg = mr_msg(self->s, MEMRESV_CMD_RESV_GET, 0);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, 0x7fffffffffffULL);
	EXPECT_EQ(-ENOENT, mr_do(self->s, msg, &res));
}

TEST_F(resv, admission_refuses_beyond_capacity)
{
	struct mr_attrs before, after;
	struct mr_result res;
	uint64_t cap;

	ASSERT_EQ(0, mr_host(self->s, &before));
	cap = before.val[MEMRESV_A_HOST_CAPACITY];
	EXPECT_EQ(-ENOMEM, mr_new(self->s, self->cg, cap + 4096, 4096,
				  cap + 4096, &res));
	EXPECT_NE(NULL, strstr(res.extack, "does not fit")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_host(self->s, &after));
	EXPECT_TRUE(host_same(&before, &after));
	EXPECT_EQ(UINT64_MAX, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(0, cg_u64(self->cg, "memory.min"));
	/* Exactly the free memory fits. */
	ASSERT_EQ(0, mr_new(self->s, self->cg, before.val[MEMRESV_A_HOST_FREE],
			    4096, before.val[MEMRESV_A_HOST_FREE], &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_host(self->s, &after));
	EXPECT_EQ(0, after.val[MEMRESV_A_HOST_FREE]);
	ASSERT_LEDGER(self->s);
}

TEST_F(resv, set_changes_every_field)
{
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	ASSERT_EQ(0, mr_cmd(self->s, MEMRESV_CMD_RESV_READY, self->cg, &res));
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 256 * MiB);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, 48 * MiB);
	nla_put_u64(msg, MEMRESV_A_STARTUP, 96 * MiB);
	nla_put_u32(msg, MEMRESV_A_BUFFER, 50);
	nla_put_u32(msg, MEMRESV_A_WEIGHT, 100);
	nla_put_u64(msg, MEMRESV_A_SWAP_MAX, 8 * MiB);
	nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, 30);
	nla_put_u8(msg, MEMRESV_A_PAGING, MEMRESV_PAGING_NEVER);
	ASSERT_EQ(0, mr_do(self->s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(256 * MiB, res.last.val[MEMRESV_A_MAXIMUM]);
	EXPECT_EQ(48 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(96 * MiB, res.last.val[MEMRESV_A_STARTUP]);
	EXPECT_EQ(50, res.last.val[MEMRESV_A_BUFFER]);
	EXPECT_EQ(100, res.last.val[MEMRESV_A_WEIGHT]);
	EXPECT_EQ(30, res.last.val[MEMRESV_A_STARTUP_WINDOW]);
	EXPECT_EQ(MEMRESV_PAGING_NEVER, res.last.val[MEMRESV_A_PAGING]);
	EXPECT_EQ(256 * MiB, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(48 * MiB, cg_u64(self->cg, "memory.min"));
	EXPECT_EQ(8 * MiB, cg_u64(self->cg, "memory.swap.max"));
	/* A change that breaks min <= startup <= max changes nothing. */
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 64 * MiB);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, 8 * MiB);
	EXPECT_EQ(-EINVAL, mr_do(self->s, msg, &res));
	EXPECT_NE(0, res.bad_attr_off);
	EXPECT_EQ(256 * MiB, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(48 * MiB, cg_u64(self->cg, "memory.min"));
	/* SET on a group without a reservation. */
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u32(msg, MEMRESV_A_WEIGHT, 1);
	EXPECT_EQ(-ENOENT, mr_do(self->s, msg, &res));
	ASSERT_LEDGER(self->s);
}

/* Lowering maximum below unreclaimable usage: EBUSY, never an OOM kill. */
TEST_F(resv, lower_max_below_usage_is_refused_not_killed)
{
	struct mr_hog hog = MR_HOG_INIT;
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 128 * MiB, 32 * MiB, 256 * MiB, &res));
	ASSERT_EQ(0, mr_hog_start(&hog, self->cg, MR_HOG_PASSES, 64 * MiB, 0));
	ASSERT_EQ(1, mr_hog_wait(&hog, -1)) TH_LOG("the workload died");
	/* swap_max 0: the anonymous memory cannot go anywhere. */
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 16 * MiB);
	nla_put_u64(msg, MEMRESV_A_STARTUP, 16 * MiB);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, 16 * MiB);
	EXPECT_EQ(-EBUSY, mr_do(self->s, msg, &res));
	EXPECT_NE(NULL, strstr(res.extack, "usage")) TH_LOG("%s", res.extack);
	EXPECT_EQ(256 * MiB, cg_u64(self->cg, "memory.max"));
	EXPECT_EQ(128 * MiB, cg_u64(self->cg, "memory.high"));
	EXPECT_TRUE(mr_hog_alive(&hog)) TH_LOG("the workload died");
	EXPECT_EQ(0, cg_key(self->cg, "memory.events", "oom_kill"));
	/* Above usage it goes through. */
	msg = mr_resv_msg(self->s, MEMRESV_CMD_RESV_SET, self->cg);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, 128 * MiB);
	EXPECT_EQ(0, mr_do(self->s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(128 * MiB, cg_u64(self->cg, "memory.max"));
	/*
	 * NEW on a busy group with a maximum below its usage, likewise
	 * (no swap for the group: the deletion gave back "max").
	 */
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	ASSERT_EQ(0, cg_write(self->cg, "memory.swap.max", "0"));
	EXPECT_EQ(-EBUSY, mr_new(self->s, self->cg, 16 * MiB, 16 * MiB, 16 * MiB,
				 &res));
	EXPECT_EQ(UINT64_MAX, cg_u64(self->cg, "memory.max"));
	EXPECT_TRUE(mr_hog_alive(&hog));
	EXPECT_EQ(0, cg_key(self->cg, "memory.events", "oom_kill"));
	mr_hog_stop(&hog);
	ASSERT_LEDGER(self->s);
}

/*
 * A NEW whose admission took memory from another reservation's target and
 * whose files then could not be written (maximum below what the group
 * holds) gives that memory back: the other target and the host's sums are
 * as before.
 */
TEST_F(resv, refused_new_gives_back_what_admission_took)
{
	struct mr_attrs host, before, after, x;
	struct mr_hog hog = MR_HOG_INIT;
	struct mr_result res;
	uint64_t period, free;
	char y[80];

	ASSERT_EQ(0, mr_host(self->s, &host));
	period = host.val[MEMRESV_A_HOST_PERIOD_MS];
	/* No balancer pass between the looks: targets stay put. */
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 60000, NULL));
	snprintf(y, sizeof(y), "%s-y", self->cg);
	ASSERT_EQ(0, cg_create(y));
	ASSERT_EQ(0, cg_write(y, "memory.swap.max", "0"));
	ASSERT_EQ(0, mr_hog_start(&hog, y, MR_HOG_PASSES, 64 * MiB, 0));
	ASSERT_EQ(1, mr_hog_wait(&hog, -1)) TH_LOG("the workload died");

	/* All but 32 MiB assigned to an idle reservation, 16 MiB guaranteed. */
	ASSERT_EQ(0, mr_host(self->s, &host));
	free = host.val[MEMRESV_A_HOST_FREE];
	ASSERT_LT(128 * MiB, free);
	ASSERT_EQ(0, mr_new(self->s, self->cg, free - 32 * MiB, 16 * MiB,
			    free - 32 * MiB, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_ready(self->s, self->cg));
	ASSERT_EQ(0, mr_get(self->s, self->cg, &x));
	ASSERT_EQ(free - 32 * MiB, x.val[MEMRESV_A_TARGET]);
	ASSERT_EQ(0, mr_host(self->s, &before));

	/* 48 MiB to start: 16 MiB must come from the idle one's target. */
	EXPECT_EQ(-EBUSY, mr_new(self->s, y, 48 * MiB, 16 * MiB, 48 * MiB, &res));
	EXPECT_NE(NULL, strstr(res.extack, "usage")) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_get(self->s, self->cg, &x));
	EXPECT_EQ(free - 32 * MiB, x.val[MEMRESV_A_TARGET]);
	ASSERT_EQ(0, mr_host(self->s, &after));
	EXPECT_TRUE(host_same(&before, &after));
	EXPECT_EQ(UINT64_MAX, cg_u64(y, "memory.max"));
	EXPECT_TRUE(mr_hog_alive(&hog));
	ASSERT_LEDGER(self->s);

	mr_hog_stop(&hog);
	cg_destroy(y);
	mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, period, NULL);
}

TEST_F(resv, ready_and_restart)
{
	struct mr_result res;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	ASSERT_EQ(0, mr_cmd(self->s, MEMRESV_CMD_RESV_READY, self->cg, &res));
	EXPECT_EQ(MEMRESV_STATE_RUNNING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(32 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_FALSE(res.last.has[MEMRESV_A_PHASE_LEFT_MS]);
	EXPECT_EQ(32 * MiB, cg_u64(self->cg, "memory.min"));
	EXPECT_EQ(-EALREADY, mr_cmd(self->s, MEMRESV_CMD_RESV_READY, self->cg, &res));
	ASSERT_LEDGER(self->s);
	ASSERT_EQ(0, mr_cmd(self->s, MEMRESV_CMD_RESV_RESTART, self->cg, &res))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_EQ(64 * MiB, res.last.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(64 * MiB, cg_u64(self->cg, "memory.min"));
	ASSERT_LEDGER(self->s);
	EXPECT_EQ(-ENOENT, mr_cmd(self->s, MEMRESV_CMD_RESV_RESTART,
				  "mrtest-no-such-group", &res));
}

TEST_F(resv, startup_window_ends_the_phase)
{
	struct mr_attrs a;
	struct mr_result res;
	struct nl_msg *msg;
	int i;

	msg = mr_new_msg(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB);
	nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, 1);
	ASSERT_EQ(0, mr_do(self->s, msg, &res));
	EXPECT_EQ(MEMRESV_STATE_STARTING, res.last.val[MEMRESV_A_STATE]);
	EXPECT_LE(res.last.val[MEMRESV_A_PHASE_LEFT_MS], 1000);
	/* The window (1 s) plus one period (1 s), and slack for TCG. */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, mr_get(self->s, self->cg, &a));
		if (a.val[MEMRESV_A_STATE] == MEMRESV_STATE_RUNNING)
			break;
		usleep(100000);
	}
	EXPECT_EQ(MEMRESV_STATE_RUNNING, a.val[MEMRESV_A_STATE]);
	EXPECT_EQ(32 * MiB, a.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(32 * MiB, cg_u64(self->cg, "memory.min"));
	ASSERT_LEDGER(self->s);
}

/* Reads are open to all; changes need CAP_SYS_ADMIN. */
TEST_F(resv, unprivileged_caller_refused)
{
	struct mr_result res;
	int status;
	pid_t pid;

	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct mrnl *s;
		struct mr_attrs h;
		struct nl_msg *msg;
		int fail = 0;

		if (setgid(65534) || setuid(65534))
			_exit(90);
		s = mr_open();
		if (!s)
			_exit(91);
		if (mr_host(s, &h))
			fail |= 1;
		if (mr_get(s, self->cg, &h))
			fail |= 2;
		if (mr_new(s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res) != -EPERM)
			fail |= 4;
		if (mr_del(s, self->cg) != -EPERM)
			fail |= 8;
		msg = mr_msg(s, MEMRESV_CMD_HOST_SET, 0);
		nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, 500);
		if (mr_do(s, msg, &res) != -EPERM)
			fail |= 16;
		_exit(fail);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, mr_get(self->s, self->cg, &res.last));
	EXPECT_EQ(128 * MiB, cg_u64(self->cg, "memory.max"));
}

TEST_F(resv, removed_cgroup_releases_reservation)
{
	struct mrnl *mon = mr_open();
	struct mr_attrs ev;
	struct mr_result res;
	uint64_t id = cg_id(self->cg);
	struct nl_msg *msg;
	char path[256];

	ASSERT_NE(NULL, mon);
	ASSERT_EQ(0, mr_subscribe(mon));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_ADDED, 2000, &ev));
	EXPECT_STREQ(self->cg, ev.cgroup);
	cg_path(path, sizeof(path), self->cg, NULL);
	ASSERT_EQ(0, rmdir(path));
	/* Within one period, plus slack for TCG. */
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_REMOVED, 5000, &ev));
	EXPECT_EQ(MEMRESV_REASON_CGROUP_GONE, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(id, ev.val[MEMRESV_A_CGROUP_ID]);
	msg = mr_msg(self->s, MEMRESV_CMD_RESV_GET, 0);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, id);
	EXPECT_EQ(-ENOENT, mr_do(self->s, msg, &res));
	ASSERT_LEDGER(self->s);
	mr_close(mon);
}

/*
 * Disabling the memory controller above a group takes its memory.* files
 * away: the reservation goes as if the group had (cgroup-gone), and the
 * group itself stays.
 */
TEST_F(resv, disabled_memory_controller_releases_reservation)
{
	struct mrnl *mon = mr_open();
	struct mr_attrs ev;
	struct mr_result res;
	char child[128];
	uint64_t id;

	ASSERT_NE(NULL, mon);
	ASSERT_EQ(0, mr_subscribe(mon));
	snprintf(child, sizeof(child), "%s/vm", self->cg);
	ASSERT_EQ(0, cg_write(self->cg, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(child));
	id = cg_id(child);
	ASSERT_EQ(0, mr_new(self->s, child, 64 * MiB, 32 * MiB, 128 * MiB, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_ADDED, 2000, &ev));
	ASSERT_EQ(0, cg_write(self->cg, "cgroup.subtree_control", "-memory"));
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_REMOVED, 5000, &ev));
	EXPECT_EQ(MEMRESV_REASON_CGROUP_GONE, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(id, ev.val[MEMRESV_A_CGROUP_ID]);
	EXPECT_STREQ(child, ev.cgroup);
	EXPECT_EQ(-ENOENT, mr_do(self->s, mr_resv_msg(self->s,
						      MEMRESV_CMD_RESV_GET,
						      child), &res));
	EXPECT_EQ(id, cg_id(child));
	ASSERT_LEDGER(self->s);
	mr_close(mon);
}

TEST_F(resv, events_for_add_change_del)
{
	struct mrnl *mon = mr_open();
	struct mr_attrs ev;
	struct mr_result res;

	ASSERT_NE(NULL, mon);
	ASSERT_EQ(0, mr_subscribe(mon));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_ADDED, 2000, &ev));
	EXPECT_EQ(64 * MiB, ev.val[MEMRESV_A_GUARANTEE]);
	ASSERT_EQ(0, mr_cmd(self->s, MEMRESV_CMD_RESV_READY, self->cg, &res));
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_CHANGED, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_READY, ev.val[MEMRESV_A_REASON]);
	EXPECT_EQ(MEMRESV_STATE_RUNNING, ev.val[MEMRESV_A_STATE]);
	ASSERT_EQ(0, mr_del(self->s, self->cg));
	ASSERT_EQ(0, mr_wait_event(mon, NULL, MEMRESV_EVENT_REMOVED, 2000, &ev));
	EXPECT_EQ(MEMRESV_REASON_DELETED, ev.val[MEMRESV_A_REASON]);
	mr_close(mon);
}

TEST_F(resv, host_set_checks_the_ledger)
{
	struct mr_attrs before, h;
	struct mr_result res;
	struct nl_msg *msg;

	ASSERT_EQ(0, mr_host(self->s, &before));
	ASSERT_EQ(0, mr_new(self->s, self->cg, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	/* A reserve that would leave the guarantees without room. */
	msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE,
		    before.val[MEMRESV_A_HOST_TOTAL] - before.val[MEMRESV_A_HOST_GUARANTEED]
		    - 32 * MiB);
	EXPECT_EQ(-EBUSY, mr_do(self->s, msg, &res));
	EXPECT_NE(NULL, strstr(res.extack, "guaranteed")) TH_LOG("%s", res.extack);
	msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE, before.val[MEMRESV_A_HOST_TOTAL] + 4096);
	EXPECT_EQ(-ERANGE, mr_do(self->s, msg, &res));
	msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
	nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, 99);
	EXPECT_EQ(-ERANGE, mr_do(self->s, msg, &res));
	EXPECT_EQ(-EINVAL, mr_do(self->s, mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0),
				 &res));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(before.val[MEMRESV_A_HOST_RESERVE], h.val[MEMRESV_A_HOST_RESERVE]);
	EXPECT_EQ(before.val[MEMRESV_A_HOST_PERIOD_MS], h.val[MEMRESV_A_HOST_PERIOD_MS]);
	/* Valid settings apply and come back in the reply. */
	msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
	nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, 500);
	nla_put_u32(msg, MEMRESV_A_HOST_PAGING_MAX, 300);
	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE, before.val[MEMRESV_A_HOST_RESERVE] + 64 * MiB);
	ASSERT_EQ(0, mr_do(self->s, msg, &res)) TH_LOG("%s", res.extack);
	EXPECT_EQ(500, res.last.val[MEMRESV_A_HOST_PERIOD_MS]);
	EXPECT_EQ(300, res.last.val[MEMRESV_A_HOST_PAGING_MAX]);
	EXPECT_EQ(before.val[MEMRESV_A_HOST_CAPACITY] - 64 * MiB,
		  res.last.val[MEMRESV_A_HOST_CAPACITY]);
	ASSERT_LEDGER(self->s);
	msg = mr_msg(self->s, MEMRESV_CMD_HOST_SET, 0);
	nla_put_u32(msg, MEMRESV_A_HOST_PERIOD_MS, before.val[MEMRESV_A_HOST_PERIOD_MS]);
	nla_put_u32(msg, MEMRESV_A_HOST_PAGING_MAX, before.val[MEMRESV_A_HOST_PAGING_MAX]);
	nla_put_u64(msg, MEMRESV_A_HOST_RESERVE, before.val[MEMRESV_A_HOST_RESERVE]);
	ASSERT_EQ(0, mr_do(self->s, msg, &res));
}

TEST_HARNESS_MAIN
