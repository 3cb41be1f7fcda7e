/* The officers' CSV file: a header, then one officer a line, each line checked on its own. */
#include "officer-csv.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

#define WHY_MAX ERRMSG_MAX

enum column { COL_NUMBER, COL_NAME, COL_UNIT, COL_SEX, COL_OTHER };

#define FIELDS_MAX 16

struct line {
	char buf[OFFICER_CSV_LINE_MAX + 1];	/* the fields, each ended by NUL */
	const char *field[FIELDS_MAX];
	int n;
};

/* Splits one line (no line end) into fields; -1 for an open quote or too many fields. */
static int
split(const char *s, size_t len, struct line *l)
{
	size_t i = 0, k = 0;
	int quoted;

	l->n = 0;
	for (;;) {
		if (l->n == FIELDS_MAX)
			return -1;
		l->field[l->n++] = l->buf + k;
		quoted = i < len && s[i] == '"';
		if (quoted)
			i++;
		for (; i < len; i++) {
			if (quoted && s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					l->buf[k++] = s[i++];
					continue;
				}
				quoted = 0;
				continue;
			}
			if (!quoted && s[i] == ',')
				break;
			l->buf[k++] = s[i];
		}
		if (quoted)
			return -1;
		l->buf[k++] = '\0';
		if (i >= len)
			return 0;
		i++;	/* the comma */
	}
}

static enum column
column_of(const char *title)
{
	static const struct {
		const char *title;
		enum column col;
	} names[] = {
		{ "警号", COL_NUMBER }, { "number", COL_NUMBER }, { "姓名", COL_NAME },
		{ "name", COL_NAME }, { "单位", COL_UNIT }, { "unit", COL_UNIT },
		{ "性别", COL_SEX }, { "sex", COL_SEX },
	};
	char t[64];
	size_t i;

	text_trim(title, t, sizeof t);
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(t, names[i].title) == 0)
			return names[i].col;
	return COL_OTHER;
}

static int
copy(char *dst, size_t size, const char *src)
{
	char t[OFFICER_CSV_LINE_MAX + 1];

	text_trim(src, t, sizeof t);
	if (strlen(t) >= size)
		return -1;
	memcpy(dst, t, strlen(t) + 1);
	return 0;
}

/* One data line into o; why (a message) when it is not good. */
static int
read_line(const struct line *l, const int *cols, struct officer *o, char *why, size_t size)
{
	char sex[16] = "";
	int i;

	memset(o, 0, sizeof *o);
	for (i = 0; i < l->n; i++) {
		const char *f = l->field[i];
		int bad = 0;

		switch (cols[i]) {
		case COL_NUMBER: bad = copy(o->number, sizeof o->number, f); break;
		case COL_NAME: bad = copy(o->name, sizeof o->name, f); break;
		case COL_UNIT: bad = copy(o->unit, sizeof o->unit, f); break;
		case COL_SEX: bad = copy(sex, sizeof sex, f); break;
		default: break;
		}
		if (bad) {
			snprintf(why, size, _("column %d is too long"), i + 1);
			return -1;
		}
	}
	if (officer_sex_parse(sex, &o->sex) != 0) {
		snprintf(why, size, _("sex \"%s\" is not 男, 女, M or F"), sex);
		return -1;
	}
	return 0;
}

int
officer_csv_parse(const char *text, size_t len, officer_csv_fn *fn, void *arg,
    struct errmsg *em)
{
	int cols[FIELDS_MAX], have_number = 0, have_name = 0, lineno = 0, header = 1, i;
	char why[WHY_MAX];
	struct errmsg check;
	struct officer o;
	struct line l;
	size_t at = 0, end, n;

	if (len > OFFICER_CSV_BYTES_MAX)
		return err_set(em, CST_ERR_INPUT, _("the file is larger than %d MiB"),
		    OFFICER_CSV_BYTES_MAX >> 20);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		at = 3;
	while (at < len) {
		for (end = at; end < len && text[end] != '\n'; end++)
			;
		n = end - at;
		if (n > 0 && text[at + n - 1] == '\r')
			n--;
		lineno++;
		if (lineno > OFFICER_CSV_LINES_MAX)
			return err_set(em, CST_ERR_INPUT, _("line %d: more than %d lines"), lineno,
			    OFFICER_CSV_LINES_MAX);
		why[0] = '\0';
		if (n == 0) {
			at = end + 1;
			continue;
		}
		if (n > OFFICER_CSV_LINE_MAX)
			snprintf(why, sizeof why, _("longer than %d bytes"), OFFICER_CSV_LINE_MAX);
		else if (!text_safe(text + at, n, 0))
			snprintf(why, sizeof why, _("not UTF-8 text, or holds control characters"));
		else if (split(text + at, n, &l) != 0)
			snprintf(why, sizeof why, _("an open quote or more than %d columns"),
			    FIELDS_MAX);
		at = end + 1;
		if (header) {
			if (why[0] != '\0')
				return err_set(em, CST_ERR_INPUT, _("line %d (the header): %s"),
				    lineno, why);
			for (i = 0; i < l.n; i++) {
				cols[i] = column_of(l.field[i]);
				have_number |= cols[i] == COL_NUMBER;
				have_name |= cols[i] == COL_NAME;
			}
			for (; i < FIELDS_MAX; i++)
				cols[i] = COL_OTHER;
			if (!have_number || !have_name)
				return err_set(em, CST_ERR_INPUT, _("line %d: the header must name the "
				    "columns 警号 and 姓名 (or number and name), and may name 单位 "
				    "(unit) and 性别 (sex)"), lineno);
			header = 0;
			continue;
		}
		if (why[0] == '\0' && read_line(&l, cols, &o, why, sizeof why) == 0) {
			err_clear(&check);
			if (officer_valid(&o, &check) != CST_OK)
				snprintf(why, sizeof why, "%s", check.text);
		}
		if (fn(arg, lineno, why[0] == '\0' ? &o : NULL, why))
			return CST_OK;
	}
	if (header)
		return err_set(em, CST_ERR_INPUT, _("the file is empty: it needs a header line "
		    "(警号,姓名,单位,性别)"));
	return CST_OK;
}
