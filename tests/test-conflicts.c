/*
 * One band, one person; one code, one item (issue 15). Ids in their normal form whatever the
 * case and separators typed; two terminals cut off from each other that bind one band to two
 * people and give two items one code and one tag: after sync both terminals list the same
 * conflicts, a rebuild finds them again, and a supervisor's resolution empties the queue on
 * both. Against a real custody-ledger on loopback TLS (tests/sync-util.h).
 */
#include <ctype.h>

#include "admin.h"
#include "conflict.h"
#include "ids.h"
#include "intake.h"
#include "operator.h"
#include "property.h"
#include "visit.h"

#include "sync-util.h"

#define BAND "00000C0DE1"
#define CASE "A1101012026110009"

static struct intake
intake_on(struct terminal *t, const char *op)
{
	struct intake in;

	memset(&in, 0, sizeof in);
	in.j = t->journal;
	in.max_failures = 5;
	in.lockout_ms = 60000;
	snprintf(in.operator_, sizeof in.operator_, "%s", op);
	return in;
}

static void
test_normal_form(void)
{
	char band[IDS_BAND_MAX + 1], tag[IDS_TAG_MAX + 1];
	struct errmsg em;

	err_clear(&em);
	ok(ids_band("0a0b0c0d0e", band, &em) == CST_OK && strcmp(band, "0A0B0C0D0E") == 0,
	    "a band typed in lower case is upper-case hex");
	ok(ids_band(" 0a:0b-0C 0d:0E ", band, &em) == CST_OK && strcmp(band, "0A0B0C0D0E") == 0,
	    "spaces, colons and dashes between the bytes are dropped");
	ok(ids_band("04A224B2C31D80", band, &em) == CST_OK && strcmp(band, "04A224B2C31D80") == 0,
	    "a 7-byte PN532 UID is kept as it is");
	ok(ids_band("0A0B0C0D0G", band, &em) == CST_ERR_ARG && band[0] == '\0' &&
	    strstr(em.text, "hexadecimal") != NULL, "a letter past F is no band, and says why");
	ok(ids_band("手环0A0B", band, &em) == CST_ERR_ARG, "nor is Chinese text");
	ok(ids_band("0A0", band, &em) == CST_ERR_ARG, "too short");
	ok(ids_band("0123456789ABCDEF0123456789ABCDEF0", band, &em) == CST_ERR_ARG, "too long");
	ok(ids_tag("e2:80:11:60", tag, &em) == CST_OK && strcmp(tag, "E2801160") == 0,
	    "a tag likewise");
	ok(ids_tag("E28011606", tag, &em) == CST_ERR_ARG, "a tag is whole bytes");
}

/*
 * The numbers printed on EM4100 bands (issue 16).  Vectors: NITGEN eNCard-i user guide p. 56
 * (card 08 01 16 1D D6: "10 Digit Decimal" 0018226646, "3,5 Digit Decimal" 022 07638) and
 * Seabreeze / Sintronic (0013961168 printed beside 213 02000, hex 00 D5 07 D0).
 */
