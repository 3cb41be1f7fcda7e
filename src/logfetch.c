/* The ledger's transparency log as a client reads it: checkpoint, leaf index, proofs. */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "json.h"
#include "logfetch.h"
#include "wire.h"

#define PROOF_ANSWER_MAX (TLOG_MAX_PROOF * 64 + 256)

/* A GET answered 200, or the ledger's refusal as CST_ERR_NOTFOUND (404, 400) or IO. */
static int
get_ok(struct fetch *f, const char *path, size_t max, struct fetch_resp *r, struct errmsg *em)
{
	char why[300];
	int status;

	if ((status = fetch_do(f, "GET", path, NULL, NULL, 0, max, r, em)) != CST_OK)
		return status;
	if (r->http == 200)
		return CST_OK;
	fetch_error_text(r, why, sizeof why);
	status = err_set(em, r->http == 404 || r->http == 400 ? CST_ERR_NOTFOUND : CST_ERR_IO,
	    _("the ledger answered %ld to %s%s%s"), r->http, path, why[0] ? ": " : "", why);
	fetch_resp_free(r);
	return status;
}

int
logfetch_checkpoint(struct fetch *f, char text[CKPT_NOTE_MAX], size_t *len, struct note *nt,
    struct checkpoint *cp, struct errmsg *em)
{
	struct fetch_resp r;
	int status;

	if ((status = get_ok(f, "/tlog/checkpoint", CKPT_NOTE_MAX - 1, &r, em)) != CST_OK)
		return status == CST_ERR_NOTFOUND ? CST_ERR_IO : status;
	memcpy(text, r.body, r.len + 1);
	*len = r.len;
	fetch_resp_free(&r);
	if (note_parse(text, *len, nt) != 0 || checkpoint_parse(nt->body, nt->body_len, cp) != 0)
		return err_set(em, CST_ERR_INPUT, _("the ledger's checkpoint is not a signed "
		    "checkpoint"));
	return CST_OK;
}

int
logfetch_signed_by(const struct note *nt, const struct checkpoint *cp, const char *name,
    const unsigned char pk[CRY_PK_BYTES])
{
	return strcmp(cp->origin, name) == 0 && note_verify(nt, name, pk) == 1;
}

int
logfetch_leaf(struct fetch *f, const char *terminal, int64_t seq, int64_t *index,
    struct errmsg *em)
{
	struct fetch_resp r;
	struct json *root = NULL;
	char path[160];
	const char *t;
	int64_t s = -1;
	int status;

	if (!event_valid_id(terminal, strlen(terminal)) || seq < 1)
		return err_set(em, CST_ERR_ARG, _("no such event"));
	snprintf(path, sizeof path, "/tlog/leaf?terminal=%s&seq=%lld", terminal, (long long)seq);
	if ((status = get_ok(f, path, 1024, &r, em)) != CST_OK)
		return status;
	if (json_parse(r.body, r.len, &root, NULL) != CST_OK ||
	    (t = json_get_str(root, "terminal")) == NULL || strcmp(t, terminal) != 0 ||
	    json_get_int(root, "seq", &s) != CST_OK || s != seq ||
	    json_get_int(root, "index", index) != CST_OK || *index < 0)
		status = err_set(em, CST_ERR_INPUT, _("the ledger's answer to %s is malformed"),
		    path);
	json_free(root);
	fetch_resp_free(&r);
	return status;
}

int
logfetch_proof(struct fetch *f, int consistency, int64_t a, int64_t b,
    unsigned char proof[][TLOG_HASH_BYTES], int *n, struct errmsg *em)
{
	struct fetch_resp r;
	struct json *root = NULL;
	const struct json *arr;
	char path[128];
	int64_t ga = -1, gb = -1;
	int status;

	snprintf(path, sizeof path, consistency ? "/tlog/proof/consistency?old=%lld&size=%lld" :
	    "/tlog/proof/inclusion?index=%lld&size=%lld", (long long)a, (long long)b);
	if ((status = get_ok(f, path, PROOF_ANSWER_MAX, &r, em)) != CST_OK)
		return status;
	*n = 0;
	status = CST_OK;
	if (json_parse(r.body, r.len, &root, NULL) != CST_OK ||
	    json_get_int(root, consistency ? "old" : "index", &ga) != CST_OK || ga != a ||
	    json_get_int(root, "size", &gb) != CST_OK || gb != b ||
	    (arr = json_get(root, "proof")) == NULL || wire_proof_read(arr, proof, n) != 0)
		status = CST_ERR_INPUT;
	json_free(root);
	fetch_resp_free(&r);
	if (status != CST_OK)
		return err_set(em, status, _("the ledger's answer to %s is malformed"), path);
	return CST_OK;
}
