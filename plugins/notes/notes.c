/* notes.c - STUB */