static void
test_printed_forms(void)
{
	struct ids_band_read r;
	char printed[IDS_PRINTED_MAX], field[IDS_FIELD_MAX + 1];
	struct errmsg em;

	err_clear(&em);
	ids_band_printed("0801161DD6", printed);
	ok(strcmp(printed, "0018226646 · 022,07638") == 0, "NITGEN's card: both printed forms");
	ids_band_printed("00D507D0AA", printed);
	ok(strcmp(printed, "3574059178 · 007,53418") == 0, "bytes 2-5, whatever the first");
	ids_band_printed("04A224B2C31D80", printed);
	ok(printed[0] == '\0', "a 7-byte UID has no printed EM4100 form");
	ids_band_printed("0A0B0C0D0G", printed);
	ok(printed[0] == '\0', "nor has something that is not hex");
	ok(ids_band_read("0018226646", &r, &em) == CST_OK && r.form == IDS_FORM_DIGITS &&
	    r.dec == 18226646 && strcmp(r.hex, "0018226646") == 0,
	    "ten decimal digits: both the printed decimal and the hex reading");
	ok(ids_band_matches(&r, "0801161DD6") && ids_band_matches(&r, "FF01161DD6") &&
	    !ids_band_matches(&r, "0801161DD7") && !ids_band_matches(&r, "01161DD6"),
	    "the decimal matches bytes 2-5 of 10-digit bands only");
	ok(ids_band_read(" 022,07638 ", &r, &em) == CST_OK && r.form == IDS_FORM_W26 &&
	    r.w26 == 0x161DD6 && ids_band_matches(&r, "0801161DD6") &&
	    ids_band_matches(&r, "0000161DD6") && !ids_band_matches(&r, "0801171DD6"),
	    "W26 022,07638 matches bytes 3-5");
	ok(ids_band_read("213,02000", &r, &em) == CST_OK && ids_band_matches(&r, "0000D507D0"),
	    "Seabreeze's 213 02000 is 00 D5 07 D0");
	ok(ids_band_read("256,00001", &r, &em) == CST_ERR_ARG && strstr(em.text, "0-255"),
	    "a facility over 255 is refused, and says why");
	ok(ids_band_read("022,65536", &r, &em) == CST_ERR_ARG, "a card over 65535 is refused");
	ok(ids_band_read("022,", &r, &em) == CST_ERR_ARG && ids_band_read(",07638", &r, &em) ==
	    CST_ERR_ARG && ids_band_read("0022,07638", &r, &em) == CST_ERR_ARG &&
	    ids_band_read("22,7638,1", &r, &em) == CST_ERR_ARG, "half or odd W26 forms too");
	ok(ids_band_read("9999999999", &r, &em) == CST_OK && r.form == IDS_FORM_HEX,
	    "ten digits above 2^32-1 are no printed decimal: hex only");
	ok(ids_band_read("00:18:22:66:46", &r, &em) == CST_OK && r.form == IDS_FORM_HEX &&
	    strcmp(r.hex, "0018226646") == 0, "with colons, ten digits are hex");
	ok(ids_band_read("0A0B0C0D0E", &r, &em) == CST_OK && r.form == IDS_FORM_HEX,
	    "hex with letters is hex");
	ids_band_field("0018226646", field);
	ok(strcmp(field, "00:18:22:66:46") == 0, "a tapped band of ten digits fills the field "
	    "with colons");
	ids_band_field("0A0B0C0D0E", field);
	ok(strcmp(field, "0A0B0C0D0E") == 0, "any other as it is");
}

static int
register_on(const char *name, const char *who, const char *id17, const char *band,
    char visit[64], struct intake_error *e)
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct intake in = intake_on(t, "c1");
	struct registration reg;
	char id[19];
	int status;

	make_id(id17, id);
	fill_registration(&reg, who, id, band);
	memset(e, 0, sizeof *e);
	status = intake_register(&in, &reg, visit, e);
	terminal_close(t);
	return status;
}

/* On one terminal the band typed in another case is the band worn: refused. */
static void
test_one_band_here(void)
{
	char v1[64], v2[64], v3[64];
	struct intake_error e;
	struct terminal *t;
	struct intake in;
	struct visit v;

	ok(register_on("t1", "周一", "11010519800101011", "0A0B0C0D0E", v1, &e) == CST_OK,
	    "t1: registered with band 0A0B0C0D0E");
	ok(register_on("t1", "吴二", "11010519800101021", "0a0b0c0d0e", v2, &e) ==
	    CST_ERR_EXISTS && strcmp(e.field, "band") == 0 && strstr(e.em.text, "周一") != NULL,
	    "t1: the same band typed 0a0b0c0d0e for a second person is refused, naming the first");
	ok(register_on("t1", "吴二", "11010519800101021", "0a:0b:0c:0d:0e", v2, &e) ==
	    CST_ERR_EXISTS, "and typed 0a:0b:0c:0d:0e");
	ok(register_on("t1", "吴二", "11010519800101021", "0a0b0c0d0x", v2, &e) == CST_ERR_ARG &&
	    strcmp(e.field, "band") == 0, "a band that is not hex is refused at its field");
	ok(register_on("t1", "吴二", "11010519800101021", "", v2, &e) == CST_OK,
	    "registered without a band");
	t = open_terminal("t1", TERMINAL_SIGN);
	in = intake_on(t, "c1");
	memset(&e, 0, sizeof e);
	ok(intake_bind_band(&in, v2, "0a0b0c0d0e", &e) == CST_ERR_EXISTS,
	    "binding the worn band typed in lower case is refused");
	memset(&e, 0, sizeof e);
	ok(intake_bind_band(&in, v2, "0a 0b 0c 0d 0f", &e) == CST_OK &&
	    visit_get(t->journal, v2, &v, NULL) == CST_OK && strcmp(v.band, "0A0B0C0D0F") == 0,
	    "another band typed with spaces is bound in its normal form");
	ok(visit_by_band(t->journal, "0a0b0c0d0f", &v, NULL) == CST_OK && strcmp(v.id, v2) == 0,
	    "and found by the form typed");
	terminal_close(t);
	(void)v3;
}

