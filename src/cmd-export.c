/* custody export visit|register: documents and registers as text, HTML or CSV. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "cmd.h"
#include "doc.h"
#include "evproof.h"
#include "hex.h"
#include "i18n.h"
#include "property-doc.h"
#include "property-view.h"
#include "sync.h"
#include "terminal.h"
#include "text.h"
#include "when.h"
#include "xmalloc.h"

static int write_raw(const char *path, const struct buf *b, struct errmsg *em);

/*
 * Exports are read on terminals too: a control character or a bidirectional override in a
 * record (an old journal's, say) goes out as its escape (text_escape_lines), never as itself.
 */
static int
write_out(const char *path, const struct buf *b, struct errmsg *em)
{
	struct buf safe = { 0 };
	char *tmp;
	int status;

	if (text_safe(buf_str(b), b->len, 1))
		return write_raw(path, b, em);
	tmp = xmalloc(6 * b->len + 1);
	text_escape_lines(buf_str(b), tmp, 6 * b->len + 1);
	buf_add(&safe, tmp);
	free(tmp);
	status = write_raw(path, &safe, em);
	buf_free(&safe);
	return status;
}

/* Writes to a temporary file beside out, then renames: a reader never sees half a file. */
static int
write_raw(const char *path, const struct buf *b, struct errmsg *em)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(buf_str(b), 1, b->len, stdout) != b->len || fflush(stdout) != 0)
			return err_set(em, CST_ERR_IO, _("cannot write the output"));
		return CST_OK;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= sizeof tmp)
		return err_set(em, CST_ERR_ARG, _("the output path is too long"));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(em, CST_ERR_IO, _("cannot create %s: %s"), tmp, strerror(errno));
	while (off < b->len) {
		ssize_t w = write(fd, buf_str(b) + off, b->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != b->len || fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return err_set(em, CST_ERR_IO, _("cannot write %s: %s"), path, strerror(e));
	}
	return CST_OK;
}

static int64_t
start_of_today(void)
{
	time_t now = (time_t)(clock_now_ms() / 1000);
	struct tm tm;

	localtime_r(&now, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

struct export_opts {
	const char *data, *out, *format, *from, *to, *proofs, *case_;
};

/* The events a record is built from, for its offline proofs. */
struct proof_list {
	struct evproof_event *v;
	size_t n, cap;
};

static void
proof_add(struct proof_list *l, const char *terminal, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES])
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].seq == seq && strcmp(l->v[i].terminal, terminal) == 0)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 32;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[l->n]);
	snprintf(l->v[l->n].terminal, sizeof l->v[l->n].terminal, "%s", terminal);
	l->v[l->n].seq = seq;
	memcpy(l->v[l->n].hash, hash, CRY_HASH_BYTES);
	l->n++;
}

static int
visit_event(const struct event *ev, void *arg)
{
	proof_add(arg, ev->terminal, ev->seq, ev->hash);
	return 0;
}

/*
 * The proofs into dir, and after the record the list of its events (terminal, seq, hash)
 * with the file that proves each: what a reader compares with custody-audit proof's words.
 */
static int
add_proofs(struct terminal *t, const char *dir, const struct proof_list *l, int html,
    struct buf *b, struct errmsg *em)
{
	char hex[2 * CRY_HASH_BYTES + 1], name[EVPROOF_NAME_MAX], line[512];
	struct sync_conf cf;
	size_t i;
	int status;

	if ((status = sync_conf_load(t->journal, &cf, em)) != CST_OK)
		return status;
	cmd_sync_conf(t->dir, &cf);
	if ((status = evproof_write(&cf, l->v, l->n, dir, em)) != CST_OK)
		return status;
	snprintf(line, sizeof line, _("Offline proofs of the %zu events of this record in the "
	    "ledger's log (custody-audit proof), in %s:"), l->n, dir);
	buf_add(b, html ? "<section>\n<pre>" : "\n");
	if (html)
		buf_html(b, line);
	else
		buf_add(b, line);
	buf_add(b, "\n");
	for (i = 0; i < l->n; i++) {
		hex_encode(l->v[i].hash, CRY_HASH_BYTES, hex);
		evproof_name(&l->v[i], name);
		snprintf(line, sizeof line, "  %s #%lld %s  %s\n", l->v[i].terminal,
		    (long long)l->v[i].seq, hex, name);
		if (html)
			buf_html(b, line);
		else
			buf_add(b, line);
	}
	if (html)
		buf_add(b, "</pre>\n</section>\n");
	return CST_OK;
}

static int
parse_opts(const struct cmd_entry *self, int argc, char **argv, struct export_opts *o)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "proofs", required_argument, NULL, 'p' },
		{ "case", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "d:o:F:f:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->data = optarg; break;
		case 'o': o->out = optarg; break;
		case 'F': o->format = optarg; break;
		case 'f': o->from = optarg; break;
		case 't': o->to = optarg; break;
		case 'p': o->proofs = optarg; break;
		case 'c': o->case_ = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	return -1;
}

