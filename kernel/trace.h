/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv trace events: the balancer's decisions, under
 * /sys/kernel/tracing/events/memresv/.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memresv

#if !defined(_MEMRESV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MEMRESV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(memresv_balance,
	TP_PROTO(u64 id, u64 usage, u64 demand, u64 desired,
		 u64 old_target, u64 new_target, u32 pressure),
	TP_ARGS(id, usage, demand, desired, old_target, new_target, pressure),
	TP_STRUCT__entry(__field(u64, id)
			 __field(u64, usage)
			 __field(u64, demand)
			 __field(u64, desired)
			 __field(u64, old_target)
			 __field(u64, new_target)
			 __field(u32, pressure)
	),
	TP_fast_assign(__entry->id = id;
		__entry->usage = usage;
		__entry->demand = demand;
		__entry->desired = desired;
		__entry->old_target = old_target;
		__entry->new_target = new_target;
		__entry->pressure = pressure;
	),
	TP_printk("cgroup=%llu usage=%llu demand=%llu desired=%llu target=%llu->%llu pressure=%u%%",
		  __entry->id, __entry->usage, __entry->demand, __entry->desired,
		  __entry->old_target, __entry->new_target, __entry->pressure)
);

TRACE_EVENT(memresv_tick,
	TP_PROTO(u32 nr, u32 changed, u64 ns),
	TP_ARGS(nr, changed, ns),
	TP_STRUCT__entry(__field(u32, nr)
			 __field(u32, changed)
			 __field(u64, ns)
	),
	TP_fast_assign(__entry->nr = nr;
		__entry->changed = changed;
		__entry->ns = ns;
	),
	TP_printk("reservations=%u changed=%u ns=%llu",
		  __entry->nr, __entry->changed, __entry->ns)
);

#endif /* _MEMRESV_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
