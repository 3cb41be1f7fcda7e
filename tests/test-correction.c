/*
 * Over-long input and corrections (issue 15): a Chinese name of 32 characters is kept whole
 * and a longer one refused (never cut); intake_correct's checks (correctable fields, the
 * checks of a registration, a reason, a supervisor's approval), the projection and the
 * corrections kept, the registration form showing the corrected value and the original, a
 * rebuild giving the same tables, and another terminal applying the event the same way.
 */
#include <sqlite3.h>

#include "buf.h"
#include "clock.h"
#include "correct.h"
#include "doc.h"
#include "intake.h"
#include "journal.h"
#include "json.h"
#include "operator.h"
#include "property.h"
#include "admin.h"
#include "t.h"
#include "terminal.h"
#include "util.h"
#include "visit.h"
#include "journal-util.h"

#define T0 1795000000000LL	/* 2026-11-18, a fixed test clock */

static void
make_id(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	snprintf(out, 19, "%s%c", first17, "10X98765432"[sum % 11]);
}

static void
fill(struct registration *r, const char *name, const char *first17)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->sex = 'M';
	snprintf(r->ethnicity, sizeof r->ethnicity, "01");
	snprintf(r->address, sizeof r->address, "北京市东城区东长安街1号");
	make_id(first17, r->id_number);
	snprintf(r->case_number, sizeof r->case_number, "A1101012026110001");
	snprintf(r->reason, sizeof r->reason, "criminal");
	snprintf(r->officer1, sizeof r->officer1, "110001");
	snprintf(r->officer2, sizeof r->officer2, "110002");
}

/* n copies of a 3-byte character. */
static void
repeat(char *out, size_t size, const char *ch, int n)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < n && strlen(out) + strlen(ch) < size; i++)
		strcat(out, ch);
}

static void
test_long_names(struct intake *in)
{
	char name[4 * IN_NAME_CHARS + 8], visit[UUID_LEN + 1];
	struct registration r;
	struct intake_error e;
	struct visit v;

	repeat(name, sizeof name, "李", IN_NAME_CHARS);
	fill(&r, name, "11010519800101003");
	ok(strcmp(r.name, name) == 0, "a name of 32 Chinese characters fits the registration");
	ok(intake_register(in, &r, visit, &e) == CST_OK, "and is registered");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && strcmp(v.name, name) == 0,
	    "whole, all 32 characters (it was cut at 21)");
	memset(&r, 0, sizeof r);
	fill(&r, "张三", "11010519800101011");
	repeat(r.address, sizeof r.address, "路", IN_TEXT_CHARS + 1);
	ok(intake_register(in, &r, visit, &e) == CST_ERR_INPUT && e.field != NULL &&
	    strcmp(e.field, "address") == 0 && strstr(e.em.text, "at most 100") != NULL,
	    "an address of 101 characters is refused, naming the field and its limit");
}

