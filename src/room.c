/* The rooms of a case-handling center a terminal can stand in (room.h). */
#include "room.h"

#include <string.h>

#include "i18n.h"

static const char *const room_keys[] = { "intake", "search", "belongings", "collection",
    "waiting", "interrogation", "exit", "property", "supervision" };
#define NROOMS (sizeof room_keys / sizeof room_keys[0])

const char *
room_list(void)
{
	return "intake, search, belongings, collection, waiting, interrogation, exit, property, "
	    "supervision";
}

int
room_valid(const char *key)
{
	size_t i;

	for (i = 0; i < NROOMS; i++)
		if (strcmp(room_keys[i], key) == 0)
			return 1;
	return 0;
}

const char *
room_label(const char *key)
{
	if (strcmp(key, "intake") == 0)
		return _("entry registration room");
	if (strcmp(key, "search") == 0)
		return _("body search room");
	if (strcmp(key, "belongings") == 0)
		return _("belongings room");
	if (strcmp(key, "collection") == 0)
		return _("collection room");
	if (strcmp(key, "waiting") == 0)
		return _("waiting room");
	if (strcmp(key, "interrogation") == 0)
		return _("interrogation room");
	if (strcmp(key, "exit") == 0)
		return _("exit review");
	if (strcmp(key, "property") == 0)
		return _("property room");
	if (strcmp(key, "supervision") == 0)
		return _("supervision");
	return key;
}
