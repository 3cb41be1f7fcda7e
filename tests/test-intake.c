/*
 * The intake loop through its API: stage rules, every action's refusals, the projections, the
 * find, the documents, and a rebuild giving the same tables as the incremental path.
 */
#include <sqlite3.h>

#include "buf.h"
#include "clock.h"
#include "biometric.h"
#include "doc.h"
#include "evcheck.h"
#include "event.h"
#include "hex.h"
#include "intake.h"
#include "journal.h"
#include "operator.h"
#include "stage.h"
#include "admin.h"
#include "t.h"
#include "terminal.h"
#include "util.h"
#include "visit.h"

#define T0 1795000000000LL	/* 2026-11-18, a fixed test clock */

/* An 18-digit number with its GB 11643 check character, computed here independently. */
static void
make_id(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	snprintf(out, 19, "%s%c", first17, "10X98765432"[sum % 11]);
}

static struct terminal *
make_terminal(const char *dir)
{
	struct terminal *t = NULL;
	struct errmsg em;

	err_clear(&em);
	if (terminal_create(dir, "t1", "intake", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "make_terminal: %s\n", em.text);
		exit(99);
	}
	return t;
}

static void
add_operators(struct journal *j)
{
	struct errmsg em;

	ok(operator_add(j, t_admin(), "c1", "李文", "clerk", "clerk-pass-1", &em) == CST_OK,
	    "add clerk");
	ok(operator_add(j, t_admin(), "s1", "王强", "supervisor", "super-pass-1", &em) == CST_OK,
	    "add supervisor");
	ok(operator_add(j, t_admin(), "c1", "again", "clerk", "clerk-pass-1", &em) ==
	    CST_ERR_EXISTS, "an existing operator id is refused");
	ok(operator_add(j, t_admin(), "c2", "短", "clerk", "short", &em) == CST_ERR_ARG,
	    "a short password is refused");
	ok(operator_add(j, t_admin(), "c3", "x", "janitor", "long-enough-1", &em) == CST_ERR_ARG,
	    "an unknown role is refused");
}

static void
test_lockout(struct journal *j)
{
	struct operator op;
	struct errmsg em;
	int i, refused = 0;

	ok(operator_add(j, t_admin(), "c9", "赵六", "clerk", "right-pass-9", &em) == CST_OK,
	    "add an operator to lock out");
	for (i = 0; i < 5; i++)
		refused += operator_authenticate(j, "c9", "wrong", "login", 5, 900000, &op, &em) ==
		    CST_ERR_PERM;
	ok(refused == 5, "five wrong passwords are refused");
	ok(operator_authenticate(j, "c9", "right-pass-9", "login", 5, 900000, &op, &em) ==
	    CST_ERR_PERM,
	    "the right password is refused while the account is locked");
	clock_advance_ms(900001);
	ok(operator_authenticate(j, "c9", "right-pass-9", "login", 5, 900000, &op, &em) ==
	    CST_OK && op.failures == 0, "after the lockout the right password works again");
	ok(operator_authenticate(j, "nobody", "whatever", "login", 5, 900000, &op, &em) ==
	    CST_ERR_PERM, "an unknown id is refused with the same message");
}

static void
fill_registration(struct registration *r, const char *name, const char *first17)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->sex = 'M';
	snprintf(r->ethnicity, sizeof r->ethnicity, "01");
	snprintf(r->address, sizeof r->address, "北京市东城区东长安街1号");
	make_id(first17, r->id_number);
	snprintf(r->phone, sizeof r->phone, "13800138000");
	snprintf(r->case_number, sizeof r->case_number, "A1101012026110001");
	snprintf(r->reason, sizeof r->reason, "criminal");
	snprintf(r->officer1, sizeof r->officer1, "110001");
	snprintf(r->officer2, sizeof r->officer2, "110002");
}

static void
test_stage_rules(void)
{
	struct stage_facts f = { .stage = STAGE_REGISTERED };
	char why[256];
	int needs;

	ok(stage_check(&f, ACT_SEARCH, &needs, why, sizeof why) == CST_OK, "search first");
	ok(stage_check(&f, ACT_INTERROGATE, &needs, why, sizeof why) != CST_OK && needs,
	    "interrogation before search is refused, an override would allow it");
	f.override = 1;
	ok(stage_check(&f, ACT_INTERROGATE, &needs, why, sizeof why) == CST_OK,
	    "an override allows it");
	f = (struct stage_facts){ .stage = STAGE_SEARCHED, .searched = 1 };
	ok(stage_check(&f, ACT_COLLECT, &needs, why, sizeof why) != CST_OK &&
	    strstr(why, "belongings") != NULL, "collection before belongings: says why");
	f = (struct stage_facts){ .stage = STAGE_WAITING, .searched = 1, .belongings = 1,
	    .collected = 1, .temp_out = 1, .override = 1 };
	ok(stage_check(&f, ACT_INTERROGATE, &needs, why, sizeof why) != CST_OK && !needs,
	    "an open temporary exit cannot be overridden");
	ok(stage_check(&f, ACT_TEMP_RETURN, &needs, why, sizeof why) == CST_OK,
	    "the return is allowed while out");
	f.temp_out = 0;
	f.items_held = 1;
	ok(stage_check(&f, ACT_EXIT, &needs, why, sizeof why) != CST_OK && !needs,
	    "exit with belongings held is refused and cannot be overridden");
	f.items_held = 0;
	f.band_bound = 1;
	ok(stage_check(&f, ACT_EXIT, &needs, why, sizeof why) != CST_OK, "exit with band bound");
	f.band_bound = 0;
	ok(stage_check(&f, ACT_EXIT, &needs, why, sizeof why) == CST_OK, "exit when all done");
	f.stage = STAGE_EXITED;
	ok(stage_check(&f, ACT_SEARCH, &needs, why, sizeof why) != CST_OK, "nothing after exit");
	ok(stage_after(STAGE_INTERROGATION, ACT_SEARCH, 0) == STAGE_INTERROGATION,
	    "steps only move the stage forward");
	ok(stage_after(STAGE_INTERROGATION, ACT_WAIT, 0) == STAGE_WAITING, "rooms set the stage");
}

