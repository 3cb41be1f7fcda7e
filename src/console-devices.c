/*
 * The console's devices: events go to the screen on top first (registration takes a band or
 * an ID card, collection a fingerprint); what it does not take gets the default: a band or card
 * tapped opens the visit of the person wearing it, an ID card opens that person's visit or,
 * where this room registers, a registration form filled from the card.
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "fingerprint.h"
#include "i18n.h"
#include "idcard.h"
#include "idreader.h"
#include "ids.h"
#include "screens.h"
#include "visit.h"

/* Short names for the status line. */
static const char *
device_short(int dev)
{
	switch (dev) {
	/* TRANSLATORS: the status line's short names of the devices. */
	case CONF_DEV_PN532: return _("HF");
	case CONF_DEV_EM4100: return _("LF");
	case CONF_DEV_FINGERPRINT: return _("FP");
	case CONF_DEV_UHF: return _("UHF");
	case CONF_DEV_DOCK: return _("Dock");
	case CONF_DEV_IDCARD: return _("ID");
	default: return "?";
	}
}

/* Names for messages. */
static const char *
device_long(int dev)
{
	switch (dev) {
	case CONF_DEV_PN532: return _("The 13.56 MHz reader");
	case CONF_DEV_EM4100: return _("The 125 kHz reader");
	case CONF_DEV_FINGERPRINT: return _("The fingerprint module");
	case CONF_DEV_UHF: return _("The UHF reader");
	case CONF_DEV_DOCK: return _("The wristband dock");
	case CONF_DEV_IDCARD: return _("The ID card reader");
	default: return "?";
	}
}

/* One device's mark: ✓ connected, … reconnecting, ✗ no driver for it. */
static const char *
device_mark(enum dev_line_state st)
{
	return st == LINE_CONNECTED ? "✓" : st == LINE_RECONNECTING ? "…" : "✗";
}

void
console_devices_status(const struct console *c, int compact, char *out, size_t size)
{
	size_t used = 0;
	int i, any = 0, good = 0;

	out[0] = '\0';
	for (i = 0; i < CONF_DEVICES && used < size; i++) {
		enum dev_line_state st = devices_state(c->devs, i);

		if (st == LINE_ABSENT)
			continue;
		any++;
		if (compact && st == LINE_CONNECTED) {
			good++;
			continue;	/* counted: only the lines in trouble are named */
		}
		used += (size_t)snprintf(out + used, size - used, "%s%s%s", used ? " " : "",
		    device_short(i), device_mark(st));
	}
	if (!any)
		snprintf(out, size, "%s", _("devices: none"));
	else if (compact && good && used < size)
		/* TRANSLATORS: the status line when it is narrow: how many devices are connected. */
		snprintf(out + used, size - used, _("%sdevices %d✓"), used ? " " : "", good);
}

int
console_finger_ready(struct console *c, struct errmsg *em)
{
	switch (devices_state(c->devs, CONF_DEV_FINGERPRINT)) {
	case LINE_CONNECTED:
		return CST_OK;
	case LINE_ABSENT:
		return err_set(em, CST_ERR_NOTFOUND, "%s", _("this terminal has no fingerprint "
		    "module ([device.fingerprint] in custody.conf)"));
	default:
		return err_set(em, CST_ERR_BUSY, "%s", _("the fingerprint module is not connected; "
		    "wait until the status line shows FP✓"));
	}
}

const char *
console_finger_failure(int code)
{
	switch (code) {
	case FP_ERR_NOFINGER:
	case FP_ERR_TIMEOUT:
		return _("no finger was pressed in time");
	case FP_ERR_MESSY:
	case FP_ERR_FEW_POINTS:
	case FP_ERR_NOIMAGE:
		return _("the print was too unclear; clean the finger and the sensor and try again");
	case FP_ERR_MERGE:
		return _("the two presses were not of the same finger");
	case FP_ERR_NO_ANSWER:
		return _("the module did not answer");
	case FP_ERR_PASSWORD:
		return _("the module refused its password");
	default:
		return _("the module reported an error");
	}
}

void
console_dock_band(struct console *c, const char *band, const char *visit)
{
	struct dev_request rq = { .kind = visit ? DEV_RQ_DOCK_BIND : DEV_RQ_DOCK_UNBIND };

	if (band == NULL || band[0] == '\0' ||
	    devices_state(c->devs, CONF_DEV_DOCK) != LINE_CONNECTED)
		return;
	rq.slot = 0;	/* by id: wherever the band sits */
	ids_band_key(band, rq.id);	/* as typed: the dock knows it in its normal form */
	if (visit)
		snprintf(rq.visit, sizeof rq.visit, "%s", visit);
	if (devices_request(c->devs, CONF_DEV_DOCK, &rq) != 0)
		console_say(c, UI_ERROR, _("The wristband dock is busy and was not told about band "
		    "%s; the journal's record stands."), band);
}

/* The dock's answer to a bind or unbind. */
static void
dock_result(struct console *c, const struct dev_event *ev)
{
	static const char *const reasons[] = {
		"", N_("no band in that slot"), N_("the band is not in the dock"),
		N_("no such slot"), N_("the band is bound to another visit"),
		N_("the band is not bound"), N_("the dock is busy")
	};
	int r = ev->dock.reason, bind = ev->dock.command == DEV_RQ_DOCK_BIND;

	if (ev->dock.what == DOCK_DONE) {
		console_say(c, UI_OK, _("The wristband dock confirms band %s."), ev->id);
		return;
	}
	/*
	 * The normal flow, not a problem: a band tapped on the reader is bound without the dock;
	 * a band unbound that the dock had forgotten already. The journal's record stands.
	 */
	if ((bind && r == 2) || (!bind && r == 5))
		return;
	if (!bind && r == 2) {	/* cleared when it is put in the dock (default_dock) */
		console_say(c, UI_WARN, _("Band %s is unbound. Put it in the dock so that the dock "
		    "clears it too."), ev->id);
		return;
	}
	console_say(c, UI_ERROR, _("The wristband dock refused band %s: %s. The journal's "
	    "record stands; check the band at the dock."), ev->id, r > 0 && r <
	    (int)(sizeof reasons / sizeof reasons[0]) ? _(reasons[r]) :
	    _("the dock did not answer"));
}

