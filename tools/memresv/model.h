/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memresv tool: the plain data model shared by every command.
 *
 * Each object carries a bitmask of the fields that are set, so a field that
 * was never given (or not reported by the kernel) is told apart from a field
 * that is zero.  The field tables describe every field once -- its JSON name,
 * its netlink attribute, its type and range -- so netlink, JSON and human
 * output cannot drift apart.
 */
#ifndef MEMRESV_MODEL_H
#define MEMRESV_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <linux/memresv.h>

/* A cgroup path relative to the cgroup2 root, without a leading slash. */
#define CGROUP_PATH_MAX		PATH_MAX
#define MESSAGE_MAX		256
#define PLACE_REASON_MAX	160

/* Bits of struct resv_info.set */
enum resv_bit {
	RESV_CGROUP,
	RESV_ID,
	RESV_STARTUP,
	RESV_MINIMUM,
	RESV_MAXIMUM,
	RESV_BUFFER,
	RESV_WEIGHT,
	RESV_SWAP_MAX,
	RESV_STARTUP_WINDOW,
	RESV_PAGING,
	RESV_STATE,
	RESV_STATUS,
	RESV_GUARANTEE,
	RESV_TARGET,
	RESV_DEMAND,
	RESV_CURRENT,
	RESV_SWAP_CURRENT,
	RESV_PAGING_GRANT,
	RESV_PHASE_LEFT_MS,
	RESV_ACTUATOR,
	RESV_DEMAND_SOURCE,
	RESV_HIGH,
	RESV_CONFLICTS,
	RESV_GUEST_DEMAND,
	RESV_GUEST_SIZE,
	RESV_NBITS
};

/* What a start asks for: add and place need all three. */
#define RESV_REQUEST	((1u << RESV_STARTUP) | (1u << RESV_MINIMUM) | \
			 (1u << RESV_MAXIMUM))

/* The fields a user sets: what save prints and restore applies. */
#define RESV_SETTINGS	((1u << RESV_STARTUP) | (1u << RESV_MINIMUM) | \
			 (1u << RESV_MAXIMUM) | (1u << RESV_BUFFER) | \
			 (1u << RESV_WEIGHT) | (1u << RESV_SWAP_MAX) | \
			 (1u << RESV_STARTUP_WINDOW) | (1u << RESV_PAGING))

/**
 * struct resv_info - one reservation, as sent to or reported by the kernel
 * @set: bitmask of enum resv_bit: which fields below hold a value
 * @cgroup: cgroup path relative to the cgroup2 root
 * @id: cgroup id
 * @startup: memory while starting, bytes
 * @minimum: floor after start-up, bytes
 * @maximum: hard cap, bytes
 * @buffer: percent of demand kept spare
 * @weight: share under contention
 * @swap_max: swap the group may always use, bytes
 * @startup_window: longest start-up phase, seconds
 * @paging: enum memresv_paging
 * @state: enum memresv_state
 * @status: enum memresv_status
 * @guarantee: memory.min, bytes
 * @target: memory.high, bytes
 * @demand: the balancer's estimate, bytes
 * @current: memory.current, bytes
 * @swap_current: memory.swap.current, bytes
 * @paging_grant: swap tier held, bytes
 * @phase_left_ms: time left in the start-up or paging phase
 * @actuator: enum memresv_actuator
 * @demand_source: enum memresv_source
 * @high: what memory.high holds (the target, or a balloon's backstop)
 * @conflicts: files another writer changed, so far
 * @guest_demand: what the guest last reported it needs, bytes
 * @guest_size: what its balloon last left it, bytes
 */
struct resv_info {
	uint32_t set;
	char cgroup[CGROUP_PATH_MAX];
	uint64_t id;
	uint64_t startup;
	uint64_t minimum;
	uint64_t maximum;
	uint32_t buffer;
	uint32_t weight;
	uint64_t swap_max;
	uint32_t startup_window;
	uint8_t paging;
	uint8_t state;
	uint8_t status;
	uint64_t guarantee;
	uint64_t target;
	uint64_t demand;
	uint64_t current;
	uint64_t swap_current;
	uint64_t paging_grant;
	uint64_t phase_left_ms;
	uint8_t actuator;
	uint8_t demand_source;
	uint64_t high;
	uint32_t conflicts;
	uint64_t guest_demand;
	uint64_t guest_size;
};

