/*
 * QR codes through libqrencode.  The text goes in byte mode as it is (UTF-8), so that a
 * scanner gives back exactly the bytes we printed; level M survives a scuffed label.
 */
#include "qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

struct qr {
	int width, version;
	unsigned char *dark;	/* width * width, row by row, 1 = dark */
};

static int
check_text(const char *text, size_t *len, struct errmsg *em)
{
	if (text == NULL || *text == '\0')
		return err_set(em, CST_ERR_ARG, _("the text for the QR code is empty"));
	*len = strnlen(text, QR_MAX_BYTES + 1);
	if (*len > QR_MAX_BYTES)
		return err_set(em, CST_ERR_ARG, _("the text is too long for a QR code: at level M "
		    "a code holds at most %d bytes"), QR_MAX_BYTES);
	if (!text_valid(text, QR_MAX_BYTES, 1))
		return err_set(em, CST_ERR_ARG, _("the text for the QR code is blank, not "
		    "valid UTF-8, or holds control characters"));
	return CST_OK;
}

int
qr_encode(const char *text, struct qr **out, struct errmsg *em)
{
	QRcode *c;
	struct qr *q;
	size_t len = 0, i, n;
	int rc;

	*out = NULL;
	if ((rc = check_text(text, &len, em)) != CST_OK)
		return rc;
	c = QRcode_encodeData((int)len, (const unsigned char *)text, 0, QR_ECLEVEL_M);
	if (c == NULL) {
		if (errno == ERANGE)
			return err_set(em, CST_ERR_ARG, _("the text (%zu bytes) is too long for a "
			    "QR code at level M"), len);
		if (errno == ENOMEM)
			abort();	/* as xmalloc does: out of memory is not handled */
		return err_set(em, CST_ERR_INTERNAL, _("libqrencode failed: %s"), strerror(errno));
	}
	q = xmalloc(sizeof *q);
	q->width = c->width;
	q->version = c->version;
	n = (size_t)c->width * (size_t)c->width;
	q->dark = xmalloc(n);
	/* Bit 0 of each byte is the module's colour; the other bits say what it is for. */
	for (i = 0; i < n; i++)
		q->dark[i] = c->data[i] & 1;
	QRcode_free(c);
	*out = q;
	return CST_OK;
}

void
qr_free(struct qr *q)
{
	if (q == NULL)
		return;
	free(q->dark);
	free(q);
}

int
qr_width(const struct qr *q)
{
	return q->width;
}

int
qr_version(const struct qr *q)
{
	return q->version;
}

int
qr_dark(const struct qr *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->dark[(size_t)y * (size_t)q->width + (size_t)x];
}
