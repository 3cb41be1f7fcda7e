/* Entry registration (入区登记): the person, the case, the escorting officers, the band. */
#include <string.h>

#include "clock.h"
#include "doc.h"
#include "ethnic.h"
#include "form-screen.h"
#include "officer-pick.h"
#include "i18n.h"
#include "idcard.h"
#include "when.h"

static const char *sexes[2];
static const char *yes_no[2];
static const char *reasons[3];
static const char *ethnics[ETHNIC_COUNT];
static const char *docs[IDDOC_COUNT];

static void
read_form(struct ui_form *fm, struct registration *r)
{
	char buf[IN_TEXT_MAX + 1];
	int i;

	memset(r, 0, sizeof *r);
	form_get(fm, "name", r->name, sizeof r->name);
	i = form_choice_of(fm, "sex");
	r->sex = i == 0 ? 'M' : i == 1 ? 'F' : '\0';
	i = form_choice_of(fm, "ethnicity");
	if (i >= 0)
		snprintf(r->ethnicity, sizeof r->ethnicity, "%s", ethnic_code((size_t)i));
	form_get(fm, "birth_date", r->birth_date, sizeof r->birth_date);
	form_get(fm, "address", r->address, sizeof r->address);
	form_get(fm, "id_number", r->id_number, sizeof r->id_number);
	form_get(fm, "phone", r->phone, sizeof r->phone);
	form_get(fm, "case_number", r->case_number, sizeof r->case_number);
	i = form_choice_of(fm, "reason");
	if (i >= 0)
		snprintf(r->reason, sizeof r->reason, "%s", intake_reason_keys[i]);
	form_get(fm, "cause", r->cause, sizeof r->cause);
	r->serious = form_choice_of(fm, "serious") == 1;
	form_get(fm, "officer1", r->officer1, sizeof r->officer1);
	form_get(fm, "officer2", r->officer2, sizeof r->officer2);
	form_get(fm, "band", r->band, sizeof r->band);
	i = form_choice_of(fm, "doc_type");
	snprintf(r->doc_type, sizeof r->doc_type, "%s", idcard_doc_keys[i >= 0 ? i : 0]);
	form_get(fm, "nationality", r->nationality, sizeof r->nationality);
	form_get(fm, "name_en", r->name_en, sizeof r->name_en);
	form_get(fm, "pass_number", r->pass_number, sizeof r->pass_number);
	form_get(fm, "doc_issues", r->doc_issues, sizeof r->doc_issues);
	form_get(fm, "doc_note", r->doc_note, sizeof r->doc_note);
	form_get(fm, "entry_ts", buf, sizeof buf);
	if (buf[0] && when_parse(buf, &r->entry_ts) != 0)
		r->entry_ts = -1;
}

