/* sanitize.c - STUB */
#include "config.h"
#include "savoir.h"
char *html_sanitize(const char *h, size_t n) { return xstrndup(h, n); }
