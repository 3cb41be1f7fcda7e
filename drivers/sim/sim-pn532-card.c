/*
 * The card in the simulated PN532's field (see sim-pn532-card.h).  Memory layouts: MIFARE
 * Ultralight (NXP MF0ICU1 data sheet, 7.5: pages 0-2 UID with its check bytes, lock bytes,
 * page 3 OTP, pages 4-15 user memory; READ 30 gives 4 pages, rolling over after page 15);
 * MIFARE Classic 1K (NXP MF1S50yyX data sheet, 8.6: block 0 UID, BCC, SAK, ATQA, maker
 * data; each sector trailer key A, access bits FF 07 80 69, key B, as delivered).
 */
#include <string.h>

#include "sim-pn532-card.h"

#define MF_AUTH_A 0x60
#define MF_AUTH_B 0x61
#define MF_READ 0x30

void
sim_card_set(struct sim_card *c, const uint8_t *uid, size_t uid_len)
{
	memset(c, 0, sizeof *c);
	memcpy(c->uid, uid, uid_len);
	c->uid_len = uid_len;
	c->auth_sector = -1;
}

int
sim_card_named(const struct sim_card *c, const uint8_t *init, size_t n)
{
	const uint8_t *u = c->uid;

	if (n == 0)
		return 1;
	if (n == 4)
		return c->uid_len == 4 && memcmp(init, u, 4) == 0;
	if (n == 8)
		return c->uid_len == 7 && init[0] == 0x88 && memcmp(init + 1, u, 7) == 0;
	if (n == 12)
		return c->uid_len == 10 && init[0] == 0x88 && init[4] == 0x88 &&
		    memcmp(init + 1, u, 3) == 0 && memcmp(init + 5, u + 3, 7) == 0;
	return 0;
}

/* One 4-byte Ultralight page. */
static void
ul_page(const struct sim_card *c, unsigned page, uint8_t *p)
{
	const uint8_t *u = c->uid;

	memset(p, 0, 4);
	if (page == 0) {
		memcpy(p, u, 3);
		p[3] = 0x88 ^ u[0] ^ u[1] ^ u[2];	/* BCC0 includes the cascade tag */
	} else if (page == 1) {
		memcpy(p, u + 3, 4);
	} else if (page == 2) {
		p[0] = u[3] ^ u[4] ^ u[5] ^ u[6];	/* BCC1 */
		p[1] = 0x48;				/* internal */
	}
}

static void
classic_block(const struct sim_card *c, unsigned block, uint8_t *b)
{
	static const uint8_t access[4] = { 0xFF, 0x07, 0x80, 0x69 };

	memset(b, 0, 16);
	if (block == 0) {
		memcpy(b, c->uid, 4);
		b[4] = c->uid[0] ^ c->uid[1] ^ c->uid[2] ^ c->uid[3];
		b[5] = 0x08;		/* SAK */
		b[6] = 0x04;		/* ATQA, as the card sends it: LSB first */
		b[7] = 0x00;
	} else if (block % 4 == 3) {
		memcpy(b + 6, access, 4);	/* key A reads as zeros */
		memset(b + 10, 0xFF, 6);	/* key B, readable under these access bits */
	}
}

uint8_t
sim_card_exchange(struct sim_card *c, const uint8_t *cmd, size_t n, uint8_t *out, size_t *outn)
{
	static const uint8_t transport_key[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
	unsigned i;

	*outn = 0;
	if (n < 2)
		return PN532_ST_TIMEOUT;
	if (c->uid_len == 7 && cmd[0] == MF_READ && n == 2 && cmd[1] < 16) {
		for (i = 0; i < 4; i++)
			ul_page(c, (cmd[1] + i) % 16, out + 4 * i);
		*outn = 16;
		return PN532_ST_OK;
	}
	if (c->uid_len == 4 && (cmd[0] == MF_AUTH_A || cmd[0] == MF_AUTH_B) && n == 12 &&
	    cmd[1] < 64) {
		if (memcmp(cmd + 2, transport_key, 6) != 0 || memcmp(cmd + 8, c->uid, 4) != 0) {
			c->auth_sector = -1;	/* the card halts after a failed authentication */
			return PN532_ST_MIFARE_AUTH;
		}
		c->auth_sector = cmd[1] / 4;
		return PN532_ST_OK;
	}
	if (c->uid_len == 4 && cmd[0] == MF_READ && n == 2 && cmd[1] < 64) {
		if (c->auth_sector != cmd[1] / 4)
			return PN532_ST_MIFARE_AUTH;
		classic_block(c, cmd[1], out);
		*outn = 16;
		return PN532_ST_OK;
	}
	return PN532_ST_TIMEOUT;	/* a command the card does not know: it stays silent */
}
