/* The values sample's entry point: keeps the C++ and Rust objects linked in. */
#include <stdio.h>

int values_cpp_anchor(void);
double values_rs_anchor(void);

int main(void) {
  printf("%d %f\n", values_cpp_anchor(), values_rs_anchor());
  return 0;
}
