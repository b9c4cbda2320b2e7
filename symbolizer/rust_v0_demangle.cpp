// Rust v0 demangling, a port of rustc-demangle 0.1.21's v0.rs (the version in
// Debian's `rustfilt`) restricted to `{:#}` formatting. The structure follows
// the Rust code function by function so the two can be compared:
//
//  * Parser reads the grammar. Its steps return false and record the error.
//  * Printer walks the symbol once, printing as it parses. With no output it
//    only validates (parse_v0); then back-references are not followed.
//  * PARSE(step) is rustc-demangle's `parse!` macro: after a failed step the
//    error message is printed ("{invalid syntax}", or "?" when the parser had
//    already failed) and the print function returns successfully, so callers
//    keep printing the surrounding syntax, e.g. `Vec<[(A, ?); ?]>`. Keep
//    each PARSE in the function the Rust code has it in: its early return
//    skips what that function prints afterwards (a closing brace, say).
//  * Print functions return false only when the output limit is hit, like a
//    `fmt::Error`, and that aborts everything (TRY is Rust's `?`).
//
// Differences from the newest rustc-demangle are deliberate: 0.1.21 has no
// pattern types (`W`), so they are invalid here as in rustfilt.
#include "symbolizer/rust_v0_demangle.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace seam::rust {
namespace {

// Nesting depth at which parsing gives up with "{recursion limit reached}".
constexpr uint32_t kMaxDepth = 500;

enum class ParseError { Invalid, RecursedTooDeep };

std::string_view error_message(ParseError error) {
  return error == ParseError::Invalid ? "{invalid syntax}" : "{recursion limit reached}";
}

bool needs_unicode_escape(char32_t c);

// ---------------------------------------------------------------------------
// Identifiers, with Punycode for non-ASCII ones.

struct Ident {
  std::string_view ascii;     // ASCII part
  std::string_view punycode;  // Punycode insertion codes, if any

  bool empty() const { return ascii.empty() && punycode.empty(); }
};

// Decodes Punycode (RFC 3492 with rustc's parameters) into at most 128
// characters, like rustc-demangle's try_small_punycode_decode; nullopt when
// the encoding is invalid or the result longer.
std::optional<std::u32string> punycode_decode(const Ident& ident) {
  constexpr size_t kMaxChars = 128;
  constexpr uint64_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38;
  if (ident.punycode.empty()) return std::nullopt;
  std::u32string out;
  auto insert = [&](size_t at, char32_t c) {
    if (out.size() >= kMaxChars) return false;
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), c);
    return true;
  };
  for (char c : ident.ascii) {
    if (!insert(out.size(), static_cast<unsigned char>(c))) return std::nullopt;
  }
  uint64_t damp = 700, bias = 72, i = 0, n = 0x80;
  size_t pos = 0;
  while (true) {
    // Read one delta, a variable-length base-36 integer.
    uint64_t delta = 0, w = 1, k = 0;
    while (true) {
      k += kBase;
      uint64_t t = std::min(std::max(k > bias ? k - bias : 0, kTMin), kTMax);
      if (pos >= ident.punycode.size()) return std::nullopt;
      char byte = ident.punycode[pos++];
      uint64_t d;
      if (byte >= 'a' && byte <= 'z') {
        d = static_cast<uint64_t>(byte - 'a');
      } else if (byte >= '0' && byte <= '9') {
        d = 26 + static_cast<uint64_t>(byte - '0');
      } else {
        return std::nullopt;
      }
      if (w != 0 && d > UINT64_MAX / w) return std::nullopt;
      if (delta > UINT64_MAX - d * w) return std::nullopt;
      delta += d * w;
      if (d < t) break;
      if (w > UINT64_MAX / (kBase - t)) return std::nullopt;
      w *= kBase - t;
    }
    // The new character and where it goes.
    uint64_t len = out.size() + 1;
    if (i > UINT64_MAX - delta) return std::nullopt;
    i += delta;
    if (n > UINT64_MAX - i / len) return std::nullopt;
    n += i / len;
    i %= len;
    if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF)) return std::nullopt;
    if (!insert(i, static_cast<char32_t>(n))) return std::nullopt;
    ++i;
    if (pos == ident.punycode.size()) return out;
    // Bias adaptation.
    delta /= damp;
    damp = 2;
    delta += delta / len;
    k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    bias = k + ((kBase - kTMin + 1) * delta) / (delta + kSkew);
  }
}

// ---------------------------------------------------------------------------
// Hex-encoded constant values.

struct HexNibbles {
  std::string_view nibbles;  // lower-case hex digits, most significant first

  static uint8_t value(char nibble) {
    return static_cast<uint8_t>(nibble <= '9' ? nibble - '0' : nibble - 'a' + 10);
  }

  // The value, or nullopt if it does not fit in 64 bits.
  std::optional<uint64_t> try_parse_uint() const {
    std::string_view digits = nibbles;
    while (!digits.empty() && digits[0] == '0') digits.remove_prefix(1);
    if (digits.size() > 16) return std::nullopt;
    uint64_t v = 0;
    for (char nibble : digits) v = (v << 4) | value(nibble);
    return v;
  }

  // The UTF-8 string the nibbles encode (two per byte), or nullopt if it is
  // not valid UTF-8.
  std::optional<std::u32string> try_parse_str_chars() const {
    if (nibbles.size() % 2 != 0) return std::nullopt;
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < nibbles.size(); i += 2) {
      bytes.push_back(static_cast<uint8_t>(value(nibbles[i]) << 4 | value(nibbles[i + 1])));
    }
    std::u32string chars;
    for (size_t i = 0; i < bytes.size();) {
      std::optional<char32_t> c = decode_utf8(bytes, i);
      if (!c) return std::nullopt;
      chars += *c;
    }
    return chars;
  }

 private:
  // Decodes one strictly valid UTF-8 sequence at bytes[i], advancing i.
  static std::optional<char32_t> decode_utf8(const std::vector<uint8_t>& bytes, size_t& i) {
    uint8_t first = bytes[i];
    size_t length = first < 0x80   ? 1
                    : first < 0xC0 ? 0
                    : first < 0xE0 ? 2
                    : first < 0xF0 ? 3
                    : first < 0xF8 ? 4
                                   : 0;
    if (length == 0 || bytes.size() - i < length) return std::nullopt;
    if (length == 1) return bytes[i++];
    // Allowed range of the second byte; it excludes overlong encodings,
    // surrogates and values above U+10FFFF.
    uint8_t low = 0x80, high = 0xBF;
    if (first == 0xE0) low = 0xA0;
    if (first == 0xED) high = 0x9F;
    if (first == 0xF0) low = 0x90;
    if (first == 0xF4) high = 0x8F;
    if (first < 0xC2 || first > 0xF4) return std::nullopt;
    char32_t c = first & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      uint8_t byte = bytes[i + k];
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return std::nullopt;
      c = (c << 6) | (byte & 0x3F);
    }
    i += length;
    return c;
  }
};

const char* basic_type(char tag) {
  switch (tag) {
    case 'b': return "bool";
    case 'c': return "char";
    case 'e': return "str";
    case 'u': return "()";
    case 'a': return "i8";
    case 's': return "i16";
    case 'l': return "i32";
    case 'x': return "i64";
    case 'n': return "i128";
    case 'i': return "isize";
    case 'h': return "u8";
    case 't': return "u16";
    case 'm': return "u32";
    case 'y': return "u64";
    case 'o': return "u128";
    case 'j': return "usize";
    case 'f': return "f32";
    case 'd': return "f64";
    case 'z': return "!";
    case 'p': return "_";
    case 'v': return "...";
    default: return nullptr;
  }
}

// ---------------------------------------------------------------------------
// Parser: the v0 grammar's terminals. Each step returns false on failure and
// records why in error().

class Parser {
 public:
  Parser() = default;
  Parser(std::string_view sym, size_t next, uint32_t depth)
      : sym_(sym), next_(next), depth_(depth) {}

  size_t position() const { return next_; }
  ParseError error() const { return error_; }

  bool push_depth() {
    if (++depth_ > kMaxDepth) return fail(ParseError::RecursedTooDeep);
    return true;
  }
  void pop_depth() { --depth_; }

