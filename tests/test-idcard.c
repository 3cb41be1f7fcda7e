/* Tests for identity numbers: check digits computed here independently, every refusal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idcard.h"
#include "t.h"

/*
 * The check character by the recursive form of ISO 7064 MOD 11-2 (not the weight table
 * src/idcard.c uses): P = (P + digit) * 2 mod 11 over the digits, then (P + check) mod 11
 * must be 1.
 */
static char
check_of(const char *first17)
{
	int i, p = 0, c;

	for (i = 0; i < 17; i++)
		p = (p + (first17[i] - '0')) * 2 % 11;
	c = (12 - p) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

/* 17 digits with their check character appended (a static buffer). */
static const char *
num(const char *first17)
{
	static char b[4][19];
	static int next;
	char *s = b[next++ % 4];

	snprintf(s, 19, "%.17s%c", first17, check_of(first17));
	return s;
}

/* Local noon of a date, in milliseconds. */
static int64_t
noon(int y, int m, int d)
{
	struct tm tm = { 0 };

	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

static int64_t now;

static int
valid(const char *s)
{
	char why[200] = "";
	int r = idcard_check(s, now, NULL, why, sizeof why);

	if (r != 0)
		fprintf(stderr, "  %s refused: %s\n", s, why);
	return r == 0;
}

/* Refused with a message that contains want. */
static int
refused(const char *s, const char *want)
{
	char why[200] = "";
	struct idcard id;
	int r;

	memset(&id, 0x5a, sizeof id);
	r = idcard_check(s, now, &id, why, sizeof why);
	if (r == 0 || strstr(why, want) == NULL)
		fprintf(stderr, "  %s: r=%d, message \"%s\", wanted \"%s\"\n", s, r, why, want);
	return r == -1 && strstr(why, want) != NULL;
}

static void
test_known_samples(void)
{
	struct idcard id;

	ok(check_of("11010519491231002") == 'X', "public sample 11010519491231002X checks");
	ok(check_of("44052418800101001") == '4', "public sample 440524188001010014 checks");
	ok(valid("11010519491231002X"), "11010519491231002X is valid");
	ok(idcard_check("11010519491231002X", now, &id, NULL, 0) == 0 &&
	    strcmp(id.number, "11010519491231002X") == 0 && strcmp(id.birth, "1949-12-31") == 0 &&
	    id.sex == 'F' && strcmp(id.region, "110105") == 0, "fields of 11010519491231002X");
	/* Born 1880: more than 130 years ago now, valid when checked in 1990. */
	ok(refused("440524188001010014", "130 years"), "440524188001010014 is too old now");
	ok(idcard_check("440524188001010014", noon(1990, 6, 1), &id, NULL, 0) == 0 &&
	    id.sex == 'M' && strcmp(id.birth, "1880-01-01") == 0, "valid when checked in 1990");
}

static void
test_valid(void)
{
	struct idcard id;
	char s[64];

	ok(valid(num("32010619900307123")), "a Nanjing number");
	ok(idcard_check(num("32010619900307123"), now, &id, NULL, 0) == 0 && id.sex == 'M' &&
	    strcmp(id.birth, "1990-03-07") == 0 && strcmp(id.region, "320106") == 0,
	    "odd 17th digit: a man");
	ok(idcard_check(num("65010219851111002"), now, &id, NULL, 0) == 0 && id.sex == 'F',
	    "even 17th digit: a woman");
	ok(valid(num("81000019700101001")) && valid(num("82000019700101001")) &&
	    valid(num("83000019700101001")), "Hong Kong, Macao, Taiwan residence permits");
	ok(valid(num("71000019700101001")) && valid(num("54010219700101001")),
	    "71 Taiwan and 54 Tibet");
	snprintf(s, sizeof s, "  %s\t", num("11010519491231001"));
	ok(valid(s), "surrounding spaces and tabs trimmed");
	snprintf(s, sizeof s, "\xe3\x80\x80%s\xe3\x80\x80", num("11010519491231001"));
	ok(valid(s), "ideographic spaces trimmed");
	ok(idcard_check(s, now, &id, NULL, 0) == 0 && strlen(id.number) == 18,
	    "the stored number is the trimmed one");
}

static void
test_x(void)
{
	struct idcard id;

	ok(valid("11010519491231002x"), "a lower-case x is accepted");
	ok(idcard_check("11010519491231002x", now, &id, NULL, 0) == 0 &&
	    strcmp(id.number, "11010519491231002X") == 0, "and stored upper-case");
	ok(refused("110105194912310021", "check digit"), "a digit where X belongs");
	ok(refused("11010519491231002Y", "last character"), "Y is not a check character");
	ok(refused("1101051949123100X2", "character 17 "), "X only last");
}

static void
test_length(void)
{
	ok(refused("", "18 characters"), "empty");
	ok(refused("1101051949123100", "this one has 16"), "16 digits");
	ok(refused("11010519491231002X1", "this one has 19"), "19 characters");
	ok(refused("11010519491231002X11010519491231002X11010519491231002X11010519491231002X"
	    "11010519491231002X11010519491231002X", "18 characters"), "very long");
	ok(refused("110105491231002", "15-digit numbers are no longer valid"), "15 digits");
	ok(refused(" 110105491231002 ", "15-digit"), "15 digits with spaces");
	ok(refused("11010549123100A", "18 characters"), "15 characters, not all digits");
}

static void
test_digits(void)
{
	ok(refused("1101A519491231002X", "character 5 "), "a letter at 5");
	ok(refused("A10105194912310021", "character 1 "), "a letter at 1");
	ok(refused("11010519491231-02X", "character 15 "), "a hyphen at 15");
	/* A full-width digit is one character of three bytes: still 18 characters. */
	ok(refused("11\xef\xbc\x90" "10519491231002X", "character 3 "), "a full-width 0 at 3");
	ok(refused("1101 519491231002X", "character 5 "), "a space inside");
}

static void
test_region(void)
{
	ok(refused(num("99010519491231002"), "starts with 99"), "99 is no province");
	ok(refused(num("10010519491231002"), "not a province code"), "10 is none");
	ok(refused(num("91010519491231002"), "not a province code"), "91 is none");
	ok(refused(num("00010519491231002"), "not a province code"), "00 is none");
	ok(refused(num("47010519491231002"), "not a province code"), "47 is none");
	ok(refused(num("66010519491231002"), "not a province code"), "66 is none");
}

static void
test_dates(void)
{
	ok(valid(num("11010520000229001")), "2000-02-29: a leap day");
	ok(refused(num("11010519000229001"), "(1900-02-29) is not a real date"),
	    "1900-02-29 is not: 1900 is no leap year");
	ok(valid(num("11010519960229001")), "1996-02-29");
	ok(refused(num("11010519970229001"), "not a real date"), "1997-02-29");
	ok(refused(num("11010519900230001"), "not a real date"), "February 30");
	ok(refused(num("11010519900431001"), "not a real date"), "April 31");
	ok(valid(num("11010519900531001")), "May 31");
	ok(refused(num("11010519901301001"), "not a real date"), "month 13");
	ok(refused(num("11010519900001001"), "not a real date"), "month 0");
	ok(refused(num("11010519900100001"), "not a real date"), "day 0");
}

static void
test_time_limits(void)
{
	int64_t saved = now;

	now = noon(2026, 11, 23);
	ok(valid(num("11010520261123001")), "born today");
	ok(refused(num("11010520261124001"), "(2026-11-24) is in the future"), "born tomorrow");
	ok(refused(num("11010520270101001"), "in the future"), "born next year");
	ok(valid(num("11010518961123001")), "130 years ago today");
	ok(refused(num("11010518961122001"), "more than 130 years ago"), "a day more");
	now = saved;
}

static void
test_check_digit(void)
{
	char s[19], why[200] = "";
	const char *good = num("32010619900307123");
	int i, caught = 0, d;

	snprintf(s, sizeof s, "%s", good);
	s[17] = s[17] == '0' ? '1' : '0';
	ok(refused(s, "check digit of the ID number does not match"), "a wrong check digit");
	idcard_check(s, now, NULL, why, sizeof why);
	ok(strchr(why, good[17]) == NULL, "the message does not tell the right check character");
	snprintf(s, sizeof s, "%s", "11010519491231002X");
	s[17] = '9';
	idcard_check(s, now, NULL, why, sizeof why);
	ok(strchr(why, 'X') == NULL, "nor X");
	/* Every single-digit typo in the serial and every neighbour swap is caught. */
	for (i = 14; i < 17; i++)
		for (d = 0; d < 10; d++) {
			snprintf(s, sizeof s, "%s", good);
			if (s[i] == '0' + d)
				continue;
			s[i] = (char)('0' + d);
			caught += idcard_check(s, now, NULL, NULL, 0) == -1;
		}
	ok(caught == 27, "each typo in digits 15 to 17 is caught");
	snprintf(s, sizeof s, "%s", good);
	s[14] = good[15];
	s[15] = good[14];
	ok(good[14] == good[15] || idcard_check(s, now, NULL, NULL, 0) == -1, "a swap is caught");
}

static void
test_message_buffers(void)
{
	char why[8];
	struct idcard id;

	ok(idcard_check("123", now, NULL, NULL, 0) == -1, "no message buffer");
	memset(why, 'z', sizeof why);
	ok(idcard_check("123", now, &id, why, 5) == -1 && why[4] == '\0' && why[5] == 'z',
	    "a short buffer is cut, not overrun");
	ok(idcard_check("11010519491231002X", now, NULL, NULL, 0) == 0, "no output struct");
}

static void
test_cross_check(void)
{
	struct idcard id;
	char why[200] = "";

	ok(idcard_check(num("32010619900307123"), now, &id, NULL, 0) == 0, "setup");
	ok(idcard_cross_check(&id, "1990-03-07", 'M', why, sizeof why) == 0, "all agree");
	ok(idcard_cross_check(&id, NULL, 'M', why, sizeof why) == 0, "no birth date typed");
	ok(idcard_cross_check(&id, "1990-03-08", 'M', why, sizeof why) == -1 &&
	    strstr(why, "the birth date does not match the ID number (1990-03-07)") != NULL,
	    "another birth date, and the number's date is said");
	ok(idcard_cross_check(&id, "1990-03-07", 'F', why, sizeof why) == -1 &&
	    strstr(why, "man's") != NULL, "a woman with a man's number");
	ok(idcard_check(num("65010219851111002"), now, &id, NULL, 0) == 0 &&
	    idcard_cross_check(&id, NULL, 'M', why, sizeof why) == -1 &&
	    strstr(why, "woman's") != NULL, "a man with a woman's number");
	ok(idcard_cross_check(&id, "1985-11-11", 'F', NULL, 0) == 0, "no message buffer");
	ok(idcard_cross_check(&id, "1985-11-12", 'F', NULL, 0) == -1, "nor on refusal");
}

/* Each document by its own rules: good and bad numbers. */
static void
test_documents(void)
{
	static const struct {
		int doc;
		const char *number;
		int good;
		const char *what;
	} v[] = {
		{ IDDOC_RESIDENT, "11010119900307803X", 1, "resident: a good number" },
		{ IDDOC_PERMIT, "810000198506150012", 1, "J: 81, a good check digit" },
		{ IDDOC_PERMIT, "820000199001010029", 1, "J: 82 (Macao)" },
		{ IDDOC_PERMIT, "830000198002020031", 1, "J: 83 (Taiwan)" },
		{ IDDOC_PERMIT, "11010119900307803X", 0, "J: a resident's number is no permit's" },
		{ IDDOC_PERMIT, "810000198506150013", 0, "J: a wrong check digit" },
		{ IDDOC_FOREIGN2023, "911124197905150016", 1, "Y: 9, MOD 11-2 check" },
		{ IDDOC_FOREIGN2023, "911124197905150017", 0, "Y: a wrong check digit" },
		{ IDDOC_FOREIGN2023, "11010119900307803X", 0, "Y: a resident's number" },
		{ IDDOC_FOREIGN2023, "91112419790515001", 0, "Y: 17 characters" },
		{ IDDOC_FOREIGN2017, "CAN110079051501", 1, "I: 3 letters, 12 digits" },
		{ IDDOC_FOREIGN2017, "can110079051501", 1, "I: lower case taken" },
		{ IDDOC_FOREIGN2017, "CA1110079051501", 0, "I: 2 letters" },
		{ IDDOC_FOREIGN2017, "CAN11007905150", 0, "I: 11 digits" },
		{ IDDOC_PASSPORT_CN, "E12345678", 1, "PRC passport E and 8 digits" },
		{ IDDOC_PASSPORT_CN, "EA1234567", 1, "PRC passport EA and 7 digits" },
		{ IDDOC_PASSPORT_CN, "G12345678", 1, "PRC passport G and 8 digits" },
		{ IDDOC_PASSPORT_CN, "E1234567", 0, "PRC passport: 7 after E" },
		{ IDDOC_PASSPORT_CN, "P12345678", 0, "PRC passport: P" },
		{ IDDOC_PASSPORT, "533380006", 1, "foreign passport, 9 characters" },
		{ IDDOC_PASSPORT, "AB12", 0, "foreign passport, 4 characters" },
		{ IDDOC_PASSPORT, "AB12-3456", 0, "foreign passport with a dash" },
		{ IDDOC_PASSPORT, "A1234567890123456789", 1, "foreign passport, 20" },
		{ IDDOC_PASSPORT, "A12345678901234567890", 0, "foreign passport, 21" },
		{ IDDOC_HKMO_PERMIT, "C12345678", 1, "往来港澳通行证 C and 8" },
		{ IDDOC_HKMO_PERMIT, "H12345678", 0, "往来港澳通行证 starts with C" },
		{ IDDOC_HOME_RETURN, "H12345678", 1, "回乡证 H and 8 digits" },
		{ IDDOC_HOME_RETURN, "M1234567801", 1, "回乡证 M and 10 digits" },
		{ IDDOC_HOME_RETURN, "H123456789", 0, "回乡证 H and 9 digits" },
		{ IDDOC_TAIWAN_PERMIT, "12345678", 1, "台胞证 8 digits" },
		{ IDDOC_TAIWAN_PERMIT, "1234567801", 1, "台胞证 10 digits" },
		{ IDDOC_TAIWAN_PERMIT, "T1234567", 0, "台胞证 with a letter" },
		{ IDDOC_OTHER, "XZ-2024-001", 1, "other: letters, digits, dashes" },
		{ IDDOC_OTHER, "护照", 0, "other: not ASCII" },
		{ IDDOC_NONE, "", 1, "none: no number" },
		{ IDDOC_NONE, "E12345678", 0, "none: with a number" },
		{ IDDOC_PASSPORT, "", 0, "a passport without number" },
	};
	struct idcard id;
	char why[200], c[4];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		why[0] = '\0';
		ok((idcard_doc_check(v[i].doc, v[i].number, now, &id, why, sizeof why) == 0) ==
		    v[i].good && (v[i].good || why[0] != '\0'), v[i].what);
	}
	ok(idcard_doc_check(IDDOC_FOREIGN2017, " can110079051501 ", now, &id, NULL, 0) == 0 &&
	    strcmp(id.number, "CAN110079051501") == 0 && id.sex == 0 && id.birth[0] == '\0',
	    "a hand-typed number is upper-cased; it encodes no birth or sex");
	ok(idcard_doc_check(IDDOC_PERMIT, "810000198506150012", now, &id, NULL, 0) == 0 &&
	    id.sex == 'M' && strcmp(id.birth, "1985-06-15") == 0, "a J number encodes birth and sex");
	ok(idcard_doc_encodes_person(IDDOC_RESIDENT) && idcard_doc_encodes_person(IDDOC_PERMIT) &&
	    idcard_doc_encodes_person(IDDOC_FOREIGN2023) &&
	    !idcard_doc_encodes_person(IDDOC_FOREIGN2017) && !idcard_doc_encodes_person(IDDOC_NONE),
	    "resident, J and Y numbers encode the person");
	ok(idcard_doc_find("") == IDDOC_RESIDENT && idcard_doc_find("none") == IDDOC_NONE &&
	    idcard_doc_find("visa") == -1, "keys: \"\" is a resident card (old events)");
	ok(idcard_doc_of_card('Y') == IDDOC_FOREIGN2023 && idcard_doc_of_card('J') == IDDOC_PERMIT &&
	    idcard_doc_of_card(' ') == IDDOC_RESIDENT && idcard_doc_of_card('Z') == -1,
	    "a card's type is its document");
	ok(idcard_nationality("can", c, NULL, 0) == 0 && strcmp(c, "CAN") == 0 &&
	    idcard_nationality("XQZ", c, NULL, 0) == 0 && idcard_nationality("CA", c, NULL, 0) != 0 &&
	    idcard_nationality("C4N", c, NULL, 0) != 0, "nationality: any 3 letters");
	ok(idcard_country("CAN") != NULL && idcard_country("XQZ") == NULL, "common ones named");
}

/* The 2023 foreign card's number: 9, province, ISO numeric nationality, birth, sequence (review). */
static void
test_foreign2023(void)
{
	struct idcard id;
	char why[200] = "";

	ok(idcard_doc_check(IDDOC_FOREIGN2023, num("91112419790515001"), now, &id, why,
	    sizeof why) == 0 && strcmp(id.birth, "1979-05-15") == 0 && id.sex == 'M',
	    "Y: the birth date and sex are taken from the number");
	ok(idcard_doc_check(IDDOC_FOREIGN2023, num("91112419790515002"), now, &id, why,
	    sizeof why) == 0 && id.sex == 'F', "Y: an even 17th digit is a woman's");
	ok(idcard_doc_check(IDDOC_FOREIGN2023, num("99912419790515001"), now, &id, why,
	    sizeof why) != 0 && strstr(why, "99") != NULL, "Y: digits 2-3 not a province code: refused");
	ok(idcard_doc_check(IDDOC_FOREIGN2023, num("91112419791315001"), now, &id, why,
	    sizeof why) != 0 && strstr(why, "1979-13-15") != NULL, "Y: a birth date that is no date: "
	    "refused");
	ok(idcard_doc_check(IDDOC_FOREIGN2023, num("91112420990101001"), now, &id, why,
	    sizeof why) != 0 && strstr(why, "2099") != NULL, "Y: a birth date in the future: refused");
	idcard_doc_check(IDDOC_FOREIGN2023, "911124197905150016", now, &id, NULL, 0);
	ok(idcard_doc_nationality(IDDOC_FOREIGN2023, &id, "CAN", why, sizeof why) == 0,
	    "Y: 124 is Canada's ISO 3166 numeric code: CAN agrees");
	why[0] = '\0';
	ok(idcard_doc_nationality(IDDOC_FOREIGN2023, &id, "USA", why, sizeof why) != 0 &&
	    strstr(why, "124") != NULL, "Y: a US nationality for a number of Canada (124): refused");
	ok(idcard_doc_nationality(IDDOC_FOREIGN2023, &id, "XQZ", why, sizeof why) == 0,
	    "Y: a nationality not in the table is not checked");
	ok(idcard_doc_nationality(IDDOC_PASSPORT, &id, "USA", why, sizeof why) == 0,
	    "a passport's number says nothing of the nationality");
	ok(idcard_doc_check(IDDOC_FOREIGN2017, "CAN110079131501", now, &id, why, sizeof why) != 0,
	    "I: a birth (YYMMDD at 8-13) that is no date: refused");
	ok(idcard_doc_check(IDDOC_FOREIGN2017, "CAN110079051501", now, &id, why, sizeof why) == 0 &&
	    id.birth[0] == '\0', "I: a real birth date passes; not cross-checked");
}

int
main(void)
{
	/* China Standard Time as a POSIX TZ string: needs no tz database. */
	setenv("TZ", "CST-8", 1);
	tzset();
	now = noon(2026, 11, 23);
	test_known_samples();
	test_valid();
	test_x();
	test_length();
	test_digits();
	test_region();
	test_dates();
	test_time_limits();
	test_check_digit();
	test_message_buffers();
	test_cross_check();
	test_documents();
	test_foreign2023();
	return t_done();
}
