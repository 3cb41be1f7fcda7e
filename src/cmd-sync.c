/* custody enroll and custody sync: bind this terminal to a ledger, push and pull, show the state. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authority.h"
#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "conflict.h"
#include "crypto.h"
#include "i18n.h"
#include "label.h"
#include "xmalloc.h"
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

void
cmd_sync_conf(const char *dir, struct sync_conf *cf)
{
	char path[PATH_MAX + 16];
	struct config c;
	struct errmsg em;

	config_defaults(&c);
	snprintf(path, sizeof path, "%s/custody.conf", dir);
	err_clear(&em);
	if (config_load(path, &c, &em) != CST_OK)
		fprintf(stderr, "custody: %s\n", em.text);	/* the defaults then */
	cf->skew_max_ms = c.clock_skew_max_ms;
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

#define CA_MAX (1 << 20)
#define CA_FILE "ledger-ca.pem"

/*
 * The CA is copied into the data directory (0644) and kept by its absolute name: sync works
 * from any directory, and a CA file edited or removed later does not change whom the terminal
 * trusts.
 */
static int
keep_ca(const char *dir, const char *ca, char *out, size_t size, struct errmsg *em)
{
	char absdir[PATH_MAX], *text;
	struct stat st;
	ssize_t n;
	int fd, status;

	if ((fd = open(ca, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(em, CST_ERR_NOTFOUND, "%s: %s", ca, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CA_MAX) {
		close(fd);
		return err_set(em, CST_ERR_INPUT, _("%s: not a PEM file of at most 1 MiB"), ca);
	}
	text = xmalloc((size_t)st.st_size + 1);
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n >= 0)
		text[n] = '\0';
	if (n != (ssize_t)st.st_size || strstr(text, "-----BEGIN CERTIFICATE-----") == NULL) {
		free(text);
		return err_set(em, CST_ERR_INPUT, _("%s holds no PEM certificate"), ca);
	}
	if (realpath(dir, absdir) == NULL ||
	    (size_t)snprintf(out, size, "%s/%s", absdir, CA_FILE) >= size) {
		free(text);
		return err_set(em, CST_ERR_ARG, _("the data directory path is too long"));
	}
	status = label_write_file(out, text, (size_t)n, em);
	free(text);
	if (status == CST_OK && chmod(out, 0644) != 0)
		status = err_set(em, CST_ERR_IO, "%s: %s", out, strerror(errno));
	return status;
}

/* A file the terminal uses later, by its absolute name. */
static int
absolute(char *path, size_t size, const char *what, struct errmsg *em)
{
	char abs[PATH_MAX];

	if (path[0] == '\0')
		return CST_OK;
	if (realpath(path, abs) == NULL)
		return err_set(em, CST_ERR_NOTFOUND, "%s %s: %s", what, path, strerror(errno));
	return copy_opt(path, size, abs, what, em);
}

#define TOKEN_MAX 256

/*
 * The one-time token, from a file or standard input, never the command line (other users
 * see a command line in ps): its first line, without the line's end.
 */
static int
read_token(const char *file, char *out, size_t size, struct errmsg *em)
{
	FILE *f = stdin;
	size_t n;

	if (file != NULL && strcmp(file, "-") != 0 && (f = fopen(file, "r")) == NULL)
		return err_set(em, CST_ERR_NOTFOUND, _("cannot read the token file %s: %s"), file,
		    strerror(errno));
	if (file == NULL && isatty(fileno(stdin)))
		fprintf(stderr, "%s", _("Enrolment token: "));
	if (fgets(out, (int)size, f) == NULL)
		out[0] = '\0';
	if (f != stdin)
		fclose(f);
	n = strcspn(out, "\r\n");
	if (out[n] == '\0' && n == size - 1)
		return err_set(em, CST_ERR_ARG, _("the token is longer than %d characters"),
		    TOKEN_MAX);
	out[n] = '\0';
	if (n == 0)
		return err_set(em, CST_ERR_ARG, _("no token: give it on standard input or in "
		    "--token-file FILE"));
	return CST_OK;
}

static int
cmd_enroll_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "ledger", required_argument, NULL, 'l' },
		{ "token", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "ca", required_argument, NULL, 'c' },
		{ "pin", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *url = NULL, *token_file = NULL, *ca = "", *pin = "";
	const char *cert = "", *key = "";
	char token[TOKEN_MAX + 2];
	unsigned char sk[CRY_SK_BYTES];
	struct sync_conf cf;
	struct terminal *t;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:l:t:T:c:p:C:K:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'l': url = optarg; break;
		case 't':
			return cmd_usage(self, "%s", _("the token is not taken on the command line, "
			    "where other users see it: give it on standard input or in "
			    "--token-file FILE"));
		case 'T': token_file = optarg; break;
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
	if (url == NULL)
		return cmd_usage(self, _("--ledger is required"));
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
	if ((status = read_token(token_file, token, sizeof token, &em)) != CST_OK) {
		terminal_close(t);
		return status == CST_ERR_ARG ? cmd_usage(self, "%s", em.text) : cmd_fail(&em);
	}
	status = cf.ca[0] != '\0' ? keep_ca(t->dir, ca, cf.ca, sizeof cf.ca, &em) : CST_OK;
	if (status == CST_OK)
		status = absolute(cf.cert, sizeof cf.cert, "--cert", &em);
	if (status == CST_OK)
		status = absolute(cf.key, sizeof cf.key, "--key", &em);
	if (status == CST_OK)
		status = sync_enroll(t->journal, &cf, t->name, token, t->pk, &em);
	cry_wipe(token, sizeof token);
	if (status == CST_OK)
		printf(_("terminal %s enrolled with the ledger at %s\n"), t->name, cf.url);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_enroll_entry = {
	"enroll",
	"[--data DIR] --ledger https://HOST:PORT [--token-file FILE] [--ca FILE] "
	    "[--pin sha256//BASE64] [--cert FILE --key FILE] < TOKEN",
	N_("bind this terminal to the center's ledger with a one-time token"),
	cmd_enroll_exec
};

/* The clock offset in words: a terminal clock that is wrong does not stop sync. */
static void
print_offset(int64_t offset_ms)
{
	char d[64];

	when_format_duration(offset_ms < 0 ? -offset_ms : offset_ms, d, sizeof d);
	if (offset_ms < 0)
		printf(_("clock: this terminal's clock is %s ahead of the ledger's; requests are "
		    "signed with the ledger's time\n"), d);
	else
		printf(_("clock: this terminal's clock is %s behind the ledger's; requests are "
		    "signed with the ledger's time\n"), d);
}

/* The ledger's transparency log as this terminal witnessed it. */
static void
print_log(const struct sync_status *st)
{
	char shown[6 * ERRMSG_MAX + 1];

	if (st->log_size >= 0)
		printf(_("ledger's log: checkpoint of %lld leaves verified, cosigned up to %lld\n"),
		    (long long)st->log_size, (long long)st->log_cosigned);
	if (st->log_refusal[0] != '\0') {
		text_escape(st->log_refusal, shown, sizeof shown);
		printf(_("LEDGER LOG REFUSED: %s; nothing is pulled from this ledger until an "
		    "administrator runs custody sync --trust-log --by ADMIN\n"), shown);
	}
}

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
	/* These may quote the ledger's or another terminal's words: escaped. */
	if (st->last_error[0] != '\0') {
		text_escape(st->last_error, shown, sizeof shown);
		printf(_("last error: %s\n"), shown);
	}
	if (st->skewed)
		print_offset(st->offset_ms);
	if (st->refusal[0] != '\0') {
		text_escape(st->refusal, shown, sizeof shown);
		printf(_("PUSH REFUSED: %s; nothing more is pushed until the cause is fixed and "
		    "custody sync --once is run\n"), shown);
	}
	if (st->refused > 0) {
		text_escape(st->last_refused, shown, sizeof shown);
		printf(_("events of other terminals refused: %lld (last: %s)\n"),
		    (long long)st->refused, shown);
	}
	print_log(st);
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
	if (status == CST_OK && st.log_refusal[0] != '\0')
		status = err_set(&em, CST_ERR_VERIFY, "%s", st.log_refusal);
	else if (status == CST_OK && st.refusal[0] != '\0')
		status = err_set(&em, CST_ERR_VERIFY, "%s", st.refusal);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

/* One pass: heal when behind, the whole backlog pushed, everything new pulled. */
static int
sync_once(struct terminal *t, const unsigned char sk[CRY_SK_BYTES], struct errmsg *em)
{
	char shown[6 * ERRMSG_MAX + 1];
	const char *refusal;
	struct sync_status st;
	struct sync_conf cf;
	int status, found;

	if ((status = sync_conf_load(t->journal, &cf, em)) != CST_OK)
		return status;
	cmd_sync_conf(t->dir, &cf);
	status = sync_run_once(t->journal, t->name, sk, &cf, SYNC_ONCE, &st, em);
	if (st.heal.ledger_seq > 0)
		printf(_("this journal was behind the ledger (restored from an old copy?): "
		    "%lld of its events came back from the ledger, %lld made since were moved "
		    "aside and %lld of them recorded again\n"), (long long)st.heal.restored,
		    (long long)st.heal.forked, (long long)st.heal.rerecorded);
	if (st.skewed)
		print_offset(st.offset_ms);
	refusal = st.log_refusal[0] != '\0' ? st.log_refusal : st.refusal;
	if (status == CST_OK)
		printf(_("online: %lld unsent, %lld events of other terminals stored\n"),
		    (long long)st.backlog, (long long)st.pulled);
	if (status == CST_OK && (status = conflict_record_new(t->journal, &found, em)) == CST_OK &&
	    found > 0)
		printf(_("conflicts of ids between terminals recorded: %d (the supervisor's "
		    "conflict queue lists them)\n"), found);
	else
		text_escape(refusal[0] != '\0' ? refusal : em->text, shown, sizeof shown);
	if (status != CST_OK && st.log_refusal[0] != '\0')
		printf(_("refused: %s; nothing was pulled (custody sync --trust-log --by ADMIN, "
		    "once the ledger is put right)\n"), shown);
	else if (status != CST_OK && refusal[0] != '\0')
		printf(_("refused: %s\n"), shown);
	else if (status != CST_OK)
		printf(_("offline: %s\n"), shown);
	return status;
}

/*
 * An administrator accepts the ledger's log again (docs/transparency.md): authenticated as
 * custody operator add --by does, recorded as sync.log_trusted.
 */
static int
trust_log(const char *data, const char *by)
{
	char dir[PATH_MAX], said[ERRMSG_MAX + 64];
	struct authority a;
	struct terminal *t;
	struct errmsg em;
	int status;

	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK)
		return cmd_fail(&em);
	if (cmd_unlock_admin(t, dir, by, &a, &em) != CST_OK) {
		terminal_close(t);
		return cmd_fail(&em);
	}
	authority_wipe(&a);
	status = sync_trust_log(t->journal, t->name, by, said, sizeof said, &em);
	terminal_close(t);
	if (status != CST_OK)
		return cmd_fail(&em);
	printf("%s\n", said);
	return EXIT_OK;
}

static int
cmd_sync_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ "status", no_argument, NULL, 's' },
		{ "trust-log", no_argument, NULL, 'T' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *by = NULL;
	unsigned char sk[CRY_SK_BYTES];
	struct terminal *t;
	struct errmsg em;
	int c, once = 0, status_only = 0, trust = 0, status;

	while ((c = getopt_long(argc, argv, "d:osTb:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'o': once = 1; break;
		case 's': status_only = 1; break;
		case 'T': trust = 1; break;
		case 'b': by = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (once + status_only + trust != 1)
		return cmd_usage(self, _("give --once, --status or --trust-log"));
	if (trust != (by != NULL))
		return cmd_usage(self, _("--trust-log needs --by ADMIN, the administrator who "
		    "accepts the ledger's log again (and --by goes with --trust-log only)"));
	err_clear(&em);
	if (status_only)
		return show_status(data);
	if (trust)
		return trust_log(data, by);
	if (open_signing(data, &t, sk, &em) != CST_OK)
		return cmd_fail(&em);
	status = sync_once(t, sk, &em);
	cry_wipe(sk, sizeof sk);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

const struct cmd_entry cmd_sync_entry = {
	"sync",
	"[--data DIR] --once | --status | --trust-log --by ADMIN",
	N_("push this terminal's events to the ledger and pull the others', show the state, or "
	    "accept the ledger's log again"),
	cmd_sync_exec
};
