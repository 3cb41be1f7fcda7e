/*
 * An inventory (盘点) of a location, a shelf or a room: the UHF reader runs while the screen
 * is open and every tag it reads is folded into the live counts; F2 records the result.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "form-screen.h"
#include "i18n.h"
#include "inventory.h"
#include "label.h"
#include "property.h"
#include "text.h"
#include "uhf.h"
#include "xmalloc.h"

struct inv_screen {
	struct screen base;
	struct inventory *inv;
	struct devices *devs;		/* to stop the reader when the screen goes */
	int reading;
	int finished;
	char id[UUID_LEN + 1];		/* the recorded inventory.completed */
	char action_id[UUID_LEN + 1];	/* recording it, one act from the start */
	char last[PROP_TAG_MAX + 64];	/* the last discrepancy read */
	char title[PROP_LOC_MAX + 64];
	/* The draft (src/draft.h): the first read of each tag, in order, so replaying them and
	 * the counts of repeated and bad reads gives the same inventory after a crash. */
	struct draft_store *drafts;
	char location[DRAFT_SUBJECT_MAX + 1];
	struct buf tags;		/* "TAG TAG …" */
	uint64_t kept_reads;		/* reads in the draft on disk (0: none) */
	int draft_full;			/* more tags than a draft holds: said once */
	int power;			/* the module's transmit power, 0.01 dBm; -1 unknown */
	int setting;			/* a power set is awaiting the module's answer */
	int resume;			/* the reader was on before the set: on again after */
};

#define INV_REPLAY_MAX 10000000u	/* repeated or bad reads a draft may ask to replay */

static void
reader(struct inv_screen *is, struct console *c, int on)
{
	struct dev_request rq;

	if (is->devs == NULL || is->reading == on)
		return;
	memset(&rq, 0, sizeof rq);
	rq.kind = on ? DEV_RQ_UHF_START : DEV_RQ_UHF_STOP;
	if (devices_request(is->devs, CONF_DEV_UHF, &rq) != 0) {
		if (c != NULL)
			console_say(c, UI_ERROR, "%s", _("The UHF reader is not connected: tags "
			    "can be typed with T."));
		return;
	}
	is->reading = on;
}

static const char *
inv_title(struct screen *s)
{
	return ((struct inv_screen *)s)->title;
}

static const char *
inv_keys(struct screen *s)
{
	return ((struct inv_screen *)s)->finished ?
	    _("F4 export the report (CSV)  Esc back") :
	    _("F2 finish and record  F3 reader  T tag  W power  F4 CSV  Esc abandon");
}

static void
inv_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct inv_screen *is = (struct inv_screen *)s;
	struct inventory_counts n;
	const char *label[8];
	unsigned long long v[8];
	char line[256], pad[128];
	int i, lw = 0;

	(void)c;
	inventory_counts(is->inv, &n);
	label[0] = _("Expected"); v[0] = n.expected;
	label[1] = _("Seen"); v[1] = n.seen;
	label[2] = _("Missing"); v[2] = n.missing;
	label[3] = _("Unexpected"); v[3] = n.unexpected;
	label[4] = _("Unknown tags"); v[4] = n.unknown;
	label[5] = _("Untagged"); v[5] = n.untagged;
	label[6] = _("Reads"); v[6] = n.reads;
	label[7] = _("Duplicates"); v[7] = n.duplicates;
	for (i = 0; i < 8; i++)
		if (text_width(label[i]) > lw)
			lw = text_width(label[i]);
	for (i = 0; i < 8 && i + 3 < h; i++) {
		pad[0] = '\0';	/* text_pad_right appends */
		text_pad_right(label[i], lw, pad, sizeof pad);
		snprintf(line, sizeof line, "%s  %8llu", pad, v[i]);
		ui_put(y + i, x, w, line, (i == 2 || i == 3 || i == 4) && v[i] ? UI_WARN :
		    i == 1 && n.seen == n.expected ? UI_OK : UI_NORMAL, 0);
	}
	if (is->finished)
		snprintf(line, sizeof line, _("Recorded as inventory %s."), is->id);
	else
		snprintf(line, sizeof line, "%s", is->reading ? _("The reader is reading…") :
		    _("The reader is stopped."));
	ui_put(y + 9, x, w, line, is->finished ? UI_OK : UI_LABEL, 0);
	ui_put(y + 10, x, w, is->last, UI_DIM, 0);
	if (is->power >= 0) {
		snprintf(line, sizeof line, _("Transmit power: %d.%02d dBm"), is->power / 100,
		    is->power % 100);
		ui_put(y + 11, x, w, line, UI_LABEL, 0);
	}
}

