#include "engine/value_format.h"

#include <dwarf.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "engine/value_layout.h"
#include "symbolizer/demangle.h"
#include "symbolizer/dwarf_type_name.h"
#include "symbolizer/dwarf_type_walk.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// gdb's `repeat_count_threshold`: runs at least this long collapse.
constexpr size_t kRepeatThreshold = 10;
// All memory one format_value call may read through pointers, whatever the
// options and the DWARF say (a corrupt length must not read gigabytes).
constexpr size_t kReadBudget = 1 << 20;
// A referenced or pointed-to value larger than this is not read.
constexpr uint64_t kMaxPointee = 64 * 1024;

using Bytes = ValueBytes;

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// C escapes as gdb writes them: \n \t ..., \" or \' for the quote, octal
// for other non-printable bytes.
void escape_c(std::string& out, unsigned char c, char quote) {
  switch (c) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    case '\\': out += "\\\\"; return;
    default: break;
  }
  if (c == static_cast<unsigned char>(quote)) {
    out += '\\';
    out += quote;
  } else if (c >= 0x20 && c < 0x7f) {
    out += static_cast<char>(c);
  } else {
    out += sformat("\\%03o", c);
  }
}

// Rust escapes (as `{:?}` prints): UTF-8 kept, controls as \n or \u{..}.
void escape_rust(std::string& out, unsigned char c) {
  switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\\': out += "\\\\"; return;
    case '"': out += "\\\""; return;
    case '\0': out += "\\0"; return;
    default: break;
  }
  if (c < 0x20 || c == 0x7f) {
    out += sformat("\\u{%x}", c);
  } else {
    out += static_cast<char>(c);
  }
}

bool is_char_type(Dwarf_Die type) {
  Dwarf_Die t = strip_cv_typedef(type);
  if (dwarf_tag(&t) != DW_TAG_base_type) return false;
  std::optional<uint64_t> encoding = die_unsigned(t, DW_AT_encoding);
  std::optional<uint64_t> size = die_unsigned(t, DW_AT_byte_size);
  return size == 1u && encoding &&
         (*encoding == DW_ATE_signed_char || *encoding == DW_ATE_unsigned_char);
}

struct Field {
  std::string name;
  std::string value;
};

class Formatter {
 public:
  Formatter(Language language, ValueReader& reader, const ValueFormatOptions& options)
      : rust_(language == Language::Rust),
        cpp_(language == Language::Cpp),
        language_(language),
        reader_(reader),
        options_(options) {}

  std::string value(Dwarf_Die type, Bytes bytes, int depth) {
    if (depth > options_.max_depth + 16) return "...";  // cycles through pointers
    Dwarf_Die t = strip_cv_typedef(type);
    switch (dwarf_tag(&t)) {
      case DW_TAG_base_type: return base(t, bytes);
      case DW_TAG_enumeration_type: return enumeration(t, bytes);
      case DW_TAG_pointer_type: return pointer(t, bytes, depth);
      case DW_TAG_reference_type:
      case DW_TAG_rvalue_reference_type: return reference(t, bytes, depth);
      case DW_TAG_structure_type:
      case DW_TAG_class_type:
      case DW_TAG_union_type:
        return rust_ ? rust_struct(t, bytes, depth) : c_struct(t, bytes, depth);
      case DW_TAG_array_type: return array(t, bytes, depth);
      case DW_TAG_subroutine_type: return "{" + type_name(t, language_) + "}";
      default: {
        if (dwarf_tag(&t) == DW_TAG_typedef) return "<void>";
        return "<unknown type " + type_name(t, language_) + ">";
      }
    }
  }

 private:
  // --- memory through the reader -------------------------------------------
  std::optional<std::vector<std::byte>> read(uint64_t address, size_t size) {
    if (size > budget_) return std::nullopt;
    budget_ -= size;
    std::vector<std::byte> out(size);
    if (!reader_.read(address, out)) return std::nullopt;
    return out;
  }

  std::string symbolic(uint64_t address) {
    std::string text = hex(address);
    if (address == 0) return text;
    if (std::optional<std::string> symbol = reader_.symbol_for(address))
      text += " <" + *symbol + ">";
    return text;
  }

