/* partenariat.c - STUB */
