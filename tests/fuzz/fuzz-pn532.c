/*
 * libFuzzer: the PN532 frame reader and driver never crash on any bytes, split anywhere and
 * late or early; every tap is a 4, 7 or 10-byte UID in upper-case hex, every frame is within
 * the protocol's bounds, and the driver only ever writes its own commands or a NACK.  The
 * simulated chip, fed the same bytes as a host's, only ever sends whole, well-formed frames.
 */
#include <assert.h>
#include <string.h>

#include "pn532.h"
#include "sim.h"

extern const struct sim_device sim_pn532;

static void
check_frame(void *arg, const struct pn532_frame *f)
{
	(void)arg;
	assert(f->kind <= PN532_BAD);
	assert(f->len < PN532_BODY_MAX);
	if (f->kind == PN532_INFO)
		assert(f->tfi == PN532_TFI_HOST || f->tfi == PN532_TFI_CHIP ||
		    (f->tfi == PN532_TFI_ERROR && f->len == 0));
	else
		assert(f->len == 0 && f->data == NULL);
}

static void
check_event(void *arg, const struct dev_event *ev)
{
	size_t n = strlen(ev->id), i;

	(void)arg;
	if (ev->kind == DEV_TAP) {
		assert(n == 8 || n == 14 || n == 20);
		for (i = 0; i < n; i++)
			assert(strchr("0123456789ABCDEF", ev->id[i]) != NULL);
	} else if (ev->kind == DEV_INFO) {
		assert(strncmp(ev->text, "PN5", 3) == 0);
	} else {
		assert(ev->kind == DEV_ERROR && ev->code == PN532_TFI_ERROR);
	}
}

static void
check_write(void *arg, const uint8_t *bytes, size_t n)
{
	(void)arg;
	assert(n == sizeof pn532_nack || (n >= 9 && n <= PN532_WAKEUP_LEN + 16));
	assert(bytes[0] == 0x00 || bytes[0] == 0x55);
}

/* A frame the simulated chip sends: one ACK, one error frame or one D5 frame, checksums right. */
static void
count_frame(void *arg, const struct pn532_frame *f)
{
	int *n = arg;

	assert(f->kind == PN532_ACK || (f->kind == PN532_INFO && f->tfi != PN532_TFI_HOST));
	assert(f->kind != PN532_INFO || f->tfi == PN532_TFI_ERROR || (f->len >= 1 &&
	    (f->data[0] & 1) == 1));
	(*n)++;
}

static void
check_sim_send(void *arg, const uint8_t *frame, size_t n)
{
	static struct pn532_parser ps;
	int frames = 0;

	(void)arg;
	assert(n <= PN532_FRAME_MAX);
	pn532_parser_init(&ps);
	pn532_parser_feed(&ps, frame, n, 0, count_frame, &frames);
	assert(frames == 1 && ps.stats.bad_checksum == 0 && ps.stats.bad_frame == 0 &&
	    ps.stats.garbage == 0);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct pn532 p;
	static struct pn532_parser ps;
	struct dev_io io = { check_write, check_event, NULL };
	size_t half = size / 2, third = size / 3;
	int64_t now = 1000, next;

	pn532_parser_init(&ps);
	pn532_parser_feed(&ps, data, third, 0, check_frame, NULL);
	pn532_parser_feed(&ps, data + third, size - third, 1, check_frame, NULL);
	assert(ps.len < sizeof ps.buf);
	pn532_parser_tick(&ps, 1000, check_frame, NULL);
	assert(ps.len < 2);

	/* the driver, fed in two halves with a tick between (ACK and response timeouts) */
	memset(&p, 0, sizeof p);
	pn532_driver.start(&p, now, &io);
	pn532_driver.feed(&p, data, half, now + 1, &io);
	next = pn532_driver.tick(&p, now + (size & 0x1ff), &io);
	assert(next > now + (int64_t)(size & 0x1ff));
	pn532_driver.feed(&p, data + half, size - half, next, &io);
	assert(pn532_driver.tick(&p, next + 1, &io) > next + 1);
	assert(p.ps.len < sizeof p.ps.buf);

	/* the simulated chip, woken, with the input as the host's bytes and a card in the field */
	{
		static uint8_t st[8192];
		struct sim_io sio = { check_sim_send, NULL };
		char verb[] = "hold", uid[] = "047BCB51962280", err[128];
		char *argv[] = { verb, uid };

		assert(sim_pn532.state_size <= sizeof st);
		sim_pn532.init(st);
		sim_pn532.from_host(st, pn532_wakeup, PN532_WAKEUP_LEN, 0, &sio);
		if (size & 1)
			sim_pn532.command(st, 2, argv, 0, &sio, err, sizeof err);
		sim_pn532.from_host(st, data, third, 1, &sio);
		next = sim_pn532.tick(st, 2, &sio);
		sim_pn532.from_host(st, data + third, size - third, 3, &sio);
		sim_pn532.tick(st, next > 3 ? next : 100000, &sio);
	}
	return 0;
}
