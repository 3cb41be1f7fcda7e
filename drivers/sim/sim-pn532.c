/*
 * A simulated PN532 on its HSU, per NXP UM0701-02 (see docs/devices.md for each command's
 * section and page): asleep until the host's 0x55 wake-up, then it ACKs each good command
 * frame and answers it (each frame one send), ignores a frame whose checksum fails (the host
 * sees no ACK and sends again, 6.2.3), resends its last answer when the host NACKs, and
 * answers a command it does not know, or whose parameters are wrong, with the syntax error
 * frame (6.2.1.5).  Errors met while running a command are the status byte of its answer.
 * InListPassiveTarget and InAutoPoll wait for a card as the chip does: MxRtyPassiveActivation
 * FF (the power-on value) waits until one comes, so a host must set it to poll.
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
#include "sim-pn532-card.h"
#include "sim.h"

#define SIM_PN532_TAP_MS 300
#define SIM_PN532_PERIOD_MS 150		/* InAutoPoll's Period unit */
#define SIM_PN532_OTHER_REGS 16		/* written registers outside the CIU and SFR ranges */

enum pending { PEND_NONE, PEND_LIST, PEND_AUTOPOLL };

struct sim_pn532 {
	struct pn532_parser ps;
	int awake;
	int hsu_wakes;		/* PowerDown's WakeUpEnable let the HSU wake it */
	struct sim_card card;
	int present;
	int64_t until;		/* the card leaves at this time; 0: held */
	int listed;		/* the card is target 1 (InListPassiveTarget, InAutoPoll) */
	uint8_t retries[3];	/* RFConfiguration 05 MaxRetries */
	uint8_t max_rty_com;	/* RFConfiguration 04 */
	uint8_t timings[3];	/* RFConfiguration 02 */
	int rf_on;		/* RFConfiguration 01 */
	uint8_t params;		/* SetParameters flags */
	uint8_t ciu[0x40];	/* registers 6300-633F */
	uint8_t sfr[0x100];	/* registers FF00-FFFF */
	uint16_t other_addr[SIM_PN532_OTHER_REGS];
	uint8_t other_val[SIM_PN532_OTHER_REGS];
	size_t n_other;
	enum pending pend;	/* a command waiting for a card */
	int64_t pend_until;	/* InAutoPoll gives up then; 0: never */
	uint8_t pend_init[12];	/* InListPassiveTarget's InitiatorData */
	size_t pend_init_len;
	int pend_typea;		/* InListPassiveTarget polls type A: our cards can answer */
	uint8_t pend_type;	/* the InAutoPoll type a card of ours answers to */
	uint8_t last[PN532_FRAME_MAX];	/* the last answer, for a NACK */
	size_t last_len;
	const struct sim_io *io;	/* during from_host */
	int64_t now;
};

/* Power-on values of the CIU registers libnfc reads and changes (the PN512-family contactless
 * interface unit the PN532 contains); the rest read 00 until written. */
static const struct {
	uint8_t reg, val;
} ciu_reset[] = {
	{ 0x01, 0x3B }, { 0x04, 0x80 }, { 0x06, 0x10 }, { 0x07, 0x84 }, { 0x08, 0x84 },
	{ 0x09, 0x4D }, { 0x0C, 0x62 }, { 0x11, 0xFF }, { 0x12, 0xFF }, { 0x13, 0x88 },
	{ 0x14, 0x26 }, { 0x15, 0x87 }, { 0x16, 0x48 }, { 0x17, 0x88 }, { 0x18, 0x20 },
	{ 0x19, 0x20 }, { 0x32, 0x80 }, { 0x34, 0x14 }, { 0x37, 0x21 }, { 0x3B, 0x08 },
	{ 0x3C, 0x10 }, { 0x3E, 0x80 },
};

