/*
 * Supervision: [zone.N] configuration, telemetry through the real dock driver and the
 * simulated dock (in memory on the test clock, and once over real ptys with custody-sim),
 * room events from zone changes, one scenario per rule (raised, cleared, acknowledged, all in
 * the journal), bad telemetry as a device fault, and a rebuild of the projections.
 */
#include <sqlite3.h>

#include "alert.h"
#include "buf.h"
#include "clock.h"
#include "dock.h"
#include "intake.h"
#include "journal.h"
#include "operator.h"
#include "prop-util.h"
#include "rules.h"
#include "sim.h"
#include "admin.h"
#include "t.h"
#include "terminal.h"
#include "util.h"
#include "devpair.h"
#include "simrun.h"
#include "visit.h"
#include "zones.h"

#define T0 1795000000000LL

extern const struct sim_device sim_dock;

static const char conf_text[] =
    "[supervision]\nzone_settle = 0\nfault_hold = 10s\nhr_for = 10s\n"
    "[zone.1]\nname = 入区登记\nkind = entry\n"
    "[zone.5]\nname = 候问室1\nkind = waiting\n"
    "[zone.6]\nname = 讯问室1\nkind = interrogation\n"
    "[zone.7]\nname = 候问室2\nkind = waiting\n"
    "[zone.9]\nkind = corridor\n";

static struct config conf;
static struct journal *J;
static struct rules *R;
static struct pair P;
static int seen;		/* pair events handed to the rules */
static char VA[UUID_LEN + 1], VB[UUID_LEN + 1], VC[UUID_LEN + 1], VD[UUID_LEN + 1];

/* Hands the dock's new events to the rules, as the console does. */
static void
pump(void)
{
	struct errmsg em;

	pair_run(&P, clock_now_ms());
	for (; seen < P.n && seen < PAIR_EVENTS; seen++)
		if (rules_on_device(R, &P.events[seen], &em) != CST_OK)
			fprintf(stderr, "rules_on_device: %s\n", em.text);
}

static void
say(const char *line)
{
	char err[256];

	if (pair_command(&P, line, err, sizeof err) != 0)
		fprintf(stderr, "sim: %s: %s\n", line, err);
	clock_advance_ms(200);	/* the batch goes after 100 ms */
	pump();
}

static void
tick(void)
{
	struct errmsg em;

	pump();
	if (rules_tick(R, &em) != CST_OK)
		fprintf(stderr, "rules_tick: %s\n", em.text);
}

/* Advances the clock ms in seconds, the dock and the rules running as they would. */
static void
run(int64_t ms, const char *keepalive)
{
	int64_t end = clock_now_ms() + ms;

	while (clock_now_ms() < end) {
		clock_advance_ms(1000);
		if (keepalive)
			say(keepalive);
		tick();
	}
}

/* The open alert of rule about about, copied to out; 0 when none. */
static int
open_alert(const char *rule, const char *about, struct alert *out)
{
	struct alert_list l;
	struct errmsg em;
	size_t i;
	int found = 0;

	if (alert_open(J, 1000, &l, &em) != CST_OK)
		return 0;
	for (i = 0; i < l.n && !found; i++)
		if (strcmp(l.v[i].rule, rule) == 0 && strcmp(l.v[i].about, about) == 0) {
			if (out)
				*out = l.v[i];
			found = 1;
		}
	alert_list_free(&l);
	return found;
}

struct count {
	const char *subject;
	int n;
};

static int
count_one(const struct event *ev, void *arg)
{
	struct count *c = arg;

	c->n += c->subject == NULL || strcmp(ev->subject, c->subject) == 0;
	return 0;
}

static int
events(const char *kind, const char *subject)
{
	struct journal_filter f = { .kind = kind };
	struct count c = { subject, 0 };
	struct errmsg em;

	journal_each(J, &f, count_one, &c, &em);
	return c.n;
}

