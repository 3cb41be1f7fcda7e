/*
 * A simulated M100 / QM100 UHF module with a field of tags.  It answers module info, single
 * polling, multiple polling and stop as the module does, and keeps the settings a host reads
 * and sets: transmit power (B7/B6), region (08/07), Query parameters (0D/0E), frequency
 * hopping (AD), each with error 17 for a value the module does not take; a tag's RSSI follows
 * the power (1 dB per dB below 26 dBm); while multiple polling runs it sends
 * the tags' notices round-robin at the line rate (or at "rate" notices a second), each tag
 * "dup" times a round, and when the field is empty an inventory-fail error each round.
 *   tags N [PREFIX]   the field holds N tags, 12-byte EPCs: PREFIX (hex) then a counter
 *   add EPC [RSSI]    a tag enters the field (EPC whole words of hex, RSSI in dBm)
 *   remove EPC        it leaves
 *   clear             the field empties
 *   dup K             each tag is reported K times a round
 *   rate N            at most N notices a second, 0 for the line rate
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"
#include "sim.h"
#include "uhf.h"

#define SIM_UHF_TAGS 4096
#define SIM_UHF_TICK_MS 5	/* how often notices go out while polling */
#define SIM_UHF_BURST_MS 20	/* line time saved up at most (a late tick) */
#define SIM_UHF_ROUND_MS 50	/* an empty polling round, ended by error 0x15 */
#define SIM_UHF_RSSI -55	/* dBm, the manual's example notice */
#define SIM_UHF_EPC 12		/* bytes of a "tags" EPC, 96 bits as on most tags */
#define SIM_UHF_PREFIX 8	/* prefix bytes at most, leaving a 4-byte counter */
#define SIM_UHF_OUT 8		/* replies queued while the host's bytes are parsed */

static const char hw_version[] = "M100 26dBm V1.0";
static const char sw_version[] = "V2.3.1";
static const char maker[] = "MagicRF";

struct sim_tag {
	uint8_t epc[UHF_EPC_MAX];
	uint8_t len;
	int8_t rssi;
	uint16_t pc;
};

struct sim_uhf {
	struct uhf_parser parser;	/* the host's commands */
	struct sim_tag tags[SIM_UHF_TAGS];
	int ntags;
	int dup;		/* reports of each tag a round, 0 read as 1 */
	long rate;		/* notices a second at most, 0: the line rate */
	int polling;
	unsigned rounds;	/* multiple polling rounds left */
	int cur, rep;		/* the next notice: tag and repeat */
	int64_t last;		/* when the line budget was last topped up */
	int64_t line;		/* line budget in 1/10000 byte (ms * baud) */
	int64_t quota;		/* "rate" budget in 1/1000 notice (ms * rate) */
	int64_t round_end;	/* empty field: when this round's error is due */
	int singles;		/* single pollings to answer */
	int power;		/* transmit power, 0.01 dBm */
	int region;		/* UHF_REGION_ code */
	int query;		/* Gen2 Query parameters */
	int hopping;		/* automatic frequency hopping on */
	int mute;		/* settings commands go unanswered */
	int refuse;		/* the next setting command is refused with this error code */
	uint8_t out[SIM_UHF_OUT][64];
	size_t outlen[SIM_UHF_OUT];
	int nout;
};

static void
sim_init(void *st)
{
	struct sim_uhf *s = st;

	memset(s, 0, sizeof *s);
	uhf_parser_init(&s->parser);
	s->dup = 1;
	s->power = UHF_POWER_MAX;	/* a "26dBm" module answers 0A28 out of the box */
	s->region = UHF_REGION_CN900;
	s->query = 0x1020;		/* the manual's example: DR 8, M 1, TRext, S0, A, Q 4 */
	s->hopping = 1;
}

static void
queue(struct sim_uhf *s, uint8_t type, uint8_t cmd, const void *param, size_t pl)
{
	size_t n;

	if (s->nout == SIM_UHF_OUT)
		return;		/* a host flooding commands loses answers, as on a UART */
	n = uhf_encode_frame(type, cmd, param, pl, s->out[s->nout], sizeof s->out[0]);
	if (n > 0)
		s->outlen[s->nout++] = n;
}

