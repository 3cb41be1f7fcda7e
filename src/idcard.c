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

static int
check_birth(const char *n, int64_t now_ms, char *why, size_t len)
{
	int y = digits(n + 6, 4), m = digits(n + 10, 2), d = digits(n + 12, 2);
	long born = (long)y * 10000 + m * 100 + d, now = today(now_ms);
	char date[11];

	snprintf(date, sizeof date, "%.4s-%.2s-%.2s", n + 6, n + 10, n + 12);
	if (!real_date(y, m, d))
		return say(why, len, _("the birth date in the ID number (%s) is not a real date"),
		    date);
	if (born > now)
		return say(why, len, _("the birth date in the ID number (%s) is in the future"),
		    date);
	if (born < now - 130 * 10000L)
		return say(why, len, _("the birth date in the ID number (%s) is more than 130 "
		    "years ago"), date);
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
	if (check_birth(n, now_ms, why, why_len) != 0)
		return -1;
	if (check_char(n) != n[17])
		return say(why, why_len, _("the check digit of the ID number does not match: one "
		    "of the characters is mistyped"));
	if (out != NULL) {
		memcpy(out->number, n, LEN + 1);
		snprintf(out->birth, sizeof out->birth, "%.4s-%.2s-%.2s", n + 6, n + 10, n + 12);
		out->sex = (n[16] - '0') % 2 ? 'M' : 'F';
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