static void
register_visit(struct intake *in, const char *name, const char *case_no, const char *band,
    char out[UUID_LEN + 1])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static int n;
	struct registration r;
	struct intake_error err;
	char first17[18];
	int i, sum = 0;

	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "%s", name);
	r.sex = 'M';
	snprintf(r.ethnicity, sizeof r.ethnicity, "01");
	snprintf(r.address, sizeof r.address, "北京市东城区东长安街1号");
	/* A man's number (odd 17th digit) with its GB 11643 check character. */
	snprintf(first17, sizeof first17, "110105198001010%d1", n++ % 10);
	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	snprintf(r.id_number, sizeof r.id_number, "%s%c", first17, "10X98765432"[sum % 11]);
	snprintf(r.case_number, sizeof r.case_number, "%s", case_no);
	snprintf(r.reason, sizeof r.reason, "criminal");
	snprintf(r.officer1, sizeof r.officer1, "110001");
	snprintf(r.officer2, sizeof r.officer2, "110002");
	snprintf(r.band, sizeof r.band, "%s", band);
	if (intake_register(in, &r, out, &err) != CST_OK)
		fprintf(stderr, "register %s: %s %s\n", name, err.field ? err.field : "",
		    err.em.text);
}

static void
test_config(void)
{
	struct config c;
	struct errmsg em;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	ok(config_parse(conf_text, strlen(conf_text), &conf, &em) == CST_OK, "zones parse");
	ok(conf.nzones == 5 && zones_find(&conf, 6) != NULL &&
	    zones_find(&conf, 6)->kind == ZONE_INTERROGATION &&
	    strcmp(zones_find(&conf, 5)->name, "候问室1") == 0, "zones read with name and kind");
	ok(zones_find(&conf, 2) == NULL, "a zone not configured is not found");
	ok(conf.sup.hr_for_ms == 10000 && conf.sup.min_officers == 2 &&
	    conf.sup.stage_ms[0] == 30 * 60000LL, "supervision settings and defaults");
	ok(config_parse("[zone.5]\nkind = waiting\n[zone.5]\n", 34, &c, &em) == CST_ERR_INPUT &&
	    strstr(em.text, "twice") != NULL, "a zone twice is refused");
	ok(config_parse("[zone.x]\n", 9, &c, &em) == CST_ERR_INPUT, "a zone needs a number");
	ok(config_parse("[zone.70000]\n", 13, &c, &em) == CST_ERR_INPUT, "zone numbers are bounded");
	ok(config_parse("[zone.3]\nkind = kitchen\n", 24, &c, &em) == CST_ERR_INPUT,
	    "an unknown zone kind is refused");
	ok(config_parse("[zone.3]\ncolour = red\n", 22, &c, &em) == CST_ERR_INPUT,
	    "an unknown zone key is refused");
	m = open_memstream(&text, &len);
	ok(config_write(m, &conf) == CST_OK, "the zones are written back");
	fclose(m);
	ok(text != NULL && strstr(text, "[zone.9]") != NULL &&
	    config_parse(text, len, &c, &em) == CST_OK && c.nzones == 5 &&
	    c.zones[4].number == 9 && c.zones[4].kind == ZONE_CORRIDOR, "and read again");
	free(text);
}

static void
test_moves(void)
{
	struct visit v;
	struct visit_movement mv[8];
	struct errmsg em;
	size_t n = 0;

	say("telemetry B0000001 zone=5 hr=72 battery=80");
	ok(events("room.entered", VA) == 1, "a band's first zone is a room.entered");
	say("telemetry B0000001 zone=5 hr=73 battery=80");
	ok(events("room.entered", VA) == 1, "staying in the zone is no event");
	say("telemetry B0000001 zone=9 hr=72 battery=80");
	ok(events("room.left", VA) == 1 && events("room.entered", VA) == 2,
	    "a change of zone: room.left then room.entered");
	ok(visit_get(J, VA, &v, &em) == CST_OK && v.stage == STAGE_REGISTERED &&
	    strcmp(v.room, "zone 9") == 0, "the gateway moves the room, never the stage");
	ok(visit_movements(J, VA, mv, 8, &n, &em) == CST_OK && n == 2 &&
	    strcmp(mv[0].room, "候问室1") == 0 && strcmp(mv[0].kind, "waiting") == 0 &&
	    strcmp(mv[1].kind, "corridor") == 0, "the movement ledger has both rooms");
}

