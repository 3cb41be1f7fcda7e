/*
 * The SAM_A ID card reader: the AA AA AA 96 69 frame reader (both directions), the card's
 * UCS-2 base information text, and the driver that polls find, select, read.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "idreader.h"

static const uint8_t preamble[IDR_PREAMBLE] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69 };

enum { HUNT, LEN_HI, LEN_LO, BODY };

/*
 * The preamble bytes matched after c, given k matched before it.  Only AA can restart a
 * match: after AA AA AA a fourth AA still leaves three, after AA AA AA 96 it leaves one.
 */
static int
preamble_step(int k, uint8_t c)
{
	if (c == preamble[k])
		return k + 1;
	if (c == 0xaa)
		return k == 3 ? 3 : 1;
	return 0;
}

void
idr_parser_init(struct idr_parser *p, size_t min, size_t max, struct dev_stats *stats)
{
	memset(p, 0, sizeof *p);
	p->min = min;
	p->max = max < IDR_BODY_MAX ? max : IDR_BODY_MAX;
	p->stats = stats;
}

static void
hunt_byte(struct idr_parser *p, uint8_t c)
{
	int k = preamble_step(p->match, c);

	p->stats->garbage += (uint64_t)(p->match + 1 - k);
	p->match = k;
	if (k == IDR_PREAMBLE) {
		p->state = LEN_HI;
		p->match = 0;
	}
}

static void
frame_done(struct idr_parser *p, idr_frame_fn *frame, void *arg)
{
	uint8_t x = (uint8_t)(p->want >> 8) ^ (uint8_t)p->want;
	size_t i;

	for (i = 0; i + 1 < p->len; i++)
		x ^= p->body[i];
	p->state = HUNT;
	p->match = 0;
	if (x != p->body[p->len - 1]) {
		p->stats->bad_checksum++;
		frame(arg, IDR_SW_CHECKSUM, NULL, 0);
		return;
	}
	p->stats->frames++;
	frame(arg, 0, p->body, p->len - 1);
}

static void
length_done(struct idr_parser *p, uint8_t lo, idr_frame_fn *frame, void *arg)
{
	uint8_t hi = (uint8_t)(p->want >> 8);

	p->want |= lo;
	if (p->want >= p->min && p->want <= p->max) {
		p->state = BODY;
		p->len = 0;
		p->match = 0;
		return;
	}
	p->stats->bad_frame++;		/* never trust it: hunt again, from the length bytes on */
	p->state = HUNT;
	p->match = preamble_step(preamble_step(0, hi), lo);
	frame(arg, IDR_SW_LENGTH, NULL, 0);
}

void
idr_parser_feed(struct idr_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    idr_frame_fn *frame, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = bytes[i];

		p->last = now;
		switch (p->state) {
		case HUNT:
			hunt_byte(p, c);
			break;
		case LEN_HI:
			p->want = (size_t)c << 8;
			p->state = LEN_LO;
			break;
		case LEN_LO:
			length_done(p, c, frame, arg);
			break;
		default:
			/* A preamble inside a body: the frame was cut and a new one begins. */
			p->match = preamble_step(p->match, c);
			if (p->match == IDR_PREAMBLE) {
				p->stats->bad_frame++;
				p->state = LEN_HI;
				p->match = 0;
				break;
			}
			p->body[p->len++] = c;
			if (p->len == p->want)
				frame_done(p, frame, arg);
			break;
		}
	}
}

int64_t
idr_parser_tick(struct idr_parser *p, int64_t now)
{
	if (p->state == HUNT)
		return -1;
	if (now - p->last < IDR_GAP_MS)
		return p->last + IDR_GAP_MS;
	p->stats->bad_frame++;
	p->state = HUNT;
	p->match = 0;
	return -1;
}

size_t
idr_encode(const uint8_t *body, size_t n, uint8_t *out, size_t outsz)
{
	size_t len = n + 1, i;
	uint8_t x;

	if (len > IDR_BODY_MAX || outsz < IDR_PREAMBLE + 2 + len)
		return 0;
	memcpy(out, preamble, IDR_PREAMBLE);
	out[5] = (uint8_t)(len >> 8);
	out[6] = (uint8_t)len;
	x = out[5] ^ out[6];
	for (i = 0; i < n; i++) {
		out[7 + i] = body[i];
		x ^= body[i];
	}
	out[7 + n] = x;
	return IDR_PREAMBLE + 2 + len;
}

