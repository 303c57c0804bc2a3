/* cmd_search.c - STUB */
