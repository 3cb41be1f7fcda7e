/* Picks the storage backend from the --db argument. */
#include "store.h"

#include <string.h>

int
store_is_url(const char *where)
{
	return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

int
store_open(const char *where, struct store **out, struct errmsg *em)
{
	int status;

	*out = NULL;
	if (store_is_url(where))
		status = store_pg_open(where, out, em);
	else
		status = store_sqlite_open(where, out, em);
	if (status == CST_OK)
		pthread_mutex_init(&(*out)->lock, NULL);
	return status;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_destroy(&s->lock);
	s->ops->close(s);
}
