/*
 * Signed notes, checkpoints, cosignatures and tlog-proof texts (src/checkpoint.c), on the test
 * vectors of golang.org/x/mod/sumdb/note (note_test.go, example_test.go: the PeterNeumann and
 * EnochRoot keys, Debian's golang-golang-x-mod-dev 0.7.0) and of the C2SP specifications
 * (signed-note.md: the example.com/foo key and note; tlog-checkpoint.md and
 * tlog-cosignature.md: the behind-the-sofa checkpoint and its witness cosignature; tlog-proof.md:
 * the proof's leading lines), then round trips and every refusal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "crypto.h"

#include "t.h"

/* golang.org/x/mod/sumdb/note, note_test.go and example_test.go. */
static const char peter_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";	/* 0x01 || seed */
static const char enoch_vkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char peter_text[] = "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
static const char peter_sig[] = "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] = "\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

/* c2sp.org/signed-note, "Example". */
static const char foo_vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char foo_note[] = "This is an example message.\n\n"
    "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/* c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature, the examples. */
static const char sofa_body[] = "example.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
static const char sofa_sigs[] = "\xe2\x80\x94 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xe2\x80\x94 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";

/* c2sp.org/tlog-proof, the example's lines before its checkpoint (whose signatures it elides). */
static const char proof_head[] = "c2sp.org/tlog-proof@v1\n"
    "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
    "index 73894\n"
    "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
    "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
    "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
    "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
    "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
    "\n";

static char buf[3 * CKPT_NOTE_MAX];

static int
parses(const char *text)
{
	static struct note nt;

	return note_parse(text, strlen(text), &nt) == 0;
}

/* text parses and is written back byte for byte. */
static int
round_trips(const char *text)
{
	static struct note nt;
	size_t n;

	if (note_parse(text, strlen(text), &nt) != 0)
		return 0;
	n = note_write(&nt, buf, sizeof buf);
	return n == strlen(text) && memcmp(buf, text, n) == 0;
}

