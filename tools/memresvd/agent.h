/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresvd: the user-space agent.  The module is the ledger, admission,
 * enforcement and the balancer, and works alone; the agent bridges it to
 * what only user space can reach (systemd over D-Bus, the saved
 * configuration, systemd-oomd's marks).  Its absence weakens nothing the
 * module enforces; what it must remember across a restart lives under its
 * state directory, everything else is read afresh from the module and from
 * systemd when it starts.
 *
 * The agent is a set of parts around one event loop (main.c).  A part
 * keeps its own state and is called at start, for every notification of
 * the module's monitor group, once a second, whenever the state must be
 * read afresh (start, lost notifications, the module back after an
 * unload), and at exit.
 *
 * What the parts must remember is one file, AGENT_STATE_FILE: a line per
 * thing remembered, its first word naming the part's kind of line.  All
 * of it belongs to one boot (runtime unit properties, cgroup ids, marks on
 * cgroups all end with it), so the file starts with the boot's id and is
 * ignored when another boot wrote it.
 */
#ifndef MEMRESVD_AGENT_H
#define MEMRESVD_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#define AGENT_CGROOT		"/sys/fs/cgroup"
#define AGENT_STATE_DIR		"/var/lib/memresv"
/* What memresv.service restores at boot; the saved part keeps it current. */
#define AGENT_SAVED_FILE	"memresv.conf"
/* What the agent itself must remember across a restart. */
#define AGENT_STATE_FILE	"agent.state"

/* systemd's manager on the bus, and the interface every unit has. */
#define SD_DEST			"org.freedesktop.systemd1"
#define SD_PATH			"/org/freedesktop/systemd1"
#define SD_MANAGER		"org.freedesktop.systemd1.Manager"
#define SD_UNIT_IFACE		"org.freedesktop.systemd1.Unit"

typedef struct sd_bus sd_bus;

/**
 * struct agent - what the parts share
 * @bus: the system bus, or NULL while there is none
 * @state_dir: where the saved configuration and the agent's state live
 * @boot_id: this boot's id (/proc/sys/kernel/random/boot_id): cgroup ids
 *	remembered under another boot's id mean nothing
 * @module: the module's netlink family answers and the monitor is open
 * @state_dirty: a part changed what it remembers: the state file is
 *	written before the loop waits again
 * @verbose: log debug messages too
 * @once: one pass (start, one tick), then exit
 */
struct agent {
	sd_bus *bus;
	const char *state_dir;
	char boot_id[40];
	bool module;
	bool state_dirty;
	bool verbose;
	bool once;
};

/**
 * struct agent_part - one part of the agent
 * @name: for messages
 * @init: at start, before the module is looked at; non-zero stops the agent
 * @sync: read the state afresh from the module (and whoever else the part
 *	talks to): after @init, after lost notifications, when the module
 *	is back
 * @event: one notification of the monitor group
 * @tick: once a second, while the module is there
 * @exit: at exit
 * @load: one line of the state file whose first word is @key (before
 *	@init); @rest is what follows the word and a space
 * @save: print the part's lines of the state file
 * @key: the first word of the part's lines, or NULL
 *
 * Every hook but @name may be NULL.
 */
struct agent_part {
	const char *name;
	const char *key;
	void (*load)(struct agent *a, const char *rest);
	void (*save)(struct agent *a, FILE *f);
	int (*init)(struct agent *a);
	void (*sync)(struct agent *a);
	void (*event)(struct agent *a, const struct event_info *ev);
	void (*tick)(struct agent *a);
	void (*exit)(struct agent *a);
};

extern const struct agent_part systemd_part;
extern const struct agent_part oomd_part;
extern const struct agent_part oomd_swap_part;
extern const struct agent_part saved_part;
extern const struct agent_part libvirt_part;

/* log.c: to the journal when stderr is the journal, plain text otherwise. */
enum agent_level {
	AGENT_ERR = 3,
	AGENT_WARNING = 4,
	AGENT_NOTICE = 5,
	AGENT_INFO = 6,
	AGENT_DEBUG = 7,
};

void agent_log_init(bool verbose);
void agent_log(enum agent_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)		agent_log(AGENT_ERR, __VA_ARGS__)
#define log_warning(...)	agent_log(AGENT_WARNING, __VA_ARGS__)
#define log_notice(...)		agent_log(AGENT_NOTICE, __VA_ARGS__)
#define log_info(...)		agent_log(AGENT_INFO, __VA_ARGS__)
#define log_debug(...)		agent_log(AGENT_DEBUG, __VA_ARGS__)

/* files.c: files under the state directory, and cgroups by path. */
int agent_write_file(const struct agent *a, const char *name,
		     const char *text, size_t len);
int agent_read_file(const struct agent *a, const char *name, char **text,
		    size_t *len);
int agent_cgroup_path(const char *cgroup, const char *file, char *buf,
		      size_t len);
uint64_t agent_cgroup_id(const char *cgroup);
int agent_cgroup_read_u64(const char *cgroup, const char *file,
			  uint64_t *val);

#endif /* MEMRESVD_AGENT_H */
