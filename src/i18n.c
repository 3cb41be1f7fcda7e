/* Finding the translations: next to a build-tree binary, or where make install put them. */
#include "i18n.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory holding the running binary, or "" when it cannot be found. */
static void
exe_dir(char *out, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	char *slash;

	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	out[n] = '\0';
	slash = strrchr(out, '/');
	if (slash != NULL)
		*slash = '\0';
}

/*
 * When the locale the user asked for is not installed (a fresh Debian has only C.UTF-8), fall
 * back to C.UTF-8 and keep their language for gettext through LANGUAGE.
 */
static void
set_locale(void)
{
	const char *want, *language = getenv("LANGUAGE");

	if (setlocale(LC_ALL, "") != NULL) {
		/* Text is UTF-8 everywhere inside: widths and wide characters need a UTF-8 ctype. */
		if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
			setlocale(LC_CTYPE, "C.UTF-8");
		return;
	}
	want = getenv("LC_ALL");
	if (want == NULL || *want == '\0')
		want = getenv("LC_MESSAGES");
	if (want == NULL || *want == '\0')
		want = getenv("LANG");
	setlocale(LC_ALL, "C.UTF-8");
	if (want != NULL && *want != '\0' && (language == NULL || *language == '\0')) {
		char lang[32];

		snprintf(lang, sizeof lang, "%s", want);
		lang[strcspn(lang, ".@")] = '\0';
		setenv("LANGUAGE", lang, 1);
	}
}

void
i18n_init(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	const char *env = getenv("CUSTODY_LOCALEDIR");

	set_locale();
	exe_dir(dir, sizeof dir);
	if (env != NULL && *env != '\0') {
		snprintf(path, sizeof path, "%s", env);
	} else {
		/* a build tree keeps build/locale beside build/custody */
		snprintf(path, sizeof path, "%s/locale", dir);
		if (dir[0] == '\0' || !is_dir(path))
			snprintf(path, sizeof path, "%s", LOCALEDIR);
	}
	bindtextdomain("custody", path);
	bind_textdomain_codeset("custody", "UTF-8");
	textdomain("custody");
}