/* A printed number typed at the keyboard finds the band it is printed on (issue 16). */
static void
test_printed_typed(void)
{
	char v1[64], v2[64], band[IDS_BAND_MAX + 1];
	struct visit_list found = { NULL, 0, 0 };
	struct intake_error e;
	struct terminal *t;
	struct intake in;
	struct visit v;
	struct errmsg em;

	err_clear(&em);
	ok(register_on("t3", "郑三", "11010519800101031", "0018226646", v1, &e) ==
	    CST_ERR_ARG && strcmp(e.field, "band") == 0 && strstr(e.em.text, "00:04:61:41:78"),
	    "ten digits no band here has: refused, saying how to type hex");
	ok(register_on("t3", "郑三", "11010519800101031", "08:01:16:1D:D6", v1, &e) == CST_OK,
	    "NITGEN's card is bound by its hex");
	t = open_terminal("t3", TERMINAL_SIGN);
	ok(visit_band_typed(t->journal, "0018226646", band, &em) == CST_OK &&
	    strcmp(band, "0801161DD6") == 0, "its printed decimal finds it");
	ok(visit_band_typed(t->journal, "022,07638", band, &em) == CST_OK &&
	    strcmp(band, "0801161DD6") == 0, "so does its W26 number");
	ok(visit_band_typed(t->journal, "022,07639", band, &em) == CST_ERR_ARG && band[0] == 0,
	    "a W26 number of no band here is refused");
	ok(visit_band_typed(t->journal, "0A0B0C0D0E", band, &em) == CST_OK &&
	    strcmp(band, "0A0B0C0D0E") == 0, "hex is taken as it is");
	terminal_close(t);
	ok(register_on("t3", "王四", "11010519800101051", "0018226646", v2, &e) ==
	    CST_ERR_EXISTS && strstr(e.em.text, "郑三") != NULL,
	    "the printed decimal typed for another person is the band 郑三 wears: refused");
	ok(register_on("t3", "王四", "11010519800101051", "", v2, &e) == CST_OK,
	    "王四 registered without a band");
	t = open_terminal("t3", TERMINAL_SIGN);
	ok(visit_find(t->journal, "022,07638", 5, &found, &em) == CST_OK && found.n == 1 &&
	    strcmp(found.v[0].id, v1) == 0, "find: the W26 number finds 郑三");
	visit_list_free(&found);
	in = intake_on(t, "c1");
	memset(&e, 0, sizeof e);
	ok(intake_bind_band(&in, v2, "FF:01:16:1D:D6", &e) == CST_OK &&
	    visit_by_band(t->journal, "FF01161DD6", &v, NULL) == CST_OK && strcmp(v.id, v2) == 0,
	    "a second band with the same four data bytes (another version byte) on 王四");
	terminal_close(t);
	t = open_terminal("t3", TERMINAL_SIGN);
	ok(visit_band_typed(t->journal, "0018226646", band, &em) == CST_ERR_ARG &&
	    strstr(em.text, "more than one"), "now the printed decimal fits two bands: refused");
	ok(visit_band_typed(t->journal, "022,07638", band, &em) == CST_ERR_ARG,
	    "and the W26 number too");
	terminal_close(t);
}

