/*
 * custody-audit proof: offline proofs (c2sp.org/tlog-proof, as custody export writes them)
 * checked with no network: the checkpoint's signature by the ledger's key, the leaf made from
 * the event's terminal, seq and hash (the proof's extra data), its inclusion in the tree.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "hex.h"
#include "i18n.h"
#include "logfetch.h"

#define PROOF_FILE_MAX (CKPT_NOTE_MAX + 8192)
#define EVENTS_MAX 256

/* An event as printed on a record: terminal, seq and hash, given with --event T:S:HASH. */
struct given {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];
	int proven;
};

static int
parse_given(const char *s, struct given *g)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 != NULL ? strrchr(s, ':') : NULL;
	char *end;

	memset(g, 0, sizeof *g);
	if (c1 == NULL || c2 == c1 || (size_t)(c1 - s) > EV_MAX_ID ||
	    !event_valid_id(s, (size_t)(c1 - s)))
		return -1;
	memcpy(g->terminal, s, (size_t)(c1 - s));
	errno = 0;
	g->seq = strtoll(c1 + 1, &end, 10);
	if (end != c2 || errno != 0 || g->seq < 1 ||
	    hex_decode(c2 + 1, strlen(c2 + 1), g->hash, sizeof g->hash) != 0)
		return -1;
	return 0;
}

static char *
read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (f == NULL)
		return NULL;
	buf = malloc(PROOF_FILE_MAX + 1);
	*n = buf != NULL ? fread(buf, 1, PROOF_FILE_MAX + 1, f) : 0;
	fclose(f);
	if (buf != NULL && *n > PROOF_FILE_MAX) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One file: 0 proven, 1 not, 2 unreadable; the verdict printed. */
static int
check_one(const char *file, const struct audit_vkey *vk, struct given *g, int ng)
{
	static struct tlog_proof p;	/* large: the note and the hashes */
	unsigned char h[TLOG_HASH_BYTES], evh[CRY_HASH_BYTES];
	char term[EV_MAX_ID + 1], hex[2 * CRY_HASH_BYTES + 1];
	struct checkpoint cp;
	size_t n = 0;
	int64_t seq;
	char *text = read_file(file, &n);
	int i, found = ng == 0;

	if (text == NULL) {
		printf(_("%s: cannot be read, or longer than a proof\n"), file);
		return 2;
	}
	if (tlog_proof_parse(text, n, &p) != 0) {
		free(text);
		printf(_("%s: NOT PROVEN: not a tlog-proof\n"), file);
		return 1;
	}
	free(text);
	if (checkpoint_parse(p.checkpoint.body, p.checkpoint.body_len, &cp) != 0 ||
	    !logfetch_signed_by(&p.checkpoint, &cp, vk->name, vk->pk)) {
		printf(_("%s: NOT PROVEN: the checkpoint is not signed by the key given\n"), file);
		return 1;
	}
	if (tlog_leaf_parse(p.extra, p.extra_len, term, &seq, evh) != 0) {
		printf(_("%s: NOT PROVEN: its extra data is not an event's leaf\n"), file);
		return 1;
	}
	hex_encode(evh, sizeof evh, hex);
	tlog_leaf_hash(p.extra, p.extra_len, h);
	if (!tlog_check_inclusion((const unsigned char (*)[TLOG_HASH_BYTES])p.hashes, p.n,
	    p.index, cp.size, h, cp.root)) {
		printf(_("%s: NOT PROVEN: event %s seq %lld is not leaf %lld of checkpoint %lld\n"),
		    file, term, (long long)seq, (long long)p.index, (long long)cp.size);
		return 1;
	}
	for (i = 0; i < ng; i++)
		if (strcmp(g[i].terminal, term) == 0 && g[i].seq == seq &&
		    cry_equal(g[i].hash, evh, sizeof evh)) {
			g[i].proven = 1;
			found = 1;
		}
	if (!found) {
		printf(_("%s: NOT PROVEN: it proves event %s seq %lld hash %s, none of those "
		    "given\n"), file, term, (long long)seq, hex);
		return 1;
	}
	printf(_("%s: proven: event %s seq %lld hash %s is leaf %lld of checkpoint %lld of "
	    "%s\n"), file, term, (long long)seq, hex, (long long)p.index, (long long)cp.size,
	    cp.origin);
	return 0;
}

static int
proof_exec(const struct audit_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vkey", required_argument, NULL, 'v' },
		{ "event", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	static struct given g[EVENTS_MAX];
	struct audit_vkey vk;
	const char *vkey = NULL;
	int c, ng = 0, worst = AX_OK, rc, i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v': vkey = optarg; break;
		case 'e':
			if (ng >= EVENTS_MAX || parse_given(optarg, &g[ng]) != 0)
				return audit_usage(self, _("--event is TERMINAL:SEQ:HASH (64 hex)"));
			ng++;
			break;
		default: return audit_usage(self, NULL);
		}
	}
	if (vkey == NULL || optind == argc)
		return audit_usage(self, _("--vkey and at least one proof file are needed"));
	if (note_vkey_parse(vkey, vk.name, vk.pk) != 0)
		return audit_usage(self, _("--vkey is not a verifier key (name+id+key)"));
	for (; optind < argc; optind++) {
		rc = check_one(argv[optind], &vk, g, ng);
		if (rc == 2)
			worst = AX_CANNOT;
		else if (rc == 1 && worst == AX_OK)
			worst = AX_FOUND;
	}
	for (i = 0; i < ng; i++)
		if (!g[i].proven) {
			printf(_("event %s seq %lld: no proof given proves it\n"), g[i].terminal,
			    (long long)g[i].seq);
			if (worst == AX_OK)
				worst = AX_FOUND;
		}
	return worst;
}

const struct audit_cmd audit_proof_cmd = {
	"proof",
	"--vkey VKEY [--event TERMINAL:SEQ:HASH]... FILE...",
	N_("check offline proofs of events (no network)"),
	proof_exec
};
