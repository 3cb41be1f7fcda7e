/*
 * Checkpoints of the transparency log as C2SP signed notes (docs/transparency.md): the
 * c2sp.org/tlog-checkpoint body (origin, tree size, base64 root), Ed25519 note signatures
 * (c2sp.org/signed-note, key type 0x01), cosignatures of witnesses (c2sp.org/tlog-cosignature,
 * key type 0x04, "cosignature/v1" with a timestamp), verifier keys in the "name+id+key" form
 * golang.org/x/mod/sumdb/note reads, and the offline proof (c2sp.org/tlog-proof).
 */
#ifndef CUSTODY_CHECKPOINT_H
#define CUSTODY_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "tlog.h"

#define CKPT_ORIGIN_MAX 128	/* bytes of an origin or key name */
#define CKPT_NOTE_MAX 8192	/* bytes of a signed note we read or write */
#define CKPT_MAX_SIGS 32	/* signature lines of one note we keep */
#define CKPT_VKEY_MAX (CKPT_ORIGIN_MAX + 64)

struct checkpoint {
	char origin[CKPT_ORIGIN_MAX + 1];
	int64_t size;
	unsigned char root[TLOG_HASH_BYTES];
};

/*
 * One signature line of a note: the key name, its 4-byte id and what follows it. The type is
 * read from the shape, since a line does not name it: 64 bytes after the id are an Ed25519
 * note signature (0x01), 8 + 64 bytes with a timestamp below 2^63 a cosignature (0x04); any
 * other signature (another algorithm, an unknown witness) is type 0 and its bytes are kept
 * in the note's other[] at other_off, so that the note is written back as it came. Which key
 * made a line is only known by checking its id against a key: a line of type 0x01 or 0x04
 * may well be of an unknown key, and is then ignored by note_verify and note_cosigned.
 */
struct note_sig {
	char name[CKPT_ORIGIN_MAX + 1];
	uint32_t key_id;
	unsigned char type;		/* 0x01 Ed25519 note signature, 0x04 cosignature, 0 other */
	uint64_t timestamp;		/* of a cosignature */
	unsigned char sig[CRY_SIG_BYTES];
	size_t other_off, other_len;	/* of type 0: its bytes after the id in the note's other[] */
};

struct note {
	char body[CKPT_NOTE_MAX];	/* the signed text, ending in "\n" */
	size_t body_len;
	struct note_sig sigs[CKPT_MAX_SIGS];
	int nsigs;
	unsigned char other[CKPT_NOTE_MAX];	/* the bytes of signatures of type 0 */
	size_t other_len;
};

/*
 * Standard padded base64 (RFC 4648 §4). Decoding is strict (the alphabet checked, canonical,
 * at most cap bytes out): 0 or -1. Encoding writes a NUL too and returns the length, or 0
 * when it does not fit in cap.
 */
int ckpt_b64_decode(const char *s, size_t len, unsigned char *out, size_t cap, size_t *n);
size_t ckpt_b64_encode(const unsigned char *in, size_t n, char *out, size_t cap);

/* The key id of name and pk for a key type (0x01 or 0x04): SHA-256(name "\n" type pk)[:4]. */
uint32_t note_key_id(const char *name, unsigned char type, const unsigned char pk[CRY_PK_BYTES]);
/* "name+hex8id+base64(0x01 || pk)": what note.NewVerifier takes. Returns the length. */
size_t note_vkey(const char *name, const unsigned char pk[CRY_PK_BYTES], char out[CKPT_VKEY_MAX]);
/* Parses a verifier key of type 0x01: 0, or -1 when malformed or its id does not match. */
int note_vkey_parse(const char *vkey, char name[CKPT_ORIGIN_MAX + 1],
    unsigned char pk[CRY_PK_BYTES]);

/* The checkpoint body "origin\nsize\nbase64(root)\n"; returns its length, 0 when it does not fit. */
size_t checkpoint_body(const struct checkpoint *c, char *out, size_t cap);
/* Parses a body (extension lines are allowed and ignored): 0 or -1. */
int checkpoint_parse(const char *body, size_t n, struct checkpoint *c);

/*
 * Splits a signed note (at most CKPT_NOTE_MAX bytes) into its body and signature lines: 0, or
 * -1 when malformed: not UTF-8, a control character other than "\n", no blank line before the
 * signatures, a signature line that is not "— name base64\n" (a name with a space or "+", a
 * signature of less than 5 bytes, base64 that is not canonical), more than CKPT_MAX_SIGS
 * lines. A note that parses is written back by note_write byte for byte.
 */
int note_parse(const char *text, size_t n, struct note *out);
/* Writes body then a blank line then every signature line; returns the length or 0. */
size_t note_write(const struct note *nt, char *out, size_t cap);
/*
 * Adds an Ed25519 note signature by (name, sk) over the body, in place of a line of the same
 * name and key id if there is one: 0, or -1 when the body does not end in "\n" or holds what
 * a note may not (a control character, bytes that are not UTF-8), the name is not a valid key
 * name or the note holds CKPT_MAX_SIGS lines already.
 */
int note_sign(struct note *nt, const char *name, const unsigned char sk[CRY_SK_BYTES]);
/*
 * 1 when a signature line of name and pk's key id verifies with pk over the body and no
 * other line of that key fails (c2sp.org/signed-note: a known key's bad signature rejects the
 * note); lines of other keys are ignored.
 */
int note_verify(const struct note *nt, const char *name, const unsigned char pk[CRY_PK_BYTES]);

/*
 * Cosignatures (c2sp.org/tlog-cosignature, the Ed25519 type 0x04): the signed message is
 * "cosignature/v1\ntime T\n" then the checkpoint body. cosign adds the line (replacing one
 * of the same key), 0 or -1 as note_sign, or when timestamp is above 2^63 - 1; cosigned is 1
 * when name's cosignature verifies with pk (and none of that key fails), and gives its time.
 */
int note_cosign(struct note *nt, const char *name, const unsigned char sk[CRY_SK_BYTES],
    uint64_t timestamp);
int note_cosigned(const struct note *nt, const char *name, const unsigned char pk[CRY_PK_BYTES],
    uint64_t *timestamp);
/*
 * One signature line of type 0x01 or 0x04 as text ("— name base64\n"); returns its length,
 * or 0 when it does not fit or is of type 0 (its bytes live in the note: use note_write).
 */
size_t note_sig_line(const struct note_sig *s, char *out, size_t cap);

/*
 * The offline proof of one leaf (c2sp.org/tlog-proof@v1): the leaf index, its inclusion
 * proof and the signed checkpoint it proves against. The spec's "extra" line is optional
 * opaque data; ours carries the leaf data, and extra_len 0 means no extra line. Parse is
 * strict (the first line, an extra of 1 to TLOG_LEAF_MAX bytes, canonical decimal and base64,
 * at most TLOG_MAX_PROOF hashes, a checkpoint note whose body is a checkpoint with index
 * below its size) and a proof that parses is written back byte for byte; write returns the
 * length or 0.
 */
struct tlog_proof {
	int64_t index;
	unsigned char extra[TLOG_LEAF_MAX];	/* the leaf data, carried as "extra" */
	size_t extra_len;
	unsigned char hashes[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	int n;
	struct note checkpoint;
};
size_t tlog_proof_write(const struct tlog_proof *p, char *out, size_t cap);
int tlog_proof_parse(const char *text, size_t n, struct tlog_proof *p);

#endif