static void
queue_error(struct sim_uhf *s, uint8_t code)
{
	queue(s, UHF_TYPE_RESPONSE, UHF_CMD_ERROR, &code, 1);
}

static void
answer_info(struct sim_uhf *s, const struct uhf_frame *f)
{
	static const char *const what[] = { hw_version, sw_version, maker };
	uint8_t param[32];
	size_t n;

	if (f->pl != 1 || f->param[0] > 2) {
		queue_error(s, UHF_ERR_COMMAND);
		return;
	}
	n = strlen(what[f->param[0]]);
	param[0] = f->param[0];
	memcpy(param + 1, what[f->param[0]], n);
	queue(s, UHF_TYPE_RESPONSE, UHF_CMD_INFO, param, n + 1);
}

static void
start_polling(struct sim_uhf *s, unsigned rounds, int64_t now)
{
	s->polling = rounds > 0;
	s->rounds = rounds;
	s->cur = 0;
	s->rep = 0;
	s->last = now;
	s->line = 0;
	s->quota = 0;
	s->round_end = now + SIM_UHF_ROUND_MS;
}

static void
queue_value(struct sim_uhf *s, uint8_t cmd, int value, size_t pl)
{
	uint8_t v[2] = { (uint8_t)(value >> 8), (uint8_t)value };

	queue(s, UHF_TYPE_RESPONSE, cmd, pl == 2 ? v : v + 1, pl);
}

static int
is_setting(uint8_t cmd)
{
	return cmd == UHF_CMD_GET_POWER || cmd == UHF_CMD_SET_POWER || cmd == UHF_CMD_GET_QUERY ||
	    cmd == UHF_CMD_SET_QUERY || cmd == UHF_CMD_GET_REGION || cmd == UHF_CMD_SET_REGION ||
	    cmd == UHF_CMD_HOPPING;
}

/* A setting read or set (manual 2.13-2.22); 0 when f was one. */
static int
answer_setting(struct sim_uhf *s, const struct uhf_frame *f)
{
	int v = f->pl == 2 ? f->param[0] << 8 | f->param[1] : f->pl == 1 ? f->param[0] : -1;
	int ok;

	switch (f->cmd) {
	case UHF_CMD_GET_POWER:
	case UHF_CMD_GET_QUERY:
	case UHF_CMD_GET_REGION:
		if (f->pl != 0) {
			queue_error(s, UHF_ERR_COMMAND);
			return 0;
		}
		queue_value(s, f->cmd, f->cmd == UHF_CMD_GET_POWER ? s->power :
		    f->cmd == UHF_CMD_GET_QUERY ? s->query : s->region,
		    f->cmd == UHF_CMD_GET_REGION ? 1 : 2);
		return 0;
	case UHF_CMD_SET_POWER:
		ok = f->pl == 2 && v >= UHF_POWER_MIN && v <= UHF_POWER_MAX;
		if (ok)
			s->power = v;
		break;
	case UHF_CMD_SET_QUERY:
		ok = f->pl == 2 && uhf_query_ok(v);
		if (ok)
			s->query = v;
		break;
	case UHF_CMD_SET_REGION:
		ok = f->pl == 1 && uhf_region_ok(v);
		if (ok)
			s->region = v;
		break;
	case UHF_CMD_HOPPING:
		ok = f->pl == 1 && (v == 0xff || v == 0x00);
		if (ok)
			s->hopping = v == 0xff;
		break;
	default:
		return -1;
	}
	if (ok)
		queue_value(s, f->cmd, 0, 1);
	else
		queue_error(s, UHF_ERR_COMMAND);
	return 0;
}

