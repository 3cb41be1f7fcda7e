/* custody rebuild: recompute every projection from the events alone. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"
#include "journal.h"
#include "terminal.h"

static int
cmd_rebuild_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL;
	char dir[PATH_MAX];
	struct terminal *t;
	struct errmsg em;
	int c, status;

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
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK)
		return cmd_fail(&em);
	if (terminal_open(dir, TERMINAL_WRITABLE, &t, &em) != CST_OK)
		return cmd_fail(&em);
	status = journal_rebuild(t->journal, &em);
	terminal_close(t);
	if (status != CST_OK)
		return cmd_fail(&em);
	printf(_("projections rebuilt from the journal\n"));
	return EXIT_OK;
}

const struct cmd_entry cmd_rebuild_entry = {
	"rebuild",
	"[--data DIR]",
	N_("recompute every projection from the events alone"),
	cmd_rebuild_exec
};