static void
sim_init(void *st)
{
	struct sim_pn532 *s = st;
	size_t i;

	memset(s, 0, sizeof *s);
	pn532_parser_init(&s->ps);
	s->hsu_wakes = 1;
	s->retries[0] = s->retries[1] = s->retries[2] = 0xFF;	/* the chip's defaults */
	s->timings[1] = 0x0B;
	s->timings[2] = 0x0A;
	s->rf_on = 1;
	for (i = 0; i < sizeof ciu_reset / sizeof *ciu_reset; i++)
		s->ciu[ciu_reset[i].reg] = ciu_reset[i].val;
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

/* The response frame: the command's code + 1, then n bytes of d. */
static void
answer_data(struct sim_pn532 *s, uint8_t cmd, const uint8_t *d, size_t n)
{
	uint8_t body[PN532_BODY_MAX], out[PN532_FRAME_MAX];

	if (n + 2 > sizeof body)
		n = sizeof body - 2;
	body[0] = cmd + 1;
	if (n > 0)
		memcpy(body + 1, d, n);
	answer(s, out, pn532_encode_frame(PN532_TFI_CHIP, body, n + 1, out, sizeof out));
}

static void
answer_status(struct sim_pn532 *s, uint8_t cmd, uint8_t status)
{
	answer_data(s, cmd, &status, 1);
}

static int
card_here(struct sim_pn532 *s)
{
	if (s->present && s->until && s->now >= s->until)
		s->present = 0;
	return s->present;
}

static uint8_t *
reg_at(struct sim_pn532 *s, uint16_t addr, int create)
{
	size_t i;

	if (addr >= 0x6300 && addr < 0x6340)
		return &s->ciu[addr - 0x6300];
	if (addr >= 0xFF00)
		return &s->sfr[addr - 0xFF00];
	for (i = 0; i < s->n_other; i++)
		if (s->other_addr[i] == addr)
			return &s->other_val[i];
	if (!create || s->n_other == SIM_PN532_OTHER_REGS)
		return NULL;
	s->other_addr[s->n_other] = addr;
	s->other_val[s->n_other] = 0;
	return &s->other_val[s->n_other++];
}

/* ReadRegister: ADR (2 bytes) each; the values in order (7.2.4). */
static int
read_registers(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	uint8_t v[PN532_BODY_MAX];
	const uint8_t *r;
	size_t i, k = 0;

	if (n < 3 || (n - 1) % 2 != 0)
		return -1;
	for (i = 1; i < n; i += 2) {
		r = reg_at(s, (uint16_t)(d[i] << 8 | d[i + 1]), 0);
		v[k++] = r ? *r : 0x00;
	}
	answer_data(s, d[0], v, k);
	return 0;
}

/* WriteRegister: ADR (2 bytes) and value each (7.2.5). */
static int
write_registers(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	uint8_t *r;
	size_t i;

	if (n < 4 || (n - 1) % 3 != 0)
		return -1;
	for (i = 1; i < n; i += 3)
		if ((r = reg_at(s, (uint16_t)(d[i] << 8 | d[i + 1]), 1)) != NULL)
			*r = d[i + 2];
	answer_data(s, d[0], NULL, 0);
	return 0;
}

/* RFConfiguration: CfgItem and its ConfigurationData, of a fixed length each (7.3.1). */
static int
rf_configuration(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	static const uint8_t item_len[0x0E] = {
		[0x01] = 1, [0x02] = 3, [0x04] = 1, [0x05] = 3,
		[0x0A] = 11, [0x0B] = 8, [0x0C] = 3, [0x0D] = 9,
	};

	if (n < 2 || d[1] >= sizeof item_len || item_len[d[1]] == 0 || n != 2u + item_len[d[1]])
		return -1;
	switch (d[1]) {
	case 0x01:
		s->rf_on = d[2] & 0x01;
		break;
	case 0x02:
		memcpy(s->timings, d + 2, 3);
		break;
	case 0x04:
		s->max_rty_com = d[2];
		break;
	case 0x05:
		memcpy(s->retries, d + 2, 3);
		break;
	default:		/* analog settings: taken, nothing to model */
		break;
	}
	answer_data(s, d[0], NULL, 0);
	return 0;
}

/* Diagnose (7.2.1): NumTst 00 echoes what it was sent; 01 ROM and 02 RAM tests pass; 06
 * card presence answers the status of the listed card; 07 antenna self-test passes. */
static int
diagnose(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	static const uint8_t good = 0x00;

	if (n < 2)
		return -1;
	switch (d[1]) {
	case 0x00:
		answer_data(s, d[0], d + 1, n - 1);
		return 0;
	case 0x01:
	case 0x02:
		if (n != 2)
			return -1;
		answer_data(s, d[0], &good, 1);
		return 0;
	case 0x06:
		if (n != 2)
			return -1;
		answer_status(s, d[0], s->listed && card_here(s) ? PN532_ST_OK : PN532_ST_TIMEOUT);
		return 0;
	case 0x07:
		if (n != 3)
			return -1;
		answer_data(s, d[0], &good, 1);
		return 0;
	default:
		return -1;	/* 03, 04, 05: not simulated */
	}
}

/* GetGeneralStatus (7.2.3): Err, Field, NbTg, [Tg BrRx BrTx Type], SAM status. */
static void
general_status(struct sim_pn532 *s, uint8_t cmd)
{
	uint8_t d[8];
	size_t k = 0;

	d[k++] = 0x00;
	d[k++] = (uint8_t)s->rf_on;
	d[k++] = s->listed ? 1 : 0;
	if (s->listed) {
		d[k++] = 1;	/* Tg */
		d[k++] = 0x00;	/* 106 kbps both ways */
		d[k++] = 0x00;
		d[k++] = 0x00;	/* type: ISO/IEC 14443A, MIFARE */
	}
	d[k++] = 0x00;
	answer_data(s, cmd, d, k);
}

static void
answer_list(struct sim_pn532 *s, int found)
{
	uint8_t out[PN532_FRAME_MAX];

	s->pend = PEND_NONE;
	s->listed = found;
	s->card.auth_sector = -1;
	answer(s, out, pn532_encode_target(found ? s->card.uid : NULL, found ? s->card.uid_len : 0,
	    out, sizeof out));
}

static void
answer_autopoll(struct sim_pn532 *s, int found)
{
	uint8_t d[3 + 5 + PN532_UID_MAX];
	size_t k;

	s->pend = PEND_NONE;
	s->listed = found;
	s->card.auth_sector = -1;
	if (!found) {
		d[0] = 0;
		answer_data(s, PN532_CMD_AUTO_POLL, d, 1);
		return;
	}
	d[0] = 1;		/* NbTg */
	d[1] = s->pend_type;
	k = pn532_target_data(s->card.uid, s->card.uid_len, d + 3);
	d[2] = (uint8_t)k;
	answer_data(s, PN532_CMD_AUTO_POLL, d, 3 + k);
}

/* A waiting command finds the card once it is in the field, or gives up at its time. */
static void
settle_pending(struct sim_pn532 *s)
{
	if (s->pend == PEND_LIST && s->pend_typea && card_here(s) &&
	    sim_card_named(&s->card, s->pend_init, s->pend_init_len))
		answer_list(s, 1);
	else if (s->pend == PEND_AUTOPOLL && s->pend_type != 0xFF && card_here(s))
		answer_autopoll(s, 1);
	else if (s->pend == PEND_AUTOPOLL && s->pend_until && s->now >= s->pend_until)
		answer_autopoll(s, 0);
}

/* InListPassiveTarget (7.3.5): MaxTg 1-2, BrTy 00-04, InitiatorData.  Our cards are type A;
 * with MxRtyPassiveActivation FF the chip tries until a card answers, with a count it answers
 * NbTg 0 when that many more tries found none. */
static int
list_passive(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	int typea;

	if (n < 3 || d[1] < 1 || d[1] > 2 || d[2] > 0x04)
		return -1;
	typea = d[2] == 0x00;
	if (typea && n - 3 != 0 && n - 3 != 4 && n - 3 != 8 && n - 3 != 12)
		return -1;
	s->listed = 0;
	s->pend = PEND_LIST;
	s->pend_typea = typea;
	s->pend_init_len = typea ? n - 3 : 0;
	memcpy(s->pend_init, d + 3, s->pend_init_len);
	settle_pending(s);
	if (s->pend == PEND_LIST && s->retries[2] != 0xFF)
		answer_list(s, 0);
	return 0;
}

/* InAutoPoll (7.3.13): PollNr (FF endless), Period (x 150 ms), Type1..Type15.  Our cards
 * answer to 00 (generic passive 106 kbps) and 10 (MIFARE). */
static int
auto_poll(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	size_t i, ntypes = n - 3;

	if (n < 4 || n > 18 || d[1] == 0x00 || d[2] < 0x01 || d[2] > 0x0F)
		return -1;
	s->listed = 0;
	s->pend = PEND_AUTOPOLL;
	s->pend_type = 0xFF;
	for (i = 3; i < n; i++)
		if (s->pend_type == 0xFF && (d[i] == 0x00 || d[i] == 0x10))
			s->pend_type = d[i];
	s->pend_until = d[1] == 0xFF ? 0 :
	    s->now + (int64_t)d[1] * (int64_t)ntypes * d[2] * SIM_PN532_PERIOD_MS;
	settle_pending(s);	/* no type our cards answer to: only the time runs */
	return 0;
}

/* InDataExchange (7.3.8) and InCommunicateThru (7.3.9): the card's answer after a status. */
static void
exchange(struct sim_pn532 *s, uint8_t cmd, const uint8_t *data, size_t n)
{
	uint8_t r[1 + 16];
	size_t rn = 0;

	if (!card_here(s))
		r[0] = PN532_ST_TIMEOUT;
	else
		r[0] = sim_card_exchange(&s->card, data, n, r + 1, &rn);
	answer_data(s, cmd, r, 1 + rn);
}

/* InDeselect, InRelease, InSelect (7.3.10-12): Tg 0 means every target. */
static void
target_op(struct sim_pn532 *s, const uint8_t *d)
{
	if (d[1] != 0x00 && !(d[1] == 0x01 && s->listed)) {
		answer_status(s, d[0], PN532_ST_CONTEXT);
		return;
	}
	if (d[0] == PN532_CMD_RELEASE)
		s->listed = 0;
	s->card.auth_sector = -1;
	answer_status(s, d[0], PN532_ST_OK);
}

/* One command, after its ACK; returns -1 when it deserves the syntax error frame. */
static int
command(struct sim_pn532 *s, const uint8_t *d, size_t n)
{
	static const uint8_t firmware[] = { 0x32, 0x01, 0x06, 0x07 };

	if (n < 1)
		return -1;
	s->pend = PEND_NONE;	/* a new command aborts one still running */
	switch (d[0]) {
	case PN532_CMD_DIAGNOSE:
		return diagnose(s, d, n);
	case PN532_CMD_GET_FIRMWARE:
		if (n != 1)
			return -1;
		answer_data(s, d[0], firmware, sizeof firmware);
		return 0;
	case PN532_CMD_GET_STATUS:
		if (n != 1)
			return -1;
		general_status(s, d[0]);
		return 0;
	case PN532_CMD_READ_REGISTER:
		return read_registers(s, d, n);
	case PN532_CMD_WRITE_REGISTER:
		return write_registers(s, d, n);
	case PN532_CMD_SET_PARAMETERS:
		if (n != 2)
			return -1;
		s->params = d[1];
		break;
	case PN532_CMD_SAM_CONFIG:	/* Mode 1..4 [Timeout [IRQ]] */
		if (n < 2 || n > 4 || d[1] < 0x01 || d[1] > 0x04)
			return -1;
		break;
	case PN532_CMD_POWER_DOWN:	/* WakeUpEnable [GenerateIRQ]; bit 4: HSU */
		if (n < 2 || n > 3)
			return -1;
		answer_status(s, d[0], PN532_ST_OK);
		s->hsu_wakes = (d[1] & 0x10) != 0;
		s->awake = 0;
		s->listed = 0;
		return 0;
	case PN532_CMD_RF_CONFIG:
		return rf_configuration(s, d, n);
	case PN532_CMD_DATA_EXCHANGE:	/* Tg (bit 6: more data) DataOut */
		if (n < 2)
			return -1;
		if ((d[1] & 0x3F) != 0x01 || !s->listed)
			answer_status(s, d[0], PN532_ST_CONTEXT);
		else
			exchange(s, d[0], d + 2, n - 2);
		return 0;
	case PN532_CMD_COMMUNICATE_THRU:	/* DataOut, straight to the field */
		if (s->listed)
			exchange(s, d[0], d + 1, n - 1);
		else
			answer_status(s, d[0], PN532_ST_TIMEOUT);
		return 0;
	case PN532_CMD_DESELECT:
	case PN532_CMD_RELEASE:
	case PN532_CMD_SELECT:
		if (n != 2)
			return -1;
		target_op(s, d);
		return 0;
	case PN532_CMD_LIST_TARGET:
		return list_passive(s, d, n);
	case PN532_CMD_AUTO_POLL:
		return auto_poll(s, d, n);
	default:		/* TgInitAsTarget and the other target commands among them */
		return -1;
	}
	answer_data(s, d[0], NULL, 0);
	return 0;
}

static void
on_frame(void *arg, const struct pn532_frame *f)
{
	struct sim_pn532 *s = arg;

	switch (f->kind) {
	case PN532_ACK:		/* the host aborts the command under way (6.2.1.3) */
		s->pend = PEND_NONE;
		break;
	case PN532_NACK:
		if (s->last_len > 0)
			s->io->send(s->io->arg, s->last, s->last_len);
		break;
	case PN532_BAD:		/* a bad LCS or DCS: no ACK, so the host sends it again (6.2.3) */
		break;
	case PN532_INFO:
		if (f->tfi != PN532_TFI_HOST || !s->awake)
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

	s->io = io;
	s->now = now;
	if (!s->awake) {	/* powered down: only the wake-up's 0x55 is heard */
		while (s->hsu_wakes && i < n && bytes[i] != 0x55)
			i++;
		if (!s->hsu_wakes || i == n)
			return;
		s->awake = 1;
		pn532_parser_init(&s->ps);
	}
	pn532_parser_feed(&s->ps, bytes + i, n - i, now, on_frame, s);
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_pn532 *s = st;
	int64_t gap, next;

	s->io = io;
	s->now = now;
	gap = pn532_parser_tick(&s->ps, now, on_frame, s);	/* drop a half frame */
	settle_pending(s);
	next = gap;
	if (card_here(s) && s->until && (next < 0 || s->until < next))
		next = s->until;
	if (s->pend == PEND_AUTOPOLL && s->pend_until && (next < 0 || s->pend_until < next))
		next = s->pend_until;
	return next;
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
		s->hsu_wakes = 1;
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
	/* a refused UID leaves the card in the field as it was */
	if (!s->present || s->card.uid_len != len / 2 || memcmp(s->card.uid, uid, len / 2) != 0) {
		sim_card_set(&s->card, uid, len / 2);
		s->listed = 0;	/* another card: the listed one has left */
	}
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
