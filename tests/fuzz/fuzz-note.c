/*
 * libFuzzer target for signed notes, checkpoint bodies and verifier keys (src/checkpoint.c):
 * whatever the bytes, no crash; a note that parses is written back byte for byte and
 * re-parses to the same signatures; a checkpoint body that parses is written back as a prefix
 * of it (the extension lines dropped) that parses to the same checkpoint; a vkey that parses
 * is written back as it came.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
note_case(const char *s, size_t size)
{
	static struct note a, b;
	static char out[CKPT_NOTE_MAX + 1];
	size_t n;
	int i;

	if (note_parse(s, size, &a) != 0)
		return;
	check(a.nsigs >= 1 && a.nsigs <= CKPT_MAX_SIGS && a.body_len > 0 &&
	    a.body[a.body_len - 1] == '\n');
	n = note_write(&a, out, sizeof out);
	check(n == size && memcmp(out, s, size) == 0);
	check(note_parse(out, n, &b) == 0 && b.nsigs == a.nsigs && b.body_len == a.body_len);
	for (i = 0; i < a.nsigs; i++)
		check(strcmp(a.sigs[i].name, b.sigs[i].name) == 0 &&
		    a.sigs[i].key_id == b.sigs[i].key_id && a.sigs[i].type == b.sigs[i].type &&
		    a.sigs[i].timestamp == b.sigs[i].timestamp &&
		    memcmp(a.sigs[i].sig, b.sigs[i].sig, sizeof a.sigs[i].sig) == 0);
}

static void
checkpoint_case(const char *s, size_t size)
{
	struct checkpoint a, b;
	char out[CKPT_ORIGIN_MAX + 64];
	size_t n;

	if (checkpoint_parse(s, size, &a) != 0)
		return;
	check(a.size >= 0 && a.origin[0] != '\0');
	n = checkpoint_body(&a, out, sizeof out);
	check(n > 0 && n <= size && memcmp(out, s, n) == 0);
	check(checkpoint_parse(out, n, &b) == 0 && b.size == a.size &&
	    strcmp(a.origin, b.origin) == 0 && memcmp(a.root, b.root, sizeof a.root) == 0);
}

static void
vkey_case(const uint8_t *data, size_t size)
{
	char in[CKPT_VKEY_MAX + 16], name[CKPT_ORIGIN_MAX + 1], out[CKPT_VKEY_MAX];
	unsigned char pk[CRY_PK_BYTES];

	if (size >= sizeof in)
		return;
	memcpy(in, data, size);
	in[size] = '\0';
	if (note_vkey_parse(in, name, pk) != 0)
		return;
	check(note_vkey(name, pk, out) == strlen(in) && strcmp(out, in) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	note_case((const char *)data, size);
	checkpoint_case((const char *)data, size);
	vkey_case(data, size);
	return 0;
}
