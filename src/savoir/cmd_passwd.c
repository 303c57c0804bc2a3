/* cmd_passwd.c - STUB */
#include "config.h"
#include "savoir.h"
int cmd_passwd(int argc, char **argv) { (void)argc; (void)argv; return 2; }
