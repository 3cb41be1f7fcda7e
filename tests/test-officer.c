/*
 * The register of officers (issue 15, "people are named as people"): officer.added on an
 * administrator's authority and checked for every receiver, search by number, name and
 * pinyin initials, names shown with numbers, the CSV import line by line, rebuild.
 */
#include <sqlite3.h>

#include "admin.h"
#include "evcheck.h"
#include "journal.h"
#include "namegram.h"
#include "officer-csv.h"
#include "officer.h"
#include "operator.h"
#include "journal-util.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

static struct officer
officer(const char *number, const char *name, const char *unit, char sex)
{
	struct officer o;

	memset(&o, 0, sizeof o);
	snprintf(o.number, sizeof o.number, "%s", number);
	snprintf(o.name, sizeof o.name, "%s", name);
	snprintf(o.unit, sizeof o.unit, "%s", unit);
	o.sex = sex;
	return o;
}

/* The officers table as text, row by row. */
static void
dump(struct journal *j, char *out, size_t size)
{
	sqlite3_stmt *st;
	size_t used = 0;

	out[0] = '\0';
	if (sqlite3_prepare_v2(journal_db(j), "SELECT number || '|' || name || '|' || unit || '|' "
	    "|| sex || '|' || initials || '|' || added_by FROM officers ORDER BY number", -1, &st,
	    NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW && used < size)
		used += (size_t)snprintf(out + used, size - used, "%s\n", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static int
search_finds(struct journal *j, const char *q, const char *number)
{
	struct officer found[8];
	struct errmsg em;
	int n, i;

	if (officer_search(j, q, found, 8, &n, &em) != CST_OK)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(found[i].number, number) == 0)
			return 1;
	return 0;
}

static void
test_register(const char *top)
{
	struct terminal *ta = tj_make(top, "ta"), *tb = tj_make(top, "tb");
	struct officer o = officer("010231", "刘洋", "城关派出所", 'M'), got;
	char shown[OFFICER_SHOWN_MAX], before[4096], after[4096], ini[16];
	struct authority_proof proof;
	struct event ev;
	struct errmsg em;
	int64_t n;

	err_clear(&em);
	ok(officer_add(ta->journal, NULL, &o, &em) == CST_ERR_PERM,
	    "an officer without an administrator's authority is refused");
	ok(operator_add(ta->journal, t_admin(), "admin", "管理员", "admin", "admin-pass-1", &em) ==
	    CST_OK, "the administrator");
	ok(officer_add(ta->journal, t_admin(), &o, &em) == CST_OK, "刘洋 added with authority");
	o = officer("010232", "张伟", "", 'F');
	ok(officer_add(ta->journal, t_admin(), &o, &em) == CST_OK, "张伟 added");
	ok(officer_add(ta->journal, t_admin(), &o, &em) == CST_ERR_EXISTS,
	    "the same number twice is refused");
	o = officer("0102", "王五", "", 'M');
	ok(officer_add(ta->journal, t_admin(), &o, &em) == CST_ERR_ARG, "a 4-character number "
	    "is refused");
	o = officer("01023#", "王五", "", 'M');
	ok(officer_add(ta->journal, t_admin(), &o, &em) == CST_ERR_ARG, "a number with # "
	    "is refused");
	ok(officer_count(ta->journal, &n, &em) == CST_OK && n == 2, "two officers");
	ok(officer_get(ta->journal, "010231", &got, &em) == CST_OK && strcmp(got.name, "刘洋") ==
	    0 && strcmp(got.unit, "城关派出所") == 0 && got.sex == 'M' &&
	    strcmp(got.added_by, "admin") == 0, "read back: name, unit, sex, who added");
	namegram_initials("刘洋", ini, sizeof ini);
	ok(strcmp(ini, "ly") == 0, "刘洋's initials are ly");
	ok(search_finds(ta->journal, "ly", "010231") && !search_finds(ta->journal, "ly", "010232"),
	    "ly finds 刘洋 and not 张伟");
	ok(search_finds(ta->journal, "LY", "010231"), "LY too");
	ok(search_finds(ta->journal, "zw", "010232"), "zw finds 张伟");
	ok(search_finds(ta->journal, "洋", "010231") && search_finds(ta->journal, "刘洋", "010231"),
	    "by a part of the name");
	ok(search_finds(ta->journal, "0102", "010231") && search_finds(ta->journal, "0102",
	    "010232") && !search_finds(ta->journal, "0103", "010231"), "by a number's start");
	ok(!search_finds(ta->journal, "%", "010231") && !search_finds(ta->journal, "_", "010231"),
	    "% and _ are characters, not patterns");
	officer_shown(ta->journal, "010231", shown, sizeof shown);
	ok(strcmp(shown, "刘洋 (010231)") == 0, "shown as name and number");
	officer_shown(ta->journal, "099999", shown, sizeof shown);
	ok(strcmp(shown, "099999") == 0, "an unknown number as it is");
	operator_shown(ta->journal, "admin", shown, sizeof shown);
	ok(strcmp(shown, "管理员 (admin)") == 0, "an operator as name and id");

	/* Another terminal: the same checks as local events. */
	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "tb");
	snprintf(ev.operator_, sizeof ev.operator_, "admin");
	snprintf(ev.kind, sizeof ev.kind, "officer.added");
	snprintf(ev.subject, sizeof ev.subject, "010299");
	event_set_body(&ev, "{\"number\":\"010299\",\"name\":\"假人\",\"unit\":\"\",\"sex\":\"M\"}",
	    strlen("{\"number\":\"010299\",\"name\":\"假人\",\"unit\":\"\",\"sex\":\"M\"}"));
	ok(evcheck_event(&ev, NULL, &proof, &em) == CST_ERR_PERM, "officer.added without an "
	    "authority is refused on receipt");
	event_clear(&ev);
	ok(tj_copy_chain(ta, tb->journal) == 0 && officer_get(tb->journal, "010231", &got, &em) ==
	    CST_OK && strcmp(got.name, "刘洋") == 0, "another terminal applies the signed ones");
	dump(tb->journal, before, sizeof before);
	ok(journal_rebuild(tb->journal, &em) == CST_OK, "rebuild");
	dump(tb->journal, after, sizeof after);
	ok(before[0] != '\0' && strcmp(before, after) == 0, "a rebuild gives the same officers");
	dump(ta->journal, after, sizeof after);
	ok(strcmp(before, after) == 0, "both terminals hold the same officers");
	terminal_close(ta);
	terminal_close(tb);
}

struct seen {
	int good, bad;
	char lines[1024];
};

static int
note_line(void *arg, int line, const struct officer *o, const char *why)
{
	struct seen *s = arg;
	size_t used = strlen(s->lines);

	if (o != NULL) {
		s->good++;
		snprintf(s->lines + used, sizeof s->lines - used, "%d:%s/%s/%s/%c;", line, o->number,
		    o->name, o->unit, o->sex ? o->sex : '-');
	} else {
		s->bad++;
		snprintf(s->lines + used, sizeof s->lines - used, "%d!;", line);
		(void)why;
	}
	return 0;
}

static void
test_csv(void)
{
	static const char good[] = "\xef\xbb\xbf警号,姓名,单位,性别\r\n"
	    "010231,刘洋,城关派出所,男\r\n"
	    "\r\n"
	    "010232, 张伟 ,\"刑侦大队, 二中队\",女\r\n"
	    "12,短号,,男\n"
	    "010233,李四,,未知\n"
	    "010234,\"开着的引号,,男\n"
	    "010235,,,男\n"
	    "010236,王芳\n";
	static const char english[] = "name,number\n赵六,A12345\n";
	char longline[OFFICER_CSV_LINE_MAX + 64];
	struct seen s;
	size_t n;
	struct errmsg em;

	memset(&s, 0, sizeof s);
	err_clear(&em);
	ok(officer_csv_parse(good, sizeof good - 1, note_line, &s, &em) == CST_OK, "a CSV file");
	ok(s.good == 3 && s.bad == 4, "3 good lines, 4 bad");
	ok(strstr(s.lines, "2:010231/刘洋/城关派出所/M;") != NULL, "the BOM and CR LF are "
	    "tolerated");
	ok(strstr(s.lines, "4:010232/张伟/刑侦大队, 二中队/F;") != NULL, "trimmed, quoted comma");
	ok(strstr(s.lines, "5!;6!;7!;8!;") != NULL, "short number, unknown sex, open quote, no "
	    "name: named by line");
	ok(strstr(s.lines, "9:010236/王芳//-;") != NULL, "unit and sex may be left out");
	memset(&s, 0, sizeof s);
	ok(officer_csv_parse(english, sizeof english - 1, note_line, &s, &em) == CST_OK &&
	    strcmp(s.lines, "2:A12345/赵六//-;") == 0, "English header in another order");
	ok(officer_csv_parse("姓名,单位\n刘洋,x\n", 22, note_line, &s, &em) == CST_ERR_INPUT,
	    "a header without 警号 is refused");
	ok(officer_csv_parse("", 0, note_line, &s, &em) == CST_ERR_INPUT, "an empty file");
	memset(&s, 0, sizeof s);
	snprintf(longline, sizeof longline, "number,name\n010231,");
	n = strlen(longline);
	memset(longline + n, 'x', OFFICER_CSV_LINE_MAX);
	longline[n + OFFICER_CSV_LINE_MAX] = '\0';
	ok(officer_csv_parse(longline, strlen(longline), note_line, &s, &em) == CST_OK &&
	    s.bad == 1 && s.good == 0, "an over-long line is a bad line");
	ok(officer_csv_parse("number,name\n01\xff" "0231,x\n", 20, note_line, &s, &em) == CST_OK &&
	    s.bad == 2, "invalid UTF-8 is a bad line");
}

/* custody officer import / list on a terminal made by custody init. */
static void
test_command(const char *top)
{
	char data[600], csv[600], arg[620];
	static const char text[] = "警号,姓名,单位,性别\n010231,刘洋,城关派出所,男\n"
	    "010231,刘洋,城关派出所,男\n9,坏,,男\n010232,张伟,,女\n";
	struct t_result r;

	snprintf(data, sizeof data, "%s/cli", top);
	snprintf(csv, sizeof csv, "%s/officers.csv", top);
	snprintf(arg, sizeof arg, "--data=%s", data);
	t_write_file(csv, text, strlen(text), 0600);
	r = t_custody_env(NULL, "admin-pass-1\nadmin-pass-1\n", "init", arg, "--terminal", "cli",
	    "--room", "intake", "--admin", "a1", "--admin-name", "管理员", (char *)NULL);
	t_result_free(&r);
	r = t_custody_env(NULL, "admin-pass-1\n", "officer", "import", arg, "--by", "a1", csv,
	    (char *)NULL);
	ok(r.status == 3 && t_has(r.out, "imported 2, already registered 1, bad lines 1"),
	    "import: good lines in, the duplicate skipped, the bad line counted");
	ok(t_has(r.err, "line 3:") && t_has(r.err, "skipped") && t_has(r.err, "line 4:"),
	    "each refused line named by its number");
	if (r.status != 3)
		fprintf(stderr, "%s%s", r.out ? r.out : "", r.err ? r.err : "");
	t_result_free(&r);
	r = t_custody("officer", "list", arg);
	ok(r.status == 0 && t_has(r.out, "010231") && t_has(r.out, "刘洋") &&
	    t_has(r.out, "010232"), "officer list");
	t_result_free(&r);
	r = t_custody_env(NULL, "wrong-password\n", "officer", "add", arg, "--by", "a1",
	    "--number", "010240", "--name", "孙七", (char *)NULL);
	ok(r.status != 0, "a wrong password adds nobody");
	t_result_free(&r);
	r = t_custody_env(NULL, "admin-pass-1\n", "officer", "add", arg, "--by", "a1",
	    "--number", "010240", "--name", "孙七", "--sex", "女", (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "010240"), "officer add");
	t_result_free(&r);
}

int
main(void)
{
	char *top = t_tmpdir("officer");

	test_register(top);
	test_csv();
	test_command(top);
	t_rmrf(top);
	free(top);
	return t_done();
}