static int
field_is(const struct intake_error *e, const char *field)
{
	return e->field != NULL && strcmp(e->field, field) == 0;
}

static void
test_register(struct intake *in, char visit[UUID_LEN + 1])
{
	struct intake_error e;
	struct registration r;
	struct visit v;

	fill_registration(&r, "张三丰", "11010519800101001");
	r.id_number[17] = r.id_number[17] == '1' ? '2' : '1';
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "id_number"),
	    "a wrong check digit is refused at the ID number field");
	fill_registration(&r, "张三丰", "11010519800101001");
	r.sex = 'F';
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "sex"),
	    "a sex that contradicts the ID number is refused");
	r.sex = 'M';
	snprintf(r.birth_date, sizeof r.birth_date, "1980-01-02");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "birth_date"),
	    "a birth date that contradicts the ID number is refused");
	r.birth_date[0] = '\0';
	snprintf(r.officer2, sizeof r.officer2, "%s", r.officer1);
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "officer2"),
	    "one officer twice is refused");
	snprintf(r.officer2, sizeof r.officer2, "110002");
	snprintf(r.band, sizeof r.band, "B0001");
	ok(intake_register(in, &r, visit, &e) == CST_OK, "registration recorded");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && strcmp(v.birth_date, "1980-01-01") == 0
	    && v.stage == STAGE_REGISTERED && strcmp(v.band, "B0001") == 0,
	    "the visit shows the derived birth date, its stage and band");
	r.band[0] = '\0';
	ok(intake_register(in, &r, (char[UUID_LEN + 1]){ 0 }, &e) == CST_ERR_EXISTS &&
	    field_is(&e, "id_number") && strstr(e.em.text, "张三丰") != NULL,
	    "the same ID number already in the area is refused, naming the person");
	fill_registration(&r, "李四", "11010519900307001");
	snprintf(r.band, sizeof r.band, "B0001");
	ok(intake_register(in, &r, (char[UUID_LEN + 1]){ 0 }, &e) == CST_ERR_EXISTS &&
	    field_is(&e, "band"), "a band worn by someone in the area is refused");
}

/* Registration by each document, typed or read, and with none (issue 16). */
static void
test_register_documents(struct intake *in)
{
	struct intake_error e;
	struct registration r;
	struct visit v;
	char visit[UUID_LEN + 1];

	fill_registration(&r, "史约翰", "91112419790515001");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "id_number"),
	    "a 2023 foreign card's number is not a resident ID number");
	snprintf(r.doc_type, sizeof r.doc_type, "foreign2023");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "nationality"),
	    "a foreign document needs a nationality");
	snprintf(r.nationality, sizeof r.nationality, "can");
	snprintf(r.name_en, sizeof r.name_en, "SMITH JOHN");
	r.ethnicity[0] = '\0';
	snprintf(r.nationality, sizeof r.nationality, "usa");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "nationality"),
	    "a 2023 card's number of Canada (124) with a US nationality is refused");
	snprintf(r.nationality, sizeof r.nationality, "can");
	r.sex = 'F';		/* digit 17 is odd: a man's, as on a resident ID */
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "sex"),
	    "a 2023 card's number encodes the sex: checked");
	r.sex = 'M';
	ok(intake_register(in, &r, visit, &e) == CST_OK, "a 2023 foreign permanent resident "
	    "(Y) is registered, without ethnicity");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && strcmp(v.doc_type, "foreign2023") == 0
	    && strcmp(v.nationality, "CAN") == 0 && strcmp(v.name_en, "SMITH JOHN") == 0 &&
	    strcmp(v.id_number, "911124197905150016") == 0 &&
	    strcmp(v.birth_date, "1979-05-15") == 0, "the visit shows the document, nationality, "
	    "English name and the birth date the number gives");

	fill_registration(&r, "陈大文", "81000019850615001");
	snprintf(r.doc_type, sizeof r.doc_type, "permit");
	snprintf(r.pass_number, sizeof r.pass_number, "H12345678");
	snprintf(r.doc_issues, sizeof r.doc_issues, "01");
	r.sex = 'F';
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "sex"),
	    "a residence permit's number encodes the sex: checked");
	r.sex = 'M';
	ok(intake_register(in, &r, visit, &e) == CST_OK && visit_get(in->j, visit, &v, &e.em) ==
	    CST_OK && strcmp(v.pass_number, "H12345678") == 0 && strcmp(v.doc_issues, "01") == 0 &&
	    strcmp(v.birth_date, "1985-06-15") == 0, "a residence permit (J) keeps its pass "
	    "number and times issued");

	fill_registration(&r, "约翰", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "passport");
	snprintf(r.id_number, sizeof r.id_number, "AB12");
	snprintf(r.nationality, sizeof r.nationality, "USA");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "id_number"),
	    "a foreign passport number of 4 characters is refused");
	snprintf(r.id_number, sizeof r.id_number, "533380006");
	snprintf(r.birth_date, sizeof r.birth_date, "1980-13-01");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "birth_date"),
	    "a typed birth date is checked where no number gives one");
	snprintf(r.birth_date, sizeof r.birth_date, "1975-04-01");
	ok(intake_register(in, &r, visit, &e) == CST_OK && visit_get(in->j, visit, &v, &e.em) ==
	    CST_OK && strcmp(v.doc_type, "passport") == 0 && strcmp(v.birth_date, "1975-04-01")
	    == 0, "a foreign passport typed by hand, with the typed birth date");

	fill_registration(&r, "李某", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "passport_cn");
	snprintf(r.id_number, sizeof r.id_number, "e12345678");
	ok(intake_register(in, &r, visit, &e) == CST_OK && visit_get(in->j, visit, &v, &e.em) ==
	    CST_OK && strcmp(v.id_number, "E12345678") == 0, "a PRC passport, upper-cased");

	fill_registration(&r, "无名氏", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "none");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "id_number"),
	    "no document, but a number typed: refused");
	r.id_number[0] = '\0';
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "doc_note"),
	    "no document needs a note of why");
	snprintf(r.doc_note, sizeof r.doc_note, "本人拒绝提供证件，身份待核");
	ok(intake_register(in, &r, visit, &e) == CST_OK && visit_get(in->j, visit, &v, &e.em) ==
	    CST_OK && strcmp(v.doc_type, "none") == 0 && v.id_number[0] == '\0' &&
	    strcmp(v.doc_note, "本人拒绝提供证件，身份待核") == 0,
	    "a person with no document is registered, the note recorded");
	ok(intake_register(in, &r, (char[UUID_LEN + 1]){ 0 }, &e) == CST_OK,
	    "two people without documents are two people");
	r.address[0] = '\0';
	ok(intake_register(in, &r, (char[UUID_LEN + 1]){ 0 }, &e) == CST_OK,
	    "a person with no document and no address given is registered (the note says why)");
	fill_registration(&r, "王某", "11010519800101001");
	r.address[0] = '\0';
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "address"),
	    "a person with a document still needs an address");
	snprintf(r.doc_type, sizeof r.doc_type, "visa");
	ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG && field_is(&e, "doc_type"),
	    "an unknown document type is refused");
}

