/*
 * Every driver against custody-sim over real pseudo-terminals, through the terminal's own
 * device layer and poll loop: the happy path, line faults, and an unplug with the line back.
 */
#include "simrun.h"
#include "t.h"

static struct simrun s;
static int want_dev;
static enum dev_event_kind want_kind;
static int seen_from;

static int
seen(struct simrun *r)
{
	return simrun_find(r, seen_from, want_dev, want_kind) >= 0;
}

/* Waits up to ms for an event of kind from dev after the events seen so far; its index or -1. */
static int
expect(int dev, enum dev_event_kind kind, int64_t ms)
{
	want_dev = dev;
	want_kind = kind;
	simrun_wait(&s, ms, seen);
	return simrun_find(&s, seen_from, dev, kind);
}

static void
mark(void)
{
	seen_from = s.n;
}

static void
test_em4100(void)
{
	const struct dev_stats *st;
	int i;

	mark();
	simrun_say(&s, "em4100 tap 62E3086CED");
	i = expect(CONF_DEV_EM4100, DEV_TAP, 3000);
	ok(i >= 0 && strcmp(s.events[i].id, "62E3086CED") == 0, "em4100: a tap over the pty");
	simrun_wait(&s, 400, NULL);
	ok(simrun_find(&s, i + 1, CONF_DEV_EM4100, DEV_TAP) < 0, "em4100: its repeats fold");

	mark();
	simrun_say(&s, "em4100 garbage 40");
	simrun_say(&s, "em4100 corrupt");
	simrun_say(&s, "em4100 tap 0102030405");
	i = expect(CONF_DEV_EM4100, DEV_TAP, 3000);
	st = devices_stats(s.devs, CONF_DEV_EM4100);
	ok(i >= 0 && strcmp(s.events[i].id, "0102030405") == 0,
	    "em4100: read after garbage and a corrupt frame");
	ok(st->garbage > 0 && st->bad_checksum + st->bad_frame > 0,
	    "em4100: the garbage and the corrupt frame were counted");

	mark();
	simrun_say(&s, "em4100 half");
	simrun_say(&s, "em4100 tap 0A0B0C0D0E");
	i = expect(CONF_DEV_EM4100, DEV_TAP, 3000);
	ok(i >= 0 && strcmp(s.events[i].id, "0A0B0C0D0E") == 0, "em4100: read after a half frame");
}

static void
test_pn532(void)
{
	int i;

	ok(simrun_find(&s, 0, CONF_DEV_PN532, DEV_INFO) >= 0 &&
	    strstr(s.events[simrun_find(&s, 0, CONF_DEV_PN532, DEV_INFO)].text, "PN532"),
	    "pn532: the firmware version was read");
	mark();
	simrun_say(&s, "pn532 tap 04A1B2C3D4E5F6");
	i = expect(CONF_DEV_PN532, DEV_TAP, 3000);
	ok(i >= 0 && strcmp(s.events[i].id, "04A1B2C3D4E5F6") == 0, "pn532: a 7-byte UID tap");
	simrun_wait(&s, 600, NULL);
	ok(simrun_find(&s, i + 1, CONF_DEV_PN532, DEV_TAP) < 0, "pn532: one tap, polls folded");
	mark();
	simrun_say(&s, "pn532 corrupt");
	simrun_say(&s, "pn532 garbage 30");
	simrun_say(&s, "pn532 tap 0A0B0C0D");
	i = expect(CONF_DEV_PN532, DEV_TAP, 3000);
	ok(i >= 0 && strcmp(s.events[i].id, "0A0B0C0D") == 0,
	    "pn532: a 4-byte UID after a corrupt frame and garbage");
}

