/* The M100 / QM100 UHF module: frame parser, encoders and the inventory driver. */
#include <string.h>

#include "uhf.h"

static const char hex_digits[] = "0123456789ABCDEF";

/* Frame encoders */

size_t
uhf_encode_frame(uint8_t type, uint8_t cmd, const uint8_t *param, size_t pl, uint8_t *out,
    size_t outsz)
{
	uint8_t sum;
	size_t i;

	if (pl > UHF_PL_MAX || outsz < pl + 7)
		return 0;
	out[0] = UHF_HEADER;
	out[1] = type;
	out[2] = cmd;
	out[3] = (uint8_t)(pl >> 8);
	out[4] = (uint8_t)pl;
	if (pl > 0)
		memcpy(out + 5, param, pl);
	sum = 0;
	for (i = 1; i < pl + 5; i++)
		sum += out[i];
	out[pl + 5] = sum;
	out[pl + 6] = UHF_END;
	return pl + 7;
}

size_t
uhf_encode_multi(uint16_t count, uint8_t *out, size_t outsz)
{
	uint8_t param[3] = { UHF_MULTI_RESERVED, (uint8_t)(count >> 8), (uint8_t)count };

	return uhf_encode_frame(UHF_TYPE_COMMAND, UHF_CMD_MULTI, param, 3, out, outsz);
}

size_t
uhf_encode_error(uint8_t code, uint8_t *out, size_t outsz)
{
	return uhf_encode_frame(UHF_TYPE_RESPONSE, UHF_CMD_ERROR, &code, 1, out, outsz);
}

size_t
uhf_encode_notice(int rssi, uint16_t pc, const uint8_t *epc, size_t epc_len, uint16_t crc,
    uint8_t *out, size_t outsz)
{
	uint8_t param[5 + UHF_EPC_MAX];

	if (epc_len > UHF_EPC_MAX)
		return 0;
	param[0] = (uint8_t)rssi;
	param[1] = (uint8_t)(pc >> 8);
	param[2] = (uint8_t)pc;
	if (epc_len > 0)
		memcpy(param + 3, epc, epc_len);
	param[3 + epc_len] = (uint8_t)(crc >> 8);
	param[4 + epc_len] = (uint8_t)crc;
	return uhf_encode_frame(UHF_TYPE_NOTICE, UHF_CMD_POLL, param, epc_len + 5, out, outsz);
}

uint16_t
uhf_pc(size_t epc_len)
{
	return (uint16_t)((epc_len / 2) << 11);
}

static uint16_t
crc_byte(uint16_t crc, uint8_t b)
{
	int i;

	crc ^= (uint16_t)(b << 8);
	for (i = 0; i < 8; i++)
		crc = crc & 0x8000 ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
	return crc;
}

uint16_t
uhf_tag_crc(uint16_t pc, const uint8_t *epc, size_t epc_len)
{
	uint16_t crc = 0xffff;
	size_t i;

	crc = crc_byte(crc, (uint8_t)(pc >> 8));
	crc = crc_byte(crc, (uint8_t)pc);
	for (i = 0; i < epc_len; i++)
		crc = crc_byte(crc, epc[i]);
	return (uint16_t)~crc;
}

size_t
uhf_encode_tag(int rssi, const uint8_t *epc, size_t epc_len, uint8_t *out, size_t outsz)
{
	uint16_t pc = uhf_pc(epc_len);

	if (epc_len % 2 != 0)
		return 0;
	return uhf_encode_notice(rssi, pc, epc, epc_len, uhf_tag_crc(pc, epc, epc_len), out,
	    outsz);
}

/* The parser */

void
uhf_parser_init(struct uhf_parser *p)
{
	memset(p, 0, sizeof *p);
}

void
uhf_parser_reset(struct uhf_parser *p)
{
	p->len = 0;
	p->need = 0;
}

/* Drops the buffer's bytes before the first header at or after from; returns how many. */
static size_t
drop_to_header(struct uhf_parser *p, size_t from)
{
	const uint8_t *h = NULL;
	size_t j;

	if (from < p->len)
		h = memchr(p->buf + from, UHF_HEADER, p->len - from);
	if (h == NULL) {
		j = p->len;
		p->len = 0;
		return j;
	}
	j = (size_t)(h - p->buf);
	memmove(p->buf, h, p->len - j);
	p->len -= j;
	return j;
}

