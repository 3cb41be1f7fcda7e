/*
 * Optical fingerprint modules of the R30x / ZFM / AS608 / R503 family, 57600 8N1.  Every
 * packet is EF 01, a 4-byte module address, a package identifier (01 command, 02 data with
 * more to follow, 07 acknowledge, 08 last data), a big-endian length that counts the content
 * and the 2-byte checksum, the content, then the low 16 bits of the sum of the identifier,
 * both length bytes and every content byte.  See docs/devices-fingerprint.md.
 */
#ifndef CUSTODY_FINGERPRINT_H
#define CUSTODY_FINGERPRINT_H

#include "driver.h"

#define FP_ADDR_DEFAULT 0xffffffffu	/* the factory module address */

#define FP_PID_COMMAND 0x01
#define FP_PID_DATA 0x02
#define FP_PID_ACK 0x07
#define FP_PID_END 0x08

/* Instruction codes (R307 / R503 / ZFM-70 user manuals, "instruction system"). */
#define FP_INS_GENIMG 0x01
#define FP_INS_IMG2TZ 0x02
#define FP_INS_MATCH 0x03
#define FP_INS_SEARCH 0x04
#define FP_INS_REGMODEL 0x05
#define FP_INS_STORE 0x06
#define FP_INS_LOADCHAR 0x07
#define FP_INS_UPCHAR 0x08
#define FP_INS_DOWNCHAR 0x09
#define FP_INS_DELETCHAR 0x0c
#define FP_INS_EMPTY 0x0d
#define FP_INS_SETSYSPARA 0x0e
#define FP_INS_READSYSPARA 0x0f
#define FP_INS_SETPWD 0x12
#define FP_INS_VFYPWD 0x13
#define FP_INS_GETRANDOM 0x14
#define FP_INS_WRITENOTEPAD 0x18
#define FP_INS_READNOTEPAD 0x19
#define FP_INS_HISPEEDSEARCH 0x1b
#define FP_INS_TEMPLATENUM 0x1d
#define FP_INS_READINDEX 0x1f	/* ReadIndexTable (ReadConList in the ZFM-70 manual) */
#define FP_INS_GETIMAGEEX 0x28	/* R503 */
#define FP_INS_CANCEL 0x30	/* R503 */
#define FP_INS_AURALED 0x35	/* R503: AuraLedConfig */
#define FP_INS_CHECKSENSOR 0x36	/* R503 */
#define FP_INS_READPRODINFO 0x3c	/* R503 */
#define FP_INS_SOFTRST 0x3d	/* R503 */
#define FP_INS_HANDSHAKE_R503 0x40	/* R503 v1.2.2 HandShake */
#define FP_INS_HANDSHAKE 0x53	/* ZFM-70 / AS608 Handshake */

#define FP_READY 0x55		/* R503: the single byte a module sends when it is ready */

/* AuraLedConfig (R503 manual v1.2.2): control code, speed, colour index, count. */
#define FP_LED_BREATHING 0x01
#define FP_LED_FLASHING 0x02
#define FP_LED_ON 0x03
#define FP_LED_OFF 0x04
#define FP_LED_RED 0x01
#define FP_LED_BLUE 0x02
#define FP_LED_GREEN 0x04

#define FP_INDEX_PAGE 256	/* ReadIndexTable: slots per index page (32 bytes of bits) */
#define FP_PRODINFO_LEN 46	/* ReadProdInfo's answer after the confirmation code */

