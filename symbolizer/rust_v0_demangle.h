// Internal to the symbolizer: Rust's v0 mangling (`_R...`), parsed and printed
// exactly as rustc-demangle 0.1.21 (the version in Debian's `rustfilt`) does
// with `{:#}` formatting, i.e. without crate disambiguators and without type
// suffixes on integer constants.
//
//   std::optional<rust::V0Symbol> sym = rust::parse_v0("_RNvCs1234_7mycrate3foo");
//   rust::LimitedOutput out;
//   rust::print_v0(*sym, out);  // out.text() == "mycrate::foo"
//
// Why not LLVM's rustDemangle: LLVM 19 cannot demangle constants of type
// `str`, references, arrays, tuples or ADTs (it rejects the whole symbol),
// prints non-ASCII `char` constants as `'\u{2202}'` where rustfilt prints
// `'∂'`, and rejects symbols whose errors rustc-demangle prints inline
// (`{invalid syntax}`, `{recursion limit reached}`).
#pragma once

#include <optional>
#include <string_view>

#include "symbolizer/rust_legacy_demangle.h"

namespace seam::rust {

struct V0Symbol {
  // The symbol without its `_R` prefix; the path to print starts here.
  std::string_view inner;
  // What follows the path and the optional instantiating crate, e.g. ".cold".
  std::string_view suffix;
};

// Accepts `_R`, `R` and `__R` followed by a path that parses, like
// rustc-demangle's v0::demangle; whatever follows it is the suffix.
std::optional<V0Symbol> parse_v0(std::string_view symbol);

// Prints the symbol's path. Errors hidden behind back-references show up
// inline as rustc-demangle prints them. Returns false if the output limit
// was hit.
bool print_v0(const V0Symbol& symbol, LimitedOutput& out);

}  // namespace seam::rust
