/*
 * The SAM_A ID card reader: golden frames of the readers' manuals, every split, garbage, bad
 * checksums, cut frames, oversized lengths, the UCS-2 text, the driver against the simulated
 * reader (and its faults, timeouts, folding), and the simulator's script.
 */
#include <stdio.h>
#include <string.h>

#include "devpair.h"
#include "idcard.h"
#include "idreader.h"
#include "t.h"

extern const struct sim_device sim_idcard;

/*
 * Find card and its answer "card found", as printed in 程序猿evint, "C# 使用串口分析SAM协议,
 * 读取身份证信息" (yzsam.com, 2022-01-27, section 一.1, for a 华视 CVR-100D reader), the same
 * command bytes as the 8051 and GLib drivers on GitHub.  By hand: 00^03^20^01 = 22, and
 * 00^08^00^00^9F^00^00^00^00 = 97.
 */
static const uint8_t find_cmd[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01,
    0x22 };
static const uint8_t find_found[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00,
    0x9f, 0x00, 0x00, 0x00, 0x00, 0x97 };
/* Select card and "selected" (same source, 一.2): 00^03^20^02 = 21; 00^0C^00^00^90^0*8 = 9C. */
static const uint8_t select_cmd[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x02,
    0x21 };
static const uint8_t select_ok[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x0c, 0x00, 0x00,
    0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0x9c };
/* Read base information (same source, 一.3: "返回值: 1295 字节"): 00^03^30^01 = 32. */
static const uint8_t read_cmd[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x30, 0x01,
    0x32 };
/*
 * The head of its answer, from 东信智能 (eastcoms.com), "身份证阅读器SAM模块身份证信息解析说明"
 * (2018-05-28, 一、头文件): length 0508 = 1288 = SW 3 + lengths 4 + 256 + 1024 + CHK 1,
 * text length 0100, photo length 0400.
 */
static const uint8_t read_head[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x05, 0x08, 0x00, 0x00,
    0x90, 0x01, 0x00, 0x04, 0x00 };
/* SAM status, as in heiher's hev-dbus-object-idcard-reader.c (GitHub): 00^03^11^FF = ED. */
static const uint8_t status_cmd[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x11, 0xff,
    0xed };
/* Computed, not printed in a source: "not found" 00 04 00 00 80, 00^04^80 = 84. */
static const uint8_t not_found[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00,
    0x80, 0x84 };

/* Frames the parser delivered. */
struct frames {
	int n, bad;
	int last_status;
	uint8_t body[IDR_BODY_MAX];
	size_t len;
};

static void
on_frame(void *arg, int status, const uint8_t *body, size_t n)
{
	struct frames *f = arg;

	f->last_status = status;
	if (status != 0) {
		f->bad++;
		return;
	}
	f->n++;
	memcpy(f->body, body, n);
	f->len = n;
}

/* Puts UCS-2 code units (0-terminated) at off, then spaces up to size bytes. */
static void
put16(uint8_t *text, size_t off, size_t size, const unsigned *u)
{
	size_t i;

	for (i = 0; 2 * i < size; i++) {
		unsigned c = *u ? *u++ : ' ';

		text[off + 2 * i] = (uint8_t)c;
		text[off + 2 * i + 1] = (uint8_t)(c >> 8);
	}
}

static void
put_ascii(uint8_t *text, size_t off, size_t size, const char *s)
{
	unsigned u[40];
	size_t i;

	for (i = 0; s[i] && i < 39; i++)
		u[i] = (unsigned char)s[i];
	u[i] = 0;
	put16(text, off, size, u);
}

/* A hand-made text, laid out as GA 467's 256 bytes (name 30, sex 2, nation 4, birth 16...). */
static void
hand_text(uint8_t text[IDR_TEXT])
{
	static const unsigned name[] = { 0x5f20, 0x4e09, 0 };	/* 张三 */
	static const unsigned addr[] = { 0x5317, 0x4eac, 0x5e02, '4', 0x53f7, 0 }; /* 北京市4号 */
	static const unsigned auth[] = { 0x5317, 0x4eac, 0x5e02, 0x516c, 0x5b89, 0x5c40, 0 };

	memset(text, 0, IDR_TEXT);
	put16(text, 0, 30, name);
	put_ascii(text, 30, 2, "1");
	put_ascii(text, 32, 4, "01");
	put_ascii(text, 36, 16, "19900307");
	put16(text, 52, 70, addr);
	put_ascii(text, 122, 36, "11010119900307803X");
	put16(text, 158, 30, auth);
	put_ascii(text, 188, 16, "20150101");
	put_ascii(text, 204, 16, "20350101");
}

/* The whole 1295-byte answer to read base information, built by hand around hand_text. */
static size_t
read_answer(uint8_t out[IDR_FRAME_MAX])
{
	uint8_t x = 0;
	size_t i;

	memcpy(out, read_head, sizeof read_head);
	hand_text(out + 14);
	for (i = 0; i < IDR_PHOTO; i++)
		out[14 + IDR_TEXT + i] = (uint8_t)(i & 0x7f);
	for (i = 5; i < IDR_FRAME_MAX - 1; i++)
		x ^= out[i];
	out[IDR_FRAME_MAX - 1] = x;
	return IDR_FRAME_MAX;
}