static void
test_idcard(void)
{
	int i;

	mark();
	simrun_say(&s, "idcard insert name=张三 sex=1 nation=01 birth=19491231 "
	    "address=北京市东城区东长安街1号 id=11010519491231002X");
	i = expect(CONF_DEV_IDCARD, DEV_IDCARD, 4000);
	ok(i >= 0, "idcard: a card inserted is read");
	ok(strcmp(s.last_card.name, "张三") == 0 && strcmp(s.last_card.id_number,
	    "11010519491231002X") == 0 && strcmp(s.last_card.birth, "19491231") == 0 &&
	    strcmp(s.last_card.address, "北京市东城区东长安街1号") == 0,
	    "idcard: name, number, birth date and address decoded from UCS-2");
	simrun_wait(&s, 1000, NULL);
	ok(simrun_find(&s, i + 1, CONF_DEV_IDCARD, DEV_IDCARD) < 0,
	    "idcard: a card left in the reader is read once");
	ok(simrun_find(&s, 0, CONF_DEV_IDCARD, DEV_INFO) >= 0, "idcard: the SAM said who it is");
}

/* 50 tags in the field, inventory on: every tag is read, reads keep coming until stop. */
static void
test_uhf(void)
{
	struct dev_request rq = { .kind = DEV_RQ_UHF_START };
	char seen_ids[50][DEV_ID_MAX];
	int i, j, distinct = 0, reads = 0, after;

	mark();
	simrun_say(&s, "uhf tags 50");
	simrun_wait(&s, 200, NULL);
	ok(devices_request(s.devs, CONF_DEV_UHF, &rq) == 0, "uhf: inventory starts");
	simrun_wait(&s, 1500, NULL);
	for (i = seen_from; i < s.n && i < SIM_EVENTS; i++) {
		if (s.devof[i] != CONF_DEV_UHF || s.events[i].kind != DEV_TAG)
			continue;
		reads++;
		for (j = 0; j < distinct; j++)
			if (strcmp(seen_ids[j], s.events[i].id) == 0)
				break;
		if (j == distinct && distinct < 50)
			snprintf(seen_ids[distinct++], DEV_ID_MAX, "%s", s.events[i].id);
	}
	printf("# uhf: %d reads of %d tags in 1.5 s\n", reads, distinct);
	ok(distinct == 50, "uhf: all 50 tags are read");
	ok(reads > 100, "uhf: the tags are read again and again while inventory runs");
	rq.kind = DEV_RQ_UHF_STOP;
	ok(devices_request(s.devs, CONF_DEV_UHF, &rq) == 0, "uhf: inventory stops");
	simrun_wait(&s, 300, NULL);
	after = s.n;
	simrun_wait(&s, 500, NULL);
	ok(simrun_find(&s, after, CONF_DEV_UHF, DEV_TAG) < 0, "uhf: no reads after stop");
}

/*
 * The UHF module's RSSI correction (custody.conf [device.uhf] rssi_offset, issue 16): a device
 * layer configured with +20 dB reports the tag the module reads at -55 dBm as -35 dBm, through
 * the real driver over the simulator's pty; the driver alone reports -55.
 */
static void
test_uhf_rssi_offset(void)
{
	struct devices_callbacks cb = { simrun_event, simrun_state, &s };
	struct dev_request rq = { .kind = DEV_RQ_UHF_START };
	int i;

	devices_free(s.devs);
	s.conf.dev[CONF_DEV_UHF].rssi_offset = 20;
	s.devs = devices_new(s.loop, &s.conf, &cb);
	simrun_wait(&s, 5000, simrun_all_connected);
	mark();
	simrun_say(&s, "uhf clear");
	simrun_say(&s, "uhf add 30751FEB705C5904E3D50D70 -55");
	simrun_wait(&s, 200, NULL);
	ok(devices_request(s.devs, CONF_DEV_UHF, &rq) == 0, "uhf rssi_offset 20: inventory");
	simrun_wait(&s, 500, NULL);
	i = simrun_find(&s, seen_from, CONF_DEV_UHF, DEV_TAG);
	ok(i >= 0 && s.events[i].tag.rssi == -35, "uhf: -55 dBm at the chip, +20 dB: -35 dBm");
	rq.kind = DEV_RQ_UHF_STOP;
	devices_request(s.devs, CONF_DEV_UHF, &rq);
	simrun_wait(&s, 300, NULL);
	devices_free(s.devs);
	s.conf.dev[CONF_DEV_UHF].rssi_offset = 0;
	s.devs = devices_new(s.loop, &s.conf, &cb);
	simrun_wait(&s, 5000, simrun_all_connected);
}

