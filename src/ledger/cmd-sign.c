/*
 * custody-ledger sign-request and push-body: the four X-Custody-* headers of a request
 * signed with a terminal's key file, as curl -H arguments, and a push body made from a
 * terminal's journal, so the examples of docs/sync-protocol.md can be replayed by hand.
 * For testing and debugging.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "journal.h"
#include "i18n.h"
#include "lcmd.h"
#include "terminal.h"
#include "wire.h"
#include "xmalloc.h"

/* The whole body file, at most WIRE_MAX_BODY bytes. */
static char *
read_body(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL)
		return NULL;
	buf = xmalloc(WIRE_MAX_BODY + 1);
	*len = fread(buf, 1, WIRE_MAX_BODY + 1, f);
	fclose(f);
	if (*len > WIRE_MAX_BODY) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
sign_exec(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "method", required_argument, NULL, 'm' },
		{ "path", required_argument, NULL, 'p' },
		{ "body", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1], tm[WIRE_TIME_TEXT], nonce[WIRE_NONCE_HEX + 1], sig[WIRE_SIG_HEX + 1];
	const char *key = NULL, *method = "GET", *path = NULL, *bodyfile = NULL;
	struct errmsg em;
	char *body = NULL;
	size_t len = 0;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'm': method = optarg; break;
		case 'p': path = optarg; break;
		case 'b': bodyfile = optarg; break;
		default: return lcmd_usage(self, NULL);
		}
	}
	if (key == NULL || path == NULL || optind != argc)
		return lcmd_usage(self, _("--key and --path are needed"));
	err_clear(&em);
	if (terminal_key_load(key, name, sizeof name, pk, sk, &em) != CST_OK)
		return lcmd_fail(&em);
	if (bodyfile != NULL && (body = read_body(bodyfile, &len)) == NULL) {
		fprintf(stderr, _("custody-ledger: %s: cannot read, or larger than 16 MiB\n"), bodyfile);
		return LX_DATA;
	}
	wire_request_sign(sk, method, path, body, len, clock_now_ms(), tm, nonce, sig);
	cry_wipe(sk, sizeof sk);
	free(body);
	printf("-H X-Custody-Terminal:%s -H X-Custody-Time:%s -H X-Custody-Nonce:%s "
	    "-H X-Custody-Signature:%s\n", name, tm, nonce, sig);
	return LX_OK;
}

const struct lcmd lcmd_sign_request = {
	"sign-request",
	"--key TERMINAL_KEY --path PATH [--method M] [--body FILE]",
	N_("print the signature headers of a request, for curl (testing)"),
	sign_exec,
};

struct collect {
	const char *terminal;
	int64_t from, to;
	struct event *evs;
	size_t n;
};

static int
collect_event(const struct event *ev, void *arg)
{
	struct collect *c = arg;
	struct event *e;

	if (strcmp(ev->terminal, c->terminal) != 0 || ev->seq < c->from || ev->seq > c->to)
		return 0;
	if (c->n == (size_t)(c->to - c->from + 1))
		return 0;
	e = &c->evs[c->n++];
	*e = *ev;
	e->body = NULL;
	event_set_body(e, ev->body, ev->body_len);
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int
body_exec(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "journal", required_argument, NULL, 'j' },
		{ "terminal", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct journal_filter filter = { NULL, NULL, NULL, 0 };
	struct collect col = { NULL, 1, 0, NULL, 0 };
	const char *path = NULL;
	long count = 100;
	struct journal *j;
	struct errmsg em;
	struct jw w;
	size_t i;
	int c, status;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'j': path = optarg; break;
		case 't': col.terminal = optarg; break;
		case 'f': col.from = strtoll(optarg, NULL, 10); break;
		case 'c': count = strtol(optarg, NULL, 10); break;
		default: return lcmd_usage(self, NULL);
		}
	}
	if (path == NULL || col.terminal == NULL || optind != argc || col.from < 1 || count < 1 ||
	    count > WIRE_MAX_BATCH)
		return lcmd_usage(self, _("--journal and --terminal are needed; --from >= 1, "
		    "--count 1 to 1000"));
	col.to = col.from + count - 1;
	col.evs = xcalloc((size_t)count, sizeof *col.evs);
	filter.terminal = col.terminal;
	err_clear(&em);
	status = journal_open(path, JOURNAL_RDONLY, &j, &em);
	if (status == CST_OK) {
		status = journal_each(j, &filter, collect_event, &col, &em);
		journal_close(j);
	}
	if (status == CST_OK && col.n > 0) {
		qsort(col.evs, col.n, sizeof *col.evs, by_seq);
		jw_init(&w);
		jw_obj_begin(&w);
		jw_key(&w, "events");
		jw_arr_begin(&w);
		for (i = 0; i < col.n; i++)
			wire_event_write(&w, &col.evs[i], 0);
		jw_arr_end(&w);
		jw_obj_end(&w);
		printf("%s\n", jw_text(&w, NULL));
		jw_free(&w);
	} else if (status == CST_OK) {
		status = err_set(&em, CST_ERR_NOTFOUND, _("no events of %s from seq %lld"),
		    col.terminal, (long long)col.from);
	}
	wire_events_free(col.evs, col.n);
	return status == CST_OK ? LX_OK : lcmd_fail(&em);
}

const struct lcmd lcmd_push_body = {
	"push-body",
	"--journal FILE --terminal NAME [--from SEQ] [--count N]",
	N_("print a push body of a terminal's events from its journal (testing)"),
	body_exec,
};