/* Bits of struct host_info.set */
enum host_bit {
	HOST_TOTAL,
	HOST_RESERVE,
	HOST_CAPACITY,
	HOST_GUARANTEED,
	HOST_ASSIGNED,
	HOST_FREE,
	HOST_PAGING_LIMIT,
	HOST_PAGING_USED,
	HOST_PERIOD_MS,
	HOST_PAGING_MAX,
	HOST_RESERVATIONS,
	HOST_RECLAIMABLE,
	HOST_OVERCOMMITTED,
	HOST_HOLDS,
	HOST_NBITS
};

#define HOST_SETTINGS	((1u << HOST_RESERVE) | (1u << HOST_PAGING_LIMIT) | \
			 (1u << HOST_PERIOD_MS) | (1u << HOST_PAGING_MAX))

/* What an offline rating needs from a host snapshot. */
#define HOST_RATING	((1u << HOST_CAPACITY) | (1u << HOST_GUARANTEED) | \
			 (1u << HOST_ASSIGNED) | (1u << HOST_RECLAIMABLE) | \
			 (1u << HOST_PAGING_LIMIT) | (1u << HOST_PAGING_USED))

/**
 * struct host_info - the host ledger
 * @set: bitmask of enum host_bit
 * @total: physical RAM, bytes
 * @reserve: kept for the host, bytes
 * @capacity: total - reserve, bytes
 * @guaranteed: sum of guarantees, bytes
 * @assigned: sum of targets, bytes
 * @free: capacity - assigned, bytes
 * @paging_limit: size of the swap tier, bytes
 * @paging_used: swap tier granted, bytes
 * @period_ms: balancer period
 * @paging_max: longest paging phase, seconds
 * @reservations: number of reservations
 * @reclaimable: sum of (target - guarantee), bytes
 * @overcommitted: 1 while guarantees exceed a capacity that shrank
 * @holds: admissions waiting for their cgroup
 */
struct host_info {
	uint32_t set;
	uint64_t total;
	uint64_t reserve;
	uint64_t capacity;
	uint64_t guaranteed;
	uint64_t assigned;
	uint64_t free;
	uint64_t paging_limit;
	uint64_t paging_used;
	uint32_t period_ms;
	uint32_t paging_max;
	uint32_t reservations;
	uint64_t reclaimable;
	uint8_t overcommitted;
	uint32_t holds;
};

/**
 * struct place_request - a what-if placement query
 * @startup: memory for the start-up phase, bytes
 * @minimum: floor after start-up, bytes
 * @maximum: hard cap, bytes
 * @policy: enum memresv_place_policy
 */
struct place_request {
	uint64_t startup;
	uint64_t minimum;
	uint64_t maximum;
	uint8_t policy;
};

/**
 * struct place_result - how well a request fits one host
 * @fit: enum memresv_fit
 * @stars: milli-stars, 0 - MEMRESV_STARS_MAX
 * @reason: the rating explained
 * @host: the host figures that were rated
 * @name: where the figures came from (a file name), or NULL for this host
 */
struct place_result {
	uint8_t fit;
	uint32_t stars;
	char reason[PLACE_REASON_MAX];
	struct host_info host;
	const char *name;
};

/**
 * struct prot_info - an ancestor of reserved groups (PROT_GET)
 * @cgroup: its path relative to the cgroup2 root
 * @id: its cgroup id
 * @need: the sum of the guarantees below it, bytes
 * @owner: enum memresv_owner: who writes its memory.min
 * @min: its memory.min now, bytes
 */
struct prot_info {
	char cgroup[CGROUP_PATH_MAX];
	uint64_t id;
	uint64_t need;
	uint8_t owner;
	uint64_t min;
};

/**
 * struct event_detail - what some events carry besides a reservation
 * @paging_allowed: admission-refused: the start could use the swap tier
 * @ancestor: warning: the ancestor whose memory.min caps the guarantee
 * @ancestor_min: warning: its memory.min, bytes
 * @file: conflict: enum memresv_file
 * @found: conflict: what another writer left in the file, bytes
 * @ours: conflict: what memresv wrote back, bytes
 * @hold_key: hold events, and admission refused for a hold
 * @prot_need: protection: what the guarantees below the group add up to
 * @prot_owner: protection: enum memresv_owner
 * @prot_min: protection: the group's memory.min now
 */
