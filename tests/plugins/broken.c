/* broken.c - STUB */
#include "savoir/plugin.h"
const struct savoir_plugin *savoir_plugin_entry(const struct savoir_host *h) { (void)h; return 0; }
