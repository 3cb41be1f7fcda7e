/* Tests for custody.conf: defaults, every type, every refusal and its line, the writer's round trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "t.h"
#include "util.h"

/* Literal inputs may hold NUL bytes, so they carry their length. */
#define L(s) (s), (sizeof(s) - 1)

#define MIN_MS (60 * 1000LL)

static int
same(const struct config *a, const struct config *b)
{
	return a->idle_lock_ms == b->idle_lock_ms && strcmp(a->language, b->language) == 0 &&
	    a->max_failures == b->max_failures && a->lockout_ms == b->lockout_ms &&
	    a->max_stay_hours == b->max_stay_hours;
}

/* A struct no parse would produce, to see that a refusal leaves it alone. */
static void
poison(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->idle_lock_ms = -7;
	c->max_failures = -7;
}

static int
parsed(const char *text, size_t len, struct config *c)
{
	struct errmsg em = { 0, "" };

	if (config_parse(text, len, c, &em) != CST_OK) {
		fprintf(stderr, "  unexpected refusal: %s\n", em.text);
		return 0;
	}
	return 1;
}

/* Refused with CST_ERR_INPUT, a message "custody.conf line N: ..." holding what, *c untouched. */
static int
refused(const char *text, size_t len, int line, const char *what)
{
	struct errmsg em = { 0, "" };
	struct config c, before;
	char want[64];
	int r;

	poison(&c);
	before = c;
	r = config_parse(text, len, &c, &em);
	if (line > 0)
		snprintf(want, sizeof want, "custody.conf line %d: ", line);
	else
		snprintf(want, sizeof want, "custody.conf ");
	if (r != CST_ERR_INPUT || em.code != CST_ERR_INPUT ||
	    strncmp(em.text, want, strlen(want)) != 0 || strstr(em.text, what) == NULL) {
		fprintf(stderr, "  got %d: %s\n", r, em.text);
		return 0;
	}
	return same(&c, &before);
}

static void
test_defaults(void)
{
	struct config c, d;
	struct errmsg em = { 0, "" };
	char *dir = t_tmpdir("config");
	char path[512];

	config_defaults(&c);
	ok(c.idle_lock_ms == 5 * MIN_MS, "idle_lock 5min");
	ok(c.language[0] == '\0', "language empty");
	ok(c.max_failures == 5, "max_failures 5");
	ok(c.lockout_ms == 15 * MIN_MS, "lockout 15min");
	ok(c.max_stay_hours == 24, "max_stay_hours 24");
	poison(&d);
	ok(parsed("", 0, &d) && same(&c, &d), "an empty file is all defaults");
	poison(&d);
	ok(parsed(L("[login]\nmax_failures = 3\n"), &d) && d.max_failures == 3 &&
	    d.lockout_ms == 15 * MIN_MS && d.idle_lock_ms == 5 * MIN_MS,
	    "keys not set keep their defaults");
	snprintf(path, sizeof path, "%s/custody.conf", dir);
	poison(&d);
	ok(config_load(path, &d, &em) == CST_OK && same(&c, &d), "a missing file is all defaults");
	t_rmrf(dir);
	free(dir);
}