size_t
idr_encode_command(int cmd, uint8_t out[IDR_CMD_FRAME])
{
	uint8_t body[2] = { (uint8_t)(cmd >> 8), (uint8_t)cmd };

	return idr_encode(body, 2, out, IDR_CMD_FRAME);
}

size_t
idr_encode_answer(int sw3, const uint8_t *data, size_t n, uint8_t *out, size_t outsz)
{
	if (n > IDR_BODY_MAX - 4 || outsz < IDR_PREAMBLE + 2 + 4 + n)
		return 0;
	/* Built in place: the body starts after the preamble and the length. */
	out[7] = 0;
	out[8] = 0;
	out[9] = (uint8_t)sw3;
	if (n > 0)
		memmove(out + 10, data, n);
	return idr_encode(out + 7, 3 + n, out, outsz);
}

/*
 * The text: where each field lies (bytes) by card type, and what it may hold.  GA/T 490 puts
 * the card type at bytes 248-249; each type has its own layout (docs/devices.md, with the
 * sources of each).
 */
enum kind { TEXT, DIGITS, DATE, DATE_OR_LONG, IDNUM, FPR15, ALPHA3, CODE };

struct slot {
	enum idr_field f;
	size_t off, size;
	enum kind kind;
	size_t chars;		/* DIGITS: exactly this many; CODE: at least this many */
	int required;		/* TEXT: not empty */
};

/* Resident ID card: 36 reserved bytes after the validity (the type is 0000 or 2000). */
static const struct slot resident[] = {
	{ IDR_NAME, 0, 30, TEXT, 0, 1 }, { IDR_SEX, 30, 2, DIGITS, 1, 0 },
	{ IDR_NATION, 32, 4, DIGITS, 2, 0 }, { IDR_BIRTH, 36, 16, DATE, 0, 0 },
	{ IDR_ADDRESS, 52, 70, TEXT, 0, 0 }, { IDR_ID, 122, 36, IDNUM, 0, 0 },
	{ IDR_AUTHORITY, 158, 30, TEXT, 0, 0 }, { IDR_FROM, 188, 16, DATE, 0, 0 },
	{ IDR_TO, 204, 16, DATE_OR_LONG, 0, 0 },
};

/* 'J': the resident layout without ethnicity, then the pass number and times issued. */
static const struct slot permit[] = {
	{ IDR_NAME, 0, 30, TEXT, 0, 1 }, { IDR_SEX, 30, 2, DIGITS, 1, 0 },
	{ IDR_BIRTH, 36, 16, DATE, 0, 0 }, { IDR_ADDRESS, 52, 70, TEXT, 0, 0 },
	{ IDR_ID, 122, 36, IDNUM, 0, 0 }, { IDR_AUTHORITY, 158, 30, TEXT, 0, 0 },
	{ IDR_FROM, 188, 16, DATE, 0, 0 }, { IDR_TO, 204, 16, DATE_OR_LONG, 0, 0 },
	{ IDR_PASS, 220, 18, CODE, 8, 0 }, { IDR_ISSUES, 238, 4, DIGITS, 2, 0 },
};

/* 'I' (2017): English name first, the 15-character number, nationality, Chinese name. */
static const struct slot foreign2017[] = {
	{ IDR_NAME_EN, 0, 120, TEXT, 0, 1 }, { IDR_SEX, 120, 2, DIGITS, 1, 0 },
	{ IDR_ID, 122, 30, FPR15, 0, 0 }, { IDR_NATIONALITY, 152, 6, ALPHA3, 0, 0 },
	{ IDR_NAME, 158, 30, TEXT, 0, 0 }, { IDR_FROM, 188, 16, DATE, 0, 0 },
	{ IDR_TO, 204, 16, DATE, 0, 0 }, { IDR_BIRTH, 220, 16, DATE, 0, 0 },
	{ IDR_VERSION, 236, 4, DIGITS, 2, 0 }, { IDR_AUTHORITY, 240, 8, DIGITS, 4, 0 },
};

