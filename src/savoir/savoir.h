/* savoir.h (CLI) - STUB */
