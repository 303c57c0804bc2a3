/* search.c - STUB */
#include "config.h"
#include "savoir.h"
