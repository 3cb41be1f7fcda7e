/*
 * custody label: a QR label for an item or a case, as SVG or PNG for the label printer, or
 * drawn in the terminal.  With --data (or --item) the label's text is read from the
 * journal's item records; without, it is taken from the command line (a label for a
 * terminal that is not at hand).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "i18n.h"
#include "label.h"
#include "property.h"
#include "qr-render.h"
#include "qr.h"
#include "terminal.h"

struct label_opts {
	struct label l;
	const char *format, *out;
	const char *data, *item;
	int inverse;
	/* What the journal gave: the label's texts point here. */
	struct prop_item it;
	char case_code[PROP_CODE_MAX + 1];
};

static int
parse_int(const char *s, int lo, int hi, int *v)
{
	char *end;
	long n;

	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < lo || n > hi)
		return -1;
	*v = (int)n;
	return 0;
}

static int
parse_opts(const struct cmd_entry *self, int argc, char **argv, struct label_opts *o)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "item", required_argument, NULL, 'I' },
		{ "code", required_argument, NULL, 'c' },
		{ "case", required_argument, NULL, 'C' },
		{ "text", required_argument, NULL, 't' },
		{ "category", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "dpi", required_argument, NULL, 'r' },
		{ "module", required_argument, NULL, 'm' },
		{ "inverse", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof *o);
	o->l.dpi = 203;
	while ((c = getopt_long(argc, argv, "d:I:c:C:t:k:F:o:r:m:ih", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->data = optarg; break;
		case 'I': o->item = optarg; break;
		case 'c': o->l.text[LABEL_CODE] = optarg; break;
		case 'C': o->l.text[LABEL_CASE] = optarg; break;
		case 't': o->l.text[LABEL_DESCRIPTION] = optarg; break;
		case 'k': o->l.text[LABEL_CATEGORY] = optarg; break;
		case 'F': o->format = optarg; break;
		case 'o': o->out = optarg; break;
		case 'i': o->inverse = 1; break;
		case 'r':
			if (parse_int(optarg, 1, 10000, &o->l.dpi) != 0)
				return cmd_usage(self, _("--dpi is 203 or 300"));
			break;
		case 'm':
			if (parse_int(optarg, 1, 64, &o->l.module_px) != 0)
				return cmd_usage(self, _("--module is 1 to 64 dots per module"));
			break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument: %s"), argv[optind]);
	if (o->format == NULL)
		return cmd_usage(self, _("give --format svg, png or text"));
	if (o->data != NULL || o->item != NULL) {
		if (o->l.text[LABEL_DESCRIPTION] || o->l.text[LABEL_CATEGORY])
			return cmd_usage(self, _("--text and --category come from the journal "
			    "with --data or --item"));
		if ((o->item != NULL) + (o->l.text[LABEL_CODE] != NULL) +
		    (o->l.text[LABEL_CASE] != NULL) != 1)
			return cmd_usage(self, _("give one of --item, --code or --case"));
		return -1;
	}
	/* The code is what the scanner reads; without one, a case label carries the case. */
	o->l.qr = o->l.text[LABEL_CODE] ? o->l.text[LABEL_CODE] : o->l.text[LABEL_CASE];
	if (o->l.qr == NULL || *o->l.qr == '\0')
		return cmd_usage(self, _("give --code (an item) or --case (a case)"));
	return -1;
}

/* The label's texts from the journal: an item by id or code, or a case with items. */
static int
from_journal(struct label_opts *o, struct errmsg *em)
{
	struct prop_item_list l = { 0 };
	struct terminal *t;
	char dir[PATH_MAX];
	int rc;

	if ((rc = cmd_data_dir(o->data, dir, sizeof dir, em)) != CST_OK ||
	    (rc = terminal_open(dir, TERMINAL_RDONLY, &t, em)) != CST_OK)
		return rc;
	if (o->item != NULL)
		rc = prop_item_get(t->journal, o->item, &o->it, em);
	else if (o->l.text[LABEL_CODE] != NULL)
		rc = prop_item_by_code(t->journal, o->l.text[LABEL_CODE], &o->it, em);
	else if ((rc = prop_items_by_case(t->journal, o->l.text[LABEL_CASE], &l, em)) ==
	    CST_OK && l.n == 0)
		rc = err_set(em, CST_ERR_NOTFOUND, _("case %s has no items in the property room"),
		    o->l.text[LABEL_CASE]);
	prop_item_list_free(&l);
	terminal_close(t);
	if (rc != CST_OK)
		return rc;
	if (o->l.text[LABEL_CASE] != NULL && o->item == NULL && o->l.text[LABEL_CODE] == NULL) {
		property_case_code(o->l.text[LABEL_CASE], o->case_code);
		o->l.qr = o->l.text[LABEL_CODE] = o->case_code;
		return CST_OK;
	}
	o->l.qr = o->l.text[LABEL_CODE] = o->it.code;
	o->l.text[LABEL_CASE] = o->it.case_number;
	o->l.text[LABEL_DESCRIPTION] = o->it.description;
	o->l.text[LABEL_CATEGORY] = prop_label(o->it.category);
	return CST_OK;
}

static int
show(const struct label_opts *o)
{
	struct qr_lines lines;
	struct errmsg em;
	struct qr *q;
	int i;

	err_clear(&em);
	if (qr_encode(o->l.qr, &q, &em) != CST_OK)
		return cmd_fail(&em);
	qr_render(q, o->inverse ? QR_RENDER_INVERSE : 0, &lines);
	for (i = 0; i < lines.count; i++)
		printf("%s\n", lines.line[i]);
	for (i = 0; i < LABEL_LINES; i++)
		if (o->l.text[i] != NULL && o->l.text[i][0] != '\0')
			printf("%s\n", o->l.text[i]);
	qr_lines_free(&lines);
	qr_free(q);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
}

static int
label_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct buf b = { NULL, 0, 0 };
	struct label_opts o;
	struct errmsg em;
	int rc, png;

	if ((rc = parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	err_clear(&em);
	if ((o.data != NULL || o.item != NULL) && from_journal(&o, &em) != CST_OK)
		return cmd_fail(&em);
	if (strcmp(o.format, "text") == 0)
		return show(&o);
	png = strcmp(o.format, "png") == 0;
	if (!png && strcmp(o.format, "svg") != 0)
		return cmd_usage(self, _("--format is svg, png or text"));
	if (o.out == NULL)
		return cmd_usage(self, _("give --out FILE (or - for standard output)"));
	err_clear(&em);
	rc = png ? label_png(&o.l, &b, &em) : label_svg(&o.l, &b, &em);
	if (rc == CST_OK) {
		if (strcmp(o.out, "-") == 0) {
			if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
				rc = err_set(&em, CST_ERR_IO, _("cannot write the output"));
		} else {
			rc = label_write_file(o.out, b.p, b.len, &em);
		}
	}
	buf_free(&b);
	return rc == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_label_entry = {
	"label",
	"[--data DIR] --item ID | --code C | --case N [--text T] [--category K] "
	    "--format svg|png|text [--out FILE] [--dpi 203|300] [--module N] [--inverse]",
	N_("print a QR label for an item or a case (SVG, PNG or in the terminal)"),
	label_exec
};
