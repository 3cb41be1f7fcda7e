/*
 * The documents of a visit, rendered as plain text from the projections: what the person and
 * the officers read and sign. A signature keeps the exact text it signed (intake_sign), so a
 * document is never re-rendered to check an old signature.
 */
#ifndef CUSTODY_DOC_H
#define CUSTODY_DOC_H

#include "buf.h"
#include "error.h"
#include "journal.h"

enum doc_kind { DOC_REGISTRATION, DOC_SEARCH, DOC_BELONGINGS, DOC_EXIT, DOC_COUNT };

const char *doc_key(enum doc_kind k);		/* "registration", … as in signature events */
int doc_from_key(const char *key, enum doc_kind *out);
const char *doc_title(enum doc_kind k);		/* translated */

/* Appends the document's text to out. */
int doc_render(struct journal *j, const char *visit, enum doc_kind k, struct buf *out,
    struct errmsg *em);

/* The whole visit for export: every document with its signatures and their hashes. */
int doc_export_text(struct journal *j, const char *visit, struct buf *out, struct errmsg *em);
int doc_export_html(struct journal *j, const char *visit, struct buf *out, struct errmsg *em);

/* The area register (办案区使用登记台账) for [from_ms, to_ms). */
int doc_register_csv(struct journal *j, int64_t from_ms, int64_t to_ms, struct buf *out,
    struct errmsg *em);
int doc_register_html(struct journal *j, int64_t from_ms, int64_t to_ms, struct buf *out,
    struct errmsg *em);

#endif
