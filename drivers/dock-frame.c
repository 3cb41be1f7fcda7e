/*
 * The dock protocol's framing and messages (docs/dock-protocol.md): the CRCs, the frame
 * encoder, a parser that resynchronises on the next A5 5A, and a codec per message.  Shared by
 * the driver, the simulated dock, the tests and the benchmarks.
 */
#include <string.h>

#include "dock.h"

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected, no final XOR. */
uint16_t
dock_crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xffff;
	int i;

	while (n-- > 0) {
		crc ^= (uint16_t)(*p++ << 8);
		for (i = 0; i < 8; i++)
			crc = crc & 0x8000 ? (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return crc;
}

/* CRC-8/SMBUS: poly 0x07, init 0x00, not reflected, no final XOR (check "123456789": 0xF4). */
uint8_t
dock_crc8(const uint8_t *p, size_t n)
{
	uint8_t crc = 0;
	int i;

	while (n-- > 0) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = crc & 0x80 ? (uint8_t)(crc << 1 ^ 0x07) : (uint8_t)(crc << 1);
	}
	return crc;
}

size_t
dock_header_len(uint8_t ver)
{
	return ver == DOCK_VERSION_1 ? DOCK_HEADER_V1 : DOCK_HEADER;
}

size_t
dock_encode_frame_v(uint8_t ver, uint8_t type, uint8_t seq, const uint8_t *payload, size_t len,
    uint8_t out[DOCK_FRAME_MAX])
{
	size_t hdr = dock_header_len(ver);
	uint16_t crc;

	if (len > DOCK_PAYLOAD_MAX || (ver != DOCK_VERSION && ver != DOCK_VERSION_1))
		return 0;
	out[0] = DOCK_SOF1;
	out[1] = DOCK_SOF2;
	out[2] = ver;
	out[3] = type;
	out[4] = seq;
	out[5] = (uint8_t)len;
	if (ver == DOCK_VERSION)
		out[6] = dock_crc8(out + 2, 4);		/* VER TYPE SEQ LEN */
	if (len > 0)
		memcpy(out + hdr, payload, len);
	crc = dock_crc16(out + 2, hdr - 2 + len);	/* VER through the payload */
	out[hdr + len] = (uint8_t)(crc >> 8);
	out[hdr + len + 1] = (uint8_t)crc;
	return hdr + len + 2;
}

size_t
dock_encode_frame(uint8_t type, uint8_t seq, const uint8_t *payload, size_t len,
    uint8_t out[DOCK_FRAME_MAX])
{
	return dock_encode_frame_v(DOCK_VERSION, type, seq, payload, len, out);
}

void
dock_parser_reset(struct dock_parser *p)
{
	p->len = 0;		/* the versions it reads are its owner's choice, kept */
}

/* Forgets the first byte of the buffer: the rest may hold the next frame's header. */
static void
drop_one(struct dock_parser *p)
{
	memmove(p->buf, p->buf + 1, p->len - 1);
	p->len--;
}

static int
reads_version(const struct dock_parser *p, uint8_t ver)
{
	unsigned v = p->versions ? p->versions : DOCK_READ_V2;

	return ver < 8 && (v >> ver & 1);
}

/*
 * Reads what the buffer holds: skips bytes that cannot start a frame, rejects a header with
 * a version it does not read, a length over the maximum or (version 2) a bad header check at
 * once, and after a bad CRC looks for the next header inside the rejected bytes rather than
 * after them.
 */
