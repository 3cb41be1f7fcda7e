/*
 * custody.conf: "key = value" lines under "[section]" headers, read through one table of keys.
 * Strict on purpose: a terminal that skipped a misspelt idle_lock would silently never lock, so
 * anything not understood refuses the whole file.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "xmalloc.h"

enum ktype { K_INT, K_BOOL, K_STR, K_DUR, K_ENUM };

struct key {
	const char *section, *name;
	enum ktype type;
	size_t off, size;		/* the field in the struct */
	int64_t min, max;		/* K_INT; K_DUR in ms; K_STR: max bytes */
	const char *const *words;	/* K_ENUM: NULL-terminated, stored as the index (int) */
	int64_t def;			/* K_INT, K_BOOL, K_DUR, K_ENUM */
	const char *defstr;		/* K_STR */
	const char *help;		/* N_(): the comment config_write puts above the key */
};

/* A table of keys and the struct they fill. */
struct schema {
	const struct key *keys;
	size_t n;
	size_t size;
	/*
	 * Numbered sections ("[zone.12]"): each fills one record of an array in the struct,
	 * through its own keys (offsets within the record). prefix NULL: none.
	 */
	const char *prefix;		/* "zone": sections "[zone.N]", keys under section "zone" */
	const struct key *rkeys;
	size_t nr;
	size_t arr_off, rec_size, rec_max, count_off, num_off;
	int64_t num_max;
};

#define MS_SEC 1000LL
#define MS_MIN (60 * MS_SEC)
#define MS_HOUR (60 * MS_MIN)
#define MS_DAY (24 * MS_HOUR)

#define FIELD(T, f) offsetof(T, f), sizeof(((T *)0)->f)
#define INT(T, sec, name, f, lo, hi, d, help) \
	{ sec, name, K_INT, FIELD(T, f), lo, hi, NULL, d, NULL, help }
#define BOOL(T, sec, name, f, d, help) \
	{ sec, name, K_BOOL, FIELD(T, f), 0, 1, NULL, d, NULL, help }
#define STR(T, sec, name, f, d, help) \
	{ sec, name, K_STR, FIELD(T, f), 0, sizeof(((T *)0)->f) - 1, NULL, 0, d, help }
#define DUR(T, sec, name, f, lo, hi, d, help) \
	{ sec, name, K_DUR, FIELD(T, f), lo, hi, NULL, d, NULL, help }
#define ENUM(T, sec, name, f, words, d, help) \
	{ sec, name, K_ENUM, FIELD(T, f), 0, 0, words, d, NULL, help }

const char *const config_framings[] = { "8N1", "8E1", "8O1", "7E1", "7O1", NULL };
const char *const config_device_names[] = { "pn532", "em4100", "fingerprint", "uhf", "dock",
	"idcard", NULL };
const char *const config_zone_kinds[] = { "entry", "search", "belongings", "collection",
	"waiting", "interrogation", "exit", "corridor", NULL };

#define C struct config
#define LINE(sec, i, help) \
	STR(C, sec, "port", dev[i].port, "", help), \
	INT(C, sec, "baud", dev[i].baud, 0, 4000000, 0, \
	    N_("Line rate in baud (0: the device's usual rate).")), \
	ENUM(C, sec, "framing", dev[i].framing, config_framings, 0, \
	    N_("Data bits, parity and stop bits: 8N1, 8E1, 8O1, 7E1 or 7O1."))
