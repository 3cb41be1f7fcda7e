/*
 * custody restore: a terminal whose disk died, rebuilt from the ledger and its key backup.
 * Its own signed events come back verbatim (checked against its key), then the others'.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "biometric.h"
#include "cmd.h"
#include "i18n.h"
#include "sync.h"
#include "terminal.h"

struct restore_opts {
	const char *data, *url, *key, *ca, *pin, *cert, *cert_key, *biokey;
};

static int
conf_from(const struct restore_opts *o, struct sync_conf *cf, struct errmsg *em)
{
	sync_conf_defaults(cf);
	if ((size_t)snprintf(cf->url, sizeof cf->url, "%s", o->url) >= sizeof cf->url ||
	    (size_t)snprintf(cf->ca, sizeof cf->ca, "%s", o->ca) >= sizeof cf->ca ||
	    (size_t)snprintf(cf->pin, sizeof cf->pin, "%s", o->pin) >= sizeof cf->pin ||
	    (size_t)snprintf(cf->cert, sizeof cf->cert, "%s", o->cert) >= sizeof cf->cert ||
	    (size_t)snprintf(cf->key, sizeof cf->key, "%s", o->cert_key) >= sizeof cf->key)
		return err_set(em, CST_ERR_ARG, _("an option is too long"));
	cf->learn_key = 1;	/* as at enrolment: the ledger reached over verified TLS */
	return sync_conf_check(cf, em);
}

/* Asks for the head (learning the ledger's key), saves the conf, heals the whole chain. */
static int
heal_all(struct journal *j, const char *name, const unsigned char sk[CRY_SK_BYTES],
    struct sync_conf *cf, struct sync_status *st, struct errmsg *em)
{
	int status;

	status = sync_run_once(j, name, sk, cf, SYNC_CHECK, st, em);
	if (status == CST_OK && st->ledger_seq <= 0)
		return err_set(em, CST_ERR_NOTFOUND, _("the ledger holds no events of terminal %s: "
		    "nothing to restore"), name);
	if (status == CST_OK)
		status = sync_conf_save(j, cf, em);
	if (status == CST_OK)
		status = sync_run_once(j, name, sk, cf, SYNC_ONCE, st, em);
	return status;
}

static int
restore(const struct restore_opts *o, const char *dir, struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1];
	struct sync_status st;
	struct sync_conf cf;
	struct journal *j;
	int status;

	if ((status = conf_from(o, &cf, em)) != CST_OK)
		return status;
	cmd_sync_conf(dir, &cf);
	if ((status = terminal_key_load(o->key, name, sizeof name, pk, sk, em)) != CST_OK)
		return status;
	status = terminal_restore_create(dir, o->key, name, sizeof name, &j, em);
	if (status != CST_OK) {
		cry_wipe(sk, sizeof sk);
		return status;
	}
	status = heal_all(j, name, sk, &cf, &st, em);
	cry_wipe(sk, sizeof sk);
	if (status == CST_OK)
		status = terminal_restore_finish(j, dir, name, em);
	journal_close(j);
	if (status == CST_OK)
		status = o->biokey != NULL ? biokey_import(dir, o->biokey, em) :
		    biokey_create(dir, em);
	if (status != CST_OK) {
		terminal_restore_undo(dir);
		return status;
	}
	printf(_("terminal %s restored in %s from the ledger at %s: %lld of its events, "
	    "%lld events of other terminals\n"), name, dir, cf.url, (long long)st.heal.restored,
	    (long long)st.pulled);
	if (o->biokey == NULL)
		printf(_("a new biometric key was made: fingerprints enrolled before cannot be "
		    "matched here until the center's key is copied in (custody restore "
		    "--biometric-key)\n"));
	return CST_OK;
}

static int
cmd_restore_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ "ca", required_argument, NULL, 'c' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'C' },
		{ "cert-key", required_argument, NULL, 'K' },
		{ "biometric-key", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct restore_opts o = { NULL, NULL, NULL, "", "", "", "", NULL };
	char dir[PATH_MAX];
	struct errmsg em;
	int c;

	while ((c = getopt_long(argc, argv, "d:l:k:c:p:C:K:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.data = optarg; break;
		case 'l': o.url = optarg; break;
		case 'k': o.key = optarg; break;
		case 'c': o.ca = optarg; break;
		case 'p': o.pin = optarg; break;
		case 'C': o.cert = optarg; break;
		case 'K': o.cert_key = optarg; break;
		case 'b': o.biokey = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (o.url == NULL || o.key == NULL)
		return cmd_usage(self, _("--ledger and --key are required"));
	err_clear(&em);
	if (cmd_data_dir(o.data, dir, sizeof dir, &em) != CST_OK || restore(&o, dir, &em) != CST_OK)
		return cmd_fail(&em);
	return EXIT_OK;
}

const struct cmd_entry cmd_restore_entry = {
	"restore",
	"[--data DIR] --ledger https://HOST:PORT --key KEYFILE [--ca FILE] [--pin sha256//BASE64] "
	    "[--cert FILE --cert-key FILE] [--biometric-key FILE]",
	N_("rebuild a lost terminal from the ledger and its key backup"),
	cmd_restore_exec
};
