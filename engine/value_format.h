// Typed values printed in the language of their frame: gdb-like for C,
// the language's own syntax for Rust and C++. Used by `bt -f` for each
// frame's arguments and locals, and by anything that prints a variable.
//
//   class TargetReader : public ValueReader { ... };   // memory + symbols
//   std::string text = format_value(type_die, bytes, Language::C, reader);
//   // "{id = 7, p = {x = 3, y = 4}, name = 0x40200b \"outer\", next = 0x4040c0 <c_outer>}"
//   format_value(option_die, bytes, Language::Rust, reader);   // "Some(0x402114 <RS_U32>)"
//
// Bytes the caller could not recover (a partly optimized-out variable: `bytes`
// shorter than the type) print as <optimized out>; memory reached through
// pointers (strings, slices, references) is read through the reader, bounded
// by the options; recursion is bounded by max_depth, whatever the DWARF says.
#pragma once

#include <elfutils/libdw.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "symbolizer/language.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct ValueFormatOptions {
  int max_depth = 2;         // aggregates nested deeper print as {...}
  size_t max_elements = 16;  // array, slice and Vec elements shown
  size_t max_string = 128;   // bytes of a string shown
};

// What the formatter may read: memory at runtime addresses, symbol names.
class ValueReader {
 public:
  virtual ~ValueReader() = default;
  virtual Result<void> read(uint64_t address, std::span<std::byte> out) = 0;
  virtual std::optional<std::string> symbol_for(uint64_t address) = 0;  // "init_task", "panic+0x10"
};

// `type` is the DWARF type DIE of the value; `bytes` may be shorter than the
// type when part is unknown.
std::string format_value(Dwarf_Die type, std::span<const std::byte> bytes, Language language,
                         ValueReader& reader, const ValueFormatOptions& options = {});

}  // namespace seam::engine
