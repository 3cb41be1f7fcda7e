/*
 * Item and case labels for a 50 x 30 mm thermal label: the QR code on the left at a whole
 * number of printer dots per module (a module split across dots scans badly), the text on
 * the right.  SVG for anything that renders fonts, PNG for printers that take a bitmap.
 */
#include "label.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "qr.h"
#include "text.h"
#include "xmalloc.h"

#define FONT_FAMILY "'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"

/* Dots for a length in tenths of a millimetre, rounded. */
static int
dots(int dpi, int tenths_mm)
{
	return (dpi * tenths_mm + 127) / 254;
}

static int
check_label(const struct label *l, struct errmsg *em)
{
	static const char *const what[LABEL_LINES] = {
		N_("code"), N_("case number"), N_("description"), N_("category")
	};
	int i;

	if (l->dpi != 203 && l->dpi != 300)
		return err_set(em, CST_ERR_ARG, _("the printer resolution is 203 or 300 dpi, "
		    "not %d"), l->dpi);
	if (l->module_px < 0 || l->module_px > 64)
		return err_set(em, CST_ERR_ARG, _("dots per module must be 1 to 64"));
	for (i = 0; i < LABEL_LINES; i++) {
		if (l->text[i] == NULL || l->text[i][0] == '\0')
			continue;
		if (strnlen(l->text[i], LABEL_TEXT_MAX + 1) > LABEL_TEXT_MAX)
			return err_set(em, CST_ERR_ARG, _("the %s on the label is longer than %d "
			    "bytes"), _(what[i]), LABEL_TEXT_MAX);
		if (!text_valid(l->text[i], LABEL_TEXT_MAX, 0))
			return err_set(em, CST_ERR_ARG, _("the %s on the label is not valid UTF-8 "
			    "or holds control characters"), _(what[i]));
	}
	return CST_OK;
}

static int
place(const struct label *l, const struct qr *q, struct label_layout *lay, struct errmsg *em)
{
	memset(lay, 0, sizeof *lay);
	lay->width = dots(l->dpi, LABEL_WIDTH_MM * 10);
	lay->height = dots(l->dpi, LABEL_HEIGHT_MM * 10);
	lay->modules = qr_width(q) + 2 * QR_QUIET;
	lay->module_px = l->module_px ? l->module_px : lay->height / lay->modules;
	if (lay->modules * lay->module_px > lay->height)
		return err_set(em, CST_ERR_ARG, _("the QR code (%d modules with its margin) at %d "
		    "dots per module does not fit the %d mm label height"), lay->modules,
		    lay->module_px, LABEL_HEIGHT_MM);
	/* Under 0.25 mm a module is more than a thermal head and a phone camera can keep. */
	if (lay->module_px * 1016 < l->dpi * 10)
		return err_set(em, CST_ERR_ARG, _("the text makes a QR code of %d modules, too "
		    "fine for a %d x %d mm label at %d dpi (a module must be at least 0.25 mm): "
		    "shorten it"), qr_width(q), LABEL_WIDTH_MM, LABEL_HEIGHT_MM, l->dpi);
	lay->qr_x = 0;
	lay->qr_y = (lay->height - lay->modules * lay->module_px) / 2;
	lay->margin = dots(l->dpi, 15);
	/* The quiet zone already keeps the text off the code. */
	lay->text_x = lay->modules * lay->module_px;
	lay->text_w = lay->width - lay->text_x - lay->margin;
	lay->pitch = (lay->height - 2 * lay->margin) / LABEL_LINES;
	return CST_OK;
}

int
label_layout(const struct label *l, struct label_layout *lay, struct errmsg *em)
{
	struct qr *q;
	int rc;

	if ((rc = check_label(l, em)) != CST_OK || (rc = qr_encode(l->qr, &q, em)) != CST_OK)
		return rc;
	rc = place(l, q, lay, em);
	qr_free(q);
	return rc;
}

