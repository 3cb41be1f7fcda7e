/*
 * A simulated 125 kHz EM4100 reader (RDM6300 style): while a tag is in the field it sends the
 * tag's 14-byte frame every EM4100_REPEAT_MS, as the real reader does; it reads nothing.
 *   tap ID     the tag (ten hex digits) passes through the field: EM4100_TAP_MS of repeats
 *   hold ID    the tag stays in the field until lift
 *   lift       the tag leaves the field
 */
#include <stdio.h>
#include <string.h>

#include "em4100.h"
#include "hex.h"
#include "i18n.h"
#include "sim.h"

#define EM4100_REPEAT_MS 100
#define EM4100_TAP_MS 250

struct sim_em4100 {
	uint8_t tag[5];
	int present;
	int64_t until;		/* the tag leaves at this time; 0: held */
	int64_t next;		/* next frame */
};

static void
sim_init(void *st)
{
	memset(st, 0, sizeof(struct sim_em4100));
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	(void)st;
	(void)bytes;
	(void)n;
	(void)now;
	(void)io;		/* the reader has no receive line worth speaking of */
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_em4100 *s = st;
	uint8_t frame[EM4100_FRAME];

	if (!s->present)
		return -1;
	if (s->until && now >= s->until) {
		s->present = 0;
		return -1;
	}
	if (now >= s->next) {
		em4100_encode(s->tag, frame);
		io->send(io->arg, frame, sizeof frame);
		s->next = now + EM4100_REPEAT_MS;
	}
	return s->until && s->until < s->next ? s->until : s->next;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_em4100 *s = st;
	int hold;

	(void)io;
	if (argc == 1 && strcmp(argv[0], "lift") == 0) {
		s->present = 0;
		return 0;
	}
	hold = strcmp(argv[0], "hold") == 0;
	if (!hold && strcmp(argv[0], "tap") != 0) {
		snprintf(err, errsz, _("em4100: unknown command \"%s\""), argv[0]);
		return -1;
	}
	if (argc != 2 || strlen(argv[1]) != 10 || hex_decode(argv[1], 10, s->tag, 5) != 0) {
		snprintf(err, errsz, _("em4100: a tag is ten hex digits, as in: tap 62E3086CED"));
		return -1;
	}
	s->present = 1;
	s->next = now;
	s->until = hold ? 0 : now + EM4100_TAP_MS;
	return 0;
}

const struct sim_device sim_em4100 = {
	.name = "em4100",
	.baud = 9600,
	.state_size = sizeof(struct sim_em4100),
	.usage = "em4100 tap ID\nem4100 hold ID\nem4100 lift\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};
