/* The center's biometric key and sealed fingerprint templates (biometric.h). */
#include "biometric.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"
#include "keyfile.h"

#define BIOKEY_MAGIC "custody-biometric-key 1"
#define SEAL_DOMAIN "custody.fingerprint.v1"
#define ID_DOMAIN "custody.biokey.id.v1"

const char *const bio_finger_keys[BIO_FINGERS] = {
	"r_thumb", "r_index", "r_middle", "r_ring", "r_little",
	"l_thumb", "l_index", "l_middle", "l_ring", "l_little"
};

const char *const bio_finger_names[BIO_FINGERS] = {
	N_("right thumb"), N_("right index finger"), N_("right middle finger"),
	N_("right ring finger"), N_("right little finger"),
	N_("left thumb"), N_("left index finger"), N_("left middle finger"),
	N_("left ring finger"), N_("left little finger")
};

int
bio_finger_index(const char *key)
{
	int i;

	for (i = 0; i < BIO_FINGERS; i++)
		if (strcmp(bio_finger_keys[i], key) == 0)
			return i;
	return -1;
}

const char *
bio_finger_label(const char *key)
{
	int i = bio_finger_index(key);

	return i < 0 ? key : _(bio_finger_names[i]);
}

static void
key_id(const unsigned char key[CRY_SEAL_KEY_BYTES], char out[BIO_KEY_ID_LEN + 1])
{
	unsigned char h[CRY_HASH_BYTES];
	struct cry_hash st;

	cry_hash_init(&st);
	cry_hash_update(&st, ID_DOMAIN, strlen(ID_DOMAIN));
	cry_hash_update(&st, key, CRY_SEAL_KEY_BYTES);
	cry_hash_final(&st, h);
	hex_encode(h, BIO_KEY_ID_LEN / 2, out);
}

static int
key_path(const char *dir, char *path, size_t size, struct errmsg *em)
{
	if ((size_t)snprintf(path, size, "%s/%s", dir, BIOKEY_FILE) >= size)
		return err_set(em, CST_ERR_ARG, _("the data directory path is too long"));
	return CST_OK;
}

static int
write_key(const char *dir, const unsigned char key[CRY_SEAL_KEY_BYTES], struct errmsg *em)
{
	char path[PATH_MAX], text[128], hex[2 * CRY_SEAL_KEY_BYTES + 1];
	int n, status;

	if ((status = key_path(dir, path, sizeof path, em)) != CST_OK)
		return status;
	hex_encode(key, CRY_SEAL_KEY_BYTES, hex);
	n = snprintf(text, sizeof text, "%s\nkey %s\n", BIOKEY_MAGIC, hex);
	status = keyfile_write(path, text, (size_t)n, em);
	cry_wipe(hex, sizeof hex);
	cry_wipe(text, sizeof text);
	return status;
}

int
biokey_create(const char *dir, struct errmsg *em)
{
	unsigned char key[CRY_SEAL_KEY_BYTES];
	int status;

	cry_random(key, sizeof key);
	status = write_key(dir, key, em);
	cry_wipe(key, sizeof key);
	return status;
}

int
biokey_import(const char *dir, const char *from, struct errmsg *em)
{
	struct biokey k;
	int status;

	status = biokey_load(from, 1, &k, em);
	if (status == CST_OK)
		status = write_key(dir, k.key, em);
	biokey_wipe(&k);
	return status;
}

/* "custody-biometric-key 1\nkey HEX\n", nothing else. */
static int
parse_key(const char *path, const char *text, unsigned char key[CRY_SEAL_KEY_BYTES],
    struct errmsg *em)
{
	const char *line = text + strlen(BIOKEY_MAGIC) + 1;

	if (strncmp(text, BIOKEY_MAGIC "\n", strlen(BIOKEY_MAGIC) + 1) != 0)
		return keyfile_damaged(path, em, _("no key header"));
	if (strncmp(line, "key ", 4) != 0 || strlen(line) != 4 + 2 * CRY_SEAL_KEY_BYTES + 1 ||
	    line[4 + 2 * CRY_SEAL_KEY_BYTES] != '\n' ||
	    hex_decode(line + 4, 2 * CRY_SEAL_KEY_BYTES, key, CRY_SEAL_KEY_BYTES) != 0)
		return keyfile_damaged(path, em, _("the key is not 64 hex digits: truncated?"));
	return CST_OK;
}

int
biokey_load(const char *where, int is_file, struct biokey *k, struct errmsg *em)
{
	char path[PATH_MAX], text[KEYFILE_MAX + 1];
	int status;

	memset(k, 0, sizeof *k);
	if (is_file)
		status = (size_t)snprintf(path, sizeof path, "%s", where) < sizeof path ? CST_OK :
		    err_set(em, CST_ERR_ARG, _("the key file path is too long"));
	else
		status = key_path(where, path, sizeof path, em);
	if (status == CST_OK)
		status = keyfile_read(path, text, sizeof text, em);
	if (status == CST_ERR_NOTFOUND)
		return err_set(em, status, _("%s is missing: fingerprints can be neither captured "
		    "nor matched without the center's biometric key; copy it from another "
		    "terminal of this center (see custody(1), init --biometric-key)"), path);
	if (status == CST_OK)
		status = parse_key(path, text, k->key, em);
	cry_wipe(text, sizeof text);
	if (status == CST_OK)
		key_id(k->key, k->id);
	else
		biokey_wipe(k);
	return status;
}

void
biokey_wipe(struct biokey *k)
{
	cry_wipe(k, sizeof *k);
}

/* What the seal is bound to: the domain, the visit and the finger, so a template cannot be
 * moved to another person or another finger without the open failing. */
static size_t
seal_ad(const char *visit, const char *finger, char *ad, size_t size)
{
	int n = snprintf(ad, size, "%s\n%s\n%s", SEAL_DOMAIN, visit, finger);

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void
bio_seal(const struct biokey *k, const char *visit, const char *finger,
    const unsigned char *tpl, size_t n, unsigned char *out)
{
	char ad[256];
	size_t ad_len = seal_ad(visit, finger, ad, sizeof ad);

	cry_seal(k->key, tpl, n, ad, ad_len, out);
}

int
bio_open(const struct biokey *k, const char *id, const char *visit, const char *finger,
    const unsigned char *box, size_t box_len, unsigned char *out, size_t *n,
    struct errmsg *em)
{
	char ad[256];
	size_t ad_len = seal_ad(visit, finger, ad, sizeof ad);

	*n = 0;
	if (strcmp(id, k->id) != 0)
		return err_set(em, CST_ERR_VERIFY, _("this fingerprint was sealed with the "
		    "biometric key %s, but this terminal holds key %s: every terminal of a center "
		    "needs the same biometric.key"), id, k->id);
	if (box_len < CRY_SEAL_OVERHEAD || box_len > BIO_SEALED_MAX ||
	    cry_open(k->key, box, box_len, ad, ad_len, out) != 0)
		return err_set(em, CST_ERR_VERIFY, _("the sealed fingerprint does not open: it was "
		    "altered or belongs to another person or finger"));
	*n = box_len - CRY_SEAL_OVERHEAD;
	return CST_OK;
}