#define HOLD(name, i, d, help) INT(C, "property", name, hold_days[i], 1, 3650, d, help)
#define SUP_DUR(name, f, lo, hi, d, help) DUR(C, "supervision", name, sup.f, lo, hi, d, help)
#define STAGE(name, i, d, help) SUP_DUR(name, stage_ms[i], MS_MIN, 48 * MS_HOUR, d, help)
static const struct key config_keys[] = {
	DUR(C, "console", "idle_lock", idle_lock_ms, 0, MS_DAY, 5 * MS_MIN,
	    N_("Lock the screen after this long without a key (0: never).")),
	STR(C, "console", "language", language, "",
	    N_("Language of the screens, such as zh_CN or en (empty: from the locale).")),
	INT(C, "login", "max_failures", max_failures, 1, 20, 5,
	    N_("Failed logins in a row before an operator is locked out.")),
	DUR(C, "login", "lockout", lockout_ms, MS_MIN, MS_DAY, 15 * MS_MIN,
	    N_("How long a locked-out operator must wait.")),
	INT(C, "stages", "max_stay_hours", max_stay_hours, 1, 48, 24,
	    N_("Longest stay in the area, in hours (informational for now).")),
	HOLD("hold_cash", 0, 365, N_("Days cash may be held before an alert.")),
	HOLD("hold_phone", 1, 365, N_("Days phones and electronics may be held before an "
	    "alert.")),
	HOLD("hold_vehicle", 2, 180, N_("Days a vehicle may be held before an alert.")),
	HOLD("hold_drugs", 3, 365, N_("Days drugs may be held before an alert.")),
	HOLD("hold_weapon", 4, 365, N_("Days a weapon may be held before an alert.")),
	HOLD("hold_documents", 5, 365, N_("Days documents may be held before an alert.")),
	HOLD("hold_valuables", 6, 365, N_("Days valuables may be held before an alert.")),
	HOLD("hold_other", 7, 365, N_("Days other property may be held before an alert.")),
	DUR(C, "property", "checkout_grace", checkout_grace_ms, 0, 7 * MS_DAY, MS_HOUR,
	    N_("How long after its expected return a check-out is overdue.")),
	DUR(C, "sync", "clock_skew_max", clock_skew_max_ms, MS_SEC, MS_DAY, MS_MIN,
	    N_("A clock further than this from the ledger's is recorded (clock.skew) and "
	    "alerted.")),
	STAGE("stage_registered", 0, 30 * MS_MIN, N_("Longest time from registration to the "
	    "search.")),
	STAGE("stage_searched", 1, 30 * MS_MIN, N_("Longest time from the search to the "
	    "belongings list.")),
	STAGE("stage_belongings", 2, 30 * MS_MIN, N_("Longest time from the belongings list to "
	    "the end of collection.")),
	STAGE("stage_collected", 3, MS_HOUR, N_("Longest time from collection to a waiting or "
	    "interrogation room.")),
	STAGE("stage_waiting", 4, 4 * MS_HOUR, N_("Longest time in a waiting room at a time.")),
	STAGE("stage_interrogation", 5, 4 * MS_HOUR, N_("Longest interrogation at a time.")),
	SUP_DUR("ceiling", ceiling_ms, MS_HOUR, 48 * MS_HOUR, 12 * MS_HOUR,
	    N_("The legal ceiling of a stay in the area.")),
	SUP_DUR("ceiling_serious", ceiling_serious_ms, MS_HOUR, 48 * MS_HOUR, 24 * MS_HOUR,
	    N_("The ceiling of a stay in a serious case.")),
	SUP_DUR("stay_warn", stay_warn_ms, 0, 12 * MS_HOUR, 2 * MS_HOUR,
	    N_("A yellow alert this long before the ceiling of a stay.")),
	SUP_DUR("stay_urgent", stay_urgent_ms, 0, 12 * MS_HOUR, 30 * MS_MIN,
	    N_("An orange alert this long before the ceiling (red once it is passed).")),
	INT(C, "supervision", "min_officers", sup.min_officers, 0, 9, 2,
	    N_("Officers' badges an interrogation room needs while a person is in it.")),
	SUP_DUR("officers_grace", officers_grace_ms, 0, MS_HOUR, MS_MIN,
	    N_("How long an interrogation may have too few officers before an alert.")),
	BOOL(C, "supervision", "co_case", sup.co_case, 1,
	    N_("Alert when two people of the same case are in one zone.")),
	SUP_DUR("co_case_grace", co_case_grace_ms, 0, MS_HOUR, 30 * MS_SEC,
	    N_("How long two people of one case may share a zone before an alert.")),
	SUP_DUR("unguarded_grace", unguarded_grace_ms, 0, MS_HOUR, MS_MIN,
	    N_("How long a waiting room with people may have no officer before an alert.")),
	INT(C, "supervision", "hr_low", sup.hr_low, 20, 120, 45,
	    N_("Lowest normal heart rate, beats per minute.")),
	INT(C, "supervision", "hr_high", sup.hr_high, 60, 240, 140,
	    N_("Highest normal heart rate, beats per minute.")),
	SUP_DUR("hr_for", hr_for_ms, 0, MS_HOUR, 30 * MS_SEC,
	    N_("How long a heart rate must stay outside the range before an alert.")),
	SUP_DUR("sos_hold", sos_hold_ms, 5 * MS_SEC, MS_HOUR, 30 * MS_SEC,
	    N_("An SOS clears this long after the last press, once acknowledged.")),
	SUP_DUR("band_silence", silence_ms, 5 * MS_SEC, MS_HOUR, 30 * MS_SEC,
	    N_("A band or badge not heard for this long raises an alert.")),
	INT(C, "supervision", "battery_low", sup.battery_low, 0, 100, 15,
	    N_("Battery percent below which a band raises an alert.")),
	BOOL(C, "supervision", "property_overdue", sup.property_overdue, 1,
	    N_("Alert when a property item is checked out past its return.")),
	BOOL(C, "supervision", "property_overheld", sup.property_overheld, 1,
	    N_("Alert when a property item is held past its category's limit.")),
	BOOL(C, "supervision", "property_misplaced", sup.property_misplaced, 1,
	    N_("Alert when an inventory saw an item where it is not recorded.")),
	SUP_DUR("zone_settle", zone_settle_ms, 0, MS_MIN, 2 * MS_SEC,
	    N_("A band counts as in a new zone after being seen there this long.")),
	SUP_DUR("fault_hold", fault_hold_ms, 0, MS_HOUR, 30 * MS_SEC,
	    N_("A device fault clears after this long without another.")),
	LINE("device.pn532", CONF_DEV_PN532,
	    N_("Serial port of the 13.56 MHz band and card reader (PN532) (empty: none).")),
	LINE("device.em4100", CONF_DEV_EM4100,
	    N_("Serial port of the 125 kHz band and card reader (EM4100) (empty: none).")),
	LINE("device.fingerprint", CONF_DEV_FINGERPRINT,
	    N_("Serial port of the fingerprint module (R30x) (empty: none).")),
	LINE("device.uhf", CONF_DEV_UHF,
	    N_("Serial port of the UHF tag reader for property (empty: none).")),
	INT(C, "device.uhf", "rssi_offset", dev[CONF_DEV_UHF].rssi_offset, -60, 60, 0,
	    N_("dB added to the RSSI the UHF module reports, which is measured at its chip "
	    "input: this module's correction (M100 modules read about 17 to 23 dB off).")),
	LINE("device.dock", CONF_DEV_DOCK,
	    N_("Serial port of the wristband dock and positioning gateway (empty: none).")),
	LINE("device.idcard", CONF_DEV_IDCARD,
	    N_("Serial port of the resident ID card reader (empty: none).")),
	STR(C, "gateway", "listen", gateway.listen, "",
	    N_("Address and UDP port the positioning gateway sends its telemetry to, such as "
	    "0.0.0.0:4601 (empty: none).")),
	INT(C, "gateway", "id", gateway.id, 0, 65535, 1,
	    N_("The gateway's number in its datagrams.")),
	STR(C, "gateway", "key", gateway.key, "",
	    N_("File of the gateway's key: 64 hex digits, readable by this user only.")),
};
#undef LINE
#undef HOLD
#undef SUP_DUR
#undef STAGE
#undef C

