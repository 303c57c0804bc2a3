/* tls.h - STUB */