static int
finger_is(struct simrun *r, enum dev_finger_what what)
{
	int i;

	for (i = seen_from; i < r->n && i < SIM_EVENTS; i++)
		if (r->devof[i] == CONF_DEV_FINGERPRINT && r->events[i].kind == DEV_FINGER &&
		    r->events[i].finger.what == what)
			return i;
	return -1;
}

static int want_what;

static int
finger_seen(struct simrun *r)
{
	return finger_is(r, (enum dev_finger_what)want_what) >= 0;
}

static int
await_finger(enum dev_finger_what what, int64_t ms)
{
	want_what = what;
	simrun_wait(&s, ms, finger_seen);
	return finger_is(&s, what);
}

/* Enrolment with two presses, then a 1:N search and a 1:1 match, over the pty. */
static void
test_fingerprint(void)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = 7 };
	uint8_t tpl[2048];
	size_t tpl_len;
	int i;

	mark();
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "fingerprint: enrolment starts");
	ok(await_finger(FP_PLACE, 3000) >= 0, "fingerprint: asks for the finger");
	simrun_say(&s, "fingerprint tap alice");
	ok(await_finger(FP_LIFT, 5000) >= 0, "fingerprint: asks to lift it");
	simrun_wait(&s, 1700, NULL);
	simrun_say(&s, "fingerprint tap alice");
	i = await_finger(FP_ENROLLED, 8000);
	ok(i >= 0 && s.events[i].finger.page == 7 && s.last_tpl_len >= 256,
	    "fingerprint: enrolled at page 7 with the template uploaded");
	tpl_len = s.last_tpl_len;
	memcpy(tpl, s.last_tpl, tpl_len);
	simrun_wait(&s, 1700, NULL);

	mark();
	rq.kind = DEV_RQ_FP_SEARCH;
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "fingerprint: search starts");
	await_finger(FP_PLACE, 3000);	/* once the sensor is seen clear */
	simrun_say(&s, "fingerprint tap alice");
	i = await_finger(FP_FOUND, 8000);
	ok(i >= 0 && s.events[i].finger.page == 7, "fingerprint: 1:N search finds page 7");
	simrun_wait(&s, 1700, NULL);

	mark();
	rq.kind = DEV_RQ_FP_MATCH;
	rq.tpl = tpl;
	rq.tpl_len = tpl_len;
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "fingerprint: match starts");
	await_finger(FP_PLACE, 3000);
	simrun_say(&s, "fingerprint tap mallory");
	ok(await_finger(FP_NO_MATCH, 8000) >= 0, "fingerprint: another finger does not match");
	simrun_wait(&s, 1700, NULL);

	mark();
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "fingerprint: match again");
	await_finger(FP_PLACE, 3000);
	simrun_say(&s, "fingerprint tap alice");
	i = await_finger(FP_MATCH, 8000);
	ok(i >= 0 && s.events[i].finger.score > 0, "fingerprint: the enrolled finger matches");

	/* A finger still lying on the sensor from the last press does not count. */
	mark();
	simrun_say(&s, "fingerprint press alice");
	simrun_wait(&s, 300, NULL);
	ok(devices_request(s.devs, CONF_DEV_FINGERPRINT, &rq) == 0, "fingerprint: a match with "
	    "a finger left on the sensor");
	ok(await_finger(FP_LIFT, 3000) >= 0, "fingerprint: the finger must be lifted first");
	simrun_wait(&s, 500, NULL);
	ok(finger_is(&s, FP_MATCH) < 0, "fingerprint: the old press did not match");
	simrun_say(&s, "fingerprint lift");
	ok(await_finger(FP_PLACE, 3000) >= 0, "fingerprint: then a new press is asked for");
	simrun_say(&s, "fingerprint tap alice");
	ok(await_finger(FP_MATCH, 8000) >= 0, "fingerprint: and the new press matches");
}

static int
dock_is(int from, enum dev_dock_what what)
{
	int i;

	for (i = from; i < s.n && i < SIM_EVENTS; i++)
		if (s.devof[i] == CONF_DEV_DOCK && s.events[i].kind == DEV_DOCK &&
		    s.events[i].dock.what == what)
			return i;
	return -1;
}