static void
test_go_vectors(void)
{
	static struct note nt;
	unsigned char seed[33], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], pk2[CRY_PK_BYTES];
	char name[CKPT_ORIGIN_MAX + 1], vkey[CKPT_VKEY_MAX], text[1024];
	size_t n;

	ok(sodium_base642bin(seed, sizeof seed, peter_skey, strlen(peter_skey), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && n == 33 && seed[0] == 1, "PeterNeumann's seed");
	cry_keypair_from_seed(seed + 1, pk, sk);
	ok(note_key_id("PeterNeumann", 0x01, pk) == 0xc74f20a3, "PeterNeumann's key id is c74f20a3");
	n = note_vkey("PeterNeumann", pk, vkey);
	ok(n == strlen(peter_vkey) && strcmp(vkey, peter_vkey) == 0, "note_vkey writes Go's vkey");
	ok(note_vkey_parse(peter_vkey, name, pk2) == 0 && strcmp(name, "PeterNeumann") == 0 &&
	    memcmp(pk, pk2, CRY_PK_BYTES) == 0, "note_vkey_parse reads Go's vkey");

	/* note.Sign: Ed25519 is deterministic, so our signature is Go's, byte for byte. */
	memset(&nt, 0, sizeof nt);
	memcpy(nt.body, peter_text, strlen(peter_text));
	nt.body_len = strlen(peter_text);
	ok(note_sign(&nt, "PeterNeumann", sk) == 0, "note_sign");
	n = note_write(&nt, buf, sizeof buf);
	snprintf(text, sizeof text, "%s\n%s", peter_text, peter_sig);
	ok(n == strlen(text) && memcmp(buf, text, n) == 0, "the signed note is note.Sign's");
	ok(note_sign(&nt, "PeterNeumann", sk) == 0 && nt.nsigs == 1,
	    "signing again replaces the line of the same key");

	/* note.Open: one known key of two. */
	snprintf(text, sizeof text, "%s\n%s%s", peter_text, peter_sig, enoch_sig);
	ok(note_parse(text, strlen(text), &nt) == 0 && nt.nsigs == 2, "the two-signature note parses");
	ok(nt.sigs[0].key_id == 0xc74f20a3 && nt.sigs[1].key_id == 0xaf0cfe78 &&
	    strcmp(nt.sigs[1].name, "EnochRoot") == 0 && nt.sigs[1].type == 0x01,
	    "names and key ids of both lines");
	ok(note_verify(&nt, "PeterNeumann", pk), "PeterNeumann's signature verifies");
	ok(note_vkey_parse(enoch_vkey, name, pk2) == 0 && note_verify(&nt, "EnochRoot", pk2),
	    "EnochRoot's signature verifies with its vkey");
	ok(!note_verify(&nt, "EnochRoot", pk), "PeterNeumann's key does not verify EnochRoot's line");
	ok(!note_verify(&nt, "PeterNeumann", pk2), "nor EnochRoot's key PeterNeumann's line");
	ok(round_trips(text), "the note is written back byte for byte");

	/* A known key's failing signature rejects the note (x/mod: "invalid signature"). */
	snprintf(text, sizeof text, "%s\n%.60sABCD%s", peter_text, peter_sig, peter_sig + 60);
	ok(note_parse(text, strlen(text), &nt) == 0 && !note_verify(&nt, "PeterNeumann", pk),
	    "a forged PeterNeumann line does not verify");
	snprintf(text, sizeof text, "%s\n%s%.60sABCD%s", peter_text, peter_sig, peter_sig, peter_sig + 60);
	ok(note_parse(text, strlen(text), &nt) == 0 && !note_verify(&nt, "PeterNeumann", pk),
	    "a good and a forged line of the same key: refused");
	snprintf(text, sizeof text, "%s\n%s%.60sABCD%s", peter_text, peter_sig, enoch_sig, enoch_sig + 60);
	ok(note_parse(text, strlen(text), &nt) == 0 && note_verify(&nt, "PeterNeumann", pk),
	    "a forged line of another key is ignored");
	snprintf(text, sizeof text, "%s\n%s", peter_text, peter_sig);
	text[5] ^= 1;
	ok(note_parse(text, strlen(text), &nt) == 0 && !note_verify(&nt, "PeterNeumann", pk),
	    "a modified body does not verify");

	/* x/mod's malformed notes (TestOpen's badMsgs). */
	ok(!parses(peter_text), "refused: no blank line and no signature");
	snprintf(text, sizeof text, "%s\n", peter_text);
	ok(!parses(text), "refused: a blank line and no signature");
	snprintf(text, sizeof text, "%s\n%.*s", peter_text, (int)strlen(peter_sig) - 1, peter_sig);
	ok(!parses(text), "refused: a signature line without its newline");
	snprintf(text, sizeof text, "\x01%s\n%s", peter_text, peter_sig);
	ok(!parses(text), "refused: a control character");
	snprintf(text, sizeof text, "\xff%s\n%s", peter_text, peter_sig);
	ok(!parses(text), "refused: not UTF-8");
	snprintf(text, sizeof text, "%s\n\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n", peter_text);
	ok(!parses(text), "refused: a name with a space");
	snprintf(text, sizeof text, "%s\n%sUnexpected line.\n", peter_text, peter_sig);
	ok(!parses(text), "refused: a line after the signatures that is not one");
}

static void
test_c2sp_vectors(void)
{
	static struct note nt;
	struct checkpoint c;
	unsigned char pk[CRY_PK_BYTES], root[32];
	char name[CKPT_ORIGIN_MAX + 1], text[1024];
	uint64_t ts;
	size_t n;

	ok(note_vkey_parse(foo_vkey, name, pk) == 0 && strcmp(name, "example.com/foo") == 0,
	    "signed-note: the example vkey parses");
	ok(note_parse(foo_note, strlen(foo_note), &nt) == 0 && note_verify(&nt, "example.com/foo", pk),
	    "signed-note: the example note verifies with it");
	ok(round_trips(foo_note), "signed-note: the example is written back byte for byte");

	snprintf(text, sizeof text, "%s\n%s", sofa_body, sofa_sigs);
	ok(note_parse(text, strlen(text), &nt) == 0 && nt.nsigs == 2 && round_trips(text),
	    "tlog-cosignature: the example checkpoint parses and round-trips");
	ok(nt.sigs[0].type == 0x01 && nt.sigs[1].type == 0x04 &&
	    strcmp(nt.sigs[1].name, "witness.example.com/w1") == 0,
	    "the log's line is a note signature, the witness's a cosignature");
	ok(nt.sigs[1].timestamp == 1679315147, "the cosignature's time is the spec's 1679315147");
	ok(checkpoint_parse(nt.body, nt.body_len, &c) == 0 &&
	    strcmp(c.origin, "example.com/behind-the-sofa") == 0 && c.size == 20852163,
	    "tlog-checkpoint: origin and size");
	ok(sodium_base642bin(root, 32, "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", 44, NULL, &n,
	    NULL, sodium_base64_VARIANT_ORIGINAL) == 0 && memcmp(root, c.root, 32) == 0, "and root");
	n = checkpoint_body(&c, text, sizeof text);
	ok(n == strlen(sofa_body) && memcmp(text, sofa_body, n) == 0, "checkpoint_body writes it back");
	ok(!note_cosigned(&nt, "witness.example.com/w1", pk, &ts),
	    "a cosignature is not verified with an unrelated key");
}

