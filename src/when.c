/* ISO 8601 times in local time. */
#include "when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"

void
when_format_iso(int64_t ms, char out[WHEN_ISO_MAX])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char date[24], zone[8];
	long off;

	if (localtime_r(&secs, &tm) == NULL) {
		snprintf(out, WHEN_ISO_MAX, "%lld", (long long)ms);
		return;
	}
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof zone, "%z", &tm);	/* +0800 */
	off = strtol(zone, NULL, 10);
	snprintf(out, WHEN_ISO_MAX, "%.19s.%03d%c%02d:%02d", date, (int)(ms % 1000),
	    off < 0 ? '-' : '+', (int)(labs(off) / 100 % 100), (int)(labs(off) % 100));
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int
when_parse(const char *s, int64_t *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char sep;
	time_t t;

	if (strlen(s) > 19 && !all_digits(s))
		return -1;
	if (all_digits(s)) {
		if (strlen(s) > 15)
			return -1;
		*ms = strtoll(s, NULL, 10);
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	if (s[10] != '\0') {
		sep = s[10];
		if (sep != 'T' && sep != ' ')
			return -1;
		n = 0;
		if (sscanf(s + 11, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return -1;
		if (s[16] != '\0' && (sscanf(s + 16, ":%2d%n", &sec, &n) != 1 || n != 3 ||
		    s[19] != '\0'))
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return -1;
	*ms = (int64_t)t * 1000;
	return 0;
}

void
when_format_minute(int64_t ms, char out[WHEN_ISO_MAX])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&secs, &tm) == NULL) {
		out[0] = '\0';
		return;
	}
	strftime(out, WHEN_ISO_MAX, "%Y-%m-%d %H:%M", &tm);
}

void
when_format_duration(int64_t ms, char *out, size_t size)
{
	int64_t minutes = ms > 0 ? ms / 60000 : 0;

	if (minutes >= 60)
		snprintf(out, size, _("%lld h %02lld min"), (long long)(minutes / 60),
		    (long long)(minutes % 60));
	else
		snprintf(out, size, _("%lld min"), (long long)minutes);
}
