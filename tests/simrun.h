/*
 * Tests: custody-sim in the background with its links in a temporary directory, commands sent
 * through its control FIFO, and the terminal's device layer (devices.c) on a real poll loop
 * reading the real ptys.
 */
#ifndef CUSTODY_SIMRUN_H
#define CUSTODY_SIMRUN_H

#include "clock.h"
#include "config.h"
#include "devices.h"
#include "loop.h"
#include "util.h"

#define SIM_EVENTS 8192

struct simrun {
	char *dir;
	char links[PATH_MAX], control[PATH_MAX];
	pid_t pid;
	struct loop *loop;
	struct devices *devs;
	struct config conf;
	int n;					/* events seen */
	int devof[SIM_EVENTS];
	struct dev_event events[SIM_EVENTS];
	struct dev_idcard last_card;		/* the last DEV_IDCARD's card (photo dropped) */
	uint8_t last_tpl[2048];			/* the last FP_ENROLLED template */
	size_t last_tpl_len;
	enum dev_line_state state[CONF_DEVICES];
	int64_t state_at[CONF_DEVICES];		/* when the state last changed (mono ms) */
};

static void
simrun_event(void *arg, int dev, const struct dev_event *ev)
{
	struct simrun *s = arg;

	if (ev->kind == DEV_IDCARD && ev->idcard) {
		s->last_card = *ev->idcard;
		s->last_card.photo = NULL;
	}
	if (ev->kind == DEV_FINGER && ev->finger.tpl && ev->finger.tpl_len <= sizeof s->last_tpl) {
		memcpy(s->last_tpl, ev->finger.tpl, ev->finger.tpl_len);
		s->last_tpl_len = ev->finger.tpl_len;
	}
	if (s->n < SIM_EVENTS) {
		s->events[s->n] = *ev;
		s->events[s->n].idcard = NULL;		/* valid only during the callback */
		s->events[s->n].finger.tpl = NULL;
		s->devof[s->n] = dev;
	}
	s->n++;
}

static void
simrun_state(void *arg, int dev, enum dev_line_state st)
{
	struct simrun *s = arg;

	s->state[dev] = st;
	s->state_at[dev] = clock_mono_ms();
}

/* Sends one command line to the simulator. */
static inline void
simrun_say(struct simrun *s, const char *line)
{
	int fd = open(s->control, O_WRONLY);
	size_t n = strlen(line);

	if (fd < 0 || write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		perror("simrun_say");
		exit(99);
	}
	close(fd);
}

/* Runs the loop for ms, or until cond(s) is true when cond is given; returns cond's last value. */
static inline int
simrun_wait(struct simrun *s, int64_t ms, int (*cond)(struct simrun *))
{
	int64_t end = clock_mono_ms() + ms;

	while (clock_mono_ms() < end) {
		if (cond && cond(s))
			return 1;
		loop_run_once(s->loop, 20);
	}
	return cond ? cond(s) : 0;
}

static inline int
simrun_all_connected(struct simrun *s)
{
	int i;

	for (i = 0; i < CONF_DEVICES; i++)
		if (s->conf.dev[i].port[0] && s->state[i] != LINE_CONNECTED)
			return 0;
	return 1;
}

/* Starts the simulator and the device layer with every device the build has a driver for. */
static inline void
simrun_start(struct simrun *s, const char *extra_arg)
{
	struct devices_callbacks cb = { simrun_event, simrun_state, s };
	char linkdir[PATH_MAX];
	int i;

	memset(s, 0, sizeof *s);
	s->dir = t_tmpdir("sim");
	snprintf(s->links, sizeof s->links, "%s/dev", s->dir);
	snprintf(s->control, sizeof s->control, "%s/control", s->dir);
	if (mkfifo(s->control, 0600) != 0) {
		perror("mkfifo");
		exit(99);
	}
	if ((s->pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		execl(t_bin("custody-sim"), "custody-sim", "--links", s->links, "--control",
		    s->control, extra_arg, (char *)NULL);
		_exit(127);
	}
	config_defaults(&s->conf);
	for (i = 0; i < CONF_DEVICES; i++) {
		snprintf(linkdir, sizeof linkdir, "%s/%s", s->links, config_device_names[i]);
		if (devices_driver(i))
			snprintf(s->conf.dev[i].port, sizeof s->conf.dev[i].port, "%s", linkdir);
	}
	s->loop = loop_new();
	s->devs = devices_new(s->loop, &s->conf, &cb);
	simrun_wait(s, 5000, simrun_all_connected);
}

static inline void
simrun_stop(struct simrun *s)
{
	int status;

	devices_free(s->devs);
	loop_free(s->loop);
	kill(s->pid, SIGTERM);
	waitpid(s->pid, &status, 0);
	t_rmrf(s->dir);
	free(s->dir);
}

/* The index of the first event of kind from device dev at or after event from, or -1. */
static inline int
simrun_find(const struct simrun *s, int from, int dev, enum dev_event_kind kind)
{
	int i;

	for (i = from; i < s->n && i < SIM_EVENTS; i++)
		if (s->devof[i] == dev && s->events[i].kind == kind)
			return i;
	return -1;
}

#endif
