/*
 * The property room through its API: the full life of an item, every refusal (with nothing
 * recorded), items from intake, alerts, the chain of custody and its exports, and a rebuild
 * giving the same tables as the incremental path.
 */
#include <sqlite3.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "intake.h"
#include "journal.h"
#include "operator.h"
#include "property-doc.h"
#include "property.h"
#include "admin.h"
#include "t.h"
#include "terminal.h"
#include "util.h"
#include "visit.h"

#define T0 1795000000000LL	/* 2026-11-18, a fixed test clock */
#define DAY 86400000LL

static int64_t
head(struct journal *j)
{
	unsigned char h[CRY_HASH_BYTES];
	int64_t seq = -1;

	journal_head(j, "t1", &seq, h, NULL);
	return seq;
}

static struct prop_party
op(const char *id, const char *password)
{
	struct prop_party p;

	memset(&p, 0, sizeof p);
	snprintf(p.id, sizeof p.id, "%s", id);
	snprintf(p.password, sizeof p.password, "%s", password);
	return p;
}

static struct prop_party
outsider(const char *name, const char *unit, const char *idn)
{
	struct prop_party p;

	memset(&p, 0, sizeof p);
	p.external = 1;
	snprintf(p.name, sizeof p.name, "%s", name);
	snprintf(p.unit, sizeof p.unit, "%s", unit);
	snprintf(p.id_number, sizeof p.id_number, "%s", idn);
	p.confirmed = 1;
	return p;
}

static void
new_item(struct prop_new_item *it, const char *category, const char *desc, const char *tag)
{
	memset(it, 0, sizeof *it);
	snprintf(it->case_number, sizeof it->case_number, "A2026001");
	snprintf(it->category, sizeof it->category, "%s", category);
	snprintf(it->description, sizeof it->description, "%s", desc);
	snprintf(it->quantity, sizeof it->quantity, "1");
	snprintf(it->unit, sizeof it->unit, "部");
	it->value_fen = 350000;
	snprintf(it->seized_from, sizeof it->seized_from, "张三 (现场扣押)");
	snprintf(it->tag, sizeof it->tag, "%s", tag);
}

/* Refused with the expected status, a message, and nothing appended. */
static void
refused(struct journal *j, int64_t before, int status, int want, const struct intake_error *e,
    const char *what)
{
	char line[256];

	snprintf(line, sizeof line, "%s: refused (%d, \"%s\")", what, status, e->em.text);
	ok(status == want && e->em.text[0] != '\0', line);
	snprintf(line, sizeof line, "%s: nothing recorded", what);
	ok(head(j) == before, line);
}

static void
setup(struct intake *in)
{
	struct errmsg em;

	ok(operator_add(in->j, t_admin(), "k1", "库管甲", "keeper", "keeper-pass-1", &em) ==
	    CST_OK, "add keeper k1");
	ok(operator_add(in->j, t_admin(), "k2", "库管乙", "keeper", "keeper-pass-2", &em) ==
	    CST_OK, "add keeper k2");
	ok(operator_add(in->j, t_admin(), "s1", "王强", "supervisor", "super-pass-1", &em) ==
	    CST_OK, "add supervisor");
	ok(operator_add(in->j, t_admin(), "c1", "李文", "clerk", "clerk-pass-1", &em) == CST_OK,
	    "add clerk");
}