struct event_detail {
	bool paging_allowed;
	char ancestor[CGROUP_PATH_MAX];
	uint64_t ancestor_min;
	uint8_t file;
	uint64_t found;
	uint64_t ours;
	char hold_key[MEMRESV_HOLD_KEY_LEN];
	uint64_t prot_need;
	uint8_t prot_owner;
	uint64_t prot_min;
};

/**
 * struct event_info - one notification from the monitor group
 * @event: enum memresv_event
 * @reason: enum memresv_reason, MEMRESV_REASON_NONE when there is none
 * @message: the event explained for people, empty when there is nothing
 *	to add (event_explain())
 * @has_resv: @resv holds the reservation the event is about
 * @has_host: @host holds the ledger (host-changed)
 * @resv: the reservation
 * @host: the ledger
 * @detail: the rest
 */
struct event_info {
	uint8_t event;
	uint8_t reason;
	char message[MESSAGE_MAX];
	bool has_resv;
	bool has_host;
	struct resv_info resv;
	struct host_info host;
	struct event_detail detail;
};

/**
 * struct resv_config - what save prints and restore applies
 * @host: the settable host fields (HOST_SETTINGS)
 * @resvs: every reservation's cgroup and settings
 * @nresvs: number of entries in @resvs
 */
struct resv_config {
	struct host_info host;
	struct resv_info *resvs;
	size_t nresvs;
};

enum field_type {
	FIELD_SIZE,		/* u64 bytes */
	FIELD_U64,
	FIELD_U32,
	FIELD_PAGING,		/* u8, enum memresv_paging, by name */
	FIELD_STATE,		/* u8, enum memresv_state, by name */
	FIELD_STATUS,		/* u8, enum memresv_status, by name */
	FIELD_ACTUATOR,		/* u8, enum memresv_actuator, by name */
	FIELD_SOURCE,		/* u8, enum memresv_source, by name */
	FIELD_STRING,		/* char[] */
};

/**
 * struct field - one field of struct resv_info or struct host_info
 * @name: JSON name and key in human output; NULL for fields without one
 * @option: the command-line option that sets it ("swap-max" for
 *	--swap-max), NULL for a field no command sets
 * @arg: the option's value in usage texts ("SIZE", "PCT"); NULL for an
 *	enumeration, whose names are listed instead
 * @help: what the option sets, one line
 * @attr: the MEMRESV_A_* attribute carrying it
 * @bit: its bit in the object's @set mask
 * @type: how it is stored, sent and printed
 * @offset: offset of the member in the object
 * @width: size of the member in bytes
 * @min: smallest value the kernel accepts (settable fields)
 * @max: largest value the kernel accepts (settable fields)
 * @unit: suffix for human output ("%", "s", "ms"), or NULL
 */
struct field {
	const char *name;
	const char *option;
	const char *arg;
	const char *help;
	int attr;
	unsigned int bit;
	enum field_type type;
	size_t offset;
	size_t width;
	uint64_t min;
	uint64_t max;
	const char *unit;
};

extern const struct field resv_fields[];
extern const size_t resv_nfields;
extern const struct field host_fields[];
extern const size_t host_nfields;

uint64_t field_get(const void *obj, const struct field *f);
void field_put(void *obj, const struct field *f, uint64_t val);
const struct field *field_by_name(const struct field *fields, size_t n,
				  const char *name);
const struct field *field_by_bit(const struct field *fields, size_t n,
				 unsigned int bit);

/* The enumerations of the uapi header, by the names users see. */
enum name_set {
	NAMES_STATE,
	NAMES_STATUS,
	NAMES_PAGING,
	NAMES_EVENT,
	NAMES_REASON,
	NAMES_FIT,
	NAMES_POLICY,
	NAMES_ACTUATOR,
	NAMES_SOURCE,
	NAMES_FILE,
	NAMES_OWNER,
};

const char *name_of(enum name_set set, unsigned int val);
int value_of(enum name_set set, const char *name);
int field_names(const struct field *f);
char *names_list(enum name_set set, const char *sep, const char *last,
		 char *buf, size_t len);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define HAS(obj, bit)	(((obj)->set >> (bit)) & 1u)
#define SET(obj, bit)	((obj)->set |= 1u << (bit))

#endif /* MEMRESV_MODEL_H */
