/* extract.c - STUB */
#include "config.h"
#include "savoir.h"
void extract_limits_default(struct extract_limits *l) { l->max_file = 64u << 20; l->timeout_ms = 30000; l->cpu_s = 30; l->mem = 1024u << 20; l->flags = 0; }
int extract_file(const struct plugins *p, const char *r, const char *rel, const struct extract_limits *l, struct xfile *o) { (void)p;(void)r;(void)rel;(void)l; o->error = xstrdup("not implemented"); return -1; }
