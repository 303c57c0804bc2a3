/* cmd_doc.c - STUB */
