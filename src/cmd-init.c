/* custody init: create a terminal's key and journal. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "authority.h"
#include "biometric.h"
#include "cmd.h"
#include "crypto.h"
#include "hex.h"
#include "i18n.h"
#include "operator.h"
#include "terminal.h"

static int
cmd_init_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "terminal", required_argument, NULL, 't' },
		{ "room", required_argument, NULL, 'r' },
		{ "biometric-key", required_argument, NULL, 'b' },
		{ "admin", required_argument, NULL, 'a' },
		{ "admin-name", required_argument, NULL, 'n' },
		{ "center", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *name = NULL, *room = NULL, *biokey = NULL;
	const char *admin = NULL, *admin_name = NULL, *center_arg = NULL;
	char dir[PATH_MAX], pkhex[2 * CRY_PK_BYTES + 1], pw[OP_PASSWORD_MAX + 4];
	char pubpath[PATH_MAX + 16];
	unsigned char center[CRY_PK_BYTES];
	struct terminal *t;
	struct biokey k;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:t:r:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 't': name = optarg; break;
		case 'r': room = optarg; break;
		case 'b': biokey = optarg; break;
		case 'a': admin = optarg; break;
		case 'n': admin_name = optarg; break;
		case 'c': center_arg = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (name == NULL || room == NULL)
		return cmd_usage(self, _("--terminal and --room are required"));
	if ((admin == NULL) != (admin_name == NULL))
		return cmd_usage(self, _("--admin and --admin-name go together"));
	if (admin != NULL && center_arg != NULL)
		return cmd_usage(self, _("give --admin (a new center) or --center (join one), not "
		    "both"));
	err_clear(&em);
	memset(pw, 0, sizeof pw);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK)
		return cmd_fail(&em);
	/* What is refused is refused before anything is created. */
	if (center_arg != NULL && authority_pub_read(center_arg, center, &em) != CST_OK)
		return cmd_fail(&em);
	if (admin != NULL && cmd_get_password(_("Password of the new administrator: "), pw,
	    sizeof pw, 1, &em) != CST_OK)
		return cmd_fail(&em);
	/* A bad key file to import is refused before anything is created. */
	if (biokey && biokey_load(biokey, 1, &k, &em) != CST_OK)
		return cmd_fail(&em);
	if (biokey)
		biokey_wipe(&k);
	if (terminal_create(dir, name, room, &em) != CST_OK)
		return cmd_fail(&em);
	if ((biokey ? biokey_import(dir, biokey, &em) : biokey_create(dir, &em)) != CST_OK)
		return cmd_fail(&em);
	if (terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		cry_wipe(pw, sizeof pw);
		return cmd_fail(&em);
	}
	status = CST_OK;
	if (center_arg != NULL)
		status = journal_pin_center(t->journal, center, &em);
	if (admin != NULL) {
		status = operator_found(t->journal, admin, admin_name, pw, center, &em);
		snprintf(pubpath, sizeof pubpath, "%s/%s", dir, AUTH_PUB_FILE);
		if (status == CST_OK)
			status = authority_pub_write(pubpath, center, &em);
	}
	cry_wipe(pw, sizeof pw);
	if (status != CST_OK) {
		terminal_close(t);
		return cmd_fail(&em);
	}
	hex_encode(t->pk, CRY_PK_BYTES, pkhex);
	printf(_("terminal %s created in %s (room %s)\n"), t->name, dir, t->room);
	printf(_("public key: %s\n"), pkhex);
	printf(_("keep a copy of %s/%s offline (mode 0600): with it custody restore rebuilds this "
	    "terminal from the ledger if its disk dies\n"), dir, TERMINAL_KEY);
	if (biokey_load(dir, 0, &k, &em) == CST_OK)
		printf(biokey ? _("biometric key %s copied from %s\n") :
		    _("biometric key %s created: copy %s/%s to every terminal of this center\n"),
		    k.id, biokey ? biokey : dir, BIOKEY_FILE);
	biokey_wipe(&k);
	hex_encode(center, CRY_PK_BYTES, pkhex);
	if (admin != NULL)
		printf(_("center key %s created with administrator %s: copy %s to every terminal "
		    "of this center (custody init --center FILE)\n"), pkhex, admin, pubpath);
	else if (center_arg != NULL)
		printf(_("center key %s pinned\n"), pkhex);
	terminal_close(t);
	return EXIT_OK;
}

const struct cmd_entry cmd_init_entry = {
	"init",
	"[--data DIR] --terminal NAME --room ROOM [--biometric-key FILE]\n"
	"    [--admin ID --admin-name NAME | --center FILE|HEX]",
	N_("create this terminal's key and journal"),
	cmd_init_exec
};
