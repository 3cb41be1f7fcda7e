/* The terminal's settings from DATA/custody.conf (see custody.conf(5)); strict, table-driven. */
#ifndef CUSTODY_CONFIG_H
#define CUSTODY_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"

#define CONFIG_MAX_LINE 1024		/* bytes of a line, without its line end */
#define CONFIG_MAX_FILE (256 * 1024)	/* bytes of the whole file */

/* The devices a terminal may have, in the order of custody.conf's sections and the status line. */
enum config_device {
	CONF_DEV_PN532, CONF_DEV_EM4100, CONF_DEV_FINGERPRINT, CONF_DEV_UHF, CONF_DEV_DOCK,
	CONF_DEV_IDCARD, CONF_DEVICES
};

/* Property categories: cash, phone, vehicle, drugs, weapon, documents, valuables, other. */
#define CONF_PROP_CATEGORIES 8

/* [device.NAME] port, baud, framing: one serial line. */
struct config_line {
	char port[128];		/* a path such as /dev/ttyUSB0; "" means the terminal has none */
	int baud;		/* 0: the device's usual rate */
	int framing;		/* index in config_framings */
	int rssi_offset;	/* [device.uhf] rssi_offset: dB added to each tag's RSSI */
};

extern const char *const config_framings[];	/* "8N1", "8E1", "8O1", "7E1", "7O1" */
extern const char *const config_device_names[];	/* "pn532", "em4100", ... */
extern const char *const config_zone_kinds[];	/* "entry", ... "corridor" (enum zone_kind) */

/* Zones of the positioning gateway ([zone.N] sections, see zones.h for the kinds). */
#define CONF_ZONES_MAX 64
#define CONF_ZONE_NAME_MAX 48	/* bytes of UTF-8, as a room name in room.entered */

struct config_zone {
	int number;		/* the gateway's zone number, 0..65534 */
	char name[CONF_ZONE_NAME_MAX + 1];
	int kind;		/* index in zone_kind_keys (src/zones.h) */
};

/* [supervision]: the rules of the board (src/rules.c) and their thresholds. */
#define CONF_STAGE_LIMITS 6	/* registered .. interrogation (enum stage 1..6) */

struct config_supervision {
	int64_t stage_ms[CONF_STAGE_LIMITS];	/* time allowed in each stage */
	int64_t ceiling_ms, ceiling_serious_ms;	/* the legal ceilings of a stay, 12 h and 24 h */
	int64_t stay_warn_ms, stay_urgent_ms;	/* yellow, then orange, this long before it */
	int min_officers;			/* badges an interrogation room needs */
	int64_t officers_grace_ms;
	int co_case;				/* two people of one case in one zone is an alert */
	int64_t co_case_grace_ms;
	int64_t unguarded_grace_ms;		/* a waiting room with people, no badge */
	int hr_low, hr_high;			/* beats per minute */
	int64_t hr_for_ms;			/* outside the range this long */
	int64_t sos_hold_ms;			/* an SOS stays open this long after the last press */
	int64_t silence_ms;			/* a band not heard this long */
	int battery_low;			/* percent */
	int property_overdue;			/* checked out past the return date */
	int property_overheld;			/* held past its category's [property] limit */
	int property_misplaced;			/* an inventory saw it where it is not recorded */
	int64_t zone_settle_ms;			/* a new zone counts after this long in it */
	int64_t fault_hold_ms;			/* a device fault clears after this long without */
};

/* [gateway]: a positioning gateway sending its telemetry over UDP (docs/dock-protocol.md §14). */
struct config_gateway {
	char listen[64];	/* "ADDRESS:PORT" to receive on, "" none */
	int id;			/* the gateway's number in its datagrams */
	char key[256];		/* the file of its 32-byte key, 64 hex digits, mode 0600 */
};

struct config {
	int64_t idle_lock_ms;	/* [console] idle_lock: lock after this long without a key; 0 never */
	char language[16];	/* [console] language: "" means from the locale */
	int max_failures;	/* [login] max_failures: failed logins before the lockout */
	int64_t lockout_ms;	/* [login] lockout */
	int max_stay_hours;	/* [stages] max_stay_hours (informational for now) */
	struct config_line dev[CONF_DEVICES];
	struct config_gateway gateway;
	/* [property] hold_cash .. hold_other: days an item may be held before an alert, in the
	 * order of prop_category_keys (src/property.h); checkout_grace after a due return. */
	int hold_days[CONF_PROP_CATEGORIES];
	int64_t checkout_grace_ms;
	int64_t clock_skew_max_ms;	/* [sync] clock_skew_max: a larger offset is noted */
	struct config_supervision sup;
	struct config_zone zones[CONF_ZONES_MAX];	/* in the order of the file */
	int nzones;
};

void config_defaults(struct config *c);
/*
 * Reads and parses path.  A file that does not exist means all defaults (CST_OK).  On any
 * refusal *c is left as it was and em says why ("custody.conf line N: ...").
 */
int config_load(const char *path, struct config *c, struct errmsg *em);
/* Parses len bytes of text (any bytes, not NUL-terminated); CST_ERR_INPUT on a refusal. */
int config_parse(const char *text, size_t len, struct config *c, struct errmsg *em);
/*
 * Writes the effective configuration as a commented file that config_parse reads back to the
 * same values.  CST_ERR_ARG (and nothing written) when a value could not be read back;
 * CST_ERR_IO when writing fails.
 */
int config_write(FILE *f, const struct config *c);

#ifdef CUSTODY_TEST_HOOKS
/* Test builds: the same parser and writer over a [test] section with a key of every type. */
struct config_test {
	int number;		/* int 0..100, default 7 */
	int flag;		/* bool, default yes */
	char word[8];		/* string of at most 7 bytes, default "abc" */
	int64_t wait_ms;	/* duration 0..2d, default 90s */
	int colour;		/* enum red/green/blue, default green (1) */
};
void config_test_defaults(struct config_test *t);
int config_test_parse(const char *text, size_t len, struct config_test *t, struct errmsg *em);
int config_test_write(FILE *f, const struct config_test *t);
#endif

#endif
