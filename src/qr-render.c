/*
 * Terminal QR codes.  A character cell is about twice as high as wide, so one cell holds two
 * modules, one above the other, and the code comes out square.
 */
#include "qr-render.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Indexed by (top ink) << 1 | (bottom ink). */
static const char *const glyph[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88" };

/* Whether the module at (x, y) of the drawing (quiet zone included) gets ink. */
static int
ink(const struct qr *q, int flags, int x, int y)
{
	int dark = qr_dark(q, x - QR_QUIET, y - QR_QUIET);

	return (flags & QR_RENDER_INVERSE) ? !dark : dark;
}

void
qr_render(const struct qr *q, int flags, struct qr_lines *out)
{
	int side = qr_width(q) + 2 * QR_QUIET, i, x, g;
	char *p;

	out->cols = side;
	out->count = (side + 1) / 2;
	out->line = xcalloc((size_t)out->count, sizeof *out->line);
	for (i = 0; i < out->count; i++) {
		/* Three bytes per glyph at most, and the NUL. */
		p = out->line[i] = xmalloc((size_t)side * 3 + 1);
		for (x = 0; x < side; x++) {
			g = ink(q, flags, x, 2 * i) << 1;
			/* The half row below an odd-sized drawing is light, as the quiet zone is. */
			if (2 * i + 1 < side)
				g |= ink(q, flags, x, 2 * i + 1);
			else
				g |= (flags & QR_RENDER_INVERSE) ? 1 : 0;
			memcpy(p, glyph[g], strlen(glyph[g]));
			p += strlen(glyph[g]);
		}
		*p = '\0';
	}
}

void
qr_lines_free(struct qr_lines *l)
{
	int i;

	if (l == NULL || l->line == NULL)
		return;
	for (i = 0; i < l->count; i++)
		free(l->line[i]);
	free(l->line);
	l->line = NULL;
	l->count = 0;
}