static void
test_locations(struct intake *in)
{
	struct intake_error e;
	char code[PROP_LOC_MAX + 1];
	struct prop_location *all;
	size_t n;
	int64_t before;

	ok(property_location_create(in, "A", "03", "12", "", code, &e) == CST_OK &&
	    strcmp(code, "A/03/12") == 0, "location A/03/12");
	ok(property_location_create(in, "A", "03", "13", "", code, &e) == CST_OK,
	    "location A/03/13");
	ok(property_location_create(in, "B", "01", "", "贵重物品柜", code, &e) == CST_OK &&
	    strcmp(code, "B/01") == 0, "location B/01");
	ok(property_location_create(in, "YARD", "", "", "车辆停放区", code, &e) == CST_OK,
	    "location YARD");
	before = head(in->j);
	refused(in->j, before, property_location_create(in, "A", "03", "12", "", code, &e),
	    CST_ERR_EXISTS, &e, "an existing location");
	refused(in->j, before, property_location_create(in, "A", "", "7", "", code, &e),
	    CST_ERR_ARG, &e, "a bin without a shelf");
	refused(in->j, before, property_location_create(in, "A/B", "1", "", "", code, &e),
	    CST_ERR_ARG, &e, "a slash inside a part");
	ok(prop_locations(in->j, &all, &n, &e.em) == CST_OK && n == 4 &&
	    strcmp(all[0].code, "A/03/12") == 0, "four locations in code order");
	free(all);
	ok(prop_location_scope(in->j, "A/03", &e.em) == CST_OK, "a shelf is a scope");
	ok(prop_location_scope(in->j, "A/0", &e.em) == CST_ERR_NOTFOUND,
	    "a partial part is no scope");
}

static void
test_register(struct intake *in, char id[UUID_LEN + 1], char id2[UUID_LEN + 1])
{
	struct prop_new_item it;
	struct intake_error e;
	struct prop_item got;
	char code[PROP_CODE_MAX + 1], other[UUID_LEN + 1];
	int64_t before;

	new_item(&it, "phone", "黑色华为手机 Mate 60", "e2801160600002a1b2c3d4e5");
	snprintf(it.photos[0], sizeof it.photos[0], "photos/phone-front.jpg");
	snprintf(it.photos[1], sizeof it.photos[1], "photos/phone-back.jpg");
	it.nphotos = 2;
	ok(property_register(in, &it, id, code, &e) == CST_OK, "register a phone");
	ok(strcmp(code, "WP-A2026001-001") == 0, "the first item of the case is 001");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK &&
	    strcmp(got.status, "registered") == 0 &&
	    strcmp(got.tag, "E2801160600002A1B2C3D4E5") == 0 && got.nphotos == 2 &&
	    got.value_fen == 350000 && strcmp(got.photos[1], "photos/phone-back.jpg") == 0,
	    "read back: registered, tag upper-case, photos, value");
	new_item(&it, "cash", "人民币现金", "");
	snprintf(it.quantity, sizeof it.quantity, "12000");
	snprintf(it.unit, sizeof it.unit, "元");
	ok(property_register(in, &it, id2, code, &e) == CST_OK &&
	    strcmp(code, "WP-A2026001-002") == 0, "second item 002");

	before = head(in->j);
	new_item(&it, "phone", "另一部手机", "E2801160600002A1B2C3D4E5");
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_EXISTS, &e,
	    "a tag bound to another item");
	ok(strstr(e.em.text, "WP-A2026001-001") != NULL, "the refusal names the other item");
	new_item(&it, "gadget", "x", "");
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_ARG, &e,
	    "an unknown category");
	new_item(&it, "other", "x", "12345");
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_ARG, &e,
	    "a tag that is not hex bytes");
	new_item(&it, "other", "x", "");
	it.value_fen = -1;
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_ARG, &e,
	    "a negative value");
	new_item(&it, "other", "x", "");
	snprintf(it.seized_visit, sizeof it.seized_visit, "no-such-visit");
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_NOTFOUND,
	    &e, "an unknown visit");
	new_item(&it, "other", "bad\x01text", "");
	refused(in->j, before, property_register(in, &it, other, code, &e), CST_ERR_ARG, &e,
	    "a control character");
	ok(property_tag(in, id2, "E2801160600002A1B2C3D4E5", &e) == CST_ERR_EXISTS &&
	    head(in->j) == before, "tagging with another item's tag is refused");
	ok(property_tag(in, id2, "04a1b2c3d4e5f6", &e) == CST_OK, "a 13.56 MHz UID tag");
	ok(prop_item_by_tag(in->j, "04A1B2C3D4E5F6", &got, &e.em) == CST_OK &&
	    strcmp(got.id, id2) == 0, "found by its tag");
}