static void
scan(struct dock_parser *p, struct dev_stats *st, dock_frame_fn *fn, void *arg)
{
	struct dock_frame f;
	size_t need, hdr;
	int good;

	while (p->len > 0) {
		if (p->buf[0] != DOCK_SOF1 || (p->len >= 2 && p->buf[1] != DOCK_SOF2)) {
			st->garbage++;
			drop_one(p);
			continue;
		}
		if (p->len < 3)
			return;
		hdr = dock_header_len(p->buf[2]);
		if (!reads_version(p, p->buf[2]) ||
		    (p->len >= DOCK_HEADER_V1 && p->buf[5] > DOCK_PAYLOAD_MAX) ||
		    (hdr == DOCK_HEADER && p->len >= DOCK_HEADER &&
		    dock_crc8(p->buf + 2, 4) != p->buf[6])) {
			st->bad_frame++;
			drop_one(p);
			continue;
		}
		if (p->len < hdr)
			return;
		need = hdr + p->buf[5] + 2;
		if (p->len < need)
			return;
		good = dock_crc16(p->buf + 2, need - 4) ==
		    (uint16_t)(p->buf[need - 2] << 8 | p->buf[need - 1]);
		f.ver = p->buf[2];
		f.type = p->buf[3];
		f.seq = p->buf[4];
		f.len = p->buf[5];
		f.payload = p->buf + hdr;
		if (good)
			st->frames++;
		else
			st->bad_checksum++;
		fn(arg, &f, good);
		if (good) {
			memmove(p->buf, p->buf + need, p->len - need);
			p->len -= need;
		} else {
			drop_one(p);
		}
	}
}

void
dock_parse(struct dock_parser *p, struct dev_stats *st, const uint8_t *bytes, size_t n,
    int64_t now, dock_frame_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p->len == 0 && bytes[i] != DOCK_SOF1) {
			st->garbage++;		/* the common case between frames: no copy */
			continue;
		}
		p->buf[p->len++] = bytes[i];	/* scan leaves len < need <= DOCK_FRAME_MAX */
		p->last_byte = now;
		scan(p, st, fn, arg);
	}
}

int64_t
dock_parser_due(const struct dock_parser *p)
{
	return p->len > 0 ? p->last_byte + DOCK_GAP_MS : -1;
}

void
dock_parser_tick(struct dock_parser *p, struct dev_stats *st, int64_t now, dock_frame_fn *fn,
    void *arg)
{
	/* Everything buffered is as old as the last byte: each leftover header is half a frame. */
	while (p->len > 0 && now >= p->last_byte + DOCK_GAP_MS) {
		st->bad_frame++;
		drop_one(p);
		scan(p, st, fn, arg);
	}
}

/* Message codecs.  Every _get checks each length against the payload and the maximum. */

static size_t
put_bytes(uint8_t *out, const void *b, size_t n)
{
	out[0] = (uint8_t)n;
	memcpy(out + 1, b, n);
	return n + 1;
}

/* Reads a length byte and that many bytes at *off; -1 if over max or past the payload. */
static int
get_bytes(const uint8_t *p, size_t n, size_t *off, size_t min, size_t max, uint8_t *dst,
    uint8_t *dst_len)
{
	size_t l;

	if (*off >= n)
		return -1;
	l = p[*off];
	if (l < min || l > max || n - *off - 1 < l)
		return -1;
	memcpy(dst, p + *off + 1, l);
	*dst_len = (uint8_t)l;
	*off += l + 1;
	return 0;
}

/* A dock id or firmware version: printable ASCII, so that it can be shown as it is. */
static int
get_text(const uint8_t *p, size_t n, size_t *off, char *dst)
{
	uint8_t l, i;

	if (get_bytes(p, n, off, 1, DOCK_NAME_MAX, (uint8_t *)dst, &l) != 0)
		return -1;
	dst[l] = 0;
	for (i = 0; i < l; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e)
			return -1;
	return 0;
}

size_t
dock_hello_put(const struct dock_hello *m, uint8_t *out)
{
	size_t off = 4, a = strlen(m->dock_id), b = strlen(m->firmware);

	if (a < 1 || a > DOCK_NAME_MAX || b < 1 || b > DOCK_NAME_MAX)
		return 0;
	out[0] = m->revision;
	out[1] = m->slots;
	out[2] = (uint8_t)(m->session >> 8);
	out[3] = (uint8_t)m->session;
	off += put_bytes(out + off, m->dock_id, a);
	off += put_bytes(out + off, m->firmware, b);
	return off;
}

