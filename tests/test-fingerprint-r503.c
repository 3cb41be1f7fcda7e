/*
 * The R503 and the documented instruction set (issue 16): an R503 enrolment uploads a
 * 1,536-byte template and succeeds, over a pty through the console's device layer; the module's
 * 0x55 at power-on is its ready signal; the ring breathes blue while a finger is awaited and
 * flashes green or red for the result; a free page comes from the module's index table; and
 * custody-sim answers each instruction of the manuals, asked over its pty by hand.
 */
#include "simrun.h"
#include "t.h"

#include <time.h>

#include "devpair.h"
#include "fingerprint.h"
#include "serial.h"

extern const struct sim_device sim_fingerprint;
void sim_fingerprint_led(const void *st, uint8_t out[4]);
uint64_t sim_fingerprint_dropped(const void *st);

static int mark;	/* events before it are an earlier request's */

static int
last_finger(const struct pair *p, enum dev_finger_what what)
{
	int i;

	for (i = p->n - 1; i >= mark; i--)
		if (i < PAIR_EVENTS && p->events[i].kind == DEV_FINGER &&
		    p->events[i].finger.what == what)
			return i;
	return -1;
}

static int
info_with(const struct pair *p, const char *text)
{
	int i;

	for (i = 0; i < p->n && i < PAIR_EVENTS; i++)
		if (p->events[i].kind == DEV_INFO && strstr(p->events[i].text, text))
			return 1;
	return 0;
}

/* Waits (on the test clock) for an event of what, up to ms. */
static int
await(struct pair *p, enum dev_finger_what what, int64_t ms)
{
	int64_t end = p->now + ms;

	while (p->now < end) {
		if (last_finger(p, what) >= 0)
			return 1;
		pair_run(p, p->now + 10);
	}
	return last_finger(p, what) >= 0;
}

/* The driver and the simulated module (an AS608 until told), started. */
static void
start_pair(struct pair *p)
{
	mark = 0;
	pair_open(p, &fingerprint_driver, &sim_fingerprint, 0);
	pair_run(p, 500);
}

/* Two taps of finger with the lift between: 1 when FP_ENROLLED came. */
static int
two_taps(struct pair *p, const char *finger)
{
	char line[64], err[256];

	snprintf(line, sizeof line, "tap %s", finger);
	pair_command(p, line, err, sizeof err);
	if (!await(p, FP_LIFT, 3000))
		return 0;
	pair_run(p, p->now + 1600);
	pair_command(p, line, err, sizeof err);
	return await(p, FP_ENROLLED, 5000);
}

static void
test_r503_in_memory(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = FP_PAGE_FREE };
	struct pair p;
	char err[256];
	uint8_t led[4];
	int i;

	start_pair(&p);
	ok(last_finger(&p, FP_COUNT) >= 0 && !info_with(&p, "1536"), "an AS608 starts as before");
	ok(pair_command(&p, "model r503", err, sizeof err) == 0, "the module becomes an R503");
	pair_run(&p, 1500);
	ok(info_with(&p, "R503: 1536-byte templates"),
	    "its 0x55 makes the driver start again: ReadProdInfo gives 1536-byte templates");
	ok(p.drv->stats(p.drv_state)->garbage == 0, "0x55 is no garbage");
	for (i = 0; i < 5; i++) {
		snprintf(err, sizeof err, "library %d f%d", i, i);
		pair_command(&p, err, err, sizeof err);
	}
	ok(pair_request(&p, &rq) == 0, "an enrolment at the first free page starts");
	ok(await(&p, FP_PLACE, 2000), "asks for the finger");
	sim_fingerprint_led(p.dev_state, led);
	ok(led[0] == FP_LED_BREATHING && led[2] == FP_LED_BLUE,
	    "the ring breathes blue while a finger is awaited");
	ok(two_taps(&p, "alice"), "two taps, a lift between: enrolled");
	i = last_finger(&p, FP_ENROLLED);
	ok(i >= 0 && p.events[i].finger.tpl_len == 1536, "with the R503's 1536-byte template");
	ok(i >= 0 && p.events[i].finger.page == 5, "at page 5, the first free in the index table");
	sim_fingerprint_led(p.dev_state, led);
	ok(led[0] == FP_LED_FLASHING && led[2] == FP_LED_GREEN, "the ring flashes green");

	rq.kind = DEV_RQ_FP_SEARCH;
	pair_run(&p, p.now + 1600);	/* alice's tap is over */
	mark = p.n;
	ok(pair_request(&p, &rq) == 0, "a search starts");
	ok(await(&p, FP_PLACE, 2000), "on a clear sensor, asks for the finger");
	pair_command(&p, "tap mallory", err, sizeof err);
	ok(await(&p, FP_NOT_FOUND, 5000), "another finger is not found");
	sim_fingerprint_led(p.dev_state, led);
	ok(led[0] == FP_LED_FLASHING && led[2] == FP_LED_RED, "the ring flashes red");

	mark = p.n;
	pair_command(&p, "reset", err, sizeof err);
	rq.kind = DEV_RQ_FP_COUNT;
	pair_run(&p, p.now + 1000);
	ok(pair_request(&p, &rq) == 0 && await(&p, FP_COUNT, 2000) &&
	    p.events[last_finger(&p, FP_COUNT)].finger.count == 6,
	    "after a power cycle (0x55 again) the module answers: 6 templates");
	pair_close(&p);
}

