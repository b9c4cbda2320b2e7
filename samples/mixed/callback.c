/* The C code that C++ calls back into: the deepest frames of the sample.
 *
 * In "backtrace" mode capture_stack() prints the raw call stack so that
 * `seam symbolize` (or llvm-symbolizer) can turn it into a mixed C / Rust /
 * C++ stack. Output format, on stdout:
 *
 *   base 0x<load bias of the executable>
 *   0x<address>        one line per frame that lies in the executable,
 *   ...                innermost first
 *
 * The load bias is what the dynamic loader added to the executable's ELF
 * virtual addresses (dl_iterate_phdr's dlpi_addr, i.e. link_map l_addr), so
 * "file address = printed address - base". It is 0 for the -no-pie variant.
 * Pipe the addresses into `seam symbolize -e EXE --base BASE --inlines`.
 *
 * Frames in other objects (libmixed-cpp-gcc.so in the shared-library variant,
 * libc below main) are left off stdout, because one `-e EXE --base BASE`
 * cannot symbolize them. Instead every frame, in or out of the executable, is
 * listed on stderr as
 *
 *   frame N 0x<address> <object path> 0x<load bias of that object>
 *
 * so a script can symbolize the others with `-e PATH --base BIAS`.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <link.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mixed.h"

#define NOINLINE __attribute__((noinline))

/* The object (executable or shared library) containing an address. */
struct object_lookup {
  uintptr_t address; /* in: the address to find */
  int index;         /* out: position in the loader's list; 0 = the executable */
  const char *path;  /* out: dlpi_name ("" for the executable) */
  uintptr_t bias;    /* out: dlpi_addr, the object's load bias */
  int found;
  int visited;
};

static int find_object_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct object_lookup *lookup = data;
  int index = lookup->visited++;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph->p_vaddr;
    if (lookup->address >= start && lookup->address - start < ph->p_memsz) {
      lookup->index = index;
      lookup->path = info->dlpi_name;
      lookup->bias = info->dlpi_addr;
      lookup->found = 1;
      return 1; /* stop iterating */
    }
  }
  return 0;
}

static int exe_bias_cb(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  /* glibc visits the executable first; its dlpi_name is "". */
  *(uintptr_t *)data = info->dlpi_addr;
  return 1;
}

/* The deepest function: kept out of line so it is a frame of its own and is
 * where backtrace() is called from. */
static NOINLINE int capture_stack(void) {
  void *frames[64];
  int n = backtrace(frames, 64);

  uintptr_t exe_bias = 0;
  dl_iterate_phdr(exe_bias_cb, &exe_bias);
  char exe_path[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
  exe_path[len > 0 ? len : 0] = '\0';

  printf("base 0x%lx\n", (unsigned long)exe_bias);
  for (int i = 0; i < n; ++i) {
    /* backtrace() returns return addresses, i.e. the instruction after each
     * call. That instruction can belong to the next source line, or lie
     * outside an inlined call's range, so -- as debuggers do for every frame
     * except a stopped thread's innermost one -- print address - 1, which is
     * inside the call instruction and symbolizes to the call site. Here even
     * frames[0] is a return address (from the call to backtrace() itself; glibc
     * leaves its own frame out), not a PC, so all frames get the -1. */
    uintptr_t pc = (uintptr_t)frames[i] - 1;
    struct object_lookup lookup = {.address = pc};
    dl_iterate_phdr(find_object_cb, &lookup);
    if (lookup.found && lookup.index == 0) {
      printf("0x%lx\n", (unsigned long)pc);
      fprintf(stderr, "frame %d 0x%lx %s 0x%lx\n", i, (unsigned long)pc, exe_path,
              (unsigned long)lookup.bias);
    } else if (lookup.found) {
      fprintf(stderr, "frame %d 0x%lx %s 0x%lx\n", i, (unsigned long)pc, lookup.path,
              (unsigned long)lookup.bias);
    } else {
      fprintf(stderr, "frame %d 0x%lx ? 0x0\n", i, (unsigned long)pc);
    }
  }
  fflush(stdout);
  return n;
}

struct summary {
  size_t count;
  double total;
  double mean;
};

/* static inline: inlined into mixed_c_report at -O2 by both compilers. */
static inline struct summary summarize(double total, size_t count) {
  struct summary s = {count, total, count ? total / (double)count : 0.0};
  return s;
}

/* always_inline so the call to capture_stack is made from an inlined frame:
 * the symbolized stack must show maybe_capture inlined into mixed_c_report. */
static inline __attribute__((always_inline)) int maybe_capture(const struct summary *s, uint32_t mode) {
  if (mode != MIXED_MODE_BACKTRACE) return 0;
  int frames = capture_stack();
  /* Looking at the result keeps the call from being a tail call, which would
   * drop mixed_c_report's frame from the stack. */
  return frames > 0 && s->count > 0 ? 0 : 1;
}

/* Called from C++ (seam::geometry::CReporter::on_total). Exported from the
 * executable (see CMakeLists.txt) so libmixed-cpp-gcc.so can call back into it. */
NOINLINE int mixed_c_report(double total, size_t count, uint32_t mode) {
  struct summary s = summarize(total, count);
  FILE *out = mode == MIXED_MODE_BACKTRACE ? stderr : stdout;
  fprintf(out, "report: %zu shapes, total area %.3f, mean %.3f\n", s.count, s.total, s.mean);
  return maybe_capture(&s, mode);
}
