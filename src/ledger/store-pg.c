/* The ledger's PostgreSQL backend (libpq): not written yet. */
#include "store.h"

#include "i18n.h"

int
store_pg_open(const char *url, struct store **out, struct errmsg *em)
{
	(void)url;
	*out = NULL;
	return err_set(em, CST_ERR_ARG, _("this custody-ledger was built without PostgreSQL support"));
}