/* The next code point of valid UTF-8 s at *i; advances *i. */
static unsigned
next_cp(const char *s, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	unsigned c = p[0];
	int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3, k;

	if (n)
		c &= 0x3f >> n;
	for (k = 1; k <= n; k++)
		c = (c << 6) | (p[k] & 0x3f);
	*i += (size_t)n + 1;
	return c;
}

/* A guess at a character's advance in tenths of an em, without the font at hand. */
static int
advance(unsigned cp)
{
	return cp >= 0x2e80 ? 10 : 6;
}

/*
 * The font size for a line and how many of its bytes fit: the full size when the line fits,
 * smaller down to 1.5 mm, then cut (the caller adds an ellipsis).
 */
static int
fit_line(const char *s, int base, int min, int width, size_t *keep)
{
	size_t i = 0, last = 0;
	int ems = 0, size;

	while (s[i] != '\0')
		ems += advance(next_cp(s, &i));
	*keep = i;
	if (ems == 0 || base * ems <= width * 10)
		return base;
	size = width * 10 / ems;
	if (size >= min)
		return size;
	/* Room for the ellipsis (one em) first. */
	ems = 10;
	for (i = 0; s[i] != '\0';) {
		ems += advance(next_cp(s, &i));
		if (min * ems > width * 10)
			break;
		last = i;
	}
	*keep = last;
	return min;
}

static void
svg_qr(struct buf *b, const struct qr *q, const struct label_layout *lay)
{
	int x, y, run, w = qr_width(q);

	buf_printf(b, "<path fill=\"#000\" shape-rendering=\"crispEdges\" "
	    "transform=\"translate(%d %d) scale(%d)\" d=\"", lay->qr_x, lay->qr_y, lay->module_px);
	/* One rectangle per horizontal run of dark modules, in module units. */
	for (y = 0; y < w; y++)
		for (x = 0; x < w; x += run) {
			for (run = 0; qr_dark(q, x + run, y); run++)
				;
			if (run == 0) {
				run = 1;
				continue;
			}
			buf_printf(b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
		}
	buf_add(b, "\"/>\n");
}

/* The width of s in tenths of an em (the same guess as fit_line's). */
static int
ems_of(const char *s, size_t n)
{
	size_t i = 0;
	int ems = 0;

	while (i < n && s[i] != '\0')
		ems += advance(next_cp(s, &i));
	return ems;
}

/*
 * The code is what tells items apart, its last part most of all: it is never cut. When it
 * does not fit one line at the smallest size it goes on two, split at the '-' nearest the
 * middle (else the middle), each line as large as the slot and the column allow.
 */
static void
svg_code(struct buf *b, const char *code, int x, int y, int pitch, int width)
{
	size_t n = strlen(code), cut = n / 2, i, d, best = 5;
	int size, a, w1, w2;
	char *first;

	for (i = 1; i + 1 < n; i++) {
		d = i + 1 > n / 2 ? i + 1 - n / 2 : n / 2 - (i + 1);
		if (code[i] == '-' && d < best) {
			best = d;
			cut = i + 1;	/* the '-' ends the first line */
		}
	}
	while (cut < n && (code[cut] & 0xc0) == 0x80)
		cut++;		/* never inside a character */
	w1 = ems_of(code, cut);
	w2 = ems_of(code + cut, n - cut);
	a = w1 > w2 ? w1 : w2;
	size = pitch * 45 / 100;
	if (a > 0 && size * a > width * 10)
		size = width * 10 / a;
	if (size < 1)
		size = 1;
	first = xstrndup(code, cut);
	buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-family=\"%s\" "
	    "font-weight=\"bold\"><tspan x=\"%d\">", x, y + (pitch - 21 * size / 10) / 2 +
	    size * 9 / 10, size,
	    FONT_FAMILY, x);
	buf_html(b, first);
	buf_printf(b, "</tspan><tspan x=\"%d\" dy=\"%d\">", x, size * 11 / 10);
	buf_html(b, code + cut);
	buf_add(b, "</tspan></text>\n");
	free(first);
}

