/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv and libvirt: a domain's reservation from its XML.
 *
 * One source for the libvirt hook (which admits and reserves) and for the
 * agent's libvirt part (which moves the balloon): both read the same
 * <memresv:reservation> element and apply the same defaults and the same
 * QEMU overhead rule, so the balloon's size and the group's limits agree.
 * Documentation/libvirt.rst describes the element, the defaults and the
 * overhead rule.
 */
#ifndef MEMRESV_LIBVIRT_DOMAIN_H
#define MEMRESV_LIBVIRT_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define MEMRESV_XML_NS		"urn:memresv:1"
#define MEMRESV_XML_ELEMENT	"reservation"
/* Where the hook tells the agent which group holds which domain. */
#define MEMRESV_LIBVIRT_RUN_DIR	"/run/memresv-libvirt"
#define DOMAIN_UUID_LEN		37
#define DOMAIN_NAME_LEN		256
#define DOMAIN_ERR_LEN		512

/**
 * struct domain_resv - a domain and the reservation its XML asks for
 * @name: the domain's name
 * @uuid: its UUID, the key of its hold
 * @id: its id while it runs, -1 otherwise
 * @tcg: type='qemu': emulated, QEMU keeps a translation cache
 * @has_meta: the XML has a <memresv:reservation>; nothing else below is
 *	meaningful without it
 * @memory: <memory>, the most the guest can have, bytes
 * @current: <currentMemory> (<memory> when absent), bytes
 * @overhead: what QEMU itself uses besides the guest's RAM, bytes
 * @guest_startup: startup as the guest sees it, bytes
 * @guest_minimum: minimum as the guest sees it, bytes
 * @guest_maximum: maximum as the guest sees it, bytes
 * @resv: the reservation on the domain's group: sizes are the guest's
 *	plus @overhead; buffer, weight, paging, swap_max and startup_window
 *	where the element gives them
 * @memtune: the domain has <memtune> limits of its own (see
 *	Documentation/libvirt.rst)
 */
struct domain_resv {
	char name[DOMAIN_NAME_LEN];
	char uuid[DOMAIN_UUID_LEN];
	int id;
	bool tcg;
	bool has_meta;
	uint64_t memory;
	uint64_t current;
	uint64_t overhead;
	uint64_t guest_startup;
	uint64_t guest_minimum;
	uint64_t guest_maximum;
	struct resv_info resv;
	bool memtune;
};

int domain_parse(const char *xml, size_t len, struct domain_resv *d,
		 char *err, size_t errlen);
uint64_t domain_default_overhead(uint64_t memory, bool tcg, uint64_t tb_cache);

int domain_group_of_pid(long pid, char *cgroup, size_t len, char *err,
			size_t errlen);
int domain_group_find(const char *name, char *cgroup, size_t len, char *err,
		      size_t errlen);
int domain_note_write(const char *uuid, const char *cgroup);
int domain_note_read(const char *uuid, char *cgroup, size_t len);
void domain_note_remove(const char *uuid);

#endif /* MEMRESV_LIBVIRT_DOMAIN_H */
