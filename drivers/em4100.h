/*
 * 125 kHz EM4100 readers with ASCII output (RDM6300 / RDM630 style), 9600 8N1: each read is
 * 0x02, ten ASCII hex digits (one version or customer byte, four bytes of tag number), two
 * ASCII hex digits of the XOR of those five bytes, 0x03. A reader repeats the frame while a
 * tag stays in the field; repeats closer than the fold window make one tap.
 */
#ifndef CUSTODY_EM4100_H
#define CUSTODY_EM4100_H

#include "driver.h"

#define EM4100_FRAME 14
#define EM4100_FOLD_MS 600	/* repeats of one tag within this gap are one tap */

struct em4100 {
	uint8_t buf[EM4100_FRAME];
	size_t len;		/* bytes of the frame being read, 0 when outside one */
	char last_id[DEV_ID_MAX];
	int64_t last_ts;	/* when last_id was last read */
	struct dev_stats stats;
};

void em4100_init(struct em4100 *p);
/* Feeds n bytes that arrived at now_ms; emit is called for each new tap. */
void em4100_feed(struct em4100 *p, const uint8_t *bytes, size_t n, int64_t now_ms,
    dev_emit_fn *emit, void *arg);
/* The driver for the serial layer (name "em4100", 9600 baud; a reader takes no commands). */
extern const struct dev_driver em4100_driver;

/* The 14 bytes a reader sends for a 5-byte tag (for the simulator and tests). */
void em4100_encode(const uint8_t tag[5], uint8_t out[EM4100_FRAME]);

#endif
