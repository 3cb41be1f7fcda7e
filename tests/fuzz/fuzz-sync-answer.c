/*
 * libFuzzer target for the sync client's handling of the ledger's answers (src/sync.c): the
 * first byte picks the request the answer is for (head, chain, push, pull) and the second its
 * HTTP status; the rest is the body. Whatever comes, the engine must neither crash nor move
 * its acknowledged seq or its journal's head by an answer that carries no valid signature of
 * the enrolled ledger (the fuzzer cannot make one). sync.c is compiled in here to reach its
 * static handlers (and sync-heal.c with it); the library's copies are then never linked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync.c"
#include "sync-heal.c"
#include "terminal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct terminal *T;
static struct loop *L;
static unsigned char SK[CRY_SK_BYTES];

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
setup(void)
{
	unsigned char pk[CRY_PK_BYTES], seed[CRY_SEED_BYTES], lsk[CRY_SK_BYTES];
	char dir[] = "/tmp/fuzz-sync-XXXXXX", name[EV_MAX_ID + 1];
	struct sync_conf cf;
	struct errmsg em;

	check(cry_init() == CST_OK && mkdtemp(dir) != NULL);
	check(terminal_create(dir, "fz", "intake", &em) == CST_OK);
	check(terminal_open(dir, TERMINAL_SIGN, &T, &em) == CST_OK);
	check(terminal_key_load(T->key_path, name, sizeof name, pk, SK, &em) == CST_OK);
	sync_conf_defaults(&cf);
	snprintf(cf.url, sizeof cf.url, "https://127.0.0.1:9");
	cry_keypair_new(seed, cf.ledger_pk, lsk);	/* a ledger whose key the fuzzer never has */
	check(sync_conf_save(T->journal, &cf, &em) == CST_OK);
	L = loop_new();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 200, 401, 409, 422, 500, 413, 0, 503 };
	unsigned char hash[CRY_HASH_BYTES];
	int64_t head_before, head_after, acked_before;
	struct sync_conf cf;
	struct sync *s;
	struct errmsg em;
	enum op op;

	if (T == NULL)
		setup();
	if (size < 2)
		return 0;
	op = (enum op)(OP_HEAD + data[0] % 4);
	check(sync_conf_load(T->journal, &cf, &em) == CST_OK);
	check(sync_new(L, T->journal, T->name, SK, &cf, SYNC_ONCE, &s, &em) == CST_OK);
	if (op == OP_CHAIN) {
		s->ledger_head.seq = 3;	/* the head said the ledger holds more than the journal */
		sync_begin_heal(s, 1);
	}
	acked_before = s->acked;
	journal_head(T->journal, T->name, &head_before, hash, &em);
	handle_answer(s, op, statuses[data[1] % 8], (const char *)data + 2, size - 2);
	check(s->acked == acked_before);
	journal_head(T->journal, T->name, &head_after, hash, &em);
	/* Only the engine's own records (sync.refused and its alert) may have been appended. */
	check(head_after - head_before <= 2);
	sync_free(s);
	journal_hold(T->journal, NULL);
	return 0;
}
