/*
 * What every action file (intake.c, property.c) needs to check its input and record one
 * event: refusals that point at a form field, text and code checks, the body's key/value
 * writer and the append that refuses a body over the journal's limit.
 */
#ifndef CUSTODY_RECORD_H
#define CUSTODY_RECORD_H

#include <stddef.h>

#include "intake.h"
#include "json.h"

/* Sets err's field, code and message; returns code. */
int rec_refuse(struct intake_error *err, const char *field, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Free text: valid UTF-8 without control characters, within max bytes; when required, not blank. */
int rec_check_text(struct intake_error *err, const char *field, const char *s, size_t max,
    int required);
/*
 * Free text as rec_check_text, and at most max_chars characters: an over-long value is
 * refused (CST_ERR_INPUT) with a message naming the field by its label, never cut.
 */
int rec_check_chars(struct intake_error *err, const char *field, const char *label,
    const char *s, int max_chars, int required);
/* Letters, digits and the given marks, at most max bytes (numbers, bands, locations). */
int rec_check_code(struct intake_error *err, const char *field, const char *s, size_t max,
    const char *marks, int required);
/* The index of key in keys, or -1. */
int rec_key_index(const char *const *keys, size_t n, const char *key);
void rec_kv(struct jw *w, const char *key, const char *value);
/*
 * A redo of an action recorded before: when in->action is in the journal already, fills err
 * (already, seq, ts, subject) and returns 1; the action then returns CST_OK at once, before
 * its checks (which the recorded action itself now fails: the person is in the area, the
 * item is stored). journal_append_action makes the same check in the write's transaction.
 */
int rec_recorded(struct intake *in, struct intake_error *err);
/*
 * Appends the body written in w (freed) as one event by the logged-in operator, with the
 * action id of in first in the body; a redo is answered from the journal (err->already).
 */
int rec_append(struct intake *in, const char *kind, const char *subject, struct jw *w,
    struct intake_error *err);

#endif
