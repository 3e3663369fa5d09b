// SPDX-License-Identifier: GPL-2.0
/*
 * memresv's libvirt hook: a domain's reservation follows its life.
 *
 * Installed as /etc/libvirt/hooks/qemu.d/memresv; libvirtd runs it as
 *
 *	memresv DOMAIN OP SUBOP EXTRA   (the domain's XML on stdin)
 *
 * For a domain whose XML has <memresv:reservation> (domain.c):
 *
 *	prepare begin	admit its start: a hold under the domain's UUID;
 *			a start that does not fit fails with memresv's reason
 *	started begin	reserve its libvirt group, taking the hold over
 *	stopped end	remove the reservation while the group is still there
 *	release end	remove whatever is left (reservation, hold, note)
 *	reconnect begin	libvirtd restarted: make sure the reservation exists
 *
 * Everything else, and every domain without the element, is left alone.
 * The hook never calls back into libvirt (libvirtd waits for it: that
 * would deadlock), prints nothing on stdout (for migrate and restore
 * libvirt takes its output as the new XML) and, when it fails a start,
 * says why in one line on stderr, which `virsh start` shows.  It never
 * fails a reconnect or a stop: that would make libvirt kill a running VM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "ipc.h"

#define XML_MAX		(16 << 20)

/* The domain's name, for messages. */
static const char *dom_name = "?";

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memresv: domain '%s': ", dom_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static char *read_stdin(size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1), *nbuf;
	ssize_t r;

	if (!buf)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= XML_MAX)
				break;
			cap *= 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				free(buf);
				return NULL;
			}
			buf = nbuf;
		}
		r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* prepare begin: admit the start before QEMU exists. */
static int op_prepare(const struct domain_resv *d)
{
	int err;

	if (d->memtune) {
		fail("<memtune> limits and <memresv:reservation> both set the libvirt group's memory.max, memory.high and memory.swap.max; remove <memtune> (maximum= takes the place of hard_limit)");
		return 1;
	}
	err = ipc_hold_new(d->uuid, &d->resv, 0, false, NULL);
	if (err == -EEXIST) {
		/* Left by a start that failed before release: it is ours. */
		ipc_hold_del(d->uuid);
		err = ipc_hold_new(d->uuid, &d->resv, 0, false, NULL);
	}
	if (err) {
		fail("memresv refuses the start: %s", ipc_strerror(err));
		return 1;
	}
	return 0;
}

/* The reservation on @cgroup, taking the hold over when it is there. */
static int reserve(const struct domain_resv *d, const char *cgroup,
		   bool held)
{
	struct resv_info r = d->resv;
	int err;

	snprintf(r.cgroup, sizeof(r.cgroup), "%s", cgroup);
	SET(&r, RESV_CGROUP);
	err = held ? ipc_resv_new_held(&r, d->uuid, NULL) : -ENOENT;
	if (err == -ENOENT)	/* no hold (expired, or none was taken) */
		err = ipc_resv_new(&r, false, NULL);
	if (err == -EEXIST) {
		/*
		 * The group has one already: put back by the saved
		 * configuration as the group appeared.  This start's
		 * admission is the one that counts.
		 */
		ipc_resv_del(cgroup);
		err = held ? ipc_resv_new_held(&r, d->uuid, NULL) : -ENOENT;
		if (err == -ENOENT)
			err = ipc_resv_new(&r, false, NULL);
	}
	return err;
}

/* started begin: QEMU runs in its group; reserve it. */
static int op_started(const struct domain_resv *d)
{
	char cgroup[CGROUP_PATH_MAX], why[DOMAIN_ERR_LEN];
	int err;

	err = domain_group_find(d->name, cgroup, sizeof(cgroup), why,
				sizeof(why));
	if (err) {
		ipc_hold_del(d->uuid);
		fail("cannot find the domain's cgroup: %s", why);
		return 1;
	}
	err = reserve(d, cgroup, true);
	if (err) {
		fail("cannot reserve %s: %s", cgroup, ipc_strerror(err));
		ipc_hold_del(d->uuid);
		return 1;
	}
	err = domain_note_write(d->uuid, cgroup);
	if (err)
		fprintf(stderr, "memresv: domain '%s': cannot write %s/%s: %s (the agent finds the group by QEMU's pid)\n",
			d->name, MEMRESV_LIBVIRT_RUN_DIR, d->uuid,
			strerror(-err));
	return 0;
}