  // Bytes of a string at `address` up to its NUL: at most max_string (plus
  // one to know it was longer). Reads in chunks, then byte by byte near the
  // end of readable memory. nullopt when not even the first byte reads.
  std::optional<std::pair<std::string, bool>> c_string(uint64_t address) {
    std::string text;
    size_t limit = options_.max_string;
    constexpr size_t kChunk = 64;
    while (text.size() <= limit) {
      size_t want = std::min(kChunk, limit + 1 - text.size());
      std::optional<std::vector<std::byte>> chunk = read(address + text.size(), want);
      if (!chunk) {
        // Near the end of a mapping: what can be read byte by byte.
        bool any = false;
        for (size_t i = 0; i < want; ++i) {
          std::optional<std::vector<std::byte>> one = read(address + text.size(), 1);
          if (!one) break;
          any = true;
          char c = static_cast<char>((*one)[0]);
          if (c == '\0') return std::make_pair(text, false);
          text += c;
        }
        if (text.empty()) return std::nullopt;
        if (!any) return std::make_pair(text, false);
        continue;
      }
      for (std::byte b : *chunk) {
        char c = static_cast<char>(b);
        if (c == '\0') return std::make_pair(text, false);
        text += c;
        if (text.size() > limit) break;
      }
    }
    text.resize(limit);
    return std::make_pair(text, true);
  }

  std::string quoted(std::string_view text, bool truncated) {
    std::string out = "\"";
    for (char c : text) {
      if (rust_)
        escape_rust(out, static_cast<unsigned char>(c));
      else
        escape_c(out, static_cast<unsigned char>(c), '"');
    }
    out += '"';
    if (truncated) out += "...";
    return out;
  }

  // --- scalars ---------------------------------------------------------------
  std::string base(Dwarf_Die t, Bytes bytes) {
    uint64_t size = die_unsigned(t, DW_AT_byte_size).value_or(0);
    uint64_t encoding = die_unsigned(t, DW_AT_encoding).value_or(0);
    if (size == 0) return rust_ ? "()" : "<void>";
    if (bytes.size() < size) return kOptimizedOut;
    if (encoding == DW_ATE_float) return floating(bytes, size);
    if (size > 8) {
      // 128-bit integers: hex, most significant half first.
      std::string text = "0x";
      for (uint64_t i = size; i-- > 0;) text += sformat("%02x", static_cast<unsigned>(bytes[i]));
      return text;
    }
    uint64_t raw = *load_unsigned(bytes, 0, size);
    bool is_signed = encoding == DW_ATE_signed || encoding == DW_ATE_signed_char;
    int64_t signed_value = sign_extend(raw, static_cast<unsigned>(size * 8));
    std::string number = is_signed ? std::to_string(signed_value) : std::to_string(raw);
    switch (encoding) {
      case DW_ATE_boolean:
        if (raw == 0) return "false";
        if (raw == 1) return "true";
        return number;
      case DW_ATE_signed_char:
      case DW_ATE_unsigned_char: {
        if (rust_) return number;  // u8/i8 are numbers in Rust
        std::string out = number + " '";
        escape_c(out, static_cast<unsigned char>(raw), '\'');
        return out + "'";
      }
      case DW_ATE_UTF: {
        if (!rust_ || size != 4) return number;
        return "'" + utf8(static_cast<uint32_t>(raw)) + "'";
      }
      default: return number;
    }
  }

  static std::string utf8(uint32_t c) {
    if (c == '\'') return "\\'";
    if (c == '\\') return "\\\\";
    if (c == '\n') return "\\n";
    if (c == '\t') return "\\t";
    if (c == '\r') return "\\r";
    if (c == 0) return "\\0";
    if (c < 0x20 || c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) return sformat("\\u{%x}", c);
    std::string out;
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xe0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
    return out;
  }

  static std::string floating(Bytes bytes, uint64_t size) {
    // gdb prints the shortest digits that read back: %g with 9 or 17 digits.
    if (size == 4) {
      float f;
      std::memcpy(&f, bytes.data(), 4);
      return sformat("%.9g", static_cast<double>(f));
    }
    if (size == 8) {
      double d;
      std::memcpy(&d, bytes.data(), 8);
      return sformat("%.17g", d);
    }
    if (size == 16 || size == 10 || size == 12) {
      long double ld = 0;  // x86 80-bit extended, padded
      std::memcpy(&ld, bytes.data(), std::min<size_t>(sizeof ld, 10));
      return sformat("%.18Lg", ld);
    }
    return "<float of " + std::to_string(size) + " bytes>";
  }