/* Registering with `doc_type` `number` (nationality nat, no ethnicity); the visit in v. */
static int
register_by(struct intake *in, const char *doc_type, const char *number, const char *nat,
    struct visit *v, struct intake_error *e)
{
	struct registration r;
	char visit[UUID_LEN + 1];
	int status;

	fill_registration(&r, "某人", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "%s", doc_type);
	snprintf(r.id_number, sizeof r.id_number, "%s", number);
	snprintf(r.nationality, sizeof r.nationality, "%s", nat);
	r.ethnicity[0] = '\0';
	status = intake_register(in, &r, visit, e);
	if (status == CST_OK && visit_get(in->j, visit, v, &e->em) != CST_OK)
		return CST_ERR_NOTFOUND;
	return status;
}

/* Review of issue 16: people told apart by document, ethnicity, typed birth, doc_issues. */
static void
test_register_review(struct intake *in)
{
	struct intake_error e;
	struct registration r;
	struct visit tw, us, gb, v;
	char visit[UUID_LEN + 1];

	ok(register_by(in, "taiwan_permit", "12345678", "", &tw, &e) == CST_OK,
	    "a Taiwan compatriot permit 12345678 is registered, without ethnicity");
	ok(register_by(in, "passport", "12345678", "USA", &us, &e) == CST_OK &&
	    strcmp(us.person_id, tw.person_id) != 0, "a US passport 12345678 is another person, "
	    "registered while the permit's holder is in the area");
	ok(register_by(in, "passport", "12345678", "GBR", &gb, &e) == CST_OK &&
	    strcmp(gb.person_id, us.person_id) != 0 && strcmp(gb.person_id, tw.person_id) != 0,
	    "a British passport of the same number is a third person");
	ok(register_by(in, "passport", "12345678", "USA", &v, &e) == CST_ERR_EXISTS &&
	    field_is(&e, "id_number"), "the same US passport again is refused: in the area");
	ok(register_by(in, "home_return", "H12345678", "", &v, &e) == CST_OK,
	    "a home return permit's holder needs no ethnicity");
	ok(register_by(in, "hkmo_permit", "C12345678", "", &v, &e) == CST_ERR_ARG &&
	    field_is(&e, "ethnicity"), "a travel permit to HK/Macao (a mainland citizen's) "
	    "still needs an ethnicity");

	fill_registration(&r, "陈小文", "81000019900615001");
	snprintf(r.doc_type, sizeof r.doc_type, "permit");
	r.ethnicity[0] = '\0';
	snprintf(r.case_number, sizeof r.case_number, "A1101012026110002");
	ok(intake_register(in, &r, visit, &e) == CST_OK, "a residence permit (J), which carries "
	    "no ethnicity, is registered without one");

	fill_registration(&r, "钱某", "11010519800101001");
	snprintf(r.doc_type, sizeof r.doc_type, "passport");
	snprintf(r.id_number, sizeof r.id_number, "P7654321");
	snprintf(r.nationality, sizeof r.nationality, "JPN");
	{
		static const char *const bad[] = { "2000-+1-01", "2000- 1-01", "2023-02-31",
		    "2027-01-01", "1890-01-01", "2000-1-011", "+200-01-01" };
		char what[120];
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			snprintf(r.birth_date, sizeof r.birth_date, "%s", bad[i]);
			snprintf(what, sizeof what, "a typed birth date %s is refused", bad[i]);
			ok(intake_register(in, &r, visit, &e) == CST_ERR_ARG &&
			    field_is(&e, "birth_date"), what);
		}
	}
	snprintf(r.birth_date, sizeof r.birth_date, "2000-02-29");
	ok(intake_register(in, &r, visit, &e) == CST_OK, "a real typed birth date is taken");

	fill_registration(&r, "孙某", "11010519700101001");
	snprintf(r.doc_issues, sizeof r.doc_issues, "03");
	ok(intake_register(in, &r, visit, &e) == CST_OK && visit_get(in->j, visit, &v, &e.em) ==
	    CST_OK && strcmp(v.doc_issues, "03") == 0, "a body whose only document key is "
	    "doc_issues keeps it in the visit");
}

static int journal_has(struct journal *j, const char *kind, const char *text);