static void
test_life(struct intake *in, const char *id, const char *cash)
{
	struct prop_party k1 = op("k1", "keeper-pass-1"), k2 = op("k2", "keeper-pass-2");
	struct prop_party c1 = op("c1", "clerk-pass-1"), bad = op("k2", "wrong-pass");
	struct prop_party expert = outsider("赵鉴定", "市物证鉴定所", "JD2026001");
	struct prop_party court = outsider("钱法官", "东城区人民法院", "FY0099");
	struct intake_error e;
	struct prop_item got;
	int64_t before;

	before = head(in->j);
	refused(in->j, before, property_store(in, id, "Z/99", &c1, &k1, &e), CST_ERR_NOTFOUND,
	    &e, "store at an unknown location");
	refused(in->j, before, property_store(in, id, "A/03/12", &k1, &k1, &e), CST_ERR_ARG, &e,
	    "the same giver and receiver");
	refused(in->j, before, property_store(in, id, "A/03/12", &k1, &c1, &e), CST_ERR_PERM,
	    &e, "a clerk receiving into storage");
	refused(in->j, before, property_store(in, id, "A/03/12", &k1, &expert, &e),
	    CST_ERR_PERM, &e, "an outsider receiving into storage");
	ok(property_store(in, id, "A/03/12", &bad, &k1, &e) == CST_ERR_PERM,
	    "a wrong password is refused");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK &&
	    strcmp(got.status, "registered") == 0, "and the item is not stored");
	ok(property_store(in, id, "A/03/12", &c1, &k1, &e) == CST_OK, "store: clerk to keeper");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK && strcmp(got.status, "stored") == 0 &&
	    strcmp(got.location, "A/03/12") == 0, "stored at A/03/12");
	ok(property_store(in, cash, "B/01", &c1, &k2, &e) == CST_OK, "store the cash");

	before = head(in->j);
	refused(in->j, before, property_store(in, id, "A/03/13", &c1, &k1, &e), CST_ERR_ARG,
	    &e, "storing a stored item");
	refused(in->j, before, property_return(in, id, "A/03/12", &expert, &k1, &e),
	    CST_ERR_ARG, &e, "returning an item not checked out");
	refused(in->j, before, property_move(in, id, "A/03/12", &k1, &k2, &e), CST_ERR_ARG, &e,
	    "a move to where it is");
	ok(property_move(in, id, "A/03/13", &k1, &k2, &e) == CST_OK, "move between bins");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK &&
	    strcmp(got.location, "A/03/13") == 0, "now at A/03/13");

	before = head(in->j);
	refused(in->j, before, property_check_out(in, id, "examination", T0 - 1, "", &k1,
	    &expert, &e), CST_ERR_ARG, &e, "a check-out due in the past");
	refused(in->j, before, property_check_out(in, id, "party", clock_now_ms() + DAY, "",
	    &k1, &expert, &e), CST_ERR_ARG, &e, "an unknown purpose");
	refused(in->j, before, property_check_out(in, id, "examination", clock_now_ms() + DAY,
	    "", &expert, &k1, &e), CST_ERR_PERM, &e, "an outsider handing out of storage");
	expert.confirmed = 0;
	refused(in->j, before, property_check_out(in, id, "examination", clock_now_ms() + DAY,
	    "", &k1, &expert, &e), CST_ERR_ARG, &e, "an outsider who did not confirm");
	expert.confirmed = 1;
	ok(property_check_out(in, id, "examination", clock_now_ms() + 3 * DAY, "手机数据提取",
	    &k1, &expert, &e) == CST_OK, "check out for examination");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK &&
	    strcmp(got.status, "checked_out") == 0 && got.location[0] == '\0' &&
	    strstr(got.holder, "赵鉴定") != NULL, "checked out, held by the expert");

	before = head(in->j);
	refused(in->j, before, property_move(in, id, "A/03/12", &k1, &k2, &e), CST_ERR_ARG, &e,
	    "a move of a checked-out item");
	ok(strstr(e.em.text, "checked out") != NULL, "the refusal says it is checked out");
	refused(in->j, before, property_store(in, id, "A/03/12", &expert, &k1, &e), CST_ERR_ARG,
	    &e, "a store of a checked-out item");
	refused(in->j, before, property_transfer(in, id, "court", "东城区人民法院", &k1, &court,
	    &e), CST_ERR_ARG, &e, "a transfer of a checked-out item");

	ok(property_return(in, id, "A/03/12", &expert, &k2, &e) == CST_OK,
	    "return to storage");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK && strcmp(got.status, "stored") == 0 &&
	    strcmp(got.location, "A/03/12") == 0 && got.due_ts == 0, "stored again");

	before = head(in->j);
	refused(in->j, before, property_dispose(in, cash, "confiscate", &k2, &k1, &e),
	    CST_ERR_PERM, &e, "a disposal without approval");
	ok(strstr(e.em.text, "approval") != NULL, "the refusal says approval is missing");
	refused(in->j, before, property_approve_disposal(in, cash, "confiscate", "k2",
	    "keeper-pass-2", "依判决没收", &e), CST_ERR_PERM, &e, "a keeper approving");
	ok(property_approve_disposal(in, cash, "confiscate", "s1", "super-pass-1",
	    "依法院判决没收上缴国库", &e) == CST_OK, "a supervisor approves confiscation");
	before = head(in->j);
	refused(in->j, before, property_dispose(in, cash, "destroy", &k2, &k1, &e), CST_ERR_PERM,
	    &e, "a disposal by another method than approved");
	ok(property_dispose(in, cash, "confiscate", &k2, &k1, &e) == CST_OK,
	    "disposed of as approved");
	before = head(in->j);
	refused(in->j, before, property_move(in, cash, "A/03/12", &k1, &k2, &e), CST_ERR_ARG, &e,
	    "a move of a disposed item");

	ok(property_transfer(in, id, "court", "东城区人民法院", &k1, &court, &e) == CST_OK,
	    "transfer to the court");
	ok(prop_item_get(in->j, id, &got, &e.em) == CST_OK &&
	    strcmp(got.status, "transferred") == 0 && strstr(got.holder, "法院") != NULL,
	    "transferred, held by the court");
	before = head(in->j);
	refused(in->j, before, property_release(in, id, &k1, &court, &e), CST_ERR_ARG, &e,
	    "a release of a transferred item");
	refused(in->j, before, property_tag(in, id, "AABBCCDD", &e), CST_ERR_ARG, &e,
	    "tagging a transferred item");
}

