/*
 * The wristband dock and positioning gateway, our own protocol (docs/dock-protocol.md), 115200
 * 8N1.  Every frame is A5 5A, version, type, seq, length, a header check (CRC-8, version 2),
 * up to 240 bytes of payload and a CRC-16/CCITT-FALSE; each side ACKs every frame but ACK/NAK,
 * retransmits its own until ACKed, and applies a repeated seq only once.  dock-frame.c has the framing and the message codecs
 * (shared with the simulator and tests), dock.c the driver.
 */
#ifndef CUSTODY_DOCK_H
#define CUSTODY_DOCK_H

#include "driver.h"

#define DOCK_SOF1 0xA5
#define DOCK_SOF2 0x5A
#define DOCK_VERSION 2		/* the frame format we write; in every frame */
#define DOCK_VERSION_1 1	/* the format of docks in the field before the header check */
#define DOCK_REVISION 0		/* the message set's minor revision, in the hellos */
#define DOCK_HEADER 7		/* SOF1 SOF2 VER TYPE SEQ LEN HCS */
#define DOCK_HEADER_V1 6	/* SOF1 SOF2 VER TYPE SEQ LEN */
#define DOCK_PAYLOAD_MAX 240
#define DOCK_FRAME_MAX (DOCK_HEADER + DOCK_PAYLOAD_MAX + 2)
#define DOCK_BAND_ID_MAX 16	/* bytes of a band or badge id */
#define DOCK_NAME_MAX 32	/* bytes of a dock id or a firmware version */
#define DOCK_VISIT_MAX 39	/* bytes of a visit id */
#define DOCK_SAMPLES_MAX 25	/* telemetry samples in one frame: (240 - 7) / 9 */

#define DOCK_ACK_MS 250		/* a frame not ACKed by then is sent again */
#define DOCK_RETRIES 3		/* ... this many times, then given up */
#define DOCK_RESULT_MS 2000	/* a command ACKed but not answered by then has failed */
#define DOCK_GAP_MS 50		/* a silence this long inside a frame ends it as half a frame */
#define DOCK_HEARTBEAT_MS 5000
#define DOCK_SILENCE_MS 15000	/* no frame from the dock for this long is a fault */
#define DOCK_LOCATE_S 10	/* how long a located band blinks */


enum dock_type {
	DOCK_T_ACK = 0x01,
	DOCK_T_NAK = 0x02,
	DOCK_T_HELLO = 0x10,		/* dock -> host */
	DOCK_T_HEARTBEAT = 0x11,
	DOCK_T_PRESENT = 0x12,
	DOCK_T_REMOVED = 0x13,
	DOCK_T_TELEMETRY = 0x14,
	DOCK_T_RESULT = 0x15,
	DOCK_T_HOST_HELLO = 0x20,	/* host -> dock */
	DOCK_T_BIND = 0x21,
	DOCK_T_UNBIND = 0x22,
	DOCK_T_LOCATE = 0x23
};

enum dock_nak {
	DOCK_NAK_CRC = 1,		/* send it again */
	DOCK_NAK_MALFORMED = 2,		/* the payload does not decode: do not send it again */
	DOCK_NAK_TYPE = 3		/* a type this side does not take */
};

/* RESULT reasons; those from 0x80 are made by the host's driver, never sent. */
enum dock_reason {
	DOCK_R_OK = 0,
	DOCK_R_NO_BAND = 1,		/* no band in that slot */
	DOCK_R_UNKNOWN_BAND = 2,	/* no such band at this dock */
	DOCK_R_BAD_SLOT = 3,
	DOCK_R_BOUND = 4,		/* the band is bound to another visit */
	DOCK_R_NOT_BOUND = 5,
	DOCK_R_BUSY = 6,
	DOCK_R_TIMEOUT = 0x80,		/* the dock did not ACK or answer in time */
	DOCK_R_LINK = 0x81,		/* the line was reopened before the answer */
	DOCK_R_NAKED = 0x82		/* the dock could not decode the command */
};

