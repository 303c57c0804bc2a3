/* access.c - STUB */
#include "config.h"
#include "savoird.h"