static void
svg_text(struct buf *b, const struct label *l, const struct label_layout *lay)
{
	int i, n = 0, base = lay->pitch * 6 / 10, size;
	size_t keep;
	char *cut;

	for (i = 0; i < LABEL_LINES; i++) {
		if (l->text[i] == NULL || l->text[i][0] == '\0')
			continue;
		size = fit_line(l->text[i], base, dots(l->dpi, 15), lay->text_w, &keep);
		if (i == LABEL_CODE && l->text[i][keep] != '\0') {
			svg_code(b, l->text[i], lay->text_x, lay->margin + lay->pitch * n,
			    lay->pitch, lay->text_w);
			n++;
			continue;
		}
		size = fit_line(l->text[i], base, dots(l->dpi, 15), lay->text_w, &keep);
		buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-family=\"%s\"%s>",
		    lay->text_x, lay->margin + lay->pitch * n + (lay->pitch + size) / 2 - size / 8,
		    size, FONT_FAMILY, i == LABEL_CODE ? " font-weight=\"bold\"" : "");
		cut = xstrndup(l->text[i], keep);
		buf_html(b, cut);
		free(cut);
		if (l->text[i][keep] != '\0')
			buf_add(b, "\xe2\x80\xa6");
		buf_add(b, "</text>\n");
		n++;
	}
}

int
label_svg(const struct label *l, struct buf *out, struct errmsg *em)
{
	struct label_layout lay;
	struct qr *q;
	int rc;

	if ((rc = check_label(l, em)) != CST_OK || (rc = qr_encode(l->qr, &q, em)) != CST_OK)
		return rc;
	if ((rc = place(l, q, &lay, em)) != CST_OK) {
		qr_free(q);
		return rc;
	}
	buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%dmm\" height=\"%dmm\" "
	    "viewBox=\"0 0 %d %d\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    LABEL_WIDTH_MM, LABEL_HEIGHT_MM, lay.width, lay.height, lay.width, lay.height);
	svg_qr(out, q, &lay);
	svg_text(out, l, &lay);
	buf_add(out, "</svg>\n");
	qr_free(q);
	return CST_OK;
}

/*
 * A 5 x 7 font for printable ASCII (0x20 to 0x7e): five columns per glyph, bit 0 the top
 * row.  Drawn for this file after the classic HD44780 character set.
 */
