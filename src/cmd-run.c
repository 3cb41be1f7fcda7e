/* custody run: the console of one room, on this terminal's journal. */
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "console.h"
#include "i18n.h"
#include "terminal.h"

static int
cmd_run_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "room", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *room = NULL;
	char dir[PATH_MAX], conf[PATH_MAX + 16];
	struct terminal *t;
	struct console con;
	struct config cfg;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'r': room = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_usage(self, _("the console needs a terminal"));
	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK)
		return cmd_fail(&em);
	config_defaults(&cfg);
	snprintf(conf, sizeof conf, "%s/custody.conf", dir);
	if (config_load(conf, &cfg, &em) != CST_OK)
		return cmd_fail(&em);
	if (cfg.language[0] != '\0')	/* gettext reads it on every lookup */
		setenv("LANGUAGE", cfg.language, 1);
	if (terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK)
		return cmd_fail(&em);
	if (console_init(&con, t, &cfg, room, &em) != CST_OK) {
		terminal_close(t);
		return cmd_fail(&em);
	}
	status = console_run(&con, &em);
	console_free(&con);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_run_entry = {
	"run",
	"[--data DIR] [--room ROOM]",
	N_("open the console of a room (the terminal's own room by default)"),
	cmd_run_exec,
};
