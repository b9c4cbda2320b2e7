// SourceFrame: one frame of a symbolized address. An address inside inlined
// code gives several: the innermost inlined call first, then each caller, up
// to the concrete (out-of-line) function last.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "symbolizer/language.h"

namespace seam {

// Where a frame's name came from.
enum class SymbolSource { Dwarf, SymbolTable };

inline std::string_view symbol_source_name(SymbolSource source) {
  return source == SymbolSource::Dwarf ? "dwarf" : "symtab";
}

struct SourceFrame {
  std::string function;      // demangled, e.g. "rust_crashme::compare_cb"
  std::string linkage_name;  // as in the binary, e.g. "_RNvCs..._12rust_crashme10compare_cb"
  std::string suffix;        // compiler suffix such as ".cold", "" if none
  Language language = Language::Unknown;
  // Source position: for the innermost frame, the line-table entry of the
  // address; for a caller of an inlined frame, the call site.
  std::string file;  // "" when unknown
  uint32_t line = 0;
  uint32_t column = 0;
  bool inlined = false;
  // Start of the concrete function's code holding the address, and the
  // address's offset from it, for the kernel's "func+0x1a" notation
  // (outermost frame only; 0 otherwise). For a part split off the function
  // (GCC's "func.cold"), the start of that part, and split_part is set.
  uint64_t function_start = 0;
  uint64_t function_offset = 0;
  bool split_part = false;
  SymbolSource source = SymbolSource::Dwarf;
};

}  // namespace seam
