/*
 * Checkpoints as C2SP signed notes (docs/transparency.md): the note text and its signature
 * lines, Ed25519 signatures and cosignatures, verifier keys, and the c2sp.org/tlog-proof text.
 * Everything read is bounded and strict, so that what parses is written back byte for byte.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"

#define EM_DASH "\xe2\x80\x94"		/* U+2014, which starts a signature line */
#define SIG_PREFIX EM_DASH " "
#define SIG_PREFIX_LEN 4
#define TYPE_ED25519 0x01
#define TYPE_COSIG 0x04
#define COSIG_RAW (8 + CRY_SIG_BYTES)	/* timestamp then signature */
#define HASH_B64_LEN 44			/* base64 of 32 bytes */
#define PROOF_HEADER "c2sp.org/tlog-proof@v1\n"

/*
 * Standard padded base64 (RFC 4648 §4), canonical: 0 or -1. The alphabet is checked here
 * first: libsodium 1.0.18's decoder reads some bytes above 0x7f as digits (the fuzzer found
 * "\xac" taken for "/").
 */
int
ckpt_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *n)
{
	size_t i, pad = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/'))
			return -1;
	if (sodium_base642bin(out, cap, s, len, NULL, n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return 0;
}

/* Writes base64 of in and a NUL if it fits in cap; returns its length or 0. */
size_t
ckpt_b64_encode(const unsigned char *in, size_t n, char *out, size_t cap)
{
	size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);

	if (need > cap)
		return 0;
	sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	return need - 1;
}

/* Decodes one UTF-8 character at s[*i] (shortest form, no surrogates): 0 or -1. */
static int
utf8_next(const unsigned char *s, size_t n, size_t *i, uint32_t *cp)
{
	unsigned char c = s[*i];
	size_t len, k;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return 0;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return -1;
	if (n - *i < len)
		return -1;
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return -1;
		v = v << 6 | (s[*i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	*i += len;
	return 0;
}

/* Unicode's White_Space characters (Go's unicode.IsSpace). */
static int
is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	    c == 0x205f || c == 0x3000;
}

/* UTF-8 with no control character but, when lf, "\n": what a note may hold. */
static int
valid_text(const char *s, size_t n, int lf)
{
	size_t i = 0;
	uint32_t c;

	while (i < n) {
		if (utf8_next((const unsigned char *)s, n, &i, &c) != 0)
			return 0;
		if (c < 0x20 && !(lf && c == '\n'))
			return 0;
	}
	return 1;
}

/* A key name: 1 to CKPT_ORIGIN_MAX bytes of UTF-8, no space of any kind, no "+". */
static int
valid_name(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t c;

	if (n == 0 || n > CKPT_ORIGIN_MAX)
		return 0;
	while (i < n) {
		if (utf8_next((const unsigned char *)s, n, &i, &c) != 0)
			return 0;
		if (c < 0x20 || is_space(c) || c == '+')
			return 0;
	}
	return 1;
}

/* A decimal with no sign and no leading zero, at most INT64_MAX: 0 or -1. */
static int
parse_decimal(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (INT64_MAX - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

static uint32_t
get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t
get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

uint32_t
note_key_id(const char *name, unsigned char type, const unsigned char pk[CRY_PK_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, pk, CRY_PK_BYTES);
	crypto_hash_sha256_final(&st, h);
	return get_be32(h);
}

size_t
note_vkey(const char *name, const unsigned char pk[CRY_PK_BYTES], char out[CKPT_VKEY_MAX])
{
	unsigned char key[1 + CRY_PK_BYTES];
	size_t n = strlen(name), k;

	if (!valid_name(name, n))
		return 0;
	key[0] = TYPE_ED25519;
	memcpy(key + 1, pk, CRY_PK_BYTES);
	memcpy(out, name, n);
	snprintf(out + n, CKPT_VKEY_MAX - n, "+%08" PRIx32 "+", note_key_id(name, TYPE_ED25519, pk));
	n += 10;
	k = ckpt_b64_encode(key, sizeof key, out + n, CKPT_VKEY_MAX - n);
	return k ? n + k : 0;
}

int
note_vkey_parse(const char *vkey, char name[CKPT_ORIGIN_MAX + 1], unsigned char pk[CRY_PK_BYTES])
{
	const char *plus = strchr(vkey, '+'), *b64;
	unsigned char key[1 + CRY_PK_BYTES + 1], id[4];
	size_t n, klen;
	int i;

	if (plus == NULL || !valid_name(vkey, (size_t)(plus - vkey)))
		return -1;
	n = (size_t)(plus - vkey);
	for (i = 1; i <= 8; i++)	/* the id: 8 lowercase hex digits, as they are written */
		if (!((plus[i] >= '0' && plus[i] <= '9') || (plus[i] >= 'a' && plus[i] <= 'f')))
			return -1;
	b64 = plus + 9;
	if (*b64 != '+' || sodium_hex2bin(id, 4, plus + 1, 8, NULL, NULL, NULL) != 0)
		return -1;
	b64++;
	if (ckpt_b64_decode(b64, strlen(b64), key, sizeof key, &klen) != 0 ||
	    klen != 1 + CRY_PK_BYTES || key[0] != TYPE_ED25519)
		return -1;
	memcpy(name, vkey, n);
	name[n] = '\0';
	if (note_key_id(name, TYPE_ED25519, key + 1) != get_be32(id))
		return -1;
	memcpy(pk, key + 1, CRY_PK_BYTES);
	return 0;
}

size_t
checkpoint_body(const struct checkpoint *c, char *out, size_t cap)
{
	char root[HASH_B64_LEN + 1];
	int n;

	if (c->size < 0 || !valid_text(c->origin, strlen(c->origin), 0) || c->origin[0] == '\0')
		return 0;
	ckpt_b64_encode(c->root, TLOG_HASH_BYTES, root, sizeof root);
	n = snprintf(out, cap, "%s\n%" PRId64 "\n%s\n", c->origin, c->size, root);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* The length of the line at s (up to "\n", not included), or -1 when there is no "\n". */
static long
line_len(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);

	return nl ? (long)(nl - s) : -1;
}

int
checkpoint_parse(const char *body, size_t n, struct checkpoint *c)
{
	long l1, l2, l3, l;
	size_t off, rlen;

	if (n == 0 || body[n - 1] != '\n' || !valid_text(body, n, 1))
		return -1;
	l1 = line_len(body, n);
	if (l1 < 1 || l1 > CKPT_ORIGIN_MAX)
		return -1;
	off = (size_t)l1 + 1;
	l2 = line_len(body + off, n - off);
	if (l2 < 1 || parse_decimal(body + off, (size_t)l2, &c->size) != 0)
		return -1;
	off += (size_t)l2 + 1;
	l3 = line_len(body + off, n - off);
	if (l3 != HASH_B64_LEN || ckpt_b64_decode(body + off, HASH_B64_LEN, c->root,
	    TLOG_HASH_BYTES, &rlen) != 0 || rlen != TLOG_HASH_BYTES)
		return -1;
	for (off += HASH_B64_LEN + 1; off < n; off += (size_t)l + 1)
		if ((l = line_len(body + off, n - off)) < 1)	/* extension lines: not empty */
			return -1;
	memcpy(c->origin, body, (size_t)l1);
	c->origin[l1] = '\0';
	return 0;
}

/* Parses one signature line (without its "\n") into the next slot of nt: 0 or -1. */
static int
parse_sig_line(const char *s, size_t n, struct note *nt)
{
	unsigned char raw[CKPT_NOTE_MAX];
	struct note_sig *sg;
	const char *sp;
	size_t nlen, rlen;

	if (nt->nsigs >= CKPT_MAX_SIGS || n < SIG_PREFIX_LEN ||
	    memcmp(s, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
		return -1;
	s += SIG_PREFIX_LEN, n -= SIG_PREFIX_LEN;
	sp = memchr(s, ' ', n);
	if (sp == NULL)
		return -1;
	nlen = (size_t)(sp - s);
	if (!valid_name(s, nlen) ||
	    ckpt_b64_decode(sp + 1, n - nlen - 1, raw, sizeof raw, &rlen) != 0 || rlen < 5)
		return -1;
	sg = &nt->sigs[nt->nsigs];
	memset(sg, 0, sizeof *sg);
	memcpy(sg->name, s, nlen);
	sg->key_id = get_be32(raw);
	rlen -= 4;
	if (rlen == CRY_SIG_BYTES) {
		sg->type = TYPE_ED25519;
		memcpy(sg->sig, raw + 4, CRY_SIG_BYTES);
	} else if (rlen == COSIG_RAW && get_be64(raw + 4) <= INT64_MAX) {
		sg->type = TYPE_COSIG;
		sg->timestamp = get_be64(raw + 4);
		memcpy(sg->sig, raw + 12, CRY_SIG_BYTES);
	} else {
		if (rlen > sizeof nt->other - nt->other_len)
			return -1;
		sg->type = 0;
		sg->other_off = nt->other_len;
		sg->other_len = rlen;
		memcpy(nt->other + nt->other_len, raw + 4, rlen);
		nt->other_len += rlen;
	}
	nt->nsigs++;
	return 0;
}

/* The last "\n\n" in s, or NULL. */
static const char *
last_blank(const char *s, size_t n)
{
	size_t i;

	for (i = n; i >= 2; i--)
		if (s[i - 1] == '\n' && s[i - 2] == '\n')
			return s + i - 2;
	return NULL;
}

int
note_parse(const char *text, size_t n, struct note *out)
{
	const char *split, *p, *end = text + n;
	long l;

	out->body_len = 0;
	out->nsigs = 0;
	out->other_len = 0;
	if (n > CKPT_NOTE_MAX || !valid_text(text, n, 1) || (split = last_blank(text, n)) == NULL)
		return -1;
	p = split + 2;
	if (p == end || end[-1] != '\n')
		return -1;
	out->body_len = (size_t)(split + 1 - text);
	memcpy(out->body, text, out->body_len);
	for (; p < end; p += l + 1) {
		l = line_len(p, (size_t)(end - p));
		if (parse_sig_line(p, (size_t)l, out) != 0)
			return -1;
	}
	return 0;
}

/* The bytes of a signature line after "— name ": key id, then what the type holds. */
static size_t
sig_raw(const struct note_sig *s, const unsigned char *other, unsigned char *raw, size_t cap)
{
	size_t n;

	put_be32(raw, s->key_id);
	if (s->type == TYPE_ED25519) {
		memcpy(raw + 4, s->sig, CRY_SIG_BYTES);
		return 4 + CRY_SIG_BYTES;
	}
	if (s->type == TYPE_COSIG) {
		put_be64(raw + 4, s->timestamp);
		memcpy(raw + 12, s->sig, CRY_SIG_BYTES);
		return 4 + COSIG_RAW;
	}
	n = s->other_len;
	if (other == NULL || n == 0 || 4 + n > cap)
		return 0;
	memcpy(raw + 4, other + s->other_off, n);
	return 4 + n;
}

/* "— name base64\n" from raw bytes; returns its length or 0. */
static size_t
write_sig_line(const char *name, const unsigned char *raw, size_t rlen, char *out, size_t cap)
{
	size_t nlen = strlen(name), k, enc;

	if (rlen == 0 || SIG_PREFIX_LEN + nlen + 1 >= cap)
		return 0;
	memcpy(out, SIG_PREFIX, SIG_PREFIX_LEN);
	memcpy(out + SIG_PREFIX_LEN, name, nlen);
	out[SIG_PREFIX_LEN + nlen] = ' ';
	k = SIG_PREFIX_LEN + nlen + 1;
	enc = ckpt_b64_encode(raw, rlen, out + k, cap - k);
	if (enc == 0 || k + enc + 1 >= cap)
		return 0;
	k += enc;
	out[k++] = '\n';
	out[k] = '\0';
	return k;
}

size_t
note_sig_line(const struct note_sig *s, char *out, size_t cap)
{
	unsigned char raw[4 + COSIG_RAW];

	if (s->type != TYPE_ED25519 && s->type != TYPE_COSIG)
		return 0;
	return write_sig_line(s->name, raw, sig_raw(s, NULL, raw, sizeof raw), out, cap);
}

size_t
note_write(const struct note *nt, char *out, size_t cap)
{
	unsigned char raw[4 + CKPT_NOTE_MAX];
	size_t n, k;
	int i;

	if (nt->nsigs < 1 || nt->body_len + 1 >= cap)
		return 0;
	memcpy(out, nt->body, nt->body_len);
	n = nt->body_len;
	out[n++] = '\n';
	for (i = 0; i < nt->nsigs; i++) {
		k = write_sig_line(nt->sigs[i].name, raw,
		    sig_raw(&nt->sigs[i], nt->other, raw, sizeof raw), out + n, cap - n);
		if (k == 0)
			return 0;
		n += k;
	}
	return n;
}

/* The slot for a new line of (name, id): the one it replaces, or a free one; NULL if full. */
static struct note_sig *
sig_slot(struct note *nt, const char *name, uint32_t id)
{
	int i;

	for (i = 0; i < nt->nsigs; i++)
		if (nt->sigs[i].key_id == id && strcmp(nt->sigs[i].name, name) == 0)
			return &nt->sigs[i];
	if (nt->nsigs >= CKPT_MAX_SIGS)
		return NULL;
	return &nt->sigs[nt->nsigs++];
}

/* A body that a note may carry: so that what we sign, note_parse reads back. */
static int
body_ok(const struct note *nt)
{
	return nt->body_len > 0 && nt->body_len < CKPT_NOTE_MAX &&
	    nt->body[nt->body_len - 1] == '\n' && valid_text(nt->body, nt->body_len, 1);
}

int
note_sign(struct note *nt, const char *name, const unsigned char sk[CRY_SK_BYTES])
{
	const unsigned char *pk = sk + CRY_SEED_BYTES;	/* libsodium's sk is seed || pk */
	struct note_sig *s;

	if (!body_ok(nt) || !valid_name(name, strlen(name)))
		return -1;
	s = sig_slot(nt, name, note_key_id(name, TYPE_ED25519, pk));
	if (s == NULL)
		return -1;
	memset(s, 0, sizeof *s);
	strcpy(s->name, name);	/* valid_name bounds it */
	s->key_id = note_key_id(name, TYPE_ED25519, pk);
	s->type = TYPE_ED25519;
	cry_sign(sk, nt->body, nt->body_len, s->sig);
	return 0;
}

/*
 * Checks every line with name and the key id of (name, type, pk): 1 when one verifies and none
 * fails, 0 otherwise. A cosignature's message depends on the line's time, so it is built per
 * line.
 */
static int
check_lines(const struct note *nt, const char *name, unsigned char type,
    const unsigned char pk[CRY_PK_BYTES], uint64_t *timestamp)
{
	static const char cos[] = "cosignature/v1\ntime ";
	char msg[sizeof cos + 24 + CKPT_NOTE_MAX];
	uint32_t id = note_key_id(name, type, pk);
	size_t n;
	int i, good = 0;

	if (!body_ok(nt))
		return 0;
	for (i = 0; i < nt->nsigs; i++) {
		const struct note_sig *s = &nt->sigs[i];

		if (s->key_id != id || strcmp(s->name, name) != 0)
			continue;
		if (s->type != type)	/* the key's name and id, not its shape: a bad signature */
			return 0;
		if (type == TYPE_COSIG)
			n = (size_t)snprintf(msg, sizeof msg, "%s%" PRIu64 "\n", cos, s->timestamp);
		else
			n = 0;
		memcpy(msg + n, nt->body, nt->body_len);
		if (!cry_verify(pk, msg, n + nt->body_len, s->sig))
			return 0;
		if (!good && timestamp != NULL)
			*timestamp = s->timestamp;
		good = 1;
	}
	return good;
}

int
note_verify(const struct note *nt, const char *name, const unsigned char pk[CRY_PK_BYTES])
{
	return check_lines(nt, name, TYPE_ED25519, pk, NULL);
}

int
note_cosign(struct note *nt, const char *name, const unsigned char sk[CRY_SK_BYTES],
    uint64_t timestamp)
{
	const unsigned char *pk = sk + CRY_SEED_BYTES;
	char msg[64 + CKPT_NOTE_MAX];
	struct note_sig *s;
	int n;

	if (!body_ok(nt) || !valid_name(name, strlen(name)) || timestamp > INT64_MAX)
		return -1;
	s = sig_slot(nt, name, note_key_id(name, TYPE_COSIG, pk));
	if (s == NULL)
		return -1;
	memset(s, 0, sizeof *s);
	strcpy(s->name, name);
	s->key_id = note_key_id(name, TYPE_COSIG, pk);
	s->type = TYPE_COSIG;
	s->timestamp = timestamp;
	n = snprintf(msg, sizeof msg, "cosignature/v1\ntime %" PRIu64 "\n", timestamp);
	memcpy(msg + n, nt->body, nt->body_len);
	cry_sign(sk, msg, (size_t)n + nt->body_len, s->sig);
	return 0;
}

int
note_cosigned(const struct note *nt, const char *name, const unsigned char pk[CRY_PK_BYTES],
    uint64_t *timestamp)
{
	return check_lines(nt, name, TYPE_COSIG, pk, timestamp);
}

/* Appends s (n bytes) at *off in out: 0, or -1 when it does not fit (a NUL stays possible). */
static int
put(char *out, size_t cap, size_t *off, const char *s, size_t n)
{
	if (n >= cap - *off)
		return -1;
	memcpy(out + *off, s, n);
	*off += n;
	out[*off] = '\0';
	return 0;
}

size_t
tlog_proof_write(const struct tlog_proof *p, char *out, size_t cap)
{
	char line[32 + 4 * TLOG_LEAF_MAX / 3 + 8];
	size_t off = 0, k;
	int i;

	if (cap == 0 || p->index < 0 || p->n < 0 || p->n > TLOG_MAX_PROOF ||
	    p->extra_len > TLOG_LEAF_MAX || put(out, cap, &off, PROOF_HEADER, strlen(PROOF_HEADER)))
		return 0;
	if (p->extra_len > 0) {
		memcpy(line, "extra ", 6);
		k = ckpt_b64_encode(p->extra, p->extra_len, line + 6, sizeof line - 7);
		line[6 + k] = '\n';
		if (put(out, cap, &off, line, 7 + k))
			return 0;
	}
	k = (size_t)snprintf(line, sizeof line, "index %" PRId64 "\n", p->index);
	if (put(out, cap, &off, line, k))
		return 0;
	for (i = 0; i < p->n; i++) {
		ckpt_b64_encode(p->hashes[i], TLOG_HASH_BYTES, line, sizeof line);
		line[HASH_B64_LEN] = '\n';
		if (put(out, cap, &off, line, HASH_B64_LEN + 1))
			return 0;
	}
	if (put(out, cap, &off, "\n", 1))
		return 0;
	k = note_write(&p->checkpoint, out + off, cap - off);
	return k && off + k < cap ? off + k : 0;
}

int
tlog_proof_parse(const char *text, size_t n, struct tlog_proof *p)
{
	const char *s = text, *end = text + n;
	struct checkpoint c;
	size_t hlen = strlen(PROOF_HEADER), k;
	long l;

	p->extra_len = 0;
	p->n = 0;
	if (n < hlen || memcmp(s, PROOF_HEADER, hlen) != 0)
		return -1;
	s += hlen;
	if ((l = line_len(s, (size_t)(end - s))) > 6 && memcmp(s, "extra ", 6) == 0) {
		if (ckpt_b64_decode(s + 6, (size_t)l - 6, p->extra, sizeof p->extra, &k) != 0 || k == 0)
			return -1;
		p->extra_len = k;
		s += l + 1;
	}
	if ((l = line_len(s, (size_t)(end - s))) < 7 || memcmp(s, "index ", 6) != 0 ||
	    parse_decimal(s + 6, (size_t)l - 6, &p->index) != 0)
		return -1;
	for (s += l + 1; (l = line_len(s, (size_t)(end - s))) != 0; s += l + 1) {
		if (l != HASH_B64_LEN || p->n >= TLOG_MAX_PROOF ||
		    ckpt_b64_decode(s, HASH_B64_LEN, p->hashes[p->n], TLOG_HASH_BYTES, &k) != 0 ||
		    k != TLOG_HASH_BYTES)
			return -1;
		p->n++;
	}
	s++;
	if (note_parse(s, (size_t)(end - s), &p->checkpoint) != 0 ||
	    checkpoint_parse(p->checkpoint.body, p->checkpoint.body_len, &c) != 0 ||
	    p->index >= c.size)
		return -1;
	return 0;
}
