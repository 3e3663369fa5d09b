// SPDX-License-Identifier: GPL-2.0
/*
 * memresv's promises on every path: the floor is never overcommitted, a
 * capacity that shrinks under the ledger is a reported state, only the
 * admitted group is ever written, changes need CAP_SYS_ADMIN, readers see
 * their own cgroup namespace, long paths are reported whole.  Each test
 * makes its own uniquely named cgroups and removes them, whatever happens.
 */
#include <dirent.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "mrtest.h"

static int cg_seq;

static void name_cg(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "mrp-%s-%d-%d", what, getpid(), cg_seq++);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static uint64_t page_down(uint64_t v)
{
	return v / 4096 * 4096;
}

static int set_min(struct mrnl *s, const char *cg, uint64_t startup,
		   uint64_t minimum, struct mr_result *res)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_SET, cg);

	if (startup)
		nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	return mr_do(s, msg, res);
}

static int new_window(struct mrnl *s, const char *cg, uint64_t startup,
		      uint64_t minimum, uint64_t maximum, uint32_t window,
		      struct mr_result *res)
{
	struct nl_msg *msg = mr_resv_msg(s, MEMRESV_CMD_RESV_NEW, cg);

	nla_put_u64(msg, MEMRESV_A_STARTUP, startup);
	nla_put_u64(msg, MEMRESV_A_MINIMUM, minimum);
	nla_put_u64(msg, MEMRESV_A_MAXIMUM, maximum);
	nla_put_u32(msg, MEMRESV_A_STARTUP_WINDOW, window);
	return mr_do(s, msg, res);
}

/* Two groups and the host's reserve at 128 MiB, as the user had. */
FIXTURE(floor) {
	struct mrnl *s;
	char a[64], b[64];
	uint64_t reserve, cap;
};

FIXTURE_SETUP(floor)
{
	struct mr_attrs h;

	self->s = mr_open();
	ASSERT_NE(NULL, self->s);
	name_cg(self->a, sizeof(self->a), "a");
	name_cg(self->b, sizeof(self->b), "b");
	ASSERT_EQ(0, cg_create(self->a));
	ASSERT_EQ(0, cg_create(self->b));
	ASSERT_EQ(0, mr_host(self->s, &h));
	self->reserve = h.val[MEMRESV_A_HOST_RESERVE];
	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_RESERVE, 128 * MiB, NULL));
	ASSERT_EQ(0, mr_host(self->s, &h));
	self->cap = h.val[MEMRESV_A_HOST_CAPACITY];
	ASSERT_EQ(0, h.val[MEMRESV_A_HOST_GUARANTEED])
		TH_LOG("another test left a reservation behind");
}

FIXTURE_TEARDOWN(floor)
{
	mr_del(self->s, self->a);
	mr_del(self->s, self->b);
	mr_host_set(self->s, MEMRESV_A_HOST_RESERVE, self->reserve, NULL);
	cg_destroy(self->a);
	cg_destroy(self->b);
	mr_close(self->s);
}

/*
 * memresv add b --startup C/2 --min C/2 --max C/2; memresv ready b
 * memresv add a --startup C/4 --min 32M --max C --startup-window 600
 * memresv set a --startup 0.9C --min 0.9C      (was accepted while starting)
 * memresv ready a                              (then warned in the ledger)
 */
TEST_F(floor, minimum_raised_while_starting_is_checked)
{
	uint64_t half = page_down(self->cap / 2), quarter = page_down(self->cap / 4);
	uint64_t most = page_down(self->cap / 10 * 9);
	struct mr_result res;
	struct mr_attrs a, h;

	ASSERT_EQ(0, mr_new(self->s, self->b, half, half, half, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_do(self->s, mr_resv_msg(self->s, MEMRESV_CMD_RESV_READY,
						self->b), &res));
	ASSERT_EQ(0, new_window(self->s, self->a, quarter, 32 * MiB, self->cap,
				600, &res)) TH_LOG("%s", res.extack);

	EXPECT_EQ(-ENOMEM, set_min(self->s, self->a, most, most, &res));
	EXPECT_NE(0, res.bad_attr_off);
	EXPECT_NE(NULL, strstr(res.extack, "cannot be guaranteed"))
		TH_LOG("%s", res.extack);
	/* Refused whole: the settings are as they were. */
	ASSERT_EQ(0, mr_get(self->s, self->a, &a));
	EXPECT_EQ(32 * MiB, a.val[MEMRESV_A_MINIMUM]);
	EXPECT_EQ(quarter, a.val[MEMRESV_A_STARTUP]);
	EXPECT_EQ(quarter, a.val[MEMRESV_A_GUARANTEE]);

	EXPECT_EQ(0, mr_do(self->s, mr_resv_msg(self->s, MEMRESV_CMD_RESV_READY,
						self->a), &res));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_LE(h.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_CAPACITY]);
	ASSERT_LEDGER(self->s);
}