static int
count_rows(struct journal *j, const char *sql)
{
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(journal_db(j), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int
refused(struct intake *in, const char *visit, const char *field, const char *value,
    const char *reason, const char *sup, const char *pw, const char *at)
{
	struct intake_error e;
	int status = intake_correct(in, visit, field, value, reason, sup, pw, &e);

	return status != CST_OK && (at == NULL || (e.field != NULL && strcmp(e.field, at) == 0));
}

static void
test_checks(struct intake *in, const char *visit)
{
	char female[19];

	make_id("11010519800101002", female);	/* 17th digit even: a woman */
	ok(refused(in, visit, "entry_ts", "2026", "录入错误更正", "s1", "super-pass-1", "field"),
	    "a field that is not correctable is refused");
	ok(refused(in, visit, "name", "张三丰", "录入错误更正", "s1", "super-pass-1", "value"),
	    "the value recorded now is refused");
	ok(refused(in, visit, "name", "", "录入错误更正", "s1", "super-pass-1", "value"),
	    "an empty name is refused");
	ok(refused(in, visit, "id_number", "110105198001010010", "录入错误更正", "s1",
	    "super-pass-1", "value"), "an ID number with a wrong check digit is refused");
	ok(refused(in, visit, "id_number", female, "录入错误更正", "s1", "super-pass-1", "value"),
	    "an ID number of the other sex is refused");
	ok(refused(in, visit, "officer2", "110001", "录入错误更正", "s1", "super-pass-1", "value"),
	    "the same officer twice is refused");
	ok(refused(in, visit, "name", "张三峰", "错", "s1", "super-pass-1", "reason"),
	    "a reason of one character is refused");
	ok(refused(in, visit, "name", "张三峰", "录入错误更正", "s1", "wrong", "supervisor"),
	    "a wrong supervisor password is refused");
	ok(refused(in, visit, "name", "张三峰", "录入错误更正", "c1", "clerk-pass-1", "supervisor"),
	    "a clerk cannot approve a correction");
	ok(count_rows(in->j, "SELECT count(*) FROM events WHERE kind = 'record.corrected'") == 0,
	    "nothing is recorded by a refused correction");
}

static void
test_correct(struct intake *in, const char *visit)
{
	struct correction cs[8];
	struct intake_error e;
	struct buf doc = { NULL, 0, 0 };
	struct visit v;
	struct visit_list l;
	char id[19];
	size_t n = 0;

	ok(intake_correct(in, visit, "name", "张三峰", "身份证姓名录错", "s1", "super-pass-1",
	    &e) == CST_OK, "the name is corrected with a supervisor's approval");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && strcmp(v.name, "张三峰") == 0,
	    "the visit shows the corrected name");
	ok(correct_list(in->j, visit, cs, 8, &n, &e.em) == CST_OK && n == 1 &&
	    strcmp(cs[0].field, "name") == 0 && strcmp(cs[0].old, "张三丰") == 0 &&
	    strcmp(cs[0].approved_by, "s1") == 0 && strcmp(cs[0].reason, "身份证姓名录错") == 0,
	    "the correction is kept: field, old value, supervisor, reason");
	ok(visit_find(in->j, "三峰", 10, &l, &e.em) == CST_OK && l.n == 1,
	    "the person is found by the corrected name");
	visit_list_free(&l);
	ok(doc_render(in->j, visit, DOC_REGISTRATION, &doc, &e.em) == CST_OK &&
	    strstr(buf_str(&doc), "张三峰 (corrected; was 张三丰;") != NULL &&
	    strstr(buf_str(&doc), "approved by s1; reason: 身份证姓名录错") != NULL,
	    "the registration form shows the corrected value, the original and the approval");
	buf_free(&doc);

	/* A new ID number: its birth date follows, and is corrected with it. */
	make_id("11010519820303001", id);
	ok(intake_correct(in, visit, "id_number", id, "号码录入错误", "s1", "super-pass-1", &e) ==
	    CST_OK, "the ID number is corrected");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && strcmp(v.id_number, id) == 0 &&
	    strcmp(v.birth_date, "1982-03-03") == 0, "and the birth date follows the number");
	ok(count_rows(in->j, "SELECT count(*) FROM corrections WHERE field = 'birth_date' AND "
	    "old = '1980-01-01' AND new = '1982-03-03'") == 1,
	    "the birth date's correction is kept too");
	ok(count_rows(in->j, "SELECT count(*) FROM events WHERE kind = 'record.corrected' AND "
	    "json_extract(CAST(body AS TEXT), '$.corrects.seq') > 0 AND "
	    "json_extract(CAST(body AS TEXT), '$.corrects.kind') = 'person.registered'") == 2,
	    "each event names the registration it corrects");
}

/* The document's text, for what it shows. */
static void
render(struct journal *j, const char *visit, enum doc_kind k, struct buf *out)
{
	struct errmsg em;

	buf_free(out);
	doc_render(j, visit, k, out, &em);
}

/*
 * Items of a search and of the belongings list corrected (B left them out): the projection,
 * the documents with the value and the mark, the property room's item, a correction of a
 * correction showing both marks in order; sex and ethnicity checked against the ID number.
 */