  std::optional<char> peek() const {
    if (next_ >= sym_.size()) return std::nullopt;
    return sym_[next_];
  }

  bool eat(char c) {
    if (peek() != c) return false;
    ++next_;
    return true;
  }

  // Steps back over the tag just read, so print_path sees it again.
  void unread() { --next_; }

  bool next(char* out) {
    std::optional<char> c = peek();
    if (!c) return fail(ParseError::Invalid);
    ++next_;
    *out = *c;
    return true;
  }

  bool hex_nibbles(HexNibbles* out) {
    size_t start = next_;
    while (true) {
      char c;
      if (!next(&c)) return false;
      if (c == '_') break;
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return fail(ParseError::Invalid);
    }
    out->nibbles = sym_.substr(start, next_ - 1 - start);
    return true;
  }

  bool digit_10(uint8_t* out) {
    std::optional<char> c = peek();
    if (!c || *c < '0' || *c > '9') return fail(ParseError::Invalid);
    ++next_;
    *out = static_cast<uint8_t>(*c - '0');
    return true;
  }

  bool digit_62(uint8_t* out) {
    std::optional<char> c = peek();
    if (!c) return fail(ParseError::Invalid);
    if (*c >= '0' && *c <= '9') {
      *out = static_cast<uint8_t>(*c - '0');
    } else if (*c >= 'a' && *c <= 'z') {
      *out = static_cast<uint8_t>(10 + *c - 'a');
    } else if (*c >= 'A' && *c <= 'Z') {
      *out = static_cast<uint8_t>(36 + *c - 'A');
    } else {
      return fail(ParseError::Invalid);
    }
    ++next_;
    return true;
  }

  // A base-62 number terminated by '_', where "_" is 0 and "<n>_" is n + 1.
  bool integer_62(uint64_t* out) {
    if (eat('_')) {
      *out = 0;
      return true;
    }
    uint64_t x = 0;
    while (!eat('_')) {
      uint8_t d;
      if (!digit_62(&d)) return false;
      if (x > (UINT64_MAX - d) / 62) return fail(ParseError::Invalid);
      x = x * 62 + d;
    }
    if (x == UINT64_MAX) return fail(ParseError::Invalid);
    *out = x + 1;
    return true;
  }

  // `tag` and an integer_62 (giving that + 1), or nothing (giving 0).
  bool opt_integer_62(char tag, uint64_t* out) {
    if (!eat(tag)) {
      *out = 0;
      return true;
    }
    uint64_t x;
    if (!integer_62(&x)) return false;
    if (x == UINT64_MAX) return fail(ParseError::Invalid);
    *out = x + 1;
    return true;
  }

  bool disambiguator(uint64_t* out) { return opt_integer_62('s', out); }

  // An upper-case special namespace (closure, shim), or nullopt for the
  // implementation-specific lower-case ones.
  bool name_space(std::optional<char>* out) {
    char c;
    if (!next(&c)) return false;
    if (c >= 'A' && c <= 'Z') {
      *out = c;
    } else if (c >= 'a' && c <= 'z') {
      *out = std::nullopt;
    } else {
      return fail(ParseError::Invalid);
    }
    return true;
  }

  // A parser positioned at the target of the back-reference whose 'B' was
  // just read.
  bool backref(Parser* out) {
    size_t s_start = next_ - 1;
    uint64_t i;
    if (!integer_62(&i)) return false;
    if (i >= s_start) return fail(ParseError::Invalid);
    Parser target(sym_, static_cast<size_t>(i), depth_);
    if (!target.push_depth()) return fail(target.error());
    *out = target;
    return true;
  }

  bool ident(Ident* out) {
    bool is_punycode = eat('u');
    uint8_t d;
    if (!digit_10(&d)) return false;
    size_t len = d;
    if (len != 0) {
      while (peek() && *peek() >= '0' && *peek() <= '9') {
        digit_10(&d);
        if (len > (SIZE_MAX - d) / 10) return fail(ParseError::Invalid);
        len = len * 10 + d;
      }
    }
    eat('_');  // Optional separator before identifiers starting with a digit or '_'.
    size_t start = next_;
    if (len > sym_.size() - start) return fail(ParseError::Invalid);
    next_ = start + len;
    std::string_view text = sym_.substr(start, len);
    if (!is_punycode) {
      *out = Ident{text, {}};
      return true;
    }
    size_t split = text.rfind('_');
    if (split == std::string_view::npos) {
      *out = Ident{{}, text};
    } else {
      *out = Ident{text.substr(0, split), text.substr(split + 1)};
    }
    if (out->punycode.empty()) return fail(ParseError::Invalid);
    return true;
  }

 private:
  bool fail(ParseError error) {
    error_ = error;
    return false;
  }

  std::string_view sym_;
  size_t next_ = 0;
  uint32_t depth_ = 0;
  ParseError error_ = ParseError::Invalid;
};

// ---------------------------------------------------------------------------
// Printer

// Rust's `?` on a fmt::Result: stop when the output limit was hit.
#define TRY(expr)              \
  do {                         \
    if (!(expr)) return false; \
  } while (0)

// rustc-demangle's `parse!` macro. `step` is a Parser call on parser_.
#define PARSE(step)                                    \
  do {                                                 \
    if (parser_error_) return print("?");              \
    if (!(parser_.step)) return fail(parser_.error()); \
  } while (0)

class Printer {
 public:
  // `out` is null to only validate the symbol.
  Printer(Parser parser, LimitedOutput* out) : parser_(parser), out_(out) {}

  bool ok() const { return !parser_error_; }
  const Parser& parser() const { return parser_; }

  bool print_path(bool in_value) {
    PARSE(push_depth());
    char tag;
    PARSE(next(&tag));
    switch (tag) {
      case 'C': {
        uint64_t dis;
        Ident name;
        PARSE(disambiguator(&dis));
        PARSE(ident(&name));
        TRY(print_ident(name));  // {:#} omits the crate's "[disambiguator]".
        break;
      }
      case 'N': TRY(print_nested_path(in_value)); break;
      case 'M':
      case 'X':
      case 'Y': {
        if (tag != 'Y') {
          // Ignore the impl's own path.
          uint64_t dis;
          PARSE(disambiguator(&dis));
          skipping_printing([&] { return print_path(false); });
        }
        TRY(print("<"));
        TRY(print_type());
        if (tag != 'M') {
          TRY(print(" as "));
          TRY(print_path(false));
        }
        TRY(print(">"));
        break;
      }
      case 'I':
        TRY(print_path(in_value));
        if (in_value) TRY(print("::"));
        TRY(print("<"));
        TRY(print_sep_list([&] { return print_generic_arg(); }, ", "));
        TRY(print(">"));
        break;
      case 'B': TRY(print_backref([&] { return print_path(in_value); })); break;
      default: return invalid();
    }
    pop_depth();
    return true;
  }

 private:
  // An error message in place of what could not be parsed.
  bool fail(ParseError error) {
    bool ok = print(error_message(error));
    parser_error_ = error;
    return ok;
  }
  // rustc-demangle's `invalid!` macro.
  bool invalid() { return fail(ParseError::Invalid); }

  bool print(std::string_view text) { return !out_ || out_->write(text); }

  bool print_char(char32_t c) { return !out_ || out_->write_char(c); }

  bool print_number(uint64_t n) { return print(std::to_string(n)); }

  // Rust's Display for an identifier: decoded Punycode character by
  // character, else the raw form.
  bool print_ident(const Ident& ident) {
    if (!out_) return true;
    if (std::optional<std::u32string> chars = punycode_decode(ident)) {
      for (char32_t c : *chars) TRY(print_char(c));
      return true;
    }
    if (ident.punycode.empty()) return print(ident.ascii);
    TRY(print("punycode{"));
    if (!ident.ascii.empty()) {
      TRY(print(ident.ascii));
      TRY(print("-"));
    }
    TRY(print(ident.punycode));
    return print("}");
  }

  // Printer::eat: false once the parser has failed.
  bool eat(char c) { return !parser_error_ && parser_.eat(c); }

  void pop_depth() {
    if (!parser_error_) parser_.pop_depth();
  }