static void
test_golden(void)
{
	static const uint8_t zeros[8];
	uint8_t out[IDR_FRAME_MAX], text[IDR_TEXT], data[4 + IDR_TEXT + IDR_PHOTO];
	struct dev_stats st = { 0 };
	struct idr_parser p;
	struct frames f = { 0 };

	ok(idr_encode_command(IDR_FIND, out) == sizeof find_cmd &&
	    memcmp(out, find_cmd, sizeof find_cmd) == 0, "find card is the manual's frame");
	ok(idr_encode_command(IDR_SELECT, out) == 10 && memcmp(out, select_cmd, 10) == 0,
	    "select card is the manual's frame");
	ok(idr_encode_command(IDR_READ_BASE, out) == 10 && memcmp(out, read_cmd, 10) == 0,
	    "read base information is the manual's frame");
	ok(idr_encode_command(IDR_STATUS, out) == 10 && memcmp(out, status_cmd, 10) == 0,
	    "SAM status is 11 FF ED");
	ok(idr_encode_answer(IDR_SW_FOUND, zeros, 4, out, sizeof out) == sizeof find_found &&
	    memcmp(out, find_found, sizeof find_found) == 0, "the found answer is the manual's");
	ok(idr_encode_answer(IDR_SW_OK, zeros, 8, out, sizeof out) == sizeof select_ok &&
	    memcmp(out, select_ok, sizeof select_ok) == 0, "the selected answer is the manual's");
	ok(idr_encode_answer(IDR_SW_NOT_FOUND, NULL, 0, out, sizeof out) == sizeof not_found &&
	    memcmp(out, not_found, sizeof not_found) == 0, "not found is 00 04 00 00 80 84");

	hand_text(text);
	data[0] = 1, data[1] = 0, data[2] = 4, data[3] = 0;
	memcpy(data + 4, text, IDR_TEXT);
	memset(data + 4 + IDR_TEXT, 0x55, IDR_PHOTO);
	ok(idr_encode_answer(IDR_SW_OK, data, sizeof data, out, sizeof out) == 1295 &&
	    memcmp(out, read_head, sizeof read_head) == 0,
	    "the read answer is 1295 bytes with the documented head");
	ok(idr_encode_answer(IDR_SW_OK, data, sizeof data + 1, out, sizeof out) == 0,
	    "the encoder refuses an answer longer than the largest legal one");

	idr_parser_init(&p, 4, IDR_BODY_MAX, &st);
	idr_parser_feed(&p, find_found, sizeof find_found, 0, on_frame, &f);
	ok(f.n == 1 && f.len == 7 && f.body[2] == IDR_SW_FOUND && st.frames == 1,
	    "the manual's found answer parses to SW 00 00 9F and four IIN bytes");
}

/* Feeds a frame split at every point, and byte by byte: one frame each time. */
static void
test_splits(void)
{
	uint8_t frame[IDR_FRAME_MAX];
	size_t n = read_answer(frame), k;
	int all = 1;

	for (k = 0; k <= n; k++) {
		struct dev_stats st = { 0 };
		struct idr_parser p;
		struct frames f = { 0 };

		idr_parser_init(&p, 4, IDR_BODY_MAX, &st);
		idr_parser_feed(&p, frame, k, 0, on_frame, &f);
		idr_parser_feed(&p, frame + k, n - k, 1, on_frame, &f);
		if (f.n != 1 || f.len != n - 8 || st.garbage + st.bad_frame + st.bad_checksum != 0)
			all = 0;
	}
	ok(all, "the read answer split at every point is one frame");
	{
		struct dev_stats st = { 0 };
		struct idr_parser p;
		struct frames f = { 0 };

		idr_parser_init(&p, 4, IDR_BODY_MAX, &st);
		for (k = 0; k < n; k++)
			idr_parser_feed(&p, frame + k, 1, (int64_t)k, on_frame, &f);
		ok(f.n == 1 && memcmp(f.body + 7, frame + 14, IDR_TEXT) == 0,
		    "byte by byte, the text arrives intact");
	}
}