#define Z struct config_zone
static const struct key zone_keys[] = {
	STR(Z, "zone", "name", name, "", N_("The room's name, as the movement ledger shows it.")),
	ENUM(Z, "zone", "kind", kind, config_zone_kinds, 7, N_("What the room is for: entry, "
	    "search, belongings, collection, waiting, interrogation, exit or corridor.")),
};
#undef Z

static const struct schema config_schema = {
	config_keys, sizeof config_keys / sizeof *config_keys, sizeof(struct config),
	"zone", zone_keys, sizeof zone_keys / sizeof *zone_keys, offsetof(struct config, zones),
	sizeof(struct config_zone), CONF_ZONES_MAX, offsetof(struct config, nzones),
	offsetof(struct config_zone, number), 65534
};

/* Enough for the line of each key that set it. */
#define MAX_KEYS 96
#define MAX_RKEYS 8

struct parser {
	const struct schema *s;
	void *out;		/* a scratch struct, copied to the caller's only on success */
	const char *section;	/* the current section, as spelt in the table */
	int first[MAX_KEYS];	/* the line that set each key, 0 if none did */
	void *rec;		/* in a numbered section: its record, else NULL */
	int rfirst[MAX_RKEYS];	/* the same for the keys of the numbered section */
	int line;
	struct errmsg *em;
};

