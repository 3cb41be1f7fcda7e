/*
 * Fingerprint templates at rest: the center's biometric key (DATA/biometric.key, the same file
 * on every terminal of a center, so a finger enrolled at collection can be matched at exit),
 * the fingers, and templates sealed with XChaCha20-Poly1305 bound to the visit and the finger.
 * The journal and the ledger only ever see sealed templates (docs/console.md, "Fingerprints").
 */
#ifndef CUSTODY_BIOMETRIC_H
#define CUSTODY_BIOMETRIC_H

#include <stddef.h>

#include "crypto.h"
#include "error.h"

#define BIOKEY_FILE "biometric.key"
#define BIO_FINGERS 10
#define BIO_TPL_MAX 1536		/* a template's bytes: the R503 uploads 1,536, the R30x 512 */
#define BIO_SEALED_MAX (BIO_TPL_MAX + CRY_SEAL_OVERHEAD)
#define BIO_KEY_ID_LEN 16		/* hex digits naming a key without revealing it */

struct biokey {
	unsigned char key[CRY_SEAL_KEY_BYTES];
	char id[BIO_KEY_ID_LEN + 1];
};

/* Stable keys of the ten fingers (r_thumb … l_little) and their translated names. */
extern const char *const bio_finger_keys[BIO_FINGERS];
extern const char *const bio_finger_names[BIO_FINGERS];	/* untranslated */
const char *bio_finger_label(const char *key);
/* Index of a finger key, or -1. */
int bio_finger_index(const char *key);

/* Writes a fresh key to DIR/biometric.key (0600); refuses to overwrite one. */
int biokey_create(const char *dir, struct errmsg *em);
/* Copies the key file at from (checked like any key file) into DIR/biometric.key. */
int biokey_import(const char *dir, const char *from, struct errmsg *em);
/* Loads DIR/biometric.key, or the file itself when path names one (is_file). */
int biokey_load(const char *path, int is_file, struct biokey *k, struct errmsg *em);
void biokey_wipe(struct biokey *k);

/* Seals n template bytes for (visit, finger) into out (n + CRY_SEAL_OVERHEAD bytes). */
void bio_seal(const struct biokey *k, const char *visit, const char *finger,
    const unsigned char *tpl, size_t n, unsigned char *out);
/*
 * Opens a sealed template of (visit, finger) into out (at least BIO_TPL_MAX bytes), *n its
 * length. CST_ERR_VERIFY when it was sealed with another key (key_id says which) or for
 * another visit or finger, or was altered.
 */
int bio_open(const struct biokey *k, const char *key_id, const char *visit,
    const char *finger, const unsigned char *box, size_t box_len, unsigned char *out,
    size_t *n, struct errmsg *em);

#endif
