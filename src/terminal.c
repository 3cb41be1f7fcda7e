/* Creating and opening a terminal: its key file and its journal. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "keyfile.h"
#include "room.h"
#include "version.h"
#include "xmalloc.h"

#define KEY_MAGIC "custody-terminal-key 1"

static int
set_paths(struct terminal *t, const char *dir, struct errmsg *em)
{
	if ((size_t)snprintf(t->dir, sizeof t->dir, "%s", dir) >= sizeof t->dir ||
	    (size_t)snprintf(t->db_path, sizeof t->db_path, "%s/%s", dir, TERMINAL_DB) >=
	    sizeof t->db_path ||
	    (size_t)snprintf(t->key_path, sizeof t->key_path, "%s/%s", dir, TERMINAL_KEY) >=
	    sizeof t->key_path)
		return err_set(em, CST_ERR_ARG, _("the data directory path is too long"));
	return CST_OK;
}

/* mkdir -p with mode 0700 for what it creates. */
static int
make_dirs(const char *dir, struct errmsg *em)
{
	char path[PATH_MAX];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof path)
		return err_set(em, CST_ERR_ARG, _("bad data directory path"));
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			return err_set(em, errno == EACCES ? CST_ERR_PERM : CST_ERR_IO,
			    _("cannot create %s: %s"), path, strerror(errno));
		path[i] = i < n ? '/' : '\0';
	}
	return CST_OK;
}

static int
fsync_dir(const char *dir, struct errmsg *em)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return err_set(em, keyfile_io_status(e), _("cannot sync %s: %s"), dir, strerror(e));
	}
	close(fd);
	return CST_OK;
}

/* Writes the key file with O_EXCL, so an existing key is never overwritten. */
static int
write_key(const char *path, const char *name, const unsigned char seed[CRY_SEED_BYTES],
    struct errmsg *em)
{
	char text[KEYFILE_MAX], hex[2 * CRY_SEED_BYTES + 1];
	int n, status;

	hex_encode(seed, CRY_SEED_BYTES, hex);
	n = snprintf(text, sizeof text, "%s\nterminal %s\nseed %s\n", KEY_MAGIC, name, hex);
	cry_wipe(hex, sizeof hex);
	status = keyfile_write(path, text, (size_t)n, em);
	cry_wipe(text, sizeof text);
	return status;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* journal_chain's callback: a copy of the first event. */
static int
take_first(const struct event *ev, void *arg)
{
	struct event *out = arg;

	*out = *ev;
	out->body = xmalloc(ev->body_len + 1);
	memcpy(out->body, ev->body, ev->body_len);
	out->body[ev->body_len] = '\0';
	return 1;
}

static void
remove_db_files(const char *db_path)
{
	char p[PATH_MAX + 8];

	unlink(db_path);
	snprintf(p, sizeof p, "%s-wal", db_path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db_path);
	unlink(p);
}

static int
first_event(struct journal *j, const char *name, const char *room,
    const unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	struct jw w;
	size_t len;
	const char *body;
	int status;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "terminal");
	jw_str(&w, name);
	jw_key(&w, "room");
	jw_str(&w, room);
	jw_key(&w, "public_key");
	jw_hex(&w, pk, CRY_PK_BYTES);
	jw_key(&w, "suite");
	jw_str(&w, CRY_SUITE);
	jw_key(&w, "software");
	jw_str(&w, "custody " CUSTODY_VERSION);
	jw_obj_end(&w);
	body = jw_text(&w, &len);
	status = journal_local_set(j, "terminal", name, em);
	if (status == CST_OK)
		status = journal_local_set(j, "room", room, em);
	if (status == CST_OK)
		status = journal_append(j, "system", "terminal.created", name, body, len, NULL, em);
	jw_free(&w);
	return status;
}

static int
create_journal(struct terminal *t, const char *name, const char *room,
    const unsigned char pk[CRY_PK_BYTES], const unsigned char sk[CRY_SK_BYTES],
    struct errmsg *em)
{
	struct journal *j;
	int fd, status;