static void
test_types(void)
{
	struct config c;

	ok(parsed(L("[console]\nidle_lock = 90s\n"), &c) && c.idle_lock_ms == 90000, "duration s");
	ok(parsed(L("[console]\nidle_lock = 5min\n"), &c) && c.idle_lock_ms == 5 * MIN_MS,
	    "duration min");
	ok(parsed(L("[console]\nidle_lock = 2h\n"), &c) && c.idle_lock_ms == 120 * MIN_MS,
	    "duration h");
	ok(parsed(L("[console]\nidle_lock = 1d\n"), &c) && c.idle_lock_ms == 1440 * MIN_MS,
	    "duration d");
	ok(parsed(L("[console]\nidle_lock = 10 min\n"), &c) && c.idle_lock_ms == 10 * MIN_MS,
	    "duration with a space before the unit");
	ok(parsed(L("[console]\nidle_lock = 0\n"), &c) && c.idle_lock_ms == 0, "duration bare 0");
	ok(parsed(L("[console]\nidle_lock = 0s\n"), &c) && c.idle_lock_ms == 0, "duration 0s");
	ok(parsed(L("[console]\nlanguage = zh_CN\n"), &c) && strcmp(c.language, "zh_CN") == 0,
	    "string");
	ok(parsed(L("[console]\nlanguage =\n"), &c) && c.language[0] == '\0', "empty string");
	ok(parsed(L("[console]\nlanguage = 123456789012345\n"), &c) &&
	    strlen(c.language) == 15, "string of the longest length");
	ok(parsed(L("[console]\nlanguage = 中文简体\n"), &c) &&
	    strcmp(c.language, "中文简体") == 0, "UTF-8 string");
	ok(parsed(L("[console]\nlanguage = a = b\n"), &c) && strcmp(c.language, "a = b") == 0,
	    "the value is everything after the first '='");
	ok(parsed(L("[login]\nmax_failures = 1\n"), &c) && c.max_failures == 1, "int min");
	ok(parsed(L("[login]\nmax_failures = 20\n"), &c) && c.max_failures == 20, "int max");
	ok(parsed(L("[stages]\nmax_stay_hours = 48\n"), &c) && c.max_stay_hours == 48,
	    "max_stay_hours");
	ok(parsed(L("[login]\nlockout = 1min\n"), &c) && c.lockout_ms == MIN_MS, "lockout min");
	ok(parsed(L("[login]\nlockout = 24h\n"), &c) && c.lockout_ms == 1440 * MIN_MS,
	    "lockout max");
}

static void
test_syntax(void)
{
	struct config c;
	static const char crlf[] =
	    "# custody.conf\r\n\r\n[console]\r\nidle_lock = 10min\r\nlanguage = en\r\n"
	    "[login]\r\nmax_failures = 3\r\n";

	ok(parsed(L("# a comment = with [brackets]\n\n   # indented\n\t\n[console]\n"
	    "#idle_lock = nonsense\nidle_lock=1h\n"), &c) && c.idle_lock_ms == 60 * MIN_MS,
	    "comments, blank lines and no spaces around '='");
	ok(parsed(L(crlf), &c) && c.idle_lock_ms == 10 * MIN_MS &&
	    strcmp(c.language, "en") == 0 && c.max_failures == 3, "CRLF line ends");
	ok(parsed(L("\xef\xbb\xbf[console]\nlanguage = en"), &c) &&
	    strcmp(c.language, "en") == 0, "a byte order mark, and no newline at the end");
	ok(parsed(L("  [ login ]  \n\t max_failures \t=\t 4 \t\n"), &c) && c.max_failures == 4,
	    "spaces and tabs around headers, keys and values");
	ok(parsed(L("[login]\nmax_failures = 4\n[console]\nidle_lock = 0\n[login]\nlockout = 1h\n"),
	    &c) && c.max_failures == 4 && c.idle_lock_ms == 0 && c.lockout_ms == 60 * MIN_MS,
	    "a section may come back");
}

