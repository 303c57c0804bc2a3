/* tls.c - STUB */
