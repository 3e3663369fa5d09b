// SPDX-License-Identifier: GPL-2.0
/*
 * Who writes what: memresv raises the memory.min of the ancestors nobody
 * else owns so that a guarantee protects up to the root, and gives the old
 * value back; it never writes a systemd unit's cgroup (marked, as systemd
 * marks them, with the extended attribute trusted.invocation_id), refuses
 * to reserve one, and announces what such an ancestor needs; a value
 * another writer puts into a reserved group's file is noticed, reported
 * and written back.  Each test makes its own uniquely named cgroups and
 * removes them, whatever happens.
 */
#include <sys/xattr.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int seq;

/* Mark @cg as a systemd unit's own cgroup, as systemd does. */
static int mark_unit(const char *cg)
{
	char path[512];

	cg_path(path, sizeof(path), cg, NULL);
	return setxattr(path, "trusted.invocation_id",
			"0123456789abcdef0123456789abcdef", 32, 0);
}

FIXTURE(owner) {
	struct mrnl *s, *mon;
	char top[64], mid[128], leaf[192], leaf2[192];
};

FIXTURE_SETUP(owner)
{
	self->s = mr_open();
	self->mon = mr_open();
	ASSERT_NE(NULL, self->s);
	ASSERT_NE(NULL, self->mon);
	ASSERT_EQ(0, mr_subscribe(self->mon));
	snprintf(self->top, sizeof(self->top), "mro-%d-%d", getpid(), seq++);
	snprintf(self->mid, sizeof(self->mid), "%s/mid", self->top);
	snprintf(self->leaf, sizeof(self->leaf), "%s/a", self->mid);
	snprintf(self->leaf2, sizeof(self->leaf2), "%s/b", self->mid);
	ASSERT_EQ(0, cg_create(self->top));
	ASSERT_EQ(0, cg_write(self->top, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(self->mid));
	ASSERT_EQ(0, cg_write(self->mid, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(self->leaf));
	ASSERT_EQ(0, cg_create(self->leaf2));
}

FIXTURE_TEARDOWN(owner)
{
	mr_del(self->s, self->leaf);
	mr_del(self->s, self->leaf2);
	cg_destroy(self->leaf);
	cg_destroy(self->leaf2);
	cg_destroy(self->mid);
	cg_destroy(self->top);
	mr_close(self->mon);
	mr_close(self->s);
}

/*
 * Every ancestor below the root covers the guarantees below it, and gets
 * its own value back when they go.
 */
TEST_F(owner, ancestors_cover_the_guarantees)
{
	struct mr_result res;

	ASSERT_EQ(0, cg_write(self->mid, "memory.min", "4194304"));
	ASSERT_EQ(0, mr_new(self->s, self->leaf, 64 * MiB, 32 * MiB, 128 * MiB,
			    &res)) TH_LOG("%s", res.extack);
	/* The protection reaches the group: no warning about a cap. */
	EXPECT_EQ(NULL, strstr(res.extack, "capped")) TH_LOG("%s", res.extack);
	EXPECT_EQ(64 * MiB, cg_u64(self->mid, "memory.min"));
	EXPECT_EQ(64 * MiB, cg_u64(self->top, "memory.min"));
	ASSERT_EQ(0, mr_new(self->s, self->leaf2, 16 * MiB, 16 * MiB, 32 * MiB,
			    &res));
	EXPECT_EQ(80 * MiB, cg_u64(self->mid, "memory.min"));
	/* The end of start-up lowers the guarantee, and the ancestors. */
	ASSERT_EQ(0, mr_ready(self->s, self->leaf));
	mr_sleep_ms(200);
	EXPECT_EQ(48 * MiB, cg_u64(self->mid, "memory.min"));
	EXPECT_EQ(48 * MiB, cg_u64(self->top, "memory.min"));
	ASSERT_EQ(0, mr_del(self->s, self->leaf));
	ASSERT_EQ(0, mr_del(self->s, self->leaf2));
	mr_sleep_ms(200);
	EXPECT_EQ(4 * MiB, cg_u64(self->mid, "memory.min"));
	EXPECT_EQ(0, cg_u64(self->top, "memory.min"));
	ASSERT_LEDGER(self->s);
}

/* A systemd unit's own cgroup is refused, naming what to do instead. */
TEST_F(owner, unit_cgroup_is_refused)
{
	struct mr_result res;
	struct mr_attrs a;

	if (mark_unit(self->leaf))
		SKIP(return, "cannot set trusted.* attributes on cgroups: %s",
		     strerror(errno));
	EXPECT_EQ(-EBUSY, mr_new(self->s, self->leaf, 64 * MiB, 32 * MiB,
				 128 * MiB, &res));
	EXPECT_NE(NULL, strstr(res.extack, "delegated child")) TH_LOG("%s", res.extack);
	EXPECT_NE(NULL, strstr(res.extack, "systemd")) TH_LOG("%s", res.extack);
	EXPECT_EQ(-ENOENT, mr_get(self->s, self->leaf, &a));
	EXPECT_EQ(0, cg_u64(self->leaf, "memory.min"));
	EXPECT_EQ(UINT64_MAX, cg_u64(self->leaf, "memory.max"));
}

/*
 * systemd names each unit's cgroup after the unit, and does not mark every
 * one: a group named like a unit is systemd's, mark or not.
 */
/*
 * A group named like a unit is systemd's, marked or not; the refusal keeps
 * its advice whole however long the unit's name (a VM's scope here).
 */
TEST_F(owner, unit_named_cgroup_is_systemds)
{
	static const char unit[] =
		"machine-qemu\\x2d42\\x2dwindows\\x2dserver\\x2d2022.scope";
	char slice[192], inner[224];
	struct mr_result res;

	snprintf(slice, sizeof(slice), "%s/%s", self->top, unit);
	snprintf(inner, sizeof(inner), "%s/vm", slice);
	ASSERT_EQ(0, cg_create(slice));
	ASSERT_EQ(0, cg_write(slice, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, cg_create(inner));
	EXPECT_EQ(-EBUSY, mr_new(self->s, slice, 64 * MiB, 32 * MiB, 128 * MiB,
				 &res));
	EXPECT_NE(NULL, strstr(res.extack, "delegated child of machine-qemu"))
		TH_LOG("%s", res.extack);
	/* A group below it is reserved; the slice itself is not written. */
	ASSERT_EQ(0, mr_new(self->s, inner, 64 * MiB, 32 * MiB, 128 * MiB, &res))
		TH_LOG("%s", res.extack);
	EXPECT_NE(NULL, strstr(res.extack, "capped")) TH_LOG("%s", res.extack);
	EXPECT_EQ(0, cg_u64(slice, "memory.min"));
	EXPECT_EQ(64 * MiB, cg_u64(self->top, "memory.min"));
	ASSERT_EQ(0, mr_del(self->s, inner));
	cg_destroy(inner);
	cg_destroy(slice);
}

static void find_prot(const struct mr_attrs *a, void *arg)
{
	struct mr_attrs *want = arg;

	if (!strcmp(a->cgroup, want->cgroup))
		*want = *a;
}

/*
 * An ancestor that is a systemd unit is never written: its need is
 * announced for the agent, and the reply warns of the cap until then.
 */
TEST_F(owner, unit_ancestor_is_announced_not_written)
{
	struct mr_attrs ev, prot = {};
	struct mr_result res;

	if (mark_unit(self->mid))
		SKIP(return, "cannot set trusted.* attributes on cgroups: %s",
		     strerror(errno));
	ASSERT_EQ(0, mr_new(self->s, self->leaf, 64 * MiB, 32 * MiB, 128 * MiB,
			    &res)) TH_LOG("%s", res.extack);
	EXPECT_NE(NULL, strstr(res.extack, "capped")) TH_LOG("%s", res.extack);
	/* The warning names the ancestor (its own name: messages are short). */
	EXPECT_NE(NULL, strstr(res.extack, strrchr(self->mid, '/') + 1))
		TH_LOG("%s", res.extack);
	EXPECT_EQ(0, cg_u64(self->mid, "memory.min"));
	/* The top is memresv's to write: it covers the guarantee. */
	EXPECT_EQ(64 * MiB, cg_u64(self->top, "memory.min"));
	ASSERT_EQ(0, mr_wait_event(self->mon, self->mid,
				   MEMRESV_EVENT_PROTECTION, 2000, &ev));
	EXPECT_EQ(64 * MiB, ev.val[MEMRESV_A_PROT_NEED]);
	EXPECT_EQ(MEMRESV_OWNER_SYSTEMD, ev.val[MEMRESV_A_PROT_OWNER]);
	ASSERT_EQ(0, mr_wait_event(self->mon, self->leaf, MEMRESV_EVENT_WARNING,
				   2000, &ev));
	EXPECT_STREQ(self->mid, ev.ancestor);
	snprintf(prot.cgroup, sizeof(prot.cgroup), "%s", self->mid);
	ASSERT_EQ(0, mr_send(self->s, mr_msg(self->s, MEMRESV_CMD_PROT_GET,
					     NLM_F_DUMP), &res, find_prot, &prot));
	EXPECT_EQ(64 * MiB, prot.val[MEMRESV_A_PROT_NEED]);
	EXPECT_EQ(MEMRESV_OWNER_SYSTEMD, prot.val[MEMRESV_A_PROT_OWNER]);
	EXPECT_EQ(0, prot.val[MEMRESV_A_PROT_MIN]);
	/* When the guarantee goes, the need announced is 0. */
	ASSERT_EQ(0, mr_del(self->s, self->leaf));
	ASSERT_EQ(0, mr_wait_event(self->mon, self->mid,
				   MEMRESV_EVENT_PROTECTION, 2000, &ev));
	EXPECT_EQ(0, ev.val[MEMRESV_A_PROT_NEED]);
	EXPECT_EQ(0, cg_u64(self->mid, "memory.min"));
}

/* Another writer's value in a reserved group's file is written back. */
TEST_F(owner, conflict_is_noticed_and_undone)
{
	struct mr_result res;
	struct mr_attrs ev, a;

	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 200, &res));
	ASSERT_EQ(0, mr_new(self->s, self->leaf, 64 * MiB, 32 * MiB, 128 * MiB,
			    &res));
	ASSERT_EQ(0, cg_write(self->leaf, "memory.high", "max"));
	ASSERT_EQ(0, mr_wait_event(self->mon, self->leaf, MEMRESV_EVENT_CONFLICT,
				   3000, &ev));
	EXPECT_EQ(MEMRESV_FILE_HIGH, ev.val[MEMRESV_A_CONFLICT_FILE]);
	EXPECT_EQ(UINT64_MAX, ev.val[MEMRESV_A_CONFLICT_FOUND]);
	EXPECT_EQ(64 * MiB, ev.val[MEMRESV_A_CONFLICT_OURS]);
	mr_sleep_ms(300);
	EXPECT_EQ(64 * MiB, cg_u64(self->leaf, "memory.high"));
	ASSERT_EQ(0, mr_get(self->s, self->leaf, &a));
	EXPECT_EQ(1, a.val[MEMRESV_A_CONFLICTS]);
	/* memory.max too, and it is written back without an OOM kill. */
	ASSERT_EQ(0, cg_write(self->leaf, "memory.max", "268435456"));
	ASSERT_EQ(0, mr_wait_event(self->mon, self->leaf, MEMRESV_EVENT_CONFLICT,
				   3000, &ev));
	EXPECT_EQ(MEMRESV_FILE_MAX, ev.val[MEMRESV_A_CONFLICT_FILE]);
	mr_sleep_ms(300);
	EXPECT_EQ(128 * MiB, cg_u64(self->leaf, "memory.max"));
	/* memresv's own changes are no conflict. */
	ASSERT_EQ(0, mr_ready(self->s, self->leaf));
	EXPECT_EQ(-ETIMEDOUT, mr_wait_event(self->mon, self->leaf,
					    MEMRESV_EVENT_CONFLICT, 1000, &ev));
	mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 1000, &res);
}

TEST_HARNESS_MAIN