static void
test_faults(void)
{
	struct alert a;

	say("telemetry BEEF01 zone=5 hr=70");
	tick();
	ok(open_alert("device_fault", "band:BEEF01", &a) && strstr(a.data, "unknown_band"),
	    "an unknown band is a device fault");
	ok(telemetry_find(rules_telemetry(R), "BEEF01")->zone == -1,
	    "and its zone is not believed");
	say("telemetry B0000002 zone=5 hr=0");
	say("telemetry B0000003 zone=99 hr=70");
	tick();
	ok(open_alert("device_fault", "band:B0000002", &a) && strstr(a.data, "heart_rate"),
	    "a heart rate of 0 is a device fault");
	ok(open_alert("device_fault", "band:B0000003", &a) && strstr(a.data, "\"zone\""),
	    "a zone not configured is a device fault");
	ok(telemetry_find(rules_telemetry(R), "B0000003")->zone == -1 &&
	    events("room.entered", VC) == 0, "and moves nobody");
	say("telemetry B0000002 zone=7 hr=251");
	ok(telemetry_find(rules_telemetry(R), "B0000002")->heart_rate == 0,
	    "a heart rate over 250 is not believed");
	run(12000, "telemetry B0000003 zone=6 hr=70");
	ok(!open_alert("device_fault", "band:B0000003", NULL) &&
	    !open_alert("device_fault", "band:BEEF01", NULL), "faults clear when they stop");
	ok(events("alert.cleared", NULL) >= 3, "cleared in the journal");
}

static void
test_heart_rate(void)
{
	struct alert a;

	say("telemetry B0000001 zone=9 hr=170");
	run(5000, "telemetry B0000001 zone=9 hr=170");
	ok(!open_alert("heart_rate", "band:B0000001", NULL), "a short high heart rate is no alert");
	run(6000, "telemetry B0000001 zone=9 hr=170");
	ok(open_alert("heart_rate", "band:B0000001", &a) && a.level == ALERT_ORANGE &&
	    strcmp(a.visit, VA) == 0 && strstr(a.data, "170"), "10 s at 170 bpm: orange");
	say("telemetry B0000001 zone=9 hr=80");
	tick();
	ok(!open_alert("heart_rate", "band:B0000001", NULL) &&
	    events("alert.cleared", a.id) == 1, "back in range: cleared, in the journal");
}

static void
test_sos(void)
{
	struct alert a;
	struct errmsg em;

	say("sos B0000001");	/* no tick: the SOS runs the rules by itself */
	ok(open_alert("sos", "band:B0000001", &a) && a.level == ALERT_RED,
	    "an SOS is red at once");
	ok(events("alert.raised", a.id) == 1, "raised in the journal");
	ok(alert_acknowledge(J, "c1", a.id, "去看了", &em) == CST_ERR_PERM,
	    "a clerk cannot acknowledge");
	ok(alert_acknowledge(J, "s1", a.id, "", &em) == CST_ERR_ARG, "a note is required");
	run(40000, "telemetry B0000001 zone=9 hr=80");
	ok(open_alert("sos", "band:B0000001", NULL), "an SOS not answered stays open");
	ok(alert_acknowledge(J, "s1", a.id, "民警已到场，误触", &em) == CST_OK,
	    "a supervisor acknowledges with a note");
	ok(alert_acknowledge(J, "s1", a.id, "again", &em) == CST_ERR_EXISTS,
	    "not twice at one level");
	ok(alert_get(J, a.id, &a, &em) == CST_OK && strcmp(a.ack_by, "s1") == 0 &&
	    strcmp(a.ack_note, "民警已到场，误触") == 0, "the acknowledgement is on the alert");
	tick();
	ok(!open_alert("sos", "band:B0000001", NULL) && events("alert.acknowledged", a.id) == 1 &&
	    events("alert.cleared", a.id) == 1, "answered and quiet: cleared; all journaled");
	say("telemetry 0A0B0C0D zone=6 badge");
	say("sos 0A0B0C0D");
	ok(open_alert("sos", "badge:0A0B0C0D", &a) && a.level == ALERT_RED && a.visit[0] == 0,
	    "an officer's badge SOS is red too");
	ok(alert_acknowledge(J, "s1", a.id, "已支援", &em) == CST_OK, "acknowledged");
}