/* 'Y' (2023): the resident layout's places, renewals where ethnicity was, English name. */
static const struct slot foreign2023[] = {
	{ IDR_NAME, 0, 30, TEXT, 0, 0 }, { IDR_SEX, 30, 2, DIGITS, 1, 0 },
	{ IDR_ISSUES, 32, 4, DIGITS, 2, 0 }, { IDR_BIRTH, 36, 16, DATE, 0, 0 },
	{ IDR_NAME_EN, 52, 70, TEXT, 0, 1 }, { IDR_ID, 122, 36, IDNUM, 0, 0 },
	{ IDR_FROM, 188, 16, DATE, 0, 0 }, { IDR_TO, 204, 16, DATE_OR_LONG, 0, 0 },
	{ IDR_NAME_EN2, 220, 22, TEXT, 0, 0 }, { IDR_NATIONALITY, 242, 6, ALPHA3, 0, 0 },
	{ IDR_PREVIOUS, 250, 6, TEXT, 0, 0 },
};

#define SLOTS(a) a, sizeof a / sizeof a[0]

static const struct layout {
	char type;
	const struct slot *slots;
	size_t n;
} layouts[] = {
	{ ' ', SLOTS(resident) }, { 'J', SLOTS(permit) }, { 'I', SLOTS(foreign2017) },
	{ 'Y', SLOTS(foreign2023) },
};

static unsigned
ucs2_at(const uint8_t *text, size_t off, size_t i)
{
	return text[off + 2 * i] | (unsigned)text[off + 2 * i + 1] << 8;
}

unsigned
idr_text_type(const uint8_t text[IDR_TEXT])
{
	unsigned t = ucs2_at(text, IDR_TYPE_OFF, 0);

	return t == 0 ? ' ' : t;
}