/* The first need bytes of buf are a whole frame: 0 when its end and checksum are right. */
static int
frame_check(struct uhf_parser *p)
{
	size_t i, n = p->need;
	uint8_t sum = 0;

	if (p->buf[n - 1] != UHF_END) {
		p->stats.bad_frame++;
		return -1;
	}
	for (i = 1; i < n - 2; i++)
		sum += p->buf[i];
	if (sum != p->buf[n - 2]) {
		p->stats.bad_checksum++;
		return -1;
	}
	p->stats.frames++;
	return 0;
}

/*
 * Takes the buffer as far as it goes.  A 0xBB may sit inside a frame's parameters, so after
 * a bad frame the bytes it swallowed are searched again for the next header: a half frame
 * followed by a whole one loses only the half.
 */
static void
settle(struct uhf_parser *p, int64_t now, uhf_frame_fn *fn, void *arg)
{
	struct uhf_frame f;
	size_t pl, rest;

	for (;;) {
		if (p->len >= 2 && p->buf[1] > UHF_TYPE_NOTICE) {
			/* a stray 0xBB, not a header: it and what follows are garbage */
			p->stats.garbage += drop_to_header(p, 1);
			continue;
		}
		if (p->len < 5)
			return;
		pl = (size_t)p->buf[3] << 8 | p->buf[4];
		if (pl > UHF_PL_MAX) {
			p->stats.bad_frame++;
			drop_to_header(p, 1);
			continue;
		}
		p->need = pl + 7;
		if (p->len < p->need)
			return;
		if (frame_check(p) != 0) {
			drop_to_header(p, 1);
			continue;
		}
		f.type = p->buf[1];
		f.cmd = p->buf[2];
		f.pl = (uint16_t)pl;
		f.param = p->buf + 5;
		fn(arg, &f, now);
		rest = p->len - p->need;
		memmove(p->buf, p->buf + p->need, rest);
		p->len = rest;
		if (rest > 0 && p->buf[0] != UHF_HEADER)
			p->stats.garbage += drop_to_header(p, 0);
	}
}

void
uhf_parser_feed(struct uhf_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    uhf_frame_fn *fn, void *arg)
{
	size_t i = 0, k;

	if (n > 0)
		p->last = now;
	while (i < n) {
		if (p->len == 0) {
			const uint8_t *h = memchr(bytes + i, UHF_HEADER, n - i);

			if (h == NULL) {
				p->stats.garbage += n - i;
				return;
			}
			p->stats.garbage += (size_t)(h - (bytes + i));
			i = (size_t)(h - bytes) + 1;
			p->buf[0] = UHF_HEADER;
			p->len = 1;
			continue;
		}
		if (p->len < 5) {
			p->buf[p->len++] = bytes[i++];
		} else {
			/* the body in one copy: the per-byte path at 115200 baud */
			k = p->need - p->len;
			if (k > n - i)
				k = n - i;
			memcpy(p->buf + p->len, bytes + i, k);
			p->len += k;
			i += k;
		}
		settle(p, now, fn, arg);
	}
}

int64_t
uhf_parser_tick(struct uhf_parser *p, int64_t now, uhf_frame_fn *fn, void *arg)
{
	while (p->len > 0 && now - p->last >= UHF_GAP_MS) {
		p->stats.bad_frame++;		/* cut short: the rest never came */
		drop_to_header(p, 1);
		settle(p, now, fn, arg);
	}
	return p->len > 0 ? p->last + UHF_GAP_MS : -1;
}

int
uhf_parse_tag(const struct uhf_frame *f, struct dev_event *ev)
{
	const uint8_t *epc;
	size_t words, i;
	uint16_t pc;

	if (f->pl < 5)
		return -1;
	pc = (uint16_t)(f->param[1] << 8 | f->param[2]);
	words = pc >> 11;
	/* PC and PL must agree: neither alone says where the CRC is */
	if (words == 0 || words > UHF_EPC_MAX / 2 || f->pl != 5 + 2 * words)
		return -1;
	memset(ev, 0, sizeof *ev);
	ev->kind = DEV_TAG;
	ev->tag.rssi = (int8_t)f->param[0];
	ev->tag.pc = pc;
	epc = f->param + 3;
	for (i = 0; i < 2 * words; i++) {
		ev->id[2 * i] = hex_digits[epc[i] >> 4];
		ev->id[2 * i + 1] = hex_digits[epc[i] & 15];
	}
	ev->tag.crc = (uint16_t)(epc[2 * words] << 8 | epc[2 * words + 1]);
	return 0;
}

