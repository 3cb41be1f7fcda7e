/*
 * What a request must pass before its body is read, and the bounds on everything in flight,
 * with no socket in sight so that the fuzz target and the tests can drive it all: the request
 * head (Host, target, query, framing, length), the memory all bodies in flight share, and the
 * connections with their deadlines (TLS handshake and request head, then a body's pace) and
 * the choice of whom to close when too many wait. http.c applies it to libmicrohttpd.
 */
#ifndef LEDGER_GATE_H
#define LEDGER_GATE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define GATE_TARGET_MAX 1024		/* bytes of a request target: path and query */
#define GATE_CHUNKED (-1)		/* an expected body length: chunked, not announced */
#define GATE_SMALL_BODY (1u << 20)	/* bodies up to this keep a share of the budget */
#define GATE_BODY_STEP (64u << 10)	/* a chunked body's reservation grows by at least this */
#define GATE_MIN_RATE (64u << 10)	/* bytes a second a body must keep up, after the grace */

/* A request head, as far as the gate looks at it. */
struct gate_head {
	const char *method;
	const char *target;		/* as sent in the request line, never decoded */
	const char *host;		/* the Host header, NULL when absent */
	const char *content_length;	/* NULL when absent */
	const char *transfer_encoding;	/* NULL when absent */
	const char *const *params;	/* the query parameters the resource takes, NULL-ended */
	size_t body_max;		/* the resource's body limit in bytes; 0: it takes none */
};

/*
 * Checks a head: a Host, a target of printable ASCII within GATE_TARGET_MAX, query
 * parameters the resource takes (each once, unreserved characters only), one framing (a
 * canonical Content-Length or "chunked", not both) and a length within body_max. *expect is
 * the body length announced, GATE_CHUNKED, or 0. WE_BAD_REQUEST or WE_TOO_LARGE otherwise.
 */
int gate_head_check(const struct gate_head *h, int64_t *expect, struct wire_fault *f);

/*
 * The memory that all request bodies in flight hold together. Bodies over GATE_SMALL_BODY
 * may use seven eighths of it, so that the small pushes terminals make keep room while large
 * uploads (perhaps an attacker's, perhaps not) fill the rest.
 */
struct gate_budget {
	pthread_mutex_t lock;
	size_t cap;		/* bytes */
	size_t used;		/* bytes reserved now */
	size_t peak;		/* the most ever reserved at once */
	unsigned bodies;	/* bodies in flight */
	unsigned max_bodies;
	uint64_t refused;	/* bodies refused for want of room */
};

void gate_budget_init(struct gate_budget *b, size_t cap, unsigned max_bodies);
void gate_budget_free(struct gate_budget *b);

/* One request's body, inside its reservation. */
struct gate_body {
	char *buf;
	size_t len, cap;	/* cap: bytes allocated, never more than reserved */
	size_t reserved;
	size_t max;
	int64_t expect;		/* announced length, or GATE_CHUNKED */
	int counted;		/* holds one of the budget's bodies */
};

/*
 * Reserves what the body announced (all of it), or a first step of a chunked one, within max:
 * WE_BUSY when the budget has no room for it now.
 */
int gate_body_begin(struct gate_budget *b, struct gate_body *body, int64_t expect, size_t max,
    struct wire_fault *f);
/*
 * Appends n bytes: WE_TOO_LARGE past max or past the announced length, WE_BUSY when a chunked
 * body cannot grow within the budget. Nothing is appended then.
 */
int gate_body_take(struct gate_budget *b, struct gate_body *body, const char *data, size_t n,
    struct wire_fault *f);
/* Frees the bytes and gives the reservation back; no-op on a body never begun. */
void gate_body_end(struct gate_budget *b, struct gate_body *body);

/* Where a connection is in its life. */
enum gate_phase {
	GATE_HEAD,	/* TLS handshake, request line and headers: a deadline from its start */
	GATE_BODY,	/* the request body: GATE_MIN_RATE after a grace of the head deadline */
	GATE_SERVE,	/* being answered, or kept alive by a terminal that signed: no deadline */
	GATE_PHASES,
	GATE_CUT = GATE_PHASES	/* closed by the gate: only waiting for the server to notice */
};

#define GATE_ADDR_MAX 16

struct gate_conn {
	struct gate_conn *prev, *next;	/* in its phase's list, oldest first */
	unsigned char addr[GATE_ADDR_MAX];	/* the peer's address, 4 or 16 bytes */
	unsigned addr_len;
	int phase;
	int64_t since;		/* ms when the phase began */
	int64_t received;	/* body bytes so far, in GATE_BODY */
	int trusted;		/* a request on it was signed by an enrolled terminal */
	int closing;		/* its last answer ends it: it will not wait for another head */
	int fd;			/* the caller's, for cut() */
};

struct gate_addr;

struct gate_conns {
	pthread_mutex_t lock;
	struct gate_conn *first[GATE_PHASES], *last[GATE_PHASES];
	unsigned count[GATE_PHASES];
	struct gate_addr **addrs;	/* peers with connections in GATE_HEAD, by hash */
	unsigned nbuckets;
	unsigned max_head;	/* more waiting for their head close the oldest of the busiest peer */
	int64_t head_ms;	/* the handshake and head deadline, and a body's grace */
	/* Closes c's socket; called with the lock held, so c is still open. */
	void (*cut)(void *arg, struct gate_conn *c);
	void *arg;
	uint64_t cut_head, cut_body, evicted;	/* for the operator's log */
};

void gate_conns_init(struct gate_conns *g, unsigned max_head, int64_t head_ms,
    void (*cut)(void *, struct gate_conn *), void *arg);
/* Frees the table; the connections must have been closed. */
void gate_conns_free(struct gate_conns *g);

/*
 * A new connection from addr (4 or 16 bytes), waiting for its head. When more than max_head
 * wait, the oldest waiting connection of the peer that has the most waiting is cut.
 */
struct gate_conn *gate_conn_open(struct gate_conns *g, const void *addr, size_t len, int fd,
    int64_t now);
/* The server closed it: forgotten and freed. NULL is a no-op, as for all below. */
void gate_conn_close(struct gate_conns *g, struct gate_conn *c);
/* The head is in and a body follows. */
void gate_conn_body(struct gate_conns *g, struct gate_conn *c, int64_t now);
void gate_conn_received(struct gate_conns *g, struct gate_conn *c, size_t n);
/* The request is whole (or has no body): it is being answered. */
void gate_conn_serve(struct gate_conns *g, struct gate_conn *c, int64_t now);
/* A request on it carried a good signature. */
void gate_conn_trust(struct gate_conns *g, struct gate_conn *c);
/* Whether it is trusted: from the connection's own thread, the only one that trusts it. */
int gate_conn_trusted(const struct gate_conn *c);
/* Its answer closes it (from the connection's own thread, as above). */
void gate_conn_closing(struct gate_conn *c);
/*
 * The answer is sent: a trusted connection stays (idle timeout), others wait for a head again,
 * and count among those waiting (so one of them may be cut to make room); one that is closing
 * stays where it is until it is closed.
 */
void gate_conn_done(struct gate_conns *g, struct gate_conn *c, int64_t now);
/* Cuts every connection past its deadline. */
void gate_conns_reap(struct gate_conns *g, int64_t now);

#endif
