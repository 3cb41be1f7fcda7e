/* custody-ledger serve: answer terminals over HTTPS until SIGTERM or SIGINT. */
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "i18n.h"
#include "lcmd.h"
#include "lkey.h"
#include "ltlog.h"

static int
serve(const char *db, const char *keyfile, const char *origin, const struct http_config *hc)
{
	char path[PATH_MAX];
	struct ledger l;
	struct http *h;
	struct errmsg em;
	sigset_t set;
	int sig, status;

	err_clear(&em);
	memset(&l, 0, sizeof l);
	if (keyfile == NULL && lkey_path(db, path, sizeof path, &em) != CST_OK)
		return lcmd_fail(&em);
	if ((l.st = lcmd_open_store(db, &status)) == NULL)
		return status;
	if (lkey_load(keyfile != NULL ? keyfile : path, 1, l.pk, l.sk, &em) != CST_OK) {
		store_close(l.st);
		return lcmd_fail(&em);
	}
	if (origin != NULL)
		snprintf(l.origin, sizeof l.origin, "%s", origin);
	else
		ltlog_default_origin(l.pk, l.origin);
	/* Leaves for events stored before the log, and a first checkpoint. */
	if (ltlog_open(&l, &em) != CST_OK) {
		store_close(l.st);
		cry_wipe(l.sk, sizeof l.sk);
		return lcmd_fail(&em);
	}
	/* Blocked before the server's threads start, so only sigwait below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((status = http_start(&l, hc, &h, &em)) != CST_OK) {
		store_close(l.st);
		return lcmd_fail(&em);
	}
	fprintf(stderr, _("custody-ledger: serving %s on port %u (storage %s)\n"), db, http_port(h),
	    l.st->ops->name);
	sigwait(&set, &sig);
	fprintf(stderr, _("custody-ledger: signal %d, stopping\n"), sig);
	/* Stopping the daemon waits for requests in flight, whose transactions then end. */
	http_stop(h);
	store_close(l.st);
	cry_wipe(l.sk, sizeof l.sk);
	return LX_OK;
}

static int
serve_exec(const struct lcmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "client-ca", required_argument, NULL, 'a' },
		{ "ledger-key", required_argument, NULL, 'K' },
		{ "origin", required_argument, NULL, 'o' },
		{ "max-connections", required_argument, NULL, 'm' },
		{ "max-per-address", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "head-timeout", required_argument, NULL, 'H' },
		{ "body-memory", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	/* Each number option: where it goes and its range. */
	static const struct {
		int opt;
		size_t off;
		long min, max;
	} nums[] = {
		{ 'm', offsetof(struct http_config, max_connections), 8, 10000 },
		{ 'p', offsetof(struct http_config, max_per_address), 1, 10000 },
		{ 't', offsetof(struct http_config, timeout_s), 1, 10000 },
		{ 'H', offsetof(struct http_config, head_timeout_s), 1, 600 },
		/* At least room for one body of 16 MiB in the share large bodies may use. */
		{ 'b', offsetof(struct http_config, body_memory_mib), 19, 65536 },
		{ 'T', offsetof(struct http_config, threads), 1, 64 },
	};
	struct http_config hc = HTTP_DEFAULTS;
	const char *db = NULL, *keyfile = NULL, *origin = NULL;
	char problem[128], *end;
	size_t i;
	long v;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': hc.listen = optarg; break;
		case 'c': hc.cert = optarg; break;
		case 'k': hc.key = optarg; break;
		case 'a': hc.client_ca = optarg; break;
		case 'K': keyfile = optarg; break;
		case 'o':
			if (!ltlog_origin_ok(optarg))
				return lcmd_usage(self, _("--origin takes 1 to 55 printable ASCII "
				    "characters, no space and no \"+\""));
			origin = optarg;
			break;
		case 'm':
		case 'p':
		case 't':
		case 'H':
		case 'b':
		case 'T':
			for (i = 0; nums[i].opt != c; i++)
				;
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < nums[i].min || v > nums[i].max) {
				snprintf(problem, sizeof problem,
				    _("a number from %ld to %ld is needed, not \"%s\""), nums[i].min,
				    nums[i].max, optarg);
				return lcmd_usage(self, problem);
			}
			*(unsigned *)((char *)&hc + nums[i].off) = (unsigned)v;
			break;
		case 'h':
			lcmd_usage(self, NULL);
			return LX_OK;
		default:
			return lcmd_usage(self, NULL);
		}
	}
	if (db == NULL || hc.cert == NULL || hc.key == NULL || optind != argc)
		return lcmd_usage(self, _("--db, --cert and --key are needed"));
	return serve(db, keyfile, origin, &hc);
}

const struct lcmd lcmd_serve = {
	"serve",
	"--db PATH|URL --listen ADDR:PORT --cert FILE --key FILE [--client-ca FILE]\n"
	"    [--ledger-key FILE] [--origin NAME] [--max-connections N] [--max-per-address N]\n"
	"    [--timeout SECONDS] [--head-timeout SECONDS] [--body-memory MIB] [--threads N]",
	N_("answer terminals over HTTPS"),
	serve_exec,
};
