/*
 * Inventories against the simulated UHF reader (driver and simulator back to back, in
 * memory): missing, misplaced and unknown tags under heavy duplicate reads, exact counts,
 * the recorded inventory.completed, its bounded body, the report and the misplaced alerts.
 */
#include <sqlite3.h>

#include "buf.h"
#include "clock.h"
#include "devpair.h"
#include "inventory.h"
#include "json.h"
#include "operator.h"
#include "prop-util.h"
#include "property.h"
#include "admin.h"
#include "t.h"
#include "terminal.h"
#include "uhf.h"
#include "util.h"

#define T0 1795000000000LL

extern const struct sim_device sim_uhf;

static struct inventory *inv;
static uint64_t notices_sent, tag_events;
static struct pair pair;

/* Every notice the simulated module sends is counted before the driver gets it. */
static void
count_send(void *arg, const uint8_t *frame, size_t n)
{
	if (n > 3 && frame[1] == UHF_TYPE_NOTICE && frame[2] == UHF_CMD_POLL)
		notices_sent++;
	pair_dev_send(arg, frame, n);
}

static void
on_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	if (ev->kind == DEV_TAG) {
		tag_events++;
		inventory_read(inv, ev->id);
	}
}

static void
field_add(const char *epc)
{
	char line[128], err[256];

	snprintf(line, sizeof line, "add %s", epc);
	if (pair_command(&pair, line, err, sizeof err) != 0)
		fprintf(stderr, "sim: %s\n", err);
}

struct fixture {
	char shelf1[300][UUID_LEN + 1];	/* R/S1/B1 (0..99) and R/S1/B2 (100..199) */
	char shelf2[100][UUID_LEN + 1];	/* R/S2/B1 */
	char loose[3][UUID_LEN + 1];	/* registered, never stored */
};

static void
make_items(struct journal *j, struct fixture *f)
{
	char epc[25], id[UUID_LEN + 1];
	struct errmsg em;
	int i, bad = 0;

	bad += journal_batch_begin(j, &em) != CST_OK;
	bad += pu_location(j, "R", "S1", "B1", &em) != CST_OK;
	bad += pu_location(j, "R", "S1", "B2", &em) != CST_OK;
	bad += pu_location(j, "R", "S2", "B1", &em) != CST_OK;
	bad += pu_location(j, "BIG", "S1", "B1", &em) != CST_OK;
	for (i = 0; i < 200; i++) {
		pu_epc((unsigned)i, epc);
		bad += pu_item(j, "C1", i + 1, epc, i < 100 ? "R/S1/B1" : "R/S1/B2",
		    f->shelf1[i], &em) != CST_OK;
	}
	for (i = 0; i < 100; i++) {
		pu_epc(1000u + (unsigned)i, epc);
		bad += pu_item(j, "C2", i + 1, epc, "R/S2/B1", f->shelf2[i], &em) != CST_OK;
	}
	for (i = 0; i < 5; i++)
		bad += pu_item(j, "C3", i + 1, "", "R/S1/B1", id, &em) != CST_OK;
	for (i = 0; i < 3; i++) {
		pu_epc(2000u + (unsigned)i, epc);
		bad += pu_item(j, "C4", i + 1, epc, NULL, f->loose[i], &em) != CST_OK;
	}
	for (i = 0; i < 3000; i++) {
		pu_epc(100000u + (unsigned)i, epc);
		bad += pu_item(j, "BIG", i + 1, epc, "BIG/S1/B1", id, &em) != CST_OK;
	}
	bad += journal_batch_end(j, &em) != CST_OK;
	ok(bad == 0, "3,300 items in bulk through the journal");
}

static void
test_refusals(struct journal *j)
{
	struct inventory *x = NULL;
	struct errmsg em;

	ok(inventory_start(j, "Q", &x, &em) == CST_ERR_NOTFOUND && x == NULL &&
	    em.text[0] != '\0', "an unknown location is refused");
	ok(inventory_start(j, "R/S", &x, &em) == CST_ERR_NOTFOUND, "a partial part is refused");
	ok(inventory_start(j, "", &x, &em) == CST_ERR_NOTFOUND, "an empty location is refused");
}

