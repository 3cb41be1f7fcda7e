/*
 * A tag read into a property form: the UHF reader inventories while the form is open, and a
 * UHF read or a 13.56 MHz tap fills the form's tag field.
 */
#include <string.h>

#include "i18n.h"
#include "screens.h"

void
property_tag_reader(struct console *c, int on)
{
	struct dev_request rq;

	if (c->devs == NULL || devices_state(c->devs, CONF_DEV_UHF) == LINE_ABSENT)
		return;
	memset(&rq, 0, sizeof rq);
	rq.kind = on ? DEV_RQ_UHF_START : DEV_RQ_UHF_STOP;
	if (devices_request(c->devs, CONF_DEV_UHF, &rq) != 0 && on)
		console_say(c, UI_ERROR, "%s", _("The UHF reader is not connected: type the tag, "
		    "or hold it to the 13.56 MHz reader."));
}

int
property_tag_read(struct console *c, struct ui_form *fm, const struct dev_event *ev,
    char *last, size_t size)
{
	if (ev->kind != DEV_TAG && ev->kind != DEV_TAP)
		return 0;
	if (ev->kind == DEV_TAG && strcmp(ev->id, last) == 0)
		return 1;	/* the same tag again, round after round of the inventory */
	snprintf(last, size, "%s", ev->id);
	form_set(fm, "tag", ev->id);
	console_say(c, UI_OK, _("Tag %s read."), ev->id);
	return 1;
}
