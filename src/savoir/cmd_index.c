/* cmd_index.c - STUB */