static const struct layout *
layout_of(unsigned type)
{
	size_t i;

	for (i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if ((unsigned)(unsigned char)layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

static const struct slot *
slot_of(const struct layout *l, enum idr_field f)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (l->slots[i].f == f)
			return &l->slots[i];
	return NULL;
}

int
idr_text_set_type(uint8_t text[IDR_TEXT], char type)
{
	unsigned t = type == '\0' ? ' ' : (unsigned char)type;

	if (layout_of(t) == NULL)
		return -1;
	text[IDR_TYPE_OFF] = (uint8_t)t;
	text[IDR_TYPE_OFF + 1] = 0;
	return 0;
}

/* Characters of a field once its trailing space padding is dropped. */
static size_t
field_chars(const uint8_t *text, size_t off, size_t size)
{
	size_t n = size / 2;

	while (n > 0 && ucs2_at(text, off, n - 1) == ' ')
		n--;
	return n;
}

static int
is_digit(unsigned u)
{
	return u >= '0' && u <= '9';
}

static int
is_upper(unsigned u)
{
	return u >= 'A' && u <= 'Z';
}

/* A character a card's text may hold: printable, not a surrogate half, not a non-character. */
static int
printable(unsigned u)
{
	if (u < 0x20 || (u >= 0x7f && u < 0xa0))
		return 0;
	if (u >= 0xd800 && u <= 0xdfff)
		return 0;
	return u < 0xfdd0 || (u > 0xfdef && u < 0xfffe);
}

static int
date_valid(const uint8_t *text, size_t off)
{
	unsigned month, day;
	size_t i;

	for (i = 0; i < 8; i++)
		if (!is_digit(ucs2_at(text, off, i)))
			return 0;
	month = (ucs2_at(text, off, 4) - '0') * 10 + ucs2_at(text, off, 5) - '0';
	day = (ucs2_at(text, off, 6) - '0') * 10 + ucs2_at(text, off, 7) - '0';
	return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Whether the n characters at off are all digits (from i on) or upper-case letters (before). */
static int
letters_then_digits(const uint8_t *text, size_t off, size_t letters, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i < letters ? !is_upper(ucs2_at(text, off, i)) : !is_digit(ucs2_at(text, off, i)))
			return 0;
	return 1;
}

static int
slot_valid(const uint8_t *text, const struct slot *s)
{
	size_t n = field_chars(text, s->off, s->size), off = s->off, i;

	for (i = 0; i < n; i++)
		if (!printable(ucs2_at(text, off, i)))
			return 0;
	switch (s->kind) {
	case TEXT:
		return !s->required || n > 0;
	case DIGITS:
		return n == s->chars && letters_then_digits(text, off, 0, n);
	case DATE_OR_LONG:	/* 长期: valid for life */
		if (n == 2 && ucs2_at(text, off, 0) == 0x957f && ucs2_at(text, off, 1) == 0x671f)
			return 1;
		/* FALLTHROUGH */
	case DATE:
		return n == 8 && date_valid(text, off);
	case IDNUM:
		return n == 18 && letters_then_digits(text, off, 0, 17) &&
		    (is_digit(ucs2_at(text, off, 17)) || ucs2_at(text, off, 17) == 'X');
	case FPR15:		/* three letters of the nationality, twelve digits */
		return n == 15 && letters_then_digits(text, off, 3, 15);
	case ALPHA3:
		return n == 3 && letters_then_digits(text, off, 3, 3);
	case CODE:		/* letters and digits */
		for (i = 0; i < n; i++)
			if (!is_digit(ucs2_at(text, off, i)) && !is_upper(ucs2_at(text, off, i)))
				return 0;
		return n >= s->chars;
	}
	return 0;
}

/* UTF-8 of n characters at off, already checked, cut (never mid-character) to fit out. */
static void
chars_utf8(const uint8_t *text, size_t off, size_t n, char *out, size_t outsz)
{
	size_t i, o = strlen(out);

	for (i = 0; i < n; i++) {
		unsigned u = ucs2_at(text, off, i);
		size_t len = u < 0x80 ? 1 : u < 0x800 ? 2 : 3;

		if (o + len >= outsz)
			break;
		if (len == 1) {
			out[o++] = (char)u;
		} else if (len == 2) {
			out[o++] = (char)(0xc0 | u >> 6);
			out[o++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | u >> 12);
			out[o++] = (char)(0x80 | (u >> 6 & 0x3f));
			out[o++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[o] = 0;
}

/* Where a field goes in a decoded card, and its size. */
static char *
field_dest(struct dev_idcard *c, enum idr_field f, size_t *size)
{
#define D(m) (*size = sizeof c->m, c->m)
	switch (f) {
	case IDR_NAME: return D(name);
	case IDR_SEX: return D(sex);
	case IDR_NATION: return D(ethnicity);
	case IDR_BIRTH: return D(birth);
	case IDR_ADDRESS: return D(address);
	case IDR_ID: return D(id_number);
	case IDR_AUTHORITY: return D(authority);
	case IDR_FROM: return D(valid_from);
	case IDR_TO: return D(valid_to);
	case IDR_NAME_EN: case IDR_NAME_EN2: return D(name_en);
	case IDR_NATIONALITY: return D(nationality);
	case IDR_PASS: return D(pass_number);
	case IDR_ISSUES: return D(issues);
	case IDR_VERSION: return D(version);
	case IDR_PREVIOUS: return D(previous);
	case IDR_FIELDS: break;
	}
#undef D
	*size = 0;
	return NULL;
}

int
idr_text_decode(const uint8_t text[IDR_TEXT], struct dev_idcard *out)
{
	unsigned type = idr_text_type(text);
	const struct layout *l = layout_of(type);
	const struct slot *en2;
	size_t i, size;
	char *d;

	if (l == NULL) {
		out->type = type > 0x20 && type < 0x7f ? (char)type : '?';
		return IDR_DECODE_TYPE;
	}
	for (i = 0; i < l->n; i++)
		if (!slot_valid(text, &l->slots[i]))
			return -1;
	memset(out->name, 0, offsetof(struct dev_idcard, address_extra) -
	    offsetof(struct dev_idcard, name));
	out->type = l->type;
	en2 = slot_of(l, IDR_NAME_EN2);
	for (i = 0; i < l->n; i++) {
		const struct slot *s = &l->slots[i];
		size_t n = field_chars(text, s->off, s->size);

		/* The first part of a name that goes on is taken whole, spaces and all. */
		if (s->f == IDR_NAME_EN && en2 != NULL &&
		    field_chars(text, en2->off, en2->size) > 0)
			n = s->size / 2;
		if ((d = field_dest(out, s->f, &size)) != NULL)
			chars_utf8(text, s->off, n, d, size);
	}
	return 0;
}

/* The next code point of strict UTF-8 (no overlongs, no surrogates), or -1. */
static long
utf8_next(const unsigned char **sp)
{
	const unsigned char *s = *sp;
	long u;
	int n, i;

	if (s[0] < 0x80) {
		*sp = s + 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 1, u = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 2, u = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 3, u = s[0] & 0x07;
	else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		u = u << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && u < 0x800) || (n == 3 && (u < 0x10000 || u > 0x10ffff)) ||
	    (u >= 0xd800 && u <= 0xdfff))
		return -1;
	*sp = s + n + 1;
	return u;
}

/*
 * UTF-8 into the size bytes at dst as UCS-2, padded with spaces, going on into the size2
 * bytes at dst2 (may be NULL): 0, or -1 (dst untouched by the caller's copy) when it does not
 * fit or is not UTF-8 of the BMP.
 */
static int
put_utf8(const char *utf8, uint8_t *dst, size_t size, uint8_t *dst2, size_t size2)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t i = 0, total = size + (dst2 != NULL ? size2 : 0);

	while (*s) {
		long u = utf8_next(&s);
		uint8_t *p;

		if (u < 0 || u > 0xffff || 2 * i >= total)	/* UCS-2 holds the BMP only */
			return -1;
		p = 2 * i < size ? dst + 2 * i : dst2 + 2 * i - size;
		p[0] = (uint8_t)u;
		p[1] = (uint8_t)(u >> 8);
		i++;
	}
	for (; 2 * i < total; i++) {
		uint8_t *p = 2 * i < size ? dst + 2 * i : dst2 + 2 * i - size;

		p[0] = ' ';
		p[1] = 0;
	}
	return 0;
}

int
idr_field_encode(enum idr_field f, const char *utf8, uint8_t text[IDR_TEXT])
{
	const struct layout *l = layout_of(idr_text_type(text));
	const struct slot *s = slot_of(l, f);
	const struct slot *s2 = f == IDR_NAME_EN ? slot_of(l, IDR_NAME_EN2) : NULL;
	uint8_t save[IDR_TEXT];

	if (s == NULL)
		return -1;
	memcpy(save, text, IDR_TEXT);
	if (put_utf8(utf8, text + s->off, s->size, s2 ? text + s2->off : NULL,
	    s2 ? s2->size : 0) != 0 || !slot_valid(text, s) || (s2 && !slot_valid(text, s2))) {
		memcpy(text, save, IDR_TEXT);
		return -1;
	}
	return 0;
}

/* The additional address: one address field, as on the card. */
static const struct slot extra_slot = { IDR_ADDRESS, 0, IDR_EXTRA, TEXT, 0, 0 };

int
idr_extra_decode(const uint8_t *data, size_t n, struct dev_idcard *out)
{
	if (n != IDR_EXTRA || !slot_valid(data, &extra_slot))
		return -1;
	out->address_extra[0] = '\0';
	chars_utf8(data, 0, field_chars(data, 0, IDR_EXTRA), out->address_extra,
	    sizeof out->address_extra);
	return 0;
}

int
idr_extra_encode(const char *utf8, uint8_t data[IDR_EXTRA])
{
	uint8_t save[IDR_EXTRA];

	memcpy(save, data, IDR_EXTRA);
	if (put_utf8(utf8, data, IDR_EXTRA, NULL, 0) != 0 || !slot_valid(data, &extra_slot)) {
		memcpy(data, save, IDR_EXTRA);
		return -1;
	}
	return 0;
}

static uint32_t
le32(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

void
idr_samid_format(const uint8_t id[IDR_SAMID], char *out, size_t outsz)
{
	snprintf(out, outsz, "%02u.%02u-%08lu-%010lu-%010lu", (unsigned)(id[0] % 100),
	    (unsigned)(id[2] % 100), (unsigned long)le32(id + 4), (unsigned long)le32(id + 8),
	    (unsigned long)le32(id + 12));
}

/* The driver. */

void
idreader_init(struct idreader *r)
{
	memset(r, 0, sizeof *r);
	idr_parser_init(&r->parser, 4, IDR_BODY_MAX, &r->stats);
}

static void
send_command(struct idreader *r, int cmd, int64_t now, int64_t due)
{
	uint8_t frame[IDR_CMD_FRAME];

	idr_encode_command(cmd, frame);
	r->wait = cmd;
	r->deadline = now + due;
	r->io->write(r->io->arg, frame, sizeof frame);
}

static void
emit_error(struct idreader *r, int sw3, const char *what)
{
	struct dev_event ev;

	if (sw3 == r->last_error)
		return;		/* reported once until something else happens */
	r->last_error = sw3;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = r->now;
	ev.code = sw3;
	snprintf(ev.text, sizeof ev.text, "%s: SW3 %02X", what, (unsigned)sw3);
	r->io->emit(r->io->arg, &ev);
}

static void
got_samid(struct idreader *r, const uint8_t *data, size_t n)
{
	struct dev_event ev;
	char id[64];

	if (n != IDR_SAMID)
		return;
	idr_samid_format(data, id, sizeof id);
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_INFO;
	ev.ts = r->now;
	snprintf(ev.text, sizeof ev.text, "SAM %s", id);
	r->io->emit(r->io->arg, &ev);
}

static void
emit_card(struct idreader *r)
{
	struct dev_event ev;

	r->last_error = 0;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_IDCARD;
	ev.ts = r->now;
	ev.idcard = &r->card;
	r->io->emit(r->io->arg, &ev);
}

/* A card of a type we have no layout for: said once, by its type character. */
static void
unknown_type(struct idreader *r, const uint8_t *text)
{
	struct dev_event ev;

	r->stats.bad_frame++;
	if (r->last_error == IDR_SW_WRONG_CARD)
		return;
	r->last_error = IDR_SW_WRONG_CARD;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = r->now;
	ev.code = IDR_SW_WRONG_CARD;
	snprintf(ev.text, sizeof ev.text, "read card: card type '%c' (%02X %02X) not supported",
	    r->card.type, (unsigned)text[IDR_TYPE_OFF], (unsigned)text[IDR_TYPE_OFF + 1]);
	r->io->emit(r->io->arg, &ev);
}

/*
 * The read base information answer: text length, photo length, text, photo.  A card with an
 * address (resident, 'J') is emitted once its additional address has been asked for.
 */
static void
got_card(struct idreader *r, const uint8_t *data, size_t n)
{
	size_t tlen, plen;
	int rc;

	tlen = n >= 4 ? (size_t)data[0] << 8 | data[1] : 0;
	plen = n >= 4 ? (size_t)data[2] << 8 | data[3] : 0;
	if (tlen != IDR_TEXT || plen > IDR_PHOTO || n != 4 + tlen + plen) {
		r->stats.bad_frame++;
		return;
	}
	if ((rc = idr_text_decode(data + 4, &r->card)) != 0) {
		if (rc == IDR_DECODE_TYPE)
			unknown_type(r, data + 4);
		else
			r->stats.bad_frame++;
		return;
	}
	memcpy(r->photo, data + 4 + tlen, plen);	/* the parser's buffer serves 30 03 next */
	r->card.photo = r->photo;
	r->card.photo_len = plen;
	r->card.address_extra[0] = '\0';
	if (strcmp(r->card.id_number, r->last_id) == 0 &&
	    r->now - r->last_read <= IDR_FOLD_MS) {
		r->stats.folded++;	/* a reader that finds a card still lying on it */
		r->last_read = r->now;
		return;
	}
	memcpy(r->last_id, r->card.id_number, sizeof r->last_id);
	r->last_read = r->now;
	if (r->card.type == ' ' || r->card.type == 'J')
		r->next = IDR_READ_EXTRA;
	else
		emit_card(r);
}

/* The answer to 30 03: 90 and the address, or 91 for none; the card goes out either way. */
static void
got_extra(struct idreader *r, int sw3, const uint8_t *data, size_t n)
{
	if (sw3 == IDR_SW_OK && idr_extra_decode(data, n, &r->card) != 0)
		r->stats.bad_frame++;	/* the card without it, rather than no card */
	emit_card(r);
}

/* Whether an answer fits the command waited for: a late answer to another one is ignored. */
static int
plausible(int cmd, int sw3, size_t n)
{
	if (sw3 != IDR_SW_OK && sw3 != IDR_SW_FOUND)
		return n == 0;
	switch (cmd) {
	case IDR_STATUS:
		return sw3 == IDR_SW_OK && n == 0;
	case IDR_SAMID_READ:
		return sw3 == IDR_SW_OK && n == IDR_SAMID;
	case IDR_FIND:
		return sw3 == IDR_SW_FOUND && n == 4;
	case IDR_SELECT:
		return sw3 == IDR_SW_OK && n == 8;
	case IDR_READ_BASE:
		return sw3 == IDR_SW_OK && n >= 4;
	case IDR_READ_EXTRA:
		return sw3 == IDR_SW_OK && n == IDR_EXTRA;
	}
	return 0;
}

/* An answer to the command in r->wait: SW3 and its data.  The next command goes in r->next. */
static void
answer(struct idreader *r, int sw3, const uint8_t *data, size_t n)
{
	int cmd = r->wait;

	r->wait = 0;
	switch (cmd) {
	case IDR_STATUS:
		r->ready = sw3 == IDR_SW_OK;
		if (r->ready)
			r->next = IDR_SAMID_READ;
		else
			emit_error(r, sw3, "SAM status");
		break;
	case IDR_SAMID_READ:
		if (sw3 == IDR_SW_OK)
			got_samid(r, data, n);
		break;
	case IDR_FIND:
		if (sw3 == IDR_SW_FOUND)
			r->next = IDR_SELECT;
		else if (sw3 != IDR_SW_NOT_FOUND)
			emit_error(r, sw3, "find card");
		break;
	case IDR_SELECT:
		if (sw3 == IDR_SW_OK)
			r->next = IDR_READ_BASE;
		break;		/* 81: the card went before it could be selected */
	case IDR_READ_BASE:
		if (sw3 == IDR_SW_OK)
			got_card(r, data, n);
		else
			emit_error(r, sw3, "read card");
		break;
	case IDR_READ_EXTRA:
		got_extra(r, sw3, data, n);
		break;
	}
	r->next_poll = r->now + IDR_POLL_MS;
}

static void
frame(void *arg, int status, const uint8_t *body, size_t n)
{
	struct idreader *r = arg;

	if (status == IDR_SW_CHECKSUM && r->wait != 0 && r->next == 0 && r->reasks < IDR_REASKS) {
		r->reasks++;	/* a whole frame with a bad CHK was the answer: none other comes */
		r->next = r->wait;
		return;
	}
	if (status != 0 || r->wait == 0 || !plausible(r->wait, body[2], n - 3))
		return;		/* dropped (counted), or not an answer to what was asked */
	r->reasks = 0;
	answer(r, body[2], body + 3, n - 3);
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct idreader *r = st;

	idreader_init(r);	/* a frame cut by an unplug is not finished by the next line */
	r->io = io;
	r->now = now;
	send_command(r, IDR_STATUS, now, IDR_ANSWER_MS);
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	struct idreader *r = st;

	r->io = io;
	r->now = now;
	idr_parser_feed(&r->parser, bytes, n, now, frame, r);
	if (r->next != 0) {	/* written after the parser is done with its buffer */
		int cmd = r->next;

		r->next = 0;
		send_command(r, cmd, now, cmd == IDR_READ_BASE ? IDR_READ_MS : IDR_ANSWER_MS);
	}
}

static int64_t
min_time(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	struct idreader *r = st;
	int64_t next;

	r->io = io;
	r->now = now;
	idr_parser_tick(&r->parser, now);
	if (r->wait != 0 && now >= r->deadline) {
		r->stats.timeouts++;	/* asked again at the next poll */
		if (r->wait == IDR_READ_EXTRA)
			emit_card(r);	/* the card is read; only its extra address is missing */
		r->wait = 0;
		r->reasks = 0;
		r->next_poll = now + IDR_POLL_MS;
	}
	if (r->wait == 0 && now >= r->next_poll)
		send_command(r, r->ready ? IDR_FIND : IDR_STATUS, now, IDR_ANSWER_MS);
	/* The answer may have come already (in tests, the write is answered at once). */
	next = idr_parser_tick(&r->parser, now);
	return min_time(next, r->wait != 0 ? r->deadline : r->next_poll);
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	(void)st;
	(void)rq;
	(void)now;
	(void)io;
	return -1;		/* the reader only reads; it takes no requests */
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct idreader *)st)->stats;
}

const struct dev_driver idreader_driver = {
	.name = "idcard",
	.baud = 115200,
	.state_size = sizeof(struct idreader),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};

void
idreader_error_message(const struct dev_event *ev, char *out, size_t size)
{
	const char *type = strstr(ev->text, "card type '");

	if (ev->code == IDR_SW_WRONG_CARD && type != NULL && type[11] > ' ' &&
	    (unsigned char)type[11] < 0x7f)
		snprintf(out, size, _("The ID card reader cannot read this card: its type (%c) is "
		    "not supported. Type the document on the registration form."), type[11]);
	else if (ev->code == IDR_SW_WRONG_CARD)
		snprintf(out, size, _("The ID card reader does not recognise this card."));
	else if (ev->code == IDR_SW_READ_FAILED)
		snprintf(out, size, _("The ID card reader could not read the card: lift it and put "
		    "it back."));
	else
		snprintf(out, size, _("The ID card reader reports an error: %s."), ev->text);
}
