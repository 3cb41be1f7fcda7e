/* custody-audit: an outside auditor of custody-ledger's transparency log. Finds the command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "crypto.h"
#include "i18n.h"
#include "version.h"

static const struct audit_cmd *const commands[] = {
	&audit_check_cmd,
	&audit_cosign_cmd,
	&audit_proof_cmd,
	&audit_init_key_cmd,
	&audit_enroll_cmd,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int
audit_fail(const struct errmsg *em)
{
	fprintf(stderr, "custody-audit: %s\n", em->text[0] ? em->text : err_name(em->code));
	return AX_CANNOT;
}

int
audit_usage(const struct audit_cmd *c, const char *problem)
{
	if (problem != NULL)
		fprintf(stderr, "custody-audit %s: %s\n", c->name, problem);
	fprintf(stderr, _("usage: custody-audit %s %s\n"), c->name, c->usage);
	return AX_CANNOT;
}

int
audit_parse_opts(const struct audit_cmd *self, int argc, char **argv, struct audit_opts *o)
{
	static const struct option opts[] = {
		{ "ledger", required_argument, NULL, 'l' },
		{ "vkey", required_argument, NULL, 'v' },
		{ "state", required_argument, NULL, 's' },
		{ "ca", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "max-leaves", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->max_leaves = AUDIT_MAX_LEAVES;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': o->ledger = optarg; break;
		case 'v': o->vkey = optarg; break;
		case 's': o->state = optarg; break;
		case 'c': o->ca = optarg; break;
		case 'k': o->key = optarg; break;
		case 'm':
			o->max_leaves = strtoll(optarg, &end, 10);
			if (*end != '\0' || o->max_leaves < 0 || o->max_leaves > ((int64_t)1 << 40))
				return audit_usage(self, _("--max-leaves wants a number of leaves"));
			break;
		default: return audit_usage(self, NULL);
		}
	}
	if (optind != argc)
		return audit_usage(self, _("unexpected argument"));
	if (o->ledger == NULL || o->vkey == NULL || o->state == NULL)
		return audit_usage(self, _("--ledger, --vkey and --state are needed"));
	return -1;
}

static int
check_exec(const struct audit_cmd *self, int argc, char **argv)
{
	struct audit_opts o;
	int rc;

	if ((rc = audit_parse_opts(self, argc, argv, &o)) >= 0)
		return rc;
	return audit_run(&o, NULL);
}

const struct audit_cmd audit_check_cmd = {
	"check",
	"--ledger URL --vkey VKEY --state FILE [--ca FILE] [--key FILE] [--max-leaves N]",
	N_("check the whole log, every event, and consistency with last time"),
	check_exec
};

static void
help(void)
{
	size_t i;

	printf(_("usage: custody-audit COMMAND [options]\n\n"
	    "An outside auditor of custody-ledger's transparency log.\n\n"
	    "Commands:\n"));
	for (i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i]->name, _(commands[i]->summary));
	printf(_("\nSee custody-audit(1).\n"));
}

int
main(int argc, char **argv)
{
	size_t i;

	i18n_init();
	clock_from_env();
	if (cry_init() != CST_OK) {
		fprintf(stderr, "custody-audit: libsodium failed to start\n");
		return AX_CANNOT;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		help();
		return argc < 2 ? AX_CANNOT : AX_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("custody-audit %s\n", CUSTODY_VERSION);
		return AX_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i]->name) == 0)
			return commands[i]->exec(commands[i], argc - 1, argv + 1);
	fprintf(stderr, _("custody-audit: no command %s\n"), argv[1]);
	help();
	return AX_CANNOT;
}