static void
test_items(struct intake *in, const char *visit)
{
	struct search_record s;
	struct belongings_list b;
	struct intake_error e;
	struct buf doc = { NULL, 0, 0 };
	char now[IN_TEXT_MAX + 1];
	size_t added = 0;
	const char *p1, *p2;

	memset(&s, 0, sizeof s);
	snprintf(s.officer, sizeof s.officer, "110001");
	s.officer_sex = 'M';
	snprintf(s.witness, sizeof s.witness, "110002");
	snprintf(s.health, sizeof s.health, "良好");
	snprintf(s.items[0].description, sizeof s.items[0].description, "手杌");
	snprintf(s.items[0].quantity, sizeof s.items[0].quantity, "1");
	snprintf(s.items[0].unit, sizeof s.items[0].unit, "部");
	s.items[0].to_property = 1;
	s.nitems = 1;
	ok(intake_search(in, visit, &s, &e) == CST_OK, "a search with a mistyped item");
	memset(&b, 0, sizeof b);
	snprintf(b.locker, sizeof b.locker, "L01");
	snprintf(b.custodian, sizeof b.custodian, "c1");
	snprintf(b.items[0].category, sizeof b.items[0].category, "%s", intake_category_keys[0]);
	snprintf(b.items[0].description, sizeof b.items[0].description, "钥匙");
	snprintf(b.items[0].quantity, sizeof b.items[0].quantity, "3");
	snprintf(b.items[0].unit, sizeof b.items[0].unit, "把");
	b.nitems = 1;
	ok(intake_belongings(in, visit, &b, &e) == CST_OK, "a belongings list");
	ok(property_import_visit(in, visit, &added, &e) == CST_OK && added == 1,
	    "the search's item goes to the property room");

	ok(refused(in, visit, "search.1.5.description", "手机", "型号录错了", "s1",
	    "super-pass-1", "field"), "an item the search does not have is refused");
	ok(refused(in, visit, "search.1.0.colour", "红", "型号录错了", "s1", "super-pass-1",
	    "field"), "a field of an item that cannot be corrected is refused");
	ok(refused(in, visit, "search.1.0.description", "", "型号录错了", "s1", "super-pass-1",
	    "value"), "an empty description is refused");
	ok(intake_correct(in, visit, "search.1.0.description", "手机", "描述录错了", "s1",
	    "super-pass-1", &e) == CST_OK, "a search item's description corrected");
	ok(correct_item_current(in->j, visit, "search.1.0.description", now, sizeof now,
	    &e.em) == CST_OK && strcmp(now, "手机") == 0, "it shows the corrected value now");
	ok(count_rows(in->j, "SELECT count(*) FROM events WHERE kind = 'record.corrected' AND "
	    "json_extract(CAST(body AS TEXT), '$.corrects.kind') = 'search.recorded' AND "
	    "json_extract(CAST(body AS TEXT), '$.fields[0].item') = 0 AND "
	    "json_extract(CAST(body AS TEXT), '$.fields[0].old') = '手杌'") == 1,
	    "the event names the search, the item's index and the old value");
	ok(count_rows(in->j, "SELECT count(*) FROM prop_items WHERE description = '手机' AND "
	    "source LIKE 'search:%:1:0'") == 1,
	    "the property room's item from the search shows the corrected description");
	render(in->j, visit, DOC_SEARCH, &doc);
	ok(strstr(buf_str(&doc), "手机 1部") && strstr(buf_str(&doc), "was 手杌"),
	    "the search record shows the corrected item and its mark");

	ok(intake_correct(in, visit, "belonging.1.quantity", "2", "数量点错了", "s1",
	    "super-pass-1", &e) == CST_OK, "a belonging's quantity corrected");
	ok(intake_correct(in, visit, "belonging.1.quantity", "4", "再点一遍是四把", "s1",
	    "super-pass-1", &e) == CST_OK, "and corrected again");
	ok(count_rows(in->j, "SELECT count(*) FROM belongings WHERE quantity = '4' AND "
	    "description = '钥匙'") == 1, "the belongings list holds the latest value");
	render(in->j, visit, DOC_BELONGINGS, &doc);
	p1 = strstr(buf_str(&doc), "was 3;");
	p2 = strstr(buf_str(&doc), "was 2;");
	ok(strstr(buf_str(&doc), "钥匙  4把") != NULL && p1 != NULL && p2 != NULL && p1 < p2,
	    "the belongings list shows the latest value and both marks, in order");
	ok(strstr(buf_str(&doc), "数量点错了") && strstr(buf_str(&doc), "再点一遍是四把"),
	    "each mark gives its reason");

	ok(intake_correct(in, visit, "address", "北京市西城区1号", "门牌录错了", "s1",
	    "super-pass-1", &e) == CST_OK && intake_correct(in, visit, "address",
	    "北京市西城区2号", "还是录错了", "s1", "super-pass-1", &e) == CST_OK,
	    "a registration field corrected twice");
	render(in->j, visit, DOC_REGISTRATION, &doc);
	p1 = strstr(buf_str(&doc), "was 北京市东城区东长安街1号");
	p2 = strstr(buf_str(&doc), "was 北京市西城区1号");
	ok(strstr(buf_str(&doc), "北京市西城区2号 (corrected") && p1 && p2 && p1 < p2,
	    "the registration form shows the latest address and both marks in order");
	render(in->j, visit, DOC_EXIT, &doc);
	ok(strstr(buf_str(&doc), "张三峰 (corrected; was 张三丰") != NULL,
	    "the exit record shows the corrected name with its mark");
	render(in->j, visit, DOC_SEARCH, &doc);
	ok(strstr(buf_str(&doc), "张三峰 (corrected; was 张三丰") != NULL,
	    "so does the search record");

	ok(refused(in, visit, "sex", "F", "性别选错了", "s1", "super-pass-1", "value"),
	    "a sex that does not match the ID number is refused");
	ok(refused(in, visit, "ethnicity", "99", "民族选错了", "s1", "super-pass-1", "value"),
	    "an ethnicity not in the list is refused");
	ok(intake_correct(in, visit, "ethnicity", "03", "民族选错了", "s1", "super-pass-1", &e) ==
	    CST_OK, "an ethnicity from the list is taken");
	buf_free(&doc);
}