static void
test_faults(void)
{
	uint8_t buf[IDR_FRAME_MAX + 64];
	struct dev_stats st = { 0 };
	struct idr_parser p;
	struct frames f = { 0 };

	idr_parser_init(&p, 4, IDR_BODY_MAX, &st);
	memcpy(buf, "xx\xaa\xaa", 4);
	memcpy(buf + 4, find_found, sizeof find_found);
	idr_parser_feed(&p, buf, 4 + sizeof find_found, 0, on_frame, &f);
	ok(f.n == 1 && st.garbage == 4, "garbage and stray AA before a frame: skipped, counted");

	memcpy(buf, find_found, sizeof find_found);
	buf[sizeof find_found - 1] ^= 0x01;
	idr_parser_feed(&p, buf, sizeof find_found, 0, on_frame, &f);
	ok(f.n == 1 && st.bad_checksum == 1 && f.last_status == IDR_SW_CHECKSUM,
	    "a bad checksum is dropped and counted");
	idr_parser_feed(&p, not_found, sizeof not_found, 0, on_frame, &f);
	ok(f.n == 2 && f.body[2] == IDR_SW_NOT_FOUND, "the next frame after it is read");

	idr_parser_feed(&p, find_found, 9, 0, on_frame, &f);	/* cut, then a whole frame */
	idr_parser_feed(&p, select_ok, sizeof select_ok, 0, on_frame, &f);
	ok(f.n == 3 && st.bad_frame == 1 && f.len == 11, "a cut frame is dropped at the next "
	    "preamble, and that frame is read");

	idr_parser_feed(&p, find_found, 9, 1000, on_frame, &f);
	ok(idr_parser_tick(&p, 1000 + IDR_GAP_MS - 1) == 1000 + IDR_GAP_MS,
	    "a frame under way asks for a tick at the inter-byte timeout");
	ok(idr_parser_tick(&p, 1000 + IDR_GAP_MS) == -1 && st.bad_frame == 2,
	    "a frame whose bytes stop is dropped at the timeout");
	idr_parser_feed(&p, find_found, sizeof find_found, 2000, on_frame, &f);
	ok(f.n == 4, "and the next frame is read");

	memcpy(buf, "\xaa\xaa\xaa\x96\x69\xff\xff", 7);
	memcpy(buf + 7, find_found, sizeof find_found);
	idr_parser_feed(&p, buf, 7 + sizeof find_found, 3000, on_frame, &f);
	ok(f.n == 5 && st.bad_frame == 3 && f.bad == 2 && f.last_status == 0,
	    "a length of FFFF is refused at once, then the next frame is read");
	memcpy(buf, "\xaa\xaa\xaa\x96\x69\x05\x09", 7);	/* 1289: one more than the largest */
	idr_parser_feed(&p, buf, 7, 3000, on_frame, &f);
	ok(st.bad_frame == 4 && f.last_status == IDR_SW_LENGTH, "a length of 1289 is refused");
	memcpy(buf, "\xaa\xaa\xaa\x96\x69\x00\x03", 7);	/* an answer has SW1-3 and CHK */
	idr_parser_feed(&p, buf, 7, 3000, on_frame, &f);
	ok(st.bad_frame == 5, "a length of 3 is refused for answers");
	memcpy(buf, "\xaa\xaa\xaa\x96\x69\xaa\xaa\xaa\x96\x69", 10);
	memcpy(buf + 10, find_found + 5, sizeof find_found - 5);
	idr_parser_feed(&p, buf, 10 + sizeof find_found - 5, 3000, on_frame, &f);
	ok(f.n == 6 && st.bad_frame == 6, "a preamble where the length belongs starts the hunt "
	    "inside it");
}

static void
test_text(void)
{
	uint8_t text[IDR_TEXT], made[IDR_TEXT];
	struct dev_idcard c;
	struct idcard id;

	hand_text(text);
	memset(&c, 0, sizeof c);
	ok(idr_text_decode(text, &c) == 0, "the hand-made text decodes");
	ok(strcmp(c.name, "张三") == 0 && strcmp(c.sex, "1") == 0 &&
	    strcmp(c.ethnicity, "01") == 0 && strcmp(c.birth, "19900307") == 0,
	    "name, sex, ethnicity, birth");
	ok(strcmp(c.address, "北京市4号") == 0 && strcmp(c.authority, "北京市公安局") == 0,
	    "address and authority, padding trimmed");
	ok(strcmp(c.id_number, "11010119900307803X") == 0 &&
	    strcmp(c.valid_from, "20150101") == 0 && strcmp(c.valid_to, "20350101") == 0,
	    "ID number and validity");
	ok(idcard_check(c.id_number, 1700000000000, &id, NULL, 0) == 0 && id.sex == 'M',
	    "the decoded number passes the project's ID number check");

	memset(made, 0, sizeof made);
	ok(idr_field_encode(IDR_NAME, "张三", made) == 0 &&
	    idr_field_encode(IDR_SEX, "1", made) == 0 &&
	    idr_field_encode(IDR_NATION, "01", made) == 0 &&
	    idr_field_encode(IDR_BIRTH, "19900307", made) == 0 &&
	    idr_field_encode(IDR_ADDRESS, "北京市4号", made) == 0 &&
	    idr_field_encode(IDR_ID, "11010119900307803X", made) == 0 &&
	    idr_field_encode(IDR_AUTHORITY, "北京市公安局", made) == 0 &&
	    idr_field_encode(IDR_FROM, "20150101", made) == 0 &&
	    idr_field_encode(IDR_TO, "20350101", made) == 0, "every field encodes");
	ok(memcmp(made, text, 220) == 0, "the encoder writes the hand-made bytes");

	put16(text, 204, 16, (const unsigned[]){ 0x957f, 0x671f, 0 });
	ok(idr_text_decode(text, &c) == 0 && strcmp(c.valid_to, "长期") == 0,
	    "a card valid for life says 长期");
	put16(text, 188, 16, (const unsigned[]){ 0x957f, 0x671f, 0 });
	ok(idr_text_decode(text, &c) == -1, "长期 is refused where a start date belongs");

	hand_text(text);
	put16(text, 0, 30, (const unsigned[]){ 0x5f20, 0xd800, 0 });
	ok(idr_text_decode(text, &c) == -1, "a surrogate half in the name is refused");
	hand_text(text);
	put16(text, 52, 70, (const unsigned[]){ 0x5317, 0x0a, 0 });
	ok(idr_text_decode(text, &c) == -1, "a control character in the address is refused");
	hand_text(text);
	put_ascii(text, 36, 16, "1990O307");
	ok(idr_text_decode(text, &c) == -1, "a letter in the birth date is refused");
	hand_text(text);
	put_ascii(text, 36, 16, "19901307");
	ok(idr_text_decode(text, &c) == -1, "month 13 is refused");
	hand_text(text);
	put_ascii(text, 122, 36, "11010119900307803x");
	ok(idr_text_decode(text, &c) == -1, "a lower-case x in the ID number is refused");
	hand_text(text);
	put_ascii(text, 122, 36, "1101011990030780");
	ok(idr_text_decode(text, &c) == -1, "a short ID number is refused");
	hand_text(text);
	put_ascii(text, 30, 2, "M");
	ok(idr_text_decode(text, &c) == -1, "a sex that is not a digit code is refused");
	hand_text(text);
	put_ascii(text, 0, 30, "");
	ok(idr_text_decode(text, &c) == -1, "an empty name is refused");
	hand_text(text);
	text[0] = 0;
	text[1] = 0;
	ok(idr_text_decode(text, &c) == -1, "a NUL in the name is refused");

	memcpy(made, text, sizeof made);
	ok(idr_field_encode(IDR_NAME, "\xff", made) == -1, "invalid UTF-8 is refused");
	ok(idr_field_encode(IDR_NAME, "\xc0\xa0", made) == -1, "overlong UTF-8 is refused");
	ok(idr_field_encode(IDR_NAME, "\xf0\x9f\x98\x80", made) == -1,
	    "a character beyond UCS-2 is refused");
	ok(idr_field_encode(IDR_NAME, "一二三四五六七八九十一二三四五六", made) == -1,
	    "sixteen characters do not fit a name");
	ok(idr_field_encode(IDR_NAME, "一二三四五六七八九十一二三四五", made) == 0,
	    "fifteen do");
	ok(idr_field_encode(IDR_BIRTH, "1990-03-07", made) == -1 &&
	    memcmp(made + 36, text + 36, 16) == 0, "a refused value leaves the field as it was");
}

