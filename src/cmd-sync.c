/* custody enroll and custody sync: bind this terminal to a ledger, push and pull, show the state. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "cmd.h"
#include "crypto.h"
#include "i18n.h"
#include "loop.h"
#include "sync.h"
#include "terminal.h"
#include "text.h"
#include "when.h"

static int
copy_opt(char *dst, size_t size, const char *src, const char *what, struct errmsg *em)
{
	if ((size_t)snprintf(dst, size, "%s", src) >= size)
		return err_set(em, CST_ERR_ARG, _("%s is too long"), what);
	return CST_OK;
}

/* Opens the terminal for writing and loads its secret key (for signing requests). */
static int
open_signing(const char *data, struct terminal **t, unsigned char sk[CRY_SK_BYTES],
    struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES];
	char dir[PATH_MAX], name[EV_MAX_ID + 1];
	int status;

	if ((status = cmd_data_dir(data, dir, sizeof dir, em)) != CST_OK)
		return status;
	if ((status = terminal_open(dir, TERMINAL_SIGN, t, em)) != CST_OK)
		return status;
	status = terminal_key_load((*t)->key_path, name, sizeof name, pk, sk, em);
	if (status != CST_OK) {
		terminal_close(*t);
		*t = NULL;
	}
	return status;
}

static int
cmd_enroll_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "token", required_argument, NULL, 't' },
		{ "ca", required_argument, NULL, 'c' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *url = NULL, *token = NULL, *ca = "", *pin = "";
	const char *cert = "", *key = "";
	unsigned char sk[CRY_SK_BYTES];
	struct sync_conf cf;
	struct terminal *t;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:l:t:c:p:C:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'l': url = optarg; break;
		case 't': token = optarg; break;
		case 'c': ca = optarg; break;
		case 'p': pin = optarg; break;
		case 'C': cert = optarg; break;
		case 'K': key = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (url == NULL || token == NULL)
		return cmd_usage(self, _("--ledger and --token are required"));
	err_clear(&em);
	sync_conf_defaults(&cf);
	status = copy_opt(cf.url, sizeof cf.url, url, "--ledger", &em);
	if (status == CST_OK)
		status = copy_opt(cf.ca, sizeof cf.ca, ca, "--ca", &em);
	if (status == CST_OK)
		status = copy_opt(cf.pin, sizeof cf.pin, pin, "--pin", &em);
	if (status == CST_OK)
		status = copy_opt(cf.cert, sizeof cf.cert, cert, "--cert", &em);
	if (status == CST_OK)
		status = copy_opt(cf.key, sizeof cf.key, key, "--key", &em);
	if (status == CST_OK)
		status = sync_conf_check(&cf, &em);
	if (status != CST_OK)
		return cmd_usage(self, "%s", em.text);
	if (open_signing(data, &t, sk, &em) != CST_OK)
		return cmd_fail(&em);
	cry_wipe(sk, sizeof sk);
	status = sync_enroll(t->journal, &cf, t->name, token, t->pk, &em);
	if (status == CST_OK)
		printf(_("terminal %s enrolled with the ledger at %s\n"), t->name, cf.url);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_enroll_entry = {
	"enroll",
	"[--data DIR] --ledger https://HOST:PORT --token TOKEN [--ca FILE] [--pin sha256//BASE64] "
	    "[--cert FILE --key FILE]",
	N_("bind this terminal to the center's ledger with a one-time token"),
	cmd_enroll_exec
};

static void
print_status(const struct sync_status *st)
{
	char shown[6 * ERRMSG_MAX + 1];
	char when[WHEN_ISO_MAX], age[64];

	if (!st->enrolled) {
		printf(_("not enrolled with a ledger (custody enroll); %lld events of this "
		    "terminal\n"), (long long)st->head);
		return;
	}
	printf(_("events of this terminal: %lld, acknowledged by the ledger: %lld, unsent: %lld\n"),
	    (long long)st->head, (long long)st->acked, (long long)st->backlog);
	if (st->backlog > 0) {
		when_format_duration(clock_now_ms() - st->oldest_ts, age, sizeof age);
		printf(_("oldest unsent event: %s old\n"), age);
	}
	if (st->receipt_seq > 0) {
		when_format_minute(st->receipt_time, when);
		printf(_("last receipt: seq %lld, signed by the ledger at %s\n"),
		    (long long)st->receipt_seq, when);
	}
	printf(_("pull cursor: %lld\n"), (long long)st->cursor);
	if (st->last_contact > 0) {
		when_format_minute(st->last_contact, when);
		printf(_("last exchange with the ledger: %s\n"), when);
	}
	/* Both may quote the ledger's or another terminal's words: escaped. */
	if (st->last_error[0] != '\0') {
		text_escape(st->last_error, shown, sizeof shown);
		printf(_("last error: %s\n"), shown);
	}
	if (st->refused > 0) {
		text_escape(st->last_refused, shown, sizeof shown);
		printf(_("events of other terminals refused: %lld (last: %s)\n"),
		    (long long)st->refused, shown);
	}
}

/* Reads only: works while the console runs, and without the key. */
static int
show_status(const char *data)
{
	char dir[PATH_MAX];
	struct sync_status st;
	struct terminal *t;
	struct errmsg em;
	int status;

	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_RDONLY, &t, &em) != CST_OK)
		return cmd_fail(&em);
	status = sync_read_status(t->journal, t->name, &st, &em);
	if (status == CST_OK)
		print_status(&st);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

/* One pass on a private loop: the whole backlog pushed, everything new pulled. */
static int
sync_once(struct terminal *t, const unsigned char sk[CRY_SK_BYTES], struct errmsg *em)
{
	struct sync_status st;
	struct sync_conf cf;
	struct sync *s;
	struct loop *l;
	int status;

	if ((status = sync_conf_load(t->journal, &cf, em)) != CST_OK)
		return status;
	l = loop_new();
	status = sync_new(l, t->journal, t->name, sk, &cf, 1, &s, em);
	while (status == CST_OK && !sync_done(s))
		status = loop_run_once(l, 1000) == CST_OK ? CST_OK :
		    err_set(em, CST_ERR_IO, _("the event loop failed"));
	if (status == CST_OK)
		status = sync_result(s, em);
	if (s != NULL) {
		sync_get_status(s, &st);
		printf(_("online: %lld unsent, %lld events of other terminals stored\n"),
		    (long long)st.backlog, (long long)st.pulled);
	}
	if (status != CST_OK && s != NULL) {
		char shown[6 * sizeof em->text + 1];

		text_escape(em->text, shown, sizeof shown);
		printf(_("offline: %s\n"), shown);
	}
	sync_free(s);
	loop_free(l);
	return status;
}

static int
cmd_sync_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ "status", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL;
	unsigned char sk[CRY_SK_BYTES];
	struct terminal *t;
	struct errmsg em;
	int c, once = 0, status_only = 0, status;

	while ((c = getopt_long(argc, argv, "d:osh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'o': once = 1; break;
		case 's': status_only = 1; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (once == status_only)
		return cmd_usage(self, _("give --once or --status"));
	err_clear(&em);
	if (status_only)
		return show_status(data);
	if (open_signing(data, &t, sk, &em) != CST_OK)
		return cmd_fail(&em);
	status = sync_once(t, sk, &em);
	cry_wipe(sk, sizeof sk);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_sync_entry = {
	"sync",
	"[--data DIR] --once | --status",
	N_("push this terminal's events to the ledger and pull the others', or show the state"),
	cmd_sync_exec
};
