/* custody: the terminal's command line. Finds the command in the table and runs it. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmd.h"
#include "crypto.h"
#include "i18n.h"
#include "version.h"

static const struct cmd_entry *const commands[] = {
	&cmd_init_entry,
	&cmd_verify_entry,
	&cmd_log_entry,
	&cmd_rebuild_entry,
	&cmd_operator_entry,
	&cmd_officer_entry,
	&cmd_center_entry,
	&cmd_export_entry,
	&cmd_run_entry,
	&cmd_devices_entry,
	&cmd_probe_entry,
	&cmd_enroll_entry,
	&cmd_sync_entry,
	&cmd_restore_entry,
	&cmd_label_entry,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
help(void)
{
	size_t i;

	printf(_("usage: custody [--data DIR] COMMAND [options]\n"
	    "       custody --help | --version\n\n"
	    "The terminal of a case-handling center: a signed, hash-chained journal of every\n"
	    "step, kept in DIR (default $CUSTODY_DATA, else $XDG_DATA_HOME/custody).\n\n"
	    "Commands:\n"));
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-10s %s\n", commands[i]->name, _(commands[i]->summary));
	printf(_("\nRun \"custody COMMAND --help\" for a command's options; see custody(1).\n"));
}

static const struct cmd_entry *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *cmd;
	int c;

	/* A write past a file size limit must fail with an error we report, not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	i18n_init();
	clock_from_env();
	if (cry_init() != CST_OK) {
		fprintf(stderr, "custody: %s\n", _("cannot initialise libsodium"));
		return EXIT_INTERNAL;
	}
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cmd_global_data = optarg;
			break;
		case 'h':
			help();
			return EXIT_OK;
		case 'V':
			printf("custody %s\n", CUSTODY_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, _("Run \"custody --help\" for usage.\n"));
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		help();
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (cmd == NULL) {
		fprintf(stderr, _("custody: unknown command \"%s\"; run \"custody --help\"\n"),
		    argv[optind]);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: fully reinitialise getopt for the command's own options */
	return cmd->exec(cmd, argc, argv);
}
