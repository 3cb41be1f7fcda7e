/* The center key: authority members of reference events, and administrators' sealed copies. */
#include "authority.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"
#include "keyfile.h"
#include "xmalloc.h"

static const char *const reference_prefixes[] = {
	"operator.", "role.", "officer.", "zone.", "key.", "center."
};

int
authority_kind_needs(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof reference_prefixes / sizeof reference_prefixes[0]; i++)
		if (strncmp(kind, reference_prefixes[i], strlen(reference_prefixes[i])) == 0)
			return 1;
	return 0;
}

void
authority_new_center(struct authority *a, const char *admin)
{
	unsigned char seed[CRY_SEED_BYTES];

	memset(a, 0, sizeof *a);
	snprintf(a->admin, sizeof a->admin, "%s", admin);
	cry_keypair_new(seed, a->pk, a->sk);
	cry_wipe(seed, sizeof seed);
}

void
authority_wipe(struct authority *a)
{
	cry_wipe(a, sizeof *a);
}

/*
 * BLAKE2b-256 of str(domain) center(32) str(admin) str(terminal) str(kind) str(subject)
 * str(body without the authority member), every str a 4-byte big-endian length and the bytes.
 */
static void
message_hash(const unsigned char center[CRY_PK_BYTES], const char *admin, const char *terminal,
    const char *kind, const char *subject, const char *prefix, size_t prefix_len,
    unsigned char out[CRY_HASH_BYTES])
{
	struct cry_hash h;

	cry_hash_init(&h);
	event_hash_str(&h, AUTH_DOMAIN);
	cry_hash_update(&h, center, CRY_PK_BYTES);
	event_hash_str(&h, admin);
	event_hash_str(&h, terminal);
	event_hash_str(&h, kind);
	event_hash_str(&h, subject);
	/* the body without its authority member: the prefix and the closing brace */
	event_hash_u32(&h, (uint32_t)(prefix_len + 1));
	cry_hash_update(&h, prefix, prefix_len);
	cry_hash_update(&h, "}", 1);
	cry_hash_final(&h, out);
}

