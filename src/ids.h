/*
 * The normal form of the ids a clerk, a reader or another terminal hands us: wristbands and
 * cards (EM4100, PN532 UIDs, the dock's band ids) and property tags (UHF EPCs, MIFARE UIDs).
 * Every check of "is this id in use" and every lookup compares normal forms, so that a band
 * typed 0a:0b:0c:0d:0e and the same band tapped (0A0B0C0D0E) are one band.
 */
#ifndef CUSTODY_IDS_H
#define CUSTODY_IDS_H

#include "error.h"

#define IDS_BAND_MIN 4		/* hex digits: the shortest band id we know (fixtures, badges) */
#define IDS_BAND_MAX 32		/* a 16-byte id, the dock's longest (DOCK_BAND_ID_MAX) */
#define IDS_TAG_MIN 8		/* a 4-byte MIFARE UID */
#define IDS_TAG_MAX 64		/* a 32-byte EPC (UHF_EPC_MAX) */
#define IDS_INPUT_MAX 200	/* bytes of input looked at, separators included */

/*
 * A band or card id as typed, scanned or read, to upper-case hex without the spaces, colons
 * and dashes people and scanners put between its bytes. CST_ERR_ARG with a message for
 * anything else. (Issue 16 adds the decimal forms printed on EM4100 bands here.)
 */
int ids_band(const char *in, char out[IDS_BAND_MAX + 1], struct errmsg *em);
/* A property tag (EPC or UID) likewise: an even count of hex digits, 8 to 64. */
int ids_tag(const char *in, char out[IDS_TAG_MAX + 1], struct errmsg *em);
/*
 * For lookups of ids recorded by others (a foreign event's body): the normal form when s is
 * one, else s as it is, cut to size, so that an odd id still finds itself.
 */
void ids_band_key(const char *s, char out[IDS_BAND_MAX + 1]);
void ids_tag_key(const char *s, char out[IDS_TAG_MAX + 1]);

#endif
