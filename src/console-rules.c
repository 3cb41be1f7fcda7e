/*
 * The console's side of the supervision rules: one engine per console, started with its
 * configuration, fed by the dock and ticked by the console's one-second timer.
 */
#include <stdio.h>
#include <string.h>

#include "console.h"
#include "i18n.h"
#include "rules.h"

/*
 * Only a terminal that hears the gateway evaluates the rules. Every terminal of a center
 * shares the journal through sync: if each one raised its own stage-time and stay alerts,
 * every alert would come back once per terminal. The others still read the board (the
 * alerts are in the journal; positions and heart rates are known where the dock is).
 */
static int
watches(const struct console *c)
{
	return c->cfg.dev[CONF_DEV_DOCK].port[0] != '\0' || c->cfg.gateway.listen[0] != '\0' ||
	    c->cfg.nzones > 0;
}

void
console_rules_start(struct console *c)
{
	if (c->rules != NULL)
		return;
	c->rules = rules_new(c->t->journal, &c->cfg);	/* c->cfg outlives the rules */
	c->rules_watch = watches(c);
	c->rules_failing = 0;
}

void
console_rules_stop(struct console *c)
{
	rules_free(c->rules);
	c->rules = NULL;
	c->rules_watch = 0;
}

/* A failing engine is said once, when it starts failing, not every second. */
static void
rules_status(struct console *c, int status, const struct errmsg *em)
{
	if (status == CST_OK) {
		c->rules_failing = 0;
		return;
	}
	if (!c->rules_failing)
		console_say(c, UI_ERROR, _("Supervision: %s"), em->text[0] ? em->text :
		    err_name(status));
	c->rules_failing = 1;
}

void
console_rules_tick(struct console *c)
{
	struct errmsg em;

	if (c->rules == NULL || !c->rules_watch)
		return;
	err_clear(&em);
	rules_status(c, rules_tick(c->rules, &em), &em);
}

void
console_rules_device(struct console *c, int dev, const struct dev_event *ev)
{
	struct errmsg em;

	if (c->rules == NULL || dev != CONF_DEV_DOCK ||
	    (ev->kind != DEV_DOCK && ev->kind != DEV_ERROR))
		return;
	err_clear(&em);
	rules_status(c, rules_on_device(c->rules, ev, &em), &em);
	/* An SOS or a strap was evaluated at once: show it now, not at the next second. */
	if (ev->kind == DEV_DOCK && ev->dock.what == DOCK_TELEMETRY &&
	    (ev->dock.flags & (DOCK_SOS | DOCK_STRAP_OPEN)) && c->logged_in && !c->locked)
		console_screen_tick(c);
}
