/* legal.c - STUB */
