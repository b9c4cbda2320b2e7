// Internal to the symbolizer: Rust's legacy mangling (`_ZN...17h<hash>E`),
// parsed and printed exactly as rustc-demangle 0.1.21 (the version in Debian's
// `rustfilt`) does with `{:#}` formatting, i.e. without the hash.
//
//   std::optional<rust::LegacySymbol> sym = rust::parse_legacy("_ZN3foo3bar17h0123456789abcdefE");
//   rust::LimitedOutput out;
//   rust::print_legacy(*sym, out);  // out.text() == "foo::bar"
//
// LLVM's demangler treats these symbols as plain Itanium names (it would print
// `foo::bar::h0123456789abcdef` and never decode `$LT$` and friends), hence
// our own code.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace seam::rust {

// Collects demangled text with rustc-demangle's output size limit: once the
// text would exceed kMaxSize bytes, the write that crosses the limit and all
// later writes are refused. Both Rust demanglers print through it, write by
// write as rustc-demangle does, so the truncation point matches too.
class LimitedOutput {
 public:
  static constexpr size_t kMaxSize = 1'000'000;

  // Appends `text`; returns false (appending nothing) once the limit is hit.
  bool write(std::string_view text);
  // Appends the UTF-8 encoding of `c` as a single write.
  bool write_char(char32_t c);

  bool exhausted() const { return exhausted_; }
  const std::string& text() const { return text_; }
  std::string& text() { return text_; }

 private:
  std::string text_;
  size_t remaining_ = kMaxSize;
  bool exhausted_ = false;
};

// Appends the UTF-8 encoding of a Unicode scalar value.
void append_utf8(std::string& out, char32_t c);

struct LegacySymbol {
  // The path elements ("3foo3bar17h...E..."), from the first length prefix on.
  std::string_view inner;
  // Number of length-prefixed elements before the closing 'E'.
  size_t elements = 0;
  // Whatever follows the closing 'E', e.g. ".llvm.1234" or "v" for C++ names.
  std::string_view suffix;
};

// Parses `_ZN`, `ZN` or `__ZN` followed by length-prefixed elements and 'E'.
// Like rustc-demangle it accepts any such path, with or without a hash, and
// returns whatever follows the 'E' as the suffix without judging it.
std::optional<LegacySymbol> parse_legacy(std::string_view symbol);

// True when the last element is rustc's hash, `h` and 16 hex digits: the mark
// of a Rust (rather than C++) symbol.
bool has_legacy_hash(const LegacySymbol& symbol);

// Prints the path with `::` separators, decoding `$LT$`-style escapes and `..`
// and dropping a trailing hash. Returns false if the output limit was hit.
bool print_legacy(const LegacySymbol& symbol, LimitedOutput& out);

}  // namespace seam::rust
