/* legi.c - STUB */
