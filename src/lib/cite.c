/* cite.c - STUB */
#include "config.h"
#include "savoir.h"
void cite_scan(const char *t, size_t l, const char *d, void (*cb)(const char *, const char *, void *), void *a) { (void)t;(void)l;(void)d;(void)cb;(void)a; }