static void
test_shelf(struct intake *in, struct fixture *f)
{
	struct inventory_counts c, mid;
	struct intake_error e;
	struct errmsg em;
	struct buf csv = { 0 };
	char epc[25], id[UUID_LEN + 1], err[128];
	const char *p;
	int i, missing_rows = 0;

	ok(inventory_start(in->j, "R/S1", &inv, &em) == CST_OK, "start an inventory of shelf R/S1");
	inventory_counts(inv, &c);
	ok(c.expected == 200 && c.missing == 200 && c.seen == 0 && c.untagged == 5,
	    "200 tagged items expected, 5 without a tag");

	pair_open(&pair, &uhf_driver, &sim_uhf, 1000);
	pair.io.emit = on_event;
	pair.sio.send = count_send;
	pair_run(&pair, 1100);
	for (i = 0; i < 200; i++)	/* ten of them are missing: 190 .. 199 */
		if (i < 190) {
			pu_epc((unsigned)i, epc);
			field_add(epc);
		}
	for (i = 0; i < 5; i++) {	/* five from shelf S2 misplaced here */
		pu_epc(1000u + (unsigned)i, epc);
		field_add(epc);
	}
	pu_epc(2000, epc);		/* one never stored */
	field_add(epc);
	for (i = 0; i < 7; i++) {	/* seven tags of nothing we hold */
		snprintf(epc, sizeof epc, "300833B2DDD90140%08X", (unsigned)i);
		field_add(epc);
	}
	ok(pair_command(&pair, "dup 5", err, sizeof err) == 0, "each tag five times a round");
	{
		struct dev_request rq = { .kind = DEV_RQ_UHF_START };

		ok(pair_request(&pair, &rq) == 0, "start polling");
	}
	pair_run(&pair, 2100);
	inventory_counts(inv, &mid);
	ok(mid.reads > 0 && mid.seen + mid.unexpected + mid.unknown <= 203 &&
	    mid.seen <= 190 && mid.missing == 200 - mid.seen, "live counts during the reading");
	pair_run(&pair, 9100);	/* about three rounds of 1,015 notices at the line rate */
	inventory_counts(inv, &c);
	ok(notices_sent > 3000, "thousands of notices with duplicates");
	ok(tag_events == notices_sent && c.reads == notices_sent, "no read lost on the way");
	ok(c.expected == 200 && c.seen == 190 && c.missing == 10, "seen 190, missing 10: exact");
	ok(c.unexpected == 6, "unexpected 6: five misplaced, one never stored");
	ok(c.unknown == 7, "unknown 7");
	ok(c.duplicates == c.reads - 203, "every other read folded");
	ok(inventory_read(inv, "not-a-tag") == INV_READ_BAD, "a bad read");
	ok(inventory_read(inv, "e28011700000000000000000") == INV_READ_DUPLICATE,
	    "lower case is the same tag");
	pair_close(&pair);

	inventory_report_csv(inv, &csv);
	for (p = buf_str(&csv); (p = strstr(p, "\nmissing,")) != NULL; p++)
		missing_rows++;
	ok(missing_rows == 10, "the report lists the ten missing");
	ok(strstr(buf_str(&csv), "unexpected,WP-C2-001,") != NULL &&
	    strstr(buf_str(&csv), ",R/S2/B1,stored") != NULL, "and where the misplaced belong");
	ok(strstr(buf_str(&csv), "unknown,,,300833B2DDD9014000000006") != NULL,
	    "and the unknown tags");
	buf_free(&csv);
	inventory_report_export(inv, &csv);
	ok(strncmp(buf_str(&csv), "\xef\xbb\xbfResult,Code,", 13) == 0,
	    "the export: a BOM and headers for people");
	ok(strstr(buf_str(&csv), "\nMissing,") != NULL &&
	    strstr(buf_str(&csv), "\nUnexpected,WP-C2-001,") != NULL &&
	    strstr(buf_str(&csv), "\nUnknown tags,,,300833B2DDD9014000000006") != NULL &&
	    strstr(buf_str(&csv), "\nmissing,") == NULL, "results in words, not keys");
	buf_free(&csv);

	ok(inventory_finish(inv, in, id, &e) == CST_OK, "inventory.completed recorded");
	ok(inventory_finish(inv, in, id, &e) == CST_ERR_ARG, "but only once");
	inventory_free(inv);
	inv = NULL;
	(void)f;
}

static int
last_body(const struct event *ev, void *arg)
{
	char **out = arg;

	free(*out);
	*out = malloc(ev->body_len + 1);
	memcpy(*out, ev->body, ev->body_len);
	(*out)[ev->body_len] = '\0';
	return 0;
}

