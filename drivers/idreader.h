/*
 * Second-generation resident ID card readers built on the SAM_A module (GA 467-2013), 115200
 * 8N1.  Both directions use one framing: the preamble AA AA AA 96 69, a big-endian length
 * that counts everything after it (host: CMD PARA data CHK; reader: SW1 SW2 SW3 data CHK),
 * and CHK, the XOR of the length bytes and everything up to it.  The driver polls for a card
 * (find, select, read base information, additional address) and emits DEV_IDCARD, each card
 * type (GA/T 490) in its own layout.  See docs/devices.md.
 */
#ifndef CUSTODY_IDREADER_H
#define CUSTODY_IDREADER_H

#include "driver.h"

#define IDR_PREAMBLE 5
#define IDR_TEXT 256		/* the base information text, UCS-2 little-endian */
#define IDR_PHOTO 1024		/* the photo (wlt), as received */
#define IDR_SAMID 16		/* the SAM's management number, binary */
/* The largest length field of an answer: read base information (SW, two lengths, text, photo). */
#define IDR_BODY_MAX (3 + 4 + IDR_TEXT + IDR_PHOTO + 1)
#define IDR_FRAME_MAX (IDR_PREAMBLE + 2 + IDR_BODY_MAX)	/* 1295 bytes */
#define IDR_HOST_BODY_MAX 16	/* host commands carry a byte or two of data at most */
#define IDR_CMD_FRAME 10	/* a command without data: preamble, length, CMD, PARA, CHK */

/* Commands (CMD << 8 | PARA). */
#define IDR_RESET 0x10ff
#define IDR_STATUS 0x11ff
#define IDR_SAMID_READ 0x12ff
#define IDR_FIND 0x2001
#define IDR_SELECT 0x2002
#define IDR_READ_BASE 0x3001
#define IDR_READ_EXTRA 0x3003	/* the latest additional address (读追加住址信息) */
#define IDR_EXTRA 70		/* its answer's data: one address field, 35 UCS-2 characters */

/* SW3, the SAM's status of an answer (SW1 SW2 relay the card's and are 00 00 here). */
#define IDR_SW_OK 0x90
#define IDR_SW_FOUND 0x9f
#define IDR_SW_CHECKSUM 0x10	/* the SAM got a frame with a bad CHK */
#define IDR_SW_LENGTH 0x11	/* ... with a bad length */
#define IDR_SW_COMMAND 0x21	/* ... with an unknown command or parameter */
#define IDR_SW_WRONG_CARD 0x40	/* unrecognised card (also: a card type we cannot read) */
#define IDR_SW_READ_FAILED 0x41
#define IDR_SW_NOT_FOUND 0x80
#define IDR_SW_NOT_SELECTED 0x81
#define IDR_SW_NO_CONTENT 0x91	/* no content for this item: a card without additional address */

#define IDR_POLL_MS 300		/* find card this often while idle */
#define IDR_REASKS 2		/* a damaged answer is asked again at once this often */
#define IDR_ANSWER_MS 500	/* status, SAM id, find, select: answer due within */
#define IDR_READ_MS 3000	/* read base information takes the SAM about a second */
#define IDR_GAP_MS 200		/* a frame whose bytes stop this long is cut */
#define IDR_FOLD_MS 3000	/* the same card read again within this is one reading */

/*
 * A frame reader for either direction.  frame is called with status 0 and the body (the bytes
 * after the length, without CHK) of each good frame, or with IDR_SW_CHECKSUM or IDR_SW_LENGTH
 * (and no body) when a frame was dropped for that reason; the counts go to stats.
 */
typedef void idr_frame_fn(void *arg, int status, const uint8_t *body, size_t n);

struct idr_parser {
	uint8_t body[IDR_BODY_MAX];
	size_t min, max;	/* accepted length fields */
	size_t want;		/* the length field of the frame being read */
	size_t len;		/* bytes of it so far */
	int state;		/* hunting the preamble, length bytes, body */
	int match;		/* preamble bytes matched (also inside a body: a cut frame) */
	int64_t last;		/* when the last byte arrived */
	struct dev_stats *stats;
};

/* min and max bound the length field (IDR_BODY_MAX at most). */
void idr_parser_init(struct idr_parser *p, size_t min, size_t max, struct dev_stats *stats);
void idr_parser_feed(struct idr_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    idr_frame_fn *frame, void *arg);
/* Drops a frame whose bytes stopped IDR_GAP_MS ago; returns when to call again, or -1. */
int64_t idr_parser_tick(struct idr_parser *p, int64_t now);