	/* O_EXCL: two inits racing on one directory cannot both win. */
	fd = open(t->db_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(em, errno == EEXIST ? CST_ERR_EXISTS : keyfile_io_status(errno),
		    _("cannot create %s: %s"), t->db_path, strerror(errno));
	close(fd);
	status = journal_open(t->db_path, JOURNAL_CREATE, &j, em);
	if (status != CST_OK)
		return status;
	journal_set_signer(j, name, sk);
	status = first_event(j, name, room, pk, em);
	journal_close(j);
	return status;
}

int
terminal_create(const char *dir, const char *name, const char *room, struct errmsg *em)
{
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	struct terminal *t;
	int status;

	if (!event_valid_id(name, strlen(name)))
		return err_set(em, CST_ERR_ARG, _("terminal name \"%s\" is not valid: use 1 to "
		    "64 letters, digits, '.', '_', ':', '@' or '-'"), name);
	/* The room custody run will refuse is refused here, before anything is made. */
	if (!room_valid(room))
		return err_set(em, CST_ERR_ARG, _("unknown room \"%s\"; the rooms are %s"), room,
		    room_list());
	t = xcalloc(1, sizeof *t);
	if ((status = set_paths(t, dir, em)) != CST_OK)
		goto out;
	if (exists(t->db_path) || exists(t->key_path)) {
		status = err_set(em, CST_ERR_EXISTS, _("a terminal already exists in %s; "
		    "refusing to overwrite it"), dir);
		goto out;
	}
	if ((status = make_dirs(dir, em)) != CST_OK)
		goto out;
	/* It holds the terminal's key: 0700 even when it was there before (issue 13). */
	if (chmod(dir, 0700) != 0) {
		status = err_set(em, errno == EPERM ? CST_ERR_PERM : CST_ERR_IO,
		    _("cannot make %s private (mode 0700): %s"), dir, strerror(errno));
		goto out;
	}
	cry_keypair_new(seed, pk, sk);
	if ((status = write_key(t->key_path, name, seed, em)) != CST_OK)
		goto out;
	status = create_journal(t, name, room, pk, sk, em);
	if (status == CST_OK)
		status = fsync_dir(dir, em);
	if (status != CST_OK) {
		remove_db_files(t->db_path);
		unlink(t->key_path);
	}
out:
	cry_wipe(seed, sizeof seed);
	cry_wipe(sk, sizeof sk);
	free(t);
	return status;
}

int
terminal_restore_create(const char *dir, const char *key_file, char *name, size_t name_size,
    struct journal **out, struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char text[KEYFILE_MAX + 1];
	struct terminal t;
	struct journal *j = NULL;
	int fd, status;

	*out = NULL;
	memset(&t, 0, sizeof t);
	if ((status = set_paths(&t, dir, em)) != CST_OK)
		return status;
	if (exists(t.db_path) || exists(t.key_path))
		return err_set(em, CST_ERR_EXISTS, _("a terminal already exists in %s: custody "
		    "sync heals an existing journal; restore needs an empty directory"), dir);
	status = terminal_key_load(key_file, name, name_size, pk, sk, em);
	if (status == CST_OK)
		status = keyfile_read(key_file, text, sizeof text, em);
	if (status == CST_OK)
		status = make_dirs(dir, em);
	if (status == CST_OK)
		status = keyfile_write(t.key_path, text, strlen(text), em);
	cry_wipe(text, sizeof text);
	if (status != CST_OK)
		goto out;
	fd = open(t.db_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		status = err_set(em, errno == EEXIST ? CST_ERR_EXISTS : keyfile_io_status(errno),
		    _("cannot create %s: %s"), t.db_path, strerror(errno));
		unlink(t.key_path);
		goto out;
	}
	close(fd);
	status = journal_open(t.db_path, JOURNAL_CREATE, &j, em);
	if (status == CST_OK)
		status = journal_local_set(j, "terminal", name, em);
	if (status == CST_OK) {
		journal_set_signer(j, name, sk);
		*out = j;
		goto out;
	}
	journal_close(j);
	terminal_restore_undo(dir);
out:
	cry_wipe(sk, sizeof sk);
	return status;
}

int
terminal_restore_finish(struct journal *j, const char *dir, const char *name, struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES];
	struct event ev;
	struct json *body = NULL;
	const char *room;
	int status;

	memset(&ev, 0, sizeof ev);
	status = journal_terminal_key(j, name, pk, em);
	if (status == CST_OK)
		status = journal_chain(j, name, 0, 1, take_first, &ev, em);
	if (status == CST_OK && ev.seq == 1 &&
	    json_parse(ev.body, ev.body_len, &body, em) == CST_OK &&
	    (room = json_get_str(body, "room")) != NULL)
		status = journal_local_set(j, "room", room, em);
	else if (status == CST_OK)
		status = err_set(em, CST_ERR_CORRUPT, _("the restored chain of %s does not start "
		    "with its terminal.created"), name);
	json_free(body);
	event_clear(&ev);
	if (status == CST_OK)
		status = fsync_dir(dir, em);
	return status;
}

void
terminal_restore_undo(const char *dir)
{
	struct terminal t;

	memset(&t, 0, sizeof t);
	if (set_paths(&t, dir, NULL) != CST_OK)
		return;
	remove_db_files(t.db_path);
	unlink(t.key_path);
}

