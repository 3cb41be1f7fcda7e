/* custody center: the center key of an existing journal (docs/journal.md, "Authority"). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "authority.h"
#include "cmd.h"
#include "crypto.h"
#include "hex.h"
#include "i18n.h"
#include "operator.h"
#include "terminal.h"

static int
center_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *admin = NULL, *admin_name = NULL, *what;
	char dir[PATH_MAX], hex[2 * CRY_PK_BYTES + 1], pw[OP_PASSWORD_MAX + 4];
	char pubpath[PATH_MAX + 16];
	unsigned char pk[CRY_PK_BYTES];
	struct terminal *t;
	struct errmsg em;
	int c, status;

	if (argc < 2)
		return cmd_usage(self, _("show, pin or found?"));
	what = argv[1];
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'a': admin = optarg; break;
		case 'n': admin_name = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	err_clear(&em);
	memset(pw, 0, sizeof pw);
	if (strcmp(what, "show") == 0) {
		if (optind != argc)
			return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
		if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
		    terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
			return cmd_fail(&em);
		status = journal_center(t->journal, pk, &em);
		terminal_close(t);
		if (status != CST_OK)
			return cmd_fail(&em);
		hex_encode(pk, sizeof pk, hex);
		printf("%s\n", hex);
		return EXIT_OK;
	}
	if (strcmp(what, "pin") == 0) {
		if (optind + 1 != argc)
			return cmd_usage(self, _("pin wants the center's key file or its hex"));
		if (authority_pub_read(argv[optind], pk, &em) != CST_OK ||
		    cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
		    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK)
			return cmd_fail(&em);
		status = journal_pin_center(t->journal, pk, &em);
		terminal_close(t);
		if (status != CST_OK)
			return cmd_fail(&em);
		hex_encode(pk, sizeof pk, hex);
		printf(_("center key %s pinned\n"), hex);
		return EXIT_OK;
	}
	if (strcmp(what, "found") != 0)
		return cmd_usage(self, _("unknown center command \"%s\""), what);
	if (admin == NULL || admin_name == NULL || optind != argc)
		return cmd_usage(self, _("found wants --admin ID and --admin-name NAME"));
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
	    cmd_get_password(_("Password of the new administrator: "), pw, sizeof pw, 1,
	    &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		cry_wipe(pw, sizeof pw);
		return cmd_fail(&em);
	}
	status = operator_found(t->journal, admin, admin_name, pw, pk, &em);
	cry_wipe(pw, sizeof pw);
	terminal_close(t);
	snprintf(pubpath, sizeof pubpath, "%s/%s", dir, AUTH_PUB_FILE);
	if (status == CST_OK)
		status = authority_pub_write(pubpath, pk, &em);
	if (status != CST_OK)
		return cmd_fail(&em);
	hex_encode(pk, sizeof pk, hex);
	printf(_("center key %s created with administrator %s: copy %s to every terminal "
	    "of this center (custody init --center FILE)\n"), hex, admin, pubpath);
	return EXIT_OK;
}

const struct cmd_entry cmd_center_entry = {
	"center",
	"show [--data DIR] | pin [--data DIR] FILE|HEX "
	"| found [--data DIR] --admin ID --admin-name NAME",
	N_("show, pin or found the center key that signs operators and other reference data"),
	center_exec
};