static void
register_save(struct form_screen *fs, struct console *c)
{
	char visit[UUID_LEN + 1];
	struct intake in = form_screen_in(fs, c);
	struct registration r;
	struct intake_error e;

	read_form(&fs->fm, &r);
	if (form_overflowed(&fs->fm) != NULL)
		return;	/* the field says what did not fit; nothing is saved cut */
	if (r.entry_ts < 0) {
		form_error(&fs->fm, "entry_ts", _("write it as YYYY-MM-DD HH:MM"));
		return;
	}
	if (r.sex == '\0') {
		form_error(&fs->fm, "sex", _("required"));
		return;
	}
	if (intake_register(&in, &r, visit, &e) != CST_OK) {
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	console_dock_band(c, r.band, visit);
	console_close(c, &fs->base);
	console_push(c, screen_visit_new(c, visit));
	console_push(c, screen_sign_new(c, visit, DOC_REGISTRATION, "person", r.name));
	screen_done(c, &e, _("%s is registered. The person reads and signs the form."),
	    r.name);
}

/* "YYYYMMDD" from the card as the form writes dates, "YYYY-MM-DD". */
static void
card_date(const char *ymd, char out[11])
{
	if (strlen(ymd) == 8)
		snprintf(out, 11, "%.4s-%.2s-%.2s", ymd, ymd + 4, ymd + 6);
	else
		out[0] = '\0';
}

/* The card's fields into the form; what the clerk typed before is replaced. */
static void
fill_from_card(struct form_screen *fs, struct console *c, const struct dev_idcard *card)
{
	struct ui_form *fm = &fs->fm;
	char date[11], case_no[IN_SHORT_MAX + 1];
	int e = ethnic_find(card->ethnicity);

	form_set(fm, "name", card->name[0] ? card->name : card->name_en);
	if (strcmp(card->sex, "1") == 0 || strcmp(card->sex, "2") == 0)
		form_set_choice(fm, "sex", card->sex[0] == '1' ? 0 : 1);
	if (e >= 0)
		form_set_choice(fm, "ethnicity", e);
	form_set(fm, "id_number", card->id_number);
	card_date(card->birth, date);
	form_set(fm, "birth_date", date);
	form_set(fm, "address", card->address);
	/* The card's type and what its layout carries (drivers/idreader.c). */
	form_set_choice(fm, "doc_type", idcard_doc_of_card(card->type) >= 0 ?
	    idcard_doc_of_card(card->type) : 0);
	form_set(fm, "nationality", card->nationality);
	form_set(fm, "name_en", card->name_en);
	form_set(fm, "pass_number", card->pass_number);
	form_set(fm, "doc_issues", card->issues);
	card_date(card->valid_to, date);	/* a date as dates are written; 长期 as it is */
	if (form_get(fm, "case_number", case_no, sizeof case_no)[0] == '\0')
		form_focus(fm, "case_number");	/* the card filled the person: the case is next */
	console_say(c, UI_OK, _("Read from the ID card of %s (valid until %s). Check the "
	    "fields, fill in the case, then F2."), card->name, date[0] ? date : card->valid_to);
}

/* The count on the document: times issued, on a 2023 foreign card times renewed. */
static void
register_relabel(struct form_screen *fs)
{
	form_field(&fs->fm, "doc_issues")->label =
	    idcard_issues_label(form_choice_of(&fs->fm, "doc_type"));
}

static int
register_device(struct form_screen *fs, struct console *c, int dev,
    const struct dev_event *ev)
{
	struct visit v;
	struct errmsg em;
	char field[IDS_FIELD_MAX + 1];

	(void)dev;
	if (ev->kind == DEV_IDCARD) {
		fill_from_card(fs, c, ev->idcard);
		return 1;
	}
	if (ev->kind != DEV_TAP && !(ev->kind == DEV_DOCK && ev->dock.what == DOCK_PRESENT))
		return 0;	/* a band tapped on a reader, or put in the dock */
	err_clear(&em);
	if (visit_by_band(c->t->journal, ev->id, &v, &em) == CST_OK) {
		console_say(c, UI_ERROR, _("Band %s is already worn by %s; take another band."),
		    ev->id, v.name);
		return 1;
	}
	ids_band_field(ev->id, field);	/* all digits: with colons, never a printed number */
	form_set(&fs->fm, "band", field);
	console_say(c, UI_OK, _("Band %s read; F2 binds it with the registration."), ev->id);
	return 1;
}

struct screen *
screen_register_new(struct console *c)
{
	struct form_screen *fs = form_screen_new(c, sizeof *fs, NULL, _("Entry registration"),
	    _("Every field but phone and band is required; the birth date may stay empty, it "
	    "comes from the ID number (GB 11643, 18 characters, check digit verified). The sex "
	    "and the birth date must match the number. Ethnicity: type part of the name, or "
	    "Left/Right. A band id typed here or tapped on the reader binds the wristband. "
	    "F2 saves; then the person signs the registration form."));
	struct ui_form *fm = &fs->fm;
	char now[WHEN_ISO_MAX];
	static const char *const sex_keys[2] = { N_("male"), N_("female") };
	static const char *const yn[2] = { N_("no"), N_("yes") };

	fs->save = register_save;
	fs->device = register_device;
	fs->relabel = register_relabel;
	form_text(fm, "name", _("Name"), 32, IN_NAME_MAX);
	form_choice(fm, "sex", _("Sex"), form_screen_labels(sex_keys, 2, sexes), 2);
	form_choice(fm, "ethnicity", _("Ethnicity"),
	    form_screen_labels(ethnic_names, ETHNIC_COUNT, ethnics), ETHNIC_COUNT)->hint =
	    _("type to pick");
	form_text(fm, "id_number", _("ID number"), 18, 30)->allowed =
	    "0123456789xXABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz-";
	form_text(fm, "birth_date", _("Birth date"), 10, 10)->hint = _("from the ID number");
	form_field(fm, "birth_date")->allowed = "0123456789-";
	form_text(fm, "address", _("Address"), 100, IN_TEXT_MAX);
	form_text(fm, "phone", _("Phone"), 20, 20)->allowed = "0123456789+- ";
	form_text(fm, "case_number", _("Case number"), IN_SHORT_MAX, IN_SHORT_MAX)->allowed =
	    CODE_CHARS;
	form_choice(fm, "reason", _("Reason"),
	    form_screen_labels(intake_reason_labels, 3, reasons), 3);
	form_text(fm, "cause", _("Cause"), 40, IN_CAUSE_MAX)->hint = _("e.g. suspected theft");
	form_choice(fm, "serious", _("24 h case"), form_screen_labels(yn, 2, yes_no), 2);
	form_set_choice(fm, "serious", 0);
	officer_pick_field(fm, c, "officer1", _("Officer 1"));
	officer_pick_field(fm, c, "officer2", _("Officer 2"));
	form_text(fm, "entry_ts", _("Entry time"), 16, 16)->allowed = "0123456789-: ";
	when_format_minute(clock_now_ms(), now);
	form_set(fm, "entry_ts", now);
	form_text(fm, "band", _("Band"), IN_SHORT_MAX, IN_SHORT_MAX)->allowed = CODE_CHARS;
	form_field(fm, "band")->hint = _("type or tap");
	/* The document (issue 16): last, so the fields a clerk knows keep their places. */
	form_choice(fm, "doc_type", _("Document"),
	    form_screen_labels(idcard_doc_labels, IDDOC_COUNT, docs), IDDOC_COUNT);
	form_set_choice(fm, "doc_type", IDDOC_RESIDENT);
	form_text(fm, "nationality", _("Nationality"), 3, 3)->allowed =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	form_field(fm, "nationality")->hint = _("CHN, USA, CAN...");
	form_text(fm, "name_en", _("English name"), 40, IN_NAME_MAX);
	form_text(fm, "pass_number", _("Pass number"), 12, 12)->allowed = CODE_CHARS;
	form_text(fm, "doc_issues", _("Times issued"), 2, 2)->allowed = "0123456789";
	form_text(fm, "doc_note", _("Why no document"), 60, IN_TEXT_MAX);
	form_screen_draft(fs, c, "register", "");
	return &fs->base;
}
