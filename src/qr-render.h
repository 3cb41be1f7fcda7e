/* A QR code drawn in a terminal: two rows of modules per line with half-block characters. */
#ifndef CUSTODY_QR_RENDER_H
#define CUSTODY_QR_RENDER_H

#include <stddef.h>

#include "qr.h"

/* Light modules as ink: for light-on-dark terminals, where "dark" text is bright. */
#define QR_RENDER_INVERSE 0x1

struct qr_lines {
	int count;	/* lines: (width + 2 * QR_QUIET + 1) / 2 */
	int cols;	/* display columns of every line: width + 2 * QR_QUIET */
	char **line;	/* count NUL-terminated UTF-8 strings of " ", "▀", "▄", "█" */
};

/*
 * Draws q with its quiet zone into out (freed with qr_lines_free).  The top half of the
 * character in column x of line i is module row 2i, the bottom half row 2i+1; a row past the
 * quiet zone is light.  Each glyph is one column wide (wcwidth), so a screen can place the
 * lines with its usual string calls.
 */
void qr_render(const struct qr *q, int flags, struct qr_lines *out);
void qr_lines_free(struct qr_lines *l);

#endif
