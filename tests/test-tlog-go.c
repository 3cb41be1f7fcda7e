/*
 * Our transparency log checked by code nobody here wrote: a tree of 1000 leaves is built with
 * src/tlog.c in four appends, its tiles, entry bundles, signed and cosigned checkpoint
 * (src/checkpoint.c), proofs, log objects and a tlog-proof are written as the ledger serves
 * them (docs/transparency.md), and tools/tlog-check (Go, golang.org/x/mod/sumdb/note and
 * .../tlog from Debian) must accept them, from the directory and over HTTPS (openssl s_server
 * serving the directory), and refuse each forgery: a full tile that x/mod's tileHashReader
 * alone lets through, an entry, the checkpoint's key, a proof, a leaf, a witness, a fork.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include <sodium.h>

#include "checkpoint.h"
#include "crypto.h"
#include "json.h"
#include "tlog.h"

#include "ledger-util.h"
#include "t.h"
#include "util.h"

#define NLEAVES 1000
#define MAX_TILES 16
#define ORIGIN "custody-ledger/0123456789abcdef"
#define WITNESS ORIGIN "/witness/intake-01"

struct tile {
	int level, width;
	int64_t index;
	unsigned char h[TLOG_TILE_BYTES];
};

/* The tree as the ledger keeps it: its tiles, at their newest width. */
struct store {
	struct tile tiles[MAX_TILES];
	int n;
};

static struct store st;
static unsigned char leaves[NLEAVES][TLOG_LEAF_MAX];
static size_t leaf_len[NLEAVES];
static unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], wpk[CRY_PK_BYTES], wsk[CRY_SK_BYTES];
static char vkey[CKPT_VKEY_MAX], wvkey[CKPT_VKEY_MAX], *root_dir, dir[4096];

static struct tile *
find(struct store *s, int level, int64_t index)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->tiles[i].level == level && s->tiles[i].index == index)
			return &s->tiles[i];
	return NULL;
}

static int
tile_read(void *arg, int level, int64_t index, int width, unsigned char *out)
{
	struct tile *t = find(arg, level, index);

	if (t == NULL || width < 1 || width > t->width)
		return -1;
	memcpy(out, t->h, (size_t)width * TLOG_HASH_BYTES);
	return 0;
}

static int
tile_write(void *arg, int level, int64_t index, int width, const unsigned char *hashes)
{
	struct store *s = arg;
	struct tile *t = find(s, level, index);

	if (t == NULL) {
		if (s->n == MAX_TILES)
			return -1;
		t = &s->tiles[s->n++];
		t->level = level;
		t->index = index;
	}
	t->width = width;
	memcpy(t->h, hashes, (size_t)width * TLOG_HASH_BYTES);
	return 0;
}

static int
node(void *arg, int level, int64_t index, unsigned char out[TLOG_HASH_BYTES])
{
	return tlog_tile_node(tile_read, arg, level, index, out);
}

