/*
 * NXP PN532 13.56 MHz reader over its high-speed UART (HSU, 115200 8N1), per the PN532 User
 * Manual (UM0701-02).  Frames: normal 00 00 FF LEN LCS TFI PD.. DCS 00, extended
 * 00 00 FF FF FF LENM LENL LCS TFI PD.. DCS 00, ACK 00 00 FF 00 FF 00, NACK 00 00 FF FF 00 00,
 * error frame 00 00 FF 01 FF 7F 81 00.  The driver wakes the chip, configures it, then polls
 * InListPassiveTarget (ISO 14443A, 106 kbps) and turns each card UID into a tap.
 */
#ifndef CUSTODY_PN532_H
#define CUSTODY_PN532_H

#include "driver.h"

#define PN532_TFI_HOST 0xD4	/* host to PN532 */
#define PN532_TFI_CHIP 0xD5	/* PN532 to host */
#define PN532_TFI_ERROR 0x7F	/* the application-level error frame */

/* Command codes (UM0701-02 chapter 7; the answer's code is one more). */
#define PN532_CMD_DIAGNOSE 0x00
#define PN532_CMD_GET_FIRMWARE 0x02
#define PN532_CMD_GET_STATUS 0x04
#define PN532_CMD_READ_REGISTER 0x06
#define PN532_CMD_WRITE_REGISTER 0x08
#define PN532_CMD_SET_PARAMETERS 0x12
#define PN532_CMD_SAM_CONFIG 0x14
#define PN532_CMD_POWER_DOWN 0x16
#define PN532_CMD_RF_CONFIG 0x32
#define PN532_CMD_DATA_EXCHANGE 0x40
#define PN532_CMD_COMMUNICATE_THRU 0x42
#define PN532_CMD_DESELECT 0x44
#define PN532_CMD_LIST_TARGET 0x4A
#define PN532_CMD_RELEASE 0x52
#define PN532_CMD_SELECT 0x54
#define PN532_CMD_AUTO_POLL 0x60

/* Status byte of the In* commands (UM0701-02 section 7.1, error codes). */
#define PN532_ST_OK 0x00
#define PN532_ST_TIMEOUT 0x01	/* the target has not answered */
#define PN532_ST_MIFARE_AUTH 0x14	/* MIFARE authentication error */
#define PN532_ST_CONTEXT 0x27	/* command not acceptable in the current context */

#define PN532_BODY_MAX 265	/* TFI + 264 data bytes: the chip's frame buffer */
#define PN532_FRAME_MAX (8 + PN532_BODY_MAX + 2)	/* an extended frame, with room */
#define PN532_WAKEUP_LEN 16
#define PN532_UID_MAX 10	/* ISO 14443A: 4, 7 or 10 bytes */

#define PN532_GAP_MS 30		/* a frame silent this long mid-way is a half frame */
#define PN532_ACK_MS 50		/* wait this long for the ACK, then resend */
#define PN532_RESPONSE_MS 300	/* then this long for the response */
#define PN532_POLL_MS 150	/* one InListPassiveTarget every this often */
#define PN532_ABSENT_POLLS 2	/* a UID missing from this many polls has left */
#define PN532_RESTART_TRIES 3	/* this many timeouts in a row: configure again */

enum pn532_frame_kind {
	PN532_ACK,
	PN532_NACK,
	PN532_INFO,		/* an information frame (normal or extended): tfi, data */
	PN532_BAD		/* a whole frame whose data checksum failed */
};

struct pn532_frame {
	enum pn532_frame_kind kind;
	uint8_t tfi;
	const uint8_t *data;	/* after the TFI, valid during the callback */
	size_t len;
};

typedef void pn532_frame_fn(void *arg, const struct pn532_frame *f);

/* The frame reader both the driver and the simulated chip use: a window of unresolved bytes. */
struct pn532_parser {
	uint8_t buf[PN532_FRAME_MAX];
	size_t len;
	int64_t last;		/* when the last byte arrived */
	struct dev_stats stats;
};

void pn532_parser_init(struct pn532_parser *ps);
/* Feeds n bytes that arrived at now; fn gets each frame.  A frame left half-way for more than
 * PN532_GAP_MS is dropped first. */
void pn532_parser_feed(struct pn532_parser *ps, const uint8_t *bytes, size_t n, int64_t now,
    pn532_frame_fn *fn, void *arg);
/* Drops a half frame once PN532_GAP_MS have passed; returns when it next wants to, or -1. */
int64_t pn532_parser_tick(struct pn532_parser *ps, int64_t now, pn532_frame_fn *fn, void *arg);

/* Encoders for the simulator, the tests and the benchmark; each returns the frame's length,
 * or 0 when it does not fit in outsz or n is over the protocol's maximum. */
size_t pn532_encode_frame(uint8_t tfi, const uint8_t *data, size_t n, uint8_t *out,
    size_t outsz);
/* One ISO 14443A target's data as InListPassiveTarget and InAutoPoll give it: Tg 1, SENS_RES,
 * SEL_RES, NFCIDLength, NFCID1 (5 + uid_len bytes into d); 0 if uid_len is not 4, 7 or 10. */
size_t pn532_target_data(const uint8_t *uid, size_t uid_len, uint8_t *d);
/* The InListPassiveTarget answer (D5 4B) for one ISO 14443A card, or NbTg=0 if uid_len is 0. */
size_t pn532_encode_target(const uint8_t *uid, size_t uid_len, uint8_t *out, size_t outsz);

extern const uint8_t pn532_ack[6];
extern const uint8_t pn532_nack[6];
extern const uint8_t pn532_error[8];
extern const uint8_t pn532_wakeup[PN532_WAKEUP_LEN];

enum pn532_step { PN532_STEP_SAM, PN532_STEP_RF, PN532_STEP_FIRMWARE, PN532_STEP_POLL };
enum pn532_wait { PN532_IDLE, PN532_WAIT_ACK, PN532_WAIT_RESPONSE };

struct pn532 {
	struct pn532_parser ps;
	enum pn532_step step;	/* the command in flight, or the next one */
	enum pn532_wait wait;
	int64_t deadline;	/* of the ACK or response; the next poll when idle */
	int64_t sent;		/* when the command was first sent */
	uint8_t cmd[16];	/* the command frame in flight, for resends */
	size_t cmd_len;
	int tries;		/* timeouts in a row */
	int nacks;		/* NACKs sent for this response */
	char uid[DEV_ID_MAX];	/* the card in the field, "" when none */
	int misses;		/* polls in a row without it */
};

/* The driver for the serial layer: name "pn532", 115200 baud. */
extern const struct dev_driver pn532_driver;

#endif
