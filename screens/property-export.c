/* Files the property room hands out: labels (SVG and PNG) and chains of custody. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "i18n.h"
#include "label.h"
#include "property-doc.h"
#include "property.h"
#include "form-screen.h"

/* DATA/exports/NAME.EXT, the name cut down to what every file system takes. */
static int
export_path(struct console *c, const char *name, const char *ext, char *out, size_t size)
{
	char safe[PROP_CODE_MAX + 1];
	size_t i;

	for (i = 0; name[i] && i < PROP_CODE_MAX; i++)
		safe[i] = strchr(CODE_CHARS, name[i]) ? name[i] : '_';
	safe[i] = '\0';
	if ((size_t)snprintf(out, size, "%s/exports", c->t->dir) >= size)
		return -1;
	if (mkdir(out, 0700) != 0 && errno != EEXIST) {
		console_say(c, UI_ERROR, _("cannot create %s: %s"), out, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(out, size, "%s/exports/%s.%s", c->t->dir, safe, ext) >= size)
		return -1;
	return 0;
}

static int
write_export(struct console *c, const char *name, const char *ext, const struct buf *b)
{
	char path[PATH_MAX];
	struct errmsg em;

	if (export_path(c, name, ext, path, sizeof path) != 0)
		return CST_ERR_IO;
	if (label_write_file(path, b->p, b->len, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		return em.code;
	}
	return CST_OK;
}

int
screen_property_label(struct console *c, const char *item, const char *case_number)
{
	char code[PROP_CODE_MAX + 1], name[PROP_CODE_MAX + 8];
	struct label l = { .dpi = 203 };
	struct buf svg = { 0 }, png = { 0 };
	struct prop_item it;
	struct errmsg em;
	int rc;

	if (item != NULL) {
		if ((rc = prop_item_get(c->in.j, item, &it, &em)) != CST_OK) {
			console_say(c, UI_ERROR, "%s", em.text);
			return rc;
		}
		l.qr = l.text[LABEL_CODE] = it.code;
		l.text[LABEL_CASE] = it.case_number;
		l.text[LABEL_DESCRIPTION] = it.description;
		l.text[LABEL_CATEGORY] = prop_label(it.category);
		snprintf(name, sizeof name, "label-%s", it.code);
	} else {
		property_case_code(case_number, code);
		l.qr = l.text[LABEL_CODE] = code;
		l.text[LABEL_CASE] = case_number;
		snprintf(name, sizeof name, "label-%s", code);
	}
	if ((rc = label_svg(&l, &svg, &em)) != CST_OK ||
	    (rc = label_png(&l, &png, &em)) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	else if ((rc = write_export(c, name, "svg", &svg)) == CST_OK &&
	    (rc = write_export(c, name, "png", &png)) == CST_OK)
		console_say(c, UI_OK, _("Label written to %s/exports/%s.svg and .png"), c->t->dir,
		    name);
	buf_free(&svg);
	buf_free(&png);
	return rc;
}

int
screen_property_history_export(struct console *c, const char *item, const char *case_number)
{
	static const char *const ext[3] = { "txt", "html", "csv" };
	char name[PROP_CODE_MAX + 16];
	struct prop_item it;
	struct errmsg em;
	int f, rc = CST_OK;

	if (item != NULL) {
		if ((rc = prop_item_get(c->in.j, item, &it, &em)) != CST_OK) {
			console_say(c, UI_ERROR, "%s", em.text);
			return rc;
		}
		snprintf(name, sizeof name, "custody-%s", it.code);
	} else {
		snprintf(name, sizeof name, "custody-AJ-%s", case_number);
	}
	for (f = PROP_DOC_TEXT; f <= PROP_DOC_CSV && rc == CST_OK; f++) {
		struct buf b = { 0 };

		rc = item ? prop_doc_item(c->in.j, item, (enum prop_doc_format)f, &b, &em) :
		    prop_doc_case(c->in.j, case_number, (enum prop_doc_format)f, &b, &em);
		if (rc != CST_OK)
			console_say(c, UI_ERROR, "%s", em.text);
		else
			rc = write_export(c, name, ext[f], &b);
		buf_free(&b);
	}
	if (rc == CST_OK)
		console_say(c, UI_OK, _("Chain of custody written to %s/exports/%s.txt, .html "
		    "and .csv"), c->t->dir, name);
	return rc;
}
