/*
 * Inside the sync engine (src/sync.c, src/sync-heal.c): its state and the steps the two files
 * share. Not for other callers: they use sync.h.
 */
#ifndef CUSTODY_SYNC_ENGINE_H
#define CUSTODY_SYNC_ENGINE_H

#include <curl/curl.h>

#include "checkpoint.h"
#include "json.h"
#include "sync.h"
#include "wire.h"

#define MAX_SOCKETS 16

/* Keys of the journal's local table. */
#define K_URL "sync.url"
#define K_CA "sync.ca"
#define K_PIN "sync.pin"
#define K_CERT "sync.cert"
#define K_KEY "sync.key"
#define K_LEDGER_KEY "sync.ledger_key"
#define K_ACKED "sync.acked"
#define K_CURSOR "sync.cursor"
#define K_RECEIPT "sync.receipt"
#define K_REFUSED "sync.refused"
#define K_REFUSED_LAST "sync.refused_last"
#define K_LAST_ERROR "sync.last_error"
#define K_LAST_CONTACT "sync.last_contact"
#define K_REFUSAL "sync.refusal"
#define K_OFFSET "sync.clock_offset"
#define K_SKEW "sync.skew_noted"
#define K_CHECKPOINT "sync.checkpoint"
#define K_COSIGNED "sync.cosigned"
#define K_LOG_REFUSAL "sync.log_refusal"
#define K_LOG_CODE "sync.log_refusal_code"
#define K_LOG_REFUSED_CKPT "sync.log_refused_checkpoint"

enum op { OP_NONE, OP_HEAD, OP_CHAIN, OP_PUSH, OP_PULL, OP_COSIGN };

struct sock {
	int used;
	curl_socket_t fd;
	int watch;
};

struct sync {
	struct loop *loop;
	struct journal *j;
	struct sync_conf cf;
	char terminal[EV_MAX_ID + 1];
	unsigned char sk[CRY_SK_BYTES];
	unsigned char pk[CRY_PK_BYTES];	/* this terminal's: its own events from the ledger */
	enum sync_mode mode;
	int once, done, result;
	char result_text[ERRMSG_MAX];

	CURLM *multi;
	CURL *easy;			/* the request in flight, or NULL */
	struct curl_slist *headers;
	char *req_body;
	size_t req_len;
	char *resp;			/* answer so far, bounded by WIRE_MAX_BODY */
	size_t resp_len, resp_cap;
	int resp_too_large;
	enum op op;
	int64_t push_last;		/* highest seq in the push in flight */
	int pull_limit;
	int pull_more;			/* once: the last pull said "more" */
	char sent_nonce[WIRE_NONCE_HEX + 1];	/* of the request in flight */
	int64_t sent_mono;		/* clock_mono_ms() when it was started */
	int stale_retried;		/* a request refused as stale was signed again once */

	/* The round: this terminal's head at the ledger first, then heal, push, pull. */
	int head_checked;
	struct wire_receipt ledger_head;	/* as last answered; seq -1 before */
	int learned_key;
	int rolled_back;		/* the last head showed the journal behind the ledger */
	int healing;			/* the journal is behind the ledger: pulling its own events */
	int64_t heal_after;		/* the next page starts after this seq */
	struct sync_heal heal;
	int push_refused;		/* the ledger refused a push: no push until a heal or restart */
	char refusal[ERRMSG_MAX];	/* why, as kept in the local table; "" when none */
	int64_t offset;			/* ledger time minus terminal time (ms) */
	int64_t skew_noted;		/* the offset last recorded as clock.skew; 0 when none */