static void
test_search_and_belongings(struct intake *in, const char *visit)
{
	struct search_record s = { 0 };
	struct belongings_list b = { 0 };
	struct intake_error e;
	struct visit_item items[4];
	size_t n;

	snprintf(s.officer, sizeof s.officer, "110003");
	s.officer_sex = 'F';
	snprintf(s.witness, sizeof s.witness, "110004");
	snprintf(s.health, sizeof s.health, "自述身体健康");
	ok(intake_search(in, visit, &s, &e) == CST_ERR_ARG && field_is(&e, "officer_sex"),
	    "a search by an officer of the other sex is refused");
	s.officer_sex = 'M';
	s.ninjuries = 1;
	snprintf(s.injuries[0].area, sizeof s.injuries[0].area, "左臂");
	snprintf(s.injuries[0].description, sizeof s.injuries[0].description, "擦伤 2 厘米");
	s.nitems = 1;
	snprintf(s.items[0].description, sizeof s.items[0].description, "手机");
	snprintf(s.items[0].quantity, sizeof s.items[0].quantity, "1");
	snprintf(s.items[0].unit, sizeof s.items[0].unit, "部");
	snprintf(s.items[0].category, sizeof s.items[0].category, "spaceship");
	ok(intake_search(in, visit, &s, &e) == CST_ERR_ARG && field_is(&e, "items"),
	    "a search item of an unknown category is refused");
	snprintf(s.items[0].category, sizeof s.items[0].category, "phone");
	ok(intake_search(in, visit, &s, &e) == CST_OK, "search recorded");
	ok(journal_has(in->j, "search.recorded", "\"category\":\"phone\""),
	    "the search item's category is in the event");

	snprintf(b.locker, sizeof b.locker, "L07");
	snprintf(b.custodian, sizeof b.custodian, "110001");
	b.nitems = 2;
	snprintf(b.items[0].category, sizeof b.items[0].category, "phone");
	snprintf(b.items[0].description, sizeof b.items[0].description, "华为手机 黑色");
	snprintf(b.items[0].quantity, sizeof b.items[0].quantity, "1");
	snprintf(b.items[0].unit, sizeof b.items[0].unit, "部");
	snprintf(b.items[1].category, sizeof b.items[1].category, "keys");
	snprintf(b.items[1].description, sizeof b.items[1].description, "钥匙");
	snprintf(b.items[1].quantity, sizeof b.items[1].quantity, "3");
	snprintf(b.items[1].unit, sizeof b.items[1].unit, "把");
	ok(intake_belongings(in, visit, &b, &e) == CST_ERR_ARG && field_is(&e, "custodian"),
	    "a case officer as custodian is refused");
	snprintf(b.custodian, sizeof b.custodian, "110009");
	snprintf(b.items[0].category, sizeof b.items[0].category, "spaceship");
	ok(intake_belongings(in, visit, &b, &e) == CST_ERR_ARG, "an unknown category is refused");
	snprintf(b.items[0].category, sizeof b.items[0].category, "phone");
	ok(intake_belongings(in, visit, &b, &e) == CST_OK, "belongings logged");
	ok(visit_belongings(in->j, visit, items, 4, &n, &e.em) == CST_OK && n == 2 &&
	    strcmp(items[0].status, "held") == 0 && strcmp(items[0].locker, "L07") == 0,
	    "the item is held in its locker");
}

static void
test_locker_taken(struct intake *in)
{
	struct belongings_list b = { 0 };
	struct search_record s = { 0 };
	struct intake_error e;
	struct registration r;
	char other[UUID_LEN + 1];

	fill_registration(&r, "欧阳娜娜", "11010520000229002");
	r.sex = 'F';
	snprintf(r.case_number, sizeof r.case_number, "A1101012026110002");
	ok(intake_register(in, &r, other, &e) == CST_OK, "a second person (leap-day birth)");
	snprintf(s.officer, sizeof s.officer, "110005");
	s.officer_sex = 'F';
	snprintf(s.witness, sizeof s.witness, "110006");
	snprintf(s.health, sizeof s.health, "良好");
	ok(intake_search(in, other, &s, &e) == CST_OK, "second search");
	snprintf(b.locker, sizeof b.locker, "L07");
	snprintf(b.custodian, sizeof b.custodian, "110009");
	b.nitems = 1;
	snprintf(b.items[0].category, sizeof b.items[0].category, "cash");
	snprintf(b.items[0].description, sizeof b.items[0].description, "现金");
	snprintf(b.items[0].quantity, sizeof b.items[0].quantity, "200");
	snprintf(b.items[0].unit, sizeof b.items[0].unit, "元");
	ok(intake_belongings(in, other, &b, &e) == CST_ERR_EXISTS && field_is(&e, "locker"),
	    "one person per locker");
}