/* A frame as read; payload points into the parser's buffer, valid during the callback. */
struct dock_frame {
	uint8_t ver, type, seq, len;
	const uint8_t *payload;
};

/*
 * good is 1 for a frame whose CRC matched, 0 for a frame that was complete but whose CRC did
 * not (its fields are as read, untrusted: the receiver NAKs it).
 */
typedef void dock_frame_fn(void *arg, const struct dock_frame *f, int good);

/* The versions a parser reads: bit v for version v; 0 reads version 2 only. */
#define DOCK_READ_V1 (1u << DOCK_VERSION_1)
#define DOCK_READ_V2 (1u << DOCK_VERSION)

struct dock_parser {
	uint8_t buf[DOCK_FRAME_MAX];
	size_t len;
	int64_t last_byte;
	unsigned versions;		/* DOCK_READ_V1 | DOCK_READ_V2; 0: DOCK_READ_V2 */
};

uint16_t dock_crc16(const uint8_t *p, size_t n);
/* CRC-8/SMBUS (poly 0x07, init 0): the header check of VER TYPE SEQ LEN. */
uint8_t dock_crc8(const uint8_t *p, size_t n);
/* Writes a whole frame to out; returns its length, or 0 when len is over DOCK_PAYLOAD_MAX. */
size_t dock_encode_frame(uint8_t type, uint8_t seq, const uint8_t *payload, size_t len,
    uint8_t out[DOCK_FRAME_MAX]);
/* The same in version ver (DOCK_VERSION_1 for a dock of the field; 0 if ver is unknown). */
size_t dock_encode_frame_v(uint8_t ver, uint8_t type, uint8_t seq, const uint8_t *payload,
    size_t len, uint8_t out[DOCK_FRAME_MAX]);
/* The header length of a version's frames: 6 or 7. */
size_t dock_header_len(uint8_t ver);

void dock_parser_reset(struct dock_parser *p);
/* Feeds bytes split anywhere; fn for each complete frame; counts drops in st. */
void dock_parse(struct dock_parser *p, struct dev_stats *st, const uint8_t *bytes, size_t n,
    int64_t now, dock_frame_fn *fn, void *arg);
/* When the frame being read will have timed out as a half frame, or -1. */
int64_t dock_parser_due(const struct dock_parser *p);
/* Drops a half frame the line went quiet in, then reads what followed it. */
void dock_parser_tick(struct dock_parser *p, struct dev_stats *st, int64_t now, dock_frame_fn *fn,
    void *arg);

/* The messages.  Each _put writes a payload and returns its length (0: does not fit). */
struct dock_hello {
	uint8_t revision, slots;
	uint16_t session;		/* changes at every boot of the dock */
	char dock_id[DOCK_NAME_MAX + 1];
	char firmware[DOCK_NAME_MAX + 1];
};

struct dock_band {			/* PRESENT, REMOVED */
	uint8_t slot;			/* 1..slots */
	uint8_t battery;		/* percent, 0xFF unknown (PRESENT only) */
	uint8_t id_len;
	uint8_t id[DOCK_BAND_ID_MAX];
};

struct dock_sample {
	uint8_t id_len;
	uint8_t id[DOCK_BAND_ID_MAX];
	uint16_t zone;			/* 0xFFFF unknown */
	uint8_t heart_rate;		/* 0 not measured */
	uint8_t battery;		/* 0xFF unknown */
	uint8_t flags;			/* DOCK_SOS, DOCK_STRAP_OPEN, DOCK_BADGE */
	uint16_t dt;			/* ms after the batch's base time */
};

struct dock_telemetry {
	int64_t base_ms;		/* ms since 1970, 48 bits; 0: the gateway has no clock */
	int n;
	struct dock_sample s[DOCK_SAMPLES_MAX];
};

struct dock_result {
	uint8_t cmd_seq, command;	/* the seq and type of the command answered */
	uint8_t status;			/* 0 done, 1 refused */
	uint8_t reason;			/* enum dock_reason */
	uint8_t slot;			/* 0 when none */
	uint8_t id_len;
	uint8_t id[DOCK_BAND_ID_MAX];
};