static void
test_strap_battery(void)
{
	struct alert a;

	say("strap B0000002");
	ok(open_alert("strap", "band:B0000002", &a) && a.level == ALERT_RED &&
	    strcmp(a.visit, VB) == 0, "a strap opened: red at once");
	say("telemetry B0000002 zone=7 hr=75 battery=9");
	tick();
	ok(!open_alert("strap", "band:B0000002", NULL), "closed again: cleared");
	ok(open_alert("battery", "band:B0000002", &a) && a.level == ALERT_YELLOW &&
	    strstr(a.data, "9"), "battery under 15 %: yellow");
	say("telemetry B0000002 zone=7 hr=75 battery=60");
	tick();
	ok(!open_alert("battery", "band:B0000002", NULL), "charged: cleared");
}

static void
test_silence(void)
{
	struct alert a;

	/* B0000003 talks, B0000001 falls silent. */
	run(31000, "telemetry B0000003 zone=6 hr=70");
	ok(open_alert("band_silent", "band:B0000001", &a) && a.level == ALERT_ORANGE,
	    "a band silent 30 s: orange");
	ok(!open_alert("band_silent", "band:B0000003", NULL), "a band that talks is not silent");
	say("telemetry B0000001 zone=9 hr=80");
	tick();
	ok(!open_alert("band_silent", "band:B0000001", NULL), "heard again: cleared");
}

static void
all_talk(void)
{
	say("telemetry B0000001 zone=5 hr=80");
	say("telemetry B0000002 zone=5 hr=80");
	say("telemetry B0000003 zone=6 hr=80");
}

static void
test_zones(void)
{
	struct alert a;
	int i;

	/* A and B (one case) in waiting room 5, C alone with one officer in interrogation. */
	say("telemetry 0A0B0C0D zone=6 badge");
	for (i = 0; i < 25; i++) {
		all_talk();
		say("telemetry 0A0B0C0D zone=6 badge");
		tick();
	}
	ok(!open_alert("co_case", "zone:5", NULL) && !open_alert("unguarded", "zone:5", NULL),
	    "within the grace: nothing yet");
	for (i = 0; i < 60; i++) {	/* 0.8 s each: past the 60 s graces */
		all_talk();
		say("telemetry 0A0B0C0D zone=6 badge");
		tick();
	}
	ok(open_alert("co_case", "zone:5", &a) && a.level == ALERT_ORANGE && a.zone == 5 &&
	    strstr(a.data, "A1101012026110001"), "two people of one case in one room: orange");
	ok(open_alert("unguarded", "zone:5", &a) && strstr(a.data, "\"people\":2"),
	    "a waiting room with people and no officer: orange");
	ok(open_alert("officers", "zone:6", &a) && a.level == ALERT_RED &&
	    strcmp(a.visit, VC) == 0 && strstr(a.data, "\"need\":2"),
	    "an interrogation with one officer: red");
	say("telemetry 0E0E0E0E zone=6 badge");
	say("telemetry 0F0F0F0F zone=5 badge");
	say("telemetry B0000002 zone=7 hr=80");
	tick();
	ok(!open_alert("officers", "zone:6", NULL), "a second officer: cleared");
	ok(!open_alert("unguarded", "zone:5", NULL), "an officer in the waiting room: cleared");
	ok(!open_alert("co_case", "zone:5", NULL), "the co-suspects apart: cleared");
}

static void
test_dock_silent(void)
{
	struct alert a;

	say("silent");
	run(16000, NULL);
	ok(open_alert("device_fault", "dock", &a) && a.level == ALERT_ORANGE,
	    "a silent dock is a device fault");
	run(30000, NULL);
	ok(!open_alert("band_silent", "band:B0000001", NULL),
	    "and its bands are not blamed for it");
	say("talk");
	all_talk();	/* a heartbeat is no event: the next sample says it is back */
	tick();
	ok(!open_alert("device_fault", "dock", NULL), "the dock talks again: cleared");
	all_talk();
	tick();
}

