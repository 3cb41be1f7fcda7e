/* Labels for items and cases: a QR code and up to four lines of text, as SVG or PNG. */
#ifndef CUSTODY_LABEL_H
#define CUSTODY_LABEL_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/* The label stock: 50 x 30 mm. */
#define LABEL_WIDTH_MM 50
#define LABEL_HEIGHT_MM 30
/* Bytes of one text line; longer is refused, a line too wide for the label is shrunk or cut. */
#define LABEL_TEXT_MAX 256

enum label_line { LABEL_CODE, LABEL_CASE, LABEL_DESCRIPTION, LABEL_CATEGORY, LABEL_LINES };

struct label {
	const char *qr;			/* what the QR code holds (usually the code) */
	const char *text[LABEL_LINES];	/* printed right of the code; NULL or "" skips a line */
	int dpi;			/* the printer's: 203 or 300 */
	int module_px;			/* dots per module; 0: the largest that fits */
};

/* Where things go on the label, in printer dots: what both formats draw. */
struct label_layout {
	int width, height;		/* the label */
	int modules;			/* per side, quiet zone included */
	int module_px;
	int qr_x, qr_y;			/* top left of the quiet zone */
	int text_x, text_w;		/* the column for the text lines */
	int pitch, margin;		/* of text lines */
};

/*
 * Checks l (texts valid UTF-8 without control characters and at most LABEL_TEXT_MAX bytes,
 * dpi 203 or 300, a QR code that fits the label with modules of at least 0.25 mm) and lays
 * it out.  CST_ERR_ARG with the reason otherwise.
 */
int label_layout(const struct label *l, struct label_layout *lay, struct errmsg *em);
/* The label as an SVG document (50 x 30 mm, one user unit per printer dot), appended to out. */
int label_svg(const struct label *l, struct buf *out, struct errmsg *em);
/*
 * The label as a 1-bit grayscale PNG at the printer's resolution, appended to out (binary:
 * use out->len).  Text lines are drawn with a built-in 5 x 7 font for ASCII only: a line
 * holding anything else is left out of the PNG (the SVG has every line).
 */
int label_png(const struct label *l, struct buf *out, struct errmsg *em);
/*
 * Writes len bytes to path atomically: a temporary file in the same directory, fsync,
 * rename, then fsync of the directory.  On failure nothing is left: neither the temporary
 * file nor a partial path (an existing file keeps its old contents).
 */
int label_write_file(const char *path, const void *data, size_t len, struct errmsg *em);

#endif
