/*
 * A simulated device for custody-sim: what the real device would send, byte for byte, in
 * answer to the host's bytes and to script commands.  A device does no I/O: it hands each
 * whole frame it sends to sim_io.send (one call per frame, so that custody-sim's faults can
 * corrupt or cut a frame), and custody-sim writes them to the pty, paced at the baud rate
 * with --realtime.  See man/custody-sim.1.
 */
#ifndef CUSTODY_SIM_H
#define CUSTODY_SIM_H

#include <stddef.h>
#include <stdint.h>

struct sim_io {
	void (*send)(void *arg, const uint8_t *frame, size_t n);
	void *arg;
};

/*
 * The state is state_size bytes, zeroed, then init.  from_host gets the bytes the host wrote,
 * split anywhere.  tick is called when the time it last returned has come (-1: never; it is
 * also called after every command and every from_host) for output of its own: repeats while
 * a tag stays in the field, inventory notices, telemetry.  command gets one script line's
 * words after the device name (argv[0] is the verb); it returns 0, or -1 with a message in
 * err (translated, for the person typing the script).
 */
struct sim_device {
	const char *name;	/* the link name: pn532, em4100, fingerprint, uhf, dock, idcard */
	int baud;
	size_t state_size;
	const char *usage;	/* the script verbs, one per line, for --help and "help" */
	void (*init)(void *st);
	void (*from_host)(void *st, const uint8_t *bytes, size_t n, int64_t now,
	    const struct sim_io *io);
	int64_t (*tick)(void *st, int64_t now, const struct sim_io *io);
	int (*command)(void *st, int argc, char **argv, int64_t now, const struct sim_io *io,
	    char *err, size_t errsz);
};

#endif