/* Writes n bytes to dir/name, making the directories on the way. */
static void
put_file(const char *name, const void *data, size_t n)
{
	char path[8192], *p;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

static size_t
get_file(const char *name, void *data, size_t cap)
{
	char path[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	n = fread(data, 1, cap, f);
	fclose(f);
	return n;
}

/* A signed checkpoint of the tree of size with root, by key (sk0) as ORIGIN. */
static size_t
signed_checkpoint(int64_t size, const unsigned char root[32], const unsigned char *sk0,
    int cosign, char *out, size_t cap)
{
	static struct note nt;
	struct checkpoint c;

	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", ORIGIN);
	c.size = size;
	memcpy(c.root, root, 32);
	memset(&nt, 0, sizeof nt);
	nt.body_len = checkpoint_body(&c, nt.body, sizeof nt.body);
	if (nt.body_len == 0 || note_sign(&nt, ORIGIN, sk0) != 0 ||
	    (cosign && note_cosign(&nt, WITNESS, wsk, 1795392000) != 0))
		return 0;
	return note_write(&nt, out, cap);
}

static void
jw_hashes(struct jw *w, const unsigned char (*h)[TLOG_HASH_BYTES], int n)
{
	char b64[64];
	int i;

	jw_arr_begin(w);
	for (i = 0; i < n; i++) {
		sodium_bin2base64(b64, sizeof b64, h[i], TLOG_HASH_BYTES, sodium_base64_VARIANT_ORIGINAL);
		jw_str(w, b64);
	}
	jw_arr_end(w);
}

static void
put_json(const char *name, struct jw *w)
{
	size_t n;
	const char *text = jw_text(w, &n);

	put_file(name, text, n);
	jw_free(w);
}

/* GET /tlog/proof/inclusion?index=I&size=N as a file of that name. */
static int
put_inclusion(int64_t index, int64_t size)
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	char name[128];
	struct jw w;
	int n = tlog_prove_inclusion(size, index, node, &st, proof);

	if (n < 0)
		return -1;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "index");
	jw_int(&w, index);
	jw_key(&w, "size");
	jw_int(&w, size);
	jw_key(&w, "proof");
	jw_hashes(&w, (const unsigned char (*)[TLOG_HASH_BYTES])proof, n);
	jw_obj_end(&w);
	snprintf(name, sizeof name, "proof/inclusion?index=%lld&size=%lld", (long long)index,
	    (long long)size);
	put_json(name, &w);
	return 0;
}

static int
put_consistency(int64_t old, int64_t size)
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	char name[128];
	struct jw w;
	int n = tlog_prove_consistency(old, size, node, &st, proof);

	if (n < 0)
		return -1;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "old");
	jw_int(&w, old);
	jw_key(&w, "size");
	jw_int(&w, size);
	jw_key(&w, "proof");
	jw_hashes(&w, (const unsigned char (*)[TLOG_HASH_BYTES])proof, n);
	jw_obj_end(&w);
	snprintf(name, sizeof name, "proof/consistency?old=%lld&size=%lld", (long long)old,
	    (long long)size);
	put_json(name, &w);
	return 0;
}

/* A /v1/head answer's log object: checkpoint, leaf and inclusion, consistency from old. */
static int
put_head(const char *name, const char *note, int64_t size, int64_t leaf, int64_t old)
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	struct jw w;
	int n;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "log");
	jw_obj_begin(&w);
	jw_key(&w, "checkpoint");
	jw_str(&w, note);
	jw_key(&w, "leaf");
	jw_int(&w, leaf);
	n = tlog_prove_inclusion(size, leaf, node, &st, proof);
	jw_key(&w, "inclusion");
	jw_hashes(&w, (const unsigned char (*)[TLOG_HASH_BYTES])proof, n < 0 ? 0 : n);
	if (old > 0) {
		n = tlog_prove_consistency(old, size, node, &st, proof);
		jw_key(&w, "consistency");
		jw_hashes(&w, (const unsigned char (*)[TLOG_HASH_BYTES])proof, n < 0 ? 0 : n);
		jw_key(&w, "old");
		jw_int(&w, old);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	put_json(name, &w);
	return n < 0 ? -1 : 0;
}

