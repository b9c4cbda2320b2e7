// Demangling: Itanium C++ through LLVM 19's demangler, Rust (legacy and v0)
// through our ports of rustc-demangle, with the output of the peer tools:
// rustfilt (Debian's, built on rustc-demangle 0.1.21) for Rust and c++filt
// (GNU binutils 2.40, libiberty) for C++.
//
// Rust output is identical to rustfilt's. C++ output differs from c++filt's
// in the following classes, all of them renderings by LLVM's demangler that
// we keep (tests/integration/test_demangle_corpus.py classifies every
// mismatch on real libraries into exactly these classes and fails on others):
//
//   template-close     c++filt separates closing angle brackets:
//                      `std::vector<int, std::allocator<int> >`; LLVM prints
//                      `std::vector<int, std::allocator<int>>`.
//   lambda             c++filt `{lambda(int)#1}`, LLVM `'lambda'(int)`; the
//                      n-th lambda is `{lambda(int)#n}` / `'lambda<n-2>'(int)`.
//   nullptr            c++filt `decltype(nullptr)`, LLVM `std::nullptr_t`.
//   std-abbreviation   the abbreviations Ss, Si, So, Sd: c++filt spells them
//                      out, `std::basic_ostream<char, std::char_traits<char> >`,
//                      LLVM prints `std::string`, `std::istream`,
//                      `std::ostream` and `std::iostream`.
//   operator-template  template arguments of an operator: c++filt
//                      `operator<< <char>(...)`, LLVM `operator<<<char>(...)`.
//   member-pointer     a pointer to member function returned by a function
//                      type (`std::_Bind<void (C::*(C*))(int)>`): LLVM puts a
//                      space after `C::*`, c++filt does not.
//   local-return-type  an entity local to a function template (a lambda, a
//                      static variable, its guard variable): LLVM includes the
//                      enclosing function's return type, `bool f<int>()::x`,
//                      c++filt does not, `f<int>()::x`.
//   expression         expressions in `decltype(...)` and template arguments:
//                      c++filt `decltype (((std::declval<A>)())!=(...))`, LLVM
//                      `decltype(std::declval<A>() != ...)`.
//   template-param-scope  a template argument that is itself a local entity of
//                      another function template (a lambda passed as a
//                      template argument): LLVM resolves later template
//                      parameter references (`T_`) against the inner
//                      function's template arguments, c++filt against the
//                      outer ones (LLVM 19 bug), so parameter types differ.
//   cxxfilt-fails      c++filt leaves the symbol mangled where LLVM
//                      demangles it: C++20 template parameter declarations
//                      (`Tn`), `tl` braced initialisers, and variables with a
//                      suffix (`_ZL3foo.lto_priv.0`; c++filt takes clone
//                      suffixes on functions only).
//   llvm-fails         LLVM cannot demangle a symbol c++filt demangles (some
//                      conversion operators to template types, `cv...`); we
//                      leave it mangled.
//   clone-suffix       a suffix outside c++filt's clone grammar
//                      (`.<lower|digit|_>... (.<digits>)*`, e.g. `.llvm.ABC` or
//                      `.Foo`): c++filt leaves the symbol mangled, we
//                      demangle it and show the part c++filt cannot read as
//                      one more clone: `foo() [clone .llvm] [clone .ABC]`.
//
// Symbols are recognised by their prefix: `_R` is Rust v0; `_ZN...E` whose
// last element is rustc's hash (`17h` and 16 hex digits) is Rust legacy; any
// other `_Z` is C++. Unlike c++filt (which decodes Rust symbols with
// libiberty: `foo::h0123...`, `mycrate[1234]::foo`) Rust symbols always get
// rustfilt's rendering.
#include "symbolizer/demangle.h"

#include <llvm/Demangle/ItaniumDemangle.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "symbolizer/rust_legacy_demangle.h"
#include "symbolizer/rust_v0_demangle.h"

