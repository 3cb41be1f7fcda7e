/*
 * Every user-visible string is translated: the strings in the sources today (xgettext into a
 * fresh template) must all have a zh_CN translation, and the man pages must lint clean.
 * Runs from the source tree root (make test does).
 */
#include "t.h"
#include "util.h"

static int
sh(const char *cmd, char **out)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	struct t_result r = t_run(argv, NULL, NULL);

	if (out != NULL) {
		*out = r.err;
		r.err = NULL;
	}
	t_result_free(&r);
	return r.status;
}

int
main(void)
{
	char *dir = t_tmpdir("i18n"), cmd[2048], *err = NULL;

	snprintf(cmd, sizeof cmd, "xgettext --from-code=UTF-8 --language=C --keyword=_ "
	    "--keyword=N_ -o %s/fresh.pot $(ls src/*.c src/*/*.c screens/*.c drivers/*.c "
	    "drivers/*/*.c 2>/dev/null)", dir);
	ok(sh(cmd, NULL) == 0, "xgettext extracts the sources' strings");
	snprintf(cmd, sizeof cmd, "msgcmp po/zh_CN.po %s/fresh.pot", dir);
	ok(sh(cmd, &err) == 0, "every string in the sources has a zh_CN translation");
	if (err != NULL && *err)
		fprintf(stderr, "%s", err);
	free(err);
	ok(sh("msgfmt --check -o /dev/null po/zh_CN.po && msgfmt --check -o /dev/null po/en.po",
	    NULL) == 0, "the catalogs compile with format checks");
	ok(sh("mandoc -Tlint -Wwarning man/*.[0-9]", &err) == 0, "the man pages lint clean");
	if (err != NULL && *err)
		fprintf(stderr, "%s", err);
	free(err);
	t_rmrf(dir);
	free(dir);
	return t_done();
}