static void
test_checkpoints(void)
{
	struct checkpoint c, d;
	char text[512];
	size_t n;

	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "custody-ledger/0123456789abcdef");
	c.size = 0;
	n = checkpoint_body(&c, text, sizeof text);
	ok(n > 0 && checkpoint_parse(text, n, &d) == 0 && d.size == 0 && strcmp(d.origin, c.origin) == 0,
	    "a checkpoint of size 0 round-trips");
	c.size = INT64_MAX;
	memset(c.root, 0xee, sizeof c.root);
	n = checkpoint_body(&c, text, sizeof text);
	ok(n > 0 && checkpoint_parse(text, n, &d) == 0 && d.size == INT64_MAX &&
	    memcmp(d.root, c.root, 32) == 0, "a checkpoint of size 2^63 - 1 round-trips");
	ok(checkpoint_body(&c, text, 20) == 0, "checkpoint_body refuses a short buffer");
	snprintf(c.origin, sizeof c.origin, "a\nb");
	ok(checkpoint_body(&c, text, sizeof text) == 0, "checkpoint_body refuses an origin with a newline");

#define BODY_OK(s, what) ok(checkpoint_parse(s, strlen(s), &d) == 0, what)
#define BODY_BAD(s, what) ok(checkpoint_parse(s, strlen(s), &d) != 0, what)
	BODY_OK("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\next two\n",
	    "extension lines are allowed");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\next\n", "refused: an empty extension line");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "refused: no final newline");
	BODY_BAD("\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: an empty origin");
	BODY_BAD("o\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: a leading zero");
	BODY_BAD("o\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: a negative size");
	BODY_BAD("o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: a size with a sign");
	BODY_BAD("o\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	    "refused: a size of 2^63");
	BODY_BAD("o\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: an empty size");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n", "refused: a 31-byte root");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "refused: non-canonical base64");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "refused: URL-safe base64");
	BODY_BAD("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "refused: missing padding");
	BODY_BAD("o\n5\n", "refused: no root");
	BODY_BAD("o\r\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "refused: a carriage return");
	memset(text, 'o', 129);
	snprintf(text + 129, sizeof text - 129, "\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	BODY_BAD(text, "refused: an origin of 129 bytes");
	text[0] = '\n';
	BODY_BAD(text + 1 - 1, "refused: a blank first line");
	memmove(text, text + 1, strlen(text));
	BODY_OK(text, "an origin of 128 bytes is allowed");
}

/* A checkpoint note signed by a fresh key: the base of the next tests. */
static void
make_note(struct note *nt, const char *origin, int64_t size, unsigned char pk[CRY_PK_BYTES],
    unsigned char sk[CRY_SK_BYTES])
{
	unsigned char seed[CRY_SEED_BYTES];
	struct checkpoint c;

	cry_keypair_new(seed, pk, sk);
	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", origin);
	c.size = size;
	cry_random(c.root, sizeof c.root);
	memset(nt, 0, sizeof *nt);
	nt->body_len = checkpoint_body(&c, nt->body, sizeof nt->body);
	note_sign(nt, origin, sk);
}

static void
test_refusals(void)
{
	static struct note nt;
	static char text[2 * CKPT_NOTE_MAX], line[256];
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	size_t n;
	int i;

	make_note(&nt, "custody-ledger/0123456789abcdef", 7, pk, sk);
	n = note_write(&nt, text, sizeof text);
	ok(n > 0 && round_trips(text), "a signed checkpoint round-trips");
	note_sig_line(&nt.sigs[0], line, sizeof line);

#define NOTE_BAD(what) ok(!parses(text), what)
#define SET(...) snprintf(text, sizeof text, __VA_ARGS__)
	SET("a\n\r\n\n%s", line);
	NOTE_BAD("refused: a carriage return in the body");
	SET("a\tb\n\n%s", line);
	NOTE_BAD("refused: a tab in the body");
	SET("a\n\n\xe2\x80\x94 na+me AAAAAAA=\n");
	NOTE_BAD("refused: a name with a plus");
	SET("a\n\n\xe2\x80\x94 na\xc2\xa0me AAAAAAA=\n");
	NOTE_BAD("refused: a name with U+00A0");
	SET("a\n\n\xe2\x80\x94 na\xe3\x80\x80me AAAAAAA=\n");
	NOTE_BAD("refused: a name with U+3000");
	SET("a\n\n\xe2\x80\x94  AAAAAAA=\n");
	NOTE_BAD("refused: an empty name");
	SET("a\n\n\xe2\x80\x94 name AAAAAA==\n");
	NOTE_BAD("refused: a signature of 4 bytes (a key id alone)");
	SET("a\n\n\xe2\x80\x94 name AAAAAAA=\n");
	ok(parses(text), "a signature of 5 bytes is well-formed (an unknown type)");
	SET("a\n\n\xe2\x80\x94 name AAAAAAB=\n");
	NOTE_BAD("refused: base64 with bits set after the end");
	SET("a\n\n\xe2\x80\x94 name AAAAAAA\n");
	NOTE_BAD("refused: base64 without padding");
	SET("a\n\n\xe2\x80\x94 name \n");
	NOTE_BAD("refused: no signature after the name");
	SET("a\n\n- name AAAAAAA=\n");
	NOTE_BAD("refused: a hyphen instead of the em dash");
	SET("a\n\n\xe2\x80\x94name AAAAAAA=\n");
	NOTE_BAD("refused: no space after the em dash");
	SET("a\xc0\xaf\n\n%s", line);
	NOTE_BAD("refused: an overlong UTF-8 form");
	SET("a\xed\xa0\x80\n\n%s", line);
	NOTE_BAD("refused: a UTF-16 surrogate");
	SET("a\n\n%s\n%s", line, line);
	ok(note_parse(text, strlen(text), &nt) == 0 && nt.nsigs == 1 && nt.body_len == 3 + strlen(line),
	    "the last blank line splits: a line before it is text");
	memset(text, 'x', 130);
	memcpy(text, "a\n\n\xe2\x80\x94 ", 7);
	snprintf(text + 7 + 129, sizeof text - 136, " AAAAAAA=\n");
	NOTE_BAD("refused: a name of 129 bytes");
	ok(note_parse("a\n\n\0\x80\x94 n AAAAAAA=\n", 18, &nt) != 0, "refused: a NUL byte");

	/* Many signatures: the spec's 16 must be accepted, ours are 32. */
	SET("a\n\n");
	for (i = 0; i < CKPT_MAX_SIGS; i++)
		strcat(text, line);
	ok(round_trips(text), "32 signature lines parse and round-trip");
	strcat(text, line);
	NOTE_BAD("refused: 33 signature lines");

	/* Size: the whole note at most CKPT_NOTE_MAX bytes. */
	memset(text, 'b', sizeof text);
	n = CKPT_NOTE_MAX - 1 - strlen(line);
	text[n - 1] = '\n';
	text[n] = '\n';
	memcpy(text + n + 1, line, strlen(line) + 1);
	ok(strlen(text) == CKPT_NOTE_MAX && parses(text), "a note of CKPT_NOTE_MAX bytes parses");
	memmove(text + 1, text, strlen(text) + 1);
	NOTE_BAD("refused: a note of CKPT_NOTE_MAX + 1 bytes");
}

static void
test_unknown_and_sign(void)
{
	static struct note nt, full;
	static char text[CKPT_NOTE_MAX];
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], big[4 + 2428];
	char b64[4000];
	int i;

	/* An ML-DSA-44-sized cosignature of an unknown witness: kept, written back, ignored. */
	make_note(&nt, "log.example/a", 3, pk, sk);
	for (i = 0; i < (int)sizeof big; i++)
		big[i] = (unsigned char)(i * 7);
	sodium_bin2base64(b64, sizeof b64, big, sizeof big, sodium_base64_VARIANT_ORIGINAL);
	note_write(&nt, text, sizeof text);
	snprintf(text + strlen(text), sizeof text - strlen(text), "\xe2\x80\x94 pq.witness/1 %s\n", b64);
	ok(note_parse(text, strlen(text), &nt) == 0 && nt.nsigs == 2 && nt.sigs[1].type == 0 &&
	    nt.sigs[1].other_len == sizeof big - 4, "a signature of another type is kept");
	ok(round_trips(text), "and written back byte for byte");
	ok(note_verify(&nt, "log.example/a", pk), "the log's signature still verifies beside it");
	ok(note_sig_line(&nt.sigs[1], b64, sizeof b64) == 0, "note_sig_line does not write type 0");

	/* A 72-byte line whose "timestamp" is 2^63 or more is no cosignature: type 0, kept. */
	memset(big, 0xff, 4 + 72);
	sodium_bin2base64(b64, sizeof b64, big, 4 + 72, sodium_base64_VARIANT_ORIGINAL);
	note_write(&nt, text, sizeof text);
	snprintf(text + strlen(text), sizeof text - strlen(text), "\xe2\x80\x94 w %s\n", b64);
	ok(note_parse(text, strlen(text), &nt) == 0 && nt.sigs[2].type == 0 && round_trips(text),
	    "a 72-byte line with a time of 2^63 or more is kept as another type");

	/* note_sign refuses what it cannot sign. */
	make_note(&full, "log.example/b", 1, pk, sk);
	ok(note_sign(&full, "bad name", sk) != 0, "note_sign refuses a name with a space");
	ok(note_sign(&full, "", sk) != 0, "note_sign refuses an empty name");
	for (i = 1; i < CKPT_MAX_SIGS; i++) {
		unsigned char p2[CRY_PK_BYTES], s2[CRY_SK_BYTES], seed[CRY_SEED_BYTES];

		cry_keypair_new(seed, p2, s2);
		note_sign(&full, "other", s2);
	}
	ok(full.nsigs == CKPT_MAX_SIGS, "a note filled with 32 signatures");
	cry_keypair_new(big, pk, sk);
	ok(note_sign(&full, "one-more", sk) != 0, "note_sign refuses a 33rd line");
	full.body[full.body_len - 1] = 'x';
	ok(note_sign(&full, "other", sk) != 0, "note_sign refuses a body without a final newline");
	memset(&full, 0, sizeof full);
	ok(note_write(&full, text, sizeof text) == 0, "note_write refuses a note with no signature");
}

static void
test_cosign(void)
{
	static struct note nt, again;
	static char text[CKPT_NOTE_MAX];
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], wpk[CRY_PK_BYTES], wsk[CRY_SK_BYTES];
	unsigned char seed[CRY_SEED_BYTES], msg[256];
	const char *w = "custody-ledger/0123456789abcdef/witness/intake-01";
	uint64_t ts = 0;
	size_t n;
	int m;

	make_note(&nt, "custody-ledger/0123456789abcdef", 42, pk, sk);
	cry_keypair_new(seed, wpk, wsk);
	ok(note_cosign(&nt, w, wsk, 1795392000) == 0 && nt.nsigs == 2 && nt.sigs[1].type == 0x04,
	    "note_cosign adds a cosignature line");
	ok(nt.sigs[1].key_id == note_key_id(w, 0x04, wpk) &&
	    nt.sigs[1].key_id != note_key_id(w, 0x01, wpk), "its key id is of type 0x04");
	ok(note_cosigned(&nt, w, wpk, &ts) && ts == 1795392000, "note_cosigned verifies it, with its time");
	ok(note_verify(&nt, "custody-ledger/0123456789abcdef", pk), "the log's signature verifies beside it");
	ok(!note_verify(&nt, w, wpk), "a cosignature is not a note signature of the witness");

	/* The signed message, built by hand from the spec: cosignature/v1, time, body. */
	m = snprintf((char *)msg, sizeof msg, "cosignature/v1\ntime 1795392000\n%.*s",
	    (int)nt.body_len, nt.body);
	ok(cry_verify(wpk, msg, (size_t)m, nt.sigs[1].sig), "the signature is over the spec's message");

	n = note_write(&nt, text, sizeof text);
	ok(n > 0 && note_parse(text, n, &again) == 0 && note_cosigned(&again, w, wpk, &ts) &&
	    ts == 1795392000, "a cosigned note round-trips and still verifies");
	again.sigs[1].timestamp++;
	ok(!note_cosigned(&again, w, wpk, &ts), "a changed time does not verify");
	ok(note_parse(text, n, &again) == 0, "parsed again");
	again.body[0] ^= 1;
	ok(!note_cosigned(&again, w, wpk, &ts), "a changed body does not verify");
	ok(!note_cosigned(&nt, w, pk, &ts), "another key does not verify it");
	ok(!note_cosigned(&nt, "other/witness", wpk, &ts), "another name does not verify it");
	ok(note_cosign(&nt, w, wsk, 1795392060) == 0 && nt.nsigs == 2 &&
	    note_cosigned(&nt, w, wpk, &ts) && ts == 1795392060, "cosigning again replaces the line");
	ok(note_cosign(&nt, w, wsk, (uint64_t)INT64_MAX + 1) != 0, "a time of 2^63 is refused");
	n = note_sig_line(&nt.sigs[1], (char *)msg, sizeof msg);
	ok(n > 0 && strncmp((char *)msg, "\xe2\x80\x94 custody-ledger/", 19) == 0 && msg[n - 1] == '\n',
	    "note_sig_line writes the cosignature line");
	ok(note_sig_line(&nt.sigs[1], (char *)msg, 40) == 0, "note_sig_line refuses a short buffer");
}

static void
test_vkeys(void)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], seed[CRY_SEED_BYTES], pk2[CRY_PK_BYTES];
	char name[CKPT_ORIGIN_MAX + 1], vkey[CKPT_VKEY_MAX], bad[CKPT_VKEY_MAX + 8];
	char longname[CKPT_ORIGIN_MAX + 2];

	cry_keypair_new(seed, pk, sk);
	ok(note_vkey("custody-ledger/0123456789abcdef", pk, vkey) > 0 &&
	    note_vkey_parse(vkey, name, pk2) == 0 && memcmp(pk, pk2, 32) == 0, "a vkey round-trips");
	memset(longname, 'n', CKPT_ORIGIN_MAX);
	longname[CKPT_ORIGIN_MAX] = '\0';
	ok(note_vkey(longname, pk, vkey) > 0 && note_vkey_parse(vkey, name, pk2) == 0 &&
	    strcmp(name, longname) == 0, "a vkey with a name of 128 bytes round-trips");
	longname[CKPT_ORIGIN_MAX] = 'n';
	longname[CKPT_ORIGIN_MAX + 1] = '\0';
	ok(note_vkey(longname, pk, vkey) == 0, "note_vkey refuses a name of 129 bytes");
	ok(note_vkey("a b", pk, vkey) == 0, "note_vkey refuses a name with a space");

