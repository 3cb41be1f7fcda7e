/*
 * custody-audit as a witness: its own key (init-key), enrolled at the ledger like a terminal
 * with a token (enroll), and cosign: a check that passed, then the checkpoint cosigned
 * (c2sp.org/tlog-cosignature) and sent to the ledger, which publishes it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "keyfile.h"
#include "logfetch.h"
#include "wire.h"

#define TOKEN_HEX 32	/* an enrolment token: 16 bytes in hex (custody-ledger token) */

/* The witness name of this auditor for a log: "<origin>/witness/<name>" (transparency.md). */
static int
witness_name(const char *origin, const char *name, char out[CKPT_ORIGIN_MAX + 1])
{
	return (size_t)snprintf(out, CKPT_ORIGIN_MAX + 1, "%s/witness/%s", origin, name) >
	    CKPT_ORIGIN_MAX ? -1 : 0;
}

/* "name+id+base64(0x04 || pk)": the cosigner's verifier key. */
static void
print_cosigner_vkey(const char *name, const unsigned char pk[CRY_PK_BYTES])
{
	unsigned char typed[1 + CRY_PK_BYTES];
	char b64[64];

	typed[0] = 0x04;
	memcpy(typed + 1, pk, CRY_PK_BYTES);
	ckpt_b64_encode(typed, sizeof typed, b64, sizeof b64);
	printf("%s+%08x+%s\n", name, (unsigned)note_key_id(name, 0x04, pk), b64);
}

static int
init_key_exec(const struct audit_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "origin", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *key = NULL, *name = NULL, *origin = NULL;
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char text[256], hex[2 * CRY_SEED_BYTES + 1], wname[CKPT_ORIGIN_MAX + 1];
	struct errmsg em;
	int c, n, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': key = optarg; break;
		case 'n': name = optarg; break;
		case 'o': origin = optarg; break;
		default: return audit_usage(self, NULL);
		}
	}
	if (optind != argc || key == NULL || name == NULL)
		return audit_usage(self, _("--key and --name are needed"));
	if (!event_valid_id(name, strlen(name)))
		return audit_usage(self, _("the name is 1 to 64 of A-Z a-z 0-9 . _ : @ -"));
	if (origin != NULL && witness_name(origin, name, wname) != 0)
		return audit_usage(self, _("the origin is too long"));
	cry_keypair_new(seed, pk, sk);
	hex_encode(seed, sizeof seed, hex);
	n = snprintf(text, sizeof text, "custody-terminal-key 1\nterminal %s\nseed %s\n", name,
	    hex);
	err_clear(&em);
	status = keyfile_write(key, text, (size_t)n, &em);
	cry_wipe(seed, sizeof seed);
	cry_wipe(sk, sizeof sk);
	cry_wipe(text, sizeof text);
	cry_wipe(hex, sizeof hex);
	if (status != CST_OK)
		return audit_fail(&em);
	hex_encode(pk, sizeof pk, hex);
	printf(_("public key %s\n"), hex);
	if (origin != NULL)
		print_cosigner_vkey(wname, pk);
	return AX_OK;
}

const struct audit_cmd audit_init_key_cmd = {
	"init-key",
	"--key FILE --name NAME [--origin ORIGIN]",
	N_("make the auditor's own key (it prints the public key)"),
	init_key_exec
};

/* The token: the first line of file ("-": standard input), 32 hex digits. */
static int
read_token(const char *file, char token[TOKEN_HEX + 1], struct errmsg *em)
{
	char line[128];
	FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
	size_t n;
	int ok;

	if (f == NULL)
		return err_set(em, CST_ERR_NOTFOUND, _("cannot open %s"), file);
	ok = fgets(line, sizeof line, f) != NULL;
	if (f != stdin)
		fclose(f);
	n = ok ? strcspn(line, "\r\n") : 0;
	if (n != TOKEN_HEX)
		return err_set(em, CST_ERR_INPUT, _("%s does not hold a token (32 hex digits)"),
		    file);
	memcpy(token, line, n);
	token[n] = '\0';
	return CST_OK;
}

static int
enroll_exec(const struct audit_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "token-file", required_argument, NULL, 't' },
		{ "ca", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	struct audit_opts o;
	const char *name = NULL, *tokfile = NULL;
	char token[TOKEN_HEX + 1], why[300];
	unsigned char pk[CRY_PK_BYTES], lpk[CRY_PK_BYTES];
	struct fetch_signer who;
	struct fetch_resp resp;
	struct sync_conf cf;
	struct json *root = NULL;
	struct fetch *f;
	struct errmsg em;
	struct jw w;
	int c, status;

	memset(&o, 0, sizeof o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o.ledger = optarg; break;
		case 'k': o.key = optarg; break;
		case 'n': name = optarg; break;
		case 't': tokfile = optarg; break;
		case 'c': o.ca = optarg; break;
		default: return audit_usage(self, NULL);
		}
	}
	if (optind != argc || o.ledger == NULL || o.key == NULL || tokfile == NULL)
		return audit_usage(self, _("--ledger, --key and --token-file are needed"));
	err_clear(&em);
	if (audit_load_key(o.key, &who, pk, &em) != CST_OK || read_token(tokfile, token, &em))
		return audit_fail(&em);
	cry_wipe(who.sk, sizeof who.sk);
	if (name != NULL && strcmp(name, who.terminal) != 0)
		return audit_usage(self, _("--name is not the name in the key file"));
	audit_conf(&o, &cf);
	if (sync_conf_check(&cf, &em) != CST_OK || fetch_open(&cf, &f, &em) != CST_OK)
		return audit_fail(&em);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "terminal");
	jw_str(&w, who.terminal);
	jw_key(&w, "token");
	jw_str(&w, token);
	jw_key(&w, "public_key");
	jw_hex(&w, pk, CRY_PK_BYTES);
	jw_obj_end(&w);
	status = fetch_do(f, "POST", "/v1/enroll", NULL, jw_text(&w, NULL), w.len, 4096, &resp,
	    &em);
	jw_free(&w);
	fetch_close(f);
	if (status != CST_OK)
		return audit_fail(&em);
	if (resp.http != 200) {
		fetch_error_text(&resp, why, sizeof why);
		err_set(&em, CST_ERR_PERM, _("the ledger refused the enrolment (%ld %s)"),
		    resp.http, why);
	} else if (json_parse(resp.body, resp.len, &root, NULL) != CST_OK ||
	    wire_get_hex(root, "ledger_key", lpk, CRY_PK_BYTES) != 0) {
		err_set(&em, CST_ERR_INPUT, _("the ledger's answer to the enrolment is malformed"));
	}
	json_free(root);
	fetch_resp_free(&resp);
	if (em.code != CST_OK)
		return audit_fail(&em);
	hex_encode(lpk, sizeof lpk, why);
	printf(_("enrolled as %s; the ledger's key is %s\n"), who.terminal, why);
	return AX_OK;
}