static void
test_collect_and_override(struct intake *in, const char *visit)
{
	struct intake_error e;
	int i;

	ok(intake_move(in, visit, "审讯室1", 1, "110001", "110002", &e) != CST_OK &&
	    e.needs_override, "interrogation before collection is refused, overridable");
	ok(intake_override(in, visit, ACT_INTERROGATE, "c1", "clerk-pass-1", "急需审讯核实",
	    &e) == CST_ERR_PERM, "a clerk cannot override");
	ok(intake_override(in, visit, ACT_INTERROGATE, "s1", "wrong-password", "急需审讯核实",
	    &e) != CST_OK, "a wrong supervisor password is refused");
	ok(intake_override(in, visit, ACT_INTERROGATE, "s1", "super-pass-1", "急", &e) ==
	    CST_ERR_ARG && field_is(&e, "reason"), "a reason must be written out");
	ok(intake_override(in, visit, ACT_INTERROGATE, "s1", "super-pass-1",
	    "同案人供述需立即核实", &e) == CST_OK, "a supervisor overrides with a reason");
	ok(intake_move(in, visit, "审讯室1", 1, "110001", "110001", &e) == CST_ERR_ARG,
	    "one officer alone may not interrogate");
	ok(intake_move(in, visit, "审讯室1", 1, "110001", "110002", &e) == CST_OK,
	    "the override allows the interrogation");
	ok(intake_move(in, visit, "审讯室2", 1, "110001", "110002", &e) != CST_OK,
	    "the override is used up by one action");
	ok(intake_collect(in, visit, "photo", "", 0, "", &e) == CST_ERR_ARG &&
	    field_is(&e, "result"), "a collection needs a result");
	ok(intake_collect(in, visit, "dna", "", 1, "", &e) == CST_ERR_ARG &&
	    field_is(&e, "reason"), "a skipped collection needs a reason");
	for (i = 0; i < INTAKE_COLLECTION_ITEMS; i++)
		ok(intake_collect(in, visit, intake_collection_keys[i], "已采集", i == 2,
		    "本人拒绝", &e) == CST_OK, "collection item recorded");
	ok(intake_move(in, visit, "候问室3", 0, "110001", "", &e) == CST_OK, "waiting room");
	ok(intake_move(in, visit, "审讯室2", 1, "110001", "110002", &e) == CST_OK,
	    "interrogation after collection needs no override");
}

struct needle {
	const char *text;
	int found;
};

static int
has_needle(const struct event *ev, void *arg)
{
	struct needle *nd = arg;

	if (strstr(ev->body, nd->text) != NULL)
		nd->found = 1;
	return nd->found;
}

/* Whether an event of kind has text in its body. */
static int
journal_has(struct journal *j, const char *kind, const char *text)
{
	struct journal_filter f = { .kind = kind };
	struct needle nd = { text, 0 };
	struct errmsg em;

	return journal_each(j, &f, has_needle, &nd, &em) == CST_OK && nd.found;
}

static void
capture(struct intake *in, const char *visit, const char *finger, int quality,
    const struct biokey *k, unsigned char *tpl, size_t n, const char *what)
{
	struct intake_error e;

	ok(intake_fingerprint(in, visit, finger, quality, "r30x", k, tpl, n, &e) == CST_OK, what);
	if (e.em.code != CST_OK)
		fprintf(stderr, "  %s\n", e.em.text);
}

static int
opens_as(const struct biokey *k, const char *visit, const struct visit_fingerprint *f,
    const char *finger, const unsigned char *want, size_t want_len)
{
	unsigned char out[BIO_TPL_MAX];
	struct errmsg em;
	size_t n;

	if (bio_open(k, f->key_id, visit, finger, f->sealed, f->sealed_len, out, &n, &em) !=
	    CST_OK)
		return em.code;
	return n == want_len && memcmp(out, want, n) == 0 ? CST_OK : -1;
}

/* Fingerprints sealed at collection, and a signature by a finger press. */
static void
test_fingerprints(struct intake *in, const char *visit, const char *dir)
{
	unsigned char tpl[512], big[BIO_TPL_MAX + 1];
	struct visit_fingerprint fp[BIO_FINGERS];
	struct visit_signature sig[8];
	struct biokey k, other;
	struct intake_error e;
	struct sign_match m = { .finger = "r_index", .score = 87, .enrolled_terminal = "t1" };
	char odir[512], hex[33];
	struct buf b = { 0 };
	size_t n = 0, i;

	for (i = 0; i < sizeof tpl; i++)
		tpl[i] = (unsigned char)(i * 7 + 3);
	ok(biokey_create(dir, &e.em) == CST_OK, "a biometric key is made");
	ok(biokey_create(dir, &e.em) == CST_ERR_EXISTS, "an existing biometric key is kept");
	ok(biokey_load(dir, 0, &k, &e.em) == CST_OK && strlen(k.id) == BIO_KEY_ID_LEN,
	    "the biometric key loads, with its id");
	ok(intake_fingerprint(in, visit, "r_toe", 80, "r30x", &k, tpl, sizeof tpl, &e) ==
	    CST_ERR_ARG && field_is(&e, "finger"), "an unknown finger is refused");
	ok(intake_fingerprint(in, visit, "r_index", 80, "r30x", &k, big, sizeof big, &e) ==
	    CST_ERR_INPUT, "an oversized template is refused");
	ok(intake_fingerprint(in, visit, "r_index", 101, "r30x", &k, tpl, sizeof tpl, &e) ==
	    CST_ERR_INPUT, "a quality above 100 is refused");
	capture(in, visit, "r_index", 62, &k, tpl, sizeof tpl, "a fingerprint is recorded");
	ok(visit_fingerprints(in->j, visit, fp, BIO_FINGERS, &n, &e.em) == CST_OK && n == 1 &&
	    strcmp(fp[0].finger, "r_index") == 0 && fp[0].quality == 62 &&
	    strcmp(fp[0].key_id, k.id) == 0 && fp[0].sealed_len == sizeof tpl + CRY_SEAL_OVERHEAD,
	    "the fingerprint is in the projection, sealed with the key's id");
	hex_encode(tpl + 100, 16, hex);
	ok(journal_has(in->j, "fingerprint.enrolled", "r_index") &&
	    !journal_has(in->j, "fingerprint.enrolled", hex),
	    "the journal holds the sealed template, never the clear one");
	ok(n == 1 && opens_as(&k, visit, &fp[0], "r_index", tpl, sizeof tpl) == CST_OK,
	    "the sealed template opens to the captured bytes");
	ok(n == 1 && opens_as(&k, visit, &fp[0], "l_index", tpl, sizeof tpl) == CST_ERR_VERIFY,
	    "it does not open as another finger");
	ok(n == 1 && opens_as(&k, "00000000-0000-4000-8000-000000000000", &fp[0], "r_index",
	    tpl, sizeof tpl) == CST_ERR_VERIFY, "it does not open for another person");
	fp[0].sealed[30] ^= 1;
	ok(n == 1 && opens_as(&k, visit, &fp[0], "r_index", tpl, sizeof tpl) == CST_ERR_VERIFY,
	    "an altered sealed template does not open");
	fp[0].sealed[30] ^= 1;
	snprintf(odir, sizeof odir, "%s/other-center", dir);
	mkdir(odir, 0700);
	ok(biokey_create(odir, &e.em) == CST_OK && biokey_load(odir, 0, &other, &e.em) ==
	    CST_OK && opens_as(&other, visit, &fp[0], "r_index", tpl, sizeof tpl) ==
	    CST_ERR_VERIFY, "another center's key cannot open it");
	tpl[0] ^= 0xff;
	capture(in, visit, "r_index", 91, &k, tpl, sizeof tpl, "the finger captured again");
	capture(in, visit, "r_thumb", 75, &k, tpl, 256, "a second finger");
	ok(visit_fingerprints(in->j, visit, fp, BIO_FINGERS, &n, &e.em) == CST_OK && n == 2 &&
	    strcmp(fp[0].finger, "r_index") == 0 && fp[0].quality == 91 &&
	    strcmp(fp[1].finger, "r_thumb") == 0, "the latest of each finger, best first");
	m.enrolled_seq = fp[0].seq;
	ok(intake_sign(in, visit, "search", "person", "张三丰", "fingerprint", "搜查记录", NULL,
	    &e) == CST_ERR_ARG, "a fingerprint signature without a match is refused");
	ok(intake_sign(in, visit, "search", "person", "张三丰", "typed", "搜查记录", &m, &e) ==
	    CST_ERR_ARG, "a typed signature with a match is refused");
	ok(intake_sign(in, visit, "search", "person", "张三丰", "fingerprint", "搜查记录", &m,
	    &e) == CST_OK, "a signature by a matched finger");
	ok(visit_signatures(in->j, visit, sig, 8, &n, &e.em) == CST_OK && n == 1 &&
	    strcmp(sig[0].method, "fingerprint") == 0 &&
	    strcmp(sig[0].match_finger, "r_index") == 0 && sig[0].match_score == 87,
	    "the signature records the finger and the score");
	ok(journal_has(in->j, "signature.made", "\"enrolled_seq\""),
	    "the signature event names the enrolment it matched");
	ok(doc_export_text(in->j, visit, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "score 87") != NULL, "the documents show how it was signed");
	buf_free(&b);
	biokey_wipe(&k);
	biokey_wipe(&other);
}

