// Rust legacy demangling, a line-by-line port of rustc-demangle 0.1.21's
// legacy.rs (the behaviour of Debian's `rustfilt`), including its quirks:
// an unknown `$...$` escape stops decoding of the element and prints the rest
// raw, `_$` at the start of an element loses its underscore, and any last
// element of the form `h<hex digits>` counts as a hash.
#include "symbolizer/rust_legacy_demangle.h"

#include <cstdint>

namespace seam::rust {

bool LimitedOutput::write(std::string_view text) {
  // rustc-demangle's SizeLimitedFmtAdapter: `remaining.checked_sub(len)`.
  if (exhausted_ || text.size() > remaining_) {
    exhausted_ = true;
    return false;
  }
  remaining_ -= text.size();
  text_.append(text);
  return true;
}

bool LimitedOutput::write_char(char32_t c) {
  std::string encoded;
  append_utf8(encoded, c);
  return write(encoded);
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_lower_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}
bool is_hex(char c) {
  return is_lower_hex(c) || (c >= 'A' && c <= 'F');
}

// rustc-demangle's is_rust_hash: `h` followed by any number of hex digits.
bool is_rust_hash(std::string_view element) {
  if (element.empty() || element[0] != 'h') return false;
  for (char c : element.substr(1)) {
    if (!is_hex(c)) return false;
  }
  return true;
}

// Decodes the `u<hex>` escape `$u20$`; rustc-demangle accepts lower-case hex
// digits that form a Unicode scalar value other than a control character.
std::optional<char32_t> decode_unicode_escape(std::string_view escape) {
  if (escape.empty() || escape[0] != 'u') return std::nullopt;
  std::string_view digits = escape.substr(1);
  if (digits.empty()) return std::nullopt;  // u32::from_str_radix("") fails.
  uint64_t value = 0;
  for (char c : digits) {
    if (!is_lower_hex(c)) return std::nullopt;
    value = value * 16 + static_cast<uint64_t>(is_digit(c) ? c - '0' : c - 'a' + 10);
    if (value > UINT32_MAX) return std::nullopt;  // u32 overflow.
  }
  bool scalar = value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF);
  bool control = value < 0x20 || (value >= 0x7F && value <= 0x9F);
  if (!scalar || control) return std::nullopt;
  return static_cast<char32_t>(value);
}

// The fixed escapes of rustc's legacy mangling.
std::optional<std::string_view> decode_named_escape(std::string_view escape) {
  if (escape == "SP") return "@";
  if (escape == "BP") return "*";
  if (escape == "RF") return "&";
  if (escape == "LT") return "<";
  if (escape == "GT") return ">";
  if (escape == "LP") return "(";
  if (escape == "RP") return ")";
  if (escape == "C") return ",";
  return std::nullopt;
}

// Prints one element, decoding escapes and `..`; mirrors the inner `loop` of
// legacy.rs's Display, including its write granularity.
bool print_element(std::string_view rest, LimitedOutput& out) {
  if (rest.substr(0, 2) == "_$") rest.remove_prefix(1);
  while (true) {
    if (!rest.empty() && rest[0] == '.') {
      bool double_dot = rest.size() > 1 && rest[1] == '.';
      if (!out.write(double_dot ? "::" : ".")) return false;
      rest.remove_prefix(double_dot ? 2 : 1);
    } else if (!rest.empty() && rest[0] == '$') {
      size_t end = rest.find('$', 1);
      if (end == std::string_view::npos) break;
      std::string_view escape = rest.substr(1, end - 1);
      std::string_view after = rest.substr(end + 1);
      if (std::optional<std::string_view> named = decode_named_escape(escape)) {
        if (!out.write(*named)) return false;
      } else if (std::optional<char32_t> c = decode_unicode_escape(escape)) {
        if (!out.write_char(*c)) return false;
      } else {
        break;  // Unknown escape: the rest of the element is printed raw.
      }
      rest = after;
    } else if (size_t i = rest.find_first_of("$."); i != std::string_view::npos) {
      if (!out.write(rest.substr(0, i))) return false;
      rest.remove_prefix(i);
    } else {
      break;
    }
  }
  return out.write(rest);
}

// Splits the next element off `inner` ("3foo..." -> "foo"); parse_legacy has
// already checked that every length fits.
std::string_view next_element(std::string_view& inner) {
  size_t digits = 0;
  size_t length = 0;
  while (is_digit(inner[digits])) length = length * 10 + static_cast<size_t>(inner[digits++] - '0');
  std::string_view element = inner.substr(digits, length);
  inner.remove_prefix(digits + length);
  return element;
}

}  // namespace

std::optional<LegacySymbol> parse_legacy(std::string_view symbol) {
  std::string_view inner;
  if (symbol.substr(0, 3) == "_ZN") {
    inner = symbol.substr(3);
  } else if (symbol.substr(0, 2) == "ZN") {
    inner = symbol.substr(2);  // Windows' dbghelp strips the underscore.
  } else if (symbol.substr(0, 4) == "__ZN") {
    inner = symbol.substr(4);  // macOS adds one.
  } else {
    return std::nullopt;
  }
  for (char c : inner) {
    if (static_cast<unsigned char>(c) & 0x80) return std::nullopt;
  }

  // Element lengths are counted in characters of the rest of the symbol; the
  // path ends at the first 'E' found where an element's length should start.
  size_t elements = 0;
  size_t pos = 0;
  while (true) {
    if (pos >= inner.size()) return std::nullopt;
    if (inner[pos] == 'E') break;
    if (!is_digit(inner[pos])) return std::nullopt;
    size_t length = 0;
    while (pos < inner.size() && is_digit(inner[pos])) {
      size_t digit = static_cast<size_t>(inner[pos] - '0');
      if (length > (SIZE_MAX - digit) / 10) return std::nullopt;
      length = length * 10 + digit;
      ++pos;
    }
    // The identifier and at least one more character (the next length or the
    // closing 'E') must follow.
    if (pos >= inner.size() || inner.size() - pos <= length) return std::nullopt;
    pos += length;
    ++elements;
  }
  return LegacySymbol{inner, elements, inner.substr(pos + 1)};
}

bool has_legacy_hash(const LegacySymbol& symbol) {
  if (symbol.elements == 0) return false;
  std::string_view inner = symbol.inner;
  std::string_view element;
  for (size_t i = 0; i < symbol.elements; ++i) element = next_element(inner);
  if (element.size() != 17 || element[0] != 'h') return false;
  for (char c : element.substr(1)) {
    if (!is_lower_hex(c)) return false;
  }
  return true;
}

bool print_legacy(const LegacySymbol& symbol, LimitedOutput& out) {
  std::string_view inner = symbol.inner;
  for (size_t i = 0; i < symbol.elements; ++i) {
    std::string_view element = next_element(inner);
    if (i + 1 == symbol.elements && is_rust_hash(element)) break;
    if (i != 0 && !out.write("::")) return false;
    if (!print_element(element, out)) return false;
  }
  return true;
}

}  // namespace seam::rust
