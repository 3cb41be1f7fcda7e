/* gettext for every string the user sees. */
#ifndef CUSTODY_I18N_H
#define CUSTODY_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the "custody" text domain: next to the binary in a build tree, else LOCALEDIR. */
void i18n_init(void);

#endif
