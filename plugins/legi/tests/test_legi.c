/* test_legi.c - STUB */
#include "config.h"
#include "testutil.h"
static void t_stub(void **s) { (void)s; }
int main(void) { const struct CMUnitTest t[] = { cmocka_unit_test(t_stub) }; return cmocka_run_group_tests(t, NULL, NULL); }
