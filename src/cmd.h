/* The command table: one file per command, each a table entry (as in tmux). */
#ifndef CUSTODY_CMD_H
#define CUSTODY_CMD_H

#include <stddef.h>

#include "error.h"

/* Exit statuses, documented in custody(1). */
enum {
	EXIT_OK = 0,
	EXIT_VERIFY = 1,	/* a chain, signature or key does not check */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_DATA = 3,		/* missing, damaged, foreign or newer data; key problems */
	EXIT_BUSY = 4,		/* locked by another process */
	EXIT_IO = 5,		/* the disk failed or is full */
	EXIT_INTERNAL = 6
};

struct cmd_entry {
	const char *name;
	const char *usage;	/* the arguments after the name */
	const char *summary;	/* one line, marked N_() */
	int (*exec)(const struct cmd_entry *self, int argc, char **argv);
};

extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_log_entry;
extern const struct cmd_entry cmd_rebuild_entry;
extern const struct cmd_entry cmd_operator_entry;
extern const struct cmd_entry cmd_officer_entry;
extern const struct cmd_entry cmd_center_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_devices_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_enroll_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_restore_entry;
extern const struct cmd_entry cmd_label_entry;

/* --data given before the command name, or NULL. */
extern const char *cmd_global_data;

int cmd_exit_code(int status);
/* Prints "custody: message" on stderr and returns the exit code for em's status. */
int cmd_fail(const struct errmsg *em);
/* Prints the problem and the command's usage on stderr; returns EXIT_USAGE. */
int cmd_usage(const struct cmd_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cmd_print_usage(const struct cmd_entry *e, int to_stderr);
/*
 * The data directory: the option, else the global --data, else $CUSTODY_DATA, else
 * $XDG_DATA_HOME/custody, else $HOME/.local/share/custody. CST_ERR_ARG when none.
 */
int cmd_data_dir(const char *opt, char *buf, size_t size, struct errmsg *em);
struct terminal;
/*
 * A command whose only option is --data DIR: parses argv and opens the terminal with flags
 * (terminal.h). CMD_OPENED with *t set, else the exit status to return (--help, usage, an
 * error already said).
 */
#define CMD_OPENED (-1)
int cmd_open_data_only(const struct cmd_entry *self, int argc, char **argv, int flags,
    struct terminal **t);
struct sync_conf;
/* The [sync] settings of DIR/custody.conf into cf (defaults when there is none). */
void cmd_sync_conf(const char *dir, struct sync_conf *cf);

struct authority;
struct terminal;
/*
 * A password from standard input (echo off on a terminal, asked twice when confirm is set
 * and standard input is a terminal): cmd-operator.c.
 */
int cmd_get_password(const char *prompt, char *pw, size_t size, int confirm,
    struct errmsg *em);
/* The administrator admin's password from standard input unseals the center key into a. */
int cmd_unlock_admin(struct terminal *t, const char *dir, const char *admin,
    struct authority *a, struct errmsg *em);

#endif
