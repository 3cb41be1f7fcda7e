/*
 * The chain of custody of an item or of a case as a document: plain text for the screen and
 * printing, HTML (escaped) and CSV (RFC 4180, formula cells neutralised) for export. Every
 * row is one event from the journal with who gave, who received, where, when and the
 * event's hash, so a printed chain can be checked against the signed journal.
 */
#ifndef CUSTODY_PROPERTY_DOC_H
#define CUSTODY_PROPERTY_DOC_H

#include "buf.h"
#include "error.h"
#include "journal.h"
#include "property-view.h"

enum prop_doc_format { PROP_DOC_TEXT, PROP_DOC_HTML, PROP_DOC_CSV };

/* One step's columns as display text (translated labels, local times). */
struct prop_doc_row {
	char when[40];
	char code[PROP_CODE_MAX + 1];
	char action[64];
	char from[PROP_HOLDER_MAX + 1];
	char to[PROP_HOLDER_MAX + 1];
	char giver[PROP_HOLDER_MAX + 64];
	char receiver[PROP_HOLDER_MAX + 64];
	char detail[1024];
};
void prop_doc_row(const struct prop_step *s, struct prop_doc_row *r);

int prop_doc_item(struct journal *j, const char *item, enum prop_doc_format f,
    struct buf *out, struct errmsg *em);
int prop_doc_case(struct journal *j, const char *case_number, enum prop_doc_format f,
    struct buf *out, struct errmsg *em);

#endif