static int
refuse(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
refuse(struct parser *p, const char *fmt, ...)
{
	char why[ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return err_set(p->em, CST_ERR_INPUT, _("custody.conf line %d: %s"), p->line, why);
}

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes), 0 if there is none (RFC 3629). */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;	/* beyond U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Text from the file for a message: at most 40 bytes, cut between characters. */
static const char *
excerpt(char out[48], const char *s, size_t n)
{
	size_t len = 0, step;

	while (len < n && (step = utf8_len((const unsigned char *)s + len, n - len)) > 0 &&
	    len + step <= 40)
		len += step;
	memcpy(out, s, len);
	memcpy(out + len, len < n ? "..." : "", len < n ? 4 : 1);
	return out;
}

/* Refuses NUL bytes, control characters other than tab, and ill-formed UTF-8. */
static int
check_bytes(struct parser *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, step;

	while (i < n) {
		if (u[i] == '\0')
			return refuse(p, _("the line contains a NUL byte"));
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return refuse(p, _("the line contains a control character (byte 0x%02x)"),
			    u[i]);
		if ((step = utf8_len(u + i, n - i)) == 0)
			return refuse(p, _("the line is not valid UTF-8"));
		i += step;
	}
	return CST_OK;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static int
is(const char *word, const char *s, size_t n)
{
	return strlen(word) == n && memcmp(word, s, n) == 0;
}

/* The table's spelling of section s, or NULL. */
static const char *
find_section(const struct schema *sc, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (is(sc->keys[i].section, s, n))
			return sc->keys[i].section;
	return NULL;
}

static int
find_key(const struct schema *sc, const char *section, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sc->n; i++)
		if (strcmp(sc->keys[i].section, section) == 0 && is(sc->keys[i].name, name, n))
			return (int)i;
	return -1;
}

/* Values: every type reads a NUL-terminated, trimmed value into its field. */

/* A decimal number with an optional leading '-', saturating far beyond any range we use. */
static const char *
read_number(const char *s, int64_t *v)
{
	int neg = *s == '-';
	int64_t n = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n > (INT64_MAX - 9) / 10 ? INT64_MAX : n * 10 + (*s - '0');
	*v = neg ? -n : n;
	return s;
}

static const struct {
	const char *name;
	int64_t ms;
} units[] = { { "d", MS_DAY }, { "h", MS_HOUR }, { "min", MS_MIN }, { "s", MS_SEC } };

/* "90s", "5min", "2h", "1d" (a space before the unit is allowed), or a bare 0. */
static int
read_duration(const char *v, int64_t *ms)
{
	const char *end;
	int64_t n;
	size_t i;

	if (*v == '-' || (end = read_number(v, &n)) == NULL)
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end == '\0' && n == 0) {
		*ms = 0;
		return 0;
	}
	for (i = 0; i < sizeof units / sizeof *units; i++)
		if (strcmp(end, units[i].name) == 0) {
			*ms = n > INT64_MAX / units[i].ms ? INT64_MAX : n * units[i].ms;
			return 0;
		}
	return -1;
}

static void
format_duration(int64_t ms, char *out, size_t size)
{
	size_t i;

	if (ms == 0) {
		snprintf(out, size, "0");
		return;
	}
	for (i = 0; i < sizeof units / sizeof *units; i++)
		if (ms > 0 && ms % units[i].ms == 0) {
			snprintf(out, size, "%lld%s", (long long)(ms / units[i].ms), units[i].name);
			return;
		}
	snprintf(out, size, "%lldms", (long long)ms);	/* not a duration we read back */
}


static int
parse_int(struct parser *p, const struct key *k, const char *v, int *field)
{
	const char *end;
	int64_t n;
	char ex[48];

	if ((end = read_number(v, &n)) == NULL || *end != '\0')
		return refuse(p, _("%s: \"%s\" is not a whole number"), k->name,
		    excerpt(ex, v, strlen(v)));
	if (n < k->min || n > k->max)
		return refuse(p, _("%s must be from %lld to %lld"), k->name, (long long)k->min,
		    (long long)k->max);
	*field = (int)n;
	return CST_OK;
}

static int
parse_bool(struct parser *p, const struct key *k, const char *v, int *field)
{
	char ex[48];

	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0)
		*field = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0)
		*field = 0;
	else
		return refuse(p, _("%s must be yes or no (or true/false, on/off), not \"%s\""),
		    k->name, excerpt(ex, v, strlen(v)));
	return CST_OK;
}

