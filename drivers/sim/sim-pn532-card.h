/*
 * The ISO/IEC 14443A card in the simulated PN532's field: its UID (4, 7 or 10 bytes), whether
 * the reader's initiator data names it, and what it answers to the commands a host relays
 * through InDataExchange or InCommunicateThru (a MIFARE Classic 1K for a 4-byte UID, a MIFARE
 * Ultralight for 7 bytes, a card that answers nothing for 10).
 */
#ifndef CUSTODY_SIM_PN532_CARD_H
#define CUSTODY_SIM_PN532_CARD_H

#include <stddef.h>
#include <stdint.h>

#include "pn532.h"

struct sim_card {
	uint8_t uid[PN532_UID_MAX];
	size_t uid_len;
	int auth_sector;	/* the MIFARE Classic sector authenticated, -1 none */
};

void sim_card_set(struct sim_card *c, const uint8_t *uid, size_t uid_len);
/* InListPassiveTarget's InitiatorData for 106 kbps type A: none, or the UID to select (4
 * bytes, or cascaded: 88 + 7 bytes, 88 + 3 + 88 + 7 bytes); 1 when it names this card. */
int sim_card_named(const struct sim_card *c, const uint8_t *init, size_t n);
/* The card's answer to cmd: a PN532 status byte (PN532_ST_*), and on PN532_ST_OK *outn bytes
 * of answer in out (room for 16). */
uint8_t sim_card_exchange(struct sim_card *c, const uint8_t *cmd, size_t n, uint8_t *out,
    size_t *outn);

#endif
