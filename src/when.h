/* Times as people write them: ISO 8601 in local time, to and from milliseconds. */
#ifndef CUSTODY_WHEN_H
#define CUSTODY_WHEN_H

#include <stddef.h>
#include <stdint.h>

#define WHEN_ISO_MAX 40

/* "2026-11-23T09:15:02.123+08:00" in local time. */
void when_format_iso(int64_t ms, char out[WHEN_ISO_MAX]);
/* "2026-11-23 09:15" in local time, for documents and screens ("" for 0). */
void when_format_minute(int64_t ms, char out[WHEN_ISO_MAX]);
/* "3 h 05 min" style duration, translated. */
void when_format_duration(int64_t ms, char *out, size_t size);

/*
 * Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" (also with a space for T),
 * as local time, or a plain number of milliseconds since the epoch. 0 on success.
 */
int when_parse(const char *s, int64_t *ms);

#endif
