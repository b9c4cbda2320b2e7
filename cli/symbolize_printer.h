// Printing of symbolized addresses, kept apart from lookup (as LLVM's
// DIPrinter is): llvm-symbolizer-like text, or one JSON object per address.
//
//   SymbolizePrinter printer(std::cout, {.json = true});
//   printer.print(binary->symbolize(address));
//
// Text, per address (a blank line after each), with --inlines:
//   rust_mixed::apply [rust, inlined]
//   /src/samples/mixed/lib.rs:42:9
//   mixed_run [rust]
//   /src/samples/mixed/lib.rs:60:5
// JSON (JSON Lines):
//   {"address":"0x1234","frames":[{"function":...,"linkage_name":...,
//    "language":"rust","file":...,"line":42,"column":9,"inlined":true,
//    "source":"dwarf","function_offset":18}]}
#pragma once

#include <ostream>

#include "symbolizer/binary.h"

namespace seam::cli {

struct PrintOptions {
  bool json = false;
  bool inlines = false;        // every inline frame, not just the function
  bool print_address = false;  // text: the address on a line of its own first
};

class SymbolizePrinter {
 public:
  SymbolizePrinter(std::ostream& out, PrintOptions options) : out_(out), options_(options) {}
  void print(const Symbolized& symbolized);

 private:
  void print_text(const Symbolized& symbolized);
  void print_json(const Symbolized& symbolized);

  std::ostream& out_;
  PrintOptions options_;
};

// Without --inlines, one frame stands for the address, as llvm-symbolizer
// --no-inlines does: the concrete function's name at the innermost position.
std::vector<SourceFrame> frames_to_print(const Symbolized& symbolized, bool inlines);

}  // namespace seam::cli
