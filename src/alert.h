/*
 * Alerts of the supervision board: each is a signed event. The rules engine (src/rules.c)
 * raises and clears them; a supervisor acknowledges them with a note. Readers give the open
 * alerts red first.
 */
#ifndef CUSTODY_ALERT_H
#define CUSTODY_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "event.h"
#include "intake.h"
#include "journal.h"
#include "uuid.h"

enum alert_level { ALERT_YELLOW = 1, ALERT_ORANGE = 2, ALERT_RED = 3 };

#define ALERT_RULE_MAX 23
#define ALERT_DATA_MAX 511	/* bytes of the data JSON a reader keeps */
#define ALERT_NOTE_MAX IN_TEXT_MAX

/* The operator of the events the terminal makes by itself (rules, gateway moves). */
#define ALERT_SYSTEM "system"

struct alert {
	char id[UUID_LEN + 1];
	char rule[ALERT_RULE_MAX + 1];
	int level;			/* enum alert_level */
	char about[EV_MAX_ID + 1];	/* a visit, zone:N, band:ID, badge:ID, an item id, dock */
	char visit[UUID_LEN + 1];	/* "" when none */
	int zone;			/* -1 when none */
	char data[ALERT_DATA_MAX + 1];	/* JSON object of figures */
	int64_t raised_ts, level_ts;
	char ack_by[EV_MAX_ID + 1];	/* "" while not acknowledged */
	char ack_note[ALERT_NOTE_MAX + 1];
	int64_t ack_ts, cleared_ts;	/* 0 when not */
};

struct alert_list {
	struct alert *v;
	size_t n, cap;
};

void alert_list_free(struct alert_list *l);

/* "yellow", "orange", "red"; and back (-1 for none). */
const char *alert_level_key(int level);
const char *alert_level_label(int level);
int alert_level_from_key(const char *key);
/* The translated name of a rule key ("heart_rate" -> "heart rate"). */
const char *alert_rule_label(const char *rule);
/* A one-line translated message from the rule and its data, into buf. */
const char *alert_message(const struct alert *a, char *buf, size_t size);
/* What an alert is about in words ("band:0A0B0C0D0E" -> "band 0A0B0C0D0E"), into buf. */
const char *alert_about_label(const char *about, char *buf, size_t size);

/*
 * Raises an alert (alert.raised) made by the terminal: rule, level, what it is about, the
 * visit and zone concerned (NULL, -1 for none) and data, a JSON object of figures. When id
 * names an open alert, it is raised again at a new level (keeping its first time); else a new
 * id is made and written to id_out (may be NULL).
 */
int alert_raise(struct journal *j, const char *id, const char *rule, int level,
    const char *about, const char *visit, int zone, const char *data,
    char id_out[UUID_LEN + 1], struct errmsg *em);
/* Clears an open alert (alert.cleared): its condition ended; why is a short key. */
int alert_clear(struct journal *j, const char *id, const char *why, struct errmsg *em);
/*
 * A supervisor acknowledges an open alert with a note (alert.acknowledged, made by
 * operator_). Refuses an operator who is not an active supervisor or admin (CST_ERR_PERM), an
 * empty or bad note (CST_ERR_ARG), an unknown or cleared alert (CST_ERR_NOTFOUND), and an
 * alert already acknowledged at its level (CST_ERR_EXISTS).
 */
int alert_acknowledge(struct journal *j, const char *operator_, const char *id,
    const char *note, struct errmsg *em);

int alert_get(struct journal *j, const char *id, struct alert *out, struct errmsg *em);
/* Open alerts: red first, then not acknowledged first, then the oldest. At most max. */
int alert_open(struct journal *j, size_t max, struct alert_list *out, struct errmsg *em);
/* Every alert about one visit (open or not), newest first, at most max. */
int alert_of_visit(struct journal *j, const char *visit, size_t max, struct alert_list *out,
    struct errmsg *em);

#endif
