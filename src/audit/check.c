/*
 * custody-audit check: the run of one audit, from the ledger's newest checkpoint to the state
 * file: the log (log.c), the events (events.c), then consistency with the checkpoint that
 * passed last time, by the ledger's proof and by the auditor's own tree; the report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "logfetch.h"
#include "run.h"
#include "terminal.h"

#define SHOWN_MAX 100	/* findings printed; the rest only counted */

void
audit_find(struct audit_run *r, int64_t leaf, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (r->findings < SHOWN_MAX) {
		if (leaf >= 0)
			printf(_("leaf %lld: %s\n"), (long long)leaf, text);
		else
			printf("%s\n", text);
	} else if (r->findings == SHOWN_MAX) {
		printf(_("(more problems: only counted from here on)\n"));
	}
	r->findings++;
	if (leaf >= 0 && (r->first_bad < 0 || leaf < r->first_bad))
		r->first_bad = leaf;
}

void
audit_conf(const struct audit_opts *o, struct sync_conf *cf)
{
	sync_conf_defaults(cf);
	snprintf(cf->url, sizeof cf->url, "%s", o->ledger);
	snprintf(cf->ca, sizeof cf->ca, "%s", o->ca != NULL ? o->ca : "");
}

int
audit_load_key(const char *path, struct fetch_signer *who, unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em)
{
	return terminal_key_load(path, who->terminal, sizeof who->terminal, pk, who->sk, em);
}

/* The first index below n where two rows of leaf hashes differ, or -1. */
static int64_t
first_diff(const unsigned char (*a)[TLOG_HASH_BYTES], const unsigned char (*b)[TLOG_HASH_BYTES],
    int64_t n)
{
	int64_t i;

	for (i = 0; i < n; i++)
		if (memcmp(a[i], b[i], TLOG_HASH_BYTES) != 0)
			return i;
	return -1;
}

/* Since last time: the new tree extends the one the state file holds. */
static int
check_since(struct audit_run *r, const struct audit_state *st, struct errmsg *em)
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES], root[TLOG_HASH_BYTES];
	int64_t m = st->cp.size, n = r->cp.size, first;
	long long lm = (long long)m, ln = (long long)n;
	int np, status;

	first = first_diff((const unsigned char (*)[TLOG_HASH_BYTES])st->leaves,
	    (const unsigned char (*)[TLOG_HASH_BYTES])r->leaves, m < n ? m : n);
	if (n < m) {
		if (first < 0)
			first = n;
		audit_find(r, first, _("checkpoint %lld -> %lld: the tree is smaller than the one "
		    "checked last time (a ledger restored from an old copy?); first differing "
		    "leaf %lld"), lm, ln, (long long)first);
		return CST_OK;
	}
	audit_mth((const unsigned char (*)[TLOG_HASH_BYTES])r->leaves, m, root);
	if (!cry_equal(root, st->cp.root, TLOG_HASH_BYTES)) {
		if (first >= 0)
			audit_find(r, first, _("checkpoint %lld -> %lld inconsistent: first differing "
			    "leaf %lld"), lm, ln, (long long)first);
		else
			audit_find(r, -1, _("checkpoint %lld -> %lld inconsistent"), lm, ln);
	}
	if (m == 0 || m == n) {
		if (m == n && !cry_equal(st->cp.root, r->cp.root, TLOG_HASH_BYTES))
			audit_find(r, first, _("checkpoint %lld -> %lld: same size, another root"),
			    lm, ln);
		return CST_OK;
	}
	status = logfetch_proof(r->f, 1, m, n, proof, &np, em);
	if (status == CST_ERR_NOTFOUND || status == CST_ERR_INPUT) {
		audit_find(r, first, _("checkpoint %lld -> %lld: the ledger gives no consistency "
		    "proof: %s"), lm, ln, em->text);
		return CST_OK;
	}
	if (status != CST_OK)
		return status;
	if (!tlog_check_consistency((const unsigned char (*)[TLOG_HASH_BYTES])proof, np, m,
	    st->cp.root, n, r->cp.root))
		audit_find(r, first, _("checkpoint %lld -> %lld: the ledger's consistency proof "
		    "does not verify"), lm, ln);
	return CST_OK;
}