/* A tag is free again once its item has left the room. */
static void
test_tag_reuse(struct intake *in)
{
	struct prop_new_item it;
	struct intake_error e;
	char id[UUID_LEN + 1], code[PROP_CODE_MAX + 1];

	new_item(&it, "phone", "复用标签的手机", "E2801160600002A1B2C3D4E5");
	ok(property_register(in, &it, id, code, &e) == CST_OK,
	    "the tag of a transferred item may be bound again");
}

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
test_import(struct intake *in)
{
	struct registration r;
	struct search_record s;
	struct belongings_list b;
	struct prop_item_list l;
	struct intake_error e;
	char visit[UUID_LEN + 1];
	size_t added = 99, i;
	int from_search = 0, from_belongings = 0;

	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "刘某");
	r.sex = 'M';
	snprintf(r.ethnicity, sizeof r.ethnicity, "01");
	snprintf(r.address, sizeof r.address, "北京市东城区东长安街1号");
	make_id("11010119800101001", r.id_number);
	snprintf(r.case_number, sizeof r.case_number, "A2026777");
	snprintf(r.reason, sizeof r.reason, "criminal");
	snprintf(r.officer1, sizeof r.officer1, "110001");
	snprintf(r.officer2, sizeof r.officer2, "110002");
	ok(intake_register(in, &r, visit, &e) == CST_OK, "register a visit");
	memset(&s, 0, sizeof s);
	snprintf(s.officer, sizeof s.officer, "110001");
	s.officer_sex = 'M';
	snprintf(s.witness, sizeof s.witness, "110003");
	snprintf(s.health, sizeof s.health, "自述健康");
	snprintf(s.items[0].description, sizeof s.items[0].description, "管制刀具");
	snprintf(s.items[0].quantity, sizeof s.items[0].quantity, "1");
	snprintf(s.items[0].unit, sizeof s.items[0].unit, "把");
	s.items[0].to_property = 1;
	snprintf(s.items[1].description, sizeof s.items[1].description, "钥匙");
	snprintf(s.items[1].quantity, sizeof s.items[1].quantity, "1");
	s.nitems = 2;
	ok(intake_search(in, visit, &s, &e) == CST_OK, "a search with one item to property");
	memset(&b, 0, sizeof b);
	snprintf(b.locker, sizeof b.locker, "L07");
	snprintf(b.custodian, sizeof b.custodian, "110009");
	snprintf(b.items[0].category, sizeof b.items[0].category, "phone");
	snprintf(b.items[0].description, sizeof b.items[0].description, "苹果手机");
	snprintf(b.items[0].quantity, sizeof b.items[0].quantity, "1");
	b.nitems = 1;
	ok(intake_belongings(in, visit, &b, &e) == CST_OK, "belongings logged");
	ok(intake_return_belongings(in, visit, 1, &e) == CST_OK, "belongings to case property");

	ok(property_import_visit(in, visit, &added, &e) == CST_OK && added == 2,
	    "import: two items (the knife and the phone)");
	ok(property_import_visit(in, visit, &added, &e) == CST_OK && added == 0,
	    "a second import adds nothing");
	ok(prop_items_by_visit(in->j, visit, &l, &e.em) == CST_OK && l.n == 2,
	    "two items seized in the visit");
	for (i = 0; i < l.n; i++) {
		from_search += strcmp(l.v[i].description, "管制刀具") == 0 &&
		    strcmp(l.v[i].seized_from, "刘某") == 0 &&
		    strcmp(l.v[i].case_number, "A2026777") == 0;
		from_belongings += strcmp(l.v[i].category, "phone") == 0 &&
		    strcmp(l.v[i].description, "苹果手机") == 0;
	}
	ok(from_search == 1 && from_belongings == 1, "with description, case, seized from");
	prop_item_list_free(&l);
}

