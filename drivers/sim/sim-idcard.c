/*
 * A simulated second-generation ID card reader (SAM_A module): answers the host's commands as
 * the module does, with the card that lies on it.
 *   insert key=value ...   a card is put on the reader (keys name, sex, nation, birth,
 *                          address, id, authority, from, to; the rest take defaults;
 *                          sex=男 or 1, nation=汉, 汉族, Han or 01 as a person says them)
 *   remove                 the card is lifted
 * Like the real readers, once a card has been read, find card answers 80 until the card is
 * lifted and put back (insert again).
 */
#include <stdio.h>
#include <string.h>

#include "ethnic.h"
#include "i18n.h"
#include "idreader.h"
#include "sim.h"

struct sim_idcard {
	struct idr_parser host;
	struct dev_stats stats;
	int present;		/* a card lies on the reader */
	int found, selected;	/* find and select answered for it */
	int read;		/* read since it was put down */
	uint8_t text[IDR_TEXT];
	uint8_t photo[IDR_PHOTO];
	const struct sim_io *io;
};

static const char *const keys[IDR_FIELDS] = {
	[IDR_NAME] = "name", [IDR_SEX] = "sex", [IDR_NATION] = "nation",
	[IDR_BIRTH] = "birth", [IDR_ADDRESS] = "address", [IDR_ID] = "id",
	[IDR_AUTHORITY] = "authority", [IDR_FROM] = "from", [IDR_TO] = "to",
};

/* A made-up card whose ID number is well formed (check digit X): 张三 of 北京 东城. */
static const char *const defaults[IDR_FIELDS] = {
	[IDR_NAME] = "张三", [IDR_SEX] = "1", [IDR_NATION] = "01",
	[IDR_BIRTH] = "19900307", [IDR_ADDRESS] = "北京市东城区景山前街4号",
	[IDR_ID] = "11010119900307803X", [IDR_AUTHORITY] = "北京市公安局东城分局",
	[IDR_FROM] = "20150101", [IDR_TO] = "20350101",
};

/* The module's management number as read by 12 FF: 05.01-20200101-0000012345-0000067890. */
static const uint8_t sam_id[IDR_SAMID] = { 5, 0, 1, 0, 0xa5, 0x3a, 0x34, 0x01, 0x39, 0x30,
    0, 0, 0x32, 0x09, 0x01, 0 };

static void
sim_init(void *st)
{
	struct sim_idcard *s = st;
	size_t i;

	memset(s, 0, sizeof *s);
	idr_parser_init(&s->host, 3, IDR_HOST_BODY_MAX, &s->stats);
	/* A stand-in for a wlt photo: its "WL" magic, then bytes that never make a preamble. */
	for (i = 0; i < IDR_PHOTO; i++)
		s->photo[i] = (uint8_t)(i * 7 & 0x7f);
	s->photo[0] = 'W';
	s->photo[1] = 'L';
}

static void
send_answer(struct sim_idcard *s, int sw3, const uint8_t *data, size_t n)
{
	uint8_t out[IDR_FRAME_MAX];
	size_t len = idr_encode_answer(sw3, data, n, out, sizeof out);

	if (len > 0)
		s->io->send(s->io->arg, out, len);
}

static void
read_base(struct sim_idcard *s)
{
	uint8_t data[4 + IDR_TEXT + IDR_PHOTO];

	if (!s->present || !s->selected) {
		send_answer(s, IDR_SW_READ_FAILED, NULL, 0);
		return;
	}
	data[0] = IDR_TEXT >> 8;
	data[1] = IDR_TEXT & 0xff;
	data[2] = IDR_PHOTO >> 8;
	data[3] = IDR_PHOTO & 0xff;
	memcpy(data + 4, s->text, IDR_TEXT);
	memcpy(data + 4 + IDR_TEXT, s->photo, IDR_PHOTO);
	s->read = 1;
	s->found = s->selected = 0;
	send_answer(s, IDR_SW_OK, data, sizeof data);
}

