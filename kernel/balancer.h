/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv: the balancer and the tick that drives it.
 */
#ifndef _MEMRESV_BALANCER_H
#define _MEMRESV_BALANCER_H

void memresv_balancer_init(void);
void memresv_balancer_kick(void);
void memresv_balancer_exit(void);

#endif /* _MEMRESV_BALANCER_H */