static void
open_visit(struct console *c, const struct visit *v)
{
	/* A band tapped twice (or left on the reader) does not stack the same visit twice. */
	if (!(c->top && screen_shows_visit(c->top, v->id)))
		console_push(c, screen_visit_new(c, v->id));
	console_say(c, UI_OK, _("%s (band %s)."), v->name, v->band);
}

static void
default_tap(struct console *c, const struct dev_event *ev)
{
	struct visit v;
	struct errmsg em;

	err_clear(&em);
	if (visit_by_band(c->t->journal, ev->id, &v, &em) == CST_OK) {
		open_visit(c, &v);
		return;
	}
	if (strchr(screen_room_steps(c->room), '1'))
		console_say(c, UI_ERROR, _("Band %s is not bound to anyone in the area. To bind "
		    "it, open a registration (1) and tap it there."), ev->id);
	else
		console_say(c, UI_ERROR, _("Band %s is not bound to anyone in the area."), ev->id);
}

/* A band put in the dock: its wearer's visit, or, worn by nobody, cleared in the dock. */
static void
default_dock(struct console *c, const struct dev_event *ev)
{
	struct visit v;

	if (visit_by_band(c->t->journal, ev->id, &v, NULL) == CST_OK) {
		open_visit(c, &v);
		return;
	}
	console_dock_band(c, ev->id, NULL);	/* a "not bound" answer is quiet */
	console_say(c, UI_NORMAL, _("Band %s is free: it is bound to nobody in the area."), ev->id);
}

static void
default_idcard(struct console *c, int dev, const struct dev_event *ev)
{
	const struct dev_idcard *card = ev->idcard;
	struct visit_list found = { 0 };
	struct errmsg em;
	struct screen *s;
	size_t i;

	err_clear(&em);
	/* the card's holder in the area: the same number on the same document */
	if (visit_find(c->t->journal, card->id_number, 50, &found, &em) == CST_OK)
		for (i = 0; i < found.n; i++) {
			if (strcmp(found.v[i].id_number, card->id_number) != 0 ||
			    found.v[i].exit_ts != 0 || !visit_same_document(&found.v[i],
			    idcard_doc_of_card(card->type), card->nationality))
				continue;
			console_push(c, screen_visit_new(c, found.v[i].id));
			console_say(c, UI_OK, _("%s is already in the area."), found.v[i].name);
			visit_list_free(&found);
			return;
		}
	visit_list_free(&found);
	if (!strchr(screen_room_steps(c->room), '1')) {
		/* a foreign card may have no Chinese name: its English one */
		console_say(c, UI_ERROR, _("%s (%s) is not in the area; registration is done "
		    "at the entry."), card->name[0] ? card->name : card->name_en,
		    card->id_number);
		return;
	}
	s = screen_register_new(c);
	console_push(c, s);
	if (s->ops->device)
		s->ops->device(s, c, dev, ev);
}

/* A device's error: the ID reader's in the clerk's words (idreader_error_message). */
static void
device_error(struct console *c, int dev, const struct dev_event *ev)
{
	char msg[320];

	if (dev == CONF_DEV_IDCARD) {
		idreader_error_message(ev, msg, sizeof msg);
		console_say(c, UI_ERROR, "%s", msg);
	} else {
		console_say(c, UI_ERROR, _("%s reports an error (%d)."), device_long(dev),
		    ev->code);
	}
}

static void
on_device_event(void *arg, int dev, const struct dev_event *ev)
{
	struct console *c = arg;
	struct screen *top = c->top;

	c->dirty = 1;
	/* Supervision first, and whoever is (not) logged in: it must not stop at the lock. */
	console_rules_device(c, dev, ev);
	if (!c->logged_in || c->locked)
		return;		/* nobody may act on it: a locked screen ignores the devices */
	if (top && top->ops->device && top->ops->device(top, c, dev, ev))
		return;
	switch (ev->kind) {
	case DEV_TAP:
		default_tap(c, ev);
		break;
	case DEV_IDCARD:
		default_idcard(c, dev, ev);
		break;
	case DEV_DOCK:
		if (ev->dock.what == DOCK_PRESENT)
			default_dock(c, ev);
		else if (ev->dock.what == DOCK_DONE || ev->dock.what == DOCK_REFUSED)
			dock_result(c, ev);
		break;
	case DEV_ERROR:
		device_error(c, dev, ev);
		break;
	default:
		break;
	}
}

static void
on_device_state(void *arg, int dev, enum dev_line_state st)
{
	struct console *c = arg;

	c->dirty = 1;
	if (st == LINE_RECONNECTING && c->logged_in)
		console_say(c, UI_ERROR, _("%s is gone (%s); reconnecting."), device_long(dev),
		    devices_error(c->devs, dev));
	else if (st == LINE_CONNECTED && c->logged_in)
		console_say(c, UI_OK, _("%s is connected."), device_long(dev));
}

void
console_devices_start(struct console *c)
{
	struct devices_callbacks cb = { on_device_event, on_device_state, c };

	c->devs = devices_new(c->loop, &c->cfg, &cb);
	if (devices_gateway_error(c->devs)[0] != '\0')
		console_say(c, UI_ERROR, _("The positioning gateway is not heard: %s"),
		    devices_gateway_error(c->devs));
}