/* ,"authority":{"admin":"..","center":"..","sig":".."}} : the exact tail of a signed body. */
static size_t
suffix_text(const char *admin, const unsigned char center[CRY_PK_BYTES],
    const unsigned char sig[CRY_SIG_BYTES], char *out, size_t size)
{
	char ch[2 * CRY_PK_BYTES + 1], sh[2 * CRY_SIG_BYTES + 1];
	int n;

	hex_encode(center, CRY_PK_BYTES, ch);
	hex_encode(sig, CRY_SIG_BYTES, sh);
	n = snprintf(out, size, ",\"authority\":{\"admin\":\"%s\",\"center\":\"%s\",\"sig\":\"%s\"}}",
	    admin, ch, sh);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

#define SUFFIX_MAX (64 + EV_MAX_ID + 2 * CRY_PK_BYTES + 2 * CRY_SIG_BYTES)

int
authority_attach(const struct authority *a, const char *terminal, const char *kind,
    const char *subject, const char *body, size_t len, char **out, size_t *out_len,
    struct errmsg *em)
{
	unsigned char hash[CRY_HASH_BYTES], sig[CRY_SIG_BYTES];
	char suffix[SUFFIX_MAX];
	size_t n;

	/* At least one member before the authority: "{" + something + "}". */
	if (len < 3 || body[0] != '{' || body[len - 1] != '}' ||
	    !event_valid_id(a->admin, strlen(a->admin)))
		return err_set(em, CST_ERR_ARG, "authority_attach: not a body with members");
	message_hash(a->pk, a->admin, terminal, kind, subject, body, len - 1, hash);
	cry_sign(a->sk, hash, sizeof hash, sig);
	n = suffix_text(a->admin, a->pk, sig, suffix, sizeof suffix);
	if (n == 0)
		return err_set(em, CST_ERR_INTERNAL, "authority_attach: suffix");
	*out = xmalloc(len - 1 + n + 1);
	memcpy(*out, body, len - 1);
	memcpy(*out + len - 1, suffix, n + 1);
	*out_len = len - 1 + n;
	return CST_OK;
}

static int
bad(struct errmsg *em, const char *why)
{
	return err_set(em, CST_ERR_INPUT, _("authority: %s"), why);
}

int
authority_check(const struct event *ev, const struct json *body, struct authority_proof *p,
    struct errmsg *em)
{
	unsigned char sig[CRY_SIG_BYTES], hash[CRY_HASH_BYTES];
	char suffix[SUFFIX_MAX];
	const struct json *auth;
	const char *admin, *center, *s;
	size_t n, count = json_count(body);

	memset(p, 0, sizeof *p);
	auth = json_get(body, "authority");
	if (auth == NULL)
		return CST_OK;
	/* Keys are unique (the parser refuses duplicates); the authority must come last. */
	if (count < 2 || strcmp(json_key_at(body, count - 1), "authority") != 0)
		return bad(em, _("the authority member must be the body's last, after others"));
	if (json_type(auth) != JSON_OBJECT || json_count(auth) != 3)
		return bad(em, _("the authority member must hold admin, center and sig"));
	admin = json_get_str(auth, "admin");
	center = json_get_str(auth, "center");
	s = json_get_str(auth, "sig");
	if (admin == NULL || !event_valid_id(admin, strlen(admin)) || center == NULL ||
	    hex_decode(center, strlen(center), p->center, CRY_PK_BYTES) != 0 || s == NULL ||
	    hex_decode(s, strlen(s), sig, CRY_SIG_BYTES) != 0)
		return bad(em, _("admin, center or sig is not valid"));
	if (strcmp(admin, ev->operator_) != 0)
		return bad(em, _("the event's operator is not the administrator who signed it"));
	n = suffix_text(admin, p->center, sig, suffix, sizeof suffix);
	if (n == 0 || ev->body_len < n + 2 || memcmp(ev->body + ev->body_len - n, suffix, n) != 0)
		return bad(em, _("the authority member is not in its canonical form"));
	message_hash(p->center, admin, ev->terminal, ev->kind, ev->subject, ev->body,
	    ev->body_len - n, hash);
	if (!cry_verify(p->center, hash, sizeof hash, sig))
		return bad(em, _("the signature does not verify under the center key it names"));
	snprintf(p->admin, sizeof p->admin, "%s", admin);
	p->present = 1;
	return CST_OK;
}

/* The associated data of a sealed credential: domain, administrator, center. */
static size_t
seal_ad(const char *id, const unsigned char center[CRY_PK_BYTES], unsigned char *ad,
    size_t size)
{
	size_t d = strlen(AUTH_SEAL_DOMAIN), n = strlen(id);

	if (d + 1 + n + 1 + CRY_PK_BYTES > size)
		return 0;
	memcpy(ad, AUTH_SEAL_DOMAIN, d + 1);
	memcpy(ad + d + 1, id, n + 1);
	memcpy(ad + d + 1 + n + 1, center, CRY_PK_BYTES);
	return d + 1 + n + 1 + CRY_PK_BYTES;
}

#define SEALED_BYTES (CRY_SEED_BYTES + CRY_SEAL_OVERHEAD)

int
authority_seal(const struct authority *a, const char *id, const char *password, struct jw *w,
    struct errmsg *em)
{
	unsigned char salt[CRY_PWSALT_BYTES], key[CRY_SEAL_KEY_BYTES], box[SEALED_BYTES];
	unsigned char ad[128];
	size_t adn = seal_ad(id, a->pk, ad, sizeof ad);

	cry_random(salt, sizeof salt);
	if (adn == 0 || cry_pwkey(password, strlen(password), salt, CRY_PW_OPSLIMIT,
	    CRY_PW_MEMLIMIT, key) != 0)
		return err_set(em, CST_ERR_INTERNAL,
		    _("cannot derive a key from the password (out of memory?)"));
	/* The seed is the first half of libsodium's secret key. */
	cry_seal(key, a->sk, CRY_SEED_BYTES, ad, adn, box);
	cry_wipe(key, sizeof key);
	jw_obj_begin(w);
	jw_key(w, "center");
	jw_hex(w, a->pk, CRY_PK_BYTES);
	jw_key(w, "salt");
	jw_hex(w, salt, sizeof salt);
	jw_key(w, "opslimit");
	jw_int(w, CRY_PW_OPSLIMIT);
	jw_key(w, "memlimit");
	jw_int(w, CRY_PW_MEMLIMIT);
	jw_key(w, "sealed");
	jw_hex(w, box, sizeof box);
	jw_obj_end(w);
	return CST_OK;
}

struct cred {
	unsigned char center[CRY_PK_BYTES];
	unsigned char salt[CRY_PWSALT_BYTES];
	unsigned char box[SEALED_BYTES];
	int64_t ops, mem;
};

static int
read_hex(const struct json *cred, const char *key, unsigned char *out, size_t n)
{
	const char *s = json_get_str(cred, key);

	return s != NULL && hex_decode(s, strlen(s), out, n) == 0;
}

static int
read_cred(const struct json *cred, struct cred *c, struct errmsg *em)
{
	if (json_type(cred) != JSON_OBJECT || json_count(cred) != 5 ||
	    !read_hex(cred, "center", c->center, sizeof c->center) ||
	    !read_hex(cred, "salt", c->salt, sizeof c->salt) ||
	    !read_hex(cred, "sealed", c->box, sizeof c->box) ||
	    json_get_int(cred, "opslimit", &c->ops) != CST_OK ||
	    json_get_int(cred, "memlimit", &c->mem) != CST_OK)
		return err_set(em, CST_ERR_INPUT, _("the credential must hold center, salt, "
		    "opslimit, memlimit and sealed"));
	if (c->ops < 1 || c->ops > CRY_PW_OPSLIMIT_MAX || c->mem < 8192 ||
	    c->mem > (int64_t)CRY_PW_MEMLIMIT_MAX)
		return err_set(em, CST_ERR_INPUT, _("the credential's cost is out of bounds "
		    "(at most %d passes over %u MiB)"), CRY_PW_OPSLIMIT_MAX,
		    CRY_PW_MEMLIMIT_MAX >> 20);
	return CST_OK;
}

int
authority_credential_ok(const struct json *cred, struct errmsg *em)
{
	struct cred c;

	return read_cred(cred, &c, em);
}

int
authority_unseal(const struct json *cred, const char *id, const char *password,
    struct authority *a, struct errmsg *em)
{
	unsigned char key[CRY_SEAL_KEY_BYTES], seed[CRY_SEED_BYTES], ad[128];
	struct cred c;
	size_t adn;
	int status;

	if ((status = read_cred(cred, &c, em)) != CST_OK)
		return status;
	if ((adn = seal_ad(id, c.center, ad, sizeof ad)) == 0)
		return err_set(em, CST_ERR_INPUT, _("the credential's administrator id is too long"));
	if (cry_pwkey(password, strlen(password), c.salt, (unsigned long long)c.ops,
	    (size_t)c.mem, key) != 0)
		return err_set(em, CST_ERR_INTERNAL,
		    _("cannot derive a key from the password (out of memory?)"));
	status = cry_open(key, c.box, sizeof c.box, ad, adn, seed);
	cry_wipe(key, sizeof key);
	if (status != 0)
		return err_set(em, CST_ERR_PERM, _("the password does not open %s's credential"), id);
	memset(a, 0, sizeof *a);
	snprintf(a->admin, sizeof a->admin, "%s", id);
	cry_keypair_from_seed(seed, a->pk, a->sk);
	cry_wipe(seed, sizeof seed);
	if (!cry_equal(a->pk, c.center, CRY_PK_BYTES)) {
		authority_wipe(a);
		return err_set(em, CST_ERR_INPUT, _("%s's credential opens to another key than "
		    "the center it names"), id);
	}
	return CST_OK;
}

#define PUB_MAGIC "custody-center-key 1\npublic_key "

int
authority_pub_write(const char *path, const unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	char text[sizeof PUB_MAGIC + 2 * CRY_PK_BYTES + 2];
	size_t n = sizeof PUB_MAGIC - 1;

	memcpy(text, PUB_MAGIC, n);
	hex_encode(pk, CRY_PK_BYTES, text + n);
	n += 2 * CRY_PK_BYTES;
	text[n++] = '\n';
	return keyfile_write(path, text, n, em);
}

int
authority_pub_read(const char *arg, unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	char text[256];
	size_t n;
	FILE *f;

	if (strlen(arg) == 2 * CRY_PK_BYTES && hex_decode(arg, strlen(arg), pk, CRY_PK_BYTES) == 0)
		return CST_OK;
	if ((f = fopen(arg, "r")) == NULL)
		return err_set(em, errno == ENOENT ? CST_ERR_NOTFOUND : CST_ERR_IO,
		    _("%s: %s (give the center's key file, center.pub, or its 64 hex digits)"),
		    arg, strerror(errno));
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	if (n != sizeof PUB_MAGIC - 1 + 2 * CRY_PK_BYTES + 1 ||
	    strncmp(text, PUB_MAGIC, sizeof PUB_MAGIC - 1) != 0 || text[n - 1] != '\n' ||
	    hex_decode(text + sizeof PUB_MAGIC - 1, 2 * CRY_PK_BYTES, pk, CRY_PK_BYTES) != 0)
		return err_set(em, CST_ERR_INPUT, _("%s is not a center key file "
		    "(\"custody-center-key 1\" and public_key)"), arg);
	return CST_OK;
}
