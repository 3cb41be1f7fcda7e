/*
 * Every cryptographic primitive the project uses, behind one small interface, so that another
 * suite (SM2/SM3/SM4 for a 密评 assessment) can sit beside libsodium without touching callers.
 */
#ifndef CUSTODY_CRYPTO_H
#define CUSTODY_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRY_HASH_BYTES 32	/* BLAKE2b-256 */
#define CRY_PK_BYTES 32		/* Ed25519 public key */
#define CRY_SEED_BYTES 32	/* Ed25519 seed: the secret we store */
#define CRY_SK_BYTES 64		/* libsodium's expanded secret key (seed || public key) */
#define CRY_SIG_BYTES 64	/* Ed25519 signature */
#define CRY_SUITE "ed25519-blake2b256"	/* names this suite in terminal.created */

/* Must succeed before any other call; returns CST_OK or CST_ERR_INTERNAL. */
int cry_init(void);

struct cry_hash {
	unsigned char state[384] __attribute__((aligned(64)));	/* crypto_generichash_state */
};

void cry_hash_init(struct cry_hash *h);
void cry_hash_update(struct cry_hash *h, const void *buf, size_t n);
void cry_hash_final(struct cry_hash *h, unsigned char out[CRY_HASH_BYTES]);
void cry_hash_buf(const void *buf, size_t n, unsigned char out[CRY_HASH_BYTES]);

void cry_keypair_from_seed(const unsigned char seed[CRY_SEED_BYTES],
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES]);
/* A fresh random seed and the key pair made from it. */
void cry_keypair_new(unsigned char seed[CRY_SEED_BYTES],
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES]);
void cry_sign(const unsigned char sk[CRY_SK_BYTES], const void *msg, size_t n,
    unsigned char sig[CRY_SIG_BYTES]);
/* 1 when sig is pk's signature of msg, else 0. */
int cry_verify(const unsigned char pk[CRY_PK_BYTES], const void *msg, size_t n,
    const unsigned char sig[CRY_SIG_BYTES]);

/* HMAC-SHA-512-256 (libsodium crypto_auth): a message's tag under a 32-byte key. */
#define CRY_AUTH_KEY_BYTES 32
#define CRY_AUTH_BYTES 32
void cry_auth(const unsigned char key[CRY_AUTH_KEY_BYTES], const void *msg, size_t n,
    unsigned char tag[CRY_AUTH_BYTES]);
/* 1 when tag is msg's tag under key (compared in constant time), else 0. */
int cry_auth_verify(const unsigned char key[CRY_AUTH_KEY_BYTES], const void *msg, size_t n,
    const unsigned char tag[CRY_AUTH_BYTES]);

void cry_random(void *buf, size_t n);
/* Constant-time equality of two n-byte buffers: 1 when equal. */
int cry_equal(const void *a, const void *b, size_t n);
void cry_wipe(void *buf, size_t n);

/*
 * Authenticated secret-key encryption (XChaCha20-Poly1305, IETF): a fresh random nonce, then
 * the ciphertext with its tag. ad is bound to the result without being stored: opening with
 * other ad fails. out of cry_seal holds n + CRY_SEAL_OVERHEAD bytes; cry_open writes
 * n - CRY_SEAL_OVERHEAD bytes and returns 0, or -1 when the box is short, forged, sealed
 * with another key or bound to other ad.
 */
#define CRY_SEAL_KEY_BYTES 32
#define CRY_SEAL_OVERHEAD (24 + 16)
void cry_seal(const unsigned char key[CRY_SEAL_KEY_BYTES], const void *plain, size_t n,
    const void *ad, size_t ad_len, unsigned char *out);
int cry_open(const unsigned char key[CRY_SEAL_KEY_BYTES], const unsigned char *box,
    size_t n, const void *ad, size_t ad_len, unsigned char *out);

/*
 * Password storage: argon2id at CRY_PW_OPSLIMIT passes over CRY_PW_MEMLIMIT bytes, above
 * libsodium's interactive preset (2 passes, 64 MiB). 0 on success.
 */
#define CRY_PWHASH_BYTES 128
#define CRY_PW_OPSLIMIT 3
#define CRY_PW_MEMLIMIT (128u * 1024 * 1024)
/* What a stored hash or a sealed credential may ask of whoever checks it (a foreign one too). */
#define CRY_PW_OPSLIMIT_MAX 8
#define CRY_PW_MEMLIMIT_MAX (256u * 1024 * 1024)
int cry_pwhash(const char *password, size_t len, char out[CRY_PWHASH_BYTES]);
/*
 * 1 when password matches the stored string, else 0. The cost is read from the string, so
 * hashes made at an older cost still verify; a string that asks for more than the maxima
 * above is refused without being tried.
 */
int cry_pwhash_check(const char *stored, const char *password, size_t len);
/*
 * 1 when s is an argon2id string "$argon2id$v=19$m=KiB,t=N,p=1$salt$hash" within the maxima
 * above; the cost is stored in *ops and *mem (bytes) when they are not NULL.
 */
int cry_pwhash_str_ok(const char *s, unsigned long long *ops, size_t *mem);
/* 1 when a stored hash was made at another cost than today's (crypto_pwhash_str_needs_rehash). */
int cry_pwhash_needs_rehash(const char *stored);
/*
 * A 32-byte key from a password (argon2id, the given salt and cost), for sealing a secret
 * under it: 0, or -1 when the cost is outside the maxima or memory is short.
 */
#define CRY_PWSALT_BYTES 16
int cry_pwkey(const char *password, size_t len, const unsigned char salt[CRY_PWSALT_BYTES],
    unsigned long long ops, size_t mem, unsigned char key[CRY_SEAL_KEY_BYTES]);

#endif