int
uhf_region_ok(int code)
{
	return code == UHF_REGION_CN900 || code == UHF_REGION_US || code == UHF_REGION_EU ||
	    code == UHF_REGION_CN800 || code == UHF_REGION_KR;
}

int
uhf_query_ok(int query)
{
	return query >= 0 && query <= 0xffff && (query & UHF_QUERY_FIXED_MASK) == UHF_QUERY_FIXED;
}

/* The driver */

static void
send_frame(struct uhf *u, uint8_t cmd, const uint8_t *param, size_t pl)
{
	uint8_t out[16];
	size_t n = uhf_encode_frame(UHF_TYPE_COMMAND, cmd, param, pl, out, sizeof out);

	u->io->write(u->io->arg, out, n);
}

static void
send_info(struct uhf *u, int64_t now)
{
	static const uint8_t hardware = 0x00;

	send_frame(u, UHF_CMD_INFO, &hardware, 1);
	u->info_due = now + UHF_ANSWER_MS;
}

static void
send_multi(struct uhf *u, int64_t now)
{
	uint8_t out[16];
	size_t n = uhf_encode_multi(UHF_POLL_COUNT, out, sizeof out);

	u->last_issue = now;
	u->poll_due = now + UHF_IDLE_MS;
	u->io->write(u->io->arg, out, n);
}

static void
send_stop(struct uhf *u, int64_t now)
{
	send_frame(u, UHF_CMD_STOP, NULL, 0);
	u->stop_due = now + UHF_ANSWER_MS;
}

static void
send_setting(struct uhf *u, int64_t now)
{
	send_frame(u, u->set_cmd, u->set_param, u->set_pl);
	u->set_due = now + UHF_ANSWER_MS;
}

/* Asks for a setting: sent at once, or after parsing when called from a frame. */
static void
ask_setting(struct uhf *u, uint8_t cmd, int value, uint8_t pl)
{
	u->set_cmd = cmd;
	u->set_pl = pl;
	u->set_param[0] = (uint8_t)(pl == 2 ? value >> 8 : value);
	u->set_param[1] = (uint8_t)value;
	u->set_tries = 1;
}

static void
emit_error(struct uhf *u, int64_t now, int code, const char *what)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = now;
	ev.code = code;
	strncpy(ev.text, what, sizeof ev.text - 1);
	u->io->emit(u->io->arg, &ev);
}

/* The end of the setting asked: refused with the module's code, or (code 0) not answered. */
static void
setting_failed(struct uhf *u, int64_t now, int code)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = now;
	ev.code = code;
	ev.setting.cmd = u->set_cmd;
	ev.setting.refused = code != 0;
	strncpy(ev.text, code != 0 ? "setting refused" : "setting not answered",
	    sizeof ev.text - 1);
	u->set_cmd = 0;
	u->set_tries = 0;
	u->set_next = 0;
	u->io->emit(u->io->arg, &ev);
}

/*
 * Can an error frame be the module's answer to the setting asked?  The error response does
 * not name the command it answers; a setting is refused with 17 (command error: a parameter
 * it does not take) or 20 (frequency hopping failed).  An error that carries a tag's PC and
 * EPC, or another code (access, read, write, lock, kill), is about a tag, not the setting.
 */
static int
refuses_setting(const struct uhf_frame *f)
{
	return f->pl == 1 && (f->param[0] == UHF_ERR_COMMAND || f->param[0] == UHF_ERR_HOPPING);
}

static const char *
error_name(int code)
{
	switch (code) {
	case UHF_ERR_COMMAND:
		return "command error";
	case UHF_ERR_HOPPING:
		return "frequency hopping failed";
	case 0x16:
		return "access failed";
	default:
		return "module error";
	}
}

