/* The rules of the loop: a table of prerequisites per action, and hard conditions. */
#include "stage.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "i18n.h"

static const char *const action_keys[ACT_COUNT] = {
	"search", "belongings", "collect", "wait", "interrogate", "temp_exit", "temp_return",
	"exit"
};

const char *
action_key(enum action a)
{
	return (unsigned)a < ACT_COUNT ? action_keys[a] : NULL;
}

int
action_from_key(const char *key, enum action *out)
{
	int i;

	for (i = 0; i < ACT_COUNT; i++)
		if (strcmp(action_keys[i], key) == 0) {
			*out = (enum action)i;
			return 0;
		}
	return -1;
}

const char *
action_label(enum action a)
{
	switch (a) {
	case ACT_SEARCH:	return _("body search");
	case ACT_BELONGINGS:	return _("belongings custody");
	case ACT_COLLECT:	return _("information collection");
	case ACT_WAIT:		return _("waiting room");
	case ACT_INTERROGATE:	return _("interrogation");
	case ACT_TEMP_EXIT:	return _("temporary exit");
	case ACT_TEMP_RETURN:	return _("return from temporary exit");
	case ACT_EXIT:		return _("exit");
	default:		return "?";
	}
}

const char *
stage_label(enum stage s)
{
	switch (s) {
	case STAGE_REGISTERED:		return _("registered");
	case STAGE_SEARCHED:		return _("searched");
	case STAGE_BELONGINGS:		return _("belongings logged");
	case STAGE_COLLECTED:		return _("collected");
	case STAGE_WAITING:		return _("waiting");
	case STAGE_INTERROGATION:	return _("interrogation");
	case STAGE_EXITED:		return _("exited");
	}
	return "?";
}

static int
refuse(char *why, size_t n, const char *text)
{
	snprintf(why, n, "%s", text);
	return CST_ERR_ARG;
}

/* Conditions no override lifts. */
static int
hard_conditions(const struct stage_facts *f, enum action a, char *why, size_t n)
{
	if (f->stage == STAGE_EXITED)
		return refuse(why, n, _("this person has already left the area"));
	if (a == ACT_TEMP_RETURN)
		return f->temp_out ? CST_OK :
		    refuse(why, n, _("no temporary exit is open"));
	if (f->temp_out)
		return refuse(why, n, _("a temporary exit is open: record the return first"));
	if (a == ACT_EXIT && f->items_held)
		return refuse(why, n, _("belongings are still held: return them or move them to "
		    "case property first"));
	if (a == ACT_EXIT && f->band_bound)
		return refuse(why, n, _("the wristband is still bound: dock and unbind it first"));
	return CST_OK;
}

/* The steps that must come before an action, in the order of the loop. */
static int
prerequisites(const struct stage_facts *f, enum action a, char *why, size_t n)
{
	int need_search = a == ACT_BELONGINGS || a == ACT_COLLECT || a == ACT_WAIT ||
	    a == ACT_INTERROGATE || a == ACT_EXIT || a == ACT_TEMP_EXIT;
	int need_belongings = a == ACT_COLLECT || a == ACT_WAIT || a == ACT_INTERROGATE ||
	    a == ACT_EXIT;
	int need_collection = a == ACT_WAIT || a == ACT_INTERROGATE || a == ACT_EXIT;

	if (need_search && !f->searched)
		return refuse(why, n, _("the body search has not been recorded"));
	if (need_belongings && !f->belongings)
		return refuse(why, n, _("the belongings have not been logged"));
	if (need_collection && !f->collected)
		return refuse(why, n, _("information collection is not complete"));
	return CST_OK;
}

int
stage_check(const struct stage_facts *f, enum action a, int *needs_override, char *why,
    size_t whylen)
{
	int status;

	*needs_override = 0;
	if ((status = hard_conditions(f, a, why, whylen)) != CST_OK || a == ACT_TEMP_RETURN)
		return status;
	status = prerequisites(f, a, why, whylen);
	if (status != CST_OK && f->override)
		return CST_OK;
	*needs_override = status != CST_OK;
	return status;
}

enum stage
stage_after(enum stage now, enum action a, int collected_now)
{
	enum stage next = now;

	switch (a) {
	case ACT_SEARCH:
		next = STAGE_SEARCHED;
		break;
	case ACT_BELONGINGS:
		next = STAGE_BELONGINGS;
		break;
	case ACT_COLLECT:
		next = collected_now ? STAGE_COLLECTED : now;
		break;
	case ACT_WAIT:
		return STAGE_WAITING;
	case ACT_INTERROGATE:
		return STAGE_INTERROGATION;
	case ACT_EXIT:
		return STAGE_EXITED;
	default:
		return now;
	}
	/* Steps move forward only: a search recorded again after interrogation changes nothing. */
	return next > now ? next : now;
}