static void
test_time_rules(void)
{
	struct board_list b;
	struct alert a;
	struct errmsg em;
	char loc[PROP_LOC_MAX + 1], item[UUID_LEN + 1];
	struct jw w;

	/* An item checked out, due back in two hours. */
	ok(pu_location(J, "A", "01", "01", &em) == CST_OK &&
	    pu_item(J, "A1101012026110001", 1, "", "A/01/01", item, &em) == CST_OK, "an item");
	(void)loc;
	jw_init(&w);
	jw_obj_begin(&w);
	pu_kv(&w, "purpose", "court");
	jw_key(&w, "due_ts");
	jw_int(&w, clock_now_ms() + 2 * 3600000LL);
	pu_party(&w, "giver", "k1", "保管员");
	pu_party(&w, "receiver", "k2", "民警");
	jw_obj_end(&w);
	ok(pu_append(J, "item.checked_out", item, &w, &em) == CST_OK, "checked out");
	clock_advance_ms(31 * 60000LL);
	tick();
	ok(open_alert("stage_time", VD, &a) && a.level == ALERT_YELLOW,
	    "31 min registered but not searched: yellow");
	clock_advance_ms(30 * 60000LL);
	tick();
	ok(open_alert("stage_time", VD, &a) && a.level == ALERT_ORANGE &&
	    events("alert.raised", a.id) == 2, "twice the limit: raised again, orange");
	clock_advance_ms(2 * 3600000LL);
	tick();
	ok(open_alert("property_overdue", item, &a) && a.level == ALERT_YELLOW,
	    "a check-out past its return and the grace: yellow");
	clock_advance_ms(7 * 3600000LL);	/* 10 h 1 min in */
	tick();
	ok(open_alert("stay", VD, &a) && a.level == ALERT_YELLOW, "2 h before 12 h: yellow");
	clock_advance_ms(100 * 60000LL);
	tick();
	ok(open_alert("stay", VD, &a) && a.level == ALERT_ORANGE, "30 min before: orange");
	clock_advance_ms(30 * 60000LL);
	tick();
	ok(open_alert("stay", VD, &a) && a.level == ALERT_RED, "past 12 h: red");
	ok(rules_board(R, &b, &em) == CST_OK && b.n == 4 && b.v[0].level == ALERT_RED &&
	    b.v[b.n - 1].level <= b.v[0].level, "the board: everyone, red first");
	board_list_free(&b);
	ok(alert_acknowledge(J, "s1", a.id, "已报请延长", &em) == CST_OK, "acknowledged");
	ok(!open_alert("property_overheld", item, &a), "not yet held too long");
	clock_advance_ms(400LL * 24 * 3600000LL);	/* past the default year for "other" */
	tick();
	ok(open_alert("property_overheld", item, &a) && a.level == ALERT_YELLOW,
	    "an item held past its category's limit: yellow");
}

/*
 * The terminal's clock set back 5 h, then forward 6 h, while people are in the area (issue 13
 * §4): the stay ceiling is neither put off nor brought forward, and each jump is recorded.
 */
static void
test_clock_jumps(struct intake *in)
{
	char ve[UUID_LEN + 1], vf[UUID_LEN + 1];
	struct alert a;
	int jumped = events("clock.jumped", "clock");

	register_visit(in, "孙八", "A1101012026110011", "", ve);
	tick();
	clock_advance_ms(11 * 3600000LL);	/* 1 h before the 12 h ceiling */
	tick();
	ok(open_alert("stay", ve, &a) && a.level == ALERT_YELLOW, "11 h in: yellow");
	clock_jump_wall_ms(-5 * 3600000LL);
	tick();
	ok(events("clock.jumped", "clock") == jumped + 1, "the clock set back 5 h: clock.jumped");
	ok(open_alert("stay", ve, &a) && a.level == ALERT_YELLOW,
	    "the clock set back does not give the person 5 more hours");
	clock_advance_ms(90 * 60000LL);
	tick();
	ok(open_alert("stay", ve, &a) && a.level == ALERT_RED,
	    "12 h 30 min in by the steady clock: red, whatever the wall clock says");
	clock_jump_wall_ms(6 * 3600000LL);	/* now 1 h ahead of the true time */
	tick();
	ok(events("clock.jumped", "clock") == jumped + 2, "set forward 6 h: clock.jumped again");
	register_visit(in, "周九", "A1101012026110012", "", vf);
	tick();
	ok(!open_alert("stay", vf, NULL), "a person stamped 1 h ahead raises no false alert");
	clock_advance_ms(11 * 3600000LL + 40 * 60000LL);
	tick();
	ok(open_alert("stay", vf, &a) && a.level == ALERT_ORANGE,
	    "11 h 40 min in: orange, though the entry was stamped an hour late");
}