static void
test_alerts(struct intake *in, struct fixture *f)
{
	struct prop_party k1, k2;
	struct prop_alert_list l;
	struct intake_error e;
	size_t i;
	int found = 0;

	ok(prop_alerts_misplaced(in->j, &l, &e.em) == CST_OK && l.n == 6,
	    "six items seen where they are not recorded");
	for (i = 0; i < l.n; i++)
		found += strcmp(l.v[i].item.id, f->shelf2[0]) == 0 &&
		    strcmp(l.v[i].where, "R/S1") == 0;
	ok(found == 1, "an alert names the item and where it was seen");
	prop_alert_list_free(&l);

	memset(&k1, 0, sizeof k1);
	memset(&k2, 0, sizeof k2);
	snprintf(k1.id, sizeof k1.id, "k1");
	snprintf(k1.password, sizeof k1.password, "keeper-pass-1");
	snprintf(k2.id, sizeof k2.id, "k2");
	snprintf(k2.password, sizeof k2.password, "keeper-pass-2");
	ok(property_move(in, f->shelf2[0], "R/S1/B1", &k1, &k2, &e) == CST_OK,
	    "the misplaced item is recorded where it was found");
	ok(prop_alerts_misplaced(in->j, &l, &e.em) == CST_OK && l.n == 5,
	    "and its alert is gone");
	prop_alert_list_free(&l);
}

/* 3,000 missing do not fit 64 KiB: counts whole, lists cut, the report's hash kept. */
static void
test_big_body(struct intake *in)
{
	struct inventory_counts c;
	struct intake_error e;
	struct json *root = NULL;
	struct errmsg em;
	char id[UUID_LEN + 1], *body = NULL;
	unsigned char h[CRY_HASH_BYTES];
	int64_t seq = 0, missing = -1, listed;

	ok(inventory_start(in->j, "BIG", &inv, &em) == CST_OK, "inventory of room BIG");
	inventory_read(inv, "E280117000000000000186A0");	/* item 100000 */
	inventory_counts(inv, &c);
	ok(c.expected == 3000 && c.seen == 1 && c.missing == 2999, "2,999 missing");
	ok(inventory_finish(inv, in, id, &e) == CST_OK,
	    "recorded within the event size limit");
	journal_head(in->j, "t1", &seq, h, &em);
	journal_chain(in->j, "t1", seq - 1, 1, last_body, &body, &em);
	ok(body != NULL && strlen(body) <= EV_MAX_BODY &&
	    json_parse(body, strlen(body), &root, &em) == CST_OK, "the body parses");
	if (body != NULL && root != NULL) {
		json_get_int(json_get(root, "counts"), "missing", &missing);
		listed = (int64_t)json_count(json_get(root, "missing"));
		ok(missing == 2999, "the count is whole");
		ok(json_type(json_get(root, "complete")) == JSON_FALSE && listed > 100 &&
		    listed < 2999, "the list is cut and says so");
		ok(json_get_str(root, "report_blake2b") != NULL &&
		    strlen(json_get_str(root, "report_blake2b")) == 64, "the report's hash");
		json_free(root);
	}
	free(body);
	inventory_free(inv);
	inv = NULL;
}

static void
dump(sqlite3 *db, struct buf *out)
{
	static const char *const tables[] = { "prop_items", "prop_inventories",
	    "prop_misplaced", "prop_events" };
	char sql[128];
	sqlite3_stmt *st;
	size_t i;
	int c;

	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[i]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			continue;
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);

				buf_printf(out, "%s|", v ? (const char *)v : "NULL");
			}
			buf_add(out, "\n");
		}
		sqlite3_finalize(st);
	}
}

int
main(void)
{
	char *dir = t_tmpdir("inventory");
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	static struct fixture f;
	struct buf before = { 0 }, after = { 0 };
	struct terminal *t = NULL;
	struct errmsg em;

	clock_set_ms(T0);
	if (terminal_create(dir, "t1", "property", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "terminal: %s\n", em.text);
		return 99;
	}
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "k1");
	ok(operator_add(in.j, t_admin(), "k1", "库管甲", "keeper", "keeper-pass-1", &em) == CST_OK &&
	    operator_add(in.j, t_admin(), "k2", "库管乙", "keeper", "keeper-pass-2", &em) == CST_OK,
	    "two keepers");
	make_items(in.j, &f);
	test_refusals(in.j);
	test_shelf(&in, &f);
	test_alerts(&in, &f);
	test_big_body(&in);
	dump(journal_db(in.j), &before);
	ok(journal_rebuild(in.j, &em) == CST_OK, "rebuild");
	dump(journal_db(in.j), &after);
	ok(before.len > 1000 && strcmp(buf_str(&before), buf_str(&after)) == 0,
	    "rebuild gives the same tables, inventories and alerts included");
	buf_free(&before);
	buf_free(&after);
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