#define VKEY_BAD(s, what) ok(note_vkey_parse(s, name, pk2) != 0, what)
	VKEY_BAD("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "refused: a wrong key id");
	VKEY_BAD("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "refused: uppercase hex");
	VKEY_BAD("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "refused: 7 hex digits");
	VKEY_BAD("PeterNeumann+c74f20a3", "refused: no key");
	VKEY_BAD("PeterNeumann", "refused: no id");
	VKEY_BAD("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "refused: no name");
	/* x/mod's badKey cases: a longer key and an unknown algorithm, ids adjusted to match. */
	VKEY_BAD("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
	    "refused: a key of the wrong length (x/mod)");
	VKEY_BAD("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	    "refused: an unknown algorithm (x/mod)");
	VKEY_BAD("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n",
	    "refused: a trailing newline");
	snprintf(bad, sizeof bad, "%s", peter_vkey);
	bad[strlen(bad) - 1] = 'X';
	VKEY_BAD(bad, "refused: another key under the same id");
}

static void
test_proofs(void)
{
	static struct tlog_proof p, q;
	static struct note nt;
	static char text[3 * CKPT_NOTE_MAX], out[3 * CKPT_NOTE_MAX], body[CKPT_NOTE_MAX];
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	size_t n, hl = strlen(proof_head);
	int i;

	/* The spec's example lines, before the spec's example checkpoint. */
	snprintf(text, sizeof text, "%s%s\n%s", proof_head, sofa_body, sofa_sigs);
	ok(tlog_proof_parse(text, strlen(text), &p) == 0, "tlog-proof: the spec's example parses");
	ok(p.index == 73894 && p.n == 5 && p.extra_len == 39 &&
	    memcmp(p.extra, "age-v1.2.1-darwin-arm64.tar.gz", 30) == 0 && p.checkpoint.nsigs == 2,
	    "its index, extra, 5 hashes and the cosigned checkpoint");
	n = tlog_proof_write(&p, out, sizeof out);
	ok(n == strlen(text) && memcmp(out, text, n) == 0, "and it is written back byte for byte");
	ok(tlog_proof_write(&p, out, n) == 0, "tlog_proof_write refuses a buffer one byte short");
	ok(tlog_proof_write(&p, out, n + 1) == n, "and fits one byte longer (the NUL)");

	/* Ours: no extra, no hash (a tree of one leaf). */
	make_note(&nt, "custody-ledger/x", 1, pk, sk);
	memset(&q, 0, sizeof q);
	q.checkpoint = nt;
	n = tlog_proof_write(&q, out, sizeof out);
	ok(n > 0 && strncmp(out, "c2sp.org/tlog-proof@v1\nindex 0\n\n", 32) == 0,
	    "a proof without extra and hashes");
	ok(tlog_proof_parse(out, n, &p) == 0 && p.index == 0 && p.n == 0 && p.extra_len == 0 &&
	    note_verify(&p.checkpoint, "custody-ledger/x", pk), "parses back and its checkpoint verifies");

	/* Refusals. */
#define PROOF_BAD(what) ok(tlog_proof_parse(text, strlen(text), &p) != 0, what)
	snprintf(body, sizeof body, "%s\n%s", sofa_body, sofa_sigs);
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v2\nindex 1\n\n%s", body);
	PROOF_BAD("refused: another first line");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nextra \nindex 1\n\n%s", body);
	PROOF_BAD("refused: an empty extra");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nextra YQ\nindex 1\n\n%s", body);
	PROOF_BAD("refused: extra without padding");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\nextra YQ==\n\n%s", body);
	PROOF_BAD("refused: extra after index");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 01\n\n%s", body);
	PROOF_BAD("refused: an index with a leading zero");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex -1\n\n%s", body);
	PROOF_BAD("refused: a negative index");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 20852163\n\n%s", body);
	PROOF_BAD("refused: an index not below the checkpoint's size");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 20852162\n\n%s", body);
	ok(tlog_proof_parse(text, strlen(text), &p) == 0, "the last index is allowed");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\n%s", body);
	PROOF_BAD("refused: no blank line before the checkpoint");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\nAHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5v=\n\n%s", body);
	PROOF_BAD("refused: a hash of 31 bytes");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\n\n%s\n%s", "o\n5\n", sofa_sigs);
	PROOF_BAD("refused: a checkpoint whose body is not one");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\n\n%s", sofa_body);
	PROOF_BAD("refused: an unsigned checkpoint");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nextra ");
	memset(body, 'A', 144);
	memcpy(body + 144, "\nindex 1\n\n", 11);
	strcat(text, body);
	snprintf(body, sizeof body, "%s\n%s", sofa_body, sofa_sigs);
	strcat(text, body);
	ok(tlog_proof_parse(text, strlen(text), &p) != 0, "refused: extra of 108 bytes");
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v1\nindex 1\n");
	for (i = 0; i < TLOG_MAX_PROOF + 1; i++)
		strcat(text, "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n");
	strcat(text, "\n");
	strcat(text, body);
	PROOF_BAD("refused: 65 hashes");
	memcpy(text + hl - 1, "", 1);
	ok(tlog_proof_parse(text, hl - 1, &p) != 0, "refused: a proof cut short");
}

int
main(void)
{
	if (cry_init() != 0)
		return 99;
	test_go_vectors();
	test_c2sp_vectors();
	test_checkpoints();
	test_refusals();
	test_unknown_and_sign();
	test_cosign();
	test_vkeys();
	test_proofs();
	return t_done();
}