static void
test_samid(void)
{
	static const uint8_t id[IDR_SAMID] = { 5, 0, 1, 0, 0xa5, 0x3a, 0x34, 0x01, 0x39, 0x30,
	    0, 0, 0x32, 0x09, 0x01, 0 };
	char s[64];

	idr_samid_format(id, s, sizeof s);
	ok(strcmp(s, "05.01-20200101-0000012345-0000067890") == 0, "the SAM id is formatted");
}

/* The driver against the simulated reader. */
static void
test_against_sim(void)
{
	struct pair p;
	const struct dev_stats *st;
	char err[256];
	int n;

	pair_open(&p, &idreader_driver, &sim_idcard, 1000);
	st = p.drv->stats(p.drv_state);
	pair_run(&p, 2000);
	ok(p.n == 1 && p.events[0].kind == DEV_INFO &&
	    strcmp(p.events[0].text, "SAM 05.01-20200101-0000012345-0000067890") == 0,
	    "on start the driver reports the SAM's id");
	ok(p.host_bytes == 5 * IDR_CMD_FRAME && st->timeouts == 0,
	    "then it polls for a card every 300 ms (status, SAM id, three finds)");

	ok(pair_command(&p, "insert", err, sizeof err) == 0, "a default card is put down");
	pair_run(&p, 3000);
	ok(pair_count(&p, DEV_IDCARD) == 1, "it is read");
	n = p.n - 1;
	ok(p.events[n].kind == DEV_IDCARD && p.events[n].idcard != NULL, "as an ID card event");
	ok(strcmp(p.events[n].idcard->name, "张三") == 0 &&
	    strcmp(p.events[n].idcard->id_number, "11010119900307803X") == 0 &&
	    strcmp(p.events[n].idcard->authority, "北京市公安局东城分局") == 0,
	    "with the simulated card's fields");
	ok(p.events[n].idcard->photo_len == IDR_PHOTO, "and its photo");
	pair_run(&p, 9000);
	ok(pair_count(&p, DEV_IDCARD) == 1, "a card left on the reader is not read again");

	ok(pair_command(&p, "remove", err, sizeof err) == 0, "remove");
	ok(pair_command(&p, "insert name=李四 sex=2 id=44030619851120456X birth=19851120 to=长期",
	    err, sizeof err) == 0, "another card");
	pair_run(&p, 10000);
	n = p.n - 1;
	ok(pair_count(&p, DEV_IDCARD) == 2 && strcmp(p.events[n].idcard->name, "李四") == 0 &&
	    strcmp(p.events[n].idcard->valid_to, "长期") == 0, "the other card is read");

	ok(pair_command(&p, "remove", err, sizeof err) == 0 &&
	    pair_command(&p, "insert", err, sizeof err) == 0, "the first card again");
	p.fault = PAIR_CORRUPT;		/* the next answer, to find card */
	pair_run(&p, 15000);
	ok(pair_count(&p, DEV_IDCARD) == 3, "a corrupted answer costs a question, not the card");
	ok(st->bad_checksum == 1 && st->timeouts == 0, "it was counted, and asked again at once");

	ok(pair_command(&p, "remove", err, sizeof err) == 0 &&
	    pair_command(&p, "insert name=王五", err, sizeof err) == 0, "a third card");
	p.fault = PAIR_HALF;
	pair_run(&p, 20000);
	ok(pair_count(&p, DEV_IDCARD) == 4, "half an answer costs a poll, not the card");
	ok(st->bad_frame == 1 && st->timeouts == 1, "the cut frame and its timeout were counted");
	ok(p.drv->request(p.drv_state, &(struct dev_request){ .kind = DEV_RQ_CANCEL }, p.now,
	    &p.io) == -1, "the reader takes no requests");
	pair_close(&p);
}

/* A driver whose device says nothing, or what the test feeds it. */
struct wire {
	uint8_t out[256];
	size_t n;
	int events, idcards, errors, infos;
	int last_code;
	char last_text[DEV_TEXT_MAX];
};

static void
wire_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct wire *w = arg;

	if (w->n + n <= sizeof w->out) {
		memcpy(w->out + w->n, bytes, n);
		w->n += n;
	}
}

