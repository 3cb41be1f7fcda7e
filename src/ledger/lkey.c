/* The ledger's key file: "custody-ledger-key 1\nseed <64 hex>\n", mode 0600, owned by us. */
#include "lkey.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hex.h"
#include "i18n.h"
#include "store.h"

#define MAGIC "custody-ledger-key 1\nseed "
#define KEY_TEXT_LEN (sizeof MAGIC - 1 + 2 * CRY_SEED_BYTES + 1)

int
lkey_path(const char *db, char *out, size_t size, struct errmsg *em)
{
	const char *slash;
	int n;

	if (store_is_url(db))
		return err_set(em, CST_ERR_ARG, _("with a database URL, give the key file with --ledger-key"));
	slash = strrchr(db, '/');
	if (slash == NULL)
		n = snprintf(out, size, "%s", LKEY_FILE);
	else
		n = snprintf(out, size, "%.*s/%s", (int)(slash - db), db, LKEY_FILE);
	if (n < 0 || (size_t)n >= size)
		return err_set(em, CST_ERR_ARG, _("%s: path too long"), db);
	return CST_OK;
}

static int
create_key(const char *path, struct errmsg *em)
{
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char text[KEY_TEXT_LEN + 1];
	int fd, good;

	cry_keypair_new(seed, pk, sk);
	memcpy(text, MAGIC, sizeof MAGIC - 1);
	hex_encode(seed, sizeof seed, text + sizeof MAGIC - 1);
	text[KEY_TEXT_LEN - 1] = '\n';
	cry_wipe(seed, sizeof seed);
	cry_wipe(sk, sizeof sk);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(em, CST_ERR_IO, "%s: %s", path, strerror(errno));
	good = write(fd, text, KEY_TEXT_LEN) == (ssize_t)KEY_TEXT_LEN && fsync(fd) == 0;
	cry_wipe(text, sizeof text);
	if (close(fd) != 0 || !good) {
		unlink(path);
		return err_set(em, CST_ERR_IO, _("%s: could not write the key"), path);
	}
	return CST_OK;
}

int
lkey_load(const char *path, int create, unsigned char pk[CRY_PK_BYTES],
    unsigned char sk[CRY_SK_BYTES], struct errmsg *em)
{
	unsigned char seed[CRY_SEED_BYTES];
	char text[KEY_TEXT_LEN + 2];
	struct stat st;
	ssize_t n;
	int fd, status;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if ((status = create_key(path, em)) != CST_OK)
			return status;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return err_set(em, errno == ENOENT ? CST_ERR_NOTFOUND : CST_ERR_PERM, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
	    st.st_uid != geteuid()) {
		close(fd);
		return err_set(em, CST_ERR_PERM,
		    _("%s: the key must be a regular file of this user with mode 0600"), path);
	}
	n = read(fd, text, sizeof text);
	close(fd);
	status = CST_OK;
	if (n != (ssize_t)KEY_TEXT_LEN || memcmp(text, MAGIC, sizeof MAGIC - 1) != 0 ||
	    text[KEY_TEXT_LEN - 1] != '\n' ||
	    hex_decode(text + sizeof MAGIC - 1, 2 * CRY_SEED_BYTES, seed, sizeof seed) != 0)
		status = err_set(em, CST_ERR_CORRUPT, _("%s: not a ledger key file"), path);
	else
		cry_keypair_from_seed(seed, pk, sk);
	cry_wipe(seed, sizeof seed);
	cry_wipe(text, sizeof text);
	return status;
}