/*
 * Documents other than a resident ID card (issue 16): the registration form shows the
 * document's type, number, nationality, English name, pass number, times issued or the note
 * of a person without one; each can be corrected with the checks of a registration (the
 * number by the visit's document type), and the form shows the correction.
 */
static void
register_doc(struct intake *in, const char *doc_type, const char *number, const char *nat,
    const char *name_en, char visit[UUID_LEN + 1])
{
	struct registration r;
	struct intake_error e;
	char what[160];

	fill(&r, "史约翰", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "%s", doc_type);
	snprintf(r.id_number, sizeof r.id_number, "%s", number);
	snprintf(r.nationality, sizeof r.nationality, "%s", nat);
	snprintf(r.name_en, sizeof r.name_en, "%s", name_en);
	r.ethnicity[0] = '\0';
	if (strcmp(doc_type, "foreign2023") == 0) {
		snprintf(r.doc_issues, sizeof r.doc_issues, "01");
		snprintf(r.birth_date, sizeof r.birth_date, "1979-05-15");
	} else if (strcmp(doc_type, "none") == 0) {
		snprintf(r.ethnicity, sizeof r.ethnicity, "01");
		snprintf(r.doc_note, sizeof r.doc_note, "本人拒绝提供");
	}
	snprintf(r.case_number, sizeof r.case_number, "A110101202611%04zu", strlen(doc_type));
	snprintf(what, sizeof what, "registered by %s", doc_type);
	ok(intake_register(in, &r, visit, &e) == CST_OK, what);
	if (e.em.code != CST_OK)
		fprintf(stderr, "  %s: %s\n", e.field ? e.field : "", e.em.text);
}

static int
corrected(struct intake *in, const char *visit, const char *field, const char *value)
{
	struct intake_error e;

	if (intake_correct(in, visit, field, value, "证件信息录错", "s1", "super-pass-1", &e) ==
	    CST_OK)
		return 1;
	fprintf(stderr, "  %s %s: %s\n", field, value, e.em.text);
	return 0;
}

