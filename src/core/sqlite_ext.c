/*
 * sqlite_ext.c - savoir_fr as a loadable SQLite extension, so that the
 * sqlite3 shell (or any SQLite host) can query an index:
 *
 *	sqlite3 savoir.db '.load /usr/lib/x86_64-linux-gnu/savoir/savoir_fr'
 *
 * SQLite derives the entry point from the file name: "savoir_fr.so" loses
 * its directory, extension and every non-letter, giving
 * sqlite3_savoirfr_init.  This file only hands the host's api table to
 * tokenizer_fr.c; it must never register anything of its own, so that an
 * index opened here tokenizes exactly as the daemon does.
 */
#include "config.h"

#include <stddef.h>

#include <sqlite3ext.h>

/* tokenizer_fr.c */
int	tokenizer_fr_register_api(sqlite3 *, const sqlite3_api_routines *,
	    char **);

int	sqlite3_savoirfr_init(sqlite3 *, char **, const sqlite3_api_routines *);

int
sqlite3_savoirfr_init(sqlite3 *db, char **errmsg,
    const sqlite3_api_routines *api)
{
	char	*cause = NULL;
	int	 rc;

	rc = tokenizer_fr_register_api(db, api, &cause);
	if (errmsg != NULL)
		*errmsg = cause;	/* the host frees it */
	else if (cause != NULL)
		api->free(cause);
	return rc;
}
