/* Event kinds in words (kinds.h). */
#include "kinds.h"

#include <string.h>

#include "i18n.h"

static const struct {
	const char *kind, *label;
} kinds[] = {
	{ "terminal.created", N_("terminal created") },
	{ "operator.added", N_("operator added") },
	{ "officer.added", N_("officer added") },
	{ "login.succeeded", N_("login") },
	{ "login.failed", N_("failed login") },
	{ "person.registered", N_("entry registration") },
	{ "band.bound", N_("wristband bound") },
	{ "band.unbound", N_("wristband unbound") },
	{ "search.recorded", N_("body search") },
	{ "belongings.logged", N_("belongings logged") },
	{ "belongings.returned", N_("belongings returned") },
	{ "collection.recorded", N_("information collection") },
	{ "fingerprint.enrolled", N_("fingerprint captured") },
	{ "room.entered", N_("into a room") },
	{ "room.left", N_("out of a room") },
	{ "temp_exit.started", N_("temporary exit") },
	{ "temp_exit.returned", N_("return from a temporary exit") },
	{ "exit.completed", N_("exit") },
	{ "override.granted", N_("supervisor's override") },
	{ "signature.made", N_("signature") },
	{ "record.corrected", N_("record corrected") },
	{ "location.created", N_("property location created") },
	{ "item.registered", N_("property item registered") },
	{ "item.tagged", N_("property tag bound") },
	{ "item.stored", N_("property stored") },
	{ "item.moved", N_("property moved") },
	{ "item.checked_out", N_("property checked out") },
	{ "item.returned", N_("property returned to storage") },
	{ "item.transferred", N_("property transferred") },
	{ "item.released", N_("property returned to its owner") },
	{ "disposal.approved", N_("disposal approved") },
	{ "item.disposed", N_("property disposed of") },
	{ "inventory.completed", N_("inventory") },
	{ "alert.raised", N_("alert raised") },
	{ "alert.cleared", N_("alert cleared") },
	{ "alert.acknowledged", N_("alert acknowledged") },
	{ "item.recoded", N_("property item given a new code") },
	{ "conflict.detected", N_("conflict detected") },
	{ "conflict.resolved", N_("conflict resolved") },
	{ "sync.log_refused", N_("ledger's log refused") },
	{ "sync.log_trusted", N_("ledger's log trusted again") },
};

const char *
kind_label(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return _(kinds[i].label);
	return kind;
}
