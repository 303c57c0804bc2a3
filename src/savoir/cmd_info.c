/* cmd_info.c - STUB */
