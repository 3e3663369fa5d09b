/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the balancer.
 */
#ifndef _MEMRESV_BALANCER_H
#define _MEMRESV_BALANCER_H

void memresv_balancer_run(void);

#endif /* _MEMRESV_BALANCER_H */