static char *
dump(const char *name)
{
	char file[PATH_MAX];
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	snprintf(file, sizeof file, "%s/custody.db", path(name));
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open the journal");
	if (sqlite3_prepare_v2(db, "SELECT group_concat(x, '|') FROM (SELECT id || ident || "
	    "kind || held || a_subject || a_operator || a_ts || b_subject || b_operator || b_ts || "
	    "coalesce(resolved_ts, '-') || coalesce(keep, '-') AS x FROM conflicts ORDER BY id)",
	    -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out != NULL ? out : strdup("");
}

static int
rebuild(const char *name)
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct errmsg em;
	int status;

	err_clear(&em);
	status = journal_rebuild(t->journal, &em);
	if (status != CST_OK)
		fprintf(stderr, "rebuild %s: %s\n", name, em.text);
	terminal_close(t);
	return status;
}

static int64_t
open_count(const char *name)
{
	return sql_int(name, "SELECT count(*) FROM conflicts WHERE resolved_ts IS NULL");
}

static int
new_item(const char *name, const char *what, const char *tag, char id[UUID_LEN + 1],
    char code[PROP_CODE_MAX + 1])
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct intake in = intake_on(t, "k1");
	struct prop_new_item it;
	struct intake_error e;
	int status;

	memset(&it, 0, sizeof it);
	snprintf(it.case_number, sizeof it.case_number, CASE);
	snprintf(it.category, sizeof it.category, "phone");
	snprintf(it.description, sizeof it.description, "%s", what);
	snprintf(it.quantity, sizeof it.quantity, "1");
	snprintf(it.unit, sizeof it.unit, "部");
	snprintf(it.seized_from, sizeof it.seized_from, "现场");
	snprintf(it.tag, sizeof it.tag, "%s", tag);
	memset(&e, 0, sizeof e);
	status = property_register(&in, &it, id, code, &e);
	if (status != CST_OK)
		fprintf(stderr, "register an item on %s: %s\n", name, e.em.text);
	terminal_close(t);
	return status;
}

/* The conflict of kind on terminal name, read back. */
static int
find(const char *name, const char *kind, struct conflict *out)
{
	struct terminal *t = open_terminal(name, TERMINAL_RDONLY);
	struct conflict_list l;
	struct errmsg em;
	size_t i;
	int found = 0;

	err_clear(&em);
	if (conflict_open(t->journal, &l, &em) == CST_OK)
		for (i = 0; i < l.n && !found; i++)
			if (strcmp(l.v[i].kind, kind) == 0) {
				*out = l.v[i];
				found = 1;
			}
	conflict_list_free(&l);
	terminal_close(t);
	return found;
}

