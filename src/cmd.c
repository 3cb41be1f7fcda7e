/* What every command shares: exit codes, error printing, the data directory. */
#include "cmd.h"

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "terminal.h"
#include "text.h"

const char *cmd_global_data;

int
cmd_exit_code(int status)
{
	switch (status) {
	case CST_OK:
		return EXIT_OK;
	case CST_ERR_VERIFY:
		return EXIT_VERIFY;
	case CST_ERR_ARG:
		return EXIT_USAGE;
	case CST_ERR_BUSY:
		return EXIT_BUSY;
	case CST_ERR_IO:
	case CST_ERR_FULL:
	case CST_ERR_STOPPED:
		return EXIT_IO;
	case CST_ERR_INTERNAL:
		return EXIT_INTERNAL;
	default:
		return EXIT_DATA;
	}
}

int
cmd_fail(const struct errmsg *em)
{
	/* A message may quote what a ledger, a file or another terminal said: never as it is. */
	char shown[6 * sizeof em->text + 1];

	text_escape_lines(em->text[0] ? em->text : err_name(em->code), shown, sizeof shown);
	fprintf(stderr, "custody: %s\n", shown);
	return cmd_exit_code(em->code);
}

void
cmd_print_usage(const struct cmd_entry *e, int to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	fprintf(f, _("usage: custody %s %s\n"), e->name, e->usage);
	fprintf(f, "  %s\n", _(e->summary));
}

int
cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "custody %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cmd_print_usage(e, 1);
	return EXIT_USAGE;
}

int
cmd_data_dir(const char *opt, char *buf, size_t size, struct errmsg *em)
{
	const char *v;
	size_t n;

	if (opt == NULL)
		opt = cmd_global_data;
	if (opt != NULL && *opt != '\0')
		n = (size_t)snprintf(buf, size, "%s", opt);
	else if ((v = getenv("CUSTODY_DATA")) != NULL && *v != '\0')
		n = (size_t)snprintf(buf, size, "%s", v);
	else if ((v = getenv("XDG_DATA_HOME")) != NULL && *v != '\0')
		n = (size_t)snprintf(buf, size, "%s/custody", v);
	else if ((v = getenv("HOME")) != NULL && *v != '\0')
		n = (size_t)snprintf(buf, size, "%s/.local/share/custody", v);
	else
		return err_set(em, CST_ERR_ARG, _("no data directory: give --data DIR or set "
		    "CUSTODY_DATA"));
	if (n >= size)
		return err_set(em, CST_ERR_ARG, _("the data directory path is too long"));
	return CST_OK;
}

int
cmd_open_data_only(const struct cmd_entry *self, int argc, char **argv, int flags,
    struct terminal **t)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL;
	char dir[PATH_MAX];
	struct errmsg em;
	int c;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, flags, t, &em) != CST_OK)
		return cmd_fail(&em);
	return CMD_OPENED;
}