static int
export_visit(const struct cmd_entry *self, int argc, char **argv)
{
	struct buf b = { NULL, 0, 0 };
	struct export_opts o;
	struct terminal *t;
	struct errmsg em;
	char dir[PATH_MAX];
	int rc, status, html;

	if ((rc = parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	if (optind + 1 != argc)
		return cmd_usage(self, _("export visit needs one visit id"));
	html = o.format != NULL && strcmp(o.format, "html") == 0;
	if (o.format != NULL && !html && strcmp(o.format, "text") != 0)
		return cmd_usage(self, _("--format is text or html for a visit"));
	err_clear(&em);
	if (cmd_data_dir(o.data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
		return cmd_fail(&em);
	status = html ? doc_export_html(t->journal, argv[optind], &b, &em) :
	    doc_export_text(t->journal, argv[optind], &b, &em);
	if (status == CST_OK && o.proofs != NULL) {
		struct journal_filter jf = { NULL, NULL, argv[optind], 0 };
		struct proof_list l = { NULL, 0, 0 };

		status = journal_each(t->journal, &jf, visit_event, &l, &em);
		if (status == CST_OK)
			status = add_proofs(t, o.proofs, &l, html, &b, &em);
		free(l.v);
	}
	terminal_close(t);
	if (status == CST_OK)
		status = write_out(o.out, &b, &em);
	buf_free(&b);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

static int
export_register(const struct cmd_entry *self, int argc, char **argv)
{
	struct buf b = { NULL, 0, 0 };
	struct export_opts o;
	struct terminal *t;
	struct errmsg em;
	char dir[PATH_MAX];
	int64_t from, to;
	int rc, status, html;

	if ((rc = parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (o.proofs != NULL || o.case_ != NULL)
		return cmd_usage(self, _("the register takes neither --proofs nor --case"));
	html = o.format != NULL && strcmp(o.format, "html") == 0;
	if (o.format != NULL && !html && strcmp(o.format, "csv") != 0)
		return cmd_usage(self, _("--format is csv or html for the register"));
	from = start_of_today();
	to = from + 86400000LL;
	if ((o.from && when_parse(o.from, &from) != 0) || (o.to && when_parse(o.to, &to) != 0))
		return cmd_usage(self, _("--from and --to want YYYY-MM-DD[THH:MM[:SS]]"));
	if (o.to == NULL && o.from != NULL)
		to = from + 86400000LL;
	err_clear(&em);
	if (cmd_data_dir(o.data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
		return cmd_fail(&em);
	status = html ? doc_register_html(t->journal, from, to, &b, &em) :
	    doc_register_csv(t->journal, from, to, &b, &em);
	terminal_close(t);
	if (status == CST_OK)
		status = write_out(o.out, &b, &em);
	buf_free(&b);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

/* The chain of custody of an item (ID) or of every item of a case (--case). */
static int
export_chain(const struct cmd_entry *self, int argc, char **argv)
{
	struct buf b = { NULL, 0, 0 };
	struct prop_step_list steps = { NULL, 0, 0 };
	struct proof_list l = { NULL, 0, 0 };
	unsigned char hash[CRY_HASH_BYTES];
	struct export_opts o;
	struct terminal *t;
	struct errmsg em;
	char dir[PATH_MAX];
	enum prop_doc_format f = PROP_DOC_TEXT;
	size_t i;
	int rc, status;

	if ((rc = parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	if ((o.case_ == NULL) == (optind + 1 != argc) || (o.case_ != NULL && optind != argc))
		return cmd_usage(self, _("export chain needs one item id, or --case CASE"));
	if (o.format != NULL && strcmp(o.format, "html") == 0)
		f = PROP_DOC_HTML;
	else if (o.format != NULL && strcmp(o.format, "csv") == 0)
		f = PROP_DOC_CSV;
	else if (o.format != NULL && strcmp(o.format, "text") != 0)
		return cmd_usage(self, _("--format is text, html or csv for a chain of custody"));
	err_clear(&em);
	if (cmd_data_dir(o.data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
		return cmd_fail(&em);
	status = o.case_ != NULL ? prop_doc_case(t->journal, o.case_, f, &b, &em) :
	    prop_doc_item(t->journal, argv[optind], f, &b, &em);
	if (status == CST_OK && o.proofs != NULL)
		status = o.case_ != NULL ? prop_history_case(t->journal, o.case_, &steps, &em) :
		    prop_history_item(t->journal, argv[optind], &steps, &em);
	for (i = 0; status == CST_OK && o.proofs != NULL && i < steps.n; i++) {
		if (hex_decode(steps.v[i].hash, strlen(steps.v[i].hash), hash, sizeof hash) != 0)
			status = err_set(&em, CST_ERR_CORRUPT, _("a step's event hash is damaged"));
		else
			proof_add(&l, steps.v[i].terminal, steps.v[i].seq, hash);
	}
	/* A CSV stays one table: its rows carry each event's hash; the list goes to stderr. */
	if (status == CST_OK && o.proofs != NULL) {
		struct buf list = { NULL, 0, 0 };

		status = add_proofs(t, o.proofs, &l, f == PROP_DOC_HTML,
		    f == PROP_DOC_CSV ? &list : &b, &em);
		if (f == PROP_DOC_CSV)
			fputs(buf_str(&list), stderr);
		buf_free(&list);
	}
	prop_step_list_free(&steps);
	free(l.v);
	terminal_close(t);
	if (status == CST_OK)
		status = write_out(o.out, &b, &em);
	buf_free(&b);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

static int
cmd_export_exec(const struct cmd_entry *self, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "visit") == 0)
		return export_visit(self, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "register") == 0)
		return export_register(self, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "chain") == 0)
		return export_chain(self, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cmd_print_usage(self, 0);
		return EXIT_OK;
	}
	return cmd_usage(self, _("export visit ID, export chain ITEM or export register?"));
}

const struct cmd_entry cmd_export_entry = {
	"export",
	"visit ID [--format text|html] [--out FILE] [--proofs DIR] | chain ITEM|--case CASE "
	"[--format text|html|csv] [--out FILE] [--proofs DIR] | register [--from DATE] "
	"[--to DATE] [--format csv|html] [--out FILE]",
	N_("write a visit's documents with their signatures, a chain of custody, or the area "
	    "register"),
	cmd_export_exec
};
