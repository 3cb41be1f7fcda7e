/*
 * libFuzzer: the ID card reader's driver, fed split input as reader answers, and the frame
 * reader with the simulator's bounds for host commands, never crash; every card the driver
 * emits has well-formed fields; every host frame taken is within its bounds.  (The simulator
 * itself is not linked: tests/test-fuzz.sh links drivers/ but not drivers/sim/.)
 */
#include <assert.h>
#include <string.h>

#include "idreader.h"

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == 0;
}

/* 17 digits, then a digit or X. */
static int
id_shape(const char *s)
{
	size_t i;

	if (strlen(s) != 18)
		return 0;
	for (i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return (s[17] >= '0' && s[17] <= '9') || s[17] == 'X';
}

static void
check(void *arg, const struct dev_event *ev)
{
	const struct dev_idcard *c = ev->idcard;

	(void)arg;
	assert(ev->kind == DEV_IDCARD || ev->kind == DEV_INFO || ev->kind == DEV_ERROR);
	assert(memchr(ev->text, 0, sizeof ev->text) != NULL);
	if (ev->kind != DEV_IDCARD)
		return;
	assert(c != NULL && c->photo_len <= IDR_PHOTO);
	assert(memchr(c->name, 0, sizeof c->name) != NULL);
	assert(memchr(c->name_en, 0, sizeof c->name_en) != NULL);
	assert(memchr(c->address, 0, sizeof c->address) != NULL);
	assert(memchr(c->address_extra, 0, sizeof c->address_extra) != NULL);
	assert(memchr(c->authority, 0, sizeof c->authority) != NULL);
	assert(memchr(c->previous, 0, sizeof c->previous) != NULL);
	assert(digits(c->sex, 1) && digits(c->birth, 8) && digits(c->valid_from, 8));
	switch (c->type) {	/* each type has its own layout and says what it has */
	case ' ':
		assert(c->name[0] != 0 && digits(c->ethnicity, 2) && id_shape(c->id_number));
		assert(digits(c->valid_to, 8) || strcmp(c->valid_to, "长期") == 0);
		break;
	case 'J':
		assert(c->name[0] != 0 && id_shape(c->id_number) && digits(c->issues, 2));
		assert(strlen(c->pass_number) >= 8 && strlen(c->pass_number) <= 9);
		break;
	case 'I':
		assert(c->name_en[0] != 0 && strlen(c->id_number) == 15 && digits(c->version, 2));
		assert(strlen(c->nationality) == 3 && digits(c->authority, 4));
		assert(digits(c->valid_to, 8) && c->address_extra[0] == 0);
		break;
	case 'Y':
		assert(c->name_en[0] != 0 && id_shape(c->id_number) && digits(c->issues, 2));
		assert(strlen(c->nationality) == 3 && c->address_extra[0] == 0);
		break;
	default:
		assert(!"a card of a type without layout was emitted");
	}
}

static void
discard(void *arg, const uint8_t *bytes, size_t n)
{
	(void)arg;
	(void)bytes;
	(void)n;
}

static void
host_frame(void *arg, int status, const uint8_t *body, size_t n)
{
	(void)arg;
	assert(status != 0 || (body != NULL && n >= 2 && n < IDR_HOST_BODY_MAX));
	assert(status == 0 || status == IDR_SW_CHECKSUM || status == IDR_SW_LENGTH);
}

/* Where the next frame (its preamble) starts after from, or end. */
static size_t
next_preamble(const unsigned char *data, size_t from, size_t end)
{
	size_t i;

	for (i = from + 1; i + 5 <= end; i++)
		if (memcmp(data + i, "\xaa\xaa\xaa\x96\x69", 5) == 0)
			return i;
	return end;
}

/*
 * The driver takes an answer only to the question it asked, so the input is cut before each
 * preamble (and in the middle), and the clock moves a poll before each frame: a session of
 * answers (status, SAM id, found, selected, read) goes all the way to a card.
 */
static void
drive(const unsigned char *data, size_t size)
{
	static struct idreader r;
	struct dev_io io = { discard, check, NULL };
	size_t half = size / 2, at = 0;
	int64_t now = 0;

	idreader_driver.start(&r, now, &io);
	while (at < size) {
		size_t end = next_preamble(data, at, size);

		/* A frame's second half follows at once; a new frame a poll later. */
		now += at == half && half > 0 ? 1 : IDR_POLL_MS;
		if (at < half && end > half)
			end = half;
		idreader_driver.tick(&r, now, &io);
		idreader_driver.feed(&r, data + at, end - at, now, &io);
		assert(r.parser.len <= IDR_BODY_MAX);
		at = end;
	}
	idreader_driver.tick(&r, now + 10000, &io);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct dev_stats st;
	struct idr_parser host;
	size_t half = size / 2;

	drive(data, size);
	memset(&st, 0, sizeof st);
	idr_parser_init(&host, 3, IDR_HOST_BODY_MAX, &st);
	idr_parser_feed(&host, data, half, 0, host_frame, NULL);
	idr_parser_feed(&host, data + half, size - half, 1, host_frame, NULL);
	assert(host.len <= IDR_HOST_BODY_MAX);
	return 0;
}
