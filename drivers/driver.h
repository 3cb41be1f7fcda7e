/*
 * What every device driver gives the console: parsed events from the bytes of a serial line,
 * requests the console can make of the device, and counts of what was dropped.  A parser is fed
 * whatever bytes arrived (any split), never blocks, never trusts a length field, and
 * resynchronises on the next frame header after garbage, a bad checksum or a half frame.
 * A driver does no I/O of its own: bytes go out through dev_io.write and events through
 * dev_io.emit; the serial layer (serial.c, devices.c) owns the line.  See docs/devices.md.
 */
#ifndef CUSTODY_DRIVER_H
#define CUSTODY_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#define DEV_ID_MAX 68		/* a band, card or tag id in upper-case hex (up to 33 bytes), NUL */
#define DEV_TEXT_MAX 96		/* a device's own description (firmware version...), UTF-8 */

enum dev_event_kind {
	DEV_INFO,		/* the device identified itself: text (model, firmware) */
	DEV_TAP,		/* a band or card was presented to a reader: id */
	DEV_TAG,		/* a UHF tag was read: id (EPC), tag */
	DEV_FINGER,		/* a fingerprint step or result: finger */
	DEV_IDCARD,		/* an ID card (of any type) was read: idcard */
	DEV_DOCK,		/* a wristband dock or gateway message: dock */
	DEV_ERROR,		/* the device answered a request with an error: text, code */
	DEV_SETTING,		/* a device's setting read or set: setting */
	DEV_EVENT_KINDS
};

struct dev_tag {
	int rssi;		/* dBm as reported (negative), or 0 when not reported */
	uint16_t pc;		/* protocol control word */
	uint16_t crc;		/* the tag's CRC-16 as reported */
	uint8_t antenna;	/* 0 when not reported */
};

/* A setting's answer: the command it answers (the device's code) and the value read, or the
 * device's status for a set (0 success).  In a DEV_ERROR about a setting, cmd is the setting's
 * command and refused says why it ended: 1 the device refused it (code is its error code),
 * 0 it was not answered; cmd 0 is an error about no setting. */
struct dev_setting {
	int cmd;
	int value;
	int refused;
};

enum dev_finger_what {
	FP_PLACE,		/* put the finger on the sensor (press number in press) */
	FP_LIFT,		/* lift the finger */
	FP_ENROLLED,		/* enrolment done: page, quality, tpl */
	FP_FOUND,		/* 1:N search matched: page, score */
	FP_NOT_FOUND,		/* 1:N search: no match */
	FP_MATCH,		/* 1:1 against a given template: score */
	FP_NO_MATCH,		/* 1:1: no match (score) */
	FP_FAILED,		/* the operation failed: code is the module's confirmation code */
	FP_COUNT		/* TemplateNum answered: count */
};

struct dev_finger {
	enum dev_finger_what what;
	int press;		/* 1 or 2 during enrolment */
	int page;		/* template slot in the module's library */
	int score;		/* match score from the module */
	int quality;		/* 0..100, the driver's estimate for an enrolment */
	int count;		/* templates in the library */
	uint8_t code;		/* confirmation code (FP_FAILED) */
	const uint8_t *tpl;	/* the uploaded template (FP_ENROLLED), valid during the callback */
	size_t tpl_len;
};

/* Text fields are UTF-8, NUL-terminated, decoded from the card's UCS-2. */
struct dev_idcard {
	char name[64];		/* 15 UCS-2 characters at most on the card */
	char sex[4];		/* the card's code: "1" male, "2" female, "0"/"9" */
	char ethnicity[4];	/* two-digit code (GB 3304), "01" = 汉 */
	char birth[12];		/* YYYYMMDD */
	char address[224];	/* 35 UCS-2 characters */
	char id_number[20];	/* 18 characters */
	char authority[64];	/* 15 UCS-2 characters */
	char valid_from[12];	/* YYYYMMDD */
	char valid_to[12];	/* YYYYMMDD or 长期 */
	/*
	 * The card type (GA/T 490, bytes 248-249 of the text): ' ' a resident ID card, 'J' a
	 * residence permit of Hong Kong, Macao or Taiwan residents, 'I' a foreign permanent
	 * resident ID card of 2017, 'Y' one of 2023.  The fields below are "" where the type
	 * has none; name is the Chinese name (may be "" on 'I' and 'Y').
	 */
	char type;
	char name_en[192];	/* 'I': 60 characters; 'Y': 35 + 11 */
	char nationality[8];	/* 'I', 'Y': ISO 3166-1 alpha-3 (GB/T 2659) */
	char pass_number[24];	/* 'J': the travel permit's number, 9 characters */
	char issues[8];		/* 'J': times issued; 'Y': times renewed (two digits) */
	char version[8];	/* 'I': the card's version */
	char previous[12];	/* 'Y': the link to the number of a card of 2017 */
	char address_extra[224];	/* the latest additional address (30 03), "" for none */
	const uint8_t *photo;	/* the photo bytes as received (wlt), valid during the callback */
	size_t photo_len;
};