static void
test_refusals(void)
{
	char big[CONFIG_MAX_FILE + 2];

	ok(refused(L("[console]\nidle_lock = 1min\n[nosuch]\n"), 3, "unknown section [nosuch]"),
	    "unknown section");
	ok(refused(L("[]\n"), 1, "unknown section []"), "empty section name");
	ok(refused(L("[console\n"), 1, "must end with ']'"), "header without ']'");
	ok(refused(L("\n\n[console]\nidle_lok = 5min\n"), 4, "unknown key \"idle_lok\" in [console]"),
	    "unknown key");
	ok(refused(L("[login]\nidle_lock = 5min\n"), 2, "unknown key \"idle_lock\" in [login]"),
	    "a key in the wrong section");
	ok(refused(L("[console]\nidle_lock = 5min\n# x\nidle_lock = 6min\n"), 4,
	    "idle_lock is set twice (first on line 2)"), "duplicate key");
	ok(refused(L("[login]\nmax_failures = 3\n[console]\n[login]\nmax_failures = 3\n"), 5,
	    "set twice"), "duplicate key across a repeated section");
	ok(refused(L("[console]\nidle_lock 5min\n"), 2, "no '='"), "missing '='");
	ok(refused(L("[console]\n = 5min\n"), 2, "a key is missing"), "missing key");
	ok(refused(L("idle_lock = 5min\n[console]\n"), 1, "comes before any [section]"),
	    "key before any section");
	ok(refused(L("[login]\nmax_failures = many\n"), 2, "max_failures: \"many\" is not a whole number"),
	    "int: not a number");
	ok(refused(L("[login]\nmax_failures = 5x\n"), 2, "is not a whole number"), "int: trailing");
	ok(refused(L("[login]\nmax_failures = +5\n"), 2, "is not a whole number"), "int: plus sign");
	ok(refused(L("[login]\nmax_failures = 2.5\n"), 2, "is not a whole number"), "int: fraction");
	ok(refused(L("[login]\nmax_failures =\n"), 2, "is not a whole number"), "int: empty");
	ok(refused(L("[login]\nmax_failures = 0\n"), 2, "max_failures must be from 1 to 20"),
	    "int: below the range");
	ok(refused(L("[login]\nmax_failures = 21\n"), 2, "must be from 1 to 20"), "int: above");
	ok(refused(L("[login]\nmax_failures = -1\n"), 2, "must be from 1 to 20"), "int: negative");
	ok(refused(L("[login]\nmax_failures = 99999999999999999999999999\n"), 2,
	    "must be from 1 to 20"), "int: huge");
	ok(refused(L("[stages]\nmax_stay_hours = 49\n"), 2, "must be from 1 to 48"),
	    "max_stay_hours above the range");
	ok(refused(L("[console]\nidle_lock = 5\n"), 2, "is not a duration such as 90s"),
	    "duration without a unit");
	ok(refused(L("[console]\nidle_lock = 5m\n"), 2, "is not a duration"), "duration: m");
	ok(refused(L("[console]\nidle_lock = 1.5h\n"), 2, "is not a duration"),
	    "duration: fraction");
	ok(refused(L("[console]\nidle_lock = -5min\n"), 2, "is not a duration"),
	    "duration: negative");
	ok(refused(L("[console]\nidle_lock = -0\n"), 2, "is not a duration"),
	    "duration: minus zero");
	ok(refused(L("[console]\nidle_lock = 5MIN\n"), 2, "is not a duration"),
	    "duration: upper case unit");
	ok(refused(L("[console]\nidle_lock = 2d\n"), 2, "idle_lock must be from 0 to 1d"),
	    "duration above the range");
	ok(refused(L("[login]\nlockout = 30s\n"), 2, "lockout must be from 1min to 1d"),
	    "duration below the range");
	ok(refused(L("[console]\nidle_lock = 99999999999999999999d\n"), 2, "must be from"),
	    "duration: huge");
	ok(refused(L("[console]\nlanguage = 1234567890123456\n"), 2,
	    "language is longer than 15 bytes"), "string too long");
	ok(refused(L("[console]\nlanguage = en\0\n"), 2, "NUL byte"), "a NUL byte");
	ok(refused(L("[console]\n\0"), 2, "NUL byte"), "a NUL byte alone on the last line");
	ok(refused(L("[console]\nlanguage = e\x1bn\n"), 2, "control character (byte 0x1b)"),
	    "a control character");
	ok(refused(L("[console]\rlanguage = en\n"), 1, "control character (byte 0x0d)"),
	    "a lone CR is no line end");
	ok(refused(L("[console]\nlanguage = \xff\xfe\n"), 2, "not valid UTF-8"), "invalid UTF-8");
	ok(refused(L("[console]\nlanguage = \xc0\xaf\n"), 2, "not valid UTF-8"), "overlong UTF-8");
	ok(refused(L("[console]\nlanguage = \xed\xa0\x80\n"), 2, "not valid UTF-8"),
	    "a UTF-8 surrogate");
	memset(big, '#', sizeof big);
	big[CONFIG_MAX_FILE + 1] = '\0';
	ok(refused(big, CONFIG_MAX_FILE + 1, 0, "larger than 256 KiB"), "a file over 256 KiB");
}

