/* plugin.c - STUB */
#include "config.h"
#include "savoir.h"
#include <stdlib.h>
struct plugins *plugins_load(const char *d) { (void)d; return xcalloc(1, sizeof(struct plugins)); }
void plugins_free(struct plugins *p) { free(p); }
const char *plugins_default_dirs(void) { return PLUGINDIR; }
size_t plugins_for_path(const struct plugins *p, const char *path, const struct plugin **o, size_t m) { (void)p;(void)path;(void)o;(void)m; return 0; }
const struct savoir_type_decl *plugins_type(const struct plugins *p, const char *t, const struct plugin **o) { (void)p;(void)t;(void)o; return NULL; }
const struct savoir_host *plugin_host(void) { return NULL; }
