/* Offline proofs of events for exported records: fetched, checked, written as tlog-proof files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint.h"
#include "evproof.h"
#include "i18n.h"
#include "keyfile.h"
#include "logfetch.h"
#include "sync.h"
#include "xmalloc.h"

void
evproof_name(const struct evproof_event *ev, char out[EVPROOF_NAME_MAX])
{
	snprintf(out, EVPROOF_NAME_MAX, "%s.%lld.tlog-proof", ev->terminal, (long long)ev->seq);
}

/* One proof: leaf index, inclusion proof checked against the checkpoint, into p. */
static int
prove(struct fetch *f, const struct evproof_event *ev, const struct checkpoint *cp,
    struct tlog_proof *p, struct errmsg *em)
{
	unsigned char h[TLOG_HASH_BYTES];
	int status;

	p->extra_len = tlog_leaf_data(ev->terminal, ev->seq, ev->hash, p->extra);
	if (p->extra_len == 0)
		return err_set(em, CST_ERR_ARG, _("event %s seq %lld cannot be a leaf"),
		    ev->terminal, (long long)ev->seq);
	status = logfetch_leaf(f, ev->terminal, ev->seq, &p->index, em);
	if (status == CST_ERR_NOTFOUND)
		return err_set(em, status, _("event %s seq %lld is not in the ledger's log yet: "
		    "sync, then export again"), ev->terminal, (long long)ev->seq);
	if (status != CST_OK)
		return status;
	if (p->index >= cp->size)
		return err_set(em, CST_ERR_NOTFOUND, _("event %s seq %lld is not in the ledger's "
		    "newest checkpoint yet: export again in a moment"), ev->terminal,
		    (long long)ev->seq);
	if ((status = logfetch_proof(f, 0, p->index, cp->size, p->hashes, &p->n, em)) != CST_OK)
		return status;
	tlog_leaf_hash(p->extra, p->extra_len, h);
	if (!tlog_check_inclusion((const unsigned char (*)[TLOG_HASH_BYTES])p->hashes, p->n,
	    p->index, cp->size, h, cp->root))
		return err_set(em, CST_ERR_VERIFY, _("the ledger's proof of event %s seq %lld does "
		    "not verify: this event, with this hash, is not in its log"), ev->terminal,
		    (long long)ev->seq);
	return CST_OK;
}

/* Writes text to dir/name through a temporary file and a rename. */
static int
write_file(const char *dir, const char *name, const char *text, size_t n, struct errmsg *em)
{
	char path[PATH_MAX], tmp[PATH_MAX + 16];
	size_t off = 0;
	ssize_t k;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return err_set(em, CST_ERR_ARG, _("the proof directory's path is too long"));
	snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return err_set(em, keyfile_io_status(errno), _("cannot create %s: %s"), tmp,
		    strerror(errno));
	while (off < n) {
		k = write(fd, text + off, n - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		off += (size_t)k;
	}
	if (off != n || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		if (off != n)
			close(fd);
		unlink(tmp);
		return err_set(em, keyfile_io_status(e), _("cannot write %s: %s"), path,
		    strerror(e));
	}
	return CST_OK;
}

int
evproof_write(const struct sync_conf *cf, const struct evproof_event *ev, size_t n,
    const char *dir, struct errmsg *em)
{
	static char text[CKPT_NOTE_MAX], out[CKPT_NOTE_MAX + 8192];
	char name[EVPROOF_NAME_MAX];
	struct tlog_proof *p = xcalloc(n > 0 ? n : 1, sizeof *p);
	struct checkpoint cp;
	struct fetch *f = NULL;
	size_t i, len;
	int status;

	if ((status = fetch_open(cf, &f, em)) == CST_OK)
		status = logfetch_checkpoint(f, text, &len, &p[0].checkpoint, &cp, em);
	if (status == CST_OK && note_verify(&p[0].checkpoint, cp.origin, cf->ledger_pk) != 1)
		status = err_set(em, CST_ERR_VERIFY, _("the ledger's checkpoint is not signed by "
		    "the key it enrolled this terminal with"));
	for (i = 0; status == CST_OK && i < n; i++) {
		p[i].checkpoint = p[0].checkpoint;
		status = prove(f, &ev[i], &cp, &p[i], em);
	}
	fetch_close(f);
	if (status == CST_OK && mkdir(dir, 0755) != 0 && errno != EEXIST)
		status = err_set(em, keyfile_io_status(errno), _("cannot make %s: %s"), dir,
		    strerror(errno));
	for (i = 0; status == CST_OK && i < n; i++) {
		if ((len = tlog_proof_write(&p[i], out, sizeof out)) == 0) {
			status = err_set(em, CST_ERR_INTERNAL, _("cannot write a proof"));
			break;
		}
		evproof_name(&ev[i], name);
		status = write_file(dir, name, out, len, em);
	}
	free(p);
	return status;
}
