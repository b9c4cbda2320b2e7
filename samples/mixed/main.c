/* Entry point of the mixed-language sample: C main -> Rust -> C++ -> C.
 *
 * Usage: mixed [run|backtrace|panic]
 *   (none)/run  compute the scene's total area, print it, exit 0
 *   backtrace   same, but the deepest C frame prints the call stack on stdout
 *               (see callback.c for the format); the result goes to stderr so
 *               stdout can be piped straight into `seam symbolize`
 *   panic       Rust panics deep in its call chain; the panic is caught at the
 *               FFI boundary and main exits with status 3
 */
#include <stdio.h>
#include <string.h>

#include "mixed.h"

/* always_inline (not just `static inline`) so every compiler at -O2 produces
 * DW_TAG_inlined_subroutine entries in main, independent of its heuristics. */
static inline __attribute__((always_inline)) int parse_mode(const char *arg, enum mixed_mode *mode) {
  if (arg == NULL || strcmp(arg, "run") == 0) {
    *mode = MIXED_MODE_RUN;
  } else if (strcmp(arg, "backtrace") == 0) {
    *mode = MIXED_MODE_BACKTRACE;
  } else if (strcmp(arg, "panic") == 0) {
    *mode = MIXED_MODE_PANIC;
  } else {
    return -1;
  }
  return 0;
}

/* Inlined into main: the call into Rust is made from this inlined frame, so a
 * symbolizer must report "run_mode" inlined into "main" for that address. */
static inline __attribute__((always_inline)) int run_mode(enum mixed_mode mode) {
  double total = 0.0;
  int32_t status = mixed_rust_entry((uint32_t)mode, &total);
  /* Using status and total after the call keeps it from being a tail call. */
  switch (status) {
  case MIXED_OK:
    fprintf(mode == MIXED_MODE_BACKTRACE ? stderr : stdout, "result: total area %.3f\n", total);
    return 0;
  case MIXED_ERR_PANIC:
    fprintf(stderr, "result: the Rust side panicked (caught at the FFI boundary)\n");
    return 3;
  default:
    fprintf(stderr, "result: error %d\n", (int)status);
    return 1;
  }
}

int main(int argc, char **argv) {
  enum mixed_mode mode;
  if (parse_mode(argc > 1 ? argv[1] : NULL, &mode) != 0) {
    fprintf(stderr, "usage: %s [run|backtrace|panic]\n", argv[0]);
    return 2;
  }
  return run_mode(mode);
}