static void
on_info(struct uhf *u, const struct uhf_frame *f, int64_t now)
{
	struct dev_event ev;
	size_t i, n;

	if (f->pl < 1)
		return;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_INFO;
	ev.ts = now;
	ev.code = f->param[0];
	n = f->pl - 1u;
	if (n > sizeof ev.text - 1)
		n = sizeof ev.text - 1;
	for (i = 0; i < n; i++) {
		uint8_t c = f->param[1 + i];

		ev.text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	u->info_tries = 0;
	u->io->emit(u->io->arg, &ev);
}

/* The answer to the setting asked; a set power is read back, so the value shown is the module's. */
static void
on_setting(struct uhf *u, const struct uhf_frame *f, int64_t now)
{
	struct dev_event ev;
	size_t want = f->cmd == UHF_CMD_GET_POWER || f->cmd == UHF_CMD_GET_QUERY ? 2 : 1;

	if (f->pl != want) {
		u->parser.stats.frames--;	/* checksum right, contents wrong */
		u->parser.stats.bad_frame++;
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_SETTING;
	ev.ts = now;
	ev.setting.cmd = f->cmd;
	ev.setting.value = want == 2 ? f->param[0] << 8 | f->param[1] : f->param[0];
	u->set_cmd = 0;
	u->set_tries = 0;
	if (f->cmd == UHF_CMD_SET_POWER && f->param[0] == 0) {
		ask_setting(u, UHF_CMD_GET_POWER, 0, 0);
		u->set_next = 1;
	}
	u->io->emit(u->io->arg, &ev);
}

static void
on_frame(void *arg, const struct uhf_frame *f, int64_t now)
{
	struct uhf *u = arg;
	struct dev_event ev;

	if (u->running)
		u->poll_due = now + UHF_IDLE_MS;
	if (f->type == UHF_TYPE_NOTICE && (f->cmd == UHF_CMD_POLL || f->cmd == UHF_CMD_MULTI)) {
		if (uhf_parse_tag(f, &ev) != 0) {
			u->parser.stats.frames--;	/* checksum right, contents wrong */
			u->parser.stats.bad_frame++;
			return;
		}
		ev.ts = now;
		u->io->emit(u->io->arg, &ev);
		return;
	}
	if (f->type != UHF_TYPE_RESPONSE)
		return;
	if (f->cmd == UHF_CMD_INFO) {
		on_info(u, f, now);
	} else if (f->cmd == UHF_CMD_STOP) {
		u->stop_tries = 0;
		if (f->pl >= 1 && f->param[0] != 0)
			emit_error(u, now, f->param[0], "stop refused");
	} else if (u->set_cmd != 0 && f->cmd == u->set_cmd) {
		on_setting(u, f, now);
	} else if (f->cmd == UHF_CMD_ERROR && f->pl >= 1) {
		if (f->param[0] == UHF_ERR_INVENTORY) {
			if (u->running && now - u->last_issue >= UHF_REISSUE_MS)
				u->reissue = 1;	/* the round ended: keep polling */
		} else if (u->set_cmd != 0 && refuses_setting(f)) {
			setting_failed(u, now, f->param[0]);
		} else {
			emit_error(u, now, f->param[0], error_name(f->param[0]));
		}
	}
}

/* What frames asked for, done once the parser is idle (a write may feed us again). */
static void
after_frames(struct uhf *u, int64_t now)
{
	if (u->reissue) {
		u->reissue = 0;
		if (u->running)
			send_multi(u, now);
	}
	if (u->set_next) {
		u->set_next = 0;
		if (u->set_cmd != 0)
			send_setting(u, now);
	}
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct uhf *u = st;

	u->io = io;
	uhf_parser_reset(&u->parser);	/* a frame cut by an unplug is not finished later */
	u->reissue = 0;
	u->stop_tries = 0;
	u->set_cmd = 0;		/* a setting under way when the line went is asked again, or not */
	u->set_tries = 0;
	u->set_next = 0;
	u->info_tries = 1;
	send_info(u, now);
	if (u->running)
		send_multi(u, now);	/* a module back from a power cut has stopped */
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	struct uhf *u = st;

	u->io = io;
	uhf_parser_feed(&u->parser, bytes, n, now, on_frame, u);
	after_frames(u, now);
}

static int64_t
earliest(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	struct uhf *u = st;
	int64_t next;

	u->io = io;
	next = uhf_parser_tick(&u->parser, now, on_frame, u);
	after_frames(u, now);
	if (u->info_tries > 0 && now >= u->info_due) {
		u->parser.stats.timeouts++;
		if (u->info_tries < UHF_TRIES) {
			u->info_tries++;
			send_info(u, now);
		} else {
			u->info_tries = 0;
		}
	}
	if (u->stop_tries > 0 && now >= u->stop_due) {
		u->parser.stats.timeouts++;
		if (u->stop_tries < UHF_TRIES) {
			u->stop_tries++;
			send_stop(u, now);
		} else {
			u->stop_tries = 0;
		}
	}
	if (u->set_tries > 0 && now >= u->set_due) {
		u->parser.stats.timeouts++;
		if (u->set_tries < UHF_TRIES) {
			u->set_tries++;
			send_setting(u, now);
		} else {
			setting_failed(u, now, 0);
		}
	}
	if (u->running && now >= u->poll_due) {
		u->parser.stats.timeouts++;	/* polling ended, or the module lost it */
		send_multi(u, now);
	}
	if (u->info_tries > 0)
		next = earliest(next, u->info_due);
	if (u->stop_tries > 0)
		next = earliest(next, u->stop_due);
	if (u->set_tries > 0)
		next = earliest(next, u->set_due);
	if (u->running)
		next = earliest(next, u->poll_due);
	return next;
}

/* One setting at a time, its value in the module's range; -1 otherwise. */
static int
request_setting(struct uhf *u, const struct dev_request *rq, int64_t now)
{
	int v = rq->value;

	if (u->set_cmd != 0)
		return -1;
	switch (rq->kind) {
	case DEV_RQ_UHF_GET_POWER:
		ask_setting(u, UHF_CMD_GET_POWER, 0, 0);
		break;
	case DEV_RQ_UHF_GET_REGION:
		ask_setting(u, UHF_CMD_GET_REGION, 0, 0);
		break;
	case DEV_RQ_UHF_GET_QUERY:
		ask_setting(u, UHF_CMD_GET_QUERY, 0, 0);
		break;
	case DEV_RQ_UHF_SET_POWER:
		if (v < UHF_POWER_MIN || v > UHF_POWER_MAX)
			return -1;
		ask_setting(u, UHF_CMD_SET_POWER, v, 2);
		break;
	case DEV_RQ_UHF_SET_REGION:
		if (!uhf_region_ok(v))
			return -1;
		ask_setting(u, UHF_CMD_SET_REGION, v, 1);
		break;
	case DEV_RQ_UHF_SET_QUERY:
		if (!uhf_query_ok(v))
			return -1;
		ask_setting(u, UHF_CMD_SET_QUERY, v, 2);
		break;
	default:	/* DEV_RQ_UHF_HOPPING */
		if (v != 0 && v != 1)
			return -1;
		ask_setting(u, UHF_CMD_HOPPING, v ? 0xff : 0x00, 1);
		break;
	}
	send_setting(u, now);
	return 0;
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	struct uhf *u = st;

	u->io = io;
	switch (rq->kind) {
	case DEV_RQ_UHF_START:
		u->running = 1;
		u->stop_tries = 0;
		send_multi(u, now);
		return 0;
	case DEV_RQ_UHF_STOP:
	case DEV_RQ_CANCEL:
		u->running = 0;
		u->stop_tries = 1;
		send_stop(u, now);
		return 0;
	case DEV_RQ_UHF_GET_POWER:
	case DEV_RQ_UHF_GET_REGION:
	case DEV_RQ_UHF_GET_QUERY:
	case DEV_RQ_UHF_SET_POWER:
	case DEV_RQ_UHF_SET_REGION:
	case DEV_RQ_UHF_SET_QUERY:
	case DEV_RQ_UHF_HOPPING:
		return request_setting(u, rq, now);
	default:
		return -1;
	}
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct uhf *)st)->parser.stats;
}

const struct dev_driver uhf_driver = {
	.name = "uhf",
	.baud = 115200,
	.state_size = sizeof(struct uhf),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};