static int want_dock;

static int
dock_seen(struct simrun *r)
{
	(void)r;
	return dock_is(seen_from, (enum dev_dock_what)want_dock) >= 0;
}

static int
await_dock(enum dev_dock_what what, int64_t ms)
{
	want_dock = what;
	simrun_wait(&s, ms, dock_seen);
	return dock_is(seen_from, what);
}

/* A band put in a slot, bound to a visit, its telemetry and SOS, over the pty. */
static void
test_dock(void)
{
	struct dev_request rq = { .kind = DEV_RQ_DOCK_BIND, .slot = 2 };
	int i;

	ok(dock_is(0, DOCK_HELLO) >= 0, "dock: the dock said hello");
	mark();
	simrun_say(&s, "dock present 2 B00A01 87");
	i = await_dock(DOCK_PRESENT, 3000);
	ok(i >= 0 && s.events[i].dock.slot == 2 && strcmp(s.events[i].id, "B00A01") == 0 &&
	    s.events[i].dock.battery == 87, "dock: band B00A01 in slot 2 at 87 %");
	mark();
	snprintf(rq.id, sizeof rq.id, "B00A01");
	snprintf(rq.visit, sizeof rq.visit, "visit-1");
	ok(devices_request(s.devs, CONF_DEV_DOCK, &rq) == 0, "dock: bind sent");
	ok(await_dock(DOCK_DONE, 3000) >= 0, "dock: the bind is done");
	mark();
	rq.slot = 3;
	rq.id[0] = 0;
	devices_request(s.devs, CONF_DEV_DOCK, &rq);
	ok(await_dock(DOCK_REFUSED, 3000) >= 0, "dock: binding an empty slot is refused");
	mark();
	simrun_say(&s, "dock sos B00A01");
	i = await_dock(DOCK_TELEMETRY, 3000);
	ok(i >= 0 && (s.events[i].dock.flags & DOCK_SOS), "dock: an SOS arrives as telemetry");
}

static int
line_lost(struct simrun *r)
{
	return r->state[want_dev] == LINE_RECONNECTING;
}

static int
line_back(struct simrun *r)
{
	return r->state[want_dev] == LINE_CONNECTED;
}

/* Unplugs dev's line for a second: the loss is seen at once, the line is back within 1 s. */
static void
test_unplug(int dev, const char *name, const char *tap)
{
	char line[128];
	int64_t t0, lost_after, back_after;
	int i;

	want_dev = dev;
	t0 = clock_mono_ms();
	snprintf(line, sizeof line, "%s unplug 1", name);
	simrun_say(&s, line);
	ok(simrun_wait(&s, 2000, line_lost), "unplug is seen");
	lost_after = clock_mono_ms() - t0;
	ok(lost_after < 500, "unplug is seen at once");
	ok(simrun_wait(&s, 4000, line_back), "the line comes back");
	back_after = s.state_at[dev] - (t0 + 1000);
	printf("# %s: unplug seen after %lld ms, back %lld ms after the line returned\n", name,
	    (long long)lost_after, (long long)back_after);
	ok(back_after < 1000, "back within 1 s of the line returning");
	mark();
	simrun_say(&s, tap);
	i = expect(dev, DEV_TAP, 3000);
	ok(i >= 0, "the device reads again after the unplug");
}

int
main(void)
{
	simrun_start(&s, "--verbose");
	ok(simrun_all_connected(&s), "every simulated device is connected");
	ok(devices_state(s.devs, CONF_DEV_EM4100) == LINE_CONNECTED, "em4100 connected");
	test_em4100();
	test_pn532();
	test_unplug(CONF_DEV_EM4100, "em4100", "em4100 tap 1122334455");
	test_unplug(CONF_DEV_PN532, "pn532", "pn532 tap 04A1B2C3D4E5F6");
	test_idcard();
	test_uhf();
	test_fingerprint();
	test_dock();
	test_uhf_rssi_offset();
	simrun_stop(&s);
	return t_done();
}
