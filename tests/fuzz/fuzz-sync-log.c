/*
 * libFuzzer target for the terminal's check of the ledger's transparency log
 * (src/sync-witness.c, sync_log_check). The terminal holds a real checkpoint of a 5-leaf tree.
 * The first byte picks the case: bit 0 a push answer rather than a head, bit 1 a checkpoint
 * body from the input signed with the ledger key this harness holds (so that the checks past
 * the signature are reached) rather than a log object taken as it comes, bit 2 no head event
 * yet. Invariants: a checkpoint is kept only when it is the ledger's, under the same origin,
 * no smaller, and with the same root at the same size; a refused log leaves the checkpoint as
 * it was; a refusal is recorded once (two events: sync.log_refused and its alert) and a log
 * refused already is not judged again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "json.h"
#include "sync-engine.h"
#include "terminal.h"
#include "tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ORIGIN "custody-ledger/fuzz"

static struct terminal *T;
static struct loop *L;
static unsigned char SK[CRY_SK_BYTES], LSK[CRY_SK_BYTES], LPK[CRY_PK_BYTES];
static unsigned char HEAD_HASH[CRY_HASH_BYTES];
static struct checkpoint OLD;
static char OLD_NOTE[CKPT_NOTE_MAX];

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* A signed note of body with the ledger's key into out: its length, 0 when it cannot be. */
static size_t
sign_body(const char *body, size_t n, char *out, size_t cap)
{
	static struct note nt;

	if (n == 0 || n >= sizeof nt.body)
		return 0;
	memset(&nt, 0, sizeof nt);
	memcpy(nt.body, body, n);
	nt.body_len = n;
	if (note_sign(&nt, ORIGIN, LSK) != 0)
		return 0;
	return note_write(&nt, out, cap);
}

/* The stored checkpoint: a tree of 5 leaves, the first this terminal's seq 1. */
static void
make_old(void)
{
	unsigned char leaves[5][TLOG_HASH_BYTES], a[TLOG_HASH_BYTES], b[TLOG_HASH_BYTES];
	unsigned char d[TLOG_LEAF_MAX];
	char body[512];
	size_t n;
	int i;

	for (i = 0; i < 5; i++) {
		n = tlog_leaf_data(i == 0 ? "fz" : "other", i + 1, HEAD_HASH, d);
		tlog_leaf_hash(d, n, leaves[i]);
	}
	tlog_node_hash(leaves[0], leaves[1], a);
	tlog_node_hash(leaves[2], leaves[3], b);
	tlog_node_hash(a, b, a);
	snprintf(OLD.origin, sizeof OLD.origin, "%s", ORIGIN);
	OLD.size = 5;
	tlog_node_hash(a, leaves[4], OLD.root);
	n = checkpoint_body(&OLD, body, sizeof body);
	check(n > 0 && sign_body(body, n, OLD_NOTE, sizeof OLD_NOTE) > 0);
}

static void
setup(void)
{
	unsigned char pk[CRY_PK_BYTES], seed[CRY_SEED_BYTES];
	char dir[] = "/tmp/fuzz-sync-log-XXXXXX", name[EV_MAX_ID + 1];
	struct sync_conf cf;
	struct errmsg em;
	int64_t seq;

	check(cry_init() == CST_OK && mkdtemp(dir) != NULL);
	check(terminal_create(dir, "fz", "intake", &em) == CST_OK);
	check(terminal_open(dir, TERMINAL_SIGN, &T, &em) == CST_OK);
	check(terminal_key_load(T->key_path, name, sizeof name, pk, SK, &em) == CST_OK);
	check(journal_head(T->journal, T->name, &seq, HEAD_HASH, &em) == CST_OK && seq == 1);
	sync_conf_defaults(&cf);
	snprintf(cf.url, sizeof cf.url, "https://127.0.0.1:9");
	cry_keypair_new(seed, LPK, LSK);
	memcpy(cf.ledger_pk, LPK, sizeof LPK);
	check(sync_conf_save(T->journal, &cf, &em) == CST_OK);
	make_old();
	L = loop_new();
}

/* The log object to judge, as JSON text in w: from the input as it is, or signed here. */
static int
log_text(const uint8_t *data, size_t size, int signed_here, struct jw *w)
{
	static char note[CKPT_NOTE_MAX];
	struct json *rest = NULL;
	const char *members[] = { "leaf", "inclusion", "consistency" };
	size_t n, body_len, i;

	if (!signed_here) {
		/* taken as it comes: the answer's bytes are parsed as the ledger's would be */
		if (json_validate((const char *)data, size, NULL) != CST_OK)
			return -1;
		jw_raw(w, (const char *)data, size);
		return 0;
	}
	if (size < 1 || (body_len = data[0]) + 1 > size)
		return -1;
	if ((n = sign_body((const char *)data + 1, body_len, note, sizeof note)) == 0)
		return -1;
	if (json_parse((const char *)data + 1 + body_len, size - 1 - body_len, &rest, NULL) !=
	    CST_OK)
		return -1;
	jw_obj_begin(w);
	jw_key(w, "checkpoint");
	jw_strn(w, note, n);
	for (i = 0; i < 3; i++)
		if (json_get(rest, members[i]) != NULL) {
			jw_key(w, members[i]);
			jw_value(w, json_get(rest, members[i]), NULL);
		}
	jw_obj_end(w);
	json_free(rest);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char hash[CRY_HASH_BYTES];
	int64_t before, after, middle;
	struct json *log = NULL;
	struct sync_conf cf;
	struct checkpoint kept;
	struct sync *s;
	struct errmsg em;
	struct jw w;
	int push, rc;

	if (T == NULL)
		setup();
	if (size < 1)
		return 0;
	push = data[0] & 1;
	jw_init(&w);
	if (log_text(data + 1, size - 1, data[0] & 2, &w) != 0 ||
	    json_parse(jw_text(&w, NULL), w.len, &log, NULL) != CST_OK) {
		jw_free(&w);
		return 0;
	}
	jw_free(&w);
	check(journal_local_set(T->journal, K_CHECKPOINT, OLD_NOTE, &em) == CST_OK);
	check(journal_local_set(T->journal, K_LOG_REFUSAL, "", &em) == CST_OK);
	check(sync_conf_load(T->journal, &cf, &em) == CST_OK);
	check(sync_new(L, T->journal, T->name, SK, &cf, SYNC_ONCE, &s, &em) == CST_OK);
	check(s->ckpt.size == 5);
	s->head_old = 5;
	journal_head(T->journal, T->name, &before, hash, &em);
	rc = sync_log_check(s, log, data[0] & 4 ? 0 : 1, HEAD_HASH, push);
	kept = s->ckpt;
	journal_head(T->journal, T->name, &middle, hash, &em);
	if (rc == 0) {
		check(s->log_refusal[0] == '\0' && middle == before);
		check(strcmp(kept.origin, ORIGIN) == 0 && kept.size >= OLD.size);
		check(kept.size != OLD.size || memcmp(kept.root, OLD.root, TLOG_HASH_BYTES) == 0);
		check(!push || kept.size == OLD.size);	/* a push alone proves no consistency */
	} else {
		check(s->log_refusal[0] != '\0' && middle - before <= 2);
		check(kept.size == OLD.size && memcmp(kept.root, OLD.root, TLOG_HASH_BYTES) == 0);
		/* Refused already: judged no more, recorded no more. */
		check(sync_log_check(s, log, 1, HEAD_HASH, push) == 0);
		journal_head(T->journal, T->name, &after, hash, &em);
		check(after == middle);
	}
	sync_free(s);
	json_free(log);
	return 0;
}