/* An AS608 refuses AuraLedConfig (FC) and ReadProdInfo: the driver works as before. */
static void
test_no_led(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = FP_PAGE_FREE };
	struct pair p;
	char err[256];
	uint8_t led[4];
	int i;

	start_pair(&p);
	pair_command(&p, "library 0 bob", err, sizeof err);
	ok(pair_request(&p, &rq) == 0 && await(&p, FP_PLACE, 2000), "AS608: enrolment starts");
	ok(two_taps(&p, "bob"), "and ends without a ring");
	i = last_finger(&p, FP_ENROLLED);
	ok(i >= 0 && p.events[i].finger.tpl_len == 512 && p.events[i].finger.page == 1,
	    "512 bytes at page 1, the first free");
	sim_fingerprint_led(p.dev_state, led);
	ok(led[0] == 0, "no AuraLedConfig reached a module without it");
	pair_close(&p);
}

/* ---- 0x55 only where it can be a power-on (review item 7) ---- */

static int muted;		/* the module's answers are lost on the line */
static int in_handler;		/* FP_FAILED's handler makes the next request */
static int handler_rc = 99;	/* what that request returned */

static void
mute_send(void *arg, const uint8_t *frame, size_t n)
{
	if (!muted)
		pair_dev_send(arg, frame, n);
}

static void
asking_emit(void *arg, const struct dev_event *ev)
{
	struct pair *p = arg;
	struct dev_request rq = { .kind = DEV_RQ_FP_SEARCH };

	pair_emit(arg, ev);
	if (in_handler && ev->kind == DEV_FINGER && ev->finger.what == FP_FAILED) {
		in_handler = 0;
		handler_rc = p->drv->request(p->drv_state, &rq, p->now, &p->io);
	}
}

static int
r503_pair(struct pair *p)
{
	char err[256];

	start_pair(p);
	p->sio.send = mute_send;
	p->io.emit = asking_emit;
	muted = 0;
	pair_command(p, "model r503", err, sizeof err);
	pair_run(p, 1500);
	return info_with(p, "R503: 1536-byte templates");
}

/* A lone 'U' of line noise while the module answers is garbage: the search goes on. */
static void
test_noise_55(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_SEARCH };
	static const uint8_t u = FP_READY;
	struct pair p;
	char err[256];
	uint64_t garbage;

	ok(r503_pair(&p), "noise: an R503 on the line");
	pair_command(&p, "library 4 alice", err, sizeof err);
	mark = p.n;
	ok(pair_request(&p, &rq) == 0 && await(&p, FP_PLACE, 2000), "noise: a search waits");
	garbage = p.drv->stats(p.drv_state)->garbage;
	p.drv->feed(p.drv_state, &u, 1, p.now, &p.io);	/* between two GenImg answers */
	pair_run(&p, p.now + 400);
	ok(last_finger(&p, FP_FAILED) < 0, "noise: a lone 0x55 does not end the search");
	ok(p.drv->stats(p.drv_state)->garbage == garbage + 1, "noise: it is counted as garbage");
	pair_command(&p, "tap alice", err, sizeof err);
	ok(await(&p, FP_FOUND, 5000), "noise: the search finds alice at the end");
	pair_close(&p);
}

/* The module rebooted mid-request: the request fails after start is under way, so the next
 * request, made from the failure's handler, is refused or answered, never lost. */
