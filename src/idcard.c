/* GB 11643-1999 identity numbers: every rule checked, with a message that says which failed. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "idcard.h"
#include "text.h"

#define LEN 18

/*
 * Province-level codes of GB/T 2260 (the first two digits), and 81, 82, 83, which the
 * residence permits of Hong Kong, Macao and Taiwan residents carry in the same format.
 */
static const int provinces[] = { 11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
    41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83 };

static int say(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ISO 7064 MOD 11-2 over the 17 digits at n. */
static char
check_char(const char *n)
{
	static const int weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (n[i] - '0') * weights[i];
	return "10X98765432"[sum % 11];
}

static int
known_province(const char *n)
{
	int code = (n[0] - '0') * 10 + (n[1] - '0');
	size_t i;

	for (i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
		if (provinces[i] == code)
			return 1;
	return 0;
}

static int
digits(const char *s, int count)
{
	int v = 0;

	while (count-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

static int
real_date(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= (m == 2 && leap ? 29 : days[m - 1]);
}

/* The local date of now_ms as YYYYMMDD (0 when the clock is beyond what localtime handles). */
static long
today(int64_t now_ms)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Whether n matches a pattern: 'A' a letter, '9' a digit, 'X' either, else itself. */
static int
shaped(const char *n, const char *pattern)
{
	for (; *pattern; pattern++, n++) {
		int letter = *n >= 'A' && *n <= 'Z', digit = *n >= '0' && *n <= '9';

		if ((*pattern == 'A' && !letter) || (*pattern == '9' && !digit) ||
		    (*pattern == 'X' && !letter && !digit) ||
		    (*pattern != 'A' && *pattern != '9' && *pattern != 'X' && *n != *pattern))
			return 0;
	}
	return *n == '\0';
}

/* Whether y-m-d is a real date, not after now_ms, not more than 130 years before it. */
static enum { DATE_OK, DATE_UNREAL, DATE_FUTURE, DATE_OLD }
date_verdict(int y, int m, int d, int64_t now_ms)
{
	long born = (long)y * 10000 + m * 100 + d, now = today(now_ms);

	if (!real_date(y, m, d))
		return DATE_UNREAL;
	if (born > now)
		return DATE_FUTURE;
	if (born < now - 130 * 10000L)
		return DATE_OLD;
	return DATE_OK;
}

/* The birth date as YYYYMMDD at b in a number. */
static int
check_birth(const char *b, int64_t now_ms, char *why, size_t len)
{
	char date[11];

	snprintf(date, sizeof date, "%.4s-%.2s-%.2s", b, b + 4, b + 6);
	switch (date_verdict(digits(b, 4), digits(b + 4, 2), digits(b + 6, 2), now_ms)) {
	case DATE_UNREAL:
		return say(why, len, _("the birth date in the ID number (%s) is not a real date"),
		    date);
	case DATE_FUTURE:
		return say(why, len, _("the birth date in the ID number (%s) is in the future"),
		    date);
	case DATE_OLD:
		return say(why, len, _("the birth date in the ID number (%s) is more than 130 "
		    "years ago"), date);
	case DATE_OK:
		break;
	}
	return 0;
}

int
idcard_typed_birth(const char *s, int64_t now_ms, char *why, size_t len)
{
	if (!shaped(s, "9999-99-99"))
		return say(why, len, "%s", _("YYYY-MM-DD"));
	switch (date_verdict(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2), now_ms)) {
	case DATE_UNREAL:
		return say(why, len, _("%s is not a real date"), s);
	case DATE_FUTURE:
		return say(why, len, _("%s is in the future"), s);
	case DATE_OLD:
		return say(why, len, _("%s is more than 130 years ago"), s);
	case DATE_OK:
		break;
	}
	return 0;
}

/*
 * 17 digits and a digit or X (x made X) in the 18 characters at n; else says which character
 * is wrong. Every byte before the first wrong one is ASCII, so its index is its position.
 */
static int
check_chars(char *n, char *why, size_t len)
{
	size_t i;

	for (i = 0; i < LEN - 1; i++)
		if (n[i] < '0' || n[i] > '9')
			return say(why, len, _("character %zu of the ID number must be a digit"),
			    i + 1);
	if (n[i] == 'x')
		n[i] = 'X';
	if ((n[i] < '0' || n[i] > '9') && n[i] != 'X')
		return say(why, len, _("the last character of the ID number must be a digit or "
		    "X"));
	return 0;
}

/* Trimmed into n; the number of characters, or -1 after saying why that many is wrong. */
static int
check_length(const char *s, char *n, size_t size, char *why, size_t len)
{
	size_t chars;

	text_trim(s, n, size);
	chars = strlen(s) < size ? text_chars(n) : text_chars(s);
	if (chars == 15 && text_only(n, "0123456789"))
		return say(why, len, _("15-digit numbers are no longer valid; enter the 18-digit "
		    "number"));
	if (chars != LEN)
		return say(why, len, _("an ID number has 18 characters; this one has %zu"), chars);
	return 0;
}

/* The number, birth (digits 7-14) and sex (digit 17) of a checked 18-character number. */
static void
person_of(const char *n, struct idcard *out)
{
	memcpy(out->number, n, LEN + 1);
	snprintf(out->birth, sizeof out->birth, "%.4s-%.2s-%.2s", n + 6, n + 10, n + 12);
	out->sex = (n[16] - '0') % 2 ? 'M' : 'F';
}

int
idcard_check(const char *s, int64_t now_ms, struct idcard *out, char *why, size_t why_len)
{
	char n[96];

	assert(s != NULL);
	if (check_length(s, n, sizeof n, why, why_len) != 0 ||
	    check_chars(n, why, why_len) != 0)
		return -1;
	assert(strlen(n) == LEN);
	if (!known_province(n))
		return say(why, why_len, _("the ID number starts with %.2s, which is not a province "
		    "code"), n);
	if (check_birth(n + 6, now_ms, why, why_len) != 0)
		return -1;
	if (check_char(n) != n[17])
		return say(why, why_len, _("the check digit of the ID number does not match: one "
		    "of the characters is mistyped"));
	if (out != NULL) {
		person_of(n, out);
		memcpy(out->region, n, 6);
		out->region[6] = '\0';
	}
	return 0;
}

int
idcard_cross_check(const struct idcard *id, const char *birth_or_null, char sex, char *why,
    size_t why_len)
{
	if (birth_or_null != NULL && strcmp(birth_or_null, id->birth) != 0)
		return say(why, why_len, _("the birth date does not match the ID number (%s)"),
		    id->birth);
	if (sex != id->sex)
		return say(why, why_len, "%s", id->sex == 'M' ? _("the sex does not match the ID "
		    "number, which is a man's (its 17th digit is odd)") : _("the sex does not match "
		    "the ID number, which is a woman's (its 17th digit is even)"));
	return 0;
}

/* Documents: keys, labels, and the rules of each number. */

const char *const idcard_doc_keys[IDDOC_COUNT] = {
	"resident", "permit", "foreign2017", "foreign2023", "passport_cn", "passport",
	"hkmo_permit", "home_return", "taiwan_permit", "other", "none"
};

const char *const idcard_doc_labels[IDDOC_COUNT] = {
	N_("resident ID card"), N_("HK/Macao/Taiwan residence permit"),
	N_("foreign permanent resident ID (2017)"), N_("foreign permanent resident ID (2023)"),
	N_("PRC passport"), N_("foreign passport"), N_("travel permit to HK/Macao"),
	N_("HK/Macao home return permit"), N_("Taiwan compatriot permit"), N_("other document"),
	N_("no document")
};

const char *
idcard_doc_label(int doc)
{
	return doc >= 0 && doc < IDDOC_COUNT ? _(idcard_doc_labels[doc]) : "?";
}

const char *
idcard_issues_label(int doc)
{
	/* TRANSLATORS: 换证次数, the count a 2023 foreign permanent resident card carries. */
	return doc == IDDOC_FOREIGN2023 ? _("Times renewed") : _("Times issued");
}

int
idcard_doc_find(const char *key)
{
	int i;

	if (key == NULL || key[0] == '\0')
		return IDDOC_RESIDENT;
	for (i = 0; i < IDDOC_COUNT; i++)
		if (strcmp(idcard_doc_keys[i], key) == 0)
			return i;
	return -1;
}

int
idcard_doc_of_card(char type)
{
	switch (type) {
	case ' ': case '\0': return IDDOC_RESIDENT;
	case 'J': return IDDOC_PERMIT;
	case 'I': return IDDOC_FOREIGN2017;
	case 'Y': return IDDOC_FOREIGN2023;
	}
	return -1;
}

int
idcard_doc_encodes_person(int doc)
{
	return doc == IDDOC_RESIDENT || doc == IDDOC_PERMIT || doc == IDDOC_FOREIGN2023;
}

int
idcard_doc_foreign(int doc)
{
	return doc == IDDOC_FOREIGN2017 || doc == IDDOC_FOREIGN2023 || doc == IDDOC_PASSPORT;
}

/* Upper-cased and trimmed into n (size bytes); 0, or -1 when it has other than ASCII. */
static int
normal_code(const char *s, char *n, size_t size)
{
	size_t i;

	text_trim(s, n, size);
	for (i = 0; n[i]; i++) {
		if ((unsigned char)n[i] >= 0x80)
			return -1;
		if (n[i] >= 'a' && n[i] <= 'z')
			n[i] = (char)(n[i] - 'a' + 'A');
	}
	return 0;
}

static int
hand_typed(int doc, const char *n, char *why, size_t len)
{
	switch (doc) {
	case IDDOC_FOREIGN2017:	/* 3 letters of the nationality, 12 digits */
		if (!shaped(n, "AAA999999999999"))
			return say(why, len, _("the number of a 2017 foreign permanent resident ID "
			    "has 3 letters and 12 digits"));
		return 0;	/* its birth (YYMMDD at 8-13) is checked by idcard_doc_check */
	case IDDOC_PASSPORT_CN:	/* E or G, then 8: a letter or digit and 7 digits */
		if (!shaped(n, "EX9999999") && !shaped(n, "G99999999"))
			return say(why, len, _("a PRC passport number is E and 8 letters or digits "
			    "(E12345678, EA1234567), or G and 8 digits"));
		return 0;
	case IDDOC_HKMO_PERMIT:
		if (!shaped(n, "CX9999999"))
			return say(why, len, _("a travel permit to HK/Macao is C and 8 letters or "
			    "digits (C12345678)"));
		return 0;
	case IDDOC_HOME_RETURN:
		if (!shaped(n, "H99999999") && !shaped(n, "M99999999") &&
		    !shaped(n, "H9999999999") && !shaped(n, "M9999999999"))
			return say(why, len, _("a home return permit is H or M and 8 or 10 digits"));
		return 0;
	case IDDOC_TAIWAN_PERMIT:
		if (!shaped(n, "99999999") && !shaped(n, "9999999999"))
			return say(why, len, _("a Taiwan compatriot permit has 8 or 10 digits"));
		return 0;
	case IDDOC_PASSPORT:
	case IDDOC_OTHER: {
		size_t i, max = doc == IDDOC_PASSPORT ? 20 : 30;

		for (i = 0; n[i]; i++)
			if (!(n[i] >= 'A' && n[i] <= 'Z') && !(n[i] >= '0' && n[i] <= '9') &&
			    !(doc == IDDOC_OTHER && n[i] == '-'))
				return say(why, len, _("letters and digits only"));
		if (i < 5 || i > max)
			return say(why, len, _("a document number has 5 to %zu letters or digits"),
			    max);
		return 0;
	}
	}
	return say(why, len, _("unknown document type"));
}

/*
 * A 2017 number's birth, YYMMDD: a real past date in the 1900s or the 2000s, within 130
 * years (the century is not written).
 */
static int
check_birth_yymmdd(const char *b, int64_t now_ms, char *why, size_t len)
{
	char full[9];

	snprintf(full, sizeof full, "20%.6s", b);
	if (date_verdict(digits(full, 4), digits(full + 4, 2), digits(full + 6, 2), now_ms) ==
	    DATE_OK)
		return 0;
	full[0] = '1';
	full[1] = '9';
	return check_birth(full, now_ms, why, len);
}

int
idcard_doc_check(int doc, const char *s, int64_t now_ms, struct idcard *out, char *why,
    size_t why_len)
{
	char n[96];
	struct idcard id;

	memset(&id, 0, sizeof id);
	if (normal_code(s, n, sizeof n) != 0)
		return say(why, why_len, _("letters and digits only"));
	if (doc == IDDOC_NONE && n[0] != '\0')
		return say(why, why_len, _("no document: leave the number empty"));
	if (doc != IDDOC_NONE && n[0] == '\0')
		return say(why, why_len, _("required"));
	if (doc == IDDOC_RESIDENT || doc == IDDOC_PERMIT) {
		if (idcard_check(s, now_ms, &id, why, why_len) != 0)
			return -1;
		if (doc == IDDOC_PERMIT && (id.number[0] != '8' || id.number[1] < '1' ||
		    id.number[1] > '3'))
			return say(why, why_len, _("the number of a residence permit of HK, Macao or "
			    "Taiwan residents starts with 81, 82 or 83"));
	} else if (doc == IDDOC_FOREIGN2023) {
		/* 9, then 16 digits and the check of GB 11643 (ISO 7064 MOD 11-2) */
		if (!shaped(n, "99999999999999999X") || n[0] != '9' ||
		    (n[17] != 'X' && (n[17] < '0' || n[17] > '9')))
			return say(why, why_len, _("the number of a 2023 foreign permanent resident ID "
			    "has 18 characters: 9 and 16 digits, then a digit or X"));
		if (!known_province(n + 1))
			return say(why, why_len, _("digits 2-3 of the number (%.2s) are not a province "
			    "code"), n + 1);
		if (check_birth(n + 6, now_ms, why, why_len) != 0)
			return -1;
		if (check_char(n) != n[17])
			return say(why, why_len, _("the check digit of the ID number does not match: "
			    "one of the characters is mistyped"));
		person_of(n, &id);
	} else if (doc != IDDOC_NONE) {
		if (hand_typed(doc, n, why, why_len) != 0 ||
		    (doc == IDDOC_FOREIGN2017 && check_birth_yymmdd(n + 7, now_ms, why, why_len)))
			return -1;
		snprintf(id.number, sizeof id.number, "%.*s", (int)sizeof id.number - 1, n);
	}
	if (out != NULL)
		*out = id;
	return 0;
}

/*
 * The common nationalities of people in custody, with their names (GB/T 2659, ISO 3166-1)
 * and their ISO 3166-1 numeric codes, which a 2023 card's number carries at digits 4-6.
 */
static const struct {
	char code[4], numeric[4];
	const char *name;
} countries[] = {
	{ "CHN", "156", N_("China") }, { "USA", "840", N_("United States") },
	{ "CAN", "124", N_("Canada") }, { "GBR", "826", N_("United Kingdom") },
	{ "AUS", "036", N_("Australia") }, { "DEU", "276", N_("Germany") },
	{ "FRA", "250", N_("France") }, { "RUS", "643", N_("Russia") },
	{ "JPN", "392", N_("Japan") }, { "KOR", "410", N_("South Korea") },
	{ "PRK", "408", N_("North Korea") }, { "VNM", "704", N_("Viet Nam") },
	{ "MMR", "104", N_("Myanmar") }, { "LAO", "418", N_("Laos") },
	{ "THA", "764", N_("Thailand") }, { "KHM", "116", N_("Cambodia") },
	{ "MYS", "458", N_("Malaysia") }, { "SGP", "702", N_("Singapore") },
	{ "PHL", "608", N_("Philippines") }, { "IDN", "360", N_("Indonesia") },
	{ "IND", "356", N_("India") }, { "PAK", "586", N_("Pakistan") },
	{ "NPL", "524", N_("Nepal") }, { "MNG", "496", N_("Mongolia") },
	{ "KAZ", "398", N_("Kazakhstan") }, { "NGA", "566", N_("Nigeria") },
	{ "BRA", "076", N_("Brazil") },
};

int
idcard_nationality(const char *s, char out[4], char *why, size_t why_len)
{
	char n[16];

	if (normal_code(s, n, sizeof n) != 0 || !shaped(n, "AAA"))
		return say(why, why_len, _("a nationality is 3 letters (ISO 3166-1: CHN, USA, "
		    "CAN...)"));
	memcpy(out, n, 4);
	return 0;
}

const char *
idcard_country(const char *alpha3)
{
	size_t i;

	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (strcmp(countries[i].code, alpha3) == 0)
			return _(countries[i].name);
	return NULL;
}

int
idcard_doc_nationality(int doc, const struct idcard *id, const char *nat, char *why,
    size_t why_len)
{
	size_t i;

	if (doc != IDDOC_FOREIGN2023 || strlen(id->number) != LEN)
		return 0;
	for (i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (strcmp(countries[i].code, nat) == 0 &&
		    strncmp(countries[i].numeric, id->number + 3, 3) != 0)
			return say(why, why_len, _("the number's nationality code (digits 4-6: %.3s) "
			    "is not %s's (%s)"), id->number + 3, _(countries[i].name),
			    countries[i].numeric);
	return 0;
}

int
idcard_doc_same(int doc_a, const char *nat_a, int doc_b, const char *nat_b)
{
	/* GB 11643 numbers are unique across resident cards and residence permits */
	if (idcard_doc_encodes_person(doc_a) && idcard_doc_encodes_person(doc_b))
		return 1;
	return doc_a == doc_b && strcmp(nat_a, nat_b) == 0;
}