static void
read_tag(struct inv_screen *is, const char *tag)
{
	enum inventory_read r = inventory_read(is->inv, tag);

	if (r != INV_READ_DUPLICATE && r != INV_READ_BAD) {
		if (is->tags.len + strlen(tag) + 1 < DRAFT_MAX - 256) {
			if (is->tags.len > 0)
				buf_add(&is->tags, " ");
			buf_add(&is->tags, tag);
		} else {
			is->draft_full = 1;
		}
	}
	switch (r) {
	case INV_READ_UNEXPECTED:
		snprintf(is->last, sizeof is->last, _("%s: an item recorded elsewhere"), tag);
		break;
	case INV_READ_UNKNOWN:
		snprintf(is->last, sizeof is->last, _("%s: no item carries this tag"), tag);
		break;
	default:
		break;
	}
}

/* ---- the draft: {"v":1,"action":…,"fields":{},"extra":{"reads":N,"bad":N,"tags":"…"}} ---- */

static int
inv_draft_write(struct inv_screen *is, struct errmsg *em)
{
	struct inventory_counts n;
	struct jw w;
	char *text;
	size_t len;
	int status;

	inventory_counts(is->inv, &n);
	if (is->drafts == NULL || is->finished || n.reads == is->kept_reads)
		return CST_OK;
	if (n.reads == 0)
		return draft_delete(is->drafts, "inventory", is->location, em);
	draft_begin(&w, is->action_id);
	draft_fields_end(&w);
	jw_key(&w, "extra");
	jw_obj_begin(&w);
	jw_key(&w, "reads");
	jw_int(&w, (int64_t)n.reads);
	jw_key(&w, "bad");
	jw_int(&w, (int64_t)n.bad);
	jw_key(&w, "tags");
	jw_str(&w, buf_str(&is->tags));
	jw_obj_end(&w);
	draft_end(&w);
	text = jw_take(&w, &len);
	status = draft_put(is->drafts, "inventory", is->location, text, len, em);
	free(text);
	if (status == CST_OK)
		is->kept_reads = n.reads;
	return status;
}

static void
inv_draft_drop(struct inv_screen *is)
{
	if (is->drafts != NULL)
		draft_delete(is->drafts, "inventory", is->location, NULL);
	is->drafts = NULL;
}

/* Replays a kept draft: each tag's first read, then the repeated and the bad reads. */
static int
inv_draft_replay(struct inv_screen *is, const struct json *x, struct errmsg *em)
{
	const char *tags = json_get_str(x, "tags"), *p, *end;
	char tag[PROP_TAG_MAX + 1], first[PROP_TAG_MAX + 1] = "";
	int64_t reads, bad;
	uint64_t done = 0, i;
	size_t len;

	if (tags == NULL || json_get_int(x, "reads", &reads) != CST_OK ||
	    json_get_int(x, "bad", &bad) != CST_OK || reads < 0 || bad < 0 || bad > reads)
		return err_set(em, CST_ERR_INPUT, "%s", _("the reads are not counted"));
	for (p = tags; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0 || len > PROP_TAG_MAX)
			return err_set(em, CST_ERR_INPUT, "%s", _("a tag is not one"));
		memcpy(tag, p, len);
		tag[len] = '\0';
		if (first[0] == '\0')
			memcpy(first, tag, len + 1);
		read_tag(is, tag);
		done++;
	}
	if ((uint64_t)reads < done + (uint64_t)bad ||
	    (uint64_t)reads - done > INV_REPLAY_MAX || (done == 0 && reads > bad))
		return err_set(em, CST_ERR_INPUT, "%s", _("the reads are not counted"));
	for (i = 0; i < (uint64_t)reads - done - (uint64_t)bad; i++)
		inventory_read(is->inv, first);
	for (i = 0; i < (uint64_t)bad; i++)
		inventory_read(is->inv, "");
	return CST_OK;
}