const struct audit_cmd audit_enroll_cmd = {
	"enroll",
	"--ledger URL --key FILE --token-file FILE [--name NAME] [--ca FILE]",
	N_("enrol the auditor at the ledger as a reader, with a token"),
	enroll_exec
};

/* POST /v1/cosign {"size": N, "cosignature": line}. */
static int
send_cosignature(struct fetch *f, const struct fetch_signer *who, int64_t size,
    const char *line, struct errmsg *em)
{
	struct fetch_resp resp;
	struct json *root = NULL;
	char why[300];
	int64_t got = -1;
	struct jw w;
	int status;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "size");
	jw_int(&w, size);
	jw_key(&w, "cosignature");
	jw_str(&w, line);
	jw_obj_end(&w);
	status = fetch_do(f, "POST", "/v1/cosign", who, jw_text(&w, NULL), w.len, 4096, &resp,
	    em);
	jw_free(&w);
	if (status != CST_OK)
		return status;
	if (resp.http != 200) {
		fetch_error_text(&resp, why, sizeof why);
		status = err_set(em, CST_ERR_PERM, _("the ledger refused the cosignature (%ld %s)"),
		    resp.http, why);
	} else if (json_parse(resp.body, resp.len, &root, NULL) != CST_OK ||
	    json_get_int(root, "size", &got) != CST_OK || got != size ||
	    json_type(json_get(root, "stored")) != JSON_TRUE) {
		status = err_set(em, CST_ERR_INPUT, _("the ledger did not say it stored the "
		    "cosignature"));
	}
	json_free(root);
	fetch_resp_free(&resp);
	return status;
}

static int
cosign_exec(const struct audit_cmd *self, int argc, char **argv)
{
	struct audit_checked ck;
	struct audit_opts o;
	struct fetch_signer who;
	struct checkpoint cp;
	struct sync_conf cf;
	struct note nt;
	struct fetch *f;
	struct errmsg em;
	unsigned char pk[CRY_PK_BYTES];
	char name[CKPT_ORIGIN_MAX + 1], line[512], text[CKPT_NOTE_MAX];
	uint64_t ts;
	size_t len;
	int rc, status, i;

	if ((rc = audit_parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	if (o.key == NULL)
		return audit_usage(self, _("cosign needs the auditor's --key"));
	if ((rc = audit_run(&o, &ck)) != AX_OK)
		return rc;
	err_clear(&em);
	if (audit_load_key(o.key, &who, pk, &em) != CST_OK)
		return audit_fail(&em);
	if (witness_name(ck.cp.origin, who.terminal, name) != 0 ||
	    note_cosign(&ck.note, name, who.sk, (uint64_t)(clock_now_ms() / 1000)) != 0) {
		err_set(&em, CST_ERR_ARG, _("cannot cosign the checkpoint as %s"), name);
		return audit_fail(&em);
	}
	for (i = 0; i < ck.note.nsigs; i++)
		if (ck.note.sigs[i].type == 0x04 && strcmp(ck.note.sigs[i].name, name) == 0 &&
		    ck.note.sigs[i].key_id == note_key_id(name, 0x04, pk))
			break;
	if (i == ck.note.nsigs || note_sig_line(&ck.note.sigs[i], line, sizeof line) == 0) {
		err_set(&em, CST_ERR_INTERNAL, _("cannot write the cosignature"));
		return audit_fail(&em);
	}
	audit_conf(&o, &cf);
	if (fetch_open(&cf, &f, &em) != CST_OK)
		return audit_fail(&em);
	status = send_cosignature(f, &who, ck.cp.size, line, &em);
	cry_wipe(who.sk, sizeof who.sk);
	if (status == CST_OK)
		printf(_("cosigned checkpoint %lld as %s\n"), (long long)ck.cp.size, name);
	if (status == CST_OK && logfetch_checkpoint(f, text, &len, &nt, &cp, &em) == CST_OK &&
	    cp.size == ck.cp.size && note_cosigned(&nt, name, pk, &ts) == 1)
		printf(_("the ledger publishes checkpoint %lld with this cosignature\n"),
		    (long long)cp.size);
	fetch_close(f);
	return status == CST_OK ? AX_OK : audit_fail(&em);
}

const struct audit_cmd audit_cosign_cmd = {
	"cosign",
	"--ledger URL --vkey VKEY --state FILE --key FILE [--ca FILE] [--max-leaves N]",
	N_("check, then cosign the checkpoint as a witness and send it to the ledger"),
	cosign_exec
};