static void
test_long_lines(void)
{
	char buf[CONFIG_MAX_LINE + 64];
	struct config c;

	/* A comment of exactly 1024 bytes, with LF and with CRLF. */
	memset(buf, '#', CONFIG_MAX_LINE);
	memcpy(buf + CONFIG_MAX_LINE, "\n", 1);
	ok(parsed(buf, CONFIG_MAX_LINE + 1, &c), "a line of 1024 bytes");
	memcpy(buf + CONFIG_MAX_LINE, "\r\n", 2);
	ok(parsed(buf, CONFIG_MAX_LINE + 2, &c), "a line of 1024 bytes and CRLF");
	ok(parsed(buf, CONFIG_MAX_LINE, &c), "a last line of 1024 bytes without a line end");
	memset(buf, '#', CONFIG_MAX_LINE + 1);
	memcpy(buf + CONFIG_MAX_LINE + 1, "\n", 1);
	ok(refused(buf, CONFIG_MAX_LINE + 2, 1, "longer than 1024 bytes"), "a line of 1025 bytes");
	memcpy(buf, "[console]\n", 10);
	memset(buf + 10, '#', CONFIG_MAX_LINE + 1);
	ok(refused(buf, CONFIG_MAX_LINE + 11, 2, "longer than 1024 bytes"),
	    "an over-long last line without a line end");
}

/* The bytes config_write produces for c, or NULL when it refuses (then *r says why). */
static char *
written(const struct config *c, size_t *len, int *r)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	*r = config_write(m, c);
	fclose(m);
	if (*r != CST_OK) {
		free(text);
		return NULL;
	}
	return text;
}

static void
test_write(void)
{
	struct config c, back;
	size_t len;
	char *text;
	int r;

	config_defaults(&c);
	text = written(&c, &len, &r);
	ok(text != NULL && t_has(text, "[console]\n") && t_has(text, "idle_lock = 5min\n") &&
	    t_has(text, "language =\n") && t_has(text, "lockout = 15min\n") &&
	    t_has(text, "max_stay_hours = 24\n") && t_has(text, "# Default: 5min\n"),
	    "defaults written as a commented file");
	poison(&back);
	ok(text != NULL && parsed(text, len, &back) && same(&c, &back), "defaults round trip");
	free(text);

	c.idle_lock_ms = 0;
	snprintf(c.language, sizeof c.language, "zh_CN.UTF-8");
	c.max_failures = 20;
	c.lockout_ms = 25 * 60 * MIN_MS;	/* above the range */
	text = written(&c, &len, &r);
	ok(text == NULL && r == CST_ERR_ARG, "a value out of range is not written");
	c.lockout_ms = 90 * MIN_MS;
	c.max_stay_hours = 1;
	text = written(&c, &len, &r);
	ok(text != NULL && t_has(text, "lockout = 90min\n") && t_has(text, "idle_lock = 0\n"),
	    "durations in the largest whole unit");
	poison(&back);
	ok(text != NULL && parsed(text, len, &back) && same(&c, &back), "other values round trip");
	free(text);

	c.lockout_ms = 90500;
	ok(written(&c, &len, &r) == NULL && r == CST_ERR_ARG,
	    "a duration that is no whole second is not written");
	c.lockout_ms = MIN_MS;
	snprintf(c.language, sizeof c.language, "en\nx = 1");
	ok(written(&c, &len, &r) == NULL && r == CST_ERR_ARG, "a newline in a string is not written");
	snprintf(c.language, sizeof c.language, " en");
	ok(written(&c, &len, &r) == NULL && r == CST_ERR_ARG,
	    "a string that would come back trimmed is not written");
	memset(c.language, 'x', sizeof c.language);
	ok(written(&c, &len, &r) == NULL && r == CST_ERR_ARG, "an unterminated string is not written");
}