static int
count_one(const struct event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int
count_kind(struct journal *j, const char *kind)
{
	struct journal_filter f = { .kind = kind };
	int n = 0;

	journal_each(j, &f, count_one, &n, NULL);
	return n;
}

/* Every action carries an action id; one saved again is answered from the journal. */
static void
test_action_redo(struct intake *in)
{
	static const char act[] = "2c9d8e7f-6a5b-4c3d-8e1f-0a9b8c7d6e5f";
	char visit[UUID_LEN + 1], again[UUID_LEN + 1], p1[UUID_LEN + 1], p2[UUID_LEN + 1];
	struct intake a = intake_for(in, act);
	struct registration r;
	struct intake_error e;
	int64_t seq;

	fill_registration(&r, "周八", "32010219850505003");
	ok(intake_register(&a, &r, visit, &e) == CST_OK && !e.already && e.seq > 0,
	    "a registration with an action id is recorded");
	seq = e.seq;
	ok(intake_register(&a, &r, again, &e) == CST_OK && e.already && e.seq == seq &&
	    strcmp(again, visit) == 0, "saved again: already recorded, with the same visit "
	    "(not refused as \"already in the area\")");
	ok(count_kind(in->j, "person.registered") == 3, "no second registration");
	ok(intake_register(in, &r, again, &e) == CST_ERR_EXISTS,
	    "another registration of the same person (a new action) is still refused");
	intake_part(act, "fingerprints", p1);
	intake_part(act, "fingerprints", p2);
	ok(strcmp(p1, p2) == 0 && strlen(p1) == UUID_LEN && p1[14] == '8' &&
	    strcmp(p1, act) != 0, "a part's action id is a UUID, the same on every redo");
	intake_part(act, "photo", p2);
	ok(strcmp(p1, p2) != 0, "and another for another part");
	ok(intake_exit(&a, visit, "released", "s1", "super-pass-1", "", &e) == CST_OK &&
	    e.already && e.seq == seq, "an action id is one action: another step with the "
	    "same id is answered with the recorded one (forms make a new id for each act)");
}

/* Belongings returned item by item: each to the person or to case property, checked here
 * and on receipt from another terminal. */
static void
test_return_items(struct intake *in, const char *visit)
{
	static const char *const bad[] = {
		"{\"items\":[{\"n\":1}]}", "{\"items\":[1]}", "{\"items\":[]}",
		"{\"to\":\"away\"}", "{}", "{\"items\":[{\"n\":0,\"to\":\"owner\"}]}",
		"{\"items\":[{\"n\":1,\"to\":\"moon\"}]}", "{\"items\":\"all\"}",
	};
	static const char *const good[] = {
		"{\"to\":\"owner\"}", "{\"to\":\"property\",\"items\":[1,2]}",
		"{\"items\":[{\"n\":2,\"to\":\"property\"},{\"n\":1,\"to\":\"owner\"}]}",
	};
	struct return_choice one = { 1, 0 }, two[2] = { { 2, 1 }, { 2, 0 } };
	struct authority_proof proof;
	struct visit_item items[4];
	struct intake_error e;
	struct stage_facts f;
	struct event ev;
	struct errmsg em;
	char what[300];
	size_t n, i;

	ok(intake_return_items(in, visit, &one, 0, &e) == CST_ERR_ARG, "no item chosen: refused");
	two[0].n = 9;
	ok(intake_return_items(in, visit, two, 1, &e) == CST_ERR_ARG, "an item not held by the "
	    "person: refused");
	two[0].n = 2;
	ok(intake_return_items(in, visit, two, 2, &e) == CST_ERR_ARG, "an item chosen twice: "
	    "refused");
	ok(intake_return_items(in, visit, &one, 1, &e) == CST_OK, "item 1 back to the person");
	ok(visit_facts(in->j, visit, ACT_EXIT, &f, &e.em) == CST_OK && f.items_held,
	    "one item still held: the exit's condition is not met");
	ok(intake_exit(in, visit, "released", "s1", "super-pass-1", "", &e) != CST_OK,
	    "no exit while an item is held");
	ok(intake_return_items(in, visit, &one, 1, &e) == CST_ERR_ARG, "item 1 again: refused, "
	    "it is not held");
	ok(intake_return_items(in, visit, two, 1, &e) == CST_OK, "item 2 to case property");
	ok(visit_belongings(in->j, visit, items, 4, &n, &e.em) == CST_OK && n == 2 &&
	    strcmp(items[0].status, "returned") == 0 && strcmp(items[1].status, "property") == 0,
	    "each item went its own way");
	ok(visit_facts(in->j, visit, ACT_EXIT, &f, &e.em) == CST_OK && !f.items_held,
	    "none held now");
	ok(intake_return_belongings(in, visit, 0, &e) == CST_ERR_ARG, "returning all: nothing "
	    "is left to return");
	for (i = 0; i < sizeof bad / sizeof bad[0] + sizeof good / sizeof good[0]; i++) {
		const char *body = i < sizeof bad / sizeof bad[0] ? bad[i] :
		    good[i - sizeof bad / sizeof bad[0]];
		int status;

		memset(&ev, 0, sizeof ev);
		snprintf(ev.terminal, sizeof ev.terminal, "tb");
		snprintf(ev.operator_, sizeof ev.operator_, "c1");
		snprintf(ev.kind, sizeof ev.kind, "belongings.returned");
		snprintf(ev.subject, sizeof ev.subject, "%s", visit);
		event_set_body(&ev, body, strlen(body));
		err_clear(&em);
		status = evcheck_event(&ev, NULL, &proof, &em);
		snprintf(what, sizeof what, "another terminal's belongings.returned %s: %s (%s)",
		    body, i < sizeof bad / sizeof bad[0] ? "refused" : "accepted", em.text);
		ok(status == (i < sizeof bad / sizeof bad[0] ? CST_ERR_INPUT : CST_OK), what);
		event_clear(&ev);
	}
}

static void
test_temp_exit_and_exit(struct intake *in, const char *visit)
{
	struct intake_error e;
	struct visit v;
	int64_t back = clock_now_ms() + 3600000;

	ok(intake_temp_exit(in, visit, "hospital", "腹痛就医", "c1", "clerk-pass-1", "110001",
	    "110002", back, &e) == CST_ERR_PERM, "a temporary exit needs a supervisor");
	ok(intake_temp_exit(in, visit, "hospital", "腹痛就医", "s1", "super-pass-1", "110001",
	    "110002", clock_now_ms() - 1, &e) == CST_ERR_ARG && field_is(&e, "return_ts"),
	    "a return time in the past is refused");
	ok(intake_temp_exit(in, visit, "hospital", "腹痛就医", "s1", "super-pass-1", "110001",
	    "110002", back, &e) == CST_OK, "temporary exit recorded");
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && v.temp_out, "shown as open");
	ok(intake_exit(in, visit, "released", "s1", "super-pass-1", "", &e) != CST_OK,
	    "no exit while out");
	ok(intake_temp_return(in, visit, &e) == CST_OK, "back from the hospital");
	ok(intake_exit(in, visit, "released", "s1", "super-pass-1", "", &e) != CST_OK &&
	    !e.needs_override, "no exit while belongings are held");
	test_return_items(in, visit);
	ok(intake_exit(in, visit, "released", "s1", "super-pass-1", "", &e) != CST_OK,
	    "no exit while the band is bound");
	ok(intake_unbind_band(in, visit, &e) == CST_OK, "band unbound");
	ok(intake_exit(in, visit, "nowhere", "s1", "super-pass-1", "", &e) == CST_ERR_ARG &&
	    field_is(&e, "destination"), "an unknown destination is refused");
	ok(intake_exit(in, visit, "released", "c1", "clerk-pass-1", "", &e) == CST_ERR_PERM,
	    "a clerk cannot approve the exit");
	{
		static const char act[] = "5d0e8c1b-7a2f-4c3d-9e8f-1a2b3c4d5e6f";
		struct intake a = intake_for(in, act);
		int logins = count_kind(in->j, "login.*");

		ok(intake_exit(&a, visit, "released", "s1", "super-pass-1", "教育后释放", &e) ==
		    CST_OK && !e.already && e.seq > 0, "exit approved");
		ok(intake_exit(&a, visit, "released", "s1", "super-pass-1", "教育后释放", &e) ==
		    CST_OK && e.already && strcmp(e.subject, visit) == 0, "the exit saved again "
		    "with its action id: already recorded, not refused as \"has left\"");
		ok(count_kind(in->j, "exit.completed") == 1 &&
		    count_kind(in->j, "login.*") == logins + 1,
		    "one exit, and the supervisor's password was not asked a second time");
		ok(journal_has(in->j, "exit.completed", "{\"action_id\":\"5d0e8c1b-"),
		    "the action id is the first member of the event's body");
	}
	ok(visit_get(in->j, visit, &v, &e.em) == CST_OK && v.exit_ts != 0 &&
	    v.stage == STAGE_EXITED && strcmp(v.exit_by, "s1") == 0, "the visit has left");
	ok(intake_move(in, visit, "候问室1", 0, "110001", "", &e) != CST_OK,
	    "nothing after exit");
}