	/* The transparency log, witnessed (src/sync-witness.c). */
	char ckpt_note[CKPT_NOTE_MAX];	/* the newest checkpoint verified (signed note); "" none */
	struct checkpoint ckpt;		/* it, parsed; size -1 when none */
	int64_t head_old;		/* the old= of the head request in flight; 0 when none */
	int head_without_old;		/* the head with old= was refused: asked again without */
	int64_t cosigned;		/* the size of the checkpoint last cosigned */
	int cosign_due;			/* the stored checkpoint awaits this terminal's cosignature */
	int log_unproven;		/* a push answered a larger checkpoint: the head proves it */
	char log_refusal[ERRMSG_MAX];	/* why the log is refused: no pull until an admin acts */
	char log_code[32];		/* its short reason (signature, smaller, inconsistent, ...) */

	struct sock socks[MAX_SOCKETS];
	int curl_timer, step_timer;

	int64_t acked, cursor, pulled, refused;
	enum sync_link link;
	int failures;
	int64_t retry_at;		/* clock_mono_ms() of the next try while backing off */
	char last_error[ERRMSG_MAX];
	char saved_error[ERRMSG_MAX];	/* as in the local table */
};

struct find_hash {
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];
	int found;
};

/* The hash of own event seq, found = 0 when the journal does not hold it. */
int sync_own_hash(struct journal *j, const char *terminal, int64_t seq, struct find_hash *f,
    struct errmsg *em);
int sync_set_local_int_signed(struct journal *j, const char *name, int64_t v, struct errmsg *em);

/* Starts a signed request; the body (owned from here on) is NULL for a GET. */
int sync_start_request(struct sync *s, enum op op, const char *method, const char *path,
    char *body, size_t len);
/* A round failed: remember why, and try again later (or stop, in once mode). */
void sync_failed(struct sync *s, int offline, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An answer came: online, the backoff forgotten. */
void sync_answered(struct sync *s);
void sync_end_once(struct sync *s, int status, const char *text);
void sync_step_soon(struct sync *s, int64_t ms);
/* Stores acked and, when not NULL, the receipt, in one transaction. */
int sync_save_ack(struct sync *s, int64_t acked, const char *receipt_json, struct errmsg *em);

/* src/sync-heal.c: the round's head, healing, the ledger's clock, refused pushes. */
int sync_learn_time(struct sync *s, const struct json *obj);
void sync_begin_heal(struct sync *s, int64_t local_head);
void sync_head_ok(struct sync *s, const struct json *root);
int sync_start_chain(struct sync *s);
void sync_chain_ok(struct sync *s, const struct json *root);
int sync_is_event_refusal(const char *code);
void sync_refuse_push(struct sync *s, long http, const char *code, const char *msg, int64_t seq);
void sync_refusal_over(struct sync *s);
int sync_stale_answer(struct sync *s, const struct json *root);
/* The round is over (pull done, or skipped while the log is refused): end or wait a poll. */
void sync_round_over(struct sync *s);

/* src/sync-witness.c: the ledger's transparency log, checked and cosigned every round. */
/* Reads the stored checkpoint and the log's refusal (an admin may have acted meanwhile). */
void sync_log_load(struct sync *s);
/* GET /v1/head?old=<size of the stored checkpoint>, or without old (none, or asked again). */
int sync_start_head(struct sync *s);
/* A head with old= refused as a bad request: 1 when it is asked again without old. */
int sync_head_again(struct sync *s, long http, const struct json *root);
/*
 * The "log" object of a head (push 0) or push answer (push 1), for own event seq with hash
 * (seq 0: none yet): checked, stored and due for a cosignature; a log that fails is refused
 * (recorded once, alerted). 0 when it passes or is refused already, -1 when refused now.
 */
int sync_log_check(struct sync *s, const struct json *log, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES], int push);
/* The log's part of custody sync --status, from the local table. */
int sync_log_read_status(struct journal *j, struct sync_status *st, struct errmsg *em);
/* POST /v1/cosign of the stored checkpoint. */
int sync_start_cosign(struct sync *s);
/* Its answer (http 0: none): a failure is tried again next round, not the log's fault. */
void sync_cosign_answer(struct sync *s, long http, const struct json *root);

#endif
