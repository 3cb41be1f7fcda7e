/*
 * libFuzzer: the dock driver never crashes on any bytes split anywhere (versions 1 and 2),
 * every event it emits is within the protocol's bounds, a header failing its check is never
 * kept as a frame's start, and every frame it writes back (ACK, NAK, HOST_HELLO,
 * retransmissions) is a well-formed frame.
 */
#include <assert.h>
#include <string.h>

#include "dock.h"

static int host_frames;

static void
check_frame(void *arg, const struct dock_frame *f, int good)
{
	(void)arg;
	assert(good);
	assert(f->type == DOCK_T_ACK || f->type == DOCK_T_NAK || f->type == DOCK_T_HOST_HELLO ||
	    f->type == DOCK_T_BIND || f->type == DOCK_T_UNBIND || f->type == DOCK_T_LOCATE);
	host_frames++;
}

static void
check_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct dock_parser p;
	struct dev_stats st;

	(void)arg;
	memset(&p, 0, sizeof p);
	memset(&st, 0, sizeof st);
	p.versions = DOCK_READ_V1 | DOCK_READ_V2;	/* to a dock of the field it writes v1 */
	dock_parse(&p, &st, bytes, n, 0, check_frame, NULL);
	assert(p.len == 0 && st.garbage == 0 && st.bad_frame == 0 && st.bad_checksum == 0);
}

static void
check_hex(const char *id)
{
	size_t n = strlen(id), i;

	assert(n <= 2 * DOCK_BAND_ID_MAX && n % 2 == 0);
	for (i = 0; i < n; i++)
		assert(strchr("0123456789ABCDEF", id[i]) != NULL);
}

static void
check_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	assert(memchr(ev->text, 0, sizeof ev->text) != NULL);
	if (ev->kind != DEV_DOCK)
		return;
	check_hex(ev->id);
	assert(memchr(ev->dock.dock_id, 0, sizeof ev->dock.dock_id) != NULL);
	assert(ev->dock.battery >= -1 && ev->dock.battery <= 100);
	assert(ev->dock.zone >= -1 && ev->dock.zone <= 0xfffe);
	assert(ev->dock.slot >= 0 && ev->dock.slot <= 255);
	if (ev->dock.what == DOCK_TELEMETRY || ev->dock.what == DOCK_PRESENT ||
	    ev->dock.what == DOCK_REMOVED)
		assert(strlen(ev->id) >= 2);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct dock d;
	struct dev_io io = { check_write, check_event, NULL };
	struct dev_request rq;
	size_t cut, i;
	int64_t now = 1000, next;

	memset(&d, 0, sizeof d);
	dock_driver.start(&d, now, &io);
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_BIND;
	rq.slot = 2;
	memcpy(rq.visit, "V1", 3);
	assert(dock_driver.request(&d, &rq, now, &io) == 0);
	/* The first byte chooses the cuts; a gap between pieces lets half frames time out. */
	cut = size > 0 ? data[0] % 16 + 1 : 1;
	for (i = 0; i < size; i += cut) {
		size_t n = size - i < cut ? size - i : cut;

		dock_driver.feed(&d, data + i, n, now, &io);
		assert(d.parser.len < DOCK_FRAME_MAX);
		assert(d.ver == DOCK_VERSION || d.ver == DOCK_VERSION_1);
		/* A header that fails its check never stays in the buffer as a frame's start. */
		assert(d.parser.len < DOCK_HEADER || d.parser.buf[2] != DOCK_VERSION ||
		    dock_crc8(d.parser.buf + 2, 4) == d.parser.buf[6]);
		now += data[i] & 1 ? DOCK_GAP_MS : 1;
		dock_driver.tick(&d, now, &io);
	}
	now += DOCK_SILENCE_MS;
	next = dock_driver.tick(&d, now, &io);
	assert(next == -1 || next > now);
	return 0;
}
