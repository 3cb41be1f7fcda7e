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
#include "i18n.h"
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
	const char *data, *out, *format, *from, *to;
};

static int
parse_opts(const struct cmd_entry *self, int argc, char **argv, struct export_opts *o)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
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

static int
cmd_export_exec(const struct cmd_entry *self, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "visit") == 0)
		return export_visit(self, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "register") == 0)
		return export_register(self, argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cmd_print_usage(self, 0);
		return EXIT_OK;
	}
	return cmd_usage(self, _("export visit ID or export register?"));
}

const struct cmd_entry cmd_export_entry = {
	"export",
	"visit ID [--format text|html] [--out FILE] | register [--from DATE] [--to DATE] "
	"[--format csv|html] [--out FILE]",
	N_("write a visit's documents with their signatures, or the area register"),
	cmd_export_exec
};