/* Confirmation codes the driver acts on (the full list is in the docs). */
#define FP_OK 0x00
#define FP_ERR_PACKET 0x01	/* error when receiving the package */
#define FP_ERR_NOFINGER 0x02
#define FP_ERR_MESSY 0x06
#define FP_ERR_FEW_POINTS 0x07
#define FP_ERR_NOMATCH 0x08
#define FP_ERR_NOTFOUND 0x09
#define FP_ERR_MERGE 0x0a
#define FP_ERR_PAGE 0x0b
#define FP_ERR_TEMPLATE 0x0c	/* error reading the template, or template invalid */
#define FP_ERR_UPLOAD 0x0d
#define FP_ERR_DOWNLOAD 0x0e
#define FP_ERR_DELETE 0x10
#define FP_ERR_NOIMAGE 0x15
#define FP_ERR_PASSWORD 0x13
#define FP_ERR_REGISTER 0x1a	/* invalid register number (SetSysPara) */
#define FP_ERR_NOTEPAD 0x1c	/* wrong notepad page */
#define FP_ERR_FULL 0x1f	/* the library is full */
#define FP_ERR_TIMEOUT 0x26	/* R503: timeout; the driver's code when a person never acts */
#define FP_ERR_UNSUPPORTED 0xfc	/* R503: unsupported command */
#define FP_ERR_NO_ANSWER 0xff	/* not a module code: the module did not answer */

#define FP_CONTENT_MAX 256	/* the largest content accepted: a 256-byte data packet */
#define FP_PACKET_MAX (9 + FP_CONTENT_MAX + 2)
#define FP_TPL_MAX 1536	/* the largest template: the R503's (manual v1.2.2, p. 1) */
#define FP_DATA_SIZE 128	/* data bytes per packet unless ReadSysPara says otherwise */
#define FP_GAP_MS 100		/* a silence this long inside a packet ends it (half frame) */

struct fp_packet {
	uint8_t pid;
	size_t len;		/* content bytes, without the checksum */
	uint8_t content[FP_CONTENT_MAX];
};

typedef void fp_packet_fn(void *arg, const struct fp_packet *pk, int64_t now);

/* The packet parser, shared by the driver and the simulated module. */
struct fp_parser {
	uint8_t buf[FP_PACKET_MAX];
	size_t len;		/* bytes held of a packet not yet complete */
	int64_t last;		/* when the last byte arrived */
	struct dev_stats stats;
	uint64_t acks_lost;	/* dropped packets whose header said: an acknowledgement */
};

void fp_parser_init(struct fp_parser *p);
/* Feeds n bytes that arrived at now; fn gets each packet whose checksum holds. */
void fp_parser_feed(struct fp_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    fp_packet_fn *fn, void *arg);
/* Drops a packet cut short (nothing came for FP_GAP_MS), then reads any whole packet that
 * followed it.  Returns when it next wants a call, or -1. */
int64_t fp_parser_expire(struct fp_parser *p, int64_t now, fp_packet_fn *fn, void *arg);

/*
 * Encoders (for the driver, the simulator, tests and benchmarks).  Each writes one whole
 * packet to the default address and returns its length, or 0 when it would not fit in outsz
 * or the content is longer than FP_CONTENT_MAX.
 */
size_t fp_encode(uint8_t pid, const uint8_t *content, size_t n, uint8_t *out, size_t outsz);
size_t fp_encode_command(uint8_t ins, const uint8_t *params, size_t n, uint8_t *out,
    size_t outsz);
size_t fp_encode_ack(uint8_t code, const uint8_t *params, size_t n, uint8_t *out, size_t outsz);

/* The driver for the serial layer (name "fingerprint", 57600 baud). */
extern const struct dev_driver fingerprint_driver;

/* The driver's timing, for tests. */
#define FP_POLL_MS 150		/* GenImg while waiting for a finger or its lift */
#define FP_FINGER_MS 15000	/* how long a person has to place or lift a finger */
#define FP_ANSWER_MS 600	/* an answer, or the next data packet, is due within this */
#define FP_SLOW_MS 2000		/* Search, Store, Empty: flash work takes longer */
#define FP_TRIES 3		/* sends of one command before giving up */

/* DEV_RQ_FP_ENROLL's page: the first free slot, from the module's index table. */
#define FP_PAGE_FREE (-1)

/* Enrolment quality from the module's Match score: score / 2, at most 100. */
int fp_quality(int score);

#endif