namespace seam {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view strip_symbol_version(std::string_view symbol) {
  return symbol.substr(0, symbol.find('@'));
}

// ---------------------------------------------------------------------------
// Rust, following rustc-demangle's lib.rs.

// rustc-demangle first drops a ThinLTO suffix, `.llvm.` followed by nothing
// but upper-case hex digits and '@', wherever the first `.llvm.` is.
size_t thinlto_suffix_start(std::string_view s) {
  size_t i = s.find(".llvm.");
  if (i == std::string_view::npos) return i;
  for (char c : s.substr(i + 6)) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    if (!hex && c != '@') return std::string_view::npos;
  }
  return i;
}

// What rustc-demangle keeps after the path: LLVM-style `.suffix` words made of
// ASCII letters, digits and punctuation. Anything else makes the symbol not
// a Rust symbol at all.
bool is_valid_rust_suffix(std::string_view suffix) {
  if (suffix.empty()) return true;
  if (suffix[0] != '.') return false;
  for (char c : suffix) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;  // Graphic ASCII only.
  }
  return true;
}

struct RustName {
  std::string name;
  size_t path_length = 0;  // bytes of the symbol taken by the mangled path
};

std::optional<RustName> demangle_rust(std::string_view symbol) {
  std::string_view s = symbol.substr(0, thinlto_suffix_start(symbol));
  rust::LimitedOutput out;
  std::string_view suffix;
  bool within_limit = false;
  if (std::optional<rust::LegacySymbol> legacy = rust::parse_legacy(s)) {
    // A `_ZN...E` without rustc's hash is a C++ name: leave it to LLVM.
    if (!rust::has_legacy_hash(*legacy) || !is_valid_rust_suffix(legacy->suffix)) {
      return std::nullopt;
    }
    suffix = legacy->suffix;
    within_limit = rust::print_legacy(*legacy, out);
  } else if (std::optional<rust::V0Symbol> v0 = rust::parse_v0(s)) {
    if (!is_valid_rust_suffix(v0->suffix)) return std::nullopt;
    suffix = v0->suffix;
    within_limit = rust::print_v0(*v0, out);
  } else {
    return std::nullopt;
  }
  if (!within_limit) out.text() += "{size limit reached}";
  return RustName{std::move(out.text()), s.size() - suffix.size()};
}

// rustfilt prints the suffix after the path, less a ThinLTO `.llvm.<hex>`.
std::string_view rustfilt_suffix(std::string_view suffix) {
  return suffix.substr(0, thinlto_suffix_start(suffix));
}

// ---------------------------------------------------------------------------
// C++, with LLVM's Itanium parser and printer (llvm::itaniumDemangle's body)
// plus guards it lacks, so that no input can crash us or eat all memory:
//  * Its parser and printer recurse once per nesting level without a limit,
//    and `_Z1fPPPP...i` with 100,000 P overflows the stack (under ASan 16,000
//    do). We limit the parser's recursion and the depth of the parsed tree.
//  * Back-references can make the output grow exponentially with the input:
//    `_Z1fPiPFvS_S_EPFvS1_S1_E...` doubles with every 9 characters, and
//    c++filt or llvm::itaniumDemangle run out of memory. We estimate the
//    printed size first and give up beyond 1 MiB.
// Real C++ symbols stay far below these limits: in libLLVM-19 the longest
// has ~500 characters and nests fewer than 64 levels deep.

namespace itanium = llvm::itanium_demangle;

constexpr size_t kMaxCxxSymbolLength = 64 * 1024;
constexpr size_t kMaxCxxNesting = 256;
constexpr uint64_t kMaxCxxPrintedSize = 1 << 20;

// The parser's node allocator: a bump allocator whose memory is released
// all at once (nodes are trivially destructible), as LLVM's own.
class NodeArena {
 public:
  template <typename T, typename... Args>
  T* makeNode(Args&&... args) {
    return new (allocate(sizeof(T))) T(std::forward<Args>(args)...);
  }
  void* allocateNodeArray(size_t count) { return allocate(count * sizeof(itanium::Node*)); }

 private:
  static constexpr size_t kBlockSize = 16 * 1024;
  static constexpr size_t kAlign = alignof(std::max_align_t);