  template <typename F>
  void skipping_printing(F&& f) {
    LimitedOutput* saved = out_;
    out_ = nullptr;
    f();  // Cannot fail without output.
    out_ = saved;
  }

  // Prints the target of a back-reference with `f`; when only validating,
  // the target is not visited.
  template <typename F>
  bool print_backref(F&& f) {
    Parser target;
    PARSE(backref(&target));
    if (!out_) return true;
    Parser saved = parser_;
    parser_ = target;
    bool ok = f();
    parser_ = saved;
    parser_error_.reset();
    return ok;
  }

  // Output the chars quoted and escaped with Rust's char::escape_debug,
  // except that a quote of the other kind is left alone.
  bool print_quoted_escaped_chars(char32_t quote, const std::u32string& chars) {
    if (!out_) return true;
    TRY(print_char(quote));
    for (char32_t c : chars) {
      if ((quote == '\'' && c == '"') || (quote == '"' && c == '\'')) {
        TRY(print_char(c));
        continue;
      }
      for (char32_t escaped : escape_debug(c)) TRY(print_char(escaped));
    }
    return print_char(quote);
  }

  // Rust 1.63's char::escape_debug.
  static std::u32string escape_debug(char32_t c) {
    switch (c) {
      case '\0': return U"\\0";
      case '\t': return U"\\t";
      case '\r': return U"\\r";
      case '\n': return U"\\n";
      case '\\': return U"\\\\";
      case '"': return U"\\\"";
      case '\'': return U"\\'";
      default: break;
    }
    if (!needs_unicode_escape(c)) return std::u32string(1, c);
    static constexpr char kHex[] = "0123456789abcdef";
    std::u32string escaped = U"\\u{";
    int shift = 20;
    while (shift > 0 && ((c >> shift) & 0xF) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) escaped += static_cast<char32_t>(kHex[(c >> shift) & 0xF]);
    return escaped + U"}";
  }

  // A lifetime by its de Bruijn index: 0 is '_, 1 the innermost bound one.
  bool print_lifetime_from_index(uint64_t lt) {
    if (!out_) return true;  // Bound lifetimes are not tracked when validating.
    TRY(print("'"));
    if (lt == 0) return print("_");
    if (lt > bound_lifetime_depth_) return invalid();
    uint64_t depth = bound_lifetime_depth_ - lt;
    if (depth < 26) return print_char(static_cast<char32_t>('a' + depth));
    TRY(print("_"));
    return print_number(depth);
  }

  // An optional `for<'a, ...>` binder ('G') around what `f` prints.
  template <typename F>
  bool in_binder(F&& f) {
    uint64_t bound_lifetimes;
    PARSE(opt_integer_62('G', &bound_lifetimes));
    if (!out_) return f();
    if (bound_lifetimes > 0) {
      TRY(print("for<"));
      for (uint64_t i = 0; i < bound_lifetimes; ++i) {
        if (i > 0) TRY(print(", "));
        ++bound_lifetime_depth_;
        TRY(print_lifetime_from_index(1));
      }
      TRY(print("> "));
    }
    bool ok = f();
    bound_lifetime_depth_ -= static_cast<uint32_t>(bound_lifetimes);
    return ok;
  }

  // Elements printed by `f` up to the closing 'E' (or a parse error);
  // `count` receives their number.
  template <typename F>
  bool print_sep_list(F&& f, std::string_view separator, size_t* count = nullptr) {
    size_t i = 0;
    while (!parser_error_ && !parser_.eat('E')) {
      if (i > 0) TRY(print(separator));
      TRY(f());
      ++i;
    }
    if (count) *count = i;
    return true;
  }

  // 'N' paths: `parent::name`, or `parent::{closure#0}` in special namespaces.
  bool print_nested_path(bool in_value) {
    std::optional<char> ns;
    PARSE(name_space(&ns));
    TRY(print_path(in_value));
    // So that an error in the parent still reads `parent::?`.
    if (parser_error_) TRY(print("::"));
    uint64_t dis;
    Ident name;
    PARSE(disambiguator(&dis));
    PARSE(ident(&name));
    if (!ns) {
      if (name.empty()) return true;
      TRY(print("::"));
      return print_ident(name);
    }
    TRY(print("::{"));
    if (*ns == 'C') {
      TRY(print("closure"));
    } else if (*ns == 'S') {
      TRY(print("shim"));
    } else {
      TRY(print_char(static_cast<char32_t>(*ns)));
    }
    if (!name.empty()) {
      TRY(print(":"));
      TRY(print_ident(name));
    }
    TRY(print("#"));
    TRY(print_number(dis));
    return print("}");
  }

  bool print_generic_arg() {
    if (eat('L')) {
      uint64_t lt;
      PARSE(integer_62(&lt));
      return print_lifetime_from_index(lt);
    }
    if (eat('K')) return print_const(false);
    return print_type();
  }

  bool print_type() {
    char tag;
    PARSE(next(&tag));
    if (const char* basic = basic_type(tag)) return print(basic);
    PARSE(push_depth());
    switch (tag) {
      case 'R':
      case 'Q':
        TRY(print("&"));
        if (eat('L')) {
          uint64_t lt;
          PARSE(integer_62(&lt));
          if (lt != 0) {
            TRY(print_lifetime_from_index(lt));
            TRY(print(" "));
          }
        }
        if (tag != 'R') TRY(print("mut "));
        TRY(print_type());
        break;
      case 'P':
      case 'O':
        TRY(print("*"));
        TRY(print(tag != 'P' ? "mut " : "const "));
        TRY(print_type());
        break;
      case 'A':
      case 'S':
        TRY(print("["));
        TRY(print_type());
        if (tag == 'A') {
          TRY(print("; "));
          TRY(print_const(true));
        }
        TRY(print("]"));
        break;
      case 'T': {
        TRY(print("("));
        size_t count;
        TRY(print_sep_list([&] { return print_type(); }, ", ", &count));
        if (count == 1) TRY(print(","));
        TRY(print(")"));
        break;
      }
      case 'F': TRY(in_binder([&] { return print_fn_type(); })); break;
      case 'D': TRY(print_dyn_type()); break;
      case 'B': TRY(print_backref([&] { return print_type(); })); break;
      default:
        if (!parser_error_) parser_.unread();
        TRY(print_path(false));
        break;
    }
    pop_depth();
    return true;
  }

  // The rest of an 'F' type: `unsafe extern "C" fn(A, B) -> R`.
  bool print_fn_type() {
    bool is_unsafe = eat('U');
    std::optional<std::string_view> abi;
    if (eat('K')) {
      if (eat('C')) {
        abi = "C";
      } else {
        Ident name;
        PARSE(ident(&name));
        if (name.ascii.empty() || !name.punycode.empty()) return invalid();
        abi = name.ascii;
      }
    }
    if (is_unsafe) TRY(print("unsafe "));
    if (abi) {
      TRY(print("extern \""));
      // '-' in ABI names is mangled as '_'.
      size_t start = 0;
      for (size_t end; (end = abi->find('_', start)) != std::string_view::npos; start = end + 1) {
        TRY(print(abi->substr(start, end - start)));
        TRY(print("-"));
      }
      TRY(print(abi->substr(start)));
      TRY(print("\" "));
    }
    TRY(print("fn("));
    TRY(print_sep_list([&] { return print_type(); }, ", "));
    TRY(print(")"));
    if (eat('u')) return true;  // `-> ()` is omitted.
    TRY(print(" -> "));
    return print_type();
  }

  // The rest of a 'D' type: `dyn for<'a> A + B<Assoc = T> + 'b`.
  bool print_dyn_type() {
    TRY(print("dyn "));
    TRY(in_binder([&] { return print_sep_list([&] { return print_dyn_trait(); }, " + "); }));
    if (!eat('L')) return invalid();
    uint64_t lt;
    PARSE(integer_62(&lt));
    if (lt != 0) {
      TRY(print(" + "));
      TRY(print_lifetime_from_index(lt));
    }
    return true;
  }

