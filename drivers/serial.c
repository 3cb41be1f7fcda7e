/* Serial lines: libserialport for real ports, termios for pseudo-terminals. */
#define _DEFAULT_SOURCE	/* CRTSCTS */
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"
#include "serial.h"
#include "xmalloc.h"

struct serial {
	struct sp_port *port;	/* NULL for a line opened with termios */
	int fd;
};

struct framing {
	int bits;
	enum sp_parity parity;
};

static int
parse_framing(const char *f, struct framing *out)
{
	if (strlen(f) != 3 || (f[0] != '8' && f[0] != '7') || f[2] != '1')
		return -1;
	out->bits = f[0] - '0';
	switch (f[1]) {
	case 'N': out->parity = SP_PARITY_NONE; break;
	case 'E': out->parity = SP_PARITY_EVEN; break;
	case 'O': out->parity = SP_PARITY_ODD; break;
	default: return -1;
	}
	return 0;
}

static speed_t
termios_speed(int baud)
{
	static const struct {
		int baud;
		speed_t speed;
	} speeds[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
		{ 230400, B230400 },
	};
	size_t i;

	for (i = 0; i < sizeof speeds / sizeof *speeds; i++)
		if (speeds[i].baud == baud)
			return speeds[i].speed;
	return 0;
}

/* A pseudo-terminal or a port libserialport does not know: raw mode by termios. */
static int
open_termios(const char *path, int baud, const struct framing *fr, int *fd_out,
    struct errmsg *em)
{
	struct termios t;
	speed_t speed = termios_speed(baud);
	int fd;

	if (speed == 0)
		return err_set(em, CST_ERR_ARG, _("%s: unsupported baud rate %d"), path, baud);
	if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return err_set(em, errno == ENOENT ? CST_ERR_NOTFOUND : CST_ERR_IO, "%s: %s",
		    path, strerror(errno));
	if (tcgetattr(fd, &t) != 0) {
		err_set(em, CST_ERR_ARG, _("%s: not a serial line: %s"), path, strerror(errno));
		close(fd);
		return CST_ERR_ARG;
	}
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
	    IXOFF | INPCK);
	t.c_oflag &= ~(tcflag_t)OPOST;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= (tcflag_t)(CLOCAL | CREAD | (fr->bits == 7 ? CS7 : CS8));
	if (fr->parity != SP_PARITY_NONE)
		t.c_cflag |= (tcflag_t)(PARENB | (fr->parity == SP_PARITY_ODD ? PARODD : 0));
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, speed);
	cfsetospeed(&t, speed);
	if (tcsetattr(fd, TCSANOW, &t) != 0) {
		err_set(em, CST_ERR_IO, _("%s: cannot set the line: %s"), path, strerror(errno));
		close(fd);
		return CST_ERR_IO;
	}
	tcflush(fd, TCIFLUSH);
	*fd_out = fd;
	return CST_OK;
}

static int
sp_failed(struct errmsg *em, const char *path, struct sp_port *port)
{
	char *msg = sp_last_error_message();

	err_set(em, CST_ERR_IO, "%s: %s", path, msg ? msg : _("serial port error"));
	sp_free_error_message(msg);
	if (port) {
		sp_close(port);
		sp_free_port(port);
	}
	return CST_ERR_IO;
}

static int
open_libserialport(const char *path, int baud, const struct framing *fr, struct serial *s,
    struct errmsg *em)
{
	struct sp_port *port;
	int fd, fl;

	if (sp_get_port_by_name(path, &port) != SP_OK)
		return CST_ERR_NOTFOUND;
	if (sp_open(port, SP_MODE_READ_WRITE) != SP_OK) {
		sp_free_port(port);
		return sp_failed(em, path, NULL);
	}
	if (sp_set_baudrate(port, baud) != SP_OK || sp_set_bits(port, fr->bits) != SP_OK ||
	    sp_set_parity(port, fr->parity) != SP_OK || sp_set_stopbits(port, 1) != SP_OK ||
	    sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE) != SP_OK ||
	    sp_get_port_handle(port, &fd) != SP_OK)
		return sp_failed(em, path, port);
	if ((fl = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return sp_failed(em, path, port);
	sp_flush(port, SP_BUF_INPUT);
	s->port = port;
	s->fd = fd;
	return CST_OK;
}

int
serial_open(const char *path, int baud, const char *framing, struct serial **out,
    struct errmsg *em)
{
	struct serial *s;
	struct framing fr;
	int rc;

	if (parse_framing(framing, &fr) != 0)
		return err_set(em, CST_ERR_ARG, _("%s: unknown framing \"%s\""), path, framing);
	if (baud <= 0 || baud > 4000000)
		return err_set(em, CST_ERR_ARG, _("%s: unsupported baud rate %d"), path, baud);
	s = xcalloc(1, sizeof *s);
	rc = open_libserialport(path, baud, &fr, s, em);
	if (rc == CST_ERR_NOTFOUND)
		rc = open_termios(path, baud, &fr, &s->fd, em);
	if (rc != CST_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return CST_OK;
}

int
serial_fd(const struct serial *s)
{
	return s->fd;
}

const char *
serial_transport(const struct serial *s)
{
	return s->port ? "libserialport" : "termios";
}

ssize_t
serial_read(struct serial *s, void *buf, size_t n, struct errmsg *em)
{
	ssize_t got = read(s->fd, buf, n);

	if (got > 0)
		return got;
	if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	/* 0 from a non-blocking tty with VMIN 0 is "nothing", unless poll said the line hung up. */
	if (got == 0)
		return 0;
	err_set(em, CST_ERR_IO, _("the line is gone: %s"), strerror(errno));
	return -1;
}

ssize_t
serial_write(struct serial *s, const void *buf, size_t n, struct errmsg *em)
{
	ssize_t put = write(s->fd, buf, n);

	if (put >= 0)
		return put;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	err_set(em, CST_ERR_IO, _("the line is gone: %s"), strerror(errno));
	return -1;
}

void
serial_close(struct serial *s)
{
	if (s == NULL)
		return;
	if (s->port) {
		sp_close(s->port);
		sp_free_port(s->port);
	} else {
		close(s->fd);
	}
	free(s);
}

static void
copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int
serial_list(struct serial_port_info *out, int max, struct errmsg *em)
{
	struct sp_port **ports;
	int i, n = 0;

	if (sp_list_ports(&ports) != SP_OK) {
		sp_failed(em, "serial", NULL);
		return -1;
	}
	for (i = 0; ports[i] && n < max; i++, n++) {
		struct serial_port_info *p = &out[n];
		enum sp_transport t = sp_get_port_transport(ports[i]);

		copy(p->path, sizeof p->path, sp_get_port_name(ports[i]));
		copy(p->description, sizeof p->description, sp_get_port_description(ports[i]));
		copy(p->transport, sizeof p->transport, t == SP_TRANSPORT_USB ? "usb" :
		    t == SP_TRANSPORT_BLUETOOTH ? "bluetooth" : "native");
		p->usb_vid = p->usb_pid = -1;
		if (t == SP_TRANSPORT_USB)
			sp_get_port_usb_vid_pid(ports[i], &p->usb_vid, &p->usb_pid);
	}
	sp_free_port_list(ports);
	return n;
}