  void* allocate(size_t bytes) {
    bytes = (bytes + kAlign - 1) / kAlign * kAlign;
    if (bytes > kBlockSize) {  // Node arrays of huge template argument lists.
      blocks_.push_back(new_block(bytes));
      used_ = kBlockSize;  // The next allocation starts a fresh block.
      return blocks_.back().get();
    }
    if (blocks_.empty() || bytes > kBlockSize - used_) {
      blocks_.push_back(new_block(kBlockSize));
      used_ = 0;
    }
    void* p = reinterpret_cast<char*>(blocks_.back().get()) + used_;
    used_ += bytes;
    return p;
  }

  static std::unique_ptr<std::max_align_t[]> new_block(size_t bytes) {
    constexpr size_t kUnit = sizeof(std::max_align_t);
    return std::make_unique_for_overwrite<std::max_align_t[]>((bytes + kUnit - 1) / kUnit);
  }

  std::vector<std::unique_ptr<std::max_align_t[]>> blocks_;
  size_t used_ = 0;
};

// LLVM's parser with a limit on its recursion. The parser calls its
// recursive steps through the derived class (CRTP), so wrapping the steps
// that every recursive cycle of the grammar passes through bounds the depth.
class DepthLimitedParser : public itanium::AbstractManglingParser<DepthLimitedParser, NodeArena> {
  using Base = itanium::AbstractManglingParser<DepthLimitedParser, NodeArena>;

 public:
  using Base::AbstractManglingParser;

  itanium::Node* parseType() {
    // `u <name> I <type> E` (a vendor-qualified type) recurses inside the
    // base parseType without coming back here: count those levels now.
    return nested(1 + vendor_type_nesting(), [&] { return Base::parseType(); });
  }
  itanium::Node* parseExpr() {
    return nested(1, [&] { return Base::parseExpr(); });
  }
  itanium::Node* parseBracedExpr() {
    return nested(1, [&] { return Base::parseBracedExpr(); });
  }
  itanium::Node* parseName(NameState* state = nullptr) {
    return nested(1, [&] { return Base::parseName(state); });
  }
  itanium::Node* parseEncoding(bool parse_params = true) {
    return nested(1, [&] { return Base::parseEncoding(parse_params); });
  }
  itanium::Node* parseTemplateArg() {
    return nested(1, [&] { return Base::parseTemplateArg(); });
  }
  itanium::Node* parseTemplateArgs(bool tag_templates = false) {
    return nested(1, [&] { return Base::parseTemplateArgs(tag_templates); });
  }
  itanium::Node* parseQualifiedType() {
    return nested(1, [&] { return Base::parseQualifiedType(); });
  }
  itanium::Node* parseTemplateParamDecl(TemplateParamList* params) {
    return nested(1, [&] { return Base::parseTemplateParamDecl(params); });
  }

 private:
  template <typename Step>
  itanium::Node* nested(size_t levels, Step&& step) {
    if (levels > kMaxCxxNesting - depth_) return nullptr;
    depth_ += levels;
    itanium::Node* node = step();
    depth_ -= levels;
    return node;
  }

  // How many `u <length> <name> I` follow, each a level of nesting.
  size_t vendor_type_nesting() const {
    size_t levels = 0;
    for (const char* p = First; p < Last && *p == 'u'; ++levels) {
      size_t length = 0;
      for (++p; p < Last && *p >= '0' && *p <= '9' && length < kMaxCxxSymbolLength; ++p) {
        length = length * 10 + static_cast<size_t>(*p - '0');
      }
      if (length >= static_cast<size_t>(Last - p) || p[length] != 'I') break;
      p += length + 1;
    }
    return levels;
  }

  size_t depth_ = 0;
};

// Estimates how many bytes printing a node would produce: each node counts
// its strings plus a fixed allowance for keywords and punctuation, and a pack
// expansion repeats its pattern once per pack element. Stops early once the
// estimate exceeds `cap`, so the cost is bounded whatever the input.
class PrintedSize {
 public:
  explicit PrintedSize(uint64_t cap) : cap_(cap) {}

