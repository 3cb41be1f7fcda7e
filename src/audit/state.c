/*
 * custody-audit's state file: the last checkpoint that passed and the hash of every leaf of
 * its tree. A text head and the leaf hashes as bytes:
 *
 *	custody-audit-state 1\n
 *	note LEN\n
 *	(LEN bytes: the signed checkpoint as the ledger served it)
 *	leaves N\n
 *	(N * 32 bytes)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "i18n.h"
#include "keyfile.h"
#include "xmalloc.h"

/* One head line "WORD DECIMAL\n" at *off: the number, or -1 when it is not exactly that. */
static int64_t
head_number(const unsigned char *data, size_t n, size_t *off, const char *word)
{
	size_t w = strlen(word), i = *off + w + 1, digits = 0;
	int64_t v = 0;

	if (n - *off < w + 2 || memcmp(data + *off, word, w) != 0 || data[*off + w] != ' ')
		return -1;
	for (; i < n && data[i] >= '0' && data[i] <= '9'; i++, digits++) {
		if (digits >= 18)
			return -1;
		v = v * 10 + (data[i] - '0');
	}
	if (digits == 0 || (digits > 1 && data[i - digits] == '0') || i >= n || data[i] != '\n')
		return -1;
	*off = i + 1;
	return v;
}

int
audit_state_parse(const unsigned char *data, size_t n, int64_t max_leaves,
    struct audit_state *st, struct errmsg *em)
{
	static const char magic[] = AUDIT_STATE_MAGIC "\n";
	struct note nt;
	size_t off = sizeof magic - 1;
	int64_t len, count;

	memset(st, 0, sizeof *st);
	if (n < off || memcmp(data, magic, off) != 0)
		return err_set(em, CST_ERR_CORRUPT, _("not a custody-audit state file"));
	if ((len = head_number(data, n, &off, "note")) < 1 || len >= CKPT_NOTE_MAX ||
	    (size_t)len > n - off)
		return err_set(em, CST_ERR_CORRUPT, _("the state file's checkpoint is damaged"));
	memcpy(st->note, data + off, (size_t)len);
	st->note_len = (size_t)len;
	off += (size_t)len;
	if (note_parse(st->note, st->note_len, &nt) != 0 ||
	    checkpoint_parse(nt.body, nt.body_len, &st->cp) != 0)
		return err_set(em, CST_ERR_CORRUPT, _("the state file's checkpoint is damaged"));
	if ((count = head_number(data, n, &off, "leaves")) < 0 || count != st->cp.size ||
	    count > max_leaves)
		return err_set(em, CST_ERR_CORRUPT, _("the state file's leaves do not match its "
		    "checkpoint"));
	if ((uint64_t)(n - off) != (uint64_t)count * TLOG_HASH_BYTES)
		return err_set(em, CST_ERR_CORRUPT, _("the state file is truncated or too long"));
	st->leaves = xmalloc(count > 0 ? (size_t)count * TLOG_HASH_BYTES : 1);
	memcpy(st->leaves, data + off, (size_t)count * TLOG_HASH_BYTES);
	return CST_OK;
}

void
audit_state_free(struct audit_state *st)
{
	free(st->leaves);
	memset(st, 0, sizeof *st);
}

int
audit_state_read(const char *path, int64_t max_leaves, struct audit_state *st,
    struct errmsg *em)
{
	unsigned char *data;
	struct stat sb;
	size_t got = 0;
	ssize_t k;
	int fd, status;

	memset(st, 0, sizeof *st);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return err_set(em, CST_ERR_NOTFOUND, _("%s does not exist yet"), path);
		return err_set(em, CST_ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
	}
	/* The largest file a good state can be: its head, a note, max_leaves hashes. */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size > 256 + CKPT_NOTE_MAX + (uint64_t)max_leaves * TLOG_HASH_BYTES) {
		close(fd);
		return err_set(em, CST_ERR_CORRUPT, _("%s is not a state file of a size that "
		    "custody-audit takes"), path);
	}
	data = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		k = read(fd, data + got, (size_t)sb.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (got != (size_t)sb.st_size)
		status = err_set(em, CST_ERR_IO, _("cannot read %s"), path);
	else
		status = audit_state_parse(data, got, max_leaves, st, em);
	if (status != CST_OK && status != CST_ERR_IO)
		err_wrap(em, status, "%s", path);
	free(data);
	return status;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = write(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The directory of path, synced so that the rename survives a crash. */
static void
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) != 0) {
			/* nothing more to do: the file itself is synced */
		}
		close(fd);
	}
}

int
audit_state_write(const char *path, const char *note, size_t note_len,
    const unsigned char (*leaves)[TLOG_HASH_BYTES], int64_t n, struct errmsg *em)
{
	char tmp[PATH_MAX], head[128];
	int fd, hl, bad;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp)
		return err_set(em, CST_ERR_ARG, _("the state path is too long"));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return err_set(em, keyfile_io_status(errno), _("cannot create %s: %s"), tmp,
		    strerror(errno));
	hl = snprintf(head, sizeof head, "%s\nnote %zu\n", AUDIT_STATE_MAGIC, note_len);
	bad = write_all(fd, head, (size_t)hl) != 0 || write_all(fd, note, note_len) != 0;
	hl = snprintf(head, sizeof head, "leaves %lld\n", (long long)n);
	bad = bad || write_all(fd, head, (size_t)hl) != 0 ||
	    write_all(fd, leaves, (size_t)n * TLOG_HASH_BYTES) != 0;
	if (bad || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		if (bad)
			close(fd);
		unlink(tmp);
		return err_set(em, keyfile_io_status(e), _("cannot write %s: %s"), path,
		    strerror(e));
	}
	sync_dir(path);
	return CST_OK;
}