static void
wire_emit(void *arg, const struct dev_event *ev)
{
	struct wire *w = arg;

	w->events++;
	w->idcards += ev->kind == DEV_IDCARD;
	w->errors += ev->kind == DEV_ERROR;
	w->infos += ev->kind == DEV_INFO;
	w->last_code = ev->code;
	snprintf(w->last_text, sizeof w->last_text, "%s", ev->text);
}

/* Whether the driver's last write was cmd, then forgets what it wrote. */
static int
wrote(struct wire *w, const uint8_t cmd[10])
{
	int r = w->n >= 10 && memcmp(w->out + w->n - 10, cmd, 10) == 0;

	w->n = 0;
	return r;
}

/*
 * Read the additional address (读取最新追加信息, 30 03: softs.im's command table) and "no content
 * for this item" (SW3 91, the same source's status table).  By hand: 00^03^30^03 = 30 and
 * 00^04^00^00^91 = 95.
 */
static const uint8_t extra_cmd[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x30, 0x03,
    0x30 };
static const uint8_t no_content[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00,
    0x91, 0x95 };

static void
test_silence_and_folding(void)
{
	static const uint8_t status_ok[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00,
	    0x00, 0x90, 0x94 };
	static const uint8_t sam_fail[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00,
	    0x60, 0x64 };
	uint8_t answer[IDR_FRAME_MAX];
	struct wire w = { 0 };
	struct dev_io io = { wire_write, wire_emit, &w };
	struct idreader r;
	int64_t t;
	size_t n = read_answer(answer);

	memset(&r, 0, sizeof r);
	idreader_driver.start(&r, 0, &io);
	ok(wrote(&w, status_cmd), "on start the driver asks the SAM's status");
	t = idreader_driver.tick(&r, 0, &io);
	ok(t == IDR_ANSWER_MS, "and waits for the answer");
	t = idreader_driver.tick(&r, t, &io);
	ok(r.stats.timeouts == 1 && w.n == 0 && t == IDR_ANSWER_MS + IDR_POLL_MS,
	    "a silent reader is a timeout; the question waits for the next poll");
	t = idreader_driver.tick(&r, t, &io);
	ok(wrote(&w, status_cmd), "then the status is asked again, not find card");

	idreader_driver.feed(&r, sam_fail, sizeof sam_fail, t, &io);
	ok(w.errors == 1 && w.last_code == 0x60, "a failed self-test is reported");
	t = idreader_driver.tick(&r, t + IDR_POLL_MS, &io);
	idreader_driver.feed(&r, sam_fail, sizeof sam_fail, t, &io);
	ok(w.errors == 1, "once, not at every poll");
	t = idreader_driver.tick(&r, t + IDR_POLL_MS, &io);
	w.n = 0;
	idreader_driver.feed(&r, status_ok, sizeof status_ok, t, &io);
	ok(w.n == 10 && w.out[7] == 0x12, "status 90: the SAM id is asked");
	t = idreader_driver.tick(&r, t + IDR_ANSWER_MS, &io);	/* no SAM id: go on */
	t = idreader_driver.tick(&r, t, &io);
	ok(wrote(&w, find_cmd), "then the driver polls find card");

	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	ok(w.n == 0, "an answer that does not fit the question (select's, to find) is ignored");
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	ok(wrote(&w, select_cmd), "found: select");
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	ok(wrote(&w, read_cmd), "selected: read");
	idreader_driver.feed(&r, answer, n / 2, t + 100, &io);
	t = idreader_driver.tick(&r, t + 100 + IDR_GAP_MS, &io);
	ok(r.stats.bad_frame == 1 && w.idcards == 0, "half a read answer is dropped at the gap");
	t = idreader_driver.tick(&r, t + IDR_READ_MS, &io);
	t = idreader_driver.tick(&r, t + IDR_POLL_MS, &io);
	ok(r.stats.timeouts == 3 && wrote(&w, find_cmd), "and polling goes on after the timeout");

	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	idreader_driver.feed(&r, answer, n, t + 900, &io);
	ok(w.idcards == 0 && wrote(&w, extra_cmd), "a resident card read: its additional "
	    "address is asked (30 03)");
	idreader_driver.feed(&r, no_content, sizeof no_content, t + 950, &io);
	ok(w.idcards == 1, "the hand-made read answer is an ID card, without additional address");
	t = idreader_driver.tick(&r, t + 950 + IDR_POLL_MS, &io);
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	idreader_driver.feed(&r, answer, n, t + 900, &io);
	ok(w.idcards == 1 && r.stats.folded == 1,
	    "a reader that finds the card again: the same card within the fold window folds");
	t = idreader_driver.tick(&r, t + 900 + IDR_FOLD_MS + 1, &io);
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	idreader_driver.feed(&r, answer, n, t + 900, &io);
	t = idreader_driver.tick(&r, t + 900 + IDR_ANSWER_MS, &io);
	ok(w.idcards == 2 && r.stats.timeouts == 4, "after the fold window it is a new reading "
	    "(emitted when 30 03 goes unanswered)");

	t = idreader_driver.tick(&r, t + 900 + IDR_POLL_MS, &io);
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	answer[14 + 36 + 8] = 'A';		/* a letter in the birth date; CHK made to match */
	answer[n - 1] ^= 'A' ^ '0';
	idreader_driver.feed(&r, answer, n, t + 900, &io);
	ok(w.idcards == 2 && r.stats.bad_frame == 2, "a text that is not a card's is refused");
}

