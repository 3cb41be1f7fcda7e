/* Zones: numbers to rooms, read from the configuration. */
#include "zones.h"

#include <stdio.h>

#include "i18n.h"

static const char *const kind_labels[ZONE_KINDS] = {
	N_("entry registration"), N_("body search"), N_("belongings custody"),
	N_("information collection"), N_("waiting room"), N_("interrogation room"),
	N_("exit review"), N_("corridor")
};

const struct config_zone *
zones_find(const struct config *c, int n)
{
	int i;

	/* A few dozen zones: a scan is cheaper than keeping an index in step with the file. */
	for (i = 0; i < c->nzones; i++)
		if (c->zones[i].number == n)
			return &c->zones[i];
	return NULL;
}

const char *
zone_kind_key(int kind)
{
	return kind >= 0 && kind < ZONE_KINDS ? config_zone_kinds[kind] : "corridor";
}

const char *
zone_kind_label(int kind)
{
	return kind >= 0 && kind < ZONE_KINDS ? _(kind_labels[kind]) : "?";
}

const char *
zone_name(const struct config_zone *z, char *buf, size_t size)
{
	if (z->name[0] != '\0')
		snprintf(buf, size, "%s", z->name);
	else
		snprintf(buf, size, _("zone %d"), z->number);
	return buf;
}
