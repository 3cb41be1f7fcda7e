/* Lowercase hexadecimal. */
#ifndef CUSTODY_HEX_H
#define CUSTODY_HEX_H

#include <stddef.h>

/* Writes 2n hex digits and a NUL to out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes exactly 2n hex digits (either case) from in of length len into out; 0 on success. */
int hex_decode(const char *in, size_t len, unsigned char *out, size_t n);
/* The value of one hex digit (either case), or -1. */
int hex_nibble(char c);

#endif
