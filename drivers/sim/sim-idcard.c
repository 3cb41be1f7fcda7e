/*
 * A simulated second-generation ID card reader (SAM_A module): answers the host's commands as
 * the module does, with the card that lies on it.
 *   insert key=value ...   a card is put on the reader: type=R (resident, the default), J
 *                          (residence permit of HK, Macao, Taiwan residents), I or Y
 *                          (foreign permanent resident, 2017 or 2023), each in its own
 *                          layout; keys name, sex, nation, birth, address, id, authority,
 *                          from, to, en, pass, issues, version, previous, extra (the
 *                          additional address); the rest take the type's defaults; sex=男
 *                          or 1, nation=汉, 汉族, Han or 01 as a person says them (on I
 *                          and Y, nation is the nationality: CAN)
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
	uint8_t extra[IDR_EXTRA];	/* the latest additional address */
	int has_extra;
	const struct sim_io *io;
};

static const char *const keys[IDR_FIELDS] = {
	[IDR_NAME] = "name", [IDR_SEX] = "sex", [IDR_NATION] = "nation",
	[IDR_BIRTH] = "birth", [IDR_ADDRESS] = "address", [IDR_ID] = "id",
	[IDR_AUTHORITY] = "authority", [IDR_FROM] = "from", [IDR_TO] = "to",
	[IDR_NAME_EN] = "en", [IDR_NATIONALITY] = "nation", [IDR_PASS] = "pass",
	[IDR_ISSUES] = "issues", [IDR_VERSION] = "version", [IDR_PREVIOUS] = "previous",
};

/* A made-up card of each type whose number is well formed: 张三 of 北京 东城... */
static const char *const resident[IDR_FIELDS] = {
	[IDR_NAME] = "张三", [IDR_SEX] = "1", [IDR_NATION] = "01",
	[IDR_BIRTH] = "19900307", [IDR_ADDRESS] = "北京市东城区景山前街4号",
	[IDR_ID] = "11010119900307803X", [IDR_AUTHORITY] = "北京市公安局东城分局",
	[IDR_FROM] = "20150101", [IDR_TO] = "20350101",
};

/* ... 陈大文, a Hong Kong resident living in 深圳 (J) ... */
static const char *const permit[IDR_FIELDS] = {
	[IDR_NAME] = "陈大文", [IDR_SEX] = "1", [IDR_BIRTH] = "19850615",
	[IDR_ADDRESS] = "广东省深圳市福田区福华路1号", [IDR_ID] = "810000198506150012",
	[IDR_AUTHORITY] = "深圳市公安局", [IDR_FROM] = "20200101", [IDR_TO] = "20250101",
	[IDR_PASS] = "H12345678", [IDR_ISSUES] = "01",
};

/* ... John Smith of Canada, with a card of 2017 (I) ... */
static const char *const foreign2017[IDR_FIELDS] = {
	[IDR_NAME_EN] = "SMITH JOHN", [IDR_SEX] = "1", [IDR_ID] = "CAN110079051501",
	[IDR_NATIONALITY] = "CAN", [IDR_NAME] = "史约翰", [IDR_FROM] = "20170616",
	[IDR_TO] = "20270616", [IDR_BIRTH] = "19790515", [IDR_VERSION] = "01",
	[IDR_AUTHORITY] = "1100",
};

/* ... and with one of 2023 (Y). */
static const char *const foreign2023[IDR_FIELDS] = {
	[IDR_NAME] = "史约翰", [IDR_SEX] = "1", [IDR_ISSUES] = "00", [IDR_BIRTH] = "19790515",
	[IDR_NAME_EN] = "SMITH JOHN", [IDR_ID] = "911124197905150016", [IDR_FROM] = "20231201",
	[IDR_TO] = "20331201", [IDR_NATIONALITY] = "CAN",
};

static const char *const *
defaults_of(char type)
{
	switch (type) {
	case 'J': return permit;
	case 'I': return foreign2017;
	case 'Y': return foreign2023;
	}
	return resident;
}

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
	case IDR_READ_EXTRA:	/* after the read, while the card lies there */
		if (!s->present || !s->read)
			send_answer(s, IDR_SW_READ_FAILED, NULL, 0);
		else if (s->has_extra)
			send_answer(s, IDR_SW_OK, s->extra, IDR_EXTRA);
		else
			send_answer(s, IDR_SW_NO_CONTENT, NULL, 0);
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
	if (f == IDR_NATION && (e = ethnic_parse(value)) >= 0)	/* not IDR_NATIONALITY */
		return ethnic_code((size_t)e);
	return value;
}