/*
 * An answer whose CHK is wrong was the answer (its preamble and length were whole): no other
 * is coming, so the driver asks again at once rather than waiting out the deadline (twice;
 * then it waits, so a reader that garbles every answer is not asked in a loop).
 */
static void
test_damaged_answer(void)
{
	uint8_t answer[IDR_FRAME_MAX];
	struct wire w = { 0 };
	struct dev_io io = { wire_write, wire_emit, &w };
	struct idreader r;
	int64_t t = 0;
	size_t n = read_answer(answer);
	static const uint8_t status_ok[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x04, 0x00,
	    0x00, 0x90, 0x94 };

	memset(&r, 0, sizeof r);
	idreader_driver.start(&r, t, &io);
	idreader_driver.feed(&r, status_ok, sizeof status_ok, t, &io);
	t = idreader_driver.tick(&r, t + IDR_ANSWER_MS, &io);	/* no SAM id */
	t = idreader_driver.tick(&r, t, &io);
	ok(wrote(&w, find_cmd), "damaged: polling");
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	ok(wrote(&w, read_cmd), "damaged: read asked");
	answer[n - 1] ^= 0x01;
	idreader_driver.feed(&r, answer, n, t + 200, &io);
	ok(r.stats.bad_checksum == 1 && wrote(&w, read_cmd),
	    "a read answer with a bad CHK: read asked again at once");
	idreader_driver.feed(&r, answer, n, t + 400, &io);
	ok(wrote(&w, read_cmd), "and a second time");
	idreader_driver.feed(&r, answer, n, t + 600, &io);
	ok(w.n == 0, "not a third time: the deadline decides");
	answer[n - 1] ^= 0x01;
	t = idreader_driver.tick(&r, t + 600 + IDR_READ_MS, &io);
	t = idreader_driver.tick(&r, t + IDR_POLL_MS, &io);
	idreader_driver.feed(&r, find_found, sizeof find_found, t, &io);
	idreader_driver.feed(&r, select_ok, sizeof select_ok, t, &io);
	idreader_driver.feed(&r, answer, n, t + 200, &io);
	idreader_driver.tick(&r, t + 200 + IDR_ANSWER_MS, &io);	/* no 30 03 answer */
	ok(w.idcards == 1, "the next whole answer is the card");
}

/* The simulator alone: what it answers to the host's bytes. */
struct heard {
	int sends, frames, bad;
	uint8_t sw3;
	size_t len;
	uint8_t body[IDR_BODY_MAX];
	struct dev_stats st;
	struct idr_parser p;
};

static void
heard_frame(void *arg, int status, const uint8_t *body, size_t n)
{
	struct heard *h = arg;

	if (status != 0) {
		h->bad++;
		return;
	}
	h->frames++;
	h->sw3 = body[2];
	h->len = n;
	memcpy(h->body, body, n);
}

static void
heard_send(void *arg, const uint8_t *frame, size_t n)
{
	struct heard *h = arg;

	h->sends++;
	idr_parser_feed(&h->p, frame, n, 0, heard_frame, h);
}

static void
say(void *dev, const struct sim_io *io, const uint8_t *bytes, size_t n)
{
	sim_idcard.from_host(dev, bytes, n, 0, io);
}

static void
test_sim(void)
{
	static const uint8_t bad_chk[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01,
	    0x23 };
	static const uint8_t too_long[] = { 0xaa, 0xaa, 0xaa, 0x96, 0x69, 0x04, 0x00 };
	uint8_t cmd[IDR_CMD_FRAME];
	struct heard h;
	struct sim_io io = { heard_send, &h };
	void *dev = calloc(1, sim_idcard.state_size);
	char err[256];
	char *argv[4];
	char a0[] = "insert", a1[] = "name=一二三四五六七八九十一二三四五六", a2[] = "birth=1990-3-7";
	char a3[] = "name=\xe5\xbc", a4[] = "colour=red", a5[] = "remove", a6[] = "dance";
	char a7[] = "name";

	memset(&h, 0, sizeof h);
	idr_parser_init(&h.p, 4, IDR_BODY_MAX, &h.st);
	sim_idcard.init(dev);

	say(dev, &io, find_cmd, sizeof find_cmd);
	ok(h.sends == 1 && h.frames == 1 && h.sw3 == IDR_SW_NOT_FOUND, "no card: find says 80");
	idr_encode_command(IDR_SELECT, cmd);
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sw3 == IDR_SW_NOT_SELECTED, "select without a card says 81");
	idr_encode_command(IDR_READ_BASE, cmd);
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sw3 == IDR_SW_READ_FAILED, "read without a selected card says 41");
	say(dev, &io, bad_chk, sizeof bad_chk);
	ok(h.sw3 == IDR_SW_CHECKSUM && h.len == 3, "a bad checksum from the host: 10");
	say(dev, &io, too_long, sizeof too_long);
	ok(h.sw3 == IDR_SW_LENGTH, "a length too long for any command: 11");
	idr_encode_command(0x3010, cmd);	/* fingerprint data: not simulated */
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sw3 == IDR_SW_COMMAND, "a command it does not know: 21");
	idr_encode_command(IDR_RESET, cmd);
	say(dev, &io, cmd, 6);		/* cut: forgotten at the gap */
	ok(sim_idcard.tick(dev, 0, &io) == IDR_GAP_MS && sim_idcard.tick(dev, IDR_GAP_MS, &io) == -1,
	    "a command cut short is forgotten after the gap");
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sw3 == IDR_SW_OK && h.len == 3, "reset: 90");

	argv[0] = a0;
	ok(sim_idcard.command(dev, 1, argv, 0, &io, err, sizeof err) == 0, "insert");
	say(dev, &io, find_cmd, sizeof find_cmd);
	ok(h.sw3 == IDR_SW_FOUND && h.len == 7, "find: 9F and the IIN");
	idr_encode_command(IDR_SELECT, cmd);
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sw3 == IDR_SW_OK && h.len == 11, "select: 90 and eight bytes");
	idr_encode_command(IDR_READ_BASE, cmd);
	h.sends = 0;
	say(dev, &io, cmd, sizeof cmd);
	ok(h.sends == 1 && h.sw3 == IDR_SW_OK && h.len == 3 + 4 + IDR_TEXT + IDR_PHOTO,
	    "read: one send of the 1295-byte answer");
	say(dev, &io, find_cmd, sizeof find_cmd);
	ok(h.sw3 == IDR_SW_NOT_FOUND, "once read, find says 80 while the card stays");
	ok(h.bad == 0 && h.st.garbage == 0, "every answer was a whole, good frame");

	argv[1] = a1;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1 &&
	    strstr(err, "name=") != NULL, "a name too long for the card is refused");
	argv[1] = a2;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1 &&
	    strstr(err, "birth=") != NULL, "a date that is not YYYYMMDD is refused");
	argv[1] = a3;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1,
	    "invalid UTF-8 is refused");
	argv[1] = a4;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1 &&
	    strstr(err, "colour") != NULL, "an unknown key is refused");
	argv[1] = a7;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1,
	    "a key without a value is refused");
	say(dev, &io, find_cmd, sizeof find_cmd);
	ok(h.sw3 == IDR_SW_NOT_FOUND, "a refused insert leaves the reader as it was");
	argv[0] = a5;
	ok(sim_idcard.command(dev, 2, argv, 0, &io, err, sizeof err) == -1,
	    "remove takes no arguments");
	argv[0] = a6;
	ok(sim_idcard.command(dev, 1, argv, 0, &io, err, sizeof err) == -1 &&
	    strstr(err, "dance") != NULL, "an unknown verb is refused");
	ok(strstr(sim_idcard.usage, "insert") && strstr(sim_idcard.usage, "remove"),
	    "the usage lists the verbs");
	free(dev);
}

