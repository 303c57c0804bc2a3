/* office.c - STUB */