static void
test_alerts(struct intake *in)
{
	struct prop_party k1 = op("k1", "keeper-pass-1");
	struct prop_party lab = outsider("孙检验", "省厅物证中心", "WZ001");
	static const int limits[8] = { 365, 365, 180, 365, 365, 365, 365, 365 };
	struct prop_alert_list l;
	struct prop_new_item it;
	struct intake_error e;
	char car[UUID_LEN + 1], drug[UUID_LEN + 1], code[PROP_CODE_MAX + 1];
	int64_t now;
	size_t i;
	int car_seen = 0;

	new_item(&it, "vehicle", "白色小型轿车 京A12345", "E200001122334455667788AA");
	ok(property_register(in, &it, car, code, &e) == CST_OK, "register a car");
	ok(property_store(in, car, "YARD", &lab, &k1, &e) == CST_OK, "car into the yard");
	new_item(&it, "drugs", "疑似毒品 白色粉末", "E200001122334455667788BB");
	ok(property_register(in, &it, drug, code, &e) == CST_OK, "register drugs");
	ok(property_store(in, drug, "B/01", &lab, &k1, &e) == CST_OK, "drugs stored");
	ok(property_check_out(in, drug, "appraisal", clock_now_ms() + 2 * DAY, "", &k1, &lab,
	    &e) == CST_OK, "drugs out for appraisal, due in 2 days");

	now = clock_now_ms();
	ok(prop_alerts_overdue(in->j, now + DAY, 3600000, &l, &e.em) == CST_OK && l.n == 0,
	    "not overdue after a day");
	prop_alert_list_free(&l);
	ok(prop_alerts_overdue(in->j, now + 2 * DAY + 1800000, 3600000, &l, &e.em) == CST_OK &&
	    l.n == 0, "not overdue within the grace");
	prop_alert_list_free(&l);
	ok(prop_alerts_overdue(in->j, now + 3 * DAY, 3600000, &l, &e.em) == CST_OK &&
	    l.n == 1 && strcmp(l.v[0].item.id, drug) == 0, "overdue after three days");
	prop_alert_list_free(&l);
	ok(prop_alerts_overheld(in->j, now + 100 * DAY, limits, &l, &e.em) == CST_OK && l.n == 0,
	    "nothing held too long after 100 days");
	prop_alert_list_free(&l);
	ok(prop_alerts_overheld(in->j, now + 200 * DAY, limits, &l, &e.em) == CST_OK, "overheld");
	for (i = 0; i < l.n; i++)
		car_seen += strcmp(l.v[i].item.id, car) == 0;
	ok(l.n == 1 && car_seen == 1, "after 200 days only the car (180 days) is held too long");
	prop_alert_list_free(&l);
	ok(prop_alerts_overheld(in->j, now + 400 * DAY, limits, &l, &e.em) == CST_OK &&
	    l.n >= 4, "after 400 days everything still held is");
	prop_alert_list_free(&l);
}