/* A minimum that fits is guaranteed at once, while still starting. */
TEST_F(floor, minimum_raised_while_starting_is_guaranteed_now)
{
	uint64_t half = page_down(self->cap / 2), quarter = page_down(self->cap / 4);
	uint64_t more = page_down(self->cap / 10 * 4);
	struct mr_result res;
	struct mr_attrs a, h;

	ASSERT_EQ(0, mr_new(self->s, self->b, half, half, half, &res));
	ASSERT_EQ(0, new_window(self->s, self->a, quarter, 32 * MiB, self->cap,
				600, &res)) TH_LOG("%s", res.extack);
	ASSERT_EQ(0, set_min(self->s, self->a, more, more, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_get(self->s, self->a, &a));
	EXPECT_EQ(MEMRESV_STATE_STARTING, a.val[MEMRESV_A_STATE]);
	EXPECT_EQ(more, a.val[MEMRESV_A_GUARANTEE]);
	EXPECT_EQ(more, cg_u64(self->a, "memory.min"));
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(half + more, h.val[MEMRESV_A_HOST_GUARANTEED]);
	/* The end of start-up keeps that guarantee: nothing more is promised. */
	ASSERT_EQ(0, mr_do(self->s, mr_resv_msg(self->s, MEMRESV_CMD_RESV_READY,
						self->a), &res));
	ASSERT_EQ(0, mr_get(self->s, self->a, &a));
	EXPECT_EQ(more, a.val[MEMRESV_A_GUARANTEE]);
	ASSERT_LEDGER(self->s);
}

/*
 * The highest memory blocks that can go offline now, up to @want of them;
 * their numbers in @blocks.  Returns how many went offline.
 */
static int offline_blocks(int *blocks, int want)
{
	char path[128];
	int n = 0, i, max = -1, id;
	struct dirent *d;
	DIR *dir = opendir("/sys/devices/system/memory");

	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (sscanf(d->d_name, "memory%d", &id) == 1 && id > max)
			max = id;
	closedir(dir);
	for (i = max; i > 0 && n < want; i--) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/state", i);
		if (write_file(path, "offline") == 0)
			blocks[n++] = i;
	}
	return n;
}

static void online_blocks(const int *blocks, int n)
{
	char path[128];

	while (n--) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/memory/memory%d/state", blocks[n]);
		write_file(path, "online");
	}
}

/*
 * Memory taken offline shrinks the capacity under what is guaranteed: the
 * host reports itself overcommitted and refuses admissions until it is
 * back, and nothing warns.
 */
TEST_F(floor, capacity_shrinking_under_the_floor_is_reported)
{
	int blocks[1], n;
	struct mr_result res;
	struct mr_attrs h;
	uint64_t g;

	ASSERT_EQ(0, mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 100, NULL));
	/* Guarantee all but 32 MiB of the capacity. */
	g = self->cap - 32 * MiB;
	ASSERT_EQ(0, mr_new(self->s, self->b, g, g, g, &res)) TH_LOG("%s", res.extack);
	n = offline_blocks(blocks, 1);
	if (!n) {
		mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 1000, NULL);
		SKIP(return, "no memory block of this VM can go offline");
	}
	usleep(500 * 1000);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(1, h.val[MEMRESV_A_HOST_OVERCOMMITTED])
		TH_LOG("%d blocks offline, capacity %llu, guaranteed %llu", n,
		       (unsigned long long)h.val[MEMRESV_A_HOST_CAPACITY],
		       (unsigned long long)h.val[MEMRESV_A_HOST_GUARANTEED]);
	EXPECT_GT(h.val[MEMRESV_A_HOST_GUARANTEED], h.val[MEMRESV_A_HOST_CAPACITY]);
	EXPECT_EQ(-ENOMEM, mr_new(self->s, self->a, 4 * MiB, 4 * MiB, 8 * MiB, &res));
	online_blocks(blocks, n);
	usleep(500 * 1000);
	ASSERT_EQ(0, mr_host(self->s, &h));
	EXPECT_EQ(0, h.val[MEMRESV_A_HOST_OVERCOMMITTED]);
	EXPECT_EQ(0, mr_new(self->s, self->a, 4 * MiB, 4 * MiB, 8 * MiB, &res))
		TH_LOG("%s", res.extack);
	mr_host_set(self->s, MEMRESV_A_HOST_PERIOD_MS, 1000, NULL);
}

/* Capabilities: keep only @keep (a CAP_* number) in this process. */
static int caps_only(int keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = {};

	data[keep / 32].effective = 1u << (keep % 32);
	data[keep / 32].permitted = 1u << (keep % 32);
	return syscall(SYS_capset, &hdr, data);
}

/* CAP_NET_ADMIN alone reads, and changes nothing. */
TEST_F(floor, net_admin_alone_cannot_change)
{
	struct mr_result res;
	int status;
	pid_t pid;

	ASSERT_EQ(0, mr_new(self->s, self->a, 64 * MiB, 32 * MiB, 128 * MiB, &res));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct mrnl *s;
		struct mr_attrs a;
		int fail = 0;

		if (caps_only(CAP_NET_ADMIN))
			_exit(90);
		s = mr_open();
		if (!s)
			_exit(91);
		if (mr_get(s, self->a, &a))
			fail |= 1;
		if (set_min(s, self->a, 0, 16 * MiB, &res) != -EPERM)
			fail |= 2;
		if (!strstr(res.extack, "CAP_SYS_ADMIN"))
			fail |= 4;
		if (mr_del(s, self->a) != -EPERM)
			fail |= 8;
		if (mr_host_set(s, MEMRESV_A_HOST_PERIOD_MS, 500, NULL) != -EPERM)
			fail |= 16;
		if (mr_subscribe(s) == 0)
			fail |= 32;
		_exit(fail);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Still starting: the guarantee is startup, as before the attempts. */
	EXPECT_EQ(64 * MiB, cg_u64(self->a, "memory.min"));
}

