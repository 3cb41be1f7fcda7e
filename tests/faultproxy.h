/* The control block of tests/faultproxy.c, shared through a mapped file with the test. */
#ifndef CUSTODY_FAULTPROXY_H
#define CUSTODY_FAULTPROXY_H

enum fp_mode {
	FP_PASS,		/* forward every request and answer */
	FP_RESET_REQUEST,	/* half the request reaches the ledger, then both sides are reset */
	FP_RESET_RESPONSE,	/* the ledger answers; the client gets half of it and a reset */
	FP_ANSWER_500,		/* answered 500 by the proxy, the ledger never sees it */
	FP_SLOW,		/* the answer waits delay_ms, half of it, delay_ms again, the rest */
	FP_STALL,		/* never answered: the client must time out */
	FP_HOLD			/* held until the test sets release, then passed on */
};

struct fp_ctl {
	int mode;		/* enum fp_mode for the next faults */
	int left;		/* faults still to inject: > 0 counts down, -1 forever, 0 none */
	int skip;		/* requests passed on before the faults begin */
	int delay_ms;		/* FP_SLOW */
	int requests;		/* counted by the proxy */
	int faults;
	int connections;
	int held;		/* FP_HOLD: requests waiting now */
	int release;		/* FP_HOLD: set to let them go */
};

#endif