static void
test_reboot_mid_request(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_SEARCH };
	struct pair p;
	char err[256];
	int i;

	ok(r503_pair(&p), "reboot: an R503 on the line");
	mark = p.n;
	ok(pair_request(&p, &rq) == 0 && await(&p, FP_PLACE, 2000), "reboot: a search waits");
	muted = 1;		/* the module stops answering ... */
	pair_run(&p, p.now + FP_ANSWER_MS + 200);
	muted = 0;
	in_handler = 1;
	handler_rc = 99;
	mark = p.n;
	pair_command(&p, "reset", err, sizeof err);	/* ... and comes back: 0x55 */
	pair_run(&p, p.now + 200);
	i = last_finger(&p, FP_FAILED);
	ok(i >= 0 && p.events[i].finger.code == FP_ERR_NO_ANSWER,
	    "reboot: the search ends FP_FAILED FF");
	pair_run(&p, p.now + 2000);
	ok(handler_rc == -1 || last_finger(&p, FP_PLACE) >= 0,
	    "reboot: the handler's request is refused or answered, not lost");
	ok(last_finger(&p, FP_COUNT) >= 0, "reboot: start runs to its end (the count)");
	pair_close(&p);
}

/* SetSysPara packet size 32: an R503 template comes in 48 data packets, the last 08 (item 8). */
static void
test_small_packets(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = 7 };
	uint8_t cmd[FP_PACKET_MAX];
	size_t n;
	struct pair p;
	int i;

	ok(r503_pair(&p), "32-byte packets: an R503 on the line");
	n = fp_encode_command(FP_INS_SETSYSPARA, (const uint8_t[]){ 6, 0 }, 2, cmd, sizeof cmd);
	pair_host_write(&p, cmd, n);	/* as another host would: packet size 32 */
	pair_run(&p, p.now + 200);
	p.drv->start(p.drv_state, p.now, &p.io);	/* ReadSysPara says 32 now */
	p.drv_next = p.now;
	pair_run(&p, p.now + 1000);
	mark = p.n;
	ok(pair_request(&p, &rq) == 0 && await(&p, FP_PLACE, 2000), "32-byte packets: enrolment");
	ok(two_taps(&p, "alice"), "32-byte packets: enrolled");
	i = last_finger(&p, FP_ENROLLED);
	ok(i >= 0 && p.events[i].finger.tpl_len == 1536,
	    "32-byte packets: the whole 1536-byte template came");
	ok(sim_fingerprint_dropped(p.dev_state) == 0, "32-byte packets: the module lost no packet");
	pair_close(&p);
}

/* ---- custody-sim over its pty, asked by hand ---- */

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}


struct host {
	struct serial *line;
	struct fp_parser parser;
	int n;
	struct fp_packet pk[16];
};

static void
host_packet(void *arg, const struct fp_packet *pk, int64_t now)
{
	struct host *h = arg;

	(void)now;
	if (h->n < 16)
		h->pk[h->n] = *pk;
	h->n++;
}

/* Sends one command and reads until its acknowledgement (and any data that follows) is in. */
static const struct fp_packet *
ask(struct host *h, uint8_t ins, const uint8_t *params, size_t n, int data_packets)
{
	uint8_t out[FP_PACKET_MAX], in[512];
	struct errmsg em;
	int64_t end = clock_mono_ms() + 1000;
	ssize_t got;
	size_t len = fp_encode_command(ins, params, n, out, sizeof out);

	h->n = 0;
	if (serial_write(h->line, out, len, &em) != (ssize_t)len)
		return NULL;
	while (clock_mono_ms() < end && h->n < 1 + data_packets) {
		got = serial_read(h->line, in, sizeof in, &em);
		if (got > 0)
			fp_parser_feed(&h->parser, in, (size_t)got, clock_mono_ms(), host_packet, h);
		else
			pause_ms(2);
	}
	return h->n > 0 && h->pk[0].pid == FP_PID_ACK ? &h->pk[0] : NULL;
}

/* Reads raw bytes for ms; 1 when the single byte 0x55 came. */
static int
got_ready(struct host *h, int ms)
{
	uint8_t in[64];
	struct errmsg em;
	int64_t end = clock_mono_ms() + ms;
	ssize_t got;

	while (clock_mono_ms() < end) {
		got = serial_read(h->line, in, sizeof in, &em);
		if (got == 1 && in[0] == FP_READY)
			return 1;
		pause_ms(2);
	}
	return 0;
}

static int
code_is(const struct fp_packet *a, uint8_t code, size_t len)
{
	return a && a->content[0] == code && a->len == len;
}

