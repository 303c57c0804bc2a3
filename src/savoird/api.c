/* api.c - STUB */
#include "config.h"
#include "savoird.h"