static void
test_offline(void)
{
	char va[64], vb[64], ia[UUID_LEN + 1], ib[UUID_LEN + 1];
	char ca[PROP_CODE_MAX + 1], cb[PROP_CODE_MAX + 1];
	struct conflict c1, c2, cc;
	struct intake_error e;
	struct terminal *t;
	struct errmsg em;
	struct intake in;
	struct visit v;
	char *d1, *d2;

	/* Both in sync first, then each alone. */
	sync_once_cli("t1", "t1 syncs");
	sync_once_cli("t2", "t2 syncs");
	ok(register_on("t1", "郑三", "11010519800101031", BAND, va, &e) == CST_OK,
	    "t1 (offline): band " BAND " bound to 郑三");
	ok(register_on("t2", "王四", "11010519800101041", "00000c0de1", vb, &e) == CST_OK,
	    "t2 (offline): the same band typed 00000c0de1 bound to 王四");
	ok(new_item("t1", "黑色手机", "E2801160600002A1B2C30001", ia, ca) == CST_OK &&
	    new_item("t2", "白色手机", "e2:80:11:60:60:00:02:a1:b2:c3:00:01", ib, cb) ==
	    CST_OK && strcmp(ca, cb) == 0, "t1 and t2 (offline) each give an item the same code "
	    "and tag");
	{
		/* An older terminal's event, its band as typed: kept verbatim, found normal. */
		static const char body[] = "{\"person_id\":\"p-5\",\"name\":\"赵五\","
		    "\"sex\":\"M\",\"id_number\":\"110105198001010518\","
		    "\"band\":\"0d:0e:0f:10:11\"}";

		t = open_terminal("t2", TERMINAL_SIGN);
		err_clear(&em);
		ok(journal_append(t->journal, "c1", "person.registered", "v-zhao5", body,
		    sizeof body - 1, NULL, &em) == CST_OK, "t2: a registration whose band is not "
		    "in its normal form");
		terminal_close(t);
	}
	ok(open_count("t1") == 0 && open_count("t2") == 0, "no conflict while apart");
	{
		char lower[PROP_CODE_MAX + 1];
		struct prop_item it;
		size_t i;

		for (i = 0; ca[i] != '\0'; i++)
			lower[i] = (char)tolower((unsigned char)ca[i]);
		lower[i] = '\0';
		t = open_terminal("t1", TERMINAL_RDONLY);
		ok(prop_item_by_code(t->journal, lower, &it, NULL) == CST_OK &&
		    strcmp(it.id, ia) == 0, "an item code typed in lower case finds its item");
		terminal_close(t);
	}

	sync_once_cli("t1", "t1 syncs");
	sync_once_cli("t2", "t2 syncs and meets t1's events");
	sync_once_cli("t1", "t1 syncs and meets t2's events");
	sync_once_cli("t2", "t2 syncs again");
	ok(open_count("t1") == 3 && open_count("t2") == 3,
	    "both terminals find three conflicts: the band, the code, the tag");
	ok(find("t1", "band", &c1) && find("t2", "band", &c2) && strcmp(c1.id, c2.id) == 0 &&
	    strcmp(c1.held, BAND) == 0 && strcmp(c1.a.subject, va) == 0 &&
	    strcmp(c1.b.subject, vb) == 0 && strcmp(c1.a.terminal, "t1") == 0 &&
	    strcmp(c1.b.terminal, "t2") == 0 && strcmp(c1.a.what, "郑三") == 0 &&
	    strcmp(c1.b.what, "王四") == 0 && c1.a.holds && c1.b.holds,
	    "the band's conflict is the same on both, with both sides and who they are");
	ok(c1.recorded && c2.recorded, "each terminal holds a conflict.detected for it");
	t = open_terminal("t1", TERMINAL_RDONLY);
	ok(visit_by_band(t->journal, "0D0E0F1011", &v, NULL) == CST_OK &&
	    strcmp(v.id, "v-zhao5") == 0, "t1 finds t2's odd band by its normal form");
	terminal_close(t);
	ok(sql_int("t1", "SELECT count(*) FROM events WHERE subject = 'v-zhao5' AND "
	    "CAST(body AS TEXT) LIKE '%0d:0e:0f:10:11%'") == 1, "and keeps t2's event as it was signed");
	ok(sql_int("t1", "SELECT count(*) FROM events WHERE kind = 'conflict.detected' AND "
	    "terminal = 't1'") == 3, "t1 recorded each conflict once, though it synced twice");
	ok(find("t1", "code", &cc) && strcmp(cc.held, ca) == 0 && strstr(cc.a.what, "黑色手机") &&
	    strstr(cc.b.what, "白色手机"), "the code's conflict names both items");
	ok(find("t1", "tag", &cc) && strcmp(cc.held, "E2801160600002A1B2C30001") == 0,
	    "the tag's conflict holds the tag's normal form");
	t = open_terminal("t2", TERMINAL_RDONLY);
	ok(visit_get(t->journal, va, &v, NULL) == CST_OK && strcmp(v.band, BAND) == 0 &&
	    visit_get(t->journal, vb, &v, NULL) == CST_OK && strcmp(v.band, BAND) == 0,
	    "both records are kept: each visit still has the band");
	terminal_close(t);

	d1 = dump("t1");
	d2 = dump("t2");
	ok(d1[0] != '\0' && strcmp(d1, d2) == 0, "t1 and t2 hold the same conflicts");
	ok(rebuild("t1") == CST_OK && rebuild("t2") == CST_OK, "custody rebuild on both");
	{
		char *r1 = dump("t1"), *r2 = dump("t2");

		ok(strcmp(r1, d1) == 0 && strcmp(r2, d2) == 0, "a rebuild finds the same conflicts");
		free(r1);
		free(r2);
	}
	free(d1);
	free(d2);

	/* A supervisor resolves the band's and the code's on t1: 郑三 keeps the band. */
	t = open_terminal("t1", TERMINAL_SIGN);
	err_clear(&em);
	ok(operator_add(t->journal, t_admin(), "s1", "王强", "supervisor", "super-pass-1", &em) ==
	    CST_OK && operator_add(t->journal, t_admin(), "c9", "李文", "clerk", "clerk-pass-1",
	    &em) == CST_OK, "t1: supervisor s1 and clerk c9 added");
	in = intake_on(t, "s1");
	memset(&e, 0, sizeof e);
	ok(conflict_resolve(&in, c1.id, 1, "s1", "wrong-pass", "先登记者保留手环", &e) != CST_OK,
	    "a wrong password resolves nothing");
	ok(conflict_resolve(&in, c1.id, 1, "c9", "clerk-pass-1", "先登记者保留手环", &e) ==
	    CST_ERR_PERM, "a clerk cannot resolve");
	ok(conflict_resolve(&in, c1.id, 1, "s1", "super-pass-1", "", &e) == CST_ERR_ARG &&
	    strcmp(e.field, "reason") == 0, "a reason is required");
	ok(conflict_resolve(&in, c1.id, 1, "s1", "super-pass-1", "先登记者保留手环", &e) == CST_OK,
	    "s1 resolves the band's conflict: 郑三 keeps it");
	ok(visit_get(t->journal, vb, &v, NULL) == CST_OK && v.band[0] == '\0' &&
	    visit_by_band(t->journal, BAND, &v, NULL) == CST_OK && strcmp(v.id, va) == 0,
	    "王四's band is unbound by an event; a tap finds 郑三");
	ok(conflict_resolve(&in, c1.id, 1, "s1", "super-pass-1", "再来一次", &e) ==
	    CST_ERR_EXISTS, "a resolved conflict is not resolved again");
	find("t1", "code", &cc);
	in = intake_on(t, "s1");
	memset(&e, 0, sizeof e);
	ok(conflict_resolve(&in, cc.id, 1, "s1", "super-pass-1", "后登记的物品换新编号", &e) == CST_OK,
	    "s1 resolves the code's conflict: the first item keeps the code");
	{
		struct prop_item it;

		ok(prop_item_get(t->journal, ib, &it, NULL) == CST_OK &&
		    strcmp(it.code, "WP-" CASE "-002") == 0 && it.case_seq == 2,
		    "the other item has the case's next code, by an item.recoded event");
	}
	terminal_close(t);
	ok(open_count("t1") == 1, "t1: one conflict left open (the tag)");
	sync_once_cli("t1", "t1 syncs the resolutions");
	sync_once_cli("t2", "t2 pulls them");
	ok(open_count("t2") == 1, "t2: the same one left open");
	t = open_terminal("t2", TERMINAL_RDONLY);
	ok(visit_get(t->journal, vb, &v, NULL) == CST_OK && v.band[0] == '\0',
	    "t2: 王四's band is unbound too");
	terminal_close(t);
	ok(rebuild("t2") == CST_OK && open_count("t2") == 1, "a rebuild on t2 agrees");
}

int
main(void)
{
	if (sync_test_begin("conflicts") != 0)
		return 99;
	test_normal_form();
	test_printed_forms();
	make_terminal("t1", "intake");
	make_terminal("t2", "intake");
	test_one_band_here();
	make_terminal("t3", "intake");
	test_printed_typed();
	test_offline();
	return sync_test_end("test-conflicts");
}