/* What a clerk would type: sex=男 nation=汉 are the card's codes 1 and 01. */
static int
sim_card_says(const char *sex, const char *nation, struct dev_idcard *card)
{
	struct heard h;
	struct sim_io io = { heard_send, &h };
	void *dev = calloc(1, sim_idcard.state_size);
	uint8_t cmd[IDR_CMD_FRAME];
	char err[256] = "", a0[] = "insert", a1[64], a2[64];
	char *argv[3] = { a0, a1, a2 };
	int rc;

	memset(&h, 0, sizeof h);
	memset(card, 0, sizeof *card);
	idr_parser_init(&h.p, 4, IDR_BODY_MAX, &h.st);
	sim_idcard.init(dev);
	snprintf(a1, sizeof a1, "sex=%s", sex);
	snprintf(a2, sizeof a2, "nation=%s", nation);
	rc = sim_idcard.command(dev, 3, argv, 0, &io, err, sizeof err);
	if (rc == 0) {
		say(dev, &io, find_cmd, sizeof find_cmd);
		idr_encode_command(IDR_SELECT, cmd);
		say(dev, &io, cmd, sizeof cmd);
		idr_encode_command(IDR_READ_BASE, cmd);
		say(dev, &io, cmd, sizeof cmd);
		rc = h.len == 3 + 4 + IDR_TEXT + IDR_PHOTO ? idr_text_decode(h.body + 7, card) : -1;
	}
	free(dev);
	return rc;
}

static void
test_sim_words(void)
{
	struct dev_idcard card;

	ok(sim_card_says("男", "汉", &card) == 0 && strcmp(card.sex, "1") == 0 &&
	    strcmp(card.ethnicity, "01") == 0, "idcard insert sex=男 nation=汉: codes 1 and 01");
	ok(sim_card_says("女", "维吾尔族", &card) == 0 && strcmp(card.sex, "2") == 0 &&
	    strcmp(card.ethnicity, "05") == 0, "sex=女 nation=维吾尔族: codes 2 and 05");
	ok(sim_card_says("2", "Mongol", &card) == 0 && strcmp(card.ethnicity, "02") == 0,
	    "the English name of a group: its code");
	ok(sim_card_says("1", "98", &card) == 0 && strcmp(card.ethnicity, "98") == 0,
	    "codes are still taken as they are");
	ok(sim_card_says("男", "火星", &card) != 0, "a group that does not exist is refused");
	ok(sim_card_says("人", "汉", &card) != 0, "a sex that is no sex is refused");
}

/* The last card the pair's driver emitted, after the script's insert and a few polls. */
static const struct dev_idcard *
read_inserted(struct pair *p, const char *script, int64_t *until)
{
	char err[256];
	int before = pair_count(p, DEV_IDCARD);

	if (pair_command(p, "remove", err, sizeof err) != 0 ||
	    pair_command(p, script, err, sizeof err) != 0)
		return NULL;
	*until += 4000;
	pair_run(p, *until);
	if (pair_count(p, DEV_IDCARD) != before + 1 || p->events[p->n - 1].kind != DEV_IDCARD)
		return NULL;
	return p->events[p->n - 1].idcard;
}