static size_t
found(struct journal *j, const char *q, const char *name)
{
	struct visit_list l;
	struct errmsg em;
	size_t i, hits = 0;

	if (visit_find(j, q, 50, &l, &em) != CST_OK)
		return (size_t)-1;
	for (i = 0; i < l.n; i++)
		hits += name == NULL || strcmp(l.v[i].name, name) == 0;
	visit_list_free(&l);
	return hits;
}

static void
test_find(struct journal *j)
{
	char id[19];

	make_id("11010519800101001", id);
	ok(found(j, id, "张三丰") == 1, "find by ID number");
	id[17] = id[17] == 'X' ? 'x' : id[17];
	ok(found(j, "A1101012026110002", "欧阳娜娜") == 1, "find by case number");
	ok(found(j, "三丰", "张三丰") == 1, "find by a two-character fragment");
	ok(found(j, "张三丰", "张三丰") == 1, "find by the whole name");
	ok(found(j, "阳娜", "欧阳娜娜") == 1, "find by an inner fragment");
	ok(found(j, "zsf", "张三丰") == 1, "find by pinyin initials");
	ok(found(j, "oynn", "欧阳娜娜") == 1, "find by the initials of a two-character surname");
	ok(found(j, "三娜", NULL) == 0, "no false match across names");
	ok(found(j, "", NULL) == 0, "an empty query finds nothing");
}