  std::string enumeration(Dwarf_Die t, Bytes bytes) {
    uint64_t size = type_byte_size(t).value_or(0);
    std::optional<uint64_t> raw = load_unsigned(bytes, 0, size);
    if (!raw) return kOptimizedOut;
    bool is_signed = false;
    if (std::optional<Dwarf_Die> underlying = die_type(t)) {
      Dwarf_Die u = strip_cv_typedef(*underlying);
      uint64_t encoding = die_unsigned(u, DW_AT_encoding).value_or(0);
      is_signed = encoding == DW_ATE_signed || encoding == DW_ATE_signed_char;
    }
    uint64_t mask = size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (size * 8)) - 1;
    std::vector<std::pair<std::string, uint64_t>> enumerators;
    for (Dwarf_Die e : child_dies(t, DW_TAG_enumerator)) {
      std::optional<uint64_t> value = die_unsigned(e, DW_AT_const_value);
      if (value) enumerators.emplace_back(die_name(e), *value & mask);
    }
    std::string prefix;
    if (cpp_ && dwarf_hasattr(&t, DW_AT_enum_class)) prefix = qualified_name(t) + "::";
    for (const auto& [name, value] : enumerators)
      if (value == *raw) return prefix + name;
    std::string number =
        is_signed ? std::to_string(sign_extend(*raw, unsigned(size * 8))) : std::to_string(*raw);
    if (rust_ || cpp_ || *raw == 0) return number;
    // A flag enum (disjoint non-zero values, as gdb decides): its bits by name.
    uint64_t seen = 0;
    for (const auto& e : enumerators) {
      if (e.second == 0 || (seen & e.second) != 0) return number;
      seen |= e.second;
    }
    std::string text;
    uint64_t rest = *raw;
    for (const auto& [name, value] : enumerators) {
      if ((rest & value) != value) continue;
      text += (text.empty() ? "" : " | ") + name;
      rest &= ~value;
    }
    if (rest != 0) text += (text.empty() ? "unknown: " : " | unknown: ") + hex(rest);
    return "(" + text + ")";
  }

  // --- pointers --------------------------------------------------------------
  std::string pointer(Dwarf_Die t, Bytes bytes, int depth) {
    uint64_t size = type_byte_size(t).value_or(8);
    std::optional<uint64_t> address = load_unsigned(bytes, 0, size);
    if (!address) return kOptimizedOut;
    std::optional<Dwarf_Die> target = die_type(t);
    if (!rust_ && target && is_char_type(*target)) {
      if (*address == 0) return hex(0);
      std::optional<std::pair<std::string, bool>> text = c_string(*address);
      if (!text) return hex(*address) + " <error: cannot read " + hex(*address) + ">";
      return hex(*address) + " " + quoted(text->first, text->second);
    }
    // Rust references are never null and point to a live value: show it, as
    // Rust's Debug does, after the address (raw pointers stay addresses).
    if (rust_ && target && depth < options_.max_depth && *address != 0 &&
        type_name(t, language_).starts_with('&')) {
      std::optional<uint64_t> pointee_size = type_byte_size(*target);
      if (pointee_size && *pointee_size > 0 && *pointee_size <= kMaxPointee) {
        if (std::optional<std::vector<std::byte>> pointee = read(*address, *pointee_size)) {
          return symbolic(*address) + ": " + value(*target, *pointee, depth + 1);
        }
      }
    }
    return symbolic(*address);
  }

  // C++ references: gdb's "@0x404220: 5", the referenced value read.
  std::string reference(Dwarf_Die t, Bytes bytes, int depth) {
    std::optional<uint64_t> address = load_unsigned(bytes, 0, 8);
    if (!address) return kOptimizedOut;
    std::string text = "@" + hex(*address);
    std::optional<Dwarf_Die> target = die_type(t);
    if (!target) return text;
    std::optional<uint64_t> size = type_byte_size(*target);
    if (!size || *size > kMaxPointee) return text;
    std::optional<std::vector<std::byte>> pointee = read(*address, *size);
    if (!pointee) return text + ": <error: cannot read " + hex(*address) + ">";
    return text + ": " + value(*target, *pointee, depth);
  }

  // --- C and C++ aggregates ----------------------------------------------------
  // A bit field's value, or nullopt when the member is not one.
  std::optional<std::string> bit_field(Dwarf_Die member, Dwarf_Die type, Bytes bytes) {
    std::optional<BitFieldValue> bits = bit_field_value(member, type, bytes);
    if (!bits) return std::nullopt;
    if (!bits->problem.empty()) return bits->problem;
    return value(type, bits->bytes, 0);
  }

  std::string c_struct(Dwarf_Die t, Bytes bytes, int depth) {
    if (bytes.empty()) return kOptimizedOut;
    if (depth >= options_.max_depth) return "{...}";
    std::string text = "{";
    bool first = true;
    for (const AggregateMember& member : aggregate_members(t)) {
      std::string item;
      if (member.is_base) {
        item = "<" + type_name(member.type, language_) + "> = ";
      } else if (member.name) {
        item = *member.name + " = ";
      }
      std::optional<std::string> bits = bit_field(member.die, member.type, bytes);
      if (bits) {
        item += *bits;
      } else {
        uint64_t size = type_byte_size(member.type).value_or(0);
        Bytes field = byte_range(bytes, member.offset, size);
        item += (size != 0 && field.empty()) ? kOptimizedOut : value(member.type, field, depth + 1);
      }
      text += (first ? "" : ", ") + item;
      first = false;
    }
    return text + "}";
  }

  // --- arrays ----------------------------------------------------------------
  std::string array(Dwarf_Die t, Bytes bytes, int depth) {
    std::optional<Dwarf_Die> element = die_type(t);
    if (!element) return "<array of unknown type>";
    std::vector<uint64_t> dims = array_dimensions(t);
    if (dims.empty()) dims.push_back(0);
    uint64_t element_size = type_byte_size(*element).value_or(0);
    return array_dims(*element, element_size, dims, 0, bytes, depth);
  }

  std::string array_dims(Dwarf_Die element, uint64_t element_size,
                         const std::vector<uint64_t>& dims, size_t level, Bytes bytes, int depth) {
    uint64_t count = dims[level];
    uint64_t stride = element_size;
    for (size_t i = level + 1; i < dims.size(); ++i) stride *= dims[i];
    // An array of unknown bound (`extern const char linux_banner[]`): as
    // many elements as the caller gave bytes for.
    if (count == 0 && stride > 0) count = bytes.size() / stride;
    bool innermost = level + 1 == dims.size();
    if (count > 0 && stride > 0 && bytes.size() < stride) return kOptimizedOut;
    if (innermost && !rust_ && is_char_type(element))
      return char_array(byte_range(bytes, 0, count * stride));
    if (depth >= options_.max_depth) return rust_ ? "[...]" : "{...}";
    if (stride == 0 && count > 0) return rust_ ? "[...]" : "{...}";
    std::vector<std::string> items;
    for (uint64_t i = 0; i < count && (i + 1) * stride <= bytes.size(); ++i) {
      Bytes part = bytes.subspan(i * stride, stride);
      items.push_back(innermost
                          ? value(element, part, depth + 1)
                          : array_dims(element, element_size, dims, level + 1, part, depth + 1));
      // Bounded: the repeats below still count each element.
      if (items.size() >= options_.max_elements * kRepeatThreshold) break;
    }
    bool partial = items.size() < count;
    return list(items, partial, rust_ ? "[" : "{", rust_ ? "]" : "}");
  }

  // Elements with gdb's run-length form; at most max_elements entries shown.
  std::string list(const std::vector<std::string>& items, bool more, const char* open,
                   const char* close) {
    std::string text = open;
    size_t shown = 0;
    for (size_t i = 0; i < items.size();) {
      size_t run = 1;
      while (i + run < items.size() && items[i + run] == items[i]) ++run;
      if (shown == options_.max_elements) {
        more = true;
        break;
      }
      if (shown > 0) text += ", ";
      if (run >= kRepeatThreshold) {
        text += items[i] + " <repeats " + std::to_string(run) + " times>";
        i += run;
      } else {
        text += items[i];
        ++i;
      }
      ++shown;
    }
    if (more) text += "...";
    return text + close;
  }

  // gdb's char-array form: quoted segments, long runs as '\000' <repeats N
  // times>, the one trailing NUL of a C string dropped.
  std::string char_array(Bytes bytes) {
    size_t length = bytes.size();
    if (length > 0 && bytes[length - 1] == std::byte{0}) --length;
    size_t limit = std::min(length, options_.max_string);
    std::string text;
    std::string segment;
    bool in_quotes = false;
    auto close_quotes = [&] {
      if (in_quotes) text += segment + "\"";
      segment.clear();
      in_quotes = false;
    };
    for (size_t i = 0; i < limit;) {
      size_t run = 1;
      while (i + run < length && bytes[i + run] == bytes[i]) ++run;
      auto c = static_cast<unsigned char>(bytes[i]);
      if (run > kRepeatThreshold) {
        close_quotes();
        if (!text.empty()) text += ", ";
        std::string quoted_char = "'";
        escape_c(quoted_char, c, '\'');
        text += quoted_char + "' <repeats " + std::to_string(run) + " times>";
        i += run;
        continue;
      }
      if (!in_quotes) {
        if (!text.empty()) text += ", ";
        text += "\"";
        in_quotes = true;
      }
      escape_c(segment, c, '"');
      ++i;
    }
    close_quotes();
    if (text.empty()) text = "\"\"";
    if (limit < length) text += "...";
    return text;
  }

  // --- Rust ------------------------------------------------------------------
  std::string rust_struct(Dwarf_Die t, Bytes bytes, int depth) {
    if (bytes.empty() && type_byte_size(t).value_or(0) != 0) return kOptimizedOut;
    std::string name = die_name(t);
    std::vector<Dwarf_Die> parts = child_dies(t, DW_TAG_variant_part);
    if (!parts.empty()) return rust_enum(parts[0], bytes, depth);
    if (name == "&str" || name == "&mut str") return rust_str(t, bytes);
    if (starts_with(name, "&[") || starts_with(name, "&mut [") || starts_with(name, "*const [") ||
        starts_with(name, "*mut ["))
      return rust_slice(t, bytes, depth);
    if (name.find("dyn ") != std::string::npos && member_named(t, "vtable"))
      return rust_dyn(t, bytes);
    if (starts_with(name, "Box<") || starts_with(name, "NonNull<") ||
        starts_with(name, "Unique<")) {
      std::optional<PointerInside> inner = pointer_inside(t);
      std::optional<uint64_t> address =
          inner ? load_unsigned(bytes, inner->offset, 8) : std::nullopt;
      if (!address) return kOptimizedOut;
      return symbolic(*address);
    }
    if (name == "String" && qualified_name(t) == "alloc::string::String")
      return rust_string(t, bytes);
    if (starts_with(name, "Vec<") && starts_with(qualified_name(t), "alloc::vec::Vec<"))
      return rust_vec(t, bytes, depth);
    return rust_fields(name, t, bytes, 0, depth);
  }

  // Fields of a struct or enum variant in Rust syntax: `Name { a: 1 }`,
  // `Name(1, 2)`, `(1, 2)` for tuples, `Name` for unit structs.
  std::string rust_fields(const std::string& name, Dwarf_Die t, Bytes bytes, uint64_t base,
                          int depth) {
    std::vector<MemberLayout> fields;
    for (MemberLayout& m : data_members(t)) {
      if (is_rust_marker(m)) continue;
      fields.push_back(m);
    }
    bool tuple_struct =
        !fields.empty() && std::all_of(fields.begin(), fields.end(), [](const MemberLayout& m) {
          return starts_with(m.name, "__") && m.name.size() > 2 &&
                 std::isdigit(static_cast<unsigned char>(m.name[2]));
        });
    bool tuple = !name.empty() && name[0] == '(';
    if (fields.empty()) return tuple ? "()" : name;
    if (depth >= options_.max_depth)
      return tuple ? "(..)" : tuple_struct ? name + "(..)" : name + " { .. }";
    std::string text = tuple ? "(" : tuple_struct ? name + "(" : name + " { ";
    for (size_t i = 0; i < fields.size(); ++i) {
      const MemberLayout& m = fields[i];
      if (i > 0) text += ", ";
      if (!tuple && !tuple_struct) text += m.name + ": ";
      uint64_t size = type_byte_size(m.type).value_or(0);
      Bytes field = byte_range(bytes, base + m.offset, size);
      text += (size != 0 && field.size() < size) ? kOptimizedOut : value(m.type, field, depth + 1);
    }
    if (tuple && fields.size() == 1) text += ",";
    return text + (tuple || tuple_struct ? ")" : " }");
  }

  std::string rust_enum(Dwarf_Die part, Bytes bytes, int depth) {
    ActiveVariant variant = active_variant(part, bytes);
    if (!variant.member) return variant.problem;
    Dwarf_Die member = *variant.member;
    std::optional<Dwarf_Die> type = die_type(member);
    std::string name = die_name(member);
    if (!type) return name;
    return rust_fields(name, strip_cv_typedef(*type), bytes, member_offset(member), depth);
  }

  std::string rust_text(uint64_t address, uint64_t length) {
    uint64_t shown = std::min<uint64_t>(length, options_.max_string);
    if (shown == 0) return "\"\"";
    std::optional<std::vector<std::byte>> data = read(address, shown);
    if (!data) return hex(address) + " <error: cannot read " + hex(address) + ">";
    std::string text(reinterpret_cast<const char*>(data->data()), data->size());
    return quoted(text, shown < length);
  }

  std::string rust_str(Dwarf_Die t, Bytes bytes) {
    std::optional<std::pair<uint64_t, uint64_t>> slice = slice_parts(t, bytes);
    if (!slice) return kOptimizedOut;
    return rust_text(slice->first, slice->second);
  }

  std::string elements(Dwarf_Die element, uint64_t address, uint64_t length, int depth,
                       const char* open, const char* close) {
    uint64_t size = type_byte_size(element).value_or(0);
    uint64_t shown = std::min<uint64_t>(length, options_.max_elements);
    if (shown == 0) return std::string(open) + close;
    if (size == 0 || size > kMaxPointee) return std::string(open) + "..." + close;
    std::optional<std::vector<std::byte>> data = read(address, shown * size);
    if (!data) return hex(address) + " <error: cannot read " + hex(address) + ">";
    std::vector<std::string> items;
    for (uint64_t i = 0; i < shown; ++i)
      items.push_back(value(element, Bytes(*data).subspan(i * size, size), depth + 1));
    return list(items, shown < length, open, close);
  }

  std::string rust_slice(Dwarf_Die t, Bytes bytes, int depth) {
    std::optional<std::pair<uint64_t, uint64_t>> slice = slice_parts(t, bytes);
    std::optional<MemberLayout> p = member_named(t, "data_ptr");
    if (!slice || !p) return kOptimizedOut;
    Dwarf_Die pointer_type = strip_cv_typedef(p->type);
    std::optional<Dwarf_Die> element = die_type(pointer_type);
    if (!element) return kOptimizedOut;
    return elements(*element, slice->first, slice->second, depth, "&[", "]");
  }

  // &dyn Trait: the data pointer, and the concrete type when the vtable has
  // a symbol `<T as Trait>::{vtable}`.
  std::string rust_dyn(Dwarf_Die t, Bytes bytes) {
    std::optional<MemberLayout> p = member_named(t, "pointer");
    std::optional<MemberLayout> v = member_named(t, "vtable");
    if (!p || !v) return kOptimizedOut;
    std::optional<uint64_t> data = load_unsigned(bytes, p->offset, 8);
    std::optional<uint64_t> vtable = load_unsigned(bytes, v->offset, 8);
    if (!data || !vtable) return kOptimizedOut;
    std::string text = symbolic(*data);
    std::optional<std::string> symbol = reader_.symbol_for(*vtable);
    if (symbol) {
      std::string name = demangle(*symbol).name;
      size_t end = name.rfind("::{vtable}");
      if (end != std::string::npos) return text + " (" + name.substr(0, end) + ")";
    }
    return text + " (vtable " + hex(*vtable) + ")";
  }

  std::string rust_string(Dwarf_Die t, Bytes bytes) {
    std::optional<MemberLayout> vec = member_named(t, "vec");
    if (!vec) return rust_fields("String", t, bytes, 0, 0);
    std::optional<std::pair<uint64_t, uint64_t>> parts =
        vec_parts(strip_cv_typedef(vec->type), byte_range(bytes, vec->offset, bytes.size()));
    if (!parts) return kOptimizedOut;
    return rust_text(parts->first, parts->second);
  }

  std::string rust_vec(Dwarf_Die t, Bytes bytes, int depth) {
    std::optional<Dwarf_Die> element = template_type(t, "T");
    std::optional<std::pair<uint64_t, uint64_t>> parts = vec_parts(t, bytes);
    if (!element || !parts) return rust_fields(die_name(t), t, bytes, 0, depth);
    return elements(*element, parts->first, parts->second, depth, "vec![", "]");
  }

  bool rust_;
  bool cpp_;
  Language language_;
  ValueReader& reader_;
  const ValueFormatOptions& options_;
  size_t budget_ = kReadBudget;
};

}  // namespace

std::string format_value(Dwarf_Die type, std::span<const std::byte> bytes, Language language,
                         ValueReader& reader, const ValueFormatOptions& options) {
  if (language == Language::Unknown || language == Language::Assembly) language = Language::C;
  // Zero-sized values (Rust's `()`, unit structs) need no bytes.
  if (bytes.empty() && type_byte_size(type).value_or(1) != 0) return kOptimizedOut;
  Formatter formatter(language, reader, options);
  return formatter.value(type, bytes, 0);
}

}  // namespace seam::engine