static void
dump(sqlite3 *db, struct buf *out)
{
	static const char *const tables[] = { "alerts", "zone_presence", "movements", "visits" };
	char sql[96];
	sqlite3_stmt *st;
	size_t i;
	int c;

	for (i = 0; i < 4; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2, 3", tables[i]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (c = 0; c < sqlite3_column_count(st); c++)
				buf_printf(out, "%s|", sqlite3_column_text(st, c) ?
				    (const char *)sqlite3_column_text(st, c) : "NULL");
			buf_add(out, "\n");
		}
		sqlite3_finalize(st);
	}
}

static void
test_rebuild(void)
{
	struct buf before = { 0 }, after = { 0 };
	struct errmsg em;
	int64_t rows = 0;
	sqlite3_stmt *st;

	dump(journal_db(J), &before);
	ok(journal_rebuild(J, &em) == CST_OK, "rebuild");
	dump(journal_db(J), &after);
	ok(before.len > 1000 && strcmp(buf_str(&before), buf_str(&after)) == 0,
	    "rebuild gives the same alerts, presence and movements");
	if (sqlite3_prepare_v2(journal_db(J), "SELECT count(*) FROM telemetry", -1, &st,
	    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ok(rows > 10 && rows <= 6 * TM_RING, "raw telemetry is kept, down-sampled");
	buf_free(&before);
	buf_free(&after);
}

static int
has_sos(struct simrun *s)
{
	(void)s;
	return open_alert("sos", "band:B0000004", NULL);
}

static struct simrun S;

static void
sim_event(void *arg, int dev, const struct dev_event *ev)
{
	struct errmsg em;

	simrun_event(arg, dev, ev);
	if (dev == CONF_DEV_DOCK)
		rules_on_device(R, ev, &em);
}

/* The same through custody-sim on a real pty, on the real clock. */
static void
test_simrun(struct intake *in)
{
	struct devices_callbacks cb = { sim_event, simrun_state, &S };
	char v[UUID_LEN + 1];

	clock_set_ms(0);
	register_visit(in, "钱七", "A1101012026110009", "B0000004", v);
	simrun_start(&S, NULL);
	/* simrun_start's own callbacks do not feed the rules: a second device layer does. */
	devices_free(S.devs);
	S.devs = devices_new(S.loop, &S.conf, &cb);
	simrun_wait(&S, 5000, simrun_all_connected);
	simrun_say(&S, "dock telemetry B0000004 zone=5 hr=70");
	simrun_wait(&S, 3000, NULL);
	ok(events("room.entered", v) == 1, "over a real pty: the zone becomes room.entered");
	simrun_say(&S, "dock sos B0000004");
	ok(simrun_wait(&S, 3000, has_sos), "over a real pty: the SOS is red within 3 s");
	simrun_stop(&S);
}

int
main(void)
{
	char *dir = t_tmpdir("rules");
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	struct terminal *t;
	struct errmsg em;

	clock_set_ms(T0);
	test_config();
	if (terminal_create(dir, "t1", "supervision", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "terminal: %s\n", em.text);
		return 99;
	}
	J = in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	operator_add(J, t_admin(), "c1", "李文", "clerk", "clerk-pass-1", &em);
	operator_add(J, t_admin(), "s1", "王强", "supervisor", "super-pass-1", &em);
	register_visit(&in, "张三", "A1101012026110001", "B0000001", VA);
	register_visit(&in, "李四", "A1101012026110001", "B0000002", VB);
	register_visit(&in, "王五", "A1101012026110002", "B0000003", VC);
	register_visit(&in, "赵六", "A1101012026110003", "", VD);
	R = rules_new(J, &conf);
	pair_open(&P, &dock_driver, &sim_dock, clock_now_ms());
	clock_advance_ms(1000);
	tick();
	test_moves();
	test_faults();
	test_heart_rate();
	test_sos();
	test_strap_battery();
	test_silence();
	test_zones();
	test_dock_silent();
	test_time_rules();
	test_clock_jumps(&in);
	test_rebuild();
	pair_close(&P);
	test_simrun(&in);
	rules_free(R);
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
