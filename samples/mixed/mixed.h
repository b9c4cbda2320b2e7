/* The ABI shared by the three languages of the mixed sample.
 *
 * Every call that crosses a language boundary goes through a function declared
 * here with C linkage, so the C, C++ and Rust sides agree on one contract:
 *
 *   main (C, main.c)
 *     -> mixed_rust_entry       (Rust, lib.rs)
 *       -> mixed_cpp_total_area (C++, shapes.cpp)
 *         -> mixed_c_report     (C, callback.c)
 *
 * lib.rs cannot include this header, so it repeats the declarations it uses
 * (#[repr(C)] struct MixedShapeSpec and the extern "C" blocks); keep them in
 * sync by hand.
 */
#ifndef SEAM_SAMPLES_MIXED_H
#define SEAM_SAMPLES_MIXED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the program was asked to do (argv[1]); passed down through every
 * layer so the deepest C function knows whether to print the stack. */
enum mixed_mode {
  MIXED_MODE_RUN = 0,       /* no argument: compute, print the result, exit 0 */
  MIXED_MODE_BACKTRACE = 1, /* "backtrace": also print the raw call stack */
  MIXED_MODE_PANIC = 2,     /* "panic": take the Rust panic path */
};

enum mixed_shape_kind {
  MIXED_SHAPE_CIRCLE = 1,   /* a = radius */
  MIXED_SHAPE_RECT = 2,     /* a = width, b = height */
  MIXED_SHAPE_TRIANGLE = 3, /* a = base, b = height */
};

/* One shape as Rust hands it to C++ (mirrored by MixedShapeSpec in lib.rs). */
struct mixed_shape_spec {
  uint32_t kind; /* enum mixed_shape_kind */
  double a;
  double b;
};

/* Return codes of mixed_rust_entry. */
enum mixed_status {
  MIXED_OK = 0,
  MIXED_ERR_BAD_MODE = -1, /* mode was not an enum mixed_mode value */
  MIXED_ERR_SCENE = -2,    /* the scene was rejected (a Rust Err) */
  MIXED_ERR_PANIC = -3,    /* Rust panicked; the panic was caught at the FFI edge */
};

/* Rust (lib.rs): builds a scene, measures it through C++, stores the total. */
int32_t mixed_rust_entry(uint32_t mode, double *total_out);

/* C++ (shapes.cpp): turns specs into shape objects, sums their areas and
 * reports the result through mixed_c_report. Returns the total area, or a
 * negative value if the report failed. */
double mixed_cpp_total_area(const struct mixed_shape_spec *specs, size_t count, uint32_t mode);

/* C (callback.c): the deepest frame; prints a summary and, in
 * MIXED_MODE_BACKTRACE, the call stack. Returns 0 on success. In the
 * shared-library variant this lives in the executable and is called from
 * libmixed-cpp-gcc.so, so the executable exports it. */
int mixed_c_report(double total, size_t count, uint32_t mode);

#ifdef __cplusplus
}
#endif

#endif /* SEAM_SAMPLES_MIXED_H */
