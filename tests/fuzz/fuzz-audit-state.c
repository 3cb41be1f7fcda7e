/*
 * libFuzzer target for custody-audit's state file (src/audit/state.c): whatever the bytes,
 * the parser keeps a state or refuses with a message; a state it keeps is exactly the
 * documented form (docs/transparency.md, "The outside auditor"): written back from what was
 * parsed it gives the same bytes, its leaf count is its checkpoint's size and within the
 * bound, and the same bytes under a bound one lower are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/state.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BOUND 4096

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct audit_state st, st2;
	struct errmsg em;
	char head[128];
	size_t off;
	int hl;

	err_clear(&em);
	if (audit_state_parse(data, size, BOUND, &st, &em) != CST_OK) {
		check(em.text[0] != '\0' && st.leaves == NULL);
		return 0;
	}
	check(st.cp.size >= 0 && st.cp.size <= BOUND && st.note_len < CKPT_NOTE_MAX);
	hl = snprintf(head, sizeof head, "%s\nnote %zu\n", AUDIT_STATE_MAGIC, st.note_len);
	check((size_t)hl <= size && memcmp(data, head, (size_t)hl) == 0);
	off = (size_t)hl;
	check(memcmp(data + off, st.note, st.note_len) == 0);
	off += st.note_len;
	hl = snprintf(head, sizeof head, "leaves %lld\n", (long long)st.cp.size);
	check(memcmp(data + off, head, (size_t)hl) == 0);
	off += (size_t)hl;
	check(size - off == (size_t)st.cp.size * TLOG_HASH_BYTES);
	check(memcmp(data + off, st.leaves, size - off) == 0);
	if (st.cp.size > 0) {
		check(audit_state_parse(data, size, st.cp.size - 1, &st2, &em) != CST_OK);
		check(st2.leaves == NULL);
	}
	audit_state_free(&st);
	return 0;
}
