/* query.c - STUB */
#include "config.h"
#include "savoir.h"
#include <stdlib.h>
struct query *query_parse(const char *i, const char *const *k) { (void)i;(void)k; return xcalloc(1, sizeof(struct query)); }
void query_free(struct query *q) { free(q); }
int query_is_empty(const struct query *q) { return q->nnodes == 0; }
char *query_fts_all(const struct query *q) { (void)q; return NULL; }
char *query_fts_any(const struct query *q) { (void)q; return NULL; }
size_t query_units(const struct query *q) { (void)q; return 0; }
char *query_describe(const struct query *q) { (void)q; return xstrdup(""); }
