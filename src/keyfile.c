/* Reading and writing private key files (keyfile.h). */
#include "keyfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "i18n.h"

int
keyfile_io_status(int e)
{
	if (e == ENOSPC || e == EFBIG || e == EDQUOT)
		return CST_ERR_FULL;
	if (e == EACCES || e == EPERM || e == EROFS)
		return CST_ERR_PERM;
	return CST_ERR_IO;
}

static int
write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int
keyfile_write(const char *path, const char *text, size_t n, struct errmsg *em)
{
	int fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		return err_set(em, e == EEXIST ? CST_ERR_EXISTS : keyfile_io_status(e),
		    _("cannot create %s: %s"), path, strerror(e));
	}
	if (write_all(fd, text, n) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(path);
		return err_set(em, keyfile_io_status(e), _("cannot write %s: %s"), path,
		    strerror(e));
	}
	close(fd);
	return CST_OK;
}

int
keyfile_damaged(const char *path, struct errmsg *em, const char *why)
{
	return err_set(em, CST_ERR_CORRUPT, _("%s is damaged (%s); restore it from the "
	    "terminal's backup"), path, why);
}

static int
check_file(const char *path, int fd, struct errmsg *em)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return keyfile_damaged(path, em, _("not a regular file"));
	if (st.st_mode & 077)
		return err_set(em, CST_ERR_PERM, _("%s can be read or written by group or others "
		    "(mode %04o); a secret key file must be private: fix with "
		    "chmod 600 %s"), path, (unsigned)(st.st_mode & 07777), path);
	if (st.st_uid != geteuid())
		return err_set(em, CST_ERR_PERM, _("%s belongs to another user (uid %u); fix "
		    "with chown %u %s"), path, (unsigned)st.st_uid, (unsigned)geteuid(), path);
	if (st.st_size > KEYFILE_MAX)
		return keyfile_damaged(path, em, _("too large"));
	return CST_OK;
}

int
keyfile_read(const char *path, char *text, size_t size, struct errmsg *em)
{
	ssize_t n;
	int fd, status;

	if (size <= KEYFILE_MAX)
		return err_set(em, CST_ERR_INTERNAL, "keyfile_read: buffer too small");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(em, CST_ERR_NOTFOUND, _("%s is missing"), path);
		if (errno == ELOOP)
			return keyfile_damaged(path, em, _("a symbolic link"));
		return err_set(em, keyfile_io_status(errno), _("cannot open %s: %s"), path,
		    strerror(errno));
	}
	status = check_file(path, fd, em);
	if (status == CST_OK) {
		n = read(fd, text, KEYFILE_MAX);
		if (n < 0) {
			status = err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path,
			    strerror(errno));
			n = 0;
		}
		text[n] = '\0';
		if (status == CST_OK && strlen(text) != (size_t)n)
			status = keyfile_damaged(path, em, _("contains a NUL byte"));
	}
	close(fd);
	if (status != CST_OK)
		cry_wipe(text, size);
	return status;
}