int
dock_hello_get(const uint8_t *p, size_t n, struct dock_hello *m)
{
	size_t off = 4;

	if (n < 4)
		return -1;
	m->revision = p[0];
	m->slots = p[1];
	m->session = (uint16_t)(p[2] << 8 | p[3]);
	if (get_text(p, n, &off, m->dock_id) != 0 || get_text(p, n, &off, m->firmware) != 0)
		return -1;
	return off == n ? 0 : -1;
}

size_t
dock_heartbeat_put(uint32_t uptime_s, uint8_t *out)
{
	out[0] = (uint8_t)(uptime_s >> 24);
	out[1] = (uint8_t)(uptime_s >> 16);
	out[2] = (uint8_t)(uptime_s >> 8);
	out[3] = (uint8_t)uptime_s;
	return 4;
}

int
dock_heartbeat_get(const uint8_t *p, size_t n, uint32_t *uptime_s)
{
	if (n != 4)
		return -1;
	*uptime_s = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

size_t
dock_band_put(uint8_t type, const struct dock_band *m, uint8_t *out)
{
	size_t off = 0;

	if (m->id_len < 1 || m->id_len > DOCK_BAND_ID_MAX)
		return 0;
	out[off++] = m->slot;
	if (type == DOCK_T_PRESENT)
		out[off++] = m->battery;
	return off + put_bytes(out + off, m->id, m->id_len);
}

int
dock_band_get(uint8_t type, const uint8_t *p, size_t n, struct dock_band *m)
{
	size_t off = 0;

	memset(m, 0, sizeof *m);
	m->battery = 0xff;
	if (n < 1 || p[0] == 0)
		return -1;
	m->slot = p[off++];
	if (type == DOCK_T_PRESENT) {
		if (n < 2 || (p[1] > 100 && p[1] != 0xff))
			return -1;
		m->battery = p[off++];
	}
	if (get_bytes(p, n, &off, 1, DOCK_BAND_ID_MAX, m->id, &m->id_len) != 0)
		return -1;
	return off == n ? 0 : -1;
}

size_t
dock_sample_size(const struct dock_sample *s)
{
	return 1 + s->id_len + 7;	/* id, zone 2, heart rate, battery, flags, dt 2 */
}

size_t
dock_telemetry_put(const struct dock_telemetry *m, uint8_t *out)
{
	size_t off = 7;
	int i, k;

	if (m->n < 0 || m->n > DOCK_SAMPLES_MAX || m->base_ms < 0 || m->base_ms >> 48 != 0)
		return 0;
	for (k = 0; k < 6; k++)
		out[k] = (uint8_t)(m->base_ms >> (40 - 8 * k));
	out[6] = (uint8_t)m->n;
	for (i = 0; i < m->n; i++) {
		const struct dock_sample *s = &m->s[i];

		if (s->id_len < 1 || s->id_len > DOCK_BAND_ID_MAX ||
		    off + dock_sample_size(s) > DOCK_PAYLOAD_MAX)
			return 0;
		off += put_bytes(out + off, s->id, s->id_len);
		out[off++] = (uint8_t)(s->zone >> 8);
		out[off++] = (uint8_t)s->zone;
		out[off++] = s->heart_rate;
		out[off++] = s->battery;
		out[off++] = s->flags;
		out[off++] = (uint8_t)(s->dt >> 8);
		out[off++] = (uint8_t)s->dt;
	}
	return off;
}

int
dock_telemetry_get(const uint8_t *p, size_t n, struct dock_telemetry *m)
{
	size_t off = 7;
	int i, k;

	if (n < 7 || p[6] > DOCK_SAMPLES_MAX)
		return -1;
	m->base_ms = 0;
	for (k = 0; k < 6; k++)
		m->base_ms = m->base_ms << 8 | p[k];
	m->n = p[6];
	for (i = 0; i < m->n; i++) {
		struct dock_sample *s = &m->s[i];

		if (get_bytes(p, n, &off, 1, DOCK_BAND_ID_MAX, s->id, &s->id_len) != 0 || n - off < 7)
			return -1;
		s->zone = (uint16_t)(p[off] << 8 | p[off + 1]);
		s->heart_rate = p[off + 2];
		s->battery = p[off + 3];
		s->flags = p[off + 4];
		s->dt = (uint16_t)(p[off + 5] << 8 | p[off + 6]);
		off += 7;
		if (s->battery > 100 && s->battery != 0xff)
			return -1;
	}
	return off == n ? 0 : -1;
}

size_t
dock_result_put(const struct dock_result *m, uint8_t *out)
{
	if (m->id_len > DOCK_BAND_ID_MAX)
		return 0;
	out[0] = m->cmd_seq;
	out[1] = m->command;
	out[2] = m->status;
	out[3] = m->reason;
	out[4] = m->slot;
	return 5 + put_bytes(out + 5, m->id, m->id_len);
}

int
dock_result_get(const uint8_t *p, size_t n, struct dock_result *m)
{
	size_t off = 5;

	memset(m, 0, sizeof *m);
	if (n < 5 || p[2] > 1 || (p[2] == 0) != (p[3] == 0))
		return -1;
	m->cmd_seq = p[0];
	m->command = p[1];
	m->status = p[2];
	m->reason = p[3];
	m->slot = p[4];
	if (get_bytes(p, n, &off, 0, DOCK_BAND_ID_MAX, m->id, &m->id_len) != 0)
		return -1;
	return off == n ? 0 : -1;
}

size_t
dock_command_put(uint8_t type, const struct dock_command *m, uint8_t *out)
{
	size_t off = 0;

	if (m->id_len > DOCK_BAND_ID_MAX || (m->slot == 0 && m->id_len == 0))
		return 0;
	out[off++] = m->slot;
	off += put_bytes(out + off, m->id, m->id_len);
	if (type == DOCK_T_BIND) {
		if (m->visit_len < 1 || m->visit_len > DOCK_VISIT_MAX)
			return 0;
		off += put_bytes(out + off, m->visit, m->visit_len);
	} else if (type == DOCK_T_LOCATE) {
		out[off++] = m->seconds;
	}
	return off;
}

int
dock_command_get(uint8_t type, const uint8_t *p, size_t n, struct dock_command *m)
{
	size_t off = 1;
	uint8_t i;

	memset(m, 0, sizeof *m);
	if (n < 1)
		return -1;
	m->slot = p[0];
	if (get_bytes(p, n, &off, 0, DOCK_BAND_ID_MAX, m->id, &m->id_len) != 0 ||
	    (m->slot == 0 && m->id_len == 0))
		return -1;
	if (type == DOCK_T_BIND) {
		if (get_bytes(p, n, &off, 1, DOCK_VISIT_MAX, (uint8_t *)m->visit, &m->visit_len) != 0)
			return -1;
		for (i = 0; i < m->visit_len; i++)
			if (m->visit[i] < 0x21 || m->visit[i] > 0x7e)
				return -1;
	} else if (type == DOCK_T_LOCATE) {
		if (off >= n)
			return -1;
		m->seconds = p[off++];
	}
	return off == n ? 0 : -1;
}

void
dock_id_hex(const uint8_t *id, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * n] = 0;
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
dock_id_parse(const char *hex, uint8_t id[DOCK_BAND_ID_MAX], uint8_t *n)
{
	size_t len = strnlen(hex, 2 * DOCK_BAND_ID_MAX + 1), i;

	if (len < 2 || len > 2 * DOCK_BAND_ID_MAX || len % 2 != 0)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		id[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*n = (uint8_t)(len / 2);
	return 0;
}
