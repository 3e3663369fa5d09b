/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: talking to the module.  ipc.c is the only file that speaks
 * netlink; everything else sees the plain data model.
 */
#ifndef MEMRESV_IPC_H
#define MEMRESV_IPC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "model.h"

/* Returned (negated) when the generic netlink family is not registered. */
#define IPC_ENOMODULE	4096

int ipc_resv_new(const struct resv_info *in, bool force,
		 struct resv_info *out);
int ipc_resv_set(const struct resv_info *in, struct resv_info *out);
int ipc_resv_del(const char *cgroup);
int ipc_resv_restart(const char *cgroup, bool force, struct resv_info *out);
int ipc_resv_ready(const char *cgroup, struct resv_info *out);
int ipc_resv_get(const char *cgroup, struct resv_info *out);
int ipc_resv_new_held(const struct resv_info *in, const char *key,
		      struct resv_info *out);
int ipc_resv_actuator(const char *cgroup, uint8_t actuator,
		      struct resv_info *out);
int ipc_resv_report(const char *cgroup, uint64_t demand, uint64_t size,
		    struct resv_info *out);
int ipc_hold_new(const char *key, const struct resv_info *in,
		 uint32_t timeout, bool force, struct resv_info *out);
int ipc_hold_del(const char *key);

/**
 * struct hold_info - an admission waiting for its cgroup (HOLD_GET)
 * @key: the hold's key (for libvirt, the domain's UUID)
 * @r: its startup, minimum, maximum, state and guarantee
 * @left_ms: time until it is given back
 */
struct hold_info {
	char key[MEMRESV_HOLD_KEY_LEN];
	struct resv_info r;
	uint64_t left_ms;
};

int ipc_hold_list(struct hold_info **list, size_t *n);
int ipc_resv_list(struct resv_info **list, size_t *n);

typedef int (*ipc_resv_fn)(const struct resv_info *r, void *arg);
int ipc_resv_each(ipc_resv_fn fn, void *arg);
/* Reads one datagram into @buf (bytes, 0 at the end, or -errno). */
typedef ssize_t (*ipc_read_fn)(void *arg, void *buf, size_t len);
int ipc_resv_each_read(ipc_read_fn read, void *rarg, ipc_resv_fn fn,
		       void *arg);
struct nlattr;
int ipc_dump(int family, uint8_t cmd, uint8_t version, int maxattr,
	     int (*fn)(struct nlattr **tb, void *arg), void *arg);
int ipc_host_get(struct host_info *out);
int ipc_host_set(const struct host_info *in, struct host_info *out);

int ipc_prot_list(struct prot_info **list, size_t *n);

typedef int (*ipc_event_fn)(const struct event_info *ev, void *arg);
int ipc_monitor(ipc_event_fn fn, void *arg, const sigset_t *waitmask,
		const volatile sig_atomic_t *stop);
int ipc_monitor_open(int *fd);
int ipc_monitor_read(ipc_event_fn fn, void *arg);
void ipc_monitor_close(void);

int ipc_family_version(unsigned int *version);
const char *ipc_strerror(int err);
void ipc_close(void);

#endif /* MEMRESV_IPC_H */