static const unsigned char font5x7[95][5] = {
	{ 0x00, 0x00, 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0x5f, 0x00, 0x00 },
	{ 0x00, 0x07, 0x00, 0x07, 0x00 }, { 0x14, 0x7f, 0x14, 0x7f, 0x14 },
	{ 0x24, 0x2a, 0x7f, 0x2a, 0x12 }, { 0x23, 0x13, 0x08, 0x64, 0x62 },
	{ 0x36, 0x49, 0x55, 0x22, 0x50 }, { 0x00, 0x05, 0x03, 0x00, 0x00 },
	{ 0x00, 0x1c, 0x22, 0x41, 0x00 }, { 0x00, 0x41, 0x22, 0x1c, 0x00 },
	{ 0x14, 0x08, 0x3e, 0x08, 0x14 }, { 0x08, 0x08, 0x3e, 0x08, 0x08 },
	{ 0x00, 0x50, 0x30, 0x00, 0x00 }, { 0x08, 0x08, 0x08, 0x08, 0x08 },
	{ 0x00, 0x60, 0x60, 0x00, 0x00 }, { 0x20, 0x10, 0x08, 0x04, 0x02 },
	{ 0x3e, 0x51, 0x49, 0x45, 0x3e }, { 0x00, 0x42, 0x7f, 0x40, 0x00 },
	{ 0x42, 0x61, 0x51, 0x49, 0x46 }, { 0x21, 0x41, 0x45, 0x4b, 0x31 },
	{ 0x18, 0x14, 0x12, 0x7f, 0x10 }, { 0x27, 0x45, 0x45, 0x45, 0x39 },
	{ 0x3c, 0x4a, 0x49, 0x49, 0x30 }, { 0x01, 0x71, 0x09, 0x05, 0x03 },
	{ 0x36, 0x49, 0x49, 0x49, 0x36 }, { 0x06, 0x49, 0x49, 0x29, 0x1e },
	{ 0x00, 0x36, 0x36, 0x00, 0x00 }, { 0x00, 0x56, 0x36, 0x00, 0x00 },
	{ 0x08, 0x14, 0x22, 0x41, 0x00 }, { 0x14, 0x14, 0x14, 0x14, 0x14 },
	{ 0x00, 0x41, 0x22, 0x14, 0x08 }, { 0x02, 0x01, 0x51, 0x09, 0x06 },
	{ 0x32, 0x49, 0x79, 0x41, 0x3e }, { 0x7e, 0x11, 0x11, 0x11, 0x7e },
	{ 0x7f, 0x49, 0x49, 0x49, 0x36 }, { 0x3e, 0x41, 0x41, 0x41, 0x22 },
	{ 0x7f, 0x41, 0x41, 0x22, 0x1c }, { 0x7f, 0x49, 0x49, 0x49, 0x41 },
	{ 0x7f, 0x09, 0x09, 0x09, 0x01 }, { 0x3e, 0x41, 0x49, 0x49, 0x7a },
	{ 0x7f, 0x08, 0x08, 0x08, 0x7f }, { 0x00, 0x41, 0x7f, 0x41, 0x00 },
	{ 0x20, 0x40, 0x41, 0x3f, 0x01 }, { 0x7f, 0x08, 0x14, 0x22, 0x41 },
	{ 0x7f, 0x40, 0x40, 0x40, 0x40 }, { 0x7f, 0x02, 0x0c, 0x02, 0x7f },
	{ 0x7f, 0x04, 0x08, 0x10, 0x7f }, { 0x3e, 0x41, 0x41, 0x41, 0x3e },
	{ 0x7f, 0x09, 0x09, 0x09, 0x06 }, { 0x3e, 0x41, 0x51, 0x21, 0x5e },
	{ 0x7f, 0x09, 0x19, 0x29, 0x46 }, { 0x46, 0x49, 0x49, 0x49, 0x31 },
	{ 0x01, 0x01, 0x7f, 0x01, 0x01 }, { 0x3f, 0x40, 0x40, 0x40, 0x3f },
	{ 0x1f, 0x20, 0x40, 0x20, 0x1f }, { 0x3f, 0x40, 0x38, 0x40, 0x3f },
	{ 0x63, 0x14, 0x08, 0x14, 0x63 }, { 0x07, 0x08, 0x70, 0x08, 0x07 },
	{ 0x61, 0x51, 0x49, 0x45, 0x43 }, { 0x00, 0x7f, 0x41, 0x41, 0x00 },
	{ 0x02, 0x04, 0x08, 0x10, 0x20 }, { 0x00, 0x41, 0x41, 0x7f, 0x00 },
	{ 0x04, 0x02, 0x01, 0x02, 0x04 }, { 0x40, 0x40, 0x40, 0x40, 0x40 },
	{ 0x00, 0x01, 0x02, 0x04, 0x00 }, { 0x20, 0x54, 0x54, 0x54, 0x78 },
	{ 0x7f, 0x48, 0x44, 0x44, 0x38 }, { 0x38, 0x44, 0x44, 0x44, 0x20 },
	{ 0x38, 0x44, 0x44, 0x48, 0x7f }, { 0x38, 0x54, 0x54, 0x54, 0x18 },
	{ 0x08, 0x7e, 0x09, 0x01, 0x02 }, { 0x0c, 0x52, 0x52, 0x52, 0x3e },
	{ 0x7f, 0x08, 0x04, 0x04, 0x78 }, { 0x00, 0x44, 0x7d, 0x40, 0x00 },
	{ 0x20, 0x40, 0x44, 0x3d, 0x00 }, { 0x7f, 0x10, 0x28, 0x44, 0x00 },
	{ 0x00, 0x41, 0x7f, 0x40, 0x00 }, { 0x7c, 0x04, 0x18, 0x04, 0x78 },
	{ 0x7c, 0x08, 0x04, 0x04, 0x78 }, { 0x38, 0x44, 0x44, 0x44, 0x38 },
	{ 0x7c, 0x14, 0x14, 0x14, 0x08 }, { 0x08, 0x14, 0x14, 0x18, 0x7c },
	{ 0x7c, 0x08, 0x04, 0x04, 0x08 }, { 0x48, 0x54, 0x54, 0x54, 0x20 },
	{ 0x04, 0x3f, 0x44, 0x40, 0x20 }, { 0x3c, 0x40, 0x40, 0x20, 0x7c },
	{ 0x1c, 0x20, 0x40, 0x20, 0x1c }, { 0x3c, 0x40, 0x30, 0x40, 0x3c },
	{ 0x44, 0x28, 0x10, 0x28, 0x44 }, { 0x0c, 0x50, 0x50, 0x50, 0x3c },
	{ 0x44, 0x64, 0x54, 0x4c, 0x44 }, { 0x00, 0x08, 0x36, 0x41, 0x00 },
	{ 0x00, 0x00, 0x7f, 0x00, 0x00 }, { 0x00, 0x41, 0x36, 0x08, 0x00 },
	{ 0x02, 0x01, 0x02, 0x04, 0x02 },
};

