/*
 * libFuzzer: the fingerprint packet parser and the driver never crash, never hold more than
 * one packet, and every packet or event they hand on is within the protocol's bounds; the
 * input's 0x55 bytes between packets are R503 ready signals that restart the driver (or garbage
 * while a request is answered), and its answers reach ReadProdInfo (template size), ReadIndexTable and AuraLedConfig.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "fingerprint.h"

static void
check_packet(void *arg, const struct fp_packet *pk, int64_t now)
{
	(void)arg;
	(void)now;
	assert(pk->len <= FP_CONTENT_MAX);
	assert(pk->pid == FP_PID_COMMAND || pk->pid == FP_PID_DATA || pk->pid == FP_PID_ACK ||
	    pk->pid == FP_PID_END);
}

static void
check_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	assert(ev->kind == DEV_INFO || ev->kind == DEV_FINGER || ev->kind == DEV_ERROR);
	assert(memchr(ev->text, 0, sizeof ev->text) != NULL);
	if (ev->kind != DEV_FINGER)
		return;
	assert(ev->finger.what <= FP_COUNT);
	assert(ev->finger.tpl_len <= FP_TPL_MAX);
	assert(ev->finger.what != FP_ENROLLED || (ev->finger.tpl != NULL &&
	    ev->finger.tpl_len > 0));
	assert(ev->finger.quality >= 0 && ev->finger.quality <= 100);
}

static void
discard(void *arg, const uint8_t *bytes, size_t n)
{
	(void)arg;
	assert(n > 0 && n <= FP_PACKET_MAX);
	(void)bytes;
}

/* The driver in the middle of a request (chosen by the first byte), fed the rest in chunks. */
static void
drive(const unsigned char *data, size_t size)
{
	static union {
		max_align_t align;
		unsigned char b[1 << 16];
	} st;
	const struct dev_io io = { discard, check_event, NULL };
	struct dev_request rq;
	int64_t now = 0, next;
	size_t off, chunk;

	assert(fingerprint_driver.state_size <= sizeof st.b);
	memset(&st, 0, sizeof st);
	fingerprint_driver.start(st.b, now, &io);
	memset(&rq, 0, sizeof rq);
	rq.kind = (enum dev_request_kind)(data[0] % 6);
	rq.page = data[0] & 0x80 ? FP_PAGE_FREE : data[0];	/* the index table's free page too */
	rq.tpl = data;
	rq.tpl_len = size;
	next = fingerprint_driver.tick(st.b, now, &io);
	for (off = 1; off < size; off += chunk) {
		chunk = (size_t)data[off] % 32 + 1;
		if (chunk > size - off)
			chunk = size - off;
		fingerprint_driver.feed(st.b, data + off, chunk, now, &io);
		if (off == 1 + chunk || off == 1)
			(void)fingerprint_driver.request(st.b, &rq, now, &io);
		now += data[off] % 4 == 0 ? 700 : 20;
		if (next >= 0 && next <= now) {
			next = fingerprint_driver.tick(st.b, now, &io);
			assert(next == -1 || next > now);
		}
	}
	(void)fingerprint_driver.stats(st.b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct fp_parser p;
	size_t half = size / 2;

	fp_parser_init(&p);
	fp_parser_feed(&p, data, half, 0, check_packet, NULL);
	assert(p.len < FP_PACKET_MAX);
	fp_parser_feed(&p, data + half, size - half, 1, check_packet, NULL);
	assert(p.len < FP_PACKET_MAX);
	assert(fp_parser_expire(&p, 1 + FP_GAP_MS, check_packet, NULL) == -1 && p.len == 0);
	if (size > 0)
		drive(data, size);
	return 0;
}