static int
parse_str(struct parser *p, const struct key *k, const char *v, char *field)
{
	size_t n = strlen(v);

	if (n > (size_t)k->max)
		return refuse(p, _("%s is longer than %d bytes"), k->name, (int)k->max);
	memcpy(field, v, n + 1);
	return CST_OK;
}

static int
parse_dur(struct parser *p, const struct key *k, const char *v, int64_t *field)
{
	char ex[48], lo[32], hi[32];
	int64_t ms;

	if (read_duration(v, &ms) != 0)
		return refuse(p, _("%s: \"%s\" is not a duration such as 90s, 5min, 2h or 1d"),
		    k->name, excerpt(ex, v, strlen(v)));
	if (ms < k->min || ms > k->max) {
		format_duration(k->min, lo, sizeof lo);
		format_duration(k->max, hi, sizeof hi);
		return refuse(p, _("%s must be from %s to %s"), k->name, lo, hi);
	}
	*field = ms;
	return CST_OK;
}

static int
parse_enum(struct parser *p, const struct key *k, const char *v, int *field)
{
	char list[256] = "", ex[48];
	size_t used;
	int i;

	for (i = 0; k->words[i] != NULL; i++) {
		if (strcmp(v, k->words[i]) == 0) {
			*field = i;
			return CST_OK;
		}
		used = strlen(list);
		snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", k->words[i]);
	}
	return refuse(p, _("%s must be one of %s, not \"%s\""), k->name, list,
	    excerpt(ex, v, strlen(v)));
}

static int
parse_value(struct parser *p, const struct key *k, const char *v)
{
	void *field = (char *)(p->rec != NULL ? p->rec : p->out) + k->off;

	switch (k->type) {
	case K_INT:	return parse_int(p, k, v, field);
	case K_BOOL:	return parse_bool(p, k, v, field);
	case K_STR:	return parse_str(p, k, v, field);
	case K_DUR:	return parse_dur(p, k, v, field);
	case K_ENUM:	return parse_enum(p, k, v, field);
	}
	abort();
}

static int
word_count(const struct key *k)
{
	int n = 0;

	while (k->words[n] != NULL)
		n++;
	return n;
}

/* The value of key k in struct base as the file spells it (or as it cannot, if it is bad). */
static void
format_value(const struct key *k, const void *base, char *out, size_t size)
{
	const void *field = (const char *)base + k->off;
	int i;

	switch (k->type) {
	case K_INT:
		snprintf(out, size, "%d", *(const int *)field);
		return;
	case K_BOOL:
		i = *(const int *)field;
		snprintf(out, size, "%s", i == 1 ? "yes" : i == 0 ? "no" : "?");
		return;
	case K_STR:
		snprintf(out, size, "%.*s", (int)k->size, (const char *)field);
		return;
	case K_DUR:
		format_duration(*(const int64_t *)field, out, size);
		return;
	case K_ENUM:
		i = *(const int *)field;
		snprintf(out, size, "%s", i >= 0 && i < word_count(k) ? k->words[i] : "?");
		return;
	}
	abort();
}

static void
set_default(const struct key *k, void *base)
{
	void *field = (char *)base + k->off;

	switch (k->type) {
	case K_INT:
	case K_BOOL:
	case K_ENUM:
		assert(k->size == sizeof(int));
		*(int *)field = (int)k->def;
		return;
	case K_STR:
		assert(strlen(k->defstr) < k->size);
		snprintf(field, k->size, "%s", k->defstr);
		return;
	case K_DUR:
		assert(k->size == sizeof(int64_t));
		*(int64_t *)field = k->def;
		return;
	}
	abort();
}

static void
set_defaults(const struct schema *sc, void *base)
{
	size_t i;

	memset(base, 0, sc->size);
	for (i = 0; i < sc->n; i++)
		set_default(&sc->keys[i], base);
}

static int
same_value(const struct key *k, const void *a, const void *b)
{
	const char *fa = (const char *)a + k->off, *fb = (const char *)b + k->off;

	if (k->type == K_STR)
		return strncmp(fa, fb, k->size) == 0;
	return memcmp(fa, fb, k->size) == 0;
}

/* Lines. */