/* Builds the tree in four appends and writes the log's files; the roots at each size. */
static void
build(unsigned char roots[4][TLOG_HASH_BYTES])
{
	static const int64_t sizes[4] = {1, 300, 513, NLEAVES};
	static unsigned char hashes[NLEAVES][TLOG_HASH_BYTES], bundle[TLOG_TILE_WIDTH * (2 + TLOG_LEAF_MAX)];
	static char note[CKPT_NOTE_MAX], path[TLOG_PATH_MAX];
	unsigned char ev[32], root[32];
	int64_t size = 0, i;
	size_t bn;
	int k, ok_append = 1, ok_root = 1;

	for (i = 0; i < NLEAVES; i++) {
		char term[16];

		snprintf(term, sizeof term, "intake-%02d", (int)(i % 3) + 1);
		cry_hash_buf(&i, sizeof i, ev);
		leaf_len[i] = tlog_leaf_data(term, i / 3 + 1, ev, leaves[i]);
		tlog_leaf_hash(leaves[i], leaf_len[i], hashes[i]);
	}
	for (k = 0; k < 4; k++) {
		ok_append &= tlog_append(size, (const unsigned char (*)[TLOG_HASH_BYTES])hashes + size,
		    (size_t)(sizes[k] - size), tile_read, tile_write, &st, roots[k]) == 0;
		size = sizes[k];
		ok_root &= tlog_tree_root(size, node, &st, root) == 0 && memcmp(root, roots[k], 32) == 0;
	}
	ok(ok_append, "the tree of 1000 leaves is appended in four batches");
	ok(ok_root, "tlog_tree_root gives the root tlog_append gave, at each size");

	for (k = 0; k < st.n; k++) {
		tlog_tile_path(st.tiles[k].level, st.tiles[k].index, st.tiles[k].width, path);
		put_file(path, st.tiles[k].h, (size_t)st.tiles[k].width * TLOG_HASH_BYTES);
	}
	for (i = 0; i < NLEAVES; i += TLOG_TILE_WIDTH) {
		int64_t j, end = i + TLOG_TILE_WIDTH < NLEAVES ? i + TLOG_TILE_WIDTH : NLEAVES;

		for (bn = 0, j = i; j < end; j++) {
			bundle[bn++] = (unsigned char)(leaf_len[j] >> 8);
			bundle[bn++] = (unsigned char)leaf_len[j];
			memcpy(bundle + bn, leaves[j], leaf_len[j]);
			bn += leaf_len[j];
		}
		tlog_tile_path(-1, i / TLOG_TILE_WIDTH, (int)(end - i), path);
		put_file(path, bundle, bn);
	}
	ok(signed_checkpoint(NLEAVES, roots[3], sk, 1, note, sizeof note) > 0, "the checkpoint is signed");
	put_file("checkpoint", note, strlen(note));
}