enum dev_dock_what {
	DOCK_HELLO,		/* dock id (text), slots, firmware (text) */
	DOCK_PRESENT,		/* a band sits in slot: id, battery */
	DOCK_REMOVED,		/* the band left slot: id */
	DOCK_TELEMETRY,		/* relayed from the gateway: id, zone, heart_rate, battery, flags */
	DOCK_DONE,		/* a command was carried out: command, id */
	DOCK_REFUSED		/* a command was refused: command, id, reason */
};

#define DOCK_SOS 0x01		/* telemetry flags */
#define DOCK_STRAP_OPEN 0x02
#define DOCK_BADGE 0x80		/* the sample is an officer's badge, not a person's band */

struct dev_dock {
	enum dev_dock_what what;
	int slot;
	int battery;		/* percent, -1 when unknown */
	int heart_rate;		/* beats per minute, 0 when not measured */
	int zone;		/* zone number of the gateway, -1 when unknown */
	unsigned flags;
	int command;		/* the command a DONE or REFUSED answers */
	int reason;
	char dock_id[DEV_ID_MAX];
	char firmware[DEV_ID_MAX];	/* DOCK_HELLO */
	int slots;
	int64_t band_ms;	/* band's own timestamp of a telemetry sample, 0 if none */
};

struct dev_event {
	enum dev_event_kind kind;
	int64_t ts;		/* ms, when its last byte arrived */
	char id[DEV_ID_MAX];	/* upper-case hex: band, card, tag; or a dock's band */
	char text[DEV_TEXT_MAX];
	int code;
	struct dev_tag tag;
	struct dev_finger finger;
	const struct dev_idcard *idcard;
	struct dev_dock dock;
	struct dev_setting setting;
};

struct dev_stats {
	uint64_t frames;	/* good frames */
	uint64_t bad_checksum;	/* complete frames whose check failed */
	uint64_t bad_frame;	/* frames cut short or malformed */
	uint64_t garbage;	/* bytes outside any frame */
	uint64_t folded;	/* repeated reads folded into one event */
	uint64_t timeouts;	/* requests the device did not answer in time */
};

typedef void dev_emit_fn(void *arg, const struct dev_event *ev);

/* What a driver may do to the world: queue bytes to the device, and emit events. */
struct dev_io {
	void (*write)(void *arg, const uint8_t *bytes, size_t n);
	dev_emit_fn *emit;
	void *arg;
};

enum dev_request_kind {
	DEV_RQ_FP_ENROLL,	/* two presses, merged, stored at page, template uploaded */
	DEV_RQ_FP_SEARCH,	/* one press, 1:N against the module's library */
	DEV_RQ_FP_MATCH,	/* one press, 1:1 against tpl (downloaded to the module) */
	DEV_RQ_FP_COUNT,	/* TemplateNum */
	DEV_RQ_FP_EMPTY,	/* empty the library */
	DEV_RQ_CANCEL,		/* abandon the request under way */
	DEV_RQ_UHF_START,	/* start continuous inventory */
	DEV_RQ_UHF_STOP,
	DEV_RQ_DOCK_BIND,	/* bind the band in slot (or id) to a visit */
	DEV_RQ_DOCK_UNBIND,
	DEV_RQ_DOCK_LOCATE,	/* make the band blink */
	DEV_RQ_UHF_GET_POWER,	/* transmit power, in 0.01 dBm (value) */
	DEV_RQ_UHF_SET_POWER,	/* value in 0.01 dBm; the module's power is read back */
	DEV_RQ_UHF_GET_REGION,
	DEV_RQ_UHF_SET_REGION,	/* value: the module's region code */
	DEV_RQ_UHF_GET_QUERY,	/* the Gen2 Query parameters, 16 bits */
	DEV_RQ_UHF_SET_QUERY,	/* value: the 16 bits */
	DEV_RQ_UHF_HOPPING,	/* value 1: automatic frequency hopping on, 0 off */
	DEV_REQUEST_KINDS
};

struct dev_request {
	enum dev_request_kind kind;
	int page;		/* fingerprint library slot */
	int slot;		/* dock slot, -1 for any */
	char id[DEV_ID_MAX];	/* band id */
	char visit[40];		/* visit id the band is bound to */
	const uint8_t *tpl;	/* DEV_RQ_FP_MATCH: the enrolled template */
	size_t tpl_len;
	int value;		/* a setting's value (DEV_RQ_UHF_SET_...) */
};

/*
 * A protocol: one per file.  The state is state_size bytes the caller allocates and zeroes.
 * start is called each time the line opens (after a reconnect too) and may write the
 * device's wake-up or configuration; tick is called when the time it last returned has come,
 * and after each feed and request (so it acts only on what is due) (it returns the next ms it wants, or -1 for none) and runs timeouts and polling; request
 * returns 0, or -1 when the device cannot do that (wrong kind) or is busy.
 */
struct dev_driver {
	const char *name;	/* as in custody.conf and custody-sim's links */
	int baud;		/* the device's usual line rate */
	size_t state_size;
	void (*start)(void *st, int64_t now, const struct dev_io *io);
	void (*feed)(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io);
	int64_t (*tick)(void *st, int64_t now, const struct dev_io *io);
	int (*request)(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io);
	const struct dev_stats *(*stats)(const void *st);
};

#endif
