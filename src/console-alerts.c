/*
 * New red alerts wherever a supervisor is: counted each second for the status line of every
 * screen, F12 jumps to the newest on the board. A clerk's terminal shows nothing of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "i18n.h"
#include "screens.h"
#include "visit.h"
#include "xmalloc.h"

#define RED_ALERTS_MAX 500	/* open alerts read, as the board does */

static int
watching(const struct console *c)
{
	return c->logged_in && !c->locked && screen_board_allowed(c);
}

static int
seen(const struct console *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nred_seen; i++)
		if (strcmp(c->red_seen[i], id) == 0)
			return 1;
	return 0;
}

void
console_alerts_seen(struct console *c, const struct alert_list *open)
{
	size_t i, n = 0;

	free(c->red_seen);
	c->red_seen = xcalloc(open->n + 1, sizeof *c->red_seen);
	for (i = 0; i < open->n; i++)
		if (open->v[i].level == ALERT_RED)
			snprintf(c->red_seen[n++], sizeof c->red_seen[0], "%s", open->v[i].id);
	c->nred_seen = n;
	c->red_new = 0;
	c->red_id[0] = c->red_text[0] = '\0';
}

/* "张三 SOS": the person's name (or what it is about) and the rule. */
static void
short_text(struct console *c, const struct alert *a)
{
	struct visit vi;
	char who[IN_NAME_MAX + 1];

	if (a->visit[0] != '\0' && visit_get(c->in.j, a->visit, &vi, NULL) == CST_OK)
		snprintf(who, sizeof who, "%s", vi.name);
	else
		alert_about_label(a->about, who, sizeof who);
	snprintf(c->red_text, sizeof c->red_text, "%s %s", who, alert_rule_label(a->rule));
}

void
console_alerts_tick(struct console *c)
{
	struct alert_list open = { NULL, 0, 0 };
	const struct alert *newest = NULL;
	size_t i;

	c->red_new = 0;
	if (!watching(c)) {
		/* Another operator starts afresh: nothing was seen by them. */
		if (!c->logged_in) {
			free(c->red_seen);
			c->red_seen = NULL;
			c->nred_seen = 0;
		}
		return;
	}
	if (alert_open(c->in.j, RED_ALERTS_MAX, &open, NULL) != CST_OK)
		return;
	for (i = 0; i < open.n; i++) {
		const struct alert *a = &open.v[i];

		if (a->level != ALERT_RED || a->ack_by[0] != '\0' || seen(c, a->id))
			continue;
		c->red_new++;
		if (newest == NULL || a->level_ts > newest->level_ts)
			newest = a;
	}
	if (newest != NULL) {
		snprintf(c->red_id, sizeof c->red_id, "%s", newest->id);
		short_text(c, newest);
	}
	alert_list_free(&open);
}

void
console_alerts_status(const struct console *c, char *out, size_t size)
{
	if (c->red_new <= 0 || !watching(c)) {
		out[0] = '\0';
		return;
	}
	/* TRANSLATORS: the status line of a supervisor's every screen: new red alerts, the
	 * newest one's person and rule, and the key that opens the board at it. */
	snprintf(out, size, _(" Red alerts %d: %s (F12) "), c->red_new, c->red_text);
}

int
console_alerts_key(struct console *c, int key)
{
	struct screen *s;

	if (key != ui_key_f(12) || !watching(c))
		return 0;
	if (c->red_new <= 0) {
		console_say(c, UI_OK, "%s", _("No new red alerts."));
		return 1;
	}
	s = screen_board_at(c, c->red_id);
	if (s != NULL)
		console_push(c, s);
	return 1;
}
