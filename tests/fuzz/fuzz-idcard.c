/*
 * libFuzzer target for identity numbers: any bytes are refused with a message or accepted as
 * 18 characters whose check digit recomputes (here, independently of src/idcard.c) and whose
 * fields agree with the number and with idcard_cross_check.  The same bytes as a 2023 foreign
 * card's number (9, province, birth, sex as a resident's) and as a typed birth date.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* ISO 7064 MOD 11-2, recursive form: (P + digit) * 2 mod 11, then P + check = 1 mod 11. */
static char
check_of(const char *n)
{
	int i, p = 0, c;

	for (i = 0; i < 17; i++) {
		check(n[i] >= '0' && n[i] <= '9');
		p = (p + (n[i] - '0')) * 2 % 11;
	}
	c = (12 - p) % 11;
	return c == 10 ? 'X' : (char)('0' + c);
}

static void
check_accepted(const struct idcard *id)
{
	char birth[11], why[200];

	check(strlen(id->number) == 18);
	check(check_of(id->number) == id->number[17]);
	check(strlen(id->birth) == 10 && strlen(id->region) == 6);
	snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", id->number + 6, id->number + 10,
	    id->number + 12);
	check(strcmp(birth, id->birth) == 0);
	check(strncmp(id->region, id->number, 6) == 0);
	check(id->sex == ((id->number[16] - '0') % 2 ? 'M' : 'F'));
	check(idcard_cross_check(id, id->birth, id->sex, why, sizeof why) == 0);
	check(idcard_cross_check(id, NULL, id->sex == 'M' ? 'F' : 'M', why, sizeof why) == -1);
	check(why[0] != '\0');
}

/* A 2023 card's number: accepted only as 9 and a resident-shaped number, its nationality. */
static void
check_foreign2023(const char *s, int64_t now)
{
	char why[200];
	struct idcard id;

	if (idcard_doc_check(IDDOC_FOREIGN2023, s, now, &id, why, sizeof why) != 0) {
		check(why[0] != '\0');
		return;
	}
	check(id.number[0] == '9' && strlen(id.number) == 18);
	check(check_of(id.number) == id.number[17]);
	check(id.sex == ((id.number[16] - '0') % 2 ? 'M' : 'F'));
	check(idcard_cross_check(&id, id.birth, id.sex, why, sizeof why) == 0);
	check(idcard_doc_nationality(IDDOC_FOREIGN2023, &id, "CAN", why, sizeof why) ==
	    (strncmp(id.number + 3, "124", 3) == 0 ? 0 : -1));
}

/* A typed birth date: accepted only as exactly YYYY-MM-DD digits. */
static void
check_typed_birth(const char *s, int64_t now)
{
	char why[200];
	size_t i;

	if (idcard_typed_birth(s, now, why, sizeof why) != 0) {
		check(why[0] != '\0');
		return;
	}
	check(strlen(s) == 10 && s[4] == '-' && s[7] == '-');
	for (i = 0; i < 10; i++)
		check(i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 2026-11-23T12:00:00+08:00, and a clock from the input's first bytes. */
	const int64_t now = 1795406400000LL;
	char *s = malloc(size + 1), why[200], tiny[3];
	struct idcard id;
	int64_t other = 0;
	int r;

	check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	memset(why, 0x5a, sizeof why);
	r = idcard_check(s, now, &id, why, sizeof why);
	check(r == 0 || r == -1);
	if (r == 0)
		check_accepted(&id);
	else
		check(memchr(why, '\0', sizeof why) != NULL && why[0] != '\0');
	check(idcard_check(s, now, NULL, NULL, 0) == r);
	check(idcard_check(s, now, NULL, tiny, sizeof tiny) == r);
	check_foreign2023(s, now);
	check_typed_birth(s, now);
	memcpy(&other, data, size < sizeof other ? size : sizeof other);
	r = idcard_check(s, other, &id, why, sizeof why);
	if (r == 0)
		check_accepted(&id);
	free(s);
	return 0;
}
