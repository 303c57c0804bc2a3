/* html.c - STUB */