/* Runs tlog-check with args; its exit status, and its output in out. */
static int
check(const char *args, char *out, size_t cap)
{
	char cmd[8192];
	size_t n = 0, r;
	FILE *p;
	int status;

	snprintf(cmd, sizeof cmd, "'%s' -vkey '%s' %s 2>&1", t_bin("tests/tlog-check"), vkey, args);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (n + 1 < cap && (r = fread(out + n, 1, cap - n - 1, p)) > 0)
		n += r;
	out[n] = '\0';
	status = pclose(p);
	if (getenv("TLOG_GO_VERBOSE"))
		fprintf(stderr, "$ tlog-check %s\n%s", args, out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* tlog-check on the directory with args: exit 1 with a FAIL line that says what. */
static int
refused(const char *args, const char *what)
{
	static char out[65536], full[4096];
	char *f;

	snprintf(full, sizeof full, "-offline '%s' %s", dir, args);
	if (check(full, out, sizeof out) != 1 || (f = strstr(out, "FAIL ")) == NULL)
		return 0;
	if (strstr(f, what) == NULL) {
		fprintf(stderr, "tlog-check said:\n%s", out);
		return 0;
	}
	return 1;
}

/* Flips one bit of a file at offset and returns it as it was by the second call. */
static void
flip(const char *name, size_t off)
{
	static unsigned char data[1 << 20];
	size_t n = get_file(name, data, sizeof data);

	if (off >= n) {
		fprintf(stderr, "%s: %zu bytes, no byte %zu\n", name, n, off);
		exit(99);
	}
	data[off] ^= 0x01;
	put_file(name, data, n);
}

static const char all_args[] = "-witness '%s' -old 1 -old 300 -old 513 -old 999 -old 1000 "
    "-leaf 0 -leaf 1 -leaf 255 -leaf 256 -leaf 999 -event intake-02:5 -head '%s/head-513.json' "
    "-head '%s/head-1000.json' -proof '%s/leaf-700.tlog-proof'";

static void
test_accepted(void)
{
	static char out[65536], args[8192];
	int rc;

	snprintf(args, sizeof args, "-offline '%s' ", dir);
	snprintf(args + strlen(args), sizeof args - strlen(args), all_args, wvkey, root_dir,
	    root_dir, root_dir);
	rc = check(args, out, sizeof out);
	ok(rc == 0, "tlog-check accepts the log, from the directory");
	ok(strstr(out, "ok   tiles: TileHashReader authenticates them against the root of size 1000"),
	    "the tiles authenticate the signed root");
	ok(strstr(out, "ok   checkpoint: cosigned by " WITNESS " at 1795392000"),
	    "the witness's cosignature verifies in Go");
	ok(strstr(out, "ok   entries: the 1000 leaves hash to the level-0 tiles and are well-formed"),
	    "every entry hashes to its level-0 tile hash");
	ok(strstr(out, "ok   leaf 999: the ledger's inclusion proof (") &&
	    strstr(out, "ok   leaf 256: the ledger's inclusion proof ("),
	    "our inclusion proofs verify with CheckRecord");
	ok(strstr(out, "ok   old 300: the ledger's consistency proof (") &&
	    strstr(out, "ok   old 1000: the ledger's consistency proof (0 hashes)"),
	    "our consistency proofs verify with CheckTree");
	ok(strstr(out, "the ledger's consistency proof from 300 to 513 verifies") &&
	    strstr(out, "the ledger's inclusion proof of leaf 400 in 513 verifies"),
	    "an older checkpoint's log object verifies");
	ok(strstr(out, "leaf 700's inclusion in the signed checkpoint of size 1000 verifies") &&
	    strstr(out, "its checkpoint and leaf are the log's"), "the tlog-proof file verifies");
	ok(strstr(out, "tlog-check: 35 passed, 0 failed") != NULL, "35 checks passed, none failed");
	if (rc != 0 || strstr(out, "tlog-check: 35 passed, 0 failed") == NULL)
		fprintf(stderr, "%s", out);
}

static void
test_refused(const unsigned char roots[4][TLOG_HASH_BYTES])
{
	static unsigned char other_pk[CRY_PK_BYTES], other_sk[CRY_SK_BYTES], seed[CRY_SEED_BYTES];
	static char note[CKPT_NOTE_MAX], saved[CKPT_NOTE_MAX], args[4096];
	unsigned char root[32];
	size_t n;

	/* tile/0/000 is a full tile of a tree of 1000: x/mod checks it against nothing. */
	flip("tile/0/000", 5 * 32 + 3);
	ok(refused("-entries=false -leaf 4", "tile tile/0/000 is not the hash its parent tile/1/000.p/3 holds"),
	    "a forged full tile is refused (x/mod's tileHashReader alone would not)");
	flip("tile/0/000", 5 * 32 + 3);
	flip("tile/0/003.p/232", 7);
	ok(refused("-entries=false", "tiles: they do not authenticate the root"),
	    "a forged partial tile is refused");
	flip("tile/0/003.p/232", 7);
	flip("tile/entries/001", 2 + 20);
	ok(refused("", "entries: leaf 256: its hash is not the tile's: the first bad index is 256"),
	    "a forged entry is refused, its index named");
	flip("tile/entries/001", 2 + 20);

	n = get_file("checkpoint", saved, sizeof saved - 1);
	saved[n] = '\0';
	cry_keypair_new(seed, other_pk, other_sk);
	signed_checkpoint(NLEAVES, roots[3], other_sk, 1, note, sizeof note);
	put_file("checkpoint", note, strlen(note));
	ok(refused("", "checkpoint: the note does not verify"), "a checkpoint signed by another key is refused");
	memcpy(root, roots[3], 32);
	root[0] ^= 1;
	signed_checkpoint(NLEAVES, root, sk, 1, note, sizeof note);
	put_file("checkpoint", note, strlen(note));
	ok(refused("", "tiles: they do not authenticate the root"), "a signed root that is not the tiles' is refused");
	put_file("checkpoint", saved, n);
	flip("checkpoint", strlen(ORIGIN) + 2);
	ok(refused("", "checkpoint: the note does not verify"), "a checkpoint with its size changed is refused");
	flip("checkpoint", strlen(ORIGIN) + 2);

	flip("proof/inclusion?index=256&size=1000", 40);
	ok(refused("-leaf 256", "leaf 256: the ledger's inclusion proof: invalid transparency proof"),
	    "a forged inclusion proof is refused");
	flip("proof/inclusion?index=256&size=1000", 40);
	flip("proof/consistency?old=300&size=1000", 40);
	ok(refused("-old 300", "old 300: the ledger's consistency proof: invalid transparency proof"),
	    "a forged consistency proof is refused");
	flip("proof/consistency?old=300&size=1000", 40);
	ok(refused("-leaf 1000", "leaf 1000: not in the tree of size 1000"), "a leaf beyond the tree is refused");
	n = get_file("leaf?terminal=intake-02&seq=5", saved, sizeof saved);
	put_file("leaf?terminal=intake-02&seq=5", "{\"terminal\":\"intake-02\",\"seq\":5,\"index\":14}", 43);
	ok(refused("-event intake-02:5", "event intake-02:5: leaf 14 is not this event's"),
	    "a leaf lookup that names another event's leaf is refused");
	put_file("leaf?terminal=intake-02&seq=5", saved, n);

	snprintf(args, sizeof args, "-witness '%s'", vkey);
	ok(refused(args, "checkpoint: witness " ORIGIN ": no cosignature"), "a witness that did not cosign is refused");

	/* A fork: the checkpoint of size 513 signed over another history. */
	memcpy(root, roots[2], 32);
	root[31] ^= 0x80;
	signed_checkpoint(513, root, sk, 0, note, sizeof note);
	put_head("../head-fork.json", note, 513, 400, 300);
	snprintf(args, sizeof args, "-entries=false -head '%s/head-fork.json'", root_dir);
	ok(refused(args, "its checkpoint of size 513 is not the log's tree at that size"),
	    "a signed checkpoint of another history (a fork) is refused");
}

static void
write_proofs(const unsigned char roots[4][TLOG_HASH_BYTES])
{
	static char note[CKPT_NOTE_MAX], text[4 * CKPT_NOTE_MAX];
	static const int64_t leaf[] = {0, 1, 255, 256, 999}, old[] = {1, 300, 513, 999, 1000};
	static struct tlog_proof p;
	int k, good = 1;
	size_t n;

	for (k = 0; k < 5; k++)
		good &= put_inclusion(leaf[k], NLEAVES) == 0 && put_consistency(old[k], NLEAVES) == 0;
	good &= put_inclusion(13, NLEAVES) == 0;
	ok(good, "inclusion and consistency proofs are made");
	/* GET /tlog/leaf: leaf i is of intake-0(i % 3 + 1), seq i / 3 + 1. */
	snprintf(text, sizeof text, "{\"terminal\":\"intake-02\",\"seq\":5,\"index\":13}");
	put_file("leaf?terminal=intake-02&seq=5", text, strlen(text));
	good = signed_checkpoint(513, roots[2], sk, 0, note, sizeof note) > 0 &&
	    put_head("../head-513.json", note, 513, 400, 300) == 0;
	good &= signed_checkpoint(NLEAVES, roots[3], sk, 1, note, sizeof note) > 0 &&
	    put_head("../head-1000.json", note, NLEAVES, 999, 513) == 0;
	ok(good, "two log objects are made");

	memset(&p, 0, sizeof p);
	p.index = 700;
	memcpy(p.extra, leaves[700], leaf_len[700]);
	p.extra_len = leaf_len[700];
	p.n = tlog_prove_inclusion(NLEAVES, 700, node, &st, p.hashes);
	n = signed_checkpoint(NLEAVES, roots[3], sk, 1, note, sizeof note);
	ok(p.n > 0 && n > 0 && note_parse(note, n, &p.checkpoint) == 0, "the tlog-proof of leaf 700");
	n = tlog_proof_write(&p, text, sizeof text);
	put_file("../leaf-700.tlog-proof", text, n);
	p.extra[leaf_len[700] - 1] ^= 1;
	n = tlog_proof_write(&p, text, sizeof text);
	put_file("../leaf-700-forged.tlog-proof", text, n);
}

/* The directory served over HTTPS by openssl s_server -WWW; tlog-check -url reads it. */
static void
test_live(void)
{
	static char out[65536], args[8192], cmd[4096];
	unsigned port = lt_free_port();
	pid_t pid;
	int rc, i;

	snprintf(cmd, sizeof cmd, "cd '%s' && openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:P-256 -nodes -keyout srv.key -out srv.pem -days 2 -subj /CN=localhost "
	    "-addext subjectAltName=IP:127.0.0.1,DNS:localhost >openssl.log 2>&1", root_dir);
	ok(system(cmd) == 0, "a server certificate");
	pid = fork();
	if (pid == 0) {
		char accept[64];

		snprintf(accept, sizeof accept, "127.0.0.1:%u", port);
		if (chdir(root_dir) != 0 || !freopen("/dev/null", "w", stdout))
			_exit(99);
		execlp("openssl", "openssl", "s_server", "-quiet", "-WWW", "-accept", accept,
		    "-cert", "srv.pem", "-key", "srv.key", (char *)NULL);
		_exit(99);
	}
	for (i = 0; i < 100; i++) {	/* until it listens */
		struct sockaddr_in a;
		int fd = socket(AF_INET, SOCK_STREAM, 0), c;

		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons((uint16_t)port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		c = connect(fd, (struct sockaddr *)&a, sizeof a);
		close(fd);
		if (c == 0)
			break;
		nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	snprintf(args, sizeof args, "-url https://127.0.0.1:%u -cacert '%s/srv.pem' ", port, root_dir);
	snprintf(args + strlen(args), sizeof args - strlen(args), all_args, wvkey, root_dir,
	    root_dir, root_dir);
	rc = check(args, out, sizeof out);
	ok(rc == 0 && strstr(out, "tlog-check: 35 passed, 0 failed"),
	    "tlog-check accepts the log over HTTPS, every check as from the directory");
	if (rc != 0)
		fprintf(stderr, "%s", out);
	snprintf(args, sizeof args, "-url https://127.0.0.1:%u", port);
	ok(check(args, out, sizeof out) == 1 && strstr(out, "certificate signed by unknown authority"),
	    "without -cacert the server's certificate is refused");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int
main(void)
{
	static unsigned char roots[4][TLOG_HASH_BYTES];
	unsigned char seed[CRY_SEED_BYTES];
	char args[4096];

	if (cry_init() != 0)
		return 99;
	ok(access(t_bin("tests/tlog-check"), X_OK) == 0, "tools/tlog-check is built (golang-go)");
	root_dir = t_tmpdir("tlog-go");
	snprintf(dir, sizeof dir, "%s/tlog", root_dir);
	mkdir(dir, 0700);
	cry_keypair_new(seed, pk, sk);
	cry_keypair_new(seed, wpk, wsk);
	ok(note_vkey(ORIGIN, pk, vkey) > 0, "the ledger's vkey");
	ok(note_vkey(WITNESS, wpk, wvkey) > 0, "the witness's vkey");
	build(roots);
	write_proofs(roots);
	test_accepted();
	snprintf(args, sizeof args, "-entries=false -proof '%s/leaf-700-forged.tlog-proof'", root_dir);
	ok(refused(args, "inclusion of leaf 700 in 1000: invalid transparency proof"),
	    "a tlog-proof with another leaf is refused");
	test_refused(roots);
	test_live();
	t_rmrf(root_dir);
	free(root_dir);
	return t_done();
}
