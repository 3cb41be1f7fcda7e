/* custody verify: check every chain and signature, and this terminal's key. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "hex.h"
#include "i18n.h"
#include "journal.h"
#include "sync.h"
#include "terminal.h"
#include "text.h"

static void
print_fault(const struct journal_fault *f, void *arg)
{
	(void)arg;
	printf(_("BAD: terminal %s, seq %lld, field %s: %s\n"), f->terminal, (long long)f->seq,
	    f->field, f->text);
}

/* Foreign events kept for their chain but refused by the checks (docs/journal.md, "Checks"). */
static void
report_unapplied(struct journal *j)
{
	char first[ERRMSG_MAX + 100], shown[4 * sizeof first];
	int64_t n;

	if (journal_unapplied_count(j, &n, first, sizeof first, NULL) != CST_OK || n == 0)
		return;
	text_escape(first, shown, sizeof shown);
	printf(_("%lld foreign event(s) stored but not applied: they fail the checks (first: %s)\n"),
	    (long long)n, shown);
}

static int
verify_journal(struct journal *j, const char *own, const unsigned char *own_pk)
{
	struct journal_stats stats;
	struct errmsg em;
	int status;

	err_clear(&em);
	memset(&stats, 0, sizeof stats);
	status = journal_verify(j, own, own_pk, print_fault, NULL, &stats, &em);
	if (status == CST_OK)
		printf(_("journal verified: %lld events from %lld terminal(s), every chain and "
		    "signature checks\n"), (long long)stats.events, (long long)stats.terminals);
	else if (status == CST_ERR_VERIFY)
		printf(_("journal FAILED verification: %lld bad chain(s) in %lld events\n"),
		    (long long)stats.faults, (long long)stats.events);
	else
		return cmd_fail(&em);
	report_unapplied(j);
	return cmd_exit_code(status);
}

static int
verify_file(const char *path)
{
	struct journal *j;
	struct errmsg em;
	int rc;

	err_clear(&em);
	if (journal_open(path, JOURNAL_RDONLY, &j, &em) != CST_OK)
		return cmd_fail(&em);
	rc = verify_journal(j, NULL, NULL);
	journal_close(j);
	return rc;
}

/* The ledger's last receipt must still be in the chain: a cut-off or restored journal is not. */
static int
verify_receipt(struct terminal *t)
{
	char info[256];
	struct errmsg em;
	int status;

	err_clear(&em);
	status = sync_check_receipt(t->journal, t->name, info, sizeof info, &em);
	if (status == CST_OK)
		printf(_("%s; the journal still reaches it\n"), info);
	else if (status == CST_ERR_VERIFY)
		printf(_("BAD: %s: %s\n"), info, em.text);
	else if (status != CST_ERR_NOTFOUND)
		return cmd_fail(&em);
	return status == CST_ERR_NOTFOUND ? EXIT_OK : cmd_exit_code(status);
}

/*
 * Without the ledger, a journal restored from an old copy looks whole: any prefix of a chain
 * is a valid chain, and the receipt it holds is as old as the copy. The ledger knows better.
 */
static int
verify_against_ledger(struct terminal *t)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1];
	struct sync_status st;
	struct sync_conf cf;
	struct errmsg em;
	int status;

	err_clear(&em);
	if ((status = sync_conf_load(t->journal, &cf, &em)) != CST_OK ||
	    (status = terminal_key_load(t->key_path, name, sizeof name, pk, sk, &em)) != CST_OK)
		return cmd_fail(&em);
	cmd_sync_conf(t->dir, &cf);
	status = sync_run_once(t->journal, t->name, sk, &cf, SYNC_CHECK, &st, &em);
	cry_wipe(sk, sizeof sk);
	if (status != CST_OK)
		return cmd_fail(&em);
	if (st.rolled_back) {
		printf(_("BAD: the ledger holds this terminal's chain up to seq %lld, and the journal "
		    "does not hold that event: it was rolled back (an old copy restored); custody "
		    "sync --once heals it from the ledger\n"), (long long)st.ledger_seq);
		return EXIT_VERIFY;
	}
	printf(_("the ledger holds this terminal's chain up to seq %lld, and so does the "
	    "journal\n"), (long long)st.ledger_seq);
	return EXIT_OK;
}

static int
verify_terminal(const char *dir, int ask_ledger)
{
	unsigned char head[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1];
	struct terminal *t;
	struct errmsg em;
	int64_t seq;
	int rc, key_rc, receipt_rc;

	err_clear(&em);
	if (terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
		return cmd_fail(&em);
	rc = verify_journal(t->journal, t->name, t->pk);
	key_rc = terminal_check_key(t, 0, &em) == CST_OK ? EXIT_OK : cmd_fail(&em);
	if (key_rc == EXIT_OK)
		printf(_("key %s belongs to terminal %s\n"), t->key_path, t->name);
	if (journal_head(t->journal, t->name, &seq, head, &em) == CST_OK) {
		hex_encode(head, sizeof head, hex);
		printf(_("terminal %s (room %s): head seq %lld, hash %s\n"), t->name, t->room,
		    (long long)seq, hex);
	}
	receipt_rc = verify_receipt(t);
	if (ask_ledger) {
		int ledger_rc = verify_against_ledger(t);

		if (receipt_rc == EXIT_OK)
			receipt_rc = ledger_rc;
	} else {
		printf("%s\n", _("without the ledger this cannot see a journal restored from an old "
		    "copy: custody verify --ledger asks the ledger for this terminal's head"));
	}
	terminal_close(t);
	return rc != EXIT_OK ? rc : key_rc != EXIT_OK ? key_rc : receipt_rc;
}

static int
cmd_verify_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'f' },
		{ "ledger", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *file = NULL;
	char dir[PATH_MAX];
	struct errmsg em;
	int c, ask_ledger = 0;

	while ((c = getopt_long(argc, argv, "d:f:lh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'f': file = optarg; break;
		case 'l': ask_ledger = 1; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (data != NULL && file != NULL)
		return cmd_usage(self, _("give --data or --db, not both"));
	if (file != NULL)
		return verify_file(file);
	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK)
		return cmd_fail(&em);
	return verify_terminal(dir, ask_ledger);
}

const struct cmd_entry cmd_verify_entry = {
	"verify",
	"[--data DIR [--ledger] | --db FILE]",
	N_("check every chain, hash and signature, and this terminal's key"),
	cmd_verify_exec
};
