/*
 * The normal form of the ids a clerk, a reader or another terminal hands us: wristbands and
 * cards (EM4100, PN532 UIDs, the dock's band ids) and property tags (UHF EPCs, MIFARE UIDs).
 * Every check of "is this id in use" and every lookup compares normal forms, so that a band
 * typed 0a:0b:0c:0d:0e and the same band tapped (0A0B0C0D0E) are one band.
 */
#ifndef CUSTODY_IDS_H
#define CUSTODY_IDS_H

#include <stdint.h>

#include "error.h"

#define IDS_BAND_MIN 4		/* hex digits: the shortest band id we know (fixtures, badges) */
#define IDS_BAND_MAX 32		/* a 16-byte id, the dock's longest (DOCK_BAND_ID_MAX) */
#define IDS_TAG_MIN 8		/* a 4-byte MIFARE UID */
#define IDS_TAG_MAX 64		/* a 32-byte EPC (UHF_EPC_MAX) */
#define IDS_INPUT_MAX 200	/* bytes of input looked at, separators included */

/*
 * A band or card id as scanned, read or recorded, to upper-case hex without the spaces, colons
 * and dashes people and scanners put between its bytes. CST_ERR_ARG with a message for
 * anything else.  This is the normal form every record and lookup holds; what a clerk types
 * may also be a printed form (ids_band_read).
 */
int ids_band(const char *in, char out[IDS_BAND_MAX + 1], struct errmsg *em);

/*
 * The numbers printed on EM4100 fobs and bands (docs/devices.md, "Printed numbers"): the
 * 10-digit decimal of the four data bytes ("0004614178"), and Wiegand-26 "FFF,CCCCC"
 * (facility = the third byte, card = the last two).  Neither holds the first (version) byte,
 * and W26 not the second either, so a printed form finds a band the terminal knows; it
 * cannot make a new one.  Ten decimal digits and nothing else are also ten hex digits:
 * IDS_FORM_DIGITS holds both readings, and the caller decides (visit_band_typed).
 */
enum ids_form {
	IDS_FORM_HEX,		/* hex: the normal form in hex */
	IDS_FORM_DIGITS,	/* ten decimal digits: hex and dec both */
	IDS_FORM_W26		/* "FFF,CCCCC": w26 = facility << 16 | card */
};

struct ids_band_read {
	enum ids_form form;
	char hex[IDS_BAND_MAX + 1];	/* HEX, DIGITS: the hex reading */
	uint32_t dec;			/* DIGITS: the data bytes 2-5 */
	uint32_t w26;			/* W26: bytes 3-5 */
};

#define IDS_PRINTED_MAX 24	/* "0004614178 · 070,27938" and its NUL */

/* A band as typed: hex, ten digits or W26; CST_ERR_ARG with a message for anything else. */
int ids_band_read(const char *in, struct ids_band_read *r, struct errmsg *em);
/* 1 when the band (a normal form) is one the printed form r describes, else 0. */
int ids_band_matches(const struct ids_band_read *r, const char *band);
/*
 * The printed forms of an EM4100 band (10 hex digits) as "0004614178 · 070,27938" in out;
 * "" for any other id.
 */
void ids_band_printed(const char *band, char out[IDS_PRINTED_MAX]);
/*
 * A band's normal form as a form field shows it: itself, or with colons between its bytes
 * when it is ten decimal digits, so that it reads back as hex and never as a printed number.
 */
#define IDS_FIELD_MAX (IDS_BAND_MAX * 3 / 2)
void ids_band_field(const char *band, char out[IDS_FIELD_MAX + 1]);
/* A property tag (EPC or UID) likewise: an even count of hex digits, 8 to 64. */
int ids_tag(const char *in, char out[IDS_TAG_MAX + 1], struct errmsg *em);
/*
 * For lookups of ids recorded by others (a foreign event's body): the normal form when s is
 * one, else s as it is, cut to size, so that an odd id still finds itself.
 */
void ids_band_key(const char *s, char out[IDS_BAND_MAX + 1]);
void ids_tag_key(const char *s, char out[IDS_TAG_MAX + 1]);

#endif
