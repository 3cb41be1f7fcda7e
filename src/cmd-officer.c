/* custody officer add|import|list: the register of officers (警号, name, unit, sex). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "i18n.h"
#include "officer-csv.h"
#include "officer.h"
#include "terminal.h"
#include "text.h"
#include "xmalloc.h"

/* The terminal in --data, opened for signing, and the administrator --by present. */
static int
open_as_admin(const char *data, const char *by, struct terminal **t, struct authority *a,
    struct errmsg *em)
{
	char dir[PATH_MAX];

	if (cmd_data_dir(data, dir, sizeof dir, em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, t, em) != CST_OK)
		return em->code;
	if (cmd_unlock_admin(*t, dir, by, a, em) != CST_OK) {
		terminal_close(*t);
		return em->code;
	}
	return CST_OK;
}

static int
officer_add_cmd(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "number", required_argument, NULL, 'N' },
		{ "name", required_argument, NULL, 'n' },
		{ "unit", required_argument, NULL, 'u' },
		{ "sex", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *number = NULL, *name = NULL, *unit = "", *sex = "", *by = NULL;
	char shown[OFFICER_SHOWN_MAX * 4];
	struct authority a;
	struct officer o;
	struct terminal *t;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:N:n:u:s:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'N': number = optarg; break;
		case 'n': name = optarg; break;
		case 'u': unit = optarg; break;
		case 's': sex = optarg; break;
		case 'b': by = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (number == NULL || name == NULL || by == NULL)
		return cmd_usage(self, _("--number, --name and --by are required"));
	memset(&o, 0, sizeof o);
	if (strlen(number) >= sizeof o.number || strlen(name) >= sizeof o.name ||
	    strlen(unit) >= sizeof o.unit)
		return cmd_usage(self, _("--number, --name or --unit is too long"));
	memcpy(o.number, number, strlen(number) + 1);
	memcpy(o.name, name, strlen(name) + 1);
	memcpy(o.unit, unit, strlen(unit) + 1);
	if (officer_sex_parse(sex, &o.sex) != 0)
		return cmd_usage(self, _("--sex is 男, 女, M or F"));
	err_clear(&em);
	if (officer_valid(&o, &em) != CST_OK ||
	    open_as_admin(data, by, &t, &a, &em) != CST_OK)
		return cmd_fail(&em);
	status = officer_add(t->journal, &a, &o, &em);
	authority_wipe(&a);
	terminal_close(t);
	if (status != CST_OK)
		return cmd_fail(&em);
	text_escape(o.name, shown, sizeof shown);
	printf(_("officer %s (%s) added by %s\n"), o.number, shown, by);
	return EXIT_OK;
}

struct import {
	struct journal *j;
	const struct authority *a;
	int added, known, bad;
	int status;
	struct errmsg em;
};

static int
import_line(void *arg, int line, const struct officer *o, const char *why)
{
	struct import *im = arg;
	char shown[4 * 256 + 8];
	struct errmsg em;
	int status;

	if (o == NULL) {
		text_escape(why, shown, sizeof shown);
		fprintf(stderr, _("line %d: %s\n"), line, shown);
		im->bad++;
		return 0;
	}
	err_clear(&em);
	status = officer_add(im->j, im->a, o, &em);
	if (status == CST_ERR_EXISTS) {
		text_escape(em.text, shown, sizeof shown);
		fprintf(stderr, _("line %d: %s: skipped\n"), line, shown);
		im->known++;
		return 0;
	}
	if (status != CST_OK) {
		im->status = status;
		im->em = em;
		return 1;	/* the journal failed: nothing more is written */
	}
	im->added++;
	return 0;
}

/* The whole file, at most OFFICER_CSV_BYTES_MAX bytes and one. */
static int
read_file(const char *path, char **text, size_t *len, struct errmsg *em)
{
	FILE *f = fopen(path, "rb");
	size_t cap = OFFICER_CSV_BYTES_MAX + 1;

	if (f == NULL)
		return err_set(em, errno == ENOENT ? CST_ERR_NOTFOUND : CST_ERR_IO, "%s: %s", path,
		    strerror(errno));
	*text = xmalloc(cap);
	*len = fread(*text, 1, cap, f);
	if (ferror(f)) {
		fclose(f);
		free(*text);
		return err_set(em, CST_ERR_IO, _("%s: cannot be read"), path);
	}
	fclose(f);
	return CST_OK;
}

static int
officer_import_cmd(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *by = NULL;
	struct import im;
	struct authority a;
	struct terminal *t;
	struct errmsg em;
	char *text = NULL;
	size_t len = 0;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'b': by = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (by == NULL || optind + 1 != argc)
		return cmd_usage(self, _("import needs --by ADMIN and one CSV file"));
	err_clear(&em);
	if (read_file(argv[optind], &text, &len, &em) != CST_OK)
		return cmd_fail(&em);
	if (open_as_admin(data, by, &t, &a, &em) != CST_OK) {
		free(text);
		return cmd_fail(&em);
	}
	memset(&im, 0, sizeof im);
	im.j = t->journal;
	im.a = &a;
	status = journal_batch_begin(t->journal, &em);
	if (status == CST_OK)
		status = officer_csv_parse(text, len, import_line, &im, &em);
	if (status == CST_OK && im.status != CST_OK) {
		status = im.status;
		em = im.em;
	}
	if (status == CST_OK)
		status = journal_batch_end(t->journal, &em);
	else
		journal_batch_abort(t->journal);
	authority_wipe(&a);
	terminal_close(t);
	free(text);
	if (status != CST_OK)
		return cmd_fail(&em);
	printf(_("officers: imported %d, already registered %d, bad lines %d\n"), im.added,
	    im.known, im.bad);
	return im.bad > 0 ? EXIT_DATA : EXIT_OK;
}

static int
print_officer(void *arg, const struct officer *o)
{
	char name[4 * OFFICER_NAME_MAX + 8], unit[4 * OFFICER_UNIT_MAX + 8];

	(void)arg;
	text_escape(o->name, name, sizeof name);
	text_escape(o->unit, unit, sizeof unit);
	printf("%-12s %s\t%s\t%s\n", o->number, name, o->sex == 'M' ? _("male") :
	    o->sex == 'F' ? _("female") : "-", unit);
	return 0;
}

static int
officer_list_cmd(const struct cmd_entry *self, int argc, char **argv)
{
	struct terminal *t;
	struct errmsg em;
	int status = cmd_open_data_only(self, argc, argv, TERMINAL_RDONLY, &t);

	if (status != CMD_OPENED)
		return status;
	err_clear(&em);
	status = officer_each(t->journal, print_officer, NULL, &em);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

static int
cmd_officer_exec(const struct cmd_entry *self, int argc, char **argv)
{
	if (argc < 2)
		return cmd_usage(self, _("add, import or list?"));
	if (strcmp(argv[1], "add") == 0)
		return officer_add_cmd(self, argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return officer_import_cmd(self, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return officer_list_cmd(self, argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_print_usage(self, 0);
		return EXIT_OK;
	}
	return cmd_usage(self, _("unknown officer command \"%s\""), argv[1]);
}

const struct cmd_entry cmd_officer_entry = {
	"officer",
	"add [--data DIR] --number N --name NAME [--unit UNIT] [--sex 男|女] --by ADMIN "
	"| import [--data DIR] --by ADMIN FILE.csv | list [--data DIR]",
	N_("add officers to the register, one or from a CSV file (警号,姓名,单位,性别), on an "
	"administrator's authority (the password from standard input), or list them"),
	cmd_officer_exec
};