/* One command from the host: CMD PARA (data ignored, as none of ours takes any). */
static void
command(struct sim_idcard *s, int cmd)
{
	static const uint8_t zeros[8];

	switch (cmd) {
	case IDR_RESET:
		s->found = s->selected = 0;
		/* FALLTHROUGH */
	case IDR_STATUS:
		send_answer(s, IDR_SW_OK, NULL, 0);
		break;
	case IDR_SAMID_READ:
		send_answer(s, IDR_SW_OK, sam_id, sizeof sam_id);
		break;
	case IDR_FIND:
		s->found = s->present && !s->read;
		s->selected = 0;
		if (s->found)
			send_answer(s, IDR_SW_FOUND, zeros, 4);
		else
			send_answer(s, IDR_SW_NOT_FOUND, NULL, 0);
		break;
	case IDR_SELECT:
		s->selected = s->present && s->found;
		if (s->selected)
			send_answer(s, IDR_SW_OK, zeros, 8);
		else
			send_answer(s, IDR_SW_NOT_SELECTED, NULL, 0);
		break;
	case IDR_READ_BASE:
		read_base(s);
		break;
	default:
		send_answer(s, IDR_SW_COMMAND, NULL, 0);
		break;
	}
}

static void
host_frame(void *arg, int status, const uint8_t *body, size_t n)
{
	struct sim_idcard *s = arg;

	if (status != 0)
		send_answer(s, status, NULL, 0);	/* 10 bad checksum, 11 bad length */
	else if (n < 2)
		send_answer(s, IDR_SW_LENGTH, NULL, 0);
	else
		command(s, body[0] << 8 | body[1]);
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_idcard *s = st;

	s->io = io;
	idr_parser_feed(&s->host, bytes, n, now, host_frame, s);
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_idcard *s = st;

	(void)io;
	return idr_parser_tick(&s->host, now);	/* a command cut short is forgotten */
}

/* The card's code for a sex or an ethnic group said in words; the value itself otherwise. */
static const char *
card_value(int f, const char *value)
{
	int e;

	if (f == IDR_SEX) {
		if (strcmp(value, "男") == 0 || strcmp(value, "M") == 0 ||
		    strcmp(value, "male") == 0 || strcmp(value, _("male")) == 0)
			return "1";
		if (strcmp(value, "女") == 0 || strcmp(value, "F") == 0 ||
		    strcmp(value, "female") == 0 || strcmp(value, _("female")) == 0)
			return "2";
	}
	if (f == IDR_NATION && (e = ethnic_parse(value)) >= 0)
		return ethnic_code((size_t)e);
	return value;
}

static int
insert(struct sim_idcard *s, int argc, char **argv, char *err, size_t errsz)
{
	uint8_t text[IDR_TEXT];
	int i, f;

	memset(text, 0, sizeof text);
	for (f = 0; f < IDR_FIELDS; f++)
		idr_field_encode((enum idr_field)f, defaults[f], text);
	for (i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		for (f = 0; eq && f < IDR_FIELDS; f++)
			if (strlen(keys[f]) == (size_t)(eq - argv[i]) &&
			    strncmp(argv[i], keys[f], (size_t)(eq - argv[i])) == 0)
				break;
		if (eq == NULL || f == IDR_FIELDS) {
			snprintf(err, errsz, _("idcard: \"%s\" is not key=value with a key of name, "
			    "sex, nation, birth, address, id, authority, from, to"), argv[i]);
			return -1;
		}
		if (idr_field_encode((enum idr_field)f, card_value(f, eq + 1), text) != 0) {
			snprintf(err, errsz, _("idcard: %s=%s does not fit the card (valid UTF-8, "
			    "the field's length, digits or a date YYYYMMDD where one belongs)"),
			    keys[f], eq + 1);
			return -1;
		}
	}
	memcpy(s->text, text, sizeof text);
	s->present = 1;
	s->read = s->found = s->selected = 0;
	return 0;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_idcard *s = st;

	(void)now;
	s->io = io;
	if (strcmp(argv[0], "insert") == 0)
		return insert(s, argc, argv, err, errsz);
	if (strcmp(argv[0], "remove") == 0 && argc == 1) {
		s->present = s->found = s->selected = s->read = 0;
		return 0;
	}
	snprintf(err, errsz, _("idcard: unknown command \"%s\" (insert key=value ..., remove)"),
	    argv[0]);
	return -1;
}

const struct sim_device sim_idcard = {
	.name = "idcard",
	.baud = 115200,
	.state_size = sizeof(struct sim_idcard),
	.usage = "idcard insert [name=N] [sex=1|2|男|女] [nation=NN|汉|汉族|Han] [birth=YYYYMMDD]\n"
	    "    [address=A] [id=ID] [authority=A] [from=YYYYMMDD] [to=YYYYMMDD|长期]\n"
	    "idcard remove\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};
