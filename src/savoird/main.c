/* main.c (savoird) - STUB */
int main(void) { return 0; }