  uint64_t of(const itanium::Node* node) {
    constexpr uint64_t kPerNode = 64;
    if (!node) return 0;
    // Back-references can nest the tree deeper than the parser went; the
    // printer recurses as deep, so deep trees are refused too.
    if (depth_ >= kMaxCxxNesting) return cap_ + 1;
    ++depth_;
    uint64_t total = kPerNode + of_children(node);
    --depth_;
    return total;
  }

 private:
  uint64_t of_children(const itanium::Node* node) {
    uint64_t total = 0;
    if (node->getKind() == itanium::Node::KForwardTemplateReference) {
      // Printed as what it refers to; a reference to itself prints nothing.
      auto* ref = static_cast<const itanium::ForwardTemplateReference*>(node);
      if (std::find(active_refs_.begin(), active_refs_.end(), ref) != active_refs_.end()) return 0;
      active_refs_.push_back(ref);
      total += of(ref->Ref);
      active_refs_.pop_back();
      return total;
    }
    if (node->getKind() == itanium::Node::KParameterPackExpansion) {
      return total + of_pack_expansion(static_cast<const itanium::ParameterPackExpansion*>(node));
    }
    if (node->getKind() == itanium::Node::KParameterPack) {
      // Only one element is printed at a time, but any one may be the largest.
      largest_pack_ = std::max<uint64_t>(largest_pack_, pack_size(node));
    }
    node->visit([&](const auto* derived) {
      if constexpr (!std::is_same_v<std::decay_t<decltype(*derived)>,
                                    itanium::ForwardTemplateReference>) {
        derived->match([&](const auto&... fields) { (add(total, fields), ...); });
      }
    });
    return total;
  }

  template <typename Field>
  void add(uint64_t& total, const Field& field) {
    if (total > cap_) return;
    if constexpr (std::is_convertible_v<Field, const itanium::Node*>) {
      total += of(field);
    } else if constexpr (std::is_same_v<Field, itanium::NodeArray>) {
      for (const itanium::Node* element : field) add(total, element);
    } else if constexpr (std::is_same_v<Field, std::string_view>) {
      total += field.size();
    }
  }

  static size_t pack_size(const itanium::Node* pack) {
    size_t size = 0;
    static_cast<const itanium::ParameterPack*>(pack)->match(
        [&](itanium::NodeArray data) { size = data.size(); });
    return size;
  }

  // The pattern is printed once per element of the first pack inside it.
  uint64_t of_pack_expansion(const itanium::ParameterPackExpansion* expansion) {
    uint64_t saved_largest = largest_pack_;
    largest_pack_ = 1;
    uint64_t pattern = of(expansion->getChild());
    uint64_t repeats = largest_pack_;
    largest_pack_ = std::max(saved_largest, largest_pack_);
    if (pattern != 0 && repeats > cap_ / pattern) return cap_ + 1;
    return pattern * repeats;
  }

  uint64_t cap_;
  size_t depth_ = 0;
  uint64_t largest_pack_ = 1;
  std::vector<const itanium::ForwardTemplateReference*> active_refs_;
};

std::optional<std::string> demangle_itanium(std::string_view mangled) {
  if (mangled.empty() || mangled.size() > kMaxCxxSymbolLength) return std::nullopt;
  DepthLimitedParser parser(mangled.data(), mangled.data() + mangled.size());
  const itanium::Node* root = parser.parse();
  if (!root) return std::nullopt;
  if (PrintedSize(kMaxCxxPrintedSize).of(root) > kMaxCxxPrintedSize) return std::nullopt;
  itanium::OutputBuffer out;
  root->print(out);
  std::string text(out.getBuffer(), out.getCurrentPosition());
  std::free(out.getBuffer());
  return text;
}

bool is_clone_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of the clone suffix at the start of `s` as libiberty's
// d_clone_suffix reads it: `.` [a-z0-9_]+ followed by any `.` [0-9]+, so
// ".isra.0" and ".cold" are one each; 0 if `s` does not start with one.
size_t clone_suffix_length(std::string_view s) {
  if (s.size() < 2 || s[0] != '.' || !is_clone_char(s[1])) return 0;
  size_t end = 2;
  while (end < s.size() && is_clone_char(s[end])) ++end;
  while (end + 1 < s.size() && s[end] == '.' && is_digit(s[end + 1])) {
    end += 2;
    while (end < s.size() && is_digit(s[end])) ++end;
  }
  return end;
}