/* One command frame from the host; answers are queued and sent once parsing is done. */
static void
host_frame(void *arg, const struct uhf_frame *f, int64_t now)
{
	struct sim_uhf *s = arg;
	uint8_t ok = 0;

	if (f->type != UHF_TYPE_COMMAND)
		return;
	switch (f->cmd) {
	case UHF_CMD_INFO:
		answer_info(s, f);
		break;
	case UHF_CMD_POLL:
		if (f->pl != 0)
			queue_error(s, UHF_ERR_COMMAND);
		else
			s->singles++;
		break;
	case UHF_CMD_MULTI:
		if (f->pl != 3)
			queue_error(s, UHF_ERR_COMMAND);
		else
			start_polling(s, (unsigned)(f->param[1] << 8 | f->param[2]), now);
		break;
	case UHF_CMD_STOP:
		s->polling = 0;
		queue(s, UHF_TYPE_RESPONSE, UHF_CMD_STOP, &ok, 1);
		break;
	default:
		if (is_setting(f->cmd) && s->mute)
			break;		/* the script's "mute": not a word */
		if (is_setting(f->cmd) && s->refuse != 0) {
			queue_error(s, (uint8_t)s->refuse);	/* the script's "refuse" */
			s->refuse = 0;
			break;
		}
		if (answer_setting(s, f) != 0)
			queue_error(s, UHF_ERR_COMMAND);
		break;
	}
}

/* A tag's notice; its RSSI falls 1 dB for each dB of power below the module's rating. */
static void
send_tag(const struct sim_uhf *s, const struct sim_tag *t, const struct sim_io *io)
{
	uint8_t frame[UHF_NOTICE_MAX];
	int rssi = t->rssi - (UHF_POWER_MAX - s->power) / 100;
	size_t n = uhf_encode_notice(rssi < -128 ? -128 : rssi, t->pc, t->epc, t->len,
	    uhf_tag_crc(t->pc, t->epc, t->len), frame, sizeof frame);

	io->send(io->arg, frame, n);
}

static void
send_error(uint8_t code, const struct sim_io *io)
{
	uint8_t frame[8];
	size_t n = uhf_encode_error(code, frame, sizeof frame);

	io->send(io->arg, frame, n);
}

/* Sends what parsing queued.  Copied first: a send may bring the host's next command. */
static void
flush(struct sim_uhf *s, const struct sim_io *io)
{
	uint8_t out[SIM_UHF_OUT][64];
	size_t outlen[SIM_UHF_OUT];
	int i, n = s->nout, singles = s->singles;

	memcpy(out, s->out, sizeof out);
	memcpy(outlen, s->outlen, sizeof outlen);
	s->nout = 0;
	s->singles = 0;
	for (i = 0; i < n; i++)
		io->send(io->arg, out[i], outlen[i]);
	for (; singles > 0; singles--) {
		if (s->ntags == 0)
			send_error(UHF_ERR_INVENTORY, io);
		for (i = 0; i < s->ntags; i++)
			send_tag(s, &s->tags[i], io);
	}
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_uhf *s = st;

	uhf_parser_feed(&s->parser, bytes, n, now, host_frame, s);
	flush(s, io);
}

static void
round_done(struct sim_uhf *s)
{
	if (--s->rounds == 0)
		s->polling = 0;
}

/* Notices while the line and the rate allow, tag after tag. */
static void
send_notices(struct sim_uhf *s, const struct sim_io *io)
{
	while (s->polling && s->ntags > 0) {
		const struct sim_tag *t = &s->tags[s->cur];
		int64_t cost = (int64_t)(t->len + 12) * 10000;

		if (s->line < cost || (s->rate > 0 && s->quota < 1000))
			return;
		s->line -= cost;
		if (s->rate > 0)
			s->quota -= 1000;
		send_tag(s, t, io);
		if (++s->rep < (s->dup > 0 ? s->dup : 1))
			continue;
		s->rep = 0;
		if (++s->cur >= s->ntags) {
			s->cur = 0;
			round_done(s);
		}
	}
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_uhf *s = st;
	int64_t ms;

	if (!s->polling)
		return -1;
	ms = now - s->last;
	s->last = now;
	if (ms > SIM_UHF_BURST_MS)
		ms = SIM_UHF_BURST_MS;
	s->line += ms * 115200;
	if (s->line > SIM_UHF_BURST_MS * 115200)
		s->line = SIM_UHF_BURST_MS * 115200;
	if (s->rate > 0) {
		s->quota += ms * s->rate;
		if (s->quota > 1000 + SIM_UHF_BURST_MS * s->rate)
			s->quota = 1000 + SIM_UHF_BURST_MS * s->rate;
	}
	if (s->ntags == 0) {
		if (now >= s->round_end) {
			send_error(UHF_ERR_INVENTORY, io);
			s->round_end = now + SIM_UHF_ROUND_MS;
			round_done(s);
		}
		return s->polling ? s->round_end : -1;
	}
	send_notices(s, io);
	s->round_end = now + SIM_UHF_ROUND_MS;
	return s->polling ? now + SIM_UHF_TICK_MS : -1;
}