static void
test_documents(struct intake *in, const char *resident)
{
	struct buf doc = { NULL, 0, 0 };
	struct visit v;
	struct errmsg em;
	char y[UUID_LEN + 1], none[UUID_LEN + 1], other[19];
	const char *t;

	register_doc(in, "foreign2023", "911840197905150014", "usa", "SMITH JOHN", y);
	register_doc(in, "none", "", "", "", none);
	render(in->j, y, DOC_REGISTRATION, &doc);
	t = buf_str(&doc);
	ok(t_has(t, "Document     foreign permanent resident ID (2023)\n") &&
	    t_has(t, "Document number 911840197905150014\n") &&
	    t_has(t, "Nationality  United States (USA)\n") &&
	    t_has(t, "English name SMITH JOHN\n") && t_has(t, "Times renewed 01\n") &&
	    !t_has(t, "Why no document") && !t_has(t, "Pass number") && !t_has(t, "ID number"),
	    "the form of a 2023 foreign card: its type, number, nationality by name, English name "
	    "and times renewed (its count), and nothing it does not have");
	render(in->j, none, DOC_REGISTRATION, &doc);
	t = buf_str(&doc);
	ok(t_has(t, "Document     no document\n") && t_has(t, "Why no document 本人拒绝提供\n") &&
	    !t_has(t, "Document number") && !t_has(t, "Nationality"),
	    "the form of a person without a document: the note of why, no number");
	render(in->j, resident, DOC_REGISTRATION, &doc);
	t = buf_str(&doc);
	ok(t_has(t, "\nID number    ") && !t_has(t, "Document") && !t_has(t, "Nationality"),
	    "a resident ID card's form is as before");

	/* Corrections by the visit's document's rules. */
	ok(refused(in, y, "id_number", "911840197905150011", "证件信息录错", "s1", "super-pass-1",
	    "value"), "a 2023 card's number with a wrong check digit: refused");
	make_id("11010519800101003", other);
	ok(refused(in, y, "id_number", other, "证件信息录错", "s1", "super-pass-1", "value"),
	    "a resident's number for a 2023 foreign card: refused (it starts with 9)");
	ok(refused(in, y, "nationality", "U5", "证件信息录错", "s1", "super-pass-1", "value"),
	    "a nationality that is not 3 letters: refused");
	ok(refused(in, y, "nationality", "", "证件信息录错", "s1", "super-pass-1", "value"),
	    "a foreign card's nationality cannot be emptied");
	ok(refused(in, y, "doc_issues", "123", "证件信息录错", "s1", "super-pass-1", "value"),
	    "times issued of three digits: refused");
	ok(refused(in, y, "name_en", "SMITH JOHN PAUL GEORGE RINGO STARR THE THIRD", "证件信息录错",
	    "s1", "super-pass-1", "value"), "an English name over 32 characters: refused");
	ok(refused(in, none, "doc_note", "", "证件信息录错", "s1", "super-pass-1", "value"),
	    "the note of a person without a document cannot be emptied");
	ok(refused(in, none, "id_number", "E12345678", "证件信息录错", "s1", "super-pass-1",
	    "value"), "a number for a person without a document: refused");
	ok(refused(in, y, "nationality", "can", "证件信息录错", "s1", "super-pass-1", "value"),
	    "a nationality the number's code (840) contradicts: refused");
	make_id("91112419790515003", other);
	ok(refused(in, y, "id_number", other, "证件信息录错", "s1", "super-pass-1", "value"),
	    "a number of Canada (124) for a US national: refused");
	make_id("91184019790515003", other);
	ok(corrected(in, y, "id_number", other) &&
	    corrected(in, y, "name_en", "SMITH JOHN PAUL") && corrected(in, y, "doc_issues", "02") &&
	    corrected(in, none, "doc_note", "自称无证件，待指纹比对核实"),
	    "the number, English name, times issued and note are corrected");
	ok(visit_get(in->j, y, &v, &em) == CST_OK && strcmp(v.id_number, other) == 0 &&
	    strcmp(v.nationality, "USA") == 0 && strcmp(v.name_en, "SMITH JOHN PAUL") == 0 &&
	    strcmp(v.doc_issues, "02") == 0 && strcmp(v.birth_date, "1979-05-15") == 0,
	    "the visit holds them (the birth date the number gives stays)");
	render(in->j, y, DOC_REGISTRATION, &doc);
	t = buf_str(&doc);
	ok(t_has(t, "Nationality  United States (USA)\n") &&
	    t_has(t, "English name SMITH JOHN PAUL (corrected; was SMITH JOHN;") &&
	    t_has(t, "Times renewed 02 (corrected; was 01;"),
	    "the form shows each corrected value with what it was");
	render(in->j, none, DOC_REGISTRATION, &doc);
	ok(t_has(buf_str(&doc), "Why no document 自称无证件，待指纹比对核实 (corrected; was "
	    "本人拒绝提供;"), "and the corrected note");
	ok(visit_get(in->j, resident, &v, &em) == CST_OK &&
	    !correct_field_applies(&v, "nationality") && !correct_field_applies(&v, "doc_note") &&
	    correct_field_applies(&v, "name") && visit_get(in->j, y, &v, &em) == CST_OK &&
	    correct_field_applies(&v, "nationality") && correct_field_applies(&v, "pass_number") &&
	    !correct_field_applies(&v, "doc_note") && visit_get(in->j, none, &v, &em) == CST_OK &&
	    correct_field_applies(&v, "doc_note") && !correct_field_applies(&v, "nationality"),
	    "the correction form offers the document's fields that apply to the visit's document");
	buf_free(&doc);
}