/* Parses "custody-terminal-key 1\nterminal NAME\nseed HEX\n". */
static int
parse_key(const char *path, char *text, char *name, size_t name_size,
    unsigned char seed[CRY_SEED_BYTES], struct errmsg *em)
{
	char *line2, *line3, *end;

	if (strncmp(text, KEY_MAGIC "\n", strlen(KEY_MAGIC) + 1) != 0)
		return keyfile_damaged(path, em, _("no key header"));
	line2 = text + strlen(KEY_MAGIC) + 1;
	if (strncmp(line2, "terminal ", 9) != 0 || (line3 = strchr(line2, '\n')) == NULL)
		return keyfile_damaged(path, em, _("no terminal line"));
	*line3++ = '\0';
	if (!event_valid_id(line2 + 9, strlen(line2 + 9)))
		return keyfile_damaged(path, em, _("bad terminal name"));
	snprintf(name, name_size, "%s", line2 + 9);
	if (strncmp(line3, "seed ", 5) != 0 || (end = strchr(line3, '\n')) == NULL ||
	    end[1] != '\0')
		return keyfile_damaged(path, em, _("no complete seed line: truncated?"));
	if (hex_decode(line3 + 5, (size_t)(end - line3 - 5), seed, CRY_SEED_BYTES) != 0)
		return keyfile_damaged(path, em, _("the seed is not 64 hex digits: truncated?"));
	return CST_OK;
}

int
terminal_key_load(const char *path, char *name, size_t name_size,
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES], struct errmsg *em)
{
	unsigned char seed[CRY_SEED_BYTES];
	char text[KEYFILE_MAX + 1];
	int status;

	status = keyfile_read(path, text, sizeof text, em);
	if (status == CST_ERR_NOTFOUND)
		return err_set(em, status, _("%s is missing: this terminal cannot sign without "
		    "its key; restore it from the terminal's backup"), path);
	if (status == CST_OK)
		status = parse_key(path, text, name, name_size, seed, em);
	if (status == CST_OK)
		cry_keypair_from_seed(seed, pk, sk);
	cry_wipe(seed, sizeof seed);
	cry_wipe(text, sizeof text);
	return status;
}

static int
no_terminal(const struct terminal *t, struct errmsg *em)
{
	return err_set(em, CST_ERR_NOTFOUND, _("no terminal in %s (no %s): create one with "
	    "custody init --data %s --terminal NAME --room ROOM"), t->dir, TERMINAL_DB, t->dir);
}

/* Loads the key and checks it is this journal's: same terminal name, same public key. */
int
terminal_check_key(struct terminal *t, int sign, struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1];
	int status;

	status = terminal_key_load(t->key_path, name, sizeof name, pk, sk, em);
	if (status == CST_OK && strcmp(name, t->name) != 0)
		status = err_set(em, CST_ERR_VERIFY, _("%s is the key of terminal %s, but this "
		    "journal belongs to terminal %s"), t->key_path, name, t->name);
	if (status == CST_OK && !cry_equal(pk, t->pk, CRY_PK_BYTES))
		status = err_set(em, CST_ERR_VERIFY, _("%s does not match the public key this "
		    "journal recorded for terminal %s"), t->key_path, t->name);
	if (status == CST_OK && sign)
		journal_set_signer(t->journal, t->name, sk);
	if (status == CST_OK)
		t->has_key = 1;
	cry_wipe(sk, sizeof sk);
	return status;
}

int
terminal_open(const char *dir, int flags, struct terminal **out, struct errmsg *em)
{
	struct terminal *t;
	int status, jflags;

	*out = NULL;
	t = xcalloc(1, sizeof *t);
	if ((status = set_paths(t, dir, em)) != CST_OK)
		goto fail;
	if (!exists(t->db_path)) {
		status = no_terminal(t, em);
		goto fail;
	}
	jflags = (flags & (TERMINAL_SIGN | TERMINAL_WRITABLE)) ? 0 : JOURNAL_RDONLY;
	if ((status = journal_open(t->db_path, jflags, &t->journal, em)) != CST_OK)
		goto fail;
	status = journal_local_get(t->journal, "terminal", t->name, sizeof t->name, em);
	if (status == CST_OK)
		status = journal_local_get(t->journal, "room", t->room, sizeof t->room, em);
	if (status == CST_OK)
		status = journal_terminal_key(t->journal, t->name, t->pk, em);
	if (status != CST_OK) {
		status = err_wrap(em, CST_ERR_CORRUPT, _("%s is not a complete terminal journal"),
		    t->db_path);
		goto fail;
	}
	if (flags & TERMINAL_SIGN)
		status = terminal_check_key(t, 1, em);
	if (status != CST_OK)
		goto fail;
	*out = t;
	return CST_OK;
fail:
	terminal_close(t);
	return status;
}

void
terminal_close(struct terminal *t)
{
	if (t == NULL)
		return;
	journal_close(t->journal);
	free(t);
}
