/* custody operator add|list: the people who may use the terminals. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "crypto.h"
#include "i18n.h"
#include "operator.h"
#include "terminal.h"
#include "text.h"

/* One line from standard input, without its newline; echo off when it is a terminal. */
static int
read_secret(const char *prompt, char *out, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (fgets(out, (int)size, stdin) == NULL)
		out[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strlen(out);
	if (n > 0 && out[n - 1] != '\n' && !feof(stdin))
		return -1;	/* longer than the buffer */
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

int
cmd_get_password(const char *prompt, char *pw, size_t size, int confirm, struct errmsg *em)
{
	char again[OP_PASSWORD_MAX + 4];

	if (read_secret(prompt, pw, size) != 0)
		return err_set(em, CST_ERR_ARG, _("the password is too long"));
	if (confirm && isatty(STDIN_FILENO)) {
		if (read_secret(_("Password again: "), again, sizeof again) != 0 ||
		    strcmp(pw, again) != 0) {
			cry_wipe(again, sizeof again);
			return err_set(em, CST_ERR_ARG, _("the two passwords differ"));
		}
		cry_wipe(again, sizeof again);
	}
	return CST_OK;
}

/* The login settings of the terminal in dir: custody.conf's, or the defaults. */
static int
login_settings(const char *dir, struct config *cfg, struct errmsg *em)
{
	char conf[PATH_MAX + 16];

	config_defaults(cfg);
	snprintf(conf, sizeof conf, "%s/custody.conf", dir);
	return config_load(conf, cfg, em);
}

/*
 * The administrator present: their password unseals the center key (a login, recorded and
 * locked out like any other).
 */
int
cmd_unlock_admin(struct terminal *t, const char *dir, const char *admin, struct authority *a,
    struct errmsg *em)
{
	char prompt[EV_MAX_ID + 64], pw[OP_PASSWORD_MAX + 4];
	struct config cfg;
	int status;

	if ((status = login_settings(dir, &cfg, em)) != CST_OK)
		return status;
	snprintf(prompt, sizeof prompt, _("Password of administrator %s: "), admin);
	status = cmd_get_password(prompt, pw, sizeof pw, 0, em);
	if (status == CST_OK)
		status = operator_unlock(t->journal, admin, pw, cfg.max_failures, cfg.lockout_ms, a,
		    em);
	cry_wipe(pw, sizeof pw);
	return status;
}

static int
operator_add_cmd(const struct cmd_entry *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *id = NULL, *name = NULL, *role = NULL, *by = NULL;
	char dir[PATH_MAX], pw[OP_PASSWORD_MAX + 4], shown[4 * OP_NAME_MAX + 8];
	struct authority a;
	struct terminal *t;
	struct errmsg em;
	int c, status;

	while ((c = getopt_long(argc, argv, "d:i:n:r:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': data = optarg; break;
		case 'i': id = optarg; break;
		case 'n': name = optarg; break;
		case 'r': role = optarg; break;
		case 'b': by = optarg; break;
		case 'h': cmd_print_usage(self, 0); return EXIT_OK;
		default: return cmd_usage(self, _("unknown option"));
		}
	}
	if (id == NULL || name == NULL || role == NULL)
		return cmd_usage(self, _("--id, --name and --role are required"));
	if (by == NULL)
		return cmd_usage(self, _("--by names the administrator who adds the operator (the "
		    "first one is made by custody init --admin)"));
	err_clear(&em);
	if (cmd_data_dir(data, dir, sizeof dir, &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK)
		return cmd_fail(&em);
	if (cmd_unlock_admin(t, dir, by, &a, &em) != CST_OK) {
		terminal_close(t);
		return cmd_fail(&em);
	}
	status = cmd_get_password(_("Password: "), pw, sizeof pw, 1, &em);
	if (status == CST_OK)
		status = operator_add(t->journal, &a, id, name, role, pw, &em);
	cry_wipe(pw, sizeof pw);
	authority_wipe(&a);
	terminal_close(t);
	if (status != CST_OK)
		return cmd_fail(&em);
	text_escape(name, shown, sizeof shown);
	printf(_("operator %s (%s) added as %s by %s\n"), id, shown, role, by);
	return EXIT_OK;
}

/* Names came from events, maybe another terminal's: escaped, never printed as they are. */
static int
print_operator(void *arg, const struct operator *op)
{
	char name[4 * OP_NAME_MAX + 8];

	(void)arg;
	text_escape(op->name, name, sizeof name);
	printf("%-16s %-12s %s%s%s%s\n", op->id, role_key(op->role), name,
	    op->active ? "" : _(" (disabled)"),
	    op->role == ROLE_ADMIN && !op->has_credential ? _(" (no center key)") : "",
	    op->old_hash ? _(" (password hash below today's cost)") : "");
	return 0;
}

static int
operator_list_cmd(const struct cmd_entry *self, int argc, char **argv)
{
	struct terminal *t;
	struct errmsg em;
	int status = cmd_open_data_only(self, argc, argv, TERMINAL_RDONLY, &t);

	if (status != CMD_OPENED)
		return status;
	err_clear(&em);
	status = operator_each(t->journal, print_operator, NULL, &em);
	terminal_close(t);
	return status == CST_OK ? EXIT_OK : cmd_fail(&em);
}

static int
cmd_operator_exec(const struct cmd_entry *self, int argc, char **argv)
{
	if (argc < 2)
		return cmd_usage(self, _("add or list?"));
	if (strcmp(argv[1], "add") == 0)
		return operator_add_cmd(self, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return operator_list_cmd(self, argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_print_usage(self, 0);
		return EXIT_OK;
	}
	return cmd_usage(self, _("unknown operator command \"%s\""), argv[1]);
}

const struct cmd_entry cmd_operator_entry = {
	"operator",
	"add [--data DIR] --id ID --name NAME --role clerk|keeper|supervisor|admin --by ADMIN "
	"| list [--data DIR]",
	N_("add an operator on an administrator's authority (both passwords from standard "
	"input) or list them"),
	cmd_operator_exec
};
