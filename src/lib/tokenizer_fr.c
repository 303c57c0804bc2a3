/* tokenizer_fr.c - STUB, replaced by the real tokenizer. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "savoir.h"
int tokenizer_fr_register(sqlite3 *db) { (void)db; return SQLITE_OK; }
char *fr_fold(const char *s, size_t n) { char *p = malloc(n + 1); size_t i; for (i = 0; i < n; i++) p[i] = (char)tolower((unsigned char)s[i]); p[n] = 0; return p; }
int fr_is_stopword(const char *w, size_t n) { static const char *sw[] = {"le","la","les","de","des","du","et","un","une","l","d",NULL}; int i; for (i = 0; sw[i]; i++) if (strlen(sw[i]) == n && memcmp(sw[i], w, n) == 0) return 1; return 0; }
int article_ref_next(const char *t, size_t l, size_t *p, size_t *s, size_t *e, char n[32]) { (void)t;(void)l;(void)p;(void)s;(void)e;(void)n; return 0; }
