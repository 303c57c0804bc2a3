/* sqlite_ext.c - STUB */
#include "config.h"
#include <sqlite3.h>
int sqlite3_savoirfr_init(sqlite3 *, char **, const void *);
int sqlite3_savoirfr_init(sqlite3 *db, char **e, const void *a) { (void)db;(void)e;(void)a; return SQLITE_OK; }
