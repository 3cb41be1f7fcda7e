/*
 * libFuzzer target for the key files (src/keyfile.c, src/terminal.c, src/biometric.c): the
 * input is written to a private file (mode 0600, as a key must be) and read as a terminal key
 * and as a biometric key. Whatever it holds, each either loads a key or refuses with a
 * message; a key that loads must be exactly the documented form (docs/journal.md).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "biometric.h"
#include "crypto.h"
#include "terminal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1];
	struct biokey k;
	struct errmsg em;
	int fd, status;

	if (path[0] == '\0') {
		check(cry_init() == CST_OK);
		snprintf(path, sizeof path, "/tmp/fuzz-keyfile-%ld", (long)getpid());
	}
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	check(fd >= 0 && (size == 0 || write(fd, data, size) == (ssize_t)size));
	close(fd);
	err_clear(&em);
	status = terminal_key_load(path, name, sizeof name, pk, sk, &em);
	if (status == CST_OK)
		check(size > 0 && memcmp(data, "custody-terminal-key 1\nterminal ", 32) == 0 &&
		    data[size - 1] == '\n' && event_valid_id(name, strlen(name)));
	else
		check(em.text[0] != '\0');
	err_clear(&em);
	memset(&k, 0, sizeof k);
	status = biokey_load(path, 1, &k, &em);
	if (status == CST_OK)
		biokey_wipe(&k);
	else
		check(em.text[0] != '\0');
	unlink(path);
	return 0;
}
