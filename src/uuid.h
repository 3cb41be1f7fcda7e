/* Random (version 4) UUIDs: ids made on a terminal without asking anyone else. */
#ifndef CUSTODY_UUID_H
#define CUSTODY_UUID_H

#define UUID_LEN 36

/* Writes "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" and a NUL to out (UUID_LEN + 1 bytes). */
void uuid_new(char out[UUID_LEN + 1]);

#endif
