/*
 * libFuzzer: the UHF driver and the simulated module never crash on any bytes; every tag the
 * driver emits is an upper-case hex EPC of as many words as its PC says, every text printable,
 * every setting's answer one of the settings commands with a 16-bit value (data[0] bit 1: a
 * get power is asked first, bit 2: a set power, so the answers are parsed).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "uhf.h"

/* tests/test-fuzz.sh links drivers/*.c but not drivers/sim/: the simulator comes in here */
extern const struct sim_device sim_uhf;

static void
check(void *arg, const struct dev_event *ev)
{
	size_t i, n;

	(void)arg;
	switch (ev->kind) {
	case DEV_TAG:
		n = strlen(ev->id);
		assert(n >= 4 && n <= 2 * UHF_EPC_MAX && n == (size_t)(ev->tag.pc >> 11) * 4);
		for (i = 0; i < n; i++)
			assert(strchr("0123456789ABCDEF", ev->id[i]) != NULL);
		assert(ev->tag.rssi >= -128 && ev->tag.rssi <= 127);
		break;
	case DEV_INFO:
	case DEV_ERROR:
		n = strlen(ev->text);
		assert(n < DEV_TEXT_MAX);
		for (i = 0; i < n; i++)
			assert(ev->text[i] >= 0x20 && ev->text[i] < 0x7f);
		assert(ev->code >= 0 && ev->code <= 255);
		break;
	case DEV_SETTING:
		assert(strchr("\x0d\x0e\x07\x08\xad\xb7\xb6", ev->setting.cmd) != NULL &&
		    ev->setting.cmd != 0);
		assert(ev->setting.value >= 0 && ev->setting.value <= 0xffff);
		break;
	default:
		assert(!"the UHF driver emits tags, info, settings and errors only");
	}
}

static void
nowrite(void *arg, const uint8_t *bytes, size_t n)
{
	(void)arg;
	assert(n >= 7 && bytes[0] == UHF_HEADER && bytes[n - 1] == UHF_END);
}

static void
nosend(void *arg, const uint8_t *frame, size_t n)
{
	(void)arg;
	assert(n >= 7 && n <= UHF_FRAME_MAX && frame[0] == UHF_HEADER && frame[n - 1] == UHF_END);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct uhf u;
	static void *sim;
	struct dev_io io = { nowrite, check, NULL };
	struct sim_io sio = { nosend, NULL };
	struct dev_request rq = { .kind = DEV_RQ_UHF_START };
	const struct dev_stats *st;
	size_t third = size / 3;
	int64_t next;

	memset(&u, 0, sizeof u);
	uhf_driver.start(&u, 0, &io);
	if (size > 0 && data[0] & 1)
		uhf_driver.request(&u, &rq, 0, &io);
	if (size > 0 && data[0] & 6) {
		struct dev_request set = { .kind = data[0] & 2 ? DEV_RQ_UHF_GET_POWER :
		    DEV_RQ_UHF_SET_POWER, .value = 2000 };

		assert(uhf_driver.request(&u, &set, 0, &io) == 0);
	}
	uhf_driver.feed(&u, data, third, 1, &io);
	uhf_driver.feed(&u, data + third, third, 2, &io);
	uhf_driver.feed(&u, data + 2 * third, size - 2 * third, 3, &io);
	assert(u.parser.len < UHF_FRAME_MAX);
	assert(u.parser.len < 5 || u.parser.len < u.parser.need);
	next = uhf_driver.tick(&u, 3 + UHF_GAP_MS, &io);
	assert(u.parser.len == 0 && (next == -1 || next > 3 + UHF_GAP_MS));
	st = uhf_driver.stats(&u);
	assert(st->frames * 7 <= size && st->garbage <= size);

	if (sim == NULL)
		sim = malloc(sim_uhf.state_size);
	sim_uhf.init(sim);
	sim_uhf.from_host(sim, data, size, 0, &sio);
	next = sim_uhf.tick(sim, 10, &sio);
	assert(next == -1 || next > 10);
	return 0;
}
