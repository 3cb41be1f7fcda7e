/*
 * QR codes and labels: the matrix, the terminal drawing bit by bit, SVG and PNG labels read
 * back by a real scanner (zbarimg) and by libpng, capacity refusals, atomic writes.
 */
#include <dirent.h>
#include <png.h>

#include "t.h"
#include "util.h"

#include "buf.h"
#include "label.h"
#include "qr-render.h"
#include "qr.h"

static const char *const samples[] = {
	"P-2026-000123",				/* an item's code */
	"CASE:A4401052026000123",			/* a case's code */
	"京公(刑)立字[2026]123号 黑色苹果手机一部",	/* Chinese: UTF-8 in byte mode */
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

static char *dir;
static int have_zbar, have_rsvg;

static int
have_tool(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* What zbarimg reads in an image file, without the trailing newline; NULL if nothing. */
static char *
zbar_read(const char *path)
{
	char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char cmd[PATH_MAX + 64];
	struct t_result r;
	size_t n;

	snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", path);
	argv[2] = cmd;
	r = t_run(argv, NULL, NULL);
	free(r.err);
	n = strlen(r.out);
	if (r.status != 0 || n == 0) {
		free(r.out);
		return NULL;
	}
	if (r.out[n - 1] == '\n')
		r.out[n - 1] = '\0';
	return r.out;
}

static void
test_matrix(void)
{
	struct errmsg em;
	struct qr *q;
	int x, y, dark = 0;

	ok(qr_encode("P-2026-000123", &q, &em) == CST_OK, "a code encodes");
	ok(qr_version(q) == 1 && qr_width(q) == 21, "13 bytes at level M: version 1, 21 modules");
	/* The finder pattern at the top left: a dark ring, a light ring, a 3x3 dark centre. */
	ok(qr_dark(q, 0, 0) && qr_dark(q, 6, 6) && !qr_dark(q, 1, 1) && qr_dark(q, 3, 3) &&
	    !qr_dark(q, 7, 7), "the finder pattern is where it belongs");
	ok(!qr_dark(q, -1, 0) && !qr_dark(q, 21, 3) && !qr_dark(q, 3, 21), "outside is light");
	for (y = 0; y < 21; y++)
		for (x = 0; x < 21; x++)
			dark += qr_dark(q, x, y);
	ok(dark > 21 * 21 / 4 && dark < 21 * 21 * 3 / 4, "about half the modules are dark");
	qr_free(q);
	ok(qr_encode(samples[2], &q, &em) == CST_OK && qr_width(q) == 17 + 4 * qr_version(q),
	    "Chinese text encodes; width follows the version");
	qr_free(q);
}

static void
test_capacity(void)
{
	char *big = malloc(QR_MAX_BYTES + 2);
	struct errmsg em;
	struct qr *q;

	memset(big, 'a', QR_MAX_BYTES + 1);
	big[QR_MAX_BYTES] = '\0';
	ok(qr_encode(big, &q, &em) == CST_OK && qr_version(q) == 40 && qr_width(q) == 177,
	    "2331 bytes fill version 40 at level M");
	qr_free(q);
	big[QR_MAX_BYTES] = 'a';
	big[QR_MAX_BYTES + 1] = '\0';
	err_clear(&em);
	ok(qr_encode(big, &q, &em) == CST_ERR_ARG && q == NULL, "2332 bytes are refused");
	ok(t_has(em.text, "too long") && t_has(em.text, "2331"), "the refusal says the limit");
	free(big);
	err_clear(&em);
	ok(qr_encode("", &q, &em) == CST_ERR_ARG && t_has(em.text, "empty"), "empty text refused");
	err_clear(&em);
	ok(qr_encode("ab\xff", &q, &em) == CST_ERR_ARG && t_has(em.text, "UTF-8"),
	    "invalid UTF-8 refused");
	err_clear(&em);
	ok(qr_encode("a\nb", &q, &em) == CST_ERR_ARG, "control characters refused");
}

/* One glyph of a rendered line at *p: returns its top/bottom ink bits, advances p. */
static int
glyph_bits(const char **p)
{
	static const char *const g[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88" };
	int i;

	for (i = 3; i >= 0; i--)
		if (strncmp(*p, g[i], strlen(g[i])) == 0) {
			*p += strlen(g[i]);
			return i;
		}
	return -1;
}

static void
check_render(const struct qr *q, int flags, const char *what)
{
	struct qr_lines l;
	int side = qr_width(q) + 2 * QR_QUIET, i, x, bad = 0, top, bot, b, inv;
	const char *p;
	char msg[128];

	inv = (flags & QR_RENDER_INVERSE) != 0;
	qr_render(q, flags, &l);
	snprintf(msg, sizeof msg, "%s: %d lines for %d module rows", what, l.count, side);
	ok(l.count == (side + 1) / 2 && l.cols == side, msg);
	for (i = 0; i < l.count; i++) {
		p = l.line[i];
		for (x = 0; x < side; x++) {
			if ((b = glyph_bits(&p)) < 0) {
				bad++;
				break;
			}
			top = qr_dark(q, x - QR_QUIET, 2 * i - QR_QUIET) ^ inv;
			bot = 2 * i + 1 < side ? qr_dark(q, x - QR_QUIET, 2 * i + 1 - QR_QUIET) ^ inv : inv;
			bad += b != (top << 1 | bot);
		}
		bad += *p != '\0';	/* exactly side glyphs: the width */
	}
	snprintf(msg, sizeof msg, "%s: every half block is its two modules", what);
	ok(bad == 0, msg);
	/* The quiet zone: two blank lines (four module rows) above the code. */
	ok(l.count > 2 && strlen(l.line[0]) == (size_t)(inv ? side * 3 : side),
	    "the first line is all quiet zone");
	qr_lines_free(&l);
}

static void
test_render(void)
{
	struct errmsg em;
	struct qr *q;
	size_t i;

	for (i = 0; i < NSAMPLES; i++) {
		if (qr_encode(samples[i], &q, &em) != CST_OK) {
			ok(0, em.text);
			continue;
		}
		check_render(q, 0, samples[i]);
		check_render(q, QR_RENDER_INVERSE, "inverse");
		qr_free(q);
	}
}

static struct label
sample_label(const char *code, int dpi)
{
	struct label l;

	memset(&l, 0, sizeof l);
	l.qr = code;
	l.text[LABEL_CODE] = code;
	l.text[LABEL_CASE] = "京公(刑)立字[2026]123号";
	l.text[LABEL_DESCRIPTION] = "<iPhone> & \"A\"";
	l.text[LABEL_CATEGORY] = "手机";
	l.dpi = dpi;
	return l;
}

/* The PNG read back with libpng: size, and each module's centre dot against the matrix. */
static void
check_png_pixels(const struct buf *b, const struct label *l)
{
	png_image img;
	unsigned char *px;
	struct label_layout lay;
	struct errmsg em;
	struct qr *q;
	int x, y, bad = 0, m, cx, cy;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, b->p, b->len)) {
		ok(0, "the PNG reads back");
		return;
	}
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	ok(png_image_finish_read(&img, NULL, px, 0, NULL), "the PNG decodes");
	label_layout(l, &lay, &em);
	ok((int)img.width == lay.width && (int)img.height == lay.height &&
	    lay.width == (l->dpi == 203 ? 400 : 591) && lay.height == (l->dpi == 203 ? 240 : 354),
	    "the PNG is 50 x 30 mm at the printer's dpi");
	qr_encode(l->qr, &q, &em);
	m = lay.module_px;
	for (y = -QR_QUIET; y < qr_width(q) + QR_QUIET; y++)
		for (x = -QR_QUIET; x < qr_width(q) + QR_QUIET; x++) {
			cx = lay.qr_x + (x + QR_QUIET) * m + m / 2;
			cy = lay.qr_y + (y + QR_QUIET) * m + m / 2;
			bad += (px[(size_t)cy * img.width + (size_t)cx] < 128) != qr_dark(q, x, y);
		}
	ok(bad == 0, "every module and the quiet zone are the right colour in the PNG");
	qr_free(q);
	free(px);
}

static void
test_png(void)
{
	struct buf b = { NULL, 0, 0 };
	static const int dpis[] = { 203, 300 };
	char path[PATH_MAX], msg[160], *got;
	struct errmsg em;
	struct label l;
	size_t i, d;

	for (d = 0; d < 2; d++)
		for (i = 0; i < NSAMPLES; i++) {
			l = sample_label(samples[i], dpis[d]);
			b.len = 0;
			if (label_png(&l, &b, &em) != CST_OK) {
				ok(0, em.text);
				continue;
			}
			ok(b.len > 8 && memcmp(b.p, "\x89PNG\r\n\x1a\n", 8) == 0, "a PNG is made");
			check_png_pixels(&b, &l);
			snprintf(path, sizeof path, "%s/label-%zu-%d.png", dir, i, dpis[d]);
			ok(label_write_file(path, b.p, b.len, &em) == CST_OK, "the PNG is written");
			if (!have_zbar)
				continue;
			got = zbar_read(path);
			snprintf(msg, sizeof msg, "zbarimg reads the PNG at %d dpi back as \"%s\"",
			    dpis[d], samples[i]);
			ok(got != NULL && strcmp(got, samples[i]) == 0, msg);
			if (got == NULL || strcmp(got, samples[i]) != 0)
				fprintf(stderr, "  zbarimg gave: %s\n", got ? got : "(nothing)");
			free(got);
		}
	buf_free(&b);
}

/* The SVG's path rebuilt into modules must be the matrix, quiet zone included. */
static void
check_svg_modules(const char *svg, const struct qr *q)
{
	const char *p = strstr(svg, " d=\"");
	int side = qr_width(q) + 2 * QR_QUIET, x, y, run, used, i, bad = 0, runs = 0;
	unsigned char *seen = calloc((size_t)side * (size_t)side, 1);

	for (p = p ? p + 4 : ""; sscanf(p, "M%d %dh%dv1h-%*dz%n", &x, &y, &run, &used) == 3;
	    p += used, runs++)
		for (i = 0; i < run; i++)
			if (x + i < side && y < side && x >= 0 && y >= 0)
				seen[y * side + x + i]++;
			else
				bad++;
	ok(*p == '"', "the path is nothing but module runs");
	for (y = 0; y < side; y++)
		for (x = 0; x < side; x++)
			bad += seen[y * side + x] != qr_dark(q, x - QR_QUIET, y - QR_QUIET);
	ok(runs > 0 && bad == 0, "the SVG's modules are the matrix's, each drawn once");
	free(seen);
}

static void
test_svg(void)
{
	struct buf b = { NULL, 0, 0 };
	char path[PATH_MAX], png[PATH_MAX], cmd[2 * PATH_MAX + 64], msg[160], *got;
	struct errmsg em;
	struct label l;
	struct qr *q;
	size_t i;

	for (i = 0; i < NSAMPLES; i++) {
		l = sample_label(samples[i], i == 1 ? 300 : 203);
		b.len = 0;
		if (label_svg(&l, &b, &em) != CST_OK) {
			ok(0, em.text);
			continue;
		}
		qr_encode(samples[i], &q, &em);
		check_svg_modules(b.p, q);
		qr_free(q);
		ok(t_has(b.p, "width=\"50mm\" height=\"30mm\""), "the SVG is 50 x 30 mm");
		ok(t_has(b.p, "'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"),
		    "the text asks for CJK fonts");
		ok(t_has(b.p, "&lt;iPhone&gt; &amp; &quot;A&quot;</text>") &&
		    !t_has(b.p, "<iPhone"), "text is escaped");
		ok(t_has(b.p, ">京公(刑)立字[2026]123号</text>") || t_has(b.p, "京公(刑)立字"),
		    "Chinese text is kept");
		snprintf(path, sizeof path, "%s/label-%zu.svg", dir, i);
		ok(label_write_file(path, b.p, b.len, &em) == CST_OK, "the SVG is written");
		if (!have_rsvg || !have_zbar)
			continue;
		snprintf(png, sizeof png, "%s/label-%zu-svg.png", dir, i);
		snprintf(cmd, sizeof cmd, "rsvg-convert -d %d -p %d -b white '%s' -o '%s' 2>/dev/null",
		    l.dpi, l.dpi, path, png);
		ok(system(cmd) == 0, "rsvg-convert rasterises the SVG");
		got = zbar_read(png);
		snprintf(msg, sizeof msg, "zbarimg reads the rasterised SVG back as \"%s\"",
		    samples[i]);
		ok(got != NULL && strcmp(got, samples[i]) == 0, msg);
		free(got);
	}
	buf_free(&b);
}

/* The text of the SVG element that holds needle's start, its tags taken out. */
static void
svg_text_of(const char *svg, const char *needle, char *out, size_t size)
{
	const char *p = strstr(svg, needle), *start, *end;
	size_t n = 0;

	out[0] = '\0';
	if (p == NULL || (start = strstr(svg, "font-weight=\"bold\"")) == NULL ||
	    (end = strstr(start, "</text>")) == NULL)
		return;
	for (p = strchr(start, '>') + 1; p < end && n + 1 < size; p++) {
		if (*p == '<') {
			p = strchr(p, '>');
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

static void
test_code_whole(void)
{
	static const char *const codes[] = { "WP-A1101052026120001-001",
	    "WP-A110105202612000100000000000000000001-12345", "WP-X-1" };
	struct buf b = { NULL, 0, 0 };
	char got[512], msg[200];
	struct errmsg em;
	struct label l;
	size_t i;
	int dpi;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		for (dpi = 203; dpi <= 300; dpi += 97) {
			l = sample_label(codes[i], dpi);
			b.len = 0;
			ok(label_svg(&l, &b, &em) == CST_OK, em.text);
			svg_text_of(b.p ? b.p : "", "WP-", got, sizeof got);
			snprintf(msg, sizeof msg, "the label shows the code %s whole at %d dpi (\"%s\")",
			    codes[i], dpi, got);
			ok(strcmp(got, codes[i]) == 0, msg);
		}
	buf_free(&b);
}

static void
test_refusals(void)
{
	struct buf b = { NULL, 0, 0 };
	char *long_code = malloc(1001), line[LABEL_TEXT_MAX + 2];
	struct errmsg em;
	struct label l;

	memset(long_code, 'x', 1000);
	long_code[1000] = '\0';
	l = sample_label(long_code, 203);
	l.text[LABEL_CODE] = "P-1";
	err_clear(&em);
	ok(label_png(&l, &b, &em) == CST_ERR_ARG && t_has(em.text, "0.25 mm") && b.len == 0,
	    "a code too fine for the label is refused, nothing made");
	l = sample_label("P-1", 150);
	err_clear(&em);
	ok(label_svg(&l, &b, &em) == CST_ERR_ARG && t_has(em.text, "203 or 300"),
	    "an unknown printer resolution is refused");
	l = sample_label("P-1", 203);
	l.module_px = 9;	/* 29 modules of 9 dots: 261 > 240 */
	err_clear(&em);
	ok(label_svg(&l, &b, &em) == CST_ERR_ARG && t_has(em.text, "does not fit"),
	    "a module size that overflows the label is refused");
	l.module_px = 8;
	ok(label_svg(&l, &b, &em) == CST_OK, "the largest module size that fits is taken");
	b.len = 0;
	memset(line, 'y', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	l = sample_label("P-1", 203);
	l.text[LABEL_DESCRIPTION] = line;
	err_clear(&em);
	ok(label_svg(&l, &b, &em) == CST_ERR_ARG && t_has(em.text, "description"),
	    "an overlong text line is refused, naming the line");
	l.text[LABEL_DESCRIPTION] = "bell\a";
	ok(label_png(&l, &b, &em) == CST_ERR_ARG && b.len == 0, "control characters refused");
	free(long_code);
	buf_free(&b);
}

/* Files in d whose name holds ".tmp": what a failed atomic write must not leave. */
static int
leftovers(const char *d)
{
	struct dirent *e;
	DIR *dp = opendir(d);
	int n = 0;

	if (dp == NULL)
		return -1;
	while ((e = readdir(dp)) != NULL)
		n += strstr(e->d_name, ".tmp") != NULL;
	closedir(dp);
	return n;
}

static void
test_atomic(void)
{
	char sub[PATH_MAX], path[PATH_MAX], *got;
	struct errmsg em;
	struct stat st;
	struct t_result r;
	int fd, ws;
	pid_t pid;

	snprintf(sub, sizeof sub, "%s/ro", dir);
	mkdir(sub, 0755);
	snprintf(path, sizeof path, "%s/label.png", sub);
	chmod(sub, 0555);
	if (access(sub, W_OK) == 0) {
		printf("note: running as root, a read-only directory does not stop writes; "
		    "checked with a full disk and a failed rename below\n");
	} else {
		err_clear(&em);
		ok(label_write_file(path, "data", 4, &em) == CST_ERR_IO &&
		    t_has(em.text, "label.png"), "an unwritable directory is refused");
		ok(stat(path, &st) != 0 && leftovers(sub) == 0, "and nothing is left there");
	}
	chmod(sub, 0755);

	/* A rename onto a directory fails after the data was written: the temporary goes. */
	err_clear(&em);
	ok(label_write_file(sub, "data", 4, &em) == CST_ERR_IO && leftovers(dir) == 0,
	    "a failed rename leaves no temporary file");
	snprintf(path, sizeof path, "%s/missing/label.png", dir);
	ok(label_write_file(path, "data", 4, &em) == CST_ERR_IO && stat(path, &st) != 0,
	    "a missing directory is refused");

	/* A write that stops half way (file size limit) keeps the old label whole. */
	snprintf(path, sizeof path, "%s/old.png", sub);
	t_write_file(path, "OLD", 3, 0644);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 4096, 4096 };
		static char big[65536];
		struct errmsg e2;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		memset(big, 'z', sizeof big);
		_exit(label_write_file(path, big, sizeof big, &e2) == CST_ERR_FULL ? 0 : 1);
	}
	waitpid(pid, &ws, 0);
	ok(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "a write past the size limit fails as full");
	fd = open(path, O_RDONLY);
	got = t_slurp_fd(fd);
	close(fd);
	ok(strcmp(got, "OLD") == 0 && leftovers(sub) == 0,
	    "the old file is untouched and no partial file is left");
	free(got);

	/* The same through the command. */
	t_child_fsize = 100;	/* the label is some 400 bytes */
	r = t_custody("label", "--code", "P-2026-000123", "--format", "png", "--out", path);
	t_child_fsize = 0;
	fd = open(path, O_RDONLY);
	got = t_slurp_fd(fd);
	close(fd);
	ok(r.status == 5 && strcmp(got, "OLD") == 0 && leftovers(sub) == 0,
	    "custody label on a full disk: exit 5, old file kept, nothing partial");
	free(got);
	t_result_free(&r);
}

static void
test_command(void)
{
	char path[PATH_MAX], *got;
	struct t_result r;

	snprintf(path, sizeof path, "%s/cmd.png", dir);
	r = t_custody("label", "--code", samples[0], "--case", "A4401052026000123", "--text",
	    "black phone", "--category", "phone", "--format", "png", "--out", path);
	ok(r.status == 0, "custody label --format png");
	t_result_free(&r);
	if (have_zbar) {
		got = zbar_read(path);
		ok(got != NULL && strcmp(got, samples[0]) == 0, "the command's PNG scans back");
		free(got);
	}
	snprintf(path, sizeof path, "%s/case.svg", dir);
	r = t_custody("label", "--case", "京公(刑)立字[2026]123号", "--format", "svg", "--dpi",
	    "300", "--out", path);
	ok(r.status == 0 && access(path, R_OK) == 0, "a case label as SVG at 300 dpi");
	t_result_free(&r);
	r = t_custody("label", "--code", "P-1", "--format", "text");
	ok(r.status == 0 && t_has(r.out, "\xe2\x96\x88") && t_has(r.out, "P-1\n"),
	    "--format text draws the code in half blocks");
	t_result_free(&r);
	r = t_custody("label", "--code", "P-1", "--format", "svg", "--dpi", "150", "--out", path);
	ok(r.status == 2 && t_has(r.err, "203 or 300"), "a bad --dpi: exit 2 and why");
	t_result_free(&r);
	r = t_custody("label", "--format", "svg", "--out", path);
	ok(r.status == 2 && t_has(r.err, "--code"), "no code: exit 2 and why");
	t_result_free(&r);
}

int
main(void)
{
	dir = t_tmpdir("qr");
	have_zbar = have_tool("zbarimg");
	have_rsvg = have_tool("rsvg-convert");
	if (!have_zbar)
		printf("note: zbarimg not installed (zbar-tools): labels are not scanned back\n");
	if (!have_rsvg)
		printf("note: rsvg-convert not installed (librsvg2-bin): the SVG is checked by its "
		    "modules only\n");
	test_matrix();
	test_capacity();
	test_render();
	test_png();
	test_svg();
	test_code_whole();
	test_refusals();
	test_atomic();
	test_command();
	t_rmrf(dir);
	free(dir);
	return t_done();
}
