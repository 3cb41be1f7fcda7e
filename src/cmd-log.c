/* custody log: the journal's events as JSON lines. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "hex.h"
#include "i18n.h"
#include "journal.h"
#include "json.h"
#include "terminal.h"
#include "text.h"
#include "when.h"

/* Members that hold a secret's verifier: never printed, whoever asks. */
static int
secret_key(const char *key)
{
	return strcmp(key, "password_hash") == 0 || strcmp(key, "credential") == 0;
}

/*
 * The body as stored; or written again when it holds a password hash or a sealed credential
 * (hidden) or a character that would drive the terminal it is printed on (escaped):
 * body_rewritten says so, as it then no longer hashes to the event's hash.
 */
static void
write_body(struct jw *w, const struct event *ev)
{
	struct json *root;

	if ((strstr(ev->body, "password_hash") != NULL || strstr(ev->body, "credential") != NULL ||
	    !text_safe(ev->body, ev->body_len, 0)) &&
	    json_parse(ev->body, ev->body_len, &root, NULL) == CST_OK) {
		jw_key(w, "body");
		jw_value(w, root, secret_key);
		jw_key(w, "body_rewritten");
		jw_bool(w, 1);
		json_free(root);
		return;
	}
	jw_key(w, "body");
	jw_raw(w, ev->body, ev->body_len);
}

static void
write_event(struct jw *w, const struct event *ev)
{
	char iso[WHEN_ISO_MAX];

	when_format_iso(ev->ts, iso);
	jw_obj_begin(w);
	jw_key(w, "terminal");
	jw_str(w, ev->terminal);
	jw_key(w, "seq");
	jw_int(w, ev->seq);
	jw_key(w, "ts");
	jw_int(w, ev->ts);
	jw_key(w, "time");
	jw_str(w, iso);
	jw_key(w, "operator");
	jw_str(w, ev->operator_);
	jw_key(w, "kind");
	jw_str(w, ev->kind);
	jw_key(w, "subject");
	jw_str(w, ev->subject);
	if (json_validate(ev->body, ev->body_len, NULL) == CST_OK) {
		write_body(w, ev);
	} else {	/* damaged: show the bytes, never emit broken JSON */
		jw_key(w, "body_invalid_hex");
		jw_hex(w, (const unsigned char *)ev->body, ev->body_len);
	}
	jw_key(w, "prev");
	jw_hex(w, ev->prev, sizeof ev->prev);
	jw_key(w, "hash");
	jw_hex(w, ev->hash, sizeof ev->hash);
	jw_key(w, "sig");
	jw_hex(w, ev->sig, sizeof ev->sig);
	jw_obj_end(w);
}

static int
print_event(const struct event *ev, void *arg)
{
	struct jw w;
	size_t len;
	const char *text;

	(void)arg;
	jw_init(&w);
	write_event(&w, ev);
	text = jw_text(&w, &len);
	fwrite(text, 1, len, stdout);
	putchar('\n');
	jw_free(&w);
	return ferror(stdout) ? 1 : 0;
}

static int
open_journal(const char *data, const char *file, struct terminal **t, struct journal **j,
    struct errmsg *em)
{
	char dir[PATH_MAX];
	int status;

	*t = NULL;
	if (file != NULL)
		return journal_open(file, JOURNAL_RDONLY, j, em);
	if ((status = cmd_data_dir(data, dir, sizeof dir, em)) != CST_OK)
		return status;
	if ((status = terminal_open(dir, TERMINAL_RDONLY, t, em)) != CST_OK)
		return status;
	*j = (*t)->journal;
	return CST_OK;
}

static int
cmd_log_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ "subject", required_argument, NULL, 's' },
		{ "since", required_argument, NULL, 'S' },
		{ "terminal", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct journal_filter f;
	const char *data = NULL, *file = NULL;
	struct terminal *t;
	struct journal *j;
	struct errmsg em;
	int c, status;

	memset(&f, 0, sizeof f);
	while ((c = getopt_long(argc, argv, "d:f:k:s:S:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'f': file = optarg; break;
		case 'k': f.kind = optarg; break;
		case 's': f.subject = optarg; break;
		case 't': f.terminal = optarg; break;
		case 'S':
			if (when_parse(optarg, &f.since_ms) != 0)
				return cmd_usage(self, _("--since wants YYYY-MM-DD[THH:MM[:SS]] or "
				    "milliseconds, not \"%s\""), optarg);
			break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	if (data != NULL && file != NULL)
		return cmd_usage(self, _("give --data or --db, not both"));
	err_clear(&em);
	if (open_journal(data, file, &t, &j, &em) != CST_OK)
		return cmd_fail(&em);
	status = journal_each(j, &f, print_event, NULL, &em);
	if (t != NULL)
		terminal_close(t);
	else
		journal_close(j);
	if (status != CST_OK)
		return cmd_fail(&em);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err_set(&em, CST_ERR_IO, _("cannot write the output"));
		return cmd_fail(&em);
	}
	return EXIT_OK;
}

const struct cmd_entry cmd_log_entry = {
	"log",
	"[--data DIR | --db FILE] [--kind KIND] [--subject ID] [--since TIME] [--terminal NAME]",
	N_("print events as JSON lines, oldest first"),
	cmd_log_exec
};