struct dock_command {			/* BIND, UNBIND, LOCATE */
	uint8_t slot;			/* 1..slots, 0: by id */
	uint8_t id_len;			/* 0: the band in slot */
	uint8_t id[DOCK_BAND_ID_MAX];
	uint8_t visit_len;		/* BIND only */
	char visit[DOCK_VISIT_MAX + 1];
	uint8_t seconds;		/* LOCATE only */
};

size_t dock_hello_put(const struct dock_hello *m, uint8_t *out);
int dock_hello_get(const uint8_t *p, size_t n, struct dock_hello *m);
size_t dock_heartbeat_put(uint32_t uptime_s, uint8_t *out);
int dock_heartbeat_get(const uint8_t *p, size_t n, uint32_t *uptime_s);
size_t dock_band_put(uint8_t type, const struct dock_band *m, uint8_t *out);
int dock_band_get(uint8_t type, const uint8_t *p, size_t n, struct dock_band *m);
/* Samples are appended one at a time: the base time and count first (7 bytes), then each. */
size_t dock_telemetry_put(const struct dock_telemetry *m, uint8_t *out);
int dock_telemetry_get(const uint8_t *p, size_t n, struct dock_telemetry *m);
size_t dock_sample_size(const struct dock_sample *s);
size_t dock_result_put(const struct dock_result *m, uint8_t *out);
int dock_result_get(const uint8_t *p, size_t n, struct dock_result *m);
size_t dock_command_put(uint8_t type, const struct dock_command *m, uint8_t *out);
int dock_command_get(uint8_t type, const uint8_t *p, size_t n, struct dock_command *m);

/* The events of a HELLO (DEV_INFO, DOCK_HELLO) and of a TELEMETRY (one per sample). */
void dock_event_init(struct dev_event *ev, int64_t now, enum dev_dock_what what);
void dock_emit_hello(const struct dev_io *io, int64_t now, uint8_t ver, const struct dock_hello *h);
void dock_emit_telemetry(const struct dev_io *io, int64_t now, const struct dock_telemetry *m);

/* Upper-case hex of a band id (2 * n + 1 bytes); hex to bytes (0, or -1 if not 2..32 digits). */
void dock_id_hex(const uint8_t *id, size_t n, char *out);
int dock_id_parse(const char *hex, uint8_t id[DOCK_BAND_ID_MAX], uint8_t *n);

#define DOCK_TX_MAX 4		/* frames the driver holds: sent, waiting or awaiting a result */

struct dock_tx {
	int used, sent, acked;
	uint8_t seq, type;
	int tries;			/* transmissions so far */
	int64_t due;			/* retransmission, or the result's deadline once ACKed */
	int slot;
	char id[DEV_ID_MAX];
	size_t len;
	uint8_t frame[DOCK_FRAME_MAX];
};

/* What the host knows of one slot, so that the dock's announcing again is not news. */
struct dock_slot {
	uint8_t known;			/* 0 unknown, 1 empty, 2 holds id */
	uint8_t id_len;
	uint8_t id[DOCK_BAND_ID_MAX];
};

struct dock {
	struct dock_parser parser;
	struct dev_stats stats;
	uint8_t ver;			/* the version we write: 2, or 1 for a dock of the field */
	struct dock_tx tx[DOCK_TX_MAX];	/* in the order they were queued */
	uint8_t next_seq;
	int rx_seq;			/* the dock's last applied seq, -1 none */
	int have_session;
	uint16_t session;
	int slots_session;		/* 1 + the session slot[] was learnt in, 0 none */
	struct dock_slot slot[256];	/* 1..255 */
	int64_t last_rx;		/* the dock's last good frame */
	int silence_told;
	int flushing;
	size_t out_len;
	uint8_t out[4 * DOCK_FRAME_MAX];	/* written when the handler returns */
	int64_t now;
	const struct dev_io *io;
};

extern const struct dev_driver dock_driver;

#endif