#ifdef CUSTODY_TEST_HOOKS
static int
test_parsed(const char *text, size_t len, struct config_test *t)
{
	struct errmsg em = { 0, "" };

	if (config_test_parse(text, len, t, &em) != CST_OK) {
		fprintf(stderr, "  unexpected refusal: %s\n", em.text);
		return 0;
	}
	return 1;
}

static int
test_refused(const char *text, size_t len, const char *what)
{
	struct errmsg em = { 0, "" };
	struct config_test t;

	if (config_test_parse(text, len, &t, &em) != CST_ERR_INPUT ||
	    strncmp(em.text, "custody.conf line 2: ", 21) != 0 || strstr(em.text, what) == NULL) {
		fprintf(stderr, "  got: %s\n", em.text);
		return 0;
	}
	return 1;
}

static void
test_every_type(void)
{
	static const char *yes[] = { "yes", "true", "on" }, *no[] = { "no", "false", "off" };
	struct config_test t, back;
	char line[64], *text = NULL;
	size_t i, len;
	FILE *m;
	int all = 1;

	config_test_defaults(&t);
	ok(t.number == 7 && t.flag == 1 && strcmp(t.word, "abc") == 0 && t.wait_ms == 90000 &&
	    t.colour == 1, "defaults of every type");
	for (i = 0; i < 3; i++) {
		snprintf(line, sizeof line, "[test]\nflag = %s\n", yes[i]);
		all &= test_parsed(line, strlen(line), &t) && t.flag == 1;
		snprintf(line, sizeof line, "[test]\nflag = %s\n", no[i]);
		all &= test_parsed(line, strlen(line), &t) && t.flag == 0;
	}
	ok(all, "bool: yes/no, true/false, on/off");
	ok(test_refused(L("[test]\nflag = maybe\n"),
	    "flag must be yes or no (or true/false, on/off), not \"maybe\""), "bool: other word");
	ok(test_refused(L("[test]\nflag = Yes\n"), "must be yes or no"), "bool: case matters");
	ok(test_refused(L("[test]\nflag = 1\n"), "must be yes or no"), "bool: a number");
	ok(test_parsed(L("[test]\ncolour = blue\n"), &t) && t.colour == 2, "enum: blue is 2");
	ok(test_parsed(L("[test]\ncolour = red\n"), &t) && t.colour == 0, "enum: red is 0");
	ok(test_refused(L("[test]\ncolour = purple\n"),
	    "colour must be one of red, green, blue, not \"purple\""), "enum: other word");
	ok(test_refused(L("[test]\ncolour =\n"), "must be one of"), "enum: empty");
	ok(test_parsed(L("[test]\nnumber = 0\nword = 1234567\nwait = 2d\n"), &t) &&
	    t.number == 0 && strcmp(t.word, "1234567") == 0 && t.wait_ms == 2 * 1440 * MIN_MS,
	    "int, string and duration at their limits");
	ok(test_refused(L("[test]\nword = 12345678\n"), "word is longer than 7 bytes"),
	    "string over its limit");
	ok(test_refused(L("[test]\nwait = 49h\n"), "wait must be from 0 to 2d"),
	    "duration over its limit");
	ok(test_refused(L("[test]\nwait = 12345678901234567890123456789s\n"), "must be from"),
	    "duration far over its limit, without overflow");

	t.number = 100;
	t.flag = 0;
	snprintf(t.word, sizeof t.word, "é x");
	t.wait_ms = 45 * 1000;
	t.colour = 2;
	m = open_memstream(&text, &len);
	ok(config_test_write(m, &t) == CST_OK, "every type written");
	fclose(m);
	ok(t_has(text, "flag = no\n") && t_has(text, "colour = blue\n") &&
	    t_has(text, "wait = 45s\n") && t_has(text, "word = é x\n") &&
	    t_has(text, "# Default: yes\n") && t_has(text, "# Default: green\n"),
	    "bool and enum written as words");
	config_test_defaults(&back);
	ok(test_parsed(text, len, &back) && back.number == 100 && back.flag == 0 &&
	    strcmp(back.word, "é x") == 0 && back.wait_ms == 45000 && back.colour == 2,
	    "every type round trips");
	free(text);
	t.colour = 3;
	text = NULL;
	m = open_memstream(&text, &len);
	ok(config_test_write(m, &t) == CST_ERR_ARG, "an enum out of its list is not written");
	fclose(m);
	ok(len == 0, "and nothing at all is written");
	free(text);
	t.colour = 0;
	t.flag = 2;
	text = NULL;
	m = open_memstream(&text, &len);
	ok(config_test_write(m, &t) == CST_ERR_ARG, "a bool other than 0 or 1 is not written");
	fclose(m);
	free(text);
}
#endif