/* The state file: CST_OK (found set), NOTFOUND on a first run, else it cannot be used. */
static int
read_state(struct audit_run *r, struct audit_state *st, int *found, struct errmsg *em)
{
	unsigned char root[TLOG_HASH_BYTES];
	struct note nt;
	int status;

	*found = 0;
	status = audit_state_read(r->o->state, r->o->max_leaves, st, em);
	if (status == CST_ERR_NOTFOUND) {
		printf(_("since last time: no state file yet (%s): a first check\n"), r->o->state);
		err_clear(em);
		return CST_OK;
	}
	if (status != CST_OK)
		return status;
	if (note_parse(st->note, st->note_len, &nt) != 0 ||
	    !logfetch_signed_by(&nt, &st->cp, r->vk.name, r->vk.pk))
		return err_set(em, CST_ERR_VERIFY, _("%s holds a checkpoint that the key given "
		    "did not sign: the state of another log?"), r->o->state);
	audit_mth((const unsigned char (*)[TLOG_HASH_BYTES])st->leaves, st->cp.size, root);
	if (!cry_equal(root, st->cp.root, TLOG_HASH_BYTES))
		return err_set(em, CST_ERR_CORRUPT, _("%s is damaged: its leaves do not make its "
		    "checkpoint's root"), r->o->state);
	*found = 1;
	return CST_OK;
}

static int
finish(struct audit_run *r, struct audit_checked *out, struct errmsg *em)
{
	if (r->findings > 0) {
		if (r->first_bad >= 0)
			printf(_("result: %lld problem(s); first bad leaf %lld\n"),
			    (long long)r->findings, (long long)r->first_bad);
		else
			printf(_("result: %lld problem(s)\n"), (long long)r->findings);
		return AX_FOUND;
	}
	if (audit_state_write(r->o->state, r->note_text, r->note_len,
	    (const unsigned char (*)[TLOG_HASH_BYTES])r->leaves, r->cp.size, em) != CST_OK)
		return audit_fail(em);
	printf(_("result: every check passed; %s now holds checkpoint %lld\n"), r->o->state,
	    (long long)r->cp.size);
	if (out != NULL) {
		memcpy(out->text, r->note_text, r->note_len + 1);
		out->len = r->note_len;
		out->note = r->note;
		out->cp = r->cp;
	}
	return AX_OK;
}

static int
run_phases(struct audit_run *r, struct audit_checked *out, struct errmsg *em)
{
	struct audit_state st;
	int64_t before;
	int found, status;

	memset(&st, 0, sizeof st);
	if ((status = read_state(r, &st, &found, em)) != CST_OK)
		return audit_fail(em);
	if ((status = audit_log(r, em)) != CST_OK) {
		audit_state_free(&st);
		return audit_fail(em);
	}
	if (r->leaves == NULL) {	/* no checkpoint to go on from */
		audit_state_free(&st);
		return finish(r, out, em);
	}
	if (r->have_key)
		status = audit_events(r, em);
	else
		printf(_("events: not checked (no --key: the pull is for enrolled readers)\n"));
	before = r->findings;
	if (status == CST_OK && found) {
		if (strcmp(st.cp.origin, r->cp.origin) != 0)
			status = err_set(em, CST_ERR_ARG, _("%s is the state of log %s, not %s"),
			    r->o->state, st.cp.origin, r->cp.origin);
		else if ((status = check_since(r, &st, em)) == CST_OK && r->findings == before)
			printf(_("since last time: checkpoint %lld -> %lld consistent (the ledger's "
			    "proof and the auditor's own tree)\n"), (long long)st.cp.size,
			    (long long)r->cp.size);
	}
	audit_state_free(&st);
	if (status != CST_OK)
		return audit_fail(em);
	return finish(r, out, em);
}

int
audit_run(const struct audit_opts *o, struct audit_checked *out)
{
	struct audit_run r;
	struct sync_conf cf;
	unsigned char pk[CRY_PK_BYTES];
	struct errmsg em;
	int rc;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.first_bad = -1;
	r.cached_bundle = -1;
	err_clear(&em);
	if (note_vkey_parse(o->vkey, r.vk.name, r.vk.pk) != 0) {
		err_set(&em, CST_ERR_ARG, _("--vkey is not a verifier key (name+id+key)"));
		return audit_fail(&em);
	}
	if (o->key != NULL) {
		if (audit_load_key(o->key, &r.who, pk, &em) != CST_OK)
			return audit_fail(&em);
		r.have_key = 1;
	}
	audit_conf(o, &cf);
	if (sync_conf_check(&cf, &em) != CST_OK || fetch_open(&cf, &r.f, &em) != CST_OK)
		return audit_fail(&em);
	printf(_("ledger: %s\n"), o->ledger);
	rc = run_phases(&r, out, &em);
	fetch_close(r.f);
	free(r.leaves);
	free(r.cache);
	audit_terms_free(&r.terms);
	cry_wipe(r.who.sk, sizeof r.who.sk);
	return rc;
}
