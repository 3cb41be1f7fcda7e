/* custody-ledger verify and export: walk every stored event, to check it or to print it. */
#include <getopt.h>
#include <stdio.h>

#include "check.h"
#include "i18n.h"
#include "lcmd.h"

/* Both commands take --db only. */
static const char *
db_arg(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'd') {
			lcmd_usage(self, NULL);
			return NULL;
		}
		db = optarg;
	}
	if (db == NULL || optind != argc) {
		lcmd_usage(self, _("--db is needed"));
		return NULL;
	}
	return db;
}

static void
report(void *arg, const char *terminal, int64_t seq, const char *what)
{
	(void)arg;
	printf(_("BAD: terminal %s, seq %lld: %s\n"), terminal, (long long)seq, what);
}

static int
verify_exec(const struct lcmd *self, int argc, char **argv)
{
	const char *db = db_arg(self, argc, argv);
	struct store *st;
	struct errmsg em;
	int64_t events = 0;
	int status;

	if (db == NULL)
		return LX_USAGE;
	if ((st = lcmd_open_store(db, &status)) == NULL)
		return status;
	err_clear(&em);
	status = check_chains(st, report, NULL, &events, &em);
	store_close(st);
	if (status == CST_OK) {
		printf(_("ledger verified: %lld events, every chain, hash and signature checks\n"),
		    (long long)events);
		return LX_OK;
	}
	if (status == CST_ERR_VERIFY) {
		printf(_("ledger FAILED verification (%lld events read)\n"), (long long)events);
		return LX_VERIFY;
	}
	return lcmd_fail(&em);
}

const struct lcmd lcmd_verify = {
	"verify",
	"--db PATH|URL",
	N_("check every stored chain: seq, links, hashes, signatures"),
	verify_exec,
};

struct export {
	int64_t cursor;
	int64_t count;
	int failed;
};

static int
export_event(void *arg, int64_t cursor, const struct event *ev)
{
	struct export *x = arg;
	const char *text;
	size_t len;
	struct jw w;

	jw_init(&w);
	wire_event_write(&w, ev, cursor);
	text = jw_text(&w, &len);
	if (fwrite(text, 1, len, stdout) != len || putchar('\n') == EOF)
		x->failed = 1;
	jw_free(&w);
	x->cursor = cursor;
	x->count++;
	return x->failed;
}

static int
export_exec(const struct lcmd *self, int argc, char **argv)
{
	const char *db = db_arg(self, argc, argv);
	struct export x = { 0, 0, 0 };
	struct store *st;
	struct errmsg em;
	int64_t before;
	int status = CST_OK;

	if (db == NULL)
		return LX_USAGE;
	if ((st = lcmd_open_store(db, &status)) == NULL)
		return status;
	err_clear(&em);
	/* In pages, as pull does, so memory stays flat whatever the ledger holds. */
	do {
		before = x.count;
		status = st->ops->events_after(st, x.cursor, WIRE_MAX_BATCH, export_event, &x, &em);
	} while (status == CST_OK && x.count > before);
	store_close(st);
	if (fflush(stdout) != 0 || x.failed) {
		fprintf(stderr, "custody-ledger: %s\n", _("could not write the export"));
		return LX_IO;
	}
	return status == CST_OK ? LX_OK : lcmd_fail(&em);
}

const struct lcmd lcmd_export = {
	"export",
	"--db PATH|URL",
	N_("print every event as JSON lines, in arrival order"),
	export_exec,
};
