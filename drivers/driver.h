/*
 * What every device driver gives the console: parsed events from the bytes of a serial line,
 * and counts of what it dropped. A parser is fed whatever bytes arrived (any split), never
 * blocks, never trusts a length field, and resynchronises on the next frame header after
 * garbage, a bad checksum or a half frame. See docs/devices.md.
 */
#ifndef CUSTODY_DRIVER_H
#define CUSTODY_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define DEV_ID_MAX 32		/* bytes of a tag or band id in hex, with the NUL */

enum dev_event_kind {
	DEV_TAP,		/* a card, band or tag was presented: id */
	DEV_EVENT_KINDS
};

struct dev_event {
	enum dev_event_kind kind;
	int64_t ts;		/* ms, when its last byte arrived */
	char id[DEV_ID_MAX];	/* upper-case hex */
};

struct dev_stats {
	uint64_t frames;	/* good frames */
	uint64_t bad_checksum;	/* complete frames whose check failed */
	uint64_t bad_frame;	/* frames cut short or malformed */
	uint64_t garbage;	/* bytes outside any frame */
	uint64_t folded;	/* repeated reads folded into one tap */
};

typedef void dev_emit_fn(void *arg, const struct dev_event *ev);

#endif