static void count_dump(const struct mr_attrs *a, void *arg)
{
	char **want = arg;

	if (!strcmp(a->cgroup, want[0]))
		want[1] = "inside";
	else
		want[2] = "other";
}

/* What a reader in a cgroup namespace rooted at @root sees. */
static int ns_reader(const char *leaf, const char *outside)
{
	char *want[3] = { (char *)leaf, NULL, NULL };
	struct mr_result res;
	struct nl_msg *msg;
	struct mrnl *s;
	struct mr_attrs a;
	int fail = 0, n;

	s = mr_open();
	if (!s)
		return 64;
	n = mr_get(s, leaf, &a);
	if (n || strcmp(a.cgroup, leaf)) {
		fprintf(stderr, "# reader: get '%s': %d '%s'\n", leaf, n, a.cgroup);
		fail |= 1;
	}
	if (mr_get(s, outside, &a) != -ENOENT)
		fail |= 2;
	if (mr_send(s, mr_msg(s, MEMRESV_CMD_RESV_GET, NLM_F_DUMP), &res,
		    count_dump, want) || !want[1] || want[2])
		fail |= 4;
	/* By id, a group outside the namespace does not exist either. */
	msg = mr_msg(s, MEMRESV_CMD_RESV_GET, 0);
	nla_put_u64(msg, MEMRESV_A_CGROUP_ID, cg_id(outside));
	if (mr_do(s, msg, &res) != -ENOENT)
		fail |= 8;
	mr_close(s);
	return fail;
}

/*
 * A reader in a cgroup namespace sees paths below its root and nothing
 * outside it.  The reader's namespace is rooted at a, which holds the
 * reserved a/leaf and the reader itself (in a/me: a group with controllers
 * for its children has no processes of its own).
 */
TEST_F(floor, reader_sees_its_cgroup_namespace)
{
	char leaf[64], inner[160], me[160], c;
	int go[2], ready[2], status;
	struct mr_result res;
	pid_t pid;

	name_cg(leaf, sizeof(leaf), "leaf");
	snprintf(inner, sizeof(inner), "%s/%s", self->a, leaf);
	snprintf(me, sizeof(me), "%s/me", self->a);
	ASSERT_EQ(0, cg_create(inner));
	ASSERT_EQ(0, cg_create(me));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		if (cg_enter(self->a) || unshare(CLONE_NEWCGROUP) ||
		    cg_enter(me) || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(128);
		_exit(ns_reader(leaf, self->b));
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, cg_write(self->a, "cgroup.subtree_control", "+memory"));
	ASSERT_EQ(0, mr_new(self->s, inner, 16 * MiB, 16 * MiB, 32 * MiB, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_new(self->s, self->b, 16 * MiB, 16 * MiB, 32 * MiB, &res));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	mr_del(self->s, inner);
	cg_destroy(inner);
	cg_destroy(me);
}

/* A path as long as cgroup paths get, reported whole by GET and a dump. */
TEST_F(floor, long_path_is_reported_whole)
{
	char *path = calloc(1, 4096), comp[251];
	char *want[3] = { path, NULL, NULL };
	struct mr_result res;
	struct mr_attrs a;
	int depth;
	size_t len;

	ASSERT_NE(NULL, path);
	memset(comp, 'p', sizeof(comp) - 1);
	comp[sizeof(comp) - 1] = '\0';
	strcpy(path, self->a);
	for (depth = 0; strlen(path) + sizeof(comp) + 40 < 4000; depth++) {
		ASSERT_EQ(0, cg_write(path, "cgroup.subtree_control", "+memory"));
		len = strlen(path);
		snprintf(path + len, 4096 - len, "/%s", comp);
		ASSERT_EQ(0, cg_create(path)) TH_LOG("depth %d", depth);
	}
	ASSERT_EQ(0, mr_new(self->s, path, 4 * MiB, 4 * MiB, 8 * MiB, &res))
		TH_LOG("%s", res.extack);
	ASSERT_EQ(0, mr_get(self->s, path, &a));
	EXPECT_STREQ(path, a.cgroup);
	ASSERT_EQ(0, mr_send(self->s, mr_msg(self->s, MEMRESV_CMD_RESV_GET,
					     NLM_F_DUMP),
			     &res, count_dump, want));
	EXPECT_STREQ("inside", want[1]);
	ASSERT_EQ(0, mr_del(self->s, path));
	while (depth--) {
		cg_rmdir(path);
		*strrchr(path, '/') = '\0';
	}
	free(path);
}

TEST_HARNESS_MAIN