static void
test_load(void)
{
	struct errmsg em = { 0, "" };
	struct config c;
	char *dir = t_tmpdir("config");
	char path[512], *big;
	static const char good[] = "[login]\r\nmax_failures = 9\r\n";
	static const char bad[] = "[login]\nmax_failures = 9\nmax_failures = 8\n";

	snprintf(path, sizeof path, "%s/custody.conf", dir);
	ok(t_write_file(path, good, sizeof good - 1, 0600) == 0, "write a file");
	poison(&c);
	ok(config_load(path, &c, &em) == CST_OK && c.max_failures == 9 &&
	    c.idle_lock_ms == 5 * MIN_MS, "load a file");
	ok(t_write_file(path, bad, sizeof bad - 1, 0600) == 0, "write a bad file");
	poison(&c);
	ok(config_load(path, &c, &em) == CST_ERR_INPUT && c.max_failures == -7 &&
	    strcmp(em.text, "custody.conf line 3: max_failures is set twice (first on line 2)") == 0,
	    "a bad file: refused with its line, the struct untouched");
	big = malloc(CONFIG_MAX_FILE + 1);
	memset(big, '\n', CONFIG_MAX_FILE + 1);
	ok(t_write_file(path, big, CONFIG_MAX_FILE, 0600) == 0, "write 256 KiB");
	ok(config_load(path, &c, &em) == CST_OK, "a file of exactly 256 KiB is read");
	ok(t_write_file(path, big, CONFIG_MAX_FILE + 1, 0600) == 0, "write 256 KiB + 1");
	ok(config_load(path, &c, &em) == CST_ERR_INPUT && t_has(em.text, "larger than 256 KiB"),
	    "a larger file is refused");
	free(big);
	ok(config_load(dir, &c, &em) == CST_ERR_INPUT && t_has(em.text, "not a regular file"),
	    "a directory is refused");
	snprintf(path, sizeof path, "%s/fifo", dir);
	ok(mkfifo(path, 0600) == 0 && config_load(path, &c, &em) == CST_ERR_INPUT,
	    "a FIFO is refused without waiting for a writer");
	snprintf(path, sizeof path, "%s/custody.conf/x", dir);
	ok(t_write_file(path, "", 0, 0600) != 0, "(a path through a file)");
	snprintf(path, sizeof path, "%s/custody.conf", dir);
	ok(t_write_file(path, good, sizeof good - 1, 0600) == 0, "write a file");
	snprintf(path, sizeof path, "%s/custody.conf/x", dir);
	ok(config_load(path, &c, &em) == CST_ERR_IO && t_has(em.text, "cannot open"),
	    "other open errors are no missing file");
	t_rmrf(dir);
	free(dir);
}

int
main(void)
{
	test_defaults();
	test_types();
	test_syntax();
	test_refusals();
	test_long_lines();
	test_write();
#ifdef CUSTODY_TEST_HOOKS
	test_every_type();
#endif
	test_load();
	return t_done();
}
