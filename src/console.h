/*
 * The console: a stack of screens over one poll loop, the status line, the key line, the
 * message line, login and the idle lock. Screens read projections (visit.h, operator.h) and
 * act through intake.h; they draw with ui.h and never touch SQL or a device.
 */
#ifndef CUSTODY_CONSOLE_H
#define CUSTODY_CONSOLE_H

#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "devices.h"
#include "error.h"
#include "intake.h"
#include "loop.h"
#include "operator.h"
#include "room.h"
#include "terminal.h"
#include "ui.h"

struct console;
struct draft_store;
struct rules;
struct screen;
struct sync;

struct screen_ops {
	const char *(*title)(struct screen *s);
	const char *(*keys)(struct screen *s);	/* the key line; NULL for the default */
	void (*draw)(struct screen *s, struct console *c, int y, int x, int h, int w);
	enum ui_result (*key)(struct screen *s, struct console *c, int key);
	void (*resume)(struct screen *s, struct console *c);	/* the screen above closed */
	void (*free)(struct screen *s);
	/* A device event while this screen is on top: 1 when it used it (may be NULL). */
	int (*device)(struct screen *s, struct console *c, int dev, const struct dev_event *ev);
	/* Each second while this screen is on top or under dialogs only (may be NULL). */
	void (*tick)(struct screen *s, struct console *c);
	int modal;		/* a dialog: drawn over the screen below it */
};

struct screen {
	const struct screen_ops *ops;
	struct screen *below;
	int closed;		/* closed, freed after the key that closed it */
};

struct console {
	struct terminal *t;
	struct intake in;
	struct config cfg;
	struct loop *loop;
	struct devices *devs;	/* the serial devices of custody.conf */
	struct sync *sync;	/* the ledger link, NULL when not enrolled */
	struct rules *rules;	/* the supervision rules and the board's reader */
	int rules_watch;	/* this terminal evaluates the rules (it has a dock or zones) */
	int rules_failing;	/* the last tick failed: said once, not every second */
	/* New red alerts for the status line (src/console-alerts.c): supervisors only. */
	char (*red_seen)[UUID_LEN + 1];	/* red alert ids the board has shown */
	size_t nred_seen;
	int red_new;			/* how many are new */
	char red_id[UUID_LEN + 1];	/* the newest new one, F12 jumps to it */
	char red_text[256];		/* its short text: "张三 SOS" */
	int64_t sync_seen_seq;	/* own journal head at the last tick (0: not looked yet) */
	struct draft_store *drafts;	/* DATA/drafts.db; NULL when it cannot be opened */
	struct errmsg drafts_em;	/* why not */
	char room[EV_MAX_ID + 1];
	struct operator op;
	int logged_in;
	int locked;
	struct screen *top;
	struct screen *graveyard;
	char msg[ERRMSG_MAX];
	enum ui_style msg_style;
	int64_t last_key_ms;
	int dirty, quit;
	int rows, cols;
};

int console_init(struct console *c, struct terminal *t, const struct config *cfg,
    const char *room, struct errmsg *em);
void console_free(struct console *c);
/* Runs until the operator leaves (F10 at the login screen) or c->quit is set. */
int console_run(struct console *c, struct errmsg *em);

void console_push(struct console *c, struct screen *s);
/* Takes s off the stack (it is freed once the current key is handled). */
void console_close(struct console *c, struct screen *s);
/* Closes every screen (logout). */
void console_close_all(struct console *c);
/* Runs the tick of the screen under the dialogs (each second, and on urgent news). */
void console_screen_tick(struct console *c);
void console_say(struct console *c, enum ui_style st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* After a successful login: the operator and the first screen of the room. */
void console_logged_in(struct console *c, const struct operator *op);
void console_logout(struct console *c);

/* Opens the configured devices; their events go to the top screen, then to the defaults. */
void console_devices_start(struct console *c);
/* The devices part of the status line: each with its mark, or when compact the count of the
 * connected ones and only the others by name. */
void console_devices_status(const struct console *c, int compact, char *out, size_t size);

/*
 * Tells the wristband dock that band is bound to visit (BIND, by id) or free again (visit
 * NULL: UNBIND). The journal's band.bound / band.unbound is the record; the dock's answer
 * comes later as a message. Nothing happens at a terminal without a dock.
 */
void console_dock_band(struct console *c, const char *band, const char *visit);

/* Whether the fingerprint module can take a request now: CST_OK, or an error saying why. */
int console_finger_ready(struct console *c, struct errmsg *em);
/* What a fingerprint module's confirmation code (FP_FAILED) means, for the operator. */
const char *console_finger_failure(int code);

/* Starts sync on the console's loop when the terminal is enrolled with a ledger. */
void console_sync_start(struct console *c);
void console_sync_stop(struct console *c);
/* Called each second: pushes new events at once while the ledger is reachable. */
void console_sync_tick(struct console *c);
/* The sync part of the status line: "sync ✓", "offline 12 (3m)"; "" when not enrolled. */
/* The sync part of the status line; 1 when it is an alarm (the line is drawn red). */
int console_sync_status(struct console *c, char *out, size_t size);

/*
 * The supervision rules (src/rules.h) on the console: started with the configuration, fed
 * every event of the dock, evaluated each second, freed with the console. A terminal
 * evaluates them only when it has a dock or [zone.N] sections; any terminal reads the board.
 */
void console_rules_start(struct console *c);
void console_rules_stop(struct console *c);
void console_rules_tick(struct console *c);
/* An event of device dev: the dock's DEV_DOCK and DEV_ERROR go to the rules. */
void console_rules_device(struct console *c, int dev, const struct dev_event *ev);

/*
 * New red alerts wherever a supervisor is (src/console-alerts.c). A red alert is new on this
 * terminal while it is open, not acknowledged at red, and the board has not shown it since
 * it turned red. Each second the count and the newest one's short text are read for the
 * status line; F12 opens the board's open alerts at the newest.
 */
void console_alerts_tick(struct console *c);
/* The board has shown these open alerts: their red ones are seen. */
void console_alerts_seen(struct console *c, const struct alert_list *open);
/* The status line's part, "Red alerts 2: 张三 SOS (F12)", or "" when none is new. */
void console_alerts_status(const struct console *c, char *out, size_t size);
/* F12: opens the board at the newest new red alert; 0 when the key is not for it. */
int console_alerts_key(struct console *c, int key);

#endif
