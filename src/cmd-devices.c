/*
 * custody devices: the serial ports of this machine and the devices custody.conf names.
 * custody probe PORT: which of our protocols answers on a port.
 */
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "cmd.h"
#include "config.h"
#include "devices.h"
#include "i18n.h"
#include "serial.h"

#define MAX_PORTS 64
#define PROBE_MS 1500

static const char *
line_state(const char *port)
{
	struct stat st;

	if (port[0] == '\0')
		return _("none");
	return stat(port, &st) == 0 ? _("present") : _("absent");
}

static int
cmd_devices_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct serial_port_info ports[MAX_PORTS];
	const char *data = NULL;
	char dir[PATH_MAX], conf[PATH_MAX + 16];
	struct config cfg;
	struct errmsg em;
	int c, i, n;

	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc)
		return cmd_usage(self, _("unexpected argument \"%s\""), argv[optind]);
	err_clear(&em);
	if ((n = serial_list(ports, MAX_PORTS, &em)) < 0)
		return cmd_fail(&em);
	printf(_("Serial ports (%d):\n"), n);
	for (i = 0; i < n; i++) {
		printf("  %-24s %-10s %s", ports[i].path, ports[i].transport, ports[i].description);
		if (ports[i].usb_vid >= 0)
			printf("  [%04x:%04x]", ports[i].usb_vid, ports[i].usb_pid);
		putchar('\n');
	}
	config_defaults(&cfg);
	if (cmd_data_dir(data, dir, sizeof dir, &em) == CST_OK) {
		snprintf(conf, sizeof conf, "%s/custody.conf", dir);
		if (config_load(conf, &cfg, &em) != CST_OK)
			return cmd_fail(&em);
	}
	printf(_("Devices in custody.conf:\n"));
	for (i = 0; i < CONF_DEVICES; i++)
		printf("  %-12s %-32s %s\n", config_device_names[i],
		    cfg.dev[i].port[0] ? cfg.dev[i].port : "-", line_state(cfg.dev[i].port));
	return EXIT_OK;
}

const struct cmd_entry cmd_devices_entry = {
	"devices",
	"[--data DIR]",
	N_("list the serial ports and the devices custody.conf names"),
	cmd_devices_exec,
};

/* One protocol tried on the port: what the driver heard. */
struct probe {
	struct serial *ser;
	int events;
	char info[DEV_TEXT_MAX];
};

static void
probe_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct probe *p = arg;
	struct errmsg em;

	err_clear(&em);
	serial_write(p->ser, bytes, n, &em);	/* a probe's few bytes fit the line's buffer */
}

static void
probe_emit(void *arg, const struct dev_event *ev)
{
	struct probe *p = arg;

	p->events++;
	if (ev->kind == DEV_INFO && p->info[0] == '\0')
		snprintf(p->info, sizeof p->info, "%s", ev->text);
}

/* 1 when drv's protocol answered on port within PROBE_MS, with what it said in p->info. */
static int
probe_one(const char *port, const struct dev_driver *drv, struct probe *p, struct errmsg *em)
{
	struct dev_io io = { probe_write, probe_emit, p };
	void *st;
	uint8_t buf[512];
	int64_t end, next;
	int answered;

	memset(p, 0, sizeof *p);
	if (serial_open(port, drv->baud, "8N1", &p->ser, em) != CST_OK)
		return -1;
	st = calloc(1, drv->state_size);
	drv->start(st, clock_mono_ms(), &io);
	next = drv->tick(st, clock_mono_ms(), &io);
	end = clock_mono_ms() + PROBE_MS;
	while (clock_mono_ms() < end && drv->stats(st)->frames == 0) {
		struct pollfd pfd = { serial_fd(p->ser), POLLIN, 0 };
		int64_t now = clock_mono_ms();
		int wait = (int)(next >= 0 && next < end ? next - now : end - now);
		ssize_t got;

		poll(&pfd, 1, wait < 0 ? 0 : wait);
		if (pfd.revents & (POLLIN | POLLHUP)) {
			if ((got = serial_read(p->ser, buf, sizeof buf, em)) < 0)
				break;
			drv->feed(st, buf, (size_t)got, clock_mono_ms(), &io);
		}
		if (next >= 0 && clock_mono_ms() >= next)
			next = drv->tick(st, clock_mono_ms(), &io);
	}
	answered = drv->stats(st)->frames > 0;
	free(st);
	serial_close(p->ser);
	return answered;
}

static int
cmd_probe_exec(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct probe p;
	struct errmsg em;
	int c, i, found = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (optind != argc - 1)
		return cmd_usage(self, _("which port?"));
	for (i = 0; i < CONF_DEVICES; i++) {
		const struct dev_driver *drv = devices_driver(i);
		int r;

		if (drv == NULL)
			continue;
		err_clear(&em);
		if ((r = probe_one(argv[optind], drv, &p, &em)) < 0)
			return cmd_fail(&em);
		if (r) {
			printf(_("%s: %s answers (%d baud)%s%s\n"), argv[optind], drv->name, drv->baud,
			    p.info[0] ? ": " : "", p.info);
			found++;
		}
	}
	if (!found)
		printf(_("%s: none of our protocols answered (a passive reader such as em4100 "
		    "answers only while a tag is in its field)\n"), argv[optind]);
	return found ? EXIT_OK : EXIT_DATA;
}

const struct cmd_entry cmd_probe_entry = {
	"probe",
	"PORT",
	N_("say which of the device protocols answers on a serial port"),
	cmd_probe_exec,
};
