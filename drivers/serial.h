/*
 * A serial line: opened by path with a baud rate and framing, raw and non-blocking, its file
 * descriptor handed to the poll loop.  Real ports go through libserialport; pseudo-terminals
 * (which libserialport 0.1.1 refuses: it wants a /sys/class/tty entry) through termios, so the
 * same drivers run against custody-sim and the hardware.
 */
#ifndef CUSTODY_SERIAL_H
#define CUSTODY_SERIAL_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct serial;

/* framing: "8N1", "8E1", "8O1", "7E1" or "7O1".  Pending input is discarded. */
int serial_open(const char *path, int baud, const char *framing, struct serial **out,
    struct errmsg *em);
int serial_fd(const struct serial *s);
/*
 * Reads what is there, at most n bytes: > 0 bytes read, 0 nothing now, -1 the line is gone
 * (unplugged, closed by the other end, or an error; em says which).
 */
ssize_t serial_read(struct serial *s, void *buf, size_t n, struct errmsg *em);
/* Writes what the line takes now: bytes written (maybe 0), or -1 when the line is gone. */
ssize_t serial_write(struct serial *s, const void *buf, size_t n, struct errmsg *em);
void serial_close(struct serial *s);

/* "libserialport" or "termios": how the line was opened. */
const char *serial_transport(const struct serial *s);

struct serial_port_info {
	char path[128];
	char description[128];
	char transport[16];	/* "native", "usb", "bluetooth" */
	int usb_vid, usb_pid;	/* -1 when not USB */
};

/* The serial ports libserialport sees; returns how many were written to out (at most max). */
int serial_list(struct serial_port_info *out, int max, struct errmsg *em);

#endif
