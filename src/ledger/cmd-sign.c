/*
 * custody-ledger sign-request: the four X-Custody-* headers for a request signed with a
 * terminal's key file, as curl -H arguments, so the examples of docs/sync-protocol.md can be
 * replayed by hand. For testing and debugging.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
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
	char name[EV_MAX_ID + 1], tm[24], nonce[2 * WIRE_NONCE_BYTES + 1], sig[2 * CRY_SIG_BYTES + 1];
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
	wire_request_sign(sk, method, path, body != NULL ? body : "", len, clock_now_ms(), tm,
	    nonce, sig);
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