/* "[zone.N]": a new record numbered N; the same N twice is refused. */
static int
parse_numbered(struct parser *p, const char *s, size_t n)
{
	const struct schema *sc = p->s;
	size_t plen = strlen(sc->prefix), i;
	int *count = (int *)((char *)p->out + sc->count_off);
	char num[16], *base = (char *)p->out + sc->arr_off, ex[48];
	const char *end;
	int64_t v;

	if (n - plen - 1 >= sizeof num)
		return refuse(p, _("unknown section [%s]"), excerpt(ex, s, n));
	memcpy(num, s + plen + 1, n - plen - 1);
	num[n - plen - 1] = '\0';
	if (num[0] == '-' || (end = read_number(num, &v)) == NULL || *end != '\0' ||
	    v > sc->num_max)
		return refuse(p, _("[%s.N] needs a number N from 0 to %lld"), sc->prefix,
		    (long long)sc->num_max);
	for (i = 0; i < (size_t)*count; i++)
		if (*(int *)(base + i * sc->rec_size + sc->num_off) == (int)v)
			return refuse(p, _("[%s.%lld] comes twice"), sc->prefix, (long long)v);
	if ((size_t)*count >= sc->rec_max)
		return refuse(p, _("more than %zu [%s.N] sections"), sc->rec_max, sc->prefix);
	p->rec = base + (size_t)*count * sc->rec_size;
	(*count)++;
	memset(p->rec, 0, sc->rec_size);
	for (i = 0; i < sc->nr; i++)
		set_default(&sc->rkeys[i], p->rec);
	*(int *)((char *)p->rec + sc->num_off) = (int)v;
	memset(p->rfirst, 0, sizeof p->rfirst);
	p->section = sc->prefix;
	return CST_OK;
}

static int
parse_section(struct parser *p, const char *s, size_t n)
{
	const char *prefix = p->s->prefix;
	char ex[48];

	if (s[n - 1] != ']')
		return refuse(p, _("a section header must end with ']'"));
	s++;
	n -= 2;
	trim(&s, &n);
	p->rec = NULL;
	if (prefix != NULL && n > strlen(prefix) + 1 && memcmp(s, prefix, strlen(prefix)) == 0 &&
	    s[strlen(prefix)] == '.')
		return parse_numbered(p, s, n);
	if ((p->section = find_section(p->s, s, n)) == NULL)
		return refuse(p, _("unknown section [%s]"), excerpt(ex, s, n));
	return CST_OK;
}

/* A key of the numbered section p->rec is in. */
static int
parse_rkey(struct parser *p, const char *s, size_t klen, const char *v)
{
	char ex[48];
	size_t i;

	for (i = 0; i < p->s->nr; i++)
		if (is(p->s->rkeys[i].name, s, klen))
			break;
	if (i == p->s->nr)
		return refuse(p, _("unknown key \"%s\" in [%s.N]"), excerpt(ex, s, klen),
		    p->s->prefix);
	if (p->rfirst[i] != 0)
		return refuse(p, _("%s is set twice (first on line %d)"), p->s->rkeys[i].name,
		    p->rfirst[i]);
	p->rfirst[i] = p->line;
	return parse_value(p, &p->s->rkeys[i], v);
}

static int
parse_setting(struct parser *p, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n), *val;
	char ex[48], v[CONFIG_MAX_LINE + 1];
	size_t klen, vlen;
	int k;

	if (eq == NULL)
		return refuse(p, _("no '=' (expected \"key = value\")"));
	val = eq + 1;
	vlen = (size_t)(s + n - val);
	trim(&val, &vlen);
	klen = (size_t)(eq - s);
	trim(&s, &klen);
	if (klen == 0)
		return refuse(p, _("a key is missing before '='"));
	if (p->section == NULL)
		return refuse(p, _("\"%s\" comes before any [section]"), excerpt(ex, s, klen));
	memcpy(v, val, vlen);
	v[vlen] = '\0';
	if (p->rec != NULL)
		return parse_rkey(p, s, klen, v);
	if ((k = find_key(p->s, p->section, s, klen)) < 0)
		return refuse(p, _("unknown key \"%s\" in [%s]"), excerpt(ex, s, klen), p->section);
	if (p->first[k] != 0)
		return refuse(p, _("%s is set twice (first on line %d)"), p->s->keys[k].name,
		    p->first[k]);
	p->first[k] = p->line;
	return parse_value(p, &p->s->keys[k], v);
}

