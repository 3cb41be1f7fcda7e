/* custody-ledger key: the log's verifier key, for auditors and witnesses (docs/transparency.md). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "i18n.h"
#include "lcmd.h"
#include "lkey.h"
#include "ltlog.h"

static int
key_exec(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "ledger-key", required_argument, NULL, 'K' },
		{ "origin", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char path[PATH_MAX], origin[CKPT_ORIGIN_MAX + 1], vkey[CKPT_VKEY_MAX];
	const char *db = NULL, *keyfile = NULL, *name = NULL;
	struct errmsg em;
	int c, status;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'd')
			db = optarg;
		else if (c == 'K')
			keyfile = optarg;
		else if (c == 'o' && !ltlog_origin_ok(optarg))
			return lcmd_usage(self, _("--origin takes 1 to 55 printable ASCII characters, no "
			    "space and no \"+\""));
		else if (c == 'o')
			name = optarg;
		else
			return lcmd_usage(self, NULL);
	}
	if ((db == NULL && keyfile == NULL) || optind != argc)
		return lcmd_usage(self, _("--db or --ledger-key is needed"));
	err_clear(&em);
	if (keyfile == NULL && lkey_path(db, path, sizeof path, &em) != CST_OK)
		return lcmd_fail(&em);
	/* Read only: a missing key is an error here, never made. */
	status = lkey_load(keyfile != NULL ? keyfile : path, 0, pk, sk, &em);
	cry_wipe(sk, sizeof sk);
	if (status != CST_OK)
		return lcmd_fail(&em);
	if (name != NULL)
		snprintf(origin, sizeof origin, "%s", name);
	else
		ltlog_default_origin(pk, origin);
	note_vkey(origin, pk, vkey);
	printf("%s\n", vkey);
	return LX_OK;
}

const struct lcmd lcmd_key = {
	"key",
	"[--db PATH|URL] [--ledger-key FILE] [--origin NAME]",
	N_("print the log's verifier key (note_vkey) for auditors and witnesses"),
	key_exec,
};