  // Like print_path, but leaves the `<...>` of generic arguments open (and
  // says so in `open`) so that associated type bindings can follow.
  bool print_path_maybe_open_generics(bool* open) {
    *open = false;
    if (eat('B')) {
      bool target_open = false;
      TRY(print_backref([&] { return print_path_maybe_open_generics(&target_open); }));
      *open = target_open;
      return true;
    }
    if (eat('I')) {
      TRY(print_path(false));
      TRY(print("<"));
      TRY(print_sep_list([&] { return print_generic_arg(); }, ", "));
      *open = true;
      return true;
    }
    return print_path(false);
  }

  bool print_dyn_trait() {
    bool open;
    TRY(print_path_maybe_open_generics(&open));
    while (eat('p')) {
      TRY(print(open ? ", " : "<"));
      open = true;
      Ident name;
      PARSE(ident(&name));
      TRY(print_ident(name));
      TRY(print(" = "));
      TRY(print_type());
    }
    if (open) TRY(print(">"));
    return true;
  }

  // Constants. Outside an expression (`in_value` false) everything but
  // literals is wrapped in braces: `Foo<{&[1, 2]}>`.
  bool print_const(bool in_value) {
    char tag;
    PARSE(next(&tag));
    PARSE(push_depth());
    bool opened_brace = false;
    auto open_brace = [&] {
      if (in_value) return true;
      opened_brace = true;
      return print("{");
    };
    switch (tag) {
      case 'p': TRY(print("_")); break;
      case 'h':
      case 't':
      case 'm':
      case 'y':
      case 'o':
      case 'j': TRY(print_const_uint()); break;
      case 'a':
      case 's':
      case 'l':
      case 'x':
      case 'n':
      case 'i':
        if (eat('n')) TRY(print("-"));
        TRY(print_const_uint());
        break;
      case 'b': {
        HexNibbles hex;
        PARSE(hex_nibbles(&hex));
        std::optional<uint64_t> v = hex.try_parse_uint();
        if (v != 0u && v != 1u) return invalid();
        TRY(print(*v == 1 ? "true" : "false"));
        break;
      }
      case 'c': {
        HexNibbles hex;
        PARSE(hex_nibbles(&hex));
        std::optional<uint64_t> v = hex.try_parse_uint();
        if (!v || *v > 0x10FFFF || (*v >= 0xD800 && *v <= 0xDFFF)) return invalid();
        TRY(print_quoted_escaped_chars('\'', std::u32string(1, static_cast<char32_t>(*v))));
        break;
      }
      case 'e':
        // A `str` value; `*"..."` to tell it from a `&str`.
        TRY(open_brace());
        TRY(print("*"));
        TRY(print_const_str_literal());
        break;
      case 'R':
      case 'Q':
        if (tag == 'R' && eat('e')) {
          TRY(print_const_str_literal());  // `"..."` rather than `&*"..."`.
        } else {
          TRY(open_brace());
          TRY(print("&"));
          if (tag != 'R') TRY(print("mut "));
          TRY(print_const(true));
        }
        break;
      case 'A':
        TRY(open_brace());
        TRY(print("["));
        TRY(print_sep_list([&] { return print_const(true); }, ", "));
        TRY(print("]"));
        break;
      case 'T': {
        TRY(open_brace());
        TRY(print("("));
        size_t count;
        TRY(print_sep_list([&] { return print_const(true); }, ", ", &count));
        if (count == 1) TRY(print(","));
        TRY(print(")"));
        break;
      }
      case 'V': {
        // An ADT value: `path`, `path(a, b)` or `path { x: a }`.
        TRY(open_brace());
        TRY(print_path(true));
        char kind;
        PARSE(next(&kind));
        if (kind == 'T') {
          TRY(print("("));
          TRY(print_sep_list([&] { return print_const(true); }, ", "));
          TRY(print(")"));
        } else if (kind == 'S') {
          TRY(print(" { "));
          TRY(print_sep_list([&] { return print_const_field(); }, ", "));
          TRY(print(" }"));
        } else if (kind != 'U') {
          return invalid();
        }
        break;
      }
      case 'B': TRY(print_backref([&] { return print_const(in_value); })); break;
      default: return invalid();
    }
    if (opened_brace) TRY(print("}"));
    pop_depth();
    return true;
  }

  bool print_const_field() {
    uint64_t dis;
    Ident name;
    PARSE(disambiguator(&dis));
    PARSE(ident(&name));
    TRY(print_ident(name));
    TRY(print(": "));
    return print_const(true);
  }

  // {:#} prints integers without their type suffix; values beyond 64 bits
  // in hex.
  bool print_const_uint() {
    HexNibbles hex;
    PARSE(hex_nibbles(&hex));
    if (std::optional<uint64_t> v = hex.try_parse_uint()) return print_number(*v);
    TRY(print("0x"));
    return print(hex.nibbles);
  }

  bool print_const_str_literal() {
    HexNibbles hex;
    PARSE(hex_nibbles(&hex));
    std::optional<std::u32string> chars = hex.try_parse_str_chars();
    if (!chars) return invalid();
    return print_quoted_escaped_chars('"', *chars);
  }

  Parser parser_;
  // Set once parsing failed: rustc-demangle's `parser: Err(...)`.
  std::optional<ParseError> parser_error_;
  LimitedOutput* out_;  // null while skipping printing
  // Lifetimes bound by enclosing `for<...>` binders.
  uint32_t bound_lifetime_depth_ = 0;
};

#undef PARSE
#undef TRY

}  // namespace

std::optional<V0Symbol> parse_v0(std::string_view symbol) {
  std::string_view inner;
  if (symbol.size() > 2 && symbol.substr(0, 2) == "_R") {
    inner = symbol.substr(2);
  } else if (symbol.size() > 1 && symbol[0] == 'R') {
    inner = symbol.substr(1);  // Windows' dbghelp strips the underscore.
  } else if (symbol.size() > 3 && symbol.substr(0, 3) == "__R") {
    inner = symbol.substr(3);  // macOS adds one.
  } else {
    return std::nullopt;
  }
  // Paths always start with an upper-case tag.
  if (inner[0] < 'A' || inner[0] > 'Z') return std::nullopt;
  for (char c : inner) {
    if (static_cast<unsigned char>(c) & 0x80) return std::nullopt;
  }

  // Validate by printing without output: the path, then the optional
  // instantiating crate.
  Parser parser(inner, 0, 0);
  for (int path = 0; path < 2; ++path) {
    if (path == 1) {
      std::optional<char> next = parser.peek();
      if (!next || *next < 'A' || *next > 'Z') break;
    }
    Printer validator(parser, nullptr);
    validator.print_path(false);
    if (!validator.ok()) return std::nullopt;
    parser = validator.parser();
  }
  return V0Symbol{inner, inner.substr(parser.position())};
}

bool print_v0(const V0Symbol& symbol, LimitedOutput& out) {
  Printer printer(Parser(symbol.inner, 0, 0), &out);
  return printer.print_path(true);
}