static int
parse_line(struct parser *p, const char *s, size_t n)
{
	int r;

	if (n > 0 && s[n - 1] == '\r')
		n--;	/* CRLF, as Windows editors write */
	if (n > CONFIG_MAX_LINE)
		return refuse(p, _("the line is longer than %d bytes"), CONFIG_MAX_LINE);
	if ((r = check_bytes(p, s, n)) != CST_OK)
		return r;
	trim(&s, &n);
	if (n == 0 || s[0] == '#')
		return CST_OK;
	if (s[0] == '[')
		return parse_section(p, s, n);
	return parse_setting(p, s, n);
}

static int
parse_text(const struct schema *sc, const char *text, size_t len, void *dst, struct errmsg *em)
{
	struct parser p = { .s = sc, .em = em };
	const char *nl;
	size_t at = 0, end;
	int r = CST_OK;

	assert(sc->n <= MAX_KEYS && sc->nr <= MAX_RKEYS);
	if (len > CONFIG_MAX_FILE)
		return err_set(em, CST_ERR_INPUT, _("custody.conf is larger than %d KiB"),
		    CONFIG_MAX_FILE / 1024);
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		at = 3;	/* a byte order mark, as some Windows editors write */
	p.out = xmalloc(sc->size);
	set_defaults(sc, p.out);
	while (r == CST_OK && at < len) {
		nl = memchr(text + at, '\n', len - at);
		end = nl != NULL ? (size_t)(nl - text) : len;
		p.line++;
		r = parse_line(&p, text + at, end - at);
		at = end + 1;
	}
	if (r == CST_OK)
		memcpy(dst, p.out, sc->size);
	free(p.out);
	return r;
}

/* Writing. */

static void
emit_key(FILE *m, const struct key *k, const void *base, const void *defs)
{
	char v[CONFIG_MAX_LINE], d[CONFIG_MAX_LINE];

	format_value(k, base, v, sizeof v);
	format_value(k, defs, d, sizeof d);
	fprintf(m, "# %s\n# ", _(k->help));
	fprintf(m, _("Default: %s"), d[0] != '\0' ? d : _("(empty)"));
	fprintf(m, "\n%s =%s%s\n", k->name, v[0] != '\0' ? " " : "", v);
}

static const void *
record(const struct schema *sc, const void *base, int i)
{
	return (const char *)base + sc->arr_off + (size_t)i * sc->rec_size;
}

static int
record_count(const struct schema *sc, const void *base)
{
	return *(const int *)((const char *)base + sc->count_off);
}

static void
emit_records(FILE *m, const struct schema *sc, const void *base, void *defs)
{
	int i, n = record_count(sc, base);
	size_t k;

	for (k = 0; k < sc->nr; k++)
		set_default(&sc->rkeys[k], defs);	/* defs as a record's defaults */
	for (i = 0; i < n; i++) {
		fprintf(m, "\n[%s.%d]\n", sc->prefix,
		    *(const int *)((const char *)record(sc, base, i) + sc->num_off));
		for (k = 0; k < sc->nr; k++)
			emit_key(m, &sc->rkeys[k], record(sc, base, i), defs);
	}
}

static void
emit(FILE *m, const struct schema *sc, const void *base)
{
	const char *section = NULL;
	void *defs = xmalloc(sc->size);
	size_t i;

	set_defaults(sc, defs);
	fprintf(m, "# %s\n# %s\n",
	    _("custody.conf: the settings of this terminal; see custody.conf(5)."),
	    _("Lines are \"key = value\" under a [section]; lines starting with # are comments."));
	for (i = 0; i < sc->n; i++) {
		if (section == NULL || strcmp(section, sc->keys[i].section) != 0)
			fprintf(m, "\n[%s]\n", section = sc->keys[i].section);
		else
			fputc('\n', m);
		emit_key(m, &sc->keys[i], base, defs);
	}
	if (sc->prefix != NULL)
		emit_records(m, sc, base, defs);
	free(defs);
}

static int
same_records(const struct schema *sc, const void *a, const void *b)
{
	int i, n = record_count(sc, a);
	size_t k;

	if (n != record_count(sc, b))
		return 0;
	for (i = 0; i < n; i++) {
		if (memcmp((const char *)record(sc, a, i) + sc->num_off,
		    (const char *)record(sc, b, i) + sc->num_off, sizeof(int)) != 0)
			return 0;
		for (k = 0; k < sc->nr; k++)
			if (!same_value(&sc->rkeys[k], record(sc, a, i), record(sc, b, i)))
				return 0;
	}
	return 1;
}

