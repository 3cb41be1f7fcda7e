/* custody rebuild: recompute every projection from the events alone. */
#include <stdio.h>

#include "cmd.h"
#include "i18n.h"
#include "journal.h"
#include "terminal.h"

static int
cmd_rebuild_exec(const struct cmd_entry *self, int argc, char **argv)
{
	struct terminal *t;
	struct errmsg em;
	int status = cmd_open_data_only(self, argc, argv, TERMINAL_WRITABLE, &t);

	if (status != CMD_OPENED)
		return status;
	err_clear(&em);
	status = journal_rebuild(t->journal, &em);
	terminal_close(t);
	if (status != CST_OK)
		return cmd_fail(&em);
	printf(_("projections rebuilt from the journal\n"));
	return EXIT_OK;
}

const struct cmd_entry cmd_rebuild_entry = {
	"rebuild",
	"[--data DIR]",
	N_("recompute every projection from the events alone"),
	cmd_rebuild_exec
};
