/* custody-ledger: the center's ledger of every terminal's events. Finds the command and runs it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "crypto.h"
#include "i18n.h"
#include "lcmd.h"
#include "version.h"

static const struct lcmd *const commands[] = {
	&lcmd_serve,
	&lcmd_token,
	&lcmd_key,
	&lcmd_verify,
	&lcmd_export,
	&lcmd_sign_request,
	&lcmd_push_body,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int
lcmd_fail(const struct errmsg *em)
{
	fprintf(stderr, "custody-ledger: %s\n", em->text[0] ? em->text : err_name(em->code));
	switch (em->code) {
	case CST_ERR_ARG:
		return LX_USAGE;
	case CST_ERR_VERIFY:
		return LX_VERIFY;
	case CST_ERR_IO:
	case CST_ERR_FULL:
		return LX_IO;
	case CST_ERR_INTERNAL:
		return LX_INTERNAL;
	default:
		return LX_DATA;
	}
}

int
lcmd_usage(const struct lcmd *c, const char *problem)
{
	if (problem != NULL)
		fprintf(stderr, "custody-ledger %s: %s\n", c->name, problem);
	fprintf(stderr, _("usage: custody-ledger %s %s\n"), c->name, c->usage);
	return LX_USAGE;
}

struct store *
lcmd_open_store(const char *db, int *lx)
{
	struct store *st;
	struct errmsg em;

	err_clear(&em);
	if (store_open(db, &st, &em) != CST_OK) {
		*lx = lcmd_fail(&em);
		return NULL;
	}
	return st;
}

static void
help(void)
{
	size_t i;

	printf(_("usage: custody-ledger COMMAND [options]\n\n"
	    "The center's ledger: every terminal's signed events, verified, over HTTPS.\n\n"
	    "Commands:\n"));
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-13s %s\n", commands[i]->name, _(commands[i]->summary));
	printf(_("\nSee custody-ledger(8).\n"));
}

int
main(int argc, char **argv)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	/* Past a file size limit a write fails with EFBIG (storage_full) instead of killing us. */
	signal(SIGXFSZ, SIG_IGN);
	i18n_init();
	clock_from_env();
	if (cry_init() != CST_OK) {
		fprintf(stderr, "custody-ledger: %s\n", _("cannot initialise libsodium"));
		return LX_INTERNAL;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return argc < 2 ? LX_USAGE : LX_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("custody-ledger %s\n", CUSTODY_VERSION);
		return LX_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, argv[1]) == 0)
			return commands[i]->exec(commands[i], argc - 1, argv + 1);
	fprintf(stderr, _("custody-ledger: unknown command \"%s\"; run \"custody-ledger --help\"\n"),
	    argv[1]);
	return LX_USAGE;
}