/* Frames body (n bytes, without CHK) into out; returns its size, or 0 if outsz is too small. */
size_t idr_encode(const uint8_t *body, size_t n, uint8_t *out, size_t outsz);
/* A host command without data (IDR_FIND...): IDR_CMD_FRAME bytes. */
size_t idr_encode_command(int cmd, uint8_t out[IDR_CMD_FRAME]);
/* A reader's answer 00 00 sw3 data; returns its size or 0. */
size_t idr_encode_answer(int sw3, const uint8_t *data, size_t n, uint8_t *out, size_t outsz);

/*
 * The fields of the base information text.  Which lie where depends on the card type at
 * bytes 248-249 (GA/T 490): see the layouts in idreader.c and docs/devices.md.
 */
enum idr_field {
	IDR_NAME, IDR_SEX, IDR_NATION, IDR_BIRTH, IDR_ADDRESS, IDR_ID, IDR_AUTHORITY,
	IDR_FROM, IDR_TO, IDR_NAME_EN, IDR_NAME_EN2, IDR_NATIONALITY, IDR_PASS, IDR_ISSUES,
	IDR_VERSION, IDR_PREVIOUS, IDR_FIELDS
};

#define IDR_TYPE_OFF 248	/* the card type, one UCS-2 character */
#define IDR_DECODE_TYPE (-2)	/* idr_text_decode: a card type we do not know */

/*
 * Decodes the 256-byte text by the layout of its card type into out's strings (photo and
 * address_extra untouched): 0; -1 when malformed; IDR_DECODE_TYPE when the type is unknown
 * (out->type then holds the type character, or '?' when it is not printable ASCII).
 */
int idr_text_decode(const uint8_t text[IDR_TEXT], struct dev_idcard *out);
/* The card type of a text: ' ' (also for 00 00), 'J', 'I', 'Y', or what else it holds. */
unsigned idr_text_type(const uint8_t text[IDR_TEXT]);
/* Sets the type of a text ('\0' or ' ': resident): 0, or -1 for a type without layout. */
int idr_text_set_type(uint8_t text[IDR_TEXT], char type);
/*
 * Writes a UTF-8 value into its field of text, by the layout of the text's type, padded with
 * spaces: 0, or -1 when it is not valid UTF-8, does not fit, is not what the field holds
 * (digits, a date...), or the type has no such field.  On a 'Y' card IDR_NAME_EN takes up to
 * 46 characters, the 36th on in IDR_NAME_EN2.
 */
int idr_field_encode(enum idr_field f, const char *utf8, uint8_t text[IDR_TEXT]);
/* Decodes the 70-byte answer of 30 03 into out (address_extra): 0, or -1 when malformed. */
int idr_extra_decode(const uint8_t *data, size_t n, struct dev_idcard *out);
/* Writes an additional address into the 70 bytes of a 30 03 answer: 0 or -1 as above. */
int idr_extra_encode(const char *utf8, uint8_t data[IDR_EXTRA]);
/* Formats the SAM's 16-byte management number as readers show it ("05.01-..."). */
void idr_samid_format(const uint8_t id[IDR_SAMID], char *out, size_t outsz);

struct idreader {
	struct idr_parser parser;
	struct dev_stats stats;
	int wait;		/* the command whose answer is due, 0 for none */
	int64_t deadline;	/* ... by then */
	int next;		/* the command to send once the bytes fed are parsed */
	int reasks;		/* its answer came damaged: asked again at once, so many times */
	int64_t next_poll;
	int ready;		/* the SAM answered its status with 90 */
	int last_error;		/* the last SW3 reported as DEV_ERROR, to report a change once */
	char last_id[20];	/* the ID number of the last card read, and when */
	int64_t last_read;
	struct dev_idcard card;
	uint8_t photo[IDR_PHOTO];	/* the card's photo, kept while its extra address is read */
	int64_t now;		/* of the bytes being fed, for the frame callback */
	const struct dev_io *io;
};

void idreader_init(struct idreader *r);
/*
 * The clerk's message (translated) for the reader's DEV_ERROR: a card of a type it cannot
 * read, naming the type; a card that could not be read; else the driver's text.
 */
void idreader_error_message(const struct dev_event *ev, char *out, size_t size);
/* The driver for the serial layer (name "idcard", 115200 baud). */
extern const struct dev_driver idreader_driver;

#endif