static void
test_instructions(void)
{
	struct simrun s;
	struct host h;
	struct errmsg em;
	const struct fp_packet *a;
	char path[PATH_MAX + 16];
	uint8_t q[33];

	simrun_start(&s, "--verbose");
	devices_free(s.devs);	/* the test is the host on the line now */
	s.devs = NULL;
	memset(&h, 0, sizeof h);
	snprintf(path, sizeof path, "%s/fingerprint", s.links);
	ok(serial_open(path, 57600, "8N1", &h.line, &em) == CST_OK, "the pty opens");
	simrun_say(&s, "fingerprint library 9 bob");
	got_ready(&h, 300);	/* drains what the driver's last commands were answered */

	a = ask(&h, FP_INS_HANDSHAKE, NULL, 0, 0);
	ok(code_is(a, FP_OK, 1), "AS608: Handshake 53 answers 00 (ZFM-70 6.3.5)");
	a = ask(&h, FP_INS_AURALED, (const uint8_t[]){ 1, 0x80, 2, 0 }, 4, 0);
	ok(code_is(a, FP_ERR_UNSUPPORTED, 1), "AS608: AuraLedConfig is unsupported (FC)");
	q[0] = 0;
	a = ask(&h, FP_INS_READINDEX, q, 1, 0);
	ok(code_is(a, FP_OK, 33) && a->content[1 + 1] == 0x02 && a->content[1] == 0,
	    "ReadIndexTable page 0: 32 bytes, page 9 is bit 1 of byte 1");
	a = ask(&h, FP_INS_READINDEX, (const uint8_t[]){ 4 }, 1, 0);
	ok(a && a->content[0] != FP_OK, "ReadIndexTable page 4 is refused");
	a = ask(&h, FP_INS_LOADCHAR, (const uint8_t[]){ 1, 0, 9 }, 3, 0);
	ok(code_is(a, FP_OK, 1), "LoadChar page 9 into CharBuffer1");
	a = ask(&h, FP_INS_LOADCHAR, (const uint8_t[]){ 1, 0, 10 }, 3, 0);
	ok(code_is(a, FP_ERR_TEMPLATE, 1), "LoadChar of an empty page: 0C");
	a = ask(&h, FP_INS_HISPEEDSEARCH, (const uint8_t[]){ 1, 0, 0, 1, 0x2c }, 5, 0);
	ok(code_is(a, FP_OK, 5) && a->content[1] == 0 && a->content[2] == 9,
	    "HiSpeedSearch finds the loaded template at page 9");
	a = ask(&h, FP_INS_GETRANDOM, NULL, 0, 0);
	ok(code_is(a, FP_OK, 5), "GetRandomCode: four bytes");
	a = ask(&h, FP_INS_TEMPLATENUM, NULL, 0, 0);
	ok(code_is(a, FP_OK, 3) && a->content[2] == 1, "TempleteNum: 1");
	a = ask(&h, FP_INS_DELETCHAR, (const uint8_t[]){ 0, 9, 0, 1 }, 4, 0);
	ok(code_is(a, FP_OK, 1), "DeletChar page 9, one template");
	a = ask(&h, FP_INS_TEMPLATENUM, NULL, 0, 0);
	ok(code_is(a, FP_OK, 3) && a->content[2] == 0, "TempleteNum: 0");
	a = ask(&h, FP_INS_DELETCHAR, (const uint8_t[]){ 0x01, 0x2c, 0, 1 }, 4, 0);
	ok(code_is(a, FP_ERR_DELETE, 1), "DeletChar past the library: 10");
	a = ask(&h, FP_INS_SETSYSPARA, (const uint8_t[]){ 6, 3 }, 2, 0);
	ok(code_is(a, FP_OK, 1), "SetSysPara 6 = 3 (256-byte packets)");
	a = ask(&h, FP_INS_READSYSPARA, NULL, 0, 0);
	ok(code_is(a, FP_OK, 17) && a->content[14] == 3, "ReadSysPara says packet size code 3");
	a = ask(&h, FP_INS_SETSYSPARA, (const uint8_t[]){ 7, 1 }, 2, 0);
	ok(code_is(a, FP_ERR_REGISTER, 1), "SetSysPara 7: invalid register number (1A)");
	memset(q, 0, sizeof q);
	q[0] = 3;
	q[1] = 0xa5;
	a = ask(&h, FP_INS_WRITENOTEPAD, q, 33, 0);
	ok(code_is(a, FP_OK, 1), "WriteNotepad page 3");
	a = ask(&h, FP_INS_READNOTEPAD, q, 1, 0);
	ok(code_is(a, FP_OK, 33) && a->content[1] == 0xa5, "ReadNotepad page 3 gives it back");

	simrun_say(&s, "fingerprint model r503");
	ok(got_ready(&h, 1000), "R503: 0x55 when it is ready after power-on");
	a = ask(&h, FP_INS_HANDSHAKE_R503, NULL, 0, 0);
	ok(code_is(a, FP_OK, 1), "R503: HandShake 40 answers 00 (manual v1.2.2)");
	a = ask(&h, FP_INS_AURALED, (const uint8_t[]){ 1, 0x80, 2, 0 }, 4, 0);
	ok(code_is(a, FP_OK, 1), "R503: AuraLedConfig 35 answers 00");
	a = ask(&h, FP_INS_READPRODINFO, NULL, 0, 0);
	ok(code_is(a, FP_OK, 1 + FP_PRODINFO_LEN) && a->content[43] == 0x06 &&
	    a->content[44] == 0x00, "R503: ReadProdInfo gives 0x0600 = 1536-byte templates");
	a = ask(&h, FP_INS_CHECKSENSOR, NULL, 0, 0);
	ok(code_is(a, FP_OK, 1), "R503: CheckSensor 36 answers 00");
	a = ask(&h, FP_INS_SOFTRST, NULL, 0, 0);
	ok(code_is(a, FP_OK, 1) && got_ready(&h, 1000), "R503: SoftRst answers 00, then 0x55");
	simrun_say(&s, "fingerprint library 3 carol");
	pause_ms(100);
	a = ask(&h, FP_INS_LOADCHAR, (const uint8_t[]){ 1, 0, 3 }, 3, 0);
	ok(code_is(a, FP_OK, 1), "R503: LoadChar page 3");
	a = ask(&h, FP_INS_UPCHAR, (const uint8_t[]){ 1 }, 1, 12);
	ok(a && a->content[0] == FP_OK && h.n == 13 && h.pk[12].pid == FP_PID_END &&
	    h.pk[1].len == 128, "R503: UpChar sends 1536 bytes in twelve 128-byte packets");
	serial_close(h.line);
	simrun_stop(&s);
}

