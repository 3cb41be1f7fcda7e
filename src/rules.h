/*
 * The supervision rules (issue 7), run on the terminal itself so alerts keep coming while the
 * network is down. Each second (rules_tick) the conditions are computed from the visits in the
 * area, the bands' last state (src/telemetry.c) and the property room; a condition without an
 * open alert raises one, one at a higher level raises it again, and an open alert whose
 * condition has ended is cleared. See docs/supervision.md for every rule.
 *
 * The console calls rules_on_device for each event of the dock and rules_tick once a second;
 * the board reads rules_board and alert_open (src/alert.h).
 */
#ifndef CUSTODY_RULES_H
#define CUSTODY_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "driver.h"
#include "error.h"
#include "intake.h"
#include "journal.h"
#include "stage.h"
#include "telemetry.h"

struct rules;

/* conf is kept (not copied) and must outlive the rules. */
struct rules *rules_new(struct journal *j, const struct config *conf);
void rules_free(struct rules *r);
struct telemetry *rules_telemetry(struct rules *r);

/* A DEV_DOCK or DEV_ERROR event of the dock; an SOS or a strap runs the rules at once. */
int rules_on_device(struct rules *r, const struct dev_event *ev, struct errmsg *em);
/* Once a second (and whenever the console likes): evaluates every rule at clock_now_ms(). */
int rules_tick(struct rules *r, struct errmsg *em);

/* One person on the board. */
struct board_row {
	char visit[UUID_LEN + 1];
	char name[IN_NAME_MAX + 1];
	char case_number[IN_SHORT_MAX + 1];
	enum stage stage;
	int64_t entry_ts, stage_ts;
	char band[IN_SHORT_MAX + 1];
	int zone;			/* -1 unknown */
	char room[CONF_ZONE_NAME_MAX + 1];	/* the zone's room, or the visit's last room */
	int64_t zone_since;
	int heart_rate;			/* 0 unknown */
	int battery;			/* -1 unknown */
	int64_t heard_ts;		/* the band's last sample, 0 never */
	int level;			/* the highest open alert about the person, 0 none */
	int alerts;			/* open alerts about the person */
	int at_level;			/* of them, those at the highest level */
};

struct board_list {
	struct board_row *v;
	size_t n;
};

void board_list_free(struct board_list *l);
/* Everyone in the area: highest alert level first, then the longest there. */
int rules_board(struct rules *r, struct board_list *out, struct errmsg *em);

#endif
