/*
 * UHF RFID reader modules of the MagicRF M100 / QM100 family (JRD-4035, YRM100...), 115200
 * 8N1: every frame is BB, type (00 command, 01 response, 02 notice), command, parameter
 * length (2 bytes, big-endian), parameters, checksum (low byte of the sum from type to the
 * last parameter), 7E.  The driver reads the module's version, runs multiple polling on
 * request and reports every tag notice as it comes (no folding).  See docs/devices-uhf.md.
 */
#ifndef CUSTODY_UHF_H
#define CUSTODY_UHF_H

#include "driver.h"

#define UHF_HEADER 0xbb
#define UHF_END 0x7e

#define UHF_TYPE_COMMAND 0x00
#define UHF_TYPE_RESPONSE 0x01
#define UHF_TYPE_NOTICE 0x02

#define UHF_CMD_INFO 0x03	/* parameter 00 hardware, 01 software version, 02 maker */
#define UHF_CMD_POLL 0x22	/* single polling; also the command of every tag notice */
#define UHF_CMD_MULTI 0x27	/* multiple polling: reserved 0x22, count (2 bytes) */
#define UHF_CMD_STOP 0x28	/* stop multiple polling; answered with parameter 00 */
#define UHF_CMD_ERROR 0xff	/* error response: the error code, maybe PC and EPC */
/* Settings (manual 2.13-2.22): a get answers the value, a set answers 00 on success. */
#define UHF_CMD_GET_QUERY 0x0d	/* answer: the Query parameters, 2 bytes */
#define UHF_CMD_SET_QUERY 0x0e	/* 2 bytes: DR M(2) TRext Sel(2) Session(2) Target Q(4) 000 */
#define UHF_CMD_SET_REGION 0x07	/* 1 byte: a UHF_REGION_ code */
#define UHF_CMD_GET_REGION 0x08
#define UHF_CMD_HOPPING 0xad	/* 1 byte: FF automatic frequency hopping on, 00 off */
#define UHF_CMD_GET_POWER 0xb7	/* answer: transmit power in 0.01 dBm, 2 bytes */
#define UHF_CMD_SET_POWER 0xb6	/* 2 bytes: transmit power in 0.01 dBm */

#define UHF_REGION_CN900 0x01	/* 920.125-924.875 MHz */
#define UHF_REGION_US 0x02
#define UHF_REGION_EU 0x03
#define UHF_REGION_CN800 0x04
#define UHF_REGION_KR 0x06

#define UHF_POWER_MIN 1800	/* 0.01 dBm: the range the console offers and the simulator */
#define UHF_POWER_MAX 2600	/* takes; 26 dBm is the "M100 26dBm" module's rating */
#define UHF_QUERY_FIXED 0x1000	/* DR 8, M 1, TRext pilot: the only values the module takes */
#define UHF_QUERY_FIXED_MASK 0xf000

#define UHF_ERR_INVENTORY 0x15	/* polling found no tag (or only CRC errors) */
#define UHF_ERR_COMMAND 0x17	/* the module did not understand the command frame */
#define UHF_ERR_HOPPING 0x20	/* frequency hopping failed */

#define UHF_MULTI_RESERVED 0x22
#define UHF_POLL_COUNT 0xffff	/* the longest multiple polling the module takes */

#define UHF_PL_MAX 255		/* longest parameter field we accept: longer is a bad frame */
#define UHF_FRAME_MAX (UHF_PL_MAX + 7)
#define UHF_EPC_MAX 32		/* bytes: a longer EPC does not fit DEV_ID_MAX, a bad frame */
#define UHF_NOTICE_MAX (7 + 5 + UHF_EPC_MAX)

#define UHF_GAP_MS 100		/* a frame silent this long is cut short */
#define UHF_ANSWER_MS 500	/* the module answers a command within this */
#define UHF_TRIES 3		/* info and stop are sent this often before giving up */
#define UHF_IDLE_MS 1000	/* inventory on and the module silent this long: poll again */
#define UHF_REISSUE_MS 1000	/* at most one new multiple polling per this, on 0x15 */

