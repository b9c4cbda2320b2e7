// Demangling of Itanium C++ (_Z...), Rust v0 (_R...) and Rust legacy
// (_ZN...17h<16 hex>E) symbols, with the output of c++filt and rustfilt.
//
//   DemangledName d = demangle("_RNvCs1234_7mycrate3foo");
//   d.name      // "mycrate::foo"
//   d.language  // Language::Rust
//
//   demangle_text("at _ZN3foo3barEv+0x10")  // "at foo::bar()+0x10"
//
// Symbol versions (`@VERSION`, `@@VERSION`) are stripped before demangling and
// compiler suffixes (`.cold`, `.isra.0`, `.llvm.123`, `.constprop.0`) never make
// demangling fail: they are returned separately in `suffix`.
#pragma once

#include <string>
#include <string_view>

#include "symbolizer/language.h"

namespace seam {

struct DemangledName {
  // The demangled name without suffix, or the input unchanged (less any
  // @VERSION) when it is not a mangled name or cannot be demangled.
  std::string name;
  // Compiler-generated suffix such as ".cold" or ".isra.0.cold", "" if none.
  std::string suffix;
  // Language implied by the mangling scheme; Unknown for plain (C) names.
  Language language = Language::Unknown;
  // True when `name` is a demangled form of the input.
  bool demangled = false;

  // What c++filt / rustfilt print for the symbol, e.g. "foo() [clone .cold]".
  std::string display() const;
};

DemangledName demangle(std::string_view symbol);

// Replaces every mangled token inside arbitrary text (like `c++filt` and
// `rustfilt` used as filters), leaving everything else byte for byte.
std::string demangle_text(std::string_view text);

}  // namespace seam
