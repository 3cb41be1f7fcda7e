/*
 * Projections of supervision: alerts (raised, re-raised at a higher level, acknowledged,
 * cleared) and the zone each person's band was last placed in. room.entered is shared with
 * the intake loop: a clerk's move (no "source") goes to proj_room_entered and sets the stage;
 * the gateway's (source "band") only records where the person is, since a band walking into
 * a room is not the stage's step being done.
 */
#include <string.h>

#include "proj.h"

/* Levels in the body by name, stored as numbers so that red sorts first. */
static int64_t
level_num(const char *s)
{
	if (strcmp(s, "red") == 0)
		return 3;
	if (strcmp(s, "orange") == 0)
		return 2;
	return 1;
}

int
proj_alert_raised(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	/* A raise of an open alert at another level keeps its first time; the new level asks
	 * for a new acknowledgement. */
	static const char sql[] = "INSERT INTO alerts (id, rule, level, about, visit, zone, data, "
	    "raised_ts, level_ts, ack_by, ack_note, ack_ts, cleared_ts) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?8, NULL, NULL, NULL, NULL) ON CONFLICT (id) DO UPDATE SET "
	    "level = ?3, data = ?7, level_ts = ?8, ack_by = NULL, ack_note = NULL, ack_ts = NULL, "
	    "cleared_ts = NULL";
	const char *visit = proj_str(body, "visit");
	int64_t zone = proj_int(body, "zone", -1);
	struct jw data;
	int status;

	proj_json_text(json_get(body, "data"), &data);
	if (zone >= 0)
		status = proj_exec(p, sql, em, "ssissisi", ev->subject, proj_str(body, "rule"),
		    level_num(proj_str(body, "level")), proj_str(body, "about"),
		    *visit ? visit : NULL, zone, jw_text(&data, NULL), ev->ts);
	else
		status = proj_exec(p, sql, em, "ssissnsi", ev->subject, proj_str(body, "rule"),
		    level_num(proj_str(body, "level")), proj_str(body, "about"),
		    *visit ? visit : NULL, jw_text(&data, NULL), ev->ts);
	jw_free(&data);
	return status;
}

int
proj_alert_cleared(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE alerts SET cleared_ts = ?1 WHERE id = ?2 AND "
	    "cleared_ts IS NULL";

	(void)body;
	return proj_exec(p, sql, em, "is", ev->ts, ev->subject);
}

int
proj_alert_acknowledged(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE alerts SET ack_by = ?1, ack_note = ?2, ack_ts = ?3 "
	    "WHERE id = ?4";

	return proj_exec(p, sql, em, "ssis", ev->operator_, proj_str(body, "note"), ev->ts,
	    ev->subject);
}

int
proj_zone_entered(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT INTO movements (visit, n, ts, room, kind, officers, "
	    "zone, left_ts) VALUES (?1, (SELECT coalesce(max(n), 0) + 1 FROM movements WHERE "
	    "visit = ?1), ?2, ?3, ?4, '[]', ?5, NULL)";
	static const char room[] = "UPDATE visits SET room = ?1, updated_ts = ?2 WHERE id = ?3";
	static const char here[] = "INSERT OR REPLACE INTO zone_presence (visit, zone, room, kind, "
	    "band, since_ts) VALUES (?, ?, ?, ?, ?, ?)";
	int64_t zone = proj_int(body, "zone", -1);
	int status;

	if (strcmp(proj_str(body, "source"), "band") != 0)
		return proj_room_entered(p, ev, body, em);
	status = proj_exec(p, ins, em, "sissi", ev->subject, ev->ts, proj_str(body, "room"),
	    proj_str(body, "kind"), zone);
	if (status == CST_OK)
		status = proj_exec(p, room, em, "sis", proj_str(body, "room"), ev->ts, ev->subject);
	if (status == CST_OK)
		status = proj_exec(p, here, em, "sisssi", ev->subject, zone, proj_str(body, "room"),
		    proj_str(body, "kind"), proj_str(body, "band"), ev->ts);
	return status;
}

int
proj_room_left(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char left[] = "UPDATE movements SET left_ts = ?1 WHERE visit = ?2 AND "
	    "zone = ?3 AND left_ts IS NULL";
	static const char gone[] = "DELETE FROM zone_presence WHERE visit = ? AND zone = ?";
	int64_t zone = proj_int(body, "zone", -1);
	int status;

	status = proj_exec(p, left, em, "isi", ev->ts, ev->subject, zone);
	if (status == CST_OK)
		status = proj_exec(p, gone, em, "si", ev->subject, zone);
	return status;
}
