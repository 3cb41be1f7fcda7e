/*
 * A simulated PN532 on its HSU: asleep until the host's 0x55 wake-up, then it ACKs each good
 * command frame and answers it (each frame one send), NACKs a frame whose checksum fails,
 * resends its last answer when the host NACKs, and answers what it does not know with the
 * error frame.  InListPassiveTarget finds the card of the script, or none (NbTg = 0).
 *   tap UID     a card (8, 14 or 20 hex digits) is in the field for SIM_PN532_TAP_MS
 *   hold UID    the card stays in the field until lift
 *   lift        the card leaves the field
 *   sleep       the chip powers down: it ignores frames until the next wake-up
 */
#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"
#include "pn532.h"
#include "sim.h"

#define SIM_PN532_TAP_MS 300

struct sim_pn532 {
	struct pn532_parser ps;
	int awake;
	uint8_t uid[PN532_UID_MAX];
	size_t uid_len;
	int present;
	int64_t until;		/* the card leaves at this time; 0: held */
	uint8_t retries[3];	/* RFConfiguration MaxRetries as last set */
	uint8_t last[32];	/* the last answer, for a NACK */
	size_t last_len;
	const struct sim_io *io;	/* during from_host */
	int64_t now;
};

static void
sim_init(void *st)
{
	struct sim_pn532 *s = st;

	memset(s, 0, sizeof *s);
	pn532_parser_init(&s->ps);
	s->retries[0] = s->retries[1] = s->retries[2] = 0xFF;	/* the chip's defaults */
}

static void
answer(struct sim_pn532 *s, const uint8_t *frame, size_t n)
{
	if (n <= sizeof s->last) {
		memcpy(s->last, frame, n);
		s->last_len = n;
	}
	s->io->send(s->io->arg, frame, n);
}

static void
answer_data(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	uint8_t out[32];

	answer(s, out, pn532_encode_frame(PN532_TFI_CHIP, d, n, out, sizeof out));
}

static int
card_here(struct sim_pn532 *s)
{
	if (s->present && s->until && s->now >= s->until)
		s->present = 0;
	return s->present;
}

/* One command, after its ACK; returns -1 when it deserves the error frame. */
static int
command(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	static const uint8_t firmware[] = { 0x03, 0x32, 0x01, 0x06, 0x07 };
	uint8_t r[2], out[32];

	if (n < 1)
		return -1;
	switch (d[0]) {
	case PN532_CMD_GET_FIRMWARE:
		answer_data(s, firmware, sizeof firmware);
		return 0;
	case PN532_CMD_SAM_CONFIG:	/* Mode 1..4 [Timeout [IRQ]] */
		if (n < 2 || n > 4 || d[1] < 0x01 || d[1] > 0x04)
			return -1;
		break;
	case PN532_CMD_RF_CONFIG:	/* only MaxRetries (CfgItem 5) is simulated */
		if (n != 5 || d[1] != 0x05)
			return -1;
		memcpy(s->retries, d + 2, 3);
		break;
	case PN532_CMD_LIST_TARGET:	/* MaxTg BrTy [InitiatorData] */
		if (n < 3 || d[1] < 1 || d[1] > 2 || d[2] > 0x04)
			return -1;
		if (d[2] == 0x00 && card_here(s))
			answer(s, out, pn532_encode_target(s->uid, s->uid_len, out, sizeof out));
		else
			answer(s, out, pn532_encode_target(NULL, 0, out, sizeof out));
		return 0;
	default:
		return -1;
	}
	r[0] = d[0] + 1;
	answer_data(s, r, 1);
	return 0;
}

static void
on_frame(void *arg, const struct pn532_frame *f)
{
	struct sim_pn532 *s = arg;

	switch (f->kind) {
	case PN532_ACK:		/* the host aborts: nothing is under way here */
		break;
	case PN532_NACK:
		if (s->last_len > 0)
			s->io->send(s->io->arg, s->last, s->last_len);
		break;
	case PN532_BAD:
		s->io->send(s->io->arg, pn532_nack, sizeof pn532_nack);
		break;
	case PN532_INFO:
		if (f->tfi != PN532_TFI_HOST)
			break;
		s->io->send(s->io->arg, pn532_ack, sizeof pn532_ack);
		if (command(s, f->data, f->len) != 0)
			answer(s, pn532_error, sizeof pn532_error);
		break;
	}
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_pn532 *s = st;
	size_t i = 0;

	if (!s->awake) {	/* powered down: only the wake-up's 0x55 is heard */
		while (i < n && bytes[i] != 0x55)
			i++;
		if (i == n)
			return;
		s->awake = 1;
		pn532_parser_init(&s->ps);
	}
	s->io = io;
	s->now = now;
	pn532_parser_feed(&s->ps, bytes + i, n - i, now, on_frame, s);
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_pn532 *s = st;
	int64_t gap;

	s->io = io;
	s->now = now;
	gap = pn532_parser_tick(&s->ps, now, on_frame, s);	/* NACK a half frame */
	if (!card_here(s) || !s->until)
		return gap;
	return gap >= 0 && gap < s->until ? gap : s->until;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_pn532 *s = st;
	uint8_t uid[PN532_UID_MAX];
	size_t len;
	int hold;

	(void)io;
	if (argc == 1 && strcmp(argv[0], "lift") == 0) {
		s->present = 0;
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "sleep") == 0) {
		s->awake = 0;
		return 0;
	}
	if (strcmp(argv[0], "lift") == 0 || strcmp(argv[0], "sleep") == 0) {
		snprintf(err, errsz, _("pn532: %s takes nothing after it"), argv[0]);
		return -1;
	}
	hold = strcmp(argv[0], "hold") == 0;
	if (!hold && strcmp(argv[0], "tap") != 0) {
		snprintf(err, errsz, _("pn532: unknown command \"%s\" (tap, hold, lift, sleep)"),
		    argv[0]);
		return -1;
	}
	len = argc == 2 ? strlen(argv[1]) : 0;
	if (argc != 2 || (len != 8 && len != 14 && len != 20) ||
	    hex_decode(argv[1], len, uid, len / 2) != 0) {
		snprintf(err, errsz, _("pn532: a card UID is 8, 14 or 20 hex digits, as in: "
		    "tap 9EB36E66"));
		return -1;
	}
	memcpy(s->uid, uid, len / 2);	/* a refused UID leaves the card in the field as it was */
	s->uid_len = len / 2;
	s->present = 1;
	s->until = hold ? 0 : now + SIM_PN532_TAP_MS;
	return 0;
}

const struct sim_device sim_pn532 = {
	.name = "pn532",
	.baud = 115200,
	.state_size = sizeof(struct sim_pn532),
	.usage = "pn532 tap UID\npn532 hold UID\npn532 lift\npn532 sleep\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};