static void
test_band_lookup(struct intake *in)
{
	struct intake_error e;
	struct visit v;
	struct visit_list l;

	ok(visit_in_area(in->j, &l, &e.em) == CST_OK && l.n == 1, "one person left in the area");
	if (l.n == 1) {
		ok(intake_bind_band(in, l.v[0].id, "B0001", &e) == CST_OK,
		    "the freed band binds to someone else");
		ok(visit_by_band(in->j, "B0001", &v, &e.em) == CST_OK &&
		    strcmp(v.name, "欧阳娜娜") == 0, "find by band");
	}
	visit_list_free(&l);
}

static void
test_documents(struct intake *in, const char *visit)
{
	struct visit_signature sig[8];
	struct intake_error e;
	struct buf b = { 0 };
	char *text = NULL;
	size_t n = 0;

	ok(doc_render(in->j, visit, DOC_BELONGINGS, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "华为手机") != NULL, "the belongings list shows the item");
	ok(intake_sign(in, visit, "belongings", "person", "张三丰", "typed", buf_str(&b), NULL, &e) ==
	    CST_OK, "the person signs the list");
	/* The second signature of the visit: test_fingerprints made the first. */
	ok(visit_signatures(in->j, visit, sig, 8, &n, &e.em) == CST_OK && n == 2 &&
	    strcmp(sig[1].document, "belongings") == 0 && strlen(sig[1].doc_hash) == 64,
	    "the signature is recorded with the document hash");
	ok(n == 2 && visit_signed_text(in->j, &sig[1], &text, &e.em) == CST_OK &&
	    strcmp(text, buf_str(&b)) == 0, "the exact signed text is kept");
	free(text);
	buf_free(&b);
	ok(doc_export_html(in->j, visit, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "<html") != NULL && strstr(buf_str(&b), sig[1].doc_hash) != NULL,
	    "the HTML export carries the signature hash");
	buf_free(&b);
	ok(doc_register_csv(in->j, T0 - 86400000, T0 + 86400000, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "张三丰") != NULL && strstr(buf_str(&b), "欧阳娜娜") != NULL,
	    "the area register lists both people");
	buf_free(&b);
}

/* Every projection table as text, in primary-key order. */
static void
dump_tables(sqlite3 *db, struct buf *out)
{
	static const char *const tables[] = { "operators", "visits", "name_grams", "searches",
	    "belongings", "lockers", "collections", "movements", "temp_exits", "signatures",
	    "overrides", "fingerprints", "actions", "known_bands", "id_claims", "conflicts",
	    "corrections", "officers" };
	char sql[128];
	sqlite3_stmt *st;
	size_t i;
	int c;

	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2, 3", tables[i]);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			buf_printf(out, "cannot read %s\n", tables[i]);
			continue;
		}
		buf_printf(out, "[%s]\n", tables[i]);
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

static void
test_rebuild(struct journal *j)
{
	struct buf before = { 0 }, after = { 0 };
	struct errmsg em;

	dump_tables(journal_db(j), &before);
	ok(before.len > 2000, "the projections hold the test's data");
	{
		const char *kb = strstr(buf_str(&before), "[known_bands]\n");

		ok(kb && kb[strlen("[known_bands]\n")] != '[', "known bands among them");
	}
	ok(journal_rebuild(j, &em) == CST_OK, "rebuild");
	dump_tables(journal_db(j), &after);
	ok(before.len == after.len && strcmp(buf_str(&before), buf_str(&after)) == 0,
	    "rebuild gives the same projection tables as the incremental path");
	buf_free(&before);
	buf_free(&after);
}

int
main(void)
{
	char *dir = t_tmpdir("intake");
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	char visit[UUID_LEN + 1];
	struct terminal *t;

	clock_set_ms(T0);
	t = make_terminal(dir);
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	test_stage_rules();
	add_operators(in.j);
	test_lockout(in.j);
	test_register(&in, visit);
	test_search_and_belongings(&in, visit);
	test_locker_taken(&in);
	test_fingerprints(&in, visit, dir);
	test_collect_and_override(&in, visit);
	test_documents(&in, visit);
	clock_advance_ms(60000);
	test_temp_exit_and_exit(&in, visit);
	test_find(in.j);
	test_band_lookup(&in);
	test_action_redo(&in);
	test_register_documents(&in);
	test_register_review(&in);
	test_rebuild(in.j);
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
