/*
 * libFuzzer target for foreign events reaching the projections: the first byte picks an event
 * kind (every kind with a projection, and reference kinds), the second whether the body gets
 * an authority signed with the pinned center key, the rest is the body. Each event is signed
 * by another terminal and stored as sync stores it. Nothing may crash; the event is always
 * stored (its chain stays whole); when it is not applied a reason is recorded; an event the
 * checks accept is applied; a rebuild now and then agrees.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "evcheck.h"
#include "journal.h"
#include "terminal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {
	"terminal.created", "operator.added", "login.succeeded", "login.failed",
	"person.registered", "band.bound", "band.unbound", "search.recorded",
	"belongings.logged", "belongings.returned", "collection.recorded", "room.entered",
	"room.left", "temp_exit.started", "temp_exit.returned", "exit.completed",
	"override.granted", "signature.made", "fingerprint.enrolled", "location.created",
	"item.registered", "item.tagged", "item.stored", "item.moved", "item.returned",
	"item.checked_out", "item.transferred", "item.released", "disposal.approved",
	"item.disposed", "inventory.completed", "alert.raised", "alert.cleared",
	"alert.acknowledged", "role.granted", "zone.added", "key.rotated", "note.added",
	"record.corrected",
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static struct terminal *t, *other;
static char dir[] = "/tmp/custody-fuzz-project-XXXXXX";
static unsigned char sk[CRY_SK_BYTES];
static int64_t seq;
static unsigned char last[CRY_HASH_BYTES];
static struct authority center;
static unsigned long runs;

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
cleanup(void)
{
	char cmd[128];

	terminal_close(t);
	terminal_close(other);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int
store_one(const struct event *ev, void *arg)
{
	struct errmsg em;
	int stored;

	(void)arg;
	check(journal_store_foreign(t->journal, ev, &stored, &em) == CST_OK);
	return 0;
}

static void
setup(void)
{
	char sub[sizeof dir + 8], name[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES];
	struct errmsg em;

	check(cry_init() == CST_OK);
	check(mkdtemp(dir) != NULL);
	snprintf(sub, sizeof sub, "%s/t", dir);
	check(terminal_create(sub, "fz", "intake", &em) == CST_OK);
	check(terminal_open(sub, TERMINAL_SIGN, &t, &em) == CST_OK);
	snprintf(sub, sizeof sub, "%s/o", dir);
	check(terminal_create(sub, "fo", "intake", &em) == CST_OK);
	check(terminal_open(sub, TERMINAL_SIGN, &other, &em) == CST_OK);
	atexit(cleanup);
	/* Speed over durability: the fuzzer's journal is thrown away. */
	check(sqlite3_exec(journal_db(t->journal), "PRAGMA synchronous=OFF", NULL, NULL, NULL) ==
	    SQLITE_OK);
	check(terminal_key_load(other->key_path, name, sizeof name, pk, sk, &em) == CST_OK);
	check(journal_chain(other->journal, "fo", 0, 10, store_one, NULL, &em) == CST_OK);
	check(journal_head(t->journal, "fo", &seq, last, &em) == CST_OK && seq == 1);
	authority_new_center(&center, "a1");
	check(journal_pin_center(t->journal, center.pk, &em) == CST_OK);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reason[ERRMSG_MAX], *signed_body = NULL;
	struct authority_proof proof;
	struct event ev;
	struct errmsg em, why;
	size_t n;
	int stored, status, verdict;

	if (t == NULL)
		setup();
	if (size < 2 || size - 2 > EV_MAX_BODY - 400)
		return 0;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "fo");
	ev.seq = seq + 1;
	ev.ts = 1780000000000LL + ev.seq;
	snprintf(ev.operator_, sizeof ev.operator_, "a1");
	snprintf(ev.kind, sizeof ev.kind, "%s", kinds[data[0] % NKINDS]);
	snprintf(ev.subject, sizeof ev.subject, "s%u", data[0] & 7u);
	if ((data[1] & 1) && authority_attach(&center, ev.terminal, ev.kind, ev.subject,
	    (const char *)data + 2, size - 2, &signed_body, &n, &em) == CST_OK)
		event_set_body(&ev, signed_body, n);
	else
		event_set_body(&ev, (const char *)data + 2, size - 2);
	free(signed_body);
	memcpy(ev.prev, last, sizeof ev.prev);
	if (event_check_fields(&ev, NULL, &em) != CST_OK) {
		/* Not an event at all (the body is no JSON object): sync refuses it before. */
		event_clear(&ev);
		return 0;
	}
	event_seal(&ev, sk);
	err_clear(&why);
	verdict = evcheck_event(&ev, center.pk, &proof, &why);
	check(verdict == CST_OK || ((verdict == CST_ERR_INPUT || verdict == CST_ERR_PERM) &&
	    why.text[0] != '\0'));
	err_clear(&em);
	status = journal_store_foreign(t->journal, &ev, &stored, &em);
	check(status == CST_OK && stored == 1);
	seq = ev.seq;
	memcpy(last, ev.hash, sizeof last);
	status = journal_unapplied(t->journal, "fo", ev.seq, reason, sizeof reason, &em);
	/* Applied exactly when the checks accept it; a refusal always says why. */
	check(verdict == CST_OK ? status == CST_ERR_NOTFOUND :
	    status == CST_OK && reason[0] != '\0');
	event_clear(&ev);
	if (++runs % 500 == 0)
		check(journal_rebuild(t->journal, &em) == CST_OK);
	return 0;
}