/* The console's own device layer and poll loop against custody-sim as an R503. */
static int
enrolled(struct simrun *s)
{
	return simrun_find(s, 0, CONF_DEV_FINGERPRINT, DEV_FINGER) >= 0 && s->last_tpl_len > 0;
}

static int
has_finger(struct simrun *s, enum dev_finger_what what)
{
	int i;

	for (i = 0; i < s->n && i < SIM_EVENTS; i++)
		if (s->devof[i] == CONF_DEV_FINGERPRINT && s->events[i].kind == DEV_FINGER &&
		    s->events[i].finger.what == what)
			return 1;
	return 0;
}

static int want_what;

static int
seen(struct simrun *s)
{
	return has_finger(s, (enum dev_finger_what)want_what);
}

static int
r503_info(struct simrun *s)
{
	int i;

	for (i = 0; i < s->n && i < SIM_EVENTS; i++)
		if (s->events[i].kind == DEV_INFO && strstr(s->events[i].text, "1536"))
			return 1;
	return 0;
}

static void
test_r503_over_pty(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = 7 };
	struct simrun s;

	simrun_start(&s, "--verbose");
	simrun_say(&s, "fingerprint model r503");
	ok(simrun_wait(&s, 3000, r503_info), "R503 over a pty: 0x55, then 1536-byte templates");
	want_what = FP_COUNT;
	ok(simrun_wait(&s, 3000, seen), "R503: start ends with the count");
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "R503: enrolment starts");
	want_what = FP_PLACE;
	ok(simrun_wait(&s, 3000, seen), "R503: asks for the finger");
	simrun_say(&s, "fingerprint tap alice");
	want_what = FP_LIFT;
	ok(simrun_wait(&s, 5000, seen), "R503: asks to lift it");
	simrun_wait(&s, 1700, NULL);
	simrun_say(&s, "fingerprint tap alice");
	want_what = FP_ENROLLED;
	ok(simrun_wait(&s, 8000, seen), "R503: enrolled end to end");
	ok(enrolled(&s) && s.last_tpl_len == 1536, "R503: the template is the module's 1536 bytes");
	ok(!has_finger(&s, FP_FAILED), "R503: nothing failed");
	simrun_stop(&s);
}

int
main(void)
{
	test_r503_in_memory();
	test_no_led();
	test_noise_55();
	test_reboot_mid_request();
	test_small_packets();
	test_instructions();
	test_r503_over_pty();
	return t_done();
}