/* The card type of an insert: type=J, I, Y (or R for a resident card, the default). */
static int
insert_type(int argc, char **argv, char *type, char *err, size_t errsz)
{
	int i;

	*type = ' ';
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "type=", 5) != 0)
			continue;
		if (strcmp(argv[i] + 5, "R") == 0 || strcmp(argv[i] + 5, "J") == 0 ||
		    strcmp(argv[i] + 5, "I") == 0 || strcmp(argv[i] + 5, "Y") == 0) {
			*type = argv[i][5] == 'R' ? ' ' : argv[i][5];
			continue;
		}
		snprintf(err, errsz, _("idcard: type=%s is not a card type (R, J, I, Y)"),
		    argv[i] + 5);
		return -1;
	}
	return 0;
}

/* One key=value of an insert into text (or extra). */
static int
insert_value(struct sim_idcard *s, char type, const char *arg, uint8_t text[IDR_TEXT],
    uint8_t extra[IDR_EXTRA], char *err, size_t errsz)
{
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : 0, i;
	char value[IDR_TEXT];
	int f, foreign = type == 'I' || type == 'Y';

	if (eq && klen == 4 && strncmp(arg, "type", 4) == 0)
		return 0;
	if (eq && klen == 5 && strncmp(arg, "extra", 5) == 0) {
		if (idr_extra_encode(eq + 1, extra) == 0) {
			s->has_extra = eq[1] != '\0';
			return 0;
		}
		snprintf(err, errsz, _("idcard: extra=%s does not fit an address (35 characters)"),
		    eq + 1);
		return -1;
	}
	for (f = 0; eq && f < IDR_FIELDS; f++)
		if (keys[f] && strlen(keys[f]) == klen && strncmp(arg, keys[f], klen) == 0 &&
		    (f != IDR_NATION || !foreign) && (f != IDR_NATIONALITY || foreign))
			break;
	if (eq == NULL || f == IDR_FIELDS) {
		snprintf(err, errsz, _("idcard: \"%s\" is not key=value with a key of type, name, "
		    "sex, nation, birth, address, id, authority, from, to, en, pass, issues, "
		    "version, previous, extra"), arg);
		return -1;
	}
	snprintf(value, sizeof value, "%s", card_value(f, eq + 1));
	for (i = 0; f == IDR_NAME_EN && value[i]; i++)
		if (value[i] == '_')	/* the script splits at spaces: SMITH_JOHN */
			value[i] = ' ';
	if (idr_field_encode((enum idr_field)f, value, text) != 0) {
		snprintf(err, errsz, _("idcard: %s=%s does not fit the card (valid UTF-8, "
		    "the field's length, digits or a date YYYYMMDD where one belongs, a field "
		    "this card type has)"), keys[f], eq + 1);
		return -1;
	}
	return 0;
}

static int
insert(struct sim_idcard *s, int argc, char **argv, char *err, size_t errsz)
{
	uint8_t text[IDR_TEXT], extra[IDR_EXTRA];
	const char *const *defaults;
	int i, f, had = s->has_extra;
	char type;

	if (insert_type(argc, argv, &type, err, errsz) != 0)
		return -1;
	defaults = defaults_of(type);
	memset(text, 0, sizeof text);
	for (i = 220; i < IDR_TEXT; i += 2)	/* reserved bytes: spaces */
		text[i] = ' ';
	idr_text_set_type(text, type);
	for (f = 0; f < IDR_FIELDS; f++)	/* fields the type has not are refused */
		idr_field_encode((enum idr_field)f, defaults[f] ? defaults[f] : "", text);
	idr_extra_encode("", extra);
	s->has_extra = 0;
	for (i = 1; i < argc; i++)
		if (insert_value(s, type, argv[i], text, extra, err, errsz) != 0) {
			s->has_extra = had;
			return -1;
		}
	memcpy(s->text, text, sizeof text);
	memcpy(s->extra, extra, sizeof extra);
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
	.usage = "idcard insert [type=R|J|I|Y] [name=N] [sex=1|2|男|女] [nation=NN|汉|汉族|Han|CAN]\n"
	    "    [birth=YYYYMMDD] [address=A] [id=ID] [authority=A] [from=YYYYMMDD]\n"
	    "    [to=YYYYMMDD|长期] [en=ENGLISH_NAME] [pass=P] [issues=NN] [version=NN]\n"
	    "    [previous=P] [extra=ADDITIONAL_ADDRESS]\n"
	    "idcard remove\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};