static void
test_history(struct intake *in, const char *id)
{
	struct prop_step_list l;
	struct buf b = { 0 };
	struct intake_error e;
	size_t i;
	int stored = 0, checked_out = 0, transferred = 0;

	ok(prop_history_item(in->j, id, &l, &e.em) == CST_OK, "the item's chain of custody");
	for (i = 0; i < l.n; i++) {
		stored += strcmp(l.v[i].kind, "item.stored") == 0;
		checked_out += strcmp(l.v[i].kind, "item.checked_out") == 0;
		transferred += strcmp(l.v[i].kind, "item.transferred") == 0;
	}
	ok(l.n == 6 && strcmp(l.v[0].kind, "item.registered") == 0 &&
	    strcmp(l.v[l.n - 1].kind, "item.transferred") == 0,
	    "six events from registration to transfer");
	ok(stored == 1 && checked_out == 1 && transferred == 1, "each movement once");
	ok(strlen(l.v[0].hash) == 64, "each step carries its event hash");
	prop_step_list_free(&l);

	ok(prop_doc_item(in->j, id, PROP_DOC_TEXT, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "WP-A2026001-001") != NULL &&
	    strstr(buf_str(&b), "赵鉴定") != NULL && strstr(buf_str(&b), "A/03/13") != NULL,
	    "text: the code, the expert, the locations");
	buf_free(&b);
	ok(prop_doc_item(in->j, id, PROP_DOC_HTML, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "<table") != NULL && strstr(buf_str(&b), "<script") == NULL,
	    "html");
	buf_free(&b);
	ok(prop_doc_case(in->j, "A2026001", PROP_DOC_CSV, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "WP-A2026001-002") != NULL &&
	    strstr(buf_str(&b), "item.disposed") != NULL, "csv of the case: every item");
	ok(strncmp(buf_str(&b), "\xef\xbb\xbfTime,", 8) == 0 &&
	    strstr(buf_str(&b), ",Event hash,Event kind\r\n") != NULL,
	    "csv: a BOM, headers in words, the event kind last");
	ok(strstr(buf_str(&b), ",item.disposed,") == NULL &&
	    strstr(buf_str(&b), ",item.disposed\r\n") != NULL,
	    "csv: the action in words, its kind only in the last column");
	buf_free(&b);
}