/* stopped end, release end: remove what is left; never fails. */
static int op_stop(const struct domain_resv *d, bool release)
{
	char cgroup[CGROUP_PATH_MAX];
	int err;

	if (!domain_note_read(d->uuid, cgroup, sizeof(cgroup))) {
		err = ipc_resv_del(cgroup);
		if (err && err != -ENOENT)
			fprintf(stderr, "memresv: domain '%s': cannot remove the reservation of %s: %s\n",
				d->name, cgroup, ipc_strerror(err));
	}
	if (!release)
		return 0;
	err = ipc_hold_del(d->uuid);
	if (err && err != -ENOENT && err != -IPC_ENOMODULE)
		fprintf(stderr, "memresv: domain '%s': cannot give its hold back: %s\n",
			d->name, ipc_strerror(err));
	domain_note_remove(d->uuid);
	return 0;
}

/* reconnect begin: libvirtd restarted; the domain runs on.  Never fails. */
static int op_reconnect(const struct domain_resv *d)
{
	char cgroup[CGROUP_PATH_MAX], why[DOMAIN_ERR_LEN];
	struct resv_info cur;
	int err;

	err = domain_group_find(d->name, cgroup, sizeof(cgroup), why,
				sizeof(why));
	if (err) {
		fail("cannot find the domain's cgroup: %s", why);
		return 0;
	}
	err = ipc_resv_get(cgroup, &cur);
	if (err == -ENOENT) {
		/* The module lost it (reloaded): admit it again. */
		err = reserve(d, cgroup, false);
		if (err)
			fail("the domain runs on without a reservation: %s",
			     ipc_strerror(err));
	} else if (err) {
		fail("cannot read the reservation of %s: %s", cgroup,
		     ipc_strerror(err));
	}
	if (!err)
		domain_note_write(d->uuid, cgroup);
	return 0;
}

int main(int argc, char **argv)
{
	static struct domain_resv d;
	char why[DOMAIN_ERR_LEN];
	const char *op, *sub;
	bool can_fail;
	size_t len = 0;
	char *xml;
	int ret;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DOMAIN OP SUBOP [EXTRA] <domain.xml\n(the memresv libvirt hook: libvirtd runs it)\n",
			argv[0]);
		return 2;
	}
	dom_name = argv[1];
	op = argv[2];
	sub = argv[3];
	/* Read all of it whatever the op: libvirt writes it to a pipe. */
	xml = read_stdin(&len);
	if (!xml) {
		fail("out of memory");
		return 1;
	}
	can_fail = (!strcmp(op, "prepare") || !strcmp(op, "started")) &&
		   !strcmp(sub, "begin");
	if (!can_fail && strcmp(op, "stopped") && strcmp(op, "release") &&
	    strcmp(op, "reconnect")) {
		free(xml);
		return 0;
	}
	ret = domain_parse(xml, len, &d, why, sizeof(why));
	free(xml);
	if (d.name[0])
		dom_name = d.name;
	if (ret) {
		fail("<memresv:reservation xmlns:memresv=\"%s\">: %s",
		     MEMRESV_XML_NS, why);
		return can_fail ? 1 : 0;
	}
	if (!d.has_meta)
		return 0;
	if (!strcmp(op, "prepare"))
		ret = op_prepare(&d);
	else if (!strcmp(op, "started"))
		ret = op_started(&d);
	else if (!strcmp(op, "stopped") && !strcmp(sub, "end"))
		ret = op_stop(&d, false);
	else if (!strcmp(op, "release") && !strcmp(sub, "end"))
		ret = op_stop(&d, true);
	else if (!strcmp(op, "reconnect") && !strcmp(sub, "begin"))
		ret = op_reconnect(&d);
	ipc_close();
	return ret;
}
