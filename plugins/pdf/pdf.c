/* pdf.c - STUB */
