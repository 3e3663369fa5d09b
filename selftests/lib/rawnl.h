/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A raw generic netlink socket to the memresv family, beside the libnl
 * client (mrnl.h), for the tests that must control every byte and every
 * read: the fault injection test (no allocation of the test's own between
 * arming a fault and reading the answer), the race test (a dump read one
 * part at a time) and the fuzzer (requests no library would build).
 */
#ifndef _MEMRESV_TEST_RAWNL_H
#define _MEMRESV_TEST_RAWNL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * struct rawnl - a raw socket and what it found of the family
 * @fd: the socket
 * @family: the family's id
 * @monitor: the id of its monitor group, 0 if none
 * @portid: the socket's port
 * @seq: the last sequence number used
 */
struct rawnl {
	int fd;
	uint16_t family;
	uint32_t monitor;
	uint32_t portid;
	uint32_t seq;
};

int rawnl_open(struct rawnl *r, size_t read_size);
void rawnl_close(struct rawnl *r);
size_t rawnl_request(struct rawnl *r, void *buf, uint8_t cmd, uint16_t flags);
size_t rawnl_put(void *buf, size_t len, size_t size, uint16_t type,
		 const void *data, size_t dlen);
int rawnl_send(struct rawnl *r, const void *buf, size_t len);

#endif /* _MEMRESV_TEST_RAWNL_H */