/* A bitmap of the label, one byte per dot, 1 = black. */
struct canvas {
	int w, h;
	unsigned char *dot;
};

static void
fill(struct canvas *c, int x, int y, int w, int h)
{
	int i;

	for (; h > 0; h--, y++)
		if (y >= 0 && y < c->h)
			for (i = x; i < x + w; i++)
				if (i >= 0 && i < c->w)
					c->dot[(size_t)y * (size_t)c->w + (size_t)i] = 1;
}

static void
draw_qr(struct canvas *c, const struct qr *q, const struct label_layout *lay)
{
	int x, y, m = lay->module_px;

	for (y = 0; y < qr_width(q); y++)
		for (x = 0; x < qr_width(q); x++)
			if (qr_dark(q, x, y))
				fill(c, lay->qr_x + (x + QR_QUIET) * m, lay->qr_y + (y + QR_QUIET) * m,
				    m, m);
}

static int
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/* ASCII lines in the built-in font, scaled to fit the column; cut at the label's edge. */
static void
draw_text(struct canvas *c, const struct label *l, const struct label_layout *lay)
{
	int i, n = 0, kmax = lay->pitch * 6 / 10 / 7, k, x, y, col, row;
	const char *s;

	for (i = 0; i < LABEL_LINES; i++) {
		if ((s = l->text[i]) == NULL || *s == '\0')
			continue;
		if (printable_ascii(s)) {
			/* As large as the line allows; at one dot per pixel what is left is cut. */
			k = lay->text_w / (6 * (int)strlen(s));
			k = k > kmax ? kmax : k < 1 ? 1 : k;
			y = lay->margin + lay->pitch * n + (lay->pitch - 7 * k) / 2;
			for (x = lay->text_x; *s != '\0' && x + 5 * k <= lay->text_x + lay->text_w;
			    s++, x += 6 * k)
				for (col = 0; col < 5; col++)
					for (row = 0; row < 7; row++)
						if (font5x7[*s - 0x20][col] >> row & 1)
							fill(c, x + col * k, y + row * k, k, k);
		}
		n++;
	}
}

static void
png_to_buf(png_structp p, png_bytep data, size_t n)
{
	buf_addn(png_get_io_ptr(p), (const char *)data, n);
}

static void
png_no_flush(png_structp p)
{
	(void)p;
}

