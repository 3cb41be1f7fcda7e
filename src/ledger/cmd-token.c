/* custody-ledger token: a one-time enrolment token for one terminal, valid 24 hours. */
#include <getopt.h>
#include <stdio.h>

#include "clock.h"
#include "i18n.h"
#include "lcmd.h"
#include "ledger.h"

static int
token_exec(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "terminal", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	char token[2 * WIRE_TOKEN_BYTES + 1];
	const char *db = NULL, *terminal = NULL;
	struct store *st;
	struct errmsg em;
	int c, status;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 't')
			terminal = optarg;
		else
			return lcmd_usage(self, NULL);
	}
	if (db == NULL || terminal == NULL || optind != argc)
		return lcmd_usage(self, _("--db and --terminal are needed"));
	if ((st = lcmd_open_store(db, &status)) == NULL)
		return status;
	err_clear(&em);
	status = ledger_token(st, terminal, clock_now_ms(), token, &em);
	store_close(st);
	if (status != CST_OK)
		return lcmd_fail(&em);
	printf("%s\n", token);
	return LX_OK;
}

const struct lcmd lcmd_token = {
	"token",
	"--db PATH|URL --terminal NAME",
	N_("print a one-time enrolment token for a terminal"),
	token_exec,
};