/* Script commands */

/* An EPC of whole 16-bit words in hex, 1 to 16 words; 0 or -1. */
static int
parse_epc(const char *hex, struct sim_tag *t)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 4 != 0 || n > 2 * UHF_EPC_MAX)
		return -1;
	if (hex_decode(hex, n, t->epc, n / 2) != 0)
		return -1;
	t->len = (uint8_t)(n / 2);
	t->pc = uhf_pc(t->len) | UHF_PC_UMI;
	return 0;
}

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* One or two hex digits. */
static int
parse_hex_byte(const char *s, long *out)
{
	char *end;
	long v;

	if (strlen(s) < 1 || strlen(s) > 2 || !isxdigit((unsigned char)s[0]))
		return -1;
	v = strtol(s, &end, 16);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
find_tag(const struct sim_uhf *s, const struct sim_tag *t)
{
	int i;

	for (i = 0; i < s->ntags; i++)
		if (s->tags[i].len == t->len && memcmp(s->tags[i].epc, t->epc, t->len) == 0)
			return i;
	return -1;
}

static void
field_changed(struct sim_uhf *s)
{
	if (s->cur >= s->ntags) {
		s->cur = 0;
		s->rep = 0;
	}
}

static int
cmd_tags(struct sim_uhf *s, int argc, char **argv, char *err, size_t errsz)
{
	uint8_t prefix[SIM_UHF_PREFIX];
	size_t plen = 0, j;
	long n, i;

	if (argc < 2 || argc > 3 || parse_long(argv[1], 0, SIM_UHF_TAGS, &n) != 0) {
		snprintf(err, errsz, _("uhf: tags takes a count from 0 to %d and a hex prefix, as "
		    "in: tags 50 E280"), SIM_UHF_TAGS);
		return -1;
	}
	if (argc == 3) {
		plen = strlen(argv[2]) / 2;
		if (strlen(argv[2]) % 2 != 0 || plen == 0 || plen > SIM_UHF_PREFIX ||
		    hex_decode(argv[2], 2 * plen, prefix, plen) != 0) {
			snprintf(err, errsz, _("uhf: a prefix is 1 to %d bytes of hex, as in: "
			    "tags 50 E280"), SIM_UHF_PREFIX);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		struct sim_tag *t = &s->tags[i];
		unsigned long c = (unsigned long)i + 1;

		memset(t, 0, sizeof *t);
		t->len = SIM_UHF_EPC;
		t->pc = uhf_pc(SIM_UHF_EPC) | UHF_PC_UMI;
		memcpy(t->epc, prefix, plen);
		for (j = SIM_UHF_EPC; j > plen; j--, c >>= 8)
			t->epc[j - 1] = (uint8_t)c;
		t->rssi = (int8_t)(-40 - i % 40);
	}
	s->ntags = (int)n;
	field_changed(s);
	return 0;
}

static int
cmd_add(struct sim_uhf *s, int argc, char **argv, char *err, size_t errsz)
{
	struct sim_tag t;
	long rssi = SIM_UHF_RSSI;
	int i;

	memset(&t, 0, sizeof t);
	if (argc < 2 || argc > 3 || parse_epc(argv[1], &t) != 0) {
		snprintf(err, errsz, _("uhf: an EPC is 1 to %d words of hex (4 digits each), as "
		    "in: add 30751FEB705C5904E3D50D70 -55"), UHF_EPC_MAX / 2);
		return -1;
	}
	if (argc == 3 && parse_long(argv[2], -128, 127, &rssi) != 0) {
		snprintf(err, errsz, _("uhf: RSSI is in dBm, from -128 to 127"));
		return -1;
	}
	t.rssi = (int8_t)rssi;
	i = find_tag(s, &t);
	if (i < 0 && s->ntags == SIM_UHF_TAGS) {
		snprintf(err, errsz, _("uhf: the field holds %d tags at most"), SIM_UHF_TAGS);
		return -1;
	}
	s->tags[i < 0 ? s->ntags++ : i] = t;
	return 0;
}

static int
cmd_remove(struct sim_uhf *s, int argc, char **argv, char *err, size_t errsz)
{
	struct sim_tag t;
	int i;

	if (argc != 2 || parse_epc(argv[1], &t) != 0) {
		snprintf(err, errsz, _("uhf: remove takes an EPC in hex, as in: remove "
		    "30751FEB705C5904E3D50D70"));
		return -1;
	}
	i = find_tag(s, &t);
	if (i < 0) {
		snprintf(err, errsz, _("uhf: no tag %s in the field"), argv[1]);
		return -1;
	}
	memmove(&s->tags[i], &s->tags[i + 1], (size_t)(s->ntags - i - 1) * sizeof s->tags[0]);
	s->ntags--;
	field_changed(s);
	return 0;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_uhf *s = st;
	long v;

	(void)now;
	(void)io;
	if (strcmp(argv[0], "tags") == 0)
		return cmd_tags(s, argc, argv, err, errsz);
	if (strcmp(argv[0], "add") == 0)
		return cmd_add(s, argc, argv, err, errsz);
	if (strcmp(argv[0], "remove") == 0)
		return cmd_remove(s, argc, argv, err, errsz);
	if (strcmp(argv[0], "clear") == 0 && argc == 1) {
		s->ntags = 0;
		field_changed(s);
		return 0;
	}
	if (strcmp(argv[0], "dup") == 0) {
		if (argc != 2 || parse_long(argv[1], 1, 100, &v) != 0) {
			snprintf(err, errsz, _("uhf: dup takes a count from 1 to 100"));
			return -1;
		}
		s->dup = (int)v;
		s->rep = 0;
		return 0;
	}
	if (strcmp(argv[0], "rate") == 0) {
		if (argc != 2 || parse_long(argv[1], 0, 100000, &v) != 0) {
			snprintf(err, errsz, _("uhf: rate takes notices a second, 0 for the line "
			    "rate"));
			return -1;
		}
		s->rate = v;
		s->quota = 0;
		return 0;
	}
	if (strcmp(argv[0], "mute") == 0) {
		if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0)) {
			snprintf(err, errsz, _("uhf: mute takes on or off"));
			return -1;
		}
		s->mute = strcmp(argv[1], "on") == 0;
		return 0;
	}
	if (strcmp(argv[0], "refuse") == 0) {
		if (argc != 2 || parse_hex_byte(argv[1], &v) != 0 || v == 0) {
			snprintf(err, errsz, _("uhf: refuse takes an error code in hex, 01 to FF, "
			    "as in: refuse 17"));
			return -1;
		}
		s->refuse = (int)v;
		return 0;
	}
	snprintf(err, errsz, _("uhf: unknown command \"%s\""), argv[0]);
	return -1;
}

const struct sim_device sim_uhf = {
	.name = "uhf",
	.baud = 115200,
	.state_size = sizeof(struct sim_uhf),
	.usage = "uhf tags N [PREFIX]\nuhf add EPC [RSSI]\nuhf remove EPC\nuhf clear\n"
	    "uhf dup K\nuhf rate N\nuhf mute on|off\nuhf refuse CODE\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};