/* The canvas as a 1-bit grayscale PNG (bit set: white) with its resolution. */
static int
encode_png(const struct canvas *c, int dpi, struct buf *out, struct errmsg *em)
{
	size_t stride = ((size_t)c->w + 7) / 8, start = out->len;
	png_bytep *rows = xcalloc((size_t)c->h, sizeof *rows);
	unsigned char *bits = xcalloc((size_t)c->h, stride);
	png_structp p;
	png_infop info = NULL;
	png_uint_32 ppm = (png_uint_32)((dpi * 100000L + 127) / 254);
	int x, y, rc = CST_OK;

	for (y = 0; y < c->h; y++) {
		rows[y] = bits + (size_t)y * stride;
		for (x = 0; x < c->w; x++)
			if (!c->dot[(size_t)y * (size_t)c->w + (size_t)x])
				rows[y][x / 8] |= (unsigned char)(0x80 >> (x % 8));
	}
	p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	if (p == NULL || (info = png_create_info_struct(p)) == NULL) {
		rc = err_set(em, CST_ERR_INTERNAL, _("libpng failed to start"));
	} else if (setjmp(png_jmpbuf(p))) {
		rc = err_set(em, CST_ERR_INTERNAL, _("libpng failed to write the label"));
	} else {
		png_set_write_fn(p, out, png_to_buf, png_no_flush);
		png_set_IHDR(p, info, (png_uint_32)c->w, (png_uint_32)c->h, 1,
		    PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		    PNG_FILTER_TYPE_DEFAULT);
		png_set_pHYs(p, info, ppm, ppm, PNG_RESOLUTION_METER);
		png_set_rows(p, info, rows);
		png_write_png(p, info, PNG_TRANSFORM_IDENTITY, NULL);
	}
	png_destroy_write_struct(p ? &p : NULL, info ? &info : NULL);
	if (rc != CST_OK && out->p != NULL) {
		out->len = start;
		out->p[start] = '\0';
	}
	free(bits);
	free(rows);
	return rc;
}

int
label_png(const struct label *l, struct buf *out, struct errmsg *em)
{
	struct label_layout lay;
	struct canvas c;
	struct qr *q;
	int rc;

	if ((rc = check_label(l, em)) != CST_OK || (rc = qr_encode(l->qr, &q, em)) != CST_OK)
		return rc;
	if ((rc = place(l, q, &lay, em)) != CST_OK) {
		qr_free(q);
		return rc;
	}
	c.w = lay.width;
	c.h = lay.height;
	c.dot = xcalloc((size_t)c.w, (size_t)c.h);
	draw_qr(&c, q, &lay);
	draw_text(&c, l, &lay);
	qr_free(q);
	rc = encode_png(&c, l->dpi, out, em);
	free(c.dot);
	return rc;
}

/* The directory entry of the rename made durable too; a failure here loses nothing written. */
static void
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if ((size_t)(slash - path) < sizeof dir)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	else
		return;
	if ((fd = open(dir, O_RDONLY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int
label_write_file(const char *path, const void *data, size_t len, struct errmsg *em)
{
	char tmp[PATH_MAX];
	size_t off = 0;
	ssize_t w;
	int fd, e;

	if (path == NULL || *path == '\0')
		return err_set(em, CST_ERR_ARG, _("no output file"));
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= sizeof tmp)
		return err_set(em, CST_ERR_ARG, _("the output path is too long"));
	if ((fd = mkstemp(tmp)) < 0)
		return err_set(em, CST_ERR_IO, _("cannot create a file beside %s: %s"), path,
		    strerror(errno));
	while (off < len) {
		w = write(fd, (const char *)data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != len || fsync(fd) != 0) {
		e = off != len && errno == 0 ? EIO : errno;
		close(fd);
		unlink(tmp);
		return err_set(em, e == ENOSPC || e == EFBIG ? CST_ERR_FULL : CST_ERR_IO,
		    _("cannot write %s: %s"), path, strerror(e));
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		return err_set(em, CST_ERR_IO, _("cannot write %s: %s"), path, strerror(e));
	}
	sync_dir(path);
	return CST_OK;
}
