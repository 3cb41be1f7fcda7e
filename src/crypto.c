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
 * argon2id with 9 MiB and 4 passes: one of OWASP's equivalent argon2id settings (m=9216 KiB,
 * t=4, p=1). libsodium's "interactive" preset takes 64 MiB, which would triple the console's
 * peak memory at every login for no gain in strength over the equivalent settings.
 */
#define PW_OPSLIMIT 4
#define PW_MEMLIMIT (9u * 1024 * 1024)

int
cry_pwhash(const char *password, size_t len, char out[CRY_PWHASH_BYTES])
{
	return crypto_pwhash_str_alg(out, password, len, PW_OPSLIMIT, PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

int
cry_pwhash_check(const char *stored, const char *password, size_t len)
{
	return crypto_pwhash_str_verify(stored, password, len) == 0;
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