// c++filt's rendering of compiler suffixes: ".isra.0.cold" becomes
// " [clone .isra.0] [clone .cold]".
std::string cxxfilt_clone_suffixes(std::string_view suffix) {
  std::string out;
  while (!suffix.empty()) {
    size_t length = clone_suffix_length(suffix);
    if (length == 0) length = suffix.size();  // Not c++filt's grammar: keep it whole.
    out.append(" [clone ").append(suffix.substr(0, length)).append("]");
    suffix.remove_prefix(length);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text

// Characters of a symbol token, as c++filt reads them: [A-Za-z0-9_$.].
constexpr std::array<bool, 256> make_token_table() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '$' || c == '.';
  }
  return table;
}
constexpr std::array<bool, 256> kTokenChar = make_token_table();

bool is_token_char(char c) {
  return kTokenChar[static_cast<unsigned char>(c)];
}

bool looks_mangled(std::string_view token) {
  return starts_with(token, "_Z") || starts_with(token, "_R");
}

// The replacement for a token, or nullopt to keep it. Like c++filt, a token
// may start with one '.' (assembler local labels) that is kept.
std::optional<std::string> demangle_token(std::string_view token) {
  std::string_view prefix;
  if (!token.empty() && token[0] == '.') prefix = token.substr(0, 1);
  std::string_view symbol = token.substr(prefix.size());
  if (!looks_mangled(symbol)) return std::nullopt;
  DemangledName name = demangle(symbol);
  if (!name.demangled) return std::nullopt;
  return std::string(prefix) + name.display();
}

}  // namespace

DemangledName demangle(std::string_view symbol) {
  std::string_view s = strip_symbol_version(symbol);
  DemangledName result;
  result.name = std::string(s);
  if (starts_with(s, "_R") || starts_with(s, "_ZN")) {
    if (std::optional<RustName> rust = demangle_rust(s)) {
      result.name = std::move(rust->name);
      result.suffix = std::string(s.substr(rust->path_length));
      result.language = Language::Rust;
      result.demangled = true;
      return result;
    }
  }
  if (starts_with(s, "_Z")) {
    // GCC and LLVM append suffixes such as ".cold" or ".llvm.123" to the
    // mangled name; Itanium names themselves never contain a '.'.
    size_t dot = s.find('.');
    std::string_view mangled = s.substr(0, dot);
    if (std::optional<std::string> text = demangle_itanium(mangled)) {
      result.name = std::move(*text);
      result.suffix = std::string(s.substr(mangled.size()));
      result.language = Language::Cpp;
      result.demangled = true;
    }
  }
  return result;
}

std::string DemangledName::display() const {
  if (!demangled) return name;
  if (language == Language::Rust) return name + std::string(rustfilt_suffix(suffix));
  return name + cxxfilt_clone_suffixes(suffix);
}

std::string demangle_text(std::string_view text) {
  std::string out;
  size_t copied = 0;  // text[0, copied) is in `out` already
  size_t i = 0;
  while (i < text.size()) {
    // Mangled names start with '_' (or ".", see demangle_token): skip ahead.
    const void* hit = std::memchr(text.data() + i, '_', text.size() - i);
    if (!hit) break;
    size_t underscore = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    size_t start = underscore;
    if (start > i && text[start - 1] == '.') --start;
    // Only a '_' that starts a token counts; otherwise skip the whole token.
    bool at_token_start = start == 0 || !is_token_char(text[start - 1]);
    size_t end = underscore;
    while (end < text.size() && is_token_char(text[end])) ++end;
    if (at_token_start) {
      if (std::optional<std::string> replacement =
              demangle_token(text.substr(start, end - start))) {
        out.append(text.substr(copied, start - copied)).append(*replacement);
        copied = end;
      }
    }
    i = end;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

}  // namespace seam