/* One checked frame; param points into the parser's buffer, valid during the callback. */
struct uhf_frame {
	uint8_t type;
	uint8_t cmd;
	uint16_t pl;
	const uint8_t *param;
};

typedef void uhf_frame_fn(void *arg, const struct uhf_frame *f, int64_t now);

/* The frame parser, shared by the driver and the simulator (which parses the host). */
struct uhf_parser {
	uint8_t buf[UHF_FRAME_MAX];
	size_t len;		/* bytes held, buf[0] is a header when len > 0 */
	size_t need;		/* the whole frame's length once its PL is known */
	int64_t last;		/* when the last byte came */
	struct dev_stats stats;
};

void uhf_parser_init(struct uhf_parser *p);
/* Forgets a frame under way, keeps the counts. */
void uhf_parser_reset(struct uhf_parser *p);
void uhf_parser_feed(struct uhf_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    uhf_frame_fn *fn, void *arg);
/* Drops a frame left unfinished for UHF_GAP_MS; returns when to call again, or -1. */
int64_t uhf_parser_tick(struct uhf_parser *p, int64_t now, uhf_frame_fn *fn, void *arg);

/* A tag notice (02 22) to a DEV_TAG event; -1 when PC, PL and the EPC length disagree. */
int uhf_parse_tag(const struct uhf_frame *f, struct dev_event *ev);

struct uhf {
	struct uhf_parser parser;
	int running;		/* inventory asked for, until DEV_RQ_UHF_STOP */
	int info_tries;		/* info requests unanswered so far, 0 when none is */
	int64_t info_due;
	int stop_tries;
	int64_t stop_due;
	int64_t poll_due;	/* running: poll again if the module is silent until then */
	int64_t last_issue;	/* when multiple polling was last sent */
	int reissue;		/* a frame asked for polling again; done after parsing */
	uint8_t set_cmd;	/* the setting command awaiting its answer, 0 when none */
	uint8_t set_param[2];
	uint8_t set_pl;
	int set_tries;
	int64_t set_due;
	int set_next;		/* send the setting in set_cmd once the parser is idle */
	const struct dev_io *io;	/* during feed and tick only */
};

/* The driver for the serial layer (name "uhf", 115200 baud). */
extern const struct dev_driver uhf_driver;

/* Frame encoders for the simulator, the tests and the benchmark; each returns the frame's
 * length, or 0 when it does not fit outsz or the parameters are too long. */
size_t uhf_encode_frame(uint8_t type, uint8_t cmd, const uint8_t *param, size_t pl,
    uint8_t *out, size_t outsz);
size_t uhf_encode_multi(uint16_t count, uint8_t *out, size_t outsz);
size_t uhf_encode_error(uint8_t code, uint8_t *out, size_t outsz);
/* A tag notice as given, or (uhf_encode_tag) with the PC and CRC a real tag would send. */
size_t uhf_encode_notice(int rssi, uint16_t pc, const uint8_t *epc, size_t epc_len,
    uint16_t crc, uint8_t *out, size_t outsz);
size_t uhf_encode_tag(int rssi, const uint8_t *epc, size_t epc_len, uint8_t *out,
    size_t outsz);

#define UHF_PC_UMI 0x0400	/* PC bit: the tag has user memory (the manual's tag has) */

/* Whether a module takes this region code / Query word (manual 2.13, 2.15). */
int uhf_region_ok(int code);
int uhf_query_ok(int query);

/* The PC word for an EPC of epc_len bytes (length in words in bits 15..11), no flags. */
uint16_t uhf_pc(size_t epc_len);
/* The tag's CRC-16 over PC and EPC (ISO/IEC 13239: poly 1021, preset FFFF, inverted). */
uint16_t uhf_tag_crc(uint16_t pc, const uint8_t *epc, size_t epc_len);

#endif