static void
dump(struct journal *j, struct buf *out)
{
	tj_dump(journal_db(j), "SELECT * FROM visits ORDER BY 1", out);
	tj_dump(journal_db(j), "SELECT * FROM corrections ORDER BY 1, 2, 3, 4", out);
	tj_dump(journal_db(j), "SELECT * FROM name_grams ORDER BY 1, 2", out);
	tj_dump(journal_db(j), "SELECT * FROM belongings ORDER BY 1, 2", out);
	tj_dump(journal_db(j), "SELECT id, description, quantity, source FROM prop_items "
	    "ORDER BY 1", out);
}

static void
test_rebuild_and_foreign(struct terminal *t1, struct terminal *t2)
{
	struct buf before = { NULL, 0, 0 }, after = { NULL, 0, 0 }, there = { NULL, 0, 0 };
	struct errmsg em;
	int64_t unapplied = 0;
	char first[200];

	dump(t1->journal, &before);
	ok(journal_rebuild(t1->journal, &em) == CST_OK, "rebuild");
	dump(t1->journal, &after);
	ok(strcmp(buf_str(&before), buf_str(&after)) == 0 && strstr(buf_str(&after), "张三峰"),
	    "a rebuild gives the same visits, corrections and name index");
	ok(tj_copy_chain(t1, t2->journal) == 0, "t2 receives t1's events");
	dump(t2->journal, &there);
	ok(strcmp(buf_str(&before), buf_str(&there)) == 0,
	    "another terminal applies the corrections the same way");
	ok(journal_unapplied_count(t2->journal, &unapplied, first, sizeof first, &em) == CST_OK &&
	    unapplied == 0, "every event of t1 passes t2's checks");
	buf_free(&before);
	buf_free(&after);
	buf_free(&there);
}

static void
test_forged(struct terminal *t3, const char *visit)
{
	char body[512];
	struct errmsg em;

	snprintf(body, sizeof body, "{\"corrects\":{\"terminal\":\"t1\",\"seq\":5},\"fields\":"
	    "[{\"field\":\"stage\",\"old\":\"1\",\"new\":\"9\"}],\"reason\":\"x\","
	    "\"approved_by\":\"s1\"}");
	err_clear(&em);
	ok(journal_append(t3->journal, "c1", "record.corrected", visit, body, strlen(body), NULL,
	    &em) == CST_ERR_INPUT, "a correction of a field that is not correctable is refused "
	    "(the checks every event passes)");
	snprintf(body, sizeof body, "{\"fields\":[{\"field\":\"name\",\"old\":\"a\",\"new\":\"b\"}],"
	    "\"reason\":\"x\",\"approved_by\":\"s1\"}");
	ok(journal_append(t3->journal, "c1", "record.corrected", visit, body, strlen(body), NULL,
	    &em) == CST_ERR_INPUT, "a correction that names no event is refused");
}

int
main(void)
{
	char *dir = t_tmpdir("correction");
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	char visit[UUID_LEN + 1];
	struct registration r;
	struct intake_error e;
	struct terminal *t1, *t2, *t3;
	struct errmsg em;

	clock_set_ms(T0);
	t1 = tj_make(dir, "t1");
	t2 = tj_make(dir, "t2");
	t3 = tj_make(dir, "t3");
	in.j = t1->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	ok(operator_add(in.j, t_admin(), "c1", "李文", "clerk", "clerk-pass-1", &em) == CST_OK &&
	    operator_add(in.j, t_admin(), "s1", "王强", "supervisor", "super-pass-1", &em) ==
	    CST_OK, "a clerk and a supervisor");
	test_long_names(&in);
	fill(&r, "张三丰", "11010519800101001");
	ok(intake_register(&in, &r, visit, &e) == CST_OK, "张三丰 is registered");
	test_checks(&in, visit);
	test_correct(&in, visit);
	test_items(&in, visit);
	test_documents(&in, visit);
	test_rebuild_and_foreign(t1, t2);
	test_forged(t3, visit);
	terminal_close(t1);
	terminal_close(t2);
	terminal_close(t3);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