/* Writes only text that parses back to the same values, so nothing written can be refused. */
static int
write_schema(FILE *f, const struct schema *sc, const void *base)
{
	char *text = NULL;
	size_t len = 0, i;
	void *back;
	FILE *m;
	int r = CST_OK;

	if ((m = open_memstream(&text, &len)) == NULL)
		return CST_ERR_IO;
	emit(m, sc, base);
	if (fclose(m) != 0) {
		free(text);
		return CST_ERR_IO;
	}
	back = xmalloc(sc->size);
	if (parse_text(sc, text, len, back, NULL) != CST_OK)
		r = CST_ERR_ARG;
	for (i = 0; r == CST_OK && i < sc->n; i++)
		if (!same_value(&sc->keys[i], base, back))
			r = CST_ERR_ARG;
	if (r == CST_OK && sc->prefix != NULL)
		r = same_records(sc, base, back) ? CST_OK : CST_ERR_ARG;
	if (r == CST_OK && (fwrite(text, 1, len, f) != len || fflush(f) != 0))
		r = CST_ERR_IO;
	free(back);
	free(text);
	return r;
}

/* Reading the file. */

static int
read_fd(int fd, const char *path, char *buf, size_t cap, size_t *len, struct errmsg *em)
{
	ssize_t n;

	*len = 0;
	while (*len < cap) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path, strerror(errno));
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return CST_OK;
}

/* The file's bytes (at most one more than the limit, so a growing file is still refused). */
static int
read_file(const char *path, char **buf, size_t *len, struct errmsg *em)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO put there must not hang the terminal at start. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return CST_ERR_NOTFOUND;
		return err_set(em, errno == EACCES ? CST_ERR_PERM : CST_ERR_IO,
		    _("cannot open %s: %s"), path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(em, CST_ERR_INPUT, _("%s is not a regular file"), path);
	}
	if (st.st_size > CONFIG_MAX_FILE) {
		close(fd);
		return err_set(em, CST_ERR_INPUT, _("%s is larger than %d KiB"), path,
		    CONFIG_MAX_FILE / 1024);
	}
	*buf = xmalloc(CONFIG_MAX_FILE + 1);
	if ((r = read_fd(fd, path, *buf, CONFIG_MAX_FILE + 1, len, em)) != CST_OK) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return r;
}

/* The public API. */

void
config_defaults(struct config *c)
{
	set_defaults(&config_schema, c);
}

int
config_parse(const char *text, size_t len, struct config *c, struct errmsg *em)
{
	return parse_text(&config_schema, text, len, c, em);
}

int
config_load(const char *path, struct config *c, struct errmsg *em)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = read_file(path, &buf, &len, em)) == CST_ERR_NOTFOUND) {
		config_defaults(c);
		return CST_OK;
	}
	if (r != CST_OK)
		return r;
	r = config_parse(buf, len, c, em);
	free(buf);
	return r;
}

int
config_write(FILE *f, const struct config *c)
{
	return write_schema(f, &config_schema, c);
}

#ifdef CUSTODY_TEST_HOOKS
static const char *const test_colours[] = { "red", "green", "blue", NULL };

#define T struct config_test
static const struct key test_keys[] = {
	INT(T, "test", "number", number, 0, 100, 7, N_("An int.")),
	BOOL(T, "test", "flag", flag, 1, N_("A bool.")),
	STR(T, "test", "word", word, "abc", N_("A string.")),
	DUR(T, "test", "wait", wait_ms, 0, 2 * MS_DAY, 90 * MS_SEC, N_("A duration.")),
	ENUM(T, "test", "colour", colour, test_colours, 1, N_("An enum.")),
};
#undef T

static const struct schema test_schema = {
	.keys = test_keys, .n = sizeof test_keys / sizeof *test_keys,
	.size = sizeof(struct config_test)
};

void
config_test_defaults(struct config_test *t)
{
	set_defaults(&test_schema, t);
}

int
config_test_parse(const char *text, size_t len, struct config_test *t, struct errmsg *em)
{
	return parse_text(&test_schema, text, len, t, em);
}

int
config_test_write(FILE *f, const struct config_test *t)
{
	return write_schema(f, &test_schema, t);
}
#endif
