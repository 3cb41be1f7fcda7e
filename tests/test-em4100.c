/* The EM4100 ASCII parser: golden frame, any split, garbage, bad checksums, half frames, folding. */
#include <string.h>

#include "devpair.h"
#include "em4100.h"
#include "t.h"

extern const struct sim_device sim_em4100;

struct taps {
	int n;
	char ids[16][DEV_ID_MAX];
};

static void
collect(void *arg, const struct dev_event *ev)
{
	struct taps *t = arg;

	if (t->n < 16)
		memcpy(t->ids[t->n], ev->id, DEV_ID_MAX);
	t->n++;
}

/* The example of the RDM630 data sheet (Seeed Studio): tag 62E3086CED, checksum 08. */
static const uint8_t golden[EM4100_FRAME] = { 0x02, '6', '2', 'E', '3', '0', '8', '6', 'C',
    'E', 'D', '0', '8', 0x03 };

static void
test_golden(void)
{
	static const uint8_t tag[5] = { 0x62, 0xe3, 0x08, 0x6c, 0xed };
	uint8_t out[EM4100_FRAME];
	struct em4100 p;
	struct taps t = { 0 };

	em4100_encode(tag, out);
	ok(memcmp(out, golden, sizeof out) == 0, "the encoder writes the data sheet's frame");
	em4100_init(&p);
	em4100_feed(&p, golden, sizeof golden, 1000, collect, &t);
	ok(t.n == 1 && strcmp(t.ids[0], "62E3086CED") == 0, "the data sheet's frame is one tap");
}

static void
test_byte_by_byte_and_folding(void)
{
	struct em4100 p;
	struct taps t = { 0 };
	size_t i;
	int r;

	em4100_init(&p);
	for (r = 0; r < 5; r++)		/* a reader repeats every ~100 ms while the tag is there */
		for (i = 0; i < sizeof golden; i++)
			em4100_feed(&p, &golden[i], 1, 1000 + r * 100, collect, &t);
	ok(t.n == 1 && p.stats.folded == 4, "repeated reads of one tag fold into one tap");
	em4100_feed(&p, golden, sizeof golden, 1000 + 4 * 100 + EM4100_FOLD_MS + 1, collect, &t);
	ok(t.n == 2, "the same tag after a pause is a new tap");
}

static void
test_faults(void)
{
	uint8_t buf[64];
	struct em4100 p;
	struct taps t = { 0 };

	em4100_init(&p);
	memcpy(buf, "\xff\x00garbage", 9);
	memcpy(buf + 9, golden, sizeof golden);
	em4100_feed(&p, buf, 9 + sizeof golden, 0, collect, &t);
	ok(t.n == 1 && p.stats.garbage == 9, "garbage before a frame is skipped and counted");

	memcpy(buf, golden, sizeof golden);
	buf[12] = '9';
	em4100_feed(&p, buf, sizeof golden, 5000, collect, &t);
	ok(t.n == 1 && p.stats.bad_checksum == 1, "a bad checksum is dropped and counted");

	em4100_feed(&p, golden, 7, 9000, collect, &t);		/* half a frame, then a whole one */
	em4100_feed(&p, golden, sizeof golden, 9000, collect, &t);
	ok(t.n == 2 && p.stats.bad_frame == 1, "a half frame is dropped; the next frame is read");

	memcpy(buf, golden, sizeof golden);
	buf[5] = 'G';
	em4100_feed(&p, buf, sizeof golden, 20000, collect, &t);
	ok(t.n == 2 && p.stats.bad_frame == 2, "a non-hex digit is a bad frame");

	memcpy(buf, golden, 6);
	buf[6] = 0x03;
	em4100_feed(&p, buf, 7, 30000, collect, &t);
	em4100_feed(&p, golden, sizeof golden, 40000, collect, &t);
	ok(t.n == 3 && p.stats.bad_frame == 3, "an early end of frame is dropped, then resync");
}

/* The driver against the simulated reader: a tap is one event however long it lasts. */
static void
test_against_sim(void)
{
	struct pair p;
	char err[256];

	pair_open(&p, &em4100_driver, &sim_em4100, 1000);
	ok(pair_command(&p, "tap 62E3086CED", err, sizeof err) == 0, "the simulator takes a tap");
	pair_run(&p, 3000);
	ok(p.n == 1 && p.events[0].kind == DEV_TAP && strcmp(p.events[0].id, "62E3086CED") == 0,
	    "a simulated tap of several repeats is one tap event");
	ok(p.drv->stats(p.drv_state)->folded >= 1, "the repeats were folded");
	ok(pair_command(&p, "hold 0102030405", err, sizeof err) == 0, "hold");
	pair_run(&p, 3050);
	p.fault = PAIR_CORRUPT;
	pair_run(&p, 3500);
	ok(pair_command(&p, "lift", err, sizeof err) == 0, "lift");
	pair_run(&p, 6000);
	ok(p.n == 2 && strcmp(p.events[1].id, "0102030405") == 0, "a held tag is one event");
	ok(p.drv->stats(p.drv_state)->bad_checksum + p.drv->stats(p.drv_state)->bad_frame == 1,
	    "the corrupted frame was counted");
	ok(pair_command(&p, "tap 12345", err, sizeof err) == -1 && strstr(err, "ten hex") != NULL,
	    "a short tag id is refused with a reason");
	ok(pair_command(&p, "wave", err, sizeof err) == -1, "an unknown verb is refused");
	pair_close(&p);
}

int
main(void)
{
	test_against_sim();
	test_golden();
	test_byte_by_byte_and_folding();
	test_faults();
	return t_done();
}