/* Each card type of GA/T 490 through the driver, against the simulator presenting it. */
static void
test_card_types(void)
{
	const struct dev_idcard *c;
	struct pair p;
	char err[256];
	int64_t t = 2000;

	pair_open(&p, &idreader_driver, &sim_idcard, 1000);
	pair_run(&p, t);
	c = read_inserted(&p, "insert type=Y en=SMITH_JOHN_ALEXANDER_MACDONALD_OF_ARDNAMURCH "
	    "issues=02 nation=CAN", &t);
	ok(c != NULL && c->type == 'Y', "a foreign permanent resident ID card of 2023 (Y) is read");
	ok(c && strcmp(c->id_number, "911124197905150016") == 0 && strcmp(c->name, "史约翰") == 0 &&
	    strcmp(c->issues, "02") == 0 && strcmp(c->nationality, "CAN") == 0 &&
	    c->ethnicity[0] == '\0' && c->address[0] == '\0',
	    "in its own layout: renewals where ethnicity was, no address");
	ok(c && strcmp(c->name_en, "SMITH JOHN ALEXANDER MACDONALD OF ARDNAMURCH") == 0,
	    "its English name of 46 characters, the 36th on from bytes 220-241");
	c = read_inserted(&p, "insert type=I", &t);
	ok(c != NULL && c->type == 'I' && strcmp(c->id_number, "CAN110079051501") == 0 &&
	    strcmp(c->name_en, "SMITH JOHN") == 0 && strcmp(c->nationality, "CAN") == 0 &&
	    strcmp(c->name, "史约翰") == 0 && strcmp(c->birth, "19790515") == 0 &&
	    strcmp(c->valid_to, "20270616") == 0 && strcmp(c->version, "01") == 0 &&
	    strcmp(c->authority, "1100") == 0,
	    "a foreign permanent resident ID card of 2017 (I) is read in its layout");
	c = read_inserted(&p, "insert type=J pass=H87654321 issues=03", &t);
	ok(c != NULL && c->type == 'J' && strcmp(c->id_number, "810000198506150012") == 0 &&
	    strcmp(c->pass_number, "H87654321") == 0 && strcmp(c->issues, "03") == 0 &&
	    strcmp(c->name, "陈大文") == 0 && c->ethnicity[0] == '\0' &&
	    c->address_extra[0] == '\0',
	    "a residence permit of Hong Kong residents (J): its pass number and times issued");
	c = read_inserted(&p, "insert extra=北京市西城区西长安街1号", &t);
	ok(c != NULL && c->type == ' ' && strcmp(c->address, "北京市东城区景山前街4号") == 0 &&
	    strcmp(c->address_extra, "北京市西城区西长安街1号") == 0,
	    "a resident card with an additional address: both addresses");
	c = read_inserted(&p, "insert name=李四 id=44030619851120456X", &t);
	ok(c != NULL && c->type == ' ' && c->address_extra[0] == '\0', "and one without");
	ok(pair_command(&p, "insert type=Q", err, sizeof err) != 0, "the simulator knows no type Q");
	pair_close(&p);
}

/* A card whose type has no layout: one clear error naming the type, never a card. */
static void
test_unknown_type(void)
{
	uint8_t answer[IDR_FRAME_MAX];
	struct wire w = { 0 };
	struct dev_io io = { wire_write, wire_emit, &w };
	struct idreader r;
	size_t n = read_answer(answer), i;
	uint8_t x;

	answer[14 + IDR_TYPE_OFF] = 'Z';	/* the type, and CHK made to match */
	x = 0;
	for (i = 5; i + 1 < n; i++)
		x ^= answer[i];
	answer[n - 1] = x;
	memset(&r, 0, sizeof r);
	idreader_init(&r);
	r.io = &io;
	r.ready = 1;
	r.wait = IDR_READ_BASE;
	r.deadline = 5000;
	idreader_driver.feed(&r, answer, n, 100, &io);
	ok(w.idcards == 0 && w.errors == 1 && w.last_code == IDR_SW_WRONG_CARD,
	    "a card of unknown type Z is refused with an error (code 40), not read");
	ok(r.card.type == 'Z', "the error names the type");
	{
		struct dev_event ev = { .kind = DEV_ERROR, .code = w.last_code };
		char msg[256];

		snprintf(ev.text, sizeof ev.text, "%s", w.last_text);
		idreader_error_message(&ev, msg, sizeof msg);
		ok(strstr(msg, "(Z)") != NULL && strstr(msg, "not supported") != NULL &&
		    strstr(msg, "SW3") == NULL, "the clerk is told the card's type Z is not "
		    "supported, not a code");
		ev.code = IDR_SW_READ_FAILED;
		snprintf(ev.text, sizeof ev.text, "read card: SW3 41");
		idreader_error_message(&ev, msg, sizeof msg);
		ok(strstr(msg, "could not read the card") != NULL, "a failed read says so");
		ev.code = 0x60;
		snprintf(ev.text, sizeof ev.text, "SAM status: SW3 60");
		idreader_error_message(&ev, msg, sizeof msg);
		ok(strstr(msg, "SAM status: SW3 60") != NULL, "another code: the driver's text");
	}
	r.wait = IDR_READ_BASE;
	idreader_driver.feed(&r, answer, n, 400, &io);
	ok(w.errors == 1 && r.stats.bad_frame == 2, "said once while it lies there, counted each time");
}

int
main(void)
{
	test_golden();
	test_splits();
	test_faults();
	test_text();
	test_samid();
	test_against_sim();
	test_silence_and_folding();
	test_damaged_answer();
	test_sim();
	test_sim_words();
	test_card_types();
	test_unknown_type();
	return t_done();
}
