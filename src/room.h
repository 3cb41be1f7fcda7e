/*
 * The rooms a terminal stands in (custody init --room, custody run --room): keys in events
 * and configuration, and their translated names.
 */
#ifndef CUSTODY_ROOM_H
#define CUSTODY_ROOM_H

int room_valid(const char *key);
const char *room_label(const char *key);
/* "intake, search, …, supervision": every key, for messages. */
const char *room_list(void);

#endif
