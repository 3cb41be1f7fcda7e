/* QR codes for item and case labels: a text to a matrix of modules (libqrencode, level M). */
#ifndef CUSTODY_QR_H
#define CUSTODY_QR_H

#include <stddef.h>

#include "error.h"

/* A QR code of version 40 at level M holds 2331 bytes in byte mode: the most we accept. */
#define QR_MAX_BYTES 2331
/* Light modules every reader expects around the code (ISO/IEC 18004: four). */
#define QR_QUIET 4

struct qr;

/*
 * Encodes text (valid UTF-8, no control characters, 1 to QR_MAX_BYTES bytes) in 8-bit byte
 * mode at error-correction level M, in the smallest version that holds it.  CST_ERR_ARG with
 * a message saying why when the text is empty, not UTF-8 or too long for a QR code.
 */
int qr_encode(const char *text, struct qr **out, struct errmsg *em);
void qr_free(struct qr *q);
/* Modules per side, without the quiet zone (21 for version 1, 4 more per version). */
int qr_width(const struct qr *q);
int qr_version(const struct qr *q);
/* 1 for a dark module; 0 for a light one and for anything outside the matrix. */
int qr_dark(const struct qr *q, int x, int y);

#endif