static void
inv_draft_restore(struct inv_screen *is, struct console *c)
{
	struct inventory_counts n;
	struct errmsg em;
	struct draft d;
	char *text;
	size_t len;
	int status;

	memset(&d, 0, sizeof d);
	status = draft_get(is->drafts, "inventory", is->location, &text, &len, &em);
	if (status == CST_ERR_NOTFOUND)
		return;
	if (status == CST_OK && (status = draft_decode(text, len, &d, &em)) == CST_OK) {
		status = inv_draft_replay(is, d.extra, &em);
		if (status == CST_OK)
			memcpy(is->action_id, d.action_id, sizeof is->action_id);
	}
	draft_free(&d);
	free(text);
	if (status != CST_OK) {
		if (status != CST_ERR_CORRUPT)
			draft_delete(is->drafts, "inventory", is->location, NULL);
		console_say(c, UI_ERROR, _("The inventory kept here was dropped: %s"), em.text);
		return;
	}
	inventory_counts(is->inv, &n);
	is->kept_reads = n.reads;
	console_say(c, UI_OK, _("The inventory in progress was restored: %llu reads, %zu "
	    "items seen. The reader goes on; F2 records it."), (unsigned long long)n.reads,
	    n.seen);
}

static void
inv_leave(void *arg, struct console *c, int choice)
{
	struct inv_screen *is = arg;
	struct errmsg em;

	if (choice == FORM_STAY)
		return;
	if (choice == FORM_DISCARD) {
		inv_draft_drop(is);
		console_say(c, UI_OK, "%s", _("Inventory abandoned: nothing was recorded."));
	} else if (inv_draft_write(is, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		return;
	} else {
		console_say(c, UI_OK, "%s", _("Inventory kept as a draft: it goes on when this "
		    "location's inventory is opened again. Nothing was recorded."));
	}
	console_close(c, &is->base);
}

static void
inv_tick(struct screen *s, struct console *c)
{
	struct inv_screen *is = (struct inv_screen *)s;
	struct errmsg em;

	if (inv_draft_write(is, &em) != CST_OK)
		console_say(c, UI_ERROR, _("The draft cannot be kept: %s"), em.text);
	else if (is->draft_full == 1) {
		is->draft_full = 2;
		console_say(c, UI_WARN, "%s", _("More tags than a draft holds: after a crash, "
		    "the last ones would have to be read again."));
	}
}

static void
finish(struct inv_screen *is, struct console *c)
{
	struct intake in = intake_for(&c->in, is->action_id);
	struct intake_error e;

	reader(is, c, 0);
	if (inventory_finish(is->inv, &in, is->id, &e) != CST_OK) {
		console_say(c, UI_ERROR, "%s", e.em.text);
		return;
	}
	is->finished = 1;
	inv_draft_drop(is);
	screen_done(c, &e, "%s", _("Inventory recorded."));
}

static void
export_csv(struct inv_screen *is, struct console *c)
{
	char path[PATH_MAX], name[PROP_LOC_MAX + 1];
	struct buf b = { 0 };
	struct errmsg em;
	size_t i;

	snprintf(name, sizeof name, "%s", inventory_location(is->inv));
	for (i = 0; name[i]; i++)
		if (name[i] == '/')
			name[i] = '-';
	if ((size_t)snprintf(path, sizeof path, "%s/exports", c->t->dir) >= sizeof path ||
	    (mkdir(path, 0700) != 0 && errno != EEXIST)) {
		console_say(c, UI_ERROR, _("cannot create %s: %s"), path, strerror(errno));
		return;
	}
	if ((size_t)snprintf(path, sizeof path, "%s/exports/inventory-%s-%.8s.csv", c->t->dir,
	    name, is->finished ? is->id : "open") >= sizeof path)
		return;
	inventory_report_export(is->inv, &b);
	if (label_write_file(path, b.p, b.len, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	else
		console_say(c, UI_OK, _("Written to %s"), path);
	buf_free(&b);
}

static int
tag_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct inv_screen *is = arg;
	char typed[PROP_TAG_MAX + 1], tag[PROP_TAG_MAX + 1];

	(void)c;
	form_get(fm, "tag", typed, sizeof typed);
	if (property_tag_normal(typed, tag) != 0) {
		form_error(fm, "tag", _("a tag is 4 to 32 bytes of hex"));
		return 1;
	}
	read_tag(is, tag);
	return 0;
}

/* The keeper's power in dBm ("20", "22.5"): stopped reader, set, read back, reader again. */
static int
power_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct inv_screen *is = arg;
	struct dev_request rq;
	char typed[16], *end;
	double dbm;

	form_get(fm, "dbm", typed, sizeof typed);
	errno = 0;
	dbm = strtod(typed, &end);
	if (typed[0] == '\0' || *end != '\0' || errno != 0 || dbm * 100 < UHF_POWER_MIN - 0.5 ||
	    dbm * 100 > UHF_POWER_MAX + 0.5) {
		char msg[96];

		snprintf(msg, sizeof msg, _("%d to %d dBm"), UHF_POWER_MIN / 100,
		    UHF_POWER_MAX / 100);
		form_error(fm, "dbm", msg);
		return 1;
	}
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_UHF_SET_POWER;
	rq.value = (int)(dbm * 100 + 0.5);
	is->resume = is->reading;
	reader(is, NULL, 0);	/* the module is told one thing at a time */
	if (is->devs == NULL || devices_request(is->devs, CONF_DEV_UHF, &rq) != 0) {
		console_say(c, UI_ERROR, "%s", _("The UHF reader is not connected, or busy: the "
		    "power was not set."));
		reader(is, c, is->resume);
		return 0;
	}
	is->setting = 1;
	console_say(c, UI_OK, "%s", _("Setting the transmit power…"));
	return 0;
}

/* The module's answers to the power asked and set; 0 when ev is not one. */
static int
power_answer(struct inv_screen *is, struct console *c, const struct dev_event *ev)
{
	if (ev->kind == DEV_SETTING && ev->setting.cmd == UHF_CMD_GET_POWER) {
		is->power = ev->setting.value;
		if (is->setting)
			console_say(c, UI_OK, _("The module now transmits at %d.%02d dBm."),
			    is->power / 100, is->power % 100);
	} else if (ev->kind == DEV_ERROR && is->setting && ev->setting.cmd != 0) {
		if (ev->setting.refused)
			console_say(c, UI_ERROR, _("The module refused the power (error %02X)."),
			    (unsigned)ev->code);
		else if (ev->setting.cmd == UHF_CMD_SET_POWER)
			console_say(c, UI_ERROR, "%s", _("The UHF reader did not answer: the power "
			    "may not have been set."));
		else
			console_say(c, UI_ERROR, "%s", _("The module took the power but did not "
			    "answer when asked for it again."));
	} else {
		/* the set's own 00 (its read-back follows), or an error of no setting */
		return ev->kind == DEV_SETTING;
	}
	if (is->setting) {
		is->setting = 0;
		reader(is, c, is->resume);
	}
	return 1;
}

static enum ui_result
inv_key(struct screen *s, struct console *c, int key)
{
	struct inv_screen *is = (struct inv_screen *)s;
	struct ui_form fm;

	if (key == ui_key_f(4)) {
		export_csv(is, c);
		return UI_HANDLED;
	}
	if (is->finished)
		return UI_UNHANDLED;
	if (key == ui_key_f(2)) {
		finish(is, c);
		return UI_HANDLED;
	}
	if (key == ui_key_f(3)) {
		reader(is, c, !is->reading);
		return UI_HANDLED;
	}
	if ((key == 'w' || key == 'W') && !is->setting) {
		form_init(&fm);
		form_text(&fm, "dbm", _("Transmit power (dBm)"), 6, 6)->allowed = "0123456789.";
		console_push(c, dialog_form_new(_("Transmit power of the UHF reader"), &fm,
		    power_ok, is));
		return UI_HANDLED;
	}
	if (key == 't' || key == 'T') {
		form_init(&fm);
		form_text(&fm, "tag", _("Tag"), PROP_TAG_MAX, PROP_TAG_MAX)->allowed =
		    "0123456789abcdefABCDEF";
		console_push(c, dialog_form_new(_("A tag read by hand"), &fm, tag_ok, is));
		return UI_HANDLED;
	}
	if (key == UI_KEY_ESC) {
		struct inventory_counts n;

		inventory_counts(is->inv, &n);
		if (n.reads > 0 && is->drafts != NULL) {
			console_push(c, form_screen_leave_new(_("The reads of this inventory are "
			    "not recorded yet. Keep them as a draft (sealed on this terminal) or "
			    "discard them?"), inv_leave, is));
			return UI_HANDLED;
		}
		inv_draft_drop(is);
		console_say(c, UI_OK, "%s", _("Inventory abandoned: nothing was recorded."));
	}
	return UI_UNHANDLED;
}

/* Every tag the reader reports while the screen is open, duplicates too: they fold. */
static int
inv_device(struct screen *s, struct console *c, int dev, const struct dev_event *ev)
{
	struct inv_screen *is = (struct inv_screen *)s;

	if (dev == CONF_DEV_UHF && (ev->kind == DEV_SETTING || ev->kind == DEV_ERROR))
		return power_answer(is, c, ev);
	if (is->finished || (ev->kind != DEV_TAG && ev->kind != DEV_TAP))
		return 0;
	read_tag(is, ev->id);
	return 1;
}

static void
inv_free(struct screen *s)
{
	struct inv_screen *is = (struct inv_screen *)s;

	reader(is, NULL, 0);
	inv_draft_write(is, NULL);	/* a logout or an unlock by someone else: kept */
	buf_free(&is->tags);
	inventory_free(is->inv);
	free(is);
}

static const struct screen_ops inv_ops = {
	.title = inv_title, .keys = inv_keys, .draw = inv_draw, .key = inv_key,
	.free = inv_free, .device = inv_device, .tick = inv_tick,
};

struct screen *
screen_property_inventory_new(struct console *c, const char *location)
{
	struct inv_screen *is = xcalloc(1, sizeof *is);
	struct errmsg em;

	is->base.ops = &inv_ops;
	uuid_new(is->action_id);
	if (inventory_start(c->in.j, location, &is->inv, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		free(is);
		return NULL;
	}
	snprintf(is->title, sizeof is->title, _("Inventory of %s"), location);
	is->drafts = c->drafts;
	snprintf(is->location, sizeof is->location, "%s", location);
	if (is->drafts != NULL)
		inv_draft_restore(is, c);
	is->devs = c->devs;
	is->power = -1;
	if (is->devs != NULL) {
		struct dev_request rq;

		memset(&rq, 0, sizeof rq);
		rq.kind = DEV_RQ_UHF_GET_POWER;	/* shown once the module answers */
		devices_request(is->devs, CONF_DEV_UHF, &rq);
	}
	reader(is, c, 1);
	return &is->base;
}