/* A hostile description: HTML escaped, a CSV formula neutralised. */
static void
test_export_escaping(struct intake *in)
{
	struct prop_new_item it;
	struct intake_error e;
	struct buf b = { 0 };
	char id[UUID_LEN + 1], code[PROP_CODE_MAX + 1];

	struct prop_party k1 = op("k1", "keeper-pass-1");
	struct prop_party evil = outsider("=HYPERLINK(\"http://x\",\"a,b\")", "", "E1");

	new_item(&it, "other", "<script>alert(1)</script>", "");
	snprintf(it.case_number, sizeof it.case_number, "X9");
	ok(property_register(in, &it, id, code, &e) == CST_OK, "register a hostile item");
	ok(property_store(in, id, "A/03/12", &evil, &k1, &e) == CST_OK,
	    "handed in by someone with a formula for a name");
	ok(prop_doc_item(in->j, id, PROP_DOC_HTML, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), "<script>") == NULL &&
	    strstr(buf_str(&b), "&lt;script&gt;") != NULL, "html escapes the description");
	buf_free(&b);
	ok(prop_doc_item(in->j, id, PROP_DOC_CSV, &b, &e.em) == CST_OK &&
	    strstr(buf_str(&b), ",=HYPERLINK") == NULL &&
	    strstr(buf_str(&b), ",\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")") != NULL,
	    "csv quotes and neutralises a formula");
	buf_free(&b);
}

static void
dump_tables(sqlite3 *db, struct buf *out)
{
	static const char *const tables[] = { "prop_locations", "prop_items", "prop_events",
	    "prop_inventories", "prop_misplaced" };
	char sql[128];
	sqlite3_stmt *st;
	size_t i;
	int c;

	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[i]);
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
	ok(before.len > 3000, "the property tables hold the test's data");
	ok(journal_rebuild(j, &em) == CST_OK, "rebuild");
	dump_tables(journal_db(j), &after);
	ok(before.len == after.len && strcmp(buf_str(&before), buf_str(&after)) == 0,
	    "rebuild gives the same property tables as the incremental path");
	buf_free(&before);
	buf_free(&after);
}

static void
test_config(void)
{
	static const char text[] = "[property]\nhold_vehicle = 90\ncheckout_grace = 2h\n";
	static const char bad[] = "[property]\nhold_drugs = 0\n";
	struct config c;
	struct errmsg em;

	config_defaults(&c);
	ok(c.hold_days[prop_category_index("vehicle")] == 180 &&
	    c.hold_days[prop_category_index("cash")] == 365 && c.checkout_grace_ms == 3600000,
	    "defaults: vehicles 180 days, cash 365, grace 1 h");
	ok(config_parse(text, sizeof text - 1, &c, &em) == CST_OK &&
	    c.hold_days[2] == 90 && c.checkout_grace_ms == 7200000, "[property] keys parse");
	ok(config_parse(bad, sizeof bad - 1, &c, &em) == CST_ERR_INPUT && c.hold_days[3] == 365,
	    "a zero holding limit is refused");
}

int
main(void)
{
	char *dir = t_tmpdir("property");
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	char phone[UUID_LEN + 1], cash[UUID_LEN + 1];
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
	test_config();
	setup(&in);
	test_locations(&in);
	test_register(&in, phone, cash);
	test_life(&in, phone, cash);
	test_tag_reuse(&in);
	test_import(&in);
	test_alerts(&in);
	test_history(&in, phone);
	test_export_escaping(&in);
	test_rebuild(in.j);
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
