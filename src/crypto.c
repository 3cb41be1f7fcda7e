/* The libsodium suite: BLAKE2b-256, Ed25519, argon2id. */
#include "crypto.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "error.h"

_Static_assert(sizeof(crypto_generichash_state) <= sizeof(((struct cry_hash *)0)->state),
    "cry_hash state too small");
_Static_assert(CRY_HASH_BYTES >= crypto_generichash_BYTES_MIN, "hash size");
_Static_assert(CRY_PK_BYTES == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(CRY_SK_BYTES == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(CRY_SEED_BYTES == crypto_sign_SEEDBYTES, "seed size");
_Static_assert(CRY_SIG_BYTES == crypto_sign_BYTES, "signature size");
_Static_assert(CRY_AUTH_BYTES == crypto_auth_BYTES && CRY_AUTH_KEY_BYTES == crypto_auth_KEYBYTES,
    "HMAC-SHA-512-256 sizes");
_Static_assert(CRY_PWHASH_BYTES == crypto_pwhash_STRBYTES, "password hash size");

int
cry_init(void)
{
	return sodium_init() < 0 ? CST_ERR_INTERNAL : CST_OK;
}

void
cry_hash_init(struct cry_hash *h)
{
	crypto_generichash_init((crypto_generichash_state *)h->state, NULL, 0, CRY_HASH_BYTES);
}

void
cry_hash_update(struct cry_hash *h, const void *buf, size_t n)
{
	crypto_generichash_update((crypto_generichash_state *)h->state, buf, n);
}

void
cry_hash_final(struct cry_hash *h, unsigned char out[CRY_HASH_BYTES])
{
	crypto_generichash_final((crypto_generichash_state *)h->state, out, CRY_HASH_BYTES);
}

void
cry_hash_buf(const void *buf, size_t n, unsigned char out[CRY_HASH_BYTES])
{
	crypto_generichash(out, CRY_HASH_BYTES, buf, n, NULL, 0);
}

void
cry_keypair_from_seed(const unsigned char seed[CRY_SEED_BYTES],
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

void
cry_keypair_new(unsigned char seed[CRY_SEED_BYTES],
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES])
{
	randombytes_buf(seed, CRY_SEED_BYTES);
	crypto_sign_seed_keypair(pk, sk, seed);
}

void
cry_sign(const unsigned char sk[CRY_SK_BYTES], const void *msg, size_t n,
    unsigned char sig[CRY_SIG_BYTES])
{
	crypto_sign_detached(sig, NULL, msg, n, sk);
}

int
cry_verify(const unsigned char pk[CRY_PK_BYTES], const void *msg, size_t n,
    const unsigned char sig[CRY_SIG_BYTES])
{
	return crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

void
cry_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void
cry_auth(const unsigned char key[CRY_AUTH_KEY_BYTES], const void *msg, size_t n,
    unsigned char tag[CRY_AUTH_BYTES])
{
	crypto_auth(tag, msg, n, key);
}

int
cry_auth_verify(const unsigned char key[CRY_AUTH_KEY_BYTES], const void *msg, size_t n,
    const unsigned char tag[CRY_AUTH_BYTES])
{
	return crypto_auth_verify(tag, msg, n, key) == 0;
}

int
cry_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void
cry_wipe(void *buf, size_t n)
{
	sodium_memzero(buf, n);
}

/*
 * argon2id at 3 passes over 128 MiB: about 0.18 s per login on the development machine (2
 * cores), where libsodium's interactive preset (2 passes, 64 MiB) takes 0.05 s and the old
 * cost (4 passes, 9 MiB) 0.01 s. An offline guess at a stolen journal's hashes (or at an
 * administrator's sealed center key, docs/journal.md "Authority") costs the same.
 */
_Static_assert(CRY_PW_MEMLIMIT <= CRY_PW_MEMLIMIT_MAX && CRY_PW_OPSLIMIT <= CRY_PW_OPSLIMIT_MAX,
    "password cost above what a receiver accepts");
_Static_assert(CRY_PWSALT_BYTES == crypto_pwhash_SALTBYTES, "password salt size");

int
cry_pwhash(const char *password, size_t len, char out[CRY_PWHASH_BYTES])
{
	return crypto_pwhash_str_alg(out, password, len, CRY_PW_OPSLIMIT, CRY_PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

/* A decimal of at most 10 digits at *p, which moves past it; -1 when there is none. */
static long long
decimal(const char **p)
{
	long long v = 0;
	int n = 0;

	while (**p >= '0' && **p <= '9' && n < 10) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n == 0 || (n > 1 && (*p)[-n] == '0') ? -1 : v;
}

/* n characters of the unpadded standard base64 alphabet, then end. */
static int
b64_run(const char *s, size_t n, char end)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/'))
			return 0;
	return s[n] == end;
}

int
cry_pwhash_str_ok(const char *s, unsigned long long *ops, size_t *mem)
{
	static const char head[] = "$argon2id$v=19$m=";
	const char *p = s;
	long long m, t, par;

	if (strlen(s) >= CRY_PWHASH_BYTES || strncmp(p, head, sizeof head - 1) != 0)
		return 0;
	p += sizeof head - 1;
	if ((m = decimal(&p)) < 8 || strncmp(p, ",t=", 3) != 0)
		return 0;
	p += 3;
	if ((t = decimal(&p)) < 1 || strncmp(p, ",p=", 3) != 0)
		return 0;
	p += 3;
	if ((par = decimal(&p)) != 1 || *p++ != '$')
		return 0;
	/* 16 bytes of salt and 32 of hash, as libsodium writes them */
	if (!b64_run(p, 22, '$') || !b64_run(p + 23, 43, '\0'))
		return 0;
	if (t > CRY_PW_OPSLIMIT_MAX || (unsigned long long)m * 1024 > CRY_PW_MEMLIMIT_MAX)
		return 0;
	if (ops != NULL)
		*ops = (unsigned long long)t;
	if (mem != NULL)
		*mem = (size_t)m * 1024;
	return 1;
}

int
cry_pwhash_check(const char *stored, const char *password, size_t len)
{
	if (!cry_pwhash_str_ok(stored, NULL, NULL))
		return 0;
	return crypto_pwhash_str_verify(stored, password, len) == 0;
}

int
cry_pwhash_needs_rehash(const char *stored)
{
	return crypto_pwhash_str_needs_rehash(stored, CRY_PW_OPSLIMIT, CRY_PW_MEMLIMIT) != 0;
}

int
cry_pwkey(const char *password, size_t len, const unsigned char salt[CRY_PWSALT_BYTES],
    unsigned long long ops, size_t mem, unsigned char key[CRY_SEAL_KEY_BYTES])
{
	if (ops < 1 || ops > CRY_PW_OPSLIMIT_MAX || mem < 8192 || mem > CRY_PW_MEMLIMIT_MAX)
		return -1;
	return crypto_pwhash(key, CRY_SEAL_KEY_BYTES, password, len, salt, ops, mem,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

void
cry_seal(const unsigned char key[CRY_SEAL_KEY_BYTES], const void *plain, size_t n,
    const void *ad, size_t ad_len, unsigned char *out)
{
	unsigned long long clen;

	static_assert(CRY_SEAL_OVERHEAD == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
	    crypto_aead_xchacha20poly1305_ietf_ABYTES, "seal overhead");
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out +
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plain, n, ad, ad_len, NULL,
	    out, key);
}

int
cry_open(const unsigned char key[CRY_SEAL_KEY_BYTES], const unsigned char *box, size_t n,
    const void *ad, size_t ad_len, unsigned char *out)
{
	const size_t npub = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	unsigned long long plen;

	if (n < CRY_SEAL_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(out, &plen, NULL, box + npub,
	    n - npub, ad, ad_len, box, key) == 0 ? 0 : -1;
}