// ---------------------------------------------------------------------------
// Which characters Rust 1.63's char::escape_debug (the Rust that built
// Debian's rustfilt) prints as `\u{...}`: Grapheme_Extend characters and those
// core::unicode::printable considers unprintable (general categories Cc, Cf,
// Cs, Co, Cn, Zl, Zp and Zs other than ' '), both per Unicode 14.0.
//
// Generated with Python 3.11 (unicodedata.unidata_version == "14.0.0"):
//   cat(c) in {Mn, Me} or c in Other_Grapheme_Extend (PropList.txt 14.0) or
//   (cat(c) in {Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs} and c != 0x20)
// as inclusive ranges, and checked against rustfilt for every code point.
namespace {

struct CodePointRange {
  char32_t first, last;
};

// clang-format off
constexpr CodePointRange kUnicodeEscaped[] = {
    {0x0, 0x1F}, {0x7F, 0xA0}, {0xAD, 0xAD}, {0x300, 0x36F}, {0x378, 0x379}, {0x380, 0x383},
    {0x38B, 0x38B}, {0x38D, 0x38D}, {0x3A2, 0x3A2}, {0x483, 0x489}, {0x530, 0x530}, {0x557, 0x558},
    {0x58B, 0x58C}, {0x590, 0x5BD}, {0x5BF, 0x5BF}, {0x5C1, 0x5C2}, {0x5C4, 0x5C5}, {0x5C7, 0x5CF},
    {0x5EB, 0x5EE}, {0x5F5, 0x605}, {0x610, 0x61A}, {0x61C, 0x61C}, {0x64B, 0x65F}, {0x670, 0x670},
    {0x6D6, 0x6DD}, {0x6DF, 0x6E4}, {0x6E7, 0x6E8}, {0x6EA, 0x6ED}, {0x70E, 0x70F}, {0x711, 0x711},
    {0x730, 0x74C}, {0x7A6, 0x7B0}, {0x7B2, 0x7BF}, {0x7EB, 0x7F3}, {0x7FB, 0x7FD}, {0x816, 0x819},
    {0x81B, 0x823}, {0x825, 0x827}, {0x829, 0x82F}, {0x83F, 0x83F}, {0x859, 0x85D}, {0x85F, 0x85F},
    {0x86B, 0x86F}, {0x88F, 0x89F}, {0x8CA, 0x902}, {0x93A, 0x93A}, {0x93C, 0x93C}, {0x941, 0x948},
    {0x94D, 0x94D}, {0x951, 0x957}, {0x962, 0x963}, {0x981, 0x981}, {0x984, 0x984}, {0x98D, 0x98E},
    {0x991, 0x992}, {0x9A9, 0x9A9}, {0x9B1, 0x9B1}, {0x9B3, 0x9B5}, {0x9BA, 0x9BC}, {0x9BE, 0x9BE},
    {0x9C1, 0x9C6}, {0x9C9, 0x9CA}, {0x9CD, 0x9CD}, {0x9CF, 0x9DB}, {0x9DE, 0x9DE}, {0x9E2, 0x9E5},
    {0x9FE, 0xA02}, {0xA04, 0xA04}, {0xA0B, 0xA0E}, {0xA11, 0xA12}, {0xA29, 0xA29}, {0xA31, 0xA31},
    {0xA34, 0xA34}, {0xA37, 0xA37}, {0xA3A, 0xA3D}, {0xA41, 0xA58}, {0xA5D, 0xA5D}, {0xA5F, 0xA65},
    {0xA70, 0xA71}, {0xA75, 0xA75}, {0xA77, 0xA82}, {0xA84, 0xA84}, {0xA8E, 0xA8E}, {0xA92, 0xA92},
    {0xAA9, 0xAA9}, {0xAB1, 0xAB1}, {0xAB4, 0xAB4}, {0xABA, 0xABC}, {0xAC1, 0xAC8}, {0xACA, 0xACA},
    {0xACD, 0xACF}, {0xAD1, 0xADF}, {0xAE2, 0xAE5}, {0xAF2, 0xAF8}, {0xAFA, 0xB01}, {0xB04, 0xB04},
    {0xB0D, 0xB0E}, {0xB11, 0xB12}, {0xB29, 0xB29}, {0xB31, 0xB31}, {0xB34, 0xB34}, {0xB3A, 0xB3C},
    {0xB3E, 0xB3F}, {0xB41, 0xB46}, {0xB49, 0xB4A}, {0xB4D, 0xB5B}, {0xB5E, 0xB5E}, {0xB62, 0xB65},
    {0xB78, 0xB82}, {0xB84, 0xB84}, {0xB8B, 0xB8D}, {0xB91, 0xB91}, {0xB96, 0xB98}, {0xB9B, 0xB9B},
    {0xB9D, 0xB9D}, {0xBA0, 0xBA2}, {0xBA5, 0xBA7}, {0xBAB, 0xBAD}, {0xBBA, 0xBBE}, {0xBC0, 0xBC0},
    {0xBC3, 0xBC5}, {0xBC9, 0xBC9}, {0xBCD, 0xBCF}, {0xBD1, 0xBE5}, {0xBFB, 0xC00}, {0xC04, 0xC04},
    {0xC0D, 0xC0D}, {0xC11, 0xC11}, {0xC29, 0xC29}, {0xC3A, 0xC3C}, {0xC3E, 0xC40}, {0xC45, 0xC57},
    {0xC5B, 0xC5C}, {0xC5E, 0xC5F}, {0xC62, 0xC65}, {0xC70, 0xC76}, {0xC81, 0xC81}, {0xC8D, 0xC8D},
    {0xC91, 0xC91}, {0xCA9, 0xCA9}, {0xCB4, 0xCB4}, {0xCBA, 0xCBC}, {0xCBF, 0xCBF}, {0xCC2, 0xCC2},
    {0xCC5, 0xCC6}, {0xCC9, 0xCC9}, {0xCCC, 0xCDC}, {0xCDF, 0xCDF}, {0xCE2, 0xCE5}, {0xCF0, 0xCF0},
    {0xCF3, 0xD01}, {0xD0D, 0xD0D}, {0xD11, 0xD11}, {0xD3B, 0xD3C}, {0xD3E, 0xD3E}, {0xD41, 0xD45},
    {0xD49, 0xD49}, {0xD4D, 0xD4D}, {0xD50, 0xD53}, {0xD57, 0xD57}, {0xD62, 0xD65}, {0xD80, 0xD81},
    {0xD84, 0xD84}, {0xD97, 0xD99}, {0xDB2, 0xDB2}, {0xDBC, 0xDBC}, {0xDBE, 0xDBF}, {0xDC7, 0xDCF},
    {0xDD2, 0xDD7}, {0xDDF, 0xDE5}, {0xDF0, 0xDF1}, {0xDF5, 0xE00}, {0xE31, 0xE31}, {0xE34, 0xE3E},
    {0xE47, 0xE4E}, {0xE5C, 0xE80}, {0xE83, 0xE83}, {0xE85, 0xE85}, {0xE8B, 0xE8B}, {0xEA4, 0xEA4},
    {0xEA6, 0xEA6}, {0xEB1, 0xEB1}, {0xEB4, 0xEBC}, {0xEBE, 0xEBF}, {0xEC5, 0xEC5}, {0xEC7, 0xECF},
    {0xEDA, 0xEDB}, {0xEE0, 0xEFF}, {0xF18, 0xF19}, {0xF35, 0xF35}, {0xF37, 0xF37}, {0xF39, 0xF39},
    {0xF48, 0xF48}, {0xF6D, 0xF7E}, {0xF80, 0xF84}, {0xF86, 0xF87}, {0xF8D, 0xFBD}, {0xFC6, 0xFC6},
    {0xFCD, 0xFCD}, {0xFDB, 0xFFF}, {0x102D, 0x1030}, {0x1032, 0x1037}, {0x1039, 0x103A},
    {0x103D, 0x103E}, {0x1058, 0x1059}, {0x105E, 0x1060}, {0x1071, 0x1074}, {0x1082, 0x1082},
    {0x1085, 0x1086}, {0x108D, 0x108D}, {0x109D, 0x109D}, {0x10C6, 0x10C6}, {0x10C8, 0x10CC},
    {0x10CE, 0x10CF}, {0x1249, 0x1249}, {0x124E, 0x124F}, {0x1257, 0x1257}, {0x1259, 0x1259},
    {0x125E, 0x125F}, {0x1289, 0x1289}, {0x128E, 0x128F}, {0x12B1, 0x12B1}, {0x12B6, 0x12B7},
    {0x12BF, 0x12BF}, {0x12C1, 0x12C1}, {0x12C6, 0x12C7}, {0x12D7, 0x12D7}, {0x1311, 0x1311},
    {0x1316, 0x1317}, {0x135B, 0x135F}, {0x137D, 0x137F}, {0x139A, 0x139F}, {0x13F6, 0x13F7},
    {0x13FE, 0x13FF}, {0x1680, 0x1680}, {0x169D, 0x169F}, {0x16F9, 0x16FF}, {0x1712, 0x1714},
    {0x1716, 0x171E}, {0x1732, 0x1733}, {0x1737, 0x173F}, {0x1752, 0x175F}, {0x176D, 0x176D},
    {0x1771, 0x177F}, {0x17B4, 0x17B5}, {0x17B7, 0x17BD}, {0x17C6, 0x17C6}, {0x17C9, 0x17D3},
    {0x17DD, 0x17DF}, {0x17EA, 0x17EF}, {0x17FA, 0x17FF}, {0x180B, 0x180F}, {0x181A, 0x181F},
    {0x1879, 0x187F}, {0x1885, 0x1886}, {0x18A9, 0x18A9}, {0x18AB, 0x18AF}, {0x18F6, 0x18FF},
    {0x191F, 0x1922}, {0x1927, 0x1928}, {0x192C, 0x192F}, {0x1932, 0x1932}, {0x1939, 0x193F},
    {0x1941, 0x1943}, {0x196E, 0x196F}, {0x1975, 0x197F}, {0x19AC, 0x19AF}, {0x19CA, 0x19CF},
    {0x19DB, 0x19DD}, {0x1A17, 0x1A18}, {0x1A1B, 0x1A1D}, {0x1A56, 0x1A56}, {0x1A58, 0x1A60},
    {0x1A62, 0x1A62}, {0x1A65, 0x1A6C}, {0x1A73, 0x1A7F}, {0x1A8A, 0x1A8F}, {0x1A9A, 0x1A9F},
    {0x1AAE, 0x1B03}, {0x1B34, 0x1B3A}, {0x1B3C, 0x1B3C}, {0x1B42, 0x1B42}, {0x1B4D, 0x1B4F},
    {0x1B6B, 0x1B73}, {0x1B7F, 0x1B81}, {0x1BA2, 0x1BA5}, {0x1BA8, 0x1BA9}, {0x1BAB, 0x1BAD},
    {0x1BE6, 0x1BE6}, {0x1BE8, 0x1BE9}, {0x1BED, 0x1BED}, {0x1BEF, 0x1BF1}, {0x1BF4, 0x1BFB},
    {0x1C2C, 0x1C33}, {0x1C36, 0x1C3A}, {0x1C4A, 0x1C4C}, {0x1C89, 0x1C8F}, {0x1CBB, 0x1CBC},
    {0x1CC8, 0x1CD2}, {0x1CD4, 0x1CE0}, {0x1CE2, 0x1CE8}, {0x1CED, 0x1CED}, {0x1CF4, 0x1CF4},
    {0x1CF8, 0x1CF9}, {0x1CFB, 0x1CFF}, {0x1DC0, 0x1DFF}, {0x1F16, 0x1F17}, {0x1F1E, 0x1F1F},
    {0x1F46, 0x1F47}, {0x1F4E, 0x1F4F}, {0x1F58, 0x1F58}, {0x1F5A, 0x1F5A}, {0x1F5C, 0x1F5C},
    {0x1F5E, 0x1F5E}, {0x1F7E, 0x1F7F}, {0x1FB5, 0x1FB5}, {0x1FC5, 0x1FC5}, {0x1FD4, 0x1FD5},
    {0x1FDC, 0x1FDC}, {0x1FF0, 0x1FF1}, {0x1FF5, 0x1FF5}, {0x1FFF, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x2072, 0x2073}, {0x208F, 0x208F}, {0x209D, 0x209F}, {0x20C1, 0x20FF},
    {0x218C, 0x218F}, {0x2427, 0x243F}, {0x244B, 0x245F}, {0x2B74, 0x2B75}, {0x2B96, 0x2B96},
    {0x2CEF, 0x2CF1}, {0x2CF4, 0x2CF8}, {0x2D26, 0x2D26}, {0x2D28, 0x2D2C}, {0x2D2E, 0x2D2F},
    {0x2D68, 0x2D6E}, {0x2D71, 0x2D7F}, {0x2D97, 0x2D9F}, {0x2DA7, 0x2DA7}, {0x2DAF, 0x2DAF},
    {0x2DB7, 0x2DB7}, {0x2DBF, 0x2DBF}, {0x2DC7, 0x2DC7}, {0x2DCF, 0x2DCF}, {0x2DD7, 0x2DD7},
    {0x2DDF, 0x2DFF}, {0x2E5E, 0x2E7F}, {0x2E9A, 0x2E9A}, {0x2EF4, 0x2EFF}, {0x2FD6, 0x2FEF},
    {0x2FFC, 0x3000}, {0x302A, 0x302F}, {0x3040, 0x3040}, {0x3097, 0x309A}, {0x3100, 0x3104},
    {0x3130, 0x3130}, {0x318F, 0x318F}, {0x31E4, 0x31EF}, {0x321F, 0x321F}, {0xA48D, 0xA48F},
    {0xA4C7, 0xA4CF}, {0xA62C, 0xA63F}, {0xA66F, 0xA672}, {0xA674, 0xA67D}, {0xA69E, 0xA69F},
    {0xA6F0, 0xA6F1}, {0xA6F8, 0xA6FF}, {0xA7CB, 0xA7CF}, {0xA7D2, 0xA7D2}, {0xA7D4, 0xA7D4},
    {0xA7DA, 0xA7F1}, {0xA802, 0xA802}, {0xA806, 0xA806}, {0xA80B, 0xA80B}, {0xA825, 0xA826},
    {0xA82C, 0xA82F}, {0xA83A, 0xA83F}, {0xA878, 0xA87F}, {0xA8C4, 0xA8CD}, {0xA8DA, 0xA8F1},
    {0xA8FF, 0xA8FF}, {0xA926, 0xA92D}, {0xA947, 0xA951}, {0xA954, 0xA95E}, {0xA97D, 0xA982},
    {0xA9B3, 0xA9B3}, {0xA9B6, 0xA9B9}, {0xA9BC, 0xA9BD}, {0xA9CE, 0xA9CE}, {0xA9DA, 0xA9DD},
    {0xA9E5, 0xA9E5}, {0xA9FF, 0xA9FF}, {0xAA29, 0xAA2E}, {0xAA31, 0xAA32}, {0xAA35, 0xAA3F},
    {0xAA43, 0xAA43}, {0xAA4C, 0xAA4C}, {0xAA4E, 0xAA4F}, {0xAA5A, 0xAA5B}, {0xAA7C, 0xAA7C},
    {0xAAB0, 0xAAB0}, {0xAAB2, 0xAAB4}, {0xAAB7, 0xAAB8}, {0xAABE, 0xAABF}, {0xAAC1, 0xAAC1},
    {0xAAC3, 0xAADA}, {0xAAEC, 0xAAED}, {0xAAF6, 0xAB00}, {0xAB07, 0xAB08}, {0xAB0F, 0xAB10},
    {0xAB17, 0xAB1F}, {0xAB27, 0xAB27}, {0xAB2F, 0xAB2F}, {0xAB6C, 0xAB6F}, {0xABE5, 0xABE5},
    {0xABE8, 0xABE8}, {0xABED, 0xABEF}, {0xABFA, 0xABFF}, {0xD7A4, 0xD7AF}, {0xD7C7, 0xD7CA},
    {0xD7FC, 0xF8FF}, {0xFA6E, 0xFA6F}, {0xFADA, 0xFAFF}, {0xFB07, 0xFB12}, {0xFB18, 0xFB1C},
    {0xFB1E, 0xFB1E}, {0xFB37, 0xFB37}, {0xFB3D, 0xFB3D}, {0xFB3F, 0xFB3F}, {0xFB42, 0xFB42},
    {0xFB45, 0xFB45}, {0xFBC3, 0xFBD2}, {0xFD90, 0xFD91}, {0xFDC8, 0xFDCE}, {0xFDD0, 0xFDEF},
    {0xFE00, 0xFE0F}, {0xFE1A, 0xFE2F}, {0xFE53, 0xFE53}, {0xFE67, 0xFE67}, {0xFE6C, 0xFE6F},
    {0xFE75, 0xFE75}, {0xFEFD, 0xFF00}, {0xFF9E, 0xFF9F}, {0xFFBF, 0xFFC1}, {0xFFC8, 0xFFC9},
    {0xFFD0, 0xFFD1}, {0xFFD8, 0xFFD9}, {0xFFDD, 0xFFDF}, {0xFFE7, 0xFFE7}, {0xFFEF, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0x1000C, 0x1000C}, {0x10027, 0x10027}, {0x1003B, 0x1003B},
    {0x1003E, 0x1003E}, {0x1004E, 0x1004F}, {0x1005E, 0x1007F}, {0x100FB, 0x100FF},
    {0x10103, 0x10106}, {0x10134, 0x10136}, {0x1018F, 0x1018F}, {0x1019D, 0x1019F},
    {0x101A1, 0x101CF}, {0x101FD, 0x1027F}, {0x1029D, 0x1029F}, {0x102D1, 0x102E0},
    {0x102FC, 0x102FF}, {0x10324, 0x1032C}, {0x1034B, 0x1034F}, {0x10376, 0x1037F},
    {0x1039E, 0x1039E}, {0x103C4, 0x103C7}, {0x103D6, 0x103FF}, {0x1049E, 0x1049F},
    {0x104AA, 0x104AF}, {0x104D4, 0x104D7}, {0x104FC, 0x104FF}, {0x10528, 0x1052F},
    {0x10564, 0x1056E}, {0x1057B, 0x1057B}, {0x1058B, 0x1058B}, {0x10593, 0x10593},
    {0x10596, 0x10596}, {0x105A2, 0x105A2}, {0x105B2, 0x105B2}, {0x105BA, 0x105BA},
    {0x105BD, 0x105FF}, {0x10737, 0x1073F}, {0x10756, 0x1075F}, {0x10768, 0x1077F},
    {0x10786, 0x10786}, {0x107B1, 0x107B1}, {0x107BB, 0x107FF}, {0x10806, 0x10807},
    {0x10809, 0x10809}, {0x10836, 0x10836}, {0x10839, 0x1083B}, {0x1083D, 0x1083E},
    {0x10856, 0x10856}, {0x1089F, 0x108A6}, {0x108B0, 0x108DF}, {0x108F3, 0x108F3},
    {0x108F6, 0x108FA}, {0x1091C, 0x1091E}, {0x1093A, 0x1093E}, {0x10940, 0x1097F},
    {0x109B8, 0x109BB}, {0x109D0, 0x109D1}, {0x10A01, 0x10A0F}, {0x10A14, 0x10A14},
    {0x10A18, 0x10A18}, {0x10A36, 0x10A3F}, {0x10A49, 0x10A4F}, {0x10A59, 0x10A5F},
    {0x10AA0, 0x10ABF}, {0x10AE5, 0x10AEA}, {0x10AF7, 0x10AFF}, {0x10B36, 0x10B38},
    {0x10B56, 0x10B57}, {0x10B73, 0x10B77}, {0x10B92, 0x10B98}, {0x10B9D, 0x10BA8},
    {0x10BB0, 0x10BFF}, {0x10C49, 0x10C7F}, {0x10CB3, 0x10CBF}, {0x10CF3, 0x10CF9},
    {0x10D24, 0x10D2F}, {0x10D3A, 0x10E5F}, {0x10E7F, 0x10E7F}, {0x10EAA, 0x10EAC},
    {0x10EAE, 0x10EAF}, {0x10EB2, 0x10EFF}, {0x10F28, 0x10F2F}, {0x10F46, 0x10F50},
    {0x10F5A, 0x10F6F}, {0x10F82, 0x10F85}, {0x10F8A, 0x10FAF}, {0x10FCC, 0x10FDF},
    {0x10FF7, 0x10FFF}, {0x11001, 0x11001}, {0x11038, 0x11046}, {0x1104E, 0x11051},
    {0x11070, 0x11070}, {0x11073, 0x11074}, {0x11076, 0x11081}, {0x110B3, 0x110B6},
    {0x110B9, 0x110BA}, {0x110BD, 0x110BD}, {0x110C2, 0x110CF}, {0x110E9, 0x110EF},
    {0x110FA, 0x11102}, {0x11127, 0x1112B}, {0x1112D, 0x11135}, {0x11148, 0x1114F},
    {0x11173, 0x11173}, {0x11177, 0x11181}, {0x111B6, 0x111BE}, {0x111C9, 0x111CC},
    {0x111CF, 0x111CF}, {0x111E0, 0x111E0}, {0x111F5, 0x111FF}, {0x11212, 0x11212},
    {0x1122F, 0x11231}, {0x11234, 0x11234}, {0x11236, 0x11237}, {0x1123E, 0x1127F},
    {0x11287, 0x11287}, {0x11289, 0x11289}, {0x1128E, 0x1128E}, {0x1129E, 0x1129E},
    {0x112AA, 0x112AF}, {0x112DF, 0x112DF}, {0x112E3, 0x112EF}, {0x112FA, 0x11301},
    {0x11304, 0x11304}, {0x1130D, 0x1130E}, {0x11311, 0x11312}, {0x11329, 0x11329},
    {0x11331, 0x11331}, {0x11334, 0x11334}, {0x1133A, 0x1133C}, {0x1133E, 0x1133E},
    {0x11340, 0x11340}, {0x11345, 0x11346}, {0x11349, 0x1134A}, {0x1134E, 0x1134F},
    {0x11351, 0x1135C}, {0x11364, 0x113FF}, {0x11438, 0x1143F}, {0x11442, 0x11444},
    {0x11446, 0x11446}, {0x1145C, 0x1145C}, {0x1145E, 0x1145E}, {0x11462, 0x1147F},
    {0x114B0, 0x114B0}, {0x114B3, 0x114B8}, {0x114BA, 0x114BA}, {0x114BD, 0x114BD},
    {0x114BF, 0x114C0}, {0x114C2, 0x114C3}, {0x114C8, 0x114CF}, {0x114DA, 0x1157F},
    {0x115AF, 0x115AF}, {0x115B2, 0x115B7}, {0x115BC, 0x115BD}, {0x115BF, 0x115C0},
    {0x115DC, 0x115FF}, {0x11633, 0x1163A}, {0x1163D, 0x1163D}, {0x1163F, 0x11640},
    {0x11645, 0x1164F}, {0x1165A, 0x1165F}, {0x1166D, 0x1167F}, {0x116AB, 0x116AB},
    {0x116AD, 0x116AD}, {0x116B0, 0x116B5}, {0x116B7, 0x116B7}, {0x116BA, 0x116BF},
    {0x116CA, 0x116FF}, {0x1171B, 0x1171F}, {0x11722, 0x11725}, {0x11727, 0x1172F},
    {0x11747, 0x117FF}, {0x1182F, 0x11837}, {0x11839, 0x1183A}, {0x1183C, 0x1189F},
    {0x118F3, 0x118FE}, {0x11907, 0x11908}, {0x1190A, 0x1190B}, {0x11914, 0x11914},
    {0x11917, 0x11917}, {0x11930, 0x11930}, {0x11936, 0x11936}, {0x11939, 0x1193C},
    {0x1193E, 0x1193E}, {0x11943, 0x11943}, {0x11947, 0x1194F}, {0x1195A, 0x1199F},
    {0x119A8, 0x119A9}, {0x119D4, 0x119DB}, {0x119E0, 0x119E0}, {0x119E5, 0x119FF},
    {0x11A01, 0x11A0A}, {0x11A33, 0x11A38}, {0x11A3B, 0x11A3E}, {0x11A47, 0x11A4F},
    {0x11A51, 0x11A56}, {0x11A59, 0x11A5B}, {0x11A8A, 0x11A96}, {0x11A98, 0x11A99},
    {0x11AA3, 0x11AAF}, {0x11AF9, 0x11BFF}, {0x11C09, 0x11C09}, {0x11C30, 0x11C3D},
    {0x11C3F, 0x11C3F}, {0x11C46, 0x11C4F}, {0x11C6D, 0x11C6F}, {0x11C90, 0x11CA8},
    {0x11CAA, 0x11CB0}, {0x11CB2, 0x11CB3}, {0x11CB5, 0x11CFF}, {0x11D07, 0x11D07},
    {0x11D0A, 0x11D0A}, {0x11D31, 0x11D45}, {0x11D47, 0x11D4F}, {0x11D5A, 0x11D5F},
    {0x11D66, 0x11D66}, {0x11D69, 0x11D69}, {0x11D8F, 0x11D92}, {0x11D95, 0x11D95},
    {0x11D97, 0x11D97}, {0x11D99, 0x11D9F}, {0x11DAA, 0x11EDF}, {0x11EF3, 0x11EF4},
    {0x11EF9, 0x11FAF}, {0x11FB1, 0x11FBF}, {0x11FF2, 0x11FFE}, {0x1239A, 0x123FF},
    {0x1246F, 0x1246F}, {0x12475, 0x1247F}, {0x12544, 0x12F8F}, {0x12FF3, 0x12FFF},
    {0x1342F, 0x143FF}, {0x14647, 0x167FF}, {0x16A39, 0x16A3F}, {0x16A5F, 0x16A5F},
    {0x16A6A, 0x16A6D}, {0x16ABF, 0x16ABF}, {0x16ACA, 0x16ACF}, {0x16AEE, 0x16AF4},
    {0x16AF6, 0x16AFF}, {0x16B30, 0x16B36}, {0x16B46, 0x16B4F}, {0x16B5A, 0x16B5A},
    {0x16B62, 0x16B62}, {0x16B78, 0x16B7C}, {0x16B90, 0x16E3F}, {0x16E9B, 0x16EFF},
    {0x16F4B, 0x16F4F}, {0x16F88, 0x16F92}, {0x16FA0, 0x16FDF}, {0x16FE4, 0x16FEF},
    {0x16FF2, 0x16FFF}, {0x187F8, 0x187FF}, {0x18CD6, 0x18CFF}, {0x18D09, 0x1AFEF},
    {0x1AFF4, 0x1AFF4}, {0x1AFFC, 0x1AFFC}, {0x1AFFF, 0x1AFFF}, {0x1B123, 0x1B14F},
    {0x1B153, 0x1B163}, {0x1B168, 0x1B16F}, {0x1B2FC, 0x1BBFF}, {0x1BC6B, 0x1BC6F},
    {0x1BC7D, 0x1BC7F}, {0x1BC89, 0x1BC8F}, {0x1BC9A, 0x1BC9B}, {0x1BC9D, 0x1BC9E},
    {0x1BCA0, 0x1CF4F}, {0x1CFC4, 0x1CFFF}, {0x1D0F6, 0x1D0FF}, {0x1D127, 0x1D128},
    {0x1D165, 0x1D165}, {0x1D167, 0x1D169}, {0x1D16E, 0x1D182}, {0x1D185, 0x1D18B},
    {0x1D1AA, 0x1D1AD}, {0x1D1EB, 0x1D1FF}, {0x1D242, 0x1D244}, {0x1D246, 0x1D2DF},
    {0x1D2F4, 0x1D2FF}, {0x1D357, 0x1D35F}, {0x1D379, 0x1D3FF}, {0x1D455, 0x1D455},
    {0x1D49D, 0x1D49D}, {0x1D4A0, 0x1D4A1}, {0x1D4A3, 0x1D4A4}, {0x1D4A7, 0x1D4A8},
    {0x1D4AD, 0x1D4AD}, {0x1D4BA, 0x1D4BA}, {0x1D4BC, 0x1D4BC}, {0x1D4C4, 0x1D4C4},
    {0x1D506, 0x1D506}, {0x1D50B, 0x1D50C}, {0x1D515, 0x1D515}, {0x1D51D, 0x1D51D},
    {0x1D53A, 0x1D53A}, {0x1D53F, 0x1D53F}, {0x1D545, 0x1D545}, {0x1D547, 0x1D549},
    {0x1D551, 0x1D551}, {0x1D6A6, 0x1D6A7}, {0x1D7CC, 0x1D7CD}, {0x1DA00, 0x1DA36},
    {0x1DA3B, 0x1DA6C}, {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA8C, 0x1DEFF},
    {0x1DF1F, 0x1E0FF}, {0x1E12D, 0x1E136}, {0x1E13E, 0x1E13F}, {0x1E14A, 0x1E14D},
    {0x1E150, 0x1E28F}, {0x1E2AE, 0x1E2BF}, {0x1E2EC, 0x1E2EF}, {0x1E2FA, 0x1E2FE},
    {0x1E300, 0x1E7DF}, {0x1E7E7, 0x1E7E7}, {0x1E7EC, 0x1E7EC}, {0x1E7EF, 0x1E7EF},
    {0x1E7FF, 0x1E7FF}, {0x1E8C5, 0x1E8C6}, {0x1E8D0, 0x1E8FF}, {0x1E944, 0x1E94A},
    {0x1E94C, 0x1E94F}, {0x1E95A, 0x1E95D}, {0x1E960, 0x1EC70}, {0x1ECB5, 0x1ED00},
    {0x1ED3E, 0x1EDFF}, {0x1EE04, 0x1EE04}, {0x1EE20, 0x1EE20}, {0x1EE23, 0x1EE23},
    {0x1EE25, 0x1EE26}, {0x1EE28, 0x1EE28}, {0x1EE33, 0x1EE33}, {0x1EE38, 0x1EE38},
    {0x1EE3A, 0x1EE3A}, {0x1EE3C, 0x1EE41}, {0x1EE43, 0x1EE46}, {0x1EE48, 0x1EE48},
    {0x1EE4A, 0x1EE4A}, {0x1EE4C, 0x1EE4C}, {0x1EE50, 0x1EE50}, {0x1EE53, 0x1EE53},
    {0x1EE55, 0x1EE56}, {0x1EE58, 0x1EE58}, {0x1EE5A, 0x1EE5A}, {0x1EE5C, 0x1EE5C},
    {0x1EE5E, 0x1EE5E}, {0x1EE60, 0x1EE60}, {0x1EE63, 0x1EE63}, {0x1EE65, 0x1EE66},
    {0x1EE6B, 0x1EE6B}, {0x1EE73, 0x1EE73}, {0x1EE78, 0x1EE78}, {0x1EE7D, 0x1EE7D},
    {0x1EE7F, 0x1EE7F}, {0x1EE8A, 0x1EE8A}, {0x1EE9C, 0x1EEA0}, {0x1EEA4, 0x1EEA4},
    {0x1EEAA, 0x1EEAA}, {0x1EEBC, 0x1EEEF}, {0x1EEF2, 0x1EFFF}, {0x1F02C, 0x1F02F},
    {0x1F094, 0x1F09F}, {0x1F0AF, 0x1F0B0}, {0x1F0C0, 0x1F0C0}, {0x1F0D0, 0x1F0D0},
    {0x1F0F6, 0x1F0FF}, {0x1F1AE, 0x1F1E5}, {0x1F203, 0x1F20F}, {0x1F23C, 0x1F23F},
    {0x1F249, 0x1F24F}, {0x1F252, 0x1F25F}, {0x1F266, 0x1F2FF}, {0x1F6D8, 0x1F6DC},
    {0x1F6ED, 0x1F6EF}, {0x1F6FD, 0x1F6FF}, {0x1F774, 0x1F77F}, {0x1F7D9, 0x1F7DF},
    {0x1F7EC, 0x1F7EF}, {0x1F7F1, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F},
    {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F}, {0x1F8AE, 0x1F8AF}, {0x1F8B2, 0x1F8FF},
    {0x1FA54, 0x1FA5F}, {0x1FA6E, 0x1FA6F}, {0x1FA75, 0x1FA77}, {0x1FA7D, 0x1FA7F},
    {0x1FA87, 0x1FA8F}, {0x1FAAD, 0x1FAAF}, {0x1FABB, 0x1FABF}, {0x1FAC6, 0x1FACF},
    {0x1FADA, 0x1FADF}, {0x1FAE8, 0x1FAEF}, {0x1FAF7, 0x1FAFF}, {0x1FB93, 0x1FB93},
    {0x1FBCB, 0x1FBEF}, {0x1FBFA, 0x1FFFF}, {0x2A6E0, 0x2A6FF}, {0x2B739, 0x2B73F},
    {0x2B81E, 0x2B81F}, {0x2CEA2, 0x2CEAF}, {0x2EBE1, 0x2F7FF}, {0x2FA1E, 0x2FFFF},
    {0x3134B, 0x10FFFF},
};
// clang-format on

bool needs_unicode_escape(char32_t c) {
  const CodePointRange* end = std::end(kUnicodeEscaped);
  const CodePointRange* range =
      std::upper_bound(std::begin(kUnicodeEscaped), end, c,
                       [](char32_t value, const CodePointRange& r) { return value < r.first; });
  return range != std::begin(kUnicodeEscaped) && c <= (range - 1)->last;
}

}  // namespace
}  // namespace seam::rust
