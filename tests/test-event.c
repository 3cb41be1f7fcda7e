/* The event encoding against the test vector of docs/journal.md, and field rules. */
#include <string.h>

#include "event.h"
#include "hex.h"
#include "t.h"

/* docs/journal.md, "Test vector"; cross-checked with Python's hashlib and OpenSSL. */
#define V_PK "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
#define V_HASH "74467189c56e9593f9a435614b3b341ce1203e626678f8c6265017113e31a5f1"
#define V_SIG "afc95f00c4585b4da222e651ebcabb890c7c49944f0d34140d656809e168f87f" \
	"90f9ddf465471d1d3df69538303ecb2a146eb66125087207b6db91c8f9496506"
#define V_ENC "00000010637573746f64792e6576656e742e763100000009696e74616b652d3031" \
	"0000000000000002000001a205b3d07b0000000a636c65726b2d30303432000000117065" \
	"72736f6e2e726567697374657265640000002433663063396135322d316237652d346331" \
	"612d396436652d3261356238633764396530310000001e7b226e616d65223a22e5bca0e4" \
	"b889222c22736578223a226d616c65227da0a1a2a3a4a5a6a7a8a9aaabacadaeafa0a1a2" \
	"a3a4a5a6a7a8a9aaabacadaeaf"

static void
vector_event(struct event *ev)
{
	static const char body[] = "{\"name\":\"张三\",\"sex\":\"male\"}";
	int i;

	memset(ev, 0, sizeof *ev);
	strcpy(ev->terminal, "intake-01");
	ev->seq = 2;
	ev->ts = 1795392000123LL;
	strcpy(ev->operator_, "clerk-0042");
	strcpy(ev->kind, "person.registered");
	strcpy(ev->subject, "3f0c9a52-1b7e-4c1a-9d6e-2a5b8c7d9e01");
	event_set_body(ev, body, strlen(body));
	for (i = 0; i < 32; i++)
		ev->prev[i] = (unsigned char)(0xa0 + i % 16);
}

static void
test_vector(void)
{
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	unsigned char enc[256], h[CRY_HASH_BYTES];
	char hex[2 * CRY_SIG_BYTES + 1];
	struct event ev;
	int i;

	for (i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	cry_keypair_from_seed(seed, pk, sk);
	hex_encode(pk, sizeof pk, hex);
	ok(strcmp(hex, V_PK) == 0, "public key from the vector's seed");
	vector_event(&ev);
	event_seal(&ev, sk);
	hex_encode(ev.hash, sizeof ev.hash, hex);
	ok(strcmp(hex, V_HASH) == 0, "hash of the vector event");
	hex_encode(ev.sig, sizeof ev.sig, hex);
	ok(strcmp(hex, V_SIG) == 0, "signature of the vector event");
	ok(event_sig_ok(&ev, pk), "the signature verifies");
	ok(hex_decode(V_ENC, strlen(V_ENC), enc, strlen(V_ENC) / 2) == 0, "encoding hex decodes");
	cry_hash_buf(enc, strlen(V_ENC) / 2, h);
	ok(memcmp(h, ev.hash, sizeof h) == 0, "the documented encoding hashes to the hash");
	ev.body[2]++;
	event_compute_hash(&ev, h);
	ok(memcmp(h, ev.hash, sizeof h) != 0, "a changed body changes the hash");
	ev.body[2]--;
	ev.sig[5] ^= 1;
	ok(!event_sig_ok(&ev, pk), "a flipped signature bit fails");
	event_clear(&ev);
}

/* Moving bytes between adjacent fields must change the hash (the length prefixes). */
static void
test_boundaries(void)
{
	unsigned char h1[CRY_HASH_BYTES], h2[CRY_HASH_BYTES];
	struct event a, b;

	vector_event(&a);
	vector_event(&b);
	strcpy(a.operator_, "ab");
	strcpy(a.kind, "c");
	strcpy(b.operator_, "a");
	strcpy(b.kind, "bc");
	event_compute_hash(&a, h1);
	event_compute_hash(&b, h2);
	ok(memcmp(h1, h2, sizeof h1) != 0, "field boundaries are part of the hash");
	event_clear(&a);
	event_clear(&b);
}

static void
test_fields(void)
{
	const char *field;
	struct event ev;
	char big[EV_MAX_BODY + 16];

	vector_event(&ev);
	ok(event_check_fields(&ev, &field, NULL) == CST_OK, "vector event is well formed");
	ev.seq = 0;
	ok(event_check_fields(&ev, &field, NULL) == CST_ERR_INPUT && strcmp(field, "seq") == 0,
	    "seq 0 refused");
	ev.seq = 2;
	strcpy(ev.kind, "Person.Registered");
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "kind") == 0,
	    "upper-case kind refused");
	strcpy(ev.kind, "person.registered");
	strcpy(ev.subject, "has space");
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "subject") == 0,
	    "subject with a space refused");
	strcpy(ev.subject, "s1");
	event_set_body(&ev, "[1,2]", 5);
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "body") == 0,
	    "a body that is not an object refused");
	event_set_body(&ev, "{\"a\":", 5);
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "body") == 0,
	    "truncated JSON body refused");
	memset(big, ' ', sizeof big);
	big[0] = '{';
	big[sizeof big - 1] = '}';
	event_set_body(&ev, big, sizeof big);
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "body") == 0,
	    "body over 64 KiB refused");
	event_set_body(&ev, "{}", 2);
	ev.ts = -1;
	ok(event_check_fields(&ev, &field, NULL) != CST_OK && strcmp(field, "ts") == 0,
	    "negative ts refused");
	ok(!event_valid_id("", 0), "empty id refused");
	ok(event_valid_id("a:b@c.d-e_f", 11), "id punctuation allowed");
	ok(!event_valid_id("张三", strlen("张三")), "non-ASCII id refused");
	event_clear(&ev);
}

int
main(void)
{
	cry_init();
	test_vector();
	test_boundaries();
	test_fields();
	return t_done();
}
